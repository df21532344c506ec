"""Resolve printed references to PubMed / Crossref records, verified, with a record of how.

Order per reference: identifiers from links and text; DOIs and PMCIDs without a PMID go to the
ID converter; references with no identifier but a full citation go to ECitMatch; then ONE
batched efetch for every PMID of the run; DOIs (including JSTOR candidates ``10.2307/<id>``)
without a PubMed record go to Crossref ``/works/{doi}``; what is left (404 DOIs, unmatched
citations, refused candidates) goes to ``query.bibliographic``. Every candidate is verified
against the printed citation; a refused candidate is kept as ``best_candidate`` and the
reference ends as ``no-match`` rather than with a wrong link.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from evidencemine.errors import EvidenceMineError
from evidencemine.http import HttpClient
from evidencemine.models import (
    CslItem,
    Difference,
    Identifiers,
    Reference,
    Registrant,
    Resolution,
)
from evidencemine.references.identifiers import jstor_candidate_doi, reference_identifiers
from evidencemine.resolvers.crossref import CrossrefClient, crossref_work_to_csl, registrant
from evidencemine.resolvers.ecitmatch import citation_query, match_citations
from evidencemine.resolvers.idconv import convert_ids, id_key
from evidencemine.resolvers.matching import (
    Verification,
    first_family,
    issued_year,
    list_differences,
    verify_candidate,
)
from evidencemine.resolvers.pubmed import PubmedRecord, fetch_pubmed_records, pubmed_record_to_csl
from evidencemine.resolvers.records import RecordCache
from evidencemine.resolvers.transport import EndpointCounter, configure_rates
from evidencemine.settings import Settings

log = logging.getLogger(__name__)

Method = Literal["link", "doi", "ecitmatch", "crossref-search", "idconv"]


@dataclass(slots=True)
class ResolveReport:
    """New references in input order, requests per endpoint, and what went wrong."""

    references: list[Reference]
    requests: dict[str, int] = field(default_factory=dict)
    cache_hits: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Candidate:
    source: Literal["pubmed", "crossref"]
    csl: CslItem
    verification: Verification
    record: PubmedRecord | None = None
    message: dict[str, Any] | None = None


@dataclass(slots=True)
class _Case:
    index: int
    reference: Reference
    ids: Identifiers
    pmid_method: Method | None = None
    candidate_doi: str | None = None
    refused: list[_Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    result: Reference | None = None

    @property
    def open(self) -> bool:
        return self.result is None


def _start_case(index: int, reference: Reference) -> _Case:
    ids = reference_identifiers(reference)
    case = _Case(index, reference, Identifiers(pmid=ids.pmid, pmcid=ids.pmcid, jstor=ids.jstor))
    case.pmid_method = "link" if ids.pmid else None
    case.candidate_doi = ids.doi or (jstor_candidate_doi(ids.jstor) if ids.jstor else None)
    return case


def resolve_references(
    references: list[Reference] | tuple[Reference, ...],
    client: HttpClient,
    settings: Settings,
    *,
    now: datetime | None = None,
) -> ResolveReport:
    """Resolve ALL references of a run at once (batched efetch / ECitMatch / ID converter).

    Returns new Reference objects in the same order with identifiers, ``resolved`` CSL item,
    abstract, publication types, MeSH headings, ``resolution`` and ``differences`` filled.
    An error on one reference leaves it ``status="error"`` with the reason; the others go on.
    """
    run = _Run(client, settings, now or datetime.now(UTC))
    cases: list[_Case] = []
    for index, reference in enumerate(references):
        try:
            cases.append(_start_case(index, reference))
        except Exception as err:  # a reference the identifier reader cannot take
            log.debug("reference %d: identifiers not read", index + 1, exc_info=err)
            case = _Case(index, reference, Identifiers())
            case.result = run.error(case, f"unresolved: unreadable reference ({_brief(err)})")
            cases.append(case)
    phases: tuple[tuple[str, Callable[[list[_Case]], None], Callable[[_Case], bool]], ...] = (
        (
            "PMC ID converter",
            run.convert_ids,
            lambda c: not c.ids.pmid and bool(c.ids.pmcid or c.candidate_doi),
        ),
        (
            "ECitMatch",
            run.match_citations,
            lambda c: not (c.ids.pmid or c.candidate_doi or c.ids.pmcid),
        ),
        ("PubMed efetch", run.fetch_pubmed, lambda c: bool(c.ids.pmid)),
        ("Crossref works", run.lookup_dois, lambda c: bool(c.candidate_doi)),
        ("Crossref search", run.search_crossref, lambda c: True),
    )
    try:
        for name, phase, wants in phases:
            wanting = [c for c in cases if c.open and wants(c)]
            try:
                phase(cases)
            except Exception as err:  # an answer of the wrong shape: these references, not the run
                log.debug("%s failed", name, exc_info=err)
                for case in wanting:
                    if case.open:
                        reason = f"unresolved: malformed answer from {name} ({_brief(err)})"
                        case.result = run.error(case, reason)
    finally:
        run.cache.close()
    results = [case.result or run.no_match(case, "no identifier and no search") for case in cases]
    return ResolveReport(
        references=results,
        requests=dict(run.counter.network),
        cache_hits=dict(run.counter.cached),
        errors=run.errors,
    )


class _Run:
    def __init__(self, client: HttpClient, settings: Settings, now: datetime) -> None:
        self.client = client
        self.settings = settings
        self.now = now
        self.counter = EndpointCounter()
        self.rates = configure_rates(client, settings)
        self.cache = RecordCache.for_settings(settings)
        self.crossref = CrossrefClient(client, settings, self.counter, self.rates, self.cache)
        self.errors: list[str] = []

    # --- phases ------------------------------------------------------------------------

    def convert_ids(self, cases: list[_Case]) -> None:
        """PMCIDs and printed DOIs without a PMID → ID converter (PMC articles only)."""
        for idtype in ("pmcid", "doi"):
            wanting = [c for c in cases if c.open and not c.ids.pmid and self._idconv_id(c, idtype)]
            if not wanting:
                continue
            ids = [self._idconv_id(c, idtype) or "" for c in wanting]
            outcome = convert_ids(ids, idtype, self.client, self.settings, self.counter, self.cache)
            self.errors.extend(outcome.errors)
            for case, requested in zip(wanting, ids, strict=True):
                found = outcome.converted.get(id_key(requested))
                if found and found.pmid:
                    case.ids.pmid, case.pmid_method = found.pmid, "idconv"

    @staticmethod
    def _idconv_id(case: _Case, idtype: str) -> str | None:
        if idtype == "pmcid":
            return case.ids.pmcid
        printed_doi = case.candidate_doi if case.candidate_doi and not case.ids.jstor else None
        return None if case.ids.pmcid else printed_doi

    def match_citations(self, cases: list[_Case]) -> None:
        """References with no identifier at all but a full citation → ECitMatch."""
        queries = {}
        for case in cases:
            if case.open and not (case.ids.pmid or case.candidate_doi or case.ids.pmcid):
                query = citation_query(str(case.index), case.reference.csl)
                if query is not None:
                    queries[query.key] = (case, query)
        if not queries:
            return
        outcome = match_citations(
            [query for _, query in queries.values()],
            self.client,
            self.settings,
            self.counter,
            self.cache,
        )
        self.errors.extend(outcome.errors)
        for key, (case, _) in queries.items():
            match = outcome.matches.get(key)
            if match and match.pmid:
                case.ids.pmid, case.pmid_method = match.pmid, "ecitmatch"
            elif match:
                case.notes.append(f"ECitMatch: {match.status} {match.detail}".strip())

    def fetch_pubmed(self, cases: list[_Case]) -> None:
        """One batched efetch for every PMID of the run, then verification per reference."""
        wanting = [c for c in cases if c.open and c.ids.pmid]
        if not wanting:
            return
        pmids = [c.ids.pmid or "" for c in wanting]
        outcome = fetch_pubmed_records(pmids, self.client, self.settings, self.counter, self.cache)
        self.errors.extend(outcome.errors)
        for case in wanting:
            pmid = case.ids.pmid or ""
            if pmid in outcome.failures:
                case.result = self.error(case, f"PMID {pmid}: {outcome.failures[pmid]}")
            elif pmid in outcome.records:
                try:
                    self._judge_pubmed(case, outcome.records[pmid])
                except Exception as err:
                    log.debug("PubMed %s", pmid, exc_info=err)
                    reason = f"unresolved: malformed answer from PubMed for {pmid} ({_brief(err)})"
                    case.result = self.error(case, reason)
            else:
                case.notes.append(f"PMID {pmid} is not in PubMed")
                case.ids.pmid = None

    def _judge_pubmed(self, case: _Case, record: PubmedRecord) -> None:
        csl = pubmed_record_to_csl(record)
        verification = verify_candidate(case.reference.csl, csl, self.settings.crossref)
        candidate = _Candidate("pubmed", csl, verification, record=record)
        method = case.pmid_method or "link"
        if verification.verified or self._accept_unverifiable(case, method):
            case.result = self.resolved(case, candidate, method)
            return
        case.refused.append(candidate)
        case.notes.append(f"PubMed {record.pmid} ({method}) refused: {verification.reason()}")
        case.ids.pmid = None

    def _accept_unverifiable(self, case: _Case, method: str) -> bool:
        """An identifier the page itself gives is accepted when nothing is printed to check it."""
        return method in ("link", "idconv", "doi") and not case.reference.csl.title

    def lookup_dois(self, cases: list[_Case]) -> None:
        """DOIs (printed, or JSTOR candidates) without a PubMed record → Crossref /works/{doi}."""
        for case in cases:
            if not case.open or not case.candidate_doi:
                continue
            doi = case.candidate_doi
            try:
                message = self.crossref.work(doi)
                if message is None:
                    case.notes.append(f"DOI {doi} has no Crossref record (404); searched instead")
                    continue
                self._judge_crossref(case, message, "doi")
            except EvidenceMineError as err:
                case.result = self.error(case, f"Crossref DOI {doi}: {err}")
            except Exception as err:
                log.debug("Crossref DOI %s", doi, exc_info=err)
                reason = f"unresolved: malformed answer from Crossref for DOI {doi} ({_brief(err)})"
                case.result = self.error(case, reason)

    def _judge_crossref(self, case: _Case, message: dict[str, Any], method: Method) -> bool:
        try:
            csl = crossref_work_to_csl(message)
        except EvidenceMineError as err:
            case.notes.append(f"unusable Crossref record: {err.reason}")
            return False
        verification = verify_candidate(case.reference.csl, csl, self.settings.crossref)
        candidate = _Candidate("crossref", csl, verification, message=message)
        if verification.verified or (method == "doi" and self._accept_unverifiable(case, method)):
            case.result = self.resolved(case, candidate, method)
            return True
        case.refused.append(candidate)
        if method == "doi":
            case.notes.append(f"Crossref {csl.DOI} refused: {verification.reason()}")
        return False

    def search_crossref(self, cases: list[_Case]) -> None:
        """Whatever is still open → ``query.bibliographic``, accepted only when verified."""
        for case in cases:
            if not case.open:
                continue
            query = _bibliographic_query(case.reference)
            if not query:
                case.result = self.no_match(case, "nothing printed to search with")
                continue
            try:
                items = self.crossref.search(query)
                self._pick_search_hit(case, items)
            except EvidenceMineError as err:
                case.result = self.error(case, f"Crossref search: {err}")
            except Exception as err:
                log.debug("Crossref search", exc_info=err)
                reason = f"unresolved: malformed answer from Crossref search ({_brief(err)})"
                case.result = self.error(case, reason)

    def _pick_search_hit(self, case: _Case, items: list[dict[str, Any]]) -> None:
        judged: list[_Candidate] = []
        for item in items:
            before = len(case.refused)
            if self._judge_crossref(case, item, "crossref-search"):
                return
            judged.extend(case.refused[before:])
        reason = "no Crossref search hit passed verification"
        if not items:
            reason = "Crossref search returned nothing"
        case.result = self.no_match(case, reason)

    # --- outcomes ----------------------------------------------------------------------

    def resolved(self, case: _Case, candidate: _Candidate, method: Method) -> Reference:
        csl, verification = candidate.csl, candidate.verification
        identifiers = Identifiers(pmid=csl.PMID, pmcid=csl.PMCID, doi=csl.DOI, jstor=case.ids.jstor)
        notes = list(case.notes)
        who = registrant(candidate.message) if candidate.message is not None else None
        if who is not None and (csl.DOI or "").startswith("10.2307/"):
            notes.append(
                f"10.2307/ DOI record read from Crossref: publisher {who['publisher']!r}, "
                f"member {who['member']} ({'JSTOR' if who['jstor_registered'] else 'not JSTOR'})"
            )
        if not verification.verified:
            notes.append(f"accepted on the page's identifier, unverified: {verification.reason()}")
        record = candidate.record
        return case.reference.model_copy(
            update={
                "identifiers": identifiers,
                "resolved": csl,
                "abstract": csl.abstract,
                "publication_types": list(record.publication_types) if record else [],
                "mesh_headings": list(record.mesh_headings) if record else [],
                "resolution": Resolution(
                    status="resolved",
                    method=method,
                    source=candidate.source,
                    score=verification.score if case.reference.csl.title else None,
                    verified=verification.verified,
                    resolved_at=self.now,
                    reason="; ".join(notes) or None,
                    registrant=Registrant(
                        publisher=who["publisher"],
                        member=who["member"],
                        jstor_registered=bool(who["jstor_registered"])
                        if who["jstor_registered"] is not None
                        else None,
                    )
                    if who
                    else None,
                ),
                "differences": self._differences(case, csl),
            }
        )

    def _differences(self, case: _Case, csl: CslItem) -> list[Difference]:
        found = list_differences(case.reference.csl, csl)
        printed_doi = case.reference.identifiers.doi or case.reference.csl.DOI
        if printed_doi and csl.DOI and printed_doi.lower() != csl.DOI.lower():
            found.append(Difference(field="DOI", printed=printed_doi, resolved=csl.DOI))
        return found

    def no_match(self, case: _Case, reason: str) -> Reference:
        best = max(case.refused, key=lambda c: c.verification.score, default=None)
        return case.reference.model_copy(
            update={
                "identifiers": Identifiers(jstor=case.ids.jstor),
                "resolution": Resolution(
                    status="no-match",
                    score=best.verification.score if best else None,
                    resolved_at=self.now,
                    reason="; ".join([*case.notes, reason]),
                    best_candidate=_describe(best) if best else None,
                ),
            }
        )

    def error(self, case: _Case, reason: str) -> Reference:
        self.errors.append(f"reference {case.index + 1}: {reason}")
        log.warning("reference %d unresolved: %s", case.index + 1, reason)
        return case.reference.model_copy(
            update={
                "identifiers": case.ids,
                "resolution": Resolution(status="error", resolved_at=self.now, reason=reason),
            }
        )


def _brief(err: BaseException) -> str:
    text = " ".join(str(err).split())[:160]
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _bibliographic_query(reference: Reference) -> str:
    if reference.raw.strip():
        return " ".join(reference.raw.split())
    csl = reference.csl
    parts = [first_family(csl), str(issued_year(csl) or ""), csl.title, csl.container_title]
    return " ".join(part for part in parts if part)


def _describe(candidate: _Candidate) -> dict[str, Any]:
    csl, verification = candidate.csl, candidate.verification
    described: dict[str, Any] = {
        "source": candidate.source,
        "id": csl.id,
        "DOI": csl.DOI,
        "PMID": csl.PMID,
        "title": csl.title,
        "container-title": csl.container_title,
        "year": issued_year(csl),
        "first_author": first_family(csl),
        "score": verification.score,
        "checks": verification.checks,
        "failures": verification.failures,
    }
    if candidate.message is not None:
        described["publisher"] = registrant(candidate.message)["publisher"]
    return described
