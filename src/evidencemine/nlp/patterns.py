"""Rules as data: every ``patterns/*.jsonl`` line is one rule (shipped in ``evidencemine/data``).

A line is ``{"id": ..., "label": ..., "pattern": ..., "value": ..., "kind": ..., "case": ...}``.
``label`` says what the rule is for; phrase labels (:data:`PHRASE_LABELS`) go into the span
rulers, the others are lexicons that the custom components read (unit nouns, outcome polarity,
...). ``case`` is ``"lower"`` (default, case-insensitive) or ``"cased"`` (exact spelling, for
acronyms such as ``US`` or ``RCT``). British spellings get their US variant automatically.

Country names come from pycountry as well; ``COUNTRY_SKIP`` lines name pycountry names that
are ambiguous in this field's texts (``Georgia``, ``Jordan`` ...).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pycountry

from evidencemine.errors import ConfigError

log = logging.getLogger(__name__)

PHRASE_LABELS = frozenset(
    {"DESIGN", "COUNTRY", "NOT_COUNTRY", "DIRECTION", "COMPARATOR", "CONTEXT"}
)
LEXICON_LABELS = frozenset(
    {"UNIT", "NONCOUNT", "POLARITY", "NONOUTCOME", "GROUP", "COUNTRY_SKIP", "DESIGN_CUE"}
)
_REQUIRED = ("id", "label", "pattern")
_US_SPELLINGS = (
    ("randomis", "randomiz"),
    ("behaviour", "behavior"),
    ("favour", "favor"),
    ("programme", "program"),
    ("centre", "center"),
    ("analys", "analyz"),
    ("organis", "organiz"),
    ("hospitalis", "hospitaliz"),
    ("externalis", "externaliz"),
    ("internalis", "internaliz"),
    ("mentalis", "mentaliz"),
    ("victimis", "victimiz"),
    ("disorganis", "disorganiz"),
    ("neighbour", "neighbor"),
    ("paediatric", "pediatric"),
    ("colour", "color"),
    ("labour", "labor"),
    ("meta-analys", "meta-analyz"),
)


@dataclass(frozen=True)
class PatternRule:
    """One rule: a phrase (or lexicon word) with what it stands for."""

    id: str
    label: str
    pattern: str
    value: str = ""
    kind: str = ""
    cased: bool = False


@dataclass
class RuleSet:
    """All rules of one patterns folder, with lookups the components need."""

    rules: list[PatternRule]
    by_id: dict[str, PatternRule] = field(default_factory=dict)
    lexicon: dict[str, dict[str, PatternRule]] = field(default_factory=dict)
    _memo: dict[tuple[str, str, str], frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for rule in self.rules:
            self.by_id[rule.id] = rule
            if rule.label in LEXICON_LABELS:
                self.lexicon.setdefault(rule.label, {})[rule.pattern.lower()] = rule

    def phrase_rules(self, *, cased: bool) -> list[PatternRule]:
        """Rules that go into the lower-case (``cased=False``) or exact-case span ruler."""
        return [r for r in self.rules if r.label in PHRASE_LABELS and r.cased == cased]

    def words(self, label: str, value: str | None = None) -> frozenset[str]:
        """Lexicon words of ``label`` (optionally only those with ``value``), lower-cased."""
        key = (label, "value", value or "")
        if key not in self._memo:
            entries = self.lexicon.get(label, {})
            self._memo[key] = frozenset(
                w for w, r in entries.items() if value is None or r.value == value
            )
        return self._memo[key]

    def words_of_labels(self, *labels: str) -> frozenset[str]:
        """The lexicon words of all ``labels`` together, lower-cased (built once)."""
        key = ("+".join(labels), "labels", "")
        if key not in self._memo:
            self._memo[key] = frozenset().union(*(self.words(label) for label in labels))
        return self._memo[key]

    def words_of_kind(self, label: str, kind: str) -> frozenset[str]:
        """Lexicon words of ``label`` whose rule has ``kind`` (for example cluster units)."""
        key = (label, "kind", kind)
        if key not in self._memo:
            entries = self.lexicon.get(label, {})
            self._memo[key] = frozenset(w for w, r in entries.items() if r.kind == kind)
        return self._memo[key]


def _us_variants(text: str) -> Iterator[str]:
    variant = text
    for british, american in _US_SPELLINGS:
        variant = variant.replace(british, american)
    if variant != text:
        yield variant


def _parse_line(raw: str, where: str) -> PatternRule:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ConfigError(f"bad JSON in pattern rule: {err.msg}", source=where) from err
    if not isinstance(data, dict) or any(not isinstance(data.get(k), str) for k in _REQUIRED):
        raise ConfigError("a pattern rule needs string id, label and pattern", source=where)
    label = data["label"]
    if label not in PHRASE_LABELS | LEXICON_LABELS:
        raise ConfigError(f"unknown pattern label {label!r}", source=where)
    return PatternRule(
        id=data["id"],
        label=label,
        pattern=data["pattern"],
        value=str(data.get("value", "")),
        kind=str(data.get("kind", "")),
        cased=data.get("case", "lower") == "cased",
    )


def read_rules_file(path: Path) -> list[PatternRule]:
    """The rules of one JSONL file (blank lines and ``//`` comment lines are skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise ConfigError(f"cannot read pattern file: {err}", source=str(path)) from err
    rules = []
    for number, raw in enumerate(lines, start=1):
        if raw.strip() and not raw.lstrip().startswith("//"):
            rules.append(_parse_line(raw, f"{path}:{number}"))
    return rules


def _with_spelling_variants(rules: list[PatternRule]) -> list[PatternRule]:
    out = list(rules)
    for rule in rules:
        if rule.cased:
            continue
        for variant in _us_variants(rule.pattern):
            out.append(
                PatternRule(rule.id + "-us", rule.label, variant, rule.value, rule.kind, False)
            )
    return out


def _pycountry_rules(skip: frozenset[str]) -> list[PatternRule]:
    rules = []
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", country.name)}
        official = getattr(country, "official_name", None)
        if official:
            names.add(official)
        for name in sorted(names):
            if "," in name or "(" in name or name.lower() in skip:
                continue
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            rule_id = f"country-pycountry-{country.alpha_2.lower()}-{slug}"
            rules.append(PatternRule(rule_id, "COUNTRY", name, country.alpha_2, "name", True))
    return rules


def load_rules(patterns_dir: Path) -> RuleSet:
    """Read every ``*.jsonl`` file in ``patterns_dir`` plus pycountry names into a RuleSet."""
    if not patterns_dir.is_dir():
        raise ConfigError("patterns folder not found", source=str(patterns_dir))
    rules: list[PatternRule] = []
    for path in sorted(patterns_dir.glob("*.jsonl")):
        rules.extend(read_rules_file(path))
    if not rules:
        raise ConfigError("no pattern rules found", source=str(patterns_dir))
    skip = frozenset(r.pattern.lower() for r in rules if r.label == "COUNTRY_SKIP")
    own = {(r.pattern, r.value) for r in rules if r.label == "COUNTRY"}
    generated = [r for r in _pycountry_rules(skip) if (r.pattern, r.value) not in own]
    rules = _with_spelling_variants(rules) + generated
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ConfigError(f"duplicate rule id {rule.id!r}", source=str(patterns_dir))
        seen.add(rule.id)
    log.debug("loaded %d pattern rules from %s", len(rules), patterns_dir)
    return RuleSet(rules)


@lru_cache(maxsize=8)
def cached_rules(patterns_dir: str) -> RuleSet:
    """``load_rules`` once per process and folder (components share one RuleSet)."""
    return load_rules(Path(patterns_dir))
