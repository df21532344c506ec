"""The guidebook pipeline flow: discover → fetch → parse → resolve → extract → write → report.

Each task wraps one function of :mod:`evidencemine.pipeline`; with the decorators taken off
this is the library's ``crawl()``. Fetching runs per chunk of pages (``runner.chunk_size``)
on ``runner.max_workers`` threads in the flow's process (the HTTP client's rate limits and
cache are shared); resolution is one batch for the whole run; extraction runs per chunk of
records on the configured task runner (threads or Dask).

A page that fails in its chunk gets a task run of its own (``fetch <url>``), Failed, is
reported and rejected, and the run goes on. Tasks retry only what retrying can fix: the HTTP
layer already retries connection errors, 429 and 5xx, so a task retries once, later, and never
for 4xx, parse or input errors.

    .venv/bin/python flows/guidebook.py [--source NAME] [--limit N] [--all] [--output DIR]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import State, TaskRun
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from evidencemine.errors import is_transient as library_is_transient
from evidencemine.models import ProgrammeRecord
from evidencemine.pipeline import (
    PageOutcome,
    RunOptions,
    RunState,
    discover_pages,
    extract_and_reconcile,
    fetch_and_parse,
    fetch_and_parse_many,
    finish_run,
    previous_hashes,
    replace_records,
    report_failed,
    resolve_run,
    run_client,
    start_run,
    write_outcomes,
)
from evidencemine.settings import NlpSettings, Settings, SourceSettings
from evidencemine_flows.run_report import publish_report, publish_site
from evidencemine_flows.runners import TaskRunners, run_settings, task_runners

if TYPE_CHECKING:
    from evidencemine.http import HttpClient

TASK_RETRIES = 1
TASK_RETRY_DELAY_S = 60
EXTRACT_CHUNK_SIZE = 25
FLOW_LOCK_WAIT_S = 300  # a run waits this long for another run on its output folder


class PageFailedError(Exception):
    """Raised by a fetch task so that the page's task run is Failed; carries the outcome."""

    def __init__(self, outcome: PageOutcome) -> None:
        super().__init__(f"{outcome.input}: failed at {outcome.stage}: {outcome.error}")
        self.outcome = outcome

    @property
    def transient(self) -> bool:
        # The library records whether a later try may succeed (connection errors, 429, 5xx).
        return self.outcome.transient


def is_transient(error: BaseException | None) -> bool:
    """Whether trying the task again later may succeed (never 4xx, parse or input errors);
    a failed page carries the library's own judgement."""
    if isinstance(error, PageFailedError):
        return error.transient
    return library_is_transient(error)


def retry_transient(task: Any, task_run: TaskRun, state: State[Any]) -> bool:
    """``retry_condition_fn`` of the tasks: retry transient failures only."""
    if not state.is_failed():
        return False
    error = state.result(raise_on_failure=False)
    return is_transient(error if isinstance(error, BaseException) else None)


RETRYING = {
    "retries": TASK_RETRIES,
    "retry_delay_seconds": TASK_RETRY_DELAY_S,
    "retry_condition_fn": retry_transient,
    "cache_policy": NO_CACHE,
}


# tasks: one library function each ---------------------------------------------------------


@task(
    name="discover programme pages", task_run_name="discover programme pages", cache_policy=NO_CACHE
)
def discover(
    state: RunState, client: HttpClient, source_names: Sequence[str] | None, limit: int | None
) -> list[tuple[str, str]]:
    return discover_pages(state, client, source_names, limit)


class Opaque:
    """Values handed to a task as one opaque object. Prefect walks task parameters that are
    lists, dicts, dataclasses or pydantic models node by node (looking for futures), which
    for a chunk of pages or records costs more than the work; a plain object is not walked.
    (``quote`` does the same on threads but does not survive the trip to Dask.)"""

    __slots__ = ("items", "sources")

    def __init__(self, items: list[Any], sources: list[Any] | None = None) -> None:
        self.items = items
        self.sources = sources


@task(name="fetch and parse", cache_policy=NO_CACHE)
def fetch_chunk(
    pages: Opaque,
    client: HttpClient | None,
    state: RunState,
    known: dict[str, str],
    max_workers: int = 1,
) -> list[PageOutcome]:
    return fetch_and_parse_many(
        pages.items, client, state, known, pages.sources, max_workers=max_workers
    )


