"""Country = study site only: traps from scraped abstract pages (texts written for these
tests)."""

from __future__ import annotations

import pytest

from evidencemine.nlp import extract_text


def _codes(text: str) -> list[str]:
    return [c.code for c in extract_text(text, source="test").countries]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (
            "An official website of the United States government. Sleep coaching for new "
            "parents: a randomised trial in 14 clinics in Peru.",
            ["PE"],
        ),
        (
            "Music therapy for dementia: a trial in care homes in Ghana. Printed in the United "
            "States of America.",
            ["GH"],
        ),
        ("Tai chi for falls in 300 adults in Chile. Reviewed by P. Holland and J. Smith.", ["CL"]),
        (
            "Reading at home. British Journal of Educational Psychology. 80 families in Kenya.",
            ["KE"],
        ),
        (
            "Walking groups for 120 women in Lima. The trial is registered with the Australian "
            "New Zealand Clinical Trials Registry.",
            [],
        ),
        ("Sexual function was rated on the Arizona Sexual Experience Scale in 60 women.", []),
        ("Prognosis by the modified Glasgow Prognostic Score in 90 patients.", []),
        ("Funded by Cancer Research UK. We recruited 200 women in Spain.", ["ES"]),
        ("The trial recruited women from 29 Australian and New Zealand sites.", ["AU", "NZ"]),
        ("A report from the Austrian Breast and Colorectal Cancer Study Group.", ["AT"]),
        (
            "A parenting programme developed in the USA was tested with 90 families in Norway.",
            ["NO"],
        ),
        ("Spanish-speaking mothers joined the groups.", []),
        ("Sixty adults rated pain after knee surgery.", []),
    ],
)
def test_country_is_the_study_site(text: str, codes: list[str]) -> None:
    assert sorted(_codes(text)) == sorted(codes)
