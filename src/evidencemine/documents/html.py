"""HTML → blocks with BeautifulSoup (lxml parser).

Structure is read from the elements' meaning, never from CSS classes: ``h1``-``h6`` are
headings, ``p`` and loose text are paragraphs, ``li`` list items (with depth), ``dt``/``dd`` and
two-cell table rows label/value pairs, ``hr`` rules; an ``img`` reads as its ``alt``, ``title`` or
file name when it has no ``alt`` at all (a rating shown as an image keeps its value; ``alt=""``
marks a decorative image and reads as nothing). Scripts, styles, forms, navigation,
headers, footers and dialogs are skipped; what is left of the page chrome is the adapters' job.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from bs4.element import (
    Comment,
    Doctype,
    NavigableString,
    PageElement,
    ProcessingInstruction,
    Tag,
)

from evidencemine.documents.base import LoadContext, Loader
from evidencemine.documents.inline import Run, paragraph_block, runs_to_blocks
from evidencemine.documents.model import Block, BlockKind, Document, clean_text, sha256_hex
from evidencemine.documents.text import decode_text
from evidencemine.errors import InputError

log = logging.getLogger(__name__)

SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "canvas",
        "iframe",
        "form",
        "button",
        "select",
        "input",
        "textarea",
        "nav",
        "header",
        "footer",
        "dialog",
        "head",
        "object",
        "embed",
        "map",
        "area",
        "audio",
        "video",
        "picture",
    ]
)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "blockquote",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "hr",
        "figure",
        "figcaption",
        "address",
        "details",
        "summary",
        "body",
        "html",
        "pre",
        "center",
    ]
) | frozenset(HEADINGS)
BOLD = frozenset({"b", "strong"})
ITALIC = frozenset({"i", "em", "cite"})
# hrefs that are not links to keep: in-page anchors and inline content (data: URIs, scripts)
_NOT_LINKS = ("#", "javascript:", "data:", "vbscript:", "blob:")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")


def _hidden(tag: Tag) -> bool:
    return (
        tag.has_attr("hidden")
        or tag.get("aria-hidden") == "true"
        or bool(_HIDDEN.search(str(tag.get("style", ""))))
    )


def _image_text(tag: Tag) -> str:
    """What an image says: its ``alt``, else its ``title``, else its file name without the
    extension ("rating-3-plus"); empty when it has none of these."""
    for attr in ("alt", "title"):
        value = clean_text(str(tag.get(attr) or ""))
        if value:
            return value
    if tag.has_attr("alt"):
        return ""  # alt="" marks a decorative image
    src = str(tag.get("src") or "").split("?", 1)[0].rstrip("/")
    name = src.rsplit("/", 1)[-1]
    if not name or name.startswith("data:") or src.startswith("data:"):
        return ""
    return re.sub(r"\.(png|jpe?g|gif|svg|webp)$", "", name, flags=re.I)


def _is_toggle(tag: Tag) -> bool:
    """A button that opens a panel of content: an accordion heading."""
    return tag.name == "button" and (tag.has_attr("aria-controls") or tag.has_attr("aria-expanded"))


_ITEM_PARTS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "ul", "ol", "dl", "table"})


class _Walker:
    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.list_depth = -1

    # inline ---------------------------------------------------------------------------------
    def runs(
        self,
        node: Tag,
        bold: bool = False,
        italic: bool = False,
        href: str | None = None,
        stop_at_lists: bool = False,
    ) -> list[Run]:
        """The inline runs of ``node``'s children (an explicit stack, no recursion: nesting
        depth costs no Python frames)."""
        out: list[Run] = []
        stack: list[tuple[Iterator[PageElement], bool, bool, str | None]] = [
            (iter(node.children), bold, italic, href)
        ]
        while stack:
            children, b, i, h = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                continue
            if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                out.append(Run(str(child), b, i, h))
            elif isinstance(child, Tag) and not (
                child.name in SKIP
                or _hidden(child)
                or (stop_at_lists and child.name in ("ul", "ol", "dl", "table"))
            ):
                leaf = self._leaf_runs(child, b, i, h)
                if leaf is not None:
                    out.extend(leaf)
                else:
                    stack.append((iter(child.children), *self._emphasis(child, b, i, h)))
        return out

    def _leaf_runs(self, tag: Tag, bold: bool, italic: bool, href: str | None) -> list[Run] | None:
        if tag.name == "br":
            return [Run(" ", line_break=True)]
        if tag.name == "img":
            return [Run(f" {_image_text(tag)} ", bold, italic, href)]
        return None

    def _emphasis(
        self, tag: Tag, bold: bool, italic: bool, href: str | None
    ) -> tuple[bool, bool, str | None]:
        """Emphasis and link inside ``tag``."""
        if tag.name == "a" and tag.get("href"):
            target = str(tag["href"]).strip()
            internal = target.lower().startswith(_NOT_LINKS)
            href = None if internal else urljoin(self.base_url or "", target)
        return bold or tag.name in BOLD, italic or tag.name in ITALIC, href

    def tag_runs(
        self,
        tag: Tag,
        bold: bool = False,
        italic: bool = False,
        href: str | None = None,
        stop_at_lists: bool = False,
    ) -> list[Run]:
        """The runs of one inline element, with its own emphasis and link applied."""
        leaf = self._leaf_runs(tag, bold, italic, href)
        if leaf is not None:
            return leaf
        return self.runs(tag, *self._emphasis(tag, bold, italic, href), stop_at_lists)

    # blocks ---------------------------------------------------------------------------------
    def walk(self, node: Tag) -> None:
        """Blocks of ``node``'s children, in order. Plain containers (div, section, ...) are
        entered through an explicit stack, not recursion."""
        stack: list[tuple[Iterator[PageElement], list[Run]]] = [(iter(node.children), [])]
        while stack:
            children, pending = stack[-1]
            child = next(children, None)
            if child is None:
                self.flush(pending)
                stack.pop()
                continue
            if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                pending.append(Run(str(child)))
            elif isinstance(child, Tag) and _is_toggle(child):
                # an accordion's toggle names the panel after it ("Study 1"): keep it, bold
                self.flush(pending)
                stack[-1] = (children, [])
                block = paragraph_block(self.runs(child, bold=True), BlockKind.PARAGRAPH)
                if block:
                    self.blocks.append(block)
            elif not isinstance(child, Tag) or child.name in SKIP or _hidden(child):
                continue
            elif child.name in BLOCKS or self._has_block(child):
                self.flush(pending)
                stack[-1] = (children, [])
                if self._is_container(child):
                    stack.append((iter(child.children), []))
                else:
                    self.block(child)
            else:
                pending.extend(self.tag_runs(child))

    def _is_container(self, tag: Tag) -> bool:
        """Whether :meth:`block` would just walk ``tag``'s children."""
        name = tag.name
        if name in HEADINGS or name in ("hr", "ul", "ol", "li", "dl", "table"):
            return False
        return not (name == "p" and not self._has_block(tag))

    def _has_block(self, tag: Tag) -> bool:
        # A plain walk: ``tag.find(list(BLOCKS))`` builds a bs4 filter on every call.
        return any(getattr(node, "name", None) in BLOCKS for node in tag.descendants)

    def flush(self, runs: list[Run]) -> None:
        self.blocks.extend(runs_to_blocks(runs))

    def block(self, tag: Tag) -> None:
        name = tag.name
        if name in HEADINGS:
            block = paragraph_block(self.runs(tag), BlockKind.HEADING, HEADINGS[name])
            if block:
                self.blocks.append(block)
        elif name == "hr":
            self.blocks.append(Block(BlockKind.RULE))
        elif name in ("ul", "ol"):
            self.list_depth += 1
            for item in tag.find_all("li", recursive=False):
                self.list_item(item)
            self.list_depth -= 1
        elif name == "li":
            self.list_item(tag)
        elif name == "dl":
            self.definition_list(tag)
        elif name == "table":
            self.table(tag)
        elif name == "p" and not self._has_block(tag):
            self.flush(self.runs(tag))
        else:
            self.walk(tag)

    def list_item(self, item: Tag) -> None:
        parts = [c for c in item.children if isinstance(c, Tag) and c.name in _ITEM_PARTS]
        loose = any(isinstance(c, str) and c.strip() for c in item.children)
        if len(parts) >= 2 and not loose:
            # "<li><h3>Label</h3><p>value</p></li>": the first part is the item, the rest
            # blocks under it (as a text render shows them), not one run of glued text
            first = paragraph_block(self.runs(parts[0]), BlockKind.LIST_ITEM, self.list_depth)
            if first:
                self.blocks.append(first)
            for part in parts[1:]:
                self.block(part)
            return
        block = paragraph_block(
            self.runs(item, stop_at_lists=True), BlockKind.LIST_ITEM, max(self.list_depth, 0)
        )
        if block:
            self.blocks.append(block)
        for nested in item.find_all(["ul", "ol", "dl", "table"], recursive=False):
            self.block(nested)

    def labelled(self, label: str, cell: Tag) -> Block:
        """A label/value block: ``label`` with ``cell``'s text, links and italics as value."""
        value = paragraph_block(self.runs(cell), BlockKind.PARAGRAPH)
        return Block(
            BlockKind.LABEL_VALUE,
            value.text if value else "",
            label=label,
            links=value.links if value else (),
            italic=value.italic if value else (),
        )

    def definition_list(self, tag: Tag) -> None:
        label: str | None = None
        for child in tag.find_all(["dt", "dd"]):
            if child.name == "dt":
                label = clean_text(child.get_text(" ")).rstrip(":")
            elif label:
                self.blocks.append(self.labelled(label, child))

    def table(self, tag: Tag) -> None:
        rows = [row.find_all(["th", "td"], recursive=False) for row in tag.find_all("tr")]
        rows = [cells for cells in rows if cells]
        header = rows[0] if rows else []
        if len(rows) >= 2 and len(header) >= 2 and all(c.name == "th" for c in header):
            # a header row over data rows: each data cell is a value labelled by its column
            labels = [clean_text(c.get_text(" ")).rstrip(":") for c in header]
            for cells in rows[1:]:
                for label, cell in zip(labels, cells, strict=False):  # short rows: fewer cells
                    block = self.labelled(label, cell)
                    if label and block.text:
                        self.blocks.append(block)
            return
        for cells in rows:
            texts = [clean_text(c.get_text(" ")) for c in cells]
            if len(cells) == 2 and texts[0] and (cells[0].name == "th" or len(texts[0]) < 60):
                self.blocks.append(self.labelled(texts[0].rstrip(":"), cells[1]))
            elif any(texts):
                self.blocks.append(Block(BlockKind.PARAGRAPH, " | ".join(t for t in texts if t)))


