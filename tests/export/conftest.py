"""An output folder written by the real pipeline over the bundled sample site (once per
session), and a small folder built to answer one question."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evidencemine.models import ProgrammeRecord
from evidencemine.output import OutputStore
from evidencemine.settings import Settings
from evidencemine_demo.demo import PROJECT_PAGE, demo_servers


def _settings(root: Path) -> Settings:
    settings = Settings()
    settings.output.dir = root / "output"
    settings.http.allow_private_hosts = True
    settings.http.timeout_s = 5
    return settings


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo: the sample site crawled, the research-project page ingested by hand."""
    from evidencemine.pipeline import RunOptions, crawl, ingest

    root = tmp_path_factory.mktemp("demo")
    with demo_servers() as servers:
        settings = servers.configure(_settings(root), root / "cache")
        report = crawl(settings, only_changed=False)
        manual = ingest([servers.site.url(PROJECT_PAGE)], settings, RunOptions())
    assert report["counts"]["failed"] == manual["counts"]["failed"] == 0
    return Path(settings.output.dir)


@pytest.fixture
def output_copy(demo_output: Path, tmp_path: Path) -> Path:
    """A private copy of the demo output, for tests that change it."""
    return Path(shutil.copytree(demo_output, tmp_path / "output"))


def _variant(
    base: ProgrammeRecord, slug: str, rating: str, design: str, country: str, n: int
) -> ProgrammeRecord:
    record = base.model_copy(deep=True)
    record.id, record.slug = f"eif-guidebook/{slug}", slug
    record.programme.name = slug.replace("-", " ").title()
    evidence = record.programme.ratings.evidence
    assert evidence is not None
    evidence.label, evidence.level = rating, int(rating[0])
    evidence.plus, evidence.not_level_2 = rating.endswith("+"), False
    study = record.studies[0]
    assert study.design and study.sample and study.sample.size
    study.design.value = design  # type: ignore[assignment]
    study.countries = [country]
    study.sample.size.total = n
    study.sample.size.studies_included = False
    record.studies = [study]
    return record


@pytest.fixture(scope="session")
def question_output(demo_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Programmes that each miss "rated 3+ with a UK RCT of N >= 100" in one way, and two
    that meet it."""
    base = OutputStore(demo_output).read_record("eif-guidebook/child-parent-attachment-programme")
    assert base is not None
    root = tmp_path_factory.mktemp("question") / "output"
    store = OutputStore(root)
    for args in [
        ("meets-three", "3", "rct", "GB", 100),
        ("meets-four-cluster", "4+", "cluster-rct", "GB", 2400),
        ("rated-two", "2+", "rct", "GB", 500),
        ("small-trial", "3+", "rct", "GB", 99),
        ("trial-abroad", "4", "rct", "US", 900),
        ("not-a-trial", "3", "quasi-experimental", "GB", 800),
    ]:
        store.write_record(_variant(base, *args))
    store.rebuild_indexes()
    return root
