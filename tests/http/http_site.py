"""A fixture site served over real HTTP on 127.0.0.1, with fault routes.

The site: ``/programmes`` (an index over three pages: ``rel="next"``, a "Next" link and page
numbers), sixteen programme pages at ``/programme/<slug>`` (fifteen linked from the index,
one only in the sitemap) that answer ETag / If-None-Match with 304, ``/sitemap.xml``, and a
``robots.txt`` that disallows ``/private/``. Fault routes live under ``/fault/``.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from evidencemine.settings import HttpSettings, Settings, SourceSettings
from evidencemine_demo.localserver import Reply, Request

SLUGS = [
    "alder-home-visiting", "birch-parenting-groups", "cedar-reading-pairs", "damson-talk-time",
    "elm-family-nurse", "fir-school-readiness", "gorse-play-sessions", "hazel-dads-club",
    "ivy-early-language", "juniper-couples-course", "larch-toddler-steps", "maple-mentoring",
    "oak-calm-classrooms", "pine-sleep-support", "rowan-baby-bonding", "willow-teen-skills",
]  # fmt: skip
INDEXED = SLUGS[:15]  # five per index page; SLUGS[15] is only in the sitemap
PAGE_SIZE = 5
BIG_BODY_BYTES = 200_000
TEST_MAX_BYTES = 100_000
OCTET = "application/octet-stream"


def programme_html(slug: str, version: int) -> bytes:
    """A small programme page; ``version`` changes its text (a changed page)."""
    title = slug.replace("-", " ").title()
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<h1>{title}</h1><p>Evidence rating: {2 + version % 3}</p>"
        f"<p>Revision {version} of a fixture page written for the network tests.</p>"
        "</body></html>"
    ).encode()


class FixtureSite:
    """The request handler: routes, per-path hit counters, switches for faults."""

    def __init__(self) -> None:
        self.base_url = ""
        self.hits: Counter[str] = Counter()
        self.versions: dict[str, int] = dict.fromkeys(SLUGS, 1)
        self.broken: set[str] = set()  # slugs answering 500
        self.latency_s = 0.0  # added to every reply
        self.robots_extra = ""  # more lines for the robots.txt group of all agents
        self.routes: dict[str, Callable[[Request], Reply]] = {
            "/robots.txt": self._robots,
            "/programmes": self._index,
            "/sitemap.xml": self._sitemap,
            "/private/page": lambda r: Reply(200, b"<p>private</p>"),
            "/fault/flaky": self._flaky,
            "/fault/rate-limited": self._rate_limited,
            "/fault/retry-after-long": lambda r: Reply(429, b"", headers={"Retry-After": "120"}),
            "/fault/stall": lambda r: Reply(200, b"<p>late</p>", stall_after_headers_s=2.0),
            "/fault/truncated": self._truncated,
            "/fault/loop-a": lambda r: self._redirect("/fault/loop-b"),
            "/fault/loop-b": lambda r: self._redirect("/fault/loop-a"),
            "/fault/offsite": lambda r: self._redirect(self._localhost("/programme/oak")),
            "/fault/to-file": lambda r: self._redirect("file:///etc/passwd"),
            "/fault/to-loopback": lambda r: self._redirect(self.base_url + "/programme/x"),
            "/fault/big": lambda r: Reply(200, b"<p>" + b"x" * BIG_BODY_BYTES + b"</p>"),
            "/fault/gzip-bomb": self._gzip_bomb,
            "/fault/octet": lambda r: Reply(200, programme_html("x", 1), OCTET),
            "/fault/404": lambda r: Reply(404, b"not here", "text/plain"),
            "/fault/410": lambda r: Reply(410, b"gone", "text/plain"),
            "/fault/last-modified": self._last_modified,
            "/api/echo": self._echo,
        }  # fmt: skip

    def reset(self) -> None:
        """Forget hits and switches (between tests)."""
        self.hits.clear()
        self.versions = dict.fromkeys(SLUGS, 1)
        self.broken.clear()
        self.latency_s = 0.0
        self.robots_extra = ""

    def __call__(self, request: Request) -> Reply | None:
        self.hits[request.path] += 1
        reply = self._route(request)
        if reply is not None and self.latency_s:
            reply.delay_s += self.latency_s
        return reply

    def _route(self, request: Request) -> Reply | None:
        if request.path in self.routes:
            return self.routes[request.path](request)
        if request.path.startswith("/fault/chain/"):
            step = int(request.path.rsplit("/", 1)[1])
            return self._redirect(f"/fault/chain/{step + 1}")
        if request.path.startswith("/programme/"):
            return self._programme(request, request.path.removeprefix("/programme/"))
        return None

    def _localhost(self, path: str) -> str:
        return self.base_url.replace("127.0.0.1", "localhost") + path

    @staticmethod
    def _redirect(location: str, status: int = 302) -> Reply:
        return Reply(status, b"", "text/plain", headers={"Location": location})

    def _robots(self, request: Request) -> Reply:
        group = "User-agent: *\nDisallow: /private/\n" + self.robots_extra
        text = f"{group}\nSitemap: {self.base_url}/sitemap.xml\n"
        return Reply(200, text.encode(), "text/plain")

    def _index(self, request: Request) -> Reply:
        page = int(request.query.get("page", ["1"])[0])
        slugs = INDEXED[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        links = [f'<li><a href="/programme/{slug}">{slug}</a></li>' for slug in slugs]
        if page == 1:  # variants that must normalise to the same URL, and links to ignore
            links += [
                f'<li><a href="/programme/{slugs[0]}/?utm_source=news#top">again</a></li>',
                f'<li><a href="{self.base_url.upper()}/programme/{slugs[1]}">again</a></li>',
                '<li><a href="/about">About</a></li>',
                '<li><a href="http://elsewhere.example/programme/other">elsewhere</a></li>',
            ]
        nav = {
            1: '<a rel="next" href="/programmes?page=2">On</a> <a href="/programmes?page=3">3</a>',
            2: '<a href="/programmes?page=1">1</a> <a href="/programmes?page=3">Next</a>',
            3: '<a href="/programmes?page=2">‹ Previous</a>',
        }[page]  # fmt: skip
        body = f"<html><body><ul>{''.join(links)}</ul><nav>{nav}</nav></body></html>"
        return Reply(200, body.encode())

    def _sitemap(self, request: Request) -> Reply:
        entries = [f"/programme/{slug}" for slug in SLUGS[10:]]
        entries += ["/private/programme/hidden", f"/programme/{SLUGS[0]}/?utm_medium=x"]
        urls = "".join(f"<url><loc>{self.base_url}{path}</loc></url>" for path in entries)
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )
        return Reply(200, xml.encode(), "application/xml")

    def _programme(self, request: Request, slug: str) -> Reply | None:
        if slug in self.broken:
            return Reply(500, b"server error", "text/plain")
        if slug not in self.versions:
            return None
        etag = f'"{slug}-v{self.versions[slug]}"'
        if request.headers.get("if-none-match") == etag:
            return Reply(304, b"", headers={"ETag": etag})
        return Reply(200, programme_html(slug, self.versions[slug]), headers={"ETag": etag})

    def _flaky(self, request: Request) -> Reply:
        if self.hits[request.path] <= 2:
            return Reply(500, b"try again", "text/plain")
        return Reply(200, b"<p>recovered</p>")

    def _rate_limited(self, request: Request) -> Reply:
        if self.hits[request.path] == 1:
            return Reply(429, b"slow down", "text/plain", headers={"Retry-After": "1"})
        return Reply(200, b"<p>thanks for waiting</p>")

    def _truncated(self, request: Request) -> Reply:
        body = b"<p>" + b"y" * 2_000 + b"</p>"
        return Reply(200, body, declared_length=len(body) + 5_000)

    def _gzip_bomb(self, request: Request) -> Reply:
        body = gzip.compress(b"\0" * (5 * TEST_MAX_BYTES))
        return Reply(200, body, headers={"Content-Encoding": "gzip"})

    def _last_modified(self, request: Request) -> Reply:
        stamp = "Mon, 06 Jan 2025 10:00:00 GMT"
        if request.headers.get("if-modified-since") == stamp:
            return Reply(304, b"", headers={"Last-Modified": stamp})
        return Reply(200, b"<p>dated page</p>", headers={"Last-Modified": stamp})

    def _echo(self, request: Request) -> Reply:
        form = {key: values for key, values in request.form().items()}
        return Reply(200, json.dumps(form, sort_keys=True).encode(), "application/json")


def make_settings(cache_dir: Path, base_url: str, **http: object) -> Settings:
    """Fast test settings: small timeouts and backoffs, loopback allowed, rate limit 10k/s."""
    options: dict[str, object] = {
        "cache_dir": cache_dir, "timeout_s": 0.5, "retries": 2, "backoff_s": 0.01,
        "backoff_max_s": 0.05, "retry_after_max_s": 5, "max_bytes": TEST_MAX_BYTES,
        "max_redirects": 5, "allow_private_hosts": True, "default_requests_per_second": 10_000,
        "contact": "tests@example.org",
    }  # fmt: skip
    options.update(http)
    source = SourceSettings(
        kind="eif-guidebook",
        index_url=base_url + "/programmes",
        allowed_hosts=["127.0.0.1"],
        requests_per_second=10_000,
        cache_expire_s=3_600,
    )
    return Settings(http=HttpSettings.model_validate(options), sources={"fixture": source})
