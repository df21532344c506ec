"""Discover programme URLs of a source: its index page(s) with pagination, and its sitemap(s).

Everything is fetched through :class:`~evidencemine.http.HttpClient` with ``crawl=True``, so
robots.txt, the source's ``allowed_hosts`` and the rate limit apply. Index pages and sitemaps
are revalidated on every run (a conditional request; an unchanged page costs a 304), so new
programmes are found even while programme pages are still fresh in the cache.

A URL is kept when it is http(s), on one of the source's ``allowed_hosts``, its path matches
the programme pattern (default: contains ``/programme/``) and robots.txt allows it. URLs are
normalised with :func:`normalise_url` and deduplicated, first occurrence first: index pages in
pagination order, then sitemap entries.
"""

from __future__ import annotations

import gzip
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from evidencemine.errors import FetchError
from evidencemine.http import HTML_TYPES, XML_TYPES, FetchResult, HttpClient, host_matches
from evidencemine.settings import SourceSettings

log = logging.getLogger(__name__)

DEFAULT_PROGRAMME_PATTERN = r"/programme/"
MAX_INDEX_PAGES = 200
MAX_SITEMAPS = 50
MAX_SITEMAP_DEPTH = 2
MAX_SITEMAP_BYTES = 50_000_000  # the sitemaps.org limit for an uncompressed file
SITEMAP_TYPES = (*XML_TYPES, "text/plain", "application/gzip", "application/x-gzip")
NEXT_TEXTS = frozenset({"next", "next page", "›", "»", ">", "next ›", "next »", "next >"})
TRACKING_PARAMS = frozenset(
    {"gclid", "fbclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga", "_gl", "igshid"}
)
DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _remove_dot_segments(path: str) -> str:
    kept: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    return "/" + "/".join(kept)


def _is_tracking_param(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop default port, credentials, fragment and tracking
    parameters (``utm_*``, ``gclid`` ...), resolve dot segments, strip the trailing slash.

    >>> normalise_url("HTTPS://Example.org:443/a/./b/?utm_source=x&id=3#top")
    'https://example.org/a/b?id=3'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _remove_dot_segments(parts.path or "/").rstrip("/") or "/"
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking_param(p))
    return urlunsplit((scheme, netloc, path, query, ""))


class Anchor(NamedTuple):
    """A link on a page: absolute URL, its text and its ``rel`` tokens."""

    url: str
    text: str
    rel: frozenset[str]


def _element_text(element: etree._Element) -> str:
    parts = (part if isinstance(part, str) else part.decode() for part in element.itertext())
    return " ".join("".join(parts).split())


def extract_anchors(content: bytes, page_url: str, encoding: str = "utf-8") -> list[Anchor]:
    """Every ``<a href>`` and ``<link href>`` of an HTML page, resolved against the page URL."""
    try:
        parser = lxml.html.HTMLParser(encoding=encoding)
    except LookupError:
        parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(content, parser=parser)
    except (etree.ParserError, ValueError):
        return []
    base = root.find(".//base[@href]")
    base_url = urljoin(page_url, base.get("href", "")) if base is not None else page_url
    anchors: list[Anchor] = []
    for element in root.iter("a", "link"):
        href = (element.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        text = _element_text(element) if element.tag == "a" else ""
        rel = frozenset((element.get("rel") or "").lower().split())
        anchors.append(Anchor(urljoin(base_url, href), text, rel))
    return anchors


def pagination_links(anchors: Sequence[Anchor], index_path: str) -> list[str]:
    """Links to further index pages: ``rel="next"``, a "Next"/"›" text, or a page number
    pointing below the index path (``/programmes?page=3``, ``/programmes/page/3``)."""
    found: list[str] = []
    for anchor in anchors:
        text = anchor.text.strip().lower()
        is_next = "next" in anchor.rel or text in NEXT_TEXTS
        is_number = text.isdigit() and urlsplit(anchor.url).path.startswith(index_path)
        if is_next or is_number:
            found.append(anchor.url)
    return found


@dataclass(slots=True)
class Discovery:
    """What discovery found, and what went wrong on the way (per URL)."""

    urls: list[str] = field(default_factory=list)
    index_pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)

    @property
    def complete(self) -> bool:
        """True when every index page and sitemap could be read."""
        return not self.errors


class _Collector:
    """Keeps programme URLs on allowed hosts, normalised, deduplicated, in order."""

    def __init__(self, allowed_hosts: Sequence[str], pattern: re.Pattern[str], limit: int):
        self.allowed_hosts = allowed_hosts
        self.pattern = pattern
        self.limit = limit
        self.urls: list[str] = []
        self._seen: set[str] = set()

    def offer(self, url: str) -> None:
        normal = normalise_url(url)
        parts = urlsplit(normal)
        if parts.scheme not in ("http", "https") or normal in self._seen:
            return
        if self.allowed_hosts and not host_matches(parts.hostname or "", self.allowed_hosts):
            return
        if not self.pattern.search(parts.path) or len(self.urls) >= self.limit:
            return
        self._seen.add(normal)
        self.urls.append(normal)


def _fetch(
    client: HttpClient, url: str, source: SourceSettings, accept: Sequence[str], found: Discovery
) -> FetchResult | None:
    """A crawled page (revalidated with the server), or None with the error recorded."""
    try:
        page = client.get(
            url, accept=accept, crawl=True, allowed_hosts=source.allowed_hosts, revalidate=True
        )
    except FetchError as err:
        log.warning("discovery: %s", err)
        found.errors.append((url, err.reason))
        return None
    return page


