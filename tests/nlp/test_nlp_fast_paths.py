"""The shortcuts taken for speed give exactly what the slow, obvious way gives.

Sentence bounds without the sentencizer, phrase hits without span rulers, headings tried only
where they can start, regexes tried only where a number starts: each is compared with the
spaCy component or the plain ``finditer`` it replaces, on the gold texts and on edge cases.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.attrs import IDX
from spacy.language import Language

from evidencemine.models import (
    Arm,
    ComparisonFinding,
    CountryFinding,
    DesignFinding,
    Evidence,
    Extraction,
    OutcomeFinding,
    SampleSize,
    Subgroup,
)
from evidencemine.nlp import (
    extract_text,
    extract_texts,
    get_pipeline,
    outcomes,
    sample_size,
    timepoints,
)
from evidencemine.nlp.components import results_of
from evidencemine.nlp.extract import extraction_from_doc
from evidencemine.nlp.matching import RuleMatcher
from evidencemine.nlp.patterns import cached_rules
from evidencemine.nlp.pipeline import default_patterns_dir
from evidencemine.nlp.sentences import sentencizer_bounds
from evidencemine.nlp.view import (
    _HEADING_RE,
    Sentence,
    TextView,
    _headings,
    case_folded,
    ends_with_match,
)
from evidencemine.numbers import (
    SCALES,
    TENS,
    UNITS,
    matches_at,
    number_starts,
    parse_int,
    parse_number,
)

GOLD_DIR = Path(__file__).parent / "gold"
EDGE_TEXTS = [
    "",
    ".",
    "   leading spaces. Then more!",
    "Ends without a stop",
    'Wait... what?! Yes. (A note.) "Quoted." Next one',
    "Two\n\nparagraphs.\n\nHere. And e.g. this, i.e. that; U.S. data. 3.5 mg. Done.",
    "Full-width stops。Next sentence！Really？ok",
    "BACKGROUND: one. METHODS AND FINDINGS : two.\nResults\n: three. conclusions: four",
    "At 6, 12 and eighteen months; twenty-five mothers (n=40) were randomised; N = 1,200.",
    "Seventy-six of one hundred and five took part; tenfold; x1 2 _3 one's 10-20 six.5",
    "Follow-up at one-year and 6-months post-randomisation; 3 wks later.",
    "Scores fell, but not anxiety; small  but real gains, WHEREAS\n\tcosts rose: however, "
    "with the exception of sleep, although slight but significant, Butter  but  x but",
    "Caf\u00e9 12 months; na\u00efve\u0663 5 one\u00b2 three\u00d74 \u00b15 \uff15 twenty\u2010one "
    "\u00e9two 18 mo\u00b7 3\u00a0years later; \u03b1 = 0.05; N\u2009=\u200940 were randomised",
]


def _texts() -> list[str]:
    texts = list(EDGE_TEXTS)
    for name in ("abstracts.jsonl", "heldout.jsonl"):
        lines = (GOLD_DIR / name).read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines if line.strip()]
    texts += [t.replace(". ", " ") for t in texts[-20:]]  # like EBM-NLP: no full stops
    return texts


@pytest.fixture(scope="module")
def sentencizer_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _spacy_bounds(nlp: Language, text: str) -> list[tuple[int, int]]:
    doc = nlp(text)
    starts = [sent.start_char for sent in doc.sents]
    if not starts:
        return []
    ends = [*starts[1:], len(text)]
    return [(s, s + len(text[s:e].rstrip())) for s, e in zip(starts, ends, strict=True)]


def test_sentence_bounds_equal_the_sentencizer(sentencizer_nlp: Language) -> None:
    for text in _texts():
        doc = sentencizer_nlp.make_doc(text)
        offsets = doc.to_array(IDX).tolist() if len(doc) else []
        assert sentencizer_bounds(doc, text, offsets) == _spacy_bounds(sentencizer_nlp, text), text


def test_phrase_hits_equal_span_ruler_order() -> None:
    rules = cached_rules(str(default_patterns_dir().resolve()))
    nlp = spacy.blank("en")
    for name, cased in (("lower", False), ("cased", True)):
        ruler = nlp.add_pipe(
            "span_ruler",
            name=name,
            config={"spans_key": name, "phrase_matcher_attr": "ORTH" if cased else "LOWER"},
        )
        patterns = rules.phrase_rules(cased=cased)
        ruler.add_patterns([{"label": r.label, "pattern": r.pattern, "id": r.id} for r in patterns])
    matcher = RuleMatcher(nlp.vocab, nlp.make_doc, rules)
    checked = 0
    for text in _texts():
        doc = nlp(text)
        expected = [
            (s.id_, s.start_char, s.end_char) for key in ("lower", "cased") for s in doc.spans[key]
        ]
        offsets = doc.to_array(IDX).tolist() if len(doc) else []
        got = [(h.rule, h.start, h.end) for h in matcher(doc, offsets)]
        assert got == expected, text
        checked += len(got)
    assert checked > 500


def test_headings_equal_a_full_scan() -> None:
    for text in _texts():
        expected = [(m.start(), m.group(1)) for m in _HEADING_RE.finditer(text)]
        assert _headings(text) == expected, text
    assert [name for _, name in _headings(EDGE_TEXTS[7])] == [
        "BACKGROUND",
        "METHODS AND FINDINGS",
        "Results",
        "conclusions",
    ]


@pytest.mark.parametrize(
    "pattern",
    [
        sample_size._NUMBER_FOLDED_RE,
        sample_size._VERB_COUNT_FOLDED_RE,
        timepoints._TIMEPOINT_FOLDED_RE,
    ],
    ids=["number", "count-verb", "timepoint"],
)
def test_matches_at_number_starts_equal_finditer(pattern: re.Pattern[str]) -> None:
    found = 0
    for text in _texts():
        folded = case_folded(text)
        assert folded is not None
        starts = number_starts(folded)
        if starts is None:
            continue
        expected = [m.span() for m in pattern.finditer(folded)]
        assert [m.span() for m in matches_at(pattern, folded, starts)] == expected, text
        found += len(expected)
    assert found > 20


def test_case_folding_refuses_characters_that_ignorecase_treats_specially() -> None:
    assert case_folded("Mixed Case") == "mixed case"
    assert case_folded("\u0130stanbul") is None  # İ lower-cases to two characters
    assert case_folded("uſual care") is None  # long s matches "s" under IGNORECASE
    assert number_starts("caf\u00e9 12 months, na\u00efvetwo \u00e9one two\u00b2 two\u00b7") == [
        5,
        35,
    ]


def test_clause_splits_at_candidate_starts_equal_finditer() -> None:
    found = 0
    for text in _texts():
        folded = case_folded(text)
        assert folded is not None
        whole = outcomes.Sentence(0, 0, len(text))
        expected = [m.span() for m in outcomes._CLAUSE_SPLIT_RE.finditer(text)]
        assert [m.span() for m in outcomes._clause_splits(text, whole, folded)] == expected, text
        inner = outcomes.Sentence(0, 3, max(3, len(text) - 2))  # bounds cut the pattern short
        expected = [m.span() for m in outcomes._CLAUSE_SPLIT_RE.finditer(text, 3, inner.end)]
        assert [m.span() for m in outcomes._clause_splits(text, inner, folded)] == expected, text
        found += len(expected)
    assert found > 50


def test_number_starts_equal_a_regex_scan() -> None:
    words = "|".join(sorted((*UNITS, *TENS), key=len, reverse=True))
    reference = re.compile(rf"(?<!\w)(?:[0-9]|(?:{words})(?!\w))")
    found = 0
    extra = [
        "one one two_three 4four five- -six 7 8,9 ninety-nine x10 twentyone",
        "\u00e912 12\u00e9 \u0663one one\u0663 \u00b2two two\u00b2 \u03b15 5\u03b1 _5 5_ \u2013six",
        "\ufb01ve \u00e9one one\u2019s \u2018two\u2019 \u00bd3 3\u00bd \u2164seven \u3007eight",
    ]
    for text in [*_texts(), *extra]:
        folded = case_folded(text)
        assert folded is not None
        expected = [m.start() for m in reference.finditer(folded)]
        assert number_starts(folded) == expected, text
        found += len(expected)
    assert found > 400


@pytest.mark.parametrize(
    ("pattern", "longest"),
    [
        (sample_size._YEAR_PREFIX_RE, sample_size._YEAR_PREFIX_LONGEST),
        (sample_size._AGE_PREFIX_RE, sample_size._AGE_PREFIX_LONGEST),
        (sample_size._TOTAL_OF_RE, sample_size._TOTAL_OF_LONGEST),
        (timepoints._AGE_WORD_RE, timepoints._AGE_WORD_LONGEST),
        (timepoints._BEFORE_AGE_RE, timepoints._BEFORE_AGE_LONGEST),
    ],
    ids=["year", "age", "total-of", "age-word", "before-age"],
)
def test_tail_searches_start_late_enough(pattern: re.Pattern[str], longest: int) -> None:
    body = pattern.pattern.removesuffix(r"\s*$")
    assert body != pattern.pattern
    assert re._parser.parse(body).getwidth()[1] == longest  # type: ignore[attr-defined]
    for text in _texts():
        for end in range(0, len(text), 7):
            window = text[max(0, end - 30) : end]
            expected = bool(pattern.search(window))
            assert ends_with_match(pattern, window, longest) == expected, window


def test_folded_context_patterns_equal_ignorecase_ones() -> None:
    pairs = zip(
        vars(sample_size._CONTEXT).values(), vars(sample_size._FOLDED_CONTEXT).values(), strict=True
    )
    for cased, folded_pattern in pairs:
        assert cased.flags & re.IGNORECASE and not folded_pattern.flags & re.IGNORECASE
        for text in [*_texts(), "A total of N = 40 were Randomised; N=3 SCREENED"]:
            folded = case_folded(text)
            assert folded is not None
            expected = [m.span() for m in cased.finditer(text)]
            assert [m.span() for m in folded_pattern.finditer(folded)] == expected, text


def test_before_ok_without_baseline_needs_only_the_tail() -> None:
    folded_before_ok = timepoints._FOLDED_CONTEXT.before_ok
    short = folded_before_ok.pattern.replace(
        r"|\bbaseline\s*(?:,|and)|\bbaseline,\s*and)", ")"
    ).removesuffix(r"\s*$")
    assert re._parser.parse(short).getwidth()[1] == timepoints._BEFORE_OK_SHORT_LONGEST  # type: ignore[attr-defined]
    extra = ["at  baseline ,", "Baseline and", "at the", "after\n", "baseline,  and ", "at both x"]
    for text in [*_texts(), *extra]:
        folded = case_folded(text)
        assert folded is not None
        for end in range(0, len(folded) + 1, 3):
            window = folded[max(0, end - 60) : end]
            expected = bool(folded_before_ok.search(window))
            assert timepoints._before_ok(window, timepoints._FOLDED_CONTEXT) == expected, window


def _extraction_by_constructors(results: dict[str, Any], source: str) -> Extraction:
    """The Extraction built model by model (the obvious way), for comparison."""

    def evidence(found: dict[str, Any]) -> Evidence:
        keys = ("start", "end", "text", "rule")
        return Evidence(source=source, **{k: found[k] for k in keys})

    design, size, comparison = (results.get(k) for k in ("design", "sample_size", "comparison"))
    return Extraction(
        source=source,
        design=DesignFinding(
            value=design["value"], protocol=design["protocol"], evidence=evidence(design)
        )
        if design
        else None,
        sample_size=SampleSize(
            total=size["total"],
            unit=size["unit"],
            arms=[Arm(label=a["label"], n=a["n"]) for a in size["arms"]],
            subgroups=[Subgroup(n=s["n"], description=s["description"]) for s in size["subgroups"]],
            randomised=size["randomised"],
            analysed=size["analysed"],
            clusters=size["clusters"],
            studies_included=size["studies_included"],
            evidence=evidence(size),
        )
        if size
        else None,
        countries=[
            CountryFinding(code=c["code"], evidence=evidence(c))
            for c in results.get("countries", [])
        ],
        outcomes=[
            OutcomeFinding(
                outcome=o["outcome"],
                direction=o["direction"],
                timepoints_months=o["timepoints_months"],
                evidence=evidence(o),
            )
            for o in results.get("outcomes", [])
        ],
        timepoints_months=results.get("timepoints_months", []),
        comparison=ComparisonFinding(value=comparison["value"], evidence=evidence(comparison))
        if comparison
        else None,
    )


def test_one_validation_equals_model_by_model_construction() -> None:
    nlp = get_pipeline()
    fields = 0
    for text in _texts():
        doc = nlp(text)
        got = extraction_from_doc(doc, "test:1")
        expected = _extraction_by_constructors(results_of(doc), "test:1")
        assert got == expected, text
        assert got.model_dump_json() == expected.model_dump_json(), text
        fields += len(got.outcomes) + len(got.countries) + bool(got.sample_size)
    assert fields > 200


def _parse_number_reference(text: str) -> float | None:
    """``parse_number`` as first written (non-finite floats, "nan" and "inf", refused), with
    the cap of issue #15: over 15 digits is not read as a number (a float would round it)."""
    cleaned = text.strip().lower().replace(",", "")
    if not cleaned or sum(ch.isdigit() for ch in cleaned) > 15:
        return None
    try:
        value = float(cleaned)
        return value if math.isfinite(value) else None
    except ValueError:
        pass
    total = current = 0
    seen = False
    for word in re.findall("[a-z]+", cleaned):
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


