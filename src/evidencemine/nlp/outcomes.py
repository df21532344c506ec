"""Outcomes with their direction, from result sentences and from outcome list items.

A direction cue (``DIRECTION`` phrases: "improved", "no between-group differences", "lower",
"did not differ", "worse" ...) governs the outcome phrase after it ("better outcomes ... on
measures of A, B and C"; "lower parenting stress") or, when nothing follows, the subject
before it ("A and B did not differ between groups"). Lists split into one outcome per item.
"up"/"down" cues ("higher", "reduced") take their direction from the outcome's polarity: a
reduction of a problem is a positive effect. A negated cue is null; "but not on X" is null
for X; the same outcome found positive and null is mixed. Sentences about earlier work,
aims, methods, the future or change within both groups are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from evidencemine.nlp.matching import Hit
from evidencemine.nlp.timepoints import TimePoint
from evidencemine.nlp.view import Sentence, TextView
from evidencemine.numbers import NUMBER

_PAREN_RE = re.compile(r"\([^()]{0,160}\)|\[[^\[\]]{0,80}\]")
_TIME_PHRASE_RE = re.compile(
    rf"\b(?:at|by|after)\s+(?:the\s+|both\s+|each\s+)?(?:(?:{NUMBER})(?:\s*[-–]\s*|\s+)"
    rf"(?:(?:and|or)\s+(?:{NUMBER})[\s-]*)?(?:months?|years?|weeks?)(?:[\s-]+(?:follow[- ]?ups?|"
    r"post[- ]?\w+|later|assessments?))?|follow[- ]?ups?|post[- ]?(?:test|treatment|intervention)|"
    r"posttest|baseline|the end of (?:the )?(?:treatment|intervention|programme|program))\b",
    re.IGNORECASE,
)
_LEADING_PREP_RE = re.compile(
    r"\s*(?:at|in|after|by|over|compared with|compared to|relative to|for|among|during|following|"
    r"within|across|from|when|as expected|in contrast|at follow-up)\b[^,]{0,60},\s*",
    re.IGNORECASE,
)
_LEAD_GUARD_RE = re.compile(
    r"(?:\bto|\bwith|\bpredict\w*|associated with|related to|linked to|correlated with)\s*$",
    re.IGNORECASE,
)
_NEW_SUBJECT_RE = re.compile(r",\s*and\s+|;\s*|,\s*while\s+|,\s*whereas\s+", re.IGNORECASE)
_ANAPHORA_RE = re.compile(
    r"^(?:these|this|the|such|those|both)\s+(?:differences?|effects?|gains|improvements?|benefits?|"
    r"changes?|reductions?|increases?|findings?|results?)\b",
    re.IGNORECASE,
)
_INTENSIFIERS = ("more", "greater", "higher", "larger")
_INTENSITY = frozenset(
    [
        "moderate",
        "large",
        "small",
        "significant",
        "greater",
        "marked",
        "modest",
        "substantial",
        "slight",
        "clinically",
        "significant",
        "trend",
        "trends",
    ]
)
_CLAUSE_SPLIT_RE = re.compile(
    # (?=[,\s]) only fails fast where ",? but" cannot start, before the four look-behinds
    r";|:\s|(?=[,\s])(?<!small)(?<!modest)(?<!slight)(?<!weak),?\s+but\s+(?!significant|statistically)|,?\s+whereas\s+|,\s+while\s+|,\s+although\s+|,\s+though\s+|"
    r",\s+however,?\s+|,\s+with\s+the\s+exception\s+of\s+",
    re.IGNORECASE,
)
_CLAUSE_SPLIT_FOLDED_RE = re.compile(_CLAUSE_SPLIT_RE.pattern)  # for the case-folded text
_SPLIT_MARK_RE = re.compile("[;:,]")
_BUT_NOT_RE = re.compile(r"\s*(?:not|none)\b\s*", re.IGNORECASE)
_NEGATION_RE = re.compile(
    r"\b(?:not|no|nor|neither|without|failed to|n't|did not|cannot|unlikely|little|limited)\b"
    r"(?:\s+\w+){0,2}\s*$",
    re.IGNORECASE,
)
_INTRODUCER_RE = re.compile(
    r"\b(?:on measures of|on measures|on the measures of|in terms of|in relation to|"
    r"with respect to|with regards? to|regarding|for|on|in|across)\s+",
    re.IGNORECASE,
)
_ENDS_WITH_INTRODUCER_RE = re.compile(r"\b(?:in|on|of|for|in improving|in reducing)$", re.I)
_WORD_RE = re.compile(r"[\w'’\-–/]+|[^\w\s]")
_ITEM_SPLIT_RE = re.compile(
    r"\s*,\s*(?:and\s+|or\s+|as well as\s+)?|\s+(?:and|or|as well as|nor|and/or|&)\s+",
    re.IGNORECASE,
)
_ADVERBS = frozenset(
    [
        "significantly",
        "statistically",
        "also",
        "more",
        "much",
        "substantially",
        "markedly",
        "slightly",
        "somewhat",
        "marginally",
        "only",
        "greatly",
        "considerably",
        "overall",
        "further",
        "still",
        "all",
        "both",
        "even",
    ]
)
_FILLERS = frozenset(
    [
        "outcomes",
        "outcome",
        "effects",
        "effect",
        "results",
        "result",
        "scores",
        "score",
        "improvement",
        "improvements",
        "change",
        "changes",
        "gains",
        "gain",
        "differences",
        "difference",
        "impact",
        "impacts",
        "benefits",
        "levels",
    ]
)
_ADVERBS_AND_FILLERS = _ADVERBS | _FILLERS
# a filler noun that takes "of" before the outcome ("levels of", "rates of", "scores of")
_FILLER_OF_RE = re.compile(r"\b(?:levels|scores|score|gains|effects|improvements?)\s*$", re.I)
_NONSTART = frozenset(
    [
        "between",
        "among",
        "across",
        "in",
        "on",
        "for",
        "at",
        "over",
        "from",
        "to",
        "than",
        "compared",
        "relative",
        "with",
        "when",
        "during",
        "after",
        "before",
        "by",
        "were",
        "was",
        "is",
        "are",
        "be",
        "been",
        "being",
        "had",
        "has",
        "have",
        "that",
        "which",
        "who",
        "whose",
        "as",
        "versus",
        "vs",
        "following",
        "within",
        "while",
        "whereas",
        "but",
        "and",
        "or",
        "time",
        "this",
        "these",
        "those",
        "it",
        "they",
        "there",
        "here",
        "favouring",
        "favoring",
        "among",
        "emerged",
        "found",
        "observed",
        "seen",
        "detected",
        "noted",
        "evident",
        "existed",
        "occurred",
        "obtained",
        "apparent",
        "present",
        "of",
    ]
)
_STOP = frozenset(
    [
        "than",
        "compared",
        "relative",
        "between",
        "among",
        "after",
        "following",
        "over",
        "from",
        "when",
        "which",
        "that",
        "predicted",
        "were",
        "was",
        "is",
        "are",
        "had",
        "has",
        "have",
        "did",
        "remained",
        "as",
        "versus",
        "vs",
        "whereas",
        "while",
        "although",
        "but",
        "because",
        "within",
        "across",
        "using",
        "measured",
        "assessed",
        "at",
        "by",
        "who",
        "whose",
        "whom",
        "on",
        "respectively",
        "suggesting",
        "indicating",
        "although",
        "though",
        "with",
        "showed",
        "reported",
        "demonstrated",
        "displayed",
        "exhibited",
        "scored",
        "experienced",
        "made",
        "produced",
        "led",
        "resulted",
        "predicts",
        "predict",
    ]
)
_GROUP_INTRO = frozenset({"in", "for", "among", "across", "of"})
_LEADING_RE = re.compile(
    r"(?:(?:the|a|an|their|its|his|her|both|either|neither|any|all|each|overall|on|in|for|"
    r"more|less|likely to(?: be| have)?|"
    r"measures? of|levels? of|rates? of|scores? (?:on|for|of)|reports? of|ratings? of|"
    r"changes? in|improvements? in|effects? (?:on|of)|differences? in|outcomes? of|"
    r"significant|statistically|significantly|self-reported|observed)\s+)+",
    re.IGNORECASE,
)
_TRAILING_RE = re.compile(
    r"(?:\s+(?:scores?|levels?|ratings?|measures?|over time|respectively|overall|outcomes? only|"
    r"scales?|subscales?|questionnaires?|inventory|"
    r"were|was|also|both|at|in|on|for|of|the|and|or))+$",
    re.IGNORECASE,
)
_SUBJECT_LEAD_RE = re.compile(
    r"^\s*(?:however|moreover|in addition|additionally|furthermore|overall|similarly|in contrast|"
    r"conversely|finally|also|and|but|importantly|notably|specifically|results|findings)?[,\s]*",
    re.IGNORECASE,
)
_SUBJECT_TAIL_RE = re.compile(
    r"(?:\s+(?:were|was|is|are|have|has|had|did|do|does|remained|also|both|all|significantly|"
    r"statistically|not|scores|levels|each|small|large|moderate|and|slightly))+\s*$",
    re.IGNORECASE,
)
# The words of _SUBJECT_TAIL_RE: the tail is a run of them, each after whitespace.
_SUBJECT_TAIL_WORDS = frozenset(
    _SUBJECT_TAIL_RE.pattern.split(r"\s+(?:", 1)[1].split(")", 1)[0].split("|")
)
# _TIME_PHRASE_RE for the case-folded text; every match starts with "at", "by" or "after", so
# the look-ahead lets the engine skip every other position cheaply.
_TIME_PHRASE_FOLDED_RE = re.compile("(?=[ab])" + _TIME_PHRASE_RE.pattern)
_ADJ_SUFFIXES = ("al", "ic", "ive", "ous", "ful", "ary", "ory", "ian")
_ADJ_WORDS = frozenset(
    ["child", "maternal", "paternal", "parent", "infant", "mother", "father", "family"]
)
_MAX_ITEM_WORDS = 8


@dataclass
class Cue:
    value: str
    kind: str
    rule: str
    start: int
    end: int


@dataclass
class Item:
    text: str
    start: int
    end: int


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def mask_asides(text: str, *, fold_safe: bool = False) -> str:
    """``text`` with bracketed asides and "at 12 months"-style time phrases blanked out (same
    length, so offsets still hold), so that lists of outcomes run across them.

    ``fold_safe``: :func:`~evidencemine.nlp.view.case_folded` accepts ``text``, so the time
    phrases are found by the plain pattern on the lower-cased text (the same spans)."""
    blanked = _PAREN_RE.sub(_blank, text)
    if not fold_safe:
        return _TIME_PHRASE_RE.sub(_blank, blanked)
    parts: list[str] = []
    pos = 0
    for m in _TIME_PHRASE_FOLDED_RE.finditer(blanked.lower()):
        parts += (blanked[pos : m.start()], " " * (m.end() - m.start()))
        pos = m.end()
    if not parts:
        return blanked
    parts.append(blanked[pos:])
    return "".join(parts)


def _subject_tail(text: str, begin: int, end: int, fold_safe: bool) -> int | None:
    """``_SUBJECT_TAIL_RE.search(text, begin, end)``'s start. The pattern is anchored at the
    end, so searching tries every offset of what may be a whole long sentence; on fold-safe
    text the tail is read backwards instead: whitespace-separated words from
    :data:`_SUBJECT_TAIL_WORDS`, up to trailing whitespace."""
    if not fold_safe:
        tail = _SUBJECT_TAIL_RE.search(text, begin, end)
        return tail.start() if tail else None
    rest = text[begin:end].rstrip()
    found: int | None = None
    while rest:
        word = rest.rsplit(None, 1)[-1]
        word_start = len(rest) - len(word)
        if word_start == 0 or word.lower() not in _SUBJECT_TAIL_WORDS:
            break  # no whitespace before it, or not a tail word
        rest = rest[:word_start].rstrip()
        found = begin + len(rest)
    return found


def population_words(view: TextView) -> frozenset[str]:
    """Words that name groups or populations (GROUP lexicon plus unit nouns)."""
    return view.rules.words_of_labels("GROUP", "UNIT")


def _words(text: str, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """``(word, start, end)`` of each word or symbol in ``text[start:end]``, read as needed:
    most callers stop after a few words of a long clause."""
    for m in _WORD_RE.finditer(text, start, end):
        yield m.group(0), m.start(), m.end()


def _is_group_phrase(text: str, start: int, end: int, groups: frozenset[str]) -> bool:
    """True when the words from ``start`` name a group or population ("the intervention group",
    "mothers with depression"), not an outcome ("mothers' sensitivity")."""
    last = ""
    for word, _, w_end in _words(text, start, min(end, start + 60)):
        lower = word.lower()
        if lower in _STOP or lower in {"and", "or", ",", ".", ";", "(", "with", "who"}:
            break
        if text[w_end : w_end + 1] in "'’":
            return False
        last = lower
    return last in groups


def _list_end(text: str, start: int, end: int, groups: frozenset[str]) -> int:
    stop = end
    previous = ""
    for word, w_start, _ in _words(text, start, end):
        lower = word.lower()
        continues = lower in ("on", "in") and previous in ("or", "and", ",")
        previous = lower
        if continues:
            continue
        if lower in {".", ";", ":", "(", ")", "[", "="} or lower in _STOP:
            stop = w_start
            break
        if lower in _GROUP_INTRO and _is_group_phrase(text, w_start + len(word) + 1, end, groups):
            stop = w_start
            break
    return stop


def _split_items(text: str, start: int, end: int) -> list[Item]:
    items: list[Item] = []
    pos = start
    for m in _ITEM_SPLIT_RE.finditer(text, start, end):
        items.append(Item(text[pos : m.start()], pos, m.start()))
        pos = m.end()
    items.append(Item(text[pos:end], pos, end))
    merged: list[Item] = []
    for item in items:
        if merged and _is_modifier_only(merged[-1].text):
            prev = merged.pop()
            joined = Item(text[prev.start : item.end], prev.start, item.end)
            merged.append(joined)
        else:
            merged.append(item)
    return merged


def _is_modifier_only(text: str) -> bool:
    """ "social" in "social and emotional skills": an item that only modifies the next one."""
    words = text.split()
    if not words:
        return False
    word = words[-1].lower()
    return word in _ADJ_WORDS or (word.endswith(_ADJ_SUFFIXES) and len(word) > 4)


def _clean_item(item: Item, view: TextView, groups: frozenset[str]) -> Item | None:
    raw = item.text.rstrip()
    lead = _LEADING_RE.match(raw)
    offset = lead.end() if lead else 0
    tail = _TRAILING_RE.search(raw, offset)
    stop = tail.start() if tail else len(raw)
    text = raw[offset:stop].strip(" ,.-–")
    if not text:
        return None
    begin = item.start + raw.find(text, offset)
    words = text.lower().split()
    if len(words) > _MAX_ITEM_WORDS or text.lower() in view.rules.words("NONOUTCOME"):
        return None
    if all(w.strip("'’s") in groups or w in groups for w in words) or text[0].isdigit():
        return None
    if any(ch in text for ch in "=<>%"):
        return None
    return Item(text, begin, begin + len(text))


def _skip_words(text: str, pos: int, end: int, skip: frozenset[str]) -> int:
    for word, w_start, w_end in _words(text, pos, end):
        if word.lower() not in skip:
            return w_start
        pos = w_end
    return pos


def _introducer_list(text: str, pos: int, end: int, groups: frozenset[str]) -> int | None:
    for m in _INTRODUCER_RE.finditer(text, pos, end):
        if m.group(0).strip().lower() == "of" and m.start() != pos:
            continue
        if not _is_group_phrase(text, m.end(), end, groups):
            return m.end()
    return None


def _after_start(text: str, cue: Cue, end: int, groups: frozenset[str]) -> int | None:
    cue_text = text[cue.start : cue.end]
    if _ENDS_WITH_INTRODUCER_RE.search(cue_text):
        return cue.end
    pos = _skip_words(text, cue.end, end, _ADVERBS_AND_FILLERS)
    first = next(_words(text, pos, end), None)
    if first is None:
        return None
    word = first[0].lower()
    if word == "of" and pos > cue.end and _FILLER_OF_RE.search(text, cue.end, pos):
        # "lower levels of depressive symptoms", "greater gains of ...": the list follows
        return _skip_words(text, first[2], end, _ADVERBS)
    if _INTRODUCER_RE.match(text, pos) or word in _NONSTART or not word[0].isalnum():
        return _introducer_list(text, pos, end, groups)
    return pos


def _items_after(text: str, cue: Cue, end: int, view: TextView) -> list[Item]:
    groups = population_words(view)
    start = _after_start(text, cue, end, groups)
    if start is None:
        return []
    stop = _list_end(text, start, end, groups)
    return _split_items(text, start, stop) if stop > start else []


def _strip_leading_phrase(text: str, begin: int, end: int) -> int:
    """Skip "At 12 months," / "Compared with controls," before a subject."""
    m = _LEADING_PREP_RE.match(text, begin, end)
    return m.end() if m else begin


def _items_before(text: str, start: int, cue_start: int, view: TextView) -> list[Item]:
    groups = population_words(view)
    segment = text[start:cue_start]
    if re.search(r"\bthere (?:was|were|is|are)\b|\bwe\b|\bno\b", segment, re.IGNORECASE):
        return []
    that = max(segment.rfind(" that "), segment.rfind(" whether "))
    begin = start + (that + len(" that ") if that >= 0 else 0)
    lead = _SUBJECT_LEAD_RE.match(text, begin, cue_start)
    begin = _strip_leading_phrase(text, lead.end() if lead else begin, cue_start)
    words = _LEADING_RE.match(text, begin, cue_start)
    begin = words.end() if words else begin
    tail = _subject_tail(text, begin, cue_start, view.folded is not None)
    end = cue_start if tail is None else tail
    if begin >= end or _is_group_phrase(text, begin, end, groups):
        return []
    stop = _list_end(text, begin, end, groups)
    return _split_items(text, begin, stop) if stop > begin else []


def _polarity(item: str, view: TextView) -> str | None:
    words = item.lower().replace("-", " ").split()
    bad = view.rules.words("POLARITY", "bad")
    good = view.rules.words("POLARITY", "good")
    if item.lower() in bad or any(w.startswith(_stems(bad)) for w in words):
        return "bad"
    if item.lower() in good or any(w.startswith(_stems(good)) for w in words):
        return "good"
    return None


_STEM_CACHE: dict[frozenset[str], tuple[str, ...]] = {}


def _stems(words: frozenset[str]) -> tuple[str, ...]:
    if words not in _STEM_CACHE:
        _STEM_CACHE[words] = tuple(w for w in words if " " not in w and len(w) >= 4)
    return _STEM_CACHE[words]


def _direction(cue_value: str, item: str, view: TextView) -> str:
    if cue_value in ("up", "down"):
        polarity = _polarity(item, view)
        if cue_value == "up":
            return "negative" if polarity == "bad" else "positive"
        return "negative" if polarity == "good" else "positive"
    return cue_value


def _overlaps(hit: Hit, others: list[Hit]) -> bool:
    return any(o.start < hit.end and hit.start < o.end for o in others)


def _sentence_cues(view: TextView, sentence: Sentence, masked: str) -> list[Cue]:
    comparators = [h for h in view.label_hits("COMPARATOR") if h.sent == sentence.index]
    cues: list[Cue] = []
    for hit in view.label_hits("DIRECTION"):
        if hit.sent != sentence.index or _overlaps(hit, comparators):
            continue
        cue = _cue_from_hit(hit, masked, sentence)
        if cue is None:
            continue
        if cues and _only_adverbs_between(masked, cues[-1].end, cue.start):
            prev = cues.pop()
            value = _combined_value(prev, cue, masked)
            cue = Cue(value, cue.kind, cue.rule, prev.start, cue.end)
        cues.append(cue)
    return cues


def _combined_value(prev: Cue, cue: Cue, text: str) -> str:
    """The direction of two adjacent cues: "greater reductions" is a reduction, "decreased
    significantly more" a decrease, "greater improvements" an improvement."""
    polar = ("up", "down")
    if prev.value in polar and cue.value not in polar:
        return cue.value
    if cue.value in polar and prev.value not in polar:
        return prev.value
    if text[prev.start : prev.end].lower().endswith(_INTENSIFIERS):
        return cue.value
    return prev.value


