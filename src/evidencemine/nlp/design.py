"""Study design from design phrases, with a precedence order and sentence roles.

A design phrase names THIS study's design only when it is the study's own: phrases in
background sentences ("Previous RCTs have shown ..."), plural names ("randomized trials",
"RCTs", "meta-analyses": other people's studies), and phrases next to a mention cue
("future randomised trials", "a randomized trial is needed", "a trial showed") are mentions,
and mentions alone never give a design: the finding is then None (abstain rather than guess).
Phrases inside a veto ("in randomized order", "randomly selected", "random-effects",
"non-systematic review") do not count at all.

Among the study's own phrases the most specific design wins (a systematic review of RCTs is a
review; an RCT with qualitative interviews is an RCT). A narrative paper (literature or
scoping review, commentary, overview, case report, guideline) is ``other`` unless the text
also names its own systematic review, meta-analysis or random assignment (a database search
alone, "we searched", does not make it systematic). Random assignment
of schools, classrooms or other clusters makes a cluster RCT; random assignment of animals
(rats, mice, ...) is an animal experiment, ``other``. Protocols are flagged by their phrases
or by future-tense methods ("will be randomised").
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from evidencemine.nlp.matching import Hit
from evidencemine.nlp.view import TextView

PRECEDENCE = (
    "meta-analysis",
    "systematic-review",
    "cluster-rct",
    "rct",
    "quasi-experimental",
    "case-control",
    "cohort",
    "cross-sectional",
    "pre-post",
    "qualitative",
    "other",
)
_RANK = {value: rank for rank, value in enumerate(PRECEDENCE)}
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]*")
_AFTER_WORD_RE = re.compile(r"[\w][\w,'-]*")
_PLURAL_RE = re.compile(
    r"(?:trials|RCTs|studies|reviews|analyses|experiments|evaluations|investigations)$",
    re.IGNORECASE,
)
_DESIGN_NOUNS = frozenset(
    [
        "trial",
        "study",
        "studies",
        "trials",
        "design",
        "experiment",
        "crossover",
        "cross-over",
        "review",
        "evaluation",
    ]
)
_PER_PROTOCOL_RE = re.compile(
    r"(?:according to|per|in accordance with|as (?:specified|defined|planned|described) in|"
    r"deviations? from|amendments? to|compliance with|by|followed|following|under|within)"
    r"\s+(?:the\s+|our\s+)?$",
    re.IGNORECASE,
)
_PROTOCOL_NAMES = frozenset(["study protocol", "trial protocol", "protocol paper"])
# a title naming a paper about a planned study: "...: protocol and implementation of a
# trial", "... – a study protocol", "rationale and design", "design of a randomised trial"
_TITLE_DESIGN_PAPER_RE = re.compile(
    r"(?:[:\u2013\u2014]|\s-)\s*(?:an?\s+|the\s+)?(?:study\s+|trial\s+)?protocol\b|"
    r"\brationale and design\b|\bdesign and rationale\b|"
    r"\bdesign of an?\s+(?:[\w-]+[\s,]+){0,4}?(?:trial|study|evaluation)\b",
    re.IGNORECASE,
)
# a title that starts with the word protocol: "Protocol: ...", "A protocol for ..."
_TITLE_PROTOCOL_RE = re.compile(r"\s*(?:\[\s*)?(?:an?\s+|the\s+)?protocol\b", re.IGNORECASE)
_NOTICE_RE = re.compile(
    r"\s*(?:(?:correction|erratum|corrigendum|retraction(?: notice)?)\s*(?::|to\b)|"
    r"\[?retracted\b)",
    re.IGNORECASE,
)
# a mention cue before the phrase counts within its clause: "following surgery: a randomised
# trial" names this study; "following a randomised trial" another one
_CLAUSE_RE = re.compile(r"[:;,()\[\]]")
_RATIO_TO_RE = re.compile(
    r"\s*(?:\(\s*)?\d+\s*:\s*\d+(?:\s*:\s*\d+)*\s*\)?\s*,?\s*(?:to|into|between)\b", re.IGNORECASE
)
_RATIO_BEFORE_RE = re.compile(r"\d+\s*:\s*\d+(?:\s*:\s*\d+)*[\s-]*$")
# present-tense verbs after a sentence-initial design phrase: a definition of the design
_GENERIC_VERBS = frozenset(["is", "are", "has", "have", "remains", "remain", "provides", "offers"])
_ABBREVIATIONS_OK = frozenset(["ur", "rct", "rcts", "sr", "ma", "cer", "crt", "sw"])
_TITLE_PLURAL_RE = re.compile(r"\b(?:trials|RCTs|designs|studies)\b", re.IGNORECASE)
_SMALL_COUNTS = frozenset(["two", "three", "four", "both", "2", "3", "4", "twin", "parallel"])
_COUNT_WORDS = frozenset(
    [
        *("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
        *("eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty"),
        *("seventy", "eighty", "ninety", "hundred"),
    ]
)
_ASSIGNMENT_NAMES = frozenset(
    ["random assignment", "random allocation", "randomisation", "randomization"]
)
# "Non-Randomized Controlled Trial", "quasi-randomised", "not randomised": the longer RCT
# phrase wins the overlap with "non-randomised", so the prefix is checked here
_NEGATED_RE = re.compile(r"(?:\bnon|\bquasi|\bpseudo|\bnot)[\s-]*$", re.IGNORECASE)
# a random split of data or patients into model-building sets is no trial
_DATA_SPLIT = frozenset(
    ["training", "validation", "derivation", "discovery", "replication", "test", "testing"]
)
_SPLIT_SETS = frozenset(
    ["set", "sets", "cohort", "cohorts", "sample", "samples", "dataset", "datasets", "data"]
)
_ARTICLES = frozenset(["a", "an", "the"])
_OWN = frozenset(["this", "our", "present", "current", "we"])
_GUIDANCE_RE = re.compile(r"consensus|position|points-to-consider")
_TOPIC_NOUNS = frozenset(
    ["process", "processes", "software", "automation", "authors", "teams", "tool", "tools"]
)
_REPORTING_VERBS = frozenset(
    ["indicated", "showed", "shown", "suggested", "found", "demonstrated", "reported", "revealed"]
)
_REVIEWS = ("systematic-review", "meta-analysis")
# cluster units, animal, specimen and human nouns (DESIGN_CUE and UNIT lexicon words)
_Units = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]
_RCTS = ("rct", "cluster-rct")


def _is_cluster_assignment(view: TextView, hit: Hit, units: _Units) -> bool:
    """A cluster noun is what was randomised: "Schools were randomly assigned", "villages were
    randomised", "we randomised 24 villages", "randomly assigned 36 schools"."""
    sentence = view.sentences[hit.sent]
    window = view.text[max(sentence.start, hit.start - 60) : hit.start]
    before = [w.lower() for w in _WORD_RE.findall(window)]
    passive = view.text[hit.start : hit.end].lower().startswith(("were", "was"))
    if before and before[-1] in ("were", "was"):
        before, passive = before[:-1], True
    cluster_units, humans = units[0], units[3]
    clause = _clause_words(view, hit)
    if _people_head_the_clause(clause, cluster_units, humans):
        return False  # "Families of 800 toddlers attending 20 nurseries were randomised"
    if before and before[-1] in cluster_units:
        return True
    if passive and any(w in cluster_units for w in before[-3:]):
        return True
    after = view.text[hit.end : min(sentence.end, hit.end + 40)]
    words = [w.lower() for w in _AFTER_WORD_RE.findall(after)][:3]
    if words and (
        words[0] in cluster_units
        or (
            (len(words) > 1 and (words[0][0].isdigit() or words[0] == "of"))
            and words[1] in cluster_units
        )
    ):
        return True  # "randomised 24 villages", "random assignment of municipalities"
    return _counted_clusters_assigned(clause, cluster_units)


