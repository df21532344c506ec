"""URL policy, redirects, robots.txt and the per-host rate limit."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from http_site import SLUGS, FixtureSite, make_settings

from evidencemine.errors import FetchError, PolicyError
from evidencemine.http import (
    HTML_TYPES,
    HostRateLimiter,
    HttpClient,
    UrlPolicy,
    _retry_after_s,
    is_public_address,
)
from evidencemine.robots import load_robots_rules
from evidencemine_demo.localserver import LocalServer

ClientFactory = Callable[..., HttpClient]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("0.0.0.0", False),
    ],
)
def test_http_public_address_classification(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_http_policy_refuses_schemes_hosts_and_private_names() -> None:
    names = {"intranet.example": ["10.0.0.5"], "news.example": ["93.184.216.34"]}
    names["www.guide.example"] = ["93.184.216.35"]
    policy = UrlPolicy(allow_private_hosts=False, resolver=lambda host: names[host])
    assert policy.check("https://news.example/a") == "news.example"
    with pytest.raises(PolicyError, match="scheme 'ftp'"):
        policy.check("ftp://news.example/a")
    with pytest.raises(PolicyError, match="private, loopback or link-local"):
        policy.check("http://intranet.example/")
    with pytest.raises(PolicyError, match="not in allowed_hosts"):
        policy.check("https://news.example/a", allowed_hosts=["guide.example"])
    assert policy.check("https://www.guide.example/", allowed_hosts=["guide.example"])


def test_http_loopback_refused_when_private_hosts_not_allowed(
    new_client: ClientFactory, server: LocalServer, tmp_path: Path
) -> None:
    client = new_client(make_settings(tmp_path / "c", server.base_url, allow_private_hosts=False))
    with pytest.raises(PolicyError, match=r"127\.0\.0\.1 is private, loopback"):
        client.get(server.url("/programme/alder-home-visiting"))
    assert server.requests == []  # refused before connecting
    assert client.stats.refusals[0][0] == server.url("/programme/alder-home-visiting")


def test_http_private_redirect_target_refused_on_every_hop(
    new_client: ClientFactory, server: LocalServer, tmp_path: Path
) -> None:
    # "public.example" resolves (by the injected resolver) to a public address; the request
    # reaches the fixture server as an HTTP proxy, which redirects to a loopback URL.
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"http": server.base_url}
    settings = make_settings(tmp_path / "c", server.base_url, allow_private_hosts=False)
    client = new_client(settings, session=session, resolver=lambda host: ["93.184.216.34"])
    with pytest.raises(PolicyError, match="private, loopback"):
        client.get("http://public.example/fault/to-loopback")
    assert [r.path for r in server.requests] == ["/fault/to-loopback"]


def test_http_redirect_to_host_outside_allowed_hosts_refused(
    client: HttpClient, server: LocalServer
) -> None:
    with pytest.raises(PolicyError, match="host localhost is not in allowed_hosts"):
        client.get(server.url("/fault/offsite"), crawl=True)  # source allows 127.0.0.1 only
    assert server.requests_to("/programme/") == []
    with pytest.raises(PolicyError, match="scheme 'file'"):
        client.get(server.url("/fault/to-file"))


def test_http_redirect_loop_detected(client: HttpClient, server: LocalServer) -> None:
    with pytest.raises(FetchError, match="redirect loop") as caught:
        client.get(server.url("/fault/loop-a"))
    assert caught.value.status == 302 and not caught.value.transient
    assert len(server.requests_to("/fault/loop-")) == 2


def test_http_redirect_limit(client: HttpClient, server: LocalServer) -> None:
    with pytest.raises(FetchError, match="more than 5 redirects"):
        client.get(server.url("/fault/chain/0"))
    assert len(server.requests_to("/fault/chain/")) == 6


def test_http_robots_disallowed_path_refused_and_logged(
    client: HttpClient, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    ok = client.get(server.url("/programme/birch-parenting-groups"), crawl=True)
    assert ok.status == 200
    with pytest.raises(PolicyError, match=r"disallowed by robots\.txt"):
        client.get(server.url("/private/page"), crawl=True)
    assert server.requests_to("/private/") == []
    assert len(server.requests_to("/robots.txt")) == 1  # fetched once, then remembered
    assert (server.url("/private/page"), "disallowed by robots.txt") in client.stats.refusals
    assert "disallowed by robots.txt" in caplog.text
    # not a crawl (a resolver call, say): robots.txt does not apply
    assert client.get(server.url("/private/page")).status == 200


def test_http_robots_unavailability_follows_rfc_9309() -> None:
    def missing(url: str) -> str:
        raise FetchError("HTTP 404", source=url, status=404)

    def failing(url: str) -> str:
        raise FetchError("HTTP 503 after 3 attempts", source=url, status=503)

    assert load_robots_rules("https://a.example/x", missing).can_fetch("https://a.example/x", "em")
    assert not load_robots_rules("https://a.example/x", failing).can_fetch(
        "https://a.example/x", "em"
    )


def test_http_rate_limit_spaces_requests(client: HttpClient, server: LocalServer) -> None:
    client.set_host_rate("127.0.0.1", 10)
    slugs = SLUGS[:4]
    for slug in slugs:
        client.get(server.url(f"/programme/{slug}"))
    times = [r.at for r in server.requests]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # 0.1 s apart as sent; arrival stamps jitter on a busy machine, so the whole span is
    # checked tightly and each gap loosely (unlimited, the gaps are about a millisecond).
    assert len(times) == 4
    assert times[-1] - times[0] >= 3 * 0.1 - 0.03
    assert min(gaps) >= 0.04
    # cache hits take no rate-limit slot and reach no server
    for slug in slugs:
        assert client.get(server.url(f"/programme/{slug}")).from_cache
    assert len(server.requests) == 4
    assert client.stats.cache_hits == 4


def test_http_limiter_defer_and_crawl_delay() -> None:
    limiter = HostRateLimiter(default_rate=0)
    assert limiter.acquire("a.example") == 0
    limiter.defer("a.example", 0.2)
    assert limiter.acquire("a.example") >= 0.15
    limiter.set_rate("b.example", 5)
    limiter.limit_to("b.example", 0.5)
    limiter.limit_to("b.example", 2)  # never loosened
    assert limiter.rate("b.example") == 0.5


def test_http_retry_after_parses_seconds_and_dates() -> None:
    assert _retry_after_s("7") == 7
    assert _retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past
    assert _retry_after_s("soon") is None
    assert _retry_after_s(None) is None


def test_http_sends_polite_identity(client: HttpClient, server: LocalServer) -> None:
    client.get(server.url("/programme/damson-talk-time"), accept=HTML_TYPES)
    headers = server.requests[0].headers
    assert headers["user-agent"].startswith("evidencemine/")
    assert "mailto:tests@example.org" in headers["user-agent"]
    assert headers["from"] == "tests@example.org"


def test_http_rate_limit_holds_across_threads(client: HttpClient, server: LocalServer) -> None:
    client.set_host_rate("127.0.0.1", 20)
    urls = [server.url(f"/programme/{slug}") for slug in SLUGS[:8]]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(client.get, urls))
    times = sorted(r.at for r in server.requests)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # Requests leave 0.05 s apart. The server stamps them on arrival, so a busy machine can
    # shift one stamp by tens of ms: check the span of the whole run (7 gaps) tightly and each
    # gap loosely. Unlimited, 4 threads would send 4 requests within a millisecond.
    assert len(times) == 8
    assert times[-1] - times[0] >= 7 * 0.05 - 0.03
    assert min(gaps) >= 0.015


def test_http_robots_crawl_delay_lowers_the_host_rate(
    client: HttpClient, site: FixtureSite, server: LocalServer
) -> None:
    site.robots_extra = "Crawl-delay: 0.5\n"
    client.set_host_rate("127.0.0.1", 50)
    client.get(server.url(f"/programme/{SLUGS[0]}"), crawl=True)
    assert client.limiter.rate("127.0.0.1") == 2.0


def test_http_head_ignores_size_of_the_body_it_does_not_read(
    client: HttpClient, server: LocalServer
) -> None:
    result = client.request("HEAD", server.url("/fault/big"))
    assert result.status == 200 and result.content == b""
