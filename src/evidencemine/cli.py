"""The ``evidencemine`` command line.

Exit status: 0 when every item succeeded, 1 when some failed (reported; the rest is written),
2 for usage or configuration errors.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evidencemine import __version__
from evidencemine.errors import ConfigError, EvidenceMineError
from evidencemine.settings import Settings, load_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("evidencemine")


def _err(message: str) -> None:
    from evidencemine.pipeline import terminal_safe

    print(f"evidencemine: {terminal_safe(' '.join(message.split()))}", file=sys.stderr)


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(getattr(args, "config", None))
    if getattr(args, "output", None):
        settings.output.dir = Path(args.output)
    elif hasattr(args, "output") and not Path(settings.output.dir).is_absolute():
        # never write into the working directory silently: say where the default points
        where = Path(settings.output.dir).resolve()
        _err(f"note: writing to {where} (output.dir; set --output or output.dir to choose)")
    return settings


def _progress(args: argparse.Namespace) -> Any:
    if getattr(args, "quiet", False):
        return None
    return lambda message: print(message, file=sys.stderr, flush=True)


# commands ---------------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace) -> int:
    from evidencemine.documents import LoadContext, load_document
    from evidencemine.documents.base import read_input_file, read_stream
    from evidencemine.output import validated_json
    from evidencemine.pipeline import parse_page

    if args.path.lower().startswith(("http://", "https://")):
        _err(f"{args.path}: parse reads files; use `evidencemine ingest URL` for URLs")
        return EXIT_USAGE
    settings = _settings(args)
    path = Path(args.path)
    kind = None if args.kind == "auto" else args.kind
    limits = settings.limits
    try:
        if args.path == "-":
            data = read_stream(sys.stdin.buffer, limits.file_max_bytes, "<stdin>")
        else:
            data = read_input_file(path, limits.file_max_bytes)
        context = LoadContext.from_settings(settings, url=args.url, path=str(path))
        document = load_document(data, context)
        print(validated_json(parse_page(document, kind=kind, nlp=settings.nlp)), end="")
    except EvidenceMineError as err:
        _err(str(err))
        return EXIT_FAILED
    return EXIT_OK


def _print_summary(report: dict[str, Any], *, quiet: bool = False) -> None:
    """The summary on stdout (unless quiet); each error once, on stderr (always)."""
    from evidencemine.pipeline import terminal_safe as safe

    counts = report["counts"]
    if not quiet:
        print("run " + report["run_id"] + ": " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        for entry in report["programmes"]:
            changes = "; ".join(entry["changes"])
            print(
                f"  {entry['status']:<9} {safe(entry['id'] or entry['input'])}"
                + (f"  [{safe(changes)}]" if changes else "")
            )
    for error in report["errors"]:
        _err(f"{error['input']}: {error['stage']}: {error['reason']}")
    if not quiet:
        print(f"output: {safe(report['output_dir'])}")


def _run_status(report: dict[str, Any]) -> int:
    """1 when an item failed, something was reported as an error, or nothing was reached."""
    from evidencemine.pipeline import report_failed

    if not report_failed(report):
        return EXIT_OK
    if not (report["counts"]["failed"] or report["errors"]):
        _err(f"run {report['run_id']}: no programme page was reached")
    return EXIT_FAILED


def cmd_ingest(args: argparse.Namespace) -> int:
    from evidencemine.pipeline import RunOptions, ingest

    settings = _settings(args)
    kind = None if args.kind == "auto" else args.kind
    options = RunOptions(kind=kind, offline=args.offline, mode="ingest")
    report = ingest(args.inputs, settings, options, progress=_progress(args))
    _print_summary(report, quiet=args.quiet)
    return _run_status(report)


def cmd_run(args: argparse.Namespace) -> int:
    from evidencemine.pipeline import crawl

    settings = _settings(args)
    report = crawl(
        settings,
        source_names=args.source or None,
        limit=args.limit,
        only_changed=not args.force,
        progress=_progress(args),
    )
    _print_summary(report, quiet=args.quiet)
    return _run_status(report)


def cmd_validate(args: argparse.Namespace) -> int:
    from evidencemine.output import validate_output
    from evidencemine.pipeline import terminal_safe

    problems = validate_output(args.dir, repair=True)
    for problem in problems:
        print(terminal_safe(problem), file=sys.stderr)
    if not problems:
        print(f"{args.dir}: valid")
    return EXIT_FAILED if problems else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from evidencemine.output import schema_text

    print(schema_text(), end="")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from evidencemine_demo.demo import run_demo

    settings = _settings(args)
    return run_demo(settings, progress=_progress(args))


def cmd_export(args: argparse.Namespace) -> int:
    from evidencemine.export import ExportError, export_output

    try:
        result = export_output(args.dir, args.format, args.to)
    except (ExportError, OSError) as err:
        _err(str(err))
        return EXIT_FAILED
    for problem in result.problems:
        _err(f"skipped {problem}")
    if not args.quiet:
        print(f"{result.records} records -> " + ", ".join(str(p) for p in result.paths))
    return EXIT_FAILED if result.problems else EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from evidencemine.report import ReportError, build_report

    try:
        result = build_report(args.dir, args.to)
    except (ReportError, OSError) as err:
        _err(str(err))
        return EXIT_FAILED
    for problem in result.problems:
        _err(f"skipped {problem}")
    if not args.quiet:
        print(f"report: {result.index}")
    return EXIT_FAILED if result.problems else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Run ``python -m evidencemine_flows.serve`` in a child process of its own session (the
    library stays free of Prefect). SIGTERM and SIGINT are passed on to the child; when it
    ends, or does not end within ``SERVE_GRACE_S`` of a signal, whatever it started (flow runs
    and their workers) is stopped with it."""
    import importlib.util

    if importlib.util.find_spec("prefect") is None:
        _err("serve needs Prefect: pip install 'evidencemine[flows]'")
        return EXIT_USAGE
    options = [
        part
        for name in ("config", "cron", "timezone", "limit", "deployments")
        if getattr(args, name, None) is not None
        for part in (f"--{name}", str(getattr(args, name)))
    ] + (["--ephemeral"] if getattr(args, "ephemeral", False) else [])
    from evidencemine_flows import apply_prefect_defaults

    environ = dict(os.environ)
    apply_prefect_defaults(environ)
    return run_child([sys.executable, "-m", "evidencemine_flows.serve", *options], environ)


