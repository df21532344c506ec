"""The one extraction pipeline: ``spacy.blank("en")`` plus a view component (sentences and the
phrase rules from ``data/patterns/*.jsonl``) and the field components. No model, no network."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from evidencemine.nlp import components as _components  # noqa: F401  (registers factories)
from evidencemine.nlp.patterns import cached_rules
from evidencemine.nlp.view import TEXT_KEY
from evidencemine.settings import bundled_patterns_dir

log = logging.getLogger(__name__)

FIELD_COMPONENTS = (
    "em_design",
    "em_sample_size",
    "em_countries",
    "em_timepoints",
    "em_outcomes",
    "em_comparison",
)


def default_patterns_dir() -> Path:
    """The rules shipped in the package (``evidencemine/data/patterns``)."""
    return bundled_patterns_dir()


class TextKeepingTokenizer:
    """The blank English tokenizer, keeping the input string on the Doc: ``Doc.text`` rebuilds
    the string from every token, which costs about as much as tokenising."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data[TEXT_KEY] = text
        return doc


def build_pipeline(patterns_dir: Path) -> Language:
    """A new pipeline with the rules in ``patterns_dir`` (use :func:`get_pipeline` to share one)."""
    folder = str(patterns_dir.resolve())
    cached_rules(folder)  # fail early, with the file and line, on a bad rule
    nlp = spacy.blank("en")
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    nlp.add_pipe("em_view", config={"patterns_dir": folder})
    for name in FIELD_COMPONENTS:
        nlp.add_pipe(name)
    nlp.add_pipe("em_finalize")
    log.debug("built extraction pipeline from %s: %s", folder, nlp.pipe_names)
    return nlp


@lru_cache(maxsize=4)
def _cached_pipeline(folder: str) -> Language:
    return build_pipeline(Path(folder))


def get_pipeline(patterns_dir: Path | None = None) -> Language:
    """The extraction pipeline, built once per process and patterns folder (a relative folder
    is taken from the working directory; none: the rules shipped in the package)."""
    folder = (patterns_dir or default_patterns_dir()).resolve()
    return _cached_pipeline(str(folder))
