"""Verification, differences, identifier extraction and the small answer parsers."""

from __future__ import annotations

from resolvers_helpers import reference

from evidencemine.models import CslDate, CslItem, CslName, Reference
from evidencemine.references.identifiers import identifiers_in, reference_identifiers
from evidencemine.resolvers.crossref import rate_from_headers
from evidencemine.resolvers.ecitmatch import citation_query, parse_ecitmatch_answer
from evidencemine.resolvers.idconv import parse_idconv_answer
from evidencemine.resolvers.matching import (
    expand_page_range,
    list_differences,
    title_similarity,
    verify_candidate,
)
from evidencemine.settings import CrossrefSettings


def _item(title: str, year: int, family: str, **extra: str) -> CslItem:
    return CslItem(
        id="x",
        title=title,
        issued=CslDate(date_parts=[[year]]),
        author=[CslName(family=family, given="A.")],
        **extra,  # type: ignore[arg-type]
    )


def test_matching_british_spelling_and_dashes_do_not_block_a_match() -> None:
    assert title_similarity("Normalising the development", "Normalizing the development.") == 1.0
    assert title_similarity("parent–infant psychotherapy", "parent-infant psychotherapy") == 1.0


def test_matching_refuses_a_similar_but_different_title() -> None:
    printed = _item(
        "Preventive intervention and outcome with anxiously attached dyads", 1991, "Lieberman"
    )
    decoy = _item(
        "Anxiously attached dyads: outcome of a preventive intervention replication",
        1994,
        "Example",
    )
    verdict = verify_candidate(printed, decoy, CrossrefSettings())
    assert not verdict.verified
    assert len(verdict.failures) == 3  # title, year, first author
    assert verdict.score < 0.9


def test_matching_year_tolerance_and_author_rules() -> None:
    printed = _item("A long enough title about attachment", 2006, "Cicchetti")
    assert verify_candidate(
        printed, _item(printed.title or "", 2007, "Cicchetti"), CrossrefSettings()
    ).verified
    late = verify_candidate(
        printed, _item(printed.title or "", 2008, "Cicchetti"), CrossrefSettings()
    )
    assert not late.verified and "year 2008" in late.reason()
    other = verify_candidate(
        printed, _item(printed.title or "", 2006, "Rogosch"), CrossrefSettings()
    )
    assert not other.verified
    relaxed = CrossrefSettings(require_first_author=False)
    assert verify_candidate(printed, _item(printed.title or "", 2006, "Rogosch"), relaxed).verified


def test_matching_without_printed_title_never_verifies() -> None:
    printed = CslItem(id="x", author=[CslName(family="Smith")])
    verdict = verify_candidate(printed, _item("Anything", 2000, "Smith"), CrossrefSettings())
    assert not verdict.verified and "no printed title" in verdict.reason()


def test_matching_subtitle_left_out_in_print_still_matches() -> None:
    printed = "Randomized controlled trial of parent infant psychotherapy for parents"
    full = printed + ": outcomes at twelve months"
    assert title_similarity(printed, full) == 1.0


def test_matching_differences_list_spelling_journal_and_pages_but_not_case() -> None:
    printed = _item(
        "Normalising cortisol",
        2011,
        "Cicchetti",
        container_title="Developmental Psychopathology",
        page="789-801",
    )
    resolved = _item(
        "Normalizing cortisol.",
        2011,
        "Cicchetti",
        container_title="Development and psychopathology",
        page="789-800",
    )
    fields = {d.field: (d.printed, d.resolved) for d in list_differences(printed, resolved)}
    assert fields["title"] == ("Normalising cortisol", "Normalizing cortisol.")
    assert fields["container-title"] == (
        "Developmental Psychopathology",
        "Development and psychopathology",
    )
    assert fields["page"] == ("789-801", "789-800")
    same = _item(
        "Normalizing Cortisol",
        2011,
        "CICCHETTI",
        container_title="Dev Psychopathol",
        page="789-800",
    )
    resolved.container_title_short = "Dev Psychopathol"
    assert list_differences(same, resolved) == []


