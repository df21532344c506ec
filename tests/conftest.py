"""Fixtures shared by every test area: paths to ../shared, loopback-friendly settings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

# Prefect (tests/flows) installs an API log handler for the whole process; library loggers used
# outside a flow run must not warn (warnings are errors here). No telemetry on offline machines.
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import pytest

from evidencemine.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
SEED_000 = SEEDS / "000_a4d4c1a7dfc6b4f0.txt"
SEED_004 = SEEDS / "004_fcc6b16e27ae857a.txt"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent (CI and developers have ../shared beside the checkout)")
    return SEEDS


@pytest.fixture
def loopback_settings(tmp_path: Path) -> Settings:
    """Settings for tests against servers on 127.0.0.1: private hosts allowed, fast retries,
    output and cache in the test's own folder."""
    settings = Settings()
    settings.output.dir = tmp_path / "output"
    settings.http.cache_dir = tmp_path / "cache"
    settings.http.allow_private_hosts = True
    settings.http.timeout_s = 5
    settings.http.backoff_s = 0.01
    settings.http.backoff_max_s = 0.05
    settings.http.default_requests_per_second = 1000
    settings.pubmed.requests_per_second = 1000
    settings.crossref.requests_per_second = 1000
    return settings


def _run_python(code: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=cwd
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def fresh_python() -> Callable[..., str]:
    """``fresh_python(code, cwd=None)``: run ``code`` in a new interpreter, return its stdout
    (for first-use and fork behaviour that the long-lived test process cannot show)."""
    return _run_python
