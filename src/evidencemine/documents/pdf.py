"""PDF loader: pdfplumber words with positions to the block model.

Each page is read once: ``extract_words`` (with font name and size), the link annotations,
and the ruling lines, all from pdfplumber's one cached layout pass; the page cache is dropped
right after. Everything else is our own post-processing on those words:

1. words → lines: words at one height, split where a wide horizontal gap (a column gutter)
   separates them;
2. running headers, footers and page numbers (the same text at the same height in the top or
   bottom margin on at least half of the pages) are removed;
3. multi-column pages are put in reading order: a gutter is a vertical strip that narrow lines
   do not cross; lines spanning it (a title, an abstract) split the page into bands, and each
   band is read left column first;
4. lines → blocks: headings by font size and weight relative to the body text, list items by
   their markers, label/value pairs by a bold label ending in ":", paragraphs by vertical gaps
   and indentation; words hyphenated at line ends are joined; link annotations become
   :class:`Link` s on the words they cover.

Bad PDFs raise :class:`~evidencemine.errors.PdfError` naming the file and the reason.
"""

from __future__ import annotations

import io
import itertools
import logging
import math
import re
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFStream, resolve1

from evidencemine.documents.base import LoadContext, Loader
from evidencemine.documents.inline import Run, paragraph_block, runs_to_blocks
from evidencemine.documents.model import (
    Block,
    BlockKind,
    Document,
    clean_text,
    sha256_hex,
)
from evidencemine.errors import PdfError

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/pdf"

# pdfminer reports every oddity of a malformed file as a WARNING log record; keep them out of
# the user's console unless the user configured that logger on purpose.
_PDFMINER_LOGGER = logging.getLogger("pdfminer")
if _PDFMINER_LOGGER.level == logging.NOTSET:
    _PDFMINER_LOGGER.setLevel(logging.ERROR)

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_ITALIC_FONT = re.compile(r"italic|oblique", re.IGNORECASE)
_STRONG_MARKERS = frozenset("•·▪◦●‣■□►")
_WEAK_MARKERS = frozenset({"-", "–", "—", "*"})
_NUMBER_MARKER = re.compile(r"^(?:\(?\d{1,3}[.)]|\[\d{1,3}\])$")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–]?\s*\d+\s*[-–]?(?:\s*(?:of|/)\s*\d+)?$", re.I)
_TERMINAL = (".", "!", "?", ":", ";")
_URLISH = re.compile(r"^(?:https?://|www\.)|^[\w.-]+\.[a-z]{2,}/", re.IGNORECASE)

_LinkBox = tuple[float, float, float, float, str]  # x0, top, x1, bottom, uri

_WORD_OPTIONS: dict[str, Any] = {
    "extra_attrs": ["fontname", "size"],
    "x_tolerance_ratio": 0.2,
    "keep_blank_chars": False,
    "use_text_flow": False,
}


@dataclass(slots=True)
class LoadTimings:
    """Where the loader spent its time (filled in when passed to :func:`load_pdf`)."""

    pdfplumber_s: float = 0.0
    total_s: float = 0.0
    pages: int = 0

    @property
    def postprocess_s(self) -> float:
        return max(self.total_s - self.pdfplumber_s, 0.0)


@dataclass(slots=True)
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool = False
    url: str | None = None
    glued: bool = False  # no space before this word on its line


@dataclass(slots=True)
class _Line:
    """Words at one height without a wide gap, or a horizontal rule (no words)."""

    words: list[_Word]
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0
    bold: bool = False
    region_start: bool = False

    @property
    def is_rule(self) -> bool:
        return not self.words

    @property
    def text(self) -> str:
        return _join_words(self.words)


@dataclass(slots=True)
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]
    images: int


# -- entry points ------------------------------------------------------------------------------


def sniff_pdf(data: bytes, context: LoadContext) -> bool:
    """True when the bytes start like a PDF: ``%PDF-`` within the first 1024 bytes and no
    markup before it (``%PDF-`` inside an HTML comment does not make a page a PDF)."""
    at = data[:1024].find(b"%PDF-")
    return at >= 0 and b"<" not in data[:at]


