"""Research-project pages from any site, one test per label style, and refused non-programme
pages (help pages, other clearinghouses), as text renders and as HTML.

The fixtures under ``pages/research`` and ``pages/refuse`` are written for these tests; they
mirror the structure of real pages (chrome lines, label words, order, bullets, blank lines).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencemine.cli import main
from evidencemine.documents import LoadContext, load_document
from evidencemine.documents.model import Document
from evidencemine.errors import NotProgrammePageError, ParseError
from evidencemine.models import ProgrammeRecord
from evidencemine.output import schema_errors
from evidencemine.pipeline import parse_page
from evidencemine.sources import classify, detect_kind, parse_document, research_project
from evidencemine.sources.research_project import read_date

PAGES = Path(__file__).parent / "pages"
RESEARCH, REFUSE = PAGES / "research", PAGES / "refuse"
URLS = {
    "hra_bullets": "https://www.hra.example/research-summaries/coaching-fathers-feasibility-rct-v2",
    "registry_same_line": "https://www.registry.example/ISRCTN98765432",
    "eef_pairs": "https://eef.example/projects-and-evaluation/projects/number-stories/",
    "trials_unit_key_facts": "https://trials.example/studies-and-trials/view/project-steady",
    "university_headings": "https://uni.example/health/research/projects/steps",
    "show_menu_slug": "https://pedal.example/projects/item/play-and-talk",  # slug ≠ title
    "breadcrumb": "http://centre.example/projects/kinship-carers-support-evaluation",
    "pipe_tail": "https://uni.example/centres/family/research/ssah/",  # the title's initials
    "registry_table": "https://www.registry.example/ISRCTN11223344",
    "registry_glued_no_title": "https://www.registry.example/ISRCTN44332211",
}
FIXTURES = sorted(RESEARCH.iterdir())


def _document(path: Path, url: str | None = None) -> Document:
    return load_document(path.read_bytes(), LoadContext(url=url, path=str(path)))


def _record(name: str, ext: str = "txt") -> ProgrammeRecord:
    return parse_page(_document(RESEARCH / f"{name}.{ext}", URLS[name]))


def _json(record: ProgrammeRecord) -> str:
    return record.model_dump_json()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_parses_to_a_valid_research_record(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(path), "--url", URLS[path.stem]]) == 0
    data = json.loads(capsys.readouterr().out)
    assert schema_errors(data) == []
    assert data["source"]["kind"] == "research-project"
    assert all(value is None for value in data["programme"]["ratings"].values())
    text = json.dumps(data).lower()
    for chrome in ("skip to", "show menu", "document actions", "you are here", "bookmark"):
        assert chrome not in text, chrome


@pytest.mark.parametrize("ext", ["txt", "html"])
def test_label_on_one_line_value_on_the_next(ext: str) -> None:
    """HRA: bullet labels, each value on the line below; a section label over paragraphs."""
    record = _record("hra_bullets", ext)
    (study,) = record.studies
    assert record.programme.name == "Coaching Fathers Feasibility RCT V2"
    assert study.fields["Research type"] == "Research Study"
    assert study.fields["Full title"].startswith("Coaching Fathers: a Feasibility")
    assert study.fields["Sponsor organisation"] == "Northfield Community Health NHS Trust"
    assert [(m.name, m.role) for m in record.programme.team] == [("Nadia Okafor", "contact")]
    assert {(r.registry, r.id) for r in study.registrations} == {
        ("ISRCTN", "ISRCTN55501234"),
        ("IRAS", "284410"),
    }
    assert study.dates is not None and study.dates.duration == "2 years, 0 months, 14 days"
    summary = record.programme.summary or ""
    assert summary.startswith("Fathers are rarely") and summary.endswith("12 months later.")
    assert study.sample is not None and study.sample.size is not None
    assert (study.sample.size.total, study.sample.size.unit) == (96, "father")
    assert record.warnings == []


def test_registry_labels_on_the_same_line_without_colon() -> None:
    """ISRCTN: "IRAS number 301234" on one line; dates under their labels; "Nil Known"."""
    record = _record("registry_same_line")
    (study,) = record.studies
    assert record.programme.name.endswith("in community nurseries")  # no final full stop
    assert [(r.registry, r.id) for r in study.registrations] == [
        ("ISRCTN", "ISRCTN98765432"),
        ("IRAS", "301234"),
        ("NCT", "NCT04455667"),
    ]
    assert study.dates is not None
    dates = (study.dates.submitted, study.dates.registered, study.dates.last_edited)
    assert dates == ("2022-02-03", "2022-03-17", "2024-01-09")
    assert study.fields["Recruitment status"] == "Recruiting"
    assert "EudraCT/CTIS number" not in study.fields  # "Nil Known" is absence
    assert (record.programme.summary or "").startswith("Sharing picture books")
    assert record.warnings == []  # the slug is the registration id


def test_registry_copy_with_table_rows_and_bulleted_labels() -> None:
    """ "| Funder | … |" rows and "- Submission date" / "- 12/05/2011" bullets; "Not provided at
    time of registration" is no summary; "Study design" wins over "Primary study design"."""
    record = _record("registry_table")
    (study,) = record.studies
    assert record.programme.name == "Group parenting for toddlers with sleep problems"
    assert record.programme.funders == [
        "Eastbridge Children's Charity Research Fund and the Northfield Health Research Committee"
    ]
    assert [r.id for r in study.registrations] == ["ISRCTN11223344", "NCT01122334"]
    assert study.dates is not None
    assert (study.dates.submitted, study.dates.last_edited) == ("2011-05-12", "2014-03-02")
    assert study.design is not None and study.design.label == "Randomised controlled trial"
    assert study.fields["Sponsor"] == "University of Eastbridge (UK)"
    assert "Not provided" not in (record.programme.summary or "")


