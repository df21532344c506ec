"""Flow tests: one Prefect test harness per session, the fixture site and API stand-ins."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from evidencemine_flows import apply_prefect_defaults

apply_prefect_defaults()  # the flows' offline Prefect defaults, before Prefect is imported

from flows_site import FlowServers, flow_servers  # noqa: E402

from evidencemine.settings import Settings  # noqa: E402


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect API (SQLite) for every flow run of the session (~13 s, once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def servers() -> Iterator[FlowServers]:
    with flow_servers() as running:
        yield running


@pytest.fixture
def flow_settings(loopback_settings: Settings, servers: FlowServers) -> Settings:
    """Loopback settings (output and cache in tmp_path) pointed at the fixture servers."""
    return servers.configure(loopback_settings)
