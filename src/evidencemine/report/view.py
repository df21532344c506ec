"""What the templates show, computed from a record's JSON (no markup here)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pycountry

from evidencemine.export.tables import csl_year, get_path, table_by_name, table_rows

DESIGN_NAMES = {
    "rct": "RCT",
    "cluster-rct": "Cluster RCT",
    "quasi-experimental": "Quasi-experimental",
    "pre-post": "Pre-post",
    "cohort": "Cohort",
    "case-control": "Case-control",
    "cross-sectional": "Cross-sectional",
    "qualitative": "Qualitative",
    "systematic-review": "Systematic review",
    "meta-analysis": "Meta-analysis",
    "other": "Other",
}


def country_name(code: str) -> str:
    if code == "GB":
        return "UK"
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name) if country else code


def rating_sort(record: dict[str, Any]) -> float:
    """Evidence ratings in order: none < NL2 < 2 < 2+ < 3 < 3+ < 4 < 4+."""
    evidence = get_path(record, "programme.ratings.evidence")
    if not evidence:
        return -1.0
    if evidence.get("not_level_2"):
        return 1.0
    level = evidence.get("level")
    if level is None:
        return 0.0
    return float(level) + (0.5 if evidence.get("plus") else 0.0)


def _first_stated(*values: bool | None) -> bool | None:
    return next((v for v in values if v is not None), None)


def uk_tested(record: dict[str, Any], row: dict[str, Any]) -> str:
    """ "yes" when the page's "UK tested" badge (or its "evaluated in the UK" line) says so or
    a study took place in the UK, "no" when the page says not, "not stated" otherwise."""
    stated = _first_stated(
        get_path(record, "programme.uk_tested"), get_path(record, "programme.uk_evaluated")
    )
    if stated or row["uk_study"]:
        return "yes"
    if stated is False:
        return "no"
    return "not stated"


def summary_row(record: dict[str, Any], href: str) -> dict[str, Any]:
    """One line of the index table (from the ``programmes`` export table)."""
    (row,) = table_rows(table_by_name("programmes"), [record])
    return {
        "id": row["programme_id"],
        "href": href,
        "name": row["name"],
        "acronym": row["acronym"],
        "source_kind": row["source_kind"],
        "status": row["status"],
        "rating": row["evidence_rating"] or "",
        "rating_sort": rating_sort(record),
        "cost": " ".join(
            str(p)
            for p in (row["cost_rating"], get_path(record, "programme.ratings.cost.band.text"))
            if p
        ),
        "cost_sort": row["cost_level"] if row["cost_level"] is not None else -1,
        "studies": row["n_studies"],
        "designs": [DESIGN_NAMES.get(d, d) for d in row["designs"]],
        "largest_n": row["largest_n"],
        "countries": [country_name(c) for c in row["study_countries"]],
        "uk_tested": uk_tested(record, row),
    }


# programme pages --------------------------------------------------------------------------


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def reference_links(reference: dict[str, Any]) -> list[dict[str, str]]:
    ids = reference.get("identifiers") or {}
    best = reference.get("resolved") or reference.get("csl") or {}
    links = []
    pmid = ids.get("pmid") or best.get("PMID")
    doi = ids.get("doi") or best.get("DOI")
    if pmid:
        links.append(
            {
                "label": f"PubMed {pmid}",
                "url": f"https://pubmed.ncbi.nlm.nih.gov/{quote(str(pmid))}/",
            }
        )
    if ids.get("pmcid"):
        pmcid = ids["pmcid"]
        links.append(
            {"label": pmcid, "url": f"https://www.ncbi.nlm.nih.gov/pmc/articles/{quote(pmcid)}/"}
        )
    if doi:
        links.append(
            {"label": f"DOI {doi}", "url": f"https://doi.org/{quote(str(doi), safe='/:;()._-')}"}
        )
    if ids.get("jstor"):
        jstor = ids["jstor"]
        links.append(
            {"label": f"JSTOR {jstor}", "url": f"https://www.jstor.org/stable/{quote(jstor)}"}
        )
    return links


def citation_text(csl: dict[str, Any]) -> dict[str, str | None]:
    authors = csl.get("author") or []
    names = [
        a.get("literal") or ", ".join(p for p in (a.get("family"), a.get("given")) if p)
        for a in authors[:3]
    ]
    if len(authors) > 3:
        names.append("et al.")
    where = ", ".join(
        str(p)
        for p in (
            csl.get("container-title"),
            csl.get("volume")
            and f"{csl['volume']}" + (f"({csl['issue']})" if csl.get("issue") else ""),
            csl.get("page"),
        )
        if p
    )
    return {
        "authors": "; ".join(names) or None,
        "year": str(csl_year(csl)) if csl_year(csl) else None,
        "title": csl.get("title"),
        "where": where or None,
    }


def _evidence(evidence: dict[str, Any] | None) -> dict[str, Any] | None:
    if not evidence:
        return None
    return {"text": evidence["text"], "source": evidence["source"], "rule": evidence["rule"]}


def _study_view(study: dict[str, Any], n: int) -> dict[str, Any]:
    size = get_path(study, "sample.size")
    design = study.get("design")
    return {
        "anchor": f"study-{n}",
        "label": study["label"],
        "number": study.get("number"),
        "citation": study.get("citation"),
        "design": DESIGN_NAMES.get(design["value"], design["value"]) if design else None,
        "design_printed": design.get("label") if design else None,
        "design_evidence": _evidence(design.get("evidence")) if design else None,
        "n": size["total"] if size else None,
        "n_unit": size.get("unit") if size else None,
        "n_counts_studies": bool(size and size.get("studies_included")),
        "arms": size.get("arms") if size else [],
        "n_evidence": _evidence(size.get("evidence")) if size else None,
        "sample_text": get_path(study, "sample.text"),
        "countries": [country_name(c) for c in study.get("countries") or []],
        "country_text": study.get("country_text") or [],
        "comparison": get_path(study, "comparison.value"),
        "comparison_evidence": _evidence(get_path(study, "comparison.evidence")),
        "timepoints": study.get("timepoints_months") or [],
        "outcomes": [
            {
                "outcome": o["outcome"],
                "category": o["category"],
                "direction": o.get("direction"),
                "evidence": _evidence(o.get("evidence")),
            }
            for o in study.get("outcomes") or []
        ],
        "references": [_reference_view(r) for r in study.get("references") or []],
        "conflicts": study.get("conflicts") or [],
    }


def _reference_view(reference: dict[str, Any]) -> dict[str, Any]:
    best = reference.get("resolved") or reference.get("csl") or {}
    resolution = reference.get("resolution") or {}
    return {
        "raw": reference["raw"],
        "citation": citation_text(best),
        "links": reference_links(reference),
        "status": resolution.get("status"),
        "method": resolution.get("method"),
        "reason": resolution.get("reason"),
        "differences": reference.get("differences") or [],
    }


def _outcome_rows(record: dict[str, Any], studies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The programme's outcomes, each with the study findings behind it (same outcome, in a
    supporting study) and their direction and quoted evidence."""
    rows = []
    for outcome in get_path(record, "programme.child_outcomes") or []:
        supporting = [s for s in studies if s["number"] in (outcome.get("studies") or [])]
        findings = [
            {"study": s, **finding}
            for s in supporting
            for finding in s["outcomes"]
            if _fold(finding["outcome"]) == _fold(outcome["outcome"])
        ]
        rows.append(
            {
                "outcome": outcome["outcome"],
                "domain": outcome.get("domain"),
                "studies": supporting,
                "labels": outcome.get("study_labels")
                or [str(n) for n in outcome.get("studies") or []],
                "findings": findings,
                "statements": [
                    {
                        "text": s.get("text"),
                        "score": s.get("score_text") or s.get("score"),
                        "timeframe": s.get("timeframe"),
                        "studies": [x for x in studies if x["number"] in (s.get("studies") or [])],
                    }
                    for s in outcome.get("statements") or []
                ],
            }
        )
    return rows