def load_pdf(data: bytes, context: LoadContext, *, timings: LoadTimings | None = None) -> Document:
    """Load PDF bytes into a :class:`Document`; raise :class:`PdfError` for bad PDFs."""
    started = time.perf_counter()
    timings = timings if timings is not None else LoadTimings()
    _check_bytes(data, context)
    pages, metadata = _read_pages(data, context, timings)
    _check_text_layer(pages, context)
    running = _drop_running_lines(pages)
    lines = [line for page in pages for line in _reading_order(page)]
    blocks = _BlockBuilder(lines).build()
    timings.total_s += time.perf_counter() - started
    timings.pages += len(pages)
    title = clean_text(str(metadata.get("Title") or "")) or _first_title(blocks)
    meta = {"pages": str(len(pages))}
    if running:
        meta["running_text"] = "\n".join(running)
    return Document(
        blocks=blocks,
        media_type=MEDIA_TYPE,
        content_sha256=sha256_hex(data),
        url=context.url,
        path=context.path,
        fetched_at=context.fetched_at,
        title=title or None,
        meta=meta,
    )


def _load(data: bytes, context: LoadContext) -> Document:
    return load_pdf(data, context)


LOADER = Loader(name="pdf", media_type=MEDIA_TYPE, sniff=sniff_pdf, load=_load)


# -- reading pages (the pdfplumber part) -------------------------------------------------------


def _check_bytes(data: bytes, context: LoadContext) -> None:
    if len(data) > context.pdf_max_bytes:
        raise PdfError(
            f"PDF is {len(data):,} bytes, over the size cap of {context.pdf_max_bytes:,} bytes"
            " (pdf.max_bytes)",
            source=context.origin,
        )
    if data.rfind(b"%%EOF") < len(data) - 4096:
        raise PdfError(
            "corrupt or truncated PDF: no %%EOF marker at the end", source=context.origin
        )


def _read_pages(
    data: bytes, context: LoadContext, timings: LoadTimings
) -> tuple[list[_Page], dict[str, Any]]:
    clock = time.perf_counter()
    pdf = _open_pdf(data, context)
    try:
        _check_page_count(pdf, context)
        timings.pdfplumber_s += time.perf_counter() - clock
        pages = [_read_page(page, n, context, timings) for n, page in enumerate(pdf.pages, 1)]
        return pages, dict(pdf.metadata)
    finally:
        pdf.close()


def _open_pdf(data: bytes, context: LoadContext) -> Any:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as err:  # pdfplumber wraps every pdfminer failure in PdfminerException
        cause = err.args[0] if err.args and isinstance(err.args[0], Exception) else err
        if isinstance(cause, PDFPasswordIncorrect):
            reason = "encrypted PDF: it needs a password (not prompted; supply a decrypted copy)"
        elif isinstance(cause, PDFEncryptionError):
            reason = f"encrypted PDF that cannot be read: {_describe(cause)}"
        else:
            reason = f"corrupt or truncated PDF: {_describe(cause)}"
        raise PdfError(reason, source=context.origin) from err


def _describe(err: BaseException) -> str:
    message = " ".join(str(err).split())[:160]
    return f"{type(err).__name__}: {message}" if message else type(err).__name__


def _check_page_count(pdf: Any, context: LoadContext) -> None:
    """Refuse empty PDFs and PDFs over the page cap (the declared count is checked first)."""
    try:
        tree = resolve1(pdf.doc.catalog["Pages"])
        declared = int(resolve1(tree["Count"]))
    except Exception as err:  # a broken page tree: rely on pdfminer's own page walk
        logger.debug("%s: no usable /Count in the page tree (%s)", context.origin, err)
        tree, declared = None, 0
    count = declared if declared > context.pdf_max_pages else len(pdf.pages)
    if count == 0 and tree is None:
        raise PdfError("corrupt PDF: no readable page tree", source=context.origin)
    if count == 0:
        raise PdfError("PDF has zero pages", source=context.origin)
    if count > context.pdf_max_pages:
        raise PdfError(
            f"PDF has {count} pages, over the page cap of {context.pdf_max_pages} (pdf.max_pages)",
            source=context.origin,
        )


