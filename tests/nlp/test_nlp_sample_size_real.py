"""Sample-size traps from real abstracts (texts written for these tests)."""

from __future__ import annotations

import pytest

from evidencemine.nlp import extract_text


def _total(text: str) -> int | None:
    found = extract_text(text, source="test").sample_size
    return found.total if found else None


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("Across 12 sites, 13 388 adults aged 40-70 years were randomised.", 13388),
        ("The CAPTA 0412 trial randomised 240 patients to either drug.", 240),
        ("The results of the NORDIC 10001 trial: 96 women were enrolled.", 96),
        ("Anxiety affects 1 in 10 women. We enrolled 88 women in a yoga trial.", 88),
        ("Sixty patients operated between May 2012 and June 2013 were enrolled.", 60),
        (
            "The trial planned to enrol 900 patients. Owing to slow accrual, 412 patients were "
            "randomly assigned.",
            412,
        ),
        ("We pooled data from 2 randomized, placebo-controlled trials in 463 patients.", 463),
        ("Records were extracted for ≤16 patients per physician; 652 patients in all.", 652),
    ],
)
def test_sample_size_traps(text: str, total: int | None) -> None:
    assert _total(text) == total


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("Two-hundred seventy-eight patients were enrolled.", 278),
        (
            "Of 159 patients approached, 150 (94.3%) agreed to randomisation; 77 were "
            "randomised to A and 73 to B.",
            150,
        ),
        ("We enrolled 91 patients (drug A 47 patients, drug B 44 patients).", 91),
    ],
)
def test_sample_size_words_consent_and_arms(text: str, total: int) -> None:
    assert _total(text) == total