def _cue_from_hit(hit: Hit, masked: str, sentence: Sentence) -> Cue | None:
    if masked[hit.start : hit.start + 1] == " ":
        return None  # inside a masked aside
    before = masked[max(sentence.start, hit.start - 30) : hit.start]
    if hit.kind == "lead" and (
        _LEAD_GUARD_RE.search(before) or masked[hit.end : hit.end + 1] in ("-", "–")
    ):
        return None
    value = hit.value
    if value in ("positive", "up", "down") and _NEGATION_RE.search(before):
        value = "null"
    return Cue(value, hit.kind, hit.rule, hit.start, hit.end)


def _only_adverbs_between(text: str, start: int, end: int) -> bool:
    if end < start or end - start > 25:
        return False
    return all(w.lower() in _ADVERBS for w, _, _ in _words(text, start, end))


def _clauses(masked: str, sentence: Sentence, folded: str | None) -> list[tuple[int, int, bool]]:
    """``(start, end, but_not)`` for each clause of the sentence (``folded``: ``masked``
    lower-cased, when :func:`~evidencemine.nlp.view.case_folded` allows it)."""
    bounds = []
    pos = sentence.start
    for m in _clause_splits(masked, sentence, folded):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, sentence.end))
    result = []
    for start, end in bounds:
        but_not = _BUT_NOT_RE.match(masked, start)
        result.append((start, end, bool(but_not and but_not.end() < end)))
    return result