_OPERATORS = (b"Tj", b"TJ", b"'", b'"', b" re", b" l\n", b" c\n", b"Do", b"BI", b"Td", b"Tm")
_INFLATE_CHUNK = 1 << 20


def _stream_load(stream: Any, cap: int, what: str, context: LoadContext) -> tuple[int, int]:
    """(inflated bytes, drawing operators) of one content stream, inflated chunk by chunk and
    abandoned past ``cap`` bytes: a zip bomb is never inflated whole."""
    raw = stream.get_rawdata()
    if raw is None:  # already decoded by pdfminer (small streams it read itself)
        data = stream.get_data() or b""
        return len(data), sum(data.count(op) for op in _OPERATORS)
    filters = [name for name, _ in stream.get_filters()]
    names = [getattr(f, "name", str(f)) for f in filters]
    if not names:
        return len(raw), sum(raw.count(op) for op in _OPERATORS)
    if names not in (["FlateDecode"], ["Fl"]):
        if len(raw) * 20 > cap:  # other filters are decoded whole: only small ones
            raise PdfError(
                f"{what}: a {'/'.join(names)} stream of {len(raw):,} bytes is not read "
                "(pdf.max_stream_bytes)",
                source=context.origin,
            )
        return len(raw) * 20, sum(raw.count(op) for op in _OPERATORS)
    inflater = zlib.decompressobj()
    size = operators = 0
    try:
        chunk = inflater.decompress(raw, _INFLATE_CHUNK)
        while chunk:
            size += len(chunk)
            operators += sum(chunk.count(op) for op in _OPERATORS)
            if size > cap:
                raise PdfError(
                    f"{what}: a content stream inflates past {cap:,} bytes (pdf.max_stream_bytes)",
                    source=context.origin,
                )
            chunk = inflater.decompress(inflater.unconsumed_tail, _INFLATE_CHUNK)
    except zlib.error:
        pass  # a damaged stream: pdfminer reads what it can, as before
    return size, operators


def _check_page_load(page: Any, number: int, context: LoadContext) -> None:
    """Refuse a page whose content streams inflate past ``pdf_max_stream_bytes`` (in all) or
    hold more than ``pdf_max_objects_per_page`` drawing operators, before pdfminer runs them."""
    page_obj = page.page_obj
    streams = list(getattr(page_obj, "contents", None) or [])
    resources = resolve1(getattr(page_obj, "resources", None) or {})
    xobjects = resolve1(resources.get("XObject", {})) if isinstance(resources, dict) else {}
    if isinstance(xobjects, dict):
        for ref in xobjects.values():
            form = resolve1(ref)
            if isinstance(form, PDFStream) and getattr(form.get("Subtype"), "name", "") == "Form":
                streams.append(form)
    total = operators = 0
    what = f"page {number}"
    for ref in streams:
        stream = resolve1(ref)
        if not isinstance(stream, PDFStream):
            continue
        size, ops = _stream_load(stream, context.pdf_max_stream_bytes - total, what, context)
        total, operators = total + size, operators + ops
        if operators > context.pdf_max_objects_per_page:
            raise PdfError(
                f"{what} has over {context.pdf_max_objects_per_page:,} drawing operators "
                "(pdf.max_objects_per_page)",
                source=context.origin,
            )


def _read_page(page: Any, number: int, context: LoadContext, timings: LoadTimings) -> _Page:
    clock = time.perf_counter()
    try:
        _check_page_load(page, number, context)
    except PdfError:
        page.close()
        raise
    except Exception as err:  # a page tree too broken to measure: pdfminer decides below
        logger.debug("%s: page %d not measured (%s)", context.origin, number, err)
    try:
        raw_words = page.extract_words(**_WORD_OPTIONS)
        links = [_link_box(link) for link in page.hyperlinks]
        strokes = list(page.lines) + [r for r in page.rects if r["height"] < 2.5]
        images = len(page.images)
        width, height = float(page.width), float(page.height)
    except Exception as err:  # malformed content streams fail in many ways inside pdfminer
        raise PdfError(
            f"corrupt PDF: page {number} cannot be read: {_describe(err)}", source=context.origin
        ) from err
    finally:
        page.close()
        timings.pdfplumber_s += time.perf_counter() - clock
    spent = time.perf_counter() - clock
    if spent > context.pdf_page_time_s:
        raise PdfError(
            f"page {number} took {spent:.0f} s, over the budget of {context.pdf_page_time_s:.0f} s"
            " (pdf.page_time_s)",
            source=context.origin,
        )
    words = _words(raw_words, links)
    lines = _rows_to_lines(words, number) + _rules(strokes, number, width)
    return _Page(number, width, height, lines, images)


