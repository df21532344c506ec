"""Extraction on Dask writes the same records as threads: on a LocalCluster (2 worker
processes), and on a running cluster (``dask scheduler`` and two ``dask worker`` processes)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flows_site import flow_servers
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from evidencemine.settings import Settings
from evidencemine_flows.pipeline import guidebook_pipeline

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def dask_cluster(tmp_path: Path, api_url: str, workers: int = 2) -> Iterator[str]:
    """``dask scheduler`` and ``workers`` × ``dask worker`` as processes of their own on
    127.0.0.1 (as on a real cluster, only smaller); yields the scheduler address."""
    dask = Path(sys.executable).with_name("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCEMINE_")}
    env.update(PREFECT_API_URL=api_url, DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    commands = [
        [str(dask), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
         "--no-dashboard"],
        *[
            [str(dask), "worker", address, "--nthreads", "1", "--nworkers", "1",
             "--no-dashboard", "--host", "127.0.0.1", "--name", f"worker-{n}"]
            for n in range(workers)
        ],
    ]  # fmt: skip
    processes = []
    try:
        for n, command in enumerate(commands):
            with (tmp_path / f"dask-{n}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        command, env=env, stdout=log, stderr=subprocess.STDOUT,
                        cwd=tmp_path, start_new_session=True,
                    )
                )  # fmt: skip
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=90)
            assert len(client.scheduler_info()["workers"]) == workers
        yield address
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


@pytest.mark.integration
def test_flows_pipeline_on_a_running_dask_cluster_writes_the_same_records(
    loopback_settings: Settings, tmp_path: Path
) -> None:
    with get_client(sync_client=True) as prefect:
        api_url = str(prefect.api_url)
    with flow_servers(6, faults=False) as servers, dask_cluster(tmp_path, api_url) as address:
        threaded = servers.configure(loopback_settings)
        threaded.output.dir = tmp_path / "threads"
        cluster = threaded.model_copy(deep=True)
        cluster.output.dir = tmp_path / "cluster"
        cluster.runner.task_runner, cluster.runner.dask_address = "dask", address
        cluster.runner.dask_workers = 2

        first = guidebook_pipeline(settings=threaded.model_dump(mode="json"), only_changed=False)
        state = guidebook_pipeline(
            settings=cluster.model_dump(mode="json"), only_changed=False, return_state=True
        )
        second = state.result()
        from distributed import Client

        with Client(address, timeout=30) as client:  # the work really ran on the workers
            ran = client.run(lambda: "evidencemine.nlp.pipeline" in sys.modules)
    assert len(ran) == 2 and any(ran.values())  # two workers; extraction ran there

    assert first["counts"]["written"] == second["counts"]["written"] == 6
    records = comparable_records(tmp_path / "cluster")
    assert len(records) == 6 and records == comparable_records(tmp_path / "threads")
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
            )
        )
    extract_runs = [run for run in runs if run.name.startswith("extract ")]
    assert len(extract_runs) == 2 and all(run.state.is_completed() for run in extract_runs)
