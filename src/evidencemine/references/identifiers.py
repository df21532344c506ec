"""Identifiers read from links and printed text: PMID, PMCID, DOI and JSTOR stable ids.

The one identifier parser: reference parsing (``evidencemine.references``) and citation
resolution (``evidencemine.resolvers``) both read identifiers here. A JSTOR stable id gives a
*candidate* DOI ``10.2307/<id>`` (:func:`jstor_candidate_doi`); it is looked up and verified,
never taken as proof of anything by its prefix, and a JSTOR link is never read as a DOI.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from evidencemine.models import Identifiers, Reference

_PMID_LINK = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/?"
    r"|ncbi\.nlm\.nih\.gov/entrez/query\.fcgi\?.*?list_uids="
    r"|europepmc\.org/(?:abstract|article)/MED/)(\d{1,9})\b",
    re.IGNORECASE,
)
_PMID_TEXT = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_PMCID = re.compile(r"\b(PMC\d{3,9})\b", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>\]]+)", re.IGNORECASE)
_JSTOR = re.compile(
    r"jstor\.org/stable/(?:pdf/)?(?:10\.2307/)?([0-9A-Za-z][0-9A-Za-z._-]*)", re.IGNORECASE
)
_TRAILING = ".,;:)]}'\""


def clean_doi(doi: str) -> str:
    """Lower-case, unquote and strip a DOI of trailing punctuation (a closing bracket stays
    when it closes one inside the DOI), URL fragments and Markdown escapes (``\\_``)."""
    doi = re.sub(r"\\+_", "_", unquote(doi).split("#")[0].split("?")[0])
    while doi and doi[-1] in _TRAILING:
        if doi[-1] == ")" and doi.count("(") >= doi.count(")"):
            break
        doi = doi[:-1]
    return doi.lower()


def _clean_stable_id(raw: str) -> str:
    stable = raw.replace("\\", "")
    return stable[: -len(".pdf")] if stable.lower().endswith(".pdf") else stable.rstrip(".")


def _first(pattern: re.Pattern[str], texts: list[str]) -> str | None:
    for text in texts:
        found = pattern.search(text)
        if found:
            return found.group(1)
    return None


def identifiers_in(texts: list[str]) -> Identifiers:
    """Identifiers found in URLs or free text, the first of each kind in the order given
    (links first when they come first); a PMID from a PubMed link wins over ``PMID: n``."""
    pmid = _first(_PMID_LINK, texts) or _first(_PMID_TEXT, texts)
    pmcid = _first(_PMCID, texts)
    jstor = _first(_JSTOR, texts)
    doi_texts = [unquote(text) for text in texts if "jstor.org/stable" not in text.lower()]
    doi = _first(_DOI, doi_texts)
    return Identifiers(
        pmid=pmid,
        pmcid=pmcid.upper() if pmcid else None,
        doi=clean_doi(doi) if doi else None,
        jstor=_clean_stable_id(jstor) if jstor else None,
    )


def identifiers_from_url(url: str) -> Identifiers:
    """What a link says about the paper it points to."""
    return identifiers_in([url])


def identifiers_from_text(text: str) -> Identifiers:
    """Identifiers printed in a reference string (``doi:10...``, ``PMID: 123``, ``PMC123``)."""
    return identifiers_in([text])


def merge_identifiers(first: Identifiers, second: Identifiers) -> Identifiers:
    """Fields of ``first``, filled from ``second`` where ``first`` has none."""
    data = first.model_dump()
    for key, value in second.model_dump().items():
        if data.get(key) is None and value is not None:
            data[key] = value
    return Identifiers(**data)


def has_identifier(ids: Identifiers) -> bool:
    return any(value is not None for value in ids.model_dump().values())


def reference_identifiers(reference: Reference) -> Identifiers:
    """The reference's own identifiers, completed from its links and printed text."""
    return merge_identifiers(
        reference.identifiers, identifiers_in([*reference.links, reference.raw])
    )


def jstor_candidate_doi(stable_id: str) -> str:
    """The JSTOR-assigned DOI string for a stable id (a candidate to look up, not a fact)."""
    return stable_id if stable_id.startswith("10.2307/") else f"10.2307/{stable_id}"
