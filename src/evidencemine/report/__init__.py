"""``evidencemine report``: a static HTML evidence report of an output folder.

Jinja2 templates and a little plain JavaScript (sorting and filtering), shipped with the
package; every asset is local, so the site opens from disk with no network::

    SITE_DIR/index.html                      programmes table and the evidence map
    SITE_DIR/evidence-map.svg                outcome domains × programmes
    SITE_DIR/programmes/<kind>/<slug>.html   one page per programme
    SITE_DIR/runs/index.html                 every run, newest first
    SITE_DIR/runs/<run-id>.html              counts, changes, errors
    SITE_DIR/static/report.css, report.js
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from evidencemine.errors import EvidenceMineError
from evidencemine.output import atomic_write
from evidencemine.reader import read_output, record_data
from evidencemine.report.evidence_map import evidence_map_svg, map_summary
from evidencemine.report.view import programme_view, run_view, summary_row

TEMPLATES = ("base.html", "index.html", "programme.html", "run.html", "runs.html")
STATIC = ("report.css", "report.js")


class ReportError(EvidenceMineError):
    """A report that cannot be built (no output folder)."""


@dataclass(slots=True)
class ReportResult:
    index: Path
    pages: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("evidencemine.report", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["months"] = _months
    return env


def _months(values: list[float]) -> str:
    return ", ".join(f"{v:g}" for v in values)


def _write(path: Path, text: str) -> Path:
    atomic_write(path, text)
    path.chmod(0o644)
    return path


def page_path(record_id: str) -> str:
    """Where a programme's page is, relative to the site root."""
    kind, slug = record_id.split("/", 1)
    return f"programmes/{kind}/{slug}.html"


def run_path(run_id: str) -> str:
    return f"runs/{re.sub(r'[^A-Za-z0-9._-]', '_', run_id)}.html"


def build_report(output_dir: Path | str, site_dir: Path | str | None = None) -> ReportResult:
    """Write the site for the records and run reports of ``output_dir`` (into
    ``site_dir``, default ``<output_dir>/report``). Unreadable records are skipped and listed
    in the result's ``problems``."""
    output_dir = Path(output_dir)
    site = Path(site_dir) if site_dir is not None else output_dir / "report"
    try:
        reader = read_output(output_dir)
    except FileNotFoundError as err:
        raise ReportError(str(err)) from None
    records = [record_data(r) for r in reader.records()]
    problems = list(reader.problems)
    runs = reader.runs()
    problems += [p for p in reader.problems if p not in problems]
    env = _environment()
    result = ReportResult(index=site / "index.html", problems=problems)

    static = site / "static"
    static.mkdir(parents=True, exist_ok=True)
    for name in STATIC:
        source = resources.files("evidencemine.report").joinpath("static", name)
        with resources.as_file(source) as path:
            shutil.copyfile(path, static / name)
            os.chmod(static / name, 0o644)

    rows = [summary_row(r, page_path(r["id"])) for r in records]
    rows.sort(key=lambda row: row["name"].lower())
    svg = evidence_map_svg(records, lambda rid: page_path(rid))
    _write(site / "evidence-map.svg", svg)
    latest = runs[-1] if runs else None
    common = {"generated_from": str(output_dir.resolve())}

    index_html = env.get_template("index.html").render(
        root="",
        title="Programme evidence",
        rows=rows,
        map_summary=map_summary(records),
        latest_run=run_view(latest, runs[:-1], run_path, page_path) if latest else None,
        rejected=reader.rejected(),
        problems=problems,
        **common,
    )
    result.pages.append(_write(result.index, index_html))

    template = env.get_template("programme.html")
    for record in records:
        view = programme_view(record)
        path = site / page_path(record["id"])
        html = template.render(root="../../", title=view["name"], p=view, **common)
        result.pages.append(_write(path, html))

    run_template = env.get_template("run.html")
    views = []
    for n, report in enumerate(runs):
        view = run_view(report, runs[:n], run_path, page_path)
        views.append(view)
        html = run_template.render(root="../", title=f"Run {report['run_id']}", run=view, **common)
        result.pages.append(_write(site / run_path(report["run_id"]), html))
    html = env.get_template("runs.html").render(
        root="../", title="Runs", runs=list(reversed(views)), **common
    )
    result.pages.append(_write(site / "runs" / "index.html", html))
    return result
