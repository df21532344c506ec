"""Round trip: the exported tables (CSV, Parquet, DuckDB, read back by their own readers)
reproduce every value of the JSON record files they come from, and every value of a record
is in some table unless README says why not."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from evidencemine.cli import main
from evidencemine.export import export_output
from evidencemine.export.tables import NOT_TABULATED, TABLES, Column, Table, table_by_name

REPO = Path(__file__).resolve().parents[2]


def _records(output: Path) -> list[dict[str, Any]]:
    """The record files as plain JSON, read here without the library."""
    return [
        json.loads(p.read_text("utf-8")) for p in sorted((output / "programmes").glob("*/*.json"))
    ]


def _at(data: Any, path: str) -> Any:
    for part in path.split(".") if path else []:
        data = data.get(part) if isinstance(data, dict) else None
    return data


# The entities each table has rows for, walked independently: (key, entity, record).
def _entities(table: Table, records: list[dict[str, Any]]) -> list[tuple[str, Any, dict[str, Any]]]:
    out: list[tuple[str, Any, dict[str, Any]]] = []
    for r in records:
        rid = r["id"]
        if table.name == "programmes":
            out.append((rid, r, r))
        elif table.name == "outcomes":
            out += [
                (f"{rid}/o{i}", o, r) for i, o in enumerate(r["programme"]["child_outcomes"], 1)
            ]
        elif table.name == "outcome_statements":
            out += [
                (f"{rid}/o{i}/s{j}", s, r)
                for i, o in enumerate(r["programme"]["child_outcomes"], 1)
                for j, s in enumerate(o.get("statements", []), 1)
            ]
        elif table.name == "warnings":
            out += [(f"{rid}/w{i}", w, r) for i, w in enumerate(r.get("warnings", []), 1)]
        else:
            for s, study in enumerate(r["studies"], 1):
                if table.name == "studies":
                    out.append((f"{rid}#{s}", study, r))
                    continue
                field, letter = {
                    "study_outcomes": ("outcomes", "o"),
                    "references": ("references", "r"),
                    "conflicts": ("conflicts", "c"),
                }[table.name]
                out += [(f"{rid}#{s}/{letter}{i}", x, r) for i, x in enumerate(study[field], 1)]
    return out


def _name(n: dict[str, Any]) -> str:
    return (
        n["literal"]
        if n.get("literal")
        else ", ".join(x for x in (n["family"], n.get("given")) if x)
    )


def _year(csl: dict[str, Any] | None) -> int | None:
    parts = (csl or {}).get("issued") and csl["issued"]["date-parts"]  # type: ignore[index]
    return parts[0][0] if parts else None


def _expected_derived(column: str, key: str, e: Any, r: dict[str, Any]) -> Any:
    """Derived columns, computed here from the JSON by hand."""
    studies = r["studies"]
    sizes = [
        s["sample"]["size"]["total"]
        for s in studies
        if s.get("sample")
        and s["sample"].get("size")
        and not s["sample"]["size"]["studies_included"]
    ]
    rct_uk = [
        s
        for s in studies
        if s.get("design")
        and s["design"]["value"] in ("rct", "cluster-rct")
        and "GB" in s["countries"]
    ]
    rct_uk_n = [
        s["sample"]["size"]["total"] for s in rct_uk if s.get("sample") and s["sample"].get("size")
    ]
    parent = key.rsplit("/", 1)[0]
    table_values: dict[str, Any] = {
        "n_studies": lambda: len(studies),
        "n_outcomes": lambda: (
            len(e["outcomes"]) if "outcomes" in e else len(r["programme"]["child_outcomes"])
        ),
        "n_references": lambda: (
            len(e["references"])
            if "references" in e
            else sum(len(s["references"]) for s in studies)
        ),
        "n_conflicts": lambda: (
            len(e["conflicts"]) if "conflicts" in e else sum(len(s["conflicts"]) for s in studies)
        ),
        "designs": lambda: list(
            dict.fromkeys(s["design"]["value"] for s in studies if s.get("design"))
        ),
        "largest_n": lambda: max(sizes) if sizes else None,
        "study_countries": lambda: sorted({c for s in studies for c in s["countries"]}),
        "uk_study": lambda: any("GB" in s["countries"] for s in studies),
        "uk_rct_max_n": lambda: max(rct_uk_n) if rct_uk_n else None,
        "study_key": lambda: key if "#" in key and "/" not in key.split("#")[1] else parent,
        "study_index": lambda: int(key.split("#")[1]) if "#" in key else None,
        "study_keys": lambda: (
            [
                f"{r['id']}#{i}"
                for n in e.get("studies", [])
                for i, s in enumerate(studies, 1)
                if s["number"] == n
            ]
            if isinstance(e, dict)
            else None
        ),
        "message": lambda: (
            e if isinstance(e, str) else (e.get("message") if isinstance(e, dict) else None)
        ),
        "detail": lambda: e,
    }
    if column == "programme_id":
        return r["id"]
    if column == "outcome_key" and re.search(r"/s\d+$", key):
        return key.rsplit("/", 1)[0]
    if column.endswith("_key") and column not in ("study_key", "work_key"):
        return key
    if column.startswith(("csl_", "resolved_")):
        prefix, rest = column.split("_", 1)
        item = e.get(prefix)
        if rest == "authors":
            return None if item is None else [_name(n) for n in item["author"]]
        if rest == "issued":
            return (
                None if item is None or item.get("issued") is None else item["issued"]["date-parts"]
            )
        if rest == "year":
            return _year(item)
    if column == "work_key":
        ids, best = e["identifiers"], e.get("resolved") or e["csl"]
        if ids["doi"] or best.get("DOI"):
            return "doi:" + (ids["doi"] or best["DOI"]).lower()
        if ids["pmid"] or best.get("PMID"):
            return "pmid:" + (ids["pmid"] or best["PMID"])
        return "work:…"  # a hash; checked for sharing below
    return table_values[column]()


def _normal(value: Any, type_: str) -> Any:
    if type_ == "datetime" and value is not None:
        return datetime.fromisoformat(value) if isinstance(value, str) else value
    if type_ == "list[float]" and value is not None:
        return [float(v) for v in value]
    if type_ == "float" and value is not None:
        return float(value)
    return value


def _csv_value(text: str, column: Column) -> Any:
    if text == "":
        return None
    t = column.type
    if t.startswith("list[") or t == "json":
        return json.loads(text)
    return {"int": int, "float": float, "bool": lambda s: {"true": True, "false": False}[s]}.get(
        t, str
    )(text)


def _read_csv(folder: Path, table: Table) -> list[dict[str, Any]]:
    with (folder / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == table.column_names
        return [{c.name: _csv_value(row[c.name], c) for c in table.columns} for row in reader]


def _read_parquet(folder: Path, table: Table) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    data = pq.read_table(folder / f"{table.name}.parquet")
    assert data.column_names == table.column_names
    rows = data.to_pylist()
    for row in rows:
        for c in table.columns:
            if c.type == "json" and row[c.name] is not None:
                row[c.name] = json.loads(row[c.name])
    return rows


def _read_duckdb(path: Path, table: Table) -> list[dict[str, Any]]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(f'SELECT * FROM "{table.name}"')
        names = [d[0] for d in cursor.description]
        assert names == table.column_names
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    finally:
        con.close()
    for row in rows:
        for c in table.columns:
            if c.type == "json" and row[c.name] is not None:
                row[c.name] = json.loads(row[c.name])
    return rows


@pytest.fixture(scope="module")
def exported(full_output: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("exported")
    for fmt, name in (("csv", "csv"), ("parquet", "parquet"), ("duckdb", "all.duckdb")):
        result = export_output(full_output, fmt, root / name)
        assert result.problems == [] and result.records == len(_records(full_output))
    return {
        "csv": lambda t: _read_csv(root / "csv", t),
        "parquet": lambda t: _read_parquet(root / "parquet", t),
        "duckdb": lambda t: _read_duckdb(root / "all.duckdb", t),
    }


def _compare(fmt: str, records: list[dict[str, Any]], read: Any, tables: tuple[Table, ...]) -> int:
    """Walk the records and the tables read back together; every cell equals its source."""
    compared = 0
    for table in tables:
        rows = read(table)
        key_column = table.columns[0].name
        by_key = {row[key_column]: row for row in rows}
        assert len(by_key) == len(rows), f"{table.name}: keys not unique"
        entities = _entities(table, records)
        assert sorted(by_key) == sorted(k for k, _, _ in entities), table.name
        for key, entity, record in entities:
            row = by_key[key]
            for column in table.columns:
                if column.path is not None:
                    expected = _at(entity, column.path)
                else:
                    expected = _expected_derived(column.name, key, entity, record)
                got = row[column.name]
                if expected == "work:…":
                    assert got.startswith("work:"), (key, column.name)
                    continue
                assert _normal(got, column.type) == _normal(expected, column.type), (
                    f"{fmt} {table.name} {key} {column.name}: {got!r} != {expected!r}"
                )
                compared += 1
    return compared


@pytest.mark.parametrize("fmt", ["csv", "parquet", "duckdb"])
def test_tables_reproduce_every_value_of_the_records(
    fmt: str, exported: dict[str, Any], full_output: Path
) -> None:
    """The demo's records and one with every field set (no null, no empty list)."""
    compared = _compare(fmt, _records(full_output), exported[fmt], TABLES)
    assert compared > 1000  # the demo has 9 programmes, 8 studies, 9 references


