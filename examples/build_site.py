"""Regenerate evidencemine_demo/data/site/ (the demo's sample guidebook) from the specs below.

    .venv/bin/python examples/build_site.py

Pages are guidebook-style HTML written for this project (see evidencemine_demo.sample_site). The
index is paginated, a sitemap lists every page (``__BASE__`` is replaced by the demo server's
address when served), and robots.txt disallows one path.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from evidencemine.references import parse_reference
from evidencemine_demo import data_dir
from evidencemine_demo.sample_site import ProgrammeSpec, StudySpec, build_site, sample_programme

HERE = data_dir() / "site"
API = data_dir() / "api" / "pubmed"
CONFLICTING_STUDY = "sample-programme-2"  # its abstract states another N than the page

ATTACHMENT = ProgrammeSpec(
    slug="child-parent-attachment-programme",
    name="Child-Parent Attachment Programme",
    acronym="CPAP",
    summary="is a dyadic therapy for mothers and infants in maltreating families.",
    rating="3+",
    cost="NA",
    outcomes=[
        (
            "Supporting children's mental health and wellbeing",
            "Improved attachment security",
            [1, 2],
        )
    ],
    family_outcomes=True,
    age_groups=["Infants"],
    delivery_models=["Individual"],
    settings=["Home"],
    targeting=["Targeted indicated"],
    implemented_in="United States",
    uk_provision=False,
    uk_evaluation=False,
    delivery="It is delivered in 40 weekly sessions of 1 hour each by one therapist.",
    training="Therapists have 60 hours of programme training. Booster training is required.",
    contact=("Dana Example", "Example Institute for Families", "dana@example.org"),
    studies=[
        StudySpec(
            citation="Lieberman et al (1991)",
            design="RCT",
            country="United States",
            sample="100 mothers with 12-month-old infants",
            child_outcomes=["Improved attachment security"],
            other_outcomes=["Increased maternal empathy"],
            references=[
                (
                    "Lieberman, A.F., Weston, D.R., & Pawl, J.H. (1991). Preventive "
                    "intervention and outcome with anxiously attached dyads, ",
                    "Child Development",
                    ", 62, 199-209.",
                )
            ],
            links=["https://www.jstor.org/stable/1130715"],
        ),
        StudySpec(
            citation="Cicchetti et al (2006); Stronach et al (2013)",
            design="RCT",
            country="United States",
            sample="189 mothers and their infants",
            child_outcomes=["Improved attachment security"],
            references=[
                (
                    "Cicchetti, D., Rogosch, F.A., & Toth, S.L. (2006). Fostering secure "
                    "attachment in infants in maltreating families through preventive "
                    "interventions. ",
                    "Development and Psychopathology",
                    ", 18, 623-649.",
                ),
                (
                    "Stronach, E.P., Toth, S.L., Rogosch, F., & Cicchetti, D. (2013). "
                    "Preventive interventions and sustained attachment security in "
                    "maltreated children. ",
                    "Development and Psychopathology",
                    ", 25, 919-930.",
                ),
            ],
            links=[
                "https://www.ncbi.nlm.nih.gov/pubmed/17152394",
                "https://www.ncbi.nlm.nih.gov/pubmed/24229539",
            ],
        ),
    ],
)


def specs() -> list[ProgrammeSpec]:
    return [ATTACHMENT, *(sample_programme(i, seed=7) for i in range(7))]


def _abstract(study: StudySpec, total: int) -> str:
    unit = study.sample.split()[1] if len(study.sample.split()) > 1 else "families"
    design = (
        "This randomised controlled trial"
        if study.design == "RCT"
        else "This quasi-experimental study with a matched comparison group"
    )
    return (
        f"{design} enrolled {total} {unit} in {study.country}, who "
        "received the programme or usual services and were followed up at 6 and 12 months. "
        "Families in the programme showed significantly fewer child behaviour problems than "
        "controls at 12 months. There were no differences between groups in maternal "
        "wellbeing."
    )


def pubmed_fixture(pmid: str, study: StudySpec, total: int) -> str:
    """A PubmedArticle for a sample study, with the facts its page prints."""
    before, journal, after = study.references[0]
    csl = parse_reference(before + journal + after, italic=(journal,)).csl
    authors = "".join(
        f'<Author ValidYN="Y"><LastName>{escape(a.family)}</LastName>'
        f"<Initials>{escape((a.given or '').replace('.', '').replace(' ', ''))}</Initials></Author>"
        for a in csl.author
    )
    year = csl.issued.date_parts[0][0] if csl.issued else 2000
    return f"""<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">{pmid}</PMID>
    <Article PubModel="Print">
      <Journal><JournalIssue CitedMedium="Print"><Volume>{csl.volume}</Volume><Issue>{csl.issue}</Issue>
        <PubDate><Year>{year}</Year></PubDate></JournalIssue>
        <Title>{escape(journal)}</Title></Journal>
      <ArticleTitle>{escape(csl.title or "")}.</ArticleTitle>
      <Pagination><MedlinePgn>{csl.page}</MedlinePgn></Pagination>
      <Abstract><AbstractText>{escape(_abstract(study, total))}</AbstractText></Abstract>
      <AuthorList CompleteYN="Y">{authors}</AuthorList>
      <Language>eng</Language>
      <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>
    </Article>
  </MedlineCitation>
  <PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle>
"""


def write_pubmed_fixtures(programmes: list[ProgrammeSpec]) -> int:
    written = 0
    for spec in programmes:
        for study in spec.studies:
            for link in study.links:
                pmid = re.search(r"/pubmed/(\d+)", link)
                if not pmid or pmid[1] in {"17152394", "21756432", "24229539"}:
                    continue
                total = int(study.sample.split()[0])
                if spec.slug == CONFLICTING_STUDY:
                    total += 40
                (API / f"{pmid[1]}.xml").write_text(pubmed_fixture(pmid[1], study, total))
                written += 1
    return written


def main() -> None:
    site = build_site(specs(), per_page=3, base_url="__BASE__")
    for path, body in site.items():
        rel = path.lstrip("/")
        target = HERE / (rel if "." in rel.rsplit("/", 1)[-1] else f"{rel}/index.html")
        if rel.startswith("programme/"):
            target = HERE / f"{rel}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    print(f"wrote {len(site)} files under {HERE}")
    print(f"wrote {write_pubmed_fixtures(specs())} PubMed fixtures under {API}")


if __name__ == "__main__":
    main()
