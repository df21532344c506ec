"""Writing records for downstream readers: validated, atomic, stable, never half-written.

Layout (the output contract)::

    <dir>/programmes/<source kind>/<slug>.json   one record per programme (pretty, stable order)
    <dir>/programmes.jsonl                       every current record, one per line
    <dir>/index.json                             id, name, source, rating, studies, path, sha256
    <dir>/runs/<run-id>.json                     run reports
    <dir>/rejected/<name>-<hash>.json            inputs that failed, with the reason
    <dir>/programme-evidence.schema.json         the JSON Schema the records follow
    <dir>/quarantine/...                         damaged records and indexes, moved aside
    <dir>/.lock                                  held by the run writing to the folder

Crash consistency: every file is written to a temporary file in its folder, fsynced and
renamed; records first, then ``programmes.jsonl`` and ``index.json`` (rebuilt from the records),
so a kill at any point leaves old or new files, and at worst an index that lags the records.
:func:`validate_output` (``evidencemine validate``) and the next run rebuild a lagging index.
One run at a time per folder: :meth:`OutputStore.lock` takes an exclusive lock on ``.lock``.

Unique ids: a record's identity is its source URL (else its path). When a record's id is
already taken by a record of another identity (in the folder, or earlier in the same run), it
is written as ``<id>-2`` (``-3``, ...), and the run reports the new id: never an overwrite.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from evidencemine.errors import OutputError, ValidationFailure
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


_UMASK_LOCK = threading.Lock()
_UMASK: int | None = None


def _file_mode() -> int:
    """0666 minus the process umask: what ``open()`` would have given (mkstemp gives 0600)."""
    global _UMASK
    with _UMASK_LOCK:
        if _UMASK is None:
            _UMASK = os.umask(0o022)
            os.umask(_UMASK)
        return 0o666 & ~_UMASK


def output_error(err: OSError, path: Path) -> OutputError:
    """One line for a failed write: which file and why (full disk, read-only, a file in the way)."""
    reasons = {
        errno.ENOSPC: "no space left on the device",
        errno.EFBIG: "file too large (file-size limit)",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENOTDIR: "a file is in the way of a folder",
        errno.EEXIST: "a file is in the way of a folder",
        errno.EDQUOT: "disk quota exceeded",
    }
    reason = reasons.get(err.errno or 0) or err.strerror or str(err)
    return OutputError(f"cannot write: {reason}", source=str(path))


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write via a temporary file in the same folder, fsync, rename, fsync the folder: readers
    (and a kill at any moment) see the old file or the new one, never a part. The file gets
    the umask's mode. An OSError becomes :class:`OutputError` with the old file intact."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), _file_mode())
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
        _fsync_dir(path.parent)
    except OSError as err:
        raise output_error(err, path) from err
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[-120:] or "input"


def rejection_name(input_name: str) -> str:
    """The file name of an input's rejection: readable part plus a hash of the whole input, so
    two inputs that read alike ("a b", "a_b") never share one file."""
    digest = hashlib.sha256(input_name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{_safe_name(input_name)[-100:]}-{digest}.json"


def record_identity(record: ProgrammeRecord) -> str | None:
    return record.source.url or record.source.path


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


class OutputStore:
    """The output folder: records, indexes, rejections and run reports."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._claimed: dict[str, str | None] = {}  # record id -> identity written this run

    def record_path(self, record_id: str) -> Path:
        kind, slug = record_id.split("/", 1)
        return self.root / "programmes" / kind / f"{slug}.json"

    @contextlib.contextmanager
    def lock(self, wait_s: float = 0.0) -> Iterator[None]:
        """Hold the folder's ``.lock`` (exclusive) for one run; a second run on the same folder
        gets an :class:`OutputError` (at once, or after waiting ``wait_s`` for the first to
        finish). Released at exit (also by a kill: the lock belongs to the open file)."""
        import fcntl
        import time

        if self.root.exists() and not self.root.is_dir():
            raise OutputError("output folder is a file, not a folder", source=str(self.root))
        path = self.root / ".lock"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as err:
            raise output_error(err, path) from err
        try:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(0.5)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                raise OutputError(
                    f"another run is writing to this output folder (pid {holder}); "
                    "wait for it to finish or use another --output",
                    source=str(self.root),
                ) from err
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            yield
        finally:
            os.close(fd)  # releases the lock

    def unique_id(self, record: ProgrammeRecord) -> ProgrammeRecord:
        """``record`` with an id no record of another identity holds (``<id>-2``, ...)."""
        identity = record_identity(record)
        base, number = record.id, 1
        candidate = record
        while True:
            taken = self._taken_by(candidate.id)
            if taken is _FREE or (identity is not None and taken == identity):
                break
            if identity is None and taken is None and candidate.id not in self._claimed:
                break  # no identity to tell apart (bytes from stdin): same id, as before
            number += 1
            slug = f"{record.slug}-{number}"
            candidate = record.model_copy(update={"id": f"{base}-{number}", "slug": slug})
        if candidate is not record:
            log.warning(
                "%s: id %s is taken by another input; written as %s",
                identity or record.id,
                base,
                candidate.id,
            )
        return candidate

    def _taken_by(self, record_id: str) -> object:
        if record_id in self._claimed:
            return self._claimed[record_id]
        path = self.record_path(record_id)
        if not path.is_file():
            return _FREE
        try:
            source = json.loads(path.read_text("utf-8"))["source"]
            return source.get("url") or source.get("path")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return _FREE  # damaged: quarantined when replaced

    def write_record(self, record: ProgrammeRecord, *, claimed_by: str | None = None) -> Path:
        """Validate, then replace the record atomically; a failure leaves the old one intact.

        With ``claimed_by`` (a run's input), an id already held by a record of another source
        is not overwritten: the record is written under a disambiguated id (see the module
        notes) and ``record.id`` tells which."""
        if claimed_by is not None:
            unique = self.unique_id(record)
            if unique is not record:
                record.id, record.slug = unique.id, unique.slug
        text = validated_json(record)
        path = self.record_path(record.id)
        if path.is_file() and not _readable_json(path):
            self.quarantine(path, "damaged record replaced")
        atomic_write(path, text)
        self._claimed[record.id] = record_identity(record)
        return path

    def quarantine(self, path: Path, why: str) -> Path | None:
        """Move a damaged file to ``quarantine/`` (warned; never blocks a run)."""
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            rel = Path(path.name)
        target = self.root / "quarantine" / rel.parent / f"{rel.name}.{_stamp()}"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        except OSError as err:
            log.warning("%s: %s, and it cannot be moved to quarantine: %s", path, why, err)
            return None
        log.warning("%s: %s; moved to %s", path, why, target)
        return target

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
        path = self.root / "rejected" / rejection_name(input_name)
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
        with contextlib.suppress(OSError):
            (self.root / "rejected" / rejection_name(input_name)).unlink(missing_ok=True)

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
            try:
                raw = path.read_bytes()
                data = json.loads(raw)
                entry = _index_entry(data, path.relative_to(self.root).as_posix(), raw)
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
                self.quarantine(path, f"damaged record ({type(err).__name__})")
                continue
            lines.append(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            index.append(entry)
        atomic_write(self.root / "programmes.jsonl", "".join(line + "\n" for line in lines))
        atomic_write(
            self.root / "index.json", json.dumps(index, indent=2, ensure_ascii=False) + "\n"
        )
        atomic_write(self.root / SCHEMA_FILE, schema_text())
        return len(index)


_FREE = object()


def _readable_json(path: Path) -> bool:
    try:
        json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return True


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


def validate_output(root: Path | str, *, repair: bool = False) -> list[str]:
    """Check an output folder: every record against the schema, and the index against the
    files. Returns problems as "<path>: <reason>" lines (empty when all is well).

    With ``repair``, an index that lags valid records (a run killed between the records and
    the index) or that is damaged is rebuilt from the records, with a warning, and passes."""
    root = Path(root)
    if not root.exists():
        return [f"{root}: no such folder"]
    if not root.is_dir():
        return [f"{root}: not a folder"]
    problems: list[str] = []
    store = OutputStore(root)
    files = list(store.record_files())
    if not files:
        problems.append(f"{root}: no records under programmes/")
    for path in files:
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as err:
            problems.append(f"{path}: unreadable JSON ({' '.join(str(err).split())[:120]})")
            continue
        problems.extend(f"{path}: {error}" for error in schema_errors(data)[:5])
    index_problems = _check_index(root)
    if index_problems and repair and not problems:
        try:
            with store.lock():
                store.rebuild_indexes()
        except OutputError as err:
            return [*index_problems, f"index not repaired: {err}"]
        log.warning("%s: index repaired (%s)", root / "index.json", index_problems[0])
        index_problems = _check_index(root)
    problems.extend(index_problems)
    return problems


def _check_index(root: Path) -> list[str]:
    index_path = root / "index.json"
    if not index_path.is_file():
        return [f"{index_path}: missing"]
    try:
        index = json.loads(index_path.read_bytes())
    except (OSError, ValueError) as err:
        return [f"{index_path}: unreadable JSON ({' '.join(str(err).split())[:120]})"]
    if not isinstance(index, list):
        return [f"{index_path}: not a list of entries"]
    problems: list[str] = []
    listed: set[str] = set()
    for number, entry in enumerate(index, start=1):
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not path:
            problems.append(f"{index_path}: entry {number} has no path")
            continue
        listed.add(path)
        target = root / path
        name = entry.get("id", path)
        if not _inside(root, target) or not target.is_file():
            problems.append(f"{index_path}: {name} points to missing {path}")
        elif hashlib.sha256(target.read_bytes()).hexdigest() != entry.get("sha256"):
            problems.append(f"{index_path}: sha256 of {path} does not match")
    for record in OutputStore(root).record_files():
        rel = record.relative_to(root).as_posix()
        if rel not in listed:
            problems.append(f"{index_path}: {rel} is not listed")
    return problems


def _inside(root: Path, target: Path) -> bool:
    try:
        target.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return True


def write_schema_file() -> Path:
    """Regenerate the checked-in schema from the models (``make schema``)."""
    from evidencemine.models import record_json_schema

    path = Path(str(resources.files("evidencemine.schema").joinpath(SCHEMA_FILE)))
    atomic_write(path, json.dumps(record_json_schema(), indent=2, ensure_ascii=False) + "\n")
    return path
