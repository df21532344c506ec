"""Every real Crossref body in ../shared/corpus/crossref/ (and jstor_items/) is read correctly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from resolvers_helpers import corpus_dir

from evidencemine.errors import ResolutionError
from evidencemine.resolvers import crossref_work_to_csl
from evidencemine.resolvers.crossref import read_crossref_json, registrant, works_from_response
from evidencemine_demo.standin import CROSSREF_NOT_FOUND

# file → (DOI, CSL type, title start, container, volume, issue, page, first family, year, publisher)
WORKS = {
    "commonmeta__works_10.1017_9781108348843.json": (
        "10.1017/9781108348843",
        "book",
        "The Politics of the Past in Early China",
        None,
        None,
        None,
        None,
        "Leung",
        2019,
        "Cambridge University Press",
    ),
    "commonmeta__works_10.7554_elife.01567.json": (
        "10.7554/elife.01567",
        "article-journal",
        "Automated quantitative histology reveals",
        "eLife",
        "3",
        None,
        None,
        "Sankar",
        2014,
        "eLife Sciences Publications, Ltd",
    ),
    "habanero__transform_csljson_10.1126_science.169.3946.635.json": (
        "10.1126/science.169.3946.635",
        "article-journal",
        "The Structure of Ordinary Water",
        "Science",
        "169",
        "3946",
        "635-641",
        "Frank",
        1970,
        "American Association for the Advancement of Science (AAAS)",
    ),
    "habanero__works_10.1002_jor.1100150407.json": (
        "10.1002/jor.1100150407",
        "article-journal",
        "Growth hormone secretagogue increases",
        "Journal of Orthopaedic Research",
        "15",
        "4",
        "519-527",
        "Lieber",
        1997,
        "Wiley",
    ),
    "habanero__works_10.1016_j.neurobiolaging.2010.03.024.json": (
        "10.1016/j.neurobiolaging.2010.03.024",
        "article-journal",
        "Human umbilical cord blood",
        "Neurobiology of Aging",
        "33",
        "3",
        "588-602",
        "Lee",
        2012,
        "Elsevier BV",
    ),
    "habanero__works_10.1038_srep16696.json": (
        "10.1038/srep16696",
        "article-journal",
        "Single-molecule FRET studies on alpha-synuclein",
        "Scientific Reports",
        "5",
        "1",
        None,
        "Tosatto",
        2015,
        "Springer Science and Business Media LLC",
    ),
    "habanero__works_10.1109_icdcsw.2003.1203662.json": (
        "10.1109/icdcsw.2003.1203662",
        "paper-conference",
        "Accurate and explicit differentiation",
        "23rd International Conference on Distributed Computing Systems Workshops, 2003. "
        "Proceedings.",
        None,
        None,
        "877-882",
        "Arya",
        None,
        "IEEE",
    ),
    "habanero__works_10.1136_jclinpath-2020-206745.json": (
        "10.1136/jclinpath-2020-206745",
        "article-journal",
        "Construction of a reference material",
        "Journal of Clinical Pathology",
        "74",
        "5",
        "314-320",
        "Xu",
        2020,
        "BMJ",
    ),
    "habanero__works_10.1371_journal.pone.0020476.json": (
        "10.1371/journal.pone.0020476",
        "article-journal",
        "Using and Reporting the Delphi Method",
        "PLoS ONE",
        "6",
        "6",
        "e20476",
        "Boulkedid",
        2011,
        "Public Library of Science (PLoS)",
    ),
    "habanero__works_10.1371_journal.pone.0033693.json": (
        "10.1371/journal.pone.0033693",
        "article-journal",
        "Methylphenidate Exposure Induces",
        "PLoS ONE",
        "7",
        "3",
        "e33693",
        "Sadasivan",
        2012,
        "Public Library of Science (PLoS)",
    ),
    "habanero__works_10.3892_ijo_00000353.json": (
        "10.3892/ijo_00000353",
        "article-journal",
        "Human bladder cancer cells undergo",
        "International Journal of Oncology",
        None,
        None,
        None,
        "Stravopodis",
        2009,
        "Spandidos Publications",
    ),
}
LISTS = {
    "rcrossref__works_query-ecology_sample-20.json": (452242, 20, "10.1093/obo/9780199830060-0192"),
    "rcrossref__works_query-renear-ontologies.json": (9268, 20, "10.1126/science.1157784"),
}
OTHER = {
    "habanero__works_10.1126_science.169.3946.635_agency.json",
    "habanero__works_10.1371_notarealdoi.404.txt",
    "habanero__transform_bibtex_10.1126_science.169.3946.635.bib",
}
JSTOR_PUBLISHED = {"1848993", "2255321", "2256379", "2260182", "3189991"}


def _folder() -> Path:
    return corpus_dir("crossref")


def _works(name: str) -> list[dict[str, object]]:
    data = (_folder() / name).read_bytes()
    return works_from_response(read_crossref_json(data, source=name), source=name)


def test_crossref_corpus_every_file_is_covered() -> None:
    names = {p.name for p in _folder().iterdir() if p.is_file()}
    assert names == set(WORKS) | set(LISTS) | OTHER


@pytest.mark.parametrize("name", sorted(WORKS))
def test_crossref_corpus_work_maps_to_csl(name: str) -> None:
    doi, kind, title, container, volume, issue, page, family, year, publisher = WORKS[name]
    (message,) = _works(name)
    csl = crossref_work_to_csl(message)
    assert doi == csl.DOI and csl.id == f"doi:{doi.lower()}"
    assert csl.type == kind
    assert csl.title is not None and csl.title.startswith(title)
    assert "\n" not in csl.title and "<" not in csl.title
    assert (csl.container_title, csl.volume, csl.issue, csl.page) == (
        container,
        volume,
        issue,
        page,
    )
    assert csl.author and csl.author[0].family == family
    assert (csl.issued.date_parts[0][0] if csl.issued else None) == year
    assert csl.publisher == publisher


def test_crossref_corpus_abstract_loses_jats_markup() -> None:
    (message,) = _works("habanero__works_10.1002_jor.1100150407.json")
    csl = crossref_work_to_csl(message)
    assert csl.abstract is not None and csl.abstract.startswith("Twenty")
    assert "jats" not in csl.abstract and not csl.abstract.startswith("Abstract")


@pytest.mark.parametrize("name", sorted(LISTS))
def test_crossref_corpus_work_lists(name: str) -> None:
    total, count, first_doi = LISTS[name]
    payload = read_crossref_json((_folder() / name).read_bytes(), source=name)
    assert payload["message"]["total-results"] == total
    items = works_from_response(payload, source=name)
    assert len(items) == count and items[0]["DOI"] == first_doi
    assert all(crossref_work_to_csl(item).DOI for item in items)


def test_crossref_corpus_agency_answer_is_not_a_work() -> None:
    with pytest.raises(ResolutionError, match="'work-agency' answer holds no work record"):
        _works("habanero__works_10.1126_science.169.3946.635_agency.json")


def test_crossref_corpus_404_body_is_what_the_standin_sends() -> None:
    data = (_folder() / "habanero__works_10.1371_notarealdoi.404.txt").read_bytes()
    assert data.strip() == CROSSREF_NOT_FOUND
    with pytest.raises(ResolutionError, match="invalid or truncated JSON"):
        read_crossref_json(data, source="404")


def test_crossref_corpus_bibtex_transform_is_refused_as_not_json() -> None:
    data = (_folder() / "habanero__transform_bibtex_10.1126_science.169.3946.635.bib").read_bytes()
    with pytest.raises(ResolutionError, match="invalid or truncated JSON"):
        read_crossref_json(data, source="bib")


def test_crossref_corpus_jstor_items_publisher_is_read_not_inferred() -> None:
    folder = corpus_dir("crossref/jstor_items")
    publishers: dict[str, str | None] = {}
    for path in sorted(folder.glob("*.json")):
        message = json.loads(path.read_bytes())
        csl = crossref_work_to_csl(message)
        assert csl.DOI is not None and csl.DOI.startswith("10.2307/")
        assert csl.title
        who = registrant(message)
        stable = csl.DOI.split("/", 1)[1]
        assert who["jstor_registered"] is (stable in JSTOR_PUBLISHED or stable.startswith("j."))
        publishers[stable] = csl.publisher
    assert len(publishers) == 25
    assert sum(1 for p in publishers.values() if p == "Wiley") == 19
    assert publishers["1928969"] == "Wiley" and publishers["1848993"] == "JSTOR"
    assert publishers["j.ctt1p9wr1c.2"] == "The Chinese University Press"
