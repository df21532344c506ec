"""Study design from design phrases, with a precedence order and sentence roles.

Phrases that describe earlier work ("Previous RCTs have shown ...") count only when nothing
else names a design. Among the rest, the most specific design wins (a systematic review of
RCTs is a review; an RCT with qualitative interviews is an RCT). Random assignment of
schools, classrooms or other clusters makes a cluster RCT. Protocols are flagged by their
phrases or by future-tense methods ("will be randomised").
"""

from __future__ import annotations

import re
from typing import Any

from evidencemine.nlp.matching import Hit
from evidencemine.nlp.view import TextView

PRECEDENCE = (
    "meta-analysis",
    "systematic-review",
    "cluster-rct",
    "rct",
    "quasi-experimental",
    "case-control",
    "cohort",
    "cross-sectional",
    "pre-post",
    "qualitative",
    "other",
)
_RANK = {value: rank for rank, value in enumerate(PRECEDENCE)}
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]*")
_AFTER_WORD_RE = re.compile(r"[\w][\w,'-]*")


def _is_cluster_assignment(view: TextView, hit: Hit, cluster_units: frozenset[str]) -> bool:
    """A cluster noun is what was randomised: "Schools were randomly assigned", "villages were
    randomised", "we randomised 24 villages", "randomly assigned 36 schools"."""
    sentence = view.sentences[hit.sent]
    window = view.text[max(sentence.start, hit.start - 60) : hit.start]
    before = [w.lower() for w in _WORD_RE.findall(window)]
    passive = view.text[hit.start : hit.end].lower().startswith(("were", "was"))
    if before and before[-1] in ("were", "was"):
        before, passive = before[:-1], True
    if before and before[-1] in cluster_units:
        return True
    if passive and any(w in cluster_units for w in before[-3:]):
        return True
    after = view.text[hit.end : min(sentence.end, hit.end + 40)]
    words = [w.lower() for w in _AFTER_WORD_RE.findall(after)][:3]
    return bool(words) and (
        words[0] in cluster_units
        or (len(words) > 1 and words[0][0].isdigit() and words[1] in cluster_units)
    )


def _candidates(view: TextView) -> list[Hit]:
    hits = [h for h in view.label_hits("DESIGN") if h.value != "protocol"]
    own = [h for h in hits if not view.sentences[h.sent].background]
    return own or hits


def _value_of(view: TextView, hit: Hit, cluster_units: frozenset[str]) -> str:
    assignment = hit.value == "rct" and hit.kind == "assignment"
    if assignment and _is_cluster_assignment(view, hit, cluster_units):
        return "cluster-rct"
    return hit.value


def find_design(view: TextView) -> dict[str, Any] | None:
    """The design of the study the text describes, or None when no rule names one."""
    cluster_units = view.rules.words_of_kind("UNIT", "cluster")
    best: tuple[int, int, Hit, str] | None = None
    for hit in _candidates(view):
        value = _value_of(view, hit, cluster_units)
        key = (_RANK[value], hit.start)
        if best is None or key < best[:2]:
            best = (key[0], key[1], hit, value)
    if best is None:
        return None
    _, _, hit, value = best
    protocol = any(h.kind == "protocol" for h in view.label_hits("DESIGN"))
    return {
        "value": value,
        "protocol": protocol,
        "start": hit.start,
        "end": hit.end,
        "text": view.text[hit.start : hit.end],
        "rule": hit.rule if value == hit.value else "design-cluster-assignment",
    }
