"""The EIF (Foundations) Guidebook programme page adapter.

Driven by heading and label text, not CSS: "Evidence rating", "Cost rating", "Child outcomes",
"Key programme characteristics" (Who is it for? / How is it delivered? / Where is it
delivered? / How is it targeted? / Where has it been implemented?), "UK provision", "UK
evaluation", "About the programme", implementation requirements, "Theory of Change",
"Contact details" and "About the evidence" with one section per study. Sections it does not
know are kept by name with their text; page chrome (guidebook and EIF about-texts, address,
disclaimer, reading guides, cookie notices) is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from evidencemine.countries import country_codes
from evidencemine.documents.model import Block, BlockKind, Document
from evidencemine.errors import ParseError
from evidencemine.models import (
    Contact,
    CostRating,
    EvidenceRating,
    Programme,
    ProgrammeOutcome,
    ProgrammeRecord,
    Ratings,
    RecordWarning,
    Reference,
    Study,
    StudyDesign,
    StudyOutcome,
    StudySample,
)
from evidencemine.models import (
    Section as KeptSection,
)
from evidencemine.references.parse import attach_links, looks_like_reference, parse_reference
from evidencemine.sources import delivery
from evidencemine.sources.chrome import choose_name, is_chrome
from evidencemine.sources.common import PageMeta, build_record
from evidencemine.sources.guidebook_lines import (
    find_name,
    index_of,
    is_heading_word,
    name_from_sentences,
    parse_evidence_value,
    read_outcomes,
    read_ratings,
    read_reviews,
    section_lines,
    split_age_groups,
)
from evidencemine.sources.labels import document_lines, is_label_line, read_pairs, vocabulary
from evidencemine.sources.sections import (
    Section,
    drop_chrome,
    is_absent,
    label_text,
    labelled_fields,
    norm,
    promote_labels,
    split_list,
    split_sections,
)

KIND = "eif-guidebook"
CHROME_HEADINGS = frozenset(
    {
        "guidebook",
        "eif",
        "disclaimer",
        "foundations",
        "about the guidebook",
        "about eif",
        "our use of cookies",
        "cookies",
        "necessary cookies",
        "analytics cookies",
        "cookie settings",
        "share this page",
        "share",
        "related programmes",
        "sign up to our newsletter",
        "what does the plus mean",
        "what does the evidence rating mean",
        "what does the cost rating mean",
    }
)
CHROME_TEXT = re.compile(
    r"^(how to read the guidebook|eif evidence standards|about the eif guidebook|back to top|"
    r"print this page|download (?:this|the) (?:page|programme)|www\.eif\.org\.uk)\b"
    r"|\+44\s*\(0\)|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b.*\|"
    r"|\bcookies?\b.*\b(consent|preferences|enable|accept)\b",
    re.IGNORECASE,
)
EVIDENCE_LABELS = frozenset({"evidence rating", "evidence level", "evidence strength"})
COST_LABELS = frozenset({"cost rating", "cost"})
DESIGNS = {
    "rct": ("rct", "RCT"),
    "randomised controlled trial": ("rct", "RCT"),
    "randomized controlled trial": ("rct", "RCT"),
    "cluster rct": ("cluster-rct", "Cluster RCT"),
    "qed": ("quasi-experimental", "QED"),
    "quasi experimental design": ("quasi-experimental", "QED"),
    "quasi experimental": ("quasi-experimental", "QED"),
}
_RATING = re.compile(r"^(?:level\s*)?(?P<level>[1-4])\s*(?P<plus>\+|plus)?$", re.I)
_NL2 = re.compile(r"^n\s*l\s*2$|^not level 2$", re.I)
# "Improved X - based on study 1", "Improved X (based on studies 1 and 2)", "Improved X
# Based on: study 1a" (the note in its own element)
_BASED_ON = re.compile(
    r"^(?P<outcome>.+?)\s*(?:[-–—|:]\s*|\(\s*|\s)based on:?\s+(?P<studies>[^)]+?)\)?\.?$",
    re.I,
)
# "Study 1", and "Study 1a" / "Study 1b" (several papers on one sample, as Foundations prints)
_STUDY = re.compile(r"^study\s+(\d+)(?:\s?([a-z]))?\b", re.I)
# the study numbers after "based on": "study 1, study 2", "studies 1 and 2", "study 1a, 1b"
_STUDY_REF = re.compile(r"(?<![\w.])(\d+)(?:\s?([a-z]))?\b", re.I)
_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z0-9&\-]{1,14})\s*\)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def evidence_rating(text: str) -> EvidenceRating | None:
    """``"3+"`` → level 3 with plus; ``"NL2"`` → not level 2; None when unreadable or absent."""
    label = re.sub(r"\s+", "", text.strip())
    if match := _RATING.match(label):
        level, plus = int(match["level"]), bool(match["plus"])
        return EvidenceRating(label=f"{level}{'+' if plus else ''}", level=level, plus=plus)
    if _NL2.match(text.strip()):
        return EvidenceRating(label="NL2", not_level_2=True)
    return None


def cost_rating(text: str) -> CostRating | None:
    """``"1"``-``"5"`` → a cost rating; ``"NA"`` (not available) → None, never a string rating."""
    match = re.fullmatch(r"\s*(?:level\s*)?([1-5])\s*", text, re.I)
    return CostRating(label=match[1], level=int(match[1])) if match else None


def detect(document: Document) -> float:
    """1.0 for an EIF programme address with the assessment anchor or a rating value; content
    alone (the anchor and the EIF block names) otherwise. Help pages, which reuse the chrome
    but have neither, score low (refused unless another adapter claims them)."""
    url = (document.url or "") + " " + document.meta.get("canonical", "")
    lines = document_lines(document)
    line_keys = {norm(ln.text).rstrip(":").strip() for ln in lines}
    anchor = bool({"eif programme assessment", "programme assessment"} & line_keys)
    rated = any(
        p.value and parse_evidence_value(p.value)
        for p in read_pairs(lines, fields={"evidence_rating", "cost_rating"})
    )
    foundations = {"population characteristics as evaluated", "model characteristics"}
    if not anchor and (foundations & line_keys or "foundations.org.uk/toolkit/guidebook/" in url):
        return 0.0  # the Foundations layout: its own adapter
    if re.search(r"guidebook\.eif\.org\.uk/programmes?/", url, re.I):
        return 1.0 if anchor or rated else 0.3
    if re.search(r"foundations\.org\.uk/(?!toolkit/guidebook/).*programme", url, re.I) and (
        anchor or rated
    ):
        return 1.0
    keys = {norm(b.label if b.kind is BlockKind.LABEL_VALUE else b.text) for b in document.blocks}
    keys |= line_keys | {norm(p.label) for p in read_pairs(lines)}
    markers = {
        "evidence rating",
        "cost rating",
        "about the evidence",
        "child outcomes",
        "key programme characteristics",
        "eif programme assessment",
    }
    found = len(markers & keys)
    return 0.9 if found >= 3 else 0.5 if found >= 2 else 0.0


class _EifParser:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.meta = PageMeta(document)
        blocks = _study_titles_as_headings(document.blocks)
        self.sections = drop_chrome(split_sections(blocks), CHROME_HEADINGS, CHROME_TEXT)
        self.programme: Programme | None = None
        self.studies: list[Study] = []
        self.kept: list[KeptSection] = []
        self.warnings: list[RecordWarning] = []

    def parse(self) -> ProgrammeRecord:
        lines = document_lines(self.document)
        self.lines = lines
        self.pairs = read_pairs(lines)
        title_index = self._title_index()
        title = self.sections[title_index]
        name = self._name(title.heading)
        intro = [b for b in title.blocks if b.text not in self.meta.lines]
        self.programme = Programme(name=name, ratings=self._ratings())
        self._intro(intro)
        rest = self.sections[title_index + 1 :]
        index = 0
        while index < len(rest):
            section = rest[index]
            index += 1
            if _STUDY.match(section.heading):
                nested = _subsections(rest[index:], section.level)
                index += len(nested)
                self._study(_merge_subsections(section, nested))
            else:
                self._dispatch(section)
        self.programme.sections = self.kept
        self.programme.countries = country_codes(", ".join(self.programme.implemented_in))
        return self._record()

    def _title_index(self) -> int:
        for index, section in enumerate(self.sections):
            if section.level == 1 and _acceptable_title(section.heading):
                return index
        return 0  # no title heading: the blocks before the first heading are the intro

    def _name(self, heading: str) -> str:
        """The page's level-1 title when it is no label or section name; else the first
        non-chrome title-like line before any label; else the name in an explanation sentence
        when the URL slug agrees; else :class:`ParseError` "no programme name"."""
        if _acceptable_title(heading) and any(
            s.level == 1 and s.heading == heading for s in self.sections
        ):
            return heading
        line = find_name(self.lines)
        if line is not None:
            return line.text.strip()
        if name := name_from_sentences(self.lines, self.meta.url):
            self.warnings.append(
                RecordWarning(
                    code="name-from-sentence",
                    label="name",
                    message=f"no title line; name {name!r} read from a sentence that agrees "
                    "with the URL slug",
                )
            )
            return name
        raise ParseError("no programme name", source=self.document.origin)

    def _ratings(self) -> Ratings:
        labels = EVIDENCE_LABELS | COST_LABELS
        blocks = [b for s in self.sections for b in promote_labels(s.blocks, labels)]
        ratings = Ratings()
        if found := label_text(blocks, EVIDENCE_LABELS):
            ratings.evidence = evidence_rating(found)
        if found := label_text(blocks, COST_LABELS):
            ratings.cost = cost_rating(found)
            ratings.cost_text = None if ratings.cost else found
        return ratings

    def _intro(self, blocks: list[Block]) -> None:
        assert self.programme is not None
        # rating labels on their own lines ("Evidence rating", "3") are the ratings, not text
        labels = EVIDENCE_LABELS | COST_LABELS
        blocks = promote_labels(blocks, labels)
        rated = {
            id(tail[0])
            for key, _, tail in labelled_fields(blocks)
            if key in labels and tail and len(tail[0].text.split()) <= 3
        }
        vocab = vocabulary()
        paragraphs: list[Block] = []
        for b in blocks:
            if b.kind is not BlockKind.PARAGRAPH or not b.text or id(b) in rated:
                continue
            first = b.lines[0] if b.lines else b.text
            if is_heading_word(first, vocab) and paragraphs:
                break  # a text render: the assessment starts, the description is over
            if (
                vocab.pattern.match(first)
                or is_heading_word(first, vocab)
                or (len(first.split()) <= 3 and vocab.is_label_prefix(first))
            ):
                continue  # "Review: ...", "Note on provider involvement: ...", ratings
            if first.strip() == self.programme.name:
                continue
            paragraphs.append(b)
        summary = next((b for b in paragraphs if b.strong), paragraphs[0] if paragraphs else None)
        if summary:
            self.programme.summary = summary.text
            if match := _ACRONYM.search(summary.text):
                self.programme.acronym = match[1]
        self.programme.description = [b.text for b in paragraphs if b is not summary]

    # dispatch -------------------------------------------------------------------------------
    def _dispatch(self, section: Section) -> None:
        key = section.key
        if self._subsection_of_child_outcomes(section):
            self._child_outcomes(section)
            return
        for pattern, handler in self._handlers():
            if re.search(pattern, key):
                handler(section)
                return
        if _STUDY.match(section.heading):
            self._study(section)
        elif section.text().strip():
            self.kept.append(KeptSection(heading=section.heading, text=section.text()))

    def _handlers(self) -> list[tuple[str, Callable[[Section], None]]]:
        return [
            (r"^(eif )?programme assessment$", self._assessment),
            (r"^cost rating$", self._cost_text),
            (r"^evidence rating$", self._evidence_rating),
            (r"^child outcomes$", self._child_outcomes),
            (r"^who is it for$", self._list_into("age_groups")),
            (r"^how is it delivered$", self._how_delivered),
            (r"^where is it delivered$", self._list_into("settings")),
            (r"^how is it targeted$", self._list_into("targeting")),
            (r"^where has it been implemented$", self._implemented),
            (r"^uk provision$", self._uk_provision),
            (r"^uk evaluation$", self._uk_evaluation),
            (r"^what happens during the intervention$", self._activities),
            (r"^who can deliver it$", self._who_delivers),
            (r"^what are the training requirements$", self._training),
            (r"^how are the practitioners supervised$", self._supervision),
            (r"^what are the systems for maintaining fidelity$", self._fidelity),
            (r"^is there a licen[cs]ing requirement$", self._licence),
            (r"^how does it work|theory of change", self._theory_of_change),
            (r"^contact details$|^contact$", self._contact),
            (r"^about the evidence$", self._evidence_summary),
            (
                r"^(key programme characteristics|about the programme|what happens during delivery"
                r"|what are the implementation requirements)$",
                self._container,
            ),
        ]

    # handlers -------------------------------------------------------------------------------
    def _container(self, section: Section) -> None:
        if section.text().strip():
            self.kept.append(KeptSection(heading=section.heading, text=section.text()))

    def _assessment(self, section: Section) -> None:
        assert self.programme is not None
        paragraphs = [b.text for b in section.blocks if b.kind is BlockKind.PARAGRAPH]
        if paragraphs:
            self.programme.ratings.assessment = paragraphs[0]

    def _cost_text(self, section: Section) -> None:
        assert self.programme is not None
        ratings = self.programme.ratings
        paragraphs = [b.text for b in section.blocks if b.kind is BlockKind.PARAGRAPH]
        if paragraphs and ratings.cost is None and (cost := cost_rating(paragraphs[0])):
            ratings.cost = cost
        elif paragraphs:
            ratings.cost_text = paragraphs[0]

    def _evidence_rating(self, section: Section) -> None:
        assert self.programme is not None
        texts = [b.text for b in section.blocks if b.kind is BlockKind.PARAGRAPH and b.text]
        if texts and self.programme.ratings.evidence is None:
            self.programme.ratings.evidence = evidence_rating(texts[0])
        elif len(texts) > 1 or (texts and self.programme.ratings.evidence is None):
            self.kept.append(KeptSection(heading=section.heading, text=section.text()))

    def _child_outcomes(self, section: Section) -> None:
        assert self.programme is not None
        domain = None if section.key == "child outcomes" else section.heading
        for block in section.blocks:
            text = block.text
            if re.search(
                r"outcomes for (couples|parents|families)|couples, parents or families", text, re.I
            ):
                self.programme.has_family_outcomes = True
            elif (
                block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)
                and text
                and not (
                    text.endswith(":") or re.match(r"according to", text, re.I) or is_absent(text)
                )
            ):
                self.programme.child_outcomes.append(_programme_outcome(text, domain))

    def _subsection_of_child_outcomes(self, section: Section) -> bool:
        return bool(section.ancestors) and section.ancestors[-1] == "child outcomes"

    def _list_into(self, field: str) -> Callable[[Section], None]:
        def handle(section: Section) -> None:
            assert self.programme is not None
            setattr(self.programme.characteristics, field, section.items())

        return handle

    def _how_delivered(self, section: Section) -> None:
        assert self.programme is not None
        if "key programme characteristics" in section.ancestors:
            self.programme.characteristics.delivery_models = section.items()
        else:
            self.programme.delivery.text.extend(section.items())

    def _implemented(self, section: Section) -> None:
        assert self.programme is not None
        names: list[str] = []
        for item in section.items():
            names.extend(split_list(item) if len(item.split()) <= 12 else [item])
        self.programme.implemented_in = names

    def _uk_provision(self, section: Section) -> None:
        assert self.programme is not None
        self.programme.uk_implemented = _yes_no(
            section.text(),
            r"(?:has|have) not been (?:implemented|delivered)"
            r"|not (?:yet )?(?:implemented|delivered)|no uk",
            r"(?:has|have) been (?:implemented|delivered)|(?:is|are) (?:being |now )?"
            r"(?:implemented|delivered|available)|(?:implemented|delivered) in the uk",
        )

    def _uk_evaluation(self, section: Section) -> None:
        assert self.programme is not None
        self.programme.uk_evaluated = _yes_no(
            section.text(),
            r"do(?:es)? not include|no uk evaluation|(?:has|have) not been evaluated",
            r"includes? (?:an? |any )?evaluation|evaluated in the uk|includes? evidence",
        )

    def _activities(self, section: Section) -> None:
        assert self.programme is not None
        self.programme.activities = section.items()

    def _who_delivers(self, section: Section) -> None:
        assert self.programme is not None
        self.programme.implementation.qualification_text = section.items()

    def _training(self, section: Section) -> None:
        assert self.programme is not None
        self.programme.implementation.training_text = section.items()

    def _supervision(self, section: Section) -> None:
        assert self.programme is not None
        self.programme.implementation.supervision = delivery.supervision(" ".join(section.items()))

    def _fidelity(self, section: Section) -> None:
        assert self.programme is not None
        text = " ".join(section.items())
        self.programme.implementation.fidelity = None if is_absent(text) else text or None

    def _licence(self, section: Section) -> None:
        assert self.programme is not None
        text = " ".join(section.items()) or section.text()
        self.programme.implementation.licence_text = text or None

    def _theory_of_change(self, section: Section) -> None:
        assert self.programme is not None
        self.programme.theory_of_change.extend(
            b.text
            for b in section.blocks
            if b.kind is BlockKind.LIST_ITEM and not is_absent(b.text)
        )

    def _contact(self, section: Section) -> None:
        assert self.programme is not None
        self.programme.contact = _contact(section.blocks)

    def _evidence_summary(self, section: Section) -> None:
        assert self.programme is not None
        paragraphs = [b.text for b in section.blocks if b.kind is BlockKind.PARAGRAPH]
        self.programme.evidence_summary = " ".join(paragraphs) or None

    def _study(self, section: Section) -> None:
        self.studies.append(parse_study(section))

    # record ---------------------------------------------------------------------------------
    def _record(self) -> ProgrammeRecord:
        assert self.programme is not None
        programme = self.programme
        self._from_lines(programme)
        delivery.fill_delivery(programme)
        choice = choose_name(programme.name, self.meta.url)
        if choice.note:
            self.warnings.append(
                RecordWarning(code="name-slug-disagree", label="name", message=choice.note)
            )
        record = build_record(self.document, self.meta, KIND, programme, self.studies)
        reviews = read_reviews(self.pairs)
        if reviews:
            record.source.reviews = reviews
            if record.source.review is None:
                record.source.review = reviews[0]
        record.warnings = self.warnings
        return record

    def _from_lines(self, programme: Programme) -> None:
        """What the line readers see that the section walk missed (text renders, labels split
        across elements, ratings as images, later-layout outcome statements)."""
        read = read_ratings(self.lines, self.pairs)
        ratings = programme.ratings
        if read.evidence is not None and (
            ratings.evidence is None or (read.evidence.plus and not ratings.evidence.plus)
        ):
            ratings.evidence = read.evidence
        if read.cost is not None and (
            ratings.cost is None or ratings.cost.level == read.cost.level
        ):
            if ratings.cost is None:
                ratings.cost_text = None
            ratings.cost = read.cost
        self.warnings.extend(
            w
            for w in read.warnings
            if not (
                w.code == "value-not-read"
                and (ratings.evidence if "evidence" in (w.label or "").lower() else ratings.cost)
            )
        )
        start = index_of(self.lines, "Child outcomes")
        if start is not None:
            outcomes = read_outcomes(self.lines, start)
            if outcomes.outcomes:
                programme.child_outcomes = outcomes.outcomes
            programme.has_family_outcomes |= outcomes.has_family_outcomes
        chars = programme.characteristics
        if not chars.age_groups:
            chars.age_groups = [
                g
                for t in section_lines(self.lines, "Who is it for?")
                for g in split_age_groups(t)
                if not _facet_intro(t)
            ]
        # a text render keeps the facets as plain lines with dash bullets
        for heading, field in (
            ("How is it delivered?", "delivery_models"),
            ("Where is it delivered?", "settings"),
            ("How is it targeted?", "targeting"),
        ):
            if not getattr(chars, field):
                items = [t for t in section_lines(self.lines, heading) if not _facet_intro(t)]
                setattr(chars, field, [t for t in items if not is_absent(t)])
        if not programme.implemented_in:
            places = [
                t
                for t in section_lines(self.lines, "Where has it been implemented?")
                if not _facet_intro(t)
            ]
            programme.implemented_in = places
            programme.countries = country_codes(", ".join(places))
        # a text render's one-item bullet lists read as headings: not sections of their own
        taken = {*chars.age_groups, *chars.delivery_models, *chars.settings, *chars.targeting}
        taken |= set(programme.implemented_in)
        programme.sections = [k for k in programme.sections if k.heading not in taken]


def _facet_intro(text: str) -> bool:
    return text.rstrip().endswith(":") or bool(
        re.match(r"^(the best available evidence|the evidence we rely on)", text, re.I)
    )


def _acceptable_title(text: str) -> bool:
    vocab = vocabulary()
    return (
        bool(text.strip())
        and not is_heading_word(text, vocab)
        and not is_label_line(text, vocab)
        and not is_chrome(text)
    )


def _yes_no(text: str, no: str, yes: str) -> bool | None:
    if re.search(no, text, re.I):
        return False
    if re.search(yes, text, re.I):
        return True
    return None


def _programme_outcome(text: str, domain: str | None) -> ProgrammeOutcome:
    match = _BASED_ON.match(text)
    if not match:
        return ProgrammeOutcome(outcome=text, domain=domain)
    refs = _STUDY_REF.findall(match["studies"])
    return ProgrammeOutcome(
        outcome=match["outcome"].strip(),
        domain=domain,
        studies=list(dict.fromkeys(int(n) for n, _ in refs)),
        study_labels=[f"{n}{letter.lower()}" for n, letter in refs],
    )


def _contact(blocks: list[Block]) -> Contact | None:
    text = " ".join(b.text for b in blocks if b.text)
    if not text:
        return None
    emails = [link.url[7:] for b in blocks for link in b.links if link.url.startswith("mailto:")]
    email = emails[0] if emails else (m[0] if (m := _EMAIL.search(text)) else None)
    urls = [link.url for b in blocks for link in b.links if link.url.startswith("http")]
    name = next((bold for b in blocks for bold in b.bold), None)
    rest = text
    for part in (name, email):
        if part:
            rest = rest.replace(part, " ")
    organisation = re.sub(r"\s+", " ", rest).strip(" ,|;") or None
    return Contact(
        name=name, organisation=organisation, email=email, url=urls[0] if urls else None, text=text
    )


# studies ----------------------------------------------------------------------------------

STUDY_LABELS = {
    "citation": "citation",
    "citations": "citation",
    "design": "design",
    "study design": "design",
    "country": "country",
    "countries": "country",
    "location": "country",
    "sample": "sample",
    "sample size": "sample",
    "sample characteristics": "sample",
    "participants": "sample",
    "study sample": "sample",
    "study location": "country",
    "country of study": "country",
    "child outcomes": "child",
    "other outcomes": "other",
    "outcomes": "child",
    "parent outcomes": "other",
    "family outcomes": "other",
    "available at": "links",
}


def _design(text: str) -> StudyDesign:
    value, label = DESIGNS.get(norm(text), ("other", text))
    return StudyDesign(value=value, label=label)


def _value_items(block: Block, tail: list[Block]) -> list[str]:
    items = [block.text] if block.text else []
    items.extend(b.text for b in tail if not looks_like_reference(b.text))
    out: list[str] = []
    for item in items:
        out.extend(p.strip() for p in item.split(";") if p.strip())
    return [item for item in out if not is_absent(item)]


def _study_titles_as_headings(blocks: Sequence[Block]) -> list[Block]:
    """A line that is only "Study 1" (an accordion toggle, a bold paragraph) is the heading of
    that study, one level below the heading above it."""
    out: list[Block] = []
    level = 1
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            level = block.level
        elif (
            block.kind is BlockKind.PARAGRAPH
            and len(block.text.split()) <= 3
            and _STUDY.fullmatch(block.text.strip())
        ):
            block = Block(BlockKind.HEADING, block.text.strip(), level=min(level + 1, 6))
        out.append(block)
    return out


def _subsections(sections: list[Section], level: int) -> list[Section]:
    """The sections nested under a heading of ``level`` (up to the next one at that level)."""
    nested: list[Section] = []
    for section in sections:
        if section.level <= level or _STUDY.match(section.heading):
            break
        nested.append(section)
    return nested


def _merge_subsections(section: Section, nested: list[Section]) -> Section:
    """A study whose fields are sub-headings ("Sample", "Country") read as labelled blocks."""
    blocks = list(section.blocks)
    for sub in nested:
        blocks.append(Block(BlockKind.LABEL_VALUE, "", label=sub.heading.rstrip(":")))
        blocks.extend(sub.blocks)
    return Section(section.heading, section.level, section.ancestors, blocks)


def parse_study(section: Section) -> Study:
    """One "Study N" section → :class:`Study` (labels, references, "Available at" links)."""
    number = int(m[1]) if (m := _STUDY.match(section.heading)) else None
    study = Study(label=section.heading, number=number)
    links: list[str] = []
    blocks = promote_labels(section.blocks, frozenset(STUDY_LABELS))
    for key, block, tail in labelled_fields(blocks):
        field = STUDY_LABELS.get(key)
        items = _value_items(block, tail)
        if field == "links":
            links.extend(link.url for b in [block, *tail] for link in b.links)
        elif field == "citation":
            study.citation = block.text or " ".join(items) or None
        elif field == "design" and items:
            study.design = _design(items[0])
        elif field == "country":
            study.country_text = items
            study.countries = country_codes(", ".join(items))
        elif field == "sample" and items:
            study.sample = StudySample(text=" ".join(items))
        elif field in ("child", "other"):
            study.outcomes.extend(StudyOutcome(outcome=i, category=field) for i in items)
        elif items:
            study.fields[block.label or key] = " ".join(items)
    references, after_available = _references_and_links(blocks)
    references, unmatched = attach_links(references, [*links, *after_available])
    study.references, study.unmatched_links = references, unmatched
    return study


def _references_and_links(blocks: list[Block]) -> tuple[list[Reference], list[str]]:
    references: list[Reference] = []
    links: list[str] = []
    collecting = False
    for block in blocks:
        if looks_like_reference(block.text):
            own = [link.url for link in block.links]
            references.append(parse_reference(block.text, italic=block.italic, links=own))
            collecting = False
        elif norm(block.text) == "available at" and block.kind is not BlockKind.LABEL_VALUE:
            collecting = True
        elif collecting and block.links and block.kind is not BlockKind.LABEL_VALUE:
            links.extend(link.url for link in block.links)
        elif block.kind in (BlockKind.HEADING, BlockKind.LABEL_VALUE):
            collecting = False
    return references, links


def parse_eif_page(document: Document) -> ProgrammeRecord:
    """Parse a guidebook programme page (any loader's blocks) into a programme record."""
    return _EifParser(document).parse()
