"""Scraped-page evaluation: abstracts (written here) wrapped in page chrome, seeded by their
id; the chrome's countries stay out of the results and evidence spans index the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencemine.cli import main
from evidencemine.nlp import extract_text
from evidencemine.nlp.pagesim import FAMILIES, split_title, wrap_as_page
from evidencemine.nlp.realeval import evaluate_corpus

ABSTRACT = (
    "Reading aloud at bedtime and toddler vocabulary: a randomised trial. We randomly "
    "assigned 180 families at 12 child health clinics in Peru to weekly reading coaching or "
    "to usual care. Vocabulary at 24 months was higher with coaching."
)


def _ids_for_every_family() -> dict[str, str]:
    found: dict[str, str] = {}
    n = 0
    while len(found) < len(FAMILIES):
        page = wrap_as_page(f"doc-{n}", ABSTRACT, avoid={"PE"})
        found.setdefault(page.family, f"doc-{n}")
        n += 1
    return found


def test_split_title() -> None:
    title, abstract = split_title(ABSTRACT)
    assert title.endswith("a randomised trial.")
    assert abstract.startswith("We randomly assigned")
    assert split_title("Too short. Then a sentence.") == ("", "Too short. Then a sentence.")


def test_pages_are_seeded_by_the_id() -> None:
    assert wrap_as_page("42", ABSTRACT) == wrap_as_page("42", ABSTRACT)
    texts = {wrap_as_page(str(n), ABSTRACT).text for n in range(12)}
    assert len(texts) == 12


@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_holds_the_study_and_chrome(family: str) -> None:
    page = wrap_as_page(_ids_for_every_family()[family], ABSTRACT, avoid={"PE"})
    title, abstract = split_title(ABSTRACT)
    held = [page.text[s:e] for s, e in page.study_spans]
    assert held == [title, abstract]
    assert "Peru" not in page.text.replace(abstract, "")  # the chrome avoids the study's country
    chrome = page.text.replace(abstract, "").replace(title, "")
    assert any(word in chrome for word in ("United States", "cookies", "Authoring Institution"))


@pytest.mark.parametrize("family", FAMILIES)
def test_extraction_on_the_page_finds_only_the_site(family: str) -> None:
    page = wrap_as_page(_ids_for_every_family()[family], ABSTRACT, avoid={"PE"})
    found = extract_text(page.text, source="page", clean=True)
    assert [c.code for c in found.countries] == ["PE"]
    evidence = found.countries[0].evidence
    assert page.text[evidence.start : evidence.end] == "Peru"
    assert page.in_study(evidence.start, evidence.end)
    assert found.sample_size is not None and found.sample_size.total == 180
    raw = extract_text(page.text, source="page")  # not cleaned: the chrome leaks in
    assert {c.code for c in raw.countries} - {"PE"}


def _corpus(path: Path) -> Path:
    rows = [
        {
            "id": f"p{n}",
            "text": f"Peer support for fathers of preterm babies: a trial. We enrolled {60 + n} "
            f"fathers at neonatal units in {place} and randomly assigned them to peer support "
            "or leaflets. Stress fell more with peer support.",
            "labels": {
                "location": [{"text": place}],
                "total-participants": [{"text": str(60 + n)}],
            },
        }
        for n, place in enumerate(["Norway", "Ghana", "Chile", "Vietnam"] * 5)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_evaluate_as_page(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "fathers.jsonl")
    plain = evaluate_corpus(corpus)
    paged = evaluate_corpus(corpus, as_page=True)
    assert paged["corpus"] == "fathers (as page)"
    for half in ("tune", "check"):
        countries = paged["fields"]["countries"][half]
        assert countries["f1"] == plain["fields"]["countries"][half]["f1"] == 1.0
        page = paged["fields"]["page"][half]
        assert page["countries_in_chrome"] == 0 and page["evidence_off_page"] == 0
        families = [k for k in page if k.startswith("pages_") and k != "pages_flattened"]
        assert sum(page[k] for k in families) == paged["docs"][half]


def test_cli_eval_as_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _corpus(tmp_path / "fathers.jsonl")
    assert main(["eval", "--real", str(corpus), "--as-page", "--half", "check"]) == 0
    out = capsys.readouterr().out
    assert "fathers (as page)" in out and "countries_in_chrome" in out
