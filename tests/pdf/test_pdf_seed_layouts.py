"""Seed 000 in the layouts real pages come in: labels split across elements, as HTML, as a
PDF, as a text render. The seed expectations hold in each, with no warning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pdf_fixtures import markdown_html, markdown_pdf

from evidencemine.documents import LoadContext, load_document
from evidencemine.sources import parse_document

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_a4d4c1a7dfc6b4f0.txt"


@pytest.fixture(scope="module")
def split_seed() -> str:
    if not SEED.exists():
        pytest.skip(f"seed text export not found at {SEED}")
    text = SEED.read_text(encoding="utf-8")
    # "Evidence" and "rating: 3+" in separate paragraphs (elements), as some renders print it
    split = text.replace("Evidence  \nrating:", "Evidence\n\nrating:")
    split = split.replace("Cost rating:  \n", "Cost rating:\n\n")
    assert split.count("Evidence\n\nrating:") >= 2 and split != text
    return split


def _parse(data: bytes, path: str) -> Any:
    return parse_document(load_document(data, LoadContext(path=path)))


@pytest.mark.parametrize("form", ["html", "pdf", "pdf-2col", "text"])
def test_seed_with_split_labels(split_seed: str, form: str) -> None:
    if form == "html":
        record = _parse(markdown_html(split_seed, "Infant-Parent Psychotherapy"), "000.html")
    elif form.startswith("pdf"):
        columns = 2 if form.endswith("2col") else 1
        record = _parse(markdown_pdf(split_seed, columns=columns), "000.pdf")
    else:
        record = _parse(split_seed.encode(), "000.txt")
    programme = record.programme
    assert programme.name == "Infant-Parent Psychotherapy"
    evidence = programme.ratings.evidence
    assert evidence is not None and (evidence.label, evidence.level, evidence.plus) == (
        "3+",
        3,
        True,
    )
    assert programme.ratings.cost is None  # "NA": not available, not a rating
    assert record.warnings == []
    assert record.source.review is not None and record.source.review.date == "2016-07"
    [outcome] = programme.child_outcomes
    assert (outcome.outcome, outcome.studies) == ("Improved attachment security", [1, 2])
    study1, study2 = record.studies
    assert [ref.identifiers.jstor for ref in study1.references] == ["1130715"]
    assert [ref.identifiers.pmid for ref in study2.references] == [
        "17152394",
        "21756432",
        "24229539",
    ]
