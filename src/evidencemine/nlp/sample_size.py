"""Sample size: a count followed by a unit noun, ``N = 76``, per-arm ``(n = 40)``, or a count
with a recruitment verb ("240 were randomised").

What is never a sample size: a number glued to a hyphen ("12-month infant"), a number after
"aged", a percentage, a year, and counts of sessions, items, weeks or other non-people (the
``NONCOUNT`` lexicon). Candidates are scored by the sentence around them (recruitment verbs
raise, screening verbs and background sentences lower); randomised and analysed totals are
both kept when both are stated; reviews count included studies; cluster trials count
participants and note the clusters.

Definition followed: the sample size (``total``) is the number of people randomised or
enrolled in the study; the analysed number (``analysed``) and the arms (``arms``) are kept
apart and never replace it. When only arm sizes are given they are summed ("22 women were
randomised to dance and 19 to usual care" is 41), and so are the people of clusters
allocated arm by arm ("10 centres (including 178 families) ... and 9 centres (including 154
families)"), an arm offered the programme and a control arm counted apart, and "N into one
group, and another M into the other"; a subsample is part of the sample; screened, eligible, planned
("planned to enrol", "2,150 planned patients"), per-arm and outcome counts ("a total of 25
patients had a relapse") are not the sample; "31 of 322 eligible women took part" is 31.
The corpora differ from this in places and are scored as they are: the expert PICO labels
sometimes give the planned total where the abstract also states the enrolled one, the
EBM-NLP crowd often labels one arm's count or "N per group"; we keep to the definition.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from evidencemine.nlp.patterns import PatternRule
from evidencemine.nlp.view import TextView, ends_with_match
from evidencemine.numbers import DIGIT_NUMBER, NUMBER, matches_at, parse_int

_NUMBER_RE = re.compile(rf"(?<![\w.,/=<>±+≤≥-])({NUMBER})(?![\w%/‰-]|[.,]\d)", re.IGNORECASE)
_N_EQUALS_RE = re.compile(r"(?<![A-Za-z])([Nn])\s*=\s*(\d{1,3}(?:,\d{3})+|\d+)(?![\d.])")
# A word after a number: an initialism with stops ("H. pylori", "U.S.") counts as one word.
# A word may hold digits and "+" after its first letter ("HER2+ patients", "COVID-19 patients")
# and letters outside ASCII ("chemotherapy-naïve"); any other character is a word of its own.
_FOLLOW_RE = re.compile(r"\s*((?:[A-Z]\.)+(?!\w)|[^\W\d_][\w'’\-–+]*|\S)")
_SUBGROUP_RE = re.compile(
    rf"\s*,?\s*(?:(?P<n1>{NUMBER})\s+of\s+(?:whom|which|these|them)|of\s+(?:whom|which)\s+"
    rf"(?P<n2>{NUMBER})|including\s+(?P<n3>{NUMBER}))\s+(?:were\s+|was\s+|had\s+|have\s+)?"
    r"(?P<desc>[^.;()]{3,120})",
    re.IGNORECASE,
)
_VERB_COUNT_RE = re.compile(
    rf"(?<![\w.,/=-])(?P<n>{NUMBER})\s+(?:\([^)]{{0,30}}\)\s+)?(?:[\w-]+\s+(?:and\s+[\w-]+\s+)?)?"
    r"(?:were|was|had)?\s*"
    r"(?:randomly\s+|[a-z]+ly\s+)?(?P<verb>randomi[sz]ed|allocated|assigned|"
    r"enrolled|recruited|completed|analy[sz]ed|retained|participated|took part|provided|"
    r"agreed to (?:be randomi[sz]ed|randomi[sz]ation|participate)|consented)",
    re.IGNORECASE,
)
# Plain twins of the case-insensitive patterns, for the case-folded text (``TextView.folded``).
_NUMBER_FOLDED_RE = re.compile(_NUMBER_RE.pattern)
_VERB_COUNT_FOLDED_RE = re.compile(_VERB_COUNT_RE.pattern)
# A count-verb match needs one of these (the ``verb`` group), so without any there is none.
_COUNT_VERB_STEMS = (
    "analy",
    "randomi",
    "allocated",
    "assigned",
    "enrolled",
    "recruited",
    "completed",
    "retained",
    "participated",
    "took part",
    "provided",
    "agreed to",
    "consented",
)
_ARM_LABEL_STOP = frozenset(
    [
        "to",
        "or",
        "and",
        "versus",
        "vs",
        "vs.",
        "with",
        "either",
        "the",
        "a",
        "an",
        "in",
        "into",
        "of",
        "between",
        "were",
        "was",
        ",",
        ";",
        ":",
        "(",
        ")",
    ]
)
_BREAK_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "with",
        "who",
        "whom",
        "which",
        "that",
        "and",
        "or",
        "to",
        "in",
        "at",
        "for",
        "from",
        "on",
        "by",
        "were",
        "was",
        "are",
        "is",
        "had",
        "have",
        "has",
        "per",
        "than",
        "vs",
        "versus",
        "out",
        "among",
        "into",
    ]
)
# Between two modifiers of a unit noun: "20 healthy, male volunteers", "342 adolescent and
# adult patients" (after a word that is not a unit, a break word or a number).
_LIST_JOINERS = frozenset([",", "and", "or"])
# Words that a number labels rather than counts ("type 2", "grade 3", "stage II").
_LABEL_WORDS = frozenset(["type", "grade", "stage", "class", "phase", "level", "step"])
# a trial's name before its number: "EORTC 10981", "GOLDEN 5", "CheckMate 451"
_ID_PREFIX_RE = re.compile(r"\b([A-Z][A-Z0-9-]{1,7}|[A-Z][a-z]+[A-Z][A-Za-z]*)\s+$")
_HEADINGS = frozenset(
    [
        "METHODS",
        "METHOD",
        "RESULTS",
        "RESULT",
        "BACKGROUND",
        "CONCLUSIONS",
        "CONCLUSION",
        "OBJECTIVE",
        "OBJECTIVES",
        "AIMS",
        "AIM",
        "DESIGN",
        "SETTING",
        "SETTINGS",
        "PATIENTS",
        "PARTICIPANTS",
        "SUBJECTS",
        "INTERVENTIONS",
        "INTERVENTION",
        "MEASUREMENTS",
        "FINDINGS",
        "INTRODUCTION",
        "PURPOSE",
        "MATERIALS",
        "AND",
        "ABSTRACT",
        "SUMMARY",
        "CONTEXT",
        "DISCUSSION",
        "SAMPLE",
        "POPULATION",
    ]
)
_RATIO_PREFIX_RE = re.compile(r"\b(?:1|one)\s+(?:in|out of)\s+$", re.IGNORECASE)
_PLANNED_RE = re.compile(
    r"\b(?:planned|plan to|target(?:ed)?|aim(?:ed)? to|intended|required|needed|"
    r"would (?:be )?(?:need|require)|power(?:ed)?|sample size|up to)\b[^.;]{0,40}$",
    re.IGNORECASE,
)
# "breast cancer survivors (BCS)": a people noun and the abbreviation the text gives it
_ABBREVIATION_RE = re.compile(r"\(([A-Z][A-Za-z]{1,6})\)")
# "31 of 322", "Fifty-two (29 men and 23 women) out of 62": what follows the part
_OF_TOTAL_RE = re.compile(
    rf"\s+(?:\([^()%]{{0,40}}\)\s+)?(?:out\s+)?of\s+(?:the\s+|all\s+)?(?P<m>{DIGIT_NUMBER})(?![\d.])"
)
# "a subsample (N = 75)", "a subset of 40 children": a part of the sample
_SUBSAMPLE_RE = re.compile(r"\bsub-?(?:samples?|sets?)\b[^.;]{0,20}$")
# the control arm named by a count's modifiers or clause: "508 control families", "856
# families were allocated to the control condition"
_CONTROL_ARM_RE = re.compile(
    r"^\S+\s+(?:[\w-]+\s+){0,2}?(?:control|comparison)\b|\bto\s+(?:the\s+|a\s+)?"
    r"(?:[\w-]+\s+)?(?:control|comparison)\s+(?:condition|group|arm)"
)
# "... into the intervention group, and another 2000 into the control group": the next arm
_ANOTHER_ARM_RE = re.compile(
    r"[^.;()]{0,120}?\b(?:in|into|to)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:group|arm|condition)\s*,?\s+and\s+(?:another|a\s+further)\s+"
    rf"(?P<n>{DIGIT_NUMBER})\s+(?:[\w-]+\s+){{0,2}}?(?:in|into|to)\s+(?:the\s+|a\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:group|arm|condition)\b"
)
# an arm given the intervention: "were offered the programme", "was delivered to 541"
_DELIVERED_RE = re.compile(r"\b(?:were|was)\s+(?:offered|delivered|given)\b")
_PLANNED_WORD_RE = re.compile(r"\b(?:planned|targeted|target|expected|anticipated|required)\b")
# What happened to a count of people, not their taking part: "a total of 234 participants
# reported not smoking", "a total of 25 subjects had ..."
_EVENT_AFTER_RE = re.compile(
    r"(?:\s+(?!who\b|whom\b|that\b|which\b|with\b)\w+){0,3}?\s+(?:had|experienced|developed|reported|died|showed|achieved|"
    r"responded|suffered|required|relapsed|discontinued|withdrew|stopped|were\s+still)\b",
)
# "compared 5,883 children living in ... with 1,879 children in ...": two groups of people
_COMPARED_RE = re.compile(
    rf"compar(?:ed|ing)\s+(?P<n1>{DIGIT_NUMBER})\s[^.;]{{0,150}}?\b(?:with|to)\s+(?:the\s+)?"
    rf"(?P<n2>{DIGIT_NUMBER})\s"
)
_SITES_PREFIX_RE = re.compile(r"\b(in|at|from|across|within)\s+$", re.IGNORECASE)
# "(n = 578) were randomised", "506 communities randomised to": the count's own verb
_RANDOMISED_NEXT_RE = re.compile(
    r"\s*\)?\s*(?:were\s+|was\s+)?(?:randomly\s+)?(?:randomi[sz]ed|enrolled)\b",
    re.IGNORECASE,
)
_SHARE_BEFORE_RE = re.compile(r"%\s*[(\[]?\s*$")
_IN_BRACKETS_RE = re.compile(r"\([^()]*$")
_PERCENT_AFTER_RE = re.compile(r"\s*[(\[]\s*\d+(?:\.\d+)?\s*%")
# The second number of a range: "groups of 4 to 8 women", "between 95 and 110".
_RANGE_PREFIX_RE = re.compile(r"(?:\d\s*(?:to|-|–)|\bbetween\s+\d[\d,.]*\s+and)\s*$")
_DENOMINATOR_RE = re.compile(
    r"\d[\d,]*\s+(?:\([^()]{0,12}\)\s+)?(?:out\s+)?of\s+(?:the\s+|all\s+)?$", re.IGNORECASE
)
_TRIALS_AFTER_RE = re.compile(
    r"(?:\s*,?\s*(?:\([^()]*\)|[\w-]+)){0,4}?\s*,?\s*(?:trials|studies|RCTs)\b"
    r"|\s+(?:phase\s+\S+\s+|controlled\s+|clinical\s+)?(?:study|trial)\b",
    re.IGNORECASE,
)
_YEAR_PREFIX_RE = re.compile(
    r"(?:\b(?:in|since|during|from|between|by|until|to|and|of|the|early|late|mid|year|years|"
    r"jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    r"september|oct|october|nov|november|dec|december)"
    r"|[,(–-])\s*$",
    re.IGNORECASE,
)
_AGE_PREFIX_RE = re.compile(
    r"\b(?:aged|age|ages|mean age of|age of|older than|younger than|between|grades|"
    r"score of|scores of|p|version|wave|cohort|table|figure|"
    + "|".join(sorted(_LABEL_WORDS))
    + r")"
    r"\s*$",
    re.IGNORECASE,
)
_ENROL_RE = re.compile(
    r"randomi[sz]|randomly|allocated|assigned|enrol|recruit|participat|took part|comprised|"
    r"consisted|sample (?:of|consisted|included|comprised)|were included|included \d|"
    r"were studied|took part|take part|consented|participants|N\s*=|registered|accru|entered|"
    r"(?:were|was)\s+\w+\s+included|included in (?:the|this)",
    re.IGNORECASE,
)
_ANALYSED_RE = re.compile(
    r"complet|analy[sz]|evaluable|retained|followed up|follow-up data|remained|"
    r"provided (?:data|follow)|"
    r"lost to|available for",
    re.IGNORECASE,
)
_SCREEN_RE = re.compile(
    r"screened|screening|assessed for eligibility|approached|invited|contacted|eligib|referred|"
    r"declined|identified|excluded|refused|records|abstracts",
    re.IGNORECASE,
)
# The verb that makes a count the sample: "were (randomly) assigned", "were enrolled".
_PREDICATE_RE = re.compile(
    r"\b(?:were|was)\s+(?:\w+\s+){0,2}?(?:randomi[sz]ed|randomly|assigned|allocated|enrolled|"
    r"recruited|included|registered|accrued|entered|studied)\b|\b(?:participated|took part)\b"
)
# "22 (women) were randomly assigned to": the first arm of an allocation sentence
_ALLOCATED_TO_RE = re.compile(
    rf"(?:{NUMBER})\s+(?:[\w-]+\s+){{0,2}}?(?:were|was)\s+(?:randomly\s+)?"
    r"(?:randomi[sz]ed|assigned|allocated)\s+(?:randomly\s+)?(?:to|into)\b"
    r"(?!\s+(?:one\s+of|either|groups|arms|\w+\s+(?:groups|arms)|\d))",
    re.IGNORECASE,
)
# ", and 19 (women) (were randomised) to": the next arm
_NEXT_ARM_RE = re.compile(
    rf"(?:,|;|\band\b|\bwhile\b|\bwhereas\b)\s+(?:(?:the\s+)?(?:other|remaining)\s+)?"
    rf"(?P<n>{DIGIT_NUMBER}|{NUMBER})\s+(?:[\w-]+\s+){{0,2}}?(?:(?:were|was)\s+(?:randomly\s+)?"
    r"(?:randomi[sz]ed|assigned|allocated)\s+(?:randomly\s+)?)?(?:to|into)\b",
    re.IGNORECASE,
)
# "we randomised 70 (45% women) participants", "the trial enrolled 120 and": the count after
# the verb, when no people noun follows it directly (those are unit counts)
_VERB_THEN_COUNT_RE = re.compile(
    rf"(?:randomi[sz]ed|enrolled|recruited)\s+(?:a\s+total\s+of\s+)?(?P<n>{DIGIT_NUMBER})(?![\d.,%])"
    r"(?=\s*(?:\(|,|;|\.|and\b|$))"
)
_ACCRUAL_BEFORE_RE = re.compile(r"\b(?:accrual|enrol?ment|recruitment)\b[^.;]{0,30}$")
_CONSENT_RE = re.compile(r"\b(?:agreed|consented|accepted)\b")
# (" and randomly assigned" goes on with the same subject: it ends no clause)
_CLAUSE_END_RE = re.compile(
    r"[,;]|\s(?:and|but|while|whereas)\s"
    r"(?!(?:then\s+|subsequently\s+|were\s+|was\s+)?(?:randomly|randomi[sz]ed|enrolled|allocated))"
)
_TOTAL_OF_RE = re.compile(
    r"(?:total of|sample of|total sample of|overall|in total,?)\s*$", re.IGNORECASE
)
# The longest text before "\s*$" each tail pattern can match (all end in a non-space
# character), so a search needs to start no earlier than that before the window's last word.
_YEAR_PREFIX_LONGEST = len("september")
_AGE_PREFIX_LONGEST = len("younger than")
_TOTAL_OF_LONGEST = len("total sample of")


@dataclass(frozen=True)
class _ContextPatterns:
    """The patterns that judge the words around a number."""

    year_prefix: re.Pattern[str]
    age_prefix: re.Pattern[str]
    enrol: re.Pattern[str]
    analysed: re.Pattern[str]
    screen: re.Pattern[str]
    total_of: re.Pattern[str]


_CONTEXT = _ContextPatterns(
    _YEAR_PREFIX_RE, _AGE_PREFIX_RE, _ENROL_RE, _ANALYSED_RE, _SCREEN_RE, _TOTAL_OF_RE
)
# The same, without IGNORECASE, for the case-folded text: all are written lower-case but for
# the "N" of "N =", which folds to "n".
_FOLDED_CONTEXT = _ContextPatterns(
    *(
        re.compile(p.pattern.replace(r"N\s*=", r"n\s*="))
        for p in (
            _YEAR_PREFIX_RE,
            _AGE_PREFIX_RE,
            _ENROL_RE,
            _ANALYSED_RE,
            _SCREEN_RE,
            _TOTAL_OF_RE,
        )
    )
)


def _context_of(view: TextView) -> tuple[str, _ContextPatterns]:
    """The text to judge context on (the folded one when there is one) and its patterns."""
    if view.folded is None:
        return view.text, _CONTEXT
    return view.folded, _FOLDED_CONTEXT


@dataclass
class Candidate:
    """One number that may be the sample size."""

    n: int
    start: int
    end: int
    unit: str | None
    kind: str
    rule: str
    score: float = 0.0
    role: str = ""
    subgroups: list[dict[str, Any]] = field(default_factory=list)
    needs_enrolment: bool = False  # kept only when its clause says they were enrolled


@dataclass
class ArmCount:
    label: str
    n: int
    start: int
    end: int
    sent: int


def _unit_after(
    view: TextView, pos: int, units: dict[str, PatternRule] | None = None
) -> tuple[str, str, int] | bool | None:
    """``(unit, kind, end)`` when a unit noun follows within a few modifiers; False when a
    non-count noun (months, sessions, %) follows; None when nothing decides. ``units``: the
    unit nouns (the lexicon's, and the text's own abbreviations, see :func:`_text_units`).

    Reads up to six words (a seventh for a two-word unit) with :data:`_FOLLOW_RE`, in one
    plain loop (no generator): this runs for every number."""
    if units is None:
        units = view.rules.lexicon.get("UNIT", {})
    noncount = view.rules.words("NONCOUNT")
    text = view.text
    follow = _FOLLOW_RE.match
    previous = ""
    words = 0
    while words < 6:
        m = follow(text, pos)
        if m is None:
            return None
        word = m.group(1)
        pos = end = m.end()  # the word (group 1) ends the match
        if word in _LIST_JOINERS and previous[:1].isalpha() and previous not in _BREAK_WORDS:
            previous = word  # "20 healthy, male volunteers", "342 adolescent and adult patients"
            continue
        words += 1
        lower = word.lower().strip("'’")
        if lower in noncount:
            return False
        rule = units.get(lower)
        if rule is None:
            if "-" in lower:  # "spouse-caregivers", "mother-infant (dyads)"
                rule = units.get(lower.rsplit("-", 1)[1])
            if rule is None:
                if word.isdigit() and previous in _LABEL_WORDS:
                    previous = lower  # "48 type 2 diabetic patients": the label is a modifier
                    continue
                if word[0].isalpha() and parse_int(lower) is not None:
                    return None  # "2 Ten males": the unit belongs to the next number
        previous = lower
        if rule is not None:
            m = follow(text, pos)
            nxt, nxt_end = (m.group(1).lower(), m.end()) if m else ("", end)
            if nxt in noncount:
                return False  # "10 parent-child sessions": the people name what is counted
            if nxt in units and nxt not in _BREAK_WORDS:
                return (units[nxt].value, units[nxt].kind, nxt_end)
            return (rule.value, rule.kind, end)
        if lower in _BREAK_WORDS or not word[0].isalpha():
            return None
    return None


def _is_trial_name(text: str, start: int) -> bool:
    m = _ID_PREFIX_RE.search(text, max(0, start - 12), start)
    return m is not None and m.group(1) not in _HEADINGS


def _skip_number(view: TextView, start: int, value: int, raw: str) -> bool:
    if value < 2 or value > 1_000_000 or raw.lower() == "one":
        return True
    if raw[0] == "0" or (len(raw) >= 3 and raw.isdigit() and _is_trial_name(view.text, start)):
        return True  # "GRISO 053", "EORTC 10001", "SWOG 0307": a trial's name, not a count
    source, context = _context_of(view)
    prefix = source[max(0, start - 30) : start]
    if _RATIO_PREFIX_RE.search(prefix):
        return True  # "1 in 10 women"

    if ends_with_match(context.age_prefix, prefix, _AGE_PREFIX_LONGEST):
        return True
    if _RANGE_PREFIX_RE.search(prefix):
        return True  # "groups of 4 to 8 women": the end of a range
    is_year = raw.isdigit() and len(raw) == 4 and 1900 <= value <= 2035
    if not is_year or not ends_with_match(context.year_prefix, prefix, _YEAR_PREFIX_LONGEST):
        return False
    # "Between May 2007 and Oct 2010, 2018 women were recruited": a year-like number that
    # people nouns follow directly is a count
    m = _FOLLOW_RE.match(view.text, start + len(raw))
    unit = view.rules.lexicon.get("UNIT", {}).get(m.group(1).lower()) if m else None
    return unit is None or unit.kind != "participant" or prefix.rstrip()[-1:] != ","


def _subgroups(view: TextView, end: int) -> list[dict[str, Any]]:
    m = _SUBGROUP_RE.match(view.text, end)
    if not m:
        return []
    raw = m.group("n1") or m.group("n2") or m.group("n3")
    n = parse_int(raw or "")
    if n is None:
        return []
    description = re.split(r",\s+(?:and|who|with)\b|\s+and\s+(?:were|had)\b", m.group("desc"))[0]
    return [{"n": n, "description": description.strip(" ,")}]


def _numbers(view: TextView) -> Iterable[re.Match[str]]:
    starts = view.number_starts()
    if view.folded is None or starts is None:
        return _NUMBER_RE.finditer(view.text)
    return matches_at(_NUMBER_FOLDED_RE, view.folded, starts)


def _text_units(view: TextView) -> dict[str, PatternRule]:
    """The lexicon's unit nouns, and the abbreviations the text defines for a group of people:
    "breast cancer survivors (BCS)" makes "BCS" count people as "survivors" does."""
    units = view.rules.lexicon.get("UNIT", {})
    if "(" not in view.text:
        return units
    extra = {}
    text = view.text
    for m in _ABBREVIATION_RE.finditer(text):
        before = text[max(0, m.start() - 20) : m.start()].rsplit(None, 1)
        rule = units.get(before[-1].lower()) if before else None
        abbreviation = m.group(1).lower()
        if rule is not None and rule.kind == "participant" and abbreviation not in units:
            extra[abbreviation] = rule
    return {**units, **extra} if extra else units


def _count_of_total(
    view: TextView, pos: int, value: int, units: dict[str, PatternRule]
) -> tuple[str, str, int] | None:
    """The unit of "N of M <people>" (M > N) after N ends at ``pos``: "31 of 322 eligible
    women took part" counts 31 women (the candidate must then say they took part)."""
    m = _OF_TOTAL_RE.match(view.text, pos)
    if m is None:
        return None
    total = parse_int(m.group("m"))
    if total is None or total <= value:
        return None
    unit = _unit_after(view, m.end(), units)
    return unit if isinstance(unit, tuple) and unit[1] == "participant" else None


