"""Identifiers read from a reference's links and printed text: PMID, PMCID, DOI, JSTOR stable id.

A JSTOR stable id gives a *candidate* DOI ``10.2307/<id>``; it is looked up and verified,
never taken as proof of anything by its prefix.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from evidencemine.models import Identifiers, Reference

_PMID_LINK = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|europepmc\.org/(?:abstract|article)/MED/)(\d{1,9})\b",
    re.I,
)
_PMID_TEXT = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.I)
_PMCID = re.compile(r"\b(PMC\d{3,9})\b", re.I)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>\]]+)", re.I)
_JSTOR = re.compile(r"jstor\.org/stable/(?:pdf/)?(?:10\.2307/)?([0-9A-Za-z][0-9A-Za-z._-]*)", re.I)
_TRAILING = ".,;:)]}'"


def _clean_doi(raw: str) -> str:
    doi = unquote(raw).rstrip(_TRAILING)
    if doi.count("(") < doi.count(")"):
        doi = doi.rstrip(")")
    return re.sub(r"[\\]+_", "_", doi)


def _clean_stable_id(raw: str) -> str:
    stable = raw.replace("\\", "")
    return stable[: -len(".pdf")] if stable.lower().endswith(".pdf") else stable.rstrip(".")


def _first(pattern: re.Pattern[str], texts: list[str]) -> str | None:
    for text in texts:
        found = pattern.search(text)
        if found:
            return found.group(1)
    return None


def identifiers_from_text(texts: list[str]) -> Identifiers:
    """Identifiers found in URLs or free text (links first, in the order given)."""
    pmid = _first(_PMID_LINK, texts) or _first(_PMID_TEXT, texts)
    pmcid = _first(_PMCID, texts)
    jstor = _first(_JSTOR, texts)
    doi_texts = [text for text in texts if "jstor.org/stable" not in text.lower()]
    doi = _first(_DOI, doi_texts)
    return Identifiers(
        pmid=pmid,
        pmcid=pmcid.upper() if pmcid else None,
        doi=_clean_doi(doi) if doi else None,
        jstor=_clean_stable_id(jstor) if jstor else None,
    )


def reference_identifiers(reference: Reference) -> Identifiers:
    """The reference's own identifiers, completed from its links and printed text."""
    found = identifiers_from_text([*reference.links, reference.raw])
    own = reference.identifiers
    return Identifiers(
        pmid=own.pmid or found.pmid,
        pmcid=own.pmcid or found.pmcid,
        doi=own.doi or found.doi,
        jstor=own.jstor or found.jstor,
    )


def jstor_candidate_doi(stable_id: str) -> str:
    """The JSTOR-assigned DOI string for a stable id (a candidate to look up, not a fact)."""
    return stable_id if stable_id.startswith("10.2307/") else f"10.2307/{stable_id}"
