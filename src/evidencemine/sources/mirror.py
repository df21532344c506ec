"""Mirrors built on the EIF assessment (the What Works Ireland hub, ``whatworks.gov.ie``).

Rendered capture: skip links (twice) → name → logo → "Evidence rating: 2+" / "Cost rating: 1"
(label, value and plus on one line) → description → "EIF Programme Assessment" → the ratings
again with their explanations (cost bands in €, then a conversion-rate sentence) → "Child
outcomes" with the Irish outcome area. Extracted capture: no chrome and no rating lines;
outcomes in the EIF later layout (outcome, "based on study N", Statement / Score / Timeframe
bullets), then "Who is it for?", "How is it delivered?", "Where is it delivered?", "How is it
targeted?", "Where has it been implemented?" with dash bullets, "Ireland provision",
"Ireland evaluation", "About the programme". Slugs are unreliable (another programme, a web
address): the name always comes from the page.
"""

from __future__ import annotations

import re

from evidencemine.countries import country_codes
from evidencemine.documents.model import Document
from evidencemine.errors import ParseError
from evidencemine.models import Programme, ProgrammeRecord, Ratings, RecordWarning
from evidencemine.models import Section as KeptSection
from evidencemine.sources.chrome import choose_name
from evidencemine.sources.common import PageMeta, build_record, slugify
from evidencemine.sources.guidebook_lines import (
    find_name,
    index_of,
    is_heading_word,
    read_outcomes,
    read_ratings,
    read_reviews,
    section_lines,
    split_age_groups,
)
from evidencemine.sources.labels import document_lines, norm, read_pairs, vocabulary

KIND = "eif-mirror"
_HOSTS = re.compile(r"^https?://(?:www\.)?whatworks\.gov\.ie/", re.I)
_IRISH = ("ireland provision", "ireland evaluation")


def detect(document: Document) -> float:
    lines = document_lines(document)
    keys = {norm(ln.text).rstrip(":").strip() for ln in lines}
    text = " ".join(ln.text for ln in lines[:400])
    anchor = "eif programme assessment" in keys
    irish = any(k in keys for k in _IRISH) or "€" in text
    if _HOSTS.match(document.url or document.meta.get("canonical", "")):
        return 1.0 if anchor or irish or "child outcomes" in keys else 0.3
    if anchor and irish:
        return 0.95
    return 0.0


def parse_mirror_page(document: Document) -> ProgrammeRecord:
    """Parse a mirror page of an EIF assessment into a programme record."""
    meta = PageMeta(document)
    lines = document_lines(document)
    vocab = vocabulary()
    pairs = read_pairs(lines, vocab)
    warnings: list[RecordWarning] = []
    name_line = find_name(lines, vocab)
    if name_line is None:
        raise ParseError("no programme name", source=document.origin)
    choice = choose_name(name_line.text.strip(), meta.url)
    if choice.note:
        warnings.append(RecordWarning(code="name-slug-disagree", label="name", message=choice.note))

    read = read_ratings(lines, pairs)
    warnings.extend(read.warnings)
    programme = Programme(
        name=choice.name,
        ratings=Ratings(evidence=read.evidence, cost=read.cost, cost_text=read.cost_text),
    )
    start = lines.index(name_line) + 1
    intro: list[str] = []
    for line in lines[start:]:
        if is_heading_word(line.text, vocab) or vocab.pattern.match(line.text):
            if intro:
                break
            continue
        intro.append(line.text)
    if intro:
        programme.summary = intro[0]
        programme.description = intro[1:]

    outcomes_at = index_of(lines, "Child outcomes")
    if outcomes_at is not None:
        outcomes = read_outcomes(lines, outcomes_at, vocab)
        programme.child_outcomes = outcomes.outcomes
        programme.has_family_outcomes = outcomes.has_family_outcomes
        if outcomes.irish_area:
            programme.sections.append(
                KeptSection(heading="Outcome area (Ireland)", text=outcomes.irish_area)
            )

    chars = programme.characteristics
    who = section_lines(lines, "Who is it for?", vocab)
    chars.age_groups = [
        g for text in who if not _intro(text) for g in split_age_groups(text, vocab)
    ]
    chars.delivery_models = [
        t for t in section_lines(lines, "How is it delivered?", vocab) if not _intro(t)
    ]
    chars.settings = [
        t for t in section_lines(lines, "Where is it delivered?", vocab) if not _intro(t)
    ]
    chars.targeting = [
        t for t in section_lines(lines, "How is it targeted?", vocab) if not _intro(t)
    ]
    implemented = [
        t for t in section_lines(lines, "Where has it been implemented?", vocab) if not _intro(t)
    ]
    programme.implemented_in = implemented
    programme.countries = country_codes(", ".join(implemented))
    for heading in ("Ireland provision", "Ireland evaluation", "About the programme"):
        body = section_lines(lines, heading, vocab)
        if body:
            programme.sections.append(KeptSection(heading=heading, text="\n".join(body)))

    record = build_record(document, meta, KIND, programme, [])
    # the hub's slugs can name other programmes or web addresses: the id comes from the name
    record.slug = slugify(choice.name)
    record.id = f"{KIND}/{record.slug}"
    reviews = read_reviews(pairs)
    if reviews:
        record.source.reviews = reviews
        record.source.review = record.source.review or reviews[0]
    record.warnings = warnings
    return record


def _intro(text: str) -> bool:
    return text.rstrip().endswith(":") or bool(
        re.match(r"^the best available evidence", text, re.I)
    )
