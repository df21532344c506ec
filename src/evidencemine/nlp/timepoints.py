"""Follow-up time points in months: "at 6 and 12 months", "6- and 12-month follow-ups",
"one-year follow-up", "18 months post-randomisation"; baseline counts as 0 when the text also
gives a follow-up point.

A months expression is a time point only in an assessment context: "at ..." or followed by
"follow-up", "later", "after", "post-...". Ages ("12 months of age", "aged 6 months",
"12-month-old"), durations ("a 12-month programme", "over 6 months") and ranges ("between 6
and 12 months") are not.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from evidencemine.nlp.view import TextView, ends_with_match
from evidencemine.numbers import NUMBER_START, WORD_NUMBER, matches_at, parse_number

_NUM = rf"(?:{NUMBER_START}(?:\d+(?:\.\d+)?|{WORD_NUMBER}))"
_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)"
_ITEM = rf"{_NUM}(?:-(?={_SEP}))?"
_UNIT = r"(?:months?|mos?|years?|yrs?|weeks?|wks?)"
_TIMEPOINT_RE = re.compile(
    rf"(?<![\w.,-])(?P<list>{_ITEM}(?:{_SEP}{_ITEM})*)(?:\s*[-–]\s*|\s+)(?P<unit>{_UNIT})\b",
    re.IGNORECASE,
)
# The same pattern for the case-folded text, and where it can match: a sentence with a unit.
_TIMEPOINT_FOLDED_RE = re.compile(_TIMEPOINT_RE.pattern)
_UNIT_WORD_RE = re.compile(rf"{_UNIT}\b")
_LIST_NUMBER_RE = re.compile(_NUM, re.IGNORECASE)
_CONTINUATION_RE = re.compile(
    rf"(?:{_SEP}(?:the\s+)?{_NUM}\s*[-–]?\s*{_UNIT}\b)*\s*[-–]?\s*", re.IGNORECASE
)
_AFTER_OK_RE = re.compile(
    r"(?:follow[- ]?ups?|followup|later|after|post[- ]?(?:randomi[sz]|baseline|intervention|"
    r"treatment|test|enrol|program|allocation|assessment|discharge)|posttest|from baseline|"
    r"following|assessments?|visits?|outcomes?)",
    re.IGNORECASE,
)
_AFTER_AGE_RE = re.compile(
    r"\s*[-–]?\s*(?:old|olds|of age|of life|postpartum|post-partum|postnatal|post-natal|after "
    r"birth|gestation|pregnan|corrected|after delivery|of the child|into pregnancy)",
    re.IGNORECASE,
)
_BEFORE_AGE_RE = re.compile(
    r"(?:\baged?|\bages|\bage of|\bbetween|\bfrom|\bto|\bbirth to|[\d][-–]|\bthan|\bunder|"
    r"\bover|\bfor|\bwithin|\bduring|\blasting|\bup to|\beach|\bevery|\bper)\s*$",
    re.IGNORECASE,
)
_AGE_WORD_RE = re.compile(r"(?:\baged?|\bages|\bage of|\bbetween)\s*$", re.IGNORECASE)
_BEFORE_OK_RE = re.compile(
    r"(?:\bat|\bat the|\bat both|\bat each|\bby|\bafter|\bbaseline\s*(?:,|and)|"
    r"\bbaseline,\s*and)\s*$",
    re.IGNORECASE,
)
# The longest text before "\s*$" the tail patterns can match (each ends in a non-space; for
# _BEFORE_OK_RE, the alternatives without "baseline"); see ``ends_with_match``.
_AGE_WORD_LONGEST = len("between")
_BEFORE_AGE_LONGEST = len("birth to")
_BEFORE_OK_SHORT_LONGEST = len("at both")
_FOLLOW_BEFORE_RE = re.compile(r"follow[- ]?(?:up|ups)\b[^.;]{0,40}$", re.IGNORECASE)
_BASELINE_RE = re.compile(
    r"\b(?:at|from|between|since)\s+baseline\b|\bbaseline\s*(?:,|and\b|to\b|\(|through\b)",
    re.IGNORECASE,
)

_BASELINE_FOLDED_RE = re.compile(_BASELINE_RE.pattern)
# what may stand between two mentions of one list: ", ", " and ", ", and the "
_LIST_GAP_RE = re.compile(rf"{_SEP}(?:the\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class TimePoint:
    months: float
    start: int
    end: int


def to_months(value: float, unit: str) -> float | None:
    """``value`` in ``unit`` (years, months, weeks, days, hours) as months: weeks as
    12/52 of a month rounded to 0.1, days as 12/365 and hours as 12/(365*24) rounded to
    0.01; None for another unit."""
    unit = unit.lower()
    if unit.startswith("y"):
        return value * 12
    if unit.startswith("mo"):
        return value
    if unit.startswith("w"):
        return round(value * 12 / 52, 1)
    if unit.startswith("d"):
        return round(value * 12 / 365, 2)
    if unit.startswith("h"):
        return round(value * 12 / (365 * 24), 2)
    return None


def _to_months(value: float, unit: str) -> float:
    return to_months(value, unit) or value


@dataclass(frozen=True)
class _ContextPatterns:
    """The patterns that judge a mention's context."""

    continuation: re.Pattern[str]
    after_age: re.Pattern[str]
    age_word: re.Pattern[str]
    after_ok: re.Pattern[str]
    before_age: re.Pattern[str]
    before_ok: re.Pattern[str]
    follow_before: re.Pattern[str]


