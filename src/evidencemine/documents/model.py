"""The block model every loader produces and every source adapter reads.

A :class:`Document` is an ordered list of :class:`Block` s: headings (with a level), paragraphs,
list items, label/value pairs, horizontal rules, each with the links it carries. Adapters never
see HTML, Markdown or PDF: only blocks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    LABEL_VALUE = "label_value"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of a page.

    ``text`` is clean plain text (no markup). For a heading, ``level`` is 1-6; for a list item,
    the nesting depth (0 at the top). For a label/value pair, ``label`` is the label without its
    colon and ``text`` the value (possibly empty when the value follows in the next blocks).
    ``strong`` marks a block whose whole text is bold; ``page`` is the PDF page (1-based).
    ``bold`` and ``italic`` hold the emphasised runs inside the text (a contact's name, a
    reference's journal title), in order. ``lines`` holds the source lines of a paragraph that
    spanned several (line breaks in a text export, ``<br>`` in HTML); empty when it was one.
    """

    kind: BlockKind
    text: str = ""
    level: int = 0
    label: str | None = None
    links: tuple[Link, ...] = ()
    strong: bool = False
    page: int | None = None
    bold: tuple[str, ...] = ()
    italic: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()

    @property
    def is_heading(self) -> bool:
        return self.kind is BlockKind.HEADING


@dataclass(slots=True)
class Document:
    """A loaded page: blocks plus where they came from."""

    blocks: list[Block]
    media_type: str
    content_sha256: str
    url: str | None = None
    path: str | None = None
    fetched_at: datetime | None = None
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """The URL when known, else the path: what error messages name."""
        return self.url or self.path or "<bytes>"

    def text(self) -> str:
        return "\n".join(
            f"{b.label}: {b.text}" if b.kind is BlockKind.LABEL_VALUE else b.text
            for b in self.blocks
        )

    def links(self) -> Iterator[Link]:
        for block in self.blocks:
            yield from block.links


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}


def clean_text(text: str) -> str:
    """Fold runs of white space (including no-break and thin spaces) and undo ligatures."""
    for lig, plain in _LIGATURES.items():
        text = text.replace(lig, plain)
    text = text.replace("\u00ad", "")
    return _SPACE.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()
