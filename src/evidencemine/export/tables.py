"""Flat tables from programme-evidence records, with stable keys.

Each table is a list of :class:`Column`; a column either copies one value of the record (its
``path``, relative to the row's entity, in the JSON the record serialises to) or is derived
(``path`` is None and ``doc`` says how). ``output/README.md`` documents every column from
these definitions (:func:`columns_markdown`).

Keys: ``programme_id`` is the record id; ``study_key`` is ``<programme_id>#<n>`` with ``n``
the study's position (1-based) in the record; outcome, reference, conflict and warning keys
add ``/o<n>``, ``/r<n>``, ``/c<n>``, ``/w<n>`` the same way. ``work_key`` names the distinct
work a reference cites (``doi:…``, ``pmid:…``, else a hash of title and year or of the
printed text), shared by every reference to the same work.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, get_args

from evidencemine.models import SourceInfo

ColumnType = Literal[
    "str", "int", "float", "bool", "datetime", "list[str]", "list[int]", "list[float]", "json"
]
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType
    doc: str
    path: str | None = None  # JSON path in the entity ("a.b.c"); None when derived
    derive: Callable[[dict[str, Any], dict[str, Any]], Any] | None = None  # (entity, record)
    covers: str | None = None  # the JSON path a derived column reproduces (reformatted)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    doc: str
    entity: str  # where rows come from in a record: "" (the record), "studies[]", ...
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path (None when any step is missing or null)."""
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


# derived values ---------------------------------------------------------------------------

RCT_DESIGNS = ("rct", "cluster-rct")


def _studies(record: dict[str, Any]) -> list[dict[str, Any]]:
    return list(record.get("studies") or [])


def _sample_total(study: dict[str, Any]) -> int | None:
    total = get_path(study, "sample.size.total")
    if total is None or get_path(study, "sample.size.studies_included"):
        return None
    return int(total)


