"""Field rules on short texts written for these tests: each trap the issue lists."""

from __future__ import annotations

import pytest

from evidencemine.nlp import extract_text


def _x(text: str, source: str = "test"):
    return extract_text(text, source=source)


# --- page fields (the phrases the page adapter passes) ------------------------------------


@pytest.mark.parametrize(
    ("text", "design"),
    [
        ("RCT", "rct"),
        ("QED", "quasi-experimental"),
        ("Randomised Controlled Trial of Video Feedback for Fathers", "rct"),
        ("Cluster randomised controlled trial", "cluster-rct"),
        ("Pre-post study", "pre-post"),
    ],
)
def test_design_page_field(text: str, design: str) -> None:
    found = _x(text, "page:design").design
    assert found is not None and found.value == design
    assert found.evidence.source == "page:design"
    assert text[found.evidence.start : found.evidence.end] == found.evidence.text


def test_sample_size_ignores_age_of_infant() -> None:
    text = "100 Spanish-speaking mothers with depressive symptoms and a 12-month infant"
    size = _x(text, "page:sample").sample_size
    assert size is not None and size.total == 100 and size.unit == "mother"
    assert _x(text).countries == []  # Spanish-speaking is a language, not Spain


def test_sample_size_subgroup_of_whom() -> None:
    text = "212 fathers, 140 of whom were at risk of harsh parenting"
    size = _x(text, "page:sample").sample_size
    assert size is not None and (size.total, size.unit) == (212, "father")
    assert [(s.n, s.description) for s in size.subgroups] == [(140, "at risk of harsh parenting")]


def test_country_page_field() -> None:
    found = _x("United States", "page:country").countries
    assert [c.code for c in found] == ["US"]
    assert found[0].evidence.text == "United States"


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Improved attachment security", "attachment security"),
        ("Increased empathic behaviour", "empathic behaviour"),
        ("Reduced behaviour problems", "behaviour problems"),
    ],
)
def test_outcome_list_items_are_positive(text: str, outcome: str) -> None:
    outcomes = _x(text, "page:outcomes").outcomes
    assert [(o.outcome, o.direction) for o in outcomes] == [(outcome, "positive")]


# --- sample size --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("Seventy-six mothers were randomised to the two arms.", 76),
        ("The trial (N = 210) compared two treatments for anxious children.", 210),
        ("Mothers were randomised to video feedback (n = 40) or usual care (n = 36).", 76),
        ("A total of 1,206 first-time mothers were recruited in pregnancy.", 1206),
        ("We enrolled one hundred and twenty families with toddlers.", 120),
        # a number labelling a modifier is not a count, and does not hide the count before it
        ("A total of 48 type 1 diabetic mothers were randomised to coaching.", 48),
        # the unit belongs to the nearest number: "2" is the study, not the fathers
        ("In study 2 twelve fathers took part in the group sessions.", 12),
        # a hyphenated population ends in its unit
        ("A sample of 406 spouse-caregivers of people with dementia was randomised.", 406),
        # a lone lower-case n = right after its population is the total, not an arm
        ("Parents of toddlers with a language delay (n = 72) were randomised to the course.", 72),
        # the recruitment verb may come after a long noun phrase; the analysed 66 loses
        (
            "Seventy-three families with a child referred to the clinic for severe conduct "
            "problems were randomly assigned to the groups. The remaining 66 families were "
            "followed up for a year.",
            73,
        ),
        # "screen time" is not screening
        ("We surveyed 1,210 parents about screen time and sleep in the home.", 1210),
    ],
)
def test_sample_size_forms(text: str, total: int) -> None:
    size = _x(text).sample_size
    assert size is not None and size.total == total


def test_sample_size_per_arm_only_keeps_arms() -> None:
    size = _x("Families were randomised to PIP (n = 40) or TAU (n = 36).").sample_size
    assert size is not None and size.total == 76
    assert [(a.label, a.n) for a in size.arms] == [("PIP", 40), ("TAU", 36)]


@pytest.mark.parametrize(
    "text",
    [
        "Children aged 12 months were observed in 2015 during 12 weekly sessions.",
        "About 45% of mothers completed the 20-item questionnaire at 6 months.",
        "The programme offers 10 home visits over 24 weeks.",
    ],
)
def test_sample_size_never_ages_years_percentages_or_sessions(text: str) -> None:
    assert _x(text).sample_size is None


def test_sample_size_randomised_and_analysed() -> None:
    text = (
        "Sixty-four families were randomized to parent training or usual care; "
        "58 families were analysed at follow-up."
    )
    size = _x(text).sample_size
    assert size is not None
    assert (size.total, size.randomised, size.analysed) == (64, 64, 58)


def test_sample_size_cluster_trial_counts_participants() -> None:
    text = (
        "Forty-five primary schools were randomised and 3,218 pupils took part in this "
        "cluster randomised trial."
    )
    size = _x(text).sample_size
    assert size is not None and (size.total, size.unit, size.clusters) == (3218, "pupil", 45)


def test_sample_size_review_counts_included_studies() -> None:
    text = (
        "A systematic review. We screened 2,314 records; 14 trials with 5,020 participants "
        "met our inclusion criteria."
    )
    size = _x(text).sample_size
    assert size is not None and size.total == 14 and size.studies_included


def test_sample_size_screened_is_not_the_total() -> None:
    text = "Of 1,112 parents approached, 462 consented and were randomised."
    size = _x(text).sample_size
    assert size is not None and size.total == 462


