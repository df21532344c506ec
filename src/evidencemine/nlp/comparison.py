"""The comparison condition: treatment as usual, usual care, wait-list, no treatment, ...

The first comparator phrase outside background sentences wins, preferring a sentence that
also speaks of comparison or assignment ("randomised to ... or wait-list", "compared with").
"""

from __future__ import annotations

from typing import Any

from evidencemine.nlp.view import Hit, TextView


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
        return None
    hit = min(hits, key=lambda h: _rank(view, h))
    return {
        "value": hit.value,
        "start": hit.start,
        "end": hit.end,
        "text": view.text[hit.start : hit.end],
        "rule": hit.rule,
    }
