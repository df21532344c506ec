"""Both seed documents, offline (`parse`): every value in docs/seed-expectations.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencemine.documents import load_path
from evidencemine.models import ProgrammeRecord
from evidencemine.output import schema_errors, to_json
from evidencemine.pipeline import parse_page


@pytest.fixture(scope="module")
def ipp(seeds_dir: Path) -> ProgrammeRecord:
    return parse_page(load_path(seeds_dir / "000_a4d4c1a7dfc6b4f0.txt"))


@pytest.fixture(scope="module")
def pip_trial(seeds_dir: Path) -> ProgrammeRecord:
    return parse_page(load_path(seeds_dir / "004_fcc6b16e27ae857a.txt"))


def test_seed000_source(ipp: ProgrammeRecord) -> None:
    src = ipp.source
    assert src.kind == "eif-guidebook"
    assert src.url == "http://guidebook.eif.org.uk/programme/infant-parent-psychotherapy"
    assert ipp.slug == "infant-parent-psychotherapy"
    assert ipp.id == "eif-guidebook/infant-parent-psychotherapy"
    assert (src.published, src.updated) == ("2017-03", "2017-04")
    assert src.review and (src.review.name, src.review.date) == ("Foundations for Life", "2016-07")


def test_seed000_programme(ipp: ProgrammeRecord) -> None:
    p = ipp.programme
    assert (p.name, p.acronym) == ("Infant-Parent Psychotherapy", "IPP")
    assert p.summary and p.summary.startswith(
        "Infant-Parent Psychotherapy (IPP) is a psychoanalytic"
    )
    assert p.summary.endswith("insecure attachment.")
    assert p.ratings.evidence and (
        p.ratings.evidence.label,
        p.ratings.evidence.level,
        p.ratings.evidence.plus,
    ) == ("3+", 3, True)
    assert p.ratings.cost is None
    assert [(o.outcome, o.domain, o.studies) for o in p.child_outcomes] == [
        (
            "Improved attachment security",
            "Supporting children's mental health and wellbeing",
            [1, 2],
        )
    ]
    assert p.has_family_outcomes is True


def test_seed000_characteristics_and_uk(ipp: ProgrammeRecord) -> None:
    p = ipp.programme
    c = p.characteristics
    assert (c.age_groups, c.delivery_models, c.settings, c.targeting) == (
        ["Infants"],
        ["Individual"],
        [],
        ["Targeted indicated"],
    )
    assert p.implemented_in == ["United States"] and p.countries == ["US"]
    assert (p.uk_implemented, p.uk_evaluated) == (False, False)


def test_seed000_delivery_and_implementation(ipp: ProgrammeRecord) -> None:
    d = ipp.programme.delivery
    assert d.sessions == 32
    assert d.session_hours and (d.session_hours.min, d.session_hours.max) == (1, 1.5)
    assert (d.frequency, d.duration, d.practitioners) == ("weekly", "12 months or longer", 1)
    i = ipp.programme.implementation
    assert i.practitioner_qualification == "QCF-7/8"
    assert any("Masters" in t and "psychology or social work" in t for t in i.qualification_text)
    assert (i.training_hours, i.booster_training) == (92, "recommended")
    assert i.supervision and (
        i.supervision.supervisors,
        i.supervision.qualification,
        i.supervision.training_hours,
    ) == (1, "QCF-7/8", 92)
    assert i.fidelity is None and i.licence_required is False


def test_seed000_theory_of_change_and_contact(ipp: ProgrammeRecord) -> None:
    toc = ipp.programme.theory_of_change
    assert len(toc) == 5
    assert toc[0].startswith("Positive and sensitive parent/child interactions")
    assert toc[4].startswith("In the longer term, children will develop")
    contact = ipp.programme.contact
    assert contact and (contact.name, contact.organisation, contact.email) == (
        "Chandra Ghosh",
        "University of California San Francisco",
        "chandra.ghosh@ucsf.edu",
    )


def test_seed000_studies(ipp: ProgrammeRecord) -> None:
    s1, s2 = ipp.studies
    assert (s1.label, s1.citation) == ("Study 1", "Lieberman et al (1991)")
    assert s2.citation == "Cicchetti et al (2006); Cicchetti et al (2011); Stronach et al (2013)"
    for study in (s1, s2):
        assert study.design and study.design.value == "rct"
        assert study.countries == ["US"]
        assert [(o.outcome, o.category) for o in study.outcomes] == [
            ("Improved attachment security", "child"),
            ("Increased empathic behaviour", "other"),
        ]
        assert all(o.direction == "positive" for o in study.outcomes)
    assert s1.sample and s1.sample.size
    assert (s1.sample.size.total, s1.sample.size.unit) == (100, "mother")
    assert s2.sample and s2.sample.size
    assert (s2.sample.size.total, s2.sample.size.unit) == (189, "mother")
    assert [(g.n, g.description) for g in s2.sample.size.subgroups] == [
        (137, "at risk of maltreating their child")
    ]


def test_seed000_references(ipp: ProgrammeRecord) -> None:
    (ref,) = ipp.studies[0].references
    csl = ref.csl
    assert [(a.family, a.given) for a in csl.author] == [
        ("Lieberman", "A. F."),
        ("Weston", "D. R."),
        ("Pawl", "J. H."),
    ]
    assert csl.issued and csl.issued.date_parts == [[1991]]
    assert csl.title == "Preventive intervention and outcome with anxiously attached dyads"
    assert (csl.container_title, csl.volume, csl.page) == ("Child Development", "62", "199-209")
    assert ref.identifiers.jstor == "1130715"
    refs = ipp.studies[1].references
    assert [r.identifiers.pmid for r in refs] == ["17152394", "21756432", "24229539"]
    assert [(r.csl.container_title, r.csl.volume, r.csl.page) for r in refs] == [
        ("Development and Psychopathology", "18", "623-649"),
        ("Development and Psychopathology", "23", "789-800"),
        ("Developmental Psychopathology", "25", "919-930"),
    ]
    assert [r.csl.author[0].family for r in refs] == ["Cicchetti", "Cicchetti", "Stronach"]
    assert ipp.studies[1].unmatched_links == [] and ipp.studies[0].unmatched_links == []


def test_seed000_no_chrome_anywhere(ipp: ProgrammeRecord) -> None:
    text = to_json(ipp)
    for phrase in [
        "Salamanca Place",
        "3542 2481",
        "legal disclaimers",
        "How to read the Guidebook",
        "member of the What Works network",
        "not a market comparison website",
        "EIF evidence standards",
        "TheEIFoundation",
        "\\\\_",
        "*Child Development*",
    ]:
        assert phrase not in text, phrase
    assert text.count('"label": "3+"') == 1


def test_seed004_project(pip_trial: ProgrammeRecord) -> None:
    p = pip_trial.programme
    assert pip_trial.source.kind == "research-project"
    assert p.name == "Randomised Controlled Trial of Parent-Infant Psychotherapy"
    assert p.intervention == "psychoanalytic parent-infant psychotherapy (PIP)"
    assert p.comparison == "treatment as usual"
    assert p.population == "mothers with mental health difficulties and their infants"
    assert p.funders == ["The Big Lottery Fund"]
    assert [(m.name, m.role) for m in p.team] == [
        ("Peter Fonagy", "principal investigator"),
        ("Michelle Sleed", "senior research fellow"),
    ]


def test_seed004_study_design_timepoints_outcomes(pip_trial: ProgrammeRecord) -> None:
    (study,) = pip_trial.studies
    assert study.design and study.design.value == "rct"
    assert study.timepoints_months == [0, 6, 12]
    assert study.comparison and study.comparison.value == "treatment as usual"
    directions = {o.outcome.lower(): o.direction for o in study.outcomes}
    for outcome in [
        "maternal mental health",
        "parenting stress",
        "maternal representations of the baby",
    ]:
        assert directions.get(outcome) == "positive", outcome
    for outcome in ["child development", "parent-infant interaction", "infant attachment status"]:
        assert directions.get(outcome) == "null", outcome
    assert study.countries == [] and study.sample is None


def test_seed004_publication_and_no_cookie_text(pip_trial: ProgrammeRecord) -> None:
    (ref,) = pip_trial.studies[0].references
    csl = ref.csl
    assert [a.family for a in csl.author] == ["Fonagy", "Sleed", "Baradon"]
    assert csl.issued and csl.issued.date_parts == [[2016]]
    assert (csl.container_title, csl.volume, csl.issue, csl.page) == (
        "Infant Mental Health Journal",
        "37",
        "2",
        "97-114",
    )
    text = to_json(pip_trial)
    for phrase in ["cookie", "Google Analytics", "browser settings"]:
        assert phrase.lower() not in text.lower(), phrase


@pytest.mark.parametrize("fixture", ["ipp", "pip_trial"])
def test_seeds_validate_against_schema(fixture: str, request: pytest.FixtureRequest) -> None:
    record = request.getfixturevalue(fixture)
    assert schema_errors(json.loads(to_json(record))) == []