def test_registry_copy_without_a_title_line_and_with_glued_labels() -> None:
    """A copy that starts with labels is named by its "Scientific title", read whole even
    with a label word inside ("… nursery setting: a randomised …")."""
    record = _record("registry_glued_no_title")
    (study,) = record.studies
    assert record.programme.name == (
        "Helping shy preschoolers in the nursery setting: "
        "a randomised controlled trial of a parent course"
    )
    assert study.design is not None and study.design.value == "rct"
    assert study.dates is not None and study.dates.submitted == "2012-10-05"
    assert "11/12/2012" not in record.programme.name


@pytest.mark.parametrize("ext", ["txt", "html"])
def test_key_facts_start_and_end_dates_same_line(ext: str) -> None:
    record = _record("trials_unit_key_facts", ext)
    (study,) = record.studies
    assert record.programme.name == "Project STEADY"
    assert study.dates is not None
    assert (study.dates.start, study.dates.end) == ("2011-03-01", "2015-06-30")
    assert study.fields["Grant value"] == "£1,234,567"
    assert study.design is not None and study.design.value == "cluster-rct"
    assert study.countries == ["GB"]
    assert "general enquiries" not in _json(record).lower()


@pytest.mark.parametrize("ext", ["txt", "html"])
def test_several_label_value_pairs_on_one_line(ext: str) -> None:
    """EEF: "Pupils: 2410 Schools: 96 Grant: £640k"; a site-name prefix on the title; the
    cost/strength/impact boxes are glossary text, not ratings."""
    record = _record("eef_pairs", ext)
    (study,) = record.studies
    assert record.programme.name == "Number Stories"
    assert study.sample is not None and study.sample.text == "2410 pupils, 96 schools"
    assert study.sample.size is not None and study.sample.size.total == 2410
    assert study.design is not None and study.design.label == "Efficacy Trial"
    assert study.fields["Key Stage"] == "1" and study.fields["Grant"] == "£640k"
    assert study.dates is not None and study.dates.completed == "2021-03"
    assert study.dates.duration == "3 year(s) 2 month(s)"
    assert record.programme.funders == ["EEF"]
    assert [(m.name, m.role) for m in record.programme.team] == [
        ("University of Northfield", "independent evaluator")
    ]
    ratings = record.programme.ratings
    assert ratings.evidence is None and ratings.cost is None
    text = _json(record)
    assert "How much a school would spend" not in text and "logo" not in text


@pytest.mark.parametrize("ext", ["txt", "html"])
def test_aim_and_funding_headings(ext: str) -> None:
    record = _record("university_headings", ext)
    assert record.programme.name.startswith("Evaluation of 'STEPS'")
    assert record.programme.name.endswith("what helps it work")
    assert (record.programme.summary or "").startswith("The aim of this STEPS study")
    assert record.programme.funders == ["Children's Health Research Programme"]