def _link_box(annot: dict[str, Any]) -> _LinkBox:
    uri = annot["uri"]
    if isinstance(uri, bytes):
        uri = uri.decode("utf-8", "replace")
    return (annot["x0"], annot["top"], annot["x1"], annot["bottom"], str(uri).strip())


def _words(raw: Iterable[dict[str, Any]], links: Sequence[_LinkBox]) -> list[_Word]:
    words: list[_Word] = []
    for item in raw:
        if not item.get("upright", True):
            continue
        word = _Word(
            text=item["text"],
            x0=item["x0"],
            x1=item["x1"],
            top=item["top"],
            bottom=item["bottom"],
            size=round(float(item["size"]) * 2) / 2,
            bold=bool(_BOLD_FONT.search(item["fontname"] or "")),
            italic=bool(_ITALIC_FONT.search(item["fontname"] or "")),
        )
        if links:
            word.url = _link_at(word, links)
        words.append(word)
    return words


def _link_at(word: _Word, links: Sequence[_LinkBox]) -> str | None:
    mid_x, mid_y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    for x0, top, x1, bottom, uri in links:
        if x0 - 1 <= mid_x <= x1 + 1 and top - 1 <= mid_y <= bottom + 1:
            return uri
    return None


def _rules(strokes: Iterable[dict[str, Any]], page: int, width: float) -> list[_Line]:
    """Horizontal strokes at least a quarter of the page wide, one per height."""
    rules: dict[int, _Line] = {}
    for stroke in strokes:
        if abs(stroke["bottom"] - stroke["top"]) > 2.5 or stroke["x1"] - stroke["x0"] < width / 4:
            continue
        key = round(stroke["top"])
        if key not in rules and key - 1 not in rules and key + 1 not in rules:
            rules[key] = _Line([], page, stroke["x0"], stroke["x1"], stroke["top"], stroke["top"])
    return list(rules.values())


# -- words to lines ----------------------------------------------------------------------------


def _rows_to_lines(words: list[_Word], page: int) -> list[_Line]:
    """Group words into rows by vertical overlap, then split rows at wide gaps."""
    lines: list[_Line] = []
    for row in _rows(words):
        row.sort(key=lambda w: w.x0)
        lines.extend(_split_row(row, page))
    return lines


def _rows(words: list[_Word]) -> Iterator[list[_Word]]:
    row: list[_Word] = []
    ref_top = ref_bottom = 0.0
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        overlap = min(ref_bottom, word.bottom) - max(ref_top, word.top)
        height = min(ref_bottom - ref_top, word.bottom - word.top)
        if row and overlap >= 0.5 * height:
            row.append(word)
            continue
        if row:
            yield row
        row, ref_top, ref_bottom = [word], word.top, word.bottom
    if row:
        yield row


def _split_row(row: list[_Word], page: int) -> Iterator[_Line]:
    start = 0
    for index in range(1, len(row) + 1):
        if index < len(row):
            prev, word = row[index - 1], row[index]
            gap = word.x0 - prev.x1
            word.glued = gap < 0.12 * prev.size
            if gap <= 1.2 * max(prev.size, word.size):
                continue
        yield _make_line(row[start:index], page)
        start = index


def _make_line(words: list[_Word], page: int) -> _Line:
    sizes: Counter[float] = Counter()
    for word in words:
        sizes[word.size] += len(word.text)
    words[0].glued = False
    return _Line(
        words=words,
        page=page,
        x0=words[0].x0,
        x1=max(w.x1 for w in words),
        top=min(w.top for w in words),
        bottom=max(w.bottom for w in words),
        size=sizes.most_common(1)[0][0],
        bold=all(w.bold for w in words if any(c.isalnum() for c in w.text)),
    )


