"""The checked-in schema and config defaults stay in step with the code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencemine.errors import ConfigError
from evidencemine.models import SCHEMA_VERSION, record_json_schema
from evidencemine.output import schema_text
from evidencemine.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]


def test_checked_in_schema_equals_generated() -> None:
    assert json.loads(schema_text()) == record_json_schema()


def test_schema_is_2020_12_and_versioned() -> None:
    schema = json.loads(schema_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert SCHEMA_VERSION in schema["$id"]


def test_config_file_documents_the_code_defaults() -> None:
    assert load_settings(REPO / "config" / "evidencemine.toml", environ={}) == Settings()


def test_partial_overlay_and_environment(tmp_path: Path) -> None:
    partial = tmp_path / "mine.toml"
    partial.write_text('[http]\ntimeout_s = 7\n[crossref]\nmailto = "me@example.org"\n')
    settings = load_settings(partial, environ={"EVIDENCEMINE_HTTP__RETRIES": "9"})
    assert settings.http.timeout_s == 7 and settings.http.retries == 9
    assert settings.crossref.mailto == "me@example.org"
    assert settings.http.max_bytes == Settings().http.max_bytes


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[http\n", "cannot read config"),
        ("[http]\ntimeout_s = 'slow'\n", "http.timeout_s"),
        ("[http]\ntimeout_s = -1\n", "http.timeout_s"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=reason):
        load_settings(path, environ={})


def test_unknown_keys_warn_with_a_suggestion(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "typo.toml"
    path.write_text("[nonsense]\nx = 1\n[http]\ntimeout = 5\n")
    settings = load_settings(path, environ={})
    assert settings.http.timeout_s == Settings().http.timeout_s
    assert "unknown setting nonsense ignored" in caplog.text
    assert "unknown setting http.timeout ignored (did you mean 'timeout_s'?)" in caplog.text


def test_missing_config_file() -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings("/nonexistent/evidencemine.toml", environ={})
