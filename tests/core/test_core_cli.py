"""The command line: outputs, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evidencemine.cli import main
from evidencemine.output import schema_errors
from evidencemine.sources.common import slugify
from evidencemine_demo.sample_site import render_programme_html, sample_programme


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "programme.html"
    path.write_text(render_programme_html(sample_programme(0)), encoding="utf-8")
    return path


def test_parse_prints_valid_json(page: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(page), "--url", "https://g.example/programme/x"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "eif-guidebook/x" and schema_errors(data) == []


def test_parse_seed_validates(seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(seeds_dir / "004_fcc6b16e27ae857a.txt")]) == 0
    assert schema_errors(json.loads(capsys.readouterr().out)) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "empty input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "unsupported type"),
        (
            b"<html><body><p>Just a note about the weather.</p></body></html>",
            "no known kind (tried: eif-guidebook, ",
        ),
    ],
)
def test_parse_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "input.html"
    if content is not None:
        path.write_bytes(content)
    assert main(["parse", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err and message in err


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Programme-evidence record"


def test_ingest_offline_writes_and_reports_failures(
    page: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    missing = tmp_path / "missing.html"
    code = main(["ingest", str(page), str(missing), "--offline", "--output", str(out), "--quiet"])
    assert code == 1
    index = json.loads((out / "index.json").read_text())
    slug = slugify(sample_programme(0).name)  # a local file without a URL: slug from the name
    assert [e["id"] for e in index] == [f"eif-guidebook/{slug}"]
    rejected = json.loads(next((out / "rejected").glob("*.json")).read_text())
    assert rejected["input"] == str(missing) and "no such file" in rejected["reason"]
    report = json.loads(next((out / "runs").glob("*.json")).read_text())
    assert report["counts"]["written"] == 1 and report["counts"]["failed"] == 1
    assert main(["validate", str(out)]) == 0


def test_ingest_twice_is_byte_identical(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["ingest", str(page), "--offline", "--output", str(out), "--quiet"]) == 0
    record = out / "programmes" / "eif-guidebook" / f"{slugify(sample_programme(0).name)}.json"
    first = record.read_bytes()
    assert main(["ingest", str(page), "--offline", "--output", str(out), "--quiet"]) == 0
    assert record.read_bytes() == first


def test_validate_fails_on_empty_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 1
    assert "no records" in capsys.readouterr().err


def test_bad_config_exits_2(tmp_path: Path, page: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[http]\nretries = 'many'\n")
    assert main(["ingest", str(page), "--offline", "--config", str(bad)]) == 2
    assert "http.retries" in capsys.readouterr().err


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["parse"])
    assert caught.value.code == 2


def test_console_script_is_installed(page: Path) -> None:
    exe = Path(sys.executable).with_name("evidencemine")
    result = subprocess.run(
        [str(exe), "parse", str(page)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["programme"]["name"] == sample_programme(0).name
