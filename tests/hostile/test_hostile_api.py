"""Class: API answers of the wrong shape, size or nesting make that reference unresolved with
a reason, never a crash; XML is parsed without entities or network (billion laughs, XXE)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from rawserver import RawServer

from evidencemine.http import HttpClient
from evidencemine.models import CslItem, Reference
from evidencemine.resolvers import resolve_references
from evidencemine.settings import Settings

CROSSREF_ANSWERS = [
    b'{"status": "ok", "message": "a string"}',
    b'{"status": "ok", "message": {"title": 5, "author": 7, "issued": "x"}}',
    b'{"status": "ok", "message": {"items": 3, "total-results": "many"}}',
    b'{"status": "ok", "message": {"DOI": 7, "title": [null], "author": [{"family": 1}]}}',
    b'{"message": {"title": ["T"], "issued": {"date-parts": [["x", {}]]}}}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"message": {"volume": ' + b"9" * 5001 + b"}}",
    b'{"status": "ok", "message": {"item',
    b"[1, 2, 3]",
]

EFETCH_ANSWERS = [
    # billion laughs: entities are not expanded
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>12345</PMID><Article>"
    b"<ArticleTitle>&lol4;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
    b"</PubmedArticleSet>",
    # XXE: the file is never read
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>12345</PMID><Article>"
    b"<ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
    b"</PubmedArticleSet>",
    b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>12345</PMID>"
    b"<Article><ArticleTitle><b><i>" * 2_000 + b"</PubmedArticleSet>",
    b"<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>",
    b"not xml at all",
]


def _serve(crossref: bytes, efetch: bytes):  # type: ignore[no-untyped-def]
    def handler(conn: socket.socket, request: bytes) -> None:
        path = request.split(b" ", 2)[1]
        body, kind = (efetch, b"text/xml") if b"eutils" in path else (crossref, b"application/json")
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % (kind, len(body)) + body
        )

    return handler


def _settings(tmp_path: Path, base: str) -> Settings:
    return Settings.model_validate(
        {
            "output": {"dir": str(tmp_path / "out")},
            "http": {
                "cache_dir": str(tmp_path / "cache"),
                "allow_private_hosts": True,
                "retries": 0,
            },
            "pubmed": {"base_url": base + "/eutils/", "idconv_url": base + "/idconv/"},
            "crossref": {"base_url": base + "/crossref/"},
        }
    )


def _references() -> list[Reference]:
    return [
        Reference(raw="Doe, J. (2001). A trial. J Trials, 1, 1-2.", csl=CslItem(id="a", title="A trial"),
                  links=["https://doi.org/10.1000/trial"]),
        Reference(raw="Roe, K. (2003). Another trial. J Trials, 2, 3-4.", csl=CslItem(id="b", title="Another trial"),
                  links=["https://pubmed.ncbi.nlm.nih.gov/12345/"]),
        Reference(raw="Poe, E. (1999). A search only. Some Journal, 9, 5.", csl=CslItem(id="c", title="A search only")),
    ]  # fmt: skip


@pytest.mark.parametrize("crossref", CROSSREF_ANSWERS, ids=range(len(CROSSREF_ANSWERS)))
def test_malformed_crossref_answers_leave_references_unresolved(
    tmp_path: Path, crossref: bytes
) -> None:
    with RawServer(_serve(crossref, EFETCH_ANSWERS[-1])) as server:
        settings = _settings(tmp_path, server.base_url)
        with HttpClient(settings) as client:
            report = resolve_references(_references(), client, settings)
    statuses = [ref.resolution.status for ref in report.references]
    assert statuses and all(status in ("error", "no-match") for status in statuses), statuses
    assert all(ref.resolution.reason for ref in report.references)


@pytest.mark.parametrize("efetch", EFETCH_ANSWERS, ids=range(len(EFETCH_ANSWERS)))
def test_hostile_efetch_xml_is_refused_or_harmless(tmp_path: Path, efetch: bytes) -> None:
    with RawServer(_serve(CROSSREF_ANSWERS[0], efetch)) as server:
        settings = _settings(tmp_path, server.base_url)
        with HttpClient(settings) as client:
            report = resolve_references(_references(), client, settings)
    for ref in report.references:
        text = " ".join(filter(None, [ref.resolved.title if ref.resolved else None, ref.abstract]))
        assert "lollol" not in text and "root:" not in text
        assert ref.resolution.status in ("error", "no-match", "resolved")


def test_json_caps_are_settings(tmp_path: Path) -> None:
    nested = b'{"status": "ok", "message": {"a": {"b": {"c": {"d": {"e": 1}}}}}}'
    with RawServer(_serve(nested, EFETCH_ANSWERS[-1])) as server:
        settings = _settings(tmp_path, server.base_url)
        settings.limits.json_max_depth = 4
        with HttpClient(settings) as client:
            report = resolve_references(_references()[:1], client, settings)
    [ref] = report.references
    assert ref.resolution.status == "error"
    assert "limits.json_max_depth" in " ".join([ref.resolution.reason or "", *report.errors])
