"""Countries where the study took place, as ISO 3166-1 alpha-2 codes.

Country names (pycountry and aliases), sub-national places and demonyms come from the
phrase rules. A mention does not count when it describes earlier or cited work (background
sentences, citations in parentheses), an author affiliation, a programme's origin
("developed in the United States"), a language ("Spanish-speaking") or an ethnic group
("Mexican American"); a demonym counts only before a population or setting noun
("Dutch families", "Norwegian child health centres").
"""

from __future__ import annotations

import re
from typing import Any

from evidencemine.nlp.matching import Hit
from evidencemine.nlp.view import TextView

_ORIGIN_RE = re.compile(
    r"\b(?:developed|originated|designed|created|imported|adapted|transported|translated|"
    r"originally|came|comes|brought|licensed)\b"
    # up to five words between, none opening who or where it was for: "developed by
    # Webster-Stratton in the USA", not "designed ... for 50 mothers in Peru"
    r"(?:[\s,]+(?!(?:for|to|with|among|amongst|at|on|of)\b)[\w'’().-]+){0,5}?[\s,]+"
    r"(?:in|from|by)\s+(?:the\s+)?$|"
    # where people come from or served, not where the study is: "born in Somalia", "served
    # in Iraq or Afghanistan"
    r"\b(?:served|deployed|stationed|born|immigrated|emigrated|migrated|fled)\s+(?:[a-z]+\s+)?"
    r"(?:in|from)\s+(?:the\s+)?(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?"
    r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?){0,4}$",
    re.IGNORECASE,
)
# the programme came from an institution: "developed at Leiden University in the
# Netherlands", "designed at Leiden"
_ORIGIN_AT_RE = re.compile(
    r"\b(?:developed|originated|designed|created)\s+at\s+(?:the\s+)?"
    r"(?:[A-Z][\w'’.&-]*(?:\s+(?:of|for|and|the)?\s*[A-Z][\w'’.&-]*){0,4}\s*,?\s+(?:in|at)\s+"
    r"(?:the\s+)?)?$"
)
# evidence from elsewhere: "has been studied in various settings, including the United
# States"; "the first country outside the United States to ..."
_ELSEWHERE_RE = re.compile(
    r"\b(?:has|have)\s+been\s+(?:[a-z]+\s+){0,2}?(?:studied|tested|evaluated|implemented|"
    r"replicated|used|adopted|disseminated|trialled|trialed|validated)\b[^.;]{0,120}$|"
    r"\b(?:outside|beyond|other\s+than)\s+(?:of\s+)?(?:the\s+)?$|\bas\s+in\s+(?:the\s+)?$|"
    r"\bas\s+(?:shown|demonstrated|found|reported|seen)\s+(?:by|in)\b[^.;]{0,100}$",
    re.IGNORECASE,
)
# a sentence opening "In the United States, ..." that tells how things are there (no past
# tense, no "we" or "this study"): background
_IN_COUNTRY_OPEN_RE = re.compile(r"\W*(?:\d{1,2}\s+)?In\s+(?:the\s+)?([A-Z][\w.'’ -]{1,40}?)\s*,")
_STUDY_TENSE_RE = re.compile(
    r"\b(?:was|were|we|our|this|these|present|current|here|will|\w+ed|paid|took|got|gave|had|"
    r"ran|made|saw|met|sought|chose|held|kept|led|left|lost|brought|bought|taught|spent|sent|"
    r"went|came|began|did|told|found|grew|knew|wrote|fed|slept|ate|drank|won|underwent)\b",
    re.IGNORECASE,
)
# a line of researchers and their institutions: "Researchers: A. Smith, University of ..."
_PEOPLE_LINE_RE = re.compile(
    r"(?:^|\n)\s*(?:Researchers?|Investigators?|Principal investigators?|Authors?|"
    r"Research team|Team)\s*:[^\n]*$",
    re.IGNORECASE,
)
# a model or programme named after a place: "the Oregon model (PMTO)"
_PLACE_MODEL_RE = re.compile(r"\s+(?:model|approach)\b")
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|"
    "NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
