"""The pipeline as plain library functions (Prefect flows in ``flows/`` wrap these one to one).

    discover → fetch → load → parse → resolve (one batch per run) → extract → reconcile → write

Errors are per input: a failing page is reported (run report and ``rejected/``) and skipped;
the run goes on, and the last good record of that page is never touched.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from evidencemine.changes import summarise_changes
from evidencemine.documents import LoadContext, load_document, load_path
from evidencemine.documents.model import Document
from evidencemine.enrich import extract_literature, extract_page_facts
from evidencemine.errors import ConfigError, EvidenceMineError, FetchError, is_transient
from evidencemine.http import HttpClient
from evidencemine.models import ProgrammeRecord
from evidencemine.nlp.patterns import cached_rules
from evidencemine.output import OutputStore
from evidencemine.reconcile import reconcile_record
from evidencemine.settings import (
    NlpSettings,
    PdfSettings,
    Settings,
    SourceSettings,
)
from evidencemine.sources import parse_document

log = logging.getLogger(__name__)
PAGE_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "application/pdf",
    "text/plain",
    "text/markdown",
)
Status = Literal["pending", "parsed", "unchanged", "written", "withdrawn", "failed"]
Progress = Callable[[str], None]


@dataclass(slots=True)
class PageOutcome:
    """One input's way through a run."""

    input: str
    status: Status = "pending"
    record: ProgrammeRecord | None = None
    record_id: str | None = None
    stage: str | None = None
    error: str | None = None
    changes: list[str] = field(default_factory=list)
    transient: bool = False
    """True when the failure may go away on a later try (connection errors, 429, 5xx)."""

    def fail(self, stage: str, err: Exception) -> None:
        self.status, self.stage, self.error = "failed", stage, str(err)
        self.transient = is_transient(err)


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


# steps ------------------------------------------------------------------------------------


def fetch_document(
    item: str,
    client: HttpClient | None,
    *,
    source: SourceSettings | None = None,
    crawl: bool = False,
    pdf: PdfSettings | None = None,
) -> Document:
    """Load a local path, or fetch a URL through the HTTP client and load it."""
    pdf = pdf or PdfSettings()
    if not is_url(item):
        return load_path(item, pdf_max_pages=pdf.max_pages, pdf_max_bytes=pdf.max_bytes)
    if client is None:
        raise FetchError("offline: URLs cannot be fetched (drop --offline)", source=item)
    result = client.get(
        item,
        accept=PAGE_TYPES,
        crawl=crawl,
        allowed_hosts=source.allowed_hosts if source else None,
        expire_after=source.cache_expire_s if source else None,
        revalidate=not crawl,
    )
    context = LoadContext(
        url=result.url,
        media_type=result.media_type,
        fetched_at=result.fetched_at,
        pdf_max_pages=pdf.max_pages,
        pdf_max_bytes=pdf.max_bytes,
    )
    return load_document(result.content, context)


def parse_page(
    document: Document, *, kind: str | None = None, nlp: NlpSettings | None = None
) -> ProgrammeRecord:
    """Adapter plus the rules over the page's own fields (no network)."""
    return extract_page_facts(parse_document(document, kind=kind), nlp)


def resolve_records(
    records: Sequence[ProgrammeRecord], client: HttpClient, settings: Settings
) -> tuple[list[ProgrammeRecord], dict[str, Any]]:
    """Resolve every reference of every record in one batched call."""
    from evidencemine.resolvers import resolve_references

    flat = [ref for record in records for study in record.studies for ref in study.references]
    if not flat:
        return list(records), {"references": 0, "resolved": 0, "requests": {}, "errors": []}
    report = resolve_references(flat, client, settings)
    resolved = iter(report.references)
    out: list[ProgrammeRecord] = []
    for record in records:
        record = record.model_copy(deep=True)
        for study in record.studies:
            study.references = [next(resolved) for _ in study.references]
        out.append(record)
    done = sum(1 for ref in report.references if ref.resolution.status == "resolved")
    summary = {
        "references": len(flat),
        "resolved": done,
        "requests": report.requests,
        "cache_hits": report.cache_hits,
        "errors": report.errors,
    }
    return out, summary


def extract_and_reconcile(
    records: Sequence[ProgrammeRecord], nlp: NlpSettings | None = None
) -> list[ProgrammeRecord]:
    """Rules over the resolved abstracts, then page-vs-literature reconciliation."""
    return [reconcile_record(r) for r in extract_literature(list(records), nlp)]


# a run ------------------------------------------------------------------------------------


