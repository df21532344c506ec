"""Printed reference strings → CSL-JSON items; "Available at" links → references.

Handles the author-year styles clearinghouses print (APA-like ``Family, A.B., & Other, C.
(1991). Title. *Journal*, 62(1), 199-209.`` and Vancouver-like ``Family AB, Other C (1991)
Title. Journal 62:199-209``). Emphasis (the journal is usually italic) is used when the loader
kept it; otherwise punctuation decides.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

from evidencemine.documents.model import clean_text
from evidencemine.models import CslDate, CslItem, CslName, Identifiers, Reference
from evidencemine.references.identifiers import (
    has_identifier,
    identifiers_from_text,
    identifiers_from_url,
    merge_identifiers,
)

_YEAR = re.compile(
    r"\((?P<year>(?:19|20)\d{2})[a-z]?(?:,[^)]*)?\)|(?<=[\s,.])(?P<bare>(?:19|20)\d{2})[a-z]?[.,]"
)
_NAME = r"[^\W\d_][\w'’\-]*(?:\s+(?:[a-z]{1,3}\s+)?[^\W\d_][\w'’\-]*)*"
_APA_AUTHOR = re.compile(
    rf"(?P<family>{_NAME}),\s*(?P<given>(?:[^\W\d_][a-z]?(?:\.|(?=[\s,&]|$))\s*-?\s*)+)"
)
_VANCOUVER_AUTHOR = re.compile(
    rf"(?P<family>{_NAME})\s+(?P<given>[A-Z]{{1,3}})(?=\s*(?:,|$|\.|&|and\b))"
)
_TAIL = re.compile(
    r"^[\s,.;:]*(?:vol\.?\s*)?(?P<volume>\d+[A-Z]?)\s*(?:\((?P<issue>[^)]+)\))?\s*"
    r"(?:[,:.]\s*(?:pp?\.?\s*)?(?P<page>[A-Za-z]?\d+(?:\s*[-–—]\s*[A-Za-z]?\d+)?))?"
)
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\bet al)[.?!](?=\s+[A-Z0-9‘“'\"(])")
_REFERENCE_SHAPE = re.compile(
    rf"^\s*{_NAME},?\s+(?:[^\W\d_a-z]\.?\s?-?)+.*?\(?(?:19|20)\d{{2}}[a-z]?\)?"
)


def looks_like_reference(text: str) -> bool:
    """True for an author-year reference string (a family name, initials, a year, a title)."""
    text = clean_text(text)
    return (
        len(text) > 30
        and bool(_REFERENCE_SHAPE.match(text))
        and bool(_YEAR.search(text))
        and len(text.split()) >= 6
    )


def _initials(given: str) -> str:
    letters = re.findall(r"[^\W\d_][a-z]?", given)
    return " ".join(f"{letter}." for letter in letters)


def parse_authors(text: str) -> list[CslName]:
    """``Lieberman, A.F., Weston, D.R., & Pawl, J.H.`` → family names with initials."""
    text = re.sub(r"\bet al\.?", "", text).strip(" ,&")
    names = [
        CslName(family=m["family"].strip(), given=_initials(m["given"]))
        for m in _APA_AUTHOR.finditer(text)
    ]
    if names:
        return names
    parts = re.split(r",\s*|\s+(?:&|and)\s+", text)
    out: list[CslName] = []
    for part in parts:
        match = _VANCOUVER_AUTHOR.fullmatch(part.strip().rstrip("."))
        if match:
            out.append(CslName(family=match["family"], given=_initials(match["given"])))
    return out


def _split_title_container(rest: str, italic: Sequence[str]) -> tuple[str, str | None, str]:
    """Title, container title and the tail after the container (volume, issue, pages)."""
    for candidate in italic:
        index = rest.find(candidate)
        if index > 0:
            title = rest[:index].strip(" ,.;:")
            return title, candidate.strip(" ,.;:"), rest[index + len(candidate) :]
    match = _SENTENCE_END.search(rest)
    if not match:
        return rest.strip(" ,.;:"), None, ""
    title = rest[: match.start() + 1].strip(" ,;:").rstrip(".")
    after = rest[match.end() :]
    vol = re.search(
        r"[,.]?\s*(?:vol\.?\s*)?\d+[A-Z]?\s*(?:\([^)]*\))?\s*[,:.]\s*(?:pp?\.?\s*)?[A-Za-z]?\d+",
        after,
    )
    if vol:
        return title, after[: vol.start()].strip(" ,.;:"), after[vol.start() :]
    return title, after.strip(" ,.;:") or None, ""


def _reference_id(raw: str, authors: list[CslName], year: int | None) -> str:
    family = authors[0].family if authors else "anon"
    slug = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "", slug) or "anon"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:6]
    return f"{slug}{year or ''}-{digest}"


def parse_reference(
    raw: str, *, italic: Sequence[str] = (), links: Sequence[str] = ()
) -> Reference:
    """One printed reference → :class:`Reference` with a CSL-JSON item and identifiers."""
    raw = clean_text(raw)
    year_match = _YEAR.search(raw)
    year = int(year_match["year"] or year_match["bare"]) if year_match else None
    head = raw[: year_match.start()] if year_match else ""
    rest = raw[year_match.end() :] if year_match else raw
    rest = re.sub(r"\s*(?:https?://\S+|doi:\s*\S+|PMID:?\s*\d+|PMCID:?\s*PMC\d+)", "", rest)
    authors = parse_authors(head)
    title, container, tail = _split_title_container(rest.strip(" .,"), italic)
    tail_match = _TAIL.match(tail) if tail else None
    page = tail_match["page"] if tail_match else None
    csl = CslItem(
        id=_reference_id(raw, authors, year),
        type="article-journal" if container else "book",
        author=authors,
        issued=CslDate(date_parts=[[year]]) if year else None,
        title=title or None,
        container_title=container,
        volume=tail_match["volume"] if tail_match else None,
        issue=tail_match["issue"] if tail_match else None,
        page=re.sub(r"\s*[–—-]\s*", "-", page) if page else None,
    )
    ids = identifiers_from_text(raw)
    for url in links:
        ids = merge_identifiers(ids, identifiers_from_url(url))
    return Reference(raw=raw, identifiers=ids, links=list(links), csl=csl)


def attach_links(
    references: list[Reference], links: Sequence[str]
) -> tuple[list[Reference], list[str]]:
    """Match a study's "Available at" links to its references, in order.

    Links go one to one, in order, to the references that carry no identifier of their own
    (or to all references when the counts match); a single reference takes every link. A link
    that cannot be matched this way is returned, to stay on the study.
    """
    links = list(dict.fromkeys(links))
    if not links or not references:
        return references, links
    needing = [i for i, ref in enumerate(references) if not has_identifier(ref.identifiers)]
    if len(references) == 1:
        targets = [0] * len(links)
    elif len(links) == len(needing):
        targets = needing
    elif len(links) == len(references):
        targets = list(range(len(references)))
    else:
        return references, links
    out = list(references)
    for index, url in zip(targets, links, strict=True):
        ref = out[index]
        out[index] = ref.model_copy(
            update={
                "links": [*ref.links, url],
                "identifiers": merge_identifiers(ref.identifiers, identifiers_from_url(url)),
            }
        )
    return out, []


def identifiers_of(references: Sequence[Reference]) -> list[Identifiers]:
    return [ref.identifiers for ref in references]
