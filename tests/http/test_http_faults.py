"""Fault modes over real HTTP: retries, Retry-After, timeouts, truncation, caps, 4xx."""

from __future__ import annotations

import time

import pytest
from http_site import BIG_BODY_BYTES, FixtureSite

from evidencemine.errors import FetchError
from evidencemine.http import HTML_TYPES, HttpClient
from evidencemine_demo.localserver import LocalServer


def test_http_retries_500_twice_then_succeeds(client: HttpClient, server: LocalServer) -> None:
    result = client.get(server.url("/fault/flaky"))
    assert result.status == 200
    assert result.content == b"<p>recovered</p>"
    assert result.attempts == 3
    assert len(server.requests_to("/fault/flaky")) == 3
    assert client.stats.retries == 2


def test_http_429_waits_for_retry_after(client: HttpClient, server: LocalServer) -> None:
    result = client.get(server.url("/fault/rate-limited"))
    assert result.content == b"<p>thanks for waiting</p>"
    first, second = server.requests_to("/fault/rate-limited")
    assert second.at - first.at >= 0.95  # Retry-After: 1 honoured (backoff alone is 0.05 s)


def test_http_retry_after_beyond_cap_fails_at_once(client: HttpClient, server: LocalServer) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="exceeds the cap") as caught:
        client.get(server.url("/fault/retry-after-long"))
    assert caught.value.status == 429
    assert caught.value.transient
    assert time.monotonic() - started < 1.0
    assert len(server.requests_to("/fault/retry-after-long")) == 1


def test_http_stalled_response_times_out(client: HttpClient, server: LocalServer) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out") as caught:
        client.get(server.url("/fault/stall"))
    elapsed = time.monotonic() - started
    assert caught.value.status is None and caught.value.transient
    assert len(server.requests_to("/fault/stall")) == 3  # retried: 1 + retries(2)
    assert 1.4 <= elapsed < 2.5  # three reads of 0.5 s each, not the 2 s stall each


def test_http_truncated_body_is_an_error_not_a_page(
    client: HttpClient, server: LocalServer
) -> None:
    with pytest.raises(FetchError, match="truncated") as caught:
        client.get(server.url("/fault/truncated"))
    assert caught.value.status is None
    assert client.stats.full_downloads == 0
    assert len(server.requests_to("/fault/truncated")) == 3


def test_http_body_over_size_cap_is_refused(client: HttpClient, server: LocalServer) -> None:
    with pytest.raises(FetchError, match="size cap") as caught:
        client.get(server.url("/fault/big"))
    assert caught.value.status == 200 and not caught.value.transient
    assert client.stats.bytes_downloaded == 0
    # nothing was cached: asking again goes to the server again
    with pytest.raises(FetchError, match="size cap"):
        client.get(server.url("/fault/big"))
    assert len(server.requests_to("/fault/big")) == 2


def test_http_size_cap_applies_while_streaming_decoded_bytes(
    client: HttpClient, server: LocalServer
) -> None:
    # Content-Length (compressed) is tiny, so only the streaming check can catch it.
    with pytest.raises(FetchError, match="size cap"):
        client.get(server.url("/fault/gzip-bomb"))
    assert client.stats.full_downloads == 0  # refused inside the transport, before caching
    with pytest.raises(FetchError, match="size cap"):
        client.get(server.url("/fault/gzip-bomb"))
    assert len(server.requests_to("/fault/gzip-bomb")) == 2


def test_http_size_cap_can_be_raised_per_call(client: HttpClient, server: LocalServer) -> None:
    result = client.get(server.url("/fault/big"), max_bytes=BIG_BODY_BYTES + 100)
    assert len(result.content) == BIG_BODY_BYTES + 7


def test_http_html_served_as_octet_stream_is_refused(
    client: HttpClient, server: LocalServer
) -> None:
    with pytest.raises(FetchError, match="unexpected content type application/octet-stream"):
        client.get(server.url("/fault/octet"), accept=HTML_TYPES)
    allowed = client.get(server.url("/fault/octet"), accept=("application/octet-stream",))
    assert allowed.media_type == "application/octet-stream"
    assert b"<h1>" in allowed.content


@pytest.mark.parametrize("status", [404, 410])
def test_http_client_errors_raise_at_once_with_status(
    client: HttpClient, server: LocalServer, status: int
) -> None:
    with pytest.raises(FetchError) as caught:
        client.get(server.url(f"/fault/{status}"))
    assert caught.value.status == status
    assert not caught.value.transient
    assert len(server.requests_to(f"/fault/{status}")) == 1


def test_http_page_good_last_run_then_failing_keeps_cached_copy(
    new_client: type[HttpClient], site: FixtureSite, server: LocalServer
) -> None:
    url = server.url("/programme/alder-home-visiting")
    first = new_client().get(url, accept=HTML_TYPES, expire_after=0)
    site.broken.add("alder-home-visiting")
    with pytest.raises(FetchError) as caught:
        new_client().get(url, accept=HTML_TYPES, expire_after=0)
    assert caught.value.status == 500 and caught.value.transient
    site.broken.clear()
    third = new_client().get(url, accept=HTML_TYPES, expire_after=0)
    assert third.not_modified  # the good copy survived the failed run and still validates
    assert third.content_sha256 == first.content_sha256