@dataclass(slots=True)
class RunOptions:
    kind: str | None = None
    offline: bool = False
    only_changed: bool = False
    crawl: bool = False
    mode: str = "ingest"
    pdf: PdfSettings = field(default_factory=PdfSettings)
    nlp: NlpSettings = field(default_factory=NlpSettings)


@dataclass(slots=True)
class RunState:
    """Bookkeeping of one run (plain data: counts, outcomes, errors)."""

    settings: Settings
    options: RunOptions
    run_id: str = field(default_factory=new_run_id)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    outcomes: list[PageOutcome] = field(default_factory=list)
    resolution: dict[str, Any] = field(default_factory=dict)
    discovered: int = 0
    discovery_errors: list[dict[str, Any]] = field(default_factory=list)
    http_stats: dict[str, Any] | None = None

    @property
    def store(self) -> OutputStore:
        return OutputStore(self.settings.output.dir)


@contextmanager
def run_client(settings: Settings, *, offline: bool = False) -> Iterator[HttpClient | None]:
    """The HTTP client of one run (its cache, rate limits and URL policy), closed when the run
    ends; ``None`` offline. Flows open it here rather than reaching into the network layer."""
    if offline:
        yield None
        return
    with HttpClient(settings) as client:
        yield client


def start_run(settings: Settings, options: RunOptions) -> RunState:
    """A new run; the options take the PDF caps and the NLP settings from the settings.

    The extraction rules are loaded here (once per process), so a missing folder or a bad rule
    stops the run with a :class:`ConfigError` before any page.
    """
    cached_rules(str(settings.nlp.rules_dir().resolve()))
    options = replace(options, pdf=settings.pdf, nlp=settings.nlp)
    return RunState(settings=settings, options=options)


def previous_hashes(store: OutputStore) -> dict[str, str]:
    """URL → content hash of the current records (to skip unchanged pages)."""
    hashes: dict[str, str] = {}
    for path in store.record_files():
        try:
            record = ProgrammeRecord.model_validate_json(path.read_text("utf-8"))
        except ValueError:
            continue
        if record.source.url:
            hashes[record.source.url] = record.source.content_sha256
    return hashes


def withdraw_record(store: OutputStore, url: str, status: int) -> str | None:
    """Mark the current record of ``url`` withdrawn (404/410); never delete it."""
    for path in store.record_files():
        record = ProgrammeRecord.model_validate_json(path.read_text("utf-8"))
        if record.source.url == url and record.source.status != "withdrawn":
            record.source.status = "withdrawn"
            record.source.withdrawn_at = datetime.now(UTC).date().isoformat()
            store.write_record(record)
            log.info("%s answered %d: record %s marked withdrawn", url, status, record.id)
            return record.id
    return None


def fetch_and_parse(
    item: str,
    client: HttpClient | None,
    state: RunState,
    known: dict[str, str],
    source: SourceSettings | None = None,
) -> PageOutcome:
    """Fetch (or read) one input, skip it when unchanged, parse it, under the run's options
    (as :func:`start_run` set them). Never raises for the input's own faults: they are
    recorded on the returned outcome."""
    options, store = state.options, state.store
    outcome = PageOutcome(item)
    try:
        document = fetch_document(item, client, source=source, crawl=options.crawl, pdf=options.pdf)
    except FetchError as err:
        withdrawn = withdraw_record(store, item, err.status) if err.status in (404, 410) else None
        if withdrawn and err.status:
            outcome.status, outcome.record_id = "withdrawn", withdrawn
            outcome.changes = [f"withdrawn (HTTP {err.status})"]
        else:
            outcome.fail("fetch", err)
        return outcome
    except EvidenceMineError as err:
        outcome.fail("load", err)
        return outcome
    if options.only_changed and known.get(document.url or "") == document.content_sha256:
        outcome.status = "unchanged"
        return outcome
    try:
        record = parse_page(document, kind=options.kind, nlp=options.nlp)
    except EvidenceMineError as err:
        outcome.fail("parse", err)
        return outcome
    previous = store.read_record(record.id)
    outcome.record, outcome.record_id, outcome.status = record, record.id, "parsed"
    if not previous or previous.source.content_sha256 != record.source.content_sha256:
        outcome.changes = summarise_changes(previous, record)
    return outcome


