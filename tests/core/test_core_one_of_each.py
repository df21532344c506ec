"""One identifier parser, one country table, one number grammar, used everywhere; reading a
page does not load the extraction package."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from evidencemine.countries import aliases, country_code, country_codes
from evidencemine.models import Programme
from evidencemine.settings import bundled_patterns_dir
from evidencemine.sources.delivery import fill_delivery

SRC = Path(__file__).resolve().parents[2] / "src" / "evidencemine"


def test_page_parsing_does_not_load_the_extraction_package(
    fresh_python: Callable[..., str],
) -> None:
    code = """
import sys, json
from evidencemine_demo import data_dir
from evidencemine.documents import load_path
from evidencemine.sources import parse_document
page = data_dir() / "site" / "programme" / "child-parent-attachment-programme.html"
record = parse_document(load_path(page))
print(json.dumps({"studies": len(record.studies), "loaded": sorted(
    m for m in sys.modules if m.startswith("evidencemine.nlp") or m.split(".")[0] == "spacy")}))
"""
    result = json.loads(fresh_python(code))
    assert result["studies"] == 2 and result["loaded"] == []


def test_delivery_reads_every_number_word_with_the_one_grammar() -> None:
    programme = Programme(name="P")
    programme.delivery.text = [
        "It is delivered in fifteen weekly sessions of 90 minutes each "
        "by twenty-one practitioners over a period of thirteen weeks."
    ]
    fill_delivery(programme)
    delivery = programme.delivery
    assert (delivery.sessions, delivery.practitioners) == (15, 21)
    assert delivery.duration == "thirteen weeks"
    assert delivery.duration_months_min == 3.0


def test_country_table_is_the_rules_file() -> None:
    rules = [
        json.loads(line)
        for line in (bundled_patterns_dir() / "countries.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    alias_lines = {
        r["pattern"].lower(): r["value"]
        for r in rules
        if r.get("label") == "COUNTRY" and r.get("kind") == "alias"
    }
    assert alias_lines and all(aliases()[name] == code for name, code in alias_lines.items())
    for name, code in alias_lines.items():
        assert country_code(name) == code, name
    assert country_codes("the USA, U.K. and Norway") == ["US", "GB", "NO"]
    assert country_code("Nowhere-land") is None


def test_no_second_table_in_the_source() -> None:
    """The tables live once: no alias dict in countries.py, no number words in sources/."""
    countries = (SRC / "countries.py").read_text("utf-8")
    assert '"usa": "US"' not in countries and "ALIASES" not in countries
    for path in (SRC / "sources").glob("*.py"):
        text = path.read_text("utf-8")
        assert "|eleven|twelve" not in text, path
    assert not (SRC / "resolvers" / "identifiers.py").exists()
    assert not (SRC / "nlp" / "numbers.py").exists()