SERVE_GRACE_S = 30.0


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def run_child(command: list[str], environ: dict[str, str], grace_s: float | None = None) -> int:
    """Run ``command`` as the leader of a new process group; pass SIGTERM and SIGINT on to the
    group; when the child ends (or ``grace_s`` after a signal) end the rest of its group."""
    grace = SERVE_GRACE_S if grace_s is None else grace_s
    child = subprocess.Popen(command, env=environ, start_new_session=True)
    received: list[int] = []

    def forward(signum: int, frame: object) -> None:
        received.append(signum)
        _signal_group(child.pid, signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                code = child.wait(timeout=grace if received else None)
                break
            except subprocess.TimeoutExpired:
                _signal_group(child.pid, signal.SIGKILL)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _signal_group(child.pid, signal.SIGTERM)  # runs or workers the child left behind
        deadline = time.monotonic() + grace
        while _group_alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        _signal_group(child.pid, signal.SIGKILL)
    if received and code in (-signal.SIGTERM, -signal.SIGINT, 128 + signal.SIGINT):
        return EXIT_OK  # stopped as asked
    return code if code >= 0 else EXIT_FAILED


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


# parser -----------------------------------------------------------------------------------


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from err
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _common(parser: argparse.ArgumentParser, *, output: bool = True) -> None:
    parser.add_argument("--config", type=Path, help="a TOML file overlaying the defaults")
    if output:
        parser.add_argument("--output", type=Path, help="output folder (default: output.dir)")
    parser.add_argument("--quiet", action="store_true", help="no progress or summary")


def build_parser() -> argparse.ArgumentParser:
    from evidencemine.sources import kinds as adapter_kinds

    parser = argparse.ArgumentParser(prog="evidencemine", description=__doc__.splitlines()[1])
    parser.add_argument("--version", action="version", version=f"evidencemine {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    kinds = ["auto", *adapter_kinds()]

    p = sub.add_parser("parse", help="one page (HTML, PDF or text export) to JSON on stdout")
    p.add_argument("path", help="a file, or - for standard input")
    p.add_argument("--url", help="the page's URL (for ids and links)")
    p.add_argument("--kind", choices=kinds, default="auto")
    p.add_argument("--config", type=Path, help="a TOML file overlaying the defaults")
    p.set_defaults(handler=cmd_parse)

    p = sub.add_parser("ingest", help="the full pipeline for the given URLs or files")
    p.add_argument("inputs", nargs="+", metavar="URL_OR_PATH")
    p.add_argument("--kind", choices=kinds, default="auto")
    p.add_argument("--offline", action="store_true", help="no network: no fetching, no resolution")
    _common(p)
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser("run", help="crawl the configured sources (scheduled runs)")
    p.add_argument("--source", action="append", help="only this source (repeatable)")
    p.add_argument(
        "--limit", type=_non_negative, help="at most this many programme pages per source"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="re-parse pages whose content is unchanged since the last run",
    )
    _common(p)
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("validate", help="check an output folder against the schema")
    p.add_argument("dir", type=Path)
    p.set_defaults(handler=cmd_validate)

    from evidencemine.export import FORMATS

    p = sub.add_parser(
        "export", help="flat tables (CSV, Parquet, DuckDB) or references (CSL-JSON, BibTeX, RIS)"
    )
    p.add_argument("dir", type=Path, metavar="OUTPUT_DIR")
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument("--to", type=Path, help="file or folder to write (default: OUTPUT_DIR/export/)")
    p.add_argument("--quiet", action="store_true", help="no summary")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("report", help="a static HTML evidence report of an output folder")
    p.add_argument("dir", type=Path, metavar="OUTPUT_DIR")
    p.add_argument("--to", type=Path, help="site folder (default: OUTPUT_DIR/report/)")
    p.add_argument("--quiet", action="store_true", help="no summary")
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("schema", help="print the programme-evidence JSON Schema")
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("demo", help="the full pipeline on the bundled sample site, offline")
    _common(p)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser(
        "serve",
        help="serve the Prefect deployments of prefect.yaml (needs the flows extra)",
        description="Serve the scheduled pipeline and the manual re-ingestion deployments "
        "against the Prefect server in PREFECT_API_URL (runs evidencemine_flows.serve in a "
        "child process; SIGTERM and SIGINT stop it and every flow run it started).",
    )
    p.add_argument("--config", help="evidencemine TOML given to every flow run")
    p.add_argument("--cron", help="cron of the scheduled pipeline (default: prefect.yaml's)")
    p.add_argument("--timezone", help="time zone of the cron (default: prefect.yaml's)")
    p.add_argument("--limit", type=int, help="at most this many concurrent flow runs")
    p.add_argument("--deployments", help="a prefect.yaml (default: the one shipped)")
    p.add_argument(
        "--ephemeral",
        action="store_true",
        help="without PREFECT_API_URL, serve against a temporary Prefect server (said on stderr)",
    )
    p.set_defaults(handler=cmd_serve)

    from evidencemine.nlp.commands import register

    register(sub)
    return parser


class _TerminalSafeFormatter(logging.Formatter):
    """Log lines with control characters escaped (names from pages and files can carry
    terminal escape sequences)."""

    def format(self, record: logging.LogRecord) -> str:
        from evidencemine.pipeline import terminal_safe

        return "\n".join(terminal_safe(line) for line in super().format(record).split("\n"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    existing = set(logging.getLogger().handlers)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        if handler not in existing:  # ours, on the terminal: escape control characters
            handler.setFormatter(_TerminalSafeFormatter("%(levelname)s %(name)s: %(message)s"))
        if not args.verbose:  # item failures are printed once, from the run report
            handler.addFilter(lambda record: not getattr(record, "in_run_report", False))
    try:
        return int(args.handler(args))
    except ConfigError as err:
        _err(str(err))
        return EXIT_USAGE
    except EvidenceMineError as err:  # the output folder cannot be written, or is locked
        _err(str(err))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as err:  # never a traceback on the terminal: it goes to the debug log
        log.debug("unexpected error", exc_info=err)
        _err(f"unexpected error: {type(err).__name__}: {err} (run with -v for the traceback)")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
