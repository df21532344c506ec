"""A small flow-layout PDF writer on top of fpdf2, for generating test PDFs.

It places every word itself (so tests control columns, line breaks, hyphenation and link
annotations): text flows down one or two columns and on to new pages; each page gets an
optional running header, footer and page number. ``\\u00ad`` (soft hyphen) in a word marks
where the writer may break it with a visible hyphen at a line end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SOFT_HYPHEN = "\u00ad"
HEADING_SIZES = {1: 20.0, 2: 15.0, 3: 12.5, 4: 11.5}
BODY_SIZE = 10.0


@dataclass(frozen=True)
class Run:
    """A piece of text in one style, optionally covered by a link annotation."""

    text: str
    bold: bool = False
    italic: bool = False
    url: str | None = None


@dataclass
class _Word:
    text: str
    bold: bool
    italic: bool
    url: str | None
    glued: bool  # no space before this word (continues the previous run)


RunsLike = str | Run | Sequence[Run]


def _as_runs(runs: RunsLike) -> list[Run]:
    if isinstance(runs, str):
        return [Run(runs)]
    if isinstance(runs, Run):
        return [runs]
    return list(runs)


def _words(runs: list[Run]) -> list[_Word]:
    words: list[_Word] = []
    previous = ""
    for run in runs:
        if run.text == "\n":  # a hard line break
            words.append(_Word("\n", False, False, None, False))
            previous = " "
            continue
        starts_glued = bool(words) and not run.text[:1].isspace() and not previous[-1:].isspace()
        for index, part in enumerate(run.text.split()):
            glued = starts_glued if index == 0 else False
            words.append(_Word(part, run.bold, run.italic, run.url, glued))
        previous = run.text or previous
    return words


class FlowPdf:
    """Lay out headings, paragraphs, bullets and rules in columns across pages."""

    def __init__(
        self,
        *,
        columns: int = 1,
        gutter: float = 24.0,
        margin: float = 56.0,
        header: str | None = None,
        footer: str | None = None,
        page_numbers: Callable[[int], str] | None = None,
        line_spacing: float = 1.35,
        unicode_fonts: bool = True,
        title: str | None = None,
    ) -> None:
        self.pdf = FPDF(unit="pt", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_compression(True)
        if title:
            self.pdf.set_title(title)
        self.family = self._add_fonts(unicode_fonts)
        self.margin = margin
        self.gutter = gutter
        self.header, self.footer, self.page_numbers = header, footer, page_numbers
        self.line_spacing = line_spacing
        self.columns = columns
        self.column = 0
        self.region_top = margin
        self.y = margin
        self._new_page()

    # -- fonts and page furniture -----------------------------------------------------------

    def _add_fonts(self, unicode_fonts: bool) -> str:
        if unicode_fonts and (FONT_DIR / "DejaVuSans.ttf").exists():
            for style, name in (("", "DejaVuSans"), ("B", "DejaVuSans-Bold")):
                self.pdf.add_font("DejaVu", style, str(FONT_DIR / f"{name}.ttf"))
            self.pdf.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
            self.pdf.add_font("DejaVu", "BI", str(FONT_DIR / "DejaVuSans-BoldOblique.ttf"))
            return "DejaVu"
        return "helvetica"

    def _font(self, size: float, bold: bool = False, italic: bool = False) -> None:
        style = ("B" if bold else "") + ("I" if italic else "")
        self.pdf.set_font(self.family, style, size)

    def _new_page(self) -> None:
        self.pdf.add_page()
        number = self.pdf.page_no()
        height = self.pdf.h
        self._font(8)
        if self.header:
            self.pdf.text(self.margin, 30, self.header)
            self.pdf.line(self.margin, 36, self.pdf.w - self.margin, 36)
        if self.footer:
            self.pdf.text(self.margin, height - 28, self.footer)
        if self.page_numbers:
            label = self.page_numbers(number)
            self.pdf.text(
                self.pdf.w - self.margin - self.pdf.get_string_width(label), height - 28, label
            )
        self.region_top = self.margin
        self.y = self.margin
        self.column = 0

    @property
    def _bottom(self) -> float:
        return self.pdf.h - self.margin

    def _column_box(self) -> tuple[float, float]:
        width = self.pdf.w - 2 * self.margin
        col_width = (width - self.gutter * (self.columns - 1)) / self.columns
        return self.margin + self.column * (col_width + self.gutter), col_width

    def _advance(self, height: float) -> None:
        """Make room for a line of ``height``: next column or next page when full."""
        if self.y + height <= self._bottom:
            return
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = self.region_top
            return
        self._new_page()

    # -- layout primitives -----------------------------------------------------------------

    def set_columns(self, columns: int) -> None:
        """Start a new region with ``columns`` columns below everything placed so far."""
        self.columns = columns
        self.column = 0
        self.region_top = self.y

    def space(self, points: float) -> None:
        self.y += points

    def heading(self, text: str, level: int = 2, *, gap_before: float = 8.0) -> None:
        size = HEADING_SIZES.get(level, BODY_SIZE)
        bold = level >= 2
        self.space(gap_before)
        self.paragraph(Run(text, bold=bold), size=size, gap_after=4.0)

    def rule(self, gap: float = 6.0) -> None:
        self._advance(2 * gap)
        x, width = self._column_box()
        self.y += gap
        self.pdf.set_line_width(0.6)
        self.pdf.line(x, self.y, x + width, self.y)
        self.y += gap

    def bullet(self, runs: RunsLike, marker: str = "•", *, gap_after: float = 3.0) -> None:
        self.paragraph(runs, marker=marker, gap_after=gap_after)

    def paragraph(
        self,
        runs: RunsLike,
        *,
        size: float = BODY_SIZE,
        gap_after: float = 6.0,
        indent: float = 0.0,
        hanging: float = 0.0,
        marker: str | None = None,
    ) -> None:
        """Place ``runs`` as one paragraph; ``indent`` is first-line, ``hanging`` the rest."""
        words = _words(_as_runs(runs))
        leading = size * self.line_spacing
        first = True
        while words or first:
            self._advance(leading)
            x, width = self._column_box()
            offset = (12.0 if marker else indent) if first else (12.0 if marker else hanging)
            if first and marker:
                self._font(size)
                self.pdf.text(x, self.y + size, marker)
            words = self._place_line(words, x + offset, width - offset, size)
            self.y += leading
            first = False
        self.y += gap_after

    def _place_line(self, words: list[_Word], x: float, width: float, size: float) -> list[_Word]:
        """Place as many words as fit on one line; return the rest."""
        cursor = x
        placed = 0
        baseline = self.y + size
        for word in words:
            if word.text == "\n":
                return words[placed + 1 :]
            self._font(size, word.bold, word.italic)
            space = 0.0 if (placed == 0 or word.glued) else self.pdf.get_string_width(" ")
            text = word.text.replace(SOFT_HYPHEN, "")
            need = self.pdf.get_string_width(text)
            if placed == 0 and need > width:  # a word longer than the line: break it anywhere
                cut = max(
                    1,
                    max(
                        i
                        for i in range(1, len(text) + 1)
                        if i == 1 or self.pdf.get_string_width(text[:i]) <= width
                    ),
                )
                self._draw(text[:cut], word, cursor, baseline, size)
                tail = _Word(text[cut:], word.bold, word.italic, word.url, False)
                return [tail, *words[1:]]
            if cursor + space + need > x + width and placed:
                rest = self._hyphenate(word, x + width - cursor - space)
                if rest is None:
                    break
                head, tail = rest
                self._draw(head + "-", word, cursor + space, baseline, size)
                return [_Word(tail, word.bold, word.italic, word.url, False), *words[placed + 1 :]]
            self._draw(text, word, cursor + space, baseline, size)
            cursor += space + need
            placed += 1
        return words[placed:]

    def _hyphenate(self, word: _Word, room: float) -> tuple[str, str] | None:
        """Break ``word`` at its last soft hyphen or real hyphen that leaves a head fitting."""
        text = word.text
        cuts = [i for i, c in enumerate(text) if c == SOFT_HYPHEN or (c == "-" and i)]
        for cut in reversed(cuts):
            head = text[:cut].replace(SOFT_HYPHEN, "") + "-"
            if self.pdf.get_string_width(head) <= room:
                return head[:-1], text[cut + 1 :]
        return None

    def _draw(self, text: str, word: _Word, x: float, baseline: float, size: float) -> None:
        self.pdf.text(x, baseline, text)
        if word.url:
            width = self.pdf.get_string_width(text)
            self.pdf.link(x, baseline - size, width, size * 1.2, word.url)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
