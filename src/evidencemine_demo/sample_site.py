"""Guidebook-style sample pages and sites, written here, for the demo, tests and benchmarks.

Pages carry the chrome a real guidebook page has (navigation, repeated rating boxes, a cookie
banner, the about-texts, address and disclaimer), so adapters are tested against it.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

COOKIE_TEXT = (
    "Necessary cookies keep this site running; optional analytics cookies help us improve "
    "it. Choose whether to accept them in your cookie preferences."
)
DISCLAIMER = (
    "By reading this page you agree to our legal terms, which limit what we can be held "
    "responsible for."
)
ADDRESS = "10 Example Street, London SE1 7AA | +44 (0)20 7946 0000"
ABOUT_GUIDEBOOK = (
    "The Guidebook describes early intervention programmes and what is known about "
    "whether they work for children."
)


@dataclass
class StudySpec:
    citation: str
    design: str = "RCT"
    country: str = "United States"
    sample: str = "120 families"
    child_outcomes: list[str] = field(default_factory=lambda: ["Improved school readiness"])
    other_outcomes: list[str] = field(default_factory=list)
    references: list[tuple[str, str, str]] = field(default_factory=list)  # before, journal, after
    links: list[str] = field(default_factory=list)


@dataclass
class ProgrammeSpec:
    slug: str
    name: str
    acronym: str | None = None
    summary: str = "A programme for families."
    rating: str | None = "3"
    cost: str | None = "NA"
    outcomes: list[tuple[str, str, list[int]]] = field(default_factory=list)
    family_outcomes: bool = False
    age_groups: list[str] = field(default_factory=lambda: ["Preschool"])
    delivery_models: list[str] = field(default_factory=lambda: ["Group"])
    settings: list[str] = field(default_factory=list)
    targeting: list[str] = field(default_factory=lambda: ["Targeted selected"])
    implemented_in: str = "United Kingdom"
    uk_provision: bool = True
    uk_evaluation: bool = False
    delivery: str = "It is delivered in 10 weekly sessions of 2 hours each by two practitioners."
    training: str = "Practitioners have 16 hours of programme training."
    contact: tuple[str, str, str] = ("Alex Example", "Example University", "alex@example.org")
    studies: list[StudySpec] = field(default_factory=list)
    published: str = "June 2018"
    updated: str = "May 2019"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _items(items: list[str]) -> str:
    if not items:
        return "<p><em>Not available</em></p>"
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "<li></li></ul>"


def _rating_box(spec: ProgrammeSpec) -> str:
    cost = spec.cost or "NA"
    rating = spec.rating or "NL2"
    return (
        f'<div class="box"><p>Evidence rating: <strong>{_e(rating)}</strong></p>'
        f"<p>Cost rating: <strong>{_e(cost)}</strong></p></div>"
    )


def _study_html(number: int, study: StudySpec) -> str:
    refs = "".join(
        f"<p>{_e(before)}<em>{_e(journal)}</em>{_e(after)}</p>"
        for before, journal, after in study.references
    )
    links = "".join(f'<p><a href="{_e(url)}">{_e(url)}</a></p>' for url in study.links)
    available = f"<p><strong>Available at</strong></p>{links}" if links else ""
    other = "".join(f"<p>{_e(o)}</p>" for o in study.other_outcomes) or "<p>Not available</p>"
    return (
        f"<h3>Study {number}</h3>"
        f"<p><strong>Citation:</strong> {_e(study.citation)} | "
        f"<strong>Design:</strong> {_e(study.design)}</p><hr>"
        f"<p><strong>Country:</strong> {_e(study.country)}</p><hr>"
        f"<p><strong>Sample:</strong> {_e(study.sample)}</p><hr>"
        "<p><strong>Child outcomes:</strong></p>"
        + "".join(f"<p>{_e(o)}</p>" for o in study.child_outcomes)
        + "<hr><p><strong>Other outcomes:</strong></p>"
        + other
        + "<hr>"
        + refs
        + available
    )


def _outcomes_html(spec: ProgrammeSpec) -> str:
    domains: dict[str, list[str]] = {}
    for domain, outcome, studies in spec.outcomes:
        based = ", ".join(f"study {n}" for n in studies)
        domains.setdefault(domain, []).append(
            f"<p>{_e(outcome)} - based on <strong>{based}</strong></p>"
            if studies
            else f"<p>{_e(outcome)}</p>"
        )
    body = "".join(f"<h3>{_e(d)}</h3>{''.join(ps)}" for d, ps in domains.items())
    if spec.family_outcomes:
        body += (
            "<p><em>There is also evidence that the programme benefits couples, parents or "
            "families.</em></p>"
        )
    return body


def render_programme_html(spec: ProgrammeSpec, *, base_url: str = "") -> str:
    """A guidebook programme page, with its chrome."""
    name = _e(spec.name)
    acronym = f" ({_e(spec.acronym)})" if spec.acronym else ""
    studies = "".join(_study_html(n, s) for n, s in enumerate(spec.studies, start=1))
    uk = (
        "It is being delivered in the UK today."
        if spec.uk_provision
        else "It has not been implemented in the UK so far."
    )
    uk_eval = (
        "Its strongest studies include evaluation in UK settings."
        if spec.uk_evaluation
        else "Its strongest studies do not include any evaluation in UK settings."
    )
    n_studies = len(spec.studies)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{name} | Guidebook</title>
<link rel="canonical" href="{base_url}/programme/{spec.slug}"></head>
<body>
<div id="cookie-banner" class="consent"><p>{_e(COOKIE_TEXT)}</p><button>Accept</button></div>
<header><nav><a href="/">Home</a> <a href="/programmes">Programmes</a></nav></header>
<main>
<p>Published {_e(spec.published)} | Last updated {_e(spec.updated)}</p>
<h1>{name}</h1>
<p><strong>{name}{acronym} {_e(spec.summary)}</strong></p>
{_rating_box(spec)}
<h2>EIF Programme Assessment</h2>
<p>{name} has evidence of a positive impact on child outcomes.</p>
{_rating_box(spec)}
<h2>Child outcomes</h2>
<p>On the strongest evidence we have, children can gain these benefits:</p>
{_outcomes_html(spec)}
<h2>Key programme characteristics</h2>
<h3>Who is it for?</h3><p>The studies we rely on involved children of these ages:</p>{_items(spec.age_groups)}
<h3>How is it delivered?</h3><p>In those studies it was delivered like this:</p>{_items(spec.delivery_models)}
<h3>Where is it delivered?</h3><p>Settings covered by the evidence:</p>{_items(spec.settings)}
<h3>How is it targeted?</h3><p>Targeting in the evaluated delivery:</p>{_items(spec.targeting)}
<h3>Where has it been implemented?</h3><p>{_e(spec.implemented_in)}</p>
<h2>UK provision</h2><p>{uk}</p>
<h2>UK evaluation</h2><p>{uk_eval}</p>
<h2>About the programme</h2>
<h3>What happens during delivery?</h3><h4>How is it delivered?</h4><ul><li>{_e(spec.delivery)}</li></ul>
<h3>What are the implementation requirements?</h3>
<h4>What are the training requirements?</h4><ul><li>{_e(spec.training)}</li></ul>
<h2>Contact details</h2>
<p><strong>{_e(spec.contact[0])}</strong> {_e(spec.contact[1])}<br><a href="mailto:{_e(spec.contact[2])}">{_e(spec.contact[2])}</a></p>
<h2>About the evidence</h2>
<p>{name} has evidence from {n_studies} stud{"y" if n_studies == 1 else "ies"}.</p>
{studies}
</main>
<aside><h2>Guidebook</h2><p>{_e(ABOUT_GUIDEBOOK)}</p><p><a href="/how-to-read">How to read the Guidebook</a></p></aside>
<footer><p>{_e(ADDRESS)}</p><h2>Disclaimer</h2><p>{_e(DISCLAIMER)}</p></footer>
</body></html>
"""


