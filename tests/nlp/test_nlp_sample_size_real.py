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


@pytest.mark.parametrize(
    ("text", "total"),
    [
        # modifiers joined by commas or "and", initialisms with stops, between count and noun
        ("Fourteen healthy, non-smoking, white male volunteers took part.", 14),
        ("This was a multicentre study of 240 adolescent and adult patients with asthma.", 240),
        ("A total of 412 H. pylori-positive subjects were randomly assigned.", 412),
        ("The cohort includes 18 504 U.S. female nurses who were enrolled in 1990.", 18504),
        # brackets inside the clause; the sentence's own verb makes the count the sample
        (
            "In the LUNA-2 trial, 3120 patients (median age 58 years; range 31-85) who had "
            "completed surgery were randomly assigned to drug A (1561 patients) or placebo "
            "(1559 patients).",
            3120,
        ),
        # a year-like number that people nouns follow is a count
        ("Between March 2009 and June 2012, 2015 women were recruited.", 2015),
        # "N of M eligible" when they took part; not when something happened to them
        ("From 2010 to 2012, 87 of 350 eligible patients agreed to take part.", 87),
        ("Nineteen (11 men and 8 women) out of 40 eligible patients were included.", 19),
        ("In the drug arm, 35 of 48 evaluable patients had a complete response.", None),
        # an abbreviation the text defines for people counts people
        ("Fatigue is common in cancer survivors (CS). We randomised 96 CS to yoga or rest.", 96),
        # a share is not the sample; a range's end is no count; units of measure are no count
        (
            "Among 902 patients who were randomized, 840 completed the study. A total of 380 "
            "patients (42.1%) had at least one fracture.",
            902,
        ),
        ("Groups of 4 to 8 women met weekly for a year.", None),
        ("Two hundred patients with diastolic pressure between 90 and 110 mmHg participated.", 200),
        ("Accrual stopped at 338 of 2,150 planned patients.", 338),
        # arms given with their allocation are summed
        (
            "Setting: two rheumatology clinics. 30 women were randomised to aquatic exercise "
            "and 28 to usual care.",
            58,
        ),
    ],
)
def test_sample_size_families(text: str, total: int | None) -> None:
    assert _total(text) == total


@pytest.mark.parametrize(
    ("text", "total"),
    [
        # letters outside ASCII and digits inside a modifier do not end the count's noun phrase
        ("Sixty-two chemotherapy-naïve gastric cancer patients were randomized.", 62),
        ("We enrolled 31 HER2+ breast cancer patients in a phase II trial.", 31),
        # the count is the sample although arm counts in brackets stand before its verb
        (
            "Fifty patients with chronic pain (28 cases given the drug and 22 controls) were "
            "studied for one year.",
            50,
        ),
        # study sites are no sample; clusters that were randomised or analysed are
        ("An open study in 8 centres compared two tablets for arthritis pain.", None),
        ("A difference-in-differences analysis of 1,240 schools in Norway.", 1240),
        # two compared groups are summed
        (
            "We compared 310 mothers who attended the groups with 290 mothers who did not.",
            600,
        ),
    ],
)
def test_sample_size_words_sites_and_compared_groups(text: str, total: int | None) -> None:
    assert _total(text) == total


@pytest.mark.parametrize(
    ("text", "total"),
    [
        # "a total of" is no enrolment: screened totals stay screened
        (
            "A total of 1500 children were assessed for eligibility; 612 children were randomized.",
            612,
        ),
        # "assessed for eligibility and randomly assigned" is one clause
        (
            "From 2011 to 2016, 187 patients were assessed for eligibility and randomly assigned.",
            187,
        ),
        # a study named with a number is no count
        ("Results from the ATLAS 4 randomized study of inhaled budesonide in asthma.", None),
        ("In total, 143 military personnel were randomized across two sites.", 143),
        ("We randomized 64 (52% female) participants aged 60 to 80 years.", 64),
        # arms in brackets belong to the total before them
        (
            "Overall, 300 were randomly assigned to one of the groups (150 to drug A; 150 to "
            "drug B).",
            300,
        ),
        ("Adults with gout (n=412) were randomized to 2 groups (A, n=207; B, n=205).", 412),
        ("Of 90 women screened, 40 were ultimately enrolled.", 40),
    ],
)
def test_sample_size_screening_and_allocation_phrasing(text: str, total: int | None) -> None:
    assert _total(text) == total


