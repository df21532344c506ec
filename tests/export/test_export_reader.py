"""The reader API: typed records, upgrades of older minor versions, refusals of versions it
cannot read, and the README's pandas, DuckDB and reader lines run as written."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from evidencemine import read_output
from evidencemine.cli import main
from evidencemine.models import SCHEMA_ID, SCHEMA_VERSION, ProgrammeRecord
from evidencemine.output import schema_text

REPO = Path(__file__).resolve().parents[2]


def test_records_are_typed_and_complete(demo_output: Path) -> None:
    out = read_output(demo_output)
    records = list(out.records())
    files = sorted((demo_output / "programmes").glob("*/*.json"))
    assert [r.id for r in records] == [f"{f.parent.name}/{f.stem}" for f in files]
    assert all(isinstance(r, ProgrammeRecord) for r in records)
    for record, path in zip(records, files, strict=True):
        assert record.model_dump(mode="json", by_alias=True) == json.loads(path.read_text())
    assert out.problems == []
    studies = list(out.studies())
    assert len(studies) == sum(len(r.studies) for r in records)
    assert {s["programme_id"] for s in studies} <= {r.id for r in records}
    assert len(list(out.references())) == sum(len(s.references) for r in records for s in r.studies)
    assert [r["run_id"] for r in out.runs()] == sorted(
        p.stem for p in (demo_output / "runs").glob("*.json")
    )


def test_schema_has_id_and_version() -> None:
    schema = json.loads(schema_text())
    assert schema["$id"] == SCHEMA_ID and schema["version"] == SCHEMA_VERSION
    assert SCHEMA_VERSION in SCHEMA_ID


def test_an_older_minor_version_is_upgraded_when_read(output_copy: Path) -> None:
    path = output_copy / "programmes" / "eif-guidebook" / "child-parent-attachment-programme.json"
    data = json.loads(path.read_text())
    major = SCHEMA_VERSION.split(".")[0]
    data["schema_version"] = f"{major}.0.0"
    for outcome in data["programme"]["child_outcomes"]:  # a field 1.1.0 added
        del outcome["study_labels"]
    path.write_text(json.dumps(data))
    out = read_output(output_copy)
    record = next(r for r in out.records() if r.slug == path.stem)
    assert out.problems == []
    assert record.schema_version == SCHEMA_VERSION
    assert record.programme.child_outcomes and all(
        o.study_labels == [] for o in record.programme.child_outcomes
    )


@pytest.mark.parametrize(
    ("version", "reason"),
    [
        ("0.9.0", "another major version"),
        (f"{SCHEMA_VERSION.split('.')[0]}.99.0", "is newer than"),
        ("banana", "is not MAJOR.MINOR.PATCH"),
    ],
)
def test_versions_it_cannot_read_are_reported_and_skipped(
    output_copy: Path, version: str, reason: str
) -> None:
    path = sorted((output_copy / "programmes").glob("*/*.json"))[0]
    data = json.loads(path.read_text())
    data["schema_version"] = version
    path.write_text(json.dumps(data))
    out = read_output(output_copy)
    ids = [r.id for r in out.records()]
    assert f"{path.parent.name}/{path.stem}" not in ids
    assert len(ids) == len(list((output_copy / "programmes").glob("*/*.json"))) - 1
    (problem,) = out.problems
    assert problem.startswith(f"{path}: ") and reason in problem


def test_not_an_output_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not an evidencemine output folder"):
        read_output(tmp_path)


def _readme_block(name: str) -> str:
    readme = (REPO / "README.md").read_text("utf-8")
    match = re.search(rf"<!-- readme-test: {name} -->\n```python\n(.*?)```", readme, re.S)
    assert match, f"README has no {name} block"
    return match.group(1)


def _run_in(folder: Path, code: str) -> str:
    buffer = io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(buffer):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["pandas", "duckdb"])
def test_readme_question_lines_answer_it(name: str, question_output: Path, tmp_path: Path) -> None:
    folder = tmp_path / "project"
    shutil.copytree(question_output, folder / "output")
    fmt = "parquet" if name == "pandas" else "duckdb"
    assert main(["export", str(folder / "output"), "--format", fmt, "--quiet"]) == 0
    code = _readme_block(name)
    assert len(code.strip().splitlines()) == 4
    printed = _run_in(folder, code)
    assert printed.strip() == repr(["Meets Four Cluster", "Meets Three"])


def test_readme_reader_lines_run(demo_output: Path, tmp_path: Path) -> None:
    folder = tmp_path / "project"
    shutil.copytree(demo_output, folder / "output")
    printed = _run_in(folder, _readme_block("reader"))
    lines = printed.strip().splitlines()
    assert len(lines) == len(list((demo_output / "programmes").glob("*/*.json")))
    assert "eif-guidebook/child-parent-attachment-programme 3+" in lines
