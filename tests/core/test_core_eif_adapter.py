"""The guidebook adapter on guidebook-style pages written here (sample_site renders them)."""

from __future__ import annotations

import json

import pytest

from evidencemine.documents import LoadContext, load_document
from evidencemine.errors import UnknownKindError
from evidencemine.models import ProgrammeRecord
from evidencemine.sources import detect_kind, parse_document
from evidencemine_demo.sample_site import (
    ABOUT_GUIDEBOOK,
    ADDRESS,
    COOKIE_TEXT,
    DISCLAIMER,
    ProgrammeSpec,
    StudySpec,
    render_programme_html,
)

URL = "https://guidebook.eif.org.uk/programme/"


def _spec(**overrides: object) -> ProgrammeSpec:
    base = ProgrammeSpec(
        slug="test-programme",
        name="Test Programme",
        acronym="TP",
        summary="helps parents of toddlers.",
    )
    for key, value in overrides.items():
        setattr(base, key, value)
    return base


def _parse(spec: ProgrammeSpec, url: str | None = None) -> ProgrammeRecord:
    page = render_programme_html(spec).encode()
    document = load_document(page, LoadContext(url=url or URL + spec.slug))
    return parse_document(document)


def _study(n: int, **overrides: object) -> StudySpec:
    study = StudySpec(
        citation=f"Author{n} et al (200{n})",
        references=[
            (
                f"Author{n}, A.B., & Other, C. (200{n}). Trial number {n} of a programme. ",
                "Prevention Science",
                f", {n}(1), 1-{10 + n}.",
            )
        ],
        links=[f"https://www.ncbi.nlm.nih.gov/pubmed/{1000 + n}"],
    )
    for key, value in overrides.items():
        setattr(study, key, value)
    return study


@pytest.mark.parametrize(
    ("label", "level", "plus", "nl2"),
    [
        ("2", 2, False, False),
        ("2+", 2, True, False),
        ("3", 3, False, False),
        ("3+", 3, True, False),
        ("4", 4, False, False),
        ("4+", 4, True, False),
        ("NL2", None, False, True),
    ],
)
def test_every_evidence_rating(label: str, level: int | None, plus: bool, nl2: bool) -> None:
    rating = _parse(_spec(rating=label)).programme.ratings.evidence
    assert rating is not None
    assert (rating.label, rating.level, rating.plus, rating.not_level_2) == (
        label,
        level,
        plus,
        nl2,
    )


@pytest.mark.parametrize(
    ("printed", "label"),
    [("Level 3+", "3+"), ("3 +", "3+"), ("3plus", "3+"), ("level 2", "2"), ("Not level 2", "NL2")],
)
def test_evidence_rating_spellings_have_one_label(printed: str, label: str) -> None:
    rating = _parse(_spec(rating=printed)).programme.ratings.evidence
    assert rating is not None and rating.label == label


@pytest.mark.parametrize("cost", ["1", "2", "3", "4", "5", "NA"])
def test_every_cost_rating_and_na_is_null(cost: str) -> None:
    ratings = _parse(_spec(cost=cost)).programme.ratings
    if cost == "NA":
        assert ratings.cost is None
    else:
        assert ratings.cost is not None and ratings.cost.level == int(cost)


@pytest.mark.parametrize("count", [0, 1, 5])
def test_zero_one_and_five_studies_in_page_order(count: int) -> None:
    studies = [_study(n) for n in range(1, count + 1)]
    record = _parse(_spec(studies=studies))
    assert [s.label for s in record.studies] == [f"Study {n}" for n in range(1, count + 1)]
    assert [s.citation for s in record.studies] == [s.citation for s in studies]
    for n, study in enumerate(record.studies, start=1):
        assert [r.identifiers.pmid for r in study.references] == [str(1000 + n)]
        assert study.references[0].csl.container_title == "Prevention Science"
        assert study.unmatched_links == []


def test_rct_and_qed_designs_and_countries() -> None:
    record = _parse(
        _spec(
            studies=[
                _study(1, design="RCT", country="United Kingdom"),
                _study(2, design="QED", country="Norway and Sweden"),
                _study(3, design="RCT", country="USA"),
            ]
        )
    )
    assert [s.design.value for s in record.studies if s.design] == [
        "rct",
        "quasi-experimental",
        "rct",
    ]
    assert [s.countries for s in record.studies] == [["GB"], ["NO", "SE"], ["US"]]


def test_missing_sections_not_available_and_empty_bullets() -> None:
    record = _parse(_spec(settings=[], age_groups=["Toddlers", "Preschool"], studies=[]))
    chars = record.programme.characteristics
    assert chars.settings == []
    assert chars.age_groups == ["Toddlers", "Preschool"]
    assert "" not in chars.delivery_models and chars.delivery_models == ["Group"]


