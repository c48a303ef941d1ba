"""Typed records for papers and their claims.

Everything here is validated data: frozen models that reject unknown fields, validated by pydantic
(``claimcheck.model``), so a typo in a YAML file fails loudly with its file, field and message (see
``registry.py``). Numbers a paper states are kept as the *written string* ("8.7", "72.66"): precision
is part of the claim, and the verifier widens each by half a unit of its last digit.
"""

from __future__ import annotations

import math
import re
from enum import Enum
from typing import Annotated, Any, Literal

from claimcheck.model import AfterValidator, Field, Model, StrictFloat, StrictInt, field_validator, model_validator

# A written number: optional sign, ASCII digits, optional decimals, optional percent sign. [0-9], not \d: \d (like
# float() and str.isdigit()) takes the digits of every script, so "１０.０" (full-width) or "١٠" (Arabic-Indic) would pass,
# and a number is kept as written, its interval taken from its last digit.
WRITTEN_NUMBER = re.compile(r"^[+\-−]?[0-9]+(?:\.[0-9]+)?%?$")
PAPER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z")
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*\Z")


class Frozen(Model):
    """The base of the claim file's records (frozen, unknown fields refused: ``claimcheck.model``)."""


def check_written_number(value: str) -> str:
    text = value.strip()
    if not WRITTEN_NUMBER.match(text):
        ascii_form = _with_ascii_digits(text)
        if ascii_form != text and WRITTEN_NUMBER.match(ascii_form):
            raise ValueError(f"{value!r} is written with digits other than ASCII 0-9: write it as {ascii_form!r}")
        raise ValueError(f"{value!r} is not a written number (ASCII digits 0-9, optional sign, decimals, %)")
    if not math.isfinite(float(text.rstrip("%").replace("−", "-"))):
        raise ValueError(f"{value!r} is not finite")
    return text


def _with_ascii_digits(text: str) -> str:
    """``text`` with every decimal digit of another script made its ASCII digit ("１０.０" -> "10.0")."""
    from claimcheck.sources.numbers import ascii_digits  # only when a number is refused: not on `verify all`'s path

    return ascii_digits(text)


# A number kept as written; validated item by item so errors name the index.
WrittenNumber = Annotated[str, AfterValidator(check_written_number)]
# The other numbers of a claim file (tolerances, a derivation's quorum or margin, a fact's count, a year) are YAML
# numbers: strict, so text is refused rather than parsed by a second set of rules (pydantic's lax parsing would
# read "1_0" as 10 and true as 1, and the verifier reads some of them again from the raw parameters)
Number = StrictFloat  # an int is taken too (3 -> 3.0)
WholeNumber = StrictInt


def number_error(err: dict) -> str | None:
    """The message for a pydantic error on a ``Number`` or ``WholeNumber`` field given text, a bool
    (or, for a whole number, a float), else None."""
    if err["type"] not in ("float_type", "int_type") or not isinstance(err.get("input"), (str, bool, float)):
        return None
    value, whole = err["input"], err["type"] == "int_type"
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool):
        return f"{str(value).lower()} is not {kind}"
    if isinstance(value, float):  # 3.0 where a count belongs
        return f"{value!r} is not {kind}" + (f": write {int(value)}" if value.is_integer() else "")
    ascii_form = _with_ascii_digits(value.strip())
    fits = re.fullmatch(r"[+-]?[0-9]+" if whole else r"[+-]?[0-9]+(?:\.[0-9]+)?", ascii_form)
    return f"{value!r} is text, not {kind}: write {ascii_form if fits else kind} unquoted, in ASCII digits"


class Reliability(str, Enum):
    """How far a source can be trusted for a number."""

    primary = "primary"  # the paper itself
    secondary = "secondary"  # a later paper / leaderboard quoting it
    low = "low"  # e.g. an AI-generated summary: shown, never decisive alone


class Source(Frozen):
    """Where a cell or fact was read: a citable locator."""

    id: str
    title: str
    locator: str  # URL, arXiv id + table, repository path @ commit ...
    reliability: Reliability
    note: str = ""


class ReportedCell(Frozen):
    """One number as a source prints it, e.g. X-STILTs / XNLI / avg / accuracy / test = "80.0"."""

    system: str
    task: str
    language: str = "avg"  # "avg" = already averaged over the task's languages
    metric: str
    split: Literal["dev", "test", "train"]
    value: WrittenNumber
    source: str  # id of a Source of the same paper
    locator: str  # table / row / column inside that source


class Fact(Frozen):
    """A methodological fact with the quote or locator that establishes it."""

    key: str
    value: Any  # str, number or list of str
    source: str
    quote: str = ""


class VersionNote(Frozen):
    version: str  # "v1"
    date: str = ""
    summary: str  # in our own words: what this version said that the pinned one no longer does


