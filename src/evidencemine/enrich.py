"""Apply the extraction rules to a record's page fields and to resolved abstracts.

Page fields: each study's sample text (N, unit, subgroups), design label, outcome items
(direction), and for research-project pages the summary (design, outcomes with direction,
follow-up time points, comparison). Abstracts: every resolved reference's abstract, with the
PMID (or DOI) as the evidence source. Results are kept on the study as ``extractions``;
:mod:`evidencemine.reconcile` then compares page and literature values.
"""

from __future__ import annotations

from evidencemine.models import (
    Extraction,
    ProgrammeRecord,
    Reference,
    Study,
    StudyDesign,
    StudyOutcome,
    StudySample,
)
from evidencemine.nlp import extract_text, extract_texts
from evidencemine.papers import Paper, extract_paper
from evidencemine.settings import NlpSettings

DESIGN_LABELS = {
    "rct": "RCT",
    "cluster-rct": "Cluster RCT",
    "quasi-experimental": "QED",
    "pre-post": "Pre-post",
    "cohort": "Cohort",
    "case-control": "Case-control",
    "cross-sectional": "Cross-sectional",
    "qualitative": "Qualitative",
    "systematic-review": "Systematic review",
    "meta-analysis": "Meta-analysis",
    "other": "Other",
}


def _study_key(record: ProgrammeRecord, index: int) -> str:
    return f"page:{record.id}#study-{index + 1}"


def _page_texts(record: ProgrammeRecord) -> list[tuple[str, str]]:
    """The page's own short fields (sample, design label, outcome items)."""
    items: list[tuple[str, str]] = []
    for index, study in enumerate(record.studies):
        key = _study_key(record, index)
        if study.sample:
            items.append((f"{key}/sample", study.sample.text))
        if study.design and study.design.value == "other":
            items.append((f"{key}/design", study.design.label))
        items.extend((f"{key}/outcome-{n}", o.outcome) for n, o in enumerate(study.outcomes))
    return items


def _study_texts(record: ProgrammeRecord) -> list[tuple[str, str]]:
    """A research-project page's title and summary: scraped study text, which may carry the
    page's chrome (a banner, authors and affiliations, copyright, keywords, similar
    articles), so it is cleaned before extraction."""
    if record.source.kind != "research-project" or not record.studies:
        return []
    key = _study_key(record, 0)
    items = [(f"{key}/title", record.programme.name)]
    if record.programme.summary:
        items.append((f"{key}/summary", record.programme.summary))
    return items


def _run_texts(
    items: list[tuple[str, str]], nlp: NlpSettings | None, *, clean: bool = False
) -> list[Extraction]:
    if not items:
        return []
    nlp = nlp or NlpSettings()
    return extract_texts(
        items,
        batch_size=nlp.batch_size,
        n_process=nlp.n_process,
        patterns_dir=nlp.patterns_dir,
        clean=clean,
        max_chars=nlp.max_text_chars,
    )


def extract_page_facts(record: ProgrammeRecord, nlp: NlpSettings | None = None) -> ProgrammeRecord:
    """Run the rules over the page's own fields; nothing here uses the network. Scraped
    study text (a research-project summary, a study paper's abstract and methods) is first
    reduced to the study's own text (:mod:`evidencemine.nlp.clean`); evidence offsets still
    index the record's field as scraped."""
    record = record.model_copy(deep=True)
    results = {e.source: e for e in _run_texts(_page_texts(record), nlp)}
    results.update((e.source, e) for e in _run_texts(_study_texts(record), nlp, clean=True))
    for index, study in enumerate(record.studies):
        key = _study_key(record, index)
        _apply_page_fields(study, key, results)
        if record.source.kind == "research-project":
            _apply_summary(study, key, results)
            if study.comparison and not record.programme.comparison:
                record.programme.comparison = study.comparison.evidence.text  # as printed
        elif record.source.kind == "study-paper":
            _apply_paper(record, study, key, nlp)
    return record


def _apply_paper(record: ProgrammeRecord, study: Study, key: str, nlp: NlpSettings | None) -> None:
    """A paper's abstract (methods for a missing N or country) describes its one study."""
    methods = next((s.text for s in record.programme.sections if s.heading == "Methods"), None)
    paper = Paper(source=key, abstract=record.programme.summary, methods=methods)
    patterns_dir = nlp.patterns_dir if nlp else None
    cap = nlp.max_text_chars if nlp else NlpSettings().max_text_chars
    found = extract_paper(
        paper,
        lambda text, source: extract_text(
            text, source=source, patterns_dir=patterns_dir, clean=True, max_chars=cap
        ),
    )
    if found is None:
        return
    _apply_summary(study, key, {f"{key}/summary": found})


def _apply_page_fields(study: Study, key: str, results: dict[str, Extraction]) -> None:
    sample = results.get(f"{key}/sample")
    if study.sample and sample:
        study.sample = StudySample(text=study.sample.text, size=sample.sample_size)
        study.extractions.append(sample)
    design = results.get(f"{key}/design")
    if design and design.design and study.design:
        study.design = StudyDesign(
            value=design.design.value, label=study.design.label, evidence=design.design.evidence
        )
    for n, outcome in enumerate(study.outcomes):
        found = results.get(f"{key}/outcome-{n}")
        if found and found.outcomes:
            first = found.outcomes[0]
            outcome.direction, outcome.evidence = first.direction, first.evidence


def _apply_summary(study: Study, key: str, results: dict[str, Extraction]) -> None:
    summary, title = results.get(f"{key}/summary"), results.get(f"{key}/title")
    for extraction in (title, summary):
        if extraction:
            study.extractions.append(extraction)
    design = (title and title.design) or (summary and summary.design)
    if design and not study.design:
        study.design = StudyDesign(
            value=design.value, label=DESIGN_LABELS[design.value], evidence=design.evidence
        )
    if summary:
        study.outcomes.extend(
            StudyOutcome(
                outcome=o.outcome,
                category="result",
                direction=o.direction,
                timepoints_months=o.timepoints_months,
                evidence=o.evidence,
            )
            for o in summary.outcomes
        )
        study.timepoints_months = summary.timepoints_months
        study.comparison = summary.comparison
        if summary.sample_size and not study.sample:  # the summary states it
            size = summary.sample_size
            study.sample = StudySample(text=size.evidence.text, size=size)
        if summary.countries and not study.countries:
            study.countries = [c.code for c in summary.countries]


def literature_source(reference: Reference) -> str | None:
    ids = reference.identifiers
    if ids.pmid:
        return f"pmid:{ids.pmid}"
    if ids.doi:
        return f"doi:{ids.doi}"
    return None


def extract_literature(
    records: list[ProgrammeRecord], nlp: NlpSettings | None = None
) -> list[ProgrammeRecord]:
    """Run the rules over every resolved abstract of every study (one batch for the run)."""
    records = [r.model_copy(deep=True) for r in records]
    items: list[tuple[str, str]] = []
    for record in records:
        for study in record.studies:
            for reference in study.references:
                source = literature_source(reference)
                if source and reference.abstract:
                    items.append((source, reference.abstract))
    found = {e.source: e for e in _run_texts(list(dict(items).items()), nlp)}
    for record in records:
        for study in record.studies:
            for reference in study.references:
                source = literature_source(reference)
                if source in found and all(e.source != source for e in study.extractions):
                    study.extractions.append(found[source])
    return records