def _clause_words(view: TextView, hit: Hit) -> list[str]:
    """The words of the assignment's clause before it (since ";" or the sentence start, at most
    160 characters back)."""
    sentence = view.sentences[hit.sent]
    start = max(sentence.start, hit.start - 160, view.text.rfind(";", 0, hit.start) + 1)
    return [w.lower() for w in _AFTER_WORD_RE.findall(view.text[start : hit.start])]


def _people_head_the_clause(
    clause: list[str], cluster_units: frozenset[str], humans: frozenset[str]
) -> bool:
    """People are named before any cluster in the assignment's clause."""
    for word in clause:
        if word in humans:
            return True
        if word in cluster_units:
            return False
    return False


def _counted_clusters_assigned(clause: list[str], cluster_units: frozenset[str]) -> bool:
    """The clause opens with a count of clusters that "were" then assigned: "Ten schools in
    urban districts serving 900 pupils were randomly assigned", "56 schools were first selected
    by stratified sampling and then randomly allocated"."""
    words = clause
    for i, word in enumerate(words[:-1]):
        if not (word[0].isdigit() or word in _COUNT_WORDS):
            continue
        if cluster_units & set(words[i + 1 : i + 3]) and {"were", "was"} & set(words[i + 1 :]):
            return True
    return False


