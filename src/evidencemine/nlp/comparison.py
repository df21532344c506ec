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


def find_comparison(view: TextView) -> dict[str, Any] | None:
    """The comparison condition named in the text, or None."""
    hits = [h for h in view.label_hits("COMPARATOR") if not view.sentences[h.sent].background]
    if not hits:
        return _usual_phrase(view)
    hit = min(hits, key=lambda h: _rank(view, h))
    return {
        "value": hit.value,
        "start": hit.start,
        "end": hit.end,
        "text": view.text[hit.start : hit.end],
        "rule": hit.rule,
    }


def _usual_phrase(view: TextView) -> dict[str, Any] | None:
    """ "standard child health services", "usual foster care support": usual care by pattern."""
    if view.folded is not None and not any(word in view.folded for word in _USUAL_WORDS):
        return None  # the pattern needs one of these words; a substring test is much cheaper
    for m in _USUAL_RE.finditer(view.text):
        if view.sentence_at(m.start()).background:
            continue
        value = "treatment as usual" if m.group("kind").lower() == "treatment" else "usual care"
        return {
            "value": value,
            "start": m.start(),
            "end": m.end(),
            "text": m.group(0),
            "rule": "comparison-usual-pattern",
        }
    return None
