"""Abstracts per second through the full extraction against bare ``spacy.blank("en")``
tokenisation of the same texts, measured in the same run. Prints the ratio (target >= 0.5).

    python benchmarks/bench_extract.py [--repeat N] [--batch-size N] [--processes N]

Texts: the gold abstracts in ``tests/nlp/gold/`` plus, when ``../shared/corpus/`` is beside
the checkout, the EBM-NLP abstracts, the whole list repeated ``--copies`` times.

Fairness: both sides get the same texts, the same number of times, in the same process and run;
each side's figure is its fastest of ``--repeat`` full passes. The extraction side is the public
``extract_texts`` (``nlp.pipe``, all components, and the ``Extraction`` models), with nothing
cached across texts or repeats except what spaCy itself caches (vocabulary, lexemes, tokeniser
cache), which the bare tokeniser enjoys just the same. There is no per-text result cache.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import spacy

from evidencemine.nlp import extract_texts, get_pipeline

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "nlp" / "gold" / "abstracts.jsonl"
EBMNLP = (
    ROOT.parent / "shared" / "corpus" / "ebmnlp" / "ebmnlp_dev_crowd_sample_size_first200.jsonl"
)


def load_texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in GOLD.read_text().splitlines() if line.strip()]
    if EBMNLP.exists():
        texts += [json.loads(line)["text"] for line in EBMNLP.read_text().splitlines() if line]
    return texts


def best_rate(run: Callable[[], object], count: int, repeat: int) -> float:
    """Texts per second of the fastest of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--copies", type=int, default=3, help="repeat the corpus this many times")
    args = parser.parse_args()
    texts = load_texts() * args.copies
    items = [(f"bench:{i}", t) for i, t in enumerate(texts)]
    blank = spacy.blank("en")
    get_pipeline()  # build outside the timing
    extract_texts(items[:10])
    words = sum(len(t.split()) for t in texts) / len(texts)

    def tokenise() -> None:
        for _ in blank.pipe(texts, batch_size=args.batch_size):
            pass

    def extract() -> None:
        extract_texts(items, batch_size=args.batch_size, n_process=args.processes)

    base = best_rate(tokenise, len(texts), args.repeat)
    full = best_rate(extract, len(texts), args.repeat)
    print(
        f"texts: {len(texts)} (mean {words:.0f} words; {len(texts) // args.copies} distinct, "
        f"x{args.copies}), batch size {args.batch_size}, processes {args.processes}, "
        f"best of {args.repeat} passes each"
    )
    print(f"bare spacy.blank('en') tokenisation (nlp.pipe):  {base:8.0f} abstracts/s")
    print(f"full extraction (extract_texts -> Extraction):  {full:8.0f} abstracts/s")
    print(f"ratio extraction/tokenisation: {full / base:.2f} (target >= 0.50)")


if __name__ == "__main__":
    main()
