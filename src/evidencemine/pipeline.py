"""The pipeline as plain library functions (Prefect flows in ``flows/`` wrap these one to one).

    discover → fetch → load → parse → resolve (one batch per run) → extract → reconcile → write

Errors are per input: a failing page is reported (run report and ``rejected/``) and skipped;
the run goes on, and the last good record of that page is never touched.
"""

from __future__ import annotations

import logging
import re
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
from evidencemine.sources.chrome import Boilerplate

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

    def fail(self, stage: str, err: BaseException) -> None:
        self.status, self.stage, self.error = "failed", stage, describe_error(err)
        self.transient = is_transient(err)


def describe_error(err: BaseException) -> str:
    """One line for any exception: the library's own message, else the type and the message
    (the traceback goes to the log at debug level, never to the report or the terminal)."""
    if isinstance(err, EvidenceMineError):
        return " ".join(str(err).split())
    log.debug("unexpected error", exc_info=err)
    text = " ".join(str(err).split())[:300]
    if isinstance(err, MemoryError):
        return "out of memory while processing this input"
    if isinstance(err, RecursionError):
        return "input nested too deeply to process"
    return f"unexpected error: {type(err).__name__}" + (f": {text}" if text else "")


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
    settings: Settings | None = None,
) -> Document:
    """Load a local path, or fetch a URL through the HTTP client and load it, under the caps
    of ``settings`` (``limits.*``; by default the client's, else the defaults) and ``pdf``."""
    settings = settings or (client.settings if client is not None else Settings())
    pdf = pdf or settings.pdf
    base = replace(
        LoadContext.from_settings(settings),
        pdf_max_pages=pdf.max_pages,
        pdf_max_bytes=pdf.max_bytes,
        pdf_max_stream_bytes=pdf.max_stream_bytes,
        pdf_max_objects_per_page=pdf.max_objects_per_page,
        pdf_page_time_s=pdf.page_time_s,
    )
    if not is_url(item):
        return load_path(item, context=base, max_bytes=settings.limits.file_max_bytes)
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
    context = replace(
        base, url=result.url, media_type=result.media_type, fetched_at=result.fetched_at
    )
    document = load_document(result.content, context)
    if result.redirects and result.redirects[0] != document.url:
        # an old address (EIF) that now redirects (to Foundations): kept as the record's alias
        document.meta["redirected_from"] = result.redirects[0]
    return document


def parse_page(
    document: Document,
    *,
    kind: str | None = None,
    nlp: NlpSettings | None = None,
    prefer: str | None = None,
    boilerplate: frozenset[str] = frozenset(),
) -> ProgrammeRecord:
    """Adapter plus the rules over the page's own fields (no network). ``prefer`` is the
    source's configured kind; ``boilerplate`` the site's repeated lines learnt in this run."""
    record = parse_document(document, kind=kind, prefer=prefer, boilerplate=boilerplate)
    return extract_page_facts(record, nlp)


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
    owners: list[str] = []  # the input (URL, else record id) of each flat reference
    for record in records:
        record = record.model_copy(deep=True)
        for study in record.studies:
            study.references = [next(resolved) for _ in study.references]
            owners += [record.source.url or record.id] * len(study.references)
        out.append(record)
    done = sum(1 for ref in report.references if ref.resolution.status == "resolved")
    summary = {
        "references": len(flat),
        "resolved": done,
        "requests": report.requests,
        "cache_hits": report.cache_hits,
        "errors": [_resolution_error(e, owners) for e in report.errors],
    }
    return out, summary


def _resolution_error(error: str, owners: list[str]) -> dict[str, Any]:
    """A resolution error with its input: the page of the reference ("reference N: ..."),
    else the batch it came from."""
    match = re.match(r"reference (\d+): ", error)
    if match and 0 < int(match[1]) <= len(owners):
        return {"input": owners[int(match[1]) - 1], "stage": "resolve", "reason": error}
    return {"input": "references of this run (one batch)", "stage": "resolve", "reason": error}


def extract_and_reconcile(
    records: Sequence[ProgrammeRecord], nlp: NlpSettings | None = None
) -> list[ProgrammeRecord]:
    """Rules over the resolved abstracts, then page-vs-literature reconciliation.

    One batch for all records; when the batch fails, each record is tried alone, and a record
    that still fails keeps its page facts without the literature's (logged, never the run)."""
    try:
        return [reconcile_record(r) for r in extract_literature(list(records), nlp)]
    except Exception as err:
        log.warning("extraction over the batch failed (%s); per record", describe_error(err))
    out: list[ProgrammeRecord] = []
    for record in records:
        try:
            out.append(reconcile_record(extract_literature([record], nlp)[0]))
        except Exception as err:
            log.warning("%s: literature not extracted: %s", record.id, describe_error(err))
            out.append(record)
    return out


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
    index_error: str | None = None
    boilerplate: Boilerplate = field(default_factory=Boilerplate)

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
        except (OSError, ValueError):  # damaged: quarantined by the store on the next write
            continue
        if record.source.url:
            hashes[record.source.url] = record.source.content_sha256
    return hashes