def test_matching_page_ranges_expand() -> None:
    assert expand_page_range("623-49") == "623-649"
    assert expand_page_range("919–30") == "919-930"
    assert expand_page_range("e20476") == "e20476"
    assert expand_page_range("R12-5") == "R12-R15"


def test_identifiers_from_links_and_text() -> None:
    found = identifiers_in(
        [
            "https://www.jstor.org/stable/1130715?seq=1#page\\_scan\\_tab\\_contents",
            "https://pubmed.ncbi.nlm.nih.gov/24229539/",
            "See doi:10.1002/imhj.21553. PMCID: PMC4185434",
        ]
    )
    assert found.jstor == "1130715" and found.pmid == "24229539"
    assert found.doi == "10.1002/imhj.21553" and found.pmcid == "PMC4185434"
    assert identifiers_in(["https://www.jstor.org/stable/10.2307/1130715"]).doi is None


def test_identifiers_page_values_win_over_text() -> None:
    ref = Reference(
        raw="PMID: 1", links=["https://www.ncbi.nlm.nih.gov/pubmed/17152394"], csl=CslItem(id="r")
    )
    assert reference_identifiers(ref).pmid == "17152394"


def test_ecitmatch_query_needs_all_five_fields() -> None:
    full = reference(
        "x", [("Fonagy", "P.")], 2016, "T", "Infant Mental Health Journal", "37", "97-114"
    )
    query = citation_query("7", full.csl)
    assert query is not None
    assert query.line() == "Infant Mental Health Journal|2016|37|97|Fonagy P|7|"
    no_volume = reference(
        "x", [("Fonagy", "P.")], 2016, "T", "Infant Mental Health Journal", None, "97"
    )
    assert citation_query("8", no_volume.csl) is None


def test_ecitmatch_answer_parsing() -> None:
    answer = (
        "proc natl acad sci u s a|1991|88|3248|mann bj|Art1|2014248\n"
        "science|1987|235|182|palmenber ac|Art2|NOT_FOUND;INVALID_JOURNAL\n"
        "j biol chem|2000|1|1|smith j|Art3|AMBIGUOUS (3 citations)\n"
    )
    matches = parse_ecitmatch_answer(answer)
    assert matches["Art1"].pmid == "2014248" and matches["Art1"].status == "found"
    assert matches["Art2"].pmid is None and matches["Art2"].status == "not-found"
    assert matches["Art3"].status == "ambiguous"


def test_idconv_answer_parsing_old_and_new_shapes() -> None:
    payload = {
        "status": "ok",
        "records": [
            {"requested-id": "10.1002/IMHJ.21553", "pmid": 26939716, "doi": "10.1002/imhj.21553"},
            {"pmcid": "PMC3531190", "pmid": "23193287", "doi": "10.1093/nar/gks1195"},
            {"requested-id": "10.9999/none", "status": "error", "errmsg": "invalid article id"},
        ],
    }
    converted = parse_idconv_answer(payload, "doi")
    assert converted["10.1002/imhj.21553"].pmid == "26939716"
    assert converted["10.9999/none"].pmid is None and converted["10.9999/none"].error
    assert parse_idconv_answer(payload, "pmcid")["pmc3531190"].pmid == "23193287"


def test_crossref_rate_headers() -> None:
    assert rate_from_headers({"X-Rate-Limit-Limit": "50", "X-Rate-Limit-Interval": "1s"}) == 50.0
    assert rate_from_headers({"x-rate-limit-limit": "2", "x-rate-limit-interval": "1s"}) == 2.0
    assert rate_from_headers({"X-Rate-Limit-Limit": "60", "X-Rate-Limit-Interval": "1m"}) == 1.0
    assert rate_from_headers({"X-Rate-Limit-Limit": "fifty"}) is None
