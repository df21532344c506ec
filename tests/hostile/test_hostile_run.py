"""Class: one bad item never loses the run; crash-consistent, locked, unique output."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_helpers import cli, good_page

from evidencemine.cli import main
from evidencemine.documents import Document, LoadContext, Loader, register_loader
from evidencemine.output import OutputStore, validate_output
from evidencemine.pipeline import RunOptions, ingest
from evidencemine.settings import Settings

BOOM = b"\x00\xff\xfeHOSTILE-BOOM"


def _boom(data: bytes, context: LoadContext) -> Document:
    raise ZeroDivisionError("a loader bug")


# A real loader registered through the public registry; it only claims its own marker bytes.
register_loader(
    Loader("hostile-boom", "application/x-boom", lambda d, c: d.startswith(BOOM), _boom)
)


def _settings(out: Path) -> Settings:
    settings = Settings()
    settings.output.dir = out
    settings.http.cache_dir = out.parent / "cache"
    return settings


def test_an_unexpected_exception_fails_only_its_item(pages: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(BOOM)
    out = tmp_path / "out"
    items = [str(pages[0]), str(bad), str(pages[1])]
    report = ingest(items, _settings(out), RunOptions(offline=True))
    statuses = [p["status"] for p in report["programmes"]]
    assert statuses == ["written", "failed", "written"]
    [error] = report["errors"]
    assert error["input"] == str(bad) and error["stage"] == "load"
    assert error["reason"] == "unexpected error: ZeroDivisionError: a loader bug"
    assert list((out / "runs").glob("*.json")) and validate_output(out) == []
    rejected = [json.loads(p.read_text()) for p in (out / "rejected").glob("*.json")]
    assert [r["input"] for r in rejected] == [str(bad)]


def test_cli_prints_each_error_once_without_traceback(pages: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    out = tmp_path / "out"
    done = cli("ingest", str(pages[0]), str(bad), "--offline", "--output", str(out))
    assert done.code == 1
    err = done.one_clean_line()
    assert err.count("unsupported type") == 1, err
    assert cli("validate", str(out)).code == 0


def test_a_record_that_cannot_be_written_fails_alone(pages: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = ingest([str(pages[0])], _settings(out), RunOptions(offline=True))
    target = out / "programmes" / (first["programmes"][0]["id"] + ".json")
    target.unlink()
    target.mkdir()  # a folder in the way of the record file
    report = ingest([str(pages[0]), str(pages[1])], _settings(out), RunOptions(offline=True))
    assert [p["status"] for p in report["programmes"]] == ["failed", "written"]
    assert report["errors"][0]["stage"] == "write"
    assert "cannot write" in report["errors"][0]["reason"]


def test_output_dir_that_is_a_file(pages: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder")
    done = cli("ingest", str(pages[0]), "--offline", "--output", str(out))
    assert done.code == 1
    assert "is a file, not a folder" in done.one_clean_line()


def test_a_second_run_on_a_locked_folder_is_refused(pages: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputStore(out).lock():
        done = cli("ingest", str(pages[0]), "--offline", "--output", str(out))
    assert done.code == 1
    assert "another run is writing to this output folder" in done.one_clean_line()
    assert not (out / "programmes").exists()


def test_file_size_limit_fails_cleanly_and_keeps_old_output(
    pages: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert cli("ingest", str(pages[0]), "--offline", "--output", str(out), "--quiet").code == 0
    before = {p: p.read_bytes() for p in out.rglob("*.json")}

    def small_files() -> None:  # EFBIG on any write past 2 kB (SIGXFSZ ignored: an errno)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "evidencemine.cli",
            "ingest",
            *map(str, pages),
            "--offline",
            "--output",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=small_files,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "file too large" in done.stderr
    for path, data in before.items():
        if path.parent.name != "runs":
            assert path.read_bytes() == data  # old records and index intact
    assert validate_output(out, repair=True) == []


def test_kill_9_at_any_moment_leaves_a_valid_folder(tmp_path: Path) -> None:
    many = []
    for index in range(12):
        path = tmp_path / f"p{index}.html"
        path.write_bytes(good_page(index))
        many.append(str(path))
    out = tmp_path / "out"
    assert cli("ingest", *many[:2], "--offline", "--output", str(out), "--quiet").code == 0
    for delay in (0.8, 1.6, 2.4):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "evidencemine.cli",
                "ingest",
                *many,
                "--offline",
                "--output",
                str(out),
                "--quiet",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert validate_output(out, repair=True) == [], delay


def test_damaged_record_and_index_are_quarantined(
    pages: list[Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out"
    ingest([str(pages[0]), str(pages[1])], _settings(out), RunOptions(offline=True))
    damaged = next((out / "programmes").glob("*/*.json"))
    damaged.write_text('{"truncated": ')
    report = ingest([str(pages[2])], _settings(out), RunOptions(offline=True))
    assert report["counts"]["written"] == 1
    assert "moved to" in caplog.text and list((out / "quarantine").rglob("*"))
    assert validate_output(out) == []


@pytest.mark.parametrize(
    "index_text", ['[{"id": "x", "path"', '{"not": "a list"}', '[{"id": "no-path"}]', "[1, 2]"]
)
def test_validate_never_crashes_on_a_damaged_index(
    pages: list[Path], tmp_path: Path, index_text: str, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out"
    ingest([str(pages[0])], _settings(out), RunOptions(offline=True))
    (out / "index.json").write_text(index_text)
    problems = validate_output(out)
    assert problems and all("index.json" in p for p in problems)
    assert validate_output(out, repair=True) == []  # `validate` repairs it from valid records
    assert "index repaired" in caplog.text
    assert validate_output(out) == []


def test_validate_names_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "nonexistent")]) == 1
    assert capsys.readouterr().err.strip().endswith("nonexistent: no such folder")


def test_two_inputs_with_one_slug_get_distinct_ids(tmp_path: Path) -> None:
    one, two = tmp_path / "a" / "page.html", tmp_path / "b" / "page.html"
    for path in (one, two):
        path.parent.mkdir()
        path.write_bytes(good_page(0))  # same programme name: same slug
    out = tmp_path / "out"
    report = ingest([str(one), str(two)], _settings(out), RunOptions(offline=True))
    ids = [p["id"] for p in report["programmes"]]
    assert len(set(ids)) == 2 and ids[1] == ids[0] + "-2"
    assert any("written as new id" in c for c in report["programmes"][1]["changes"])
    assert len(list((out / "programmes").glob("*/*.json"))) == 2
    again = ingest([str(two), str(one)], _settings(out), RunOptions(offline=True))
    assert [p["id"] for p in again["programmes"]] == [ids[1], ids[0]]  # stable ids


def test_rejections_of_look_alike_names_do_not_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = [str(tmp_path / "a b.html"), str(tmp_path / "a_b.html")]
    ingest(names, _settings(out), RunOptions(offline=True))
    kept = {json.loads(p.read_text())["input"] for p in (out / "rejected").glob("*.json")}
    assert kept == set(names)


def test_escape_sequences_in_names_are_shown_escaped(tmp_path: Path) -> None:
    name = tmp_path / "evil\x1b[2J\x1b]0;pwned\x07.html"
    done = cli("ingest", str(name), "--offline", "--output", str(tmp_path / "out"))
    assert done.code == 1
    assert "\x1b" not in done.err + done.out and "\\x1b[2J" in done.err
    name.write_text("<html><body><h1>x</h1>" + "<div>" * 300 + "</body></html>")
    done = cli("parse", str(name))  # a log warning names the file too
    assert done.code == 1 and "limits.html_max_depth" in done.err
    assert "\x1b" not in done.err + done.out


def test_output_files_follow_the_umask(pages: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        ingest([str(pages[0])], _settings(out), RunOptions(offline=True))
    finally:
        os.umask(old)
    for path in [out / "index.json", *out.glob("programmes/*/*.json")]:
        assert path.stat().st_mode & 0o777 == 0o644, path


def test_relative_cache_dir_stays_inside_the_output_folder(tmp_path: Path) -> None:
    settings = Settings()
    settings.output.dir = tmp_path / "out"
    assert settings.cache_path == tmp_path / "out" / ".cache" / "evidencemine"


def test_look_alike_cjk_and_empty_names_never_overwrite(tmp_path: Path) -> None:
    from evidencemine_demo.sample_site import render_programme_html, sample_programme

    names = ["日本語の番組", "中文节目", "Café Parents", "Cafe\u0301 Parents", "!!!"]
    paths = []
    for number, name in enumerate(names):
        spec = sample_programme(0)
        spec.name = name
        path = tmp_path / f"p{number}.html"
        path.write_text(render_programme_html(spec), encoding="utf-8")
        paths.append(str(path))
    report = ingest(paths, _settings(tmp_path / "out"), RunOptions(offline=True))
    ids = [p["id"] for p in report["programmes"]]
    assert [p["status"] for p in report["programmes"]] == ["written"] * len(names)
    assert len(set(ids)) == len(names)
    assert len(list((tmp_path / "out" / "programmes").glob("*/*.json"))) == len(names)


def test_a_run_that_reaches_nothing_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket as socket_module

    from rawserver import RawServer

    def not_found(conn: socket_module.socket, _: bytes) -> None:
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    with RawServer(not_found) as server:
        config = tmp_path / "c.toml"
        config.write_text(
            f'[http]\ncache_dir = "{tmp_path / "cache"}"\nallow_private_hosts = true\n'
            "retries = 0\n"
            f'[sources.eif_guidebook]\nindex_url = "{server.base_url}/programmes"\n'
            'allowed_hosts = ["127.0.0.1"]\nobey_robots = false\n'
        )
        code = main(["run", "--config", str(config), "--output", str(tmp_path / "out"), "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "discover" in err
    assert list((tmp_path / "out" / "runs").glob("*.json"))  # the report is still written
