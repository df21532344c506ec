"""Page-stated values against values extracted from the cited literature.

A disagreement becomes a :class:`~evidencemine.models.Conflict` on the study; the page value is
never overwritten. Where the page states nothing (a research-project page rarely gives N), the
literature value fills the gap with its own evidence, so its source (``pmid:...``) shows.
"""

from __future__ import annotations

from evidencemine.models import Conflict, Extraction, ProgrammeRecord, Study, StudySample


def _is_literature(extraction: Extraction) -> bool:
    return not extraction.source.startswith("page:")


def _sample_conflicts(study: Study, lit: Extraction) -> list[Conflict]:
    page = study.sample.size if study.sample else None
    found = lit.sample_size
    if not found:
        return []
    if page is None:
        if study.sample is None:
            study.sample = StudySample(text=found.evidence.text, size=found)
        return []
    if found.total in {page.total, *(s.n for s in page.subgroups)}:
        return []
    return [
        Conflict(
            field="sample_size",
            page_value=page.total,
            literature_value=found.total,
            page_source=page.evidence.source,
            literature_source=lit.source,
            note=f"page: {page.evidence.text!r}; literature: {found.evidence.text!r}",
        )
    ]


def _design_conflicts(study: Study, lit: Extraction) -> list[Conflict]:
    if not (lit.design and study.design) or lit.design.value == study.design.value:
        return []
    related = {"rct", "cluster-rct"}
    if {lit.design.value, study.design.value} <= related:
        return []
    return [
        Conflict(
            field="design",
            page_value=study.design.value,
            literature_value=lit.design.value,
            page_source=study.design.evidence.source if study.design.evidence else "page",
            literature_source=lit.source,
            note=lit.design.evidence.text,
        )
    ]


def _country_conflicts(study: Study, lit: Extraction) -> list[Conflict]:
    found = sorted({c.code for c in lit.countries})
    if not found:
        return []
    if not study.countries:
        study.countries = found
        return []
    if set(found) <= set(study.countries):
        return []
    return [
        Conflict(
            field="countries",
            page_value=study.countries,
            literature_value=found,
            page_source="page:country",
            literature_source=lit.source,
        )
    ]


def reconcile_study(study: Study) -> Study:
    """Compare the study's page values with each literature extraction; list disagreements."""
    study = study.model_copy(deep=True)
    conflicts: list[Conflict] = []
    for lit in filter(_is_literature, study.extractions):
        conflicts += _sample_conflicts(study, lit)
        conflicts += _design_conflicts(study, lit)
        conflicts += _country_conflicts(study, lit)
    study.conflicts = conflicts
    return study


def reconcile_record(record: ProgrammeRecord) -> ProgrammeRecord:
    return record.model_copy(update={"studies": [reconcile_study(s) for s in record.studies]})
