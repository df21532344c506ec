"""The Foundations guidebook (2025 layout) adapter: ``foundations.org.uk/toolkit/guidebook/``.

Block order: title → summary → provider sentence → "Population characteristics as evaluated"
→ age line → "Level of need:" → "Race and ethnicities:" → "Model characteristics" → an
unlabelled delivery line → "Setting:" → "Workforce:" → "Evidence rating:" / "Cost rating:"
(images: read from their text in HTML, a warning in a text render) → "Child outcomes:" (nested
bullets) → "UK available" / "UK tested" badges → "Published:" → "Last reviewed:" → "Model
description". The condensed capture drops the labels: what is still there is read, the name
from the summary sentence when the URL slug agrees.
"""

from __future__ import annotations

import re

from evidencemine.documents.model import Document
from evidencemine.errors import ParseError
from evidencemine.models import (
    ModelCharacteristics,
    PopulationEvaluated,
    Programme,
    ProgrammeRecord,
    Ratings,
    RecordWarning,
)
from evidencemine.sources.chrome import choose_name
from evidencemine.sources.common import PageMeta, build_record, month_date
from evidencemine.sources.guidebook_lines import (
    find_name,
    index_of,
    is_heading_word,
    name_from_sentences,
    read_outcomes,
    read_ratings,
    split_values,
)
from evidencemine.sources.labels import (
    Line,
    document_lines,
    first_value,
    norm,
    read_pairs,
    vocabulary,
)

KIND = "foundations-guidebook"
ID_KIND = "eif-guidebook"
_URL = re.compile(r"foundations\.org\.uk/toolkit/guidebook/[^/?#]+", re.I)
ANCHORS = ("population characteristics as evaluated", "model characteristics")
_DELIVERY_WORDS = frozenset({"group", "individual", "home", "group individual", "online"})
_AGES = re.compile(
    r"^(?P<min>\d+(?:\.\d+)?)\s*(?P<u1>months?|years?)?\s*(?:to|-|–)\s*(?P<max>\d+(?:\.\d+)?)\s*"
    r"(?P<u2>months?|years?)(?: old)?\.?$",
    re.I,
)


def detect(document: Document) -> float:
    keys = {norm(line.text).rstrip(":").strip() for line in document_lines(document)}
    anchors = sum(a in keys for a in ANCHORS)
    url = document.url or document.meta.get("canonical", "")
    if _URL.search(url):
        return 1.0 if anchors or {"uk available", "uk tested", "child outcomes"} & keys else 0.3
    if anchors == 2:
        return 0.95
    if anchors and "child outcomes" in keys:
        return 0.9
    return 0.0


def _ages(text: str) -> PopulationEvaluated:
    population = PopulationEvaluated(ages=text)
    if match := _AGES.match(text.strip()):
        unit = (match["u2"] or "").lower()
        scale = 1 / 12 if unit.startswith("month") else 1.0
        population.age_min_years = round(float(match["min"]) * scale, 3)
        population.age_max_years = round(float(match["max"]) * scale, 3)
    return population


def _unlabelled_after(lines: list[Line], heading: str) -> list[str]:
    """The lines after ``heading`` and before the first label or heading (age line, delivery)."""
    vocab = vocabulary()
    start = index_of(lines, heading)
    if start is None:
        return []
    out: list[str] = []
    for line in lines[start + 1 :]:
        if vocab.pattern.match(line.text) or is_heading_word(line.text, vocab):
            break
        out.append(line.text.strip())
    return out