def _parse_int_reference(text: str) -> int | None:
    value = _parse_number_reference(text)
    return None if value is None or value != int(value) else int(value)


def test_parse_int_shortcuts_equal_parse_number() -> None:
    edge = [
        "0",
        "007",
        "1" * 15,
        "9" * 15,
        "1" * 16,
        "9" * 22,
        "\u0663",
        "\u00b2",
        "\uff15",
        "1,234",
    ]
    edge += [
        "Twelve",
        "TWENTY",
        "and",
        "hundred",
        "Thousand",
        "nano",
        "infant",
        "one hundred",
        "twenty-one",
        "",
    ]
    edge += ["\u212aone", "One", "x", " 5", "5 ", "3.0", "3.5", "-4", "zero"]
    words = [w for text in _texts() for w in re.findall(r"\w[\w,.-]*", text)]
    checked = 0
    for text in [*edge, *words, *(w.upper() for w in words)]:
        assert parse_int(text) == _parse_int_reference(text), text
        assert parse_number(text) == _parse_number_reference(text), text
        checked += parse_int(text) is not None
    assert checked > 500
    for text in ["nan", "NaN", "inf", "Infinity", "-inf", "1e999"]:  # float() reads them
        assert parse_number(text) is None and parse_int(text) is None, text


def _unit_after_reference(view: TextView, pos: int) -> tuple[str, str, int] | bool | None:
    """``sample_size._unit_after`` as first written, reading words through a generator."""

    def follow_words(text: str, pos: int, limit: int = 20) -> Iterator[tuple[str, int]]:
        for _ in range(limit):
            m = sample_size._FOLLOW_RE.match(text, pos)
            if not m:
                return
            yield m.group(1), m.end(1)
            pos = m.end()

    units = view.rules.lexicon.get("UNIT", {})
    noncount = view.rules.words("NONCOUNT")
    words = follow_words(view.text, pos)
    previous = ""
    counted = 0
    for word, end in words:
        if counted == 6:
            break
        joiner = word in (",", "and", "or") and previous[:1].isalpha()
        if joiner and previous not in sample_size._BREAK_WORDS:
            previous = word
            continue
        counted += 1
        lower = word.lower().strip("'’")
        if lower in noncount:
            return False
        rule = units.get(lower)
        if rule is None and "-" in lower:
            rule = units.get(lower.rsplit("-", 1)[1])
        if rule is None and word.isdigit() and previous in sample_size._LABEL_WORDS:
            previous = lower
            continue
        if rule is None and word[0].isalpha() and parse_int(lower) is not None:
            return None
        previous = lower
        if rule is not None:
            nxt_word, nxt_end = next(words, ("", end))
            nxt = nxt_word.lower()
            if nxt in units and nxt not in sample_size._BREAK_WORDS:
                return (units[nxt].value, units[nxt].kind, nxt_end)
            return (rule.value, rule.kind, end)
        if lower in sample_size._BREAK_WORDS or not word[0].isalpha():
            return None
    return None


