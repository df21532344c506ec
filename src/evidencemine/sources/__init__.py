"""Source adapters: one per kind of page, chosen by URL and content (or forced)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from evidencemine.documents.model import Document
from evidencemine.errors import UnknownKindError
from evidencemine.models import ProgrammeRecord
from evidencemine.sources import eif, paper, research_project


@dataclass(frozen=True, slots=True)
class Adapter:
    kind: str
    detect: Callable[[Document], float]
    parse: Callable[[Document], ProgrammeRecord]


ADAPTERS: tuple[Adapter, ...] = (
    Adapter(eif.KIND, eif.detect, eif.parse_eif_page),
    Adapter(
        research_project.KIND, research_project.detect, research_project.parse_research_project_page
    ),
    Adapter(paper.KIND, paper.detect, paper.parse_paper_page),
)
KINDS = tuple(adapter.kind for adapter in ADAPTERS)
MIN_SCORE = 0.4


def detect_kind(document: Document) -> str:
    """The kind of page, from its URL and content; :class:`UnknownKindError` when none fits."""
    scored = sorted(((a.detect(document), a.kind) for a in ADAPTERS), reverse=True)
    score, kind = scored[0]
    if score < MIN_SCORE:
        raise UnknownKindError(
            f"page is no known kind (tried: {', '.join(KINDS)})",
            source=document.origin,
            tried=KINDS,
        )
    return kind


def parse_document(document: Document, *, kind: str | None = None) -> ProgrammeRecord:
    """Parse a loaded page into a programme record; ``kind`` forces an adapter ("auto"/None
    detects)."""
    if kind in (None, "auto"):
        kind = detect_kind(document)
    for adapter in ADAPTERS:
        if adapter.kind == kind:
            return adapter.parse(document)
    raise UnknownKindError(
        f"unknown kind {kind!r} (known: {', '.join(KINDS)})", source=document.origin, tried=KINDS
    )


__all__ = ["ADAPTERS", "KINDS", "detect_kind", "parse_document"]