# a deterministic sample of programmes -------------------------------------------------------

_FIRST = ["Family", "Parent", "Incredible", "Early", "Nurse", "Baby", "Child", "Home", "Circle"]
_SECOND = ["Foundations", "Partnership", "Steps", "Connections", "Start", "Talk", "Matters"]
_JOURNALS = [
    "Child Development",
    "Pediatrics",
    "Journal of Child Psychology and Psychiatry",
    "Development and Psychopathology",
    "Prevention Science",
    "Infant Mental Health Journal",
]
_FAMILIES = ["Smith", "Núñez", "Müller", "Ødegaard", "O'Brien", "Chen", "Kowalski", "Patel"]
_COUNTRIES = ["United States", "United Kingdom", "Australia", "Norway", "Canada", "Ireland"]
_RATINGS = ["2", "2+", "3", "3+", "4", "4+", "NL2"]
_COSTS = ["1", "2", "3", "4", "5", "NA"]


def _reference(rng: random.Random, year: int) -> tuple[str, str, str]:
    a, b = rng.sample(_FAMILIES, 2)
    title = (
        f"Effects of a {rng.choice(['home-visiting', 'parenting', 'group'])} programme on "
        f"{rng.choice(['attachment', 'behaviour problems', 'language', 'maternal mood'])}"
    )
    volume, first = rng.randint(10, 90), rng.randint(1, 900)
    return (
        f"{a}, J.K., & {b}, L. ({year}). {title}. ",
        rng.choice(_JOURNALS),
        f", {volume}({rng.randint(1, 6)}), {first}-{first + rng.randint(8, 30)}.",
    )


