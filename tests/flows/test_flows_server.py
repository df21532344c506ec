"""End to end against a real ``prefect server start`` on 127.0.0.1 (SQLite in a temporary
PREFECT_HOME): serve the deployments of ``prefect.yaml`` with ``evidencemine serve``, trigger the
re-ingestion deployment through the Prefect client, and check the cron deployment's runs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
import requests
from flows_site import FlowServers, flow_servers
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, temporary_settings

REPO = Path(__file__).resolve().parents[2]
PREFECT = Path(sys.executable).with_name("prefect")
T = TypeVar("T")

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    probe: Callable[[], T | None],
    timeout_s: float,
    what: str,
    processes: list[subprocess.Popen[bytes]] | None = None,
) -> T:
    """Poll ``probe`` until it returns something truthy; fail early if a process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for process in processes or []:
            assert process.poll() is None, f"{process.args} exited while waiting for {what}"
        try:
            value = probe()
        except (requests.RequestException, ObjectNotFound):
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process and its children (its own session), politely first."""
    for sig, grace in ((signal.SIGINT, 15), (signal.SIGKILL, 10)):
        if process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def start_process(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start processes in their own sessions, logging to tmp_path; all stopped at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (tmp_path / f"{name}.log").open("wb") as log:  # the child keeps its own copy
            started.append(
                subprocess.Popen(
                    args,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=tmp_path,
                    start_new_session=True,
                )
            )
        return started[-1]

    try:
        yield start
    finally:
        for process in reversed(started):
            stop(process)


def write_config(path: Path, servers: FlowServers, output: Path, cache: Path) -> Path:
    path.write_text(f"""
[output]
dir = "{output}"

[http]
cache_dir = "{cache}"
allow_private_hosts = true
timeout_s = 10

[pubmed]
base_url = "{servers.api_server.url("/eutils/")}"
idconv_url = "{servers.api_server.url("/idconv/")}"
requests_per_second = 100

[crossref]
base_url = "{servers.api_server.url("/crossref/")}"
requests_per_second = 100
""")
    return path


def server_env(home: Path, api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EVIDENCEMINE_"))}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=api_url,
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="false",
        PREFECT_LOGGING_EXTRA_LOGGERS="evidencemine",
    )
    return env


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for its parent)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextmanager
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers (a hanging page)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop_event = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop_event.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/programme/hanging-page"
    finally:
        stop_event.set()
        thread.join(5)
        for conn in held:
            conn.close()
        listener.close()


def final_state(client: SyncPrefectClient, flow_run_id: Any) -> Any:
    state = client.read_flow_run(flow_run_id).state
    return state if state and state.is_final() else None


def scheduled_runs(client: SyncPrefectClient, deployment_id: Any) -> list[Any]:
    return client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
        flow_run_filter=FlowRunFilter(
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
        ),
    )


def test_flows_served_reingest_and_cron_schedule_on_a_real_server(
    tmp_path: Path, start_process: Callable[..., subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = server_env(tmp_path / "prefect-home", api_url)
    output = tmp_path / "output"
    with flow_servers(3, faults=False) as servers:
        config = write_config(tmp_path / "em.toml", servers, output, tmp_path / "cache")
        server = start_process(
            "server",
            [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env,
        )
        wait_for(
            lambda: requests.get(f"{api_url}/health", timeout=2).ok,
            120,
            "the Prefect server",
            [server],
        )
        serving = start_process(
            "serve",
            [str(Path(sys.executable).with_name("evidencemine")), "serve", "--config", str(config)],
            env,
        )
        page = servers.site_server.url("/programme/sample-programme-2")
        with (
            temporary_settings(updates={PREFECT_API_URL: api_url}),
            get_client(sync_client=True) as client,
        ):
            manual = wait_for(
                lambda: client.read_deployment_by_name("reingest/manual"),
                90,
                "the served deployments",
                [server, serving],
            )
            run = client.create_flow_run_from_deployment(manual.id, parameters={"url": page})
            state = wait_for(
                lambda: final_state(client, run.id), 120, "the re-ingestion run", [server, serving]
            )
            weekly = client.read_deployment_by_name("guidebook-pipeline/weekly")
            upcoming = wait_for(
                lambda: scheduled_runs(client, weekly.id),
                90,
                "runs scheduled from the cron",
                [server, serving],
            )

            # Stopping `evidencemine serve` (by its PID, as a service manager does) while a
            # run hangs on a page stops the run and leaves nothing running.
            with silent_server() as hanging:
                stuck = client.create_flow_run_from_deployment(
                    manual.id, parameters={"url": hanging}
                )
                wait_for(
                    lambda: (s := client.read_flow_run(stuck.id).state) and s.is_running(),
                    120,
                    "the hanging run to start",
                    [server, serving],
                )
                time.sleep(2)  # the run is inside its fetch
                started = descendants(serving.pid)
                assert len(started) >= 2  # the serving child and the flow run's process
                os.kill(serving.pid, signal.SIGTERM)
                serve_exit = serving.wait(90)
                left = {pid for pid in started if alive(pid)}

    assert state.is_completed(), (tmp_path / "serve.log").read_text()[-3000:]
    (report_file,) = (output / "runs").glob("*.json")
    report = json.loads(report_file.read_text("utf-8"))
    assert report["mode"] == "ingest" and report["counts"]["written"] == 1
    (entry,) = report["programmes"]
    assert entry["input"] == page and entry["status"] == "written"
    assert entry["id"] == "eif-guidebook/sample-programme-2"
    assert entry["changes"] == ["new programme"]
    assert (output / "programmes" / "eif-guidebook" / "sample-programme-2.json").is_file()

    assert weekly.parameters["config"] == str(config)
    assert serve_exit == 0, (tmp_path / "serve.log").read_text()[-3000:]
    assert left == set(), f"still running after serve stopped: {sorted(left)}"
    for flow_run in upcoming:  # Mondays at 03:00 London time, whatever the UTC offset
        local = flow_run.expected_start_time.astimezone(ZoneInfo("Europe/London"))
        assert (local.weekday(), local.hour, local.minute) == (0, 3, 0)
