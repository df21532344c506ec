"""Scores of the extraction on real labelled corpora (``../shared/corpus/real/*.jsonl``), each
split into a **tune** half and a **check** half by a hash of the document id.

Formats (detected from the keys of the lines, see :func:`detect_format`):

- ``design``: ``{id, title, text, labels: {randomized_trial, trial, systematic_review,
  meta_analysis, protocol, ...: 0/1}}`` (random PubMed 2019 with two-person design flags);
- ``pico``: brat-derived ``{id, text, labels: {"total-participants": [spans], "location":
  [spans], ...}}`` (expert sample-size and location spans);
- ``ebmnlp``: ``{pmid, text, sample_size_spans: [{text, ...}]}`` or ``{id, tokens, text,
  labels: {sample_size: [{text, ...}]}}`` (crowd sample-size token spans);
- ``outcomes``: brat-derived with ``labels.Outcome`` spans;
- ``timeframes``: brat-derived with ``labels.TimeFrame`` spans.

Half: ``tune`` when the first byte of ``sha256(id as UTF-8)`` is below 128, else ``check``.
A fixed subset of a half (``limit``) is the documents with the smallest ``sha256(id)`` hex.

Metrics (all micro-averaged over the documents of a half):

- design: ``rct_*`` precision/recall/F1 of "this abstract reports a randomised trial"
  (predicted design ``rct`` or ``cluster-rct`` with ``protocol`` false; gold
  ``randomized_trial`` = 1); ``review_*`` of "systematic review or meta-analysis" (predicted
  ``systematic-review`` or ``meta-analysis`` with ``protocol`` false: the corpus flags a
  protocol as a protocol only, never by its planned design, for reviews as for trials;
  gold ``systematic_review`` or ``meta_analysis`` = 1); ``protocol_*`` of the protocol flag.
  On the corpora of trial reports (``pico``, ``outcomes``: every document an RCT)
  ``design.rct_recall`` is the share called ``rct``/``cluster-rct``. The confusion table
  counts gold class (``rct``, ``review``, ``trial`` = non-randomised trial, ``protocol``,
  ``other``) by predicted design.
- sample size: a document is *labelled* when a gold span reads as a number (numbers are
  normalised: "Twenty-six", "13 388", "1,234"). ``hit`` = predicted total equals any gold
  number (or, for the crowd's per-arm spans, their sum) / labelled documents; ``precision`` =
  hits / labelled documents with a predicted total; ``coverage`` = labelled documents with a
  predicted total / labelled documents; ``answered_unlabelled`` counts predictions on
  documents with no gold number (reported, not scored: annotators do not label every total).
- country: gold = the ISO codes that the expert ``location`` spans name (country names,
  aliases, demonyms and places of the country table, longest match, NOT_COUNTRY phrases
  excluded: "British Columbia" is CA, "North America" none). ``precision``/``recall``/``f1``
  over the documents whose locations name a country (the annotators did not label every
  site, so a country predicted where they labelled none is not scored there);
  ``precision_all_docs`` counts every predicted code in every document, the false positives
  of "none when no site is named" included.
- outcomes: gold = the distinct ``Outcome`` span texts; one-to-one fuzzy matching
  (:func:`~evidencemine.nlp.evaluate.match_outcomes`); precision/recall/F1.
- time points: gold = the months named by the ``TimeFrame`` spans (each number with a unit
  in days, weeks, months or years, "day 28" too, converted as the extraction converts;
  "baseline" = 0); precision/recall/F1 of the predicted ``timepoints_months`` sets.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencemine.errors import InputError
from evidencemine.models import Extraction
from evidencemine.nlp.evaluate import _prf, match_outcomes, read_jsonl
from evidencemine.nlp.extract import extract_texts
from evidencemine.nlp.pagesim import Page, families, wrap_as_page
from evidencemine.nlp.patterns import cached_rules
from evidencemine.nlp.pipeline import default_patterns_dir
from evidencemine.nlp.timepoints import to_months
from evidencemine.numbers import parse_int

HALVES = ("tune", "check")
FORMATS = ("design", "pico", "ebmnlp", "outcomes", "timeframes")


def half_of(doc_id: str) -> str:
    """``tune`` when the first byte of sha256(id) is below 128, else ``check``."""
    return "tune" if hashlib.sha256(doc_id.encode("utf-8")).digest()[0] < 128 else "check"


def _order_key(doc_id: str) -> str:
    return hashlib.sha256(doc_id.encode("utf-8")).hexdigest()


@dataclass
class RealDoc:
    id: str
    text: str
    gold: dict[str, Any] = field(default_factory=dict)


def detect_format(rows: Sequence[dict[str, Any]]) -> str:
    """The corpus format from the keys of its lines; InputError when none fits."""
    label_keys: set[str] = set()
    for row in rows:
        labels = row.get("labels")
        if isinstance(labels, dict):
            label_keys |= set(labels)
    if any("sample_size_spans" in row for row in rows) or "sample_size" in label_keys:
        return "ebmnlp"
    if "randomized_trial" in label_keys:
        return "design"
    if "total-participants" in label_keys or "location" in label_keys:
        return "pico"
    if "TimeFrame" in label_keys:
        return "timeframes"
    if "Outcome" in label_keys:
        return "outcomes"
    raise InputError("no known corpus format (design, pico, ebmnlp, outcomes, timeframes)")


def _spans(row: dict[str, Any], label: str) -> list[str]:
    labels = row.get("labels") or {}
    return [str(s.get("text", "")) for s in labels.get(label, []) if isinstance(s, dict)]


def gold_number(text: str) -> int | None:
    """A gold span as a whole number: "Twenty-six", "13 388", "1,234", "n = 49", "One
    hundred fifty patients"; None when it is not one."""
    cleaned = _NUMBER_CLEAN_RE.sub("", text).strip()
    if _GROUPED_RE.fullmatch(cleaned):
        return int(re.sub(r"\D", "", cleaned))
    return parse_int(cleaned)


