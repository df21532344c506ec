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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # field and laboratory layouts: plots, pens or specimens, not a trial of people
        (
            "Nitrogen and maize yield. Plots were laid out in a randomized complete block "
            "design with three replicates.",
            (None, False),
        ),
        (
            "Feed enzymes for broilers. Birds were housed in pens in a completely randomized "
            "design with six diets.",
            (None, False),
        ),
        # what was randomised: specimens and animals vs people
        (
            "Sealant bond strength. Forty extracted molars were randomly divided into four "
            "groups and thermocycled.",
            ("other", False),
        ),
        (
            "Grazing and milk fat. Forty dairy cows were randomly assigned to two pastures.",
            ("other", False),
        ),
        (
            "Mini-implants for molar intrusion. A total of 64 patients were randomly assigned "
            "to receive mini-implants or headgear.",
            ("rct", False),
        ),
        # a structured-abstract heading is not a design
        (
            "Purpose: To profile tumour markers. Experimental Design: We analysed 90 biopsies "
            "from our clinic. Results: Expression predicted relapse.",
            (None, False),
        ),
        # the trial named in a title after a colon, "following surgery"
        (
            "Ice packs for pain following knee surgery: a randomized controlled trial. Ninety "
            "adults took part.",
            ("rct", False),
        ),
        # allocation ratios and verbs with their object
        (
            "Drug Q in gout. Patients with two flares were randomized (2:1) to drug Q or "
            "placebo for 12 weeks.",
            ("rct", False),
        ),
        (
            "Drug Q in gout. Patients received drug Q or placebo (1:1 randomization) for a year.",
            ("rct", False),
        ),
        (
            "Reminder letters for screening. The team randomized 800 households to a letter "
            "or no letter, and the trial randomised patients in 12 practices.",
            ("rct", False),
        ),
        # an own-study sentence at the end of a background section
        (
            "Iron for heart failure. Background: Iron deficiency is common. This 6-month, "
            "randomized, double-blind, multicenter clinical study enrolled 210 adults.",
            ("rct", False),
        ),
        # papers about trials
        (
            "How are randomized controlled trials reported in nursing journals? A survey. We "
            "read 150 randomized controlled trials (RCT) published in 2019.",
            (None, False),
        ),
        (
            "Crossover designs in pain research: a critique. Randomized crossover designs "
            "remain popular. The crossover randomised trial is a design we reconsider here.",
            (None, False),
        ),
        (
            "Subgroups in trials. The effect of a randomly allocated treatment may differ "
            "between subgroups; we discuss worked examples.",
            (None, False),
        ),
        # pooled data of the study's own two trials is still trial data
        (
            "Sleep after stroke. Data were pooled from two randomized, double-blind clinical "
            "studies of drug Z in 600 adults.",
            ("rct", False),
        ),
        # a narrative word names the paper only in its title or with this/our/we
        (
            "Community nurses at scale: evidence from a randomized trial in Ghana. Villages "
            "were randomly assigned to nurses. Care followed national guidelines.",
            ("cluster-rct", False),
        ),
        (
            "Guidelines for asthma in schools. National guidelines were revised in 2018.",
            ("other", False),
        ),
        # a narrative or scoping review named in the title, reviews only in its body
        (
            "Rating evidence in umbrella reviews: a scoping review. Umbrella reviews compile "
            "systematic reviews and meta-analysis results.",
            ("other", False),
        ),
        # Mendelian randomisation and genomic data pooling are not reviews
        (
            "Body weight and gout: a Mendelian randomization study. Estimates from 20 variants "
            "were pooled by meta-analysis.",
            (None, False),
        ),
        (
            "Shared targets of a chromatin regulator. This meta-analysis of six transcriptome "
            "datasets finds common genes.",
            (None, False),
        ),
        # protocols: planned methods, titles starting with "Protocol"
        (
            "Protocol: a peer-support programme for carers. Carers will be recruited from "
            "four clinics and the programme will be delivered online.",
            ("other", True),
        ),
        (
            "Yoga for low back pain: protocol of a systematic review. We will search MEDLINE "
            "and Embase; two reviewers will be screening records and studies will be included "
            "if randomised.",
            ("systematic-review", True),
        ),
    ],
)
def test_design_on_more_abstract_families(text: str, expected: tuple[str | None, bool]) -> None:
    assert _design(text) == expected


