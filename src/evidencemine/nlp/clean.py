"""Study text from a scraped abstract or paper page: title, abstract and methods, with every
character of the result traceable to the original text.

Dropped: HTML/JATS/XML tags (block tags become line breaks; entities are decoded), site
chrome (government banners, navigation and action links, cookie notices), the author and
affiliation lists, PMID/DOI/citation and journal header lines, copyright, licence and
"Printed in" lines, and the trailing blocks that are not the study (keywords, MeSH terms,
publication types, substances, grants, conflict of interest, comments and errata, similar
articles, cited by, references: a reference list runs to the end of the text).

:func:`clean_study_text` returns a :class:`CleanText`; :meth:`CleanText.original_span` maps a
span of the cleaned text back to the original, so evidence offsets stay true to what was
scraped. Text without any of these parts comes back unchanged but for leading and trailing
blank space.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "title",
        "section",
        "sec",
        "article",
        "header",
        "footer",
        "nav",
        "abstract",
        "abstracttext",
        "articletitle",
        "title-group",
        "front",
        "body",
        "back",
        "ref-list",
        "ref",
        "caption",
        "fig",
        "label",
        "kwd-group",
        "keywordlist",
        "meshheadinglist",
        "aside",
        "main",
        "blockquote",
        "dd",
        "dt",
        "dl",
    ]
)
_DROP_ELEMENTS = ("script", "style", "noscript", "svg", "head", "nav", "footer")
_TAG_RE = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^<>]*?(/?)>|<!--.*?-->|<!\[CDATA\[|\]\]>", re.S)
_DROP_ELEMENT_RE = re.compile(
    r"<(" + "|".join(_DROP_ELEMENTS) + r")\b[^>]*>.*?</\1\s*>", re.S | re.IGNORECASE
)
_ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")

# whole lines of page chrome
_CHROME_RE = re.compile(
    r"^\s*(?:an official website of the united states government|here'?s how you know|"
    r"official websites use \.gov.*|secure \.gov websites use https.*|"
    r"a \.gov website belongs to.*|a lock \(.*\) or https://.*|share sensitive information only.*|"
    r"skip to (?:main )?(?:page )?content|skip to (?:main )?(?:navigation|search|menu)|"
    r"main menu|toggle navigation|search(?: in)?(?: pubmed)?|"
    r"advanced(?: search)?|user guide|log ?in|sign ?in|sign up|register|my ncbi|"
    r"save|email|send to|display options|permalink|copy|cite|share|full text links|"
    r"add to collections|add to my bibliography|actions|page navigation|"
    r"(?:we|this site) uses? cookies.*|.*\bcookies?\b.*(?:accept|settings|policy|consent).*|"
    r".*\bcookies\b.*\b(?:site|website|browser|device|privacy|preferences|partners)\b.*|"
    r"(?:your )?privacy(?: choices| settings| policy|, your choice)?|"
    r"accept(?: all)?(?: cookies)?|reject(?: all)?(?: optional)?(?: cookies)?|"
    r"manage (?:cookies|preferences|choices)|"
    r"this is a preview of subscription content.*|access this article|buy (?:article|pdf).*|"
    r"price includes vat.*|.*\btax calculation\b.*|instant access to the full.*|"
    r"rent this article.*|log in via an institution.*|access through your institution|"
    r"\d[\d,]* (?:accesses|citations|altmetric|downloads|views)|metrics(?: details)?|"
    r"back to top|follow ncbi|connect with nlm|nlm|nih|hhs|usa\.gov|"
    r"free (?:pmc )?article|free article|pmc free article|full text|"
    r"format:.*|abstract format|show details|show more|show less|"
    r"\d+ of \d+|page \d+(?: of \d+)?|previous|next|next article|previous article|"
    r"download pdf|view pdf|pdf|open in a new window|download citation|"
    r"this article is part of the research topic.*|view all \d+ articles)\s*$",
    re.IGNORECASE,
)
# lines that are journal headers, ids, copyright and licence notes
_META_RE = re.compile(
    r"^\s*(?:pmid:|pmcid:|doi:|https?://(?:doi\.org|dx\.doi)|epub\b|ecollection\b|"
    r"copyright\b|©|\(c\)\s*\d{4}|all rights reserved|published by\b|printed in\b|"
    r"this (?:is an )?open access article|licensee\b|creative commons|"
    r"received:?\s+\d|accepted:?\s+\d|published(?: online)?:?\s+\d|"
    r"(?:correspondence|corresponding author)\b|e-?mail:|"
    r"conflict of interest statement:?$|comment in|erratum in|update of|republished|"
    r"publisher'?s note\b|cite this article|issue date:?\s+\d|"
    r".{0,120}\bvolume \d+,? (?:issue \d+,? )?(?:pages?|article)\b)",
    re.IGNORECASE,
)
# "J Clin Oncol. 2019 Mar;37(7):612-20." or "BMJ Open. 2019; 9(3): e02"
_CITATION_LINE_RE = re.compile(
    r"^\s*[A-Z][\w .&()'-]{1,80}\.\s*(?:\d{4}\b[^.\n]{0,40}[;:]|\d{4}\s*$|"
    r"\d{4}\s+[A-Z][a-z]{2}\b)"
)
# labelled fields of a bibliographic record ("Authors: Smith, Ann; Lee, Bo", "Source: ...",
# "Descriptors: ...", "Language: English", "Sponsor: ...")
_RECORD_FIELD_RE = re.compile(
    r"^\s*(?:authors?|editors?|source|descriptors|identifiers(?:\s*-\s*[a-z ]+)?|"
    r"publication (?:type|date|year)|record type|document type|education level|audience|"
    r"languages?|sponsors?|authoring institution|grant or contract numbers?|eric number|"
    r"accession number|pages|abstractor|isbn|e?issn|notes|subjects?|subject terms|"
    r"institutions?|publisher|place of publication|country of publication|journal|"
    r"volume|issue|citation|available from|direct link|peer reviewed)\s*:",
    re.IGNORECASE,
)
# a postal address or contact line: "350 Main Street, Malden, MA 02148", "Tel: 800-..."
_ADDRESS_RE = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][\w.'-]*\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|"
    r"Lane|Drive|Way|Place|Square)\b|,\s*[A-Z]{2}\s+\d{5}\b|\b(?:tel|fax|phone)\s*:|"
    r"\bweb ?site\s*:",
    re.IGNORECASE,
)
_DOI_INLINE_RE = re.compile(r"\bdoi:\s*10\.\d{4,}/", re.IGNORECASE)
# a journal's name on a line of its own (breadcrumbs, headers): "Journal of Child Health",
# "Scandinavian Journal of Caring Sciences", "Annals of Oncology"
_JOURNAL_NAME_RE = re.compile(
    r"^\s*(?:(?:The|[A-Z][\w'’&.-]*:?|of|and|for|in|on|the|&)\s+){0,6}"
    r"(?:Journal|Annals|Archives|Bulletin|Proceedings|Transactions)\b"
    r"(?:\s+(?:[A-Z][\w'’&.-]*:?|of|and|for|in|on|the|&)){0,8}\s*$"
)
_SENTENCE_GAP_RE = re.compile(r"[a-z0-9)%][.!?]\s+[A-Z]")
_H1_RE = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.S)
# headings that start a block that is not the study (up to the next study heading)
_DROP_HEADING_RE = re.compile(
    r"^\s*(?:keywords?|key ?words|mesh terms|publication types?|substances|"
    r"grants? and funding|funding|conflict of interest(?: statement)?|competing interests?|"
    r"declaration of interests?|comment in|erratum in|similar articles|cited by|"
    r"related information|linkout.*|figures?|supplementary (?:info|information|material)|"
    r"associated data|affiliations?|authors?|author information|authors and affiliations|"
    r"corresponding authors?|ethics declarations?|ethics approval.*|additional information|"
    r"about this article|rights and permissions|data availability(?: statement)?|"
    r"notes|footnotes|access this article|"
    r"author contributions?|acknowledge?ments?|references|bibliography|literature cited)"
    r"\s*:?\s*$",
    re.IGNORECASE,
)
_TO_END_HEADING_RE = re.compile(
    r"^\s*(?:references|bibliography|literature cited|similar articles|cited by)\s*:?\s*$",
    re.IGNORECASE,
)
_INLINE_DROP_RE = re.compile(
    r"^\s*(?:keywords?|key ?words|mesh terms|publication types?|substances)\s*:", re.IGNORECASE
)
_STUDY_HEADING_RE = re.compile(
    r"^\s*(?:abstract|summary|background|introduction|objectives?|aims?|purpose|context|"
    r"rationale|methods?|materials and methods|design|setting|participants|patients|"
    r"interventions?|measurements|main outcome measures?|outcomes?|results|findings|"
    r"conclusions?|interpretation|discussion|trial registration|study design)\s*[:.]?\s*$",
    re.IGNORECASE,
)
_ABSTRACT_HEADING_RE = re.compile(r"^\s*(?:abstract|summary)\s*:?\s*$", re.IGNORECASE)
# "1 Department of ..., University of ..., City, Country." and the like
_AFFILIATION_RE = re.compile(
    r"^\s*(?:[•·▪‣]\s*)?(?:\d{1,2}|[a-z]|[*†‡§])?\s*\.?\s*(?:\(?\d\)?\s*)?"
    # a name before the institution word: "7Child Health Research Group, ..."
    r"(?-i:[A-Z][\w'’&-]*\s+(?:(?:of|for|and|&)\s+)*){0,5}"
    r"(?:department|dept\.?|division|faculty|school|institute|university|college|centre|"
    r"center|hospital|clinic|laboratory|unit|program|programme|section|group)\b.{0,300}$",
    re.IGNORECASE,
)
_STUDY_VERB_RE = re.compile(
    r"\b(?:we|were|was|randomi[sz]ed|enrolled|recruited|assigned|received)\b", re.IGNORECASE
)
# "Ann Smith 1, Bo Li 2 3, Carla Holland 1" / "Smith A, Li B, Holland C."
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|van|von|de|der|da|del|la|le))*"
_AUTHORS_RE = re.compile(
    rf"^\s*{_NAME}\s*(?:[\d,*†‡§\s]*\d[*†‡§]?)?(?:\s*(?:,|;|\band\b|&)\s*{_NAME}\s*"
    rf"(?:[\d,*†‡§\s]*\d[*†‡§]?)?){{2,}}\s*\.?\s*$"
)


@dataclass(frozen=True)
class CleanText:
    """The cleaned text and where each of its pieces came from.

    ``pieces``: ``(clean_start, original_start, length)`` per kept piece, in order; a piece
    with ``length`` 0 in the original (an inserted line break or a decoded entity) is
    recorded with its original position and ``original_length``."""

    text: str
    original: str
    starts: tuple[int, ...]
    origins: tuple[int, ...]
    copied: tuple[bool, ...]

    def original_offset(self, offset: int) -> int:
        """The original position of cleaned position ``offset`` (an end offset may equal
        ``len(text)``)."""
        if not self.starts:
            return offset
        i = max(0, bisect_right(self.starts, offset) - 1)
        if self.copied[i]:
            return self.origins[i] + (offset - self.starts[i])
        return self.origins[i]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of cleaned span ``[start, end)``."""
        if start >= end:
            point = self.original_offset(start)
            return point, point
        first = self.original_offset(start)
        last = self.original_offset(end - 1)
        i = max(0, bisect_right(self.starts, end - 1) - 1)
        return first, last + (1 if self.copied[i] else self._inserted_width(i))

    def _inserted_width(self, i: int) -> int:
        nxt = self.origins[i + 1] if i + 1 < len(self.origins) else len(self.original)
        return max(0, min(nxt, len(self.original)) - self.origins[i])

    @property
    def unchanged(self) -> bool:
        return self.text == self.original