@pytest.mark.parametrize(
    ("text", "total"),
    [
        # the first "N =" of a sentence is the total when the others add up to it
        (
            "Anxious adults (N=52) were assigned to the app (N=27) or a waiting list (N=25).",
            52,
        ),
        # two arms of equal size are still arms
        ("Patients were randomized to drug A (n = 20) or drug B (n = 20).", 40),
        # a trial named in CamelCase with a number is no count
        ("KidneyCare 214 randomized patients with stage 3 disease to two doses.", None),
        # a share in brackets is no sample
        ("Of those randomized, 212 (81%) patients completed the follow-up visit.", None),
    ],
)
def test_sample_size_arms_names_and_shares(text: str, total: int | None) -> None:
    assert _total(text) == total


@pytest.mark.parametrize(
    ("text", "total"),
    [
        # "calculated" alone is no plan; a sample size calculation is
        ("Survival rates were calculated for 512 women treated in three trials.", 512),
        ("The sample size was calculated as 240 patients.", None),
        # accrual stopped at N of M planned: N were enrolled
        ("Accrual was stopped at 212 of 1,400 planned patients for lack of funds.", 212),
        # an abstract taken for a review but counting no studies: its people are the sample
        (
            "A meta-analysis had suggested a benefit. In the surgical setting, a total of 290 "
            "patients were randomised to chemotherapy or none.",
            290,
        ),
    ],
)
def test_sample_size_plans_accrual_and_reviews(text: str, total: int | None) -> None:
    assert _total(text) == total


@pytest.mark.parametrize(
    ("text", "total"),
    [
        # people of clusters given arm by arm, each in its own brackets: summed
        (
            "Twelve nurseries (including 140 children) were randomly allocated to the "
            "programme and eight nurseries (including 95 children) were allocated to usual care.",
            235,
        ),
        (
            "Twenty schools were randomised to the curriculum (n = 12 schools, 310 pupils) or to "
            "a waiting list (n = 8 schools, 205 pupils).",
            515,
        ),
        # a subsample is part of the sample
        (
            "Participants were 420 mothers who were randomly assigned to two arms. Focus groups "
            "were held with a subsample (N=38).",
            420,
        ),
        # a target sample is the plan; the recruited count is the sample
        (
            "We describe a trial with a target sample of 400 couples. By March 2015, 377 couples "
            "had been recruited into the trial.",
            377,
        ),
        # people naming what is counted ("parent-child sessions") are no sample
        (
            "The programme has 12 parent-child sessions. Outcomes were measured for 95 children "
            "in the laboratory.",
            95,
        ),
    ],
)
def test_sample_size_cluster_arms_subsample_target(text: str, total: int) -> None:
    assert _total(text) == total


@pytest.mark.parametrize(
    ("text", "total"),
    [
        # the arm offered the programme and the control arm, counted apart: summed
        (
            "In 30 schools, 640 parents were offered the parenting course. 655 families in 30 "
            "other schools were allocated to the control condition.",
            1295,
        ),
        (
            "The home-visiting programme was delivered to 310 mothers in 40 villages. Outcomes "
            "were compared between them and 298 comparison mothers.",
            608,
        ),
        # "another" count into the next arm
        (
            "The trial will enrol 300 fathers into the coaching group, and another 150 into the "
            "control group.",
            450,
        ),
        # a randomised total stays the sample when arms are also counted
        (
            "A total of 200 children were randomised. 101 children were offered the programme "
            "and 99 children were assigned to the control group.",
            200,
        ),
    ],
)
def test_sample_size_offered_control_and_another_arms(text: str, total: int) -> None:
    assert _total(text) == total
