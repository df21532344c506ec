"""The output writer: validation, atomic replacement, stable bytes, indexes, rejections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencemine.documents import LoadContext, load_document
from evidencemine.errors import ValidationFailure
from evidencemine.models import ProgrammeRecord
from evidencemine.output import OutputStore, schema_errors, to_json, validate_output
from evidencemine.sources import parse_document
from evidencemine_demo.sample_site import render_programme_html, sample_programme


def _record(index: int = 1) -> ProgrammeRecord:
    spec = sample_programme(index)
    page = render_programme_html(spec).encode()
    return parse_document(
        load_document(page, LoadContext(url=f"https://g.example/programme/{spec.slug}"))
    )


def test_write_layout_index_and_jsonl(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    records = [_record(i) for i in range(3)]
    paths = [store.write_record(r) for r in records]
    assert store.rebuild_indexes() == 3
    assert paths[0] == tmp_path / "programmes" / "eif-guidebook" / f"{records[0].slug}.json"
    lines = (tmp_path / "programmes.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(r.id for r in records)
    index = json.loads((tmp_path / "index.json").read_text())
    assert {e["id"] for e in index} == {r.id for r in records}
    assert all(
        e["studies"] == len(r.studies)
        for e, r in zip(
            sorted(index, key=lambda e: e["id"]), sorted(records, key=lambda r: r.id), strict=True
        )
    )
    assert (tmp_path / "programme-evidence.schema.json").is_file()
    assert validate_output(tmp_path) == []


def test_same_input_gives_identical_bytes(tmp_path: Path) -> None:
    first, second = to_json(_record(2)), to_json(_record(2))
    assert first == second
    keys = list(json.loads(first))
    assert keys == ["schema_version", "id", "slug", "source", "programme", "studies", "warnings"]


def test_invalid_record_leaves_previous_record_untouched(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    good = _record(1)
    path = store.write_record(good)
    before = path.read_bytes()
    bad = good.model_copy(deep=True)
    bad.programme.countries = ["not-a-code"]
    with pytest.raises(ValidationFailure, match=good.id):
        store.write_record(bad)
    assert path.read_bytes() == before
    assert not list(path.parent.glob(".*.tmp"))


def test_validate_output_reports_tampering(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    path = store.write_record(_record(1))
    store.rebuild_indexes()
    data = json.loads(path.read_text())
    data["schema_version"] = "0.0.1"
    path.write_text(json.dumps(data))
    problems = validate_output(tmp_path)
    assert any("schema_version" in p or "0.0.1" in p for p in problems)
    assert any("sha256" in p for p in problems)


def test_rejected_entries_carry_reason(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    path = store.reject("/data/page one.html", "no such file", stage="load", run_id="r1")
    entry = json.loads(path.read_text())
    assert entry["input"] == "/data/page one.html" and entry["reason"] == "no such file"
    store.clear_rejection("/data/page one.html")
    assert not path.exists()


def test_record_of_an_earlier_minor_schema_version_is_read(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    record = _record(1)
    path = store.write_record(record)
    data = json.loads(path.read_text("utf-8"))
    data["schema_version"] = "1.0.0"  # written before outcomes carried study_labels
    for outcome in data["programme"]["child_outcomes"]:
        del outcome["study_labels"]
    path.write_text(json.dumps(data), "utf-8")
    read = store.read_record(record.id)
    assert read is not None and read.schema_version == record.schema_version
    assert read.programme.child_outcomes[0].study_labels == []
    assert read.programme.name == record.programme.name


def test_unreadable_previous_record_is_treated_as_absent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = OutputStore(tmp_path)
    record = _record(1)
    path = store.write_record(record)
    path.write_text('{"schema_version": "2.0.0", "id": 1}', "utf-8")
    assert store.read_record(record.id) is None
    assert "previous record unreadable" in caplog.text and str(path) in caplog.text
    path.write_text("{truncated", "utf-8")
    assert store.read_record(record.id) is None
    store.write_record(record)  # the next good record replaces it
    assert store.read_record(record.id) == record


def test_record_of_schema_1_1_0_is_read_and_validates(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    record = _record(2)
    path = store.write_record(record)
    data = json.loads(path.read_text("utf-8"))
    data["schema_version"] = "1.1.0"  # written before warnings, statements and badges
    del data["warnings"]
    for key in ("reviews", "last_reviewed", "aliases"):
        del data["source"][key]
    for key in ("uk_available", "uk_tested", "population_evaluated", "model_characteristics"):
        del data["programme"][key]
    for outcome in data["programme"]["child_outcomes"]:
        del outcome["statements"]
    if data["programme"]["ratings"]["cost"]:
        del data["programme"]["ratings"]["cost"]["band"]
    path.write_text(json.dumps(data), "utf-8")
    read = store.read_record(record.id)
    assert read is not None and read.schema_version == "1.2.0"
    assert read.warnings == [] and read.source.aliases == []
    assert schema_errors(read.model_dump(mode="json")) == []  # upgraded, it validates
    store.write_record(read)  # and rewriting it gives a current record on disk
    assert [p for p in validate_output(tmp_path) if "index.json" not in p] == []
