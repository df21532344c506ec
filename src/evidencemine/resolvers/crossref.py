"""Crossref REST API: ``/works/{doi}`` and ``/works?query.bibliographic=``, mapped to CSL-JSON.

Requests carry ``mailto`` (the polite pool) and the ``X-Rate-Limit-Limit`` /
``X-Rate-Limit-Interval`` headers of each answer can only lower the request rate. A DOI
that starts ``10.2307/`` is a JSTOR-assigned DOI string, not proof that JSTOR published the
work: the record's ``publisher`` and ``member`` are read, never inferred from the prefix.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import quote

from evidencemine import safejson
from evidencemine.errors import FetchError, ResolutionError
from evidencemine.http import HttpClient
from evidencemine.models import CslDate, CslItem, CslName
from evidencemine.resolvers.records import RecordCache
from evidencemine.resolvers.transport import EndpointCounter, HostRates, host_of
from evidencemine.settings import Settings

log = logging.getLogger(__name__)

JSTOR_MEMBER_ID = "1121"
_CSL_TYPES = {
    "journal-article": "article-journal",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "proceedings-article": "paper-conference",
    "posted-content": "article",
    "dissertation": "thesis",
    "report": "report",
    "dataset": "dataset",
}
_JATS_ABSTRACT_HEADING = re.compile(r"<jats:title>\s*Abstract\s*</jats:title>", re.I)
_TAG = re.compile(r"<[^>]+>")
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_INTERVAL_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def _clean_markup(text: str) -> str:
    return " ".join(_TAG.sub(" ", text).split())


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    text = _clean_markup(str(value))
    return text or None


def _date_parts(message: dict[str, Any]) -> list[int]:
    for key in ("issued", "published-print", "published-online", "published"):
        parts = (message.get(key) or {}).get("date-parts") or [[]]
        first = [int(p) for p in parts[0] if isinstance(p, int | str) and str(p).isdigit()]
        if first:
            return first
    return []


def _csl_names(message: dict[str, Any]) -> list[CslName]:
    names = []
    for person in message.get("author") or []:
        if person.get("family"):
            names.append(CslName(family=person["family"], given=person.get("given")))
        elif person.get("name"):
            names.append(CslName(family=person["name"], literal=person["name"]))
    return names


def _abstract(message: dict[str, Any]) -> str | None:
    raw = message.get("abstract")
    if not isinstance(raw, str):
        return None
    return _clean_markup(_JATS_ABSTRACT_HEADING.sub(" ", raw)) or None


def crossref_work_to_csl(message: dict[str, Any]) -> CslItem:
    """Map a Crossref work ``message`` (or a Crossref CSL-JSON transform) to a CSL item."""
    doi = message.get("DOI")
    if not isinstance(doi, str) or not doi:
        raise ResolutionError("Crossref work without a DOI", source="crossref")
    parts = _date_parts(message)
    kind = str(message.get("type") or "")
    return CslItem(
        id=f"doi:{doi.lower()}",
        type=_CSL_TYPES.get(kind, kind if kind == "article-journal" else "article"),
        author=_csl_names(message),
        issued=CslDate(date_parts=[parts]) if parts else None,
        title=_first(message.get("title")),
        container_title=_first(message.get("container-title")),
        container_title_short=_first(message.get("short-container-title")),
        volume=_first(message.get("volume")),
        issue=_first(message.get("issue")),
        page=_first(message.get("page")),
        publisher=_first(message.get("publisher")),
        DOI=doi,
        URL=_first(message.get("URL")) or f"https://doi.org/{doi}",
        language=_first(message.get("language")),
        abstract=_abstract(message),
    )


def registrant(message: dict[str, Any]) -> dict[str, str | None]:
    """Who registered/published the record, as read from it (never from the DOI prefix)."""
    member = message.get("member")
    return {
        "publisher": _first(message.get("publisher")),
        "member": str(member) if member is not None else None,
        "jstor_registered": str(member) == JSTOR_MEMBER_ID if member is not None else None,  # type: ignore[dict-item]
    }


def read_crossref_json(
    data: bytes,
    *,
    source: str,
    max_bytes: int = safejson.MAX_BYTES,
    max_depth: int = safejson.MAX_DEPTH,
) -> dict[str, Any]:
    """Decode a Crossref body; truncated or non-JSON bodies raise ResolutionError."""
    payload = safejson.loads(data, source=source, max_bytes=max_bytes, max_depth=max_depth)
    if not isinstance(payload, dict):
        raise ResolutionError("Crossref answer is not a JSON object", source=source)
    return payload


def works_from_response(payload: dict[str, Any], *, source: str) -> list[dict[str, Any]]:
    """The work records in a Crossref answer: one for ``work``, the items of a ``work-list``.

    A bare record (a CSL-JSON transform) counts as one work; other message types (such as
    ``work-agency``) raise ResolutionError saying what they are.
    """
    kind = payload.get("message-type")
    message = payload.get("message")
    if kind == "work" and isinstance(message, dict):
        return [message]
    if kind == "work-list" and isinstance(message, dict):
        return [item for item in message.get("items") or [] if isinstance(item, dict)]
    if kind is None and "DOI" in payload:
        return [payload]
    if payload.get("status") == "error":
        raise ResolutionError(f"Crossref error answer: {payload.get('message')}", source=source)
    raise ResolutionError(f"a Crossref {kind!r} answer holds no work record", source=source)


class CrossrefClient:
    """``/works/{doi}`` and ``query.bibliographic`` through the shared HTTP client."""

    def __init__(
        self,
        client: HttpClient,
        settings: Settings,
        counter: EndpointCounter,
        rates: HostRates,
        cache: RecordCache | None = None,
    ) -> None:
        self.cache = cache
        self.client = client
        self.settings = settings.crossref
        self.mailto = settings.crossref.mailto or settings.http.contact
        self.counter = counter
        self.rates = rates

    def _params(self) -> dict[str, str]:
        return {"mailto": self.mailto} if self.mailto else {}

    def work(self, doi: str) -> dict[str, Any] | None:
        """The work record for ``doi``, or ``None`` when Crossref has no record (404); with a
        record cache, a DOI answered before (also by a 404) is not asked again."""
        key = doi.strip().lower()
        if self.cache is not None:
            hit, kept = self.cache.get("crossref", key)
            if hit:
                self.counter.cached["crossref-works"] += 1
                return None if kept is None else dict(json.loads(kept))
        message = self._fetch_work(doi)
        if self.cache is not None:
            expire = self.settings.cache_expire_s
            if message is None:
                expire = self.settings.negative_cache_expire_s
            kept = None if message is None else json.dumps(message)
            self.cache.put("crossref", key, kept, expire)
        return message

    def _fetch_work(self, doi: str) -> dict[str, Any] | None:
        url = self.settings.base_url + "works/" + quote(doi, safe="/:;()")
        try:
            result = self.counter.call(
                self.client,
                "GET",
                url,
                "crossref-works",
                params=self._params(),
                accept=("application/json",),
                expire_after=self.settings.cache_expire_s,
            )
        except FetchError as err:
            if err.status == 404:
                return None
            raise
        self._honour_rate_headers(url, result.headers)
        works = works_from_response(self._read(result.content, url), source=url)
        return works[0]

    def search(self, query: str) -> list[dict[str, Any]]:
        """The top ``crossref.rows`` works for a bibliographic query, best first."""
        url = self.settings.base_url + "works"
        params = {"query.bibliographic": query, "rows": str(self.settings.rows), **self._params()}
        result = self.counter.call(
            self.client,
            "GET",
            url,
            "crossref-search",
            params=params,
            accept=("application/json",),
            expire_after=self.settings.cache_expire_s,
        )
        self._honour_rate_headers(url, result.headers)
        return works_from_response(self._read(result.content, url), source=url)

    def _read(self, data: bytes, url: str) -> dict[str, Any]:
        limits = self.client.settings.limits  # limits.json_max_bytes / json_max_depth
        return read_crossref_json(
            data, source=url, max_bytes=limits.json_max_bytes, max_depth=limits.json_max_depth
        )

    def _honour_rate_headers(self, url: str, headers: dict[str, str]) -> None:
        rate = rate_from_headers(headers)
        if rate is not None:
            self.rates.limit(host_of(url), rate)


def rate_from_headers(headers: dict[str, str]) -> float | None:
    """Requests per second allowed by ``X-Rate-Limit-Limit`` / ``X-Rate-Limit-Interval``."""
    lowered = {key.lower(): value for key, value in headers.items()}
    limit, interval = lowered.get("x-rate-limit-limit"), lowered.get("x-rate-limit-interval")
    if not limit or not interval or not limit.strip().isdigit() or len(limit.strip()) > 9:
        return None
    match = _INTERVAL.match(interval)
    if not match:
        return None
    seconds = float(match.group(1)) * _INTERVAL_SECONDS[match.group(2) or "s"]
    return int(limit) / seconds if seconds > 0 and int(limit) > 0 else None
