"""Fixtures for the resolver tests: a private copy of the demo API answers (evidencemine_demo/data/api) and the API stand-in."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from resolvers_helpers import EXAMPLES_API, Standin, make_settings

from evidencemine.http import HttpClient
from evidencemine.settings import Settings
from evidencemine_demo.localserver import LocalServer
from evidencemine_demo.standin import api_standin_handler


@pytest.fixture
def fixtures_dir(tmp_path: Path) -> Path:
    """A private copy of the demo API answers (evidencemine_demo/data/api) that a test may change."""
    target = tmp_path / "api"
    shutil.copytree(EXAMPLES_API, target)
    return target


@pytest.fixture
def standin(tmp_path: Path) -> Iterator[Standin]:
    """Start the stand-in on given fixtures; returns (server, client, settings)."""
    started: list[tuple[LocalServer, HttpClient]] = []

    def start(
        fixtures: Path, *, synthesize_unknown: bool = False, **overrides: Any
    ) -> tuple[LocalServer, HttpClient, Settings]:
        server = LocalServer(
            api_standin_handler(fixtures, synthesize_unknown=synthesize_unknown)
        ).start()
        settings = make_settings(server, tmp_path / f"cache{len(started)}", **overrides)
        client = HttpClient(settings)
        started.append((server, client))
        return server, client, settings

    yield start
    for server, client in started:
        client.close()
        server.stop()
