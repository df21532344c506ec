"""Country names as printed on pages → ISO 3166-1 alpha-2 codes (pycountry plus aliases)."""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

ALIASES = {
    "usa": "US",
    "us": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "america": "US",
    "united states of america": "US",
    "the united states": "US",
    "the usa": "US",
    "uk": "GB",
    "u.k.": "GB",
    "the uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "england and wales": "GB",
    "the netherlands": "NL",
    "holland": "NL",
    "ireland": "IE",
    "republic of ireland": "IE",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "iran": "IR",
    "vietnam": "VN",
    "turkey": "TR",
    "czech republic": "CZ",
    "taiwan": "TW",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "syria": "SY",
    "laos": "LA",
    "moldova": "MD",
}


@lru_cache(maxsize=2048)
def country_code(name: str) -> str | None:
    """``"United States"`` → ``"US"``; ``None`` when the text names no country."""
    key = re.sub(r"\s+", " ", name.strip().strip(".,;")).lower()
    if not key:
        return None
    if key in ALIASES:
        return ALIASES[key]
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
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
