"""``evidencemine export``: flat tables (CSV, Parquet, DuckDB) and bibliographies (CSL-JSON,
BibTeX, RIS) built from the records of an output folder, never from a second parse.

Parquet and DuckDB need the ``export`` extra (``pip install 'evidencemine[export]'``).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from evidencemine.errors import EvidenceMineError
from evidencemine.export.citations import collect_works, to_bibtex, to_csl_json, to_ris
from evidencemine.export.tables import TABLES, ColumnType, Table, cell_text, table_rows
from evidencemine.output import atomic_write
from evidencemine.reader import read_output

FORMATS = ("csv", "parquet", "duckdb", "csl-json", "bibtex", "ris")
DEFAULT_NAMES = {
    "csv": "csv",
    "parquet": "parquet",
    "duckdb": "evidencemine.duckdb",
    "csl-json": "references.json",
    "bibtex": "references.bib",
    "ris": "references.ris",
}
EXTRA_HINT = "pip install 'evidencemine[export]'"


class ExportError(EvidenceMineError):
    """An export that cannot be made (a missing extra, an unreadable output folder)."""


def write_text(path: Path, text: str) -> None:
    """Atomically, readable by all like any exported file (temporary files start private)."""
    atomic_write(path, text)
    path.chmod(0o644)


def default_target(output_dir: Path, fmt: str) -> Path:
    return output_dir / "export" / DEFAULT_NAMES[fmt]


def _require(module: str, fmt: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ExportError(f"--format {fmt} needs {module}: {EXTRA_HINT}") from None


# tables -----------------------------------------------------------------------------------


def table_data(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {table.name: list(table_rows(table, records)) for table in TABLES}


def csv_text(table: Table, rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in rows:
        writer.writerow([cell_text(row[c.name], c.type) for c in table.columns])
    return buffer.getvalue()


def write_csv(data: dict[str, list[dict[str, Any]]], folder: Path) -> list[Path]:
    paths = []
    for table in TABLES:
        path = folder / f"{table.name}.csv"
        write_text(path, csv_text(table, data[table.name]))
        paths.append(path)
    return paths


def _arrow_type(pa: Any, type_: ColumnType) -> Any:
    return {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "datetime": pa.timestamp("us", tz="UTC"),
        "list[str]": pa.list_(pa.string()),
        "list[int]": pa.list_(pa.int64()),
        "list[float]": pa.list_(pa.float64()),
        "json": pa.string(),
    }[type_]


def _arrow_value(value: Any, type_: ColumnType) -> Any:
    if value is None:
        return None
    if type_ == "json":
        return cell_text(value, "json")
    if type_ == "datetime":
        return datetime.fromisoformat(str(value))
    if type_ == "list[float]":
        return [float(v) for v in value]
    if type_ == "float":
        return float(value)
    return value


def arrow_table(table: Table, rows: list[dict[str, Any]], pa: Any) -> Any:
    schema = pa.schema(
        [pa.field(c.name, _arrow_type(pa, c.type), metadata={"doc": c.doc}) for c in table.columns],
        metadata={"doc": table.doc},
    )
    columns = {c.name: [_arrow_value(row[c.name], c.type) for row in rows] for c in table.columns}
    return pa.Table.from_pydict(columns, schema=schema)


def _temp_path(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    return Path(name)


def write_parquet(data: dict[str, list[dict[str, Any]]], folder: Path) -> list[Path]:
    pa = _require("pyarrow", "parquet")
    pq = _require("pyarrow.parquet", "parquet")
    paths = []
    for table in TABLES:
        path = folder / f"{table.name}.parquet"
        tmp = _temp_path(path)
        try:
            pq.write_table(arrow_table(table, data[table.name], pa), tmp)
            tmp.chmod(0o644)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        paths.append(path)
    return paths


# Views of the DuckDB file: name, what it answers, SQL.
VIEWS: tuple[tuple[str, str, str], ...] = (
    (
        "programmes_with_uk_rct",
        "programmes with a randomised controlled trial (RCT or cluster RCT) in the UK, one row "
        "per such study",
        """SELECT p.programme_id, p.name, p.evidence_rating, p.evidence_level, p.cost_rating,
                  s.study_key, s.label AS study, s.design, s.n, s.n_unit
           FROM programmes p JOIN studies s USING (programme_id)
           WHERE s.design IN ('rct', 'cluster-rct') AND list_contains(s.countries, 'GB')""",
    ),
    (
        "programme_designs",
        "per programme and design: number of studies and the largest N",
        """SELECT p.programme_id, p.name, p.evidence_rating, s.design,
                  count(*) AS studies, max(s.n) AS largest_n
           FROM programmes p JOIN studies s USING (programme_id)
           GROUP BY ALL""",
    ),
    (
        "outcome_evidence",
        "each programme outcome with each supporting study (design, N, countries)",
        """SELECT o.programme_id, o.outcome_key, o.domain, o.outcome,
                  s.study_key, s.label AS study, s.design, s.n, s.countries
           FROM (SELECT *, unnest(study_keys) AS study_key FROM outcomes) o
           JOIN studies s USING (study_key)""",
    ),
    (
        "works",
        "distinct works cited (by DOI, PMID or title and year) and the programmes they support",
        """SELECT work_key, any_value(coalesce(resolved_title, csl_title)) AS title,
                  any_value(coalesce(resolved_year, csl_year)) AS year,
                  any_value(doi) AS doi, any_value(pmid) AS pmid,
                  list(DISTINCT programme_id ORDER BY programme_id) AS programmes
           FROM "references" GROUP BY work_key""",
    ),
    (
        "unresolved_references",
        "references not matched to a PubMed or Crossref record, with the reason",
        """SELECT programme_id, study_key, reference_key, raw, resolution_status,
                  resolution_reason
           FROM "references" WHERE resolution_status <> 'resolved'""",
    ),
)


def write_duckdb(data: dict[str, list[dict[str, Any]]], path: Path) -> list[Path]:
    pa = _require("pyarrow", "duckdb")
    duckdb = _require("duckdb", "duckdb")
    tmp = _temp_path(path)
    tmp.unlink()
    try:
        con = duckdb.connect(str(tmp))
        try:
            for table in TABLES:
                arrow = arrow_table(table, data[table.name], pa)  # noqa: F841 (read by DuckDB)
                casts = ", ".join(
                    f'CAST("{c.name}" AS JSON) AS "{c.name}"'
                    for c in table.columns
                    if c.type == "json"
                )
                select = (
                    f"SELECT * REPLACE ({casts}) FROM arrow" if casts else "SELECT * FROM arrow"
                )
                con.execute(f'CREATE TABLE "{table.name}" AS {select}')
                con.execute(f"COMMENT ON TABLE \"{table.name}\" IS '{_sql_text(table.doc)}'")
                for column in table.columns:
                    con.execute(
                        f'COMMENT ON COLUMN "{table.name}"."{column.name}" '
                        f"IS '{_sql_text(column.doc)}'"
                    )
            for name, doc, sql in VIEWS:
                con.execute(f'CREATE VIEW "{name}" AS {sql}')
                con.execute(f"COMMENT ON VIEW \"{name}\" IS '{_sql_text(doc)}'")
        finally:
            con.close()
        tmp.chmod(0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return [path]


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


# entry point ------------------------------------------------------------------------------

BIBLIOGRAPHIES: dict[str, Callable[[Any], str]] = {
    "csl-json": to_csl_json,
    "bibtex": to_bibtex,
    "ris": to_ris,
}


@dataclass(slots=True)
class ExportResult:
    paths: list[Path]
    records: int
    problems: list[str]  # record files that could not be read (skipped), with the reason


def export_output(output_dir: Path | str, fmt: str, to: Path | str | None = None) -> ExportResult:
    """Export the records of ``output_dir`` as ``fmt`` (to ``to``, or under
    ``<output_dir>/export/``). Record files that cannot be read are skipped and reported."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    output_dir = Path(output_dir)
    target = Path(to) if to is not None else default_target(output_dir, fmt)
    if fmt in ("parquet", "duckdb"):  # say what is missing before reading anything
        _require("pyarrow", fmt)
        if fmt == "duckdb":
            _require("duckdb", fmt)
    try:
        reader = read_output(output_dir)
    except FileNotFoundError as err:
        raise ExportError(str(err)) from None
    records = list(reader.record_dicts())
    if fmt in BIBLIOGRAPHIES:
        write_text(target, BIBLIOGRAPHIES[fmt](collect_works(records)))
        paths = [target]
    else:
        data = table_data(records)
        writer = {"csv": write_csv, "parquet": write_parquet, "duckdb": write_duckdb}[fmt]
        paths = writer(data, target)
    return ExportResult(paths, len(records), list(reader.problems))
