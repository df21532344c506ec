"""The pipeline and re-ingestion flows over the fixture site, under one Prefect test harness."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flows_site import BROKEN, GONE, FlowServers
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.events.worker import EventsWorker
from prefect.logging.handlers import APILogWorker
from prefect.states import State

from evidencemine.output import OutputStore
from evidencemine.settings import Settings
from evidencemine_demo.sample_site import render_programme_html, sample_programme
from evidencemine_flows.pipeline import guidebook_pipeline
from evidencemine_flows.reingest import ReingestFailedError, reingest
from evidencemine_flows.run_report import report_path

pytestmark = pytest.mark.usefixtures("prefect_harness")


def as_parameter(settings: Settings) -> dict[str, Any]:
    return settings.model_dump(mode="json")


def run_pipeline_flow(settings: Settings, **params: Any) -> tuple[UUID, State[Any], dict]:
    state = guidebook_pipeline(settings=as_parameter(settings), return_state=True, **params)
    return state.state_details.flow_run_id, state, state.result()


def task_runs_of(flow_run_id: UUID, expected: int = 0, timeout_s: float = 30) -> dict[str, Any]:
    """The task runs of a flow run by name, once the server has recorded them all.

    Task run states reach the server as events, recorded asynchronously after the flow run
    returns: read at once, a run can be missing or still show an earlier state (the cause of
    an occasional failure here). So the client's events are flushed first, then the runs are
    read until ``expected`` of them are there, each in a final state."""
    EventsWorker.drain_all(timeout=10)
    deadline = time.monotonic() + timeout_s
    while True:
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
        settled = len(runs) >= expected and all(r.state and r.state.is_final() for r in runs)
        if settled or time.monotonic() > deadline:
            return {run.name: run for run in runs}
        time.sleep(0.2)


def record_texts(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text("utf-8")
        for p in sorted((root / "programmes").rglob("*.json"))
    }


def test_flows_pipeline_writes_records_and_fails_only_the_broken_pages(
    flow_settings: Settings, servers: FlowServers
) -> None:
    flow_run_id, state, report = run_pipeline_flow(flow_settings, only_changed=False)

    assert state.is_completed()  # failing pages fail their own tasks, not the flow
    counts = report["counts"]
    assert (counts["discovered"], counts["written"], counts["failed"]) == (8, 6, 2)
    assert report["resolution"]["references"] > 0
    assert report["resolution"]["requests"]["efetch"] == 1  # one batch for the whole run
    failed = {
        e["input"].removeprefix(servers.site_server.base_url): e["stage"]
        for e in report["errors"]
        if e["input"]
    }
    assert failed == {GONE: "fetch", BROKEN: "parse"}

    # discover, the fetch chunks, the two failing pages, resolve, extract, write, report
    runs = task_runs_of(flow_run_id, expected=flow_settings.runner.max_workers + 7)
    gone = runs[f"fetch {servers.site_server.url(GONE)}"]
    assert gone.state.is_failed() and gone.run_count == 1  # a 404 is not retried
    assert runs[f"fetch {servers.site_server.url(BROKEN)}"].state.is_failed()
    # pages are fetched in chunks (one task each); only a failing page gets a task of its own
    chunks = [
        run for name, run in runs.items() if re.fullmatch(r"fetch \d+/\d+ \(\d+ pages\)", name)
    ]
    assert len(chunks) == -(-8 // flow_settings.runner.chunk_size)
    assert all(run.state.is_completed() for run in chunks)
    written = servers.site_server.url("/programme/sample-programme-1")
    assert f"fetch {written}" not in runs
    assert (
        flow_settings.output.dir / "programmes" / "eif-guidebook" / "sample-programme-1.json"
    ).is_file()
    assert runs["resolve references (one batch)"].state.is_completed()
    assert sum(name.startswith("resolve") for name in runs) == 1  # one batch per run
    assert {"discover programme pages", "write records", "run report"} <= set(runs)


def test_flows_pipeline_report_json_artifact_and_library_logs(flow_settings: Settings) -> None:
    flow_run_id, _, report = run_pipeline_flow(flow_settings, only_changed=False)

    saved = json.loads(report_path(report).read_text("utf-8"))
    assert saved["run_id"] == report["run_id"]
    assert set(saved["counts"]) >= {
        "discovered",
        "fetched",
        "unchanged",
        "parsed",
        "failed",
        "resolved",
    }
    assert all(e["reason"] for e in saved["errors"])
    assert {"studies", "with_design", "references_resolved"} <= set(saved["coverage"])
    assert all(
        p["changes"] == ["new programme"] for p in saved["programmes"] if p["status"] == "written"
    )

    APILogWorker.drain_all(timeout=10)
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        )
    (artifact,) = [a for a in artifacts if a.key != "evidence-report"]
    assert artifact.key == "guidebook-run-report" and artifact.type == "markdown"
    (link,) = [
        a for a in artifacts if a.key == "evidence-report"
    ]  # Prefect stores links as markdown
    site_index = Path(report["output_dir"]) / "report" / "index.html"
    assert f"({site_index.as_uri()})" in link.data
    html = site_index.read_text("utf-8")
    assert all(p["id"] in html for p in saved["programmes"] if p["status"] == "written")
    assert str(report_path(report)) in artifact.data
    assert "## Errors (2)" in artifact.data and "withdrawn-programme" in artifact.data
    assert any(
        log.name.startswith("evidencemine.") and "broken-page" in log.message for log in logs
    )


def test_flows_pipeline_second_run_skips_unchanged_pages(
    flow_settings: Settings, servers: FlowServers
) -> None:
    run_pipeline_flow(flow_settings, only_changed=False)
    changed = sample_programme(2)
    changed.rating = "4+" if changed.rating != "4+" else "2"
    servers.site.replace(
        "/programme/sample-programme-3",
        render_programme_html(changed, base_url=servers.site_server.base_url).encode(),
    )

    _, _, report = run_pipeline_flow(flow_settings, only_changed=True, limit=4)

    assert report["counts"]["discovered"] == 4
    by_status = {p["input"].rsplit("/", 1)[1]: p for p in report["programmes"]}
    assert by_status["sample-programme-3"]["status"] == "written"
    assert any("rating" in c for c in by_status["sample-programme-3"]["changes"])
    assert [by_status[f"sample-programme-{n}"]["status"] for n in (1, 2, 4)] == ["unchanged"] * 3


def test_flows_reingest_replaces_one_record_and_reports_changes(
    flow_settings: Settings, servers: FlowServers
) -> None:
    run_pipeline_flow(flow_settings, only_changed=False)
    out = flow_settings.output.dir
    before = record_texts(out)
    changed = sample_programme(0)
    changed.rating = "4+" if changed.rating != "4+" else "2"
    url = servers.site_server.url("/programme/sample-programme-1")
    servers.site.replace(
        "/programme/sample-programme-1",
        render_programme_html(changed, base_url=servers.site_server.base_url).encode(),
    )

    state = reingest(url, settings=as_parameter(flow_settings), return_state=True)
    report = state.result()

    assert state.is_completed()
    (entry,) = report["programmes"]
    assert entry["status"] == "written" and entry["id"] == "eif-guidebook/sample-programme-1"
    assert any("rating" in change for change in entry["changes"])
    after = record_texts(out)
    changed_files = {name for name in after if after[name] != before.get(name)}
    assert changed_files == {"programmes/eif-guidebook/sample-programme-1.json"}
    record = OutputStore(out).read_record("eif-guidebook/sample-programme-1")
    assert record is not None and record.programme.ratings


def test_flows_reingest_failure_keeps_the_last_good_record(
    flow_settings: Settings, servers: FlowServers
) -> None:
    run_pipeline_flow(flow_settings, only_changed=False, limit=2)
    out = flow_settings.output.dir
    before = record_texts(out)
    path = "/programme/sample-programme-2"
    servers.site.replace(path, b"<html><body><p>under maintenance</p></body></html>")

    state = reingest(
        servers.site_server.url(path), settings=as_parameter(flow_settings), return_state=True
    )

    assert state.is_failed()  # a failed one-URL re-ingest is a failed run
    error = state.result(raise_on_failure=False)
    assert isinstance(error, ReingestFailedError) and "parse" in str(error)
    report = error.report
    assert report["counts"]["failed"] == 1 and report["programmes"][0]["status"] == "failed"
    assert record_texts(out) == before
    assert any((out / "rejected").iterdir())


def test_flows_pipeline_report_site_that_cannot_be_built_fails_only_its_task(
    flow_settings: Settings,
) -> None:
    output = Path(flow_settings.output.dir)
    output.mkdir(parents=True, exist_ok=True)
    (output / "report").write_text("a file where the site folder goes")
    flow_run_id, state, report = run_pipeline_flow(flow_settings, only_changed=False)
    assert state.is_completed()
    assert report["counts"]["written"] == 6 and list((output / "programmes").rglob("*.json"))
    assert task_runs_of(flow_run_id)["build the HTML evidence report"].state.is_failed()
