"""The pipeline over real HTTP on 127.0.0.1: incremental runs, changes, withdrawals, failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidencemine.pipeline import crawl, ingest
from evidencemine.settings import Settings, SourceSettings, bundled_patterns_dir
from evidencemine_demo.demo import API_DIR
from evidencemine_demo.localserver import LocalServer, Reply, Request
from evidencemine_demo.sample_site import ProgrammeSpec, build_site, sample_programme
from evidencemine_demo.standin import api_standin_handler


class MutableSite:
    """A fixture site whose pages and status codes tests change between runs."""

    def __init__(self, specs: list[ProgrammeSpec]) -> None:
        self.specs = specs
        self.status: dict[str, int] = {}
        self.raw: dict[str, bytes] = {}
        self.rebuild()

    def rebuild(self) -> None:
        self.pages = build_site(self.specs, per_page=5, base_url="")

    def __call__(self, request: Request) -> Reply | None:
        if request.path in self.status:
            return Reply(self.status[request.path], b"gone", "text/plain")
        if request.path in self.raw:
            return Reply(200, self.raw[request.path], "text/html")
        body = self.pages.get(request.path)
        if body is None:
            return None
        media = "application/xml" if request.path.endswith(".xml") else "text/html"
        if request.path.endswith(".txt"):
            media = "text/plain"
        return Reply(200, body, media)


@pytest.fixture
def site() -> Iterator[tuple[MutableSite, LocalServer]]:
    handler = MutableSite([sample_programme(i, seed=3) for i in range(12)])
    with LocalServer(handler) as server:
        yield handler, server


@pytest.fixture
def api() -> Iterator[LocalServer]:
    with LocalServer(api_standin_handler(API_DIR, synthesize_unknown=True)) as server:
        yield server


@pytest.fixture
def settings(
    loopback_settings: Settings, site: tuple[MutableSite, LocalServer], api: LocalServer
) -> Settings:
    _, server = site
    loopback_settings.sources = {
        "fixture": SourceSettings(
            index_url=server.url("/programmes"),
            allowed_hosts=["127.0.0.1"],
            requests_per_second=1000,
            cache_expire_s=0,
        )
    }
    loopback_settings.pubmed.base_url = api.url("/eutils/")
    loopback_settings.pubmed.idconv_url = api.url("/idconv/")
    loopback_settings.crossref.base_url = api.url("/crossref/")
    return loopback_settings


def _record_path(settings: Settings, slug: str) -> Path:
    return Path(settings.output.dir) / "programmes" / "eif-guidebook" / f"{slug}.json"


def test_crawl_then_unchanged_rerun(settings: Settings) -> None:
    first = crawl(settings)
    assert first["counts"]["discovered"] == 12 and first["counts"]["written"] == 12
    assert first["counts"]["failed"] == 0
    second = crawl(settings)
    assert second["counts"]["unchanged"] == 12 and second["counts"]["parsed"] == 0
    assert {p["status"] for p in second["programmes"]} == {"unchanged"}
    reports = sorted((Path(settings.output.dir) / "runs").glob("*.json"))
    assert len(reports) == 2


def test_changed_page_is_summarised(
    settings: Settings, site: tuple[MutableSite, LocalServer]
) -> None:
    handler, _ = site
    crawl(settings)
    spec = handler.specs[0]
    spec.rating = "4+" if spec.rating != "4+" else "2"
    old_rating = sample_programme(0, seed=3).rating
    handler.rebuild()
    report = crawl(settings)
    changed = [p for p in report["programmes"] if p["status"] == "written"]
    assert [p["id"] for p in changed] == [f"eif-guidebook/{spec.slug}"]
    assert changed[0]["changes"] == [f"evidence rating changed: {old_rating} -> {spec.rating}"]
    record = json.loads(_record_path(settings, spec.slug).read_text())
    assert record["programme"]["ratings"]["evidence"]["label"] == spec.rating


@pytest.mark.parametrize("status", [404, 410])
def test_gone_page_is_marked_withdrawn_not_deleted(
    settings: Settings, site: tuple[MutableSite, LocalServer], status: int
) -> None:
    handler, server = site
    crawl(settings)
    slug = handler.specs[3].slug
    handler.status[f"/programme/{slug}"] = status
    report = ingest([server.url(f"/programme/{slug}")], settings)
    assert report["programmes"][0]["status"] == "withdrawn"
    record = json.loads(_record_path(settings, slug).read_text())
    assert record["source"]["status"] == "withdrawn" and record["source"]["withdrawn_at"]
    assert record["programme"]["name"] == handler.specs[3].name


def test_good_page_that_now_fails_keeps_its_record(
    settings: Settings, site: tuple[MutableSite, LocalServer]
) -> None:
    handler, _ = site
    crawl(settings)
    broken, garbage = handler.specs[1].slug, handler.specs[2].slug
    before = {s: _record_path(settings, s).read_bytes() for s in (broken, garbage)}
    handler.status[f"/programme/{broken}"] = 500
    handler.raw[f"/programme/{garbage}"] = b"<html><body><p>Maintenance notice.</p></body></html>"
    report = crawl(settings, only_changed=False)
    failed = {e["input"].rsplit("/", 1)[-1]: e for e in report["errors"] if e["stage"]}
    assert failed[broken]["stage"] == "fetch" and "500" in failed[broken]["reason"]
    assert failed[garbage]["stage"] == "parse" and "no known kind" in failed[garbage]["reason"]
    for slug, data in before.items():
        assert _record_path(settings, slug).read_bytes() == data
    rejected = {
        json.loads(p.read_text())["stage"]
        for p in (Path(settings.output.dir) / "rejected").glob("*.json")
    }
    assert rejected == {"fetch", "parse"}
    assert report["counts"]["failed"] == 2 and report["counts"]["written"] == 10


def test_manual_reingest_replaces_only_that_record(
    settings: Settings, site: tuple[MutableSite, LocalServer]
) -> None:
    handler, server = site
    crawl(settings)
    others = {s.slug: _record_path(settings, s.slug).read_bytes() for s in handler.specs[1:]}
    handler.specs[0].name = handler.specs[0].name + " Revised"
    handler.rebuild()
    report = ingest([server.url(f"/programme/{handler.specs[0].slug}")], settings)
    assert report["counts"]["written"] == 1
    assert any(c.startswith("name changed") for c in report["programmes"][0]["changes"])
    for slug, data in others.items():
        assert _record_path(settings, slug).read_bytes() == data


def test_run_report_has_resolution_and_coverage(settings: Settings) -> None:
    report = crawl(settings)
    coverage = report["coverage"]
    assert coverage["references"] > 0
    assert coverage["references_resolved"] + report["resolution"].get("references", 0) > 0
    assert report["http"]["network_requests"] > 0
    assert set(report["counts"]) >= {
        "discovered",
        "fetched",
        "unchanged",
        "parsed",
        "failed",
        "resolved",
    }


def _renamed_patterns(tmp_path: Path) -> Path:
    """The shipped rules with every comparison rule id renamed (``…-custom``)."""
    shipped = bundled_patterns_dir()
    folder = tmp_path / "patterns"
    folder.mkdir()
    for path in shipped.glob("*.jsonl"):
        lines = path.read_text("utf-8").splitlines()
        if path.name == "comparison.jsonl":
            rules = [json.loads(line) for line in lines if line.strip()]
            lines = [json.dumps({**rule, "id": rule["id"] + "-custom"}) for rule in rules]
        (folder / path.name).write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def test_ingest_uses_the_configured_patterns(tmp_path: Path, seeds_dir: Path) -> None:
    from evidencemine.pipeline import RunOptions

    settings = Settings()
    settings.output.dir = tmp_path / "out"
    settings.nlp.patterns_dir = _renamed_patterns(tmp_path)
    report = ingest(
        [str(seeds_dir / "004_fcc6b16e27ae857a.txt")], settings, RunOptions(offline=True)
    )
    assert report["counts"]["failed"] == 0
    (path,) = (tmp_path / "out" / "programmes").rglob("*.json")
    comparison = json.loads(path.read_text("utf-8"))["studies"][0]["comparison"]
    assert comparison["value"] == "treatment as usual"
    assert comparison["evidence"]["rule"].endswith("-custom")


def test_missing_patterns_folder_stops_the_run_before_any_page(
    tmp_path: Path, seeds_dir: Path
) -> None:
    from evidencemine.errors import ConfigError
    from evidencemine.pipeline import RunOptions

    settings = Settings()
    settings.output.dir = tmp_path / "out"
    settings.nlp.patterns_dir = tmp_path / "no-such-folder"
    with pytest.raises(ConfigError, match="patterns folder not found"):
        ingest([str(seeds_dir / "004_fcc6b16e27ae857a.txt")], settings, RunOptions(offline=True))
    assert not (tmp_path / "out").exists()