_CONTEXT = _ContextPatterns(
    _CONTINUATION_RE,
    _AFTER_AGE_RE,
    _AGE_WORD_RE,
    _AFTER_OK_RE,
    _BEFORE_AGE_RE,
    _BEFORE_OK_RE,
    _FOLLOW_BEFORE_RE,
)
# The same, without IGNORECASE, for the case-folded text (all of them are written lower-case).
_FOLDED_CONTEXT = _ContextPatterns(
    *(re.compile(p.pattern) for p in vars(_CONTEXT).values())  # field order
)


def _is_timepoint(text: str, start: int, end: int, context: _ContextPatterns = _CONTEXT) -> bool:
    before = text[max(0, start - 60) : start]
    after_list = context.continuation.match(text, end)
    after_start = after_list.end() if after_list else end
    after = text[after_start : after_start + 40]
    if (
        context.after_age.match(text, end)
        or (
            after_start > end and context.after_age.match(text, after_start)
        )  # "... and 12 months of age"
        or ends_with_match(context.age_word, before, _AGE_WORD_LONGEST)
    ):
        return False
    if context.after_ok.match(after.lstrip(" -–")):
        return True
    if ends_with_match(context.before_age, before, _BEFORE_AGE_LONGEST):
        return False
    return _before_ok(before, context) or bool(context.follow_before.search(before))


def _before_ok(before: str, context: _ContextPatterns) -> bool:
    """``context.before_ok.search(before)``; on the folded text without "baseline" only the
    short alternatives can match, so only the window's last few characters are tried."""
    if context is _FOLDED_CONTEXT and "baseline" not in before:
        return ends_with_match(context.before_ok, before, _BEFORE_OK_SHORT_LONGEST)
    return bool(context.before_ok.search(before))


def _mentions(view: TextView) -> list[re.Match[str]]:
    """``_TIMEPOINT_RE.finditer(view.text)``, run only over sentences that name a unit (a match
    never crosses a sentence boundary: it holds no full stop but a decimal point)."""
    folded = view.folded
    if folded is None:
        return list(_TIMEPOINT_RE.finditer(view.text))
    starts = view.number_starts()
    found: list[re.Match[str]] = []
    for sentence in view.sentences_with(_UNIT_WORD_RE):
        if starts is None:
            found.extend(_TIMEPOINT_FOLDED_RE.finditer(folded, sentence.start, sentence.end))
            continue
        inside = starts[bisect_left(starts, sentence.start) : bisect_left(starts, sentence.end)]
        found.extend(matches_at(_TIMEPOINT_FOLDED_RE, folded, inside))
    return found


