"""Typed programme-evidence records (pydantic v2). The published JSON Schema is generated here.

Field order is output order: records serialise with a stable key order, so the same input
gives byte-identical JSON (fetch timestamps aside).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_VERSION = "1.2.0"
SCHEMA_ID = "https://evidencemine.org/schema/programme-evidence/1.2.0.json"

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Direction = Literal["positive", "null", "negative", "mixed"]
DesignValue = Literal[
    "rct",
    "cluster-rct",
    "quasi-experimental",
    "pre-post",
    "cohort",
    "case-control",
    "cross-sectional",
    "qualitative",
    "systematic-review",
    "meta-analysis",
    "other",
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# --- evidence and extracted values -------------------------------------------------------


class Evidence(Model):
    """Where a value came from: a page field (``page:…``) or a paper (``pmid:…``/``doi:…``)."""

    source: str
    start: int = Field(ge=0, description="Character offset of the matched text in the source text")
    end: int = Field(ge=0)
    text: str
    rule: str


class DesignFinding(Model):
    value: DesignValue
    protocol: bool = False
    evidence: Evidence


class Arm(Model):
    label: str
    n: int


class Subgroup(Model):
    n: int
    description: str


class SampleSize(Model):
    total: int = Field(ge=0)
    unit: str | None = None
    arms: list[Arm] = Field(default_factory=list)
    subgroups: list[Subgroup] = Field(default_factory=list)
    randomised: int | None = None
    analysed: int | None = None
    clusters: int | None = None
    studies_included: bool = Field(
        default=False, description="True when the total counts studies in a review"
    )
    evidence: Evidence


class CountryFinding(Model):
    code: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    evidence: Evidence


class OutcomeFinding(Model):
    outcome: str
    direction: Direction
    timepoints_months: list[float] = Field(default_factory=list)
    evidence: Evidence


class ComparisonFinding(Model):
    value: str
    evidence: Evidence


class Extraction(Model):
    """What the rules found in one text (a page field or an abstract)."""

    source: str
    design: DesignFinding | None = None
    sample_size: SampleSize | None = None
    countries: list[CountryFinding] = Field(default_factory=list)
    outcomes: list[OutcomeFinding] = Field(default_factory=list)
    timepoints_months: list[float] = Field(default_factory=list)
    comparison: ComparisonFinding | None = None


class Conflict(Model):
    """A page-stated value and a literature value that disagree; both are kept."""

    field: str
    page_value: Any
    literature_value: Any
    page_source: str
    literature_source: str
    note: str = ""


# --- references --------------------------------------------------------------------------


class CslName(Model):
    family: str
    given: str | None = None
    literal: str | None = None


class CslDate(Model):
    date_parts: list[list[int]] = Field(alias="date-parts", serialization_alias="date-parts")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CslItem(Model):
    """A CSL-JSON item (the subset we fill)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str
    type: str = "article-journal"
    author: list[CslName] = Field(default_factory=list)
    issued: CslDate | None = None
    title: str | None = None
    container_title: str | None = Field(
        default=None, alias="container-title", serialization_alias="container-title"
    )
    container_title_short: str | None = Field(
        default=None, alias="container-title-short", serialization_alias="container-title-short"
    )
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    publisher: str | None = None
    DOI: str | None = None
    PMID: str | None = None
    PMCID: str | None = None
    URL: str | None = None
    language: str | None = None
    abstract: str | None = None


class Identifiers(Model):
    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    jstor: str | None = None


class Registrant(Model):
    """Who registered the DOI record, as read from the record (never from the prefix)."""

    publisher: str | None = None
    member: str | None = None
    jstor_registered: bool | None = None


class Resolution(Model):
    """How a reference was matched to a record, and how sure we are."""

    status: Literal["resolved", "no-match", "error", "not-attempted"]
    method: Literal["link", "doi", "ecitmatch", "crossref-search", "idconv", "none"] = "none"
    source: Literal["pubmed", "crossref", "page", "none"] = "none"
    score: float | None = None
    verified: bool = False
    resolved_at: datetime | None = None
    reason: str | None = None
    best_candidate: dict[str, Any] | None = None
    registrant: Registrant | None = None


class Difference(Model):
    field: str
    printed: str | None
    resolved: str | None


class Reference(Model):
    raw: str
    identifiers: Identifiers = Field(default_factory=Identifiers)
    links: list[str] = Field(default_factory=list)
    csl: CslItem
    resolved: CslItem | None = None
    abstract: str | None = None
    publication_types: list[str] = Field(default_factory=list)
    mesh_headings: list[str] = Field(default_factory=list)
    resolution: Resolution = Field(default_factory=lambda: Resolution(status="not-attempted"))
    differences: list[Difference] = Field(default_factory=list)


