"""The phrase rules as two ``PhraseMatcher``s (lower-case and exact-case), read as plain hits.

This replaces two ``span_ruler`` components: a span ruler builds a ``Span`` object per match
and stores them on the Doc, only for the view to read them back. The hits come out in the
order the span rulers gave them (lower-case rules first, each sorted by character span, label
and rule id), so everything downstream sees the same sequence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
    """Both phrase matchers of one rule set, with the rule behind each match id."""

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc], rules: RuleSet) -> None:
        self.matchers: list[PhraseMatcher] = []
        # match id -> (rule, label hash, rule id hash): the last two order ties like spans do
        self.by_key: dict[int, tuple[PatternRule, int, int]] = {}
        for cased in (False, True):
            matcher = PhraseMatcher(vocab, attr="ORTH" if cased else "LOWER")
            for rule in rules.phrase_rules(cased=cased):
                key = vocab.strings.add(rule.id)
                label = vocab.strings.add(rule.label)
                self.by_key[key] = (rule, label, key)
                matcher.add(rule.id, [make_doc(rule.pattern)])
            self.matchers.append(matcher)

    def __call__(self, doc: Doc, offsets: list[int]) -> list[Hit]:
        """Every match, lower-case rules first, each group in span-ruler order."""
        hits: list[Hit] = []
        for matcher in self.matchers:
            found = []
            for key, start, end in matcher(doc):
                if start != end:
                    end_char = offsets[end - 1] + len(doc[end - 1])
                    found.append((offsets[start], end_char, *self.by_key[key], start, end))
            found.sort(key=_span_order)
            for start_char, end_char, rule, _, _, start, end in found:
                hits.append(
                    Hit(
                        rule.label, rule.value, rule.kind, rule.id, start_char, end_char, start, end
                    )
                )
        return hits


def _span_order(
    found: tuple[int, int, PatternRule, int, int, int, int],
) -> tuple[int, int, int, int]:
    """How ``sorted(spans)`` orders spans: characters, then label and id hashes."""
    return (found[0], found[1], found[3], found[4])
