"""The run report as a Prefect artifact (Markdown), beside ``output/runs/<run-id>.json``."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.artifacts import create_link_artifact, create_markdown_artifact

ARTIFACT_KEYS = {"run": "guidebook-run-report", "ingest": "reingest-report"}
SITE_ARTIFACT_KEY = "evidence-report"


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def report_path(report: dict[str, Any]) -> Path:
    """Where the library wrote the JSON of ``report``."""
    return Path(report["output_dir"]) / "runs" / f"{report['run_id']}.json"


def report_markdown(report: dict[str, Any]) -> str:
    """Counts, per-programme changes, coverage and every error of one run report."""
    counts = report["counts"]
    lines = [
        f"# Run {report['run_id']} ({report['mode']})",
        "",
        f"JSON: `{report_path(report)}`",
        "",
        "## Counts",
        "",
    ]
    lines += _table(tuple(counts), [tuple(counts.values())])
    lines += ["", "## Programmes", ""]
    lines += _table(
        ("status", "record", "changes since the previous run"),
        [
            (p["status"], p["id"] or p["input"], "; ".join(p["changes"]) or "-")
            for p in report["programmes"]
        ],
    )
    coverage = {
        **report.get("coverage", {}),
        **{
            f"resolution {k}": v
            for k, v in report.get("resolution", {}).items()
            if isinstance(v, int | float)
        },
    }
    lines += ["", "## Resolver and extraction coverage", ""]
    lines += _table(("measure", "value"), list(coverage.items()))
    lines += ["", f"## Errors ({len(report['errors'])})", ""]
    lines += (
        _table(
            ("input", "stage", "reason"),
            [(e["input"] or "-", e["stage"], e["reason"]) for e in report["errors"]],
        )
        if report["errors"]
        else ["none"]
    )
    return "\n".join(lines) + "\n"


def publish_report(report: dict[str, Any]) -> UUID:
    """Create the Markdown artifact of ``report`` in the current flow run."""
    key = ARTIFACT_KEYS.get(report["mode"], "evidencemine-report")
    counts = report["counts"]
    description = (
        f"{counts['written']} written, {counts['unchanged']} unchanged, "
        f"{counts['failed']} failed; {report_path(report)}"
    )
    return create_markdown_artifact(  # type: ignore[return-value]
        markdown=report_markdown(report), key=key, description=description
    )


def publish_site(report: dict[str, Any]) -> Path:
    """Build the HTML evidence report of the run's output folder (``<output>/report``) and
    link it as an artifact of the current flow run; returns the index page."""
    from evidencemine.report import build_report

    result = build_report(report["output_dir"])
    pages = len(result.pages)
    create_link_artifact(
        link=result.index.as_uri(),
        link_text=f"Evidence report ({result.index})",
        key=SITE_ARTIFACT_KEY,
        description=f"static HTML, {pages} pages, built after run {report['run_id']}",
    )
    return result.index
