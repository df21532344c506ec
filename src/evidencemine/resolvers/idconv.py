"""NCBI PMC ID converter: PMCID / DOI → PMID (JSON format, up to 200 IDs per request).

The converter knows articles in PubMed Central only, so a DOI without a PMC copy comes back
as an error record; that is not a failure, the resolver goes on to Crossref.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from evidencemine.errors import EvidenceMineError
from evidencemine.http import HttpClient
from evidencemine.resolvers.transport import EndpointCounter, ncbi_identity
from evidencemine.settings import Settings

log = logging.getLogger(__name__)

IDCONV_BATCH = 200


@dataclass(slots=True)
class ConvertedIds:
    requested: str
    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    error: str | None = None


@dataclass(slots=True)
class IdconvOutcome:
    """Conversions keyed by the requested id (DOIs lower-cased)."""

    converted: dict[str, ConvertedIds] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def id_key(value: str) -> str:
    """The key under which a requested id is filed (DOIs and PMCIDs compare case-insensitively)."""
    return value.strip().lower()


def _value(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    return str(value) if value not in (None, "") else None


def parse_idconv_answer(payload: Any, idtype: str) -> dict[str, ConvertedIds]:
    """``{requested id: ConvertedIds}`` from an ID-converter JSON answer."""
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise ValueError("ID converter answer without a records list")
    converted: dict[str, ConvertedIds] = {}
    for record in payload["records"]:
        if not isinstance(record, dict):
            continue
        requested = _value(record, "requested-id") or _value(record, idtype)
        if not requested:
            continue
        error = _value(record, "errmsg") if record.get("status") == "error" else None
        converted[id_key(requested)] = ConvertedIds(
            requested=requested,
            pmid=None if error else _value(record, "pmid"),
            pmcid=None if error else _value(record, "pmcid"),
            doi=None if error else _value(record, "doi"),
            error=error,
        )
    return converted


def convert_ids(
    ids: list[str], idtype: str, client: HttpClient, settings: Settings, counter: EndpointCounter
) -> IdconvOutcome:
    """Convert ``ids`` (all of ``idtype``: ``doi`` or ``pmcid``) in batches of 200."""
    outcome = IdconvOutcome()
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), IDCONV_BATCH):
        batch = unique[start : start + IDCONV_BATCH]
        params = {
            "ids": ",".join(batch),
            "idtype": idtype,
            "format": "json",
            "versions": "no",
            **ncbi_identity(settings),
        }
        try:
            result = counter.call(
                client,
                "GET",
                settings.pubmed.idconv_url,
                "idconv",
                params=params,
                accept=("application/json",),
                expire_after=settings.pubmed.cache_expire_s,
            )
            outcome.converted.update(parse_idconv_answer(json.loads(result.content), idtype))
        except (EvidenceMineError, ValueError) as err:
            outcome.errors.append(f"idconv failed for {len(batch)} {idtype}s: {err}")
    return outcome
