"""Per-field figures of the extraction against a gold set, and a sample-size hit rate on
EBM-NLP's crowd-labelled abstracts.

Gold lines: ``{"id", "text", "design", "protocol", "sample_size": {"total", "unit", ...} | null,
"countries": [codes], "outcomes": [{"outcome", "direction"}], "timepoints_months": [...],
"comparison": value | null}``. Outcomes match fuzzily (rapidfuzz) one to one; a match counts
for the direction F1 only when the directions agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from evidencemine.errors import InputError
from evidencemine.models import Extraction
from evidencemine.nlp.extract import extract_texts
from evidencemine.numbers import parse_int

OUTCOME_MATCH_MIN = 75.0


@dataclass
class GoldItem:
    id: str
    text: str
    design: str | None = None
    protocol: bool = False
    sample_size: dict[str, Any] | None = None
    countries: list[str] = field(default_factory=list)
    outcomes: list[dict[str, str]] = field(default_factory=list)
    timepoints_months: list[float] = field(default_factory=list)
    comparison: str | None = None


def read_jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line; InputError names a bad line."""
    from evidencemine.documents.base import read_input_file

    raw_bytes = read_input_file(path)
    try:
        lines = raw_bytes.decode("utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text (byte {err.start})", source=str(path)) from err
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as err:
            raise InputError(f"line {number}: bad JSON ({err.msg})", source=str(path)) from err
        if not isinstance(data, dict):
            raise InputError(f"line {number}: expected a JSON object", source=str(path))
        yield number, data


def load_gold(path: Path) -> list[GoldItem]:
    """The gold items in ``path``."""
    items = []
    known = set(GoldItem.__dataclass_fields__)
    for number, data in read_jsonl(path):
        if not isinstance(data.get("id"), str) or not isinstance(data.get("text"), str):
            raise InputError(f"line {number}: gold needs string id and text", source=str(path))
        items.append(GoldItem(**{k: v for k, v in data.items() if k in known}))
    labels = ("design", "sample_size", "countries", "outcomes", "timepoints_months", "comparison")
    if not any(getattr(item, name) for item in items for name in labels):
        raise InputError(
            f"no labelled items: nothing to score (gold lines carry {', '.join(labels)})",
            source=str(path),
        )
    return items


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _design(gold: Sequence[GoldItem], pred: Sequence[Extraction]) -> dict[str, float]:
    pairs = [(g, p) for g, p in zip(gold, pred, strict=True) if g.design]
    correct = sum(1 for g, p in pairs if p.design and p.design.value == g.design)
    protocol = sum(1 for g, p in pairs if bool(p.design and p.design.protocol) == g.protocol)
    n = len(pairs)
    return {
        "n": n,
        "accuracy": round(correct / n, 4) if n else 0.0,
        "protocol_accuracy": round(protocol / n, 4) if n else 0.0,
    }


def _sample_size(gold: Sequence[GoldItem], pred: Sequence[Extraction]) -> dict[str, float]:
    n_gold = answered = correct = answered_all = 0
    for g, p in zip(gold, pred, strict=True):
        answered_all += p.sample_size is not None
        if not g.sample_size:
            continue
        n_gold += 1
        if p.sample_size is not None:
            answered += 1
            correct += p.sample_size.total == g.sample_size["total"]
    return {
        "n": n_gold,
        "exact": round(correct / n_gold, 4) if n_gold else 0.0,
        "precision": round(correct / answered_all, 4) if answered_all else 0.0,
        "coverage": round(answered / n_gold, 4) if n_gold else 0.0,
    }


def _countries(gold: Sequence[GoldItem], pred: Sequence[Extraction]) -> dict[str, float]:
    tp = n_pred = n_gold = 0
    for g, p in zip(gold, pred, strict=True):
        predicted = {c.code for c in p.countries}
        tp += len(predicted & set(g.countries))
        n_pred += len(predicted)
        n_gold += len(set(g.countries))
    return _prf(tp, n_pred, n_gold)


def outcome_similarity(a: str, b: str) -> float:
    """How alike two outcome names are (0-100); whole-word subsets count when both have 2+ words."""
    a, b = a.lower(), b.lower()
    score = fuzz.token_sort_ratio(a, b)
    if min(len(a.split()), len(b.split())) >= 2:
        score = max(score, fuzz.token_set_ratio(a, b))
    return float(score)


