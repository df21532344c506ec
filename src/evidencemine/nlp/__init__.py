"""Rule-based extraction (spaCy, no model): design, sample size, countries, outcomes with
direction, follow-up time points and comparison condition, each with its evidence."""

from evidencemine.nlp.extract import extract_text, extract_texts
from evidencemine.nlp.pipeline import get_pipeline

__all__ = ["extract_text", "extract_texts", "get_pipeline"]
