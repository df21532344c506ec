"""Guidebook pages downloaded as PDF: the family fixtures rendered to PDF (a renderer that joins
the lines of a block, as PDF exports do) give the same name, ratings and outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_fixtures import markdown_pdf

from evidencemine.documents import LoadContext, load_document
from evidencemine.sources import parse_document

PAGES = Path(__file__).resolve().parents[1] / "core" / "pages"


def _pdf_record(name: str, url: str):  # type: ignore[no-untyped-def]
    pdf = markdown_pdf((PAGES / name).read_text("utf-8"), header=None, footer=None)
    return parse_document(load_document(pdf, LoadContext(path="page.pdf", url=url)))


def test_foundations_page_as_pdf() -> None:
    record = _pdf_record(
        "foundations/fdn_labelled.txt",
        "https://foundations.org.uk/toolkit/guidebook/little-lanterns-reading-circle-group",
    )
    programme = record.programme
    assert record.source.kind == "foundations-guidebook"
    assert record.source.media_type == "application/pdf"
    assert programme.name == "Little Lanterns Reading Circle-Group (LLRC-G)"
    assert [(o.domain, o.outcome) for o in programme.child_outcomes][-1] == (
        "Supporting children’s mental health and wellbeing",
        "Improved confidence",
    )
    assert len(programme.child_outcomes) == 3
    population = programme.population_evaluated
    assert population and population.level_of_need == ["Targeted-selected"]
    assert {w.code for w in record.warnings} == {"value-not-read"}


@pytest.mark.parametrize("columns", [1, 2])
def test_eif_later_layout_as_pdf_keeps_statements(columns: int) -> None:
    pdf = markdown_pdf(
        (PAGES / "eif" / "eif_2019_later.txt").read_text("utf-8"),
        header=None,
        footer=None,
        columns=columns,
    )
    record = parse_document(load_document(pdf, LoadContext(path="page.pdf")))
    programme = record.programme
    assert programme.name == "Bright Beginnings Home Nurse Visits"
    assert programme.ratings.evidence and programme.ratings.evidence.label == "4+"
    first, second = programme.child_outcomes
    assert (first.outcome, first.studies) == ("Improved attachment security", [2])
    assert [(s.score, s.timeframe) for s in first.statements] == [
        (6.0, "1 year after the intervention")
    ]
    assert second.statements[0].score == 9.0


def test_mirror_page_as_pdf_keeps_the_euro_band() -> None:
    record = _pdf_record(
        "mirror/hub_rendered.txt", "https://whatworks.gov.ie/hub-search/report/12/Harbour%20Steps"
    )
    cost = record.programme.ratings.cost
    assert record.source.kind == "eif-mirror" and record.programme.name == "Harbour Steps"
    assert cost and cost.band and (cost.band.currency, cost.band.conversion_rate) == ("EUR", 1.19)