def test_show_menu_chrome_and_a_slug_that_names_something_else() -> None:
    record = _record("show_menu_slug")
    assert record.programme.name == "Little Builders"
    (warning,) = record.warnings
    assert warning.code == "name-slug-disagree"
    assert "play and talk" in (warning.message or "") and "name wins" in (warning.message or "")
    (study,) = record.studies
    assert study.dates is not None and (study.dates.start, study.dates.end) == ("2016", "2020")
    # who the study took, from "we invited 240 families" (not the three centres they came from)
    assert study.sample is not None and study.sample.text == "240 families"
    assert study.sample.size is not None and study.sample.size.total == 240


@pytest.mark.parametrize("ext", ["txt", "html"])
def test_breadcrumb_chrome_team_and_dates_from_the_text(ext: str) -> None:
    record = _record("breadcrumb", ext)
    (study,) = record.studies
    assert record.programme.name == "Kinship Carers Support Evaluation"
    assert [(m.name, m.role) for m in record.programme.team] == [
        ("Dr Helen Marsh", "director"),
        ("Owen Price", "co-investigator"),
        ("Ruth Adeyemi", "co-investigator"),
    ]
    assert study.dates is not None
    assert (study.dates.start, study.dates.end) == ("2014-09", "2017-08")
    assert record.warnings == []


def test_pipe_list_tail_is_chrome_and_initials_slug_agrees() -> None:
    record = _record("pipe_tail")
    assert record.programme.name == "Safe Start at Home"
    assert record.programme.funders == ["Family Futures Trust"]
    text = _json(record)
    assert "Referrers" not in text and "|" not in text
    assert record.warnings == []  # "ssah" is the title's initials


def test_registration_ids_are_read_from_free_text() -> None:
    page = (
        "Better Bedtimes Trial\n\n"
        "This randomised trial of a bedtime routine programme for parents is registered as "
        "ISRCTN 12345678 and NCT01234567 (EudraCT 2019-001234-56; ACTRN12619000123456). "
        "It is funded by the Sleep Well Foundation.\n"
    )
    document = load_document(page.encode(), LoadContext(path="bedtimes.txt"))
    assert detect_kind(document) == "research-project"
    record = parse_document(document)
    ids = [(r.registry, r.id) for r in record.studies[0].registrations]
    assert ids == [
        ("ISRCTN", "ISRCTN12345678"),
        ("NCT", "NCT01234567"),
        ("EudraCT", "2019-001234-56"),
        ("ACTRN", "ACTRN12619000123456"),
    ]
    assert record.programme.funders == ["Sleep Well Foundation"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/08/2021", "2021-08-02"),
        ("1 Sep 2009", "2009-09-01"),
        ("31 Dec 2014", "2014-12-31"),
        ("July 2018", "2018-07"),
        ("Jul 2018", "2018-07"),
        ("2015", "2015"),
        ("2020-03-05", "2020-03-05"),
        ("31/02/2021", None),
        ("no date here", None),
    ],
)
def test_read_date(text: str, expected: str | None) -> None:
    assert read_date(text) == expected


# --- refusals ------------------------------------------------------------------------------


REFUSALS = {
    "eif_faq.txt": "help page",
    "eif_faq.html": "help page",
    "eif_faq_questions.txt": "help page",
    "eif_getting_assessed.txt": "help page",
    "acf_clearinghouse.txt": "Title IV-E Prevention Services Clearinghouse",
    "acf_clearinghouse.html": "Title IV-E Prevention Services Clearinghouse",
    "scotland_framework.txt": "NHS Scotland Early Intervention Framework",
    "scotland_framework.html": "NHS Scotland Early Intervention Framework",
}