# a US county and its state's postal code: "Allegheny County, PA"
_US_COUNTY_RE = re.compile(
    rf"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+County,\s+(?:{_US_STATES})\b(?![-’'.]?\w)"
)
_CITATION_RE = re.compile(r"\([^()]*(?:et al|\b(?:19|20)\d\d[a-z]?\b)[^()]*\)")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# up to four capitalised words, then a noun that makes the whole a name
_NAME_TAIL_RE = re.compile(
    r"(?:[ -]+(?:[A-Z][\w'’&-]*|of|and|for|on|the|&)){0,4}?[ -]+(?:Society|Association|"
    r"Registry|Register|Alliance|Agency|Administration|Foundation|Scale|Score|Criteria|"
    r"Classification|Questionnaire|Index|Inventory|Journal|Board|Commission|Federation|"
    r"College|Academy|Centers|Institutes|Council|Fund|Trust|Consortium|Test|Tests|Rules|"
    r"Guide|Framework|Model|Method|Checklist|Battery|Interview|Schedule|Tool|Instrument|"
    r"Screener)\b|^\s+(?:II|III|IV)\b"
)
# the country word closes an organisation's name: "Research Council Australia",
# "Diabetes Research UK", "Cancer Foundation of India"
_NAME_HEAD_RE = re.compile(
    r"\b(?:Council|Research|Foundation|Institute|Society|Trust|Fund|Agency|Association|"
    r"Ministry of Health|Department of Health|College)\s+(?:of\s+(?:the\s+)?)?$"
)
# "Artiss®(Baxter, UK)": the address of a product's maker
_MAKER_BEFORE_RE = re.compile(r"[®™]\s*\($")
_FUNDER_WORD_RE = re.compile(
    r"\b(?:Research|Council|Foundation|Institutes?|Society|Fund|Trust|Agency|Ministry|Pharma|"
    r"Pharmaceuticals?|Inc|Ltd|GmbH|AG)\b"
)
_SETTING_WORD_RE = re.compile(
    r"\b(?:Hospitals?|Universit(?:y|ies)|Cent(?:re|er)s?|Clinics?|Schools?|Department|"
    r"Communit(?:y|ies)|Villages?|Districts?|Provinces?|City|Setting)\b",
    re.IGNORECASE,
)
# where a product comes from: "US-licensed", "EU-sourced", "the US (RTX-US) reference product"
_PRODUCT_ORIGIN_RE = re.compile(
    r"^(?:\s*\([^()]{1,20}\))?[- ](?:licensed|sourced|approved|manufactured|made|produced|"
    r"commercial|reference|marketed)\b"
)
# money and scores: "US $0.28", "US dollars", "the Oxford and Constant scores"
_NOT_PLACE_AFTER_RE = re.compile(
    r"\s*\$|\s+dollars?\b|(?:\s+(?:and|&)\s+[A-Z][\w'’-]*)?\s+(?:scores?|scales?|"
    r"questionnaires?|criteria|classification)\b"
)
_CODE_AFTER_RE = re.compile(r"-[A-Z0-9]{2,}\b(?![-’'][a-z])")
# an ethnic group: "African-American", "Afro-Caribbean", "Anglo-Indian"
_ETHNIC_PREFIX_RE = re.compile(r"\b[A-Z][a-z]+-$")
# ultrasound written "US": "had an US", "US-guided", "MRI and US"
_ULTRASOUND_RE = re.compile(
    r"(?:\ban\s+$|\b(?:MRI|CT|mammography|mammogram|imaging|breast|axillary|by|with)\s+"
    r"(?:and\s+|or\s+|/\s*)?$)"
)
_ULTRASOUND_AFTER_RE = re.compile(
    r"^(?:[- ]?guided|\s+(?:examination|exam|scan|imaging|images?|findings?|features?|"
    r"and\s+(?:MRI|CT|mammography))\b)"
)
_FUNCTION_WORDS = frozenset(
    ["and", "of", "the", "for", "on", "in", "with", "de", "du", "la", "des", "et", "und", "y"]
)
_GROUP_TAIL_RE = re.compile(
    r"(?:\s+\([A-Z]{2,8}\))?(?:\s+(?:[A-Z][\w-]*|and|&)){1,6}\s+(?:Trials\s+)?Group\b"
)
_AND_COUNTRY_RE = re.compile(r"\s+(?:and|&)\s+$")
_FUNDING_RE = re.compile(
    r"\b(?:funded|funding|grants?\b|supported by|sponsored|sponsor\b|registered|registry|"
    r"registration|trial number|identifier|ClinicalTrials\.gov|ISRCTN|copyright|©|all rights "
    r"reserved|published by|printed in)",
    re.IGNORECASE,
)
_SITE_CUE_RE = re.compile(
    r"\b(?:recruited|enrolled|conducted|done|performed|carried out|took place|randomi[sz]ed)"
    r"\s+(?:[a-z]+\s+){0,3}(?:in|from|at)\s+(?:\d+\s+|[a-z]+\s+){0,3}(?:the\s+)?$"
)
_PERSON_NAMEABLE = frozenset(
    [
        "Holland",
        "Jordan",
        "Chad",
        "Georgia",
        "Israel",
        "India",
        "Kenya",
        "Chile",
        "Trinidad",
        "England",
        "France",
        "Ireland",
    ]
)
# a given name and initial before the word: "J. Holland", "Elena D Holland", "Peter Holland"
_GIVEN_NAME_RE = re.compile(r"(?:\b[A-Z]\.\s*|\b[A-Z][a-z]+\s+(?:[A-Z]\.?\s+)?)$")
# the word as a given name: "India S Okafor 1", "Georgia Kim, Mei ...", "Chad Jordan 2"
_SURNAME_AFTER_RE = re.compile(
    r"\s+(?:[A-Z]\.?\s+)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s*(?:\d|,\s*[A-Z]|$)"
)
_AUTHOR_TAIL_RE = re.compile(
    r"\s*(?:et al|,\s*[A-Z]\.|\s+[A-Z]{1,2}\b,|\s+and\s+[A-Z][a-z]+\b,|"
    r"\s+(?:and|&)\s+(?:colleagues|co-?workers|associates)\b|"
    r"['’]s\s+(?:group|team|lab|laboratory|model|programme|program|method|approach)\b)"
)
_SETTING_NOUNS = frozenset(
    [
        "sample",
        "samples",
        "population",
        "populations",
        "context",
        "contexts",
        "setting",
        "settings",
        "cohort",
        "cohorts",
        "trial",
        "municipality",
        "city",
        "cities",
        "region",
        "regions",
        "town",
        "towns",
        "health",
        "healthcare",
        "community",
        "communities",
        "site",
        "sites",
        "county",
        "counties",
        "province",
        "provinces",
        "state",
        "states",
        "authorities",
        "authority",
        "government",
        "national",
        "nationally",
        "representative",
        "study",
        "year-olds",
        "year-old",
        "month-olds",
        "month-old",
    ]
)


