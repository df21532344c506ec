"""``extract`` and ``eval`` through an argparse parser, as the CLI wires them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from evidencemine.nlp.commands import register
from evidencemine.settings import bundled_patterns_dir

GOLD = Path(__file__).parent / "gold" / "abstracts.jsonl"
KEYS = ["design", "sample_size", "countries", "outcomes", "timepoints_months", "comparison"]


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evidencemine")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


def test_extract_free_text_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "abstract.txt"
    path.write_text("We randomised 120 families in Norway to the programme or a waiting list.")
    assert _run(["extract", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result) == KEYS
    assert result["design"]["value"] == "rct"
    assert result["sample_size"]["total"] == 120
    assert [c["code"] for c in result["countries"]] == ["NO"]
    assert result["comparison"]["value"] == "wait-list"
    assert result["design"]["evidence"]["source"] == f"file:{path}"


def test_extract_jsonl_keeps_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.jsonl"
    lines = [{"id": "a", "text": "RCT"}, {"id": 7, "text": "189 mothers took part."}]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    assert _run(["extract", "--jsonl", str(path)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == ["a", 7]
    assert out[0]["design"]["value"] == "rct"
    assert out[1]["sample_size"]["total"] == 189


def test_extract_bad_jsonl_line_names_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "text": "RCT"}\n{not json\n')
    assert _run(["extract", "--jsonl", str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and len(err.strip().splitlines()) == 1


def test_extract_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["extract", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err


def test_eval_prints_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["eval", str(GOLD)]) == 0
    table = capsys.readouterr().out
    assert "design" in table and "accuracy" in table and "timepoints" in table
    assert _run(["eval", str(GOLD), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["items"] >= 60
    assert set(figures) >= {"design", "sample_size", "countries", "outcomes", "timepoints"}


def _patterns_with_extra_design(tmp_path: Path) -> Path:
    """A copy of the shipped rules with one extra design name, referenced by a config file."""
    shipped = bundled_patterns_dir()
    folder = tmp_path / "patterns"
    folder.mkdir()
    for path in shipped.glob("*.jsonl"):
        (folder / path.name).write_bytes(path.read_bytes())
    extra = {"id": "design-cohort-zebra-study", "label": "DESIGN", "value": "cohort",
             "kind": "name", "pattern": "zebra study"}  # fmt: skip
    with (folder / "design.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(extra) + "\n")
    config = tmp_path / "em.toml"
    config.write_text(f'[nlp]\npatterns_dir = "{folder.as_posix()}"\n')
    return config


def test_extract_uses_the_configured_patterns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _patterns_with_extra_design(tmp_path)
    path = tmp_path / "abstract.txt"
    path.write_text("In this zebra study, 80 parents in Kenya were followed for a year.")
    assert _run(["extract", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["design"] is None
    assert _run(["extract", str(path), "--config", str(config)]) == 0
    design = json.loads(capsys.readouterr().out)["design"]
    assert design["value"] == "cohort"
    assert design["evidence"]["rule"] == "design-cohort-zebra-study"


def test_extract_reports_a_missing_patterns_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "em.toml"
    config.write_text(f'[nlp]\npatterns_dir = "{(tmp_path / "nowhere").as_posix()}"\n')
    assert _run(["extract", "--config", str(config), str(config)]) == 2
    err = capsys.readouterr().err
    assert "patterns folder not found" in err and "nowhere" in err