def test_non_ascii_names_survive() -> None:
    study = _study(
        1,
        references=[
            (
                "Ødegaard, Å., & Núñez, M.J. (2012). Ein Titel über Familien. ",
                "Zeitschrift für Kinder",
                ", 3, 1-9.",
            )
        ],
    )
    record = _parse(
        _spec(
            name="Programme Ærø",
            contact=("Zoë Ñandú", "Universität Zürich", "zoe@example.org"),
            studies=[study],
        )
    )
    assert record.programme.name == "Programme Ærø"
    assert record.programme.contact and record.programme.contact.name == "Zoë Ñandú"
    authors = record.studies[0].references[0].csl.author
    assert [(a.family, a.given) for a in authors] == [("Ødegaard", "Å."), ("Núñez", "M. J.")]


def test_programme_outcomes_domains_and_flags() -> None:
    record = _parse(
        _spec(
            outcomes=[
                ("Supporting children's mental health", "Improved attachment", [1, 2]),
                ("Preventing crime", "Reduced offending", [2]),
            ],
            family_outcomes=True,
            studies=[_study(1), _study(2)],
        )
    )
    outcomes = [(o.outcome, o.domain, o.studies) for o in record.programme.child_outcomes]
    assert outcomes == [
        ("Improved attachment", "Supporting children's mental health", [1, 2]),
        ("Reduced offending", "Preventing crime", [2]),
    ]
    assert record.programme.has_family_outcomes is True


def test_uk_provision_and_evaluation_flags() -> None:
    yes = _parse(_spec(uk_provision=True, uk_evaluation=True)).programme
    no = _parse(_spec(uk_provision=False, uk_evaluation=False)).programme
    assert (yes.uk_implemented, yes.uk_evaluated) == (True, True)
    assert (no.uk_implemented, no.uk_evaluated) == (False, False)


def test_boilerplate_pairs_must_and_must_not_appear() -> None:
    record = _parse(_spec(studies=[_study(1)]))
    text = json.dumps(record.model_dump(mode="json"), ensure_ascii=False)
    must = [
        "Test Programme",
        "helps parents of toddlers",
        "Author1 et al (2001)",
        "Trial number 1 of a programme",
        "alex@example.org",
    ]
    must_not = [
        COOKIE_TEXT[:40],
        DISCLAIMER[:40],
        ADDRESS[:20],
        ABOUT_GUIDEBOOK[:40],
        "How to read the Guidebook",
        "Menu",
        "Accept",
    ]
    for phrase in must:
        assert phrase in text, phrase
    for phrase in must_not:
        assert phrase not in text, phrase


def test_repeated_rating_boxes_do_not_duplicate() -> None:
    record = _parse(_spec(rating="4", cost="2", studies=[_study(1)]))
    assert record.programme.ratings.evidence and record.programme.ratings.evidence.label == "4"
    assert len(record.studies) == 1
    assert all("rating" not in s.heading.lower() for s in record.programme.sections)


def test_links_match_references_in_order_and_extra_links_stay_on_study() -> None:
    refs = [
        ("A, B. (2001). First paper title here. ", "J One", ", 1, 1-2."),
        ("C, D. (2002). Second paper title here. ", "J Two", ", 2, 3-4."),
    ]
    links = ["https://www.ncbi.nlm.nih.gov/pubmed/11", "https://www.jstor.org/stable/22"]
    study = _parse(_spec(studies=[_study(1, references=refs, links=links)])).studies[0]
    assert [(r.identifiers.pmid, r.identifiers.jstor) for r in study.references] == [
        ("11", None),
        (None, "22"),
    ]
    odd = _parse(_spec(studies=[_study(1, references=refs, links=links[:1])])).studies[0]
    assert odd.unmatched_links == links[:1]
    assert all(r.links == [] for r in odd.references)


def test_kind_detection_and_unknown_kind_names_kinds_tried() -> None:
    page = render_programme_html(_spec()).encode()
    assert detect_kind(load_document(page, LoadContext(path="x.html"))) == "eif-guidebook"
    other = b"<html><body><h1>Weather</h1><p>Sunny spells later today.</p></body></html>"
    with pytest.raises(UnknownKindError) as caught:
        parse_document(load_document(other, LoadContext(path="weather.html")))
    assert "eif-guidebook" in str(caught.value) and "research-project" in str(caught.value)
    assert "weather.html" in str(caught.value)


def test_forced_kind_overrides_detection() -> None:
    page = render_programme_html(_spec()).encode()
    record = parse_document(
        load_document(page, LoadContext(path="x.html")), kind="research-project"
    )
    assert record.source.kind == "research-project"