# --- studies and programmes ----------------------------------------------------------------


class StudyDesign(Model):
    value: DesignValue
    label: str
    evidence: Evidence | None = None


class StudySample(Model):
    text: str
    size: SampleSize | None = None


class StudyOutcome(Model):
    outcome: str
    category: Literal["child", "other", "result"]
    direction: Direction | None = None
    timepoints_months: list[float] = Field(default_factory=list)
    evidence: Evidence | None = None


class Registration(Model):
    """A trial registration read from the page: ``registry`` ("ISRCTN", "NCT", "IRAS" ...) and
    the id as the registry writes it ("ISRCTN10950727", "NCT01234567", "297116")."""

    registry: str
    id: str


class StudyDates(Model):
    """Dates a research-project page gives for its study: YYYY, YYYY-MM or YYYY-MM-DD."""

    start: str | None = None
    end: str | None = None
    completed: str | None = None
    submitted: str | None = None
    registered: str | None = None
    last_edited: str | None = None
    duration: str | None = Field(default=None, description="As printed")


class Study(Model):
    label: str
    number: int | None = None
    citation: str | None = None
    design: StudyDesign | None = None
    country_text: list[str] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list, description="ISO 3166-1 alpha-2")
    sample: StudySample | None = None
    outcomes: list[StudyOutcome] = Field(default_factory=list)
    timepoints_months: list[float] = Field(default_factory=list)
    comparison: ComparisonFinding | None = None
    references: list[Reference] = Field(default_factory=list)
    unmatched_links: list[str] = Field(default_factory=list)
    registrations: list[Registration] = Field(default_factory=list)
    dates: StudyDates | None = None
    extractions: list[Extraction] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    fields: dict[str, str] = Field(
        default_factory=dict, description="Other labelled fields of the study, as printed"
    )


class EvidenceRating(Model):
    label: str = Field(description='As printed: "2", "3+", "NL2" ...')
    level: int | None = Field(default=None, ge=1, le=4)
    plus: bool = False
    not_level_2: bool = Field(default=False, description="NL2: evidence below level 2")


class CostBand(Model):
    """The unit cost a cost rating stands for, in the page's currency."""

    currency: Literal["GBP", "EUR", "USD"]
    min: float | None = Field(default=None, description="null: no lower bound")
    max: float | None = Field(default=None, description="null: no upper bound")
    text: str = Field(description='As printed: "£100–£499", "less than €125"')
    conversion_rate: float | None = Field(
        default=None, description="The rate the page says it converted UK costs at"
    )


class CostRating(Model):
    label: str
    level: int = Field(ge=1, le=5)
    band: CostBand | None = None


class Ratings(Model):
    evidence: EvidenceRating | None = None
    cost: CostRating | None = Field(default=None, description="null when the page says NA")
    cost_text: str | None = None
    assessment: str | None = None


class OutcomeStatement(Model):
    """One statement of effect under an outcome (EIF 2019+ assessments)."""

    text: str
    score: float | None = Field(default=None, description="Improvement index, when printed")
    score_text: str | None = Field(default=None, description="The score as printed")
    timeframe: str | None = None
    studies: list[int] = Field(default_factory=list, description="Supporting studies")


class ProgrammeOutcome(Model):
    outcome: str
    domain: str | None = None
    studies: list[int] = Field(
        default_factory=list, description="Numbers of the supporting studies (1 for 1a and 1b)"
    )
    study_labels: list[str] = Field(
        default_factory=list, description='The supporting studies as printed: "1", "2a"'
    )
    statements: list[OutcomeStatement] = Field(default_factory=list)


class Characteristics(Model):
    age_groups: list[str] = Field(default_factory=list)
    delivery_models: list[str] = Field(default_factory=list)
    settings: list[str] = Field(default_factory=list)
    targeting: list[str] = Field(default_factory=list)


class PopulationEvaluated(Model):
    """Who the evaluations studied (Foundations' "Population characteristics as evaluated")."""

    ages: str | None = Field(default=None, description='As printed: "0 to 5 years old"')
    age_min_years: float | None = None
    age_max_years: float | None = None
    level_of_need: list[str] = Field(default_factory=list)
    race_ethnicity: list[str] = Field(default_factory=list)


class ModelCharacteristics(Model):
    """How the model is delivered (Foundations' "Model characteristics")."""

    delivery: list[str] = Field(default_factory=list, description='"Group", "Individual"')
    setting: list[str] = Field(default_factory=list)
    workforce: str | None = None


class Range(Model):
    min: float
    max: float