@task(name="fetch and parse one page", task_run_name="fetch {item}", **RETRYING)
def fetch_page(
    item: str,
    client: HttpClient | None,
    state: RunState,
    known: dict[str, str],
    source: SourceSettings | None = None,
    first: PageOutcome | None = None,
) -> PageOutcome:
    """One page in a task run of its own: a page that failed in its chunk (``first``, its
    outcome there; a retry fetches it again), or a one-page run."""
    from prefect.runtime import task_run

    if first is not None and task_run.run_count <= 1:
        outcome = first
    else:
        outcome = fetch_and_parse(item, client, state, known, source)
    if outcome.status == "failed":
        raise PageFailedError(outcome)
    return outcome


@task(name="resolve references", task_run_name="resolve references (one batch)", **RETRYING)
def resolve(state: RunState, client: HttpClient | None) -> list[ProgrammeRecord]:
    return resolve_run(state, client)


@task(name="extract and reconcile", cache_policy=NO_CACHE)
def extract(records: Opaque, nlp: NlpSettings | None = None) -> list[ProgrammeRecord]:
    return extract_and_reconcile(records.items, nlp)


@task(name="write records", task_run_name="write records", cache_policy=NO_CACHE)
def write(state: RunState, records: list[ProgrammeRecord]) -> None:
    replace_records(state.outcomes, records)
    write_outcomes(state)


@task(name="run report", task_run_name="run report", cache_policy=NO_CACHE)
def report_run(state: RunState, client: HttpClient | None) -> dict[str, Any]:
    report = finish_run(state, client)
    publish_report(report)
    return report


@task(name="build report", task_run_name="build the HTML evidence report", cache_policy=NO_CACHE)
def build_site(report: dict[str, Any]) -> str:
    return str(publish_site(report))


# the flow's steps -------------------------------------------------------------------------


def outcome_of(future: PrefectFuture[PageOutcome], item: str) -> PageOutcome:
    """The outcome of a fetch task, also when the task failed."""
    result = future.result(raise_on_failure=False)
    if isinstance(result, PageFailedError):
        return result.outcome
    if isinstance(result, PageOutcome):
        return result
    outcome = PageOutcome(item)
    outcome.fail("fetch", result if isinstance(result, Exception) else RuntimeError(result))
    return outcome


def chunk_ranges(count: int, chunk_size: int, parallel: int) -> list[range]:
    """Index ranges of at most ``chunk_size`` items, and at least ``parallel`` of them when
    there are that many items (so every worker gets one)."""
    size = max(1, min(chunk_size, math.ceil(count / max(1, parallel))))
    return [range(i, min(i + size, count)) for i in range(0, count, size)]


def fetch_pages(
    state: RunState,
    client: HttpClient | None,
    items: Sequence[str],
    sources: Sequence[SourceSettings | None],
    runners: TaskRunners,
) -> None:
    """Fetch and parse the pages in chunks of ``runner.chunk_size`` (one task each, one after
    another, each fetching ``runner.max_workers`` pages at a time: the concurrency of the plain
    library calls; the client keeps the rate limits). A page that fails gets a task run of its
    own (``fetch <url>``), Failed, and retried when transient; its neighbours are not
    touched."""
    known = previous_hashes(state.store)
    runner = state.settings.runner
    chunks = chunk_ranges(len(items), runner.chunk_size, 1)
    outcomes: list[PageOutcome] = []
    for n, r in enumerate(chunks, start=1):
        future = runners.io.submit(
            fetch_chunk.with_options(task_run_name=f"fetch {n}/{len(chunks)} ({len(r)} pages)"),
            {
                "pages": Opaque([items[i] for i in r], [sources[i] for i in r]),
                "client": quote(client),
                "state": quote(state),
                "known": quote(known),
                "max_workers": runner.max_workers,
            },
        )
        result = future.result(raise_on_failure=False)
        if isinstance(result, list):
            outcomes.extend(result)
        else:  # the chunk itself crashed: every page of it goes on alone
            outcomes.extend(PageOutcome(items[i], status="failed") for i in r)
    failed = [i for i, outcome in enumerate(outcomes) if outcome.status == "failed"]
    alone = {
        i: runners.io.submit(
            fetch_page,
            {
                "item": items[i],
                "client": quote(client),
                "state": quote(state),
                "known": quote(known),
                "source": quote(sources[i]),
                "first": quote(outcomes[i] if outcomes[i].error else None),
            },
        )
        for i in failed
    }
    for i, future in alone.items():
        outcomes[i] = outcome_of(future, items[i])
    state.outcomes.extend(outcomes)


