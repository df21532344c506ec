"""The pipeline as plain library functions (Prefect flows in ``flows/`` wrap these one to one).

    discover → fetch → load → parse → resolve (one batch per run) → extract → reconcile → write

Errors are per input: a failing page is reported (run report and ``rejected/``) and skipped;
the run goes on, and the last good record of that page is never touched.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from evidencemine.changes import summarise_changes
from evidencemine.documents import LoadContext, load_document, load_path
from evidencemine.documents.model import Document
from evidencemine.enrich import extract_literature, extract_page_facts
from evidencemine.errors import ConfigError, EvidenceMineError, FetchError
from evidencemine.http import HttpClient
from evidencemine.models import ProgrammeRecord
from evidencemine.output import OutputStore
from evidencemine.reconcile import reconcile_record
from evidencemine.settings import Settings, SourceSettings
from evidencemine.sources import parse_document

log = logging.getLogger(__name__)
PAGE_TYPES = ("text/html", "application/xhtml+xml", "application/pdf", "text/plain",
              "text/markdown")
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

    def fail(self, stage: str, err: Exception) -> None:
        self.status, self.stage, self.error = "failed", stage, str(err)


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


# steps ------------------------------------------------------------------------------------


def fetch_document(item: str, client: HttpClient | None, *,
                   source: SourceSettings | None = None, crawl: bool = False) -> Document:
    """Load a local path, or fetch a URL through the HTTP client and load it."""
    if not is_url(item):
        return load_path(item)
    if client is None:
        raise FetchError("offline: URLs cannot be fetched (drop --offline)", source=item)
    result = client.get(item, accept=PAGE_TYPES, crawl=crawl,
                        allowed_hosts=source.allowed_hosts if source else None,
                        expire_after=source.cache_expire_s if source else None,
                        revalidate=not crawl)
    context = LoadContext(url=result.url, media_type=result.media_type,
                          fetched_at=result.fetched_at)
    return load_document(result.content, context)


def parse_page(document: Document, *, kind: str | None = None) -> ProgrammeRecord:
    """Adapter plus the rules over the page's own fields (no network)."""
    return extract_page_facts(parse_document(document, kind=kind))


def resolve_records(records: Sequence[ProgrammeRecord], client: HttpClient,
                    settings: Settings) -> tuple[list[ProgrammeRecord], dict[str, Any]]:
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
    summary = {"references": len(flat), "resolved": done, "requests": report.requests,
               "errors": report.errors}
    return out, summary


def extract_and_reconcile(records: Sequence[ProgrammeRecord]) -> list[ProgrammeRecord]:
    """Rules over the resolved abstracts, then page-vs-literature reconciliation."""
    return [reconcile_record(r) for r in extract_literature(list(records))]


# a run ------------------------------------------------------------------------------------


@dataclass(slots=True)
class RunOptions:
    kind: str | None = None
    offline: bool = False
    only_changed: bool = False
    crawl: bool = False
    mode: str = "ingest"


class Run:
    """One run over a list of inputs (paths or URLs), writing to the output store."""

    def __init__(self, settings: Settings, options: RunOptions, *,
                 client: HttpClient | None = None, progress: Progress | None = None) -> None:
        self.settings = settings
        self.options = options
        self.store = OutputStore(settings.output.dir)
        self.client = client
        self.progress = progress or (lambda message: None)
        self.run_id = new_run_id()
        self.started_at = datetime.now(UTC)
        self.outcomes: list[PageOutcome] = []
        self.resolution: dict[str, Any] = {}
        self.discovered = 0
        self.discovery_errors: list[dict[str, Any]] = []
        self.previous_sha = self._previous_hashes()

    def _previous_hashes(self) -> dict[str, str]:
        """URL → content hash of the current records (for skipping unchanged pages)."""
        hashes: dict[str, str] = {}
        for path in self.store.record_files():
            try:
                record = ProgrammeRecord.model_validate_json(path.read_text("utf-8"))
            except ValueError:
                continue
            if record.source.url:
                hashes[record.source.url] = record.source.content_sha256
        return hashes

    def load_and_parse(self, item: str, source: SourceSettings | None = None) -> PageOutcome:
        outcome = PageOutcome(item)
        self.outcomes.append(outcome)
        try:
            document = fetch_document(item, self.client, source=source, crawl=self.options.crawl)
        except FetchError as err:
            self._fetch_failed(outcome, err)
            return outcome
        except EvidenceMineError as err:
            outcome.fail("load", err)
            return outcome
        url = document.url or ""
        if self.options.only_changed and self.previous_sha.get(url) == document.content_sha256:
            outcome.status = "unchanged"
            return outcome
        try:
            record = parse_page(document, kind=self.options.kind)
        except EvidenceMineError as err:
            outcome.fail("parse", err)
            return outcome
        previous = self.store.read_record(record.id)
        outcome.record, outcome.record_id, outcome.status = record, record.id, "parsed"
        if not previous or previous.source.content_sha256 != record.source.content_sha256:
            outcome.changes = summarise_changes(previous, record)
        return outcome

    def _fetch_failed(self, outcome: PageOutcome, err: FetchError) -> None:
        if err.status in (404, 410):
            withdrawn = self._withdraw(outcome.input)
            if withdrawn:
                outcome.status, outcome.record_id = "withdrawn", withdrawn
                outcome.changes = [f"withdrawn (HTTP {err.status})"]
                return
        outcome.fail("fetch", err)

    def _withdraw(self, url: str) -> str | None:
        for path in self.store.record_files():
            record = ProgrammeRecord.model_validate_json(path.read_text("utf-8"))
            if record.source.url == url and record.source.status != "withdrawn":
                record.source.status = "withdrawn"
                record.source.withdrawn_at = datetime.now(UTC).date().isoformat()
                self.store.write_record(record)
                return record.id
        return None

    def resolve_and_extract(self) -> None:
        parsed = [o for o in self.outcomes if o.status == "parsed" and o.record]
        records = [o.record for o in parsed if o.record]
        if records and self.client is not None and not self.options.offline:
            self.progress(f"resolving references of {len(records)} programme(s)")
            try:
                records, self.resolution = resolve_records(records, self.client, self.settings)
            except EvidenceMineError as err:
                self.resolution = {"errors": [str(err)]}
        records = extract_and_reconcile(records)
        for outcome, record in zip(parsed, records, strict=True):
            outcome.record = record

    def write(self) -> None:
        for outcome in self.outcomes:
            if outcome.status == "parsed" and outcome.record:
                try:
                    self.store.write_record(outcome.record)
                    self.store.clear_rejection(outcome.input)
                    outcome.status = "written"
                except EvidenceMineError as err:
                    outcome.fail("write", err)
            if outcome.status == "failed":
                log.warning("%s failed at %s: %s", outcome.input, outcome.stage, outcome.error)
                self.store.reject(outcome.input, outcome.error or "", stage=outcome.stage or "",
                                  run_id=self.run_id)
        self.store.rebuild_indexes()

    def report(self) -> dict[str, Any]:
        return build_report(self)

    def finish(self) -> dict[str, Any]:
        report = self.report()
        self.store.write_run_report(self.run_id, report)
        return report


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


