"""The words, tones and anchors every renderer shares, so the four formats say the same thing.

A *tone* groups verdict values for colouring: ``good`` (consistent, reproduced, supported),
``bad`` (inconsistent, direction error, not reproduced, contradicted), ``warn`` (direction only,
disputed, inconclusive), ``fail`` (infra failure) and ``none`` (nothing could be checked).

Fidelity is spelled out next to every replication verdict that is not at full fidelity, so a
proxy replication is labelled "proxy" wherever its verdict or its intervals appear.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from claimcheck.verifier.verdict import ClaimVerdict, Span, TierResult, VerificationReport, left_out_seeds

TONES: dict[str, str] = {
    "consistent": "good",
    "reproduced": "good",
    "supported": "good",
    "inconsistent": "bad",
    "direction_error": "bad",
    "not_reproduced": "bad",
    "contradicted": "bad",
    "direction_only": "warn",
    "direction_supported": "warn",
    "disputed": "warn",
    "inconclusive": "warn",
    "infra_failure": "fail",
    "not_derivable": "none",
    "not_run": "none",
    "unverified": "none",
}

MEANINGS: dict[str, str] = {
    "consistent": "the claim's interval meets the one re-derived from the paper's cells",
    "inconsistent": "the re-derived interval misses the claimed one",
    "direction_error": "the sign or order flips (worse than a magnitude miss)",
    "not_derivable": "cells needed to re-derive the claim are missing (named in the evidence)",
    "reproduced": "the claimed interval meets the 95% prediction interval over seeds, and the CI lies beyond half of it (full fidelity)",
    "direction_only": "the replication agrees in direction; the magnitude is not confirmed",
    "not_reproduced": "the replication contradicts the direction, or (full fidelity) misses the claimed value or half of it",
    "inconclusive": "too few seeds or too wide an interval to decide, or nothing this fidelity can compare",
    "not_run": "no replication run covers this claim",
    "infra_failure": "a run crashed or is missing (never counted as not reproduced)",
}

FIDELITY_NOTES: dict[str, str] = {
    "full": "full: the paper's model, data and protocol",
    "reduced": "reduced: same model family and data, less of it; cannot confirm the magnitude",
    "proxy": "proxy: substituted model or data; can at most support or contradict the direction",
}

TIER_ORDER = ("source", "replication")
REPLICATED_ROLES = {"replicated_pi", "replicated_ci", "seed"}
ROLE_NAMES: dict[str, str] = {
    "reported": "reported",
    "derived": "derived from cells",
    "implied": "implied value",
    "replicated_pi": "replicated, 95% prediction interval",
    "replicated_ci": "replicated, 95% confidence interval",
    "seed": "replicated, one seed",
}


def tone_of(verdict: str) -> str:
    return TONES.get(verdict, "none")


def words(value: str) -> str:
    """``direction_only`` -> ``direction only``: how verdict values read in prose."""
    return value.replace("_", " ")


def fidelity_mark(tier: TierResult) -> str:
    """"proxy" / "reduced" when a replication ran below full fidelity, else ""."""
    if tier.fidelity and tier.fidelity != "full":
        return tier.fidelity
    return ""


def replication_label(tier: TierResult) -> str:
    """The replication verdict with its fidelity cap spelled out: ``direction_only (proxy)``."""
    mark = fidelity_mark(tier)
    return f"{tier.verdict} ({mark})" if mark else tier.verdict


def is_superseded(cv: ClaimVerdict) -> bool:
    return cv.superseded_by is not None or (bool(cv.version) and cv.version != cv.pinned_version)


def superseded_note(cv: ClaimVerdict) -> str:
    note = f"superseded: stated in {cv.version}; the pinned version is {cv.pinned_version}"
    if cv.superseded_by:
        note += f"; replaced by {cv.superseded_by}"
    return note


def attributed_note(cv: ClaimVerdict) -> str:
    return f"attributed to {cv.attributed_to}: the paper reports this as another work's claim"


NOT_LOCATED = "not located in the paper"


def located_note(cv: ClaimVerdict) -> str:
    """For a claim no readable source carries: what that means, and what was looked for ("" otherwise)."""
    if cv.located:
        return ""
    return (f"{NOT_LOCATED}: the paper's own sentence for this statement was not found in any source we could "
            "read, so its wording and numbers are as third parties attribute them to the paper, which may not say "
            f"it; a verdict on it judges the content, not whether the paper states it. {cv.location_note}").strip()


def claim_marks(cv: ClaimVerdict) -> list[str]:
    """Short marks shown next to a claim id in summaries."""
    marks = []
    if cv.draft:
        marks.append("draft: not confirmed (R0)")
    if is_superseded(cv):
        marks.append(f"superseded ({cv.version})")
    if cv.attributed_to:
        marks.append(f"attributed: {cv.attributed_to}")
    if not cv.located:
        marks.append(NOT_LOCATED)
    left_out = left_out_seeds(cv.replication)
    if left_out:  # --drop-ambiguous-seeds: the replication was judged without these seeds
        marks.append(f"left out seed(s) {', '.join(left_out)}: two runs each")
    return marks


def rule_text(rules: Iterable[Sequence[str]], rule_id: str) -> str:
    for rid, text in rules:
        if rid == rule_id:
            return text
    return "(rule not in the table)"


def claim_spans(cv: ClaimVerdict) -> list[Span]:
    """Every interval of a claim for plotting: source spans first, then replication spans.

    Replicated spans from a proxy (or reduced) run get the fidelity in their label, so a plot never
    shows a proxy interval without saying so.
    """
    spans = list(cv.source.spans)
    mark = fidelity_mark(cv.replication)
    for span in cv.replication.spans:
        if mark and span.role in REPLICATED_ROLES and mark not in span.label.lower():
            span = span.model_copy(update={"label": f"{span.label} ({mark})"})
        spans.append(span)
    return spans


def ordered_tiers(report: VerificationReport) -> list[str]:
    known = [t for t in TIER_ORDER if t in report.coverage]
    return known + sorted(t for t in report.coverage if t not in TIER_ORDER)


def coverage_counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-"


def coverage_reasons_text(reasons: dict[str, int]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in sorted(reasons.items())) or "-"


# Each claim's section also holds one anchor per tier: "<anchor>-source", "<anchor>-replication".
CLAIM_ANCHOR_PARTS = ("source", "replication")
_NOT_IN_SLUG = re.compile(r"[\W_]+")


def anchors_for(keys: Iterable[str], prefix: str, parts: Sequence[str] = (),
                name: Callable[[str], str] | None = None) -> dict[str, str]:
    """One unique HTML anchor per key, stable: it depends only on the key, and on whether another key
    in ``keys`` would read the same.

    The anchor is ``prefix`` and a readable slug of the key, or of ``name(key)`` (letters and digits
    lower-cased, every other run of characters one ``-``). Keys whose slugs meet (``p/a.b``, ``p/a-b``,
    ``P/a_b``), or where one's slug with a part (``<anchor>-source``) is another's, get ``--`` and a
    short hash of the key appended, each of them, whatever their order. A slug never holds ``--``, so a hashed anchor
    cannot meet a plain one. Every link to a section must use the anchor this returns (and its
    ``parts``)."""
    keys = list(dict.fromkeys(keys))
    base = {key: prefix + (_NOT_IN_SLUG.sub("-", (name(key) if name else key).lower()).strip("-") or "x") for key in keys}
    owners: dict[str, set[str]] = {}
    for key, anchor in base.items():
        for taken in (anchor, *(f"{anchor}-{part}" for part in parts)):
            owners.setdefault(taken, set()).add(key)
    shared = {key for same in owners.values() if len(same) > 1 for key in same}
    if not shared:
        return base
    import hashlib  # only here: its import costs ~5 ms, and ids rarely meet

    digest = {key: hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest() for key in shared}
    for n in (8, 16, 64):  # two distinct keys share the first 8 hex digits once in 4 billion pairs
        hashed = {key: f"{base[key]}--{digest[key][:n]}" for key in shared}
        if len(set(hashed.values())) == len(hashed):
            break
    return {key: hashed.get(key, anchor) for key, anchor in base.items()}


def claim_anchors(claim_ids: Iterable[str]) -> dict[str, str]:
    """A unique, URL-safe anchor per claim id (``phang2020/gain-8.7`` -> ``claim-phang2020-gain-8-7``;
    ``anchors_for``)."""
    return anchors_for(claim_ids, "claim-", CLAIM_ANCHOR_PARTS)


_INF = float("inf")


def format_number(x: float, digits: int = 3) -> str:
    """A plot/table number: fixed digits, trailing zeros trimmed, non-finite spelled out."""
    if x != x:
        return "NaN"
    if x == _INF or x == -_INF:  # (constants: float("inf") per call parsed a text twice, ~1 M instructions of the reports)
        return "inf" if x > 0 else "-inf"
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def span_text(span: Span) -> str:
    if span.lo == span.hi:
        return format_number(span.lo)
    return f"[{format_number(span.lo)}, {format_number(span.hi)}]"
