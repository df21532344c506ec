"""Delivery and implementation facts read from the programme's own sentences."""

from __future__ import annotations

import re

from evidencemine.models import Programme, Range, Supervision
from evidencemine.numbers import NUMBER, parse_number

_NUM = rf"(\d+\.\d+|{NUMBER})"  # decimals, digits or words (one grammar: evidencemine.numbers)
_SESSIONS = re.compile(
    rf"\b{_NUM}\s+(?:weekly\s+|group\s+|individual\s+|home\s+|hour-long\s+)?sessions\b", re.I
)
_SESSION_LENGTH = re.compile(
    rf"sessions?\s+of\s+(?:approximately\s+|about\s+|around\s+|up to\s+)?{_NUM}"
    rf"(?:\s*(?:to|-|–)\s*{_NUM})?\s*(hours?|minutes?|mins?)",
    re.I,
)
_FREQUENCY = re.compile(r"\b(twice[- ]weekly|weekly|fortnightly|monthly|daily|bi-?weekly)\b", re.I)
_DURATION = re.compile(
    r"\b(?:for a period of|over(?: a period of)?|lasting|for)\s+"
    rf"({_NUM}\s+(weeks?|months?|years?)(?:\s+or\s+(?:longer|more))?)",
    re.I,
)
_PRACTITIONERS = re.compile(
    rf"\bby\s+{_NUM}\s+(?:[\w-]+\s+){{0,2}}(?:practitioners?|facilitators?|therapists?|clinicians?|"
    r"workers?|professionals?|nurses?|visitors?)\b",
    re.I,
)
_QCF = re.compile(r"\bQCF[- ]?(\d(?:\s*/\s*\d)?)", re.I)
_TRAINING_HOURS = re.compile(rf"{_NUM}\s+hours?\s+of\s+(?:[\w-]+\s+)?training", re.I)
_SUPERVISORS = re.compile(rf"supervised by\s+{_NUM}\b", re.I)
_QUALIFICATION = re.compile(r"\b(qualification|qualified|degree|masters|bachelor|diploma)\b", re.I)
_NO_LICENCE = re.compile(
    r"\bno licen[cs](?:e|ing)(?:\s+requirement|\s+(?:is\s+)?required)|"
    r"\bdoes not require a licen[cs]e|\blicen[cs]e is not required",
    re.I,
)
_LICENCE = re.compile(r"\blicen[cs]e (?:is )?required|\brequires? a licen[cs]e", re.I)
_MONTHS = {"week": 12 / 52, "month": 1.0, "year": 12.0}


def number(text: str) -> float:
    """A number written in digits or words ("one", "twelve", "1.5")."""
    value = parse_number(text)
    if value is None:
        raise ValueError(f"not a number: {text!r}")
    return value


def _first(pattern: re.Pattern[str], texts: list[str]) -> re.Match[str] | None:
    for text in texts:
        if match := pattern.search(text):
            return match
    return None


def fill_delivery(programme: Programme) -> None:
    """Fill the structured delivery and implementation fields from the page's sentences."""
    delivery = programme.delivery
    texts = [*delivery.text, *programme.activities, *programme.description]
    if m := _first(_SESSIONS, texts):
        delivery.sessions = int(number(m[1]))
    if m := _first(_SESSION_LENGTH, texts):
        low = number(m[1])
        high = number(m[2]) if m[2] else low
        scale = 1 / 60 if m[3].lower().startswith("min") else 1.0
        delivery.session_hours = Range(min=round(low * scale, 2), max=round(high * scale, 2))
    if m := _first(_FREQUENCY, texts):
        delivery.frequency = m[1].lower()
    if m := _first(_DURATION, texts):
        delivery.duration = m[1]
        unit = m[3].lower().rstrip("s")
        delivery.duration_months_min = round(number(m[2]) * _MONTHS[unit], 1)
    if m := _first(_PRACTITIONERS, texts):
        delivery.practitioners = int(number(m[1]))
    _fill_implementation(programme, texts)


def _fill_implementation(programme: Programme, texts: list[str]) -> None:
    impl = programme.implementation
    who = impl.qualification_text
    if m := _first(_QCF, who):
        impl.practitioner_qualification = "QCF-" + re.sub(r"\s+", "", m[1])
    impl.qualification_text = who + [t for t in texts if _QUALIFICATION.search(t) and t not in who]
    if m := _first(_TRAINING_HOURS, impl.training_text):
        impl.training_hours = number(m[1])
    booster = next((t for t in impl.training_text if re.search(r"booster", t, re.I)), "")
    if re.search(r"not (?:required|necessary)", booster, re.I):
        impl.booster_training = "not-required"
    elif re.search(r"recommended", booster, re.I):
        impl.booster_training = "recommended"
    elif re.search(r"required|mandatory", booster, re.I):
        impl.booster_training = "required"
    licence_texts = [
        impl.licence_text or "",
        impl.supervision.text if impl.supervision and impl.supervision.text else "",
    ]
    if _first(_NO_LICENCE, licence_texts):
        impl.licence_required = False
    elif _first(_LICENCE, licence_texts):
        impl.licence_required = True


def supervision(text: str) -> Supervision | None:
    """Supervisors, their qualification and training hours from the supervision sentence."""
    if not text.strip():
        return None
    result = Supervision(text=text)
    if m := _SUPERVISORS.search(text):
        result.supervisors = int(number(m[1]))
    if m := _QCF.search(text):
        result.qualification = "QCF-" + re.sub(r"\s+", "", m[1])
    if m := _TRAINING_HOURS.search(text):
        result.training_hours = number(m[1])
    return result