def _took_part(view: TextView, cand: Candidate) -> bool:
    """Whether the words right after ``cand`` say these people took part ("31 of 322 eligible
    women took part"), not that something happened to them ("35 of 48 patients responded")."""
    source = view.folded if view.folded is not None else view.text.lower()
    end = min(view.sentence_at(cand.start).end, cand.end + 60)
    m = _PREDICATE_RE.search(source, cand.end, end) or _CONSENT_RE.search(source, cand.end, end)
    if m is None:  # "accrual was stopped at 338 of 2,150 planned patients"
        start = max(view.sentence_at(cand.start).start, cand.start - 40)
        m = _ACCRUAL_BEFORE_RE.search(source, start, cand.start)
    return m is not None


def _unit_candidates(view: TextView, units: dict[str, PatternRule]) -> list[Candidate]:
    found = []
    for m in _numbers(view):
        raw = m.group(1)
        value = parse_int(raw)
        if value is None or value < 2 or value > 1_000_000 or raw.lower() == "one":
            continue
        # decides most numbers, so it goes before the prefix
        unit = _unit_after(view, m.end(), units)
        of_total = False
        if unit is None:
            unit = _count_of_total(view, m.end(), value, units)
            of_total = unit is not None
        if not isinstance(unit, tuple):
            continue
        name, kind, end = unit
        if _skip_number(view, m.start(), value, raw):
            continue
        cand = Candidate(value, m.start(), end, name, kind, "sample-count-unit")
        cand.needs_enrolment = of_total
        cand.subgroups = _subgroups(view, end)
        if raw[0].isalpha() and value < 10:
            cand.score -= 2
        found.append(cand)
    return found