def _is_animal_study(view: TextView, hit: Hit, units: _Units) -> bool:
    """Animals, specimens or plants are what was assigned, not people.

    What is named just before the assignment decides first: animals or specimens ("pregnant
    ewes were randomly assigned") make an experiment, people ("120 patients were randomly
    assigned") a trial of people whatever else the text mentions. Otherwise an animal noun in the
    assignment's sentence, the sentence before it, or the title (the first sentence) makes it
    an animal experiment, as does a specimen or material noun ("extracted premolars", "resin
    discs", "samples") in the assignment's sentence or the one before when neither names
    people; a specimen noun in the title alone does not ("Whitening of teeth: a randomised
    trial" is a trial of people)."""
    _, animals, specimens, humans = units
    sentence = view.sentences[hit.sent]
    subject = set(_words(view.text[max(sentence.start, hit.start - 80) : hit.start])[-10:])
    if subject & (animals | specimens):
        return True
    if subject & humans:
        return False
    start = view.sentences[hit.sent - 1].start if hit.sent > 0 else sentence.start
    words = {w.lower() for w in _WORD_RE.findall(view.text[start : sentence.end])}
    if words & animals or (words & specimens and not words & humans):
        return True  # "implants" placed in "110 patients" are not what was randomised
    first = view.sentences[0] if view.sentences else None
    if first is None:
        return False
    title = {w.lower() for w in _WORD_RE.findall(view.text[first.start : first.end])}
    return bool(title & animals) and not title & humans


def _is_mention(view: TextView, hit: Hit, before: frozenset[str], after: frozenset[str]) -> bool:
    """The phrase names someone else's study, or one yet to be done."""
    sentence = view.sentences[hit.sent]
    right = _words(view.text[hit.end : min(sentence.end, hit.end + 100)])[:6]
    left = _words(view.text[max(sentence.start, hit.start - 60) : hit.start])[-6:]
    own = any(w in _OWN for w in left)
    # earlier work, unless the sentence names this study: a background section often ends
    # with "This 9-month, randomized, placebo-controlled study ..."
    # (a title is never background: "...: evidence from a regression discontinuity design")
    background = sentence.background and hit.sent > 0 and hit.value not in _REVIEWS
    if background and (not own or (right and right[0] in _REPORTING_VERBS)):
        return True
    if hit.kind != "assignment" and _PLURAL_RE.search(view.text[hit.start : hit.end]):
        return True
    phrase = view.text[hit.start : hit.end].lower()
    if phrase in ("randomised", "randomized") and not _DESIGN_NOUNS & set(right[:6]):
        # a bare "randomised" names a design with its noun ("randomised ... trial") or its arms,
        # after an allocation ratio: "randomized (2:1) to", "randomised 1 : 1 to receive"
        return not _RATIO_TO_RE.match(view.text, hit.end, sentence.end)
    if right and right[0] in _TOPIC_NOUNS:
        return True  # "the systematic review process", "meta-analysis software": a topic
    if right and right[0] in _REPORTING_VERBS and sentence.background:
        return True  # "Our meta-analysis indicated that ...": earlier work in the background
    split = _is_data_split(_words(view.text[hit.end : sentence.end])[:12])
    if hit.kind == "assignment" and split:
        return True  # "randomly divided into a training cohort and a validation cohort"
    if hit.kind == "assignment" and phrase.startswith(("were ", "was ")) and not right:
        return True  # "321 subjects were randomized." names no arms: a sample, not a trial
    if hit.kind == "assignment" and _PLURAL_RE.fullmatch(left[-1] if left else ""):
        return True  # "most of the trials were randomised"
    counted = bool(_SMALL_COUNTS & set(left[-3:]))  # "two randomised, double-blind studies"
    reach = 3 if hit.kind == "assignment" else 1
    if any(_PLURAL_RE.fullmatch(w) for w in right[:reach]) and not counted:
        return True  # "randomised controlled clinical trials"
    if phrase in ("randomised", "randomized") and _noun_is_plural(right) and not counted:
        # "randomised pilot and feasibility trials", "randomized cross-over designs"; not
        # "data were combined from two randomized, multinational studies"
        return True
    if own:
        return False  # "this randomised trial showed", "in our meta-analysis"
    if _is_generic(view, hit, left, right):
        return True
    window = view.text[max(sentence.start, hit.start - 60) : hit.start]
    near = _words(_CLAUSE_RE.split(window)[-1])[-4:]
    if any(w in before for w in near):
        return True  # "future randomised trials", "a need for a large randomised trial"
    return any(w in after for w in right[:5])