class _Builder:
    def __init__(self, original: str) -> None:
        self.original = original
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.origins: list[int] = []
        self.copied: list[bool] = []
        self.length = 0

    def copy(self, start: int, end: int) -> None:
        if end <= start:
            return
        self._add(self.original[start:end], start, True)

    def insert(self, text: str, at: int) -> None:
        if text:
            self._add(text, at, False)

    def _add(self, text: str, origin: int, copied: bool) -> None:
        self.parts.append(text)
        self.starts.append(self.length)
        self.origins.append(origin)
        self.copied.append(copied)
        self.length += len(text)

    def build(self) -> tuple[str, list[int], list[int], list[bool]]:
        return "".join(self.parts), self.starts, self.origins, self.copied


def _segments_without_markup(raw: str) -> list[tuple[str, int, int | None]]:
    """``(text, original_start, original_end or None for inserted)`` pieces of ``raw`` with
    tags removed (block tags as line breaks) and entities decoded."""
    pieces: list[tuple[str, int, int | None]] = []
    dropped = [(m.start(), m.end()) for m in _DROP_ELEMENT_RE.finditer(raw)]
    pos = 0
    tags = [m for m in _TAG_RE.finditer(raw) if not any(s <= m.start() < e for s, e in dropped)]
    cuts = sorted(
        [(s, e, "\n") for s, e in dropped] + [(m.start(), m.end(), _tag_text(m)) for m in tags]
    )
    for start, end, replacement in cuts:
        if start < pos:
            continue
        _text_pieces(raw, pos, start, pieces)
        if replacement:
            pieces.append((replacement, start, None))
        pos = end
    _text_pieces(raw, pos, len(raw), pieces)
    return pieces