def _numbers(texts: Sequence[str]) -> list[int]:
    values = [gold_number(t) for t in texts]
    return [v for v in values if v is not None]


_GROUPED_RE = re.compile(r"\d{1,3}(?:[ ,.\u2009\u202f\u00a0]\d{3})+")


# words in a gold span around its number: "One hundred fifty patients", "n = 49"
_NUMBER_CLEAN_RE = re.compile(
    r"\b(?:patients?|women|men|participants?|subjects?|children|adults?|people|persons?|"
    r"individuals?|cases?|total|of|a|all)\b|^\s*n\s*=\s*",
    re.IGNORECASE,
)


def load_real(path: Path) -> tuple[str, list[RealDoc]]:
    """The format and the documents of one real corpus file."""
    rows = [row for _, row in read_jsonl(path)]
    fmt = detect_format(rows)
    docs = []
    for row in rows:
        doc_id = str(row.get("id", row.get("pmid", "")))
        text = str(row.get("text", ""))
        gold: dict[str, Any] = {}
        if fmt == "design":
            title = str(row.get("title") or "").strip()
            text = f"{title}\n{text}" if title else text
            gold = {k: int(v) for k, v in (row.get("labels") or {}).items()}
        elif fmt == "ebmnlp":
            spans = row.get("sample_size_spans")
            texts = (
                [str(s.get("text", "")) for s in spans]
                if isinstance(spans, list)
                else _spans(row, "sample_size")
            )
            gold = {"numbers": _numbers(texts)}
        elif fmt == "pico":
            gold = {
                "numbers": _numbers(_spans(row, "total-participants")),
                "locations": _spans(row, "location"),
            }
        elif fmt == "outcomes":
            gold = {"outcomes": sorted({t.strip().lower() for t in _spans(row, "Outcome")})}
        else:
            gold = {"timeframes": _spans(row, "TimeFrame")}
        if not doc_id:
            raise InputError("a line has no id or pmid", source=str(path))
        docs.append(RealDoc(doc_id, text, gold))
    return fmt, docs


# ---------------------------------------------------------------- gold normalisers


