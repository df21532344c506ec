"""Reference strings, CSL-JSON items and identifiers."""

from evidencemine.references.identifiers import (
    clean_doi,
    identifiers_from_text,
    identifiers_from_url,
)
from evidencemine.references.parse import (
    attach_links,
    looks_like_reference,
    parse_authors,
    parse_reference,
)

__all__ = [
    "attach_links",
    "clean_doi",
    "identifiers_from_text",
    "identifiers_from_url",
    "looks_like_reference",
    "parse_authors",
    "parse_reference",
]
