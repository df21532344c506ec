"""Identifiers read from links and text: PMID, PMCID, DOI and JSTOR stable ids."""

from __future__ import annotations

import re
from urllib.parse import unquote

from evidencemine.models import Identifiers

_PUBMED_URL = re.compile(
    r"(?:ncbi\.nlm\.nih\.gov/(?:pubmed|entrez/query\.fcgi\?.*?list_uids=)/?|pubmed\.ncbi\.nlm\.nih\.gov/)"
    r"(\d{1,9})\b",
    re.IGNORECASE,
)
_PMC_URL = re.compile(
    r"(?:/pmc/articles/|europepmc\.org/(?:article/pmc/|abstract/pmc/))(PMC\d+)", re.I
)
_JSTOR_URL = re.compile(r"jstor\.org/stable/(?:10\.2307/)?(\d+)\b", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_PMID_TEXT = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
_PMCID_TEXT = re.compile(r"\b(PMC\d{4,9})\b")
_TRAILING = ".,;:)]}'\""


def clean_doi(doi: str) -> str:
    """Lower-case, unquote and strip a DOI of trailing punctuation and URL fragments."""
    doi = unquote(doi).split("#")[0].split("?")[0]
    while doi and doi[-1] in _TRAILING:
        if doi[-1] == ")" and doi.count("(") >= doi.count(")"):
            break
        doi = doi[:-1]
    return doi.lower()


def identifiers_from_url(url: str) -> Identifiers:
    """What a link says about the paper it points to."""
    ids = Identifiers()
    if match := _PUBMED_URL.search(url):
        ids.pmid = match[1]
    if match := _PMC_URL.search(url):
        ids.pmcid = match[1].upper()
    if match := _JSTOR_URL.search(url):
        ids.jstor = match[1]
    if match := _DOI.search(unquote(url)):
        ids.doi = clean_doi(match[1])
    return ids


def identifiers_from_text(text: str) -> Identifiers:
    """Identifiers printed in a reference string (``doi:10...``, ``PMID: 123``, ``PMC123``)."""
    ids = Identifiers()
    if match := _PMID_TEXT.search(text):
        ids.pmid = match[1]
    if match := _PMCID_TEXT.search(text):
        ids.pmcid = match[1]
    if match := _JSTOR_URL.search(text):
        ids.jstor = match[1]
    if match := _DOI.search(text):
        ids.doi = clean_doi(match[1])
    return ids


def merge_identifiers(first: Identifiers, second: Identifiers) -> Identifiers:
    """Fields of ``first``, filled from ``second`` where ``first`` has none."""
    data = first.model_dump()
    for key, value in second.model_dump().items():
        if data.get(key) is None and value is not None:
            data[key] = value
    return Identifiers(**data)


def has_identifier(ids: Identifiers) -> bool:
    return any(value is not None for value in ids.model_dump().values())