def _vetoed(hit: Hit, vetoes: list[Hit]) -> bool:
    return any(
        v.start <= hit.start and hit.end <= v.end and v.end - v.start > hit.end - hit.start
        for v in vetoes
    )


def _in_citation(view: TextView, hit: Hit) -> bool:
    sentence = view.sentences[hit.sent]
    for m in _CITATION_RE.finditer(view.text, sentence.start, sentence.end):
        if m.start() <= hit.start < m.end():
            return True
    return False


def _demonym_ok(view: TextView, hit: Hit, nouns: frozenset[str]) -> bool:
    after = view.text[hit.end : hit.end + 60]
    if after.startswith(("-", "–")):
        return False
    if _GROUP_TAIL_RE.match(after):
        return True  # "the Austrian Breast and Colorectal Cancer Study Group"
    words = [w.lower() for w in _WORD_RE.findall(after)[:6]]
    words = words[:6] if words[:1] == ["and"] else words[:3]  # "Australian and New Zealand sites"
    return any(w in nouns or w in _SETTING_NOUNS for w in words)


def _names_something_else(view: TextView, hit: Hit) -> bool:
    """The country word is part of a name: an organisation, registry, journal or scale
    ("Japan Clinical Oncology Group", "Glasgow Prognostic Score", "Arizona Sexual Experience
    Scale"), a funding or registration line, or a person ("J. Holland", "Holland et al")."""
    sentence = view.sentences[hit.sent]
    after = view.text[hit.end : min(sentence.end, hit.end + 80)]
    if _NAME_TAIL_RE.match(after):
        return True
    if _GROUP_TAIL_RE.match(after):
        return False  # a national trial group runs its trials at home
    if _NAME_HEAD_RE.search(view.text[max(sentence.start, hit.start - 40) : hit.start]):
        return True
    if _FUNDING_RE.search(view.text, sentence.start, sentence.end):
        # a funding or registration note in the sentence, unless the country follows a
        # site phrase of its own: "(funded by X), women were recruited from 13 US centres"
        return not _SITE_CUE_RE.search(view.text[max(sentence.start, hit.start - 60) : hit.start])
    word = view.text[hit.start : hit.end]
    if word in _PERSON_NAMEABLE:
        before = view.text[max(sentence.start, hit.start - 30) : hit.start]
        if _GIVEN_NAME_RE.search(before) or _AUTHOR_TAIL_RE.match(after):
            return True
        if _SURNAME_AFTER_RE.match(after):
            return True
    return False


