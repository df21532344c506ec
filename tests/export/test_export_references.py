"""Reference lists parse with real parsers (citeproc-py, bibtexparser, rispy): one entry per
distinct work, each naming the programmes it supports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evidencemine.export import export_output


def _records(output: Path) -> list[dict[str, Any]]:
    return [
        json.loads(p.read_text("utf-8")) for p in sorted((output / "programmes").glob("*/*.json"))
    ]


def _works(output: Path) -> dict[str, set[str]]:
    """Distinct works (DOI, else PMID, lower-cased) and the programmes citing them, by hand."""
    works: dict[str, set[str]] = {}
    for record in _records(output):
        for study in record["studies"]:
            for ref in study["references"]:
                best = ref["resolved"] or ref["csl"]
                key = (ref["identifiers"]["doi"] or best.get("DOI") or "").lower() or (
                    ref["identifiers"]["pmid"] or best.get("PMID")
                )
                assert key, "every demo reference has a DOI or a PMID"
                works.setdefault(key, set()).add(record["id"])
    return works


@pytest.fixture(scope="module")
def tricky_output(demo_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plus one work cited by two programmes, its title full of TeX specials and
    non-ASCII letters."""
    import shutil

    root = Path(shutil.copytree(demo_output, tmp_path_factory.mktemp("tricky") / "output"))
    files = [
        f
        for f in sorted((root / "programmes").glob("*/*.json"))
        if any(s["references"] for s in json.loads(f.read_text())["studies"])
    ]
    first = json.loads(files[0].read_text())
    ref = first["studies"][0]["references"][0]
    ref = json.loads(json.dumps(ref))
    ref["identifiers"].update(doi="10.9999/Tricky.1", pmid=None)
    for csl in (ref["csl"], ref["resolved"]):
        if csl:
            csl.update(
                DOI="10.9999/Tricky.1",
                PMID=None,
                title="Parents & children: 50% {braced} gains_in Zürich #1",
            )
            csl["author"] = [
                {"family": "Müller", "given": "Jürgen", "literal": None},
                {"family": "O'Brien", "given": "Siobhán", "literal": None},
            ]
    for f in files[:2]:
        data = json.loads(f.read_text())
        data["studies"][0]["references"].append(ref)
        f.write_text(json.dumps(data))
    return root


def test_csl_json_renders_with_citeproc(tricky_output: Path, tmp_path: Path) -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    (path,) = export_output(tricky_output, "csl-json", tmp_path / "refs.json").paths
    items = json.loads(path.read_text("utf-8"))
    works = _works(tricky_output)
    assert len(items) == len(works) == len({i["id"] for i in items})
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items)
    assert any("Zürich" in text and "Müller" in text for text in rendered)
    for item in items:
        key = (item.get("DOI") or "").lower() or item.get("PMID")
        for programme in works[key]:
            assert programme in item["note"]
    tricky = next(i for i in items if i.get("DOI") == "10.9999/Tricky.1")
    assert tricky["note"].count("(eif-guidebook/") == 2


def test_bibtex_parses_with_bibtexparser(tricky_output: Path, tmp_path: Path) -> None:
    import bibtexparser

    (path,) = export_output(tricky_output, "bibtex", tmp_path / "refs.bib").paths
    library = bibtexparser.parse_string(path.read_text("utf-8"))
    assert library.failed_blocks == []
    works = _works(tricky_output)
    assert len(library.entries) == len(works)
    assert len({e.key for e in library.entries}) == len(works)
    for entry in library.entries:
        fields = entry.fields_dict
        key = fields["doi"].value.lower() if "doi" in fields else fields["pmid"].value
        assert set(fields["keywords"].value.split(", ")) == works[key]
    tricky = next(
        e
        for e in library.entries
        if "doi" in e.fields_dict and e.fields_dict["doi"].value == "10.9999/Tricky.1"
    )
    assert (
        tricky.fields_dict["title"].value
        == r"{Parents \& children: 50\% \{braced\} gains\_in Zürich \#1}"
    )
    assert tricky.fields_dict["author"].value.startswith("Müller, Jürgen and O'Brien")


def test_ris_parses_with_rispy(tricky_output: Path, tmp_path: Path) -> None:
    import rispy

    (path,) = export_output(tricky_output, "ris", tmp_path / "refs.ris").paths
    entries = rispy.loads(path.read_text("utf-8"))
    works = _works(tricky_output)
    assert len(entries) == len(works)
    for entry in entries:
        key = entry.get("doi", "").lower() or entry["accession_number"].removeprefix("PMID:")
        assert set(entry["keywords"]) == works[key]
        assert entry["type_of_reference"] == "JOUR"
        assert entry["title"] and entry["year"]
    tricky = next(e for e in entries if e.get("doi") == "10.9999/Tricky.1")
    assert tricky["title"] == "Parents & children: 50% {braced} gains_in Zürich #1"
    assert tricky["authors"] == ["Müller, Jürgen", "O'Brien, Siobhán"]
