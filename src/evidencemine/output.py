"""Writing records for downstream readers: validated, atomic, stable, never half-written.

Layout (the output contract)::

    <dir>/programmes/<source kind>/<slug>.json   one record per programme (pretty, stable order)
    <dir>/programmes.jsonl                       every current record, one per line
    <dir>/index.json                             id, name, source, rating, studies, path, sha256
    <dir>/runs/<run-id>.json                     run reports
    <dir>/rejected/<name>.json                   inputs that failed, with the reason
    <dir>/programme-evidence.schema.json         the JSON Schema the records follow
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from evidencemine.errors import ValidationFailure
from evidencemine.models import SCHEMA_VERSION, ProgrammeRecord

log = logging.getLogger(__name__)


def _same_major(version: str) -> bool:
    """Whether a record's ``schema_version`` shares the current major version."""
    return version.split(".")[0] == SCHEMA_VERSION.split(".")[0]


SCHEMA_FILE = "programme-evidence.schema.json"


def schema_text() -> str:
    """The published JSON Schema, as checked in."""
    return resources.files("evidencemine.schema").joinpath(SCHEMA_FILE).read_text("utf-8")


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_text()))


def schema_errors(data: Any) -> list[str]:
    """Every way ``data`` breaks the schema, as "<json path>: <message>" lines."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"{e.json_path}: {e.message}" for e in errors]


def to_json(record: ProgrammeRecord) -> str:
    """Pretty JSON in the models' field order (stable), ending with a newline."""
    data = record.model_dump(mode="json", by_alias=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def validated_json(record: ProgrammeRecord) -> str:
    text = to_json(record)
    if errors := schema_errors(json.loads(text)):
        raise ValidationFailure(f"record fails the schema: {errors[0]}", source=record.id)
    return text


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: readers see old or new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[-120:] or "input"


class OutputStore:
    """The output folder: records, indexes, rejections and run reports."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def record_path(self, record_id: str) -> Path:
        kind, slug = record_id.split("/", 1)
        return self.root / "programmes" / kind / f"{slug}.json"

    def write_record(self, record: ProgrammeRecord) -> Path:
        """Validate, then replace the record atomically; a failure leaves the old one intact."""
        text = validated_json(record)
        path = self.record_path(record.id)
        atomic_write(path, text)
        return path

    def read_record(self, record_id: str) -> ProgrammeRecord | None:
        """The current record of ``record_id``, or None when there is none.

        A record written by an earlier minor schema version (fields only ever added) is read
        as the current version. One that cannot be read (another major version, or damaged
        by hand) is logged and treated as absent: the next good record replaces it."""
        path = self.record_path(record_id)
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text("utf-8"))
            if _same_major(str(data.get("schema_version", ""))):
                data["schema_version"] = SCHEMA_VERSION
            return ProgrammeRecord.model_validate(data)
        except (OSError, ValueError, AttributeError) as err:  # ValidationError is a ValueError
            log.warning("%s: previous record unreadable, treated as absent: %s", path, err)
            return None

    def reject(
        self, input_name: str, reason: str, *, stage: str, run_id: str | None = None
    ) -> Path:
        path = self.root / "rejected" / f"{_safe_name(input_name)}.json"
        entry = {
            "input": input_name,
            "stage": stage,
            "reason": reason,
            "run_id": run_id,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        atomic_write(path, json.dumps(entry, indent=2, ensure_ascii=False) + "\n")
        return path

    def clear_rejection(self, input_name: str) -> None:
        (self.root / "rejected" / f"{_safe_name(input_name)}.json").unlink(missing_ok=True)

    def write_run_report(self, run_id: str, report: dict[str, Any]) -> Path:
        path = self.root / "runs" / f"{run_id}.json"
        atomic_write(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return path

    def record_files(self) -> Iterator[Path]:
        yield from sorted((self.root / "programmes").glob("*/*.json"))

    def rebuild_indexes(self) -> int:
        """Regenerate ``programmes.jsonl``, ``index.json`` and the schema copy from the records."""
        lines: list[str] = []
        index: list[dict[str, Any]] = []
        for path in self.record_files():
            raw = path.read_bytes()
            data = json.loads(raw)
            lines.append(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            index.append(_index_entry(data, path.relative_to(self.root).as_posix(), raw))
        atomic_write(self.root / "programmes.jsonl", "".join(line + "\n" for line in lines))
        atomic_write(
            self.root / "index.json", json.dumps(index, indent=2, ensure_ascii=False) + "\n"
        )
        atomic_write(self.root / SCHEMA_FILE, schema_text())
        return len(index)


def _index_entry(data: dict[str, Any], rel_path: str, raw: bytes) -> dict[str, Any]:
    evidence = (data["programme"].get("ratings") or {}).get("evidence") or {}
    cost = (data["programme"].get("ratings") or {}).get("cost") or {}
    return {
        "id": data["id"],
        "name": data["programme"]["name"],
        "source": data["source"]["kind"],
        "url": data["source"].get("url"),
        "status": data["source"].get("status", "current"),
        "rating": evidence.get("label"),
        "cost_rating": cost.get("label"),
        "studies": len(data.get("studies", [])),
        "path": rel_path,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "updated": data["source"].get("updated"),
    }


def validate_output(root: Path | str) -> list[str]:
    """Check an output folder: every record against the schema, and the index against the
    files. Returns problems as "<path>: <reason>" lines (empty when all is well)."""
    root = Path(root)
    problems: list[str] = []
    store = OutputStore(root)
    files = list(store.record_files())
    if not files:
        problems.append(f"{root}: no records under programmes/")
    for path in files:
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            problems.append(f"{path}: unreadable JSON ({err})")
            continue
        problems.extend(f"{path}: {error}" for error in schema_errors(data)[:5])
    problems.extend(_check_index(root))
    return problems


def _check_index(root: Path) -> list[str]:
    index_path = root / "index.json"
    if not index_path.is_file():
        return [f"{index_path}: missing"]
    problems: list[str] = []
    for entry in json.loads(index_path.read_text("utf-8")):
        target = root / entry["path"]
        if not target.is_file():
            problems.append(f"{index_path}: {entry['id']} points to missing {entry['path']}")
        elif hashlib.sha256(target.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(f"{index_path}: sha256 of {entry['path']} does not match")
    return problems


def write_schema_file() -> Path:
    """Regenerate the checked-in schema from the models (``make schema``)."""
    from evidencemine.models import record_json_schema

    path = Path(str(resources.files("evidencemine.schema").joinpath(SCHEMA_FILE)))
    atomic_write(path, json.dumps(record_json_schema(), indent=2, ensure_ascii=False) + "\n")
    return path