def _tag_text(m: re.Match[str]) -> str:
    name = (m.group(2) or "").lower()
    return "\n" if name in _BLOCK_TAGS else ""


def _text_pieces(raw: str, start: int, end: int, out: list[tuple[str, int, int | None]]) -> None:
    pos = start
    for m in _ENTITY_RE.finditer(raw, start, end):
        if m.start() > pos:
            out.append((raw[pos : m.start()], pos, m.start()))
        out.append((html.unescape(m.group()), m.start(), None))
        pos = m.end()
    if end > pos:
        out.append((raw[pos:end], pos, end))


def _looks_like_markup(raw: str) -> bool:
    return bool(_TAG_RE.search(raw) or _ENTITY_RE.search(raw))


def _lines(pieces: list[tuple[str, int, int | None]]) -> list[list[tuple[str, int, int | None]]]:
    """The pieces split into lines (each line's pieces, without the line break)."""
    lines: list[list[tuple[str, int, int | None]]] = [[]]
    for text, start, end in pieces:
        pos = 0
        for m in re.finditer("\n", text):
            if m.start() > pos:
                lines[-1].append(_sub(text, start, end, pos, m.start()))
            lines.append([])
            pos = m.end()
        if pos < len(text):
            lines[-1].append(_sub(text, start, end, pos, len(text)))
    return lines


