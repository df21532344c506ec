"""`ingest` with resolution against the API stand-in: the seeds, and page/abstract conflicts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidencemine.models import ProgrammeRecord
from evidencemine.pipeline import ingest
from evidencemine.settings import Settings
from evidencemine_demo.demo import API_DIR, SITE_DIR, demo_servers
from evidencemine_demo.localserver import LocalServer
from evidencemine_demo.standin import api_standin_handler


@pytest.fixture
def api_settings(loopback_settings: Settings) -> Iterator[Settings]:
    with LocalServer(api_standin_handler(API_DIR)) as api:
        loopback_settings.pubmed.base_url = api.url("/eutils/")
        loopback_settings.pubmed.idconv_url = api.url("/idconv/")
        loopback_settings.crossref.base_url = api.url("/crossref/")
        yield loopback_settings


def _record(settings: Settings, record_id: str) -> ProgrammeRecord:
    kind, slug = record_id.split("/")
    path = Path(settings.output.dir) / "programmes" / kind / f"{slug}.json"
    return ProgrammeRecord.model_validate_json(path.read_text())


def test_seed000_resolves_to_pubmed_and_crossref(seeds_dir: Path, api_settings: Settings) -> None:
    report = ingest([str(seeds_dir / "000_a4d4c1a7dfc6b4f0.txt")], api_settings)
    assert report["counts"]["failed"] == 0 and report["resolution"]["resolved"] == 4
    record = _record(api_settings, "eif-guidebook/infant-parent-psychotherapy")
    (lieberman,) = record.studies[0].references
    assert lieberman.identifiers.doi == "10.2307/1130715"
    assert (lieberman.resolution.method, lieberman.resolution.source) == ("doi", "crossref")
    assert lieberman.resolution.verified
    refs = record.studies[1].references
    assert [r.identifiers.pmid for r in refs] == ["17152394", "21756432", "24229539"]
    for ref in refs:
        assert ref.resolution.status == "resolved" and ref.resolution.source == "pubmed"
        assert ref.resolved and ref.resolved.title and ref.abstract
    assert any(d.field == "title" for d in refs[1].differences)  # "Normalising" as printed
    assert any(d.field == "container-title" for d in refs[2].differences)
    sources = {e.source for e in record.studies[1].extractions}
    assert {"pmid:17152394", "pmid:21756432", "pmid:24229539"} <= sources


def test_seed004_abstract_supplies_sample_size(seeds_dir: Path, api_settings: Settings) -> None:
    ingest([str(seeds_dir / "004_fcc6b16e27ae857a.txt")], api_settings)
    record = _record(
        api_settings, "research-project/randomised-controlled-trial-of-parent-infant-psychotherapy"
    )
    (study,) = record.studies
    (ref,) = study.references
    assert (ref.identifiers.pmid, ref.identifiers.doi) == ("26939716", "10.1002/imhj.21553")
    assert ref.resolution.method == "ecitmatch"
    assert study.sample and study.sample.size
    assert study.sample.size.total == 76
    assert study.sample.size.evidence.source == "pmid:26939716"
    assert study.conflicts == []


def test_page_and_abstract_disagreement_is_a_conflict(
    tmp_path: Path, loopback_settings: Settings
) -> None:
    with demo_servers() as servers:
        settings = servers.configure(loopback_settings, tmp_path / "cache")
        ingest([servers.site.url("/programme/sample-programme-2")], settings)
    record = _record(settings, "eif-guidebook/sample-programme-2")
    (study,) = record.studies
    assert study.sample and study.sample.size
    conflict = next(c for c in study.conflicts if c.field == "sample_size")
    assert conflict.page_value == study.sample.size.total
    assert conflict.literature_value == study.sample.size.total + 40
    assert conflict.literature_source.startswith("pmid:")
    assert json.loads(record.model_dump_json())["studies"][0]["sample"]["size"]["total"] == (
        conflict.page_value
    )
    assert SITE_DIR.is_dir()
