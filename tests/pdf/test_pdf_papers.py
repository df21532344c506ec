"""Study papers: sections located in a generated two-column PDF; reference lists split."""

from __future__ import annotations

import functools

import pytest
from pdf_fixtures import (
    PAPER_ABSTRACT,
    PAPER_REFERENCES,
    PAPER_TITLE,
    two_column_paper,
)

from evidencemine.documents import Block, BlockKind, Document, LoadContext, load_document
from evidencemine.models import CountryFinding, Evidence, Extraction, SampleSize
from evidencemine.papers import (
    Paper,
    extract_paper,
    heading_key,
    parse_paper,
    split_reference_text,
    split_references,
)


@functools.cache
def paper(numbered: bool = False) -> Paper:
    data = two_column_paper(numbered=numbered)
    return parse_paper(load_document(data, LoadContext(path="trial.pdf")))


def test_papers_title_abstract_methods_results_are_located() -> None:
    found = paper()
    assert found.title == PAPER_TITLE
    assert found.abstract == PAPER_ABSTRACT
    assert found.methods is not None and found.results is not None
    assert found.methods.startswith("Families were recruited through community clinics")
    assert found.methods.endswith("adjusting for site and baseline scores.")
    assert "189 completed" not in found.methods
    assert "Of the 212 families randomised, 189 completed" in found.results
    assert found.results.endswith("attrition did not differ between the groups.")
    assert "Coaching everyday conversation" not in found.results  # the discussion


@pytest.mark.parametrize("numbered", [False, True])
def test_papers_reference_list_splits_into_one_string_per_reference(numbered: bool) -> None:
    assert paper(numbered).references == PAPER_REFERENCES
    assert len(PAPER_REFERENCES) >= 10


def test_papers_reference_text_splits_numbered_and_author_year_runs() -> None:
    numbered = "[1] Adams J. Early talk. J Child Lang. 2009. [2] Baker M. Home visits. 2012."
    assert split_reference_text(numbered) == [
        "[1] Adams J. Early talk. J Child Lang. 2009.",
        "[2] Baker M. Home visits. 2012.",
    ]
    dotted = "1. Adams J. Early talk. 2009;36:233. 2. Baker M. Home visits. 2012;129:88."
    assert len(split_reference_text(dotted)) == 2
    author_year = (
        "Adams, J., & Brown, K. (2009). Early talk. Journal of Child Language, 36, 233-250. "
        "Carter, S. (2010). Measuring vocabulary. Developmental Science, 13, 410-421."
    )
    assert split_reference_text(author_year) == [
        "Adams, J., & Brown, K. (2009). Early talk. Journal of Child Language, 36, 233-250.",
        "Carter, S. (2010). Measuring vocabulary. Developmental Science, 13, 410-421.",
    ]
    single = "Evans, G. W. (2006). Child development. Annual Review of Psychology, 57, 423-451."
    assert split_reference_text(single) == [single]


def test_papers_reference_broken_across_blocks_is_rejoined() -> None:
    blocks = [
        Block(BlockKind.PARAGRAPH, "Fischer, A., & Hall, C. (2013). Fidelity monitoring in"),
        Block(BlockKind.PARAGRAPH, "home-visiting programmes. Prevention Science, 14, 300-311."),
        Block(BlockKind.LIST_ITEM, "Garcia, D. (2011). Parenting stress. Infant Behavior, 34."),
        Block(BlockKind.RULE),
    ]
    assert split_references(blocks) == [
        "Fischer, A., & Hall, C. (2013). Fidelity monitoring in home-visiting programmes. "
        "Prevention Science, 14, 300-311.",
        "Garcia, D. (2011). Parenting stress. Infant Behavior, 34.",
    ]


def test_papers_heading_key_ignores_numbering_and_case() -> None:
    assert heading_key("2. Materials & Methods:") == "materials and methods"
    assert heading_key("III. RESULTS") == "results"
    assert heading_key("2.1 Participants") == "participants"


def test_papers_run_in_abstract_label_and_methods_variants() -> None:
    document = Document(
        blocks=[
            Block(BlockKind.HEADING, "A trial of something", level=1, page=1),
            Block(BlockKind.LABEL_VALUE, "We randomised 80 children.", label="Abstract"),
            Block(BlockKind.PARAGRAPH, "Effects were small."),
            Block(BlockKind.LABEL_VALUE, "trial; toddlers", label="Keywords"),
            Block(BlockKind.HEADING, "Introduction", level=2),
            Block(BlockKind.PARAGRAPH, "Background text."),
            Block(BlockKind.HEADING, "Materials and Methods", level=2),
            Block(BlockKind.HEADING, "Participants", level=3),
            Block(BlockKind.PARAGRAPH, "Children in Kenya took part."),
            Block(BlockKind.HEADING, "Results", level=2),
            Block(BlockKind.PARAGRAPH, "Scores rose."),
            Block(BlockKind.HEADING, "Bibliography", level=2),
            Block(BlockKind.LIST_ITEM, "Adams, J. (2009). Early talk. J Child Lang, 36."),
        ],
        media_type="application/pdf",
        content_sha256="0" * 64,
        path="run-in.pdf",
    )
    found = parse_paper(document)
    assert found.title == "A trial of something"
    assert found.abstract == "We randomised 80 children.\n\nEffects were small."
    assert found.methods == "Participants\n\nChildren in Kenya took part."
    assert found.results == "Scores rose."
    assert found.references == ["Adams, J. (2009). Early talk. J Child Lang, 36."]


def _evidence(source: str, text: str) -> Evidence:
    return Evidence(source=source, start=0, end=len(text), text=text, rule="test")


def test_papers_extraction_falls_back_to_methods_for_missing_sample_and_country() -> None:
    calls: list[str] = []

    def extract(text: str, source: str) -> Extraction:
        calls.append(source)
        if source.endswith("#abstract"):
            return Extraction(source=source)
        return Extraction(
            source=source,
            sample_size=SampleSize(total=212, unit="family", evidence=_evidence(source, "212")),
            countries=[CountryFinding(code="CA", evidence=_evidence(source, "Canadian"))],
        )

    result = extract_paper(paper(), extract)
    assert calls == ["trial.pdf#abstract", "trial.pdf#methods"]
    assert result is not None and result.source == "trial.pdf#abstract"
    assert result.sample_size is not None and result.sample_size.total == 212
    assert result.sample_size.evidence.source == "trial.pdf#methods"
    assert [c.code for c in result.countries] == ["CA"]


def test_papers_extraction_keeps_abstract_values_and_skips_methods_when_complete() -> None:
    calls: list[str] = []

    def extract(text: str, source: str) -> Extraction:
        calls.append(source)
        return Extraction(
            source=source,
            sample_size=SampleSize(total=212, evidence=_evidence(source, "212 families")),
            countries=[CountryFinding(code="CA", evidence=_evidence(source, "Canada"))],
        )

    result = extract_paper(paper(), extract)
    assert calls == ["trial.pdf#abstract"]
    assert result is not None and result.sample_size is not None
    assert result.sample_size.evidence.source == "trial.pdf#abstract"
