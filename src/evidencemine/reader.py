"""Reading an output folder back: typed records and flat rows.

    from evidencemine import read_output

    out = read_output("output")
    for record in out.records():            # ProgrammeRecord, upgraded to the current schema
        ...
    for row in out.rows("studies"):         # the flat tables of `evidencemine export`
        ...

Compatibility: within a major schema version, minor versions only add fields (with
defaults), so a record written by an older minor version is read as the current version.
A record of another major version, or of a newer minor version than this evidencemine knows,
is not guessed at: it is reported (``problems``) and skipped, like a damaged file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evidencemine.models import SCHEMA_VERSION, ProgrammeRecord

log = logging.getLogger(__name__)


class RecordVersionError(ValueError):
    """A record whose schema version this evidencemine cannot read."""


def _version(text: str) -> tuple[int, int, int]:
    try:
        major, minor, patch = (int(part) for part in text.split("."))
    except ValueError:
        raise RecordVersionError(f"schema_version {text!r} is not MAJOR.MINOR.PATCH") from None
    return major, minor, patch


def upgrade_record_data(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a record's JSON written by an older minor version to the current version (the
    fields added since take their defaults when the record is validated)."""
    if not isinstance(data, dict):
        raise RecordVersionError("not a JSON object")
    found = str(data.get("schema_version", ""))
    have, want = _version(found), _version(SCHEMA_VERSION)
    if have[0] != want[0]:
        raise RecordVersionError(
            f"schema_version {found}: another major version (this evidencemine reads "
            f"{want[0]}.x up to {SCHEMA_VERSION})"
        )
    if have[:2] > want[:2]:
        raise RecordVersionError(
            f"schema_version {found} is newer than {SCHEMA_VERSION}: upgrade evidencemine"
        )
    return {**data, "schema_version": SCHEMA_VERSION}


def load_record(path: Path) -> ProgrammeRecord:
    """One record file, upgraded; errors name the reason (``ValueError``/``OSError``)."""
    data = json.loads(path.read_text("utf-8"))
    return ProgrammeRecord.model_validate(upgrade_record_data(data))


def record_data(record: ProgrammeRecord) -> dict[str, Any]:
    """The record as the JSON it is written as (aliases, ISO dates)."""
    data: dict[str, Any] = record.model_dump(mode="json", by_alias=True)
    return data


class OutputReader:
    """An output folder (see ``output/README.md``), read lazily and in a stable order."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        if not (self.root / "programmes").is_dir():
            raise FileNotFoundError(
                f"{self.root}: not an evidencemine output folder (no programmes/)"
            )
        self.problems: list[str] = []

    def record_files(self) -> list[Path]:
        return sorted((self.root / "programmes").glob("*/*.json"))

    def records(self) -> Iterator[ProgrammeRecord]:
        """Every record, upgraded to the current schema version; unreadable files are logged,
        listed in ``problems`` and skipped."""
        self.problems = []
        for path in self.record_files():
            try:
                yield load_record(path)
            except (OSError, ValueError, ValidationError) as err:
                reason = str(err).splitlines()[0] if str(err) else type(err).__name__
                if isinstance(err, ValidationError):
                    first = err.errors()[0]
                    where = ".".join(str(part) for part in first["loc"])
                    reason = f"does not fit the schema: {where}: {first['msg']}"
                message = f"{path}: {reason}"
                self.problems.append(message)
                log.warning("%s", message)

    __iter__ = records

    def record_dicts(self) -> Iterator[dict[str, Any]]:
        """Every record as JSON data (after the upgrade)."""
        for record in self.records():
            yield record_data(record)

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of one flat table (``programmes``, ``studies``, ``outcomes``,
        ``outcome_statements``, ``study_outcomes``, ``references``, ``conflicts``,
        ``warnings``)."""
        from evidencemine.export.tables import table_by_name, table_rows

        yield from table_rows(table_by_name(table), self.record_dicts())

    def programmes(self) -> Iterator[dict[str, Any]]:
        return self.rows("programmes")

    def studies(self) -> Iterator[dict[str, Any]]:
        return self.rows("studies")

    def outcomes(self) -> Iterator[dict[str, Any]]:
        return self.rows("outcomes")

    def outcome_statements(self) -> Iterator[dict[str, Any]]:
        return self.rows("outcome_statements")

    def study_outcomes(self) -> Iterator[dict[str, Any]]:
        return self.rows("study_outcomes")

    def references(self) -> Iterator[dict[str, Any]]:
        return self.rows("references")

    def conflicts(self) -> Iterator[dict[str, Any]]:
        return self.rows("conflicts")

    def warnings(self) -> Iterator[dict[str, Any]]:
        return self.rows("warnings")

    def runs(self) -> list[dict[str, Any]]:
        """Run reports, oldest first (run ids start with the UTC start time)."""
        reports = []
        for path in sorted((self.root / "runs").glob("*.json")):
            try:
                reports.append(json.loads(path.read_text("utf-8")))
            except (OSError, ValueError) as err:
                self.problems.append(f"{path}: unreadable run report: {err}")
        return reports

    def rejected(self) -> list[dict[str, Any]]:
        """Inputs that failed and have not succeeded since."""
        entries = []
        for path in sorted((self.root / "rejected").glob("*.json")):
            try:
                entries.append(json.loads(path.read_text("utf-8")))
            except (OSError, ValueError) as err:
                self.problems.append(f"{path}: unreadable rejection: {err}")
        return entries


def read_output(root: Path | str) -> OutputReader:
    """Open an output folder for reading (typed records, flat rows, run reports)."""
    return OutputReader(root)
