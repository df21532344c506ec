"""Day and hour time points (texts written for these tests); months as 12/365 per day."""

from __future__ import annotations

import pytest

from evidencemine.nlp import extract_text
from evidencemine.nlp.timepoints import to_months


def _months(text: str) -> list[float]:
    return extract_text(text, source="test").timepoints_months


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("The primary outcome was recovery at day 28.", [28]),
        ("Viral load was measured on days 3, 7 and 14.", [3, 7, 14]),
        ("Mortality at 7 and 14 days after randomisation was recorded.", [7, 14]),
        ("The main outcome was 28-day mortality.", [28]),
        ("Patients received the drug for 5 days.", []),
        ("Each child had a 10-day course of antibiotics.", []),
        ("Sessions ran 3 days a week.", []),
    ],
)
def test_day_time_points(text: str, days: list[int]) -> None:
    assert _months(text) == sorted(to_months(d, "days") or 0 for d in days)


def test_hours_and_conversion() -> None:
    assert _months("Fever was checked at 24, 48 and 72 hours.") == [0.03, 0.07, 0.1]
    assert to_months(28, "days") == 0.92
    assert to_months(6, "months") == 6


@pytest.mark.parametrize(
    ("text", "months"),
    [
        (
            "Parents joined a 12-week programme. Outcomes were assessed at baseline, "
            "post-intervention and at 6 months.",
            [0.0, 2.8, 6.0],
        ),
        ("Outcomes were assessed at baseline, post-intervention and at 6 months.", [0.0, 6.0]),
        ("Children aged 3 years were followed up at age 9.", [72.0]),
        ("Children aged 3-5 years were followed up at age 9.", []),
    ],
)
def test_post_intervention_and_age_mapping(text: str, months: list[float]) -> None:
    assert _months(text) == months