def _designs(record: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for study in _studies(record):
        value = get_path(study, "design.value")
        if value and value not in seen:
            seen.append(value)
    return seen


def _largest_n(record: dict[str, Any]) -> int | None:
    totals = [n for s in _studies(record) if (n := _sample_total(s)) is not None]
    return max(totals) if totals else None


def _study_countries(record: dict[str, Any]) -> list[str]:
    return sorted({c for s in _studies(record) for c in s.get("countries") or []})


def _uk_study(record: dict[str, Any]) -> bool:
    return any("GB" in (s.get("countries") or []) for s in _studies(record))


def _uk_rct_max_n(record: dict[str, Any]) -> int | None:
    totals = [
        n if (n := _sample_total(s)) is not None else -1
        for s in _studies(record)
        if get_path(s, "design.value") in RCT_DESIGNS and "GB" in (s.get("countries") or [])
    ]
    if not totals:
        return None
    best = max(totals)
    return best if best >= 0 else None


def _count(entity: dict[str, Any], *paths: str) -> int:
    """How many items the list at each path holds, summed over the record's studies when the
    path starts with ``studies[].``."""
    total = 0
    for path in paths:
        if path.startswith("studies[]."):
            rest = path.removeprefix("studies[].")
            total += sum(len(get_path(s, rest) or []) for s in _studies(entity))
        else:
            total += len(get_path(entity, path) or [])
    return total


def _name(name: dict[str, Any]) -> str:
    if name.get("literal"):
        return str(name["literal"])
    return ", ".join(p for p in (name.get("family"), name.get("given")) if p)


def csl_authors(csl: dict[str, Any] | None) -> list[str] | None:
    """CSL names as "Family, Given" (or the literal name)."""
    if not csl:
        return None
    return [_name(n) for n in csl.get("author") or []]


def csl_year(csl: dict[str, Any] | None) -> int | None:
    parts = get_path(csl, "issued.date-parts") if csl else None
    if parts and parts[0]:
        return int(parts[0][0])
    return None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def work_key(reference: dict[str, Any]) -> str:
    """The distinct work a reference cites: its DOI, else its PMID, else title and year, else
    the printed text."""
    ids = reference.get("identifiers") or {}
    csl = reference.get("resolved") or reference.get("csl") or {}
    doi = ids.get("doi") or csl.get("DOI") or get_path(reference, "csl.DOI")
    if doi:
        return f"doi:{str(doi).lower()}"
    pmid = ids.get("pmid") or csl.get("PMID") or get_path(reference, "csl.PMID")
    if pmid:
        return f"pmid:{pmid}"
    title = csl.get("title")
    basis = f"{_fold(title)}|{csl_year(csl)}" if title else _fold(reference.get("raw") or "")
    return "work:" + hashlib.sha256(basis.encode()).hexdigest()[:16]


# the tables -------------------------------------------------------------------------------


def C(name: str, type_: ColumnType, doc: str, path: str | None = None) -> Column:
    return Column(name, type_, doc, path if path is not None else name)


def D(
    name: str, type_: ColumnType, doc: str, derive: Callable[..., Any], covers: str | None = None
) -> Column:
    return Column(name, type_, doc, None, derive, covers)


def _evidence_columns(prefix: str, path: str, what: str) -> tuple[Column, ...]:
    return (
        C(f"{prefix}_evidence_source", "str", f"where the {what} was read", f"{path}.source"),
        C(f"{prefix}_evidence_text", "str", f"the text span behind the {what}", f"{path}.text"),
        C(f"{prefix}_evidence_start", "int", "character offset of the span", f"{path}.start"),
        C(f"{prefix}_evidence_end", "int", "end offset of the span", f"{path}.end"),
        C(f"{prefix}_evidence_rule", "str", f"the rule that found the {what}", f"{path}.rule"),
    )


_SOURCE_KINDS = "one of " + ", ".join(
    f"`{kind}`" for kind in get_args(SourceInfo.model_fields["kind"].annotation)
)
PROGRAMME_KEY = C("programme_id", "str", "the record id `<source kind>/<slug>` (the key)", "id")

PROGRAMMES = Table(
    "programmes",
    "one row per programme record",
    "",
    (
        PROGRAMME_KEY,
        C("slug", "str", "the page's slug"),
        C("schema_version", "str", "schema version of the record"),
        C("name", "str", "programme name", "programme.name"),
        C("acronym", "str", "acronym, when printed", "programme.acronym"),
        C(
            "source_kind",
            "str",
            _SOURCE_KINDS,
            "source.kind",
        ),
        C("url", "str", "the page's URL", "source.url"),
        C("source_path", "str", "the file read, when not fetched", "source.path"),
        C("media_type", "str", "media type of the page", "source.media_type"),
        C(
            "fetched_at",
            "datetime",
            "when the page was fetched (UTC, ISO 8601)",
            "source.fetched_at",
        ),
        C("content_sha256", "str", "hash of the page's content", "source.content_sha256"),
        C("published", "str", "publication date as printed (YYYY-MM[-DD])", "source.published"),
        C("updated", "str", "last-updated date as printed", "source.updated"),
        C("review_name", "str", "who reviewed the evidence", "source.review.name"),
        C("review_date", "str", "when (YYYY-MM)", "source.review.date"),
        C("status", "str", "`current` or `withdrawn`", "source.status"),
        C("withdrawn_at", "str", "when the page answered 404/410", "source.withdrawn_at"),
        C(
            "evidence_rating",
            "str",
            'evidence rating as printed ("3+", "NL2")',
            "programme.ratings.evidence.label",
        ),
        C("evidence_level", "int", "evidence level 1-4", "programme.ratings.evidence.level"),
        C("evidence_plus", "bool", 'the rating has a "+"', "programme.ratings.evidence.plus"),
        C(
            "evidence_not_level_2",
            "bool",
            "NL2: evidence below level 2",
            "programme.ratings.evidence.not_level_2",
        ),
        C("cost_rating", "str", "cost rating as printed", "programme.ratings.cost.label"),
        C(
            "cost_level",
            "int",
            "cost level 1-5 (null when the page says NA)",
            "programme.ratings.cost.level",
        ),
        C("cost_text", "str", "the cost rating's text", "programme.ratings.cost_text"),
        C(
            "assessment",
            "str",
            "the evidence assessment as printed",
            "programme.ratings.assessment",
        ),
        C("summary", "str", "the page's summary", "programme.summary"),
        C("description", "list[str]", "description paragraphs", "programme.description"),
        C(
            "has_family_outcomes",
            "bool",
            "the page lists family outcomes",
            "programme.has_family_outcomes",
        ),
        C("age_groups", "list[str]", "age groups", "programme.characteristics.age_groups"),
        C(
            "delivery_models",
            "list[str]",
            "delivery models",
            "programme.characteristics.delivery_models",
        ),
        C("settings", "list[str]", "settings", "programme.characteristics.settings"),
        C(
            "targeting",
            "list[str]",
            "level of need / targeting",
            "programme.characteristics.targeting",
        ),
        C(
            "implemented_in",
            "list[str]",
            "where implemented, as printed",
            "programme.implemented_in",
        ),
        C("countries", "list[str]", "where implemented, ISO 3166-1 alpha-2", "programme.countries"),
        C(
            "uk_implemented",
            "bool",
            "available in the UK (null: not stated)",
            "programme.uk_implemented",
        ),
        C(
            "uk_evaluated",
            "bool",
            "evaluated in the UK (null: not stated)",
            "programme.uk_evaluated",
        ),
        C("uk_available", "bool", '"UK available" badge shown', "programme.uk_available"),
        C("uk_tested", "bool", '"UK tested" badge shown', "programme.uk_tested"),
        C(
            "population_evaluated",
            "json",
            "population as evaluated: `{ages, age_min_years, age_max_years, level_of_need, "
            "race_ethnicity}`",
            "programme.population_evaluated",
        ),
        C(
            "model_characteristics",
            "json",
            "model characteristics: `{delivery, setting, workforce}`",
            "programme.model_characteristics",
        ),
        C(
            "cost_band",
            "json",
            "unit cost band: `{currency, min, max, text, conversion_rate}`",
            "programme.ratings.cost.band",
        ),
        C("reviews", "json", "every review listed: `[{name, date}]`", "source.reviews"),
        C("last_reviewed", "str", "last reviewed (YYYY-MM)", "source.last_reviewed"),
        C("aliases", "list[str]", "other URLs of the page (an old address)", "source.aliases"),
        C("delivery_sessions", "int", "number of sessions", "programme.delivery.sessions"),
        C(
            "delivery_session_hours_min",
            "float",
            "session length, shortest (hours)",
            "programme.delivery.session_hours.min",
        ),
        C(
            "delivery_session_hours_max",
            "float",
            "session length, longest (hours)",
            "programme.delivery.session_hours.max",
        ),
        C("delivery_frequency", "str", "how often", "programme.delivery.frequency"),
        C("delivery_duration", "str", "how long, as printed", "programme.delivery.duration"),
        C(
            "delivery_duration_months_min",
            "float",
            "how long, shortest, in months",
            "programme.delivery.duration_months_min",
        ),
        C(
            "delivery_practitioners",
            "int",
            "practitioners per family or group",
            "programme.delivery.practitioners",
        ),
        C("delivery_text", "list[str]", "delivery as printed", "programme.delivery.text"),
        C("activities", "list[str]", "key activities", "programme.activities"),
        C(
            "practitioner_qualification",
            "str",
            "practitioner qualification",
            "programme.implementation.practitioner_qualification",
        ),
        C(
            "qualification_text",
            "list[str]",
            "qualification as printed",
            "programme.implementation.qualification_text",
        ),
        C(
            "training_hours",
            "float",
            "practitioner training (hours)",
            "programme.implementation.training_hours",
        ),
        C(
            "booster_training",
            "str",
            "`required`, `recommended` or `not-required`",
            "programme.implementation.booster_training",
        ),
        C(
            "training_text",
            "list[str]",
            "training as printed",
            "programme.implementation.training_text",
        ),
        C("supervisors", "int", "supervisors", "programme.implementation.supervision.supervisors"),
        C(
            "supervisor_qualification",
            "str",
            "supervisor qualification",
            "programme.implementation.supervision.qualification",
        ),
        C(
            "supervisor_training_hours",
            "float",
            "supervisor training (hours)",
            "programme.implementation.supervision.training_hours",
        ),
        C(
            "supervision_text",
            "str",
            "supervision as printed",
            "programme.implementation.supervision.text",
        ),
        C("fidelity", "str", "fidelity monitoring", "programme.implementation.fidelity"),
        C(
            "licence_required",
            "bool",
            "a licence is required",
            "programme.implementation.licence_required",
        ),
        C("licence_text", "str", "licence as printed", "programme.implementation.licence_text"),
        C("theory_of_change", "list[str]", "theory of change", "programme.theory_of_change"),
        C("contact_name", "str", "contact name", "programme.contact.name"),
        C("contact_organisation", "str", "contact organisation", "programme.contact.organisation"),
        C("contact_email", "str", "contact email", "programme.contact.email"),
        C("contact_url", "str", "contact web site", "programme.contact.url"),
        C("contact_text", "str", "contact as printed", "programme.contact.text"),
        C("intervention", "str", "the intervention (research projects)", "programme.intervention"),
        C(
            "comparison",
            "str",
            "the comparison condition (research projects)",
            "programme.comparison",
        ),
        C("population", "str", "the population (research projects)", "programme.population"),
        C("funders", "list[str]", "funders", "programme.funders"),
        C("team", "json", "team members: `[{name, role}]`", "programme.team"),
        C("evidence_summary", "str", "the evidence summary", "programme.evidence_summary"),
        D("n_studies", "int", "number of studies", lambda e, r: len(_studies(e))),
        D(
            "n_outcomes",
            "int",
            "number of child outcomes",
            lambda e, r: _count(e, "programme.child_outcomes"),
        ),
        D(
            "n_references",
            "int",
            "number of references over all studies",
            lambda e, r: _count(e, "studies[].references"),
        ),
        D(
            "n_conflicts",
            "int",
            "number of page-versus-literature conflicts",
            lambda e, r: _count(e, "studies[].conflicts"),
        ),
        D(
            "designs",
            "list[str]",
            "distinct study designs, in study order",
            lambda e, r: _designs(e),
        ),
        D(
            "largest_n",
            "int",
            "largest study sample (participants; reviews' study counts left out)",
            lambda e, r: _largest_n(e),
        ),
        D(
            "study_countries",
            "list[str]",
            "countries of the studies (ISO codes, sorted)",
            lambda e, r: _study_countries(e),
        ),
        D("uk_study", "bool", "some study took place in the UK (GB)", lambda e, r: _uk_study(e)),
        D(
            "uk_rct_max_n",
            "int",
            "largest N of the UK RCTs (null: none, or N not read)",
            lambda e, r: _uk_rct_max_n(e),
        ),
    ),
)

STUDY_KEY = D(
    "study_key",
    "str",
    "`<programme_id>#<n>`, n the study's position (the key)",
    lambda e, r: e["_key"],
)
PROGRAMME_REF = D(
    "programme_id", "str", "the programme (`programmes.programme_id`)", lambda e, r: r["id"]
)

STUDIES = Table(
    "studies",
    "one row per study of a programme",
    "studies[]",
    (
        STUDY_KEY,
        PROGRAMME_REF,
        D(
            "study_index",
            "int",
            "position of the study in the record (1-based)",
            lambda e, r: e["_index"],
        ),
        C("label", "str", 'the study as printed ("Study 1", "2a")'),
        C("number", "int", "the study's number (1 for 1a and 1b)"),
        C("citation", "str", "the study's citation as printed"),
        C("design", "str", "design: rct, cluster-rct, quasi-experimental, ...", "design.value"),
        C("design_label", "str", "design as printed", "design.label"),
        *_evidence_columns("design", "design.evidence", "design"),
        C("country_text", "list[str]", "country as printed", "country_text"),
        C("countries", "list[str]", "countries, ISO 3166-1 alpha-2"),
        C("sample_text", "str", "the sample as printed", "sample.text"),
        C("n", "int", "sample size (total)", "sample.size.total"),
        C("n_unit", "str", "what N counts (children, families, schools, ...)", "sample.size.unit"),
        C("arms", "json", "arms: `[{label, n}]`", "sample.size.arms"),
        C("subgroups", "json", "subgroups: `[{n, description}]`", "sample.size.subgroups"),
        C("randomised", "int", "number randomised", "sample.size.randomised"),
        C("analysed", "int", "number analysed", "sample.size.analysed"),
        C("clusters", "int", "number of clusters", "sample.size.clusters"),
        C(
            "n_counts_studies",
            "bool",
            "N counts studies in a review",
            "sample.size.studies_included",
        ),
        *_evidence_columns("n", "sample.size.evidence", "sample size"),
        C("timepoints_months", "list[float]", "follow-up time points (months)"),
        C("comparison", "str", "the comparison condition", "comparison.value"),
        *_evidence_columns("comparison", "comparison.evidence", "comparison"),
        C("unmatched_links", "list[str]", "links not matched to a reference"),
        C("registrations", "json", "trial registrations: `[{registry, id}]`"),
        C("start_date", "str", "study start (YYYY[-MM[-DD]])", "dates.start"),
        C("end_date", "str", "study end", "dates.end"),
        C("completed_date", "str", "completed", "dates.completed"),
        C("submitted_date", "str", "submitted", "dates.submitted"),
        C("registered_date", "str", "registered", "dates.registered"),
        C("last_edited_date", "str", "page last edited", "dates.last_edited"),
        C("duration", "str", "duration as printed", "dates.duration"),
        C("fields", "json", "other labelled fields as printed: `{label: text}`"),
        D(
            "n_outcomes",
            "int",
            "number of study outcomes",
            lambda e, r: len(e.get("outcomes") or []),
        ),
        D(
            "n_references",
            "int",
            "number of references",
            lambda e, r: len(e.get("references") or []),
        ),
        D("n_conflicts", "int", "number of conflicts", lambda e, r: len(e.get("conflicts") or [])),
    ),
)

CHILD_KEY = D("study_key", "str", "the study (`studies.study_key`)", lambda e, r: e["_parent"])

OUTCOMES = Table(
    "outcomes",
    "one row per child outcome of a programme, with its supporting studies",
    "programme.child_outcomes[]",
    (
        D("outcome_key", "str", "`<programme_id>/o<n>` (the key)", lambda e, r: e["_key"]),
        PROGRAMME_REF,
        C("outcome", "str", "the outcome as printed"),
        C("domain", "str", "outcome domain (the heading it is listed under)"),
        C("studies", "list[int]", "numbers of the supporting studies"),
        C("study_labels", "list[str]", 'supporting studies as printed ("1", "2a")'),
        D(
            "study_keys",
            "list[str]",
            "the supporting studies (`studies.study_key`), matched by number",
            lambda e, r: _supporting_keys(e, r),
        ),
    ),
)

STUDY_OUTCOMES = Table(
    "study_outcomes",
    "one row per outcome reported by a study, with its direction and the text behind it",
    "studies[].outcomes[]",
    (
        D("study_outcome_key", "str", "`<study_key>/o<n>` (the key)", lambda e, r: e["_key"]),
        PROGRAMME_REF,
        CHILD_KEY,
        C("outcome", "str", "the outcome"),
        C("category", "str", "`child`, `other` or `result`"),
        C("direction", "str", "`positive`, `null`, `negative` or `mixed`"),
        C("timepoints_months", "list[float]", "time points of the finding (months)"),
        *_evidence_columns("outcome", "evidence", "outcome"),
    ),
)

REFERENCES = Table(
    "references",
    "one row per reference of a study (the same work cited twice gives two rows, one work_key)",
    "studies[].references[]",
    (
        D("reference_key", "str", "`<study_key>/r<n>` (the key)", lambda e, r: e["_key"]),
        PROGRAMME_REF,
        CHILD_KEY,
        D(
            "work_key",
            "str",
            "the distinct work: `doi:…`, `pmid:…` or `work:<hash>`",
            lambda e, r: work_key(e),
        ),
        C("raw", "str", "the reference as printed"),
        C("pmid", "str", "PubMed id", "identifiers.pmid"),
        C("pmcid", "str", "PubMed Central id", "identifiers.pmcid"),
        C("doi", "str", "DOI", "identifiers.doi"),
        C("jstor", "str", "JSTOR stable id", "identifiers.jstor"),
        C("links", "list[str]", "links printed with the reference"),
        C("publication_types", "list[str]", "PubMed publication types"),
        C("mesh_headings", "list[str]", "MeSH headings"),
        C("abstract", "str", "the abstract of the resolved record"),
        C(
            "resolution_status",
            "str",
            "`resolved`, `no-match`, `error` or `not-attempted`",
            "resolution.status",
        ),
        C(
            "resolution_method",
            "str",
            "`link`, `doi`, `ecitmatch`, `crossref-search`, `idconv` or `none`",
            "resolution.method",
        ),
        C(
            "resolution_source",
            "str",
            "`pubmed`, `crossref`, `page` or `none`",
            "resolution.source",
        ),
        C("resolution_score", "float", "match score", "resolution.score"),
        C(
            "resolution_verified",
            "bool",
            "title, year and first author agree",
            "resolution.verified",
        ),
        C("resolved_at", "datetime", "when it was resolved", "resolution.resolved_at"),
        C("resolution_reason", "str", "why it was not resolved", "resolution.reason"),
        C(
            "best_candidate",
            "json",
            "the best candidate of a no-match",
            "resolution.best_candidate",
        ),
        C(
            "registrant_publisher",
            "str",
            "DOI registrant's publisher",
            "resolution.registrant.publisher",
        ),
        C(
            "registrant_member",
            "str",
            "DOI registrant's Crossref member",
            "resolution.registrant.member",
        ),
        C(
            "registrant_jstor",
            "bool",
            "registered by JSTOR",
            "resolution.registrant.jstor_registered",
        ),
        C(
            "differences",
            "json",
            "printed versus resolved: `[{field, printed, resolved}]`",
            "differences",
        ),
    ),
)

CSL_FIELDS = (
    ("id", "CSL item id"),
    ("type", "CSL type"),
    ("title", "title"),
    ("container-title", "journal or book"),
    ("container-title-short", "journal abbreviation"),
    ("volume", "volume"),
    ("issue", "issue"),
    ("page", "pages"),
    ("publisher", "publisher"),
    ("DOI", "DOI"),
    ("PMID", "PMID"),
    ("PMCID", "PMCID"),
    ("URL", "URL"),
    ("language", "language"),
    ("abstract", "abstract"),
)


def _csl_columns(prefix: str, path: str, what: str) -> list[Column]:
    columns: list[Column] = []
    for field, doc in CSL_FIELDS:
        name = f"{prefix}_{field.lower().replace('-', '_')}"
        columns.append(C(name, "str", f"{what}: {doc}", f"{path}.{field}"))
    columns.append(
        D(
            f"{prefix}_authors",
            "list[str]",
            f'{what}: authors as "Family, Given"',
            lambda e, r, p=path: csl_authors(get_path(e, p)),
            covers=f"{path}.author",
        )
    )
    columns.append(
        D(
            f"{prefix}_issued",
            "json",
            f"{what}: date parts `[[year, month, day]]`",
            lambda e, r, p=path: get_path(e, f"{p}.issued.date-parts"),
            covers=f"{path}.issued",
        )
    )
    columns.append(
        D(f"{prefix}_year", "int", f"{what}: year", lambda e, r, p=path: csl_year(get_path(e, p)))
    )
    return columns


REFERENCES = Table(
    REFERENCES.name,
    REFERENCES.doc,
    REFERENCES.entity,
    (
        *REFERENCES.columns,
        *_csl_columns("csl", "csl", "as printed"),
        *_csl_columns("resolved", "resolved", "as resolved"),
    ),
)

CONFLICTS = Table(
    "conflicts",
    "one row per disagreement between the page and the literature (both values kept)",
    "studies[].conflicts[]",
    (
        D("conflict_key", "str", "`<study_key>/c<n>` (the key)", lambda e, r: e["_key"]),
        PROGRAMME_REF,
        CHILD_KEY,
        C("field", "str", "which value (design, sample_size, countries, ...)"),
        C("page_value", "json", "the page's value (JSON)"),
        C("literature_value", "json", "the literature's value (JSON)"),
        C("page_source", "str", "where the page value was read"),
        C("literature_source", "str", "where the literature value was read (`pmid:…`)"),
        C("note", "str", "explanation"),
    ),
)


WARNINGS = Table(
    "warnings",
    "one row per warning on a record: a known label whose value could not be read, or a "
    "choice a consumer should know of",
    "warnings[]",
    (
        D("warning_key", "str", "`<programme_id>/w<n>` (the key)", lambda e, r: e["_key"]),
        PROGRAMME_REF,
        C("code", "str", '"value-not-read", "name-slug-disagree", ...'),
        C("label", "str", "the label as printed"),
        C("place", "str", 'where on the page ("block 12")'),
        C("message", "str", "the warning in words"),
    ),
)

OUTCOME_STATEMENTS = Table(
    "outcome_statements",
    "one row per statement of effect under a programme outcome (score, timeframe, studies)",
    "programme.child_outcomes[].statements[]",
    (
        D("statement_key", "str", "`<outcome_key>/s<n>` (the key)", lambda e, r: e["_key"]),
        PROGRAMME_REF,
        D("outcome_key", "str", "the outcome (`outcomes.outcome_key`)", lambda e, r: e["_parent"]),
        C("text", "str", "the statement as printed"),
        C("score", "float", "improvement index, when printed"),
        C("score_text", "str", "the score as printed"),
        C("timeframe", "str", "when the effect was measured, as printed"),
        C("studies", "list[int]", "numbers of the supporting studies"),
    ),
)

TABLES: tuple[Table, ...] = (
    PROGRAMMES,
    STUDIES,
    OUTCOMES,
    OUTCOME_STATEMENTS,
    STUDY_OUTCOMES,
    REFERENCES,
    CONFLICTS,
    WARNINGS,
)


def table_by_name(name: str) -> Table:
    for table in TABLES:
        if table.name == name:
            return table
    raise ValueError(f"no table {name!r} (tables: {', '.join(t.name for t in TABLES)})")


# Parts of a record no table holds, with the reason (README lists them; a test checks that
# every other value of every record is in a table).
NOT_TABULATED = {
    "studies[].extractions": (
        "the raw findings of each rule run; the study columns hold the reconciled values"
    ),
    "programme.sections": "sections the adapter did not interpret, kept verbatim in the JSON",
}


def _supporting_keys(outcome: dict[str, Any], record: dict[str, Any]) -> list[str]:
    keys: list[str] = []
    for number in outcome.get("studies") or []:
        for index, study in enumerate(_studies(record), start=1):
            if study.get("number") == number:
                keys.append(f"{record['id']}#{index}")
    return keys


# rows -------------------------------------------------------------------------------------


def entities(record: dict[str, Any], entity: str) -> Iterator[dict[str, Any]]:
    """The entities of one record a table has rows for, each with ``_key`` (and ``_parent``,
    ``_index``) added to a shallow copy."""
    rid = record["id"]
    if entity == "":
        yield record
        return
    if entity == "programme.child_outcomes[]":
        for n, item in enumerate(get_path(record, "programme.child_outcomes") or [], start=1):
            yield {**item, "_key": f"{rid}/o{n}", "_index": n}
        return
    if entity == "warnings[]":
        for n, item in enumerate(record.get("warnings") or [], start=1):
            yield {**item, "_key": f"{rid}/w{n}", "_index": n}
        return
    if entity == "programme.child_outcomes[].statements[]":
        for o, outcome in enumerate(get_path(record, "programme.child_outcomes") or [], start=1):
            parent = f"{rid}/o{o}"
            for n, item in enumerate(outcome.get("statements") or [], start=1):
                yield {**item, "_key": f"{parent}/s{n}", "_parent": parent, "_index": n}
        return
    if entity == "studies[]":
        for n, study in enumerate(_studies(record), start=1):
            yield {**study, "_key": f"{rid}#{n}", "_index": n}
        return
    head, _, tail = entity.partition("[].")
    if head != "studies" or not tail.endswith("[]"):
        raise ValueError(f"unknown entity {entity!r}")
    child, letter = tail[:-2], {"outcomes": "o", "references": "r", "conflicts": "c"}[tail[:-2]]
    for s, study in enumerate(_studies(record), start=1):
        parent = f"{rid}#{s}"
        for n, item in enumerate(study.get(child) or [], start=1):
            yield {**item, "_key": f"{parent}/{letter}{n}", "_parent": parent, "_index": n}


def table_rows(table: Table, records: Iterable[dict[str, Any]]) -> Iterator[Row]:
    """Rows of ``table`` for records given as JSON dicts (``model_dump(mode="json")``)."""
    for record in records:
        for entity in entities(record, table.entity):
            row: Row = {}
            for column in table.columns:
                if column.derive is not None:
                    row[column.name] = column.derive(entity, record)
                else:
                    assert column.path is not None
                    row[column.name] = get_path(entity, column.path)
            yield row


def cell_text(value: Any, type_: ColumnType) -> str:
    """A value as one CSV cell: empty for null, lists and JSON as compact JSON, booleans as
    ``true``/``false``."""
    if value is None:
        return ""
    if type_ == "bool":
        return "true" if value else "false"
    if type_.startswith("list[") or type_ == "json":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def tables_markdown() -> str:
    """The column reference of ``output/README.md`` (every table, every column)."""
    parts = []
    for table in TABLES:
        parts.append(f"#### `{table.name}`: {table.doc}\n\n{columns_markdown(table)}\n")
    not_tabulated = "\n".join(f"- `{path}`: {why}" for path, why in NOT_TABULATED.items())
    parts.append(f"Not in any table (kept in the JSON records):\n\n{not_tabulated}\n")
    return "\n".join(parts)


def columns_markdown(table: Table) -> str:
    """The README table documenting ``table``'s columns."""
    lines = ["| column | type | from the record | meaning |", "|---|---|---|---|"]
    for column in table.columns:
        if column.path is not None:
            source = f"`{column.path}`"
        elif column.covers is not None:
            source = f"`{column.covers or '(the item)'}` (reformatted)"
        else:
            source = "derived"
        doc = column.doc.replace("|", "\\|")
        lines.append(f"| `{column.name}` | {column.type} | {source} | {doc} |")
    return "\n".join(lines)
