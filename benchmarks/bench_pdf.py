"""PDF loader throughput on a generated 20-page two-column paper.

Prints pages per second for (a) pdfplumber's bare ``extract_words`` on every page (the
baseline, measured in the same run), (b) our loader, split into the time spent inside
pdfplumber/pdfminer and the time spent in our own post-processing, and (c) the same loader
with the common wasteful pattern (``extract_text`` per page on top of the words) for contrast.

Run: ``.venv/bin/python benchmarks/bench_pdf.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import pdfplumber

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "pdf"))

from pdf_fixtures import two_column_paper

from evidencemine.documents import LoadContext
from evidencemine.documents.pdf import LoadTimings, load_pdf

TARGET_PAGES = 20


def make_paper() -> tuple[bytes, int]:
    """A two-column paper of exactly ``TARGET_PAGES`` pages (repeating the body text)."""
    repeat = 1
    while True:
        data = two_column_paper(repeat=repeat)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
        if pages >= TARGET_PAGES:
            return data, pages
        repeat += max(1, (TARGET_PAGES - pages) // 2)


def bare_extract_words(data: bytes) -> float:
    started = time.perf_counter()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.close()
    return time.perf_counter() - started


def wasteful(data: bytes) -> float:
    """Words plus ``extract_text`` on every page: a second pass over the characters."""
    started = time.perf_counter()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_words(extra_attrs=["fontname", "size"])
            page.extract_text()
            page.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data, pages = make_paper()
    print(f"paper: {pages} pages, two columns, {len(data):,} bytes; best of {args.repeat} runs")

    baseline = min(bare_extract_words(data) for _ in range(args.repeat))
    runs: list[LoadTimings] = []
    for _ in range(args.repeat):
        timings = LoadTimings()
        load_pdf(data, LoadContext(path="bench.pdf"), timings=timings)
        runs.append(timings)
    best = min(runs, key=lambda t: t.total_s)
    waste = min(wasteful(data) for _ in range(args.repeat))

    print(f"pdfplumber extract_words (baseline): {pages / baseline:7.1f} pages/s")
    print(f"evidencemine PDF loader:             {pages / best.total_s:7.1f} pages/s")
    print(
        f"  of which pdfplumber/pdfminer:      {best.pdfplumber_s * 1000 / pages:7.1f} ms/page "
        f"({best.pdfplumber_s / best.total_s:.0%})"
    )
    print(
        f"  of which our post-processing:      {best.postprocess_s * 1000 / pages:7.1f} ms/page "
        f"({best.postprocess_s / best.total_s:.0%})"
    )
    print(f"ratio loader / bare extract_words:   {best.total_s / baseline:7.2f}x the time")
    print(f"words + extract_text per page:       {waste / baseline:7.2f}x the baseline's time")
    spread = statistics.pstdev(r.total_s for r in runs) / best.total_s
    print(f"loader run-to-run spread:            {spread:7.1%}")


if __name__ == "__main__":
    main()