def _check_size(data: bytes, context: LoadContext) -> None:
    if len(data) > context.html_max_bytes:
        raise InputError(
            f"HTML page is {len(data):,} bytes, over the cap of {context.html_max_bytes:,} "
            "(limits.html_max_bytes)",
            source=context.origin,
        )


def bound_tree(soup: BeautifulSoup, context: LoadContext) -> int:
    """Refuse trees over ``html_max_nodes`` elements, and flatten every element deeper than
    ``html_max_depth`` into its text, without recursion (one pass over an explicit stack), so
    the walker's depth stays bounded. Returns how many elements were flattened."""
    max_depth, max_nodes = context.html_max_depth, context.html_max_nodes
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    seen = flattened = 0
    while stack:
        node, depth = stack.pop()
        for child in node.contents:
            if not isinstance(child, Tag):
                continue
            seen += 1
            if seen > max_nodes:
                raise InputError(
                    f"HTML page has over {max_nodes:,} elements (limits.html_max_nodes)",
                    source=context.origin,
                )
            if depth + 1 < max_depth:
                stack.append((child, depth + 1))
            elif any(isinstance(grand, Tag) for grand in child.contents):
                text = " ".join(child.get_text(" ").split())
                child.clear()
                child.append(NavigableString(text))
                flattened += 1
    return flattened


