"""``evidencemine extract`` and ``evidencemine eval``: register them on the CLI's subparsers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from evidencemine.errors import EvidenceMineError, InputError
from evidencemine.models import Extraction
from evidencemine.nlp.evaluate import ebmnlp_hit_rate, evaluate_gold, format_table, read_jsonl
from evidencemine.nlp.extract import extract_text, extract_texts
from evidencemine.nlp.realeval import HALVES, evaluate_corpus, format_real_table, real_files
from evidencemine.settings import load_settings

EXIT_OK = 0
EXIT_USAGE = 2


def extraction_json(extraction: Extraction) -> dict[str, Any]:
    """The CLI result object: design, sample_size, countries, outcomes, timepoints_months,
    comparison (see design.md, "CLI contract")."""
    data = extraction.model_dump(mode="json")
    return {
        "design": data["design"],
        "sample_size": data["sample_size"],
        "countries": data["countries"],
        "outcomes": data["outcomes"],
        "timepoints_months": data["timepoints_months"],
        "comparison": data["comparison"],
    }


def _read_text(path: str) -> tuple[str, str]:
    from evidencemine.documents.base import read_input_file, read_stream

    if path == "-":
        data, source = read_stream(sys.stdin.buffer, 60_000_000, "<stdin>"), "stdin"
    else:
        data, source = read_input_file(path), f"file:{path}"  # InputError: one clean line
    try:
        return source, data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text (byte {err.start})", source=path) from err


def _jsonl_items(path: Path) -> list[tuple[Any, str]]:
    items = []
    for number, data in read_jsonl(path):
        if "id" not in data or not isinstance(data.get("text"), str):
            raise InputError(f"line {number}: needs an id and a string text", source=str(path))
        items.append((data["id"], data["text"]))
    return items


def run_extract(args: argparse.Namespace) -> int:
    """Handler of ``extract``: one text to one JSON object, or JSONL to JSONL."""
    try:
        nlp = load_settings(args.config).nlp
        if args.jsonl:
            items = _jsonl_items(Path(args.jsonl))
            results = extract_texts(
                ((str(item_id), text) for item_id, text in items),
                batch_size=nlp.batch_size,
                n_process=nlp.n_process,
                patterns_dir=nlp.patterns_dir,
                clean=args.clean,
            )
            for (item_id, _), extraction in zip(items, results, strict=True):
                line = {"id": item_id, **extraction_json(extraction)}
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
            return EXIT_OK
        source, text = _read_text(args.path)
        found = extract_text(text, source=source, patterns_dir=nlp.patterns_dir, clean=args.clean)
        result = extraction_json(found)
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    except EvidenceMineError as err:
        sys.stderr.write(f"evidencemine: {err}\n")
        return EXIT_USAGE


def run_eval(args: argparse.Namespace) -> int:
    """Handler of ``eval``: per-field figures on a gold JSONL file, as a table or JSON."""
    try:
        figures: dict[str, Any] = {}
        if args.gold:
            figures = evaluate_gold(Path(args.gold))
        if args.ebmnlp:
            figures["ebmnlp_sample_size"] = ebmnlp_hit_rate(Path(args.ebmnlp))
        halves = HALVES if args.half == "both" else (args.half,)
        real = [
            evaluate_corpus(
                path,
                halves=halves,
                limit=args.limit,
                as_page=args.as_page or args.flat_share > 0,
                flat_share=args.flat_share,
            )
            for path in real_files([Path(p) for p in args.real or []])
        ]
    except EvidenceMineError as err:
        sys.stderr.write(f"evidencemine: {err}\n")
        return EXIT_USAGE
    if not figures and not real:
        sys.stderr.write("evidencemine: give a gold file, --real PATH or --ebmnlp PATH\n")
        return EXIT_USAGE
    if args.json:
        out: dict[str, Any] = {**figures, "real": real} if real else figures
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        if figures:
            sys.stdout.write(format_table(figures) + "\n")
        if real:
            sys.stdout.write(format_real_table(real))
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``extract`` and ``eval`` subcommands (handler in ``args.handler``)."""
    extract = subparsers.add_parser(
        "extract",
        help="extract design, sample size, countries, outcomes, time points from text",
        description="Free text (an abstract) to JSON on stdout; --jsonl for one result per line.",
    )
    extract.add_argument("path", nargs="?", default="-", help="text file, or - for stdin")
    extract.add_argument(
        "--jsonl", metavar="FILE", help='lines {"id": ..., "text": ...}; one JSON line out each'
    )
    extract.add_argument("--config", type=Path, help="a TOML file overlaying the defaults")
    extract.add_argument(
        "--clean",
        action="store_true",
        help="first reduce a scraped page (HTML or text) to title, abstract and methods; "
        "evidence offsets still index the input",
    )
    extract.set_defaults(handler=run_extract)
    evaluate = subparsers.add_parser(
        "eval",
        help="score the extraction against a gold JSONL file",
        description="Per-field figures: design accuracy, sample size, countries, outcomes, "
        "time points, comparison.",
    )
    evaluate.add_argument("gold", nargs="?", help="gold JSONL file")
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of a table")
    evaluate.add_argument(
        "--ebmnlp", metavar="PATH", help="also report the sample-size hit rate on EBM-NLP JSONL"
    )
    evaluate.add_argument(
        "--real",
        metavar="PATH",
        action="append",
        help="a real labelled corpus (JSONL, format detected) or a folder of them; repeatable",
    )
    evaluate.add_argument(
        "--half",
        choices=("tune", "check", "both"),
        default="both",
        help="which half of each real corpus to score (split by sha256 of the id; default both)",
    )
    evaluate.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help="score at most N documents of each half (the first by sha256 of the id)",
    )
    evaluate.add_argument(
        "--as-page",
        action="store_true",
        help="wrap each real document in the chrome of a scraped web page (seeded by its id) "
        "and clean it first, as scraped study text is",
    )
    evaluate.add_argument(
        "--flat-share",
        type=float,
        default=0.0,
        metavar="F",
        help="with --as-page: the share of text pages scraped flat (blocks joined by spaces)",
    )
    evaluate.set_defaults(handler=run_eval)