@pytest.mark.parametrize(("name", "why"), sorted(REFUSALS.items()))
def test_non_programme_pages_are_refused_with_a_one_line_reason(
    name: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(REFUSE / name)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert name in line and "refused:" in line and why in line


@pytest.mark.parametrize(
    ("url", "why"),
    [
        (
            "http://guidebook.eif.org.uk/about-the-guidebook/getting-your-programme-assessed/",
            "help",
        ),
        ("https://preventionservices.acf.hhs.gov/programs/900/show", "clearinghouse"),
        ("https://earlyinterventionframework.nhs.scot/programmes/calm-kids", "clearinghouse"),
        ("https://homvee.acf.hhs.gov/effectiveness/Some%20Model/In%20Brief", "clearinghouse"),
    ],
)
def test_refused_by_host_whatever_the_content(url: str, why: str) -> None:
    """A page on another clearinghouse's host, or off a guidebook's programme paths, is refused
    even when its text reads like a research project."""
    document = _document(RESEARCH / "breadcrumb.txt", url)
    with pytest.raises(NotProgrammePageError, match=why):
        detect_kind(document)


def test_a_forced_kind_does_not_make_a_help_page_a_programme() -> None:
    document = _document(REFUSE / "eif_getting_assessed.txt")
    with pytest.raises(NotProgrammePageError):
        parse_document(document, kind="eif-guidebook")


# --- guidebook pages are never research pages -------------------------------------------------

EIF_PAGE = """Skip to content

Bright Steps

Evidence rating
3
Cost rating
2
Review: Foundations for Life, July 2016

Bright Steps is a group programme for parents of toddlers, tested in a randomised controlled
trial funded by the Example Trust.

EIF Programme Assessment

Evidence rating

Bright Steps has evidence of a short-term positive impact from at least one rigorous study.
"""
FOUNDATIONS_PAGE = """Bright Steps

Bright Steps is for parents of toddlers; the study of this programme was a randomised trial.

Population characteristics as evaluated

1 to 3 years old

Level of need: Targeted-selected

Model characteristics

Group

Setting: Community centre.
Evidence rating:
Cost rating:
"""
MIRROR_PAGE = """Skip to main content
Skip to main content
Bright Steps
What Works logo
Evidence rating: 3+
Cost rating: 2

Bright Steps is a group programme for parents of toddlers evaluated in our study.
"""


@pytest.mark.parametrize("page", [EIF_PAGE, FOUNDATIONS_PAGE, MIRROR_PAGE])
def test_guidebook_pages_are_not_taken_for_research_pages(page: str) -> None:
    document = load_document(page.encode(), LoadContext(path="page.txt"))
    assert classify.is_guidebook(document)
    assert classify.refusal(document) is None
    assert research_project.detect(document) == 0.0


def test_seeds_are_neither_refused_nor_confused(seeds_dir: Path) -> None:
    eif = _document(seeds_dir / "000_a4d4c1a7dfc6b4f0.txt")
    project = _document(seeds_dir / "004_fcc6b16e27ae857a.txt")
    assert classify.is_guidebook(eif) and research_project.detect(eif) == 0.0
    assert classify.refusal(eif) is None and classify.refusal(project) is None
    assert detect_kind(project) == "research-project"


PROSE_FIRST = (
    "This project was paused during the school closures. As a result, the sessions were moved "
    "online and the follow-up was delayed by a year.\n\n"
    "Word Builders is a home-visiting programme for families of two-year-olds. The trial will "
    "recruit 180 families in four local authorities, funded by the Early Words Trust.\n"
)


def test_a_copy_that_opens_with_prose_has_no_title_rather_than_a_wrong_one() -> None:
    document = load_document(PROSE_FIRST.encode(), LoadContext(path="prose.txt"))
    assert detect_kind(document) == "research-project"
    with pytest.raises(ParseError, match="no project title"):
        parse_document(document)


def test_html_title_names_a_page_whose_body_opens_with_prose() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PROSE_FIRST.split("\n\n"))
    page = f"<html><head><title>Word Builders | Trials Hub</title></head><body>{paragraphs}"
    document = load_document(page.encode(), LoadContext(url="https://hub.example/word-builders"))
    record = parse_document(document)
    assert record.programme.name == "Word Builders"
    assert record.programme.funders == ["Early Words Trust"]


def test_a_research_page_with_question_headings_naming_the_guidebook_is_not_a_help_page() -> None:
    page = (
        "Calm Start: a trial for families with toddlers\n\n"
        "Why did we do this research?\n\n"
        "Tantrums are common, and the EIF Guidebook lists few programmes for this age group.\n\n"
        "How did we do it?\n\n"
        "We invited 200 families to take part and randomly allocated them to two groups.\n\n"
        "What did we find?\n\n"
        "Children in the programme group had fewer behaviour problems a year later.\n"
    )
    document = load_document(page.encode(), LoadContext(path="calm-start.txt"))
    assert classify.refusal(document) is None
    assert detect_kind(document) == "research-project"
    assert (
        parse_document(document).programme.name == "Calm Start: a trial for families with toddlers"
    )
