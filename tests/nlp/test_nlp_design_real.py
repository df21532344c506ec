"""Design rules for the traps of random PubMed abstracts (texts written for these tests)."""

from __future__ import annotations

import pytest

from evidencemine.nlp import extract_text


def _design(text: str) -> tuple[str | None, bool]:
    found = extract_text(text, source="test").design
    return (found.value, found.protocol) if found else (None, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # other people's trials, or trials yet to be done, name no design
        (
            "Statins and liver fat. Several randomized controlled trials have tested statins. "
            "We describe current prescribing in 40 clinics.",
            (None, False),
        ),
        (
            "Outcomes of knee surgery in 212 adults. Outcomes improved at one year. "
            "A larger randomised controlled trial is needed to confirm this.",
            (None, False),
        ),
        (
            "Fatigue in nurses. We examined 300 shift rotas. Future randomized trials should "
            "test rota changes.",
            (None, False),
        ),
        # the study's own trial
        (
            "Exercise for back pain: a randomised controlled trial. We randomly assigned 120 "
            "adults to exercise or usual care.",
            ("rct", False),
        ),
        (
            "Secondary analysis of a randomized clinical trial of weight loss. Adults were "
            "randomly assigned to diet or advice; we analysed their sleep.",
            ("rct", False),
        ),
        (
            "A randomised controlled trial of 90 toddlers in Chile found fewer tantrums.",
            ("rct", False),
        ),
        # animals assigned at random: an animal experiment
        (
            "Lutein and kidney injury in rats. Thirty Wistar rats were randomly divided into "
            "three groups.",
            ("other", False),
        ),
        # within-person order, Mendelian randomisation, random samples
        (
            "Walking while talking. Sixty adults walked under three conditions in randomized "
            "order.",
            (None, False),
        ),
        (
            "Body mass and asthma: a Mendelian randomization study using genetic variants.",
            (None, False),
        ),
        # reviews
        (
            "Vitamin D in pregnancy: a systematic review and meta-analysis of randomised "
            "controlled trials. We searched five databases.",
            ("meta-analysis", False),
        ),
        (
            "Baclofen for alcohol withdrawal: a narrative review. In this review we summarise "
            "case reports and a randomized trial of baclofen.",
            ("other", False),
        ),
        # protocols: the planned design, flagged
        (
            "Yoga for anxiety in teenagers: study protocol for a randomised controlled trial. "
            "Participants will be randomly assigned to yoga or a waiting list.",
            ("rct", True),
        ),
        (
            "A core outcome set for eczema: study protocol. We will run a Delphi survey.",
            ("other", True),
        ),
        (
            "Chemotherapy for breast cancer. Dose delays followed the study protocol. We "
            "randomly assigned 300 women to two schedules.",
            ("rct", False),
        ),
        (
            "Images were randomly assigned to two readers. Forty radiographs were scored.",
            ("other", False),
        ),
        # a database search alone does not make a narrative or scoping review systematic
        (
            "Diet and mood in adolescents: a scoping review. We searched five electronic "
            "databases for papers from 2000 to 2018.",
            ("other", False),
        ),
        (
            "Sleep and memory. This review aims to map how sleep loss harms recall. We searched "
            "Medline for papers on sleep loss.",
            ("other", False),
        ),
        (
            "Sleep and memory: a systematic review. We searched Medline for papers on sleep loss.",
            ("systematic-review", False),
        ),
        # a meta-analysis of the authors' own few experiments is no review
        (
            "Gratitude and effort. Four experiments and a mini meta-analysis show that grateful "
            "students persist longer.",
            (None, False),
        ),
        # the review as a topic, or the authors' earlier work, is a mention
        (
            "A corpus for automating the systematic review process. We built 2,000 labelled "
            "records.",
            (None, False),
        ),
        (
            "Frailty after hip fracture. Background: Our meta-analysis indicated that age "
            "predicts death. Methods: This prospective cohort study followed 800 patients.",
            ("cohort", False),
        ),
        (
            "Knee surgery in 60 adults. Earlier, a randomized trial showed that bracing helps. "
            "We describe outcomes at our clinic.",
            (None, False),
        ),
        # "were randomized" with no arms names a sample, not a trial
        (
            "Thyroid size in young adults. A total of 250 residents were randomized. This was "
            "a cross-sectional study of thyroid volume.",
            ("cross-sectional", False),
        ),
        (
            "Zinc for colds. A total of 250 adults were randomized to zinc or placebo.",
            ("rct", False),
        ),
        # a consensus paper reports its literature review as one step
        (
            "Points to consider for tele-rehabilitation: an expert task force. A systematic "
            "literature review was conducted to inform the panel.",
            ("other", False),
        ),
        (
            "Adherence to asthma guidelines in primary care. We conducted a systematic review "
            "of 40 audits.",
            ("systematic-review", False),
        ),
        # a correction notice is not a study
        ("Correction: Exercise for back pain: a randomised controlled trial.", (None, False)),
    ],
)
def test_design_on_abstract_traps(text: str, expected: tuple[str | None, bool]) -> None:
    assert _design(text) == expected