def withdraw_record(store: OutputStore, url: str, status: int) -> str | None:
    """Mark the current record of ``url`` withdrawn (404/410); never delete it."""
    for path in store.record_files():
        try:
            record = ProgrammeRecord.model_validate_json(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
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
        document = fetch_document(
            item,
            client,
            source=source,
            crawl=options.crawl,
            pdf=options.pdf,
            settings=state.settings,
        )
    except FetchError as err:
        try:
            withdrawn = (
                withdraw_record(store, item, err.status) if err.status in (404, 410) else None
            )
        except Exception as write_err:
            log.warning("%s: not marked withdrawn: %s", item, describe_error(write_err))
            withdrawn = None
        if withdrawn and err.status:
            outcome.status, outcome.record_id = "withdrawn", withdrawn
            outcome.changes = [f"withdrawn (HTTP {err.status})"]
        else:
            outcome.fail("fetch", err)
        return outcome
    except Exception as err:  # one bad input never loses the run
        outcome.fail("load", err)
        return outcome
    if options.only_changed and known.get(document.url or "") == document.content_sha256:
        outcome.status = "unchanged"
        return outcome
    try:
        # per-host boilerplate is learnt and reported, not applied: what a page's record says
        # must not depend on which pages of its site were parsed before it (threads, Dask)
        state.boilerplate.add(document.url, document)
        record = parse_page(
            document,
            kind=options.kind,
            nlp=options.nlp,
            prefer=source.kind if source and source.kind != "auto" else None,
        )
    except Exception as err:
        outcome.fail("parse", err)
        return outcome
    outcome.record, outcome.record_id, outcome.status = record, record.id, "parsed"
    try:
        previous = store.read_record(record.id)
        if not previous or previous.source.content_sha256 != record.source.content_sha256:
            outcome.changes = summarise_changes(previous, record)
    except Exception as err:  # a change summary is a nicety: never fail the page for it
        log.warning("%s: changes not summarised: %s", item, describe_error(err))
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
        return _guarded_fetch(pair[0], client, state, known, pair[1])

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
    except Exception as err:  # the records are still written, unresolved
        reason = describe_error(err)
        batch = "references of this run (one batch)"
        state.resolution = {"errors": [{"input": batch, "stage": "resolve", "reason": reason}]}
    return records


def write_outcomes(state: RunState) -> None:
    """Write every parsed record (validated, atomic); reject failures; rebuild the indexes."""
    store = state.store
    for outcome in state.outcomes:
        if outcome.status == "parsed" and outcome.record:
            try:
                wanted = outcome.record.id
                store.write_record(outcome.record, claimed_by=outcome.input)
                if outcome.record.id != wanted:
                    outcome.changes.append(f"id {wanted} is another input's: written as new id")
                outcome.record_id = outcome.record.id
                store.clear_rejection(outcome.input)
                outcome.status = "written"
            except Exception as err:
                outcome.fail("write", err)
        if outcome.status == "failed":
            log.warning(
                "%s failed at %s: %s",
                outcome.input,
                outcome.stage,
                outcome.error,
                extra={"in_run_report": True},  # the CLI prints it once, from the report
            )
            try:
                store.reject(
                    outcome.input,
                    outcome.error or "",
                    stage=outcome.stage or "",
                    run_id=state.run_id,
                )
            except Exception as err:
                log.warning("%s: rejection not written: %s", outcome.input, describe_error(err))
    try:
        store.rebuild_indexes()
    except Exception as err:
        state.index_error = describe_error(err)
        log.warning("indexes not rebuilt: %s", state.index_error)


def report_failed(report: dict[str, Any]) -> bool:
    """Whether a run report means exit status 1: an item failed, an error was reported
    (resolution, discovery, the index), or the run reached no page at all."""
    counts = report["counts"]
    reached = counts["written"] + counts["unchanged"] + counts["withdrawn"] + counts["parsed"]
    return bool(counts["failed"] or report["errors"] or not reached)


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


def _warning_counts(records: list[ProgrammeRecord]) -> dict[str, Any]:
    """Record warnings of the run: total, by code, and how many records carry any."""
    by_code: dict[str, int] = {}
    for record in records:
        for warning in record.warnings:
            by_code[warning.code] = by_code.get(warning.code, 0) + 1
    return {
        "total": sum(by_code.values()),
        "records": sum(1 for r in records if r.warnings),
        "by_code": dict(sorted(by_code.items())),
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
        e if isinstance(e, dict) else {"input": "references", "stage": "resolve", "reason": e}
        for e in state.resolution.get("errors", [])
    ]
    if state.index_error:
        errors.append({"input": "index.json", "stage": "write", "reason": state.index_error})
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
        "warnings": _warning_counts(records),
        "boilerplate": state.boilerplate.report(),
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
        try:
            found = discover(client, source)
        except Exception as err:  # one source's failure is reported; the others go on
            where = source.index_url or source.sitemap_url or name
            reason = describe_error(err)
            state.discovery_errors.append({"input": where, "stage": "discover", "reason": reason})
            continue
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
    if progress:  # the reason of a failure is printed once, in the summary's error lines
        progress(f"[{number}/{total}] {terminal_safe(outcome.input)}: {outcome.status}")


def terminal_safe(text: object) -> str:
    """``text`` with control characters (escape sequences, bidi overrides) shown escaped."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in str(text)
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
    state = start_run(settings, options)
    with state.store.lock():
        own = client is None and not options.offline
        if own:
            client = HttpClient(settings)
        active = None if options.offline else client
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


def _guarded_fetch(
    item: str,
    client: HttpClient | None,
    state: RunState,
    known: dict[str, str],
    source: SourceSettings | None = None,
) -> PageOutcome:
    """:func:`fetch_and_parse`, with anything it still lets out made the item's failure."""
    try:
        return fetch_and_parse(item, client, state, known, source)
    except Exception as err:
        outcome = PageOutcome(item)
        outcome.fail("fetch", err)
        return outcome


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
    if limit is not None and limit < 0:
        raise ConfigError(f"--limit must be 0 or more, not {limit}")
    state = start_run(settings, RunOptions(only_changed=only_changed, crawl=True, mode="run"))
    with state.store.lock():
        own = client is None
        client = client or HttpClient(settings)
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