def _arm_label(text: str, paren_start: int, floor: int) -> str:
    words = re.findall(r"[\w'’\-–/.]+|[,;:()]", text[max(floor, paren_start - 60) : paren_start])
    label: list[str] = []
    for word in reversed(words):
        if word.lower() in _ARM_LABEL_STOP or len(label) >= 4:
            break
        label.insert(0, word)
    return " ".join(label)


def _n_equals(view: TextView) -> tuple[list[Candidate], list[ArmCount]]:
    totals: list[Candidate] = []
    arms: list[ArmCount] = []
    if "=" not in view.text:
        return totals, arms  # the pattern needs one; scanning for it with the regex costs more
    units = view.rules.lexicon.get("UNIT", {})
    matches = list(_N_EQUALS_RE.finditer(view.text))
    per_sentence = Counter(view.sentence_at(m.start()).index for m in matches)
    first_of = _first_is_sum(view, matches)
    for m in matches:
        n = parse_int(m.group(2))
        if n is None or n < 2:
            continue
        sentence = view.sentence_at(m.start())
        if _SHARE_BEFORE_RE.search(view.text, max(sentence.start, m.start() - 6), m.start()):
            continue  # "55% [N=6]": the count behind a share
        paren = view.text.rfind("(", max(sentence.start, m.start() - 3), m.start() + 1)
        first = first_of.get(sentence.index) == m.start()
        if first and per_sentence[sentence.index] > 1:
            # "patients with atrial fibrillation (n=2124) were randomized to 3 groups (n=709,
            # ...)": the first count is the total when its verb follows it or when the others
            # add up to it; the others are its arms
            totals.append(Candidate(n, m.start(), m.end(), None, "participant", "sample-n-unit"))
            continue
        if m.group(1) == "N" and (paren < 0 or per_sentence[sentence.index] == 1):
            unit = _unit_before(view, m.start(), sentence.start) or _unit_after(view, m.end())
            name, kind = (unit[0], unit[1]) if isinstance(unit, tuple) else (None, "participant")
            totals.append(Candidate(n, m.start(), m.end(), name, kind, "sample-n-equals", 3.0))
            continue
        # "(n = 40)", and "paroxetine (N=13), placebo (N=11)": the arms of a sentence
        label = _arm_label(view.text, paren if paren >= 0 else m.start(), sentence.start)
        arms.append(ArmCount(label, n, m.start(), m.end(), sentence.index))
        last = label.split(" ")[-1].lower() if label else ""
        if last in units and units[last].kind == "participant":
            totals.append(
                Candidate(n, m.start(), m.end(), units[last].value, "participant", "sample-n-unit")
            )
        elif per_sentence[sentence.index] == 1:
            # "patients with acute neck pain (n = 72)": a lone n = after its population
            unit = _unit_before(view, m.start(), sentence.start, words=5)
            if unit and unit[1] == "participant":
                totals.append(
                    Candidate(n, m.start(), m.end(), unit[0], "participant", "sample-n-unit")
                )
            elif _RANDOMISED_NEXT_RE.match(view.text, m.end()):
                # "Patients with relapsed leukaemia without deletion 17p (n = 578) were
                # randomised": the population is further back, the verb is the count's
                totals.append(
                    Candidate(n, m.start(), m.end(), None, "participant", "sample-n-unit")
                )
    return totals, arms