def _sub(text: str, start: int, end: int | None, a: int, b: int) -> tuple[str, int, int | None]:
    if end is None:
        return text[a:b], start, None
    return text[a:b], start + a, start + b


# a page scraped flat (its blocks joined by spaces): where its blocks start again. Headings
# stand alone (split before and after); labels and chrome start a block (split before).
_FLAT_HEADINGS = (
    r"Abstract:?|ABSTRACT|Summary|Affiliations?|Expand|Similar articles|Cited by|References|"
    r"Publication types|MeSH terms|Substances|Grants and funding|LinkOut - more resources|"
    r"Conflict of interest statement|Comment in|Erratum in|Authors and Affiliations|"
    r"Author information|Ethics declarations|Additional information|About this article|"
    r"Cite this article|Access this article|Metrics details|Full text links|Keywords"
)
_FLAT_STARTS = (
    r"Keywords?:|Copyright\b|©|PMID:|PMCID:|DOI:|Descriptors:|Publication Type:|"
    r"Publication Date:|Record Type:|Education Level:|Audience:|Language:|Sponsor:|"
    r"Authoring Institution:|Grant or Contract Numbers:|Source:|Authors?:|Printed in\b|"
    r"An official website|Here's how you know|Official websites use|Secure \.gov|"
    r"A \.gov website|A lock \(|Skip to|Follow NLM|Your privacy|We use (?:essential )?cookies|"
    r"Accept all cookies|Manage preferences|Received:|Accepted:|Published:|Publisher's Note|"
    r"Price includes|Buy article|This is a preview|Epub \d{4}|\d+ Accesses|\d+ Citations|"
    r"\d{1,2} (?:Department|Dept|School|Division|Faculty|Institute|Centre|Center|University|"
    r"Unit|Laboratory|Program|Programme|Section)\b"
)
# labelled values that end where the next block starts: "Epub 2015 Jun 10.", "PMID: 123",
# "Source: Early Years, v12 n3 p40-55 2018", "Published: 1 Apr 2017", "812 Accesses"
_FLAT_CLOSED = (
    r"Epub \d{4}(?: [A-Z][a-z]{2})?(?: \d{1,2})?\.|PMID: \d+|PMCID: PMC\d+|DOI: \S+|"
    r"doi: \S+\.|Abstractor: As Provided|Source: [^.]{0,200}?\b(?:19|20)\d\d\b|"
    r"Published: \d{1,2} [A-Z][a-z]{2,8} \d{4}|Record Type: \w+|Publication Date: \d{4}|"
    r"Pages: \d+|\d+ Accesses|\d+ Citations|ERIC Number: \w+|"
    # one affiliation: "Division of Oncology, University of Kyoto, Kyoto, Japan."
    r"(?:Department|Dept|School|Division|Faculty|Institute|Centre|Center|University|Unit|"
    r"Laboratory)\b[^.;()]{0,150}?,[^.;()]{0,60},\s*[A-Z][\w ]{1,30}\.|"
    r"Electronic address: \S+@\S+\.|"
    # banner and notice sentences
    r"An official website of the United States government|Here's how you know|"
    r"Official websites use \.gov|A \.gov website belongs to [^.]*\.|"
    r"Secure \.gov websites use HTTPS|A lock \([^)]*\) or https://[^.]*\.gov website\.|"
    r"Share sensitive information only on official, secure websites\.|"
    r"Your privacy, your choice|We use [^.]{0,80}\bcookies\b[^.]*\.|"
    r"By clicking Accept all cookies[^.]*\.|Accept all cookies|Manage preferences"
)
_FLAT_MARK_RE = re.compile(
    rf"(?:(?<=[\s.;])|^)(?:(?P<heading>{_FLAT_HEADINGS}|{_FLAT_CLOSED})(?=\s|$)|"
    rf"(?={_FLAT_STARTS}))"
)
_FLAT_LINE = 300  # characters: shorter lines are left as they are
_FLAT_MARKS = 3  # marks a line needs to be read as a flattened page