class Delivery(Model):
    sessions: int | None = None
    session_hours: Range | None = None
    frequency: str | None = None
    duration: str | None = None
    duration_months_min: float | None = None
    practitioners: int | None = None
    text: list[str] = Field(default_factory=list)


class Supervision(Model):
    supervisors: int | None = None
    qualification: str | None = None
    training_hours: float | None = None
    text: str | None = None


class Implementation(Model):
    practitioner_qualification: str | None = None
    qualification_text: list[str] = Field(default_factory=list)
    training_hours: float | None = None
    booster_training: Literal["required", "recommended", "not-required"] | None = None
    training_text: list[str] = Field(default_factory=list)
    supervision: Supervision | None = None
    fidelity: str | None = None
    licence_required: bool | None = None
    licence_text: str | None = None


class Contact(Model):
    name: str | None = None
    organisation: str | None = None
    email: str | None = None
    url: str | None = None
    text: str | None = None


class TeamMember(Model):
    name: str
    role: str | None = None


class Section(Model):
    """A section the adapter does not interpret, kept with its text."""

    heading: str
    text: str


class Review(Model):
    name: str | None = Field(default=None, description="null when only a date is printed")
    date: str | None = Field(default=None, description="YYYY-MM")


class RecordWarning(Model):
    """A known label was on the page but its value could not be read (or a choice was made
    that a consumer should know of): "not read" is never a silent null."""

    code: str = Field(description='"value-not-read", "name-slug-disagree", ...')
    label: str | None = Field(default=None, description="The label as printed")
    place: str | None = Field(default=None, description='Where on the page: "block 12"')
    message: str | None = None


class SourceInfo(Model):
    url: str | None = None
    path: str | None = None
    kind: Literal[
        "eif-guidebook", "research-project", "study-paper", "foundations-guidebook", "eif-mirror"
    ]
    media_type: str
    fetched_at: datetime | None = None
    content_sha256: str
    published: str | None = Field(default=None, description="YYYY-MM or YYYY-MM-DD")
    updated: str | None = None
    review: Review | None = None
    reviews: list[Review] = Field(
        default_factory=list, description='Every item of a "Reviews:" list, in page order'
    )
    last_reviewed: str | None = Field(default=None, description="YYYY-MM")
    aliases: list[str] = Field(
        default_factory=list, description="Other URLs of the same page (an old EIF address)"
    )
    status: Literal["current", "withdrawn"] = "current"
    withdrawn_at: str | None = None


class Programme(Model):
    name: str
    acronym: str | None = None
    summary: str | None = None
    description: list[str] = Field(default_factory=list)
    ratings: Ratings = Field(default_factory=Ratings)
    child_outcomes: list[ProgrammeOutcome] = Field(default_factory=list)
    has_family_outcomes: bool = False
    characteristics: Characteristics = Field(default_factory=Characteristics)
    implemented_in: list[str] = Field(default_factory=list, description="As printed")
    countries: list[CountryCode] = Field(default_factory=list, description="ISO 3166-1 alpha-2")
    uk_implemented: bool | None = None
    uk_evaluated: bool | None = None
    uk_available: bool | None = Field(default=None, description='"UK available" badge shown')
    uk_tested: bool | None = Field(default=None, description='"UK tested" badge shown')
    population_evaluated: PopulationEvaluated | None = None
    model_characteristics: ModelCharacteristics | None = None
    delivery: Delivery = Field(default_factory=Delivery)
    activities: list[str] = Field(default_factory=list)
    implementation: Implementation = Field(default_factory=Implementation)
    theory_of_change: list[str] = Field(default_factory=list)
    contact: Contact | None = None
    intervention: str | None = None
    comparison: str | None = None
    population: str | None = None
    funders: list[str] = Field(default_factory=list)
    team: list[TeamMember] = Field(default_factory=list)
    evidence_summary: str | None = None
    sections: list[Section] = Field(default_factory=list)


class ProgrammeRecord(Model):
    """One programme page, normalised. ``id`` is ``<source kind>/<slug>``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"$id": SCHEMA_ID, "version": SCHEMA_VERSION},
        title="Programme-evidence record",
    )

    schema_version: Literal["1.2.0"] = "1.2.0"
    id: str = Field(pattern=r"^[a-z0-9-]+/[a-z0-9][a-z0-9-]*$")
    slug: str
    source: SourceInfo
    programme: Programme
    studies: list[Study] = Field(default_factory=list)
    warnings: list[RecordWarning] = Field(default_factory=list)


def record_json_schema() -> dict[str, Any]:
    """The published JSON Schema (2020-12) for :class:`ProgrammeRecord`."""
    schema = ProgrammeRecord.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
