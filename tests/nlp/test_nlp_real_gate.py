"""Accuracy gate on real labelled corpora: the CHECK half of each corpus in
``../shared/corpus/real/`` (split by sha256 of the document id, see
:mod:`evidencemine.nlp.realeval`) must stay at or above pinned floors.

The floors are the measured check-half figures rounded down a little; raise them when the
rules improve, never lower them without saying why in the changelog. Rules are tuned on the
tune halves only. Without ``../shared`` the gate skips locally and FAILS under CI (CI=true).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from evidencemine.nlp.realeval import evaluate_corpus

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"

# (corpus, field, measure): floor on the check half
FLOORS: dict[tuple[str, str, str], float] = {
    ("pubmed2019_study_design", "design", "rct_precision"): 0.48,  # was 0.26
    ("pubmed2019_study_design", "design", "rct_recall"): 0.90,
    ("pubmed2019_study_design", "design", "review_precision"): 0.78,  # was 0.76, 0.72, 0.70, 0.46
    ("pubmed2019_study_design", "design", "review_recall"): 0.90,
    ("pubmed2019_study_design", "design", "protocol_f1"): 0.70,  # was 0.60
    # RCT recall on hundreds of trial reports (every document an RCT), not 13 of random PubMed
    ("pico_rct_abstracts", "design", "rct_recall"): 0.88,
    ("evidence_outcomes_rct", "design", "rct_recall"): 0.81,
    ("pico_rct_abstracts", "sample_size", "hit"): 0.88,  # was 0.87, 0.83
    ("pico_rct_abstracts", "sample_size", "precision"): 0.91,  # was 0.90, 0.88
    # f1 over documents whose expert locations name a country (0.74 -> 0.94 with the site
    # rules; the measure was over every document before); precision over every document
    ("pico_rct_abstracts", "countries", "f1"): 0.93,  # was 0.92
    ("pico_rct_abstracts", "countries", "precision_all_docs"): 0.61,  # was 0.60
    ("ebmnlp_dev_crowd", "sample_size", "hit"): 0.89,  # was 0.88
    ("ebmnlp_dev_crowd", "sample_size", "precision"): 0.94,  # was 0.92
    ("ebmnlp_train_crowd", "sample_size", "hit"): 0.88,  # was 0.86
    ("ebmnlp_train_crowd", "sample_size", "precision"): 0.93,
    ("evidence_outcomes_rct", "outcomes", "f1"): 0.37,
    ("outcome_timeframes_covid", "timepoints", "f1"): 0.84,  # was 0.07 (days)
}
CORPORA = sorted({corpus for corpus, _, _ in FLOORS})


def _require_shared() -> None:
    if REAL.is_dir():
        return
    reason = f"real corpora folder {REAL} is absent (it sits beside the checkout as ../shared)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; under CI the accuracy gate must run")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def check_figures() -> dict[str, dict[str, Any]]:
    _require_shared()
    results = {}
    for corpus in CORPORA:
        path = REAL / f"{corpus}.jsonl"
        assert path.is_file(), f"real corpus {path} is missing"
        results[corpus] = evaluate_corpus(path, halves=("check",))
    return results


@pytest.mark.parametrize(("corpus", "field", "measure"), sorted(FLOORS))
def test_check_half_floor(
    check_figures: dict[str, dict[str, Any]], corpus: str, field: str, measure: str
) -> None:
    figures = check_figures[corpus]["fields"][field]["check"]
    assert figures[measure] >= FLOORS[(corpus, field, measure)], (corpus, field, figures)


def test_check_halves_are_substantial(check_figures: dict[str, dict[str, Any]]) -> None:
    # a broken split or loader would leave a half nearly empty
    for corpus, result in check_figures.items():
        assert result["docs"]["check"] >= 20, (corpus, result["docs"])


# scraped-page mode (``eval --as-page``): each check-half abstract wrapped in the chrome of a
# scraped page (seeded by its id), cleaned, then extracted; floors on the check half
PAGE_FLOORS: dict[tuple[str, str, str], float] = {
    ("pico_rct_abstracts", "countries", "f1"): 0.93,  # 0.56 before the page cleaning rules
    ("pico_rct_abstracts", "countries", "precision_all_docs"): 0.61,
    ("pico_rct_abstracts", "sample_size", "hit"): 0.88,  # was 0.87, 0.83
}


@pytest.fixture(scope="module")
def page_figures() -> dict[str, dict[str, Any]]:
    _require_shared()
    corpora = sorted({corpus for corpus, _, _ in PAGE_FLOORS})
    return {
        corpus: evaluate_corpus(REAL / f"{corpus}.jsonl", halves=("check",), as_page=True)
        for corpus in corpora
    }


@pytest.mark.parametrize(("corpus", "field", "measure"), sorted(PAGE_FLOORS))
def test_check_half_floor_as_page(
    page_figures: dict[str, dict[str, Any]], corpus: str, field: str, measure: str
) -> None:
    figures = page_figures[corpus]["fields"][field]["check"]
    assert figures[measure] >= PAGE_FLOORS[(corpus, field, measure)], (corpus, field, figures)


def test_page_chrome_does_not_leak(page_figures: dict[str, dict[str, Any]]) -> None:
    for corpus, result in page_figures.items():
        page = result["fields"]["page"]["check"]
        assert page["countries_in_chrome"] == 0, (corpus, page)
        assert page["evidence_off_page"] == 0, (corpus, page)


def test_flattened_pages_floor() -> None:
    # every text page scraped flat (blocks joined by spaces): 0.48 before the rules that
    # split such pages into their blocks, 0.93 after
    _require_shared()
    result = evaluate_corpus(
        REAL / "pico_rct_abstracts.jsonl", halves=("check",), as_page=True, flat_share=1.0
    )
    assert result["fields"]["countries"]["check"]["f1"] >= 0.92, result["fields"]["countries"]