def _split_flat(
    lines: list[list[tuple[str, int, int | None]]],
) -> list[list[tuple[str, int, int | None]]]:
    """Long lines with several page marks split into the blocks they were flattened from
    (no character is dropped: a split only starts a new line)."""
    out: list[list[tuple[str, int, int | None]]] = []
    for line in lines:
        text = _line_text(line)
        marks = list(_FLAT_MARK_RE.finditer(text)) if len(text) > _FLAT_LINE else []
        if len(marks) < _FLAT_MARKS:
            out.append(line)
            continue
        cuts = sorted({m.start() for m in marks} | {m.end() for m in marks if m.group("heading")})
        out.extend(_cut_line(line, [c for c in cuts if 0 < c < len(text)]))
    return out


def _cut_line(
    line: list[tuple[str, int, int | None]], cuts: list[int]
) -> list[list[tuple[str, int, int | None]]]:
    parts: list[list[tuple[str, int, int | None]]] = [[]]
    pos = 0
    cut_iter = iter(cuts)
    cut = next(cut_iter, None)
    for piece, start, end in line:
        offset = 0
        while cut is not None and cut < pos + len(piece):
            k = cut - pos
            if k > offset:
                parts[-1].append(_sub(piece, start, end, offset, k))
            parts.append([])
            offset = k
            cut = next(cut_iter, None)
        if offset < len(piece):
            parts[-1].append(_sub(piece, start, end, offset, len(piece)))
        pos += len(piece)
    return [p for p in parts if p]


