"""Source adapters: one per kind of page, found through a registry, chosen by URL and content
(or forced by a configured source's ``kind``).

An adapter is registered with :func:`register_adapter`; :func:`adapters` lists them in
registration order and :func:`kinds` their names. Every page is cleaned of chrome
(:func:`evidencemine.sources.chrome.strip_chrome`) before detection and parsing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from evidencemine.documents.model import Document
from evidencemine.errors import NotProgrammePageError, UnknownKindError
from evidencemine.models import ProgrammeRecord


@dataclass(frozen=True, slots=True)
class Adapter:
    kind: str
    detect: Callable[[Document], float]
    parse: Callable[[Document], ProgrammeRecord]
    aliases: tuple[str, ...] = ()  # other kind names that select this adapter


_REGISTRY: dict[str, Adapter] = {}
_LOCK = threading.RLock()
_BUILTINS = False
MIN_SCORE = 0.4


def register_adapter(adapter: Adapter, *, replace: bool = False) -> Adapter:
    """Add an adapter to the registry (an existing kind is an error unless ``replace``)."""
    with _LOCK:
        if adapter.kind in _REGISTRY and not replace:
            raise ValueError(f"an adapter of kind {adapter.kind!r} is already registered")
        _REGISTRY[adapter.kind] = adapter
    return adapter


def _register_builtins() -> None:
    global _BUILTINS
    if _BUILTINS:
        return
    with _LOCK:
        if _BUILTINS:
            return
        from evidencemine.sources import eif, guidebooks, paper, research_project

        builtins = [
            Adapter(eif.KIND, eif.detect, eif.parse_eif_page),
            *guidebooks.ADAPTERS,
            Adapter(
                research_project.KIND,
                research_project.detect,
                research_project.parse_research_project_page,
            ),
            Adapter(paper.KIND, paper.detect, paper.parse_paper_page),
        ]
        for adapter in builtins:
            _REGISTRY.setdefault(adapter.kind, adapter)
        _BUILTINS = True


def adapters() -> tuple[Adapter, ...]:
    """The registered adapters, in registration order."""
    _register_builtins()
    with _LOCK:
        return tuple(_REGISTRY.values())


def kinds() -> tuple[str, ...]:
    """The kind names of the registered adapters."""
    return tuple(adapter.kind for adapter in adapters())


def adapter_for(kind: str, *, source: str | None = None) -> Adapter:
    """The adapter of ``kind`` (or of one of its aliases); :class:`UnknownKindError` if none."""
    for adapter in adapters():
        if kind == adapter.kind or kind in adapter.aliases:
            return adapter
    known = kinds()
    raise UnknownKindError(
        f"unknown kind {kind!r} (known: {', '.join(known)})", source=source, tried=known
    )


def _clean(document: Document, boilerplate: Iterable[str] = ()) -> Document:
    from evidencemine.sources.chrome import strip_chrome

    return strip_chrome(document, boilerplate)


def refuse_non_programme(document: Document) -> None:
    """Raise :class:`NotProgrammePageError` for a page that is no programme page (a guidebook's
    help page, another clearinghouse's page), with the reason (see :mod:`.classify`)."""
    from evidencemine.sources.classify import refusal

    if reason := refusal(document):
        raise NotProgrammePageError(f"refused: {reason}", source=document.origin, tried=kinds())


def detect_kind(document: Document) -> str:
    """The kind of page, from its URL and content; :class:`NotProgrammePageError` for a page
    refused on purpose, :class:`UnknownKindError` when no kind fits."""
    refuse_non_programme(document)
    registered = adapters()
    tried = tuple(a.kind for a in registered)
    scored = sorted(
        ((a.detect(document), -i, a.kind) for i, a in enumerate(registered)), reverse=True
    )
    score, _, kind = scored[0]
    if score < MIN_SCORE:
        raise UnknownKindError(
            f"page is no known kind (tried: {', '.join(tried)})",
            source=document.origin,
            tried=tried,
        )
    return kind


def parse_document(
    document: Document,
    *,
    kind: str | None = None,
    prefer: str | None = None,
    boilerplate: Iterable[str] = (),
) -> ProgrammeRecord:
    """Parse a loaded page into a programme record; ``kind`` forces an adapter ("auto"/None
    detects). ``prefer`` (a configured source's kind) wins detection whenever its adapter
    accepts the page and no other adapter is plainly surer of it. Chrome (and the site's
    ``boilerplate`` lines, when known) is removed first."""
    document = _clean(document, boilerplate)
    if kind in (None, "auto"):
        kind = detect_kind(document)
        if prefer and prefer != kind:
            preferred = adapter_for(prefer, source=document.origin)
            best = adapter_for(kind, source=document.origin)
            score = preferred.detect(document)
            if score >= MIN_SCORE and score >= best.detect(document) - 0.1:
                kind = preferred.kind
    else:
        refuse_non_programme(document)  # a forced kind does not make a help page a programme
    return adapter_for(kind, source=document.origin).parse(document)


def __getattr__(name: str) -> object:
    # the names of the first release: a snapshot of the registry
    if name == "ADAPTERS":
        return adapters()
    if name == "KINDS":
        return kinds()
    raise AttributeError(name)


__all__ = [
    "Adapter",
    "adapter_for",
    "adapters",
    "detect_kind",
    "kinds",
    "parse_document",
    "refuse_non_programme",
    "register_adapter",
]