def _clause_splits(masked: str, sentence: Sentence, folded: str | None) -> list[re.Match[str]]:
    """``_CLAUSE_SPLIT_RE.finditer`` over the sentence. On the folded text the pattern is tried
    only where a split can start (:func:`_split_starts`): scanning every character of a long
    sentence costs far more (EBM-NLP abstracts are one sentence each)."""
    start, end = sentence.start, sentence.end
    if folded is None:
        return list(_CLAUSE_SPLIT_RE.finditer(masked, start, end))
    found: list[re.Match[str]] = []
    for at in _split_starts(folded, start, end):
        if found and at < found[-1].end():
            continue
        m = _CLAUSE_SPLIT_FOLDED_RE.match(folded, at, end)
        if m:
            found.append(m)
    return found


def _split_starts(folded: str, start: int, end: int) -> list[int]:
    """Every offset in ``folded[start:end]`` where :data:`_CLAUSE_SPLIT_RE` can match: each
    ";", ":" and ",", and each whitespace character in the run before "but" or "whereas" (the
    only splits that may start with a space)."""
    starts = [m.start() for m in _SPLIT_MARK_RE.finditer(folded, start, end)]
    for word in ("but", "whereas"):
        at = folded.find(word, start, end)
        while at >= 0:
            space = at
            while space > start and folded[space - 1].isspace():
                space -= 1
                starts.append(space)
            at = folded.find(word, at + 1, end)
    return sorted(set(starts))


