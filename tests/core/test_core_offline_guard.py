"""The suite's guard (tests/conftest.py): nothing but loopback is resolved or connected to."""

from __future__ import annotations

import socket

import pytest

from evidencemine.errors import FetchError
from evidencemine.http import HttpClient
from evidencemine.settings import Settings


@pytest.mark.parametrize("host", ["eutils.ncbi.nlm.nih.gov", "api.crossref.org", "8.8.8.8"])
def test_live_hosts_are_neither_resolved_nor_connected(host: str) -> None:
    with pytest.raises(OSError, match="loopback"):
        socket.getaddrinfo(host, 443)
    with socket.socket() as sock, pytest.raises(OSError, match="loopback"):
        sock.connect((host, 443))


def test_loopback_still_works() -> None:
    assert socket.getaddrinfo("127.0.0.1", 80)
    assert socket.getaddrinfo("localhost", 80)


def test_default_live_base_urls_fail_here_instead_of_being_fetched(tmp_path: object) -> None:
    settings = Settings()
    settings.http.cache_dir = tmp_path  # type: ignore[assignment]
    settings.http.retries = 0
    assert settings.pubmed.base_url.startswith("https://eutils.ncbi.nlm.nih.gov/")
    with HttpClient(settings) as client, pytest.raises(FetchError):
        client.get(settings.pubmed.base_url + "einfo.fcgi")
