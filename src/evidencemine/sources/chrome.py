"""Page chrome removed before any parsing, and the programme name that is left.

Chrome is what a site prints around the content: skip links (even doubled on one line),
menus, breadcrumbs, cookie banners, logos, "Document Actions", "Show Menu", "You are here:",
help links ("What does the evidence rating mean?") and an empty "Review:". The wordings are data
(``[chrome]`` in ``evidencemine/data/labels.toml``). Per-site boilerplate (lines that repeat on
most pages of one host in a run) is learnt by :class:`Boilerplate`, which the pipeline feeds and
reports; :func:`strip_chrome` removes the lines it is given (the pipeline does not apply what it
learns mid-run, so a record never depends on the order its site's pages were parsed in).

Public API: ``is_chrome(text)``, ``strip_chrome(document, boilerplate=())``,
``Boilerplate`` (``add(url, document)``, ``lines(url)``, ``report()``), ``NameChoice`` and
``choose_name(candidates, url)``.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from evidencemine.documents.model import Block, BlockKind, Document
from evidencemine.sources.labels import document_lines, is_label_line, norm, vocabulary


def is_chrome(text: str, boilerplate: Iterable[str] = ()) -> bool:
    """True for a line of page chrome (or a known boilerplate line of the site)."""
    vocab = vocabulary()
    key = norm(text)
    if not key:
        return False
    if key in vocab.chrome_lines or key in set(boilerplate):
        return True
    raw = re.sub(r"\s+", " ", text.strip().lower().replace("’", "'"))
    if any(raw.startswith(prefix) for prefix in vocab.chrome_prefixes):
        return True
    # "Skip to main content Skip to main content": a chrome line repeated
    for line in vocab.chrome_lines:
        if len(line.split()) >= 2 and key.startswith(line):
            rest = key
            while rest.startswith(line):
                rest = rest[len(line) :].strip()
            if not rest:
                return True
    label = key.rstrip(":").strip()
    return text.strip().endswith(":") and label in vocab.chrome_empty_labels


def _title_like(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 14
        and not text.rstrip().endswith((".", ":", ";", ","))
        and vocabulary().field_of(text.rstrip(":")) is None
        and not is_label_line(text)
        and text[:1].isalnum()
    )


def strip_chrome(document: Document, boilerplate: Iterable[str] = ()) -> Document:
    """A copy of ``document`` without chrome blocks or chrome lines inside blocks. When the
    page's top heading was chrome ("Skip to content" read as a title), the first title-like
    line that is left before any label becomes the level-1 heading."""
    known = {norm(b) for b in boilerplate}
    kept: list[Block] = []
    dropped_title = False
    for block in document.blocks:
        if block.kind is BlockKind.RULE:
            kept.append(block)
            continue
        text = (
            f"{block.label}: {block.text}"
            if block.kind is BlockKind.LABEL_VALUE and block.label
            else block.text
        )
        if block.lines and block.kind is not BlockKind.LABEL_VALUE:
            parts = [p for p in block.lines if not is_chrome(p, known)]
            if len(parts) != len(block.lines):
                if not parts:
                    dropped_title |= block.kind is BlockKind.HEADING and block.level == 1
                    continue
                block = dataclasses.replace(
                    block, text=" ".join(parts), lines=tuple(parts) if len(parts) > 1 else ()
                )
            kept.append(block)
            continue
        if is_chrome(text, known) or (
            block.kind is BlockKind.LABEL_VALUE
            and is_chrome(block.label or "", known)
            and not block.text
        ):
            dropped_title |= block.kind is BlockKind.HEADING and block.level == 1
            continue
        kept.append(block)
    if dropped_title or not any(b.kind is BlockKind.HEADING and b.level == 1 for b in kept):
        kept = _promote_title(kept) if dropped_title else kept
    return dataclasses.replace(document, blocks=kept)


def _promote_title(blocks: list[Block]) -> list[Block]:
    """The first title-like paragraph before any label becomes the page's level-1 heading."""
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.RULE:
            continue
        if block.kind is BlockKind.HEADING:
            return blocks
        first = block.lines[0] if block.lines else block.text
        if block.kind is BlockKind.PARAGRAPH and _title_like(first):
            title = Block(BlockKind.HEADING, first, level=1, links=block.links)
            rest: list[Block] = []
            if block.lines[1:]:
                remaining = block.lines[1:]
                rest = [
                    dataclasses.replace(
                        block,
                        text=" ".join(remaining),
                        lines=remaining if len(remaining) > 1 else (),
                    )
                ]
            return [*blocks[:index], title, *rest, *blocks[index + 1 :]]
        return blocks
    return blocks


