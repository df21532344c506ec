"""Answers of the literature APIs kept per record, so any subset of them is answered locally.

The HTTP cache keys a response by its request, and the resolvers batch many identifiers into
one request: a later run asking for a different mix (one re-ingested page) would miss it.
This cache keeps each answer by what it is about:

- ``pubmed``: an efetch record (its ``<PubmedArticle>`` XML) by PMID;
- ``ecitmatch``: an ECitMatch answer by the citation line (journal|year|volume|page|author);
- ``idconv``: an ID converter answer by ``<idtype>:<id>``;
- ``crossref``: a Crossref work (its JSON message) by DOI (lower case).

Negative answers (a PMID PubMed does not return, a citation not found or ambiguous, an id
without a PMID, a DOI Crossref answers 404 for) are kept too, for the shorter
``negative_cache_expire_s``. Errors (timeouts, 5xx, malformed answers) are never kept.
The store is SQLite at ``<http.cache_dir>/records.sqlite`` (a relative ``cache_dir`` is inside
the output folder: ``Settings.cache_path``); delete it to start cold.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from evidencemine.settings import Settings

RECORDS_FILE = "records.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT,
    expires REAL NOT NULL,
    PRIMARY KEY (kind, key)
)
"""
_CHUNK = 500  # keys per SELECT (SQLite's variable limit is higher; this keeps queries short)


class RecordCache:
    """Per-record answers with an expiry; ``value`` ``None`` is a negative answer."""

    def __init__(self, path: Path, *, now: Callable[[], float] = time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.now = now
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

    @classmethod
    def for_settings(cls, settings: Settings) -> RecordCache:
        return cls(settings.cache_path / RECORDS_FILE)

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, str | None]:
        """The fresh answers among ``keys`` (absent keys were never asked or have expired)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str | None] = {}
        now = self.now()
        with self._lock:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, value FROM records WHERE kind = ? AND key IN ({marks})"
                    " AND expires > ?",
                    (kind, *chunk, now),
                )
                found.update((key, value) for key, value in rows)
        return found

    def get(self, kind: str, key: str) -> tuple[bool, str | None]:
        """``(True, value)`` for a fresh answer (``None``: negative), else ``(False, None)``."""
        found = self.get_many(kind, [key])
        return (key in found, found.get(key))

    def put_many(self, kind: str, answers: dict[str, str | None], expire_s: float) -> None:
        """Keep ``answers`` for ``expire_s`` seconds (nothing is kept when it is 0 or less)."""
        if expire_s <= 0 or not answers:
            return
        expires = self.now() + expire_s
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO records (kind, key, value, expires) VALUES (?, ?, ?, ?)",
                [(kind, key, value, expires) for key, value in answers.items()],
            )

    def put(self, kind: str, key: str, value: str | None, expire_s: float) -> None:
        self.put_many(kind, {key: value}, expire_s)

    def close(self) -> None:
        with self._lock:
            self._db.close()
