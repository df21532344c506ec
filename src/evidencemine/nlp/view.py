"""One analysed text: sentences with their role, and the phrase-rule hits, by label.

Built once per Doc by the ``em_view`` component from the sentencizer's boundaries and the two
span rulers' matches; the field components read it instead of walking tokens again.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc

from evidencemine.nlp.patterns import RuleSet

SPAN_KEYS = ("em_lower", "em_cased")
TEXT_KEY = "_evidencemine_text"
_HEADING_RE = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))((?:BACKGROUND|INTRODUCTION|CONTEXT|RATIONALE|OBJECTIVES?|AIMS?|"
    r"PURPOSE|GOALS?|(?:MATERIALS AND )?METHODS?(?: AND FINDINGS)?|DESIGN|SETTINGS?|PARTICIPANTS|"
    r"INTERVENTIONS?|(?:MAIN )?OUTCOME MEASURES|MEASURES|OUTCOMES?|RESULTS?|FINDINGS|"
    r"CONCLUSIONS?|DISCUSSION|INTERPRETATION|IMPLICATIONS|LIMITATIONS|PROCEDURES?|SAMPLE)"
    r"(?: AND [A-Z]+)?)\s*:",
    re.IGNORECASE,
)
_BACKGROUND_HEADINGS = ("BACKGROUND", "INTRODUCTION", "CONTEXT", "RATIONALE")
_OBJECTIVE_HEADINGS = ("OBJECTIVE", "AIM", "PURPOSE", "GOAL", "QUESTION")
_RESULT_HEADINGS = ("RESULT", "FINDING", "CONCLUSION", "OUTCOME", "DISCUSSION", "INTERPRETATION")
_LONGEST_WINS = ("DESIGN", "DIRECTION", "COMPARATOR", "COUNTRY")
_SENTENCE_END_ABBREVIATIONS = ("et al.", "e.g.", "i.e.", "vs.", "approx.", "cf.", "Fig.", "no.")


@dataclass(slots=True)
class Hit:
    """A phrase rule that matched: what it means and where (characters and tokens)."""

    label: str
    value: str
    kind: str
    rule: str
    start: int
    end: int
    tok_start: int
    tok_end: int
    sent: int = 0


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

    def __post_init__(self) -> None:
        self._starts = [s.start for s in self.sentences]

    def sentence_at(self, char: int) -> Sentence:
        """The sentence holding character offset ``char``."""
        return self.sentences[max(0, bisect_right(self._starts, char) - 1)]

    def label_hits(self, label: str) -> list[Hit]:
        """Hits of one label in text order."""
        return self.hits.get(label, [])


def _sentencizer_bounds(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Sentence character spans from the sentencizer's marks, read as one array (iterating
    ``doc.sents`` creates a Python object per token and costs more than the tokeniser)."""
    if len(doc) == 0:
        return []
    marks = doc.to_array([SENT_START, IDX])
    flags, offsets = marks[:, 0].tolist(), marks[:, 1].tolist()
    starts = [offsets[i] for i, flag in enumerate(flags) if flag == 1 or i == 0]
    ends = [*starts[1:], len(text)]
    return [(s, s + len(text[s:e].rstrip())) for s, e in zip(starts, ends, strict=True)]


def _sentence_bounds(doc: Doc, text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    for start, end in _sentencizer_bounds(doc, text):
        first = text[start : start + 1]
        joins = bounds and (
            first.islower()
            or first in "(,;)"
            or text[: bounds[-1][1]].endswith(_SENTENCE_END_ABBREVIATIONS)
        )
        if joins:
            bounds[-1] = (bounds[-1][0], end)
        else:
            bounds.append((start, end))
    return bounds or [(0, len(text))]


def _sections(text: str, sentences: list[Sentence]) -> None:
    headings = [(m.start(), m.group(1)) for m in _HEADING_RE.finditer(text)]
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


def _collect_hits(doc: Doc, rules: RuleSet) -> dict[str, list[Hit]]:
    by_label: dict[str, list[Hit]] = {}
    for key in SPAN_KEYS:
        if key not in doc.spans:
            continue
        for span in doc.spans[key]:
            rule = rules.by_id.get(span.id_)
            if rule is None:
                continue
            hit = Hit(
                rule.label,
                rule.value,
                rule.kind,
                rule.id,
                span.start_char,
                span.end_char,
                span.start,
                span.end,
            )
            by_label.setdefault(rule.label, []).append(hit)
    for label in _LONGEST_WINS:
        if label in by_label:
            by_label[label] = _longest_only(by_label[label])
    for hits in by_label.values():
        hits.sort(key=lambda h: h.start)
    return by_label


def build_view(doc: Doc, rules: RuleSet) -> TextView:
    """Sentences, sections and hits of ``doc`` (needs the sentencizer and the span rulers)."""
    text = doc.user_data.get(TEXT_KEY) or doc.text  # Doc.text joins every token
    sentences = [Sentence(i, s, e) for i, (s, e) in enumerate(_sentence_bounds(doc, text))]
    _sections(text, sentences)
    view = TextView(text, sentences, _collect_hits(doc, rules), rules)
    for hits in view.hits.values():
        for hit in hits:
            hit.sent = view.sentence_at(hit.start).index
    for hit in view.label_hits("CONTEXT"):
        sentences[hit.sent].flags.add(hit.value)
    return view
