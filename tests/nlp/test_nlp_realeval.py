"""The real-corpus evaluator on small corpora written here: format detection, number
normalisation, the stable tune/check split, time-frame months, the metrics and the CLI table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencemine.cli import main
from evidencemine.errors import InputError
from evidencemine.nlp.realeval import (
    evaluate_corpus,
    half_of,
    load_real,
    select,
    timeframe_months,
)


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_half_is_stable_and_splits_about_evenly() -> None:
    ids = [str(n) for n in range(2000)]
    halves = [half_of(i) for i in ids]
    assert halves == [half_of(i) for i in ids]
    assert 900 < halves.count("tune") < 1100
    # sha256("0") starts with byte 0x5f (< 128): tune
    assert half_of("0") == "tune"


def test_formats_are_detected(tmp_path: Path) -> None:
    design = _write(
        tmp_path / "d.jsonl",
        [{"id": "1", "title": "A trial.", "text": "Methods.", "labels": {"randomized_trial": 1}}],
    )
    pico = _write(
        tmp_path / "p.jsonl",
        [{"id": "2", "text": "x", "labels": {"total-participants": [{"text": "Twenty-six"}]}}],
    )
    crowd = _write(
        tmp_path / "e.jsonl",
        [{"pmid": "3", "text": "x", "sample_size_spans": [{"text": "13 388"}]}],
    )
    crowd_tokens = _write(
        tmp_path / "t.jsonl",
        [{"id": "4", "tokens": ["x"], "text": "x", "labels": {"sample_size": [{"text": "1,234"}]}}],
    )
    frames = _write(
        tmp_path / "f.jsonl",
        [{"id": "5", "text": "x", "labels": {"TimeFrame": [{"text": "at 6"}]}}],
    )
    outcomes = _write(
        tmp_path / "o.jsonl", [{"id": "6", "text": "x", "labels": {"Outcome": [{"text": "Pain"}]}}]
    )
    assert load_real(design)[0] == "design"
    assert load_real(design)[1][0].text == "A trial.\nMethods."
    assert load_real(pico) == ("pico", load_real(pico)[1])
    assert load_real(pico)[1][0].gold["numbers"] == [26]
    assert load_real(crowd)[1][0].gold["numbers"] == [13388]
    assert load_real(crowd_tokens)[1][0].gold["numbers"] == [1234]
    assert load_real(frames)[0] == "timeframes"
    assert load_real(outcomes)[1][0].gold["outcomes"] == ["pain"]
    unknown = _write(tmp_path / "u.jsonl", [{"id": "7", "text": "x", "labels": {"Foo": []}}])
    with pytest.raises(InputError, match="no known corpus format"):
        load_real(unknown)


def test_gold_numbers_with_words_around_them(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "p.jsonl",
        [
            {
                "id": "1",
                "text": "x",
                "labels": {
                    "total-participants": [
                        {"text": "One hundred fifty patients"},
                        {"text": "n = 49"},
                        {"text": "several"},
                    ]
                },
            }
        ],
    )
    assert load_real(path)[1][0].gold["numbers"] == [150, 49]


@pytest.mark.parametrize(
    ("span", "months"),
    [
        ("at 6 and 12 months", {6.0, 12.0}),
        ("at day 28", {0.92}),
        ("on days 3 and 7", {0.1, 0.23}),
        ("at baseline, 7, and 14 days after randomization", {0.0, 0.23, 0.46}),
        ("within two weeks", {0.5}),
        ("one year after the intervention", {12.0}),
        ("before and after treatment", set()),
    ],
)
def test_timeframe_months(span: str, months: set[float]) -> None:
    assert timeframe_months(span) == months


def test_select_limit_is_a_fixed_subset(tmp_path: Path) -> None:
    rows = [{"pmid": str(n), "text": "t", "sample_size_spans": []} for n in range(200)]
    _, docs = load_real(_write(tmp_path / "e.jsonl", rows))
    first = [d.id for d in select(docs, "check", limit=10)]
    assert len(first) == 10
    assert first == [d.id for d in select(list(reversed(docs)), "check", limit=10)]
    assert all(half_of(i) == "check" for i in first)


def _design_rows() -> list[dict[str, object]]:
    trial = "We randomly assigned 120 adults to exercise or usual care."
    review = "We did a systematic review and meta-analysis of 14 trials."
    survey = "We surveyed nurses about their working hours."
    rows = []
    for n in range(60):
        kind = n % 3
        text, labels = [
            (trial, {"randomized_trial": 1, "trial": 1}),
            (review, {"systematic_review": 1, "meta_analysis": 1}),
            (survey, {}),
        ][kind]
        rows.append({"id": f"doc{n}", "title": "", "text": text, "labels": labels})
    return rows


def test_design_scores_and_confusion(tmp_path: Path) -> None:
    result = evaluate_corpus(_write(tmp_path / "design.jsonl", _design_rows()))
    assert result["format"] == "design"
    for half in ("tune", "check"):
        figures = result["fields"]["design"][half]
        assert figures["rct_precision"] == 1.0 and figures["rct_recall"] == 1.0
        assert figures["review_recall"] == 1.0
        assert sum(figures["confusion"].values()) == result["docs"][half]
        assert any(k.startswith("rct -> rct") for k in figures["confusion"])


def test_cli_prints_both_halves_and_gap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "design.jsonl", _design_rows())
    assert main(["eval", "--real", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"== {path.stem} (design;" in out
    header = next(line for line in out.splitlines() if line.startswith("field"))
    assert header.split() == ["field", "measure", "tune", "check", "gap"]
    assert "design confusion" in out


def test_cli_rejects_a_missing_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--real", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
