"""A PDF rendering of a page gives the same programme record as its HTML or text export."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest
from pdf_fixtures import GUIDEBOOK_PAGE, markdown_html, markdown_pdf

from evidencemine.documents import LoadContext, load_document
from evidencemine.sources import parse_document

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_a4d4c1a7dfc6b4f0.txt"


def parse(data: bytes, path: str) -> Any:
    return parse_document(load_document(data, LoadContext(path=path)))


def without_source(record: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = record.model_dump(mode="json")
    dumped.pop("source")
    return dumped


def assert_same(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    if expected != actual:
        left = json.dumps(expected, indent=1, sort_keys=True).splitlines()
        right = json.dumps(actual, indent=1, sort_keys=True).splitlines()
        diff = "\n".join(difflib.unified_diff(left, right, "expected", "pdf", lineterm=""))
        pytest.fail(f"records differ:\n{diff}")


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed text export not found at {SEED}")
    return SEED.read_text(encoding="utf-8")


def test_pdf_fixture_page_gives_the_same_record_as_its_html() -> None:
    from_html = parse(markdown_html(GUIDEBOOK_PAGE, "Toddler Talk Time"), "toddler.html")
    from_pdf = parse(markdown_pdf(GUIDEBOOK_PAGE), "toddler.pdf")
    assert_same(without_source(from_html), without_source(from_pdf))
    assert from_pdf.source.media_type == "application/pdf"
    studies = from_pdf.studies
    assert [s.citation for s in studies] == ["Moreau et al (2014)", "Hughes et al (2017)"]
    assert [ref.identifiers.jstor for ref in studies[0].references] == ["4412987"]
    assert [ref.identifiers.pmid for ref in studies[1].references] == ["28899001"]


@pytest.mark.parametrize("columns", [1, 2])
def test_pdf_seed_000_gives_the_same_record_as_the_text_export(
    seed_text: str, columns: int
) -> None:
    from_text = parse(seed_text.encode(), "000.txt")
    from_pdf = parse(markdown_pdf(seed_text, columns=columns), "000.pdf")
    assert_same(without_source(from_text), without_source(from_pdf))


def test_pdf_seed_000_values_match_the_seed_expectations(seed_text: str) -> None:
    record = parse(markdown_pdf(seed_text), "000.pdf")
    programme = record.programme
    assert record.source.url == "http://guidebook.eif.org.uk/programme/infant-parent-psychotherapy"
    assert record.slug == "infant-parent-psychotherapy"
    assert (programme.name, programme.acronym) == ("Infant-Parent Psychotherapy", "IPP")
    evidence = programme.ratings.evidence
    assert evidence is not None and (evidence.label, evidence.level, evidence.plus) == (
        "3+",
        3,
        True,
    )
    assert programme.ratings.cost is None
    [outcome] = programme.child_outcomes
    assert outcome.outcome == "Improved attachment security" and outcome.studies == [1, 2]
    assert outcome.domain == "Supporting children's mental health and wellbeing"
    characteristics = programme.characteristics
    assert characteristics.age_groups == ["Infants"]
    assert characteristics.delivery_models == ["Individual"]
    assert characteristics.settings == []
    assert characteristics.targeting == ["Targeted indicated"]
    assert programme.countries == ["US"]
    assert len(programme.theory_of_change) == 5
    study1, study2 = record.studies
    assert study1.citation == "Lieberman et al (1991)"
    assert (
        study2.citation == "Cicchetti et al (2006); Cicchetti et al (2011); Stronach et al (2013)"
    )
    assert [s.design.label for s in (study1, study2) if s.design] == ["RCT", "RCT"]
    assert study1.countries == study2.countries == ["US"]
    assert study1.sample is not None
    assert study1.sample.text.startswith("100 Spanish-speaking mothers")
    assert study1.sample.text.endswith("with a 12-month infant")
    assert study2.sample is not None and study2.sample.text.startswith("189 mothers, 137 of whom")
    assert [r.identifiers.jstor for r in study1.references] == ["1130715"]
    assert [r.identifiers.pmid for r in study2.references] == ["17152394", "21756432", "24229539"]
    assert study1.references[0].csl.container_title == "Child Development"
    assert study2.references[2].csl.page == "919-930"
