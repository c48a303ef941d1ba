"""The audit's findings as data: one ``Scorecard`` per synthesis report, and an ``AuditResult``
that holds them with the cross-report aggregate. Stable JSON (``claimcheck audit --format json``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from claimcheck.sources.synthesis_row import ClaimRow

Severity = Literal["error", "warning", "info"]
Section = Literal["resolution", "tick", "attribution", "question", "consistency", "parser"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Finding(_Frozen):
    code: str  # stable: unknown_claim, truncated, number_mismatch, superseded_version, tick_without_evidence, ...
    severity: Severity
    section: Section
    message: str
    row: int | None = None  # table row number (1-based)
    claim_id: str | None = None
    reference: str | None = None  # arXiv id of a reference


class VerdictView(_Frozen):
    """The registry's verdict on a canonical claim, as shown beside the report's tick."""

    overall: str
    source: str
    replication: str
    summary: str  # why (the source tier's summary; the replication one when that decided)


class MatchScore(_Frozen):
    claim_id: str
    score: float  # 0..1, numbers + key terms + text (weights in claim_match.py)
    numbers: float | None = None  # share of the claim's written numbers found in the row
    terms: float | None = None  # share of the claim's key terms found in the row
    text: float = 0.0  # best text similarity to the statement or a known quotation


class RowAudit(_Frozen):
    row: ClaimRow
    status: Literal["matched", "unknown"]
    claim_id: str | None = None
    method: str = ""  # "numbers + key terms", "quoted text", "key terms + text (numbers differ)", ...
    best: MatchScore | None = None  # the chosen (or, for unknown rows, the nearest) claim
    runner_up: MatchScore | None = None
    row_numbers: list[str] = Field(default_factory=list)
    claim_numbers: list[str] = Field(default_factory=list)  # what a row must agree with: reported, or expected by the check
    number_mismatch: bool = False
    differing_numbers: list[str] = Field(default_factory=list)  # the row's numbers that none of the claim's can be
    negation_mismatch: str = ""  # why the row may state the opposite of the claim ("": it does not)
    model_size_mismatch: list[str] = Field(default_factory=list)  # "XLM-R Base (the claim: XLM-R Large)"
    # counts the row gives that another claim of the paper states otherwise, whatever the row matched:
    # "12 intermediate tasks (2005.13013/setup-nine-tasks: nine)"
    other_claim_counts: list[str] = Field(default_factory=list)
    other_claim_counts_backed: bool = False  # one of those claims is located or supported: an error
    list_count_mismatch: list[str] = Field(default_factory=list)  # the row's count disagrees with its own list of names
    # names the row lists beside the claim's numbers in place of the claim's: "QQP (the claim: HellaSwag)"
    name_mismatch: list[str] = Field(default_factory=list)
    # what those names stand in for the claim's by: "numbers" (a list, or a ranking's subject, beside its
    # numbers), "group" (a list beside the phrase the claim lists its names under), "ranking" (the subject of
    # the ranking of a claim with no numbers), "tasks" (a target task in place of one the claim is checked
    # on: ``task_substitution``); "" for none
    name_mismatch_basis: Literal["", "numbers", "group", "ranking", "tasks"] = ""
    # current claims of the same paper that rank the names the row ranks the other way round, whatever
    # the row matched: "2210.01091/xlnet-worst: the row says XLNet comes out ahead (...), the claim ..."
    other_claim_directions: list[str] = Field(default_factory=list)
    claim_located: bool = True  # False: the matched claim is recorded as others quote it (Claim.located)
    superseded: bool = False  # matches a statement of an older paper version only
    claim_version: str | None = None
    current_claim_id: str | None = None  # what replaced it in the pinned version
    verdict: VerdictView | None = None
    source_work: str | None = None  # arXiv id (or label) of the work the claim really comes from
    source_label: str = ""
    tick_reasons: list[str] = Field(default_factory=list)  # why the tick lacks evidence (empty: fine)

    @property
    def contradicts(self) -> bool:
        """The row says something other than its claim: a number, a direction or negation, a model
        size, another claim's count or ranking, or a name."""
        return (self.number_mismatch or bool(self.negation_mismatch) or bool(self.model_size_mismatch)
                or bool(self.other_claim_counts) or bool(self.name_mismatch) or bool(self.other_claim_directions))


