"""Fixtures for the network tests: one fixture site server per session, clients per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from http_site import FixtureSite, make_settings

from evidencemine.http import HttpClient
from evidencemine.settings import Settings
from evidencemine_demo.localserver import LocalServer


@pytest.fixture(scope="session")
def _running_site() -> Iterator[tuple[FixtureSite, LocalServer]]:
    """One server for the whole session (stopping one costs 0.5 s); state is reset per test."""
    fixture_site = FixtureSite()
    with LocalServer(fixture_site) as running:
        fixture_site.base_url = running.base_url
        yield fixture_site, running


@pytest.fixture
def site(_running_site: tuple[FixtureSite, LocalServer]) -> FixtureSite:
    fixture_site, _ = _running_site
    fixture_site.reset()
    return fixture_site


@pytest.fixture
def server(_running_site: tuple[FixtureSite, LocalServer], site: FixtureSite) -> LocalServer:
    _, running = _running_site
    running.requests.clear()
    return running


@pytest.fixture
def settings(tmp_path: Path, server: LocalServer) -> Settings:
    return make_settings(tmp_path / "cache", server.base_url)


@pytest.fixture
def new_client(settings: Settings) -> Iterator[Callable[..., HttpClient]]:
    """Build clients (a new one = a new run) on the test's cache; all closed at the end."""
    made: list[HttpClient] = []

    def build(settings_: Settings | None = None, **kwargs: object) -> HttpClient:
        client = HttpClient(settings_ or settings, **kwargs)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


@pytest.fixture
def client(new_client: Callable[..., HttpClient]) -> HttpClient:
    return new_client()
