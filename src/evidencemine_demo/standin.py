"""A local stand-in for NCBI E-utilities (efetch, ECitMatch), the PMC ID converter and Crossref.

It answers in the real formats from fixture files, for tests, benchmarks and the offline demo::

    handler = api_standin_handler(data_dir() / "api")
    with LocalServer(handler) as server:
        settings.pubmed.base_url = server.url("/eutils/")
        settings.pubmed.idconv_url = server.url("/idconv/")
        settings.crossref.base_url = server.url("/crossref/")

Fixture layout below ``fixtures_dir``:

- ``pubmed/<pmid>.xml``: one ``<PubmedArticle>`` element per file, served as it is (a broken
  file gives a broken efetch answer). ECitMatch and the ID converter answer from the same
  records.
- ``crossref/works/<doi with "/" → "_">.json``: a full ``/works/{doi}`` answer, served as it
  is; also searchable.
- ``crossref/search-only/*.json``: records found by ``query.bibliographic`` only (their DOI
  lookups answer 404, as for a DOI Crossref does not know).

``synthesize_unknown=True`` makes up plausible records for unknown PMIDs and DOIs (never for
searches or citation matching), so hundreds of references can be served.

The stand-in answers from its own data and its own code: it reads the fixtures with the
standard library's XML parser and compares citations with its own simple folding, never with
the resolvers it stands in for (a bug there must not cancel itself out in tests).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape

from evidencemine_demo.localserver import Handler, Reply, Request

log = logging.getLogger(__name__)

EFETCH_PREAMBLE = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
CROSSREF_NOT_FOUND = b"Resource not found."
XML_TYPE = "text/xml; charset=UTF-8"
TEXT_TYPE = "text/plain; charset=UTF-8"
JSON_TYPE = "application/json"
_SYNTH_TOPICS = (
    "home visiting",
    "parenting support",
    "infant attachment",
    "maternal depression",
    "school readiness",
    "early language",
    "child behaviour problems",
    "family nurse partnership",
)
_SYNTH_FAMILIES = ("Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Gupta", "Hughes")


def doi_file_name(doi: str) -> str:
    """The fixture file name of a DOI: lower case, ``/`` replaced by ``_``, ``.json``."""
    return doi.strip().lower().replace("/", "_") + ".json"


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """The stand-in's own comparison form: accents dropped, lower case, words single-spaced."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub(" ", plain.lower().replace("&", " and ")).strip()


@dataclass(slots=True)
class FixtureCitation:
    """What the stand-in indexes of one fixture article (read with ``xml.etree``)."""

    pmid: str
    journals: set[str]  # folded full title and ISO abbreviation
    year: str
    volume: str
    first_page: str
    first_author: str  # folded family name, no spaces
    pmcid: str = ""
    doi: str = ""


def _first_text(element: ET.Element | None, *paths: str) -> str:
    for path in paths:
        found = None if element is None else element.find(path)
        if found is not None and (found.text or "").strip():
            return (found.text or "").strip()
    return ""


def index_article(data: bytes) -> FixtureCitation:
    """The citation fields of one ``<PubmedArticle>`` (raises ``ET.ParseError`` if broken)."""
    article = ET.fromstring(data)
    citation = article.find("MedlineCitation")
    if citation is None:
        raise ET.ParseError("no MedlineCitation")
    issue = citation.find("Article/Journal/JournalIssue")
    year = _first_text(issue, "PubDate/Year") or _first_text(issue, "PubDate/MedlineDate")[:4]
    pages = _first_text(citation, "Article/Pagination/StartPage", "Article/Pagination/MedlinePgn")
    ids = {
        node.get("IdType", ""): (node.text or "").strip()
        for node in article.iterfind("PubmedData/ArticleIdList/ArticleId")
    }
    journal = citation.find("Article/Journal")
    author = _first_text(citation, "Article/AuthorList/Author/LastName")
    return FixtureCitation(
        pmid=_first_text(citation, "PMID"),
        journals={fold(_first_text(journal, name)) for name in ("Title", "ISOAbbreviation")} - {""},
        year=year,
        volume=fold(_first_text(issue, "Volume")),
        first_page=fold(pages.split("-")[0]),
        first_author=fold(author).replace(" ", ""),
        pmcid=ids.get("pmc", ""),
        doi=ids.get("doi", ""),
    )