# Days and hours (trials of acute illness measure "at day 28", "on days 3 and 7", "at 7
# days", "28-day mortality", "at 24, 48 and 72 hours"): a number with a day or hour unit
# after an assessment word, or "day N". Not: durations of a treatment ("for 5 days", "a
# 10-day course"), frequencies ("3 days a week"), ages ("2 days old"), ranges ("4-8 days").
_DNUM = rf"(?:\d+|{WORD_NUMBER})"
_DSEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
_DAY_AFTER_RE = re.compile(
    rf"(?<![\w.,–-])(?P<list>{_DNUM}(?:{_DSEP}{_DNUM})*)(?:\s*[-–]\s*|\s+|\u2009)"
    r"(?P<unit>days?|hours?|hrs?|h)\b",
    re.IGNORECASE,
)
_DAY_BEFORE_RE = re.compile(
    rf"\b(?P<unit>days?)\s+(?P<list>{_DNUM}(?:(?:{_DSEP})(?:days?\s+)?{_DNUM})*)(?![\w.,]\d)",
    re.IGNORECASE,
)
_DAY_OK_BEFORE_RE = re.compile(
    r"(?:\bat|\bby|\bon|\bwithin|\bthrough|\buntil|\bto|\bup to|\bafter|\bover|"
    r"\bduring the|\bbaseline,?|\band|\bor|,|\bin)\s*(?:the\s+|first\s+)?$",
    re.IGNORECASE,
)
_DAY_BAD_BEFORE_RE = re.compile(
    r"(?:\bfor|\bfor the|\baged?|\bages|\bevery|\beach|\bper|\blasting|\bbetween|"
    r"\bfrom|\ba|\ban|\bthan|\b\d+\s*(?:to|-|–))\s*$",
    re.IGNORECASE,
)
_DAY_OK_AFTER_RE = re.compile(
    r"\s*(?:[-–]\s*)?(?:after|post|later|following|from|of (?:enrol|random|admission|"
    r"inclusion|treatment|follow|hospital)|follow|mortality|survival|outcomes?|"
    r"all-cause|clinical|recovery|readmission)",
    re.IGNORECASE,
)
_DAY_BAD_AFTER_RE = re.compile(
    r"\s*(?:[-–]\s*)?(?:old|of age|of life|course|regimen|supply|apart|per\b|a week|a day|"
    r"each|every|weekly|daily|in a row|of (?:a|the) week|interval|window|washout|run-in)",
    re.IGNORECASE,
)
_DAY_WORD_RE = re.compile(r"\bdays?\b|\d\s*(?:h|hours?|hrs?)\b", re.IGNORECASE)


def _day_points(view: TextView) -> list[TimePoint]:
    text = view.text
    points: list[TimePoint] = []
    for sentence in view.sentences_with(_DAY_WORD_RE) if view.folded is not None else [None]:
        lo, hi = (sentence.start, sentence.end) if sentence else (0, len(text))
        for m in _DAY_AFTER_RE.finditer(text, lo, hi):
            before = text[max(lo, m.start() - 30) : m.start()]
            after = text[m.end() : m.end() + 40]
            if _DAY_BAD_BEFORE_RE.search(before) or _DAY_BAD_AFTER_RE.match(after):
                continue
            hyphen = bool(re.match(r"\d+\s*[-–]", m.group(0)))
            if not (
                _DAY_OK_AFTER_RE.match(after) or (not hyphen and _DAY_OK_BEFORE_RE.search(before))
            ):
                continue
            points.extend(_listed(m, m.group("unit")))
        for m in _DAY_BEFORE_RE.finditer(text, lo, hi):
            before = text[max(lo, m.start() - 30) : m.start()]
            if _DAY_BAD_BEFORE_RE.search(before) and not _DAY_OK_BEFORE_RE.search(before):
                continue
            points.extend(_listed(m, "days"))
    return points


def _listed(m: re.Match[str], unit: str) -> list[TimePoint]:
    found = []
    for number in _LIST_NUMBER_RE.finditer(m.group("list")):
        value = parse_number(number.group(0))
        if value is not None and 0 < value <= 400:
            months = to_months(value, unit)
            if months is not None and months > 0:
                found.append(TimePoint(months, m.start(), m.end()))
    return found


