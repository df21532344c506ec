"""Research-project pages written here: with and without publications, HTML and text."""

from __future__ import annotations

from evidencemine.documents import LoadContext, load_document
from evidencemine.sources import detect_kind, parse_document

PAGE = """<html><body><h1>Evaluating Group Parenting in Primary Schools</h1>
<h2>Summary</h2><p>This project evaluated the effects of a group parenting course versus a
waiting list for parents of children aged 4 to 7 in Wales.</p>
<h2>Project team</h2><p>Funded by the Example Children's Foundation</p>
<p><strong>Principal Investigators:</strong> Sam Jones and Ana López</p>
{publications}
<div><h3>Our use of cookies</h3><p>We use cookies to improve the site.</p></div>
</body></html>"""
PUBLICATIONS = """<h2>Publications</h2>
<p>Jones, S., &amp; López, A. (2019). Group parenting in schools: a randomised trial.
<em>Child Care in Practice</em>, 25(3), 201-215. https://doi.org/10.1000/ccp.2019.3</p>"""


def _parse(publications: str) -> object:
    page = PAGE.format(publications=publications).encode()
    document = load_document(page, LoadContext(url="https://uni.example/research/group-parenting"))
    assert detect_kind(document) == "research-project"
    return parse_document(document)


def test_project_with_publication() -> None:
    record = _parse(PUBLICATIONS)
    programme = record.programme  # type: ignore[attr-defined]
    assert record.id == "research-project/group-parenting"  # type: ignore[attr-defined]
    assert programme.intervention == "a group parenting course"
    assert programme.comparison == "a waiting list"
    assert programme.funders == ["the Example Children's Foundation"]
    assert [(m.name, m.role) for m in programme.team] == [
        ("Sam Jones", "principal investigator"),
        ("Ana López", "principal investigator"),
    ]
    (study,) = record.studies  # type: ignore[attr-defined]
    (ref,) = study.references
    assert ref.identifiers.doi == "10.1000/ccp.2019.3"
    assert ref.csl.container_title == "Child Care in Practice"
    assert "cookie" not in str(record).lower()


def test_project_without_publications() -> None:
    record = _parse("")
    (study,) = record.studies  # type: ignore[attr-defined]
    assert study.references == []
    assert record.programme.summary.startswith("This project evaluated")  # type: ignore[attr-defined]


TEAM_LIST_PAGE = """<html><body><h1>Video feedback for fathers: a randomised trial</h1>
<h2>Project summary</h2><p>This trial tested video feedback against usual care for fathers
of toddlers. 140 fathers in Leeds were randomly allocated to the two arms.</p>
<h2>Funder</h2><p>National Institute for Health Research</p>
<h2>Research team</h2>
<ul><li>Dr Ana Costa, principal investigator</li><li>Tom Reid (research assistant)</li>
<li>Priya Shah – trial manager</li><li>Sam Lee</li></ul>
</body></html>"""


def test_team_as_a_list_and_sample_stated_in_the_summary() -> None:
    from evidencemine.pipeline import parse_page  # adapter plus the page-field rules

    context = LoadContext(url="https://uni.example/research/video-feedback-fathers")
    record = parse_page(load_document(TEAM_LIST_PAGE.encode(), context))
    team = [(m.name, m.role) for m in record.programme.team]
    assert team == [
        ("Dr Ana Costa", "principal investigator"),
        ("Tom Reid", "research assistant"),
        ("Priya Shah", "trial manager"),
        ("Sam Lee", None),
    ]
    assert record.programme.funders == ["National Institute for Health Research"]
    (study,) = record.studies
    assert study.sample is not None and study.sample.size is not None
    assert (study.sample.size.total, study.sample.size.unit) == (140, "father")
    assert study.sample.size.evidence.source.endswith("/summary")
    assert study.countries == ["GB"]
    assert record.programme.comparison == "usual care"  # from the summary, as printed
    assert study.comparison is not None and study.comparison.value == "usual care"
