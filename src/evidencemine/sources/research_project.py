"""Research-project pages: a university or research group's page about one trial.

Reads the title, the summary, the team (roles from labels such as "Principal Investigators:"),
funders, and the publications list; the summary's design, comparison, time points and outcome
results are extracted later by the rules (:mod:`evidencemine.enrich`). Cookie notices and
similar chrome are dropped.
"""

from __future__ import annotations

import re

from evidencemine.documents.model import BlockKind, Document
from evidencemine.errors import ParseError
from evidencemine.models import (
    Programme,
    ProgrammeRecord,
    Study,
    TeamMember,
)
from evidencemine.models import (
    Section as KeptSection,
)
from evidencemine.references.parse import looks_like_reference, parse_reference
from evidencemine.sources.common import PageMeta, build_record
from evidencemine.sources.sections import (
    Section,
    drop_chrome,
    is_absent,
    labelled_fields,
    norm,
    split_list,
    split_sections,
)

KIND = "research-project"
CHROME_HEADINGS = frozenset(
    {
        "our use of cookies",
        "cookies",
        "necessary cookies",
        "analytics cookies",
        "cookie settings",
        "cookie preferences",
        "share this page",
        "share",
        "related projects",
        "contact us",
        "sign up to our newsletter",
        "follow us",
    }
)
CHROME_TEXT = re.compile(
    r"\bcookies?\b|\bprivacy (?:policy|notice)\b|^skip to (?:main )?content", re.I
)
SUMMARY = re.compile(
    r"^(summary|project summary|overview|abstract|about the (?:project|study)|"
    r"description|project description|background)$"
)
TEAM = re.compile(r"^(project team|team|research team|people|investigators|staff)$")
PUBLICATIONS = re.compile(r"^(publications?|outputs|references|key publications|papers)$")
FUNDING = re.compile(r"^(funders?|funding|funded by|sponsors?)$")
_FUNDER_NAME = re.compile(
    r"\b(fund|foundation|trust|council|lottery|charity|institute|"
    r"nihr|wellcome|government|department|ministry|bank)\b",
    re.I,
)
_STUDY_OF = re.compile(
    r"\b(?:examined|evaluated|compared|tested|investigated|assessed)\s+(?:the\s+)?"
    r"(?:outcomes?|effects?|effectiveness|efficacy|impact)\s+of\s+(?P<intervention>.+?)\s+"
    r"(?:and|versus|vs\.?|compared (?:with|to))\s+(?P<comparison>.+?)\s+"
    r"(?:for|among|in|with)\s+(?P<population>.+?)[.;]",
    re.I,
)
_FUNDED_BY = re.compile(r"^(?:funded by|funder:?|funding:?)\s+", re.I)
MARKERS = {
    "summary",
    "project team",
    "publications",
    "principal investigators",
    "principal investigator",
    "funder",
    "funders",
    "project summary",
    "research team",
    "outputs",
    "co-investigators",
    "research fellow",
    "senior research fellow",
}


def detect(document: Document) -> float:
    keys = {norm(b.label if b.kind is BlockKind.LABEL_VALUE else b.text) for b in document.blocks}
    found = len(MARKERS & keys)
    title = next((b.text for b in document.blocks if b.kind is BlockKind.HEADING), "")
    trial = bool(re.search(r"\b(trial|study|project|evaluation)\b", title, re.I))
    return 0.7 if found >= 2 else 0.4 if found == 1 and trial else 0.0


def _role(label: str) -> str:
    role = norm(label)
    return re.sub(r"(investigator|fellow|member|officer|lead|manager)s\b", r"\1", role)


def _team(section: Section, programme: Programme) -> None:
    labelled = set()
    for _key, block, tail in labelled_fields(section.blocks):
        names = [block.text] if block.text else [b.text for b in tail]
        for text in names:
            labelled.add(id(text))
            for name in split_list(text):
                programme.team.append(TeamMember(name=name, role=_role(block.label or "")))
        labelled.update(id(b) for b in tail)
    for block in section.blocks:
        kinds = (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)
        free = block.kind in kinds and id(block) not in labelled and block.text
        if not free or len(block.text.split()) > 12:
            continue
        if _FUNDER_NAME.search(block.text):
            programme.funders.append(_FUNDED_BY.sub("", block.text).strip())
        elif member := _person(block.text):
            programme.team.append(member)


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


class _ProjectParser:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.meta = PageMeta(document)
        self.sections = drop_chrome(split_sections(document.blocks), CHROME_HEADINGS, CHROME_TEXT)

    def parse(self) -> ProgrammeRecord:
        title = next((s.heading for s in self.sections if s.heading), self.document.title)
        if not title:
            raise ParseError("no project title on the page", source=self.document.origin)
        programme = Programme(name=title)
        study = Study(label=title, number=1)
        kept: list[KeptSection] = []
        for section in self.sections:
            self._section(section, programme, study, kept)
        programme.sections = kept
        self._summary_facts(programme)
        return build_record(self.document, self.meta, KIND, programme, [study])

    def _section(
        self, section: Section, programme: Programme, study: Study, kept: list[KeptSection]
    ) -> None:
        key = section.key
        paragraphs = [
            b.text
            for b in section.blocks
            if b.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) and b.text
        ]
        if SUMMARY.match(key) or (section.level == 1 and paragraphs and not programme.summary):
            if paragraphs:
                programme.summary = " ".join(paragraphs)
        elif TEAM.match(key):
            _team(section, programme)
        elif FUNDING.match(key):
            programme.funders.extend(p for p in paragraphs if not is_absent(p))
        elif PUBLICATIONS.match(key):
            for block in section.blocks:
                if looks_like_reference(block.text):
                    study.references.append(
                        parse_reference(
                            block.text,
                            italic=block.italic,
                            links=[link.url for link in block.links],
                        )
                    )
        elif section.heading and section.text().strip():
            kept.append(KeptSection(heading=section.heading, text=section.text()))

    def _summary_facts(self, programme: Programme) -> None:
        if programme.summary and (match := _STUDY_OF.search(programme.summary)):
            programme.intervention = match["intervention"].strip()
            programme.comparison = match["comparison"].strip()
            programme.population = match["population"].strip()


def parse_research_project_page(document: Document) -> ProgrammeRecord:
    """Parse a research-project page about one trial into a programme record with one study."""
    return _ProjectParser(document).parse()