def build_report(run: Run) -> dict[str, Any]:
    outcomes = run.outcomes
    records = [o.record for o in outcomes if o.record and o.status == "written"]
    return {
        "run_id": run.run_id,
        "mode": run.options.mode,
        "started_at": run.started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "output_dir": str(Path(run.settings.output.dir)),
        "counts": {
            "discovered": run.discovered or len(outcomes),
            "fetched": sum(1 for o in outcomes if o.stage not in ("fetch", "load")),
            "unchanged": _count(outcomes, "unchanged"),
            "parsed": _count(outcomes, "written", "parsed", "unchanged"),
            "written": _count(outcomes, "written"),
            "withdrawn": _count(outcomes, "withdrawn"),
            "failed": _count(outcomes, "failed"),
            "resolved": run.resolution.get("resolved", 0),
        },
        "programmes": [
            {"input": o.input, "id": o.record_id, "status": o.status, "changes": o.changes}
            for o in outcomes
        ],
        "errors": [
            {"input": o.input, "stage": o.stage, "reason": o.error}
            for o in outcomes if o.status == "failed"
        ] + [{"input": None, "stage": "resolve", "reason": e}
             for e in run.resolution.get("errors", [])] + run.discovery_errors,
        "resolution": {k: v for k, v in run.resolution.items() if k != "errors"},
        "coverage": _coverage(records),
        "http": run.client.stats.as_dict() if run.client else None,
    }


def ingest(inputs: Sequence[str], settings: Settings, options: RunOptions | None = None, *,
           client: HttpClient | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """The full pipeline for the given paths/URLs (manual re-ingestion). Returns the report."""
    options = options or RunOptions()
    own_client = client is None and not options.offline and any(map(is_url, inputs))
    if own_client or (client is None and not options.offline):
        client = HttpClient(settings)
    run = Run(settings, options, client=None if options.offline else client, progress=progress)
    try:
        for number, item in enumerate(inputs, start=1):
            outcome = run.load_and_parse(item)
            run.progress(f"[{number}/{len(inputs)}] {item}: {outcome.status}"
                         + (f" ({outcome.error})" if outcome.error else ""))
        run.resolve_and_extract()
        run.write()
        return run.finish()
    finally:
        if client is not None:
            client.close()


def discover_sources(run: Run, client: HttpClient, source_names: Sequence[str] | None,
                     limit: int | None) -> list[tuple[str, SourceSettings]]:
    """Programme URLs of every configured (or named) source, each with its source settings."""
    from evidencemine.discovery import discover_programme_urls

    found: list[tuple[str, SourceSettings]] = []
    for name, source in run.settings.sources.items():
        if source_names and name not in source_names:
            continue
        for host in source.allowed_hosts:
            client.set_host_rate(host, source.requests_per_second)
        try:
            urls = discover_programme_urls(client, source)
        except EvidenceMineError as err:
            run.discovery_errors.append({"input": source.index_url, "stage": "discover",
                                         "reason": str(err)})
            continue
        found.extend((url, source) for url in urls[:limit])
        run.progress(f"{name}: {len(urls)} programme page(s) discovered")
    run.discovered = len(found)
    return found


def crawl(settings: Settings, *, source_names: Sequence[str] | None = None,
          limit: int | None = None, only_changed: bool = True,
          progress: Progress | None = None, client: HttpClient | None = None) -> dict[str, Any]:
    """A scheduled run: discover every configured source, fetch, and ingest what changed."""
    unknown = [n for n in source_names or [] if n not in settings.sources]
    if unknown:
        raise ConfigError(f"unknown source(s): {', '.join(unknown)} "
                          f"(configured: {', '.join(settings.sources)})")
    own = client is None
    client = client or HttpClient(settings)
    options = RunOptions(only_changed=only_changed, crawl=True, mode="run")
    run = Run(settings, options, client=client, progress=progress)
    try:
        pages = discover_sources(run, client, source_names, limit)
        for number, (url, source) in enumerate(pages, start=1):
            outcome = run.load_and_parse(url, source)
            run.progress(f"[{number}/{len(pages)}] {url}: {outcome.status}"
                         + (f" ({outcome.error})" if outcome.error else ""))
        run.resolve_and_extract()
        run.write()
        return run.finish()
    finally:
        if own:
            client.close()