def _skip_sentence(view: TextView, sentence: Sentence) -> bool:
    if sentence.background or sentence.objective or sentence.section == "methods":
        return True
    text = view.text[sentence.start : sentence.end]
    return "will" in text and bool(re.search(r"\bwill\b", text))


def _subject_start(masked: str, cues: list[Cue], i: int, clause_start: int) -> int | None:
    """Where the subject of cue ``i`` starts: the clause start for the first cue, else after
    ", and" / "; " between the previous cue and this one (a new subject); None otherwise."""
    if i == 0:
        return clause_start
    gap = masked[cues[i - 1].end : cues[i].start]
    ends = [m.end() for m in _NEW_SUBJECT_RE.finditer(gap)]
    return cues[i - 1].end + ends[-1] if ends else None


def _subject_items(
    view: TextView, masked: str, cues: list[Cue], i: int, clause_start: int
) -> list[Item]:
    """The subject of cue ``i``; after a skipped cue ("X improved in both groups with no
    difference"), the subject of that cue."""
    if i > 0 and cues[i - 1].value == "skip":
        i -= 1
    subject_at = _subject_start(masked, cues, i, clause_start)
    if subject_at is None:
        return []
    return _items_before(masked, subject_at, cues[i].start, view)


def _clause_findings(
    view: TextView, masked: str, clause: tuple[int, int, bool], cues: list[Cue]
) -> list[tuple[list[Item], Cue]]:
    start, end, but_not = clause
    inside = [c for c in cues if start <= c.start < end]
    if but_not and not inside:
        m = _BUT_NOT_RE.match(masked, start)
        inside = [Cue("null", "noun", "outcome-but-not", start, m.end() if m else start)]
    found = []
    for i, cue in enumerate(inside):
        scope_end = inside[i + 1].start if i + 1 < len(inside) else end
        items = [] if cue.value == "skip" else _items_after(masked, cue, scope_end, view)
        takes_subject = cue.kind != "noun" or cue.value in ("null", "mixed")
        if not items and takes_subject:
            items = _subject_items(view, masked, inside, i, start)
        if items and cue.value != "skip":
            found.append((items, cue))
    return found