# --- countries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("The trial took place in six sites in the U.S.", ["US"]),
        ("Families were recruited in Scotland and Wales.", ["GB"]),
        ("A trial with 120 Dutch families.", ["NL"]),
        ("Mothers were recruited in Belfast, Northern Ireland.", ["GB"]),
        ("Clinics in Ontario took part.", ["CA"]),
    ],
)
def test_countries_aliases_demonyms_places(text: str, codes: list[str]) -> None:
    assert [c.code for c in _x(text).countries] == codes


def test_countries_ignore_affiliation_and_cited_work() -> None:
    text = (
        "Department of Psychology, University of Oslo, Norway. Previous trials in the USA "
        "have shown benefits (Olds et al., 1997). We randomised 200 families in Denmark."
    )
    assert [c.code for c in _x(text).countries] == ["DK"]


def test_countries_ignore_programme_origin_and_ethnic_groups() -> None:
    text = (
        "The programme, originally developed in the United States, was tested with 300 "
        "Mexican American mothers in a trial conducted in England."
    )
    assert [c.code for c in _x(text).countries] == ["GB"]


# --- time points and comparison -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("Assessments took place at baseline and at 6 and 12 months.", [0, 6, 12]),
        ("Outcomes were measured at the one-year follow-up.", [12]),
        ("We report 6- and 18-month follow-ups.", [6, 18]),
        ("Effects were maintained 26 weeks after treatment ended.", [6]),
        # a list written out unit by unit continues the first point, ages excepted
        ("Families were assessed at baseline, 5 months and 12 months.", [0, 5, 12]),
        ("Visits at 3 months, 6 months and 2 years were completed.", [3, 6, 24]),
        ("Babies were filmed at 6 months and 12 months of age.", []),
    ],
)
def test_timepoints(text: str, months: list[float]) -> None:
    assert _x(text).timepoints_months == months


def test_timepoints_ignore_ages_and_durations() -> None:
    text = "Infants aged 6 months took part in a 12-month programme; 18-month-old toddlers too."
    assert _x(text).timepoints_months == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Mothers were randomised to PIP or treatment as usual.", "treatment as usual"),
        ("Parents were randomly assigned to the programme or a waiting list.", "wait-list"),
        ("The comparison group received standard child health services.", "usual care"),
        # the second arm of the assignment says what it is
        ("Parents were randomly assigned to weekly text messages or no messages.", "no treatment"),
        ("Villages were randomised to early or late roll-out of the grants.", "wait-list"),
        (
            "Carers were allocated to the course or a control intervention of home safety advice.",
            "active comparison",
        ),
        ("Dyads were randomised to the therapy or case management.", "usual care"),
        (
            "We compared 300 families in the programme with 300 families who did not.",
            "no treatment",
        ),
    ],
)
def test_comparison(text: str, value: str) -> None:
    found = _x(text).comparison
    assert found is not None and found.value == value
    assert text[found.evidence.start : found.evidence.end] == found.evidence.text


@pytest.mark.parametrize(
    "text",
    [
        "Parents were randomly assigned to weekly or monthly visits.",  # two active arms
        "Children who did not attend school were excluded.",  # no comparison
        "Mothers were randomised to the programme or to a control condition.",  # kind unknown
    ],
)
def test_comparison_not_guessed(text: str) -> None:
    assert _x(text).comparison is None


# --- outcomes -----------------------------------------------------------------------------


def test_outcomes_null_and_negative_results() -> None:
    text = (
        "There were no significant differences between groups in maternal sensitivity or "
        "parenting stress. Intervention children had more behaviour problems than controls."
    )
    found = {o.outcome: o.direction for o in _x(text).outcomes}
    assert found == {
        "maternal sensitivity": "null",
        "parenting stress": "null",
        "behaviour problems": "negative",
    }


def test_outcomes_but_not_and_mixed() -> None:
    text = (
        "The intervention improved maternal sensitivity but not infant attachment security. "
        "Infant attachment security was improved at 6 months."
    )
    found = {o.outcome: o.direction for o in _x(text).outcomes}
    assert found == {"maternal sensitivity": "positive", "infant attachment security": "mixed"}


def test_outcomes_skip_background_and_aims() -> None:
    text = (
        "Previous trials have shown improved attachment security. This study aimed to "
        "improve maternal sensitivity."
    )
    assert _x(text).outcomes == []


def test_protocol_is_flagged() -> None:
    text = "Study protocol. Families will be randomised to the programme or usual care."
    design = _x(text).design
    assert design is not None and design.value == "rct" and design.protocol


def test_words_float_reads_as_numbers_are_not_numbers() -> None:
    found = _x("We randomised 12 nan families and 30 inf parents; 1e999 patients were screened.")
    assert found.sample_size is not None  # extraction ran to the end (it used to crash)
    assert (found.sample_size.total, found.sample_size.unit) == (12, "family")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mothers in the programme reported significantly lower levels of depressive "
            "symptoms and improved sensitivity.",
            [("depressive symptoms", "positive"), ("sensitivity", "positive")],
        ),
        (
            "Children had lower levels of anxiety and depression.",
            [("anxiety", "positive"), ("depression", "positive")],
        ),
    ],
)
def test_outcomes_after_levels_of(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(o.outcome, o.direction) for o in _x(text).outcomes] == expected