def _is_generic(view: TextView, hit: Hit, left: list[str], right: list[str]) -> bool:
    """The phrase names a kind of study, not this one:

    - an abbreviation defining the phrase before it, "randomized controlled trials (RCT)",
      or used as a modifier, "RCT-based evaluations";
    - a definition at the head of its sentence, "The umbrella review (UR) is a novel approach";
    - an assignment used as an adjective, "the effect of a randomly allocated intervention".
    """
    text = view.text
    phrase = text[hit.start : hit.end]
    if phrase in ("RCT", "RCTs"):
        if text[hit.end : hit.end + 1] == "-":
            return True
        if text[max(0, hit.start - 2) : hit.start].strip() == "(":
            return True
    sentence = view.sentences[hit.sent]
    head = _words(text[sentence.start : hit.start])
    verb = next((w for w in right[:3] if w not in _ABBREVIATIONS_OK), "")
    if len(head) <= 2 and set(head) <= {"the", "a", "an"} and verb in _GENERIC_VERBS:
        return True
    # "a randomly allocated treatment" is a kind; "in a randomly assigned sequence" (a
    # crossover's order of treatments) is this study's assignment
    adjectival = phrase.lower().startswith("randomly ") and bool(left) and left[-1] in _ARTICLES
    return adjectival and not (right and right[0] in ("sequence", "order"))


def _is_data_split(words: list[str]) -> bool:
    """Model-building sets: "training cohort", "validation set", "derivation sample"; not
    "exercise training or control" or "parent training groups" (interventions)."""
    for word, following in pairwise(words):
        if word in _DATA_SPLIT and following in _SPLIT_SETS:
            return True
        if word in ("validation", "derivation", "discovery") and following in ("group", "groups"):
            return True
    return False


def _noun_is_plural(right: list[str]) -> bool:
    """The design noun a bare "randomised" qualifies (the first design noun after it, or the
    noun right after that: "cross-over designs") is plural."""
    for i, word in enumerate(right[:6]):
        if word in _DESIGN_NOUNS or _PLURAL_RE.fullmatch(word):
            pair = right[i : i + 2]
            return any(_PLURAL_RE.fullmatch(w) or w == "designs" for w in pair)
    return False


def _title_about_studies(view: TextView) -> bool:
    """The title names studies in the plural ("trials", "RCTs", "designs"), not a small set of
    its own ("two randomised trials", "both studies")."""
    if len(view.sentences) < 2:
        return False
    title = view.sentences[0]
    for m in _TITLE_PLURAL_RE.finditer(view.text, title.start, title.end):
        before = _words(view.text[max(title.start, m.start() - 60) : m.start()])[-4:]
        if not _SMALL_COUNTS & set(before):
            return True
    return False


def _is_data_synthesis(view: TextView) -> bool:
    """Pools data sets (genomic, transcriptomic) and names no literature at all."""
    words = set(_words(view.text))
    return bool(words & view.rules.words_of_kind("DESIGN_CUE", "data")) and not (
        words & view.rules.words_of_kind("DESIGN_CUE", "literature")
    )


def _is_own(view: TextView, hit: Hit) -> bool:
    """ "this"/"our"/"we"/"present"/"current" just before the phrase, or in it ("this review")."""
    sentence = view.sentences[hit.sent]
    left = _words(view.text[max(sentence.start, hit.start - 40) : hit.start])[-3:]
    return any(w in _OWN for w in left + _words(view.text[hit.start : hit.end]))


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


def _vetoed(hit: Hit, vetoes: list[Hit]) -> bool:
    return any(v.start <= hit.start and hit.end <= v.end for v in vetoes)


def _own_hits(view: TextView) -> list[Hit]:
    hits = view.label_hits("DESIGN")
    vetoes = [h for h in hits if h.kind == "veto"]
    before = view.rules.words_of_kind("DESIGN_CUE", "mention-before")
    after = view.rules.words_of_kind("DESIGN_CUE", "mention-after")
    return [
        h
        for h in hits
        if h.value != "protocol"
        and h.kind != "veto"
        and not _vetoed(h, vetoes)
        and not (h.value in _RCTS and _NEGATED_RE.search(view.text, max(0, h.start - 8), h.start))
        and not _is_mention(view, h, before, after)
    ]