def match_outcomes(
    gold: Sequence[dict[str, str]], predicted: Sequence[tuple[str, str]]
) -> list[tuple[int, int]]:
    """One-to-one matches ``(gold index, predicted index)``, best similarity first."""
    scored = sorted(
        (
            (outcome_similarity(g["outcome"], p[0]), gi, pi)
            for gi, g in enumerate(gold)
            for pi, p in enumerate(predicted)
        ),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for score, gi, pi in scored:
        if score < OUTCOME_MATCH_MIN or gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return pairs


def _outcomes(gold: Sequence[GoldItem], pred: Sequence[Extraction]) -> dict[str, Any]:
    tp_dir = tp_any = n_pred = n_gold = 0
    for g, p in zip(gold, pred, strict=True):
        predicted = [(o.outcome, o.direction) for o in p.outcomes]
        for gi, pi in match_outcomes(g.outcomes, predicted):
            tp_any += 1
            tp_dir += g.outcomes[gi]["direction"] == predicted[pi][1]
        n_pred += len(predicted)
        n_gold += len(g.outcomes)
    with_direction = _prf(tp_dir, n_pred, n_gold)
    return {**with_direction, "outcome_only_f1": _prf(tp_any, n_pred, n_gold)["f1"]}


def _timepoints(gold: Sequence[GoldItem], pred: Sequence[Extraction]) -> dict[str, float]:
    tp = n_pred = n_gold = 0
    for g, p in zip(gold, pred, strict=True):
        predicted = {round(m, 1) for m in p.timepoints_months}
        expected = {round(float(m), 1) for m in g.timepoints_months}
        tp += len(predicted & expected)
        n_pred += len(predicted)
        n_gold += len(expected)
    return _prf(tp, n_pred, n_gold)


def _comparison(gold: Sequence[GoldItem], pred: Sequence[Extraction]) -> dict[str, float]:
    tp = n_pred = n_gold = 0
    for g, p in zip(gold, pred, strict=True):
        n_pred += p.comparison is not None
        n_gold += g.comparison is not None
        tp += bool(p.comparison and g.comparison and p.comparison.value == g.comparison)
    return _prf(tp, n_pred, n_gold)


def score(gold: Sequence[GoldItem], pred: Sequence[Extraction]) -> dict[str, Any]:
    """All per-field figures for predictions ``pred`` (same order as ``gold``)."""
    return {
        "items": len(gold),
        "design": _design(gold, pred),
        "sample_size": _sample_size(gold, pred),
        "countries": _countries(gold, pred),
        "outcomes": _outcomes(gold, pred),
        "timepoints": _timepoints(gold, pred),
        "comparison": _comparison(gold, pred),
    }


def evaluate_gold(path: Path) -> dict[str, Any]:
    """Run the extraction on every gold text and score it."""
    gold = load_gold(path)
    pred = extract_texts((f"gold:{g.id}", g.text) for g in gold)
    return score(gold, pred)


def format_table(figures: dict[str, Any]) -> str:
    """The figures as an aligned text table, one row per field and measure."""
    rows = [("field", "measure", "value")]
    for name, values in figures.items():
        if isinstance(values, dict):
            rows.extend((name, measure, f"{value}") for measure, value in values.items())
        else:
            rows.append((name, "", f"{values}"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def ebmnlp_hit_rate(path: Path) -> dict[str, Any]:
    """Sample-size hits on EBM-NLP abstracts: our total equals a crowd-labelled number, or
    the sum of them (per-arm labels)."""
    rows = [data for _, data in read_jsonl(path)]
    pred = extract_texts((f"pmid:{r.get('pmid', '')}", str(r.get("text", ""))) for r in rows)
    labelled = answered = hits = answered_unlabelled = 0
    for row, extraction in zip(rows, pred, strict=True):
        numbers = [parse_int(s.get("text", "")) for s in row.get("sample_size_spans", [])]
        values = {n for n in numbers if n is not None}
        total = extraction.sample_size.total if extraction.sample_size else None
        if not values:
            answered_unlabelled += total is not None
            continue
        labelled += 1
        if total is not None:
            answered += 1
            hits += total in values or total == sum(n for n in numbers if n is not None)
    return {
        "abstracts": len(rows),
        "labelled": labelled,
        "answered": answered,
        "hits": hits,
        "hit_rate": round(hits / labelled, 4) if labelled else 0.0,
        "precision": round(hits / answered, 4) if answered else 0.0,
        "answered_unlabelled": answered_unlabelled,
    }
