"""Inline runs shared by the HTML and text loaders: emphasis, links, line breaks → blocks.

Both loaders reduce a paragraph-like element to a list of :class:`Run` s; :func:`runs_to_blocks`
then decides whether it is a plain paragraph, a bold-only paragraph, or one or more label/value
pairs (``**Citation:** X | **Design:** RCT``, ``Evidence rating: **3+**``,
``**Available at** <url>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidencemine.documents.model import Block, BlockKind, Link, clean_text

MAX_LABEL_WORDS = 6


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    line_break: bool = False


def _joined(runs: list[Run]) -> str:
    return clean_text("".join(" " if r.line_break else r.text for r in runs))


def _links(runs: list[Run]) -> tuple[Link, ...]:
    seen: list[Link] = []
    for run in runs:
        if run.href and all(link.url != run.href for link in seen):
            seen.append(Link(clean_text(run.text) or run.href, run.href))
    return tuple(seen)


def _emphasis(runs: list[Run], attr: str) -> tuple[str, ...]:
    out: list[str] = []
    for run in runs:
        text = clean_text(run.text)
        if getattr(run, attr) and text and text not in {":", "|"}:
            out.append(text)
    return tuple(out)


def _lines(runs: list[Run]) -> tuple[str, ...]:
    """The text of each source line, when the runs span more than one."""
    lines: list[list[Run]] = [[]]
    for run in runs:
        if run.line_break:
            lines.append([])
        else:
            lines[-1].append(run)
    texts = tuple(t for t in (_joined(line) for line in lines) if t)
    return texts if len(texts) > 1 else ()


def _paragraph(runs: list[Run], kind: BlockKind = BlockKind.PARAGRAPH, level: int = 0) -> Block:
    text = _joined(runs)
    visible = [r for r in runs if clean_text(r.text) and not r.line_break]
    strong = bool(visible) and all(r.bold for r in visible)
    return Block(
        kind,
        text,
        level=level,
        links=_links(runs),
        strong=strong,
        bold=_emphasis(runs, "bold"),
        italic=_emphasis(runs, "italic"),
        lines=_lines(runs),
    )


def _is_label(text: str) -> bool:
    words = text.rstrip(":").split()
    return 0 < len(words) <= MAX_LABEL_WORDS and not text.rstrip(":").endswith((".", ","))


def _split_on_bold_labels(runs: list[Run]) -> list[tuple[str, list[Run]]] | None:
    """``**A:** x | **B:** y`` → [(A, x-runs), (B, y-runs)]; None when it is not that shape."""
    pairs: list[tuple[str, list[Run]]] = []
    for run in runs:
        text = clean_text(run.text)
        if run.bold and text.endswith(":") and _is_label(text):
            pairs.append((text.rstrip(":").strip(), []))
        elif pairs:
            pairs[-1][1].append(run)
        elif text or run.href:
            return None
    return pairs or None


def _value_runs(runs: list[Run]) -> list[Run]:
    cleaned = list(runs)
    while cleaned and clean_text(cleaned[-1].text) in {"|", ""} and not cleaned[-1].href:
        cleaned.pop()
    if cleaned and not cleaned[-1].href:
        last = cleaned[-1]
        cleaned[-1] = Run(re.sub(r"\s*\|\s*$", "", last.text), last.bold, last.italic, last.href)
    return cleaned


def _label_value(label: str, runs: list[Run]) -> Block:
    value = _paragraph(_value_runs(runs))
    return Block(
        BlockKind.LABEL_VALUE,
        value.text,
        label=label,
        links=value.links,
        bold=value.bold,
        italic=value.italic,
    )


def runs_to_blocks(runs: list[Run]) -> list[Block]:
    """Classify one paragraph's runs into blocks (see the module docstring)."""
    if not _joined(runs):
        return []
    bold_pairs = _split_on_bold_labels(runs)
    if bold_pairs:
        return [_label_value(label, value) for label, value in bold_pairs]
    shown = [i for i, r in enumerate(runs) if clean_text(r.text) and not r.line_break]
    # "Label: **value**": plain label (possibly over a line break), bold value filling the rest.
    first_bold = next((i for i in shown if runs[i].bold), None)
    if first_bold is not None and first_bold > shown[0]:
        label = _joined(runs[:first_bold])
        rest = [runs[i] for i in shown if i >= first_bold]
        if label.endswith(":") and _is_label(label) and all(r.bold or r.href for r in rest):
            return [_label_value(label.rstrip(":").strip(), runs[first_bold:])]
    # "**Available at** <url> <url>": bold label followed only by links.
    if shown and runs[shown[0]].bold and len(shown) > 1 and all(runs[i].href for i in shown[1:]):
        label = clean_text(runs[shown[0]].text).rstrip(":")
        if _is_label(label):
            return [_label_value(label, runs[shown[0] + 1 :])]
    return [_paragraph(runs)]


def paragraph_block(runs: list[Run], kind: BlockKind, level: int = 0) -> Block | None:
    """A heading or list item from runs (no label splitting); None when empty."""
    block = _paragraph(runs, kind, level)
    return block if block.text else None