def load_html(data: bytes, context: LoadContext) -> Document:
    _check_size(data, context)
    soup = BeautifulSoup(data, "lxml")
    flattened = bound_tree(soup, context)
    if flattened:
        log.warning(
            "%s: elements nested deeper than %d read as plain text (limits.html_max_depth)",
            context.origin,
            context.html_max_depth,
        )
    base = soup.find("base", href=True)
    base_url = (
        urljoin(context.url or "", str(base["href"])) if isinstance(base, Tag) else context.url
    )
    title_tag = soup.find("title")
    walker = _Walker(base_url)
    root = soup.body or soup
    walker.walk(root)
    canonical = soup.find("link", rel="canonical", href=True)
    meta: dict[str, str] = {}
    if isinstance(canonical, Tag):
        meta["canonical"] = urljoin(base_url or "", str(canonical["href"]))
    for tag in soup.find_all("meta", content=True):
        key = tag.get("property") or tag.get("name")
        if key:
            meta[str(key).lower()] = str(tag["content"])
    return Document(
        blocks=walker.blocks,
        media_type="text/html",
        content_sha256=sha256_hex(data),
        url=context.url,
        path=context.path,
        fetched_at=context.fetched_at,
        title=clean_text(title_tag.get_text()) if title_tag else None,
        meta=meta,
    )


_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)",
    re.IGNORECASE | re.DOTALL,
)


def _sniff_html(data: bytes, context: LoadContext) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(head):
        return True
    text = decode_text(data[:4096]) or ""
    return bool(re.search(r"<(p|div|h[1-6]|ul|table|section|article)\b", text, re.IGNORECASE)) and (
        context.suffix in (".html", ".htm") or text.lstrip().startswith("<")
    )


LOADER = Loader(name="html", media_type="text/html", sniff=_sniff_html, load=load_html)