def _marker_number(marker: str) -> int | None:
    digits = re.sub(r"\D", "", marker)
    return int(digits) if digits else None


def _is_marker(text: str) -> bool:
    return text in _STRONG_MARKERS or text in _WEAK_MARKERS or bool(_NUMBER_MARKER.match(text))


def _join_words(words: Sequence[_Word]) -> str:
    return "".join(("" if i == 0 or w.glued else " ") + w.text for i, w in enumerate(words))


# -- whole-document checks and running headers -------------------------------------------------


def _check_text_layer(pages: list[_Page], context: LoadContext) -> None:
    if any(line.words for page in pages for line in page.lines):
        empty = [p.number for p in pages if p.images and not any(ln.words for ln in p.lines)]
        if empty:
            logger.warning("%s: pages %s are images without text (need OCR)", context.origin, empty)
        return
    images = sum(page.images for page in pages)
    raise PdfError(
        f"no text layer: needs OCR ({len(pages)} pages, {images} images, no extractable text)",
        source=context.origin,
    )


def _running_key(line: _Line, page: _Page) -> tuple[str, str] | None:
    """(zone, digit-folded text) for lines in the top or bottom margin, else None."""
    if line.bottom <= 0.12 * page.height:
        zone = "top"
    elif line.top >= 0.88 * page.height:
        zone = "bottom"
    else:
        return None
    text = "<rule>" if line.is_rule else re.sub(r"\d+", "#", line.text.lower()).strip()
    return zone, text