def _name_list(view: TextView, hit: Hit) -> bool:
    """The sentence is a funders' line that lost its heading, at the end of the text
    ("Cancer Research UK, National Health and Medical Research Council Australia,
    Sanofi-Aventis."): one of the last two sentences (never the title), three words or more,
    no lower-case word but function words, a funder's word (Research, Council, Foundation,
    Inc ...) and no word of a setting (hospital, university, centre, community ...)."""
    if hit.sent == 0 or hit.sent < len(view.sentences) - 2:
        return False
    sentence = view.sentences[hit.sent]
    words = _WORD_RE.findall(view.text, sentence.start, sentence.end)
    lower = [w for w in words if w[0].islower() and w not in _FUNCTION_WORDS]
    if len(words) < 3 or lower:
        return False
    body = view.text[sentence.start : sentence.end]
    return bool(_FUNDER_WORD_RE.search(body)) and not _SETTING_WORD_RE.search(body)


def _maker_address(view: TextView, hit: Hit) -> bool:
    """The country ends the address of a product's maker, in parentheses right after the
    product's mark: "Artiss® (Baxter, UK)"."""
    sentence = view.sentences[hit.sent]
    open_at = view.text.rfind("(", sentence.start, hit.start)
    if open_at < 0 or ")" in view.text[open_at : hit.start]:
        return False
    inside = view.text[open_at + 1 : hit.start]
    if "," not in inside:
        return False
    before = view.text[max(sentence.start, open_at - 3) : open_at + 1]
    return bool(_MAKER_BEFORE_RE.search(before))


def _not_a_place(view: TextView, hit: Hit) -> bool:
    """An ethnic group ("African-American"), where a product comes from ("US-licensed
    trastuzumab", "the EU (X-EU) reference product") or ultrasound written "US"."""
    before = view.text[max(0, hit.start - 30) : hit.start]
    if hit.kind == "demonym" and _ETHNIC_PREFIX_RE.search(before):
        return True
    if _PRODUCT_ORIGIN_RE.match(view.text[hit.end : hit.end + 40]):
        return True
    if _NOT_PLACE_AFTER_RE.match(view.text, hit.end):
        return True
    word = view.text[hit.start : hit.end]
    if word.isupper() and before.endswith("-") and before[-2:-1].isalnum():
        return True  # part of a code: "RTX-US", "ABC-UK"
    if word.isupper() and _CODE_AFTER_RE.match(view.text, hit.end):
        return True  # "US-POL", "UK-ABC1"
    if view.text[hit.start : hit.end] == "US":
        after = view.text[hit.end : hit.end + 30]
        return bool(_ULTRASOUND_RE.search(before) or _ULTRASOUND_AFTER_RE.match(after))
    return False


