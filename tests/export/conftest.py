"""An output folder written by the real pipeline over the bundled sample site (once per
session), and a small folder built to answer one question."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from evidencemine.models import SCHEMA_VERSION, ProgrammeRecord
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


def _filled(annotation: Any, name: str, depth: int = 0) -> Any:
    """A value for every field of ``annotation`` (nested models filled too, lists of two)."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return "GB" if name in ("countries", "code") else _filled(args[0], name, depth)
    if origin in (Union, UnionType):
        options = [a for a in args if a is not type(None)]
        return _filled(options[0], name, depth)
    if origin is Literal:
        return args[-1]
    if origin is list:
        return [_filled(args[0], name, depth + 1), _filled(args[0], name, depth + 1)]
    if origin is dict:
        return {"label one": "value one", "label two": "value two"}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {
            (field.alias or key): _filled(field.annotation, key, depth + 1)
            for key, field in annotation.model_fields.items()
        }
    if annotation is str:
        return "GB" if name == "code" else f"{name} text é"
    if annotation is bool:
        return True
    if annotation is int:
        return 3
    if annotation is float:
        return 2.5
    if annotation is datetime:
        return "2026-01-02T03:04:05.123456Z"
    if annotation is Any:
        return {"any": [1, "two", True]}
    raise TypeError(f"no filler for {annotation!r} ({name})")


def filled_record() -> ProgrammeRecord:
    """A record with every field set (nothing null, no empty list), valid against the models."""
    data = _filled(ProgrammeRecord, "record")
    data["id"], data["slug"] = "study-paper/every-field-filled", "every-field-filled"
    data["schema_version"] = SCHEMA_VERSION
    for study in data["studies"]:
        study["sample"]["size"]["studies_included"] = False
    data["programme"]["ratings"]["evidence"]["not_level_2"] = False
    return ProgrammeRecord.model_validate(data)


@pytest.fixture(scope="session")
def full_output(demo_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo output plus one record with every field set."""
    root = Path(shutil.copytree(demo_output, tmp_path_factory.mktemp("full") / "output"))
    store = OutputStore(root)
    store.write_record(filled_record())
    store.rebuild_indexes()
    return root