# affiliations run into the title or author line, each after its marker: "A. Rahman,*
# Z. Iqbal† *University of Leeds, Leeds, UK †Health Research Foundation, Lahore, Pakistan"
_MARK = r"(?:[*†‡§¶]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)"
_ONE_AFFILIATION = (
    rf"{_MARK}\s*(?:[A-Z][\w'’&.-]*\s+(?:(?:of|for|and|the|on)\s+)*){{0,5}}"
    r"(?:University|Institute|Department|Hospital|Foundation|School|College|Cent(?:re|er)|"
    r"Division|Faculty|Laboratory|Clinic)\b"
    r"[^.;*†‡§¶¹²³⁴⁵⁶⁷⁸⁹⁰]{0,200}?,\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}"
    rf"(?=\s*,?\s*(?:and\s+)?{_MARK}|\s+[A-Z]|\s*[.;]|\s*$)"
)
_AFFILIATION_MARKED_RE = re.compile(
    rf"(?:(?<=\s)|^){_ONE_AFFILIATION}(?:\s*,?\s*(?:and\s+)?{_ONE_AFFILIATION})*"
)


def _drop_marked_affiliations(
    lines: list[list[tuple[str, int, int | None]]],
) -> list[list[tuple[str, int, int | None]]]:
    """Marked affiliation runs cut out of the lines they were run into."""
    out: list[list[tuple[str, int, int | None]]] = []
    for line in lines:
        text = _line_text(line)
        runs = [
            m.span()
            for m in _AFFILIATION_MARKED_RE.finditer(text)
            if not _STUDY_VERB_RE.search(m.group())
        ]
        if not runs:
            out.append(line)
            continue
        cuts = sorted({c for span in runs for c in span if 0 < c < len(text)})
        kept: list[tuple[str, int, int | None]] = []
        pos = 0
        for part in _cut_line(line, cuts):
            if not any(a == pos for a, _ in runs):
                kept.extend(part)
            pos += len(_line_text(part))
        if kept:
            out.append(kept)
    return out


def _line_text(line: list[tuple[str, int, int | None]]) -> str:
    return "".join(t for t, _, _ in line)


def _keep_flags(texts: list[str], headings: frozenset[int] = frozenset()) -> list[bool]:
    """Which lines are study text; ``headings`` are the lines of the page's top-level
    heading (``<h1>``), the title when one of them comes before the abstract."""
    keep = [True] * len(texts)
    first_abstract = next(
        (i for i, t in enumerate(texts) if _ABSTRACT_HEADING_RE.match(t)), len(texts)
    )
    has_abstract = first_abstract < len(texts)
    if not has_abstract:
        first_abstract = _unheaded_abstract(texts)
        has_abstract = first_abstract < len(texts)
    heading_title = any(h < first_abstract and texts[h].strip() for h in headings)
    title_line = _title_line(texts, first_abstract)
    seen: set[str] = set()
    body = False
    in_abstract = False
    dropping = False
    to_end = False
    for i, line in enumerate(texts):
        stripped = line.strip()
        if i == first_abstract and not to_end:
            in_abstract, dropping = True, False
        if to_end or not stripped:
            keep[i] = False if to_end else keep[i]
            continue
        if _TO_END_HEADING_RE.match(stripped):
            keep[i] = False
            to_end = True
            continue
        if _STUDY_HEADING_RE.match(stripped):
            in_abstract = in_abstract or bool(_ABSTRACT_HEADING_RE.match(stripped))
            kind = _section_kind(stripped)
            if kind == "introduction" and seen & {"methods", "results", "conclusions"}:
                body = True  # the paper's own introduction, after the abstract
            if kind == "methods" and "methods" in seen:
                body = True
            seen.add(kind)
            # the body's introduction and discussion are about other work
            dropping = body and kind in ("introduction", "discussion")
            keep[i] = not dropping
            continue
        if in_abstract and _INLINE_DROP_RE.match(stripped):
            body = True  # keywords close the abstract
        if _DROP_HEADING_RE.match(stripped) or _INLINE_DROP_RE.match(stripped):
            keep[i] = False
            dropping = not _INLINE_DROP_RE.match(stripped)
            continue
        if dropping or _chrome(stripped):
            keep[i] = False
            continue
        if has_abstract and not in_abstract:
            # before the abstract: the title (first text line) stays, the rest is the
            # header of the page (authors, affiliations, journal, ids)
            # (publication-type badges such as "Randomized Controlled Trial" are too short)
            keep[i] = i in headings if heading_title else i == title_line
            continue
        if _is_affiliation(stripped) or _AUTHORS_RE.match(stripped):
            keep[i] = False
    return keep