def _elsewhere(view: TextView, hit: Hit) -> bool:
    """The country is where other evidence or the programme comes from, not the study's
    site: "has been studied in several settings, including Canada", "the first country
    outside the United States", "In the United States, the programme serves ..." (a
    sentence with no past tense, "we" or "this study"), "the Oregon model", a line of
    researchers with their institutions."""
    sentence = view.sentences[hit.sent]
    before = view.text[sentence.start : hit.start]
    if _ELSEWHERE_RE.search(before[-200:]):
        return True
    if _PLACE_MODEL_RE.match(view.text, hit.end) and before.rstrip().endswith(("the", "The")):
        return True
    if _PEOPLE_LINE_RE.search(view.text[max(0, hit.start - 400) : hit.start]):
        return True
    opening = _IN_COUNTRY_OPEN_RE.match(view.text, sentence.start, sentence.end)
    if opening:
        comma = opening.end(1)
        opener = any(
            h.start == opening.start(1) and h.end == comma for h in view.label_hits("COUNTRY")
        )
        rest = view.text[comma : sentence.end]
        return opener and hit.start >= opening.start(1) and not _STUDY_TENSE_RE.search(rest)
    return False


def _counts(view: TextView, hit: Hit, nouns: frozenset[str]) -> bool:
    sentence = view.sentences[hit.sent]
    # the study's own aim counts even in a background section: "The aim of the present study
    # was to evaluate ... in three local authorities in England."
    own_aim = "study" in sentence.flags and "objective" in sentence.flags
    if sentence.background and len(view.sentences) > 1 and not own_aim:
        return False
    if _names_something_else(view, hit) or _not_a_place(view, hit):
        return False
    if _name_list(view, hit) or _maker_address(view, hit):
        return False
    if "affiliation" in sentence.flags and "study" not in sentence.flags:
        return False
    before = view.text[max(sentence.start, hit.start - 60) : hit.start]
    if _ORIGIN_RE.search(before) or _ORIGIN_AT_RE.search(before):
        return False
    if _elsewhere(view, hit):
        return False
    if _in_citation(view, hit):
        return False
    return hit.kind != "demonym" or _demonym_ok(view, hit, nouns)


def _county_hits(view: TextView) -> list[Hit]:
    """US counties written with their state's postal code ("Allegheny County, PA")."""
    hits = []
    for m in _US_COUNTY_RE.finditer(view.text):
        if any(h.start <= m.start() < h.end for h in view.label_hits("COUNTRY")):
            continue
        sent = view.sentence_at(m.start()).index
        hits.append(Hit("COUNTRY", "US", "place", "country-us-county-state", *m.span(), 0, 0, sent))
    return hits


def find_countries(view: TextView, design: str | None = None) -> list[dict[str, Any]]:
    """Countries of the study, first mention first, each code once, with its evidence.

    Reviews take place nowhere (the countries they name are their studies'). A demonym counts
    only when no country name or place does ("Chinese parents in Hong Kong" is HK).
    """
    if design in ("systematic-review", "meta-analysis"):
        return []
    vetoes = view.label_hits("NOT_COUNTRY")
    nouns = view.rules.words("UNIT")
    found_hits = view.label_hits("COUNTRY") + _county_hits(view)
    found_hits.sort(key=lambda h: h.start)
    hits = [h for h in found_hits if not _vetoed(h, vetoes) and _counts(view, h, nouns)]
    if any(h.kind != "demonym" for h in hits):
        # a demonym joined to a country name still counts: "Australian and New Zealand sites"
        starts = {h.start for h in hits if h.kind != "demonym"}
        hits = [
            h
            for h in hits
            if h.kind != "demonym"
            or any(_AND_COUNTRY_RE.fullmatch(view.text[h.end : s]) for s in starts if s > h.end)
        ]
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for hit in hits:
        if hit.value in seen:
            continue
        seen.add(hit.value)
        found.append(
            {
                "code": hit.value,
                "start": hit.start,
                "end": hit.end,
                "text": view.text[hit.start : hit.end],
                "rule": hit.rule,
            }
        )
    return found
