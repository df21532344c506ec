"""The seeds' wording stays in ../shared: fixtures, example pages and test texts are written
here. Facts may be reused (names, titles, identifiers, printed references, acceptance values
of a few words); running text may not."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WINDOW = 10  # words in a row shared with a seed sentence
SKIP_DIRS = {".git", ".venv", ".cache", "output", "__pycache__", ".pytest_cache", ".mypy_cache"}
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".json", ".jsonl", ".toml", ".xml", ".yaml"}
# reference lines and links are bibliographic facts, kept out of the comparison
REFERENCE_LINE = re.compile(r"\(\d{4}[a-z]?\)|\bdoi\b|https?://|\bet al\b", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _seed_windows(seeds_dir: Path) -> set[tuple[str, ...]]:
    windows: set[tuple[str, ...]] = set()
    for seed in sorted(seeds_dir.glob("*.txt")):
        for line in seed.read_text("utf-8").splitlines():
            if not REFERENCE_LINE.search(line):
                words = _words(line)
                windows.update(tuple(words[i : i + WINDOW]) for i in range(len(words) - WINDOW + 1))
    return windows


def _repo_files() -> list[Path]:
    return [
        path
        for path in REPO.rglob("*")
        if path.suffix in TEXT_SUFFIXES
        and path.is_file()
        and not SKIP_DIRS.intersection(path.relative_to(REPO).parts)
    ]


def test_no_seed_sentence_is_copied_into_the_repository(seeds_dir: Path) -> None:
    windows = _seed_windows(seeds_dir)
    assert len(windows) > 100  # the seeds were read
    copied = {}
    for path in _repo_files():
        words = _words(path.read_text("utf-8", errors="ignore"))
        hits = [
            " ".join(words[i : i + WINDOW])
            for i in range(len(words) - WINDOW + 1)
            if tuple(words[i : i + WINDOW]) in windows
        ]
        if hits:
            copied[str(path.relative_to(REPO))] = hits[0]
    assert copied == {}
