"""Research-project pages from any site: a university, trials unit, funder or registry page
about one study.

There is no template: the adapter reads content. The title is the first line that is not
chrome (a site-name prefix such as "Education Endowment Foundation:" goes). Labelled values
are read by the one label reader (:mod:`evidencemine.sources.labels`, wordings in
``evidencemine/data/labels.toml``) in every style these pages use:

- the label on its own line and the value on the next (HRA's bullet labels, ISRCTN's dates);
- label and value on one line with no colon ("Start date 1 Sep 2009", "IRAS number 297116");
- "Label: value", and several such pairs on one line ("Pupils: 3084 Schools: 77");
- a heading over a section ("Aim", "Funding", "Project team", "Publications").

Read: title, summary, design, sample, countries, dates (start/end, completed, submitted,
registered, last edited, duration), team, funders, trial registration ids (ISRCTN, NCT, IRAS,
EudraCT ... anywhere in the text) and publications. Research pages carry no ratings: an EEF
page's cost / strength boxes are glossary text and are dropped. Chrome (skip links, menus,
breadcrumbs, cookie banners) is removed before any adapter runs
(:func:`evidencemine.sources.chrome.strip_chrome`); site glossaries, title prefixes and
registry id patterns are data in ``evidencemine/data/research.toml``. The summary's design, sample,
countries, comparison and results are extracted later by the rules
(:mod:`evidencemine.enrich`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from evidencemine.countries import country_codes
from evidencemine.documents.model import Document
from evidencemine.errors import ParseError
from evidencemine.models import (
    Programme,
    ProgrammeRecord,
    RecordWarning,
    Registration,
    Study,
    StudyDates,
    StudyDesign,
    StudySample,
    TeamMember,
)
from evidencemine.models import (
    Section as KeptSection,
)
from evidencemine.references.parse import looks_like_reference, parse_reference
from evidencemine.sources import classify, paper
from evidencemine.sources.chrome import choose_name, is_chrome
from evidencemine.sources.common import MONTHS, PageMeta, build_record, slug_from_url
from evidencemine.sources.labels import Line, Pair, document_lines, norm, read_pairs, vocabulary
from evidencemine.sources.sections import is_absent, split_list

KIND = "research-project"
SECTION_FIELDS = frozenset({"summary", "team", "funder", "publications", "role"})
DATE_FIELDS = {
    "start_date": "start",
    "end_date": "end",
    "completed": "completed",
    "submitted": "submitted",
    "registered": "registered",
    "last_edited": "last_edited",
}
FACT_FIELDS = frozenset({"study_fact", "sponsor", "registration", "project_title"})
RESEARCH_FIELDS = frozenset(
    {
        "summary",
        "team",
        "role",
        "publications",
        "funder",
        "sponsor",
        "registration",
        "design",
        "sample",
        "country",
        "project_title",
        "study_fact",
        "duration",
        *DATE_FIELDS,
    }
)


@dataclass(frozen=True, slots=True)
class _Data:
    glossary: tuple[str, ...]
    image_suffixes: tuple[str, ...]
    cookies: re.Pattern[str]
    site_prefixes: frozenset[str]
    registries: tuple[tuple[str, re.Pattern[str]], ...]


@cache
def _data() -> _Data:
    data = classify.data_file("research")
    return _Data(
        glossary=tuple(norm(g) for g in data["glossary"]["prefixes"]),
        image_suffixes=tuple(s.lower() for s in data["images"]["suffixes"]),
        cookies=re.compile(data["cookies"]["pattern"], re.I),
        site_prefixes=frozenset(norm(p) for p in data["title"]["site_prefixes"]),
        registries=tuple((name, re.compile(p, re.I)) for name, p in data["registries"].items()),
    )


def _content_lines(document: Document) -> list[Line]:
    """The page's lines minus what chrome removal leaves to the adapter: cookie banners, a
    site's glossary boxes (with the bare numbers under them), link lists (two or more lines
    ending in "|"), image texts, chrome lines inside a block."""
    data = _data()
    lines = [_unglued(line) for line in document_lines(document) if not is_chrome(line.text)]
    kept: list[Line] = []
    index = 0
    cookie_section = False
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.kind == "heading":
            cookie_section = False
        if data.cookies.search(line.text):
            cookie_section = cookie_section or line.kind == "heading"
            continue
        if cookie_section:
            continue
        if line.text.rstrip().endswith("|"):
            run = index
            while run < len(lines) and lines[run].text.rstrip().endswith("|"):
                run += 1
            if run > index or (kept and kept[-1].text.rstrip().endswith("|")):
                index = run
                continue
        if line.text.lower().endswith(data.image_suffixes):
            continue
        if norm(line.text).startswith(data.glossary):
            while index < len(lines) and re.fullmatch(r"[\d.]+|months?", lines[index].text):
                index += 1
            continue
        if line.text:
            kept.append(line)
    return kept


_TABLE_ROW = re.compile(r"^\|\s*(?P<label>[^|]+?)\s*\|\s*(?P<value>[^|]*?)\s*\|\s*$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")


@cache
def _glued() -> re.Pattern[str]:
    """A research label run into its value with no space ("Study designRandomised ...")."""
    labels = {
        label
        for key, spec in vocabulary().fields.items()
        if key in RESEARCH_FIELDS
        for label in spec.labels
    }
    words = "|".join(re.escape(lab) for lab in sorted(labels, key=len, reverse=True))
    return re.compile(rf"^(?P<label>{words})(?=[A-Z0-9£€$])(?P<value>\S.*)$")


def _unglued(line: Line) -> Line:
    """A copy's table row ("| ISRCTN | ISRCTN12814243 |") or a label glued to its value
    ("Study designRandomised controlled trial") as "Label: value", for the label reader."""
    text = line.text
    if _TABLE_RULE.match(text):
        return dataclasses.replace(line, text="")
    if match := _TABLE_ROW.match(text):
        text = f"{match['label']}: {match['value']}".rstrip(": ")
    elif match := _glued().match(text):
        text = f"{match['label']}: {match['value']}"
    return line if text == line.text else dataclasses.replace(line, text=text)


def _absent(text: str) -> bool:
    """Absence as registries print it too ("Nil Known", "Not provided at time of registration")."""
    return is_absent(text) or bool(re.match(r"(?:nil|none)\b|not provided\b", text.strip(), re.I))


# ---------------------------------------------------------------------------------------------
# Labelled values and sections


@dataclass(slots=True)
class _Entry:
    """A labelled value: the reader's pair, and the lines of its section (for labels that head
    a section: summary, team, funders, publications, a team role)."""

    pair: Pair
    lines: list[Line] = field(default_factory=list)
    whole: str = ""  # the rest of the line, when the pair is the line's only research label

    @property
    def field(self) -> str:
        return self.pair.field

    @property
    def label(self) -> str:
        return self.pair.label

    def texts(self) -> list[str]:
        value = self.whole or self.pair.value
        out = [value] if value and self.pair.same_line else []
        out.extend(line.text for line in self.lines)
        if self.pair.value and not self.pair.same_line and not self.lines:
            out.append(self.pair.value)
        return [t for t in out if t.strip()]

    def text(self) -> str:
        return " ".join(self.texts())


def _is_reference(text: str) -> bool:
    """A publication line: an author-year reference with its year in brackets near the start."""
    return looks_like_reference(text) and bool(re.search(r"\((?:19|20)\d{2}[a-z]?\)", text[:150]))


def _name_like(text: str) -> bool:
    return len(text.split()) <= 8 and not text.rstrip().endswith((".", ":", "?"))


@dataclass(slots=True)
class _Read:
    entries: list[_Entry] = field(default_factory=list)
    free: list[Line] = field(default_factory=list)  # lines under no label
    kept: list[tuple[str, list[Line]]] = field(default_factory=list)  # unknown headed sections

    def values(self, name: str) -> list[_Entry]:
        return [e for e in self.entries if e.field == name]

    def first(self, name: str) -> str | None:
        return next((e.text() for e in self.values(name) if e.text()), None)


def _read(lines: list[Line]) -> _Read:
    """Every labelled value (by :func:`read_pairs`), each section-heading label with the lines
    under it, and the rest as free lines."""
    read = _Read()
    pairs = [p for p in read_pairs(lines, vocabulary()) if p.field in RESEARCH_FIELDS]
    at: dict[tuple[int, str], list[Pair]] = {}
    for pair in pairs:
        at.setdefault((pair.line.index, pair.line.text), []).append(pair)
    open_: _Entry | None = None
    section: tuple[str, list[Line]] | None = None
    skip_value = False
    for line in lines:
        here = at.get((line.index, line.text))
        if here:
            entries = [_Entry(p) for p in here]
            if len(here) == 1 and here[0].same_line and here[0].value:
                # another label word inside the value ("... preschool setting: a trial")
                # does not cut it: the value runs to the end of the line
                rest = re.sub(r"^[-•*·▪]\s+", "", line.text)
                head = re.match(r"\s*" + r"\s*".join(map(re.escape, here[0].label.split())), rest)
                if head and len(rest[head.end() :].lstrip(" :")) > len(here[0].value):
                    entries[0].whole = rest[head.end() :].lstrip(" :").strip()
            read.entries.extend(entries)
            last = entries[-1]
            open_ = last if last.field in SECTION_FIELDS else None
            skip_value = not last.pair.same_line and bool(last.pair.value)
            section = None
            continue
        if skip_value:  # the next-line value the reader already took
            skip_value = False
            if open_ is not None:
                open_.lines.append(line)
            continue
        if line.kind == "heading":
            open_ = None
            section = (line.text, [])
            read.kept.append(section)
            continue
        if open_ is not None and open_.field == "role" and not _name_like(line.text):
            open_ = None  # a role label takes name lines only
        if open_ is not None:
            open_.lines.append(line)
            continue
        if section is not None:
            section[1].append(line)
        read.free.append(line)
    return read


# ---------------------------------------------------------------------------------------------
# Title


_TITLE_WINDOW = 20  # lines searched for a top-level heading
_SITE_PREFIX = re.compile(r"^(?P<site>[^:]{3,80}?)\s*:(?P<rest>\S.*)$")


def _title(lines: list[Line]) -> tuple[str, int, int] | None:
    """The first line that is neither a label nor a label's value, with a site-name prefix
    stripped; its index, and the index of its last line (the repeat, when the next line
    repeats the title)."""
    vocab, data = vocabulary(), _data()
    values = {
        (p.line.index, p.line.text) for p in read_pairs(lines, vocab) if not p.same_line and p.value
    }
    # a page marked up with a top-level heading names itself there: the lines above it are
    # banners, badges and journal lines, not the title
    start = next(
        (
            index
            for index, line in enumerate(lines[:_TITLE_WINDOW])
            if line.kind == "heading"
            and line.depth == 1
            and not vocab.field_of(line.text)
            and not vocab.pattern.match(line.text)
            and not _is_prose(line.text.strip())
        ),
        0,
    )
    after_label = False
    for index, line in enumerate(lines[start:], start):
        if vocab.field_of(line.text) or vocab.pattern.match(line.text):
            after_label = (line.index, line.text) in values
            continue
        if after_label:  # the value under the label above
            after_label = False
            continue
        text = line.text.strip()
        if _is_prose(text):
            return None  # the page opens with prose: its title is not in this copy
        nxt = lines[index + 1].text.strip() if index + 1 < len(lines) else ""
        if match := _SITE_PREFIX.match(text):
            rest = match["rest"].strip()
            if norm(match["site"]) in data.site_prefixes or norm(rest) == norm(nxt):
                text = rest
        skip = index + 1 if norm(nxt) == norm(text) else index
        return text.rstrip(".").strip(), index, skip
    return None


def _is_prose(text: str) -> bool:
    """A paragraph, not a title: over 40 words, or more than one sentence."""
    return len(text.split()) > 40 or bool(re.search(r"[a-z)][.!?]\s+[A-Z]", text))


def _document_title(document: Document) -> str | None:
    """The HTML ``<title>`` without a " | Site" or " - Site" tail, when it reads as a title."""
    title = (document.title or "").strip()
    head = re.split(r"\s+[|–—-]\s+", title)[0].strip()
    return head if len(head.split()) >= 2 and not _is_prose(head) else None


def _design_rank(entry: _Entry) -> int:
    """ "Study design" / "Type of Trial" before a registry's "Primary study design" and "Study
    type" (which say "Interventional", "Prevention")."""
    return 1 if norm(entry.label) in {"primary study design", "study type"} else 0


