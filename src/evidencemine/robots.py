"""robots.txt rules for crawled sites (RFC 9309), parsed with Protego.

The rules of one origin are fetched once per :class:`RobotsCache` through a caller-supplied
``fetch`` function (the HTTP client, so robots.txt itself is cached, rate-limited and subject
to the URL policy). What an unavailable robots.txt means follows RFC 9309:

- 4xx (except 429): no rules, everything is allowed;
- 429, 5xx, a connection failure or a refused redirect: "unreachable", everything is disallowed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from evidencemine.errors import FetchError

log = logging.getLogger(__name__)

RobotsFetch = Callable[[str], str]


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, lower-cased."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def robots_url(url: str) -> str:
    """The robots.txt URL that governs ``url``."""
    return origin_of(url) + "/robots.txt"


@dataclass(slots=True)
class RobotsRules:
    """The robots.txt rules of one origin. ``parser`` None means no rules (all allowed)."""

    origin: str
    parser: Protego | None = None
    disallow_all: bool = False

    def can_fetch(self, url: str, user_agent: str) -> bool:
        """True when ``user_agent`` may fetch ``url``."""
        if self.disallow_all:
            return False
        if self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        """The Crawl-delay for ``user_agent`` in seconds, if robots.txt sets one."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay else None

    def sitemaps(self) -> list[str]:
        """Sitemap URLs named by robots.txt, in file order."""
        return [] if self.parser is None else [str(url) for url in self.parser.sitemaps]


def load_robots_rules(url: str, fetch: RobotsFetch) -> RobotsRules:
    """Fetch and parse the robots.txt governing ``url``; unavailability per RFC 9309."""
    origin = origin_of(url)
    try:
        text = fetch(robots_url(url))
    except FetchError as err:
        status = err.status
        if status is not None and 400 <= status < 500 and status != 429:
            log.debug("%s: no robots.txt (HTTP %s), all paths allowed", origin, status)
            return RobotsRules(origin)
        log.warning("%s: robots.txt unreachable (%s), crawling disallowed", origin, err.reason)
        return RobotsRules(origin, disallow_all=True)
    return RobotsRules(origin, Protego.parse(text))


class RobotsCache:
    """Rules per origin, fetched once and kept for the life of the cache (thread-safe)."""

    def __init__(self, fetch: RobotsFetch) -> None:
        self._fetch = fetch
        self._rules: dict[str, RobotsRules] = {}
        self._lock = threading.Lock()

    def rules_for(self, url: str) -> RobotsRules:
        """The rules governing ``url`` (fetched on first use)."""
        origin = origin_of(url)
        with self._lock:
            rules = self._rules.get(origin)
            if rules is None:
                rules = load_robots_rules(url, self._fetch)
                self._rules[origin] = rules
            return rules
