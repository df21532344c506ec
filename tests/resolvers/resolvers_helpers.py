"""Helpers for the resolver tests (imported by name; conftest.py only holds fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evidencemine.http import HttpClient
from evidencemine.models import CslDate, CslItem, CslName, Reference
from evidencemine.settings import Settings
from evidencemine_demo.demo import API_DIR
from evidencemine_demo.localserver import LocalServer

REPO = Path(__file__).resolve().parents[2]
EXAMPLES_API = API_DIR
CORPUS = REPO.parent / "shared" / "corpus"


def corpus_dir(name: str) -> Path:
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.skip(f"shared corpus folder {folder} is absent (it sits beside the checkout in CI)")
    return folder


def make_settings(server: LocalServer, cache_dir: Path, **overrides: Any) -> Settings:
    data: dict[str, Any] = {
        "http": {
            "cache_dir": str(cache_dir),
            "allow_private_hosts": True,
            "timeout_s": 5,
            "retries": 0,
            "contact": "tests@example.org",
        },
        "pubmed": {"base_url": server.url("/eutils/"), "idconv_url": server.url("/idconv/")},
        "crossref": {"base_url": server.url("/crossref/")},
    }
    for section, values in overrides.items():
        data.setdefault(section, {}).update(values)
    return Settings.model_validate(data)


Standin = Callable[..., tuple[LocalServer, HttpClient, Settings]]


Standin = Callable[..., tuple[LocalServer, HttpClient, Settings]]


def reference(
    raw: str,
    authors: list[tuple[str, str]],
    year: int | None,
    title: str | None,
    journal: str | None,
    volume: str | None,
    page: str | None,
    *,
    links: tuple[str, ...] = (),
    issue: str | None = None,
) -> Reference:
    """A Reference as the reference parser builds it (family names + initials)."""
    return Reference(
        raw=raw,
        links=list(links),
        csl=CslItem(
            id="ref",
            author=[CslName(family=family, given=given) for family, given in authors],
            issued=CslDate(date_parts=[[year]]) if year else None,
            title=title,
            container_title=journal,
            volume=volume,
            issue=issue,
            page=page,
        ),
    )


def seed_references() -> list[Reference]:
    """The five references of the two seed documents, as printed (with the page's links)."""
    return [
        reference(
            "Lieberman, A.F., Weston, D.R., & Pawl, J.H. (1991). Preventive intervention and "
            "outcome with anxiously attached dyads, Child Development, 62, 199-209.",
            [("Lieberman", "A.F."), ("Weston", "D.R."), ("Pawl", "J.H.")],
            1991,
            "Preventive intervention and outcome with anxiously attached dyads",
            "Child Development",
            "62",
            "199-209",
            links=("https://www.jstor.org/stable/1130715?seq=1#page_scan_tab_contents",),
        ),
        reference(
            "Cicchetti, D., Rogosch, F.A., & Toth, S.L. (2006). Fostering secure attachment in "
            "infants in maltreating families through preventive interventions. Development and "
            "Psychopathology, 18, 623-649.",
            [("Cicchetti", "D."), ("Rogosch", "F.A."), ("Toth", "S.L.")],
            2006,
            "Fostering secure attachment in infants in maltreating families through preventive "
            "interventions",
            "Development and Psychopathology",
            "18",
            "623-649",
            links=("https://www.ncbi.nlm.nih.gov/pubmed/17152394",),
        ),
        reference(
            "Cicchetti, D., Rogosch, F.A., Toth, S.L. & Sturge-Apple, M.L. (2011). Normalising "
            "the development of cortisol regulation in maltreated infants through preventive "
            "interventions. Development and Psychopathology, 23, 789-800.",
            [("Cicchetti", "D."), ("Rogosch", "F.A."), ("Toth", "S.L."), ("Sturge-Apple", "M.L.")],
            2011,
            "Normalising the development of cortisol regulation in maltreated infants through "
            "preventive interventions",
            "Development and Psychopathology",
            "23",
            "789-800",
            links=("https://www.ncbi.nlm.nih.gov/pubmed/21756432",),
        ),
        reference(
            "Stronach, E.P., Toth, S.L., Rogosch, F., & Cicchetti, D. (2013). Preventive "
            "interventions and sustained attachment security in maltreated children, "
            "Developmental Psychopathology. 25, 919-930.",
            [("Stronach", "E.P."), ("Toth", "S.L."), ("Rogosch", "F."), ("Cicchetti", "D.")],
            2013,
            "Preventive interventions and sustained attachment security in maltreated children",
            "Developmental Psychopathology",
            "25",
            "919-930",
            links=("https://www.ncbi.nlm.nih.gov/pubmed/24229539",),
        ),
        reference(
            "Fonagy, P., Sleed, M. & Baradon, T. (2016). Randomized controlled trial of "
            "parent–infant psychotherapy for parents with mental health problems and young "
            "infants. Infant Mental Health Journal, 37(2), 97-114.",
            [("Fonagy", "P."), ("Sleed", "M."), ("Baradon", "T.")],
            2016,
            "Randomized controlled trial of parent–infant psychotherapy for parents with mental "
            "health problems and young infants",
            "Infant Mental Health Journal",
            "37",
            "97-114",
            issue="2",
        ),
    ]
