"""The seed pages, parsed by the real loader and adapter, resolve against the stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from resolvers_helpers import REPO, Standin

from evidencemine.documents.base import load_path
from evidencemine.resolvers import resolve_references
from evidencemine.sources import parse_document

SEEDS = REPO.parent / "shared" / "seeds"
SEED_000 = SEEDS / "000_a4d4c1a7dfc6b4f0.txt"
SEED_004 = SEEDS / "004_fcc6b16e27ae857a.txt"


def test_seed_pages_resolve_to_expected_records(standin: Standin, fixtures_dir: Path) -> None:
    if not SEED_000.is_file() or not SEED_004.is_file():
        pytest.skip(f"seed documents are absent from {SEEDS}")
    records = [parse_document(load_path(path)) for path in (SEED_000, SEED_004)]
    refs = [ref for record in records for study in record.studies for ref in study.references]
    server, client, settings = standin(fixtures_dir)
    report = resolve_references(refs, client, settings)
    got = [(r.identifiers.pmid, r.identifiers.doi, r.resolution.method) for r in report.references]
    assert got == [
        (None, "10.2307/1130715", "doi"),
        ("17152394", "10.1017/S0954579406060329", "link"),
        ("21756432", "10.1017/S0954579411000320", "link"),
        ("24229539", "10.1017/S0954579413000278", "link"),
        ("26939716", "10.1002/imhj.21553", "ecitmatch"),
    ]
    assert all(r.resolution.verified for r in report.references)
    assert report.requests == {"ecitmatch": 1, "efetch": 1, "crossref-works": 1}
    assert len(server.requests) == 3
