"""The pipeline: built once, blank English plus rules, usable in batches and processes."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from evidencemine.errors import ConfigError
from evidencemine.nlp import extract_text, extract_texts, get_pipeline
from evidencemine.nlp.pipeline import build_pipeline, default_patterns_dir

SEED_LIKE = (
    "We compared parent-infant psychotherapy (PIP) with treatment as usual for mothers who "
    "had mental health problems. Families were assessed at baseline and at follow-ups "
    "6-months and 12 months later. Compared with controls, PIP mothers showed significantly "
    "better outcomes on measures of maternal depression, parenting stress and maternal "
    "representations of the baby. There were no between group differences in infant "
    "attachment status, child development or parent-infant interaction at the 12 month "
    "follow-up."
)


def test_pipeline_is_built_once_and_blank_english() -> None:
    nlp = get_pipeline()
    assert get_pipeline() is nlp
    assert nlp.lang == "en"
    assert nlp.pipe_names[0] == "em_view"  # sentences and phrase rules, then the fields
    assert "em_outcomes" in nlp.pipe_names
    assert nlp.meta.get("vectors", {}).get("width", 0) == 0


def test_result_paragraph_outcomes_timepoints_comparison() -> None:
    found = extract_text(SEED_LIKE, source="page:summary")
    assert found.timepoints_months == [0, 6, 12]
    assert found.comparison is not None and found.comparison.value == "treatment as usual"
    directions = {o.outcome: (o.direction, o.timepoints_months) for o in found.outcomes}
    assert directions == {
        "maternal depression": ("positive", []),
        "parenting stress": ("positive", []),
        "maternal representations of the baby": ("positive", []),
        "child development": ("null", [12]),
        "parent-infant interaction": ("null", [12]),
        "infant attachment status": ("null", [12]),
    }
    for outcome in found.outcomes:
        ev = outcome.evidence
        assert SEED_LIKE[ev.start : ev.end] == ev.text and outcome.outcome in ev.text
        assert ev.rule.startswith("direction-")


def test_extract_texts_matches_extract_text() -> None:
    items = [("a", SEED_LIKE), ("b", "RCT"), ("c", "120 families in Norway")]
    batch = extract_texts(items, batch_size=2)
    single = [extract_text(text, source=source) for source, text in items]
    assert batch == single


def test_extract_texts_with_two_processes(fresh_python: Callable[..., str]) -> None:
    # A fresh interpreter: nlp.pipe forks its workers, and a test process that other tests
    # have filled with threads and log handlers (Prefect) is no fair place to fork from.
    code = (
        "import json\n"
        "from evidencemine.nlp import extract_texts\n"
        "items = [(f's{i}', 'We randomised 80 families in Wales.') for i in range(4)]\n"
        "found = extract_texts(items, n_process=2, batch_size=2)\n"
        "print(json.dumps([[f.source, f.sample_size.total] for f in found]))\n"
    )
    found = json.loads(fresh_python(code))
    assert found == [["s0", 80], ["s1", 80], ["s2", 80], ["s3", 80]]


def _extract_in_worker(text: str) -> int:
    size = extract_text(text, source="worker").sample_size
    return size.total if size else -1


def test_extract_text_in_worker_processes() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        totals = list(pool.map(_extract_in_worker, ["Seventy-six mothers took part."] * 3))
    assert totals == [76, 76, 76]


def test_bad_pattern_line_names_file_and_line(tmp_path: Path) -> None:
    for src in default_patterns_dir().glob("*.jsonl"):
        (tmp_path / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "zz_bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "label": "DESIGN", "pattern": "rct"}) + "\n{oops\n")
    with pytest.raises(ConfigError, match=r"zz_bad\.jsonl:2"):
        build_pipeline(tmp_path)


def test_custom_patterns_folder_adds_rules(tmp_path: Path) -> None:
    for src in default_patterns_dir().glob("*.jsonl"):
        (tmp_path / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    extra = {"id": "design-rct-trialx", "label": "DESIGN", "value": "rct", "pattern": "trialx"}
    (tmp_path / "zz_extra.jsonl").write_text(json.dumps(extra) + "\n", encoding="utf-8")
    doc = get_pipeline(tmp_path)("A trialx of parenting.")
    assert doc.user_data["evidencemine"]["design"]["rule"] == "design-rct-trialx"


def test_default_patterns_found_from_any_working_directory(
    tmp_path: Path, fresh_python: Callable[..., str]
) -> None:
    code = (
        "from evidencemine.nlp import extract_text\n"
        "print(extract_text('A cluster randomised trial in Ghana.', source='x').design.value)\n"
    )
    assert fresh_python(code, cwd=tmp_path).strip() == "cluster-rct"
    assert (default_patterns_dir() / "design.jsonl").is_file()