def _value_of(view: TextView, hit: Hit, units: _Units) -> str:
    if hit.value in _RCTS and _is_animal_study(view, hit, units):
        return "other"
    phrase = view.text[hit.start : hit.end].lower()
    assignment = hit.value == "rct" and (hit.kind == "assignment" or phrase in _ASSIGNMENT_NAMES)
    if assignment and _is_cluster_assignment(view, hit, units):
        return "cluster-rct"
    return hit.value


def _is_bare_randomisation(view: TextView, hit: Hit) -> bool:
    """ "randomization" alone ("specified randomization procedures"); not after an allocation
    ratio ("1:1:1 randomization"), which names the arms."""
    if view.text[hit.start : hit.end].lower() not in ("randomisation", "randomization"):
        return False
    return not _RATIO_BEFORE_RE.search(view.text, max(0, hit.start - 20), hit.start)


def _rule_of(hit: Hit, value: str) -> str:
    if value == hit.value or hit.kind in ("protocol", "narrative"):
        return hit.rule
    return "design-animal-experiment" if value == "other" else "design-cluster-assignment"


def _protocol_hit(view: TextView) -> Hit | None:
    """The phrase that makes the text a protocol: a protocol phrase ("study protocol",
    "protocol for") outside background sentences, or two different future-tense methods
    phrases ("will be randomised", "will be assessed"); None for a report of results."""
    hits = [h for h in view.label_hits("DESIGN") if h.kind == "protocol"]
    future = [h for h in hits if "protocol" not in view.text[h.start : h.end].lower()]
    for hit in hits:
        phrase = view.text[hit.start : hit.end].lower()
        if hit.value != "protocol" or "protocol" not in phrase:
            continue
        if view.sentences[hit.sent].background:
            continue
        if _PER_PROTOCOL_RE.search(view.text, max(0, hit.start - 30), hit.start):
            continue  # "according to the study protocol": a report following its protocol
        if phrase in _PROTOCOL_NAMES and _names_this_protocol(view, hit):
            return hit
        if future and phrase != "the protocol" and phrase not in _PROTOCOL_NAMES:
            return hit
        sentence = view.sentences[hit.sent]
        if _DESIGN_NOUNS & set(_words(view.text[hit.end : min(sentence.end, hit.end + 80)])[:8]):
            return hit  # "protocol for a randomised trial"; not "our protocol for treating"
    if len({h.rule for h in future}) >= 2:
        return future[0]
    if future and _TITLE_PROTOCOL_RE.match(view.text):
        return future[0]  # "Protocol: ...", "A protocol developing ...", with planned methods
    if view.sentences:
        title = view.sentences[0]
        words = view.text[title.start : title.end].lower()
        cheap = "protocol" in words or "design" in words  # skip the scan on most titles
        m = _TITLE_DESIGN_PAPER_RE.search(view.text, title.start, title.end) if cheap else None
        if m:  # "...: protocol and implementation of a trial", "rationale and design"
            return next((h for h in hits if h.sent == 0), future[0] if future else _title_hit(m))
    return None


def _title_hit(m: re.Match[str]) -> Hit:
    return Hit("DESIGN", "protocol", "protocol", "design-protocol-title", m.start(), m.end(), 0, 0)


def _names_this_protocol(view: TextView, hit: Hit) -> bool:
    """ "study protocol" names the paper in its title, with "this"/"our"/"we", or followed by
    what it plans ("a study protocol for a randomised trial"); not "adherence to the study
    protocol" or "the study protocol was approved" in a report of results."""
    if hit.sent == 0 or _is_own(view, hit):
        return True
    sentence = view.sentences[hit.sent]
    after = _words(view.text[hit.end : min(sentence.end, hit.end + 30)])[:2]
    return bool(after) and after[0] in ("for", "of", "describes", "describing")


