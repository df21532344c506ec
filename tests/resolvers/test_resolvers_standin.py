"""End to end against the API stand-in on 127.0.0.1: seeds, batching, rate limits, refusals."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from resolvers_helpers import Standin, corpus_dir, reference, seed_references

from evidencemine.resolvers import resolve_references

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
FAST = {"pubmed": {"requests_per_second": 50}, "crossref": {"requests_per_second": 50}}


def test_standin_seed_references_resolve_to_expected_identifiers(
    standin: Standin, fixtures_dir: Path
) -> None:
    _, client, settings = standin(fixtures_dir, **FAST)
    report = resolve_references(seed_references(), client, settings, now=NOW)
    lieberman, cic06, cic11, stronach, fonagy = report.references
    assert [r.identifiers.pmid for r in report.references] == [
        None,
        "17152394",
        "21756432",
        "24229539",
        "26939716",
    ]
    assert lieberman.identifiers.doi == "10.2307/1130715"
    assert lieberman.identifiers.jstor == "1130715"
    assert (lieberman.resolution.method, lieberman.resolution.source) == ("doi", "crossref")
    assert lieberman.resolved is not None and lieberman.resolved.publisher == "JSTOR"
    for ref in (cic06, cic11, stronach):
        assert (ref.resolution.method, ref.resolution.source) == ("link", "pubmed")
    assert (fonagy.resolution.method, fonagy.identifiers.doi) == ("ecitmatch", "10.1002/imhj.21553")
    for ref in report.references:
        assert ref.resolution.status == "resolved" and ref.resolution.verified
        assert ref.resolution.resolved_at == NOW and ref.resolution.score is not None
        assert ref.resolution.score >= settings.crossref.title_similarity_min
    assert report.requests == {"ecitmatch": 1, "efetch": 1, "crossref-works": 1}
    assert report.errors == []


def test_standin_seed_differences_are_listed_not_blocking(
    standin: Standin, fixtures_dir: Path
) -> None:
    _, client, settings = standin(fixtures_dir, **FAST)
    refs = resolve_references(seed_references(), client, settings, now=NOW).references
    cic11 = {d.field: d for d in refs[2].differences}
    assert cic11["title"].printed.startswith("Normalising")
    assert cic11["title"].resolved.startswith("Normalizing")
    stronach = {d.field: d for d in refs[3].differences}
    assert stronach["container-title"].printed == "Developmental Psychopathology"
    assert stronach["container-title"].resolved == "Development and psychopathology"
    assert refs[1].differences == []  # 623-649 printed, 623-49 in MEDLINE: the same pages


def test_standin_seed_pubmed_metadata_and_abstract(standin: Standin, fixtures_dir: Path) -> None:
    _, client, settings = standin(fixtures_dir, **FAST)
    fonagy = resolve_references(seed_references(), client, settings, now=NOW).references[4]
    assert fonagy.resolved is not None
    assert fonagy.resolved.container_title_short == "Infant Ment Health J"
    assert fonagy.resolved.issued is not None and fonagy.resolved.issued.date_parts == [[2016, 3]]
    assert fonagy.abstract and "PIP, n = 39" in fonagy.abstract and "London, UK" in fonagy.abstract
    assert "Randomized Controlled Trial" in fonagy.publication_types
    assert "Psychotherapy" in fonagy.mesh_headings
    assert fonagy.csl.title and fonagy.csl.title.startswith("Randomized")  # printed kept


def test_standin_ncbi_identity_is_sent(standin: Standin, fixtures_dir: Path) -> None:
    server, client, settings = standin(fixtures_dir, **FAST)
    resolve_references(seed_references()[1:2], client, settings)
    (request,) = server.requests_to("/eutils/efetch.fcgi")
    form = request.form()
    assert form["tool"] == ["evidencemine"] and form["email"] == ["tests@example.org"]
    assert form["db"] == ["pubmed"] and form["retmode"] == ["xml"]


def test_standin_450_pmids_take_three_efetch_requests_at_the_rate_limit(
    standin: Standin, fixtures_dir: Path
) -> None:
    server, client, settings = standin(fixtures_dir, synthesize_unknown=True)
    refs = [
        reference(
            "",
            [],
            None,
            None,
            None,
            None,
            None,
            links=(f"https://pubmed.ncbi.nlm.nih.gov/{30000000 + i}/",),
        )
        for i in range(450)
    ]
    report = resolve_references(refs, client, settings, now=NOW)
    efetches = server.requests_to("/eutils/efetch.fcgi")
    assert len(efetches) == 3 and report.requests["efetch"] == 3
    assert [r.method for r in efetches] == ["POST", "POST", "GET"]
    sizes = [len(r.form()["id"][0].split(",")) for r in efetches]
    assert sizes == [200, 200, 50]
    gaps = [b.at - a.at for a, b in itertools.pairwise(efetches)]
    # Gaps are measured where the server receives requests; allow for scheduling jitter on a
    # loaded 2-core machine (unlimited requests would arrive milliseconds apart).
    assert all(gap >= 1 / 3 - 0.06 for gap in gaps), gaps
    assert efetches[-1].at - efetches[0].at >= 2 / 3 - 0.06
    assert all(r.resolution.status == "resolved" for r in report.references)
    assert all(not r.resolution.verified and r.resolution.score is None for r in report.references)


def test_standin_api_key_raises_the_ncbi_rate(
    standin: Standin, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NCBI_API_KEY", "k-test")
    server, client, settings = standin(fixtures_dir, synthesize_unknown=True)
    refs = [
        reference(
            "",
            [],
            None,
            None,
            None,
            None,
            None,
            links=(f"https://pubmed.ncbi.nlm.nih.gov/{i + 1}/",),
        )
        for i in range(6)
    ]
    settings.pubmed.batch_size = 2
    resolve_references(refs, client, settings)
    efetches = server.requests_to("/eutils/efetch.fcgi")
    assert len(efetches) == 3 and efetches[0].form()["api_key"] == ["k-test"]
    assert all(0.1 - 0.02 <= b.at - a.at < 1 / 3 for a, b in itertools.pairwise(efetches))


def test_standin_wrong_crossref_top_hit_is_refused(standin: Standin, fixtures_dir: Path) -> None:
    (fixtures_dir / "crossref" / "works" / "10.2307_1130715.json").unlink()
    _, client, settings = standin(fixtures_dir, **FAST)
    lieberman = seed_references()[0]
    unlinked = lieberman.model_copy(update={"links": []})
    report = resolve_references([unlinked], client, settings, now=NOW)
    (ref,) = report.references
    assert ref.resolution.status == "no-match"
    assert ref.identifiers.doi is None and ref.resolved is None
    best = ref.resolution.best_candidate
    assert best is not None and best["DOI"] == "10.5555/standin-decoy-1994"
    assert best["first_author"] == "Example" and best["year"] == 1994
    assert ref.resolution.score == best["score"] and best["score"] < 0.9
    assert "no Crossref search hit passed verification" in (ref.resolution.reason or "")
    assert report.requests == {"ecitmatch": 1, "crossref-search": 1}  # not in PubMed either


def test_standin_404_doi_falls_back_to_search_and_verifies(
    standin: Standin, fixtures_dir: Path
) -> None:
    works = fixtures_dir / "crossref" / "works"
    record = json.loads((works / "10.2307_1130715.json").read_bytes())
    record["message"]["DOI"] = "10.5555/lieberman-1991-standin"
    (works / "10.2307_1130715.json").unlink()
    (fixtures_dir / "crossref" / "search-only" / "lieberman.json").write_text(json.dumps(record))
    _, client, settings = standin(fixtures_dir, **FAST)
    report = resolve_references(seed_references()[:1], client, settings, now=NOW)
    (ref,) = report.references
    assert ref.resolution.status == "resolved" and ref.resolution.verified
    assert ref.resolution.method == "crossref-search"
    assert ref.identifiers.doi == "10.5555/lieberman-1991-standin"
    assert "DOI 10.2307/1130715 has no Crossref record (404)" in (ref.resolution.reason or "")
    assert report.requests == {"crossref-works": 1, "crossref-search": 1}


def test_standin_404_doi_with_only_a_wrong_hit_abstains(
    standin: Standin, fixtures_dir: Path
) -> None:
    (fixtures_dir / "crossref" / "works" / "10.2307_1130715.json").unlink()
    _, client, settings = standin(fixtures_dir, **FAST)
    (ref,) = resolve_references(seed_references()[:1], client, settings, now=NOW).references
    assert ref.resolution.status == "no-match" and ref.identifiers.doi is None
    assert ref.identifiers.jstor == "1130715"  # what the page linked stays visible
    assert ref.resolution.best_candidate and ref.resolution.best_candidate["DOI"].startswith(
        "10.5555/"
    )


def test_standin_malformed_xml_fails_that_reference_only(
    standin: Standin, fixtures_dir: Path
) -> None:
    broken = (
        b'<PubmedArticle><MedlineCitation><PMID Version="1">99000001</PMID><Article>'
        b"<ArticleTitle>Broken record</Article></MedlineCitation></PubmedArticle>"
    )
    (fixtures_dir / "pubmed" / "99000001.xml").write_bytes(broken)
    _, client, settings = standin(fixtures_dir, **FAST)
    bad = reference(
        "Broken 2020",
        [("Nobody", "N.")],
        2020,
        "Broken record",
        "J",
        "1",
        "1",
        links=("https://pubmed.ncbi.nlm.nih.gov/99000001/",),
    )
    refs = [*seed_references()[1:4], bad]
    report = resolve_references(refs, client, settings, now=NOW)
    statuses = [r.resolution.status for r in report.references]
    assert statuses == ["resolved", "resolved", "resolved", "error"]
    reason = report.references[3].resolution.reason or ""
    assert "99000001" in reason and "malformed XML" in reason
    assert any("salvaged 3 of 4 records" in error for error in report.errors)


def test_standin_truncated_json_fails_that_reference_only(
    standin: Standin, fixtures_dir: Path
) -> None:
    works = fixtures_dir / "crossref" / "works"
    body = (works / "10.2307_1130715.json").read_bytes()
    (works / "10.2307_1130715.json").write_bytes(body[: len(body) // 2])
    _, client, settings = standin(fixtures_dir, **FAST)
    report = resolve_references(seed_references(), client, settings, now=NOW)
    lieberman = report.references[0]
    assert lieberman.resolution.status == "error"
    assert "invalid or truncated JSON" in (lieberman.resolution.reason or "")
    assert [r.resolution.status for r in report.references[1:]] == ["resolved"] * 4


def test_standin_jstor_doi_with_a_wiley_record_reports_the_publisher_read(
    standin: Standin, fixtures_dir: Path
) -> None:
    source = corpus_dir("crossref/jstor_items") / "10.2307_1928969.json"
    message = json.loads(source.read_bytes())
    answer = {"status": "ok", "message-type": "work", "message": message}
    (fixtures_dir / "crossref" / "works" / "10.2307_1928969.json").write_text(json.dumps(answer))
    _, client, settings = standin(fixtures_dir, **FAST)
    taylor = reference(
        "Taylor, W.P. (1927). Ecology or bio-ecology. Ecology, 8, 280-281.",
        [("Taylor", "W.P.")],
        1927,
        "Ecology or bio-ecology",
        "Ecology",
        "8",
        "280-281",
        links=("https://www.jstor.org/stable/1928969",),
    )
    (ref,) = resolve_references([taylor], client, settings, now=NOW).references
    assert ref.resolution.status == "resolved" and ref.identifiers.doi == "10.2307/1928969"
    assert ref.resolved is not None and ref.resolved.publisher == "Wiley"
    assert "publisher 'Wiley', member 311 (not JSTOR)" in (ref.resolution.reason or "")


def test_standin_doi_only_reference_goes_through_idconv(
    standin: Standin, fixtures_dir: Path
) -> None:
    server, client, settings = standin(fixtures_dir, **FAST)
    ref = seed_references()[4].model_copy(update={"links": ["https://doi.org/10.1002/imhj.21553"]})
    report = resolve_references([ref], client, settings, now=NOW)
    (resolved,) = report.references
    assert resolved.resolution.method == "idconv" and resolved.identifiers.pmid == "26939716"
    assert report.requests == {"idconv": 1, "efetch": 1}
    assert server.requests_to("/idconv")[0].query["idtype"] == ["doi"]


def test_standin_crossref_rate_headers_lower_the_rate(
    standin: Standin, fixtures_dir: Path, tmp_path: Path
) -> None:
    from resolvers_helpers import make_settings

    from evidencemine.http import HttpClient
    from evidencemine_demo.localserver import LocalServer
    from evidencemine_demo.standin import ApiStandin

    handler = ApiStandin(fixtures_dir, synthesize_unknown=True, crossref_rate_limit=(4, "1s"))
    with LocalServer(handler) as server:
        settings = make_settings(server, tmp_path / "c", **FAST)
        client = HttpClient(settings)
        refs = [
            reference(
                "", [], None, None, None, None, None, links=(f"https://doi.org/10.5555/x{i}",)
            )
            for i in range(4)
        ]
        report = resolve_references(refs, client, settings)
        client.close()
    works = server.requests_to("/crossref/works/")
    assert len(works) == 4 and report.requests["crossref-works"] == 4
    gaps = [b.at - a.at for a, b in itertools.pairwise(works[1:])]
    assert all(gap >= 0.25 - 0.05 for gap in gaps), gaps
    assert report.requests.get("idconv") == 1