def _first_is_sum(view: TextView, matches: list[re.Match[str]]) -> dict[int, int]:
    """Per sentence with several "n =": where its first one starts, when it is the total of
    the sentence ("Depressed adults (N=45) were assigned to drug (N=21) or placebo (N=24)")
    or the verb follows it ("(n = 578) were randomised")."""
    by_sentence: dict[int, list[re.Match[str]]] = {}
    for m in matches:
        by_sentence.setdefault(view.sentence_at(m.start()).index, []).append(m)
    firsts = {}
    for index, group in by_sentence.items():
        if len(group) < 2:
            continue
        values = [parse_int(m.group(2)) or 0 for m in group]
        is_sum = len(values) >= 3 and values[0] == sum(values[1:])
        if is_sum or _RANDOMISED_NEXT_RE.match(view.text, group[0].end()):
            firsts[index] = group[0].start()
    return firsts


def _unit_before(
    view: TextView, pos: int, floor: int, words: int = 3
) -> tuple[str, str, int] | None:
    units = view.rules.lexicon.get("UNIT", {})
    found = re.findall(
        r"[A-Za-z][A-Za-z'’\-–]*", view.text[max(floor, pos - 40 - 10 * (words - 3)) : pos]
    )
    for word in reversed(found[-words:]):
        rule = units.get(word.lower())
        if rule is not None:
            return (rule.value, rule.kind, pos)
    return None