def fetch_and_parse_many(
    items: Sequence[str],
    client: HttpClient | None,
    state: RunState,
    known: dict[str, str],
    sources: Sequence[SourceSettings | None] | None = None,
    *,
    max_workers: int = 1,
    progress: Progress | None = None,
) -> list[PageOutcome]:
    """:func:`fetch_and_parse` for every item, ``max_workers`` at a time (the threads share
    the client's cache and per-host rate limits). Outcomes come in input order; a failing item
    fails only its own outcome."""
    chosen = list(sources) if sources is not None else [None] * len(items)
    pairs = list(zip(items, chosen, strict=True))

    def one(pair: tuple[str, SourceSettings | None]) -> PageOutcome:
        return fetch_and_parse(pair[0], client, state, known, pair[1])

    outcomes: list[PageOutcome] = []
    workers = min(max_workers, len(pairs))
    if workers <= 1:
        results: Iterator[PageOutcome] = map(one, pairs)
        for number, outcome in enumerate(results, start=1):
            outcomes.append(outcome)
            _step(progress, number, len(pairs), outcome)
        return outcomes
    with ThreadPoolExecutor(workers, thread_name_prefix="evidencemine-fetch") as pool:
        for number, outcome in enumerate(pool.map(one, pairs), start=1):
            outcomes.append(outcome)
            _step(progress, number, len(pairs), outcome)
    return outcomes


def parsed_records(outcomes: Sequence[PageOutcome]) -> list[ProgrammeRecord]:
    return [o.record for o in outcomes if o.status == "parsed" and o.record]


def replace_records(outcomes: Sequence[PageOutcome], records: Sequence[ProgrammeRecord]) -> None:
    """Put processed records back on their outcomes (same order as :func:`parsed_records`)."""
    targets = [o for o in outcomes if o.status == "parsed" and o.record]
    for outcome, record in zip(targets, records, strict=True):
        outcome.record = record


def resolve_run(state: RunState, client: HttpClient | None) -> list[ProgrammeRecord]:
    """One batched resolution for every reference of the run (skipped offline)."""
    records = parsed_records(state.outcomes)
    if not records or client is None or state.options.offline:
        return records
    try:
        records, state.resolution = resolve_records(records, client, state.settings)
    except EvidenceMineError as err:
        state.resolution = {"errors": [str(err)]}
    return records


def write_outcomes(state: RunState) -> None:
    """Write every parsed record (validated, atomic); reject failures; rebuild the indexes."""
    store = state.store
    for outcome in state.outcomes:
        if outcome.status == "parsed" and outcome.record:
            try:
                store.write_record(outcome.record)
                store.clear_rejection(outcome.input)
                outcome.status = "written"
            except EvidenceMineError as err:
                outcome.fail("write", err)
        if outcome.status == "failed":
            log.warning("%s failed at %s: %s", outcome.input, outcome.stage, outcome.error)
            store.reject(
                outcome.input, outcome.error or "", stage=outcome.stage or "", run_id=state.run_id
            )
    store.rebuild_indexes()


def _count(outcomes: list[PageOutcome], *statuses: str) -> int:
    return sum(1 for o in outcomes if o.status in statuses)


def _coverage(records: list[ProgrammeRecord]) -> dict[str, Any]:
    studies = [s for r in records for s in r.studies]
    refs = [ref for s in studies for ref in s.references]
    return {
        "studies": len(studies),
        "with_design": sum(1 for s in studies if s.design),
        "with_sample_size": sum(1 for s in studies if s.sample and s.sample.size),
        "with_countries": sum(1 for s in studies if s.countries),
        "with_conflicts": sum(1 for s in studies if s.conflicts),
        "references": len(refs),
        "references_resolved": sum(1 for r in refs if r.resolution.status == "resolved"),
        "references_with_abstract": sum(1 for r in refs if r.abstract),
    }


def build_report(state: RunState) -> dict[str, Any]:
    """The run report (``output/runs/<run-id>.json``)."""
    outcomes = state.outcomes
    records = [o.record for o in outcomes if o.record and o.status == "written"]
    errors = [
        {"input": o.input, "stage": o.stage, "reason": o.error}
        for o in outcomes
        if o.status == "failed"
    ]
    errors += [
        {"input": None, "stage": "resolve", "reason": e} for e in state.resolution.get("errors", [])
    ]
    return {
        "run_id": state.run_id,
        "mode": state.options.mode,
        "started_at": state.started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "output_dir": str(Path(state.settings.output.dir)),
        "counts": {
            "discovered": state.discovered or len(outcomes),
            "fetched": sum(1 for o in outcomes if o.stage not in ("fetch", "load")),
            "unchanged": _count(outcomes, "unchanged"),
            "parsed": _count(outcomes, "written", "parsed"),
            "written": _count(outcomes, "written"),
            "withdrawn": _count(outcomes, "withdrawn"),
            "failed": _count(outcomes, "failed"),
            "resolved": state.resolution.get("resolved", 0),
        },
        "programmes": [
            {"input": o.input, "id": o.record_id, "status": o.status, "changes": o.changes}
            for o in outcomes
        ],
        "errors": errors + state.discovery_errors,
        "resolution": {k: v for k, v in state.resolution.items() if k != "errors"},
        "coverage": _coverage(records),
        "http": state.http_stats,
    }