class ReferenceAudit(_Frozen):
    text: str
    arxiv_id: str | None = None
    cited_version: str | None = None
    status: str = "unidentified"  # identified | uncertain | unidentified | not arXiv
    label: str = ""  # title and year, or why unnamed
    year: int | None = None
    topic: str = ""
    is_examined: bool = False
    claims: list[str] = Field(default_factory=list)  # listed claims that come from this paper
    rows: list[int] = Field(default_factory=list)


class Attribution(_Frozen):
    examined_title: str = ""
    examined_id: str | None = None  # resolved through the registry / bibliography
    examined_label: str = ""
    examined_in_references: bool | None = None  # None: examined paper not identified
    examined_cited_version: str | None = None
    pinned_version: str | None = None
    references: list[ReferenceAudit] = Field(default_factory=list)


class FacetAudit(_Frozen):
    key: str
    label: str
    core: bool  # a variable the question asks about (not just its setting)
    rows: list[int] = Field(default_factory=list)  # rows that touch it
    note: str = ""


class QuestionAudit(_Frozen):
    question: str = ""
    verdict: Literal["addressed", "partly addressed", "not addressed", "no question", "not recognised"]
    facets: list[FacetAudit] = Field(default_factory=list)
    message: str = ""


class Check(_Frozen):
    name: str
    stated: str
    observed: str
    ok: bool
    message: str = ""


class ConfidenceSpread(_Frozen):
    """One claim (or one identical sentence) whose stated confidence differs across rows/reports."""

    key: str  # claim id, or "text:<first 60 chars>" for unmatched sentences
    label: str
    same_text: bool  # every row uses the identical sentence
    values: dict[str, list[float]]  # report label -> confidences given there


class ReportInfo(_Frozen):
    label: str
    format: str
    title: str = ""
    date: str = ""
    examined_paper: str = ""
    research_question: str = ""
    papers_retrieved: int | None = None
    claims_extracted: int | None = None
    claims_verified: int | None = None
    quality_score: float | None = None
    quality_scale: float | None = None
    rows: int = 0
    references: int = 0
    notes: list[str] = Field(default_factory=list)


class Scorecard(_Frozen):
    report: ReportInfo
    rows: list[RowAudit]
    attribution: Attribution
    question: QuestionAudit
    checks: list[Check]
    spreads: list[ConfidenceSpread] = Field(default_factory=list)  # cross-report, involving this report
    findings: list[Finding]
    counts: dict[str, int]  # headline numbers (rows, matched, unknown, truncated, ...)


class RecurringClaim(_Frozen):
    claim_id: str
    statement: str
    reports: list[str]  # labels of the reports listing it
    rows: int
    ticked: int
    confidences: list[float]
    verdict: VerdictView | None = None
    located: bool = True  # False: the paper's own sentence for the claim was not found (Claim.located)


class Aggregate(_Frozen):
    reports: int
    rows: int
    claims: list[RecurringClaim]  # canonical claims met, most frequent first
    unknown_rows: int
    spreads: list[ConfidenceSpread] = Field(default_factory=list)
    finding_counts: dict[str, int] = Field(default_factory=dict)  # code -> count over all reports


class InputProblem(_Frozen):
    path: str
    message: str


class PassedOver(_Frozen):
    """A file a folder scan found and did not audit, and why (``workflow_audit.expand_report_paths``)."""

    path: str
    reason: str


class AuditResult(_Frozen):
    schema_version: int = 1
    scorecards: list[Scorecard]
    aggregate: Aggregate | None = None
    problems: list[InputProblem] = Field(default_factory=list)  # inputs that could not be audited
    # files of a folder given that were not audited, not being reports: its own scorecards, hidden files,
    # the file standard output goes to, files that show no part of a synthesis report (a README)
    passed_over: list[PassedOver] = Field(default_factory=list)
    registry_claims: int = 0
    verdicts_from: str = ""  # what produced the verdicts shown

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict:
        # ``passed_over`` only where a folder scan passed something over: the JSON of an audit that passed
        # nothing over is what it was before the field was added
        data = handler(self)
        if not data.get("passed_over"):
            data.pop("passed_over", None)
        return data