def _count_verbs(view: TextView) -> Iterable[re.Match[str]]:
    if view.folded is None:
        return _VERB_COUNT_RE.finditer(view.text)
    # A match's verb starts with one of the stems, after its number: numbers at or after the
    # last stem in the text cannot start one.
    last_stem = -1
    for stem in _COUNT_VERB_STEMS:  # each search only looks after the latest stem found so far
        found = view.folded.rfind(stem, last_stem + 1)
        if found > last_stem:
            last_stem = found
    if last_stem < 0:
        return ()
    starts = view.number_starts()
    if starts is None:
        return _VERB_COUNT_FOLDED_RE.finditer(view.folded)
    return matches_at(_VERB_COUNT_FOLDED_RE, view.folded, starts[: bisect_left(starts, last_stem)])


def _verb_then_count(source: str) -> list[re.Match[str]]:
    """:data:`_VERB_THEN_COUNT_RE` matches in the lower-case ``source``, tried only where one
    of its verbs starts (a literal search is far cheaper than the regex's own scan)."""
    found = []
    for verb in ("randomi", "enrolled", "recruited"):
        pos = source.find(verb)
        while pos >= 0:
            m = _VERB_THEN_COUNT_RE.match(source, pos)
            if m is not None:
                found.append(m)
            pos = source.find(verb, pos + 1)
    return found