class Boilerplate:
    """Lines that repeat on most pages of one host in a run: that site's boilerplate.

    Feed every page of a run with :meth:`add`; :meth:`lines` gives the host's boilerplate once
    at least ``min_pages`` pages of it were seen: lines on at least ``share`` of them.
    """

    def __init__(self, *, min_pages: int = 3, share: float = 0.6) -> None:
        self.min_pages = min_pages
        self.share = share
        self._pages: Counter[str] = Counter()
        self._lines: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def add(self, url: str | None, document: Document) -> None:
        host = _host(url)
        if not host:
            return
        self._pages[host] += 1
        self._lines[host].update({norm(line.text) for line in document_lines(document)})

    def lines(self, url: str | None) -> frozenset[str]:
        host = _host(url)
        pages = self._pages.get(host, 0)
        if pages < self.min_pages:
            return frozenset()
        floor = max(2, int(pages * self.share + 0.999))
        return frozenset(
            line
            for line, count in self._lines[host].items()
            if count >= floor and _may_be_boilerplate(line)
        )

    def report(self) -> dict[str, list[str]]:
        """Host → its boilerplate lines (hosts seen on enough pages only)."""
        out: dict[str, list[str]] = {}
        for host in sorted(self._pages):
            lines = self.lines(f"https://{host}/")
            if lines:
                out[host] = sorted(lines)
        return out


def _may_be_boilerplate(line: str) -> bool:
    """Lines every page of a site shares but that are content, never boilerplate: labels and
    section headings ("Evidence rating"), outcome domains, short values ("2") and sentences
    with numbers (the "Level 3 indicates ..." explanations the ratings are read from)."""
    vocab = vocabulary()
    return (
        len(line.split()) >= 3
        and not re.search(r"\d", line)
        and vocab.pattern.match(line) is None
        and line.rstrip(":").strip() not in vocab.headings
        and line not in vocab.domains
    )


def _host(url: str | None) -> str:
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class NameChoice:
    """The programme name chosen, and a note when the URL slug disagreed."""

    name: str
    slug_agrees: bool | None  # None: no slug to check against
    note: str | None = None


def url_slug_words(url: str | None) -> str:
    """The last path segment of a URL as plain words ("circle-of-security" → "circle of
    security"); "" when there is none or it is a web address or a number."""
    path = unquote(urlsplit(url or "").path).rstrip("/")
    last = path.rsplit("/", 1)[-1] if path else ""
    last = re.sub(r"\.(html?|php|aspx?|pdf|txt)$", "", last, flags=re.I)
    if not last or last.isdigit() or re.match(r"^(www\.|[\w-]+\.(org|com|net|uk|ie)\b)", last):
        return ""
    return norm(last.replace("-", " ").replace("_", " ").replace("+", " plus"))


def _words(text: str) -> set[str]:
    return {w for w in norm(text).replace("-", " ").split() if len(w) > 2 or w.isdigit()}


def slug_agrees(name: str, url: str | None) -> bool | None:
    """Whether a name and the URL's slug name the same thing (most slug words in the name)."""
    slug = url_slug_words(url)
    if not slug:
        return None
    slug_words, name_words = _words(slug), _words(name)
    if not slug_words:
        return None
    common = len(slug_words & name_words)
    initials = "".join(w[0] for w in norm(name.replace("-", " ")).split())
    squashed = norm(name).replace("+", " plus").replace(" ", "")
    return (
        common >= max(1, int(0.5 * len(slug_words) + 0.5))
        or squashed == slug.replace(" ", "")
        or (len(slug) >= 3 and slug.replace(" ", "") == initials)  # "pup": Parents Under Pressure
    )


def choose_name(name: str | None, url: str | None, *, page_wins: bool = True) -> NameChoice:
    """Check a programme name read from the page against the URL slug. The page's name wins
    (slugs can be wrong); a disagreement is noted so the record can carry a warning."""
    if not name:
        raise ValueError("no programme name")
    agrees = slug_agrees(name, url)
    note = None
    if agrees is False:
        note = f"name {name!r} differs from the URL slug {url_slug_words(url)!r}; " + (
            "the page's name wins" if page_wins else "the slug wins"
        )
    return NameChoice(name, agrees, note)


__all__ = [
    "Boilerplate",
    "NameChoice",
    "choose_name",
    "is_chrome",
    "slug_agrees",
    "strip_chrome",
    "url_slug_words",
]
