"""A scraped abstract page through the page pipeline: the study text is cleaned before
extraction, so the banner's country, the affiliations' countries and the countries of the
trailing blocks (copyright, keywords, MeSH terms, similar articles) are not the study's;
every evidence span still indexes the record's field as scraped.

The page is written for this test; it follows the layout of an abstract page of a
bibliographic database (banner, navigation, journal line, title, authors, affiliations, ids,
a structured abstract, copyright, keywords, MeSH terms, similar articles)."""

from __future__ import annotations

import pytest

from evidencemine.documents import LoadContext, load_document
from evidencemine.models import Evidence, ProgrammeRecord
from evidencemine.nlp import extract_text
from evidencemine.pipeline import parse_page

ABSTRACT_PAGE = """<html><head><title>Cash transfers and school attendance - PubMed</title></head>
<body>
<div class="usa-banner">An official website of the United States government</div>
<p>Here's how you know</p>
<p>Skip to main content</p>
<p>Full text links</p>
<p>Cite</p>
<p>Randomized Controlled Trial</p>
<p>Child Dev. 2018 Jul;89(4):1021-33. doi: 10.1111/cdev.55555. Epub 2017 Nov 3.</p>
<h1>Cash transfers and school attendance of adolescent girls: a cluster randomised trial</h1>
<p>Grace Banda 1, Tom Keller 2, Nadia Rossi 3</p>
<h2>Affiliations</h2>
<p>1 Department of Economics, University of Lilongwe, Zomba, Malawi.</p>
<p>2 School of Public Policy, University of Toronto, Toronto, Canada.</p>
<p>3 Institute of Child Health, University of Melbourne, Parkville, Australia.</p>
<p>PMID: 29000001 DOI: 10.1111/cdev.55555</p>
<h2>Abstract</h2>
<p>Background: Girls in poor households often leave school early.</p>
<p>Methods: We randomly assigned 88 villages in Malawi to monthly cash payments or to no
payment; 1,760 girls were followed up at 12 and 24 months.</p>
<p>Results: Attendance was significantly higher in villages receiving payments.</p>
<p>Conclusions: Small regular payments kept girls in school.</p>
<p>Copyright © 2017 Society for Research in Child Development.</p>
<p>Printed in the United States of America.</p>
<p>Keywords: cash transfers; schooling; adolescent girls.</p>
<p>Conflict of interest statement</p>
<p>One author advises a charity working in Kenya.</p>
<h2>Similar articles</h2>
<p>School feeding and enrolment in Uganda. Okello P, et al. Lancet. 2016.</p>
<h2>MeSH terms</h2>
<p>Adolescent; Brazil; Female; Humans; Poverty</p>
</body></html>"""

# the same study as a paper: abstract, methods (with a footnote of affiliations), references
PAPER_PAGE = """<html><body>
<p>An official website of the United States government</p>
<p>Child Dev. 2018 Jul;89(4):1021-33.</p>
<h1>Cash transfers and school attendance of adolescent girls: a cluster randomised trial</h1>
<p>Grace Banda, Tom Keller, Nadia Rossi</p>
<h2>Abstract</h2>
<p>We randomly assigned villages to monthly cash payments or to no payment and followed
girls up at 12 and 24 months. Attendance was significantly higher with payments.</p>
<p>Copyright © 2017 Society for Research in Child Development. Printed in the United States
of America.</p>
<p>Keywords: cash transfers; schooling of girls in Uganda and Kenya.</p>
<h2>Methods</h2>
<p>School of Public Policy, University of Toronto, Toronto, Canada.</p>
<p>A total of 1,760 girls in 88 villages in Malawi took part between 2014 and 2016.</p>
<h2>Results</h2><p>Attendance rose in both years.</p>
<h2>References</h2>
<p>Okello, P., &amp; Mwangi, J. (2016). School feeding in Uganda. <i>Lancet</i>, 3, 1-9.</p>
<p>Silva, R., &amp; Costa, M. (2015). Conditional cash in Brazil. <i>World Dev</i>, 7, 2-8.</p>
</body></html>"""


def _parse(page: str, name: str) -> ProgrammeRecord:
    return parse_page(load_document(page.encode(), LoadContext(path=name)))


def _field(record: ProgrammeRecord, source: str) -> str:
    """The record's field as scraped that an extraction with ``source`` ran on."""
    if source.endswith(("/summary", "#abstract")):
        return record.programme.summary or ""
    if source.endswith("/title"):
        return record.programme.name
    if source.endswith("#methods"):
        return next(s.text for s in record.programme.sections if s.heading == "Methods")
    raise AssertionError(f"unexpected extraction source {source}")


def _spans(record: ProgrammeRecord) -> list[tuple[str, Evidence]]:
    out: list[tuple[str, Evidence]] = []
    for study in record.studies:
        for found in study.extractions:
            evidence = [c.evidence for c in found.countries] + [o.evidence for o in found.outcomes]
            for value in (found.design, found.sample_size, found.comparison):
                if value is not None:
                    evidence.append(value.evidence)
            out.extend((_field(record, e.source), e) for e in evidence)
    return out


@pytest.mark.parametrize(
    ("page", "kind"), [(ABSTRACT_PAGE, "research-project"), (PAPER_PAGE, "study-paper")]
)
def test_scraped_page_countries_are_the_study_sites_only(page: str, kind: str) -> None:
    record = _parse(page, f"{kind}.html")
    assert record.source.kind == kind
    # the page's top heading, not the banner, a badge or the journal line above it
    assert record.programme.name.startswith("Cash transfers and school attendance")
    (study,) = record.studies
    assert study.countries == ["MW"]  # not US (banner, printer), CA, AU (affiliations) ...
    assert study.design is not None and study.design.value == "cluster-rct"
    assert study.timepoints_months == [12, 24]
    spans = _spans(record)
    assert len(spans) >= 3
    for original, evidence in spans:
        assert original[evidence.start : evidence.end] == evidence.text, evidence


def test_without_cleaning_the_page_chrome_would_leak() -> None:
    """The fixtures do carry other countries inside the fields extraction runs on."""
    record = _parse(ABSTRACT_PAGE, "abstract.html")
    raw = extract_text(record.programme.summary or "", source="raw")
    assert {c.code for c in raw.countries} - {"MW"}
    paper = _parse(PAPER_PAGE, "paper.html")
    raw = extract_text(paper.programme.summary or "", source="raw")
    assert {c.code for c in raw.countries} - {"MW"}