def _verb_candidates(view: TextView) -> list[Candidate]:
    found = []
    for m in _count_verbs(view):
        n = parse_int(m.group("n"))
        if n is None or _skip_number(view, m.start(), n, m.group("n")):
            continue
        unit = _unit_after(view, m.end("n"))
        if unit is False or (isinstance(unit, tuple) and unit[1] != "participant"):
            continue
        if _TRIALS_AFTER_RE.match(view.text, m.end()):
            continue  # "data from 2 randomized, placebo-controlled trials"
        if _PERCENT_AFTER_RE.match(view.text, m.end("n")):
            continue  # "378 (69%) patients completed": a share of the sample
        found.append(Candidate(n, m.start(), m.end(), None, "participant", "sample-count-verb"))
    # (a text whose case folding moves offsets has no folded copy: it skips this rule)
    for m in _verb_then_count(view.folded) if view.folded is not None else ():
        n = parse_int(m.group("n"))
        if n is None or _skip_number(view, m.start("n"), n, m.group("n")):
            continue
        if _unit_after(view, m.end("n")) is not None:
            continue  # no noun ("randomised 70") or a bracket first ("70 (45% women)")
        found.append(
            Candidate(n, m.start("n"), m.end("n"), None, "participant", "sample-count-verb")
        )
    return found


def _allocation_sums(view: TextView, verb_cands: list[Candidate]) -> list[Candidate]:
    """Arms given as counts with their allocation, summed: "22 women were randomised to
    dance and 19 to usual care" gives 41 (the 22 is one arm)."""
    sums = []
    text = view.text
    for cand in verb_cands:
        first = _ALLOCATED_TO_RE.match(text, cand.start)
        if first is None:
            continue
        sentence = view.sentence_at(cand.start)
        total, end, pos = cand.n, first.end(), first.end()
        limit = min(sentence.end, pos + 300)
        while (m := _NEXT_ARM_RE.search(text, pos, limit)) is not None:
            between = text[first.end() : m.start("n")]
            if between.count("(") > between.count(")"):
                break  # "(133 to A; 130 to B)": the arms of a total, not more arms
            n = parse_int(m.group("n"))
            unit = _unit_after(view, m.end("n"))
            if n is None or unit is False or (isinstance(unit, tuple) and unit[1] != "participant"):
                break
            total, end, pos = total + n, m.end(), m.end()
        if end > first.end():
            cand.score -= 3  # one arm
            sums.append(Candidate(total, cand.start, end, None, "participant", "sample-arm-sum"))
    return sums


def _cluster_arm_sums(view: TextView, unit_cands: list[Candidate]) -> list[Candidate]:
    """The people of clusters allocated arm by arm, summed: "10 centres (including 178
    families) were assigned to A and 9 centres (including 154 families) to B" is 332, and so
    is "centres were assigned to A (n = 10 centres, 178 families) or B (n = 9 centres, 154
    families)". Each count of people sits in its own brackets, right after or next to a count
    of clusters, in a sentence that allocates."""
    if "(" not in view.text:
        return []
    text = view.text
    source = view.folded if view.folded is not None else text.lower()
    cluster_ends = {c.end for c in unit_cands if c.kind == "cluster"}
    cluster_starts = sorted(c.start for c in unit_cands if c.kind == "cluster")
    by_sentence: dict[int, list[tuple[int, Candidate]]] = {}
    for cand in unit_cands:
        if cand.kind != "participant":
            continue
        sentence = view.sentence_at(cand.start)
        paren = text.rfind("(", max(sentence.start, cand.start - 40), cand.start)
        if paren < 0 or ")" in text[paren : cand.start]:
            continue
        after_cluster = len(text[max(0, paren - 40) : paren].rstrip()) + max(0, paren - 40)
        inside = cluster_starts[bisect_left(cluster_starts, paren) :][:1]
        if after_cluster in cluster_ends or (inside and inside[0] < cand.start):
            by_sentence.setdefault(sentence.index, []).append((paren, cand))
    sums = []
    for group in by_sentence.values():
        parens = {paren for paren, _ in group}
        units = {cand.unit for _, cand in group}
        if len(group) < 2 or len(parens) != len(group) or len(units) != 1:
            continue
        sentence = view.sentence_at(group[0][1].start)
        if not re.search(r"assign|allocat|randomi", source[sentence.start : sentence.end]):
            continue
        first, last = group[0][1], group[-1][1]
        for _, cand in group:
            cand.score -= 3
        total = sum(cand.n for _, cand in group)
        sums.append(
            Candidate(total, first.start, last.end, first.unit, "participant", "sample-arm-sum", 1)
        )
    return sums


