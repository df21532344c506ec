"""Reference strings → CSL-JSON; identifiers from links and text; link matching."""

from __future__ import annotations

import pytest

from evidencemine.references import (
    attach_links,
    identifiers_from_text,
    identifiers_from_url,
    looks_like_reference,
    parse_reference,
)


@pytest.mark.parametrize(
    ("raw", "italic", "expected"),
    [
        (
            "Doe, J.A., Roe, R., & Poe, E.A. (1999). Home visits and toddler language, "
            "Child Language Journal, 26, 101-119.",
            ("Child Language Journal",),
            {
                "authors": [("Doe", "J. A."), ("Roe", "R."), ("Poe", "E. A.")],
                "year": 1999,
                "title": "Home visits and toddler language",
                "container": "Child Language Journal",
                "volume": "26",
                "issue": None,
                "page": "101-119",
            },
        ),
        (
            "Kim, S. & van der Berg, K. (2016). Group parenting: a cluster trial. Journal of "
            "Family Studies, 37(2), 97–114.",
            (),
            {
                "authors": [("Kim", "S."), ("van der Berg", "K.")],
                "year": 2016,
                "title": "Group parenting: a cluster trial",
                "container": "Journal of Family Studies",
                "volume": "37",
                "issue": "2",
                "page": "97-114",
            },
        ),
        (
            "Lee JH, Park K (2005) Nurse home visiting in cities. Pediatric Nursing 115:12-19",
            (),
            {
                "authors": [("Lee", "J. H."), ("Park", "K.")],
                "year": 2005,
                "title": "Nurse home visiting in cities",
                "container": "Pediatric Nursing",
                "volume": "115",
                "issue": None,
                "page": "12-19",
            },
        ),
    ],
)
def test_parse_reference_to_csl(raw: str, italic: tuple[str, ...], expected: dict) -> None:
    csl = parse_reference(raw, italic=italic).csl
    assert [(a.family, a.given) for a in csl.author] == expected["authors"]
    assert csl.issued and csl.issued.date_parts == [[expected["year"]]]
    assert csl.title == expected["title"]
    assert csl.container_title == expected["container"]
    assert (csl.volume, csl.issue, csl.page) == (
        expected["volume"],
        expected["issue"],
        expected["page"],
    )


def test_reference_ids_are_stable_and_distinct() -> None:
    a = parse_reference("Doe, J. (2001). One title of a paper. J, 1, 1-2.")
    b = parse_reference("Doe, J. (2001). One title of a paper. J, 1, 1-2.")
    c = parse_reference("Doe, J. (2001). Another title of a paper. J, 1, 1-2.")
    assert a.csl.id == b.csl.id != c.csl.id
    assert a.csl.id.startswith("doe2001-")


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("https://www.ncbi.nlm.nih.gov/pubmed/17152394", "pmid", "17152394"),
        ("https://pubmed.ncbi.nlm.nih.gov/24229539/", "pmid", "24229539"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC3001234/", "pmcid", "PMC3001234"),
        ("https://www.jstor.org/stable/1130715?seq=1#page_scan_tab_contents", "jstor", "1130715"),
        ("https://doi.org/10.1002/IMHJ.21553", "doi", "10.1002/imhj.21553"),
        (
            "https://onlinelibrary.wiley.com/doi/abs/10.1111/j.1467-8624.1991.tb01525.x",
            "doi",
            "10.1111/j.1467-8624.1991.tb01525.x",
        ),
    ],
)
def test_identifiers_from_links(url: str, field: str, value: str) -> None:
    assert getattr(identifiers_from_url(url), field) == value


def test_identifiers_from_text() -> None:
    ids = identifiers_from_text("Doe J. (2001). T. J 1:2. doi: 10.1000/ABC.1. PMID: 123 PMC998877.")
    assert (ids.doi, ids.pmid, ids.pmcid) == ("10.1000/abc.1", "123", "PMC998877")


def test_looks_like_reference_rejects_prose() -> None:
    assert looks_like_reference("Smith, A.B. (2010). A study of things. Journal, 1, 1-2.")
    assert not looks_like_reference("Improved attachment security")
    assert not looks_like_reference("The programme was evaluated in 2010 by several teams.")


def test_attach_links_in_order_to_references_without_ids() -> None:
    refs = [
        parse_reference(f"Doe, J. (200{n}). Paper number {n} title. J, {n}, 1-2.")
        for n in range(1, 4)
    ]
    refs[1] = parse_reference("Doe, J. (2002). Paper two. J, 2, 1-2. PMID: 555")
    links = ["https://www.ncbi.nlm.nih.gov/pubmed/1", "https://www.ncbi.nlm.nih.gov/pubmed/3"]
    matched, unmatched = attach_links(refs, links)
    assert [r.identifiers.pmid for r in matched] == ["1", "555", "3"]
    assert unmatched == []


def test_attach_links_that_cannot_be_matched_stay() -> None:
    refs = [parse_reference(f"Doe, J. (200{n}). Paper {n} of many. J, {n}, 1-2.") for n in (1, 2)]
    links = ["https://x.org/a", "https://x.org/b", "https://x.org/c"]
    matched, unmatched = attach_links(refs, links)
    assert unmatched == links and all(r.links == [] for r in matched)
