"""The guidebook page families of docs/layouts.md, as HTML and as plain text.

Fixtures under tests/core/pages/ are written for this repository (fictional programmes); they
mirror the real layouts' structure: chrome lines, label words, block order, blank lines,
bullets, degraded copies. Each "difference a parser must handle" has a test below.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evidencemine.cli import main
from evidencemine.documents import LoadContext, load_document
from evidencemine.errors import ParseError, UnknownKindError
from evidencemine.models import ProgrammeRecord
from evidencemine.output import schema_errors
from evidencemine.pipeline import RunOptions, ingest
from evidencemine.settings import Settings
from evidencemine.sources import parse_document
from evidencemine_demo.localserver import LocalServer, Reply, Request

PAGES = Path(__file__).parent / "pages"
EIF = "https://guidebook.eif.org.uk/programme/"
FDN = "https://foundations.org.uk/toolkit/guidebook/"
HUB = "https://whatworks.gov.ie/hub-search/report/"
CHROME = (
    "Skip to content",
    "Skip to main content",
    "What Works logo",
    "Review:",
    "What does the evidence rating mean?",
    "Document Actions",
)

# file, URL, kind, name, evidence label, cost label, warning codes
CASES: list[tuple[str, str | None, str, str, str | None, str | None, set[str]]] = [
    ("eif/eif_2016_digits.txt", EIF + "little-lanterns-reading-circle-group", "eif-guidebook",
     "Little Lanterns Reading Circle (Group)", "2", "3", set()),
    ("eif/eif_2016_digits.html", EIF + "little-lanterns-reading-circle-group", "eif-guidebook",
     "Little Lanterns Reading Circle (Group)", "2", "3", set()),
    ("eif/eif_2018_images.txt", EIF + "harbour-steps", "eif-guidebook", "Harbour Steps", "3+",
     "2", {"name-from-sentence", "rating-from-explanation"}),
    ("eif/eif_images.html", EIF + "harbour-steps", "eif-guidebook", "Harbour Steps", "3+", "2",
     set()),
    ("eif/eif_2019_later.txt", "https://guidebook.eif.org.uk/programmes/bright-beginnings-home-"
     "nurse-visits?region=uk", "eif-guidebook", "Bright Beginnings Home Nurse Visits", "4+", "5",
     set()),
    ("eif/eif_split_label.html", None, "eif-guidebook", "Bright Beginnings Home Nurse Visits",
     "4+", "5", set()),
    ("eif/eif_degraded.txt", EIF + "pathfinder-resilience-lessons-uk-schools-version",
     "eif-guidebook", "Pathfinder Resilience Lessons (UK schools version)", "2", "1",
     {"rating-from-explanation"}),
    ("eif/eif_noalt.html", EIF + "pathfinder-resilience-lessons-uk-schools-version",
     "eif-guidebook", "Pathfinder Resilience Lessons (UK schools version)", "2", None,
     {"rating-from-explanation", "value-not-read"}),
    ("foundations/fdn_labelled.txt", FDN + "little-lanterns-reading-circle-group",
     "foundations-guidebook", "Little Lanterns Reading Circle-Group (LLRC-G)", None, None,
     {"value-not-read"}),
    ("foundations/fdn_labelled.html", None, "foundations-guidebook",
     "Little Lanterns Reading Circle-Group (LLRC-G)", "3+", "2", set()),
    ("foundations/fdn_condensed.txt", FDN + "harbour-steps-families", "foundations-guidebook",
     "Harbour Steps Families", None, None, set()),
    ("foundations/fdn_condensed.html", None, "foundations-guidebook", "Harbour Steps Families",
     None, None, set()),
    ("foundations/fdn_two_delivery.txt", FDN + "early-words-together-20-weeks",
     "foundations-guidebook", "Early Words Together (20 Weeks)", None, None, {"value-not-read"}),
    ("foundations/fdn_file_names.html", FDN + "early-words-together-20-weeks",
     "foundations-guidebook", "Early Words Together (20 Weeks)", "4+", "1", set()),
    ("foundations/fdn_setting_slot.txt", FDN + "parentplayplus", "foundations-guidebook",
     "Parentplay+", None, None, {"value-not-read"}),
    ("foundations/fdn_no_alt.html", FDN + "parentplayplus", "foundations-guidebook",
     "Parentplay+", None, None, {"value-not-read"}),
    ("mirror/hub_rendered.txt", HUB + "12/Harbour%20Steps", "eif-mirror", "Harbour Steps", "3+",
     "2", set()),
    ("mirror/hub_rendered.html", HUB + "12/Harbour%20Steps", "eif-mirror", "Harbour Steps", "3+",
     "2", set()),
    ("mirror/hub_extracted.txt", HUB + "64/Parentplay+", "eif-mirror", "Parentplay+", None, None,
     set()),
    ("mirror/hub_extracted.html", HUB + "64/Parentplay+", "eif-mirror", "Parentplay+", None, None,
     set()),
    ("mirror/hub_wrong_slug.txt", HUB + "35/MindStep%208-11", "eif-mirror",
     "Little Lanterns Reading Circle (Group)", "2+", "3", {"name-slug-disagree"}),
    ("mirror/hub_wrong_slug.html", None, "eif-mirror", "Little Lanterns Reading Circle (Group)",
     "2+", "3", {"name-slug-disagree"}),
    ("mirror/hub_web_address.txt", HUB + "47/www.earlywords.org.uk", "eif-mirror",
     "Early Words Together (20 weeks)", "3", "1", set()),
    ("mirror/hub_web_address.html", None, "eif-mirror", "Early Words Together (20 weeks)", "3",
     "1", set()),
]  # fmt: skip


def parse(name: str, url: str | None = None) -> ProgrammeRecord:
    path = PAGES / name
    return parse_document(load_document(path.read_bytes(), LoadContext(url=url, path=str(path))))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize(("name", "url", "kind", "title", "evidence", "cost", "codes"), CASES)
def test_fixture_page(
    name: str,
    url: str | None,
    kind: str,
    title: str,
    evidence: str | None,
    cost: str | None,
    codes: set[str],
) -> None:
    record = parse(name, url)
    assert record.source.kind == kind
    assert record.programme.name == title
    ratings = record.programme.ratings
    assert (ratings.evidence.label if ratings.evidence else None) == evidence
    assert (ratings.cost.label if ratings.cost else None) == cost
    assert {w.code for w in record.warnings} == codes
    dumped = record.model_dump(mode="json")
    assert schema_errors(dumped) == []
    fields = dumped["programme"]
    for text in _strings(fields):
        assert not any(text.startswith(chrome) for chrome in CHROME), text


@pytest.mark.parametrize("family", ["eif", "foundations", "mirror"])
def test_cli_parse_gives_a_valid_record_for_each_family(
    family: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [case for case in CASES if case[0].startswith(family + "/")]
    assert len(cases) >= 8
    for name, url, kind, title, *_ in cases:
        args = ["parse", str(PAGES / name), *(["--url", url] if url else [])]
        assert main(args) == 0, name
        record = json.loads(capsys.readouterr().out)
        assert record["schema_version"] == "1.2.0"
        assert (record["source"]["kind"], record["programme"]["name"]) == (kind, title)


def test_at_least_four_fixtures_per_family_in_each_form() -> None:
    for family in ("eif", "foundations", "mirror"):
        files = list((PAGES / family).iterdir())
        assert sum(f.suffix == ".txt" for f in files) >= 4
        assert sum(f.suffix == ".html" for f in files) >= 4


# 1. rating form: next-line digit, empty image, inline "2+", absent, a range, a word tier ----


def _text_page(body: str, url: str | None = EIF + "sample-scheme") -> ProgrammeRecord:
    return parse_document(load_document(body.encode(), LoadContext(url=url, path="page.txt")))


def test_rating_next_line_digit() -> None:
    ratings = parse("eif/eif_2016_digits.txt", EIF + "x").programme.ratings
    assert ratings.evidence is not None and ratings.evidence.level == 2
    assert not ratings.evidence.plus


def test_rating_empty_image_in_text_is_reported_not_null_silently() -> None:
    record = parse("foundations/fdn_labelled.txt", FDN + "little-lanterns-reading-circle-group")
    assert record.programme.ratings.evidence is None
    labels = {(w.code, w.label) for w in record.warnings}
    assert labels == {("value-not-read", "Evidence rating"), ("value-not-read", "Cost rating")}
    assert all(w.place for w in record.warnings)


def test_rating_image_read_from_alt_title_or_file_name() -> None:
    alt = parse("foundations/fdn_labelled.html").programme.ratings
    names = parse("foundations/fdn_file_names.html", FDN + "x").programme.ratings
    title = parse("eif/eif_images.html", EIF + "harbour-steps").programme.ratings
    assert alt.evidence and alt.evidence.label == "3+"
    assert alt.cost and alt.cost.level == 2
    assert names.evidence and names.evidence.label == "4+"
    assert names.cost and names.cost.level == 1
    assert title.cost and title.cost.level == 2


def test_rating_inline_with_plus() -> None:
    ratings = parse("mirror/hub_rendered.txt", HUB + "12/x").programme.ratings
    assert ratings.evidence and (ratings.evidence.level, ratings.evidence.plus) == (3, True)


def test_rating_absent_gives_no_warning() -> None:
    record = parse("foundations/fdn_condensed.txt", FDN + "harbour-steps-families")
    assert record.programme.ratings.evidence is None and record.warnings == []


@pytest.mark.parametrize("value", ["2-3", "Promising", "Supported"])
def test_rating_range_or_word_tier_is_not_read_and_says_so(value: str) -> None:
    record = _text_page(
        f"Skip to content\n\nSample Scheme\n\nEvidence rating: {value}\nCost rating: 2\n\n"
        "EIF Programme Assessment\n\nSample Scheme is a scheme for young children and parents.\n"
    )
    assert record.programme.ratings.evidence is None
    [warning] = [w for w in record.warnings if w.code == "value-not-read"]
    assert warning.label == "Evidence rating" and value in (warning.message or "")


# 2. plus: a heading or inline; copies of one programme can disagree -------------------------


def test_plus_from_the_heading_and_copies_that_disagree() -> None:
    eif_copy = parse("eif/eif_2016_digits.txt", EIF + "little-lanterns-reading-circle-group")
    hub_copy = parse("mirror/hub_wrong_slug.txt", HUB + "35/x")
    assert eif_copy.programme.ratings.evidence and eif_copy.programme.ratings.evidence.label == "2"
    assert hub_copy.programme.ratings.evidence and hub_copy.programme.ratings.evidence.label == "2+"
    later = parse("eif/eif_2019_later.txt", EIF + "x").programme.ratings.evidence
    assert later and later.label == "4+"


# 3. name: missing, titles differing between EIF and Foundations, wrong slugs ---------------


def test_missing_name_read_from_a_sentence_only_when_the_slug_agrees() -> None:
    assert parse("eif/eif_2018_images.txt", EIF + "harbour-steps").programme.name == "Harbour Steps"
    with pytest.raises(ParseError, match="no programme name"):
        parse("eif/eif_2018_images.txt", EIF + "another-scheme-entirely")
    with pytest.raises(ParseError, match="no programme name"):
        parse("eif/eif_2018_images.txt")


def test_titles_differ_between_eif_and_foundations_but_the_id_is_one() -> None:
    eif = parse("eif/eif_2016_digits.html", EIF + "little-lanterns-reading-circle-group")
    fdn = parse("foundations/fdn_labelled.html")
    assert eif.programme.name != fdn.programme.name
    assert eif.id == fdn.id == "eif-guidebook/little-lanterns-reading-circle-group"


def test_wrong_slug_the_page_name_wins_with_a_warning() -> None:
    record = parse("mirror/hub_wrong_slug.txt", HUB + "35/MindStep%208-11")
    [warning] = record.warnings
    assert "page's name wins" in (warning.message or "")
    assert record.id == "eif-mirror/little-lanterns-reading-circle-group"
    web = parse("mirror/hub_web_address.txt", HUB + "47/www.earlywords.org.uk")
    assert web.warnings == [] and web.slug == "early-words-together-20-weeks"


# 4. dates: a Review(s) list, a Published / Last reviewed pair, or nothing -----------------


def test_review_lists_and_dates() -> None:
    named = parse("eif/eif_2018_images.txt", EIF + "harbour-steps").source.reviews
    dated = parse("eif/eif_2019_later.txt", EIF + "x").source.reviews
    assert [(r.name, r.date) for r in named] == [
        ("Foundations for Life", "2016-07"),
        (None, "2018-02"),
    ]
    assert [(r.name, r.date) for r in dated] == [(None, "2016-07"), (None, "2021-01")]
    empty = parse("eif/eif_degraded.txt", EIF + "x")
    assert empty.source.reviews == [] and empty.source.review is None
    fdn = parse("foundations/fdn_labelled.txt", FDN + "x").source
    assert (fdn.published, fdn.last_reviewed) == ("2025-04", "2016-07")


# 5. outcomes: inline; separate line plus bullets; nested bullets; degraded ----------------


def test_outcomes_inline() -> None:
    record = parse("eif/eif_2016_digits.txt", EIF + "x")
    outcomes = record.programme.child_outcomes
    assert [(o.outcome, o.studies) for o in outcomes] == [
        ("Improved early reading", [1]),
        ("Improved listening vocabulary", [1]),
    ]
    assert {o.domain for o in outcomes} == {"Enhancing school achievement & employment"}
    assert record.programme.has_family_outcomes


@pytest.mark.parametrize("name", ["eif/eif_2019_later.txt", "eif/eif_split_label.html"])
def test_outcomes_with_statements(name: str) -> None:
    first, second = parse(name, EIF + "x").programme.child_outcomes
    assert (first.outcome, first.studies) == ("Improved attachment security", [2])
    [statement] = first.statements
    assert statement.text.startswith("12% more children")
    assert (statement.score, statement.timeframe, statement.studies) == (
        6.0,
        "1 year after the intervention",
        [2],
    )
    assert second.domain == "Preventing child maltreatment" and second.statements[0].score == 9.0


@pytest.mark.parametrize("name", ["foundations/fdn_labelled.txt", "foundations/fdn_labelled.html"])
def test_outcomes_nested_bullets(name: str) -> None:
    outcomes = parse(name, FDN + "x").programme.child_outcomes
    assert [(o.domain, o.outcome) for o in outcomes] == [
        ("Enhancing school achievement & employment", "Improved early reading"),
        ("Enhancing school achievement & employment", "Improved listening vocabulary"),
        ("Supporting children’s mental health and wellbeing", "Improved confidence"),
    ]


def test_outcomes_degraded() -> None:
    outcomes = parse("eif/eif_degraded.txt", EIF + "x").programme.child_outcomes
    assert [(o.outcome, o.studies) for o in outcomes] == [
        ("Reduced worried thoughts", []),
        ("Improved mood", []),
    ]


# 6. currency ---------------------------------------------------------------------------------


def test_cost_bands_in_pounds_and_euros() -> None:
    pounds = parse("eif/eif_2016_digits.txt", EIF + "x").programme.ratings.cost
    euros = parse("mirror/hub_rendered.txt", HUB + "1/x").programme.ratings.cost
    assert (
        pounds
        and pounds.band
        and (pounds.band.currency, pounds.band.min, pounds.band.max)
        == (
            "GBP",
            500.0,
            999.0,
        )
    )
    assert euros and euros.band and euros.band.currency == "EUR"
    assert (euros.band.min, euros.band.max, euros.band.conversion_rate) == (125.0, 599.0, 1.19)
    below = parse("mirror/hub_web_address.txt").programme.ratings.cost
    assert below and below.band and (below.band.min, below.band.max) == (None, 125.0)


# 7. same address, different text ------------------------------------------------------------


def test_same_address_labelled_and_condensed_capture() -> None:
    url = FDN + "harbour-steps-families"
    condensed = parse("foundations/fdn_condensed.txt", url)
    assert condensed.id == "eif-guidebook/harbour-steps-families"
    population = condensed.programme.population_evaluated
    assert population and (population.age_min_years, population.age_max_years) == (10.0, 14.0)
    assert condensed.programme.model_characteristics
    assert condensed.programme.model_characteristics.delivery == ["Group"]
    assert (condensed.programme.uk_available, condensed.programme.uk_tested) == (True, True)


# 8. Foundations blocks and mirror facets -----------------------------------------------------


def test_foundations_population_and_model_characteristics() -> None:
    programme = parse("foundations/fdn_two_delivery.txt", FDN + "x").programme
    population, model = programme.population_evaluated, programme.model_characteristics
    assert population and population.level_of_need == ["Targeted-indicated"]
    assert population.race_ethnicity == []  # "Not reported" is absence
    assert model and model.delivery == ["Group", "Individual"]
    assert model.setting == ["Nursery", "Primary school"]
    assert model.workforce == "Teaching assistants trained by speech and language therapists"
    months = parse("foundations/fdn_setting_slot.txt", FDN + "x").programme
    assert months.population_evaluated and months.population_evaluated.age_min_years == 1.5
    assert months.model_characteristics and months.model_characteristics.delivery == ["Home"]
    assert (months.uk_available, months.uk_tested) == (True, None)


@pytest.mark.parametrize("name", ["mirror/hub_extracted.txt", "mirror/hub_extracted.html"])
def test_mirror_facets(name: str) -> None:
    programme = parse(name, HUB + "64/Parentplay+").programme
    chars = programme.characteristics
    assert chars.age_groups == ["Toddlers", "Preschool"]
    assert (chars.delivery_models, chars.settings) == (["Individual"], ["Home"])
    assert chars.targeting == ["Targeted selective"]
    assert programme.countries == ["BM", "IE", "US"]
    headings = [s.heading for s in programme.sections]
    assert {"Ireland provision", "Ireland evaluation", "About the programme"} <= set(headings)


def test_help_page_and_other_clearinghouse_are_not_guidebook_pages() -> None:
    with pytest.raises(UnknownKindError):
        _text_page(
            "Skip to content\n\nGetting your programme assessed\n\nWe explain here how a "
            "provider can ask for an assessment and what happens next in the process.\n",
            url="http://guidebook.eif.org.uk/about-the-guidebook/getting-your-programme-assessed/",
        )


# pipeline: source kind, redirects (one id across the move), warnings in the run report ----


@pytest.fixture
def moved_site() -> Iterator[LocalServer]:
    foundations = (PAGES / "foundations" / "fdn_labelled.html").read_bytes()
    foundations = foundations.replace(b'<link rel="canonical"', b'<link rel="x-ignored"')

    def handle(request: Request) -> Reply | None:
        if request.path == "/programme/little-lanterns-reading-circle-group":
            return Reply(301, b"", headers={"Location": "/toolkit/guidebook/llrc-g"})
        if request.path == "/toolkit/guidebook/llrc-g":
            return Reply(200, foundations)
        return None

    with LocalServer(handle) as server:
        yield server


def test_old_address_redirects_to_foundations_keeping_the_record_id(
    loopback_settings: Settings, moved_site: LocalServer
) -> None:
    old = moved_site.url("/programme/little-lanterns-reading-circle-group")
    report = ingest([old], loopback_settings, RunOptions())
    [programme] = report["programmes"]
    assert programme["status"] == "written", report["errors"]
    assert programme["id"] == "eif-guidebook/little-lanterns-reading-circle-group"
    path = Path(loopback_settings.output.dir) / "programmes" / f"{programme['id']}.json"
    record = json.loads(path.read_text("utf-8"))
    assert record["source"]["kind"] == "foundations-guidebook"
    assert record["source"]["url"] == moved_site.url("/toolkit/guidebook/llrc-g")
    assert record["source"]["aliases"] == [old]
    assert report["warnings"] == {"total": 0, "records": 0, "by_code": {}}


def test_run_report_counts_warnings(loopback_settings: Settings) -> None:
    path = PAGES / "foundations" / "fdn_no_alt.html"
    report = ingest([str(path)], loopback_settings, RunOptions(offline=True))
    assert report["warnings"] == {"total": 2, "records": 1, "by_code": {"value-not-read": 2}}
    assert report["boilerplate"] == {}  # local files: no host to learn from


def test_source_kind_is_preferred_when_its_adapter_accepts_the_page() -> None:
    document = load_document(
        (PAGES / "mirror" / "hub_web_address.txt").read_bytes(), LoadContext(path="p.txt")
    )
    assert parse_document(document).source.kind == "eif-mirror"
    assert parse_document(document, prefer="eif-guidebook").source.kind == "eif-guidebook"
    foundations = load_document(
        (PAGES / "foundations" / "fdn_labelled.html").read_bytes(), LoadContext(path="f.html")
    )
    # an EIF source's page that is plainly a Foundations page stays a Foundations page
    assert parse_document(foundations, prefer="eif-guidebook").source.kind == (
        "foundations-guidebook"
    )


def test_eif_text_render_facets_are_read_from_lines() -> None:
    programme = parse("eif/eif_2016_digits.txt", EIF + "x").programme
    chars = programme.characteristics
    assert chars.age_groups == ["Preschool", "Primary school"]
    assert (chars.delivery_models, chars.settings) == (["Group"], ["Primary school", "Library"])
    assert chars.targeting == ["Targeted selective"]
    assert programme.implemented_in == ["England", "Scotland"] and programme.countries == ["GB"]
    assert not {"Group", "Library"} & {s.heading for s in programme.sections}
