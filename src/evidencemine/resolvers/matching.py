"""Verification of a candidate record against the citation as printed, and the differences.

Precision before recall: a candidate is accepted only when its normalised title is similar
enough, its year is within the tolerance and (when required) its first author's family name
agrees. Everything measured is kept in :class:`Verification` so that a refusal can say why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from evidencemine.models import CslItem, Difference
from evidencemine.settings import CrossrefSettings

_TAG = re.compile(r"<[^>]+>")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_BRITISH_ENDINGS = (
    (re.compile(r"is(ation|ations|e|es|ed|ing)\b"), r"iz\1"),
    (re.compile(r"our\b"), "or"),
)
_MIN_WORDS_FOR_MAIN_TITLE = 5


def fold_text(text: str) -> str:
    """Lower-case ASCII letters and digits, single-spaced (accents, tags and dashes gone)."""
    decomposed = unicodedata.normalize("NFKD", _DASHES.sub("-", _TAG.sub(" ", text)))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = ascii_text.replace("&", " and ")
    return _NON_WORD.sub(" ", ascii_text).strip()


def normalise_title(title: str) -> str:
    """Folded title with British spellings mapped to American ones (``-ise`` → ``-ize``)."""
    folded = fold_text(title)
    for pattern, replacement in _BRITISH_ENDINGS:
        folded = pattern.sub(replacement, folded)
    return folded


def title_similarity(printed: str, candidate: str) -> float:
    """Similarity in [0, 1] of two titles after normalisation.

    A printed title that leaves out the candidate's subtitle (after ``:``) is compared with
    the main title too, but only when that main title is long enough to be distinctive.
    """
    left, right = normalise_title(printed), normalise_title(candidate)
    if not left or not right:
        return 0.0
    best = fuzz.ratio(left, right) / 100.0
    main = normalise_title(re.split(r"[:?]", candidate, maxsplit=1)[0])
    if main != right and len(main.split()) >= _MIN_WORDS_FOR_MAIN_TITLE:
        best = max(best, fuzz.ratio(left, main) / 100.0)
    return round(best, 3)


def family_key(family: str) -> str:
    """A family name reduced to letters only (``Kirby-Smith`` = ``Kirby Smith``)."""
    return fold_text(family).replace(" ", "")


def first_family(item: CslItem) -> str | None:
    """The first author's family name, or ``None`` when the item lists no author."""
    for name in item.author:
        if name.family:
            return name.family
    return None


def issued_year(item: CslItem) -> int | None:
    """The year of ``issued``, or ``None``."""
    if item.issued and item.issued.date_parts and item.issued.date_parts[0]:
        return item.issued.date_parts[0][0]
    return None


@dataclass(slots=True)
class Verification:
    """How a candidate compares with the printed citation."""

    score: float
    verified: bool
    checks: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def reason(self) -> str:
        return "; ".join(self.failures) if self.failures else "all checks passed"


def verify_candidate(
    printed: CslItem, candidate: CslItem, thresholds: CrossrefSettings
) -> Verification:
    """Check title similarity, year and first author of ``candidate`` against ``printed``."""
    if not printed.title:
        return Verification(0.0, False, {}, ["no printed title to verify against"])
    similarity = title_similarity(printed.title, candidate.title or "")
    result = Verification(similarity, True, {"title_similarity": similarity})
    if similarity < thresholds.title_similarity_min:
        result.failures.append(
            f"title similarity {similarity:.2f} < {thresholds.title_similarity_min:.2f}"
        )
    _check_year(printed, candidate, thresholds.year_tolerance, result)
    if thresholds.require_first_author:
        _check_first_author(printed, candidate, result)
    result.verified = not result.failures
    return result


def _check_year(printed: CslItem, candidate: CslItem, tolerance: int, out: Verification) -> None:
    printed_year, candidate_year = issued_year(printed), issued_year(candidate)
    out.checks["year"] = [printed_year, candidate_year]
    if printed_year is None:
        return
    if candidate_year is None or abs(printed_year - candidate_year) > tolerance:
        out.failures.append(f"year {candidate_year} is not within {tolerance} of {printed_year}")


def _check_first_author(printed: CslItem, candidate: CslItem, out: Verification) -> None:
    printed_family, candidate_family = first_family(printed), first_family(candidate)
    out.checks["first_author"] = [printed_family, candidate_family]
    if printed_family is None:
        return
    if candidate_family is None or family_key(printed_family) != family_key(candidate_family):
        out.failures.append(f"first author {candidate_family!r} is not {printed_family!r}")


# --- differences between the printed citation and the resolved record ---------------------


def expand_page_range(page: str | None) -> str | None:
    """``"623-49"`` → ``"623-649"``; other forms are returned trimmed, dashes unified."""
    if not page:
        return None
    text = re.sub(r"\s*[-‐‑‒–—]+\s*", "-", page.strip())
    match = re.fullmatch(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)", text)
    if not match:
        return text
    prefix, first, _, last = match.groups()
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return f"{prefix}{first}-{prefix}{last}"


def _journal_key(name: str) -> str:
    folded = fold_text(name)
    return folded[4:] if folded.startswith("the ") else folded


def _same_journal(printed: str, resolved: CslItem) -> bool:
    key = _journal_key(printed)
    names = (resolved.container_title, resolved.container_title_short)
    return any(name and _journal_key(name) == key for name in names)


def _same_pages(printed: str, resolved: str) -> bool:
    left, right = expand_page_range(printed), expand_page_range(resolved)
    if left is None or right is None:
        return True
    if "-" not in left or "-" not in right:
        return left.split("-")[0] == right.split("-")[0]
    return left == right


def list_differences(printed: CslItem, resolved: CslItem) -> list[Difference]:
    """Fields where the citation as printed and the resolved record disagree.

    Only fields present on both sides are compared. Case, punctuation and dash style are not
    differences; spelling is (``Normalising`` vs ``Normalizing`` is listed).
    """
    found: list[Difference] = []
    if printed.title and resolved.title and fold_text(printed.title) != fold_text(resolved.title):
        found.append(Difference(field="title", printed=printed.title, resolved=resolved.title))
    shown = resolved.container_title or resolved.container_title_short
    if printed.container_title and shown and not _same_journal(printed.container_title, resolved):
        found.append(
            Difference(field="container-title", printed=printed.container_title, resolved=shown)
        )
    for name in ("volume", "issue"):
        left, right = getattr(printed, name), getattr(resolved, name)
        if left and right and fold_text(str(left)) != fold_text(str(right)):
            found.append(Difference(field=name, printed=str(left), resolved=str(right)))
    if printed.page and resolved.page and not _same_pages(printed.page, resolved.page):
        found.append(Difference(field="page", printed=printed.page, resolved=resolved.page))
    found.extend(_year_and_author_differences(printed, resolved))
    return found


def _year_and_author_differences(printed: CslItem, resolved: CslItem) -> list[Difference]:
    found: list[Difference] = []
    left_year, right_year = issued_year(printed), issued_year(resolved)
    if left_year is not None and right_year is not None and left_year != right_year:
        found.append(Difference(field="issued", printed=str(left_year), resolved=str(right_year)))
    left_family, right_family = first_family(printed), first_family(resolved)
    if left_family and right_family and family_key(left_family) != family_key(right_family):
        found.append(Difference(field="author", printed=left_family, resolved=right_family))
    return found
