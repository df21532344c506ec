"""The offline demo: the bundled sample site and API stand-ins served on 127.0.0.1, crawled
and ingested by the real pipeline over real HTTP."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidencemine.settings import Settings, SourceSettings
from evidencemine_demo import data_dir
from evidencemine_demo.localserver import LocalServer, Reply, Request, directory_handler

SITE_DIR = data_dir() / "site"
API_DIR = data_dir() / "api"
PROJECT_PAGE = "/project/parent-infant-therapy-trial"


def site_handler(root: Path, base_url: Callable[[], str]) -> Callable[[Request], Reply | None]:
    """Serve ``root``, writing the server's own address where pages say ``__BASE__``."""
    files = directory_handler(root)

    def handle(request: Request) -> Reply | None:
        reply = files(request)
        if reply is not None and b"__BASE__" in reply.body:
            reply.body = reply.body.replace(b"__BASE__", base_url().encode())
        return reply

    return handle


@dataclass(slots=True)
class DemoServers:
    site: LocalServer
    api: LocalServer

    def configure(self, settings: Settings, cache_dir: Path) -> Settings:
        """Settings pointing the pipeline at the local site and API stand-ins."""
        demo = settings.model_copy(deep=True)
        demo.http.allow_private_hosts = True
        demo.http.cache_dir = cache_dir
        demo.http.default_requests_per_second = 50
        demo.sources = {
            "sample_site": SourceSettings(
                kind="eif-guidebook",
                index_url=self.site.url("/programmes"),
                allowed_hosts=["127.0.0.1"],
                requests_per_second=20,
            )
        }
        demo.pubmed.base_url = self.api.url("/eutils/")
        demo.pubmed.idconv_url = self.api.url("/idconv/")
        demo.crossref.base_url = self.api.url("/crossref/")
        demo.pubmed.requests_per_second = demo.crossref.requests_per_second = 20
        return demo


@contextmanager
def demo_servers(latency_s: float = 0.0) -> Iterator[DemoServers]:
    """The sample site and the E-utilities/Crossref stand-ins, each on its own loopback port."""
    from evidencemine_demo.standin import api_standin_handler

    holder: dict[str, LocalServer] = {}
    site = LocalServer(site_handler(SITE_DIR, lambda: holder["site"].base_url))
    holder["site"] = site
    api = LocalServer(api_standin_handler(API_DIR, latency_s=latency_s, synthesize_unknown=True))
    with site, api:
        yield DemoServers(site, api)


def summary_table(report: dict[str, Any]) -> str:
    """A plain-text table of what the run wrote."""
    rows = [("status", "record", "changes")]
    for entry in report["programmes"]:
        rows.append((entry["status"], entry["id"] or entry["input"], "; ".join(entry["changes"])))
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [f"{r[0]:<{width[0]}}  {r[1]:<{width[1]}}  {r[2]}".rstrip() for r in rows]
    counts = ", ".join(f"{k} {v}" for k, v in report["counts"].items())
    coverage = ", ".join(f"{k} {v}" for k, v in report["coverage"].items())
    return "\n".join([*lines, "", f"counts: {counts}", f"coverage: {coverage}"])


def run_demo(settings: Settings, *, progress: Callable[[str], None] | None = None) -> int:
    """Crawl the sample site, re-ingest the research-project page by hand, print a summary."""
    from evidencemine.pipeline import RunOptions, crawl, ingest

    with (
        tempfile.TemporaryDirectory(prefix="evidencemine-demo-") as cache,
        demo_servers() as servers,
    ):
        demo = servers.configure(settings, Path(cache))
        report = crawl(demo, only_changed=False, progress=progress)
        manual = ingest([servers.site.url(PROJECT_PAGE)], demo, RunOptions(), progress=progress)
    print(summary_table(report))
    print(summary_table(manual).split("\n\n")[0].split("\n", 1)[1])
    out = Path(settings.output.dir)
    from evidencemine.report import build_report

    site = build_report(out).index
    print(
        f"\nrecords: {out / 'programmes'}\nindex:   {out / 'index.json'}\nreports: {out / 'runs'}"
        f"\nreport:  {site}"
    )
    failed = report["counts"]["failed"] + manual["counts"]["failed"]
    return 1 if failed else 0
