"""Study papers (usually PDFs): title, abstract, methods, results and the reference list.

Sections are found by heading text ("Abstract", "Methods" / "Method" / "Materials and
methods", "Results", "References" / "Bibliography"), with numbering such as "2." or "II."
ignored; an abstract can also be a run-in label ("Abstract: ..."). The reference list is split
into one string per reference, for numbered lists ("[1]", "1.") and author-year lists alike, so
the resolution step can match each one.

:func:`extract_paper` runs extraction on the abstract and, where the abstract gives no sample
size or no country, on the methods, keeping each value's own evidence (its source says which).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from evidencemine.documents.model import Block, BlockKind, Document, clean_text
from evidencemine.models import Extraction

ABSTRACT = frozenset({"abstract", "summary", "structured abstract"})
METHODS = frozenset(
    {
        "methods",
        "method",
        "materials and methods",
        "methods and materials",
        "material and methods",
        "methodology",
        "patients and methods",
        "participants and methods",
        "subjects and methods",
        "study design and methods",
    }
)
RESULTS = frozenset({"results", "findings", "results and discussion"})
REFERENCES = frozenset(
    {"references", "bibliography", "literature cited", "works cited", "reference list", "sources"}
)
# Headings that always end the section before them, whatever their level.
MAJOR = frozenset(
    {
        "introduction",
        "background",
        "discussion",
        "conclusion",
        "conclusions",
        "acknowledgements",
        "acknowledgments",
        "funding",
        "appendix",
        "keywords",
        "key words",
        "supplementary material",
        "conflict of interest",
        "conflicts of interest",
    }
    | ABSTRACT
    | METHODS
    | RESULTS
    | REFERENCES
)

_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.|[A-Z]\.)\s+")
_RUN_IN_ABSTRACT = re.compile(r"^abstract\s*[:.—–-]\s*", re.IGNORECASE)
_MARKER = re.compile(r"^\s*(?:\[\d{1,3}\]|\d{1,3}\.(?=\s))\s*")
_YEAR = re.compile(r"\b(?:19|20)\d{2}[a-z]?\b")
_REFERENCE_START = re.compile(
    r"^(?:\[\d{1,3}\]|\d{1,3}\.\s)"  # a numbered entry
    r"|^[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)*,\s+(?:[A-Z]\.|[A-Z][a-z]+)"  # Family, I. / Family, Given
    r"|^[A-Z][\w'’\-]+ [A-Z]{1,3}[,.]"  # Vancouver: Family AB,
    r"|^[A-Z][^.]{0,120}\((?:19|20)\d{2}[a-z]?\)"  # Organisation (2019).
)
_AUTHOR_YEAR_SPLIT = re.compile(
    r"(?<=[.)])\s+(?=[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)?,\s+(?:[A-Z]\.\s?)+(?:,|&|and|\(|\.))"
)


@dataclass(frozen=True, slots=True)
class Paper:
    """The parts of a study paper that extraction and resolution use."""

    source: str
    title: str | None = None
    abstract: str | None = None
    methods: str | None = None
    results: str | None = None
    references: list[str] = field(default_factory=list)


def heading_key(text: str) -> str:
    """``"2. Materials and Methods:"`` → ``"materials and methods"``."""
    text = _NUMBERING.sub("", clean_text(text))
    return re.sub(r"\s+", " ", text.rstrip(" .:").lower().replace("&", "and"))


def parse_paper(document: Document) -> Paper:
    """Locate title, abstract, methods, results and the reference list in a paper."""
    blocks = document.blocks
    reference_blocks = _section(blocks, REFERENCES)
    return Paper(
        source=document.origin,
        title=_title(document),
        abstract=_abstract(blocks),
        methods=_text(_section(blocks, METHODS)),
        results=_text(_section(blocks, RESULTS)),
        references=split_references(reference_blocks or []),
    )


def _title(document: Document) -> str | None:
    first_page = [b for b in document.blocks if b.page in (None, 1)]
    headings = [b for b in first_page if b.kind is BlockKind.HEADING and b.text]
    if headings:
        top = min(b.level for b in headings)
        return next(b.text for b in headings if b.level == top)
    return document.title


def _section(blocks: Sequence[Block], names: frozenset[str]) -> list[Block] | None:
    """The blocks under the first heading named in ``names``, up to the section's end."""
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.HEADING and heading_key(block.text) in names:
            return _until_end(blocks[index + 1 :], block.level)
    return None


def _until_end(blocks: Sequence[Block], level: int) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        if block.kind is BlockKind.HEADING and (
            block.level <= level or heading_key(block.text) in MAJOR
        ):
            break
        out.append(block)
    return out


