"""References as bibliographies: CSL-JSON, BibTeX and RIS, one entry per distinct work.

A work is keyed by DOI, else PMID, else title and year (:func:`work_key`); the entry takes
the resolved record when there is one (the printed citation otherwise), with the identifiers
read from the page filled in, and names every programme it supports (CSL ``note``, BibTeX
``note`` and ``keywords``, RIS ``N1`` and ``KW``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from evidencemine.export.tables import csl_year, work_key


@dataclass(slots=True)
class Work:
    key: str
    csl: dict[str, Any]
    programmes: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    jstor: str | None = None

    @property
    def supports(self) -> str:
        return "Supports: " + "; ".join(f"{name} ({pid})" for pid, name in self.programmes)


def _clean(csl: dict[str, Any]) -> dict[str, Any]:
    """A CSL item without nulls or empty lists (``literal`` names kept only when set)."""
    out: dict[str, Any] = {}
    for key, value in csl.items():
        if value is None or value == [] or value == "":
            continue
        if key == "author":
            value = [{k: v for k, v in name.items() if v} for name in value]
        out[key] = value
    return out


def collect_works(records: Iterable[dict[str, Any]]) -> list[Work]:
    """Distinct works cited by the records (JSON dicts), in first-cited order."""
    works: dict[str, Work] = {}
    for record in records:
        programme = (record["id"], record["programme"]["name"])
        for study in record.get("studies") or []:
            for reference in study.get("references") or []:
                key = work_key(reference)
                work = works.get(key)
                if work is None:
                    csl = _clean(reference.get("resolved") or reference.get("csl") or {})
                    ids = reference.get("identifiers") or {}
                    for name, value in (
                        ("DOI", ids.get("doi")),
                        ("PMID", ids.get("pmid")),
                        ("PMCID", ids.get("pmcid")),
                    ):
                        if value and not csl.get(name):
                            csl[name] = value
                    csl["id"] = key
                    csl.setdefault("type", "article-journal")
                    if not csl.get("title"):
                        csl["title"] = reference.get("raw")
                    work = works[key] = Work(key, csl, jstor=ids.get("jstor"))
                if programme not in work.programmes:
                    work.programmes.append(programme)
    result = list(works.values())
    for work in result:
        work.csl["note"] = work.supports
    return result


# CSL-JSON ---------------------------------------------------------------------------------


def to_csl_json(works: list[Work]) -> str:
    return json.dumps([w.csl for w in works], indent=2, ensure_ascii=False) + "\n"


# BibTeX -----------------------------------------------------------------------------------

BIBTEX_TYPES = {
    "article-journal": "article",
    "book": "book",
    "chapter": "incollection",
    "report": "techreport",
    "thesis": "phdthesis",
    "paper-conference": "inproceedings",
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _bib_escape(text: str) -> str:
    """Braces balanced and the characters TeX treats specially escaped."""
    text = text.replace("\\", "\\textbackslash{}")
    text = re.sub(r"([&%$#_])", r"\\\1", text)
    text = text.replace("{", "\\{").replace("}", "\\}")
    return text.replace("\\textbackslash\\{\\}", "\\textbackslash{}").replace("~", "\\~{}")


def _bib_name(name: dict[str, Any]) -> str:
    if name.get("literal"):
        return "{" + _bib_escape(str(name["literal"])) + "}"
    family = _bib_escape(str(name.get("family", "")))
    given = name.get("given")
    return f"{family}, {_bib_escape(str(given))}" if given else family


def citation_keys(works: list[Work]) -> list[str]:
    """``<first author><year><first title word>``, ascii, made unique with a, b, c ..."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for work in works:
        authors = work.csl.get("author") or [{}]
        first = authors[0].get("family") or authors[0].get("literal") or "anon"
        words = [
            w
            for w in re.findall(r"[A-Za-z]+", _ascii(str(work.csl.get("title", ""))))
            if len(w) > 3
        ]
        base = re.sub(r"[^a-z0-9]", "", _ascii(str(first)).lower()) or "anon"
        base += str(csl_year(work.csl) or "nd") + (words[0].lower() if words else "")
        count = seen.get(base, 0)
        seen[base] = count + 1
        keys.append(base if count == 0 else f"{base}{chr(ord('a') + count - 1)}")
    return keys


def to_bibtex(works: list[Work]) -> str:
    entries: list[str] = []
    for work, key in zip(works, citation_keys(works), strict=True):
        csl = work.csl
        fields: list[tuple[str, str]] = []
        if csl.get("author"):
            fields.append(("author", " and ".join(_bib_name(n) for n in csl["author"])))
        fields.append(("title", "{" + _bib_escape(str(csl.get("title", ""))) + "}"))
        container = "journal" if csl.get("type") == "article-journal" else "booktitle"
        for name, value in (
            (container, csl.get("container-title")),
            ("year", csl_year(csl)),
            ("volume", csl.get("volume")),
            ("number", csl.get("issue")),
            ("pages", str(csl["page"]).replace("-", "--") if csl.get("page") else None),
            ("publisher", csl.get("publisher")),
            ("doi", csl.get("DOI")),
            ("pmid", csl.get("PMID")),
            ("url", csl.get("URL")),
        ):
            if value:
                fields.append((name, _bib_escape(str(value)) if name != "url" else str(value)))
        fields.append(("note", _bib_escape(work.supports)))
        fields.append(("keywords", _bib_escape(", ".join(pid for pid, _ in work.programmes))))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        kind = BIBTEX_TYPES.get(str(csl.get("type")), "misc")
        entries.append(f"@{kind}{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


# RIS --------------------------------------------------------------------------------------

RIS_TYPES = {
    "article-journal": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
    "thesis": "THES",
    "paper-conference": "CONF",
}


def _ris_line(tag: str, value: Any) -> str:
    return f"{tag}  - {' '.join(str(value).split())}"


def to_ris(works: list[Work]) -> str:
    lines: list[str] = []
    for work in works:
        csl = work.csl
        lines.append(_ris_line("TY", RIS_TYPES.get(str(csl.get("type")), "GEN")))
        for name in csl.get("author") or []:
            lines.append(
                _ris_line(
                    "AU",
                    name.get("literal")
                    or ", ".join(p for p in (name.get("family"), name.get("given")) if p),
                )
            )
        lines.append(_ris_line("TI", csl.get("title", "")))
        first, _, last = str(csl.get("page") or "").partition("-")
        for tag, value in (
            ("T2", csl.get("container-title")),
            ("J2", csl.get("container-title-short")),
            ("PY", csl_year(csl)),
            ("VL", csl.get("volume")),
            ("IS", csl.get("issue")),
            ("SP", first or None),
            ("EP", last or None),
            ("PB", csl.get("publisher")),
            ("DO", csl.get("DOI")),
            ("UR", csl.get("URL")),
            ("AN", f"PMID:{csl['PMID']}" if csl.get("PMID") else None),
            ("AB", csl.get("abstract")),
        ):
            if value:
                lines.append(_ris_line(tag, value))
        lines += [_ris_line("KW", pid) for pid, _ in work.programmes]
        lines.append(_ris_line("N1", work.supports))
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)