_TF_NUM = (
    r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fourteen|fifteen|twenty|thirty)"
)
_TF_AFTER_RE = re.compile(
    rf"(?P<list>{_TF_NUM}(?:(?:\s*,\s*|\s*,?\s*(?:and|or)\s+){_TF_NUM})*)"
    r"(?:\s*[-–]\s*|\s*)(?P<unit>days?|d\b|h\b|hours?|weeks?|wks?|months?|years?)"
    r"(?<![-–]\d\s)",
    re.IGNORECASE,
)
_TF_BEFORE_RE = re.compile(
    rf"\b(?P<unit>days?|weeks?|months?)\s*(?P<list>{_TF_NUM}(?:(?:\s*,\s*(?:days?\s*|weeks?\s*)?"
    rf"|\s*,?\s*(?:and|or)\s+(?:days?\s*|weeks?\s*)?){_TF_NUM})*)",
    re.IGNORECASE,
)
_TF_LIST_RE = re.compile(_TF_NUM, re.IGNORECASE)
_TF_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
} | {"fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30}


def timeframe_months(span: str) -> set[float]:
    """The months a gold TimeFrame span names (see the module notes)."""
    found: set[float] = set()
    for regex in (_TF_AFTER_RE, _TF_BEFORE_RE):
        for m in regex.finditer(span):
            unit = m.group("unit").lower()
            if unit.startswith("h") or unit == "d":
                unit = "hours" if unit.startswith("h") else "days"
            for number in _TF_LIST_RE.finditer(m.group("list")):
                raw = number.group(0).lower()
                value = float(_TF_WORDS.get(raw, 0)) if raw.isalpha() else float(raw)
                months = to_months(value, unit)
                if months is not None and months > 0:
                    found.add(round(months, 2))
    if re.search(r"\bbaseline\b", span, re.IGNORECASE):
        found.add(0.0)
    return found


@dataclass(frozen=True)
class _CountryTable:
    patterns: list[tuple[re.Pattern[str], str]]
    vetoes: list[re.Pattern[str]]


def _country_table(patterns_dir: Path) -> _CountryTable:
    rules = cached_rules(str(patterns_dir.resolve()))
    table = []
    vetoes = []
    for rule in rules.rules:
        if rule.label not in ("COUNTRY", "NOT_COUNTRY"):
            continue
        flags = 0 if rule.cased else re.IGNORECASE
        regex = re.compile(rf"(?<![\w-]){re.escape(rule.pattern)}(?![\w])", flags)
        if rule.label == "COUNTRY":
            table.append((regex, rule.value))
        else:
            vetoes.append(regex)
    return _CountryTable(table, vetoes)


def location_codes(spans: Sequence[str], table: _CountryTable) -> set[str]:
    """ISO codes named by gold location spans ("Milan, Italy" → IT, "Australian" → AU)."""
    codes: set[str] = set()
    for span in spans:
        if span.lower().startswith("non-"):
            continue
        found = [(m.start(), m.end(), code) for regex, code in table.patterns
                 for m in regex.finditer(span)]  # fmt: skip
        vetoed = [(m.start(), m.end()) for regex in table.vetoes for m in regex.finditer(span)]
        for start, end, code in found:
            longer = [
                (s, e) for s, e, _ in found if s <= start and end <= e and e - s > end - start
            ]
            if longer or any(s <= start and end <= e for s, e in vetoed):
                continue  # "British Columbia" is CA only; "North America" is no country
            codes.add(code)
    return codes


# ---------------------------------------------------------------- metrics


_RCT = {"rct", "cluster-rct"}
_REVIEW = {"systematic-review", "meta-analysis"}


def gold_design_class(labels: dict[str, int]) -> str:
    if labels.get("systematic_review") or labels.get("meta_analysis"):
        return "review"
    if labels.get("randomized_trial"):
        return "rct"
    if labels.get("protocol"):
        return "protocol"
    if labels.get("trial"):
        return "trial"
    return "other"


def _predicted_design(p: Extraction) -> str:
    if p.design is None:
        return "none"
    return f"{p.design.value}+protocol" if p.design.protocol else p.design.value


def score_design(docs: Sequence[RealDoc], pred: Sequence[Extraction]) -> dict[str, Any]:
    counts = {k: [0, 0, 0] for k in ("rct", "review", "protocol")}  # tp, n_pred, n_gold
    confusion: Counter[tuple[str, str]] = Counter()
    for d, p in zip(docs, pred, strict=True):
        value = p.design.value if p.design else None
        protocol = bool(p.design and p.design.protocol)
        flags = {
            "rct": (value in _RCT and not protocol, bool(d.gold.get("randomized_trial"))),
            "review": (
                value in _REVIEW and not protocol,
                bool(d.gold.get("systematic_review") or d.gold.get("meta_analysis")),
            ),
            "protocol": (protocol, bool(d.gold.get("protocol"))),
        }
        for key, (is_pred, is_gold) in flags.items():
            counts[key][0] += is_pred and is_gold
            counts[key][1] += is_pred
            counts[key][2] += is_gold
        confusion[(gold_design_class(d.gold), _predicted_design(p))] += 1
    figures: dict[str, Any] = {"docs": len(docs)}
    for key, (tp, n_pred, n_gold) in counts.items():
        prf = _prf(tp, n_pred, n_gold)
        figures.update({f"{key}_{m}": v for m, v in prf.items()})
        figures[f"{key}_gold"] = n_gold
    figures["confusion"] = {f"{g} -> {p}": n for (g, p), n in sorted(confusion.items())}
    return figures


def score_rct_rate(docs: Sequence[RealDoc], pred: Sequence[Extraction]) -> dict[str, Any]:
    """On a corpus of randomised-trial reports (every document an RCT): the share called
    ``rct``/``cluster-rct`` (a protocol flag allowed: a few are trial protocols), i.e. RCT
    recall on hundreds of trials instead of the dozen of a random PubMed sample."""
    called = sum(1 for p in pred if p.design is not None and p.design.value in _RCT)
    abstained = sum(1 for p in pred if p.design is None)
    return {
        "docs": len(docs),
        "rct_recall": round(called / len(docs), 4) if docs else 0.0,
        "abstained": abstained,
    }


def score_sample_size(docs: Sequence[RealDoc], pred: Sequence[Extraction]) -> dict[str, Any]:
    labelled = answered = hits = unlabelled_answered = 0
    for d, p in zip(docs, pred, strict=True):
        numbers: list[int] = d.gold.get("numbers", [])
        total = p.sample_size.total if p.sample_size else None
        if not numbers:
            unlabelled_answered += total is not None
            continue
        labelled += 1
        if total is None:
            continue
        answered += 1
        hits += total in numbers or (len(numbers) > 1 and total == sum(numbers))
    return {
        "labelled": labelled,
        "hit": round(hits / labelled, 4) if labelled else 0.0,
        "precision": round(hits / answered, 4) if answered else 0.0,
        "coverage": round(answered / labelled, 4) if labelled else 0.0,
        "answered_unlabelled": unlabelled_answered,
    }


def score_countries(
    docs: Sequence[RealDoc], pred: Sequence[Extraction], table: _CountryTable
) -> dict[str, Any]:
    tp = n_pred = n_gold = with_gold = pred_all = 0
    for d, p in zip(docs, pred, strict=True):
        gold = location_codes(d.gold.get("locations", []), table)
        predicted = {c.code for c in p.countries}
        pred_all += len(predicted)
        if not gold:
            continue
        tp += len(gold & predicted)
        n_pred += len(predicted)
        n_gold += len(gold)
        with_gold += 1
    return {
        "docs_with_country": with_gold,
        **_prf(tp, n_pred, n_gold),
        "precision_all_docs": round(tp / pred_all, 4) if pred_all else 0.0,
    }


def score_outcomes(docs: Sequence[RealDoc], pred: Sequence[Extraction]) -> dict[str, Any]:
    tp = n_pred = n_gold = 0
    for d, p in zip(docs, pred, strict=True):
        gold = [{"outcome": o} for o in d.gold.get("outcomes", [])]
        predicted = [(o.outcome, o.direction) for o in p.outcomes]
        tp += len(match_outcomes(gold, predicted))
        n_pred += len(predicted)
        n_gold += len(gold)
    return {"gold": n_gold, **_prf(tp, n_pred, n_gold)}


def score_timepoints(docs: Sequence[RealDoc], pred: Sequence[Extraction]) -> dict[str, Any]:
    tp = n_pred = n_gold = 0
    for d, p in zip(docs, pred, strict=True):
        gold: set[float] = set()
        for span in d.gold.get("timeframes", []):
            gold |= timeframe_months(span)
        predicted = {round(m, 2) for m in p.timepoints_months}
        tp += len(gold & predicted)
        n_pred += len(predicted)
        n_gold += len(gold)
    return {"gold": n_gold, **_prf(tp, n_pred, n_gold)}


def _scorers(fmt: str, patterns_dir: Path) -> dict[str, Callable[..., dict[str, Any]]]:
    if fmt == "design":
        return {"design": score_design}
    if fmt == "pico":
        table = _country_table(patterns_dir)
        return {
            "sample_size": score_sample_size,
            "countries": lambda d, p: score_countries(d, p, table),
            "design": score_rct_rate,
        }
    if fmt == "ebmnlp":
        return {"sample_size": score_sample_size}
    if fmt == "outcomes":
        return {"outcomes": score_outcomes, "design": score_rct_rate}
    return {"timepoints": score_timepoints}


def select(docs: Sequence[RealDoc], half: str, limit: int | None = None) -> list[RealDoc]:
    """The documents of ``half``; with ``limit``, the ``limit`` of them first by sha256(id)."""
    chosen = [d for d in docs if half_of(d.id) == half]
    if limit is not None and len(chosen) > limit:
        chosen = sorted(chosen, key=lambda d: _order_key(d.id))[:limit]
    return chosen


def score_page(pages: Sequence[Page], pred: Sequence[Extraction]) -> dict[str, Any]:
    """Scraped-page mode: how many pages of each family; evidence spans that do not index
    the page (``evidence_off_page``) or that lie in the page's chrome rather than the
    study's title and abstract (``evidence_in_chrome``, ``countries_in_chrome``)."""
    off_page = in_chrome = countries_in_chrome = 0
    for page, p in zip(pages, pred, strict=True):
        evidences = [
            (e, kind)
            for e, kind in [
                (p.design.evidence if p.design else None, "design"),
                (p.sample_size.evidence if p.sample_size else None, "sample_size"),
                *((c.evidence, "country") for c in p.countries),
                *((o.evidence, "outcome") for o in p.outcomes),
            ]
            if e is not None
        ]
        for evidence, kind in evidences:
            if page.text[evidence.start : evidence.end] != evidence.text:
                off_page += 1
            elif not page.in_study(evidence.start, evidence.end):
                in_chrome += 1
                countries_in_chrome += kind == "country"
    return {
        **{f"pages_{name}": n for name, n in families(pages).items()},
        "evidence_off_page": off_page,
        "evidence_in_chrome": in_chrome,
        "countries_in_chrome": countries_in_chrome,
    }


def evaluate_corpus(
    path: Path,
    *,
    halves: Sequence[str] = HALVES,
    limit: int | None = None,
    patterns_dir: Path | None = None,
    as_page: bool = False,
    flat_share: float = 0.0,
) -> dict[str, Any]:
    """``{"corpus", "format", "docs": {half: n}, "fields": {field: {half: figures}}}``.

    With ``as_page``, each document is first wrapped in the chrome of a scraped page
    (:func:`~evidencemine.nlp.pagesim.wrap_as_page`, seeded by its id) and goes the way
    scraped study text goes (cleaned, then extracted; evidence offsets index the page); the
    same fields are scored, plus the ``page`` checks of :func:`score_page`."""
    fmt, docs = load_real(path)
    folder = patterns_dir or default_patterns_dir()
    scorers = _scorers(fmt, folder)
    corpus = path.stem
    if as_page:
        corpus += f" (as page, {flat_share:.0%} flat)" if flat_share else " (as page)"
    result: dict[str, Any] = {"corpus": corpus, "format": fmt, "docs": {}, "fields": {}}
    table = _country_table(folder) if as_page else None
    for half in halves:
        chosen = select(docs, half, limit)
        sources = [f"{path.stem}:{d.id}" for d in chosen]
        if table is None:
            pred = extract_texts(
                zip(sources, [d.text for d in chosen], strict=True), patterns_dir=folder
            )
        else:
            pages = [
                wrap_as_page(d.id, d.text, location_codes([d.text], table), flat_share)
                for d in chosen
            ]
            items = zip(sources, [page.text for page in pages], strict=True)
            pred = extract_texts(items, patterns_dir=folder, clean=True)
        result["docs"][half] = len(chosen)
        for name, scorer in scorers.items():
            result["fields"].setdefault(name, {})[half] = scorer(chosen, pred)
        if table is not None:
            result["fields"].setdefault("page", {})[half] = score_page(pages, pred)
    return result


def real_files(paths: Sequence[Path]) -> list[Path]:
    """The ``*.jsonl`` files of each folder in ``paths``, and each file as given."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("no such file or folder", source=str(path))
    return files


def format_real_table(results: Sequence[dict[str, Any]]) -> str:
    """One block per corpus: field, measure, tune, check, gap (check - tune); the design
    confusion table below its figures."""
    lines: list[str] = []
    for res in results:
        halves = list(res["docs"])
        docs = ", ".join(f"{h} {n}" for h, n in res["docs"].items())
        lines.append(f"== {res['corpus']} ({res['format']}; docs: {docs})")
        rows = [("field", "measure", *halves, "gap" if len(halves) == 2 else "")]
        confusions: dict[str, dict[str, int]] = {}
        for name, by_half in res["fields"].items():
            measures = list(next(iter(by_half.values())))
            for measure in measures:
                if measure == "confusion":
                    confusions = {h: by_half[h]["confusion"] for h in halves}
                    continue
                values = [by_half[h][measure] for h in halves]
                gap = ""
                if len(values) == 2 and all(isinstance(v, float) for v in values):
                    gap = f"{values[1] - values[0]:+.4f}"
                rows.append((name, measure, *(f"{v}" for v in values), gap))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines.extend(
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        )
        if confusions:
            lines.append("design confusion (gold -> predicted: " + " / ".join(halves) + ")")
            keys = sorted({k for c in confusions.values() for k in c})
            width = max(len(k) for k in keys) if keys else 0
            for key in keys:
                counts = " / ".join(str(confusions[h].get(key, 0)) for h in halves)
                lines.append(f"  {key.ljust(width)}  {counts}")
        lines.append("")
    return "\n".join(lines)