def test_unknown_sections_are_kept_with_their_text() -> None:
    page = (
        render_programme_html(_spec())
        .replace(
            "<h2>UK provision</h2>",
            "<h2>Programme costs detail</h2><p>Costs 500 per family.</p><h2>UK provision</h2>",
        )
        .encode()
    )
    record = parse_document(load_document(page, LoadContext(url=URL + "x")))
    kept = {s.heading: s.text for s in record.programme.sections}
    assert kept["Programme costs detail"] == "Costs 500 per family."


VARIANT = """<html><body><main>
<h1>Variant Layout Programme</h1>
<p><b>Variant Layout Programme (VLP) supports fathers.</b></p>
<h2>Evidence rating</h2><p>4</p>
<h2>Cost rating</h2><p>2</p>
<h2>About the evidence</h2>
<h3>Study 1</h3>
<h4>Citation</h4><p>Berg et al (2015)</p>
<h4>Design</h4><p>QED</p>
<h4>Country</h4><p>Norway</p>
<h4>Sample</h4><p>312 fathers</p>
<h4>Child outcomes</h4><ul><li>Improved language</li><li>Reduced anxiety</li></ul>
<p>Berg, T., &amp; Lie, S. (2015). Fathers in focus. <i>Nordic Family Review</i>, 4(2), 10-22.</p>
<h3>Study 2</h3>
<p>Citation</p><p>Moe et al (2018)</p>
<p>Design:</p><p>RCT</p>
<p>Country</p><p>Denmark</p>
</main></body></html>"""


def test_labels_as_subheadings_or_own_paragraphs_and_ratings_under_headings() -> None:
    record = parse_document(load_document(VARIANT.encode(), LoadContext(url=URL + "vlp")))
    ratings = record.programme.ratings
    assert ratings.evidence and ratings.evidence.label == "4"
    assert ratings.cost and ratings.cost.level == 2
    s1, s2 = record.studies
    assert (s1.citation, s1.design and s1.design.value, s1.countries) == (
        "Berg et al (2015)",
        "quasi-experimental",
        ["NO"],
    )
    assert s1.sample and s1.sample.text == "312 fathers"
    assert [o.outcome for o in s1.outcomes] == ["Improved language", "Reduced anxiety"]
    assert s1.references[0].csl.container_title == "Nordic Family Review"
    assert (s2.citation, s2.design and s2.design.value, s2.countries) == (
        "Moe et al (2018)",
        "rct",
        ["DK"],
    )


LETTERED_STUDIES = """<!DOCTYPE html><html><head><title>Family Steps</title></head><body><main>
<h1>Family Steps</h1>
<p><strong>Family Steps is a group programme for parents of toddlers.</strong></p>
<div><p>Evidence rating</p><p>3</p><p>Cost rating</p><p>2</p></div>
<p>Parents meet weekly in small groups.</p>
<h2>Child outcomes</h2>
<h3>Preventing crime, violence and antisocial behaviour</h3>
<p>Reduced child behaviour problems - based on study 1a, study 1b and study 2</p>
<h2>About the evidence</h2>
<h3>Study 1a</h3>
<dl><dt>Citation</dt><dd>Brown et al (2012)</dd><dt>Design</dt><dd>RCT</dd>
<dt>Country</dt><dd>Ireland</dd>
<dt>Sample characteristics</dt><dd>140 parents of children aged 2 to 4</dd>
<dt>Population risk factors</dt><dd>Low income</dd>
<dt>Child outcomes</dt><dd><ul><li>Reduced child behaviour problems</li></ul></dd></dl>
<h3>Study 1b</h3>
<dl><dt>Citation</dt><dd>Brown et al (2015)</dd><dt>Design</dt><dd>RCT</dd>
<dt>Country</dt><dd>Ireland</dd><dt>Sample characteristics</dt><dd>121 of the same parents</dd></dl>
<h3>Study 2</h3>
<dl><dt>Citation</dt><dd>Ng et al (2019)</dd><dt>Design</dt><dd>QED</dd>
<dt>Country</dt><dd>Scotland</dd><dt>Sample</dt><dd>88 families</dd></dl>
</main></body></html>"""