# three names in a row: "Ana B Lee 1, Tom Keller 2, Mei Lin 3" (a title and its authors
# flattened into one line are not the abstract)
_AUTHOR_RUN_RE = re.compile(
    r"(?:\b[A-Z][a-z]+(?:\s+[A-Z]\.?)?\s+[A-Z][\w'’-]+(?:\s+\d+)*\s*,\s*){3,}"
)


def _prose(line: str) -> bool:
    """A paragraph of running text (forty words or more, or two sentences and twenty words),
    not an affiliation, an author list or chrome."""
    words = len(line.split())
    return (
        (words >= 40 or (words >= 20 and len(_SENTENCE_GAP_RE.findall(line)) >= 1))
        and not _is_affiliation(line)
        and not _AUTHORS_RE.match(line)
        and not _AUTHOR_RUN_RE.search(line)
        and not _chrome(line)
    )


def _page_header(line: str) -> bool:
    """A line only a page's header has: chrome, ids, a journal line, a heading of the
    authors or affiliations, an affiliation, an author list."""
    return bool(
        _chrome(line)
        or _DROP_HEADING_RE.match(line)
        or _is_affiliation(line)
        or _AUTHORS_RE.match(line)
    )


def _unheaded_abstract(texts: list[str]) -> int:
    """A page with no abstract heading: the first paragraph of running text is where the
    abstract starts when a page header (chrome, authors, affiliations) comes before it;
    else ``len(texts)``."""
    for j, text in enumerate(texts):
        if _prose(text.strip()):
            header = any(_page_header(t.strip()) for t in texts[:j] if t.strip())
            return j if header else len(texts)
    return len(texts)


_SECTION_KINDS = (
    ("introduction", re.compile(r"introduction|background|context|rationale", re.I)),
    ("methods", re.compile(r"methods?|materials and methods|study design", re.I)),
    ("results", re.compile(r"results|findings", re.I)),
    ("discussion", re.compile(r"discussion", re.I)),
    ("conclusions", re.compile(r"conclusions?|interpretation", re.I)),
)


def _section_kind(heading: str) -> str:
    words = heading.strip().rstrip(":.").strip()
    for kind, regex in _SECTION_KINDS:
        if regex.fullmatch(words):
            return kind
    return "other"


_INSTITUTION = (
    r"\b(?:University|Hospital|Cent(?:re|er)|Institute|Department|School|Faculty|College)\b"
)
# two institutions with addresses, or a contact address: affiliations run together
_AFFILIATION_RUN_RE = re.compile(
    rf"{_INSTITUTION}[^.]*,[^.]*\.\s.*{_INSTITUTION}|electronic address:|@\w", re.IGNORECASE
)


# a citation inside a line ("Early Child Res Q. 2017 Jan;38(1):10-22") or navigation at its
# start: not a title
_CITATION_IN_RE = re.compile(r"\.\s*(?:19|20)\d\d(?:\s+[A-Z][a-z]{2}[^.;:]{0,20})?[;:]\s*\d")
_NAVIGATION_START_RE = re.compile(r"(?:skip to|log in|sign in|search in|main menu)\b", re.I)