def test_unit_after_equals_the_generator_version() -> None:
    rules = cached_rules(str(default_patterns_dir().resolve()))
    extra = [
        "48 type 2 diabetic patients and 12 grade 3 mothers-caregivers",
        "2 Ten males; 40 mother-infant dyads; 12 spouse-caregivers; 5 parents' children",
        "30 very young first time low income single parents families",
        "20 children parents; 7 %; 8 sessions; 9 -",
    ]
    outcomes_seen: set[object] = set()
    for text in [*_texts(), *extra]:
        view = TextView(text, [Sentence(0, 0, len(text))], {}, rules)
        for pos in [m.end() for m in re.finditer(r"\w+", text)] + [0, len(text)]:
            got = sample_size._unit_after(view, pos)
            assert got == _unit_after_reference(view, pos), (text, pos)
            outcomes_seen.add(got if not isinstance(got, tuple) else tuple)
    assert outcomes_seen == {None, False, tuple}


def test_count_verbs_equal_finditer() -> None:
    rules = cached_rules(str(default_patterns_dir().resolve()))
    extra = ["12 were randomised. 40 took part; 7 x", "5 enrolled 6", "3 4 analyzed", "9"]
    found = 0
    for text in [*_texts(), *extra]:
        view = TextView(text, [Sentence(0, 0, len(text))], {}, rules)
        expected = [m.span() for m in sample_size._VERB_COUNT_RE.finditer(text)]
        assert [m.span() for m in sample_size._count_verbs(view)] == expected, text
        found += len(expected)
    assert found > 30


