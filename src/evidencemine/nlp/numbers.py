"""Numbers as written in abstracts: digits ("1,234"), words ("Seventy-six"), and their values."""

from __future__ import annotations

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
_BELOW_1000 = rf"(?:{_BELOW_100}(?:\s+hundred(?:\s+(?:and\s+)?{_BELOW_100})?)?)"
WORD_NUMBER = rf"(?:{_BELOW_1000}(?:\s+thousand(?:\s*,?\s+(?:and\s+)?{_BELOW_1000})?)?)"
DIGIT_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)"
# The look-ahead lets the regex engine skip, cheaply, every position that cannot start a number.
NUMBER_START = r"(?=[0-9otfsenzOTFSENZ])"
NUMBER = rf"(?:{NUMBER_START}(?:{DIGIT_NUMBER}|{WORD_NUMBER}))"

_WORD_RE = re.compile(r"[a-z]+")


def parse_number(text: str) -> float | None:
    """The value of ``text`` written in digits or English words, or None when it is not one."""
    cleaned = text.strip().lower().replace(",", "")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        pass
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


# A single number word ("twelve", "forty") and its value: what ``parse_number`` gives it.
_WORD_VALUES = {**UNITS, **TENS}
# Digit strings up to this length convert through ``float`` without rounding (< 2**53).
_EXACT_DIGITS = 15


def parse_int(text: str) -> int | None:
    """``parse_number`` for whole numbers only.

    Plain ASCII digit strings and single number words, the usual cases, are read directly;
    they give what ``parse_number`` gives (proved in the fast-path tests)."""
    if text.isdigit() and text.isascii() and len(text) <= _EXACT_DIGITS:
        return int(text)
    if text.isalpha():
        word = _WORD_VALUES.get(text.lower())
        if word is not None:
            return word
    value = parse_number(text)
    if value is None or value != int(value):
        return None
    return int(value)


# Every ASCII byte that is not a word character (``\w``) becomes a space.
_NON_WORD_TO_SPACE = bytes(
    c if (chr(c).isascii() and (chr(c).isalnum() or c == ord("_"))) else ord(" ")
    for c in range(256)
)
_DIGIT_RUN_START_RE = re.compile(rb" [0-9]")
_NUMBER_WORDS = frozenset(w.encode() for w in (*UNITS, *TENS))
# The same starts for any text (slower; ``\w`` is Unicode here, as in the patterns).
_NUMBER_START_RE = re.compile(
    rf"(?<!\w)(?:[0-9]|(?:{'|'.join(sorted((*UNITS, *TENS), key=len, reverse=True))})(?!\w))"
)


def number_starts(folded: str) -> list[int]:
    """Every offset where a number (:data:`NUMBER`) can start after a non-word character, in
    the lower-cased text ``folded``: each digit run and each whole number word.

    Scanning a text once for these is several times cheaper than letting a regex that starts
    with ``NUMBER`` try every offset; the regex is then tried at these offsets only. A number
    word always ends at a non-word character in the patterns built on ``NUMBER``, so only
    whole words need to be found, and only the number words the text holds are looked for.
    """
    if not folded.isascii():
        return [m.start() for m in _NUMBER_START_RE.finditer(folded)]
    spaced = b" " + folded.encode("ascii").translate(_NON_WORD_TO_SPACE) + b" "
    # the leading space of a match in ``spaced`` is where the digit or word starts in ``folded``
    starts = [m.start() for m in _DIGIT_RUN_START_RE.finditer(spaced)]
    for word in _NUMBER_WORDS.intersection(spaced.split()):
        spaced_word = b" " + word + b" "
        at = spaced.find(spaced_word)
        while at >= 0:
            starts.append(at)
            at = spaced.find(spaced_word, at + len(spaced_word) - 1)
    starts.sort()
    return starts


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
