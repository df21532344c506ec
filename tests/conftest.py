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

import ipaddress
import socket

import pytest

from evidencemine.settings import Settings

# Tests never leave the machine: the live services (PubMed, Crossref, the guidebook) are
# defaults for users, and a test that still pointed at one must fail here, not reach it.
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", ""})


def _is_loopback(host: object) -> bool:
    if host is None:
        return True  # a listening socket's own address
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower() in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


class OffMachineError(OSError):
    """A test tried to reach something other than 127.0.0.1."""


_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
    if not _is_loopback(host):
        raise OffMachineError(f"tests resolve loopback names only, not {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]


def _target(address: object) -> object:
    return address[0] if isinstance(address, tuple) else None  # AF_UNIX paths are local


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_loopback(_target(address)):
        raise OffMachineError(f"tests connect to loopback only, not {address!r}")
    _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_loopback(_target(address)):
        raise OffMachineError(f"tests connect to loopback only, not {address!r}")
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]
socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]

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