def _crawl_index(
    client: HttpClient, source: SourceSettings, collector: _Collector, found: Discovery
) -> None:
    start = normalise_url(source.index_url)
    index_path = urlsplit(start).path.rstrip("/")
    queue, queued = [start], {start}
    bodies: set[str] = set()  # "?page=1" and the bare index are often the same page
    while queue and len(found.index_pages) < MAX_INDEX_PAGES:
        page_url = queue.pop(0)
        page = _fetch(client, page_url, source, HTML_TYPES, found)
        if page is None or page.content_sha256 in bodies:
            continue
        bodies.add(page.content_sha256)
        found.index_pages.append(page_url)
        anchors = extract_anchors(page.content, page.url, page.charset)
        for anchor in anchors:
            collector.offer(anchor.url)
        for link in pagination_links(anchors, index_path):
            link = normalise_url(link)
            allowed = host_matches(urlsplit(link).hostname or "", source.allowed_hosts)
            if link not in queued and (allowed or not source.allowed_hosts):
                queued.add(link)
                queue.append(link)


def _decompress_if_gzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as handle:
        data = handle.read(MAX_SITEMAP_BYTES + 1)
    if len(data) > MAX_SITEMAP_BYTES:
        raise ValueError(f"sitemap larger than {MAX_SITEMAP_BYTES} bytes uncompressed")
    return data


def parse_sitemap(body: bytes, media_type: str = "") -> tuple[bool, list[str]]:
    """(is a sitemap index, URLs) from a sitemap: XML (``urlset`` / ``sitemapindex``),
    gzip-compressed XML, or plain text with one URL per line."""
    data = _decompress_if_gzip(body)
    if media_type == "text/plain" and not data.lstrip().startswith(b"<"):
        lines = data.decode("utf-8", "replace").splitlines()
        return False, [line.strip() for line in lines if line.strip().startswith("http")]
    root = etree.fromstring(data, parser=_SAFE_XML)
    locs = [(loc.text or "").strip() for loc in root.iter("{*}loc")]
    return etree.QName(root).localname == "sitemapindex", [loc for loc in locs if loc]


def _read_sitemaps(
    client: HttpClient, source: SourceSettings, collector: _Collector, found: Discovery
) -> None:
    queue = [(normalise_url(url), 0) for url in _sitemap_urls(client, source)]
    while queue and len(found.sitemaps) < MAX_SITEMAPS:
        url, depth = queue.pop(0)
        page = _fetch(client, url, source, SITEMAP_TYPES, found)
        if page is None:
            continue
        try:
            is_index, locs = parse_sitemap(page.content, page.media_type)
        except (etree.XMLSyntaxError, ValueError, OSError, EOFError) as err:
            found.errors.append((url, f"unreadable sitemap: {err}"))
            continue
        found.sitemaps.append(url)
        if is_index and depth < MAX_SITEMAP_DEPTH:
            queue.extend((normalise_url(loc), depth + 1) for loc in locs)
        elif not is_index:
            for loc in locs:
                collector.offer(loc)


def _sitemap_urls(client: HttpClient, source: SourceSettings) -> list[str]:
    """The configured sitemap, else the sitemaps robots.txt names (on allowed hosts)."""
    if source.sitemap_url:
        return [source.sitemap_url]
    if not source.index_url:
        return []
    named = client.robots_rules(source.index_url).sitemaps()
    hosts = source.allowed_hosts
    return [url for url in named if not hosts or host_matches(urlsplit(url).hostname or "", hosts)]


def _drop_disallowed(client: HttpClient, source: SourceSettings, found: Discovery) -> None:
    if not source.obey_robots:
        return
    kept: list[str] = []
    for url in found.urls:
        if client.robots_allows(url):
            kept.append(url)
        else:
            log.warning("discovery: %s: disallowed by robots.txt", url)
            found.refused.append((url, "disallowed by robots.txt"))
            client.stats.refuse(url, "disallowed by robots.txt")
    found.urls = kept


def discover(
    client: HttpClient, source: SourceSettings, *, programme_pattern: str | None = None
) -> Discovery:
    """Programme URLs of ``source`` from its index page(s) and sitemap(s), with what failed.

    ``programme_pattern`` (a regular expression searched in the URL path) defaults to the
    source's ``programme_path_pattern`` when settings have one, else ``/programme/``.
    """
    pattern = programme_pattern or getattr(source, "programme_path_pattern", "")
    collector = _Collector(
        source.allowed_hosts, re.compile(pattern or DEFAULT_PROGRAMME_PATTERN), source.max_pages
    )
    found = Discovery()
    if source.index_url:
        _crawl_index(client, source, collector, found)
    _read_sitemaps(client, source, collector, found)
    found.urls = collector.urls
    _drop_disallowed(client, source, found)
    log.info(
        "discovered %d programme URLs (%d index pages, %d sitemaps, %d errors)",
        len(found.urls),
        len(found.index_pages),
        len(found.sitemaps),
        len(found.errors),
    )
    return found


def discover_programme_urls(client: HttpClient, source: SourceSettings) -> list[str]:
    """Normalised, deduplicated programme URLs of ``source`` (index pages, then sitemaps).

    Raises FetchError when nothing could be read at all (no index page, no sitemap), so
    that a failed discovery is never mistaken for a site without programmes.
    """
    found = discover(client, source)
    if found.errors and not found.index_pages and not found.sitemaps:
        url, reason = found.errors[0]
        raise FetchError(f"discovery failed: {reason}", source=url)
    return found.urls