# "post-intervention" is the end of the intervention: a time point in months only when the
# text gives the intervention's length ("a 12-week programme", "sessions over 10 weeks").
# "at age 9" is a time point only against a single baseline age ("children aged 3 ...
# followed up at age 9" is 72 months); with an age range or no baseline age it is none.
_POST_RE = re.compile(
    r"\bpost[- ]?(?:intervention|treatment|test|programme|program)\b|\bposttest\b|"
    r"\b(?:immediately )?after the (?:intervention|programme|program)\b|"
    r"\bend of (?:the )?(?:intervention|treatment|programme|program)\b",
    re.IGNORECASE,
)
_LENGTH_RE = re.compile(
    rf"\b(?P<n>\d+|{WORD_NUMBER})[- ](?P<unit>weeks?|months?)[- ](?:long\s+)?(?:parenting\s+|"
    r"group\s+|home[- ]visiting\s+)?(?:intervention|programme|program|course|treatment)\b|"
    rf"\b(?:over|for|lasting)\s+(?P<n2>\d+|{WORD_NUMBER})\s+(?P<unit2>weeks|months)\b",
    re.IGNORECASE,
)
_AT_AGE_RE = re.compile(
    rf"\bat (?:the )?ages? (?P<list>{_NUM}(?:{_SEP}{_NUM})*)(?:\s+years)?\b", re.I
)
_BASE_AGE_RE = re.compile(
    rf"\b(?:aged|age)\s+(?P<n>\d+|{WORD_NUMBER})(?:\s+years?)?\b(?!\s*(?:[-–]|to|and)\s*\d)|"
    rf"\b(?P<n2>\d+|{WORD_NUMBER})[- ]year[- ]olds?\b",
    re.IGNORECASE,
)


def _relative_points(view: TextView) -> list[TimePoint]:
    text = view.text
    found: list[TimePoint] = []
    lowered = text.lower()
    # the two case-insensitive scans over the whole text run only when their key words occur
    # (a plain substring test is far cheaper than the regular expression)
    has_post = "post" in lowered or "after the" in lowered or "end of" in lowered
    post = _POST_RE.search(text) if has_post else None
    if post:
        length = _LENGTH_RE.search(text)
        if length:
            n = parse_number(length.group("n") or length.group("n2"))
            unit = length.group("unit") or length.group("unit2")
            months = to_months(n, unit) if n else None
            if months:
                found.append(TimePoint(round(months, 1), post.start(), post.end()))
    ages = list(_AT_AGE_RE.finditer(text)) if "at " in lowered and "age" in lowered else []
    if ages:
        base = _BASE_AGE_RE.search(text)
        value = parse_number(base.group("n") or base.group("n2")) if base else None
        if value is not None and base is not None and base.start() < ages[0].start():
            for m in ages:
                for number in _LIST_NUMBER_RE.finditer(m.group("list")):
                    age = parse_number(number.group(0))
                    if age is not None and age > value:
                        found.append(TimePoint((age - value) * 12, m.start(), m.end()))
    return found


def find_timepoints(view: TextView) -> list[TimePoint]:
    """Every follow-up time point mention, in text order (baseline as 0 when others exist)."""
    text = view.text
    source, context = (text, _CONTEXT) if view.folded is None else (view.folded, _FOLDED_CONTEXT)
    points: list[TimePoint] = []
    accepted_end = -1
    for m in _mentions(view):
        # "at baseline, 6 months and 12 months": a mention that continues an accepted list is
        # a time point too, unless it is an age ("... and 12 months of age")
        continues = accepted_end >= 0 and bool(
            _LIST_GAP_RE.fullmatch(source, accepted_end, m.start())
        )
        if continues and context.after_age.match(source, m.end()):
            continues = False
        if not continues and not _is_timepoint(source, m.start(), m.end(), context):
            continue
        accepted_end = m.end()
        for number in _LIST_NUMBER_RE.finditer(m.group("list")):
            value = parse_number(number.group(0))
            if value is not None and 0 < value <= 240:
                months = _to_months(value, m.group("unit"))
                points.append(TimePoint(months, m.start(), m.end()))
    points.extend(_day_points(view))
    points.extend(_relative_points(view))
    points.sort(key=lambda p: p.start)
    if points:
        baseline = _baseline(view)
        if baseline:
            points.insert(0, TimePoint(0.0, baseline.start(), baseline.end()))
    return points


def _baseline(view: TextView) -> re.Match[str] | None:
    """``_BASELINE_RE.search(view.text)``, on the folded text when there is one."""
    if view.folded is None:
        return _BASELINE_RE.search(view.text)
    if "baseline" not in view.folded:
        return None  # every alternative names it
    return _BASELINE_FOLDED_RE.search(view.folded)


def months_of(points: list[TimePoint]) -> list[float]:
    """The distinct months of ``points``, ascending."""
    return sorted({p.months for p in points})
