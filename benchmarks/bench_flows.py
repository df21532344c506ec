"""Prefect overhead: the guidebook pipeline over N fixture programmes as a Prefect flow against
an already-running Prefect server (as in scheduled use) versus the same work as plain library
calls (``evidencemine.pipeline.crawl``), measured in this run.

Prints, all measured here:

- steady-state overhead: median wall time of the flow / median wall time of ``crawl`` over
  the same site, each run on a fresh output folder and HTTP cache (target < 1.15);
- the fixed start-up cost of an ephemeral run (no server: Prefect starts a temporary one): a
  fresh process running the flow over one page minus a fresh process running ``crawl`` over
  it, on a new PREFECT_HOME (first run, as in CI) and again on the same home.

Both sides run at the same concurrency: ``crawl`` fetches with ``runner.max_workers`` threads,
and the flow runs its fetch chunks on a thread task runner of ``runner.max_workers`` threads.
The first scenario serves the site and the PubMed/Crossref stand-ins on 127.0.0.1 without added
latency and without rate limits, so the comparison is CPU-bound: the worst case for the ratio;
the second is a polite crawl (rate-limited, with latency).

    .venv/bin/python benchmarks/bench_flows.py [--programmes 100] [--repeats 3] [--api-url URL]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from evidencemine.settings import Settings, SourceSettings
from evidencemine_demo.demo import API_DIR
from evidencemine_demo.localserver import LocalServer, Reply, Request
from evidencemine_demo.sample_site import build_site, sample_programme
from evidencemine_demo.standin import api_standin_handler

REPO = Path(__file__).resolve().parents[1]
PREFECT = Path(sys.executable).with_name("prefect")
OFFLINE = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


def site_handler(
    pages: dict[str, bytes], latency: list[float]
) -> Callable[[Request], Reply | None]:
    """Serve ``pages``, each answer ``latency[0]`` seconds late (changeable between runs)."""

    def handle(request: Request) -> Reply | None:
        body = pages.get(request.path)
        if body is None:
            return None
        media = "application/xml" if request.path.endswith(".xml") else "text/html"
        media = "text/plain" if request.path == "/robots.txt" else media
        return Reply(200, body, media, delay_s=latency[0])

    return handle


@dataclass(frozen=True)
class Scenario:
    name: str
    requests_per_second: float  # per host, for the site and the APIs
    latency_s: float  # added to every answer of the site


SCENARIOS = (
    Scenario("CPU-bound: no latency, no rate limit (worst case for the ratio)", 10_000, 0.0),
    Scenario("polite crawl: 20 requests/s per host, 20 ms per page", 20, 0.02),
)


@dataclass
class Servers:
    site: str
    api: str
    latency: list[float]


@contextmanager
def fixture_servers(programmes: int) -> Iterator[Servers]:
    """The site of ``programmes`` sample programmes and the API stand-in, on loopback."""
    pages: dict[str, bytes] = {}
    latency = [0.0]
    api = LocalServer(api_standin_handler(API_DIR, synthesize_unknown=True))
    with LocalServer(site_handler(pages, latency)) as site, api:
        specs = [sample_programme(i) for i in range(programmes)]
        pages.update(build_site(specs, base_url=site.base_url))
        yield Servers(site.base_url, api.base_url, latency)


def bench_settings(site: str, api: str, work: Path, rate: float = 10_000) -> Settings:
    """Fresh output and cache below ``work``; ``rate`` requests per second per host."""
    settings = Settings()
    settings.output.dir, settings.http.cache_dir = work / "output", work / "cache"
    settings.http.allow_private_hosts = True
    settings.http.default_requests_per_second = rate
    settings.sources = {
        "bench": SourceSettings(
            index_url=site + "/programmes", allowed_hosts=["127.0.0.1"], requests_per_second=rate
        )
    }
    settings.pubmed.base_url, settings.pubmed.idconv_url = api + "/eutils/", api + "/idconv/"
    settings.crossref.base_url = api + "/crossref/"
    settings.pubmed.requests_per_second = settings.crossref.requests_per_second = rate
    return settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def prefect_server(home: Path) -> Iterator[str]:
    """A ``prefect server start`` on 127.0.0.1 (SQLite in ``home``); yields the API URL."""
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, **OFFLINE, "PREFECT_HOME": str(home), "PREFECT_UI_ENABLED": "false"}
    process = subprocess.Popen(
        [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        started = time.perf_counter()
        while time.perf_counter() - started < 120:
            try:
                if requests.get(api_url + "/health", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            raise RuntimeError("the Prefect server did not start within 120 s")
        print(f"prefect server start: {time.perf_counter() - started:.1f} s until healthy")
        yield api_url
    finally:
        for sig in (signal.SIGINT, signal.SIGKILL):
            if process.poll() is None:
                os.killpg(process.pid, sig)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    continue


def timed(run: Callable[[Settings], dict[str, Any]], settings: Settings) -> float:
    started = time.perf_counter()
    report = run(settings)
    elapsed = time.perf_counter() - started
    if report["counts"]["failed"] or not report["counts"]["written"]:
        raise RuntimeError(f"benchmark run failed: {report['counts']}")
    return elapsed


def steady_state(
    servers: Servers, scenario: Scenario, repeats: int, work: Path
) -> tuple[float, float]:
    """Median wall time of (plain crawl, Prefect flow); interleaved, after one warm-up each."""
    from evidencemine.pipeline import crawl
    from evidencemine.report import build_report
    from evidencemine_flows.pipeline import guidebook_pipeline

    def plain(settings: Settings) -> dict[str, Any]:
        # the same library calls as the flow: the crawl, then the HTML evidence report
        report = crawl(settings, only_changed=False)
        build_report(report["output_dir"])
        return report

    def prefect(settings: Settings) -> dict[str, Any]:
        return guidebook_pipeline(settings=settings.model_dump(mode="json"), only_changed=False)

    servers.latency[0] = scenario.latency_s
    times: dict[str, list[float]] = {"plain": [], "prefect": []}
    for round_ in range(repeats + 1):
        for name, run in (("plain", plain), ("prefect", prefect)):
            folder = work / f"{name}-{round_}"
            settings = bench_settings(
                servers.site, servers.api, folder, scenario.requests_per_second
            )
            elapsed = timed(run, settings)
            shutil.rmtree(folder)
            if round_:  # round 0 warms up imports, the spaCy pipeline and the server
                times[name].append(elapsed)
    return statistics.median(times["plain"]), statistics.median(times["prefect"])


def drain_prefect_logs() -> None:
    """Send the logs still queued for the API (before the server goes away)."""
    if "prefect" in sys.modules:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=10)


STARTUP_SCRIPT = """
import sys
sys.path.insert(0, {repo!r})
from benchmarks.bench_flows import bench_settings
settings = bench_settings({site!r}, {api!r}, __import__("pathlib").Path({work!r}))
if {use_prefect!r}:
    from evidencemine_flows.pipeline import guidebook_pipeline
    guidebook_pipeline(settings=settings.model_dump(mode="json"), only_changed=False, limit=1)
