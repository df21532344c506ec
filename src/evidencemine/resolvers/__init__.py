"""Citation resolution: PubMed E-utilities (efetch, ECitMatch, ID converter) and Crossref.

Public API::

    resolve_references(references, client, settings, *, now=None) -> ResolveReport
    parse_pubmed_xml(data, *, source) -> list[PubmedRecord]
    crossref_work_to_csl(message) -> CslItem
"""

from evidencemine.resolvers.crossref import crossref_work_to_csl
from evidencemine.resolvers.pubmed import PubmedRecord, parse_pubmed_xml, pubmed_record_to_csl
from evidencemine.resolvers.resolve import ResolveReport, resolve_references

__all__ = [
    "PubmedRecord",
    "ResolveReport",
    "crossref_work_to_csl",
    "parse_pubmed_xml",
    "pubmed_record_to_csl",
    "resolve_references",
]