def _leaves(data: Any, path: str = "") -> list[str]:
    """Generic paths ("studies[].sample.size.total") of every value, empty lists included."""
    if isinstance(data, dict):
        if not data:
            return [path]
        return [leaf for k, v in data.items() for leaf in _leaves(v, f"{path}.{k}" if path else k)]
    if isinstance(data, list):
        if not data:
            return [path]
        return [leaf for item in data for leaf in _leaves(item, f"{path}[]")]
    return [path]


def test_every_value_of_a_record_is_in_a_table_or_listed_as_not_tabulated(
    full_output: Path,
) -> None:
    covered = list(NOT_TABULATED)
    entities = {table.entity for table in TABLES}  # an empty list of rows is covered, no more
    for table in TABLES:
        for column in table.columns:
            inner = column.path if column.path is not None else column.covers
            if inner is None:
                continue
            covered.append(".".join(p for p in (table.entity, inner) if p))
    leaves = {leaf for record in _records(full_output) for leaf in _leaves(record)}
    assert len(leaves) > 150
    missing = sorted(
        leaf
        for leaf in leaves
        if leaf + "[]" not in entities
        and not any(
            leaf == c
            or leaf.startswith((c + ".", c + "[]"))  # inside a list or JSON column
            or c.startswith((leaf + ".", leaf + "[]"))  # a null object or an empty list
            for c in covered
        )
    )
    assert missing == [], f"values in no table (add a column or a NOT_TABULATED reason): {missing}"