def extract_all(
    records: list[ProgrammeRecord],
    runners: TaskRunners,
    nlp: NlpSettings | None = None,
    chunk_size: int | None = None,
) -> list[ProgrammeRecord]:
    """Extraction and reconciliation per chunk of records on the CPU task runner (chunks of
    at most ``runner.chunk_size``, and at least one per Dask worker)."""
    size = chunk_size or EXTRACT_CHUNK_SIZE
    chunks = [
        records[r.start : r.stop] for r in chunk_ranges(len(records), size, runners.cpu_workers)
    ]
    futures = [
        runners.cpu.submit(
            extract.with_options(task_run_name=f"extract {n}/{len(chunks)} ({len(chunk)} records)"),
            {"records": Opaque(chunk), "nlp": nlp},
        )
        for n, chunk in enumerate(chunks, start=1)
    ]
    return [record for future in futures for record in future.result()]


def finish_pages(
    state: RunState, client: HttpClient | None, runners: TaskRunners
) -> dict[str, Any]:
    """Resolve (one batch), extract, write and report the parsed pages of a run."""
    records = resolve(quote(state), quote(client))
    records = extract_all(records, runners, state.options.nlp, state.settings.runner.chunk_size)
    write(quote(state), quote(records))
    report = report_run(quote(state), quote(client))
    build_site(report, return_state=True)  # a failed report shows as its task; records stand
    return report


def api_url() -> str:
    """The Prefect API this flow run reports to (also a temporary one)."""
    with get_client(sync_client=True) as client:
        return str(client.api_url)


def run_pipeline(
    settings: Settings,
    source_names: Sequence[str] | None = None,
    limit: int | None = None,
    only_changed: bool = True,
) -> dict[str, Any]:
    """The body of :func:`guidebook_pipeline` for already-built settings."""
    state = start_run(settings, RunOptions(only_changed=only_changed, crawl=True, mode="run"))
    get_run_logger().info(
        "run %s (task runner: %s), output in %s",
        state.run_id,
        settings.runner.task_runner,
        settings.output.dir,
    )
    with (
        state.store.lock(wait_s=FLOW_LOCK_WAIT_S),
        run_client(settings) as client,
        task_runners(settings, api_url()) as runners,
    ):
        pages = discover(quote(state), quote(client), source_names, limit)
        fetch_pages(
            state,
            client,
            [url for url, _ in pages],
            [settings.sources[name] for _, name in pages],
            runners,
        )
        return finish_pages(state, client, runners)


def pipeline_run_name() -> str:
    """``guidebook <source>`` in the UI (``all sources`` when none is named)."""
    return f"guidebook {flow_run.parameters.get('source') or 'all sources'}"


@flow(name="guidebook-pipeline", flow_run_name=pipeline_run_name)
def guidebook_pipeline(
    source: str | None = None,
    limit: int | None = None,
    only_changed: bool = True,
    output_dir: str | None = None,
    config: str | None = None,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Crawl the configured guidebook sources (or ``source``), at most ``limit`` pages each,
    skipping unchanged pages when ``only_changed``; write records and the run report.

    ``config`` is a TOML file over the defaults; ``settings`` a settings mapping used instead
    (``Settings.model_dump(mode="json")``; missing keys take the defaults); ``output_dir``
    wins over both."""
    built = run_settings(config, output_dir, settings)
    return run_pipeline(built, [source] if source else None, limit, only_changed)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the flow once (ephemeral Prefect unless PREFECT_API_URL names a server)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source"), parser.add_argument("--limit", type=int)
    parser.add_argument("--all", action="store_true", help="also pages that did not change")
    parser.add_argument("--output"), parser.add_argument("--config")
    args = parser.parse_args(argv)
    report = guidebook_pipeline(
        source=args.source,
        limit=args.limit,
        only_changed=not args.all,
        output_dir=args.output,
        config=args.config,
    )
    print(f"run report: {Path(report['output_dir']) / 'runs' / (report['run_id'] + '.json')}")
    return 1 if report_failed(report) else 0


if __name__ == "__main__":
    raise SystemExit(main())
