"""Pieces shared by the source adapters: record ids, slugs, dates, page metadata."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from evidencemine.documents.model import Document
from evidencemine.models import Programme, ProgrammeRecord, Review, SourceInfo, Study

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTH_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?\s+((?:19|20)\d{2})\b")
_ISO_DATE = re.compile(r"\b((?:19|20)\d{2})-(\d{2})(?:-(\d{2}))?\b")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:120] or "untitled"


def slug_from_url(url: str | None) -> str | None:
    if not url:
        return None
    path = unquote(urlsplit(url).path).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    last = re.sub(r"\.(html?|php|aspx?|pdf|txt)$", "", last, flags=re.I)
    return slugify(last) if last else None


def month_date(text: str) -> str | None:
    """``"March 2017"`` → ``"2017-03"``; ``"2017-03-05"`` stays; None when no date."""
    if match := _ISO_DATE.search(text):
        return "-".join(p for p in match.groups() if p)
    for match in _MONTH_YEAR.finditer(text):
        month = next(
            (n for name, n in MONTHS.items() if name.startswith(match[1].lower()[:3])), None
        )
        if month and len(match[1]) >= 3:
            return f"{match[2]}-{month:02d}"
    return None


_PUBLISHED = re.compile(r"\bPublished:?\s+([^|]+)", re.I)
_UPDATED = re.compile(r"\b(?:Last updated|Updated):?\s+([^|]+)", re.I)
_DOWNLOADED = re.compile(r"\bDownloaded from:?\s+(\S+)", re.I)
_REVIEW = re.compile(r"^Review:?\s+(?P<name>.+?)(?:,\s*(?P<date>[A-Za-z]+\.?\s+\d{4}))?\s*$", re.I)


class PageMeta:
    """Publication metadata printed on a page (published / updated / review / source URL)."""

    def __init__(self, document: Document) -> None:
        self.published: str | None = None
        self.updated: str | None = None
        canonical = document.meta.get("canonical", "")
        absolute = canonical if canonical.startswith(("http://", "https://")) else None
        self.url: str | None = document.url or absolute
        self.review: Review | None = None
        self.lines: set[str] = set()
        for block in document.blocks[:60]:
            self._read(block.text, [link.url for link in block.links])
        for line in document.meta.get("running_text", "").splitlines():
            self._read(line.strip(), [])  # a PDF's repeated header/footer lines

    def _read(self, text: str, links: list[str]) -> None:
        matched = False
        if (m := _PUBLISHED.search(text)) and not self.published:
            self.published, matched = month_date(m[1]), True
        if (m := _UPDATED.search(text)) and not self.updated:
            self.updated, matched = month_date(m[1]), True
        if (m := _DOWNLOADED.search(text)) and text.lower().startswith("downloaded"):
            self.url = self.url or (links[0] if links else m[1].strip("<>"))
            matched = True
        if (m := _REVIEW.match(text)) and not self.review:
            self.review = Review(name=m["name"].strip(), date=month_date(m["date"] or ""))
            matched = True
        if matched:
            self.lines.add(text)


def build_record(
    document: Document,
    meta: PageMeta,
    kind: str,
    programme: Programme,
    studies: list[Study],
    *,
    id_kind: str | None = None,
) -> ProgrammeRecord:
    """The record of a parsed page: id and slug from the URL (else the name), source info.

    A page reached through a redirect (an old EIF address now served by Foundations) keeps
    the id of its first address, which is kept as an alias: one programme, one record id
    across the move. ``id_kind`` is the id's namespace when it differs from the page's kind.
    """
    redirected = document.meta.get("redirected_from")
    slug = slug_from_url(redirected or meta.url) or slugify(programme.name)
    source = SourceInfo(
        url=meta.url,
        path=document.path,
        kind=kind,
        media_type=document.media_type,
        fetched_at=document.fetched_at,
        content_sha256=document.content_sha256,
        published=meta.published,
        updated=meta.updated,
        review=meta.review,
    )
    if redirected and redirected != meta.url:
        source.aliases = [redirected]
    return ProgrammeRecord(
        id=f"{id_kind or kind}/{slug}",
        slug=slug,
        source=source,
        programme=programme,
        studies=studies,
    )
