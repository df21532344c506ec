"""Is a page a guidebook programme page, or a page to refuse (help page, other clearinghouse)?

Detection consults this before any adapter scores a page:

- :func:`refusal` gives a one-line reason for a page that is no programme page: a guidebook's
  help page (FAQs, "getting your programme assessed": they reuse the programme pages' chrome
  but have no "EIF Programme Assessment" block and no rating value), or a page of another
  clearinghouse (by host, or by its signature lines when the host is unknown).
- :func:`is_guidebook` says whether a page carries a guidebook anchor; such a page is never
  taken for a research-project page.

The words and hosts are data: ``evidencemine/data/classify.toml``. Rating labels are found
by the one label reader (:mod:`evidencemine.sources.labels`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from evidencemine.documents.model import Document
from evidencemine.sources.labels import Line, document_lines, norm, read_pairs, vocabulary


@cache
def data_file(name: str) -> dict[str, Any]:
    """A TOML data file shipped with the package (``evidencemine/data/<name>.toml``)."""
    path = resources.files("evidencemine").joinpath("data", f"{name}.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


_RATING_VALUE = re.compile(r"^(?:[1-5]\+?|nl2|ne|na|n/a)$", re.I)
_QUESTION = re.compile(r"\?\s*$")


@dataclass(frozen=True, slots=True)
class _Rules:
    anchors: frozenset[str]
    hosts: frozenset[str]
    programme_paths: tuple[re.Pattern[str], ...]
    clearinghouse_hosts: dict[str, str]
    signatures: tuple[tuple[str, int, tuple[re.Pattern[str], ...]], ...]
    mentions: tuple[re.Pattern[str], ...]
    help_titles: frozenset[str]
    min_questions: int


@cache
def _rules() -> _Rules:
    vocab = data_file("classify")
    guidebook, help_ = vocab["guidebook"], vocab["help"]
    return _Rules(
        anchors=frozenset(guidebook["anchors"]),
        hosts=frozenset(guidebook["hosts"]),
        programme_paths=tuple(re.compile(p) for p in guidebook["programme_paths"]),
        clearinghouse_hosts=dict(vocab["clearinghouses"]["hosts"]),
        signatures=tuple(
            (sig["name"], int(sig["need"]), tuple(re.compile(p, re.I) for p in sig["lines"]))
            for sig in vocab["clearinghouses"]["signatures"].values()
        ),
        mentions=tuple(re.compile(p) for p in help_["mentions"]),
        help_titles=frozenset(help_["titles"]),
        min_questions=int(help_["min_questions"]),
    )


def _url(document: Document) -> str:
    canonical = document.meta.get("canonical", "")
    return document.url or (canonical if canonical.startswith(("http://", "https://")) else "")


def _keys(lines: list[Line]) -> list[str]:
    return [norm(line.text).rstrip(":").strip() for line in lines]


def guidebook_anchors(document: Document) -> list[str]:
    """The guidebook anchors the page holds (normalised), in page order."""
    anchors = _rules().anchors
    return [key for key in _keys(document_lines(document)) if key in anchors]


def _has_rating_block(lines: list[Line]) -> bool:
    """The guidebook's top block: both rating labels, with a rating value or a review line
    beside them ("Evidence rating" / "2", "Evidence rating: 2+", "Review: March 2017")."""
    pairs = read_pairs(lines, vocabulary(), {"evidence_rating", "cost_rating", "review"})
    fields = {p.field for p in pairs}
    if any(p.field == "evidence_rating" and _RATING_VALUE.match(p.value) for p in pairs):
        return True
    if not {"evidence_rating", "cost_rating"} <= fields:
        return False
    return any(
        (p.field == "review" and p.value)
        or (p.field == "cost_rating" and _RATING_VALUE.match(p.value))
        for p in pairs
    )


def is_guidebook(document: Document) -> bool:
    """Whether the page is a guidebook programme page (EIF, Foundations, a mirror) by content."""
    lines = document_lines(document)
    anchors = _rules().anchors
    return any(key in anchors for key in _keys(lines)) or _has_rating_block(lines)


def _clearinghouse(document: Document, lines: list[Line]) -> str | None:
    host = (urlsplit(_url(document)).hostname or "").lower()
    hosts = _rules().clearinghouse_hosts
    if host in hosts:
        return f"a page of another clearinghouse ({hosts[host]}, {host}), not a guidebook page"
    signatures = _rules().signatures
    for name, need, patterns in signatures:
        hits = [
            next(line.text for line in lines if p.search(line.text))
            for p in patterns
            if any(p.search(line.text) for line in lines)
        ]
        if len(hits) >= need:
            shown = hits[0] if len(hits[0]) <= 60 else hits[0][:57] + "..."
            return f"a page of another clearinghouse ({name}: '{shown}'), not a guidebook page"
    return None


def _help_page(document: Document, lines: list[Line]) -> str | None:
    url = _url(document)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    rules = _rules()
    hosts, paths = rules.hosts, rules.programme_paths
    if host in hosts and not any(p.search(parts.path) for p in paths):
        return (
            f"a help page of the guidebook ({parts.path or '/'}), not a programme page: "
            "no 'EIF Programme Assessment' block and no rating"
        )
    if url and host not in hosts:
        return None  # a page elsewhere is judged by the other rules, not as a help page
    text = "\n".join(line.text for line in lines)
    if not any(p.search(text) for p in rules.mentions):
        return None
    questions = [
        line for line in lines if _QUESTION.search(line.text) and len(line.text.split()) <= 16
    ]
    titled = next((line.text for line in lines[:6] if norm(line.text) in rules.help_titles), None)
    opens_with_question = bool(questions) and questions[0] is lines[0]
    if titled or (opens_with_question and len(questions) >= rules.min_questions):
        what = f"'{titled}'" if titled else f"{len(questions)} questions as headings"
        return (
            f"a help page of the guidebook ({what}), not a programme page: "
            "no 'EIF Programme Assessment' block and no rating"
        )
    return None


def refusal(document: Document) -> str | None:
    """Why the page is no programme page to read, or None when it may be one."""
    lines = document_lines(document)
    if reason := _clearinghouse(document, lines):
        return reason
    if is_guidebook(document):
        return None
    return _help_page(document, lines)


__all__ = ["guidebook_anchors", "is_guidebook", "refusal"]
