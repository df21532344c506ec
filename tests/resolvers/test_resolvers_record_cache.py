"""Per-record caches of the literature APIs: a re-ingest of any subset of resolved programmes
asks no API again; negative answers are kept for their own, configured time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest

from evidencemine.pipeline import ingest
from evidencemine.resolvers.records import RecordCache
from evidencemine.settings import Settings
from evidencemine_demo.demo import API_DIR
from evidencemine_demo.localserver import LocalServer
from evidencemine_demo.sample_site import ProgrammeSpec, StudySpec, render_programme_html

JSTOR = "https://www.jstor.org/stable/1130715"
UNKNOWN_DOI = "https://doi.org/10.9999/no-such-work-2015"
UNKNOWN_PMC = "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC9999999/"

PROGRAMMES = {
    "cited-only": [  # a full citation and no link → ECitMatch; a PMID link → efetch
        StudySpec(
            citation="Cicchetti et al (2011)",
            references=[
                (
                    "Cicchetti, D., Rogosch, F.A., Toth, S.L. & Sturge-Apple, M.L. (2011). "
                    "Normalizing the development of cortisol regulation in maltreated infants "
                    "through preventive interventions. ",
                    "Development and Psychopathology",
                    ", 23, 789-800.",
                )
            ],
        ),
        StudySpec(
            citation="Cicchetti et al (2006)",
            references=[
                (
                    "Cicchetti, D., Rogosch, F.A., & Toth, S.L. (2006). Fostering secure "
                    "attachment in infants in maltreating families through preventive "
                    "interventions. ",
                    "Development and Psychopathology",
                    ", 18, 623-649.",
                )
            ],
            links=["https://www.ncbi.nlm.nih.gov/pubmed/17152394"],
        ),
    ],
    "doi-linked": [  # a JSTOR DOI Crossref knows; a DOI it answers 404 for (then a search)
        StudySpec(
            citation="Lieberman et al (1991)",
            references=[
                (
                    "Lieberman, A.F., Weston, D.R., & Pawl, J.H. (1991). Preventive "
                    "intervention and outcome with anxiously attached dyads. ",
                    "Child Development",
                    ", 62, 199-209.",
                )
            ],
            links=[JSTOR],
        ),
        StudySpec(
            citation="Example et al (2015)",
            references=[
                (
                    "Example, J. (2015). A trial of shared reading at home. ",
                    "Reading Trials",
                    ", 4, 10-20.",
                )
            ],
            links=[UNKNOWN_DOI],
        ),
    ],
    "pmc-linked": [  # a PMCID the ID converter does not know
        StudySpec(
            citation="Sample et al (2012)",
            references=[
                (
                    "Sample, K. (2012). Home visits and toddler language. ",
                    "Early Years Notes",
                    ", 7, 55-61.",
                )
            ],
            links=[UNKNOWN_PMC],
        ),
    ],
}


@pytest.fixture
def api() -> Iterator[LocalServer]:
    from evidencemine_demo.standin import api_standin_handler

    with LocalServer(api_standin_handler(API_DIR)) as server:
        yield server


@pytest.fixture
def pages(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "pages"
    folder.mkdir()
    paths = {}
    for slug, studies in PROGRAMMES.items():
        spec = ProgrammeSpec(slug=slug, name=f"Programme {slug}", studies=studies)
        path = folder / f"{slug}.html"
        path.write_text(render_programme_html(spec), "utf-8")
        paths[slug] = str(path)
    return paths


def _configure(settings: Settings, api: LocalServer) -> Settings:
    settings.pubmed.base_url = api.url("/eutils/")
    settings.pubmed.idconv_url = api.url("/idconv/")
    settings.crossref.base_url = api.url("/crossref/")
    return settings


def _endpoints(server: LocalServer, since: int = 0) -> Counter[str]:
    def endpoint(path: str) -> str:
        if "/crossref/works/" in path:
            return "crossref-works"
        return "idconv" if "/idconv" in path else path.split("?")[0].rsplit("/", 1)[-1]

    return Counter(endpoint(r.path) for r in server.requests[since:])


def test_reingest_of_any_subset_asks_no_api_again(
    loopback_settings: Settings, api: LocalServer, pages: dict[str, str]
) -> None:
    settings = _configure(loopback_settings, api)
    first = ingest(list(pages.values()), settings)
    assert first["counts"]["failed"] == 0
    asked = _endpoints(api)
    # the first run used every per-record path: efetch, ECitMatch, ID converter, Crossref
    # works (one found, one 404) and a search
    assert asked["efetch.fcgi"] >= 1 and asked["ecitmatch.cgi"] == 1
    assert asked["idconv"] >= 1 and asked["crossref-works"] == 2 and asked["works"] >= 1

    before = len(api.requests)
    subsets = [c for n in (1, 2) for c in combinations(sorted(pages), n)]
    for subset in subsets:
        report = ingest([pages[slug] for slug in subset], settings)
        assert report["counts"]["failed"] == 0
        assert api.requests[before:] == [], f"{subset}: asked {_endpoints(api, before)}"


def test_negative_answers_expire_on_their_own_setting(
    loopback_settings: Settings, api: LocalServer, pages: dict[str, str]
) -> None:
    settings = _configure(loopback_settings, api)
    settings.crossref.negative_cache_expire_s = 0  # a 404 is not kept
    settings.pubmed.negative_cache_expire_s = 0  # an unknown PMCID is not kept
    ingest([pages["doi-linked"], pages["pmc-linked"]], settings)
    before = len(api.requests)
    ingest([pages["doi-linked"], pages["pmc-linked"]], settings)
    again = _endpoints(api, before)
    # the found JSTOR work is kept; the 404 DOI and the unknown PMCID are asked again
    assert again["crossref-works"] == 1 and again["idconv"] >= 1
    paths = [r.path for r in api.requests[before:]]
    assert any("no-such-work" in p for p in paths)
    assert not any("1130715" in p for p in paths)


def test_record_cache_keeps_values_until_they_expire(tmp_path: Path) -> None:
    clock = [1000.0]
    cache = RecordCache(tmp_path / "records.sqlite", now=lambda: clock[0])
    cache.put("crossref", "10.1/found", '{"DOI": "10.1/found"}', 100)
    cache.put("crossref", "10.1/missing", None, 10)
    assert cache.get("crossref", "10.1/found") == (True, '{"DOI": "10.1/found"}')
    assert cache.get("crossref", "10.1/missing") == (True, None)
    assert cache.get("pubmed", "10.1/found") == (False, None)  # kinds are separate
    clock[0] += 11
    assert cache.get("crossref", "10.1/missing") == (False, None)
    assert cache.get_many("crossref", ["10.1/found", "10.1/missing"]) == {
        "10.1/found": '{"DOI": "10.1/found"}'
    }
    cache.put("crossref", "10.1/zero", "x", 0)  # a zero time keeps nothing
    assert cache.get("crossref", "10.1/zero") == (False, None)
    cache.close()
