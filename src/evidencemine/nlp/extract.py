"""Text in, :class:`~evidencemine.models.Extraction` out."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from evidencemine.models import Extraction
from evidencemine.nlp.components import results_of
from evidencemine.nlp.pipeline import get_pipeline


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


def extract_text(text: str, *, source: str, patterns_dir: Path | None = None) -> Extraction:
    """Design, sample size, countries, outcomes, time points and comparison of one text
    (rules from ``patterns_dir``, by default the rules shipped in the package)."""
    return extraction_from_doc(get_pipeline(patterns_dir)(text), source)


def extract_texts(
    items: Iterable[tuple[str, str]],
    *,
    batch_size: int = 64,
    n_process: int = 1,
    patterns_dir: Path | None = None,
) -> list[Extraction]:
    """:func:`extract_text` for many ``(source, text)`` pairs through ``nlp.pipe``."""
    nlp = get_pipeline(patterns_dir)
    pairs = [(text, source) for source, text in items]
    docs = nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process)
    return [extraction_from_doc(doc, source) for doc, source in docs]