def test_review_of_mendelian_randomisation_studies_is_a_review() -> None:
    text = (
        "Body weight and ten diseases: a systematic review and meta-analysis of Mendelian "
        "randomization studies. We searched three databases and pooled 40 estimates."
    )
    assert _design(text)[0] in ("systematic-review", "meta-analysis")


@pytest.mark.parametrize(
    "text",
    [
        "Caudal block in children. Forty children were allocated randomly to receive drug A "
        "or drug B.",
        "Rectal cancer therapy. Sixty patients were divided into two groups randomly.",
        "Ablation settings. We performed a 2:1:1-randomization to three energy settings.",
        "Secretin in autism. Each child received secretin or placebo in a randomly assigned "
        "sequence.",
    ],
)
def test_assignment_wordings_name_a_trial(text: str) -> None:
    assert _design(text)[0] == "rct"


def test_following_the_study_protocol_is_no_protocol_paper() -> None:
    text = (
        "Online coaching for activity: a feasibility randomised controlled trial. Adults were "
        "randomised to coaching or a control website. Adherence to both the study protocol "
        "and the programme was low."
    )
    assert _design(text) == ("rct", False)


def test_random_distribution_is_a_description_not_an_assignment() -> None:
    text = (
        "Lung nodules on CT in 300 smokers. Nodules were randomly distributed across the "
        "lobes and grew slowly."
    )
    assert _design(text)[0] != "rct"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # clusters counted at the head of the clause, or "random assignment of" clusters
        (
            "Pre-school quality. Twelve schools in two districts serving 900 pupils were "
            "randomly assigned to coaching or usual practice.",
            ("cluster-rct", False),
        ),
        (
            "Home visiting at scale. Effects are identified by the random assignment of "
            "municipalities to the programme or to control.",
            ("cluster-rct", False),
        ),
        (
            "Reading with parents. Families of 800 toddlers attending 20 nurseries were "
            "randomly assigned to the app or to a waiting list.",
            ("rct", False),
        ),
        # "Non-Randomized Controlled Trial": the longer phrase does not make it an RCT
        (
            "Group work for infant attachment: a preliminary evaluation in a Non-Randomized "
            "Controlled Trial. Forty mothers took part.",
            ("quasi-experimental", False),
        ),
        # titles of papers about a planned trial
        (
            "Costs of a group parenting programme: protocol and implementation of a trial. "
            "Parents were randomised to groups or a waiting list.",
            ("rct", True),
        ),
        (
            "Preventing neglect: design of a randomised controlled trial of nurse home visits. "
            "Mothers were randomised to visits or usual care.",
            ("rct", True),
        ),
        # the title's trial wins over reviews listed around it on a page
        (
            "A mother-infant programme: a pilot randomized controlled trial in Peru. Mothers "
            "were randomized to visits or usual care. Similar articles: A systematic review "
            "of home visiting.",
            ("rct", False),
        ),
        # a title is never background
        (
            "Preschool and school readiness: evidence from a regression discontinuity design. "
            "We used records of 4,000 children.",
            ("quasi-experimental", False),
        ),
    ],
)
def test_design_on_scraped_page_families(text: str, expected: tuple[str | None, bool]) -> None:
    assert _design(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A nomogram for nodal spread. In all, 500 patients were randomly divided into a "
            "training cohort (n = 350) and a validation cohort (n = 150).",
            None,
        ),
        (
            "Predicting sepsis. Admissions were randomly assigned to the derivation set or the "
            "test set in a 7:3 ratio.",
            None,
        ),
        (
            "Parent training for toddler tantrums. Families were randomly assigned to parent "
            "training groups or a waiting list.",
            "rct",
        ),
    ],
)
def test_random_split_into_model_sets_is_no_trial(text: str, expected: str | None) -> None:
    assert _design(text)[0] == expected
