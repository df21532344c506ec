"""spaCy components: one builds the shared text view, one per field fills the results.

Results live in ``doc.user_data["evidencemine"]`` as plain JSON-like dicts, so docs survive
``nlp.pipe(n_process=...)`` serialisation; the view is dropped by the last component.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from evidencemine.nlp.comparison import find_comparison
from evidencemine.nlp.countries import find_countries
from evidencemine.nlp.design import find_design
from evidencemine.nlp.matching import RuleMatcher
from evidencemine.nlp.outcomes import find_outcomes
from evidencemine.nlp.patterns import cached_rules
from evidencemine.nlp.sample_size import find_sample_size
from evidencemine.nlp.timepoints import find_timepoints, months_of
from evidencemine.nlp.view import TEXT_KEY, TextView, build_view

RESULTS_KEY = "evidencemine"
_VIEW_KEY = "_evidencemine_view"
_POINTS_KEY = "_evidencemine_timepoints"


def results_of(doc: Doc) -> dict[str, Any]:
    """The field results the components stored on ``doc``."""
    results: dict[str, Any] = doc.user_data.get(RESULTS_KEY, {})
    return results


def _view(doc: Doc) -> TextView:
    view: TextView = doc.user_data[_VIEW_KEY]
    return view


class _Batched:
    """``nlp.pipe`` hands a component with a ``pipe`` method the whole stream: each component
    then runs over a batch of docs before the next component starts (and the tokeniser over a
    batch of texts), instead of every doc going through every component in turn. Same docs,
    same order; each doc is still processed by ``__call__`` alone, nothing is shared across
    docs; far fewer cache misses."""

    def __call__(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        stream = iter(docs)
        while batch := list(islice(stream, max(1, batch_size))):
            yield from [self(doc) for doc in batch]


class ViewBuilder(_Batched):
    """Builds the :class:`TextView` (sentences, sections, phrase-rule hits) for the field
    components."""

    def __init__(self, nlp: Language, patterns_dir: str) -> None:
        self.rules = cached_rules(patterns_dir)
        self.matcher = RuleMatcher(nlp.vocab, nlp.make_doc, self.rules)

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[_VIEW_KEY] = build_view(doc, self.rules, self.matcher)
        doc.user_data[RESULTS_KEY] = {}
        return doc


class DesignComponent(_Batched):
    def __call__(self, doc: Doc) -> Doc:
        results_of(doc)["design"] = find_design(_view(doc))
        return doc


class SampleSizeComponent(_Batched):
    def __call__(self, doc: Doc) -> Doc:
        design = results_of(doc).get("design")
        value = design["value"] if design else None
        results_of(doc)["sample_size"] = find_sample_size(_view(doc), value)
        return doc


class CountryComponent(_Batched):
    def __call__(self, doc: Doc) -> Doc:
        design = results_of(doc).get("design")
        value = design["value"] if design else None
        results_of(doc)["countries"] = find_countries(_view(doc), value)
        return doc


class TimepointComponent(_Batched):
    def __call__(self, doc: Doc) -> Doc:
        points = find_timepoints(_view(doc))
        doc.user_data[_POINTS_KEY] = points
        results_of(doc)["timepoints_months"] = months_of(points)
        return doc


class OutcomeComponent(_Batched):
    def __call__(self, doc: Doc) -> Doc:
        points = doc.user_data.get(_POINTS_KEY, [])
        design = results_of(doc).get("design")
        value = design["value"] if design else None
        results_of(doc)["outcomes"] = find_outcomes(_view(doc), points, value)
        return doc


class ComparisonComponent(_Batched):
    def __call__(self, doc: Doc) -> Doc:
        results_of(doc)["comparison"] = find_comparison(_view(doc))
        return doc


class Finalizer(_Batched):
    """Drops the in-memory helpers so the Doc holds only serialisable results."""

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data.pop(_VIEW_KEY, None)
        doc.user_data.pop(_POINTS_KEY, None)
        doc.user_data.pop(TEXT_KEY, None)
        return doc


@Language.factory("em_view", default_config={"patterns_dir": ""})
def make_view_builder(nlp: Language, name: str, patterns_dir: str) -> ViewBuilder:
    return ViewBuilder(nlp, patterns_dir)


@Language.factory("em_design")
def make_design(nlp: Language, name: str) -> DesignComponent:
    return DesignComponent()


@Language.factory("em_sample_size")
def make_sample_size(nlp: Language, name: str) -> SampleSizeComponent:
    return SampleSizeComponent()


@Language.factory("em_countries")
def make_countries(nlp: Language, name: str) -> CountryComponent:
    return CountryComponent()


@Language.factory("em_timepoints")
def make_timepoints(nlp: Language, name: str) -> TimepointComponent:
    return TimepointComponent()


@Language.factory("em_outcomes")
def make_outcomes(nlp: Language, name: str) -> OutcomeComponent:
    return OutcomeComponent()


@Language.factory("em_comparison")
def make_comparison(nlp: Language, name: str) -> ComparisonComponent:
    return ComparisonComponent()


@Language.factory("em_finalize")
def make_finalizer(nlp: Language, name: str) -> Finalizer:
    return Finalizer()
