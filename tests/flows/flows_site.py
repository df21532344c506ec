"""A guidebook-style fixture site for the flow tests: sample programmes from
``evidencemine_demo.sample_site`` plus a page that is gone (404) and one no adapter can parse,
served over real HTTP on 127.0.0.1 next to the PubMed/Crossref stand-in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from evidencemine.settings import Settings, SourceSettings
from evidencemine_demo.demo import API_DIR
from evidencemine_demo.localserver import LocalServer, Reply, Request
from evidencemine_demo.sample_site import ProgrammeSpec, build_site, sample_programme
from evidencemine_demo.standin import api_standin_handler

REPO = Path(__file__).resolve().parents[2]
API_FIXTURES = API_DIR
GONE = "/programme/withdrawn-programme"
BROKEN = "/programme/broken-page"
BROKEN_HTML = (
    b"<!DOCTYPE html><html><body><p>Nothing a guidebook adapter can read.</p></body></html>"
)


def media_type(path: str) -> str:
    if path.endswith(".xml"):
        return "application/xml"
    return "text/plain; charset=utf-8" if path == "/robots.txt" else "text/html; charset=utf-8"


@dataclass
class FlowSite:
    """path -> bytes, changeable while served; unknown paths answer 404."""

    pages: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Request) -> Reply | None:
        with self.lock:
            body = self.pages.get(request.path)
        if body is None:
            return None
        return Reply(200, body, media_type(request.path))

    def publish(self, specs: list[ProgrammeSpec], base_url: str, *, faults: bool) -> None:
        """Serve ``specs``; with ``faults`` the index also links a gone and a broken page."""
        pages = build_site(specs, per_page=5, base_url=base_url)
        if faults:
            extra = (
                f'<li><a href="{GONE}">Withdrawn programme</a></li>'
                f'<li><a href="{BROKEN}">Broken page</a></li></ul>'
            ).encode()
            pages["/programmes"] = pages["/programmes"].replace(b"</ul>", extra, 1)
            pages[BROKEN] = BROKEN_HTML
        with self.lock:
            self.pages = pages

    def replace(self, path: str, body: bytes) -> None:
        with self.lock:
            self.pages[path] = body


@dataclass
class FlowServers:
    site: FlowSite
    site_server: LocalServer
    api_server: LocalServer

    def configure(self, settings: Settings, name: str = "fixture") -> Settings:
        """``settings`` pointed at this site and the API stand-in."""
        settings = settings.model_copy(deep=True)
        settings.sources = {
            name: SourceSettings(
                kind="eif-guidebook",
                index_url=self.site_server.url("/programmes"),
                allowed_hosts=["127.0.0.1"],
                requests_per_second=1000,
                cache_expire_s=0,  # a changed page shows on the next run
            )
        }
        settings.pubmed.base_url = self.api_server.url("/eutils/")
        settings.pubmed.idconv_url = self.api_server.url("/idconv/")
        settings.crossref.base_url = self.api_server.url("/crossref/")
        return settings


def programme_specs(count: int) -> list[ProgrammeSpec]:
    return [sample_programme(i) for i in range(count)]


@contextmanager
def flow_servers(count: int = 6, *, faults: bool = True) -> Iterator[FlowServers]:
    """The fixture site with ``count`` programmes and the API stand-in, both on loopback."""
    site = FlowSite()
    api = LocalServer(api_standin_handler(API_FIXTURES, synthesize_unknown=True))
    with LocalServer(site) as site_server, api:
        site.publish(programme_specs(count), site_server.base_url, faults=faults)
        yield FlowServers(site, site_server, api)
