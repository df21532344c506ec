"""One label/value reader for every adapter, independent of markup.

A page (HTML, Markdown, plain text, PDF) is first flattened into :class:`Line` s by
:func:`document_lines`; :func:`read_pairs` then finds the labelled values in them, whatever the
layout:

- ``Label: value`` on one line (or a loader's label/value block);
- the label on one line and its value on the next (``Evidence rating`` / ``2``);
- a label split across lines or elements (``Evidence`` / ``rating: 3+``);
- several pairs on one line (``Evidence rating: 3+ Cost rating: 1``);
- a label whose value is an image: the HTML loader turns an ``<img>`` into its ``alt``,
  ``title`` or file name, so the value is that text; in a text render it is simply empty, and
  the pair comes back with ``value == ""`` so the caller can warn (never a silent null).

Label wordings are data: ``evidencemine/data/labels.toml`` (``[fields.<key>]``), loaded by
:func:`vocabulary`. Public API (small on purpose):

``Line``, ``Pair``, ``Vocabulary``, ``vocabulary()``, ``document_lines(document)``,
``read_pairs(lines, vocab, fields=None)``, ``first_value(pairs, field)``, ``norm(text)``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from evidencemine.documents.model import BlockKind, Document, Link

_PUNCT = re.compile(r"[^\w\s+&/-]")


def norm(text: str | None) -> str:
    """Lower-case, punctuation-free, single-spaced text (curly quotes folded)."""
    text = (text or "").lower().replace("’", "'").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", _PUNCT.sub(" ", text)).strip()


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a page: its text, the block it came from and how that block was marked."""

    text: str
    index: int  # position in the document's blocks
    kind: str = "paragraph"  # heading / paragraph / list_item / label_value / rule
    depth: int = 0  # heading level, or list nesting depth
    links: tuple[Link, ...] = ()

    @property
    def place(self) -> str:
        """Where the line is, for warnings: ``"block 12"``."""
        return f"block {self.index}"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    labels: tuple[str, ...]
    max_words: int = 12
    no_colon: bool = False
    badge: bool = False


@dataclass(slots=True)
class Vocabulary:
    """Label wordings by field key, plus outcome domains, section headings, age groups and
    chrome lines (all from data)."""

    fields: dict[str, FieldSpec]
    domains: frozenset[str] = frozenset()
    chrome_lines: frozenset[str] = frozenset()
    chrome_prefixes: tuple[str, ...] = ()
    chrome_empty_labels: frozenset[str] = frozenset()
    headings: frozenset[str] = frozenset()
    age_groups: tuple[str, ...] = ()
    _by_label: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        self._by_label = {
            norm(lab): spec.key for spec in self.fields.values() for lab in spec.labels
        }
        words = sorted(self._by_label, key=len, reverse=True)
        alternatives = "|".join(r"\s*".join(map(re.escape, w.split())) for w in words)
        # a label at the start or after a space / "|", then a colon, or space + a value
        self._pattern = re.compile(
            rf"(?:(?<=^)|(?<=[\s|]))(?P<label>{alternatives})(?P<colon>\s*:)?(?=\s|$)", re.I
        )

    def field_of(self, label: str) -> str | None:
        """The field key of a label wording, or None."""
        return self._by_label.get(norm(label).rstrip(":").strip())

    def is_label_prefix(self, text: str) -> bool:
        """True when ``text`` is the start, but not all, of some label ("Evidence")."""
        key = norm(text)
        return bool(key) and any(lab.startswith(key + " ") for lab in self._by_label)

    @property
    def pattern(self) -> re.Pattern[str]:
        assert self._pattern is not None
        return self._pattern


@lru_cache(maxsize=4)
def vocabulary(name: str = "labels.toml") -> Vocabulary:
    """The label vocabulary shipped as package data (``evidencemine/data/<name>``)."""
    text = resources.files("evidencemine").joinpath("data", name).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    specs = {
        key: FieldSpec(
            key=key,
            labels=tuple(spec.get("labels", ())),
            max_words=int(spec.get("max_words", 12)),
            no_colon=bool(spec.get("no_colon", False)),
            badge=bool(spec.get("badge", False)),
        )
        for key, spec in data.get("fields", {}).items()
    }
    chrome = data.get("chrome", {})
    return Vocabulary(
        fields=specs,
        domains=frozenset(norm(d) for d in data.get("domains", {}).get("names", ())),
        chrome_lines=frozenset(norm(c) for c in chrome.get("lines", ())),
        chrome_prefixes=tuple(c.lower().strip() for c in chrome.get("prefixes", ())),
        chrome_empty_labels=frozenset(norm(c) for c in chrome.get("empty_labels", ())),
        headings=frozenset(norm(h) for h in data.get("headings", {}).get("names", ())),
        age_groups=tuple(data.get("age_groups", {}).get("names", ())),
    )


