"""Evaluation gate: per-field figures on the gold set must not drop below pinned floors.

The floors are the measured figures rounded down a little. The gold set was written for this
project (72 abstracts from parenting, home visiting, attachment, child mental health and early
education, with the traps the issue lists); the rules were developed against it, so these
figures are an upper bound for unseen text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evidencemine.nlp.evaluate import ebmnlp_hit_rate, evaluate_gold, load_gold

GOLD = Path(__file__).parent / "gold" / "abstracts.jsonl"
EBMNLP = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "corpus"
    / "ebmnlp"
    / "ebmnlp_dev_crowd_sample_size_first200.jsonl"
)

FLOORS = {
    ("design", "accuracy"): 0.97,
    ("sample_size", "precision"): 0.92,
    ("sample_size", "coverage"): 0.97,
    ("countries", "f1"): 0.97,
    ("outcomes", "f1"): 0.92,
    ("timepoints", "f1"): 0.93,
    ("comparison", "f1"): 0.97,  # measured 1.00 (was 0.90 before the second-arm rules)
}
EBMNLP_FLOORS = {"hit_rate": 0.90, "precision": 0.95}  # measured 0.923 / 0.966


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    return evaluate_gold(GOLD)


def test_gold_set_is_large_and_labelled() -> None:
    items = load_gold(GOLD)
    assert len(items) >= 60
    assert len({i.id for i in items}) == len(items)
    assert all(i.design for i in items)


@pytest.mark.parametrize(("field", "measure"), sorted(FLOORS))
def test_gold_floor(figures: dict[str, Any], field: str, measure: str) -> None:
    assert figures[field][measure] >= FLOORS[(field, measure)], figures[field]


def test_ebmnlp_sample_size_hit_rate() -> None:
    if not EBMNLP.exists():
        pytest.skip(f"EBM-NLP corpus not found at {EBMNLP} (shared/ is not beside the checkout)")
    figures = ebmnlp_hit_rate(EBMNLP)
    assert figures["labelled"] >= 80
    for measure, floor in EBMNLP_FLOORS.items():
        assert figures[measure] >= floor, figures


HELDOUT = Path(__file__).parent / "gold" / "heldout.jsonl"
# Ten abstracts written after the rules were frozen and scored once; kept as a check that
# the rules generalise, with looser floors (ten items move a figure by 0.1 each).
HELDOUT_FLOORS = {
    ("design", "accuracy"): 0.8,
    ("sample_size", "precision"): 0.8,
    ("countries", "f1"): 0.9,
    ("outcomes", "f1"): 0.7,
    ("timepoints", "f1"): 0.9,
}


def test_heldout_floors() -> None:
    figures = evaluate_gold(HELDOUT)
    for (field, measure), floor in HELDOUT_FLOORS.items():
        assert figures[field][measure] >= floor, (field, figures[field])
