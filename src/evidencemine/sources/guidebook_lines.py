"""Line-based readers shared by the guidebook families (EIF, Foundations, mirrors).

They work on :func:`evidencemine.sources.labels.document_lines`, so the same code reads an
HTML page, a plain-text render where everything is one paragraph of short lines, a Markdown
export and a PDF: the programme name (first title-like line after chrome), ratings (label
value, image text, the plus heading, or the "Level N" / "A rating of N" sentences), cost bands
with their currency, review lists, the four outcome shapes and the labelled-list facets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from evidencemine.models import (
    CostBand,
    CostRating,
    EvidenceRating,
    OutcomeStatement,
    ProgrammeOutcome,
    RecordWarning,
    Review,
)
from evidencemine.sources.chrome import is_chrome, slug_agrees
from evidencemine.sources.common import month_date
from evidencemine.sources.labels import (
    Line,
    Pair,
    Vocabulary,
    is_label_line,
    norm,
    read_pairs,
    vocabulary,
)

_TERMINAL = (".", ":", ";", ",", "?", "!")


def is_heading_word(text: str, vocab: Vocabulary | None = None) -> bool:
    vocab = vocab or vocabulary()
    return norm(text).rstrip(":").strip() in vocab.headings


def index_of(lines: Sequence[Line], heading: str, start: int = 0) -> int | None:
    """The index of the first line that is ``heading`` (colon optional), from ``start``."""
    key = norm(heading)
    for i in range(start, len(lines)):
        if norm(lines[i].text).rstrip(":").strip() == key:
            return i
    return None


def _title_like(text: str, vocab: Vocabulary) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 14
        and not text.rstrip().endswith(_TERMINAL)
        and text[:1].isalnum()
        and not is_heading_word(text, vocab)
        and not is_label_line(text, vocab)
        and not is_chrome(text)
    )


def find_name(lines: Sequence[Line], vocab: Vocabulary | None = None) -> Line | None:
    """The programme name: the first title-like line, before any label, section heading or
    prose line (the name precedes all of them on every guidebook layout)."""
    vocab = vocab or vocabulary()
    for line in lines:
        text = line.text.strip()
        if is_chrome(text):
            continue
        if _title_like(text, vocab):
            return line
        return None
    return None


_HAS_EVIDENCE = re.compile(
    r"^(?P<name>[^.;:]{2,100}?) (?:has|have) (?:preliminary |no |some |not yet |)"
    r"(?:evidence|established evidence)\b"
)
_IS_A = re.compile(r"^(?P<name>[^.;:]{2,100}?)(?: \([^)]{1,30}\))? (?:is|are) (?:a|an|for|the)\b")


def name_from_sentences(lines: Sequence[Line], url: str | None) -> str | None:
    """A name read from an explanation sentence ("X has evidence of ...", "X (AB) is a ..."),
    accepted only when the URL slug agrees with it (never a guessed wrong name)."""
    for line in lines:
        for pattern in (_HAS_EVIDENCE, _IS_A):
            if match := pattern.match(line.text.strip()):
                name = match["name"].strip()
                if slug_agrees(name, url):
                    return name
    return None


# ratings --------------------------------------------------------------------------------

_RATING_VALUE = re.compile(
    r"^(?:level\s*)?(?P<level>[1-4])\s*(?P<plus>\+|plus)?(?![\d.])(?!\s*(?:[-–—]|to)\s*\d)", re.I
)
_RATING_IN_NAME = re.compile(
    r"(?:^|[-_ ])(?P<level>[1-4])(?:[-_ ]?(?P<plus>plus|\+))?(?:$|[-_ ])", re.I
)
_NL2 = re.compile(r"^(?:nl\s*2|not level 2)\b", re.I)
_LEVEL_SENTENCE = re.compile(r"\bLevel (?P<level>[1-4]) indicates\b")
_COST_SENTENCE = re.compile(r"\bA rating of (?P<level>[1-5]) indicates that a programme has a\b")
_PLUS_HEADING = "what does the plus mean"


def parse_evidence_value(value: str) -> EvidenceRating | None:
    """``"3+"``, ``"3"``, ``"Level 3"``, an image file name ``"rating-3-plus"``, ``"NL2"``."""
    text = re.sub(r"^(?:evidence|cost)\s+rating\s*:?\s*", "", value.strip(), flags=re.I)
    if match := _RATING_VALUE.match(text):
        level, plus = int(match["level"]), bool(match["plus"])
        return EvidenceRating(label=f"{level}{'+' if plus else ''}", level=level, plus=plus)
    if _NL2.match(text):
        return EvidenceRating(label="NL2", not_level_2=True)
    named = len(text.split()) <= 2 and re.search(r"[a-z]", text, re.I)  # an image file name
    if named and (match := _RATING_IN_NAME.search(text)):
        level, plus = int(match["level"]), bool(match["plus"])
        return EvidenceRating(label=f"{level}{'+' if plus else ''}", level=level, plus=plus)
    return None


def parse_cost_value(value: str) -> CostRating | None:
    text = re.sub(r"^cost\s+rating\s*:?\s*", "", value.strip(), flags=re.I)
    if match := re.match(r"^(?:level\s*)?([1-5])(?![\d.+])", text, re.I):
        return CostRating(label=match[1], level=int(match[1]))
    if len(text.split()) <= 2 and (match := re.search(r"(?:^|[-_ ])([1-5])(?:$|[-_ ])", text)):
        return CostRating(label=match[1], level=int(match[1]))
    return None


_MONEY = r"([£€$])\s?(\d[\d,]*)"
_BAND_RANGE = re.compile(_MONEY + r"\s*[–—-]\s*[£€$]?\s?(\d[\d,]*)")
_BAND_LESS = re.compile(r"\b(?:less than|under|below|up to)\s+" + _MONEY, re.I)
_BAND_MORE = re.compile(r"\b(?:more than|over|above|at least)\s+" + _MONEY, re.I)
_CONVERSION = re.compile(r"\bconversion rate of\s+(\d+(?:\.\d+)?)", re.I)
_CURRENCY = {"£": "GBP", "€": "EUR", "$": "USD"}


def cost_band(text: str) -> CostBand | None:
    """The unit-cost band of a cost explanation: "£100–£499", "less than €125"."""

    def amount(raw: str) -> float:
        return float(raw.replace(",", ""))

    band: CostBand | None = None
    if match := _BAND_RANGE.search(text):
        band = CostBand(
            currency=_CURRENCY[match[1]],
            min=amount(match[2]),
            max=amount(match[3]),
            text=match[0].strip(),
        )
    elif match := _BAND_LESS.search(text):
        band = CostBand(
            currency=_CURRENCY[match[1]],
            max=amount(match[2]),
            text=match[0].strip(),
        )
    elif match := _BAND_MORE.search(text):
        band = CostBand(
            currency=_CURRENCY[match[1]],
            min=amount(match[2]),
            text=match[0].strip(),
        )
    if band and (conv := _CONVERSION.search(text)):
        band.conversion_rate = float(conv[1])
    return band


@dataclass(slots=True)
class RatingsRead:
    evidence: EvidenceRating | None = None
    cost: CostRating | None = None
    cost_text: str | None = None
    warnings: list[RecordWarning] = field(default_factory=list)


def read_ratings(lines: Sequence[Line], pairs: Sequence[Pair]) -> RatingsRead:
    """Evidence and cost ratings wherever the page puts them, with a warning for each rating
    label whose value could not be read."""
    out = RatingsRead()
    texts = [line.text for line in lines]
    has_plus_heading = any(norm(t).startswith(_PLUS_HEADING) for t in texts)
    evidence_pairs = [p for p in pairs if p.field == "evidence_rating"]
    cost_pairs = [p for p in pairs if p.field == "cost_rating"]
    for pair in evidence_pairs:
        if pair.value and (rating := parse_evidence_value(pair.value)):
            out.evidence = rating
            break
    if out.evidence is None and evidence_pairs:
        for text in texts:
            if match := _LEVEL_SENTENCE.search(text):
                level = int(match["level"])
                out.evidence = EvidenceRating(label=str(level), level=level)
                out.warnings.append(
                    RecordWarning(
                        code="rating-from-explanation",
                        label=evidence_pairs[0].label,
                        place=evidence_pairs[0].place,
                        message=f"no value after the label; level {level} read from the "
                        "explanation sentence",
                    )
                )
                break
    if out.evidence and out.evidence.level and not out.evidence.plus and has_plus_heading:
        level = out.evidence.level
        out.evidence = EvidenceRating(label=f"{level}+", level=level, plus=True)
    if out.evidence is None and evidence_pairs:
        first = evidence_pairs[0]
        out.warnings.append(_not_read(first))
    for pair in cost_pairs:
        if not pair.value:
            continue
        if cost := parse_cost_value(pair.value):
            out.cost = cost
            break
        if norm(pair.value).split()[:1] in (["na"], ["n/a"], ["not"]):
            out.cost_text = pair.value.split()[0] if len(pair.value.split()) > 3 else pair.value
            break
    if out.cost is None and out.cost_text is None and cost_pairs:
        for text in texts:
            if match := _COST_SENTENCE.search(text):
                level = int(match["level"])
                out.cost = CostRating(label=str(level), level=level)
                out.warnings.append(
                    RecordWarning(
                        code="rating-from-explanation",
                        label=cost_pairs[0].label,
                        place=cost_pairs[0].place,
                        message=f"no value after the label; level {level} read from the "
                        "explanation sentence",
                    )
                )
                break
        if out.cost is None:
            out.warnings.append(_not_read(cost_pairs[0]))
    if out.cost is not None:
        for text in texts:
            if "unit cost" in text and (band := cost_band(text)):
                out.cost.band = band
                break
    return out


def _not_read(pair: Pair) -> RecordWarning:
    return RecordWarning(
        code="value-not-read",
        label=pair.label,
        place=pair.place,
        message=f"{pair.label!r} is on the page but its value could not be read"
        + (f" ({pair.value!r})" if pair.value else " (empty, or an image without text)"),
    )


def not_read_warnings(pairs: Sequence[Pair], keys: set[str]) -> list[RecordWarning]:
    """A warning for each pair of ``keys`` that came without a value."""
    return [_not_read(p) for p in pairs if p.field in keys and not p.value]


# reviews and dates ------------------------------------------------------------------------


def read_reviews(pairs: Sequence[Pair]) -> list[Review]:
    """A "Review(s):" value: items separated by ";", each "name, Month YYYY" or "Month YYYY"."""
    reviews: list[Review] = []
    for pair in pairs:
        if pair.field != "review" or not pair.value:
            continue
        for item in pair.value.split(";"):
            item = item.strip().rstrip(".")
            if not item:
                continue
            date = month_date(item)
            name = re.sub(r",?\s*\b[A-Za-z]{3,9}\.?\s+(?:19|20)\d{2}\s*$", "", item).strip(" ,")
            reviews.append(Review(name=name or (None if date else item), date=date))
        break
    return reviews


# outcomes ---------------------------------------------------------------------------------

_BASED_ON = re.compile(
    r"^(?P<outcome>.*?)\s*(?:[-–—|:]\s*|\(\s*|^|\s)based on:?\s*(?P<studies>[^)]*?)\)?\.?$", re.I
)
_STUDY_NUMBER = re.compile(r"(?<![\w.])(\d+)(?:\s?([a-z]))?\b", re.I)
_FAMILY = re.compile(
    r"outcomes for (?:couples|parents|families)|couples, parents or families", re.I
)
_LEAD_IN = re.compile(
    r"^(according to the best available|this programme can affect outcomes for children in"
    r"|the best available evidence)",
    re.I,
)
_OUTCOME_VERB = re.compile(
    r"^(improved|improving|reduced|reducing|increased|increasing|decreased|decreasing|better"
    r"|fewer|lower|higher|less|more|enhanced|prevented|delayed)\b",
    re.I,
)


@dataclass(slots=True)
class OutcomesRead:
    outcomes: list[ProgrammeOutcome] = field(default_factory=list)
    has_family_outcomes: bool = False
    irish_area: str | None = None


def _studies(text: str) -> tuple[list[int], list[str]]:
    refs = _STUDY_NUMBER.findall(text)
    return list(dict.fromkeys(int(n) for n, _ in refs)), [f"{n}{x.lower()}" for n, x in refs]


_NESTED_BULLET = re.compile(r"\s+[•◦▪]\s+")
_JOINED_PARTS = re.compile(
    r"(?<![-–—|:(])\s+(?=based on:?\s+stud)|\s+(?=-\s+(?:statement|score|timeframe|time frame):)",
    re.I,
)


def _explode(line: Line) -> list[Line]:
    """One line that a renderer joined (a PDF paragraph, a text copy without line breaks)
    back into its parts: "Domain • Outcome • Outcome" (nested bullets) and "Outcome based on
    study 2 - Statement: … - Score: 6 - Timeframe: …"."""
    text = line.text.strip()
    bullets = _NESTED_BULLET.split(text)
    if len(bullets) > 1:
        head = Line(bullets[0], line.index, "list_item", line.depth, line.links)
        tail = [Line(b, line.index, "list_item", line.depth + 1, line.links) for b in bullets[1:]]
        return [head, *tail]
    parts = [p for p in _JOINED_PARTS.split(text) if p and p.strip()]
    if len(parts) > 1:
        return [Line(p.strip(), line.index, "paragraph", 0, line.links) for p in parts]
    return [line]