def _control_arm_sums(view: TextView, unit_cands: list[Candidate]) -> list[Candidate]:
    """An arm offered the programme and the control arm, given as two counts, summed: "819
    parents were offered the programme. 856 families were allocated to the control
    condition" is 1,675. The control count names its arm (its modifiers or its clause); the
    count just before it (no other count of people between) was offered, given or delivered
    the intervention, in its own clause."""
    source = view.folded if view.folded is not None else view.text.lower()
    if "control" not in source and "comparison" not in source:
        return []
    people = [c for c in unit_cands if c.kind == "participant"]
    sums = []
    for previous, cand in pairwise(people):
        if cand.start - previous.end > 400:
            continue
        sentence = view.sentence_at(cand.start)
        window = source[cand.start : min(sentence.end, cand.end + 60)]
        if not _CONTROL_ARM_RE.search(window):
            continue
        first = view.sentence_at(previous.start)
        around = source[max(first.start, previous.start - 40) : min(first.end, previous.end + 90)]
        if not _DELIVERED_RE.search(around) or _CONTROL_ARM_RE.search(around):
            continue
        previous.score -= 3
        cand.score -= 3
        sums.append(
            Candidate(
                previous.n + cand.n,
                previous.start,
                cand.end,
                previous.unit,
                "participant",
                "sample-arm-sum",
                1,
            )
        )
    return sums


def _another_arm_sums(view: TextView, unit_cands: list[Candidate]) -> list[Candidate]:
    """A count put into one arm and "another" count into the next, summed: "4000 mothers
    into the intervention group and another 2000 into the control group" is 6,000."""
    source = view.folded if view.folded is not None else view.text.lower()
    if "another" not in source and "a further" not in source:
        return []
    sums = []
    for cand in unit_cands:
        if cand.kind != "participant":
            continue
        sentence = view.sentence_at(cand.start)
        m = _ANOTHER_ARM_RE.match(source, cand.end, min(sentence.end, cand.end + 200))
        n = parse_int(m.group("n")) if m is not None else None
        if m is None or n is None:
            continue
        cand.score -= 3
        sums.append(
            Candidate(
                cand.n + n, cand.start, m.end(), cand.unit, "participant", "sample-arm-sum", 1
            )
        )
    return sums


def _compared_sums(view: TextView, people: list[Candidate]) -> list[Candidate]:
    """Two groups compared, summed: "we compared 2,148 families who were visited with 2,148
    matched families who were not" is 4,296 (each count is one group)."""
    source = view.folded if view.folded is not None else view.text.lower()
    if "compar" not in source:
        return []
    by_start = {c.start: c for c in people if c.rule == "sample-count-unit"}
    sums = []
    for m in _COMPARED_RE.finditer(source):
        first, second = by_start.get(m.start("n1")), by_start.get(m.start("n2"))
        if first is None or second is None or first.kind != second.kind:
            continue
        first.score -= 3
        second.score -= 3
        total = first.n + second.n
        sums.append(
            Candidate(total, first.start, second.end, first.unit, first.kind, "sample-arm-sum")
        )
    return sums


def _window_bounds(view: TextView, cand: Candidate) -> tuple[int, int]:
    """The clause around a candidate, as offsets: the words before it start at the first,
    the words after it end at the second. A comma or semicolon inside brackets after the
    candidate ends nothing: "91 patients (median age 47 years; range 30-70) were enrolled"."""
    sentence = view.sentence_at(cand.start)
    start = max(sentence.start, cand.start - 40)
    start = view.text.rfind(";", start, cand.start) + 1 or start
    end = min(sentence.end, cand.end + 90)
    text = view.text
    for cut in _CLAUSE_END_RE.finditer(text, cand.end, end):
        between = text[cand.end : cut.start()]
        if between.count("(") <= between.count(")") and between.count("[") <= between.count("]"):
            return start, max(cand.end, cut.start())
    return start, end


def _is_subject_of_enrolment(view: TextView, cand: Candidate, others: Sequence[int]) -> bool:
    """Whether the sentence goes on, after the candidate and no other count, to say that they
    were randomised or enrolled: "5170 patients (median age 62 years; ...) who had finished
    five years of tamoxifen were randomly assigned to ..."."""
    sentence = view.sentence_at(cand.start)
    source = view.folded if view.folded is not None else view.text.lower()
    m = _PREDICATE_RE.search(source, cand.end, min(sentence.end, cand.end + 250))
    if m is None:
        return False
    text = view.text
    for other in others:
        if cand.end <= other < m.start():
            between = text[cand.end : other]
            if between.count("(") <= between.count(")"):
                return False  # another count outside brackets has the verb
    return True


