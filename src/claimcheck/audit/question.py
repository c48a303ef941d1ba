"""Research-question coverage: does any listed claim touch what the report says it answers?

A question is broken into *facets* recognised by patterns. Core facets are the variables a question
asks about (XTREME-R, parameter count or model scale, low-resource languages, training-data size,
multilingual vs English intermediate training, training duration, multi- vs single-task); context
facets (XTREME, zero-shot cross-lingual transfer, intermediate-task training) only set the scene and
are covered by almost any claim of the field, so they never make a question "addressed" on their own.
A facet counts as touched when a row's text, or the statement of the canonical claim it matched,
mentions it. Touching is a weak test on purpose: a report that does not even touch its question's
variables certainly does not answer it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from claimcheck.audit.models import FacetAudit, QuestionAudit


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    core: bool
    pattern: str
    introduced_by: str | None = None  # arXiv id of the paper that introduced it (for date checks)

    def search(self, text: str) -> bool:
        return re.search(self.pattern, text, re.I) is not None


FACETS: tuple[Facet, ...] = (
    Facet("xtreme-r", "XTREME-R", True, r"xtreme[\s-]*r\b", introduced_by="2104.07412"),
    Facet(
        "model-scale",
        "parameter count / model scale",
        True,
        r"parameter count|number of parameters|\bparameters?\b|model (?:size|scale|capacity)|\bscal(?:e|es|ing)\b|larger (?:\w+ ){0,3}models?",
    ),
    Facet("low-resource", "low-resource / underrepresented languages", True, r"low[\s-]resource|under[\s-]?represented|resource[\s-]poor"),
    Facet("data-size", "training-data size", True, r"(?:training[\s-])?data(?:set)?[\s-]sizes?|amount of (?:training )?data|order of magnitude larger"),
    Facet(
        "multilingual-intermediate",
        "multilingual / target-language vs English intermediate training",
        True,
        r"multilingual intermediate|target[\s-]language intermediate|english[\s-]only|machine[\s-]translat|translated|multilingual mlm",
    ),
    Facet("training-duration", "training duration", True, r"training duration|training time|\bepochs?\b|training steps"),
    Facet("multi-task", "multi-task vs single-task intermediate training", True, r"multi[\s-]?task|multiple intermediate tasks|single[\s-]task|ensemble"),
    Facet("xtreme", "XTREME", False, r"\bxtreme\b(?![\s-]*r\b)"),
    Facet("cross-lingual", "zero-shot cross-lingual transfer", False, r"zero[\s-]shot|cross[\s-]lingual"),
    Facet("intermediate", "intermediate-task training", False, r"intermediate[\s-]tasks?|intermediate training"),
)


def check_question(
    question: str,
    row_texts: Sequence[tuple[int, str]],
    *,
    examined_year: int | None = None,
    facet_years: dict[str, int] | None = None,
    shown: Mapping[int, str] | None = None,
) -> QuestionAudit:
    """Coverage of ``question`` by the rows ``(row number, text to search)``.

    ``shown`` names a row as the other findings do where the claims table numbers it otherwise than by
    position (``ClaimRow.shown``: "4 (its #7)"); a row not in it is named by its position.

    ``facet_years`` maps a facet's ``introduced_by`` arXiv id to its year, so a question about a
    benchmark newer than the examined paper can say that the paper cannot have measured it.
    """
    if not question.strip():
        return QuestionAudit(question="", verdict="no question", message="the report states no research question")
    asked = [f for f in FACETS if f.search(question)]
    facets = []
    for f in asked:
        rows = [n for n, text in row_texts if f.search(text)]
        note = ""
        year = (facet_years or {}).get(f.introduced_by or "")
        if year and examined_year and year > examined_year and not rows:
            note = f"{f.label} appeared in {year}, after the examined paper ({examined_year}): that paper cannot report on it"
        facets.append(FacetAudit(key=f.key, label=f.label, core=f.core, rows=rows, note=note))
    core = [f for f in facets if f.core]
    if not facets:
        return QuestionAudit(question=question, verdict="not recognised", facets=[], message="no known facet recognised in the question")
    if not core:
        touched = [f for f in facets if f.rows]
        verdict = "addressed" if touched else "not addressed"
        return QuestionAudit(question=question, verdict=verdict, facets=facets, message=_message(verdict, facets, shown or {}))
    touched = [f for f in core if f.rows]
    verdict = "addressed" if len(touched) == len(core) else "partly addressed" if touched else "not addressed"
    return QuestionAudit(question=question, verdict=verdict, facets=facets, message=_message(verdict, facets, shown or {}))


def _message(verdict: str, facets: list[FacetAudit], shown: Mapping[int, str]) -> str:
    core = [f for f in facets if f.core] or facets
    missing = [f.label for f in core if not f.rows]
    touched = [f"{f.label} ({_rows(f.rows, shown)})" for f in core if f.rows]
    if verdict == "addressed":
        return "every variable of the question is touched by a listed claim: " + "; ".join(touched)
    if verdict == "not addressed":
        return "no listed claim touches what the question asks about: " + ", ".join(missing)
    return "no listed claim touches " + ", ".join(missing) + "; touched: " + "; ".join(touched)


def _rows(rows: list[int], shown: Mapping[int, str]) -> str:
    """``rows 1, 4 (its #7)``: by position, with the table's own number where that differs."""
    return f"row{'s' if len(rows) > 1 else ''} {', '.join(shown.get(n, str(n)) for n in rows)}"