def read_outcomes(
    lines: Sequence[Line], start: int, vocab: Vocabulary | None = None
) -> OutcomesRead:
    """Child outcomes from the line after ``start`` (the "Child outcomes" line) to the next
    section heading. Reads the four shapes: inline "outcome - based on study N"; an outcome
    line, a "based on study N" line and dash bullets Statement / Score / Timeframe; nested
    bullets (domain, then outcome); degraded copies where only "based on" is left."""
    vocab = vocab or vocabulary()
    out = OutcomesRead()
    domain: str | None = None
    current: ProgrammeOutcome | None = None
    statement: OutcomeStatement | None = None
    opener = lines[start]
    rest = [part for line in lines[start + 1 :] for part in _explode(line)]
    depths = [ln.depth for ln in rest if ln.kind == "list_item"]
    top = min(depths) if depths else 0
    for n, line in enumerate(rest):
        text = line.text.strip()
        key = norm(text).rstrip(":").strip()
        if (is_heading_word(text, vocab) and key != "child outcomes") or is_chrome(text):
            break
        verb_led = bool(_OUTCOME_VERB.match(re.sub(r"^[-•*·▪]\s+", "", text)))
        same_level = opener.kind != "heading" or line.depth <= opener.depth
        if line.kind == "heading" and same_level and key not in vocab.domains and not verb_led:
            break
        body = re.sub(r"^[-•*·▪]\s+", "", text)
        label = norm(body.split(":", 1)[0]) if ":" in body else ""
        if label in ("statement", "score", "timeframe", "time frame") and current is not None:
            value = body.split(":", 1)[1].strip()
            if label == "statement" or statement is None:
                statement = OutcomeStatement(text=value if label == "statement" else "")
                statement.studies = list(current.studies)
                current.statements.append(statement)
            if label == "score":
                statement.score_text = value or None
                number = re.match(r"^[+-]?\d+(?:\.\d+)?", value)
                statement.score = float(number[0]) if number else None
            elif label in ("timeframe", "time frame"):
                statement.timeframe = value or None
            continue
        if _FAMILY.search(text):
            out.has_family_outcomes = True
            continue
        if match := re.match(
            r"^this programme can affect outcomes for children in (.+?)\.?$", text, re.I
        ):
            out.irish_area = match[1].strip()
            continue
        if _LEAD_IN.match(text) or text.endswith(":"):
            continue
        based = _BASED_ON.match(body)
        if based and not based["outcome"].strip():
            # "based on study 2" on its own line: the studies of the outcome above
            if current is not None:
                current.studies, current.study_labels = _studies(based["studies"])
            continue
        following = rest[n + 1].text.strip() if n + 1 < len(rest) else ""
        unknown_domain = (
            not _OUTCOME_VERB.match(body)
            and len(body.split()) <= 12
            and not body.endswith(_TERMINAL)
            and (bool(_OUTCOME_VERB.match(following)) or " based on" in following)
        )
        if (
            key in vocab.domains
            or (line.kind == "heading" and not verb_led)
            or unknown_domain
            or (line.kind == "list_item" and line.depth == top and depths and max(depths) > top)
        ):
            domain, current, statement = body, None, None
            continue
        if based:
            studies, labels = _studies(based["studies"])
            current = ProgrammeOutcome(
                outcome=based["outcome"].strip(" -–—"),
                domain=domain,
                studies=studies,
                study_labels=labels,
            )
        elif _OUTCOME_VERB.match(body) and len(body.split()) <= 16:
            current = ProgrammeOutcome(outcome=body, domain=domain)
        else:
            break  # prose: the outcomes block is over
        statement = None
        out.outcomes.append(current)
    return out