def _score(view: TextView, cand: Candidate, others: Sequence[int] = ()) -> None:
    """Scores ``cand`` by its clause and sentence; ``others`` are where the other count
    candidates start."""
    sentence = view.sentence_at(cand.start)
    source, context = _context_of(view)
    start, end = _window_bounds(view, cand)
    before, after = source[start : cand.end], source[cand.start : end]
    enrol = bool(context.enrol.search(before) or context.enrol.search(after))
    enrol = enrol or _is_subject_of_enrolment(view, cand, others)
    enrol = enrol or (cand.needs_enrolment and _took_part(view, cand))
    analysed = bool(context.analysed.search(after))
    screened = bool(context.screen.search(after) or context.screen.search(before[-25:]))
    cand.role = "randomised" if enrol else "analysed" if analysed else ""
    cand.score += 2 * enrol - 1 * (analysed and not enrol) - 3 * (screened and not enrol)
    lead = source[max(0, cand.start - 25) : cand.start]
    planned = bool(
        _PLANNED_RE.search(source, max(sentence.start, cand.start - 60), cand.start)
        or _PLANNED_WORD_RE.search(source, cand.start, cand.end)
    )
    if (
        ends_with_match(context.total_of, lead, _TOTAL_OF_LONGEST)
        and not planned  # "a target sample of 288 families": the plan, not the sample
        and not (
            _PERCENT_AFTER_RE.match(source, cand.end) or _EVENT_AFTER_RE.match(source, cand.end)
        )
    ):
        cand.score += 3  # not "a total of 260 patients (29.5%) had an event"
    if not enrol and _EVENT_AFTER_RE.match(source, cand.end):
        cand.score -= 2  # "21 patients required a second operation": an outcome count
    if sentence.background and sentence.section not in ("methods", "results"):
        cand.score -= 4  # (under a methods or results heading the sentence is this study's)
    if planned:
        cand.score -= 3  # "planned to enrol 816 patients": a target, not the sample
    if _SUBSAMPLE_RE.search(source, max(sentence.start, cand.start - 40), cand.start):
        cand.score -= 3  # "interviews with a subsample (N = 75)": part of the sample
    if _DENOMINATOR_RE.search(source, max(sentence.start, cand.start - 30), cand.start):
        cand.score -= 3  # "31 of 322 eligible women": the 31 took part
    if _IN_BRACKETS_RE.search(source, max(sentence.start, cand.start - 40), cand.start):
        cand.score -= 1  # "91 patients (PC 47 patients, EP 44 patients)": an arm
    if _PERCENT_AFTER_RE.match(source, cand.end):
        cand.score -= 1  # "260 patients (29.5%) in the ... group": a share of the sample
    if cand.rule == "sample-count-verb" and analysed and not enrol:
        cand.role = "analysed"


def _best(cands: list[Candidate]) -> Candidate | None:
    return max(cands, key=lambda c: (c.score, -c.start), default=None)


def _arm_groups(arms: list[ArmCount]) -> list[ArmCount]:
    by_sentence: dict[int, list[ArmCount]] = {}
    for arm in arms:
        by_sentence.setdefault(arm.sent, []).append(arm)
    for group in by_sentence.values():
        if len(group) >= 2:
            return group
    return []


def _result(view: TextView, cand: Candidate, arms: list[ArmCount]) -> dict[str, Any]:
    return {
        "total": cand.n,
        "unit": cand.unit,
        "arms": [{"label": a.label or f"arm {i + 1}", "n": a.n} for i, a in enumerate(arms)],
        "subgroups": cand.subgroups,
        "randomised": None,
        "analysed": None,
        "clusters": None,
        "studies_included": False,
        "start": cand.start,
        "end": cand.end,
        "text": view.text[cand.start : cand.end],
        "rule": cand.rule,
    }


def _review_size(view: TextView, cands: list[Candidate]) -> dict[str, Any] | None:
    studies = [c for c in cands if c.kind == "study"]
    for cand in studies:
        _score(view, cand)
    best = _best([c for c in studies if c.score > -3])
    if best is None:
        return None
    result = _result(view, best, [])
    result["studies_included"] = True
    result["rule"] = "sample-review-studies"
    return result


def _sum_of_arms(view: TextView, arms: list[ArmCount], units: list[Candidate]) -> Candidate:
    unit = next((c.unit for c in units if c.kind == "participant" and c.unit), None)
    start, end = arms[0].start, arms[-1].end
    return Candidate(sum(a.n for a in arms), start, end, unit, "participant", "sample-arm-sum")


def find_sample_size(view: TextView, design: str | None) -> dict[str, Any] | None:
    """The sample size the text reports, with arms, subgroups, randomised/analysed, clusters."""
    unit_cands = _unit_candidates(view, _text_units(view))
    if design in ("systematic-review", "meta-analysis"):
        review = _review_size(view, unit_cands)
        if review is not None:
            return review  # else: no count of studies, so the people counted are the sample
    n_totals, arms = _n_equals(view)
    people = [c for c in unit_cands if c.kind == "participant"] + n_totals
    verb_cands = _verb_candidates(view)
    people += verb_cands
    starts = [c.start for c in people]
    for cand in people:
        _score(view, cand, starts)
    sums = _allocation_sums(view, verb_cands) + _compared_sums(view, people)
    sums += _cluster_arm_sums(view, unit_cands) + _control_arm_sums(view, unit_cands)
    sums += _another_arm_sums(view, unit_cands)
    for cand in sums:
        _score(view, cand, starts)
        for other in people:
            if other.start == cand.start:
                other.score -= 3 if other.rule != "sample-count-verb" else 0
    people += sums
    people = [c for c in people if not c.needs_enrolment or _took_part(view, c)]
    arm_group = _arm_groups(arms)
    best = _best([c for c in people if c.score > -3])
    if best is None and arm_group:
        best = _sum_of_arms(view, arm_group, unit_cands)
    clusters = _best([c for c in unit_cands if c.kind == "cluster"])
    if best is None and clusters is not None:
        _score(view, clusters)
        at_sites = _SITES_PREFIX_RE.search(view.text, max(0, clusters.start - 10), clusters.start)
        randomised = _RANDOMISED_NEXT_RE.match(view.text, clusters.end)
        if not at_sites or (randomised and at_sites.group(1).lower() == "in"):
            best = clusters  # "1,823 schools", "24 schools were randomised"; not "in 8 centres"
    if best is None:
        return None
    if best.unit is None:
        best.unit = next((c.unit for c in people if c.unit and c.kind == "participant"), None)
    result = _result(view, best, arm_group)
    _randomised_and_analysed(result, best, people)
    if clusters is not None and clusters is not best:
        result["clusters"] = clusters.n
    result["text"] = view.text[result["start"] : result["end"]]
    return result


def _randomised_and_analysed(
    result: dict[str, Any], best: Candidate, people: list[Candidate]
) -> None:
    randomised = [c for c in people if c.role == "randomised"]
    analysed = [c for c in people if c.role == "analysed" and c.n < best.n]
    top = _best(randomised)
    if top is not None and analysed:
        result["randomised"] = top.n
        result["analysed"] = max(analysed, key=lambda c: (c.score, c.start)).n
        if best.role != "randomised":
            result.update(total=top.n, start=top.start, end=top.end, rule=top.rule)
