"""Extraction on a Dask LocalCluster (2 worker processes) writes the same records as threads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flows_site import flow_servers
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from evidencemine.flows.pipeline import guidebook_pipeline
from evidencemine.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_harness")


TIMESTAMPS = {"fetched_at", "resolved_at"}  # when a page or an API answer was fetched


def without_timestamps(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_timestamps(v) for k, v in value.items() if k not in TIMESTAMPS}
    if isinstance(value, list):
        return [without_timestamps(v) for v in value]
    return value


def comparable_records(root: Path) -> dict[str, Any]:
    """Every record file, without fetch timestamps (the only fields allowed to differ)."""
    return {
        path.relative_to(root).as_posix(): without_timestamps(json.loads(path.read_text()))
        for path in sorted((root / "programmes").rglob("*.json"))
    }


def test_flows_dask_local_cluster_writes_the_same_records_as_threads(
    loopback_settings: Settings, tmp_path: Path
) -> None:
    with flow_servers(6, faults=False) as servers:
        threaded = servers.configure(loopback_settings)
        threaded.output.dir = tmp_path / "threads"
        dask = threaded.model_copy(deep=True)
        dask.output.dir = tmp_path / "dask"
        dask.runner.task_runner, dask.runner.dask_workers = "dask", 2

        first = guidebook_pipeline(settings=threaded.model_dump(mode="json"), only_changed=False)
        state = guidebook_pipeline(
            settings=dask.model_dump(mode="json"), only_changed=False, return_state=True
        )
    second = state.result()

    assert first["counts"]["written"] == second["counts"]["written"] == 6
    records = comparable_records(tmp_path / "dask")
    assert len(records) == 6 and records == comparable_records(tmp_path / "threads")
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
            )
        )
    extract_runs = [run for run in runs if run.name.startswith("extract ")]
    assert len(extract_runs) == 2  # one chunk per worker, reported to the same API
    assert all(run.state.is_completed() for run in extract_runs)
