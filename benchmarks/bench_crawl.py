"""Crawl N fixture pages from a local server with injected latency, through HttpClient.

Prints, all measured in this run:

- cold crawl wall time (sequential, then with worker threads) against the floor the rate
  limit sets (requests / rate): the limiter, not the client, should be what costs time;
- warm re-run of the unchanged site within the cache expiry: requests sent, full downloads
  (target 0) and time ratio warm/cold;
- warm re-run forcing revalidation (as a scheduled run after expiry does): conditional
  requests answered 304, full downloads (target 0), bytes, time ratio to cold.

    .venv/bin/python benchmarks/bench_crawl.py [--pages 40] [--latency 0.05] [--rate 20]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from evidencemine.http import HTML_TYPES, HttpClient
from evidencemine.settings import HttpSettings, Settings, SourceSettings
from evidencemine_demo.localserver import LocalServer, Reply, Request


def make_site(pages: int, latency_s: float) -> Callable[[Request], Reply | None]:
    """robots.txt plus ``pages`` programme pages with ETags (304 on If-None-Match)."""

    def handle(request: Request) -> Reply | None:
        if request.path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if not request.path.startswith("/programme/p-"):
            return None
        number = int(request.path.rsplit("-", 1)[1])
        if number >= pages:
            return None
        etag = f'"p{number}-v1"'
        if request.headers.get("if-none-match") == etag:
            return Reply(304, b"", headers={"ETag": etag}, delay_s=latency_s)
        body = f"<html><h1>Programme {number}</h1>{'<p>text</p>' * 400}</html>".encode()
        return Reply(200, body, headers={"ETag": etag}, delay_s=latency_s)

    return handle


def make_settings(cache_dir: Path, base_url: str, rate: float) -> Settings:
    http = HttpSettings(cache_dir=cache_dir, allow_private_hosts=True, timeout_s=5, retries=1)
    source = SourceSettings(
        index_url=base_url + "/programmes",
        allowed_hosts=["127.0.0.1"],
        requests_per_second=rate,
        cache_expire_s=3_600,
    )
    return Settings(http=http, sources={"bench": source})


@dataclass
class Crawl:
    wall_s: float
    network_requests: int
    full_downloads: int
    not_modified: int
    bytes_downloaded: int


def crawl(settings: Settings, urls: list[str], workers: int, revalidate: bool = False) -> Crawl:
    """Fetch ``urls`` as crawled pages with a fresh client (a new run) on ``settings``' cache."""
    with HttpClient(settings) as client:
        client.robots_rules(urls[0])  # robots.txt first, as a crawl does
        started = time.perf_counter()

        def fetch(url: str) -> None:
            client.get(url, accept=HTML_TYPES, crawl=True, revalidate=revalidate)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(fetch, urls))
        wall = time.perf_counter() - started
        stats = client.stats
        return Crawl(
            wall,
            stats.network_requests,
            stats.full_downloads,
            stats.not_modified,
            stats.bytes_downloaded,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second per host")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with LocalServer(make_site(args.pages, args.latency)) as server:
        urls = [server.url(f"/programme/p-{n}") for n in range(args.pages)]
        floor = args.pages / args.rate
        print(f"{args.pages} pages, {args.latency * 1000:.0f} ms latency, {args.rate:g} req/s")
        print(f"rate-limit floor (requests / rate): {floor:.2f} s")
        with tempfile.TemporaryDirectory() as tmp:
            seq = crawl(make_settings(Path(tmp) / "a", server.base_url, args.rate), urls, 1)
            print(f"cold, sequential: {seq.wall_s:.2f} s = {seq.wall_s / floor:.2f} x floor")
            settings = make_settings(Path(tmp) / "b", server.base_url, args.rate)
            cold = crawl(settings, urls, args.workers)
            print(
                f"cold, {args.workers} threads: {cold.wall_s:.2f} s = {cold.wall_s / floor:.2f} x"
                f" floor; {cold.full_downloads} full downloads (robots.txt included),"
                f" {cold.bytes_downloaded} bytes"
            )
            warm = crawl(settings, urls, args.workers)
            print(
                f"warm, within expiry: {warm.wall_s:.3f} s = {warm.wall_s / cold.wall_s:.3f} x"
                f" cold; {warm.network_requests} requests, {warm.full_downloads} full downloads"
            )
            again = crawl(settings, urls, args.workers, revalidate=True)
            print(
                f"warm, revalidated: {again.wall_s:.2f} s = {again.wall_s / cold.wall_s:.2f} x"
                f" cold; {again.network_requests} conditional requests, {again.not_modified}"
                f" answered 304, {again.full_downloads} full downloads,"
                f" {again.bytes_downloaded} bytes"
            )


if __name__ == "__main__":
    main()
