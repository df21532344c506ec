"""PubMed: ``efetch`` (db=pubmed, XML) in batches, and parsing of PubmedArticle XML.

``parse_pubmed_xml`` reads a ``PubmedArticleSet`` holding ``PubmedArticle`` and
``PubmedBookArticle`` elements. Anything else (an esummary answer, a PMC article set, an
``eFetchResult`` error) and malformed XML raise :class:`~evidencemine.errors.ResolutionError`
naming the source. :func:`salvage_pubmed_articles` recovers the well-formed articles of a
broken answer one by one, so one bad record does not sink a whole batch.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from evidencemine.errors import EvidenceMineError, ResolutionError
from evidencemine.http import HttpClient
from evidencemine.models import CslDate, CslItem, CslName
from evidencemine.resolvers.matching import expand_page_range
from evidencemine.resolvers.records import RecordCache
from evidencemine.resolvers.transport import EndpointCounter, batch_expire_s, ncbi_identity
from evidencemine.settings import Settings

log = logging.getLogger(__name__)

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_KNOWN_ROOTS = {
    "eSummaryResult": "an esummary answer, not PubMed efetch XML",
    "pmc-articleset": "a PMC (JATS) article set, not PubMed efetch XML",
    "eFetchResult": "an efetch error answer",
}
_ARTICLE_SEGMENT = re.compile(
    rb"<(PubmedArticle|PubmedBookArticle)>.*?</\1>|<(?:PubmedArticle|PubmedBookArticle)>", re.S
)
_PMID_IN_SEGMENT = re.compile(rb"<PMID[^>]*>(\d+)</PMID>")


@dataclass(slots=True)
class PubmedAuthor:
    """One author (or a collective name, then ``family`` holds it and ``collective`` is set)."""

    family: str
    given: str | None = None
    initials: str | None = None
    collective: bool = False
    affiliations: list[str] = field(default_factory=list)


@dataclass(slots=True)
class AbstractSection:
    label: str | None
    category: str | None
    text: str


@dataclass(slots=True)
class PubmedRecord:
    """The fields of one PubMed record that the resolvers use."""

    pmid: str
    kind: str  # "article" or "book"
    title: str | None
    abstract_sections: list[AbstractSection] = field(default_factory=list)
    journal: str | None = None
    iso_abbreviation: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    medline_date: str | None = None
    authors: list[PubmedAuthor] = field(default_factory=list)
    doi: str | None = None
    pmcid: str | None = None
    publication_types: list[str] = field(default_factory=list)
    mesh_headings: list[str] = field(default_factory=list)
    language: str | None = None
    publisher: str | None = None
    book_title: str | None = None

    @property
    def abstract(self) -> str | None:
        """Sections joined by newlines, each as ``LABEL: text`` when labelled."""
        parts = [f"{s.label}: {s.text}" if s.label else s.text for s in self.abstract_sections]
        return "\n".join(parts) or None


def parse_pubmed_xml(data: bytes, *, source: str) -> list[PubmedRecord]:
    """Parse an efetch ``PubmedArticleSet`` into records (articles and book articles).

    Raises ResolutionError (message ``"<source>: <reason>"``) for malformed XML or for XML
    that is not a PubMed article set.
    """
    root = _parse_root(data, source)
    if root.tag != "PubmedArticleSet":
        what = _KNOWN_ROOTS.get(str(root.tag), "not PubMed efetch XML")
        raise ResolutionError(f"unexpected root <{root.tag}>: {what}", source=source)
    records: list[PubmedRecord] = []
    for element in root:
        if element.tag == "PubmedArticle":
            records.append(_parse_article(element, source))
        elif element.tag == "PubmedBookArticle":
            records.append(_parse_book_article(element, source))
        elif isinstance(element.tag, str) and element.tag != "DeleteCitation":
            log.info("%s: skipping <%s> in PubmedArticleSet", source, element.tag)
    return records


def salvage_pubmed_articles(
    data: bytes, *, source: str
) -> tuple[list[PubmedRecord], dict[str, str]]:
    """Parse each article of a broken answer on its own.

    Returns the records that parse, and ``{pmid: reason}`` for articles that are present but
    malformed or cut off. PMIDs that cannot be seen at all are simply missing.
    """
    records: list[PubmedRecord] = []
    failures: list[tuple[str, str]] = []
    for match in _ARTICLE_SEGMENT.finditer(data):
        closed = bool(match.group(1))
        segment = match.group(0) if closed else data[match.start() :]
        pmid_match = _PMID_IN_SEGMENT.search(segment)
        pmid = pmid_match.group(1).decode() if pmid_match else ""
        wrapped = b"<PubmedArticleSet>" + segment + b"</PubmedArticleSet>"
        try:
            records.extend(parse_pubmed_xml(wrapped, source=source))
        except ResolutionError as err:
            if pmid:
                failures.append((pmid, err.reason))
        if not closed:  # it runs to the end: every later segment is inside it (no n² re-reads)
            break
    return records, dict(failures)


def _parse_root(data: bytes, source: str) -> etree._Element:
    parser = etree.XMLParser(**_PARSER_OPTIONS)  # type: ignore[arg-type]
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as err:
        raise ResolutionError(f"malformed XML: {err}", source=source) from err
    if root is None:
        raise ResolutionError("empty XML document", source=source)
    return root


def _text(element: etree._Element | None) -> str | None:
    """All text inside ``element`` (inline markup such as <i> kept as text), spaces collapsed."""
    if element is None:
        return None
    text = " ".join("".join(str(part) for part in element.itertext()).split())
    return text or None


def _int(text: str | None) -> int | None:
    """A whole number of at most 9 digits (longer digit strings are not read as numbers)."""
    return int(text) if text and text.strip().isdigit() and len(text.strip()) <= 9 else None


def _month(text: str | None) -> int | None:
    if not text:
        return None
    if text.strip().isdigit():
        return int(text) if len(text.strip()) <= 2 else None
    return _MONTHS.get(text.strip()[:3].lower())


def _parse_article(element: etree._Element, source: str) -> PubmedRecord:
    citation = element.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    pmid = _text(citation.find("PMID")) if citation is not None else None
    if citation is None or article is None or not pmid:
        raise ResolutionError("PubmedArticle without MedlineCitation/PMID/Article", source=source)
    record = PubmedRecord(pmid=pmid, kind="article", title=_text(article.find("ArticleTitle")))
    _read_journal(article, record)
    record.pages = _pages(article)
    record.abstract_sections = _abstract(article.find("Abstract"))
    record.authors = _authors(article.find("AuthorList"))
    record.language = _text(article.find("Language"))
    record.publication_types = _texts(article, "PublicationTypeList/PublicationType")
    record.mesh_headings = _texts(citation, "MeshHeadingList/MeshHeading/DescriptorName")
    _read_article_ids(element.find("PubmedData/ArticleIdList"), record)
    if record.doi is None:
        record.doi = _text(article.find("ELocationID[@EIdType='doi']"))
    return record


def _texts(element: etree._Element, path: str) -> list[str]:
    return [text for node in element.findall(path) if (text := _text(node))]


def _read_journal(article: etree._Element, record: PubmedRecord) -> None:
    journal = article.find("Journal")
    if journal is None:
        return
    record.journal = _text(journal.find("Title"))
    record.iso_abbreviation = _text(journal.find("ISOAbbreviation"))
    record.volume = _text(journal.find("JournalIssue/Volume"))
    record.issue = _text(journal.find("JournalIssue/Issue"))
    _read_date(journal.find("JournalIssue/PubDate"), record)
    if record.year is None:
        _read_date(article.find("ArticleDate"), record)


def _read_date(pub_date: etree._Element | None, record: PubmedRecord) -> None:
    if pub_date is None:
        return
    record.year = _int(_text(pub_date.find("Year")))
    record.month = _month(_text(pub_date.find("Month")))
    record.day = _int(_text(pub_date.find("Day")))
    record.medline_date = _text(pub_date.find("MedlineDate"))
    if record.year is None and record.medline_date:
        found = re.search(r"\b(1[6-9]\d\d|20\d\d)\b", record.medline_date)
        record.year = int(found.group(1)) if found else None


def _pages(article: etree._Element) -> str | None:
    start = _text(article.find("Pagination/StartPage"))
    end = _text(article.find("Pagination/EndPage"))
    if start:
        return f"{start}-{end}" if end and end != start else start
    medline = _text(article.find("Pagination/MedlinePgn"))
    if medline:
        return expand_page_range(medline)
    return _text(article.find("ELocationID[@EIdType='pii']"))


def _abstract(abstract: etree._Element | None) -> list[AbstractSection]:
    if abstract is None:
        return []
    sections = []
    for node in abstract.findall("AbstractText"):
        text = _text(node)
        if text:
            sections.append(AbstractSection(node.get("Label"), node.get("NlmCategory"), text))
    return sections


def _authors(author_list: etree._Element | None) -> list[PubmedAuthor]:
    if author_list is None:
        return []
    authors = []
    for node in author_list.findall("Author"):
        if node.get("ValidYN") == "N":
            continue
        affiliations = _texts(node, "AffiliationInfo/Affiliation")
        collective = _text(node.find("CollectiveName"))
        family = _text(node.find("LastName"))
        if family:
            given = _text(node.find("ForeName"))
            initials = _text(node.find("Initials"))
            authors.append(PubmedAuthor(family, given, initials, False, affiliations))
        elif collective:
            authors.append(PubmedAuthor(collective, collective=True, affiliations=affiliations))
    return authors


def _read_article_ids(id_list: etree._Element | None, record: PubmedRecord) -> None:
    if id_list is None:
        return
    for node in id_list.findall("ArticleId"):
        kind, value = node.get("IdType"), _text(node)
        if kind == "doi" and value and record.doi is None:
            record.doi = value
        elif kind == "pmc" and value and record.pmcid is None:
            record.pmcid = value


def _parse_book_article(element: etree._Element, source: str) -> PubmedRecord:
    document = element.find("BookDocument")
    pmid = _text(document.find("PMID")) if document is not None else None
    if document is None or not pmid:
        raise ResolutionError("PubmedBookArticle without BookDocument/PMID", source=source)
    book = document.find("Book")
    record = PubmedRecord(pmid=pmid, kind="book", title=_text(document.find("ArticleTitle")))
    if book is not None:
        record.book_title = _text(book.find("BookTitle"))
        record.publisher = _text(book.find("Publisher/PublisherName"))
        record.volume = _text(book.find("Volume"))
        _read_date(book.find("PubDate"), record)
        record.authors = _authors(book.find("AuthorList"))
    if record.title is None:
        record.title = record.book_title
    if document.find("AuthorList") is not None:
        record.authors = _authors(document.find("AuthorList"))
    record.abstract_sections = _abstract(document.find("Abstract"))
    record.language = _text(document.find("Language"))
    record.publication_types = _texts(document, "PublicationType")
    _read_article_ids(document.find("ArticleIdList"), record)
    return record


def pubmed_record_to_csl(record: PubmedRecord) -> CslItem:
    """A CSL-JSON item for a PubMed record (trailing period of the title dropped)."""
    title = record.title[:-1] if record.title and record.title.endswith(".") else record.title
    date_parts = [p for p in (record.year, record.month, record.day) if p is not None]
    if record.year is None:
        date_parts = []
    is_chapter = record.kind == "book" and record.book_title and record.title != record.book_title
    return CslItem(
        id=f"pmid:{record.pmid}",
        type="article-journal" if record.kind == "article" else "chapter" if is_chapter else "book",
        author=[
            CslName(
                family=a.family,
                given=a.given or a.initials,
                literal=a.family if a.collective else None,
            )
            for a in record.authors
        ],
        issued=CslDate(date_parts=[date_parts]) if date_parts else None,
        title=title,
        container_title=record.journal or (record.book_title if is_chapter else None),
        container_title_short=record.iso_abbreviation,
        volume=record.volume,
        issue=record.issue,
        page=record.pages,
        publisher=record.publisher,
        DOI=record.doi,
        PMID=record.pmid,
        PMCID=record.pmcid,
        URL=f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/",
        language=record.language,
        abstract=record.abstract,
    )


# --- efetch ---------------------------------------------------------------------------------

GET_MAX_IDS = 100  # above this many IDs a batch is POSTed (a GET URL would grow too long)


@dataclass(slots=True)
class EfetchOutcome:
    """Records by PMID, and ``{pmid: reason}`` for PMIDs whose batch or record failed."""

    records: dict[str, PubmedRecord] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def chunked(items: list[str], size: int) -> list[list[str]]:
    """``items`` in consecutive lists of at most ``size``."""
    step = max(1, size)
    return [items[start : start + step] for start in range(0, len(items), step)]


def article_xml(data: bytes, *, source: str) -> dict[str, str]:
    """``{pmid: the <PubmedArticle> (or book article) element as XML}`` of an efetch answer."""
    root = _parse_root(data, source)
    articles: dict[str, str] = {}
    for element in root:
        pmid = element.findtext("MedlineCitation/PMID") or element.findtext("BookDocument/PMID")
        if element.tag in ("PubmedArticle", "PubmedBookArticle") and pmid:
            articles[pmid.strip()] = etree.tostring(element, encoding="unicode")
    return articles


def fetch_pubmed_records(
    pmids: list[str],
    client: HttpClient,
    settings: Settings,
    counter: EndpointCounter,
    cache: RecordCache | None = None,
) -> EfetchOutcome:
    """efetch every PMID in batches of ``pubmed.batch_size`` (POST above ``GET_MAX_IDS``).

    With a ``cache``, PMIDs it holds (records, or PMIDs PubMed did not return) are not asked
    again, and each answer is kept per PMID."""
    outcome = EfetchOutcome()
    unique = list(dict.fromkeys(pmids))
    if cache is not None:
        known = cache.get_many("pubmed", unique)
        counter.cached["efetch"] += len(known)
        for pmid, xml in known.items():
            if xml is not None:
                wrapped = b"<PubmedArticleSet>" + xml.encode() + b"</PubmedArticleSet>"
                for record in parse_pubmed_xml(wrapped, source=f"cached PubMed record {pmid}"):
                    outcome.records[record.pmid] = record
        unique = [pmid for pmid in unique if pmid not in known]
    for batch in chunked(unique, settings.pubmed.batch_size):
        _fetch_batch(batch, client, settings, counter, outcome, cache)
    return outcome


def _fetch_batch(
    batch: list[str],
    client: HttpClient,
    settings: Settings,
    counter: EndpointCounter,
    outcome: EfetchOutcome,
    cache: RecordCache | None = None,
) -> None:
    url = settings.pubmed.base_url + "efetch.fcgi"
    form = {"db": "pubmed", "id": ",".join(batch), "retmode": "xml", **ncbi_identity(settings)}
    method = "POST" if len(batch) > GET_MAX_IDS else "GET"
    options: dict[str, Any] = {
        "accept": ("text/xml", "application/xml"),
        "expire_after": batch_expire_s(settings),
    }
    if method == "POST":
        options["data"] = form
    else:
        options["params"] = form
    try:
        result = counter.call(client, method, url, "efetch", **options)
    except EvidenceMineError as err:
        _fail_all(batch, f"efetch failed: {err}", outcome)
        return
    source = f"efetch {batch[0]}..{batch[-1]} ({len(batch)} PMIDs)"
    if _read_batch(result.content, batch, source, outcome) and cache is not None:
        articles = article_xml(result.content, source=source)
        found = {pmid: xml for pmid, xml in articles.items() if pmid in outcome.records}
        cache.put_many("pubmed", dict(found), settings.pubmed.cache_expire_s)
        absent: dict[str, str | None] = {p: None for p in batch if p not in outcome.records}
        cache.put_many("pubmed", absent, settings.pubmed.negative_cache_expire_s)


def _read_batch(data: bytes, batch: list[str], source: str, outcome: EfetchOutcome) -> bool:
    """Read one efetch answer into ``outcome``; ``True`` when it was whole (worth keeping)."""
    try:
        records = parse_pubmed_xml(data, source=source)
        failures: dict[str, str] = {}
    except ResolutionError as err:
        if not err.reason.startswith("malformed XML"):
            _fail_all(batch, str(err), outcome)
            return False
        records, failures = salvage_pubmed_articles(data, source=source)
        outcome.errors.append(f"{err} (salvaged {len(records)} of {len(batch)} records)")
        for pmid in batch:
            failures.setdefault(pmid, f"record missing from a malformed efetch answer: {err}")
    for record in records:
        outcome.records[record.pmid] = record
    for pmid, reason in failures.items():
        if pmid not in outcome.records:
            outcome.failures[pmid] = reason
    return not failures


def _fail_all(batch: list[str], reason: str, outcome: EfetchOutcome) -> None:
    outcome.errors.append(reason)
    for pmid in batch:
        outcome.failures[pmid] = reason