def parse_foundations_page(document: Document) -> ProgrammeRecord:
    """Parse a Foundations guidebook page (any loader's blocks) into a programme record."""
    meta = PageMeta(document)
    lines = document_lines(document)
    vocab = vocabulary()
    pairs = read_pairs(lines, vocab)
    warnings: list[RecordWarning] = []

    name_line = find_name(lines, vocab)
    name = name_line.text.strip() if name_line else name_from_sentences(lines[:6], meta.url)
    if not name:
        raise ParseError("no programme name", source=document.origin)
    choice = choose_name(name, meta.url)
    if choice.note:
        warnings.append(RecordWarning(code="name-slug-disagree", label="name", message=choice.note))

    start = lines.index(name_line) + 1 if name_line else 0
    stop = next(
        (
            i
            for i, ln in enumerate(lines)
            if i >= start and (is_heading_word(ln.text, vocab) or vocab.pattern.match(ln.text))
        ),
        len(lines),
    )
    intro = [ln.text for ln in lines[start:stop]]
    summary = intro[0] if intro else None
    description = [t for t in intro[1:] if not re.match(r"^the information above", t, re.I)]

    ratings_read = read_ratings(lines, pairs)
    warnings.extend(ratings_read.warnings)
    programme = Programme(
        name=choice.name,
        summary=summary,
        ratings=Ratings(
            evidence=ratings_read.evidence, cost=ratings_read.cost, cost_text=ratings_read.cost_text
        ),
    )
    if summary and (acronym := re.search(r"\(\s*([A-Z][A-Za-z0-9&+\- –]{1,14})\s*\)", summary)):
        programme.acronym = acronym[1]

    ages = _unlabelled_after(lines, "Population characteristics as evaluated")
    condensed_delivery: list[str] = []
    if not ages:  # the condensed capture: an unlabelled age line, then the delivery word
        for n, line in enumerate(lines[:12]):
            if _AGES.match(line.text.strip()):
                ages = [line.text.strip()]
                after = lines[n + 1].text.strip() if n + 1 < len(lines) else ""
                if norm(after) in _DELIVERY_WORDS:
                    condensed_delivery = [after]
                break
    population = _ages(ages[0]) if ages else PopulationEvaluated()
    if (pair := first_value(pairs, "level_of_need")) and pair.value:
        population.level_of_need = split_values(pair.value)
    if (pair := first_value(pairs, "race_ethnicity")) and pair.value:
        population.race_ethnicity = split_values(pair.value)
    if population != PopulationEvaluated():
        programme.population_evaluated = population

    model = ModelCharacteristics()
    for text in _unlabelled_after(lines, "Model characteristics") or condensed_delivery:
        model.delivery.extend(split_values(text))
    if (pair := first_value(pairs, "setting")) and pair.value:
        model.setting = split_values(pair.value)
    if (pair := first_value(pairs, "workforce")) and pair.value:
        model.workforce = pair.value.rstrip(".")
    if model != ModelCharacteristics():
        programme.model_characteristics = model
        programme.characteristics.delivery_models = list(model.delivery)
        programme.characteristics.settings = list(model.setting)
    programme.characteristics.targeting = list(population.level_of_need)

    outcomes_at = index_of(lines, "Child outcomes")
    if outcomes_at is not None:
        read = read_outcomes(lines, outcomes_at, vocab)
        programme.child_outcomes = read.outcomes
        programme.has_family_outcomes = read.has_family_outcomes

    keys = {norm(ln.text).rstrip(":").strip() for ln in lines}
    programme.uk_available = True if "uk available" in keys else None
    programme.uk_tested = True if "uk tested" in keys else None

    described = index_of(lines, "Model description")
    if described is not None:
        body = []
        for line in lines[described + 1 :]:
            if is_heading_word(line.text, vocab):
                break
            body.append(line.text)
        programme.description = description + body
    else:
        programme.description = description

    if (pair := first_value(pairs, "published")) and pair.value:
        meta.published = month_date(pair.value) or meta.published
    # the Foundations guidebook is the EIF guidebook moved: its programmes keep the
    # eif-guidebook id namespace, so one programme has one record id across the move
    record = build_record(document, meta, KIND, programme, [], id_kind=ID_KIND)
    if (pair := first_value(pairs, "last_reviewed")) and pair.value:
        record.source.last_reviewed = month_date(pair.value)
        record.source.updated = record.source.updated or record.source.last_reviewed
    for key in ("published", "last_reviewed", "level_of_need", "race_ethnicity", "setting"):
        pair = first_value(pairs, key)
        if pair is not None and not pair.value:
            warnings.append(
                RecordWarning(
                    code="value-not-read",
                    label=pair.label,
                    place=pair.place,
                    message=f"{pair.label!r} is on the page but its value could not be read",
                )
            )
    record.warnings = warnings
    return record