def sample_programme(index: int, *, seed: int = 0) -> ProgrammeSpec:
    """The ``index``-th sample programme (deterministic for a seed)."""
    rng = random.Random(seed * 100_003 + index)
    name = f"{_FIRST[index % len(_FIRST)]} {_SECOND[(index // len(_FIRST)) % len(_SECOND)]} {index + 1}"
    studies = []
    for n in range(rng.randint(0, 3)):
        year = rng.randint(1995, 2020)
        pmid = str(20_000_000 + index * 10 + n)
        studies.append(
            StudySpec(
                citation=f"{rng.choice(_FAMILIES)} et al ({year})",
                design=rng.choice(["RCT", "QED"]),
                country=rng.choice(_COUNTRIES),
                sample=f"{rng.randint(40, 900)} {rng.choice(['families', 'mothers', 'children'])}",
                references=[_reference(rng, year)],
                links=[f"https://www.ncbi.nlm.nih.gov/pubmed/{pmid}"],
            )
        )
    return ProgrammeSpec(
        slug=f"sample-programme-{index + 1}",
        name=name,
        acronym="".join(w[0] for w in name.split()[:2]).upper() + str(index + 1),
        summary="supports parents to improve outcomes for young children.",
        rating=rng.choice(_RATINGS),
        cost=rng.choice(_COSTS),
        outcomes=[
            (
                "Preventing child maltreatment",
                "Reduced child maltreatment",
                list(range(1, len(studies) + 1)),
            )
        ],
        implemented_in=rng.choice(_COUNTRIES),
        studies=studies,
    )


def build_site(
    specs: list[ProgrammeSpec], *, per_page: int = 5, base_url: str = ""
) -> dict[str, bytes]:
    """A whole site as path → bytes: paginated index, programme pages, sitemap, robots.txt."""
    site: dict[str, bytes] = {}
    pages = [specs[i : i + per_page] for i in range(0, len(specs), per_page)] or [[]]
    for number, chunk in enumerate(pages, start=1):
        links = "".join(f'<li><a href="/programme/{s.slug}">{_e(s.name)}</a></li>' for s in chunk)
        nxt = (
            f'<a rel="next" href="/programmes/page/{number + 1}">Next</a>'
            if number < len(pages)
            else ""
        )
        path = "/programmes" if number == 1 else f"/programmes/page/{number}"
        site[path] = (
            f"<!DOCTYPE html><html><body><h1>Programmes</h1><ul>{links}</ul>{nxt}</body></html>"
        ).encode()
    for spec in specs:
        site[f"/programme/{spec.slug}"] = render_programme_html(spec, base_url=base_url).encode()
    urls = "".join(f"<url><loc>{base_url}/programme/{s.slug}</loc></url>" for s in specs)
    site["/sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()
    site["/robots.txt"] = b"User-agent: *\nDisallow: /private/\n"
    return site