else:
    from evidencemine.pipeline import crawl
    crawl(settings, only_changed=False, limit=1)
"""


def process_wall(site: str, api: str, work: Path, home: Path, use_prefect: bool) -> float:
    """Wall time of a fresh Python process running one page (with or without Prefect)."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(OFFLINE, PREFECT_HOME=str(home))
    script = STARTUP_SCRIPT.format(
        repo=str(REPO), site=site, api=api, work=str(work), use_prefect=use_prefect
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    shutil.rmtree(work, ignore_errors=True)
    return time.perf_counter() - started


def startup_cost(site: str, api: str, work: Path) -> tuple[float, float]:
    """Extra wall time of an ephemeral flow run over plain calls: new home, then same home."""
    home = work / "ephemeral-home"
    plain = min(process_wall(site, api, work / "p", home, False) for _ in range(2))
    first = process_wall(site, api, work / "f1", home, True)
    again = process_wall(site, api, work / "f2", home, True)
    return first - plain, again - plain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--programmes", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--api-url", help="use this running Prefect server instead of one here")
    args = parser.parse_args(argv)
    results = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-flows-") as tmp,
        fixture_servers(args.programmes) as servers,
    ):
        work = Path(tmp)
        server = nullcontext(args.api_url) if args.api_url else prefect_server(work / "home")
        with server as api_url:
            os.environ["PREFECT_API_URL"] = api_url  # before Prefect is imported
            for name, value in OFFLINE.items():
                os.environ.setdefault(name, value)
            for scenario in SCENARIOS:
                plain, flow = steady_state(servers, scenario, args.repeats, work / "runs")
                results.append((scenario, plain, flow))
            drain_prefect_logs()
        servers.latency[0] = 0.0
        first, again = startup_cost(servers.site, servers.api, work / "startup")
    print(
        f"\n{args.programmes} programmes; median of {args.repeats} runs each (fresh output "
        "and cache per run); Prefect against a running server:"
    )
    for scenario, plain, flow in results:
        print(
            f"  {scenario.name}\n    plain library calls {plain:6.2f} s | Prefect flow "
            f"{flow:6.2f} s | steady-state overhead ratio {flow / plain:5.3f} (target < 1.15)"
        )
    print("fixed start-up cost of an ephemeral run (fresh process, one page, minus plain):")
    print(f"  new PREFECT_HOME (first run, as in CI): {first:6.2f} s")
    print(f"  existing PREFECT_HOME:                  {again:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
