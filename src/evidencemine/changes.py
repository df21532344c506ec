"""What changed in a programme between two records (for run reports)."""

from __future__ import annotations

from evidencemine.models import ProgrammeRecord


def _rating(record: ProgrammeRecord) -> str | None:
    rating = record.programme.ratings.evidence
    return rating.label if rating else None


def _cost(record: ProgrammeRecord) -> str | None:
    cost = record.programme.ratings.cost
    return cost.label if cost else None


def _references(record: ProgrammeRecord) -> set[str]:
    return {ref.raw for study in record.studies for ref in study.references}


def summarise_changes(old: ProgrammeRecord | None, new: ProgrammeRecord) -> list[str]:
    """Human-readable changes: rating, cost rating, studies added or removed, references."""
    if old is None:
        return ["new programme"]
    changes: list[str] = []
    if _rating(old) != _rating(new):
        changes.append(f"evidence rating changed: {_rating(old)} -> {_rating(new)}")
    if _cost(old) != _cost(new):
        changes.append(f"cost rating changed: {_cost(old)} -> {_cost(new)}")
    old_studies = {s.label for s in old.studies}
    new_studies = {s.label for s in new.studies}
    changes += [f"study added: {label}" for label in sorted(new_studies - old_studies)]
    changes += [f"study removed: {label}" for label in sorted(old_studies - new_studies)]
    added = len(_references(new) - _references(old))
    removed = len(_references(old) - _references(new))
    if added or removed:
        changes.append(f"references changed: {added} added, {removed} removed")
    if old.programme.name != new.programme.name:
        changes.append(f"name changed: {old.programme.name} -> {new.programme.name}")
    if not changes and old.source.content_sha256 != new.source.content_sha256:
        changes.append("page text changed (no change in ratings, studies or references)")
    return changes
