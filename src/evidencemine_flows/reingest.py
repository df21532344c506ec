"""Manual re-ingestion: one URL (or local path) through the pipeline, replacing that one record.

The record is written atomically (the old file stays whole until the new one is in place; a
failed fetch or parse never touches it). The flow's result, artifact and run log say what
changed: ``report["programmes"][0]["changes"]``. With the decorators taken off this is the
library's ``ingest([url], settings)``.

    prefect deployment run 'reingest/manual' --param url=https://.../programme/some-programme
    .venv/bin/python flows/manual.py URL_OR_PATH [--output DIR] [--kind KIND]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prefect import flow, get_run_logger

from evidencemine.pipeline import RunOptions, is_url, report_failed, run_client, start_run
from evidencemine.settings import Settings
from evidencemine_flows.pipeline import FLOW_LOCK_WAIT_S, api_url, fetch_pages, finish_pages
from evidencemine_flows.runners import run_settings, task_runners


def reingest_run_name() -> str:
    """``reingest <url>`` in the UI."""
    from prefect.runtime import flow_run

    return f"reingest {flow_run.parameters.get('url')}"


class ReingestFailedError(Exception):
    """The page could not be re-ingested (its last good record is kept): the flow run ends
    Failed. ``report`` is the run report, written as for any run."""

    def __init__(self, report: dict[str, Any]) -> None:
        entry = report["programmes"][0]
        reasons = "; ".join(f"{e['stage']}: {e['reason']}" for e in report["errors"])
        super().__init__(f"{entry['input']}: {reasons or entry['status']}")
        self.report = report


def run_reingest(settings: Settings, url: str, kind: str | None = None) -> dict[str, Any]:
    """The body of :func:`reingest` for already-built settings."""
    state = start_run(settings, RunOptions(kind=kind, mode="ingest"))
    with (
        state.store.lock(wait_s=FLOW_LOCK_WAIT_S),
        run_client(settings) as client,
        task_runners(settings, api_url()) as runners,
    ):
        fetch_pages(state, client if is_url(url) else None, [url], [None], runners)
        report = finish_pages(state, client, runners)
    entry = report["programmes"][0]
    get_run_logger().info(
        "%s: %s (%s)",
        entry["id"] or url,
        entry["status"],
        "; ".join(entry["changes"]) or "no changes",
    )
    return report


@flow(name="reingest", flow_run_name=reingest_run_name)
def reingest(
    url: str,
    output_dir: str | None = None,
    config: str | None = None,
    kind: str | None = None,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Re-ingest one page (``url``: a URL or a local path) and replace its record.

    ``kind`` forces the source adapter (``eif-guidebook``, ``research-project``); ``config``
    and ``settings`` as for ``guidebook-pipeline``. Returns the run report; when the page
    fails, raises :class:`ReingestFailedError` (carrying the report), so the run is Failed."""
    report = run_reingest(run_settings(config, output_dir, settings), url, kind)
    if report["counts"]["failed"]:
        raise ReingestFailedError(report)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Re-ingest one input once (ephemeral Prefect unless PREFECT_API_URL names a server)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--output")
    parser.add_argument("--config")
    parser.add_argument("--kind")
    args = parser.parse_args(argv)
    try:
        report = reingest(args.url, output_dir=args.output, config=args.config, kind=args.kind)
    except ReingestFailedError as err:
        report = err.report
    entry = report["programmes"][0]
    print(
        f"{entry['status']}: {entry['id'] or entry['input']}: "
        f"{'; '.join(entry['changes']) or 'no changes'}"
    )
    return 1 if report_failed(report) else 0


if __name__ == "__main__":
    raise SystemExit(main())