def test_words_of_labels_is_the_union() -> None:
    rules = cached_rules(str(default_patterns_dir().resolve()))
    union = rules.words("GROUP") | rules.words("UNIT")
    assert rules.words_of_labels("GROUP", "UNIT") == union
    assert rules.words_of_labels("GROUP", "UNIT") is rules.words_of_labels("GROUP", "UNIT")


@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_batched_components_equal_one_doc_at_a_time(batch_size: int) -> None:
    texts = _texts()
    items = [(f"test:{i}", text) for i, text in enumerate(texts)]
    batched = extract_texts(items, batch_size=batch_size)
    nlp = get_pipeline()
    one_by_one = []
    for source, text in items:
        doc = nlp.make_doc(text)
        for _, component in nlp.pipeline:  # each component's __call__, doc by doc
            doc = component(doc)
        one_by_one.append(extraction_from_doc(doc, source))
    assert [e.model_dump_json() for e in batched] == [e.model_dump_json() for e in one_by_one]
    assert [extract_text(t, source=s) for s, t in items[:20]] == batched[:20]


def test_masking_on_folded_text_equals_ignorecase_masking() -> None:
    extra = ["At 12 Months and AFTER the end of the Programme (n = 4) [x] BY Baseline, at 6-weeks"]
    changed = 0
    for text in [*_texts(), *extra]:
        assert case_folded(text) is not None
        masked = outcomes.mask_asides(text)
        assert outcomes.mask_asides(text, fold_safe=True) == masked, text
        changed += masked != text
    assert changed > 50


def test_subject_tail_read_backwards_equals_the_anchored_search() -> None:
    tails = [
        "Anxiety scores were  also not",
        "depression WAS\tsignificantly ",
        "x were",
        " were",
        "were",
        "levels\u00a0were\n",
        "A and B, both small and",
        "stress was washed",
        "",
        "   ",
    ]
    found = 0
    for text in [*_texts(), *tails]:
        masked = outcomes.mask_asides(text)
        ends = [m.start() for m in re.finditer(r"\s|$", masked)]
        for end in [*ends[::3], len(masked)]:
            for begin in (0, max(0, end - 40), max(0, end - 8)):
                tail = outcomes._SUBJECT_TAIL_RE.search(masked, begin, end)
                expected = tail.start() if tail else None
                got = outcomes._subject_tail(masked, begin, end, True)
                assert got == expected, (masked[begin:end], begin, end)
                found += expected is not None
    assert found > 200