# facets ------------------------------------------------------------------------------------


def section_lines(
    lines: Sequence[Line], heading: str, vocab: Vocabulary | None = None
) -> list[str]:
    """The lines under ``heading`` up to the next section heading, bullets unmarked."""
    vocab = vocab or vocabulary()
    start = index_of(lines, heading)
    if start is None:
        return []
    out: list[str] = []
    for line in lines[start + 1 :]:
        if is_heading_word(line.text, vocab) or is_chrome(line.text):
            break
        out.append(re.sub(r"^[-•*·▪]\s+", "", line.text.strip()))
    return out


def split_age_groups(text: str, vocab: Vocabulary | None = None) -> list[str]:
    """``"Infants Toddlers Preschool"`` → the known age groups it names, in order."""
    vocab = vocab or vocabulary()
    found: list[tuple[int, str]] = []
    for group in vocab.age_groups:
        if match := re.search(rf"\b{re.escape(group)}\b", text, re.I):
            found.append((match.start(), group))
    return [g for _, g in sorted(found)] or [text]


def split_values(text: str) -> list[str]:
    """``"Early years setting, Community setting."`` → its items (absences dropped)."""
    items = [p.strip().rstrip(".").strip() for p in re.split(r"\s*[,;]\s*", text)]
    return [i for i in items if i and norm(i) not in {"not reported", "not available", "n/a", "na"}]


__all__ = [
    "OutcomesRead",
    "RatingsRead",
    "cost_band",
    "find_name",
    "index_of",
    "name_from_sentences",
    "not_read_warnings",
    "parse_cost_value",
    "parse_evidence_value",
    "read_outcomes",
    "read_pairs",
    "read_ratings",
    "read_reviews",
    "section_lines",
    "split_age_groups",
    "split_values",
]
