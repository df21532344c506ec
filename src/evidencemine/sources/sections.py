"""Reading a document as sections, labels and page chrome: what every adapter needs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from evidencemine.documents.model import Block, BlockKind

_PUNCT = re.compile(r"[^\w\s+/-]")


def norm(text: str | None) -> str:
    """Lower-case, punctuation-free, single-spaced text for matching headings and labels."""
    return re.sub(r"\s+", " ", _PUNCT.sub(" ", (text or "").lower().replace("’", "'"))).strip()


NOT_AVAILABLE = frozenset(
    {
        "not available",
        "n/a",
        "na",
        "none",
        "not applicable",
        "not known",
        "unknown",
        "not stated",
        "-",
        "",
    }
)


def is_absent(text: str) -> bool:
    """True for "Not available", "N/A", empty bullets and the like: absence, not a value."""
    return norm(text) in NOT_AVAILABLE or not re.search(r"\w", text)


@dataclass(slots=True)
class Section:
    """A heading and the blocks up to the next heading (of any level)."""

    heading: str
    level: int
    ancestors: tuple[str, ...]  # normalised headings of enclosing sections, outermost first
    blocks: list[Block] = field(default_factory=list)

    @property
    def key(self) -> str:
        return norm(self.heading)

    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.kind is not BlockKind.RULE and b.text)

    def items(self) -> list[str]:
        """List items, else paragraphs that are not introductions, minus absences."""
        items = [b.text for b in self.blocks if b.kind is BlockKind.LIST_ITEM]
        if not items:
            items = [
                b.text
                for b in self.blocks
                if b.kind is BlockKind.PARAGRAPH
                and not b.text.rstrip().endswith(":")
                and not is_intro(b.text)
            ]
        return [item for item in items if not is_absent(item)]


def is_intro(text: str) -> bool:
    """Boilerplate lead-ins such as "The best available evidence ... relates to ...:"."""
    return text.rstrip().endswith(":") or bool(
        re.match(r"(the best available evidence|according to the best available)", text, re.I)
    )


def split_sections(blocks: Iterable[Block]) -> list[Section]:
    """Cut blocks into sections at every heading; blocks before the first heading form a
    section with an empty heading."""
    sections = [Section("", 0, ())]
    stack: list[tuple[int, str]] = []
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            sections.append(Section(block.text, block.level, tuple(h for _, h in stack)))
            stack.append((block.level, norm(block.text)))
        else:
            sections[-1].blocks.append(block)
    return sections


def drop_chrome(
    sections: list[Section], chrome_headings: frozenset[str], chrome_text: re.Pattern[str]
) -> list[Section]:
    """Remove page chrome: sections under a chrome heading (and their subsections) and
    paragraphs that match the chrome text pattern."""
    kept: list[Section] = []
    chrome_level: int | None = None
    for section in sections:
        if chrome_level is not None and section.level > chrome_level:
            continue
        chrome_level = None
        if section.key in chrome_headings:
            chrome_level = section.level
            continue
        section.blocks = [b for b in section.blocks if not chrome_text.search(b.text)]
        kept.append(section)
    return kept


def labelled_fields(blocks: list[Block]) -> Iterator[tuple[str, Block, list[Block]]]:
    """Each label/value block with the blocks that continue its value (until the next label,
    heading or rule): ``(normalised label, the label block, continuation blocks)``."""
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        if block.kind is not BlockKind.LABEL_VALUE:
            continue
        tail: list[Block] = []
        if not block.text:
            while (
                index < len(blocks)
                and blocks[index].kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)
                and not blocks[index].strong
            ):
                tail.append(blocks[index])
                index += 1
        yield norm(block.label), block, tail


def first_label_value(blocks: Iterable[Block], labels: frozenset[str]) -> Block | None:
    for block in blocks:
        if block.kind is BlockKind.LABEL_VALUE and norm(block.label) in labels and block.text:
            return block
    return None


def split_list(text: str) -> list[str]:
    """``"A, B and C"`` → [A, B, C] (for short list-like values)."""
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text)
    return [p.strip() for p in parts if p.strip() and not is_absent(p)]


def promote_labels(blocks: list[Block], labels: frozenset[str]) -> list[Block]:
    """Paragraphs that are just a known label ("Sample", "Country:") become empty label/value
    blocks, so layouts that put labels on their own line read like ``**Label:** value``."""
    out: list[Block] = []
    for block in blocks:
        key = norm(block.text)
        if block.kind is BlockKind.PARAGRAPH and key in labels and len(key.split()) <= 5:
            label = block.text.strip().rstrip(":").strip()
            block = Block(BlockKind.LABEL_VALUE, "", label=label, links=block.links)
        out.append(block)
    return out


def label_text(blocks: list[Block], labels: frozenset[str]) -> str | None:
    """The value of the first of ``labels``: inline, or the next short block."""
    for key, block, tail in labelled_fields(blocks):
        if key in labels:
            value = block.text or (tail[0].text if tail else "")
            if value and len(value.split()) <= 6:
                return value
    return None
