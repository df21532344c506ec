"""Class: settings are validated (ranges, types, templates, patterns, files); bad ones exit 2
with one line naming the key; unknown keys warn with a suggestion."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_helpers import cli

from evidencemine.cli import main
from evidencemine.errors import ConfigError
from evidencemine.settings import load_settings


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[http]\ndefault_requests_per_second = 0", "http.default_requests_per_second"),
        ("[http]\ndefault_requests_per_second = -5", "http.default_requests_per_second"),
        ("[pubmed]\nrequests_per_second = 0", "pubmed.requests_per_second"),
        ("[crossref]\nrequests_per_second = -1", "crossref.requests_per_second"),
        ("[sources.eif_guidebook]\nrequests_per_second = 0", "requests_per_second"),
        ("[http]\ntimeout_s = 0", "http.timeout_s"),
        ("[http]\ntimeout_s = -1", "http.timeout_s"),
        ("[http]\ntimeout_s = 1e400", "http.timeout_s"),
        ("[http]\ntimeout_s = nan", "http.timeout_s"),
        ("[http]\nretries = -1", "http.retries"),
        ("[http]\nretries = 100000", "http.retries"),
        ("[http]\nbackoff_s = -1", "http.backoff_s"),
        ("[http]\nmax_bytes = 0", "http.max_bytes"),
        ("[http]\nretries = 'many'", "http.retries"),
        ("[http]\ntimeout_s = [1, 2]", "http.timeout_s"),
        ('[http]\nuser_agent = "x {oops}"', "http.user_agent"),
        ('[http]\nuser_agent = "x {0}"', "http.user_agent"),
        ('[sources.eif_guidebook]\nprogramme_path_pattern = "("', "programme_path_pattern"),
        ('[http]\ncache_dir = "../../elsewhere"', "http.cache_dir"),
        ("[crossref]\ntitle_similarity_min = 2", "crossref.title_similarity_min"),
        ("[limits]\nhtml_max_depth = 100000", "limits.html_max_depth"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, toml: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    message = str(caught.value)
    assert key in message and "\n" not in message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"[http]\ncontact = '\xff\xfe'\n", "not UTF-8"),
        (b"x = " + b"[" * 50_000 + b"]" * 50_000 + b"\n", "nests"),
        (b"x = 1\n" + b"#" * 1_100_000, "over"),
    ],
)
def test_unreadable_config_files_exit_2(
    tmp_path: Path, content: bytes, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    assert main(["ingest", "x.html", "--offline", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and reason in err and str(path) in err


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_config_must_be_a_regular_file(
    tmp_path: Path, special: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if special == "fifo":
        special = str(tmp_path / "config.fifo")
        os.mkfifo(special)
    assert main(["ingest", "x.html", "--offline", "--config", special]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_environment_values_are_validated_too() -> None:
    with pytest.raises(ConfigError, match=r"http\.retries"):
        load_settings(environ={"EVIDENCEMINE_HTTP__RETRIES": "-3"})


def test_unknown_environment_key_warns(caplog: pytest.LogCaptureFixture) -> None:
    load_settings(environ={"EVIDENCEMINE_HTTP__TIMOUT_S": "3"})
    assert "unknown setting http.timout_s ignored (did you mean 'timeout_s'?)" in caplog.text


def test_negative_limit_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["run", "--limit", "-1"])
    assert caught.value.code == 2
    assert "must be 0 or more" in capsys.readouterr().err


def test_default_output_folder_is_announced(tmp_path: Path) -> None:
    page = tmp_path / "missing.html"
    done = cli("ingest", str(page), "--offline", "--quiet", cwd=tmp_path)
    assert done.code == 1
    assert f"note: writing to {tmp_path / 'output'}" in done.err
    assert "Traceback" not in done.err


def test_cache_dir_under_a_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    config = tmp_path / "c.toml"
    config.write_text(f'[http]\ncache_dir = "{blocker / "cache"}"\n')
    out = str(tmp_path / "out")
    code = main(["ingest", str(tmp_path / "x.html"), "--config", str(config), "--output", out])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "http.cache_dir" in err
