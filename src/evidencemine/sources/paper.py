"""Study papers (usually PDFs): one record whose single study is the paper itself.

The abstract becomes the summary and the methods and results are kept as sections; the
reference list becomes CSL-JSON references for resolution. Extraction (design, sample size,
countries, outcomes, time points, comparison) runs later on the abstract, falling back to the
methods for a missing sample size or country (:mod:`evidencemine.enrich`).
"""

from __future__ import annotations

from evidencemine.documents.model import BlockKind, Document
from evidencemine.errors import ParseError
from evidencemine.models import Programme, ProgrammeRecord, Section, Study
from evidencemine.papers import ABSTRACT, METHODS, REFERENCES, RESULTS, heading_key, parse_paper
from evidencemine.references.parse import parse_reference
from evidencemine.sources.common import PageMeta, build_record

KIND = "study-paper"
METHODS_SECTION = "Methods"
RESULTS_SECTION = "Results"


def detect(document: Document) -> float:
    keys = {heading_key(b.text) for b in document.blocks if b.kind is BlockKind.HEADING}
    has_abstract = bool(keys & ABSTRACT) or any(
        b.text.lower().startswith("abstract") for b in document.blocks[:40]
    )
    body = bool(keys & (METHODS | RESULTS))
    return (
        0.6
        if has_abstract and body and keys & REFERENCES
        else 0.45
        if has_abstract and body
        else 0.0
    )


def parse_paper_page(document: Document) -> ProgrammeRecord:
    """A study paper → a record with one study (the paper) and its reference list."""
    paper = parse_paper(document)
    if not paper.title:
        raise ParseError("no title found in the paper", source=document.origin)
    programme = Programme(name=paper.title, summary=paper.abstract)
    for heading, text in ((METHODS_SECTION, paper.methods), (RESULTS_SECTION, paper.results)):
        if text:
            programme.sections.append(Section(heading=heading, text=text))
    study = Study(label=paper.title, number=1)
    study.references = [parse_reference(raw) for raw in paper.references]
    return build_record(document, PageMeta(document), KIND, programme, [study])
