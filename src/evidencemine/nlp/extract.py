"""Text in, :class:`~evidencemine.models.Extraction` out."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from evidencemine.models import Extraction
from evidencemine.nlp.clean import CleanText, clean_study_text
from evidencemine.nlp.components import results_of
from evidencemine.nlp.pipeline import get_pipeline

log = logging.getLogger(__name__)


def _evidence(found: dict[str, Any], source: str) -> dict[str, Any]:
    return {
        "source": source,
        "start": found["start"],
        "end": found["end"],
        "text": found["text"],
        "rule": found["rule"],
    }


def _sample_size(found: dict[str, Any] | None, source: str) -> dict[str, Any] | None:
    if not found:
        return None
    return {
        "total": found["total"],
        "unit": found["unit"],
        "arms": [{"label": a["label"], "n": a["n"]} for a in found["arms"]],
        "subgroups": [{"n": s["n"], "description": s["description"]} for s in found["subgroups"]],
        "randomised": found["randomised"],
        "analysed": found["analysed"],
        "clusters": found["clusters"],
        "studies_included": found["studies_included"],
        "evidence": _evidence(found, source),
    }


def extraction_from_doc(doc: Doc, source: str) -> Extraction:
    """The Extraction for a Doc that went through the pipeline.

    The nested findings go in as plain dicts and are validated in one
    ``Extraction.model_validate`` call: the same checks and the same models as building each
    nested model by its constructor, at a fraction of the Python-level calls."""
    results = results_of(doc)
    design = results.get("design")
    comparison = results.get("comparison")
    return Extraction.model_validate(
        {
            "source": source,
            "design": {
                "value": design["value"],
                "protocol": design["protocol"],
                "evidence": _evidence(design, source),
            }
            if design
            else None,
            "sample_size": _sample_size(results.get("sample_size"), source),
            "countries": [
                {"code": c["code"], "evidence": _evidence(c, source)}
                for c in results.get("countries", [])
            ],
            "outcomes": [
                {
                    "outcome": o["outcome"],
                    "direction": o["direction"],
                    "timepoints_months": o["timepoints_months"],
                    "evidence": _evidence(o, source),
                }
                for o in results.get("outcomes", [])
            ],
            "timepoints_months": results.get("timepoints_months", []),
            "comparison": {"value": comparison["value"], "evidence": _evidence(comparison, source)}
            if comparison
            else None,
        }
    )


MAX_TEXT_CHARS = 200_000  # nlp.max_text_chars (spaCy refuses texts over 1,000,000)
_ABSTRACT = re.compile(r"\b(?:abstract|summary)\b", re.IGNORECASE)
_METHODS = re.compile(r"\b(?:methods?|methodology|participants)\b", re.IGNORECASE)


def cap_text(text: str, max_chars: int = MAX_TEXT_CHARS, source: str = "") -> str:
    """``text`` when it is at most ``max_chars`` long; else its abstract and its methods (half
    the cap each, from where they are named; the start when they are not), with a warning.
    Evidence offsets of a cut text count in the cut text."""
    if len(text) <= max_chars:
        return text
    half = max_chars // 2
    found = _ABSTRACT.search(text)
    start = found.start() if found else 0
    first = text[start : start + half]
    rest_from = start + half
    methods = _METHODS.search(text, rest_from)
    second_start = methods.start() if methods else rest_from
    cut = first + "\n\n" + text[second_start : second_start + max_chars - len(first) - 2]
    log.warning(
        "%s: text of %d characters cut to %d (abstract and methods; nlp.max_text_chars)",
        source or "text",
        len(text),
        len(cut),
    )
    return cut


def _to_original(extraction: Extraction, cleaned: CleanText) -> Extraction:
    """``extraction`` (found on ``cleaned.text``) with every evidence span moved to the
    original text: offsets into the original, text as the original has it."""
    if cleaned.unchanged:
        return extraction
    data = extraction.model_dump()

    def move(evidence: dict[str, Any]) -> None:
        start, end = cleaned.original_span(int(evidence["start"]), int(evidence["end"]))
        evidence.update(start=start, end=end, text=cleaned.original[start:end])

    for key in ("design", "sample_size", "comparison"):
        if data.get(key):
            move(data[key]["evidence"])
    for key in ("countries", "outcomes"):
        for item in data.get(key) or []:
            move(item["evidence"])
    return Extraction.model_validate(data)


def extract_text(
    text: str,
    *,
    source: str,
    patterns_dir: Path | None = None,
    clean: bool = False,
    max_chars: int = MAX_TEXT_CHARS,
) -> Extraction:
    """Design, sample size, countries, outcomes, time points and comparison of one text
    (rules from ``patterns_dir``, by default the rules shipped in the package). With
    ``clean``, a scraped page is first reduced to its study text
    (:mod:`evidencemine.nlp.clean`); evidence offsets still index ``text``. Texts over
    ``max_chars`` are cut first (:func:`cap_text`; offsets then index the cut text)."""
    text = cap_text(text, max_chars, source)
    if not clean:
        return extraction_from_doc(get_pipeline(patterns_dir)(text), source)
    cleaned = clean_study_text(text)
    found = extraction_from_doc(get_pipeline(patterns_dir)(cleaned.text), source)
    return _to_original(found, cleaned)


def extract_texts(
    items: Iterable[tuple[str, str]],
    *,
    batch_size: int = 64,
    n_process: int = 1,
    patterns_dir: Path | None = None,
    clean: bool = False,
    max_chars: int = MAX_TEXT_CHARS,
) -> list[Extraction]:
    """:func:`extract_text` for many ``(source, text)`` pairs through ``nlp.pipe``."""
    nlp = get_pipeline(patterns_dir)
    capped = [(source, cap_text(text, max_chars, source)) for source, text in items]
    if not clean:
        pairs = [(text, source) for source, text in capped]
        docs = nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process)
        return [extraction_from_doc(doc, source) for doc, source in docs]
    cleaned = [(clean_study_text(text), source) for source, text in capped]
    docs = nlp.pipe(
        ((c.text, source) for c, source in cleaned),
        as_tuples=True,
        batch_size=batch_size,
        n_process=n_process,
    )
    return [
        _to_original(extraction_from_doc(doc, source), c)
        for (doc, source), (c, _) in zip(docs, cleaned, strict=True)
    ]
