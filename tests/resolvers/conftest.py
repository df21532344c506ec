"""Shared helpers for the resolver tests: the API stand-in on 127.0.0.1 and seed references."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from evidencemine.http import HttpClient
from evidencemine.localserver import LocalServer
from evidencemine.settings import Settings
from evidencemine.standin import api_standin_handler

REPO = Path(__file__).resolve().parents[2]
EXAMPLES_API = REPO / "examples" / "api"
CORPUS = REPO.parent / "shared" / "corpus"


def corpus_dir(name: str) -> Path:
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.skip(f"shared corpus folder {folder} is absent (it sits beside the checkout in CI)")
    return folder


@pytest.fixture
def fixtures_dir(tmp_path: Path) -> Path:
    """A private copy of examples/api that a test may change."""
    target = tmp_path / "api"
    shutil.copytree(EXAMPLES_API, target)
    return target


def make_settings(server: LocalServer, cache_dir: Path, **overrides: Any) -> Settings:
    data: dict[str, Any] = {
        "http": {
            "cache_dir": str(cache_dir),
            "allow_private_hosts": True,
            "timeout_s": 5,
            "retries": 0,
            "contact": "tests@example.org",
        },
        "pubmed": {"base_url": server.url("/eutils/"), "idconv_url": server.url("/idconv/")},
        "crossref": {"base_url": server.url("/crossref/")},
    }
    for section, values in overrides.items():
        data.setdefault(section, {}).update(values)
    return Settings.model_validate(data)


Standin = Callable[..., tuple[LocalServer, HttpClient, Settings]]


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