def document_lines(document: Document) -> list[Line]:
    """The page as lines: one per block, or one per source line of a block that spanned
    several (a label/value block reads ``"label: value"``)."""
    lines: list[Line] = []
    for index, block in enumerate(document.blocks):
        if block.kind is BlockKind.RULE:
            continue
        if block.lines and block.kind is not BlockKind.LABEL_VALUE:
            for part in block.lines:
                lines.append(Line(part, index, str(block.kind), block.level, block.links))
            continue
        text = block.text
        if block.kind is BlockKind.LABEL_VALUE:
            text = f"{block.label}: {block.text}".rstrip() if block.label else block.text
        if text.strip():
            lines.append(Line(text.strip(), index, str(block.kind), block.level, block.links))
    return lines


@dataclass(frozen=True, slots=True)
class Pair:
    """A labelled value found on the page. ``value`` is ``""`` when the label had none that
    could be read (an image without text, an empty slot)."""

    field: str
    label: str
    value: str
    line: Line
    same_line: bool = True

    @property
    def place(self) -> str:
        return self.line.place


def _join_split_labels(lines: list[Line], vocab: Vocabulary) -> list[Line]:
    """``"Evidence"`` + ``"rating: 3+"`` → one line ``"Evidence rating: 3+"``."""
    out: list[Line] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and vocab.is_label_prefix(line.text) and len(line.text.split()) <= 3:
            joined = f"{line.text} {nxt.text}"
            match = vocab.pattern.match(joined)
            if match and len(match["label"].split()) > len(line.text.split()):
                out.append(Line(joined, line.index, line.kind, line.depth, line.links + nxt.links))
                skip = True
                continue
        out.append(line)
    return out


def _strip_bullet(text: str) -> str:
    return re.sub(r"^[-•*·▪]\s+", "", text)


def _line_pairs(line: Line, vocab: Vocabulary) -> list[tuple[str, str, str, bool]] | None:
    """The pairs on one line: ``[(field, label, value, had_colon)]``; None when the line does
    not start with a known label."""
    text = _strip_bullet(line.text)
    matches = list(vocab.pattern.finditer(text))
    if not matches or matches[0].start() != 0:
        return None
    pairs: list[tuple[str, str, str, bool]] = []
    for n, match in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip().strip("|").strip()
        key = vocab.field_of(match["label"])
        if key is None:
            continue
        spec = vocab.fields[key]
        colon = bool(match["colon"])
        if n > 0 and not colon and not spec.no_colon:
            # a label word inside a value ("... Setting in schools"): part of the value
            prev = pairs[-1]
            pairs[-1] = (
                prev[0],
                prev[1],
                f"{prev[2]} {text[match.start() : end]}".strip(),
                prev[3],
            )
            continue
        pairs.append((key, match["label"], value, colon))
    if not pairs:
        return None
    first_key, _, first_value, colon = pairs[0]
    spec = vocab.fields[first_key]
    if not colon and first_value and not spec.no_colon and len(pairs) == 1:
        return None  # "Setting up the sessions takes ..." is prose, not a label
    long_value = len(first_value.split()) > max(spec.max_words, 3) + 3
    if not colon and spec.no_colon and long_value and len(pairs) == 1:
        return None
    return pairs


def is_label_line(text: str, vocab: Vocabulary | None = None) -> bool:
    """True when the line reads as one or more label/value pairs ("Evidence rating: 2",
    "Setting:"), not as a title or prose that merely starts with a label word."""
    return _line_pairs(Line(text, 0), vocab or vocabulary()) is not None


def read_pairs(
    lines: list[Line], vocab: Vocabulary | None = None, fields: set[str] | None = None
) -> list[Pair]:
    """Every labelled value in ``lines``, in page order (restricted to ``fields`` if given)."""
    vocab = vocab or vocabulary()
    lines = _join_split_labels(lines, vocab)
    out: list[Pair] = []
    for i, line in enumerate(lines):
        found = _line_pairs(line, vocab)
        if not found:
            continue
        for n, (key, label, value, _colon) in enumerate(found):
            spec = vocab.fields[key]
            same_line = True
            last = n == len(found) - 1
            if not value and last and not spec.badge and i + 1 < len(lines):
                nxt = lines[i + 1]
                nxt_text = _strip_bullet(nxt.text)
                if (
                    not _line_pairs(nxt, vocab)
                    and nxt.kind != "heading"
                    and 0 < len(nxt_text.split()) <= spec.max_words
                    and norm(nxt_text) not in vocab.domains
                ):
                    value, same_line = nxt_text, False
            if fields is None or key in fields:
                out.append(Pair(key, label, value.strip(), line, same_line))
    return out


def first_value(pairs: list[Pair], key: str) -> Pair | None:
    """The first pair of ``key`` with a value, else the first without one, else None."""
    candidates = [p for p in pairs if p.field == key]
    return next((p for p in candidates if p.value), candidates[0] if candidates else None)


__all__ = [
    "Line",
    "Pair",
    "Vocabulary",
    "document_lines",
    "first_value",
    "is_label_line",
    "norm",
    "read_pairs",
    "vocabulary",
]
