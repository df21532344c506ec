"""Numbers as written in pages and abstracts: digits ("1,234"), words ("Seventy-six"), and their
values. The one number grammar of the package: page adapters (delivery facts) and the
extraction rules both use it, so this module imports nothing else of evidencemine."""

from __future__ import annotations

import math
import re

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000}

_UNIT_WORDS = "|".join(sorted(UNITS, key=len, reverse=True))
_TENS_WORDS = "|".join(TENS)
_BELOW_100 = rf"(?:(?:{_TENS_WORDS})(?:[- ](?:{_UNIT_WORDS}))?|(?:{_UNIT_WORDS}))"
_BELOW_1000 = rf"(?:{_BELOW_100}(?:[\s-]+hundred(?:\s+(?:and\s+)?{_BELOW_100})?)?)"
WORD_NUMBER = rf"(?:{_BELOW_1000}(?:\s+thousand(?:\s*,?\s+(?:and\s+)?{_BELOW_1000})?)?)"
# "1,234", "13 388" (a space or thin space between groups of three), "76"
DIGIT_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d.,])|\d+)"
_SPACE_GROUPED_RE = re.compile(r"\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+")
# The look-ahead lets the regex engine skip, cheaply, every position that cannot start a number.
NUMBER_START = r"(?=[0-9otfsenzOTFSENZ])"
NUMBER = rf"(?:{NUMBER_START}(?:{DIGIT_NUMBER}|{WORD_NUMBER}))"

_WORD_RE = re.compile(r"[a-z]+")
# A single number word ("twelve", "forty", "hundred") and its value: what ``parse_number``
# gives it.
_WORD_VALUES = {**UNITS, **TENS, **SCALES}
# Words ``float`` reads (``parse_number`` then gives nan or inf, which ``parse_int`` rejects
# by raising, as it always has): left to the general path.
# words float() reads as numbers; they are none here (parse_number gives None for them)
_FLOAT_WORDS = frozenset({"nan", "inf", "infinity"})
# Digit strings up to this length convert through ``float`` without rounding (< 2**53);
# longer ones are not read as numbers at all (issue #15: never rounded through a float).
_EXACT_DIGITS = 15


def parse_number(text: str) -> float | None:
    """The value of ``text`` written in digits or English words, or None when it is not one."""
    if text.isalpha() and text.isascii():  # one plain word: a number word or none
        lower = text.lower()
        if lower not in _FLOAT_WORDS:
            word = _WORD_VALUES.get(lower)
            return None if word is None else float(word)
    cleaned = text.strip().lower().replace(",", "")
    if not cleaned:
        return None
    if sum(ch.isdigit() for ch in cleaned) > _EXACT_DIGITS:
        return None  # more digits than a float holds exactly: not read, never rounded
    try:
        value = float(cleaned)
    except ValueError:
        pass
    else:
        return value if math.isfinite(value) else None  # "nan", "inf" are words, not numbers
    total = 0
    current = 0
    seen = False
    for word in _WORD_RE.findall(cleaned):
        if word == "and":
            continue
        if word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word in SCALES:
            current = max(current, 1) * SCALES[word]
            if word == "thousand":
                total += current
                current = 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def parse_int(text: str) -> int | None:
    """``parse_number`` for whole numbers only.

    Plain ASCII digit strings and single ASCII words, the usual cases, are read directly;
    they give what ``parse_number`` gives (proved in the fast-path tests): a word is a
    number word or not a number at all."""
    if text.isdigit() and text.isascii() and len(text) <= _EXACT_DIGITS:
        return int(text)
    if _SPACE_GROUPED_RE.fullmatch(text):
        return int(re.sub(r"\D", "", text))
    if text.isalpha():
        lower = text.lower()
        word = _WORD_VALUES.get(lower)
        if word is not None:
            return word
        if text.isascii() and lower not in _FLOAT_WORDS:
            return None
    value = parse_number(text)
    if value is None or value != int(value):
        return None
    return int(value)


def _trie(words: list[str]) -> str:
    """An alternation of ``words`` grouped by first letter, so a failing position is
    rejected after one or two characters instead of after trying every word."""
    by_first: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        by_first.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in by_first.items())


# Every ASCII byte that is not a word character (``\w``) becomes a space, every digit "0".
_SPACED_TABLE = bytes(
    (ord("0") if chr(c).isdigit() else c)
    if (chr(c).isascii() and (chr(c).isalnum() or c == ord("_")))
    else ord(" ")
    for c in range(256)
)
_NUMBER_WORD_LIST = sorted((*UNITS, *TENS), key=len, reverse=True)
# In the spaced text: a digit run, or a whole number word, after a (mapped) non-word char.
_SPACED_START_RE = re.compile(
    rf" (?:0|(?=[{''.join(sorted({w[0] for w in _NUMBER_WORD_LIST}))}])"
    rf"(?:{_trie(_NUMBER_WORD_LIST)})(?= ))".encode("ascii")
)
_NON_ASCII_RE = re.compile("[^\x00-\x7f]")


def _ascii_stand_in(folded: str) -> bytes:
    """``folded`` as ASCII bytes with the same word / non-word characters at the same
    offsets: a non-ASCII word character (alphanumeric, so ``\\w``) becomes "a", any other "?".
    Neither is a digit or part of a number word, as no non-ASCII character is."""
    text = folded
    for char in set(_NON_ASCII_RE.findall(folded)):
        if char.isalnum():
            text = text.replace(char, "a")
    return text.encode("ascii", errors="replace")


def number_starts(folded: str) -> list[int]:
    """Every offset where a number (:data:`NUMBER`) can start after a non-word character, in
    the lower-cased text ``folded``: each digit run and each whole number word.

    Scanning a text once for these is several times cheaper than letting a regex that starts
    with ``NUMBER`` try every offset; the regex is then tried at these offsets only. A number
    word always ends at a non-word character in the patterns built on ``NUMBER``, so only
    whole words need to be found. The scan runs over a byte copy of the text where every
    non-word character is a space and every digit "0", so one literal-led regex finds both
    kinds, in order.
    """
    raw = folded.encode("ascii") if folded.isascii() else _ascii_stand_in(folded)
    spaced = b" " + raw.translate(_SPACED_TABLE) + b" "
    # the leading space of a match in ``spaced`` is where the digit or word starts in ``folded``
    return [m.start() for m in _SPACED_START_RE.finditer(spaced)]


def matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that can only match at one of ``starts``
    (sorted): the same leftmost, non-overlapping matches."""
    found: list[re.Match[str]] = []
    end = 0
    for start in starts:
        if start < end:
            continue
        m = pattern.match(text, start)
        if m:
            found.append(m)
            end = m.end()
    return found
