"""The persistent HTTP cache: conditional revalidation, expiry, POST bodies in the key."""

from __future__ import annotations

import json
from collections.abc import Callable

from http_site import FixtureSite

from evidencemine.http import HTML_TYPES, JSON_TYPES, HttpClient
from evidencemine_demo.localserver import LocalServer

ClientFactory = Callable[..., HttpClient]
SLUG = "fir-school-readiness"


def test_http_unchanged_page_revalidates_with_304(
    new_client: ClientFactory, server: LocalServer, settings: object
) -> None:
    url = server.url(f"/programme/{SLUG}")
    cold = new_client().get(url, accept=HTML_TYPES, expire_after=0)
    assert not cold.from_cache and not cold.not_modified

    warm_client = new_client()  # next run: same cache file
    warm = warm_client.get(url, accept=HTML_TYPES, expire_after=0)
    assert warm.not_modified and warm.from_cache and warm.status == 200
    assert warm.content == cold.content and warm.content_sha256 == cold.content_sha256
    assert warm_client.stats.full_downloads == 0
    assert warm_client.stats.network_requests == 1 and warm_client.stats.not_modified == 1
    second = server.requests_to(f"/programme/{SLUG}")[1]
    assert second.headers["if-none-match"] == f'"{SLUG}-v1"'


def test_http_changed_page_is_downloaded_again(
    new_client: ClientFactory, site: FixtureSite, server: LocalServer
) -> None:
    url = server.url(f"/programme/{SLUG}")
    before = new_client().get(url, expire_after=0)
    site.versions[SLUG] = 2
    client = new_client()
    after = client.get(url, expire_after=0)
    assert not after.not_modified and not after.from_cache
    assert after.content_sha256 != before.content_sha256
    assert client.stats.full_downloads == 1


def test_http_last_modified_revalidation(client: HttpClient, server: LocalServer) -> None:
    url = server.url("/fault/last-modified")
    client.get(url, expire_after=0)
    again = client.get(url, expire_after=0)
    assert again.not_modified
    assert server.requests[1].headers["if-modified-since"] == "Mon, 06 Jan 2025 10:00:00 GMT"


def test_http_fresh_copy_needs_no_request_until_revalidate(
    client: HttpClient, server: LocalServer
) -> None:
    url = server.url(f"/programme/{SLUG}")
    client.get(url)  # source expiry: one hour
    assert client.get(url).from_cache
    assert len(server.requests) == 1
    forced = client.get(url, revalidate=True)  # manual re-ingestion: ask the server
    assert forced.not_modified
    assert len(server.requests) == 2


def test_http_post_is_cached_by_body(client: HttpClient, server: LocalServer) -> None:
    url = server.url("/api/echo")
    first = client.post(url, data={"id": "1,2,3"}, accept=JSON_TYPES)
    again = client.post(url, data={"id": "1,2,3"}, accept=JSON_TYPES)
    other = client.post(url, data={"id": "4,5"}, accept=JSON_TYPES)
    assert first.json() == {"id": ["1,2,3"]} and not first.from_cache
    assert again.from_cache and again.content == first.content
    assert other.json() == {"id": ["4,5"]} and not other.from_cache
    assert len(server.requests_to("/api/echo")) == 2


def test_http_error_responses_are_not_cached(
    client: HttpClient, site: FixtureSite, server: LocalServer
) -> None:
    site.broken.add(SLUG)
    for _ in range(2):
        try:
            client.get(server.url(f"/programme/{SLUG}"))
        except Exception as err:
            assert "HTTP 500" in str(err)
    assert len(server.requests_to("/programme/")) == 6  # 2 calls x 3 attempts, none cached
    assert json.dumps(client.stats.as_dict())  # the run report can embed the counters