def test_the_same_work_cited_twice_shares_one_work_key(output_copy: Path, tmp_path: Path) -> None:
    # cite the first programme's first reference again from another programme
    files = [
        f
        for f in sorted((output_copy / "programmes").glob("*/*.json"))
        if any(s["references"] for s in json.loads(f.read_text())["studies"])
    ]
    first, other = json.loads(files[0].read_text()), json.loads(files[1].read_text())
    reference = first["studies"][0]["references"][0]
    other["studies"][0]["references"].append(reference)
    files[1].write_text(json.dumps(other))
    export_output(output_copy, "csv", tmp_path / "csv")
    rows = _read_csv(tmp_path / "csv", table_by_name("references"))
    keys = [row["work_key"] for row in rows if row["raw"] == reference["raw"]]
    assert len(keys) == 2 and keys[0] == keys[1]
    assert len({row["work_key"] for row in rows}) == len(rows) - 1


def test_duckdb_views_answer_their_questions(question_output: Path, tmp_path: Path) -> None:
    import duckdb

    export_output(question_output, "duckdb", tmp_path / "q.duckdb")
    con = duckdb.connect(str(tmp_path / "q.duckdb"), read_only=True)
    uk = {
        row[0] for row in con.execute("SELECT programme_id FROM programmes_with_uk_rct").fetchall()
    }
    assert uk == {
        "eif-guidebook/meets-three",
        "eif-guidebook/meets-four-cluster",
        "eif-guidebook/rated-two",
        "eif-guidebook/small-trial",
    }
    designs = con.execute(
        "SELECT design, sum(studies) FROM programme_designs GROUP BY design ORDER BY design"
    ).fetchall()
    assert designs == [("cluster-rct", 1), ("quasi-experimental", 1), ("rct", 4)]
    assert con.execute("SELECT count(*) FROM works").fetchone() == (1,)  # one paper, six citers
    assert len(con.execute("SELECT programmes FROM works").fetchone()[0]) == 6
    con.close()


def test_readme_documents_every_column() -> None:
    from evidencemine.export.tables import tables_markdown

    readme = (REPO / "output" / "README.md").read_text("utf-8")
    assert tables_markdown() in readme, (
        "output/README.md is out of date: paste the output of "
        "`.venv/bin/python -c 'from evidencemine.export.tables import tables_markdown; "
        "print(tables_markdown())'`"
    )


