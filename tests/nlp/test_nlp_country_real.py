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
        (
            "We followed 200 women in Peru for a year. Falls fell by half. Medical Research "
            "Council UK, Wellcome Trust, Canadian Institutes of Health Research, Acme Pharma Inc.",
            ["PE"],
        ),
        (
            "We enrolled 90 fathers in Ghana. Stress fell. Helse Vest Norway, Sanofi-Aventis, "
            "and the Wellcome Trust.",
            ["GH"],
        ),
        ("Seroma was checked by an US at one week in 60 women in Chile.", ["CL"]),
        ("Of 150 veterans in Ohio, 40% had served in Iraq or Afghanistan.", ["US"]),
        ("We enrolled 120 mothers born in Somalia who live in Oslo.", ["NO"]),
        ("Women in Peru got a US-licensed vaccine or the EU (VAX-EU) reference product.", ["PE"]),
        (
            "In this trial (funded by Acme Pharma), 128 women were recruited from 13 United "
            "States oncology centres.",
            ["US"],
        ),
        ("Funded by the Wellcome Trust, United Kingdom; 60 adults took part.", []),
        (
            "Sleep coaching for infants. IMPORTANCE: Poor sleep is common in Canada. SETTING & "
            "PARTICIPANTS : Japanese mothers of 6-month-old infants in Kanagawa.",
            ["JP"],
        ),
        ("We randomly assigned 300 mothers in Chengdu to text reminders.", ["CN"]),
        ("Holland and colleagues designed the coaching for 50 mothers in Peru.", ["PE"]),
        ("We developed a coaching app with nurses in Kenya.", ["KE"]),
        ("A trial in Malawi. Elena D Holland 1, India S Okafor 2, Georgia Kim, Mei Ng 3", ["MW"]),
        ("A trial in Malawi by Sofia England, Yuki Berg and Ana France.", ["MW"]),
        (
            "The programme, developed by Webster-Stratton in the USA, was offered to 120 Welsh "
            "families.",
            ["GB"],
        ),
        ("The intervention was designed in Canada.", []),
        ("Swedish 4-year-olds were assessed at home.", ["SE"]),
        (
            "Parents filled in the Dutch version of the Strengths and Difficulties Questionnaire.",
            [],
        ),
        ("In Ghana, 300 mothers paid US $0.30 (about 2 US dollars a week) for the test.", ["GH"]),
        ("Shoulders of 50 adults in Chile were rated on the Oxford and Constant scores.", ["CL"]),
        (
            "Coaches used a manual (Smith, Routledge, New York, 2010a) with 60 teens in Kenya.",
            ["KE"],
        ),
        ("Teeth were cleaned with inserts (US-POL) or hand tools (MANUAL) in 40 adults.", []),
        ("Families on both sides of the US-Mexico border took part.", ["US", "MX"]),
        (
            "Toddlers in 20 day-care centres in Nairobi were screened with the Denver "
            "Developmental Screening Test and the Denver II; mothers completed the Edinburgh "
            "Postnatal Depression Scale and the Ottawa Personal Decision Guide.",
            ["KE"],
        ),
        ("Biopsies were US-guided in 40 women treated in Chile.", ["CL"]),
        ("Wounds were closed with Sealex®(Medco, UK) glue in 80 women in Chile.", ["CL"]),
        ("A walking programme for African-American women in 12 churches.", []),
        (
            "Run by the National Cancer Institute of Canada Clinical Trials Group, the trial "
            "enrolled 5000 women.",
            ["CA"],
        ),
        (
            "Coaching for new mothers. Design Randomised trial. Setting Two University "
            "Hospitals in Seoul, Korea.",
            ["KR"],
        ),
        ("Sixty adults rated pain after knee surgery.", []),
    ],
)
def test_country_is_the_study_site(text: str, codes: list[str]) -> None:
    assert sorted(_codes(text)) == sorted(codes)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (
            "Family coaching has been tested in several settings, including Canada and "
            "Australia, and is well liked. We randomised 220 families in Ohio.",
            ["US"],
        ),
        (
            "In the United Kingdom, the coaching service reaches many young mothers. We "
            "randomised 150 mothers in Chile.",
            ["CL"],
        ),
        ("In Norway, 240 mothers were randomised to coaching or usual care.", ["NO"]),
        (
            "Belgium is the first country outside the United States to offer the visits. "
            "We enrolled 300 mothers in Belgium.",
            ["BE"],
        ),
        (
            "We asked whether the visits work as well in Belgium as in the United States. "
            "We enrolled 300 mothers in Belgium.",
            ["BE"],
        ),
        (
            "As shown by the famous study of infants in Bolivia, play matters. We enrolled "
            "300 mothers in Ecuador.",
            ["EC"],
        ),
        ("Staff were trained in the Oregon model of parent training for 90 families.", []),
        (
            "The video feedback programme was developed at Leiden University in the "
            "Netherlands. We enrolled 150 toddlers in Ireland.",
            ["IE"],
        ),
        (
            "Play groups in Quito for 200 infants, Ecuador.\nResearchers: Ana Ruiz, University "
            "College London; Tom Vale, the original team of the Jamaica study.",
            ["EC"],
        ),
        ("Nurses from Imperial College London visited 80 mothers in Ghana.", ["GH"]),
    ],
)
def test_country_not_from_evidence_elsewhere(text: str, codes: list[str]) -> None:
    assert sorted(_codes(text)) == sorted(codes)


def test_own_aim_in_a_background_section_counts() -> None:
    text = (
        "Background\nParenting courses are popular. The aim of the present study was to "
        "evaluate free parenting courses offered in two cities in Wales.\n"
        "Methods\nParents took part in the courses and answered surveys."
    )
    assert _codes(text) == ["GB"]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Eligible mothers lived in Cuyahoga County, OH and had a newborn.", ["US"]),
        ("Eligible mothers lived in Kildare County, Ireland.", ["IE"]),
        ("Mothers in Orange County, CA-based clinics answered.", []),
    ],
)
def test_us_county_with_state_code(text: str, codes: list[str]) -> None:
    assert sorted(_codes(text)) == codes
