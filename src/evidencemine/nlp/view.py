"""One analysed text: sentences with their role, and the phrase-rule hits, by label.

Built once per Doc by the ``em_view`` component from sentence boundaries (the sentencizer's
rule, see :mod:`evidencemine.nlp.sentences`) and the phrase rules' matches
(:mod:`evidencemine.nlp.matching`); the field components read it instead of walking tokens.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.attrs import IDX
from spacy.tokens import Doc

from evidencemine.nlp.matching import Hit, RuleMatcher
from evidencemine.nlp.patterns import RuleSet
from evidencemine.nlp.sentences import sentencizer_bounds
from evidencemine.numbers import number_starts

TEXT_KEY = "_evidencemine_text"
_HEADING_RE = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))((?:BACKGROUND|INTRODUCTION|CONTEXT|RATIONALE|IMPORTANCE|"
    r"OBJECTIVES?|AIMS?|PURPOSE|GOALS?|(?:MATERIALS AND )?METHODS?(?: AND FINDINGS)?|METHODOLOGY|"
    r"(?:STUDY )?DESIGN|SETTINGS?|PARTICIPANTS|PATIENTS|SUBJECTS|"
    r"INTERVENTIONS?|(?:MAIN )?OUTCOME MEASURES|MEASURES|OUTCOMES?|RESULTS?|FINDINGS|"
    r"CONCLUSIONS?|DISCUSSION|INTERPRETATION|IMPLICATIONS|LIMITATIONS|PROCEDURES?|SAMPLE)"
    r"(?:,? (?:AND|&) [A-Z]+|, [A-Z]+){0,3})\s*:",
    re.IGNORECASE,
)
_FOLD_UNSAFE = ("\u0130", "\u0131", "\u017f", "\u212a")  # İ ı ſ K
_HEADING_START_RE = re.compile(r"[.!?\n]")
_BACKGROUND_HEADINGS = ("BACKGROUND", "INTRODUCTION", "CONTEXT", "RATIONALE", "IMPORTANCE")
_OBJECTIVE_HEADINGS = ("OBJECTIVE", "AIM", "PURPOSE", "GOAL", "QUESTION")
_RESULT_HEADINGS = ("RESULT", "FINDING", "CONCLUSION", "OUTCOME", "DISCUSSION", "INTERPRETATION")
_LONGEST_WINS = ("DESIGN", "DIRECTION", "COMPARATOR", "COUNTRY")
_SENTENCE_END_ABBREVIATIONS = ("et al.", "e.g.", "i.e.", "vs.", "approx.", "cf.", "Fig.", "no.")


@dataclass(slots=True)
class Sentence:
    """A sentence with the context markers found in it and its abstract section."""

    index: int
    start: int
    end: int
    section: str = ""
    flags: set[str] = field(default_factory=set)

    @property
    def background(self) -> bool:
        """Describes earlier work or general facts, not this study."""
        return self.section == "background" or (
            "background" in self.flags and "study" not in self.flags
        )

    @property
    def objective(self) -> bool:
        """States aims, hypotheses or measures rather than results."""
        return self.section == "objective" or "objective" in self.flags


@dataclass
class TextView:
    """The analysed text, shared by the field components of one Doc."""

    text: str
    sentences: list[Sentence]
    hits: dict[str, list[Hit]]
    rules: RuleSet
    _starts: list[int] = field(default_factory=list)
    folded: str | None = None
    _number_starts: list[int] | None = None

    def __post_init__(self) -> None:
        self._starts = [s.start for s in self.sentences]
        self.folded = case_folded(self.text)

    def number_starts(self) -> list[int] | None:
        """Where a number can start (see :func:`~evidencemine.numbers.number_starts`);
        None when the text has no folded form."""
        if self.folded is None:
            return None
        if self._number_starts is None:
            self._number_starts = number_starts(self.folded)
        return self._number_starts

    def sentences_with(self, pattern: re.Pattern[str]) -> list[Sentence]:
        """Sentences where ``pattern`` (written for :attr:`folded`) matches; every sentence
        when the text has no folded form."""
        if self.folded is None:
            return self.sentences
        found: list[Sentence] = []
        position = 0
        while (m := pattern.search(self.folded, position)) is not None:
            sentence = self.sentence_at(m.start())
            found.append(sentence)
            # the next match that can add a sentence starts after this one
            position = max(sentence.end, m.end(), m.start() + 1)
        return found

    def sentence_at(self, char: int) -> Sentence:
        """The sentence holding character offset ``char``."""
        return self.sentences[max(0, bisect_right(self._starts, char) - 1)]

    def label_hits(self, label: str) -> list[Hit]:
        """Hits of one label in text order."""
        return self.hits.get(label, [])


def case_folded(text: str) -> str | None:
    """``text`` lower-cased, when a plain pattern over it finds what the same lower-case
    pattern with ``re.IGNORECASE`` finds over ``text`` (same length, and none of the four
    characters that case-insensitive matching equates with ASCII letters); else None.

    Case-insensitive regexes cost about three times as much per character as plain ones."""
    folded = text.lower()
    if len(folded) != len(text):
        return None
    if not text.isascii() and any(c in text for c in _FOLD_UNSAFE):
        return None
    return folded


def ends_with_match(pattern: re.Pattern[str], window: str, longest: int) -> bool:
    """``pattern.search(window)`` for a pattern ``X\\s*$`` whose ``X`` ends in a non-space and is
    at most ``longest`` characters: tried only where ``X`` can start, not at every offset."""
    return bool(pattern.search(window, max(0, len(window.rstrip()) - longest)))


def _sentence_bounds(doc: Doc, text: str, offsets: list[int]) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    for start, end in sentencizer_bounds(doc, text, offsets):
        first = text[start : start + 1]
        joins = bounds and (
            first.islower()
            or first in "(,;)"
            or text.endswith(_SENTENCE_END_ABBREVIATIONS, 0, bounds[-1][1])
        )
        if joins:
            bounds[-1] = (bounds[-1][0], end)
        else:
            bounds.append((start, end))
    return bounds or [(0, len(text))]


def _heading_starts(text: str, last: int) -> list[int]:
    """Where :data:`_HEADING_RE` can start (text start, after a newline, after ". "), up to
    ``last``."""
    starts = [0]
    for m in _HEADING_START_RE.finditer(text, 0, last):
        p = m.start()
        if text[p] == "\n":
            start = p + 1
        elif text[p + 1 : p + 2].isspace():
            start = p + 2
        else:
            continue
        if start != starts[-1]:
            starts.append(start)
    return starts


def _headings(text: str) -> list[tuple[int, str]]:
    """``_HEADING_RE.finditer`` over ``text``, tried only where a heading can start: scanning
    every character with that case-insensitive pattern costs more than the tokeniser."""
    last_colon = text.rfind(":")
    if last_colon < 0:
        return []
    headings = []
    end = 0
    for start in _heading_starts(text, last_colon):
        if start < end:
            continue
        m = _HEADING_RE.match(text, start)
        if m:
            headings.append((m.start(), m.group(1)))
            end = m.end()
    return headings


def _sections(text: str, sentences: list[Sentence]) -> None:
    headings = _headings(text)
    if not headings:
        return
    for sentence in sentences:
        current = ""
        for position, name in headings:
            if position > sentence.start + 2:
                break
            current = name.upper()
        if current.startswith(_BACKGROUND_HEADINGS):
            sentence.section = "background"
        elif current.startswith(_OBJECTIVE_HEADINGS):
            sentence.section = "objective"
        elif current.startswith(_RESULT_HEADINGS):
            sentence.section = "results"
        elif current:
            sentence.section = "methods"


def _longest_only(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def _collect_hits(found: list[Hit]) -> dict[str, list[Hit]]:
    by_label: dict[str, list[Hit]] = {}
    for hit in found:
        by_label.setdefault(hit.label, []).append(hit)
    for label in _LONGEST_WINS:
        if label in by_label:
            by_label[label] = _longest_only(by_label[label])
    for hits in by_label.values():
        hits.sort(key=lambda h: h.start)
    return by_label


def build_view(doc: Doc, rules: RuleSet, matcher: RuleMatcher) -> TextView:
    """Sentences, sections and phrase-rule hits of ``doc``."""
    text = doc.user_data.get(TEXT_KEY) or doc.text  # Doc.text joins every token
    offsets: list[int] = doc.to_array(IDX).tolist() if len(doc) else []
    bounds = _sentence_bounds(doc, text, offsets)
    sentences = [Sentence(i, s, e) for i, (s, e) in enumerate(bounds)]
    _sections(text, sentences)
    view = TextView(text, sentences, _collect_hits(matcher(doc, offsets)), rules)
    for hits in view.hits.values():
        for hit in hits:
            hit.sent = view.sentence_at(hit.start).index
    for hit in view.label_hits("CONTEXT"):
        sentences[hit.sent].flags.add(hit.value)
    return view
