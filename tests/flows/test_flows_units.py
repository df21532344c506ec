"""Pieces of the flows that need no Prefect server: retry policy, settings, report text."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect.states import Completed, Failed

from evidencemine.errors import (
    ConfigError,
    FetchError,
    InputError,
    ParseError,
    PolicyError,
    UnknownKindError,
)
from evidencemine.pipeline import PageOutcome
from evidencemine_flows.pipeline import (
    RETRYING,
    PageFailedError,
    fetch_page,
    is_transient,
    resolve,
    retry_transient,
)
from evidencemine_flows.run_report import report_markdown, report_path
from evidencemine_flows.runners import run_settings
from evidencemine_flows.serve import read_deployments

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("error", "expected"), [
    (FetchError("HTTP 503", status=503), True),
    (FetchError("HTTP 429", status=429), True),
    (FetchError("connection refused"), True),
    (FetchError("HTTP 404", status=404), False),
    (FetchError("HTTP 403", status=403), False),
    (PolicyError("disallowed by robots.txt"), False),
    (ParseError("no programme name"), False),
    (InputError("empty page"), False),
    (UnknownKindError("no known kind"), False),
    (ConfigError("bad setting"), False),
    (ConnectionResetError("reset"), True),
    (TimeoutError("slow"), True),
    (ValueError("a bug"), False),
])  # fmt: skip
def test_flows_retry_only_transient_errors(error: Exception, expected: bool) -> None:
    assert is_transient(error) is expected
    assert retry_transient(None, None, Failed(data=error)) is expected


def test_flows_failed_page_is_retried_only_when_transient() -> None:
    parse_failure = PageOutcome("https://example.org/programme/x")
    parse_failure.fail("parse", ParseError("no programme name"))
    assert is_transient(PageFailedError(parse_failure)) is False
    fetch_failure = PageOutcome("https://example.org/programme/y")
    fetch_failure.fail("fetch", FetchError("HTTP 503", status=503))
    assert is_transient(PageFailedError(fetch_failure)) is True
    gone = PageOutcome("https://example.org/programme/z")
    gone.fail("fetch", FetchError("HTTP 403", status=403))
    assert is_transient(PageFailedError(gone)) is False
    reset = PageOutcome("https://example.org/programme/w")
    reset.fail("fetch", ConnectionResetError("reset by peer"))
    assert is_transient(PageFailedError(reset)) is True


def test_flows_retry_policy_is_on_the_tasks_and_low() -> None:
    for task in (fetch_page, resolve):
        assert task.retries == RETRYING["retries"] <= 1
        assert task.retry_condition_fn is retry_transient
    assert retry_transient(None, None, Completed()) is False


def test_flows_run_settings_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVIDENCEMINE_CONFIG", raising=False)
    config = tmp_path / "em.toml"
    config.write_text('[output]\ndir = "from-config"\n[runner]\nmax_workers = 7\n')
    assert run_settings(str(config)).runner.max_workers == 7
    assert run_settings(str(config), output_dir="x").output.dir == Path("x")
    given = run_settings(str(config), settings={"runner": {"task_runner": "dask"}})
    assert given.runner.task_runner == "dask" and given.runner.max_workers == 4  # not merged
    with pytest.raises(ConfigError):
        run_settings(settings={"runner": {"task_runner": "processes"}})


def test_flows_report_markdown_lists_changes_coverage_and_errors() -> None:
    report = {
        "run_id": "20260101T000000Z-abc123", "mode": "run", "output_dir": "/data/out",
        "counts": {"discovered": 2, "written": 1, "unchanged": 0, "failed": 1},
        "programmes": [
            {"input": "u1", "id": "eif-guidebook/a", "status": "written",
             "changes": ["evidence rating changed: 2 → 3", "study added: Smith | 2020"]},
            {"input": "u2", "id": None, "status": "failed", "changes": []}],
        "errors": [{"input": "u2", "stage": "parse", "reason": "u2: no programme name"}],
        "coverage": {"studies": 3, "references_resolved": 2},
        "resolution": {"references": 4, "requests": {"efetch": 1}},
    }  # fmt: skip
    text = report_markdown(report)
    assert report_path(report) == Path("/data/out/runs/20260101T000000Z-abc123.json")
    assert "evidence rating changed: 2 → 3; study added: Smith \\| 2020" in text
    assert "| u2 | parse | u2: no programme name |" in text
    assert "| references_resolved | 2 |" in text and "| resolution references | 4 |" in text
    assert "## Errors (1)" in text


def test_flows_prefect_yaml_schedules_the_pipeline_weekly_in_london() -> None:
    specs = {spec.name: spec for spec in read_deployments(REPO / "prefect.yaml")}
    assert specs["weekly"].entrypoint == "flows/guidebook.py:guidebook_pipeline"
    assert specs["weekly"].crons == (("0 3 * * 1", "Europe/London"),)
    assert specs["manual"].entrypoint == "flows/manual.py:reingest"
    assert specs["manual"].crons == ()


def test_flows_prefect_yaml_entrypoints_load_the_packaged_flows_as_prefect_deploy_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``prefect deploy`` loads each entrypoint by path from the checkout: the thin files
    under ``flows/`` must give the packaged flow objects, and the shipped prefect.yaml is the
    checkout's."""
    from prefect.flows import load_flow_from_entrypoint

    from evidencemine_flows.pipeline import guidebook_pipeline
    from evidencemine_flows.reingest import reingest
    from evidencemine_flows.serve import PREFECT_YAML

    monkeypatch.chdir(REPO)
    specs = {spec.name: spec for spec in read_deployments(REPO / "prefect.yaml")}
    loaded = {name: load_flow_from_entrypoint(spec.entrypoint) for name, spec in specs.items()}
    assert loaded["weekly"].name == guidebook_pipeline.name == "guidebook-pipeline"
    assert loaded["manual"].name == reingest.name == "reingest"
    assert loaded["weekly"].fn.__module__ == "evidencemine_flows.pipeline"
    assert PREFECT_YAML.read_bytes() == (REPO / "prefect.yaml").read_bytes()
    for name in ("guidebook.py", "manual.py"):
        assert "sys.path" not in (REPO / "flows" / name).read_text("utf-8")


@pytest.mark.parametrize(("option", "reason"), [
    (["--cron", "every monday"], 'Invalid cron string: "every monday"'),
    (["--timezone", "Mars/Olympus"], 'Invalid timezone: "Mars/Olympus"'),
    (["--config", "no-such-file.toml"], "config file not found"),
])  # fmt: skip
def test_serve_command_refuses_bad_options_in_one_line(
    option: list[str], reason: str, tmp_path: Path
) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "evidencemine.cli", "serve", *option],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert reason in done.stderr and len(done.stderr.strip().splitlines()) == 1
