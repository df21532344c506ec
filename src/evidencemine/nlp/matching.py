"""The phrase rules as one lower-case ``PhraseMatcher``, read as plain hits.

This replaces two ``span_ruler`` components (lower-case and exact-case): a span ruler builds
a ``Span`` object per match and stores them on the Doc, only for the view to read them back.
Exact-case rules are matched lower-case too and kept only where every token has the rule's
exact spelling (any exact-case match is a lower-case match), which costs one pass over the
tokens instead of two. The hits come out in the order the span rulers gave them (lower-case
rules first, each sorted by character span, label and rule id), so everything downstream sees
the same sequence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from evidencemine.nlp.patterns import PatternRule, RuleSet


@dataclass(slots=True)
class Hit:
    """A phrase rule that matched: what it means and where (characters and tokens)."""

    label: str
    value: str
    kind: str
    rule: str
    start: int
    end: int
    tok_start: int
    tok_end: int
    sent: int = 0


class RuleMatcher:
    """All phrase rules of one rule set in one matcher, with the rule behind each match id."""

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc], rules: RuleSet) -> None:
        self.matcher = PhraseMatcher(vocab, attr="LOWER")
        # match id -> (rule, label hash, rule id hash): the last two order ties like spans do
        self.by_key: dict[int, tuple[PatternRule, int, int]] = {}
        # match id of an exact-case rule -> the spelling (ORTH) of each of its tokens
        self.spellings: dict[int, tuple[int, ...]] = {}
        # match id -> (label hash, spelling or None, rule): one lookup per match
        self._entries: dict[int, tuple[int, tuple[int, ...] | None, PatternRule]] = {}
        for rule in rules.phrase_rules(cased=False) + rules.phrase_rules(cased=True):
            key = vocab.strings.add(rule.id)
            label = vocab.strings.add(rule.label)
            self.by_key[key] = (rule, label, key)
            pattern = make_doc(rule.pattern)
            if rule.cased:
                self.spellings[key] = tuple(token.orth for token in pattern)
            self.matcher.add(rule.id, [pattern])
        for key, (rule, label, _) in self.by_key.items():
            self._entries[key] = (label, self.spellings.get(key), rule)

    def __call__(self, doc: Doc, offsets: list[int]) -> list[Hit]:
        """Every match, lower-case rules first, each group in span-ruler order."""
        lower: list[_Found] = []
        cased: list[_Found] = []
        entries = self._entries
        for key, start, end in self.matcher(doc):
            if start == end:
                continue
            label, spelling, rule = entries[key]
            if spelling is None:
                group = lower
            elif _spelled(doc, start, spelling):
                group = cased
            else:
                continue
            end_char = offsets[end - 1] + len(doc[end - 1])
            group.append((offsets[start], end_char, label, key, rule, start, end))
        hits: list[Hit] = []
        for found in (lower, cased):
            found.sort(key=_span_order)
            for start_char, end_char, _, _, rule, start, end in found:
                hits.append(
                    Hit(
                        rule.label, rule.value, rule.kind, rule.id, start_char, end_char, start, end
                    )
                )
        return hits


# (start char, end char, label hash, rule id hash, rule, start token, end token)
_Found = tuple[int, int, int, int, PatternRule, int, int]


def _spelled(doc: Doc, start: int, spelling: tuple[int, ...]) -> bool:
    """Whether the tokens from ``start`` have exactly these spellings (ORTH ids)."""
    return all(doc[start + i].orth == orth for i, orth in enumerate(spelling))


# How ``sorted(spans)`` orders spans: characters, then label and id hashes.
_span_order = itemgetter(0, 1, 2, 3)