class Paper(Frozen):
    id: str  # "2005.13013"
    arxiv_id: str | None = None
    version: str  # pinned version, "v2"
    title: str
    authors: list[str]
    venue: str = ""
    year: WholeNumber
    sources: list[Source] = Field(default_factory=list)
    cells: list[ReportedCell] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    version_notes: list[VersionNote] = Field(default_factory=list)
    not_found: list[str] = Field(default_factory=list)  # what we looked for and could not read
    draft: bool = False  # files written by `claimcheck add` start as drafts

    @field_validator("id")
    @classmethod
    def _safe_id(cls, v: str) -> str:
        if not PAPER_ID.match(v) or ".." in v:
            raise ValueError(f"paper id {v!r} must be letters, digits, '.', '_' or '-' (no paths)")
        return v

    @model_validator(mode="after")
    def _sources_resolve(self) -> Paper:
        known = {s.id for s in self.sources}
        if len(known) != len(self.sources):
            raise ValueError("two sources share an id")
        for i, cell in enumerate(self.cells):
            if cell.source not in known:
                raise ValueError(f"cells[{i}].source {cell.source!r} is not one of the paper's sources {sorted(known)}")
        for i, fact in enumerate(self.facts):
            if fact.source not in known:
                raise ValueError(f"facts[{i}].source {fact.source!r} is not one of the paper's sources {sorted(known)}")
        return self

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)


class ClaimKind(str, Enum):
    quantity = "quantity"
    comparison = "comparison"
    effect = "effect"
    setup = "setup"
    background = "background"


class Derivation(Frozen):
    """A registered derivation by name, with its parameters (never code)."""

    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class Tolerance(Frozen):
    """How a derived value is compared with the reported one.

    ``written_precision``: the reported string is widened by half a unit of its last digit
    (statcheck's rule). ``extra`` widens it further by an absolute amount, for claims whose text
    rounds more loosely than it is written ("about 5 points"). ``confidence`` is the level of the
    replication prediction interval.
    """

    rule: Literal["written_precision"] = "written_precision"
    extra: Number = 0.0
    confidence: Number = 0.95
    # an interval over seeds needs at least two; with two, t(0.975, 1) = 12.7 makes the prediction interval
    # about 15 sd wide, so any paper number passes: three is the default floor
    min_seeds: WholeNumber = Field(3, ge=2)

    @field_validator("extra")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v) or v < 0:
            raise ValueError("extra must be a finite number >= 0")
        return v

    @field_validator("confidence")
    @classmethod
    def _level(cls, v: float) -> float:
        # the intervals use the quantile at 0.5 + confidence / 2, which rounds to 1 (an infinite
        # quantile) for a confidence within a rounding step of 1, such as 0.9999999999999999
        if not (0.5 <= v < 1.0 and 0.5 + v / 2 < 1.0):
            raise ValueError("confidence must be in [0.5, 1), and not so close to 1 that 0.5 + confidence / 2 rounds to 1")
        return v


class Location(Frozen):
    section: str = ""
    table: str = ""
    quote_source: str = ""  # a Source id whose text carries the statement (e.g. the abstract)
    note: str = ""

    @model_validator(mode="after")
    def _something(self) -> Location:
        if not (self.section or self.table or self.quote_source):
            raise ValueError("a location needs a section, a table or a quote_source")
        return self


class Claim(Frozen):
    id: str  # "<paper-id>/<slug>", checked against the file's paper by the registry
    statement: str  # our own words, one sentence
    kind: ClaimKind
    version: str  # paper version that makes this statement ("v2"); older = superseded
    superseded_by: str | None = None  # claim id in the pinned version, if any
    location: Location
    reported: list[WrittenNumber] = Field(default_factory=list)  # written numbers, in statement order
    derivation: Derivation
    tolerance: Tolerance = Field(default_factory=Tolerance)
    attributed_to: str | None = None  # for background claims: whose claim it really is
    reported_by: list[str] = Field(default_factory=list)  # texts third parties used (for matching)
    key_terms: list[str] = Field(default_factory=list)  # words a matching row must share
    replication_arms: list[str] = Field(default_factory=list)  # systems a replication must run
    draft: bool = False
    # False when the paper's own sentence was not found in any source we could read: the statement is
    # recorded as third parties attribute it to the paper, numbers included, and the paper may not say
    # it (location.note: what was looked for; a secondary source may still support the content)
    located: bool = True
    notes: str = ""

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        paper, sep, slug = v.partition("/")
        if not sep or not PAPER_ID.match(paper) or not SLUG.match(slug) or ".." in v or "/" in slug:
            raise ValueError(f"claim id {v!r} must be '<paper-id>/<slug>' with a lower-case slug and no path parts")
        return v

    @model_validator(mode="after")
    def _kind_rules(self) -> Claim:
        if self.kind is ClaimKind.background and not self.attributed_to:
            raise ValueError("a background claim needs attributed_to (whose claim it is)")
        if not self.located and self.location.quote_source:
            raise ValueError("a claim that is not located has no quote_source (a quoted source carries the statement)")
        if not self.located and not self.location.note:
            raise ValueError("a claim that is not located needs location.note: what was looked for, and where")
        return self

    @property
    def paper_id(self) -> str:
        return self.id.split("/", 1)[0]


class PaperFile(Frozen):
    """One YAML file of the registry: a paper and its claims."""

    paper: Paper
    claims: list[Claim] = Field(default_factory=list)
