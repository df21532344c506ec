"""NCBI PMC ID converter: PMCID / DOI → PMID (JSON format, up to 200 IDs per request).

The converter knows articles in PubMed Central only, so a DOI without a PMC copy comes back
as an error record; that is not a failure, the resolver goes on to Crossref.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from evidencemine import safejson
from evidencemine.errors import EvidenceMineError
from evidencemine.http import HttpClient
from evidencemine.resolvers.records import RecordCache
from evidencemine.resolvers.transport import EndpointCounter, batch_expire_s, ncbi_identity
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
    ids: list[str],
    idtype: str,
    client: HttpClient,
    settings: Settings,
    counter: EndpointCounter,
    cache: RecordCache | None = None,
) -> IdconvOutcome:
    """Convert ``ids`` (all of ``idtype``: ``doi`` or ``pmcid``) in batches of 200.

    With a ``cache``, ids converted before are not asked again; each answer is kept by id."""
    outcome = IdconvOutcome()
    unique = list(dict.fromkeys(ids))
    if cache is not None:
        known = cache.get_many("idconv", [f"{idtype}:{id_key(i)}" for i in unique])
        counter.cached["idconv"] += len(known)
        for value in known.values():
            if value is not None:
                kept = ConvertedIds(**json.loads(value))
                outcome.converted[id_key(kept.requested)] = kept
        unique = [i for i in unique if f"{idtype}:{id_key(i)}" not in known]
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
                expire_after=batch_expire_s(settings),
            )
            answer = safejson.loads(
                result.content,
                source=str(result.url),
                max_bytes=settings.limits.json_max_bytes,
                max_depth=settings.limits.json_max_depth,
            )
            answers = parse_idconv_answer(answer, idtype)
            outcome.converted.update(answers)
            if cache is not None:
                _keep(cache, idtype, answers, settings)
        except (EvidenceMineError, ValueError) as err:
            outcome.errors.append(f"idconv failed for {len(batch)} {idtype}s: {err}")
    return outcome


def _keep(
    cache: RecordCache, idtype: str, answers: dict[str, ConvertedIds], settings: Settings
) -> None:
    found = {f"{idtype}:{k}": json.dumps(asdict(v)) for k, v in answers.items() if v.pmid}
    missing = {f"{idtype}:{k}": json.dumps(asdict(v)) for k, v in answers.items() if not v.pmid}
    cache.put_many("idconv", dict(found), settings.pubmed.cache_expire_s)
    cache.put_many("idconv", dict(missing), settings.pubmed.negative_cache_expire_s)