def _within_group_only(view: TextView, sentence: Sentence, cues: list[Cue]) -> bool:
    if "withingroup" not in sentence.flags:
        return False
    return "comparative" not in sentence.flags or any(c.value == "null" for c in cues)


def _anaphora(item: Item) -> bool:
    """Whether the subject points back at the last outcomes ("these gains were maintained")."""
    return bool(_ANAPHORA_RE.match(re.sub(r"^[\s,]*(?:and|but)?\s*", "", item.text)))


class _Collector:
    """Outcomes found so far, merged by name (positive and null for one outcome is mixed)."""

    def __init__(self, view: TextView) -> None:
        self.view = view
        self.groups = population_words(view)
        self.merged: dict[str, dict[str, Any]] = {}
        self.last: list[str] = []

    def add(self, items: list[Item], cue: Cue, months: list[float]) -> None:
        added = []
        for raw in items:
            if _anaphora(raw):
                if cue.value not in ("null", "negative", "positive"):
                    continue
                for key in self.last:
                    self._update(key, cue.value, months)
                continue
            item = _clean_item(raw, self.view, self.groups)
            if item is None or item.text.lower() in _INTENSITY:
                continue
            direction = _direction(cue.value, item.text, self.view)
            self._merge(item, direction, cue, months)
            added.append(item.text.lower())
        if added:
            self.last = added

    def _update(self, key: str, direction: str, months: list[float]) -> None:
        entry = self.merged[key]
        if entry["direction"] != direction:
            entry["direction"] = "mixed"
        entry["timepoints_months"] = sorted({*entry["timepoints_months"], *months})

    def _merge(self, item: Item, direction: str, cue: Cue, months: list[float]) -> None:
        key = item.text.lower()
        if key in self.merged:
            self._update(key, direction, months)
            return
        start, end = min(cue.start, item.start), max(item.end, cue.end)
        self.merged[key] = {
            "outcome": item.text,
            "direction": direction,
            "timepoints_months": months,
            "start": start,
            "end": end,
            "text": self.view.text[start:end],
            "rule": cue.rule,
        }


