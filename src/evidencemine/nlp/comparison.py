"""The comparison condition: treatment as usual, usual care, wait-list, no treatment, ...

The first comparator phrase outside background sentences wins, preferring a sentence that
also speaks of comparison or assignment ("randomised to ... or wait-list", "compared with").
"""

from __future__ import annotations

import re
from typing import Any

from evidencemine.nlp.matching import Hit
from evidencemine.nlp.view import TextView

_USUAL_RE = re.compile(
    r"\b(?:standard|usual|routine|regular|existing|conventional)\s+(?:[\w-]+\s+){0,3}?"
    r"(?P<kind>care|services?|support|practice|provision|health visiting|treatment)\b",
    re.IGNORECASE,
)

_USUAL_WORDS = ("standard", "usual", "routine", "regular", "existing", "conventional")


def _rank(view: TextView, hit: Hit) -> tuple[int, int]:
    sentence = view.sentences[hit.sent]
    comparative = "comparative" in sentence.flags or any(
        h.sent == hit.sent and h.kind == "assignment" for h in view.label_hits("DESIGN")
    )
    return (0 if comparative else 1, hit.start)


# the second arm of an assignment: "randomly assigned to X or (to) (a) <arm>"
_SECOND_ARM_RE = re.compile(
    r"\b(?:randomi[sz]ed|assigned|allocated)\b[^.;]{0,160}?\bor\s+(?:to\s+)?(?:receive\s+)?"
    r"(?P<arm>[^.;,()]{2,80})",
    re.IGNORECASE,
)
_ARM_KINDS = (
    (re.compile(r"^(?:no|nothing)\b", re.I), "no treatment"),
    (re.compile(r"^(?:an?\s+|the\s+)?(?:late|later|delayed)\b", re.I), "wait-list"),
    (
        re.compile(
            r"\b(?:control|comparison)\s+(?:intervention|programme|program|condition\s+"
            r"(?:consisting|involving|of|with|in which))",
            re.I,
        ),
        "active comparison",
    ),
    (
        re.compile(r"\b(?:case management|community (?:treatment|care|services?))\b", re.I),
        "usual care",
    ),
)
# "compared with 2,148 matched families who did not"
_DID_NOT_RE = re.compile(
    r"\b(?:families|children|parents|mothers|fathers|participants|peers|those|dyads)\s+"
    r"(?:who|that)\s+did\s+not\b",
    re.IGNORECASE,
)


def find_comparison(view: TextView) -> dict[str, Any] | None:
    """The comparison condition named in the text, or None."""
    hits = [h for h in view.label_hits("COMPARATOR") if not view.sentences[h.sent].background]
    if not hits:
        return _usual_phrase(view) or _second_arm(view)
    hit = min(hits, key=lambda h: _rank(view, h))
    return _found(view, hit.value, hit.start, hit.end, hit.rule)


def _usual_phrase(view: TextView) -> dict[str, Any] | None:
    """ "standard child health services", "usual foster care support": usual care by pattern."""
    if view.folded is not None and not any(word in view.folded for word in _USUAL_WORDS):
        return None  # the pattern needs one of these words; a substring test is much cheaper
    for m in _USUAL_RE.finditer(view.text):
        if view.sentence_at(m.start()).background:
            continue
        value = "treatment as usual" if m.group("kind").lower() == "treatment" else "usual care"
        return _found(view, value, m.start(), m.end(), "comparison-usual-pattern")
    return None


def _found(view: TextView, value: str, start: int, end: int, rule: str) -> dict[str, Any]:
    return {"value": value, "start": start, "end": end, "text": view.text[start:end], "rule": rule}


def _second_arm(view: TextView) -> dict[str, Any] | None:
    """The arm after "or" in an assignment sentence, when its words say what kind it is; or
    the people "who did not" take part, in a comparison."""
    folded = view.folded
    if folded is None or any(stem in folded for stem in ("randomi", "assigned", "allocated")):
        for m in _SECOND_ARM_RE.finditer(view.text):
            if view.sentence_at(m.start()).background:
                continue
            arm = m.group("arm")
            for pattern, value in _ARM_KINDS:
                if pattern.search(arm):
                    start = m.start("arm")
                    end = start + len(arm.rstrip())
                    return _found(view, value, start, end, "comparison-second-arm")
    if folded is None or "did not" in folded:
        for m in _DID_NOT_RE.finditer(view.text):
            sentence = view.sentence_at(m.start())
            said = view.text[sentence.start : sentence.end].lower()
            if not sentence.background and ("comparative" in sentence.flags or "compar" in said):
                return _found(view, "no treatment", m.start(), m.end(), "comparison-did-not")
    return None