def test_cli_export_and_missing_folder(
    demo_output: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(demo_output), "--format", "csv", "--to", str(tmp_path / "t")]) == 0
    assert "9 records" in capsys.readouterr().out
    assert (tmp_path / "t" / "studies.csv").is_file()
    assert main(["export", str(tmp_path / "nowhere"), "--format", "ris"]) == 1
    err = capsys.readouterr().err.strip()
    assert (
        err.startswith("evidencemine: ")
        and "nowhere" in err
        and "not an evidencemine output folder" in err
    )
    assert len(err.splitlines()) == 1


def test_a_damaged_record_is_reported_and_the_rest_exported(
    output_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = sorted((output_copy / "programmes").glob("*/*.json"))[0]
    bad.write_text("{ not json")
    code = main(["export", str(output_copy), "--format", "csv", "--to", str(tmp_path / "t")])
    assert code == 1
    err = capsys.readouterr().err
    assert f"skipped {bad}" in err
    rows = _read_csv(tmp_path / "t", table_by_name("programmes"))
    assert len(rows) == len(list((output_copy / "programmes").glob("*/*.json"))) - 1
    assert bad.stem not in {row["slug"] for row in rows}


def test_missing_extra_gives_one_line(demo_output: Path, tmp_path: Path, fresh_python: Any) -> None:
    code = (
        "import sys; sys.modules['duckdb'] = None\n"
        "from evidencemine.cli import main\n"
        f"print(main(['export', {str(demo_output)!r}, '--format', 'duckdb', '--to', {str(tmp_path / 'x.duckdb')!r}]))\n"
    )
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "1"
    assert done.stderr.strip() == (
        "evidencemine: --format duckdb needs duckdb: pip install 'evidencemine[export]'"
    )
    assert not (tmp_path / "x.duckdb").exists()


def _values(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [data] if not data else [v for x in data.values() for v in _values(x)]
    if isinstance(data, list):
        return [data] if not data else [v for x in data for v in _values(x)]
    return [data]


def test_the_round_trip_sees_a_record_with_every_field_set(full_output: Path) -> None:
    (filled,) = [r for r in _records(full_output) if r["slug"] == "every-field-filled"]
    values = _values(filled)
    assert len(values) > 300
    assert [v for v in values if v is None or v == [] or v == {}] == []


@pytest.mark.parametrize("fmt", ["csv", "parquet", "duckdb"])
def test_outcome_statements_and_warnings_round_trip(
    fmt: str, full_output: Path, tmp_path: Path
) -> None:
    """Statements under outcomes and record warnings (schema fields the demo pages do not
    produce) written by the table writers and read back."""
    from evidencemine.export import table_data, write_csv, write_duckdb, write_parquet

    (record,) = [r for r in _records(full_output) if r["slug"] == "every-field-filled"]
    for n, outcome in enumerate(record["programme"]["child_outcomes"]):
        outcome["statements"] = [
            {
                "text": f"Better sleep {n}",
                "score": 4.5,
                "score_text": "+4.5",
                "timeframe": "at 12 months",
                "studies": [1, 2],
            },
            {
                "text": 'No change in, "quotes"',
                "score": None,
                "score_text": None,
                "timeframe": None,
                "studies": [],
            },
        ]
    record["warnings"] = [
        {
            "code": "value-not-read",
            "label": "Cost rating",
            "place": "block 12",
            "message": "no value",
        },
        {"code": "name-slug-disagree", "label": None, "place": None, "message": None},
    ]
    tables = (table_by_name("outcome_statements"), table_by_name("warnings"))
    data = table_data([record])
    assert len(data["outcome_statements"]) == 2 * len(record["programme"]["child_outcomes"])
    assert len(data["warnings"]) == 2
    readers = {
        "csv": (write_csv, tmp_path / "csv", lambda t: _read_csv(tmp_path / "csv", t)),
        "parquet": (write_parquet, tmp_path / "pq", lambda t: _read_parquet(tmp_path / "pq", t)),
        "duckdb": (
            write_duckdb,
            tmp_path / "x.duckdb",
            lambda t: _read_duckdb(tmp_path / "x.duckdb", t),
        ),
    }
    writer, target, read = readers[fmt]
    writer(data, target)
    assert (
        _compare(fmt, [record], read, tables)
        == 2 * 8 * len(record["programme"]["child_outcomes"]) + 2 * 6
    )
