"""The one module that touches the network.

INTERFACE (stable; resolvers, discovery and the pipeline use only this):

    client = HttpClient(settings)                 # or HttpClient(settings, session=...)
    client.set_host_rate("eutils.ncbi.nlm.nih.gov", 3.0)
    result = client.get(url, params=..., headers=..., expire_after=..., accept=(...), crawl=False)
    result = client.post(url, data=..., params=..., headers=..., accept=(...))
    result.content / result.text() / result.json() / result.status / result.from_cache
    client.stats.network_requests, client.stats.cache_hits
    client.close()

Errors: :class:`~evidencemine.errors.FetchError` (with ``status``) and
:class:`~evidencemine.errors.PolicyError`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from evidencemine.errors import FetchError, PolicyError
from evidencemine.settings import Settings


@dataclass(slots=True)
class FetchResult:
    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    media_type: str
    fetched_at: datetime
    from_cache: bool = False

    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except json.JSONDecodeError as err:
            raise FetchError(f"invalid JSON body: {err.msg}", source=self.url) from err


@dataclass(slots=True)
class HttpStats:
    network_requests: int = 0
    cache_hits: int = 0
    by_host: dict[str, int] = field(default_factory=dict)


class HttpClient:
    def __init__(self, settings: Settings, *, session: requests.Session | None = None) -> None:
        self.settings = settings
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = settings.http.rendered_user_agent()
        self.stats = HttpStats()
        self._rates: dict[str, float] = {}
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def set_host_rate(self, host: str, requests_per_second: float) -> None:
        self._rates[host.lower()] = requests_per_second

    def _wait_for_slot(self, host: str) -> None:
        rate = self._rates.get(host, self.settings.http.default_requests_per_second)
        if rate <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + 1.0 / rate
        if slot > now:
            time.sleep(slot - now)

    def get(self, url: str, **kwargs: Any) -> FetchResult:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> FetchResult:
        return self.request("POST", url, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | str | None = None,
        headers: dict[str, str] | None = None,
        accept: tuple[str, ...] | None = None,
        expire_after: int | None = None,
        crawl: bool = False,
    ) -> FetchResult:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise PolicyError(f"scheme {parts.scheme!r} not allowed", source=url)
        host = (parts.hostname or "").lower()
        self._wait_for_slot(host)
        timeout = self.settings.http.timeout_s
        try:
            response = self.session.request(
                method, url, params=params, data=data, headers=headers, timeout=timeout
            )
        except requests.RequestException as err:
            raise FetchError(f"request failed: {err}", source=url) from err
        self.stats.network_requests += 1
        if response.status_code >= 400:
            raise FetchError(f"HTTP {response.status_code}", source=url, status=response.status_code)
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return FetchResult(
            url=response.url,
            status=response.status_code,
            headers=dict(response.headers),
            content=response.content,
            media_type=media_type,
            fetched_at=datetime.now(UTC),
        )

    def close(self) -> None:
        self.session.close()