def _registry_title(read: _Read, first_line: str, *, starts_with_labels: bool) -> str | None:
    """A registry names the record by its "Public title"; a copy that starts with labels (no
    title line) is named by its "Scientific title" or "Full title" instead of a flag line."""
    titles = {norm(e.label): e.text() for e in read.values("project_title") if e.text()}
    titles = {k: v for k, v in titles.items() if not _absent(v) and len(v.split()) >= 2}
    if public := titles.get("public title"):
        return public.rstrip(".").strip()
    if starts_with_labels and titles:
        return next(iter(titles.values())).rstrip(".").strip()
    return None


# ---------------------------------------------------------------------------------------------
# Values


_DMY = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d{2})\b")
_D_MON_Y = re.compile(r"\b(?:(\d{1,2})\s+)?([A-Za-z]{3,9})\.?,?\s+((?:19|20)\d{2})\b")
_ISO = re.compile(r"\b((?:19|20)\d{2})-(\d{2})(?:-(\d{2}))?\b")
_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*$")


def read_date(text: str) -> str | None:
    """``"02/08/2021"`` → 2021-08-02 (day first, as UK sites print it); ``"1 Sep 2009"`` →
    2009-09-01; ``"July 2018"`` → 2018-07; ``"2015"`` → 2015. None when no date."""
    if match := _ISO.search(text):
        return "-".join(p for p in match.groups() if p)
    if match := _DMY.search(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    for match in _D_MON_Y.finditer(text):
        named = [n for name, n in MONTHS.items() if name[:3] == match[2].lower()[:3]]
        if not named:
            continue
        if match[1]:
            try:
                return date(int(match[3]), named[0], int(match[1])).isoformat()
            except ValueError:
                return None
        return f"{match[3]}-{named[0]:02d}"
    if match := _YEAR.match(text):
        return match[1]
    return None


_SPAN = re.compile(
    r"\bfrom\s+(?P<start>(?:[A-Z][a-z]{2,8}\s+)?(?:19|20)\d{2})\s*(?:to|until|-|–)\s*"
    r"(?P<end>(?:[A-Z][a-z]{2,8}\s+)?(?:19|20)\d{2})\b"
)


def _registrations(texts: Iterable[str]) -> list[Registration]:
    """Trial registration ids anywhere in the texts, each once, in page order."""
    found: list[Registration] = []
    for text in texts:
        hits = sorted(
            (match.start(), registry, match[1])
            for registry, pattern in _data().registries
            for match in pattern.finditer(text)
        )
        for _, registry, value in hits:
            reg_id = f"ISRCTN{value}" if registry == "ISRCTN" else value
            if all((r.registry, r.id) != (registry, reg_id) for r in found):
                found.append(Registration(registry=registry, id=reg_id))
    return found


_FUNDED_BY = re.compile(
    r"\b(?:is|are|was|were|being|been)?\s*(?:jointly\s+)?funded\s+by\s+(?:the\s+)?"
    r"(?P<funder>[A-Z][^.;]*?)(?=\s*(?:,|;|\.(?:\s|$)|\s+and\s+(?:the\s+)?[a-z]|\s+under\b|"
    r"\s+as part\b|\s+grant\b|\s+through\b|\s+to\b|$))"
)
_FUNDED_THIS = re.compile(
    r"\b(?P<funder>[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,5})\s+"
    r"(?:funded|funds|is funding)\s+this\s+(?:project|study|trial|research|evaluation)\b"
)
_FUNDER_LABEL = re.compile(r"^(?:funded by|funder:?|funding:?)\s+", re.I)
_FUNDER_NAME = re.compile(
    r"\b(fund|foundation|trust|council|lottery|charity|institute|programme|"
    r"nihr|wellcome|government|department|ministry|bank|nspcc)\b",
    re.I,
)


def _funders(texts: Iterable[str]) -> list[str]:
    out: list[str] = []
    for text in texts:
        for pattern in (_FUNDED_BY, _FUNDED_THIS):
            for match in pattern.finditer(text):
                name = match["funder"].strip().rstrip(",")
                if name and name not in out:
                    out.append(name)
    return out


_PERSON_WORDS = (
    r"(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms|Miss)\.?\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}"
)
_DIRECTED = re.compile(
    rf"\b(?P<verb>directed|led|managed|coordinated|supervised)\s+by\s+(?P<name>{_PERSON_WORDS})"
)
_CO_INV = re.compile(
    r"\b(?P<role>co-investigators?|investigators?|researchers?)\s+(?:are|is|were|was|include)\s+"
    r"(?P<names>[A-Z][^.;]*)"
)
_ROLE_OF = {"directed": "director", "led": "lead", "managed": "manager"}


def _team_from_text(texts: Iterable[str]) -> list[TeamMember]:
    """ "The project is directed by Professor A B ... co-investigators are C D and E F."""
    team: list[TeamMember] = []
    for text in texts:
        text = re.sub(r"\band(?=[A-Z])", "and ", text)  # "andPam" in some captures
        for match in _DIRECTED.finditer(text):
            name = re.sub(r"\s+(?:from|at|of)$", "", match["name"])
            team.append(TeamMember(name=name, role=_ROLE_OF.get(match["verb"], match["verb"])))
        for match in _CO_INV.finditer(text):
            role = _role(match["role"])
            for name in split_list(match["names"]):
                if re.fullmatch(_PERSON_WORDS, name):
                    team.append(TeamMember(name=name, role=role))
    return team


def _role(label: str) -> str:
    role = norm(label)
    role = re.sub(r"(investigator|fellow|member|officer|lead|manager|researcher)s\b", r"\1", role)
    return "contact" if role == "contact name" else role


# "Dr Ana Costa, principal investigator", "Tom Reid (research assistant)", "Jo Bloggs – PI"
_PERSON = re.compile(
    r"^(?P<name>(?:(?:dr|prof|professor|mr|mrs|ms|miss)\.?\s+)?"
    r"[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})"
    r"(?:\s*(?:,|\s[–—-]|\()\s*(?P<role>[^()]{2,60}?)\)?)?\s*$",
    re.IGNORECASE,
)


def _person(text: str) -> TeamMember | None:
    """A team member from a free line of the team section, when it reads as one."""
    match = _PERSON.match(text.strip())
    if not match or not all(w[0].isupper() for w in match["name"].split()):
        return None
    return TeamMember(name=match["name"], role=_role(match["role"]) if match["role"] else None)


_RECRUITED = re.compile(
    r"\b(?:will\s+(?:involve|recruit|enrol|include)|involved|recruited|(?:we\s+)?invited|"
    r"enrolled|randomi[sz]ed)\s+(?:a total of\s+|around\s+|about\s+|approximately\s+)?"
    r"(?P<n>\d[\d,]*)\s+(?P<unit>(?:[a-z-]+\s+){0,2}?(?:families|parents|carers|caregivers|"
    r"children|mothers|fathers|pupils|students|schools|participants|young people|infants|"
    r"babies|dyads|couples|households|women|men|adolescents|teachers))\b",
    re.I,
)


def _recruited(texts: list[str]) -> str | None:
    """ "The study will involve 70 families", "we invited 300 families": who the study took,
    as printed ("70 families"), when no label gives the sample."""
    for text in texts:
        if match := _RECRUITED.search(text):
            return f"{match['n']} {match['unit']}"
    return None


def _sample_text(entries: list[_Entry]) -> str | None:
    """ "Pupils: 3084", "Schools: 77" → "3084 pupils, 77 schools"; other values as printed."""
    parts: list[str] = []
    for entry in entries:
        value = entry.text()
        if not value or _absent(value):
            continue
        if re.fullmatch(r"[\d,]+", value.strip()):
            parts.append(f"{value.strip()} {entry.label.lower()}")
        else:
            parts.append(value)
    return ", ".join(parts) or None


_STUDY_OF = re.compile(
    r"\b(?:examined|evaluated|compared|tested|investigated|assessed)\s+(?:the\s+)?"
    r"(?:outcomes?|effects?|effectiveness|efficacy|impact)\s+of\s+(?P<intervention>.+?)\s+"
    r"(?:and|versus|vs\.?|compared (?:with|to))\s+(?P<comparison>.+?)\s+"
    r"(?:for|among|in|with)\s+(?P<population>.+?)[.;]",
    re.I,
)


def _summary_facts(programme: Programme) -> None:
    """ "This study examined the outcomes of X and Y for Z": intervention, comparison and
    population as printed."""
    if programme.summary and (match := _STUDY_OF.search(programme.summary)):
        programme.intervention = match["intervention"].strip()
        programme.comparison = match["comparison"].strip()
        programme.population = match["population"].strip()


# ---------------------------------------------------------------------------------------------
# The parser


class _ProjectParser:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.meta = PageMeta(document)
        self.lines = _content_lines(document)
        self.warnings: list[RecordWarning] = []
        self.body: list[Line] = []

    def parse(self) -> ProgrammeRecord:
        found = _title(self.lines)
        first, index, last = found or ("", 0, -1)
        self.body = body = self.lines[:index] + self.lines[last + 1 :]
        read = _read(body)
        title = (
            _registry_title(read, first, starts_with_labels=index > 0 or found is None)
            or first
            or _document_title(self.document)
        )
        if not title:
            raise ParseError(
                "no project title on the page (it opens with prose, no title line)",
                source=self.document.origin,
            )
        programme = Programme(name=title)
        study = Study(label=title, number=1)
        texts = [line.text for line in self.lines]
        texts += [f"{e.label} {e.text()}" for e in read.entries if e.field == "registration"]
        study.registrations = _registrations(texts)
        self._slug_check(title, study, self.lines[index] if found else None)
        self._summary(read, programme)
        _summary_facts(programme)
        self._team(read, programme)
        self._funders(read, programme)
        self._publications(read, study)
        self._study_fields(read, study)
        programme.sections = [
            KeptSection(heading=heading, text="\n".join(line.text for line in lines))
            for heading, lines in read.kept
            if lines
        ]
        record = build_record(self.document, self.meta, KIND, programme, [study])
        record.warnings.extend(self.warnings)
        return record

    def _slug_check(self, title: str, study: Study, line: Line | None) -> None:
        """The page's title wins over the URL slug; a disagreement is a warning (not when the
        slug is one of the page's registration ids, as on a registry)."""
        slug = slug_from_url(self.meta.url) or ""
        if slug.upper() in {r.id.upper() for r in study.registrations}:
            return
        choice = choose_name(title, self.meta.url)
        if choice.note:
            self.warnings.append(
                RecordWarning(
                    code="name-slug-disagree",
                    place=line.place if line else None,
                    message=choice.note,
                )
            )

    def _summary(self, read: _Read, programme: Programme) -> None:
        # one line per paragraph, so the page's chrome can be told from its study text
        # (:mod:`evidencemine.nlp.clean`, run before extraction)
        labelled = [
            text
            for e in read.values("summary")
            if e.text() and not _absent(e.text())
            for text in e.texts()
        ]
        if labelled:
            programme.summary = "\n".join(labelled)
            return
        free = [
            line.text
            for line in read.free
            if len(line.text.split()) >= 8 and not _is_reference(line.text)
        ]
        if free:
            programme.summary = "\n".join(free[:8])

    def _team(self, read: _Read, programme: Programme) -> None:
        for entry in read.entries:
            if entry.field == "role":
                role = _role(entry.label)
                for text in entry.texts():
                    for name in split_list(text):
                        programme.team.append(TeamMember(name=name, role=role))
            elif entry.field == "team":
                for text in entry.texts():
                    if len(text.split()) > 12:
                        programme.team.extend(_team_from_text([text]))
                    elif _FUNDER_NAME.search(text):
                        programme.funders.append(_FUNDER_LABEL.sub("", text).strip())
                    elif member := _person(text):
                        programme.team.append(member)
        if not programme.team:
            programme.team.extend(_team_from_text(line.text for line in self.body))

    def _funders(self, read: _Read, programme: Programme) -> None:
        for entry in read.values("funder"):
            for text in entry.texts():
                if _absent(text):
                    continue
                named = _funders([text])
                if named:
                    programme.funders.extend(named)
                elif len(text.split()) <= 24:
                    programme.funders.append(_FUNDER_LABEL.sub("", text).strip())
        if not programme.funders:
            programme.funders.extend(_funders(line.text for line in self.body))
        programme.funders = list(dict.fromkeys(programme.funders))

    def _publications(self, read: _Read, study: Study) -> None:
        for entry in read.values("publications"):
            for line in entry.lines:
                block = self.document.blocks[line.index]
                if looks_like_reference(line.text):
                    study.references.append(
                        parse_reference(
                            line.text,
                            italic=block.italic,
                            links=[link.url for link in line.links],
                        )
                    )

    def _study_fields(self, read: _Read, study: Study) -> None:
        design = next(
            (e.text() for e in sorted(read.values("design"), key=_design_rank) if e.text()), None
        )
        if design and not _absent(design):
            study.design = StudyDesign(value="other", label=design)  # the rules read the label
        texts = [t for e in read.values("summary") for t in e.texts()]
        sample = _sample_text(read.values("sample")) or _recruited(
            texts + [line.text for line in read.free]
        )
        if sample:
            study.sample = StudySample(text=sample)
        countries = read.first("country")
        if countries and not _absent(countries):
            study.country_text = [countries]
            study.countries = country_codes(countries)
        dates = StudyDates()
        for key, name in DATE_FIELDS.items():
            value = read.first(key)
            if value:
                setattr(dates, name, read_date(value))
        dates.duration = read.first("duration")
        if not (dates.start or dates.end):
            for line in read.free:
                if span := _SPAN.search(line.text):
                    dates.start, dates.end = read_date(span["start"]), read_date(span["end"])
                    break
        if dates != StudyDates():
            study.dates = dates
        for entry in read.entries:
            value = entry.text()
            if entry.field in FACT_FIELDS and value and not _absent(value):
                study.fields.setdefault(entry.label, value)


def detect(document: Document) -> float:
    """How much the page reads as a research-project page: registration ids, research labels,
    research words; zero for a guidebook page (it carries a guidebook anchor)."""
    if classify.is_guidebook(document):
        return 0.0
    lines = _content_lines(document)
    read = _read(lines)
    fields = {e.field for e in read.entries} - {"study_fact"}
    score = 0.15 * len(fields)
    text = "\n".join(line.text for line in lines[:200])
    if _registrations([text]):
        score += 0.5
    if re.search(r"\b(?:trial|study|evaluation|project|research)\b", text, re.I):
        score += 0.15
    if _STUDY_REF.search(text):
        score += 0.2
    first = next((line.text for line in lines if line.text.strip()), "")
    if re.search(r"\b(?:trial|study|evaluation|project)\b", first, re.I) and len(first) < 200:
        score += 0.1  # the title names a study
    if _STUDY_CONDUCT.search(text):
        score += 0.15
    if re.search(
        r"\b(?:randomi[sz]ed|randomly|controlled trial|pilot|evaluation|cohort)\b", text, re.I
    ):
        score += 0.1
    if _funders([text]) or _team_from_text([text]):
        score += 0.15
    if paper.detect(document) >= 0.45:  # a paper's abstract and methods: the paper adapter's
        return min(score, 0.4)
    return min(score, 0.85)


_STUDY_REF = re.compile(
    r"\b(?:this|the|our)\s+(?:[\w,'’-]+\s+){0,5}?(?:study|trial|evaluation|project)\b", re.I
)
_STUDY_CONDUCT = re.compile(
    r"\b(?:t(?:ake|ook|aking) part|were (?:randomly )?(?:allocated|assigned)|were put into|"
    r"follow(?:ed|ing)? up|follow-?ups?|participants were|data will be collected|"
    r"will be recruited|we invited|were recruited|will involve \d+)\b",
    re.I,
)


def parse_research_project_page(document: Document) -> ProgrammeRecord:
    """Parse a research-project page about one study into a programme record with one study."""
    return _ProjectParser(document).parse()
