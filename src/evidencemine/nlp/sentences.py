"""Sentence boundaries exactly as spaCy's ``sentencizer`` sets them, without running it.

The sentencizer visits every token (one Python object per token, about as costly as the
tokeniser). Its rule only looks at tokens that are a sentence-final character ("." "!" "?"
and their Unicode kin): the next token that is neither punctuation nor such a character
starts a sentence. So it is enough to find those characters in the text with one regex, check
that each is a token of its own, and walk forward from there.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

PUNCT_CHARS = frozenset(Sentencizer.default_punct_chars)
# The ASCII ones plus any non-ASCII character (checked against the set): a class of ranges the
# regex engine scans in C; a class of all 128 characters costs ~15 times more.
_CANDIDATE_RE = re.compile("[.!?\x80-\U0010ffff]")


def _next_start(doc: Doc, after: int) -> int | None:
    """The first token after ``after`` that is neither punctuation nor a sentence-final char."""
    for j in range(after + 1, len(doc)):
        token = doc[j]
        if not token.is_punct and token.text not in PUNCT_CHARS:
            return j
    return None


def sentence_start_tokens(doc: Doc, text: str, offsets: list[int]) -> list[int]:
    """Token indices where the sentencizer would start sentences (``offsets``: token starts)."""
    starts = [0]
    for m in _CANDIDATE_RE.finditer(text):
        if m.group() not in PUNCT_CHARS:
            continue
        position = m.start()
        i = bisect_right(offsets, position) - 1
        if i < starts[-1] or offsets[i] != position or len(doc[i]) != 1:
            continue  # inside a sentence already started later, or part of a longer token
        start = _next_start(doc, i)
        if start is None:
            break
        if start != starts[-1]:
            starts.append(start)
    return starts


def sentencizer_bounds(doc: Doc, text: str, offsets: list[int]) -> list[tuple[int, int]]:
    """Character spans of the sentencizer's sentences, trailing whitespace trimmed."""
    if len(doc) == 0:
        return []
    starts = [offsets[i] for i in sentence_start_tokens(doc, text, offsets)]
    ends = [*starts[1:], len(text)]
    return [(s, s + len(text[s:e].rstrip())) for s, e in zip(starts, ends, strict=True)]
