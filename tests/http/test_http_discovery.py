"""Discovery of programme URLs: index pagination, sitemap, normalisation, robots.txt."""

from __future__ import annotations

import gzip
from collections.abc import Callable

import pytest
from http_site import INDEXED, SLUGS

from evidencemine.discovery import (
    discover,
    discover_programme_urls,
    extract_anchors,
    normalise_url,
    pagination_links,
    parse_sitemap,
)
from evidencemine.errors import FetchError
from evidencemine.http import HttpClient
from evidencemine.settings import Settings
from evidencemine_demo.localserver import LocalServer

ClientFactory = Callable[..., HttpClient]


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("HTTPS://Guide.Example.org/Programme/X/", "https://guide.example.org/Programme/X"),
        ("https://guide.example.org:443/programme/x#studies", "https://guide.example.org/programme/x"),
        ("http://guide.example.org:8080/a/./b/../c", "http://guide.example.org:8080/a/c"),
        ("https://g.example/p?utm_source=n&id=4&gclid=z", "https://g.example/p?id=4"),
        ("https://user:pw@g.example/", "https://g.example/"),
        ("https://g.example", "https://g.example/"),
    ],
)  # fmt: skip
def test_discovery_normalise_url(raw: str, normal: str) -> None:
    assert normalise_url(raw) == normal


def test_discovery_follows_pagination_and_sitemap(
    client: HttpClient, settings: Settings, server: LocalServer
) -> None:
    found = discover(client, settings.sources["fixture"])
    expected = [server.url(f"/programme/{slug}") for slug in [*INDEXED, SLUGS[15]]]
    assert found.urls == expected  # index order, deduplicated, then the sitemap-only page
    assert found.index_pages == [
        server.url("/programmes"),
        server.url("/programmes?page=2"),
        server.url("/programmes?page=3"),
    ]
    assert found.sitemaps == [server.url("/sitemap.xml")]  # named by robots.txt
    assert found.refused == [(server.url("/private/programme/hidden"), "disallowed by robots.txt")]
    assert found.complete
    assert len(server.requests_to("/programmes")) == 4  # "?page=1" fetched, seen to be page 1
    assert server.requests_to("/private/") == []


def test_discovery_ignores_offsite_and_non_programme_links(
    client: HttpClient, settings: Settings, server: LocalServer
) -> None:
    urls = discover_programme_urls(client, settings.sources["fixture"])
    assert len(urls) == 16 == len(set(urls))
    assert not any("elsewhere.example" in url or url.endswith("/about") for url in urls)


def test_discovery_fails_loudly_when_nothing_is_readable(
    client: HttpClient, settings: Settings, server: LocalServer
) -> None:
    source = settings.sources["fixture"].model_copy(
        update={"index_url": server.url("/fault/404"), "sitemap_url": server.url("/fault/410")}
    )
    with pytest.raises(FetchError, match="discovery failed"):
        discover_programme_urls(client, source)


def test_discovery_keeps_going_past_a_failed_sitemap(
    client: HttpClient, settings: Settings, server: LocalServer
) -> None:
    source = settings.sources["fixture"].model_copy(
        update={"sitemap_url": server.url("/fault/404")}
    )
    found = discover(client, source)
    assert len(found.urls) == 15
    assert found.errors == [(server.url("/fault/404"), "HTTP 404")]
    assert not found.complete


def test_discovery_revalidates_index_pages_on_the_next_run(
    new_client: ClientFactory, settings: Settings, server: LocalServer
) -> None:
    discover(new_client(), settings.sources["fixture"])
    first_run = len(server.requests)
    second = new_client()
    assert len(discover(second, settings.sources["fixture"]).urls) == 16
    assert len(server.requests) - first_run == 5  # index pages and sitemap asked again
    assert second.stats.cache_hits >= 1  # robots.txt is still fresh


def test_discovery_pagination_link_kinds() -> None:
    page = (
        b'<a rel="next" href="?page=2">more</a><a href="/list/page/3">3</a>'
        b'<a href="/other/7">7</a><a href="/list?page=9">Next \xe2\x80\xba</a>'
        b'<a href="/list?page=8">\xc2\xbb</a>'
    )
    anchors = extract_anchors(page, "https://g.example/list")
    assert pagination_links(anchors, "/list") == [
        "https://g.example/list?page=2",
        "https://g.example/list/page/3",
        "https://g.example/list?page=9",
        "https://g.example/list?page=8",
    ]


def test_discovery_sitemap_formats() -> None:
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc> https://g.example/s1.xml </loc></sitemap></sitemapindex>"
    )
    assert parse_sitemap(index) == (True, ["https://g.example/s1.xml"])
    urlset = b"<urlset><url><loc>https://g.example/programme/a</loc></url></urlset>"
    assert parse_sitemap(gzip.compress(urlset)) == (False, ["https://g.example/programme/a"])
    text = b"https://g.example/programme/b\n\nnot a url\n"
    assert parse_sitemap(text, "text/plain") == (False, ["https://g.example/programme/b"])