def _title_like(line: str) -> bool:
    return (
        len(line.split()) >= 5
        and not _AFFILIATION_RUN_RE.search(line)
        and not _CITATION_IN_RE.search(line)
        and not _NAVIGATION_START_RE.match(line)
        and not _chrome(line)
        and not _AUTHORS_RE.match(line)
        and not _JOURNAL_NAME_RE.match(line)
        and not _is_affiliation(line)
        and not _DROP_HEADING_RE.match(line)
        and not _INLINE_DROP_RE.match(line)
    )


def _title_line(texts: list[str], first_abstract: int) -> int:
    """The title among the lines above the abstract: the last title-like line (five words
    or more, not chrome, a journal name or an affiliation) before the author list, which
    follows the title on article pages; without an author list, the longest. -1: none."""
    candidates = [i for i in range(first_abstract) if _title_like(texts[i].strip())]
    authors = next((i for i in range(first_abstract) if _AUTHORS_RE.match(texts[i].strip())), None)
    before = [i for i in candidates if authors is not None and i < authors]
    if before:
        return before[-1]
    return max(candidates, key=lambda i: len(texts[i].split()), default=-1)


def _heading_lines(raw: str, lines: list[list[tuple[str, int, int | None]]]) -> frozenset[int]:
    """The lines whose text lies inside an ``<h1>`` element of ``raw``."""
    spans = [(m.start(1), m.end(1)) for m in _H1_RE.finditer(raw)]
    if not spans:
        return frozenset()
    found = set()
    for i, line in enumerate(lines):
        copied = [start for _, start, end in line if end is not None]
        if copied and any(s <= copied[0] < e for s, e in spans):
            found.add(i)
    return frozenset(found)


def _is_affiliation(line: str) -> bool:
    """An affiliation line: an institution first, two or more commas, and no verb of a
    study's own sentence."""
    return bool(
        _AFFILIATION_RE.match(line) and line.count(",") >= 2 and not _STUDY_VERB_RE.search(line)
    )


def _chrome(line: str) -> bool:
    return bool(
        _CHROME_RE.match(line)
        or _META_RE.match(line)
        or _RECORD_FIELD_RE.match(line)
        or (_ADDRESS_RE.search(line) and len(line.split()) < 40)
        or _CITATION_LINE_RE.match(line)
        or (_DOI_INLINE_RE.search(line) and len(line) < 300)
    )


def clean_study_text(raw: str) -> CleanText:
    """The study text of ``raw`` (see the module notes) with its map to ``raw``."""
    pieces: list[tuple[str, int, int | None]] = (
        _segments_without_markup(raw) if _looks_like_markup(raw) else [(raw, 0, len(raw))]
    )
    lines = _drop_marked_affiliations(_split_flat(_lines(pieces)))
    texts = [_line_text(line) for line in lines]
    keep = _keep_flags(texts, _heading_lines(raw, lines))
    builder = _Builder(raw)
    previous_end: int | None = None
    wrote = False
    for line, kept, text in zip(lines, keep, texts, strict=True):
        if not kept or not text.strip():
            continue
        first_origin = line[0][1]
        if wrote:
            gap_start = previous_end if previous_end is not None else first_origin
            gap = raw[gap_start:first_origin]
            if gap and not gap.strip() and "\n" in gap:
                builder.copy(gap_start, first_origin)
            else:
                builder.insert("\n", gap_start)
        for piece, start, end in line:
            if end is None:
                builder.insert(piece, start)
            else:
                builder.copy(start, end)
        last = line[-1]
        previous_end = last[2] if last[2] is not None else last[1]
        wrote = True
    text, starts, origins, copied = builder.build()
    if not wrote:
        return CleanText("", raw, (), (), ())
    return CleanText(text, raw, tuple(starts), tuple(origins), tuple(copied))