def _warning_text(warning: Any) -> str:
    """ "value-not-read: Cost rating (block 12): the message" from a record warning."""
    if not isinstance(warning, dict):
        return str(warning)
    where = ", ".join(str(warning[k]) for k in ("label", "place") if warning.get(k))
    head = str(warning.get("code") or "warning") + (f" ({where})" if where else "")
    return f"{head}: {warning['message']}" if warning.get("message") else head


def programme_view(record: dict[str, Any]) -> dict[str, Any]:
    programme = record["programme"]
    ratings = programme.get("ratings") or {}
    studies = [_study_view(s, n) for n, s in enumerate(record.get("studies") or [], start=1)]
    conflicts = [{**c, "study": s} for s in studies for c in s["conflicts"]]
    source = record["source"]
    return {
        "id": record["id"],
        "name": programme["name"],
        "acronym": programme.get("acronym"),
        "summary": programme.get("summary"),
        "url": source.get("url"),
        "kind": source["kind"],
        "status": source.get("status"),
        "withdrawn_at": source.get("withdrawn_at"),
        "published": source.get("published"),
        "updated": source.get("updated"),
        "evidence": get_path(ratings, "evidence.label"),
        "cost": get_path(ratings, "cost.label"),
        "cost_text": ratings.get("cost_text"),
        "assessment": ratings.get("assessment"),
        "countries": [country_name(c) for c in programme.get("countries") or []],
        "uk_available": _first_stated(
            programme.get("uk_available"), programme.get("uk_implemented")
        ),
        "uk_tested": _first_stated(programme.get("uk_tested"), programme.get("uk_evaluated")),
        "cost_band": get_path(ratings, "cost.band.text"),
        "outcomes": _outcome_rows(record, studies),
        "studies": studies,
        "references": [r for s in studies for r in s["references"]],
        "conflicts": conflicts,
        "warnings": [_warning_text(w) for w in record.get("warnings") or []],
    }


# run pages --------------------------------------------------------------------------------


def run_view(
    report: dict[str, Any],
    earlier: list[dict[str, Any]],
    run_href: Callable[[str], str],
    page_href: Callable[[str], str],
) -> dict[str, Any]:
    previous = earlier[-1] if earlier else None
    return {
        "id": report["run_id"],
        "href": run_href(report["run_id"]),
        "mode": report.get("mode"),
        "started_at": report.get("started_at"),
        "finished_at": report.get("finished_at"),
        "counts": report.get("counts") or {},
        "coverage": report.get("coverage") or {},
        "programmes": [
            {
                **p,
                "href": page_href(p["id"]) if p.get("id") else None,
                "changes": p.get("changes") or [],
            }
            for p in report.get("programmes") or []
        ],
        "changed": [p for p in report.get("programmes") or [] if p.get("changes")],
        "errors": report.get("errors") or [],
        "previous": {"id": previous["run_id"], "href": run_href(previous["run_id"])}
        if previous
        else None,
    }