def finish_run(state: RunState, client: HttpClient | None = None) -> dict[str, Any]:
    """Write the run report and return it."""
    if client is not None:
        state.http_stats = client.stats.as_dict()
    report = build_report(state)
    state.store.write_run_report(state.run_id, report)
    return report


def discover_pages(
    state: RunState,
    client: HttpClient,
    source_names: Sequence[str] | None,
    limit: int | None,
    progress: Progress | None = None,
) -> list[tuple[str, str]]:
    """(URL, source name) of every programme page of the configured (or named) sources."""
    from evidencemine.discovery import discover

    unknown = [n for n in source_names or [] if n not in state.settings.sources]
    if unknown:
        raise ConfigError(
            f"unknown source(s): {', '.join(unknown)} "
            f"(configured: {', '.join(state.settings.sources)})"
        )
    pages: list[tuple[str, str]] = []
    for name, source in state.settings.sources.items():
        if source_names and name not in source_names:
            continue
        for host in source.allowed_hosts:
            client.set_host_rate(host, source.requests_per_second)
        found = discover(client, source)
        state.discovery_errors += [
            {"input": url, "stage": "discover", "reason": reason} for url, reason in found.errors
        ]
        state.discovery_errors += [
            {"input": url, "stage": "robots", "reason": reason} for url, reason in found.refused
        ]
        pages.extend((url, name) for url in found.urls[:limit])
        if progress:
            progress(f"{name}: {len(found.urls)} programme page(s) discovered")
    state.discovered = len(pages)
    return pages


def _step(progress: Progress | None, number: int, total: int, outcome: PageOutcome) -> None:
    if progress:
        progress(
            f"[{number}/{total}] {outcome.input}: {outcome.status}"
            + (f" ({outcome.error})" if outcome.error else "")
        )


def _finish_pages(
    state: RunState, client: HttpClient | None, progress: Progress | None
) -> dict[str, Any]:
    if progress and parsed_records(state.outcomes) and client and not state.options.offline:
        progress(f"resolving references of {len(parsed_records(state.outcomes))} programme(s)")
    records = resolve_run(state, client)
    replace_records(state.outcomes, extract_and_reconcile(records, state.options.nlp))
    write_outcomes(state)
    return finish_run(state, client)


def ingest(
    inputs: Sequence[str],
    settings: Settings,
    options: RunOptions | None = None,
    *,
    client: HttpClient | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The full pipeline for the given paths/URLs (manual re-ingestion). Returns the report."""
    options = options or RunOptions()
    own = client is None and not options.offline
    if own:
        client = HttpClient(settings)
    active = None if options.offline else client
    state = start_run(settings, options)
    known = previous_hashes(state.store)
    try:
        state.outcomes.extend(
            fetch_and_parse_many(
                inputs,
                active,
                state,
                known,
                max_workers=settings.runner.max_workers,
                progress=progress,
            )
        )
        return _finish_pages(state, active, progress)
    finally:
        if own and client is not None:
            client.close()


def crawl(
    settings: Settings,
    *,
    source_names: Sequence[str] | None = None,
    limit: int | None = None,
    only_changed: bool = True,
    progress: Progress | None = None,
    client: HttpClient | None = None,
) -> dict[str, Any]:
    """A scheduled run: discover every configured source, fetch, and ingest what changed."""
    own = client is None
    client = client or HttpClient(settings)
    state = start_run(settings, RunOptions(only_changed=only_changed, crawl=True, mode="run"))
    known = previous_hashes(state.store)
    try:
        pages = discover_pages(state, client, source_names, limit, progress)
        state.outcomes.extend(
            fetch_and_parse_many(
                [url for url, _ in pages],
                client,
                state,
                known,
                [settings.sources[name] for _, name in pages],
                max_workers=settings.runner.max_workers,
                progress=progress,
            )
        )
        return _finish_pages(state, client, progress)
    finally:
        if own:
            client.close()
