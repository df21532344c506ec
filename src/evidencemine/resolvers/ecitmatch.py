"""PubMed batch citation matcher (ECitMatch): journal, year, volume, page, author → PMID.

Request lines are ``journal|year|volume|first_page|author|key|`` joined by carriage returns;
the answer repeats each line with the PMID, ``NOT_FOUND`` or ``AMBIGUOUS`` appended. A PMID
found this way is only a candidate: the resolver fetches its record and verifies it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field

from evidencemine.errors import EvidenceMineError
from evidencemine.http import HttpClient
from evidencemine.models import CslItem
from evidencemine.resolvers.matching import first_family, issued_year
from evidencemine.resolvers.records import RecordCache
from evidencemine.resolvers.transport import EndpointCounter, batch_expire_s, ncbi_identity
from evidencemine.settings import Settings

log = logging.getLogger(__name__)

ECITMATCH_BATCH = 50  # citations per GET (keeps the URL well under 8 KB)
_FIELD_JUNK = re.compile(r"[|\r\n]+")


@dataclass(slots=True)
class CitationQuery:
    key: str
    journal: str
    year: int
    volume: str
    first_page: str
    author: str

    def line(self) -> str:
        fields = (self.journal, str(self.year), self.volume, self.first_page, self.author, self.key)
        return "|".join(_FIELD_JUNK.sub(" ", value).strip() for value in fields) + "|"

    def citation(self) -> str:
        """The line without its key: what the answer depends on (the record cache's key)."""
        return self.line().rsplit("|", 2)[0]


@dataclass(slots=True)
class CitationMatch:
    key: str
    pmid: str | None
    status: str  # "found", "not-found", "ambiguous"
    detail: str = ""


@dataclass(slots=True)
class EcitOutcome:
    matches: dict[str, CitationMatch] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def citation_query(key: str, item: CslItem) -> CitationQuery | None:
    """The ECitMatch query for a printed citation, or ``None`` when a required field is missing."""
    year, family = issued_year(item), first_family(item)
    first_page = (item.page or "").split("-")[0].split("–")[0].strip()
    if not (item.container_title and year and item.volume and first_page and family):
        return None
    initials = ""
    if item.author and item.author[0].given:
        initials = "".join(ch for ch in item.author[0].given if ch.isupper())
    author = f"{family} {initials}".strip()
    return CitationQuery(key, item.container_title, year, item.volume, first_page, author)


def parse_ecitmatch_answer(text: str) -> dict[str, CitationMatch]:
    """``{key: match}`` from an ECitMatch answer body."""
    matches: dict[str, CitationMatch] = {}
    for line in text.splitlines():
        fields = line.strip().split("|")
        if len(fields) < 7:
            continue
        key, answer = fields[5].strip(), fields[6].strip()
        if answer.isdigit():
            matches[key] = CitationMatch(key, answer, "found")
        elif answer.upper().startswith("AMBIGUOUS"):
            matches[key] = CitationMatch(key, None, "ambiguous", answer)
        else:
            matches[key] = CitationMatch(key, None, "not-found", answer or "NOT_FOUND")
    return matches


def match_citations(
    queries: list[CitationQuery],
    client: HttpClient,
    settings: Settings,
    counter: EndpointCounter,
    cache: RecordCache | None = None,
) -> EcitOutcome:
    """Look up ``queries`` in batches of ``ECITMATCH_BATCH``; failures are reported per batch.

    With a ``cache``, citations answered before (found, not found or ambiguous) are not asked
    again, and each answer is kept by its citation."""
    outcome = EcitOutcome()
    url = settings.pubmed.base_url + "ecitmatch.cgi"
    if cache is not None:
        known = cache.get_many("ecitmatch", [query.citation() for query in queries])
        counter.cached["ecitmatch"] += len({q.citation() for q in queries} & known.keys())
        for query in queries:
            answer = known.get(query.citation())
            if answer is not None:
                fields = {**json.loads(answer), "key": query.key}
                outcome.matches[query.key] = CitationMatch(**fields)
        queries = [query for query in queries if query.citation() not in known]
    for start in range(0, len(queries), ECITMATCH_BATCH):
        batch = queries[start : start + ECITMATCH_BATCH]
        params = {
            "db": "pubmed",
            "retmode": "xml",
            "bdata": "\r".join(query.line() for query in batch),
            **ncbi_identity(settings),
        }
        try:
            result = counter.call(
                client,
                "GET",
                url,
                "ecitmatch",
                params=params,
                accept=("text/plain", "text/html"),
                expire_after=batch_expire_s(settings),
            )
        except EvidenceMineError as err:
            outcome.errors.append(f"ecitmatch failed for {len(batch)} citations: {err}")
            continue
        answers = parse_ecitmatch_answer(result.text())
        outcome.matches.update(answers)
        if cache is not None:
            _keep(cache, batch, answers, settings)
    return outcome


def _keep(
    cache: RecordCache,
    batch: list[CitationQuery],
    answers: dict[str, CitationMatch],
    settings: Settings,
) -> None:
    found: dict[str, str | None] = {}
    missing: dict[str, str | None] = {}
    for query in batch:
        match = answers.get(query.key)
        if match is not None:
            kept = json.dumps({k: v for k, v in asdict(match).items() if k != "key"})
            (found if match.pmid else missing)[query.citation()] = kept
    cache.put_many("ecitmatch", found, settings.pubmed.cache_expire_s)
    cache.put_many("ecitmatch", missing, settings.pubmed.negative_cache_expire_s)