def _abstract(blocks: Sequence[Block]) -> str | None:
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.HEADING and heading_key(block.text) in ABSTRACT:
            return _text(_until_heading(blocks[index + 1 :]))
        if block.kind is BlockKind.LABEL_VALUE and heading_key(block.label or "") in ABSTRACT:
            first = [block.text] if block.text else []
            return _text(_until_heading(blocks[index + 1 :]), lead=first)
        if block.kind is BlockKind.PARAGRAPH and _RUN_IN_ABSTRACT.match(block.text):
            lead = [_RUN_IN_ABSTRACT.sub("", block.text)]
            return _text(_until_heading(blocks[index + 1 :]), lead=lead)
    return None


def _until_heading(blocks: Sequence[Block]) -> list[Block]:
    """An abstract ends at the next heading, rule, or "Keywords" label."""
    out: list[Block] = []
    for block in blocks:
        if block.kind in (BlockKind.HEADING, BlockKind.RULE):
            break
        if block.kind is BlockKind.LABEL_VALUE and heading_key(block.label or "") in MAJOR:
            break
        out.append(block)
    return out


def _text(blocks: Sequence[Block] | None, lead: Sequence[str] = ()) -> str | None:
    if blocks is None and not lead:
        return None
    parts = list(lead)
    for block in blocks or []:
        if block.kind is BlockKind.LABEL_VALUE:
            parts.append(f"{block.label}: {block.text}".strip())
        elif block.kind is not BlockKind.RULE and block.text:
            parts.append(block.text)
    return "\n\n".join(parts) or None


# -- reference lists ---------------------------------------------------------------------------


def split_references(blocks: Iterable[Block]) -> list[str]:
    """One string per reference from the blocks of a reference list."""
    pieces: list[str] = []
    for block in blocks:
        if block.kind in (BlockKind.RULE, BlockKind.HEADING) or not block.text:
            continue
        text = f"{block.label}: {block.text}" if block.kind is BlockKind.LABEL_VALUE else block.text
        for part in split_reference_text(text):
            if pieces and not _REFERENCE_START.match(part) and not pieces[-1].endswith("."):
                pieces[-1] = f"{pieces[-1]} {part}"  # a reference broken across blocks
            elif pieces and part[:1].islower():
                pieces[-1] = f"{pieces[-1]} {part}"
            else:
                pieces.append(part)
    return [_MARKER.sub("", piece).strip() for piece in pieces if piece.strip()]


def split_reference_text(text: str) -> list[str]:
    """Split a text holding several references (numbered, or author-year) into references."""
    text = clean_text(text)
    numbered = _split_numbered(text)
    if numbered:
        return numbered
    if len(_YEAR.findall(text)) < 2:
        return [text]
    parts = [p.strip() for p in _AUTHOR_YEAR_SPLIT.split(text) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and not _YEAR.search(part):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def _split_numbered(text: str) -> list[str] | None:
    """``[1] A. [2] B.`` or ``1. A. 2. B.`` with consecutive numbers → parts; else None."""
    for pattern in (r"(?:^|(?<=\s))\[(\d{1,3})\]\s", r"(?:^|(?<=[.\s]\s))(\d{1,3})\.\s+(?=[A-Z])"):
        matches = list(re.finditer(pattern, text))
        starts: list[int] = []
        expected: int | None = None
        for match in matches:
            number = int(match[1])
            if expected is None or number == expected:
                starts.append(match.start())
                expected = number + 1
        if len(starts) >= 2 and starts[0] == 0:
            bounds = [*starts, len(text)]
            return [text[a:b].strip() for a, b in itertools.pairwise(bounds)]
    return None


# -- extraction on abstract, then methods ------------------------------------------------------

ExtractFn = Callable[[str, str], Extraction]


def extract_paper(paper: Paper, extract: ExtractFn) -> Extraction | None:
    """Extract from the abstract; fill a missing sample size or country from the methods.

    ``extract(text, source)`` is the extraction step (for example the spaCy rules); ``source``
    names where the text came from (``"<paper>#abstract"`` / ``"<paper>#methods"``) and ends up
    in each value's evidence. Values found in the abstract are never replaced.
    """
    result: Extraction | None = None
    if paper.abstract:
        result = extract(paper.abstract, f"{paper.source}#abstract")
    needs_methods = result is None or result.sample_size is None or not result.countries
    if not (needs_methods and paper.methods):
        return result
    methods = extract(paper.methods, f"{paper.source}#methods")
    if result is None:
        return methods
    update: dict[str, object] = {}
    if result.sample_size is None and methods.sample_size is not None:
        update["sample_size"] = methods.sample_size
    if not result.countries and methods.countries:
        update["countries"] = methods.countries
    return result.model_copy(update=update) if update else result