def find_design(view: TextView) -> dict[str, Any] | None:
    """The design of the study the text describes, or None when no rule names one."""
    if _NOTICE_RE.match(view.text):
        return None  # a correction or retraction notice is not a study
    units = (
        view.rules.words_of_kind("UNIT", "cluster"),
        view.rules.words_of_kind("DESIGN_CUE", "animal"),
        view.rules.words_of_kind("DESIGN_CUE", "specimen"),
        view.rules.words_of_kind("DESIGN_CUE", "human"),
    )
    own = _own_hits(view)
    # a narrative word names the paper only in the title or with "this"/"our"/"we"
    narrative_any = [h for h in own if h.kind == "narrative"]
    own = [h for h in own if h.kind != "narrative" or h.sent == 0 or _is_own(view, h)]
    if _title_about_studies(view) and not any(h.sent == 0 for h in own if h.value in _RCTS):
        # a paper about trials ("What do letters publish about randomized controlled trials?")
        # names trials in its body as its topic: only an assignment of its own makes it one
        own = [h for h in own if h.value not in _RCTS or h.kind == "assignment"]
    mendelian = any(h.sent == 0 and "mendelian" in h.rule for h in view.label_hits("DESIGN"))
    if mendelian and not any(h.sent == 0 and h.value in _REVIEWS for h in own):
        # a Mendelian randomisation study pools genetic estimates: a "meta-analysis" in it
        # is a step of the analysis, not a review (unless its title names the review: "a
        # systematic review and meta-analysis of Mendelian randomization studies")
        own = [h for h in own if h.value not in _REVIEWS]
    if any(h.value in _REVIEWS for h in own) and _is_data_synthesis(view):
        # "a meta-analysis of 12 transcriptome datasets", "GWAS meta-analysis": pooled data,
        # not a review of the literature
        own = [h for h in own if h.value not in _REVIEWS]
    titled = [h for h in own if h.kind == "narrative" and h.sent == 0]
    if titled and not any(
        h.sent == 0 or _is_own(view, h)
        for h in own
        if h.value in _REVIEWS and h.kind != "narrative"
    ):
        # "... : A scoping review", "... – Narrative review": reviews named in the body are
        # its topic, unless the text names its own ("we performed a meta-analysis")
        own = [h for h in own if h.value not in _REVIEWS or h.kind == "narrative"]
    if all(_is_bare_randomisation(view, h) for h in own if h.value in _RCTS):
        # "randomization" alone ("specified randomization procedures") is no design
        own = [h for h in own if h.value not in _RCTS or not _is_bare_randomisation(view, h)]
    if any(h.sent == 0 and h.value in _RCTS for h in own) and not any(
        h.sent == 0 for h in own if h.value in _REVIEWS
    ):
        # the title says what the paper is: "...: a pilot randomized controlled trial" is a
        # trial even when the page around it lists systematic reviews (related articles)
        own = [h for h in own if h.value not in _REVIEWS or _is_own(view, h)]
    best: tuple[int, int, Hit, str] | None = None
    for hit in own:
        value = _value_of(view, hit, units)
        key = (_RANK[value], hit.start)
        if best is None or key < best[:2]:
            best = (key[0], key[1], hit, value)
    protocol_hit = _protocol_hit(view)
    if best is None:
        if protocol_hit is None:
            return None
        # a protocol naming no design of its own: its planned design is not known
        best = (_RANK["other"], protocol_hit.start, protocol_hit, "other")
    _, _, hit, value = best
    narrative = [h for h in own if h.kind == "narrative"]  # declared ones
    # a database search alone ("we searched", "electronic databases") does not make a
    # narrative or scoping review systematic: the review must name itself systematic
    search_only = value in _REVIEWS and all(h.kind == "search" for h in own if h.value in _REVIEWS)
    assigned = any(h.kind == "assignment" for h in own)
    # a narrative word outranks a named trial or study design only where it names the paper
    # itself: in the title ("Editorial: ...") or with "this"/"our"/"we" ("This commentary");
    # "according to current guidelines" in a trial's methods says nothing of the paper
    papers = narrative_any if search_only else narrative
    if papers and (value not in _REVIEWS or search_only) and not assigned:
        hit, value = papers[0], "other"
    guidance = [h for h in narrative if h.sent == 0 and _GUIDANCE_RE.search(h.rule)]
    if guidance and value in _REVIEWS and hit.sent != 0:
        # a consensus or position paper (so named in its title) reports its literature
        # review as one step: the paper is guidance, not a systematic review
        hit, value = guidance[0], "other"
    protocol = protocol_hit is not None
    return {
        "value": value,
        "protocol": protocol,
        "start": hit.start,
        "end": hit.end,
        "text": view.text[hit.start : hit.end],
        "rule": _rule_of(hit, value),
    }