NO_OUTCOME_DESIGNS = frozenset({"qualitative", "cross-sectional", "case-control", "cohort"})


def find_outcomes(
    view: TextView, timepoints: list[TimePoint], design: str | None = None
) -> list[dict[str, Any]]:
    """Outcomes with direction, one entry per distinct outcome, with evidence and time points.

    Observational and qualitative designs report associations or themes, not effects: none.
    """
    if design in NO_OUTCOME_DESIGNS:
        return []
    masked: str | None = None  # built on first need: most texts have few result sentences
    masked_folded: str | None = None
    with_cues = {hit.sent for hit in view.label_hits("DIRECTION")}
    collector = _Collector(view)
    for sentence in view.sentences:
        if _skip_sentence(view, sentence):
            continue
        if (
            sentence.index not in with_cues
            and "but" not in view.text[sentence.start : sentence.end]
        ):
            continue  # no cue and no "but not": nothing to find (masking only adds spaces)
        if masked is None:
            masked = mask_asides(view.text, fold_safe=view.folded is not None)
            masked_folded = None if view.folded is None else masked.lower()
        cues = _sentence_cues(view, sentence, masked)
        if _within_group_only(view, sentence, cues):
            for cue in cues:
                if cue.value in ("positive", "up", "down"):
                    cue.value = "skip"
        if not cues and not re.search(r"\bbut\s+not\b", masked[sentence.start : sentence.end]):
            continue
        months = sorted(
            {p.months for p in timepoints if sentence.start <= p.start < sentence.end and p.months}
        )
        for clause in _clauses(masked, sentence, masked_folded):
            for items, cue in _clause_findings(view, masked, clause, cues):
                collector.add(items, cue, months)
    return list(collector.merged.values())
