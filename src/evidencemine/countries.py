"""Country names as printed on pages → ISO 3166-1 alpha-2 codes.

One country table for the whole package: the alias lines of the extraction rules'
``countries.jsonl`` (``kind: "alias"``: "USA", "U.K.", "Holland", "Ivory Coast" …, shipped in
``evidencemine/data/patterns``), then pycountry's names. Page adapters read it here without
loading the extraction package; the extraction rules read the same file.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pycountry

from evidencemine.settings import bundled_patterns_dir

COUNTRY_RULES = "countries.jsonl"


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().strip(",;")).lower()


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Lower-cased alias → code, from the ``COUNTRY`` alias lines of ``countries.jsonl``."""
    table: dict[str, str] = {}
    with (bundled_patterns_dir() / COUNTRY_RULES).open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            rule = json.loads(line)
            if rule.get("label") == "COUNTRY" and rule.get("kind") == "alias":
                table.setdefault(_key(rule["pattern"]), str(rule["value"]))
    return table


@lru_cache(maxsize=2048)
def country_code(name: str) -> str | None:
    """``"United States"`` → ``"US"``; ``None`` when the text names no country."""
    key = _key(name)
    table = aliases()
    for candidate in (key, key.rstrip("."), key.removeprefix("the ")):
        if candidate in table:
            return table[candidate]
    if not key.rstrip("."):
        return None
    try:
        return str(pycountry.countries.lookup(key.rstrip(".")).alpha_2)
    except LookupError:
        return None


def country_codes(text: str) -> list[str]:
    """Every country in a list such as ``"United States, UK and Australia"``, in order."""
    whole = country_code(text)
    if whole:
        return [whole]
    codes: list[str] = []
    for part in re.split(r"\s*(?:,|;|/|\band\b|&|\n)\s*", text):
        code = country_code(part)
        if code and code not in codes:
            codes.append(code)
    return codes