def test_lettered_studies_rating_lines_and_sample_characteristics() -> None:
    from evidencemine.pipeline import parse_page  # adapter plus the page-field rules

    page = LETTERED_STUDIES.encode()
    record = parse_page(
        load_document(page, LoadContext(url="https://foundations.org.uk/programme/family-steps"))
    )
    programme = record.programme
    assert [s.label for s in record.studies] == ["Study 1a", "Study 1b", "Study 2"]
    assert [s.number for s in record.studies] == [1, 1, 2]
    assert [s.citation for s in record.studies] == [
        "Brown et al (2012)",
        "Brown et al (2015)",
        "Ng et al (2019)",
    ]
    (outcome,) = programme.child_outcomes
    assert outcome.studies == [1, 2] and outcome.study_labels == ["1a", "1b", "2"]
    assert programme.ratings.evidence is not None and programme.ratings.evidence.label == "3"
    assert programme.ratings.cost is not None and programme.ratings.cost.level == 2
    assert programme.description == ["Parents meet weekly in small groups."]  # no rating lines
    first = record.studies[0]
    assert first.sample is not None and first.sample.size is not None
    assert first.sample.size.total == 140
    assert first.countries == ["IE"] and record.studies[2].countries == ["GB"]
    assert first.fields == {"Population risk factors": "Low income"}


@pytest.mark.parametrize(
    ("line", "numbers", "labels"),
    [
        ("Improved reading - based on study 1, study 2", [1, 2], ["1", "2"]),
        ("Improved reading - based on studies 1 and 2", [1, 2], ["1", "2"]),
        ("Improved reading – based on study 1a, 1b and 3", [1, 3], ["1a", "1b", "3"]),
        ("Improved reading (based on studies 1 and 2)", [1, 2], ["1", "2"]),
        ("Improved reading Based on: study 2.", [2], ["2"]),
    ],
)
def test_outcome_supporting_studies_in_any_phrasing(
    line: str, numbers: list[int], labels: list[str]
) -> None:
    from evidencemine.sources.eif import _programme_outcome

    outcome = _programme_outcome(line, None)
    assert (outcome.outcome, outcome.studies, outcome.study_labels) == (
        "Improved reading",
        numbers,
        labels,
    )


TABLE_STUDIES = """<html><body><main><h1>Table Talk</h1>
<p><strong>Table Talk is a parenting programme.</strong></p>
<p>Evidence rating: 2+</p><p>Cost rating: 3</p>
<h2>About the evidence</h2>
<h3>Study 1</h3>
<table><tr><th>Citation</th><th>Design</th><th>Country</th><th>Sample</th></tr>
<tr><td>Lee et al (2010)</td><td>RCT</td><td>Australia</td><td>96 families with toddlers</td></tr>
</table>
<h3>Study 2</h3>
<table><tr><th>Citation</th><td>Ngata et al (2016)</td></tr><tr><th>Design</th><td>QED</td></tr>
<tr><th>Country</th><td>New Zealand</td></tr><tr><th>Sample</th><td>210 parents</td></tr></table>
</main></body></html>"""


def test_study_fields_in_tables_by_column_or_by_row() -> None:
    context = LoadContext(url="https://guidebook.eif.org.uk/programme/table-talk")
    record = parse_document(load_document(TABLE_STUDIES.encode(), context))
    found = [
        (s.citation, s.design.label if s.design else None, s.countries, s.sample and s.sample.text)
        for s in record.studies
    ]
    assert found == [
        ("Lee et al (2010)", "RCT", ["AU"], "96 families with toddlers"),
        ("Ngata et al (2016)", "QED", ["NZ"], "210 parents"),
    ]


ACCORDION_STUDIES = """<html><body><main><h1>Accordion Parents</h1>
<p><strong>Accordion Parents is a home-visiting programme.</strong></p>
<p>Evidence rating: 3</p><p>Cost rating: 2</p>
<h2>About the evidence</h2>
<div class="accordion">
<button aria-expanded="false" aria-controls="s1">Study 1</button>
<div id="s1"><p><strong>Citation:</strong> Ode et al (2011)</p><p><strong>Design:</strong> RCT</p><p><strong>Country:</strong> Nigeria</p><p><strong>Sample:</strong> 300 mothers</p></div>
<button aria-expanded="false" aria-controls="s2">Study 2</button>
<div id="s2"><p><strong>Citation:</strong> Ode et al (2014)</p><p><strong>Design:</strong> QED</p><p><strong>Country:</strong> Ghana</p></div>
</div>
<p><strong>Study 3</strong></p>
<p><strong>Citation:</strong> Mensah et al (2018)</p><p><strong>Design:</strong> RCT</p>
<button>Accept cookies</button>
</main></body></html>"""


def test_studies_named_by_accordion_toggles_or_bold_lines() -> None:
    context = LoadContext(url="https://guidebook.eif.org.uk/programme/accordion-parents")
    record = parse_document(load_document(ACCORDION_STUDIES.encode(), context))
    found = [(s.label, s.citation, s.countries) for s in record.studies]
    assert found == [
        ("Study 1", "Ode et al (2011)", ["NG"]),
        ("Study 2", "Ode et al (2014)", ["GH"]),
        ("Study 3", "Mensah et al (2018)", []),
    ]
    text = json.dumps(record.model_dump(mode="json"))
    assert "Accept cookies" not in text  # other buttons stay out
