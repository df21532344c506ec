"""`make demo`: the Prefect demo over the bundled sample site, and the library demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencemine.cli import main as cli
from evidencemine.output import validate_output
from evidencemine_demo.flows_demo import main as flows_demo

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _records(out: Path) -> dict[str, dict[str, object]]:
    return {
        str(entry["id"]): entry for entry in json.loads((out / "index.json").read_text("utf-8"))
    }


@pytest.fixture(scope="module")
def demo_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One run of the Prefect demo for this module: (output folder, what it printed)."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("demo") / "out"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert flows_demo(["--output", str(out)]) == 0
    return out, printed.getvalue()


def test_prefect_demo_writes_valid_records_and_prints_the_summary(
    demo_run: tuple[Path, str],
) -> None:
    out, printed = demo_run
    assert "guidebook-pipeline (sample site):" in printed and "reingest (by hand):" in printed
    assert str(out / "index.json") in printed
    assert validate_output(out) == []
    records = _records(out)
    assert len([r for r in records if r.startswith("eif-guidebook/")]) == 8
    assert "research-project/parent-infant-therapy-trial" in records
    assert len(list((out / "runs").glob("*.json"))) == 2
    # make demo builds the HTML report over both runs and prints where it is
    site = out / "report" / "index.html"
    assert f"report:      {site}" in printed
    assert all(f'data-id="{r}"' in site.read_text("utf-8") for r in records)


def test_library_demo_writes_the_same_records(demo_run: tuple[Path, str], tmp_path: Path) -> None:
    flows_out, plain_out = demo_run[0], tmp_path / "plain"
    assert cli(["demo", "--output", str(plain_out), "--quiet"]) == 0
    assert validate_output(plain_out) == []
    flows_records, plain_records = _records(flows_out), _records(plain_out)
    assert set(flows_records) == set(plain_records)
    # same content: the same record bytes apart from fetch and resolution timestamps
    for entry in plain_records.values():
        path = Path(str(entry["path"]))
        plain = json.loads((plain_out / path).read_text("utf-8"))
        flows = json.loads((flows_out / path).read_text("utf-8"))
        assert plain["programme"] == flows["programme"]
        assert [s["label"] for s in plain["studies"]] == [s["label"] for s in flows["studies"]]
