"""Text and Markdown exports (like the guidebook's text export) → blocks.

Markdown constructs read: ATX headings, horizontal rules, bullets (``-``, ``*``, ``•``) and
numbered items, ``**bold**``, ``*italic*``, ``[text](url)``, ``<url>``, bare URLs and backslash
escapes. Plain text with none of those gets layout heuristics instead: the first short line is
the title, short bullet lines introduce sections, and short lines ending in a colon are labels.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from evidencemine.documents.base import LoadContext, Loader
from evidencemine.documents.inline import Run, paragraph_block, runs_to_blocks
from evidencemine.documents.model import Block, BlockKind, Document, clean_text, sha256_hex

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*(?:-\s*){3,}$|^\s*(?:\*\s*){3,}$|^\s*(?:_\s*){3,}$")
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+•·▪●◦‣]|\d{1,3}[.)])(?:\s+(?P<text>.*))?$")
_ESCAPE = re.compile(r"\\+([\\`*_{}\[\]()#+\-.!|<>])")
_TOKEN = re.compile(
    r"(?P<link>\[(?P<ltext>[^\]]*)\]\((?P<lurl>[^)\s]+)\))"
    r"|(?P<auto><(?P<aurl>(?:https?|mailto):[^>\s]+)>)"
    r"|(?P<bold>\*\*(?P<btext>.+?)\*\*)"
    r"|(?P<ital>(?<![*\w])\*(?P<itext>[^*\s][^*]*?)\*(?![*\w]))"
    r"|(?P<url>https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:])"
)
_MARKDOWN_HINT = re.compile(r"^#{1,6}\s|\*\*[^*\n]+\*\*|\]\(https?:", re.MULTILINE)
_TERMINAL = (".", "!", "?", ";", ",")


def _unescape(text: str) -> str:
    return _ESCAPE.sub(r"\1", text)


def markdown_runs(line: str, base_url: str | None = None) -> list[Run]:
    """Inline Markdown of one line → runs."""
    runs: list[Run] = []
    pos = 0
    for match in _TOKEN.finditer(line):
        if match.start() > pos:
            runs.append(Run(_unescape(line[pos : match.start()])))
        if match["link"]:
            url = urljoin(base_url or "", match["lurl"])
            inline = url == "#" or url.lower().startswith(("data:", "javascript:", "vbscript:"))
            runs.append(Run(_unescape(match["ltext"]), href=None if inline else url))
        elif match["auto"] or match["url"]:
            url = _unescape(match["aurl"] or match["url"])
            runs.append(Run(url, href=url))
        elif match["bold"]:
            runs.extend(Run(r.text, True, r.italic, r.href) for r in markdown_runs(match["btext"]))
        else:
            runs.append(Run(_unescape(match["itext"]), italic=True))
        pos = match.end()
    if pos < len(line):
        runs.append(Run(_unescape(line[pos:])))
    return runs


def _paragraph_runs(lines: list[str], base_url: str | None) -> list[Run]:
    runs: list[Run] = []
    for index, line in enumerate(lines):
        if index:
            runs.append(Run(" ", line_break=True))
        runs.extend(markdown_runs(line.strip(), base_url))
    return runs


class _Builder:
    def __init__(self, *, markdown: bool, base_url: str | None) -> None:
        self.markdown = markdown
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        if not self.buffer:
            return
        lines, self.buffer = self.buffer, []
        if not self.markdown and len(lines) == 1 and self._plain_label(lines[0]):
            return
        self.blocks.extend(runs_to_blocks(_paragraph_runs(lines, self.base_url)))

    def _plain_label(self, line: str) -> bool:
        text = clean_text(line)
        words = text.rstrip(":").split()
        if text.endswith(":") and 0 < len(words) <= 5:
            self.blocks.append(Block(BlockKind.LABEL_VALUE, "", label=text.rstrip(":").strip()))
            return True
        return False

    def heading(self, level: int, text: str) -> None:
        block = paragraph_block(markdown_runs(text, self.base_url), BlockKind.HEADING, level)
        if block:
            self.blocks.append(block)

    def item(self, indent: str, text: str) -> None:
        block = paragraph_block(
            markdown_runs(text, self.base_url), BlockKind.LIST_ITEM, len(indent.expandtabs(4)) // 2
        )
        if block:
            self.blocks.append(block)


def _parse_lines(text: str, *, markdown: bool, base_url: str | None) -> list[Block]:
    builder = _Builder(markdown=markdown, base_url=base_url)
    for line in text.splitlines():
        if not line.strip():
            builder.flush()
        elif heading := _HEADING.match(line) if markdown else None:
            builder.flush()
            builder.heading(len(heading[1]), heading[2])
        elif _RULE.match(line):
            builder.flush()
            builder.blocks.append(Block(BlockKind.RULE))
        elif (bullet := _BULLET.match(line)) and not builder.buffer:
            builder.item(bullet["indent"], bullet["text"] or "")
        else:
            builder.buffer.append(line)
    builder.flush()
    return builder.blocks


def _is_short_title(block: Block) -> bool:
    words = block.text.split()
    return 0 < len(words) <= 12 and not block.text.endswith(_TERMINAL) and block.text[0].isupper()


def _is_short_heading(text: str) -> bool:
    return len(text.split()) <= 6 and not text.endswith(_TERMINAL) and text[0].isupper()


def _plain_text_headings(blocks: list[Block]) -> list[Block]:
    """Plain exports: title line → h1; short bullets opening a section → h2; short lines → h3.
    A paragraph of several lines ("Skip to content" / "Show Menu", "Submission date" /
    "02/08/2021") is no heading: its lines are read one by one."""
    out: list[Block] = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        long_next = following is not None and len(following.text.split()) > 12
        if block.lines:
            pass  # several source lines (a label over its value, a list of pairs): no heading
        elif not out and block.kind is BlockKind.PARAGRAPH and _is_short_title(block):
            block = Block(BlockKind.HEADING, block.text, level=1, links=block.links)
        elif block.kind is BlockKind.LIST_ITEM and len(block.text.split()) <= 5:
            if following is None or following.kind is not BlockKind.LIST_ITEM:
                block = Block(BlockKind.HEADING, block.text, level=2, links=block.links)
        elif (
            block.kind is BlockKind.PARAGRAPH
            and not block.lines
            and long_next
            and _is_short_heading(block.text)
        ):
            block = Block(BlockKind.HEADING, block.text, level=3, links=block.links)
        out.append(block)
    return out


def decode_text(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) or None when the bytes are not text."""
    if b"\x00" in data[:4096]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def load_text(data: bytes, context: LoadContext) -> Document:
    text = decode_text(data) or ""
    markdown = bool(_MARKDOWN_HINT.search(text))
    blocks = _parse_lines(text, markdown=markdown, base_url=context.url)
    if not markdown:
        blocks = _plain_text_headings(blocks)
    return Document(
        blocks=blocks,
        media_type="text/markdown" if markdown else "text/plain",
        content_sha256=sha256_hex(data),
        url=context.url,
        path=context.path,
        fetched_at=context.fetched_at,
    )


def _sniff_text(data: bytes, context: LoadContext) -> bool:
    return decode_text(data) is not None


LOADER = Loader(name="text", media_type="text/plain", sniff=_sniff_text, load=load_text)