def _drop_running_lines(pages: list[_Page]) -> list[str]:
    """Remove margin lines repeated at the same height on at least half of the pages."""
    seen: dict[tuple[str, str], list[tuple[_Page, _Line]]] = defaultdict(list)
    for page in pages:
        for line in page.lines:
            key = _running_key(line, page)
            if key is not None:
                seen[key].append((page, line))
    needed = max(2, math.ceil(len(pages) / 2))
    drop: set[int] = set()
    removed: list[str] = []
    for (_zone, text), hits in seen.items():
        median_top = sorted(line.top for _, line in hits)[len(hits) // 2]
        near = [(p, ln) for p, ln in hits if abs(ln.top - median_top) <= 4]
        lone_number = len(pages) == 1 and bool(_PAGE_NUMBER.match(text.replace("#", "1")))
        if len({p.number for p, _ in near}) >= needed or lone_number:
            drop.update(id(ln) for _, ln in near)
            sample = near[0][1].text
            if sample and not _PAGE_NUMBER.match(sample) and sample not in removed:
                removed.append(sample)
    for page in pages:
        page.lines = [line for line in page.lines if id(line) not in drop]
    return removed


# -- reading order -----------------------------------------------------------------------------


def _reading_order(page: _Page) -> list[_Line]:
    """The page's lines in reading order, with ``region_start`` set on each column's first."""
    gutter = _find_gutter(page.lines)
    if gutter is None:
        ordered = sorted(page.lines, key=lambda ln: (round(ln.top), ln.x0))
        if ordered:
            ordered[0].region_start = True
        return ordered
    return _order_columns(page.lines, sum(gutter) / 2)


def _find_gutter(lines: list[_Line]) -> tuple[float, float] | None:
    """A vertical strip in the middle of the text that narrow lines (almost) never cross."""
    text_lines = [ln for ln in lines if ln.words]
    if len(text_lines) < 6:
        return None
    left = min(ln.x0 for ln in text_lines)
    width = max(ln.x1 for ln in text_lines) - left
    narrow = [ln for ln in text_lines if ln.x1 - ln.x0 < 0.6 * width]
    coverage = _coverage(narrow, left, int(width) + 2)
    lo, hi = int(0.3 * width), int(0.7 * width)
    allowed = max(1, len(narrow) // 12)
    run = _longest_run(coverage, lo, hi, allowed)
    if run is None:
        return None
    g0, g1 = left + run[0], left + run[1]
    middle = (g0 + g1) / 2
    left_side = [ln for ln in narrow if ln.x1 < middle]
    right_side = [ln for ln in narrow if ln.x0 > middle]
    aligned = Counter(round(ln.x0) for ln in right_side).most_common(1)
    if len(left_side) < 3 or len(right_side) < 3 or not aligned or aligned[0][1] < 3:
        return None
    return g0, g1


def _coverage(lines: list[_Line], left: float, size: int) -> list[int]:
    diff = [0] * (size + 1)
    for line in lines:
        diff[max(int(line.x0 - left), 0)] += 1
        diff[min(math.ceil(line.x1 - left), size)] -= 1
    coverage, running = [], 0
    for step in diff:
        running += step
        coverage.append(running)
    return coverage


def _longest_run(coverage: list[int], lo: int, hi: int, allowed: int) -> tuple[int, int] | None:
    """The longest run in [lo, hi) at the lowest coverage, if that is at most ``allowed``."""
    hi = min(hi, len(coverage))
    if hi <= lo:
        return None
    lowest = min(coverage[lo:hi])
    if lowest > allowed:
        return None
    best: tuple[int, int] = (lo, lo)
    start: int | None = None
    for x in range(lo, hi + 1):
        inside = x < hi and coverage[x] == lowest
        if inside and start is None:
            start = x
        elif not inside and start is not None:
            if x - start > best[1] - best[0]:
                best = (start, x)
            start = None
    return best if best[1] - best[0] >= 4 else None


def _order_columns(lines: list[_Line], middle: float) -> list[_Line]:
    ordered: list[_Line] = []
    left: list[_Line] = []
    right: list[_Line] = []

    def flush() -> None:
        for column in (left, right):
            if column:
                column[0].region_start = True
                ordered.extend(column)
                column.clear()

    for line in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        if line.x1 < middle:
            left.append(line)
        elif line.x0 > middle:
            right.append(line)
        else:
            had_columns = bool(left or right)
            flush()
            line.region_start = had_columns or not ordered
            ordered.append(line)
    flush()
    return ordered


# -- lines to blocks ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    """A block being built from lines."""

    kind: BlockKind
    lines: list[_Line] = field(default_factory=list)
    level: int = 0
    closed: bool = False  # a label alone on its line: the value follows in other blocks
    shift: float = 0.0  # x offset of the current column against the block's first column
    xs: list[float] = field(default_factory=list)  # each line's x0 in the first column's terms

    @property
    def last(self) -> _Line:
        return self.lines[-1]

    def append(self, line: _Line) -> None:
        """Add a line; a line in a new column or page continues at the block's body indent."""
        if not self.xs:
            self.xs.append(self.lines[0].x0)
        if line.region_start or line.page != self.last.page:
            self.shift = line.x0 - self.xs[min(len(self.xs), 2) - 1]
        self.xs.append(line.x0 - self.shift)
        self.lines.append(line)


class _BlockBuilder:
    """Turn lines in reading order into blocks (one pass, with document-wide statistics)."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.body = _body_size(lines)
        self.heading_levels = self._heading_levels()
        self.gap_limit = self._gap_limit()
        self.joiner = _LineJoiner(lines)
        self.blocks: list[Block] = []
        self.pending: _Pending | None = None
        self.list_base: float | None = None
        self.list_number: int | None = None

    def build(self) -> list[Block]:
        for line in self.lines:
            self._add(line)
        self._finish()
        return self.blocks

    # statistics

    def _is_heading(self, line: _Line) -> bool:
        if not line.words or not any(c.isalpha() for c in line.text):
            return False
        return line.size >= 1.15 * self.body or (line.bold and line.size >= 1.05 * self.body)

    def _heading_levels(self) -> dict[tuple[float, bool], int]:
        styles = {(ln.size, ln.bold) for ln in self.lines if self._is_heading(ln)}
        ranked = sorted(styles, reverse=True)
        return {style: min(rank + 1, 6) for rank, style in enumerate(ranked)}

    def _gap_limit(self) -> float:
        gaps = sorted(
            line.top - prev.bottom
            for prev, line in zip(self.lines, self.lines[1:], strict=False)
            if line.words
            and prev.words
            and not line.region_start
            and line.top > prev.bottom - 1
            and abs(line.size - self.body) < 0.6
            and abs(prev.size - self.body) < 0.6
        )
        if len(gaps) < 5:
            return 0.6 * self.body
        return gaps[len(gaps) // 5] + max(0.35 * self.body, 2.0)

    # one line at a time

    def _add(self, line: _Line) -> None:
        if line.is_rule:
            self._finish()
            self.blocks.append(Block(kind=BlockKind.RULE, page=line.page))
            return
        if self._is_heading(line):
            self._add_heading(line)
            return
        pending = self.pending
        breaks = pending is None or self._breaks(pending, line)
        first = line.words[0].text
        if _label_length(line.words):
            self._start(BlockKind.LABEL_VALUE, line)
            if self.pending is not None and _label_length(line.words) == len(line.words):
                self.pending.closed = True  # a label alone: its value is the next blocks
        elif first in _STRONG_MARKERS or (_is_marker(first) and (breaks or self._next_item(first))):
            self._start(BlockKind.LIST_ITEM, line)
            self.list_number = _marker_number(first)
        elif pending is not None and not breaks and pending.kind is not BlockKind.HEADING:
            pending.append(line)
        else:
            self._start(BlockKind.PARAGRAPH, line)

    def _next_item(self, marker: str) -> bool:
        """Inside a list, a weak marker starts the next item; a number only the next number."""
        if self.pending is None or self.pending.kind is not BlockKind.LIST_ITEM:
            return False
        number = _marker_number(marker)
        return number is None or self.list_number is None or number == self.list_number + 1

    def _add_heading(self, line: _Line) -> None:
        level = self.heading_levels[(line.size, line.bold)]
        pending = self.pending
        if (
            pending is not None
            and pending.kind is BlockKind.HEADING
            and pending.level == level
            and not line.region_start
            and line.top - pending.last.bottom <= 0.8 * line.size
        ):
            pending.append(line)
            return
        self._start(BlockKind.HEADING, line, level)

    def _breaks(self, pending: _Pending, line: _Line) -> bool:
        """Whether ``line`` cannot continue the pending block."""
        if pending.closed or pending.kind is BlockKind.HEADING:
            return True
        prev = pending.last
        if len(prev.words) == 1 and len(pending.lines) == 1 and _is_marker(prev.words[0].text):
            return not (line.top < prev.bottom and line.bottom > prev.top and line.x0 > prev.x0)
        if abs(line.size - prev.size) > 0.6:
            return True
        if line.region_start or line.page != prev.page:
            return not self._continues_across(pending, line)
        if line.top - prev.bottom > self.gap_limit:
            return True
        return _indent_breaks(pending, line, 0.5 * self.body)

    def _continues_across(self, pending: _Pending, line: _Line) -> bool:
        text = pending.last.text.rstrip()
        first = line.words[0].text
        return not text.endswith(_TERMINAL) or first[:1].islower()

    def _start(self, kind: BlockKind, line: _Line, level: int = 0) -> None:
        self._finish()
        self.pending = _Pending(kind, [line], level)

    def _finish(self) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        page = pending.lines[0].page
        words = [w for ln in pending.lines for w in ln.words]
        if pending.kind is BlockKind.LIST_ITEM:
            level, words = self._list_depth(pending.lines[0].x0), words[1:]
            blocks = [paragraph_block(self.joiner.runs(words), BlockKind.LIST_ITEM, level)]
        elif pending.kind is BlockKind.HEADING:
            self.list_base = None
            blocks = [paragraph_block(self.joiner.runs(words), BlockKind.HEADING, pending.level)]
        else:
            self.list_base = None
            blocks = list(runs_to_blocks(self.joiner.runs(words)))
        self.blocks.extend(replace(block, page=page) for block in blocks if block is not None)

    def _list_depth(self, marker_x: float) -> int:
        """Nesting depth of a list item from its marker's indentation within the list."""
        if self.list_base is None or marker_x < self.list_base - 3:
            self.list_base = marker_x
        offset = marker_x - self.list_base
        return 0 if offset < 6 else min(1 + int((offset - 6) / 18), 5)


def _body_size(lines: Sequence[_Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        for word in line.words:
            sizes[word.size] += len(word.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _indent_breaks(pending: _Pending, line: _Line, tolerance: float) -> bool:
    """New paragraph by indentation: first-line indents, hanging indents, or a shift."""
    if len(pending.lines) == 1:
        return False
    first_x, rest_x = pending.xs[0], pending.xs[1]
    x = line.x0 - pending.shift
    if pending.kind is BlockKind.LIST_ITEM:
        return x < rest_x - tolerance
    if first_x < rest_x - tolerance:  # hanging indent: a line back at the margin starts anew
        return x <= first_x + tolerance
    if first_x > rest_x + tolerance:  # first-line indent: an indented line starts anew
        return x >= first_x - tolerance
    return abs(x - rest_x) > tolerance


def _label_length(words: Sequence[_Word]) -> int:
    """How many leading words form a bold label ending in ':' (0 when there is none)."""
    for index, word in enumerate(words[:6]):
        if not word.bold:
            return 0
        if word.text.endswith(":") and len(word.text) > 1:
            return index + 1
    return 0


# -- joining words across lines ----------------------------------------------------------------


class _LineJoiner:
    """Join words into text: de-hyphenate at line ends, glue URLs broken across lines."""

    def __init__(self, lines: Sequence[_Line]) -> None:
        self.vocabulary: set[str] = set()
        self.compounds: set[str] = set()
        self.line_ends: set[int] = set()
        for line in lines:
            if line.words:
                self.line_ends.add(id(line.words[-1]))
            for word in line.words:
                token = word.text.strip(".,;:()[]\"'“”‘’").lower()
                if "-" in token[1:-1]:
                    parts = token.split("-")
                    self.compounds.update(f"{a}-{b}" for a, b in itertools.pairwise(parts))
                else:
                    self.vocabulary.add(token)

    def runs(self, words: Sequence[_Word]) -> list[Run]:
        """Inline runs (one per stretch of equal bold/italic/link) for the shared classifier."""
        runs: list[Run] = []
        for word, piece in zip(words, self._pieces(words), strict=True):
            last = runs[-1] if runs else None
            if last and (last.bold, last.italic, last.href) == (word.bold, word.italic, word.url):
                runs[-1] = Run(last.text + piece, last.bold, last.italic, last.href)
            else:
                runs.append(Run(piece, word.bold, word.italic, word.url))
        return runs

    def join(self, words: Sequence[_Word]) -> str:
        """Clean text of ``words``, lines joined."""
        return clean_text("".join(self._pieces(words)))

    def _pieces(self, words: Sequence[_Word]) -> list[str]:
        """Each word's text with the separator before it (hyphens at line ends resolved)."""
        pieces: list[str] = []
        for index, word in enumerate(words):
            prev = words[index - 1] if index else None
            if prev is None:
                pieces.append(word.text)
            elif id(prev) in self.line_ends:
                separator, drop_hyphen = self._across(prev, word)
                if drop_hyphen:
                    pieces[-1] = pieces[-1][:-1]
                pieces.append(separator + word.text)
            else:
                pieces.append(("" if word.glued else " ") + word.text)
        return pieces

    def _across(self, prev: _Word, word: _Word) -> tuple[str, bool]:
        """(separator, drop the hyphen ending ``prev``) for a line break between two words."""
        if prev.url and prev.url == word.url and _URLISH.match(prev.text):
            return "", False
        if prev.text.endswith("-") and len(prev.text) > 1 and prev.text[-2].isalnum():
            return "", self._drop_hyphen(prev.text, word.text)
        return " ", False

    def _drop_hyphen(self, before: str, after: str) -> bool:
        prefix = before[:-1].rsplit("-", 1)[-1]
        suffix = after.rstrip(".,;:)]\"'”’")
        if not (prefix.isalpha() and prefix.islower() and suffix[:1].islower()):
            return False
        if f"{prefix}-{suffix}".lower() in self.compounds:
            return False
        if f"{prefix}{suffix}".lower() in self.vocabulary:
            return True
        both_words = prefix in self.vocabulary and suffix.lower() in self.vocabulary
        return not (both_words and len(prefix) > 2 and len(suffix) > 2)


def _first_title(blocks: Sequence[Block]) -> str:
    for block in blocks:
        if block.kind is BlockKind.HEADING and block.level == 1:
            return block.text
    return ""