@dataclass(slots=True)
class _PubmedFixtures:
    raw: dict[str, bytes] = field(default_factory=dict)
    records: dict[str, FixtureCitation] = field(default_factory=dict)


def _load_pubmed(folder: Path) -> _PubmedFixtures:
    fixtures = _PubmedFixtures()
    for path in sorted(folder.glob("*.xml")):
        data = path.read_bytes()
        fixtures.raw[path.stem] = data
        try:
            record = index_article(data)
        except ET.ParseError as err:
            log.info("stand-in: %s is served but not indexed: %s", path.name, err)
            continue
        fixtures.records[record.pmid] = record
    return fixtures


def _load_works(folder: Path) -> list[dict[str, Any]]:
    works = []
    for path in sorted(folder.glob("*.json")):
        try:
            payload = json.loads(path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        message = payload.get("message", payload) if isinstance(payload, dict) else None
        if isinstance(message, dict) and message.get("DOI"):
            works.append(message)
    return works


class ApiStandin:
    """The stand-in's state and endpoints (use :func:`api_standin_handler`)."""

    def __init__(
        self,
        fixtures_dir: Path,
        *,
        latency_s: float = 0.0,
        synthesize_unknown: bool = False,
        crossref_rate_limit: tuple[int, str] = (50, "1s"),
    ) -> None:
        self.root = Path(fixtures_dir)
        self.latency_s = latency_s
        self.synthesize_unknown = synthesize_unknown
        self.rate_headers = {
            "X-Rate-Limit-Limit": str(crossref_rate_limit[0]),
            "X-Rate-Limit-Interval": crossref_rate_limit[1],
        }
        self.pubmed = _load_pubmed(self.root / "pubmed")
        works_dir = self.root / "crossref" / "works"
        self.search_index = _load_works(works_dir) + _load_works(
            self.root / "crossref" / "search-only"
        )
        self.works_dir = works_dir

    def __call__(self, request: Request) -> Reply | None:
        path = unquote(request.path)
        if path.endswith("/eutils/efetch.fcgi"):
            return self._delayed(self.efetch(request))
        if path.endswith("/eutils/ecitmatch.cgi"):
            return self._delayed(self.ecitmatch(request))
        if "/idconv" in path:
            return self._delayed(self.idconv(request))
        if "/crossref/works/" in path:
            return self._delayed(self.crossref_work(path.split("/crossref/works/", 1)[1]))
        if path.endswith("/crossref/works"):
            return self._delayed(self.crossref_search(request))
        return None

    def _delayed(self, reply: Reply) -> Reply:
        reply.delay_s = self.latency_s
        return reply

    # --- E-utilities -------------------------------------------------------------------

    def efetch(self, request: Request) -> Reply:
        """A PubmedArticleSet of the known (or synthesised) PMIDs; unknown ones are left out."""
        form = request.form()
        if form.get("db", [""])[0] != "pubmed":
            return Reply(
                400, b"<eFetchResult><ERROR>Invalid db name</ERROR></eFetchResult>", XML_TYPE
            )
        ids = [pmid.strip() for value in form.get("id", []) for pmid in value.split(",")]
        parts = [EFETCH_PREAMBLE, b"<PubmedArticleSet>\n"]
        for pmid in filter(None, ids):
            article = self.pubmed.raw.get(pmid)
            if article is None and self.synthesize_unknown and pmid.isdigit():
                article = synthetic_pubmed_article(pmid)
            if article is not None:
                parts.append(article.strip() + b"\n")
        parts.append(b"</PubmedArticleSet>\n")
        return Reply(200, b"".join(parts), XML_TYPE)

    def ecitmatch(self, request: Request) -> Reply:
        """Each ``bdata`` line echoed with the PMID, ``NOT_FOUND`` or ``AMBIGUOUS`` appended."""
        bdata = "\r".join(request.form().get("bdata", []))
        lines = [line for line in bdata.replace("\n", "\r").split("\r") if line.strip()]
        answers = []
        for line in lines:
            fields = line.split("|")
            hits = self._citation_hits(fields) if len(fields) >= 6 else []
            if len(hits) == 1:
                result = hits[0]
            elif hits:
                result = f"AMBIGUOUS ({len(hits)} citations)"
            else:
                result = "NOT_FOUND"
            answers.append("|".join(fields[:6]) + "|" + result)
        return Reply(200, ("\n".join(answers) + "\n").encode(), TEXT_TYPE)

    def _citation_hits(self, fields: list[str]) -> list[str]:
        journal, year, volume, page, author = (fold(f) for f in fields[:5])
        tokens = author.split()
        if len(tokens) > 1 and len(tokens[-1]) <= 3:
            tokens = tokens[:-1]
        family = "".join(tokens)
        hits = []
        for pmid, record in self.pubmed.records.items():
            if (
                (journal in record.journals or journal.removeprefix("the ") in record.journals)
                and year == record.year
                and volume == record.volume
                and page == record.first_page
                and (not family or record.first_author == family)
            ):
                hits.append(pmid)
        return hits

    def idconv(self, request: Request) -> Reply:
        """ID-converter JSON: a record per requested id, ``status: error`` when unknown."""
        form = request.form()
        ids = [i.strip() for value in form.get("ids", []) for i in value.split(",") if i.strip()]
        records = [self._idconv_record(requested) for requested in ids]
        payload = {
            "status": "ok",
            "responseDate": "2025-01-01 00:00:00",
            "request": f"ids={','.join(ids)};format=json",
            "records": records,
        }
        return Reply(200, json.dumps(payload, indent=1).encode(), JSON_TYPE)

    def _idconv_record(self, requested: str) -> dict[str, Any]:
        key = requested.lower()
        for record in self.pubmed.records.values():
            if key in {record.pmid, record.pmcid.lower(), record.doi.lower()}:
                found: dict[str, Any] = {"requested-id": requested, "pmid": int(record.pmid)}
                if record.pmcid:
                    found["pmcid"] = record.pmcid
                if record.doi:
                    found["doi"] = record.doi
                return found
        return {"requested-id": requested, "status": "error", "errmsg": "invalid article id"}

    # --- Crossref ------------------------------------------------------------------------

    def crossref_work(self, doi: str) -> Reply:
        """The fixture answer as it is, a synthesised work, or the real 404 body."""
        path = self.works_dir / doi_file_name(doi)
        if path.is_file():
            return Reply(200, path.read_bytes(), JSON_TYPE, headers=dict(self.rate_headers))
        if self.synthesize_unknown and doi.startswith("10."):
            body = {
                "status": "ok",
                "message-type": "work",
                "message-version": "1.0.0",
                "message": synthetic_crossref_work(doi),
            }
            return Reply(200, json.dumps(body).encode(), JSON_TYPE, headers=dict(self.rate_headers))
        return Reply(404, CROSSREF_NOT_FOUND, TEXT_TYPE, headers=dict(self.rate_headers))

    def crossref_search(self, request: Request) -> Reply:
        """A ``work-list`` of fixture works ranked by shared words with the query."""
        form = request.form()
        query = " ".join(form.get("query.bibliographic", []) + form.get("query", []))
        rows = int((form.get("rows") or ["20"])[0])
        wanted = set(fold(query).split())
        scored = []
        for work in self.search_index:
            overlap = len(wanted & _work_words(work))
            if overlap:
                scored.append((overlap, work))
        scored.sort(key=lambda pair: -pair[0])
        items = [{**work, "score": float(score)} for score, work in scored[:rows]]
        body = {
            "status": "ok",
            "message-type": "work-list",
            "message-version": "1.0.0",
            "message": {
                "facets": {},
                "total-results": len(scored),
                "items": items,
                "items-per-page": rows,
                "query": {"start-index": 0, "search-terms": None},
            },
        }
        return Reply(200, json.dumps(body).encode(), JSON_TYPE, headers=dict(self.rate_headers))


def _work_words(work: dict[str, Any]) -> set[str]:
    texts = [*work.get("title", []), *work.get("container-title", [])]
    texts += [author.get("family", "") for author in work.get("author", [])]
    parts = (work.get("issued") or {}).get("date-parts") or [[]]
    texts += [str(parts[0][0])] if parts[0] and parts[0][0] else []
    return {word for text in texts for word in fold(str(text)).split() if len(word) > 2}


def api_standin_handler(
    fixtures_dir: Path, *, latency_s: float = 0.0, synthesize_unknown: bool = False
) -> Handler:
    """A LocalServer handler for ``/eutils/``, ``/idconv/`` and ``/crossref/`` (see module doc)."""
    return ApiStandin(fixtures_dir, latency_s=latency_s, synthesize_unknown=synthesize_unknown)


# --- synthetic records ----------------------------------------------------------------------


def _pick(seed: str, options: tuple[str, ...], salt: str) -> str:
    digest = hashlib.sha256(f"{salt}:{seed}".encode()).digest()
    return options[digest[0] % len(options)]


def synthetic_title(seed: str) -> str:
    """A plausible, deterministic study title for ``seed`` (a PMID or DOI)."""
    topic = _pick(seed, _SYNTH_TOPICS, "topic")
    return f"A randomised trial of {topic} for families with young children (study {seed})"


def synthetic_pubmed_article(pmid: str) -> bytes:
    """A made-up but well-formed ``<PubmedArticle>`` for ``pmid``."""
    family = _pick(pmid, _SYNTH_FAMILIES, "author")
    year = 1990 + int(hashlib.sha256(pmid.encode()).hexdigest(), 16) % 30
    title = escape(synthetic_title(pmid))
    abstract = escape(
        f"Families (n = {100 + int(pmid) % 300}) were randomly allocated to two arms."
    )
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}'
        f'</PMID><Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print"><Volume>'
        f"{int(pmid) % 60 + 1}</Volume><Issue>2</Issue><PubDate><Year>{year}</Year></PubDate>"
        f"</JournalIssue><Title>Journal of synthetic studies</Title><ISOAbbreviation>J Synth Stud"
        f"</ISOAbbreviation></Journal><ArticleTitle>{title}.</ArticleTitle><Pagination>"
        f"<MedlinePgn>{int(pmid) % 900 + 1}-{int(pmid) % 900 + 12}</MedlinePgn></Pagination>"
        f"<Abstract><AbstractText>{abstract}</AbstractText></Abstract><AuthorList "
        f'CompleteYN="Y"><Author ValidYN="Y"><LastName>{family}</LastName><ForeName>Alex'
        f"</ForeName><Initials>A</Initials></Author></AuthorList><Language>eng</Language>"
        f'<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>'
        f"</PublicationTypeList></Article></MedlineCitation><PubmedData><ArticleIdList>"
        f'<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>'
        f"</PubmedArticle>"
    ).encode()


def synthetic_crossref_work(doi: str) -> dict[str, Any]:
    """A made-up Crossref work ``message`` for ``doi``."""
    digest = int(hashlib.sha256(doi.encode()).hexdigest(), 16)
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [synthetic_title(doi)],
        "container-title": ["Journal of Synthetic Studies"],
        "short-container-title": ["J Synth Stud"],
        "author": [
            {"given": "Alex", "family": _pick(doi, _SYNTH_FAMILIES, "author"), "sequence": "first"}
        ],
        "issued": {"date-parts": [[1990 + digest % 30]]},
        "volume": str(digest % 60 + 1),
        "page": f"{digest % 900 + 1}-{digest % 900 + 12}",
        "publisher": "Synthetic Publisher",
        "member": "99999",
        "URL": f"https://doi.org/{doi}",
    }
