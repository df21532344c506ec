"""Classes: bounded network waits (total deadline per request, capped server-requested waits
and retries) and SSRF (one URL parser, connections pinned to the approved address, proxies
from configuration only). All servers on 127.0.0.1."""

from __future__ import annotations

import socket
import struct
import time
from pathlib import Path

import pytest
from rawserver import RawServer

from evidencemine.errors import FetchError, PolicyError
from evidencemine.http import HttpClient, target_host
from evidencemine.settings import Settings


def _settings(tmp_path: Path, **http: object) -> Settings:
    settings = Settings()
    settings.output.dir = tmp_path / "out"
    settings.http.cache_dir = tmp_path / "cache"
    settings.http.allow_private_hosts = True
    settings.http.timeout_s = 1
    settings.http.total_timeout_s = 2
    settings.http.retries = 1
    settings.http.backoff_s = 0.01
    settings.http.backoff_max_s = 0.02
    settings.http.default_requests_per_second = 1000
    for key, value in http.items():
        setattr(settings.http, key, value)
    return settings


def _trickle(payload: bytes, every_s: float = 0.3):  # type: ignore[no-untyped-def]
    def handler(conn: socket.socket, _: bytes) -> None:
        for byte in payload:
            conn.sendall(bytes([byte]))
            time.sleep(every_s)

    return handler


HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"


@pytest.mark.parametrize("payload", [HEADERS, HEADERS[:-2] + b"\r\n" + b"x" * 5000])
def test_slowloris_is_cut_by_the_total_deadline(tmp_path: Path, payload: bytes) -> None:
    # headers (or, after quick headers, the body) arrive one byte every 0.3 s: no read times out
    if payload != HEADERS:
        quick = HEADERS

        def handler(conn: socket.socket, _: bytes) -> None:
            conn.sendall(quick)
            _trickle(b"x" * 5000)(conn, b"")

    else:
        handler = _trickle(HEADERS * 10)
    with RawServer(handler) as server, HttpClient(_settings(tmp_path)) as client:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"http\.total_timeout_s"):
            client.get(server.base_url + "/page")
        assert time.monotonic() - started < 2 + 3
        assert len(server.requests) == 1  # a deadline is not retried


def test_reset_right_after_the_headers_is_a_clean_fetch_error(tmp_path: Path) -> None:
    def reset(conn: socket.socket, _: bytes) -> None:
        conn.sendall(HEADERS)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    with RawServer(reset) as server, HttpClient(_settings(tmp_path)) as client:
        for _ in range(5):
            with pytest.raises(FetchError):
                client.get(server.base_url + "/page")


def test_retry_after_waits_are_bounded_in_all(tmp_path: Path) -> None:
    def unavailable(conn: socket.socket, _: bytes) -> None:
        conn.sendall(b"HTTP/1.1 503 Busy\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n")

    settings = _settings(tmp_path, retries=10, retry_after_max_s=1.5)
    with RawServer(unavailable) as server, HttpClient(settings) as client:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"http\.retry_after_max_s"):
            client.get(server.base_url + "/page")
        assert time.monotonic() - started < 1.5 + 2
        assert len(server.requests) <= 3


def test_server_requested_waits_are_capped(tmp_path: Path) -> None:
    def robots(conn: socket.socket, request: bytes) -> None:
        body = b"User-agent: *\nCrawl-delay: 100000\nAllow: /\n"
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
        conn.sendall(head % len(body) + body)

    settings = _settings(tmp_path, server_wait_max_s=2)
    with RawServer(robots) as server, HttpClient(settings) as client:
        client.robots_rules(server.base_url + "/programme/x")
        assert client.limiter.rate("127.0.0.1") == pytest.approx(1 / 2)
        client.set_host_rate("api.example", 1 / 360_000)  # X-Rate-Limit-Interval: 100000h
        assert client.limiter.rate("api.example") == pytest.approx(1 / 2)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080\\@public.example/secret",
        "http://public.example\\@127.0.0.1/secret",
        "http://user:pw@public.example/",
        "http://public.example@127.0.0.1/",
        "http://public.example /x",
        "http://pub\tlic.example/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "http:///nohost",
    ],
)
def test_ambiguous_urls_are_refused(url: str) -> None:
    with pytest.raises(PolicyError):
        target_host(url)


def test_backslash_redirect_is_refused(tmp_path: Path) -> None:
    def redirect(conn: socket.socket, _: bytes) -> None:
        location = b"http://127.0.0.1:9\\@public.example/secret"
        conn.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n"
        )

    with (
        RawServer(redirect) as server,
        HttpClient(_settings(tmp_path)) as client,
        pytest.raises(PolicyError, match="ambiguous URL"),
    ):
        client.get(server.base_url + "/start")


def test_dns_rebinding_cannot_reach_loopback(tmp_path: Path) -> None:
    """The policy's lookup of ``localhost`` says public (8.8.8.8); the system's lookup, which
    an unpinned connection would make, says 127.0.0.1. The connection goes to the approved
    address (the test guard stops it leaving the machine), never to the loopback server."""

    def secret(conn: socket.socket, _: bytes) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\nsecret"
        )

    answers = iter([["8.8.8.8"], ["127.0.0.1"], ["127.0.0.1"], ["127.0.0.1"]])  # rebinding
    settings = _settings(tmp_path, allow_private_hosts=False, retries=0)
    with (
        RawServer(secret) as server,
        HttpClient(settings, resolver=lambda host: next(answers)) as client,
    ):
        with pytest.raises(FetchError):
            client.get(f"http://localhost:{server.port}/secret")
        assert server.requests == []


def test_environment_proxy_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def ok(conn: socket.socket, _: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok")

    with RawServer(ok) as proxy, RawServer(ok) as target:
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url)
        monkeypatch.setenv("http_proxy", proxy.base_url)
        with (
            HttpClient(_settings(tmp_path, allow_private_hosts=False)) as client,
            pytest.raises(PolicyError, match="private"),
        ):
            client.get(target.base_url + "/internal")
        with HttpClient(_settings(tmp_path)) as client:
            assert client.get(target.base_url + "/page").content == b"ok"
        assert proxy.requests == [] and len(target.requests) == 1
