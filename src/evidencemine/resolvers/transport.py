"""Calls to the shared HTTP client, counted per endpoint, and the host rate set-up.

All network access of the resolvers goes through :class:`~evidencemine.http.HttpClient`
(cache, retries, per-host rate limits); this module only counts what each endpoint cost and
applies the rates NCBI and Crossref ask for.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from evidencemine.http import FetchResult, HttpClient
from evidencemine.settings import Settings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class EndpointCounter:
    """Network requests and cache hits per endpoint name (``efetch``, ``crossref-works`` ...)."""

    network: Counter[str] = field(default_factory=Counter)
    cached: Counter[str] = field(default_factory=Counter)

    def call(
        self, client: HttpClient, method: str, url: str, endpoint: str, **kwargs: Any
    ) -> FetchResult:
        """Make one request through ``client`` and count it (a failed request counts too)."""
        try:
            result = client.post(url, **kwargs) if method == "POST" else client.get(url, **kwargs)
        except Exception:
            self.network[endpoint] += 1
            raise
        if getattr(result, "from_cache", False):
            self.cached[endpoint] += 1
        else:
            self.network[endpoint] += 1
        return result


def host_of(url: str) -> str:
    """Lower-case host name of ``url``."""
    return (urlsplit(url).hostname or "").lower()


@dataclass(slots=True)
class HostRates:
    """The request rate set per host, so a stricter rate is never loosened by another service."""

    client: HttpClient
    rates: dict[str, float] = field(default_factory=dict)

    def limit(self, host: str, requests_per_second: float) -> None:
        """Set ``host`` to ``requests_per_second`` unless a stricter rate is already set."""
        current = self.rates.get(host)
        if current is not None and current <= requests_per_second:
            return
        self.rates[host] = requests_per_second
        self.client.set_host_rate(host, requests_per_second)
        log.debug("rate for %s set to %.3g requests/s", host, requests_per_second)


def configure_rates(client: HttpClient, settings: Settings) -> HostRates:
    """NCBI hosts at 3 requests/s (10 with an API key), the Crossref host at its configured rate.

    When two services share a host (the local stand-in), the stricter rate applies.
    """
    rates = HostRates(client)
    pubmed = settings.pubmed
    ncbi_rate = (
        pubmed.requests_per_second_with_key if pubmed.api_key else pubmed.requests_per_second
    )
    for url in (pubmed.base_url, pubmed.idconv_url):
        rates.limit(host_of(url), ncbi_rate)
    rates.limit(host_of(settings.crossref.base_url), settings.crossref.requests_per_second)
    return rates


def ncbi_identity(settings: Settings) -> dict[str, str]:
    """``tool``, ``email`` and (from the environment only) ``api_key``, as NCBI asks."""
    params = {"tool": settings.pubmed.tool}
    email = settings.pubmed.email or settings.http.contact
    if email:
        params["email"] = email
    if settings.pubmed.api_key:
        params["api_key"] = settings.pubmed.api_key
    return params


def batch_expire_s(settings: Settings) -> int:
    """How long the HTTP copy of a batched NCBI answer (efetch, ECitMatch, ID converter) stays
    fresh: no longer than a negative answer may be kept, since a batch mixes found and missing
    records (found ones are kept one by one, for longer, by the record cache)."""
    return min(settings.pubmed.cache_expire_s, settings.pubmed.negative_cache_expire_s)
