"""Auditing a synthesis report, the words: each row's findings, and why a row's tick is not backed (pure).

``tick_reasons``: a tick with a confidence below ``LOW_CONFIDENCE``, on an unknown row, on a claim
the registry cannot support (verdict in ``WEAK_VERDICTS``), or on a row whose number, unit,
direction, names or version differ from its claim's, or whose claim's own sentence was not located.
``row_findings``: what a scorecard says of its rows (cut off, unknown, a number or model size that
contradicts the claim, a possible opposite, a count or ranking another claim states otherwise, a
substituted name, a superseded version, a tick without evidence), with the severity of each. At most
``SHOWN_CLAIMS`` of the other claims a row may reverse are given with their reasons.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimcheck.claims.registry import Registry
from claimcheck.sources.synthesis_row import ClaimRow
from claimcheck.audit.models import Finding, RowAudit, Severity, VerdictView
from claimcheck.audit.contradiction import unit_conflicts
from claimcheck.audit.row_numbers import states_number

LOW_CONFIDENCE = 0.5  # a tick stated with less than even confidence is a tick the report itself doubts
SHOWN_CLAIMS = 2  # a finding gives this many of the other claims a row may reverse with their reasons, the rest by id
WEAK_VERDICTS = {"unverified", "inconclusive", "contradicted", "disputed", "infra_failure"}


def _clip(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"



# where a row's names stand in for the claim's (``RowAudit.name_mismatch_basis``), in a tick reason and in a finding
_RENAMED_TICK = {"numbers": "beside the claim's numbers", "ranking": "as the subject of the claim's ranking",
                 "group": "in the list the claim gives under the same phrase",
                 "tasks": "among the target tasks the claim is checked on"}
_RENAMED_FINDING = {"numbers": "beside the same numbers", "ranking": "as the subject of the same ranking (the claim has no numbers)",
                    "group": "in the list the claim gives under the same phrase",
                    "tasks": "among the target tasks it is checked on"}


def tick_reasons(row: ClaimRow, claim_id: str | None, verdict: VerdictView | None, mismatch: bool, superseded: bool,
                  located: bool = True, opposite: bool = False, renamed: Sequence[str] = (),
                  reversed_elsewhere: Sequence[str] = (), units: Sequence[tuple[str, str]] = (),
                  renamed_basis: str = "numbers") -> list[str]:
    """Why a tick is not backed; ``units``: (the row's, the claim's) number with its unit, for a
    number the row gives in another unit than the claim ("100 steps" against "100 epochs");
    ``renamed_basis``: what ``renamed``'s names stand in for the claim's by (``RowAudit.name_mismatch_basis``)."""
    if row.verified is not True:
        return []
    reasons = []
    if row.confidence is not None and row.confidence < LOW_CONFIDENCE:
        reasons.append(f"ticked with a stated confidence of {row.confidence:.2f} (below {LOW_CONFIDENCE})")
    if claim_id is None:
        reasons.append("ticked, but it matches no claim in the registry: there is nothing it was checked against")
    elif verdict is not None and verdict.overall in WEAK_VERDICTS:
        reasons.append(
            f"registry verdict {verdict.overall} (source tier {verdict.source}, replication {verdict.replication}): {_clip(verdict.summary)}"
        )
    if units:  # the number itself agrees: its unit is what differs
        said = f"{_and(mine for mine, _ in units)} (the claim: {_and(theirs for _, theirs in units)})"
        reasons.append(f"ticked, but it gives {said}: the same number in another unit" + (
            "" if located else " than the one other reports quote (the paper's own text was not located)"))
    elif mismatch:
        reasons.append("ticked, but its number differs from the paper's" if located else
                       "ticked, but its number differs from the one other reports quote (the paper's own text was not located)")
    if opposite:
        reasons.append("ticked, but it may state the opposite of the registry claim (a direction, a negation or a model size differs)")
    if renamed:
        where = _RENAMED_TICK.get(renamed_basis, _RENAMED_TICK["numbers"])
        reasons.append(f"ticked, but it names {'; '.join(renamed)} {where}")
    if reversed_elsewhere:
        ids = [r.split(": ", 1)[0] for r in reversed_elsewhere]
        named = _and(ids) if len(ids) <= SHOWN_CLAIMS else f"{len(ids)} claims of the paper ({', '.join(ids[:SHOWN_CLAIMS])} and {len(ids) - SHOWN_CLAIMS} more)"
        reasons.append(f"ticked, but it may rank the names the other way round from {named}")
    if claim_id is not None and not located:
        reasons.append("ticked, but the paper's own sentence for it was not found in any source we could read: nothing "
                       "confirms the paper says it (a registry verdict judges the content)")
    if superseded:
        reasons.append("ticked, but it quotes a statement the paper no longer makes")
    return reasons



def _reversed_claims(reversed_elsewhere: Sequence[str]) -> str:
    """The other claims a row may reverse, for a finding's message: each with its reason up to
    ``SHOWN_CLAIMS``; beyond that, how many there are, the first ones with their reasons and the rest
    by id (a full reversal of a paper's ranking reverses all its ranking claims; the row's
    ``other_claim_directions`` keeps every reason)."""
    if len(reversed_elsewhere) == 1:
        return f"another claim of the paper: {reversed_elsewhere[0]}"
    if len(reversed_elsewhere) <= SHOWN_CLAIMS:
        return "other claims of the paper: " + "; ".join(reversed_elsewhere)
    rest = [r.split(": ", 1)[0] for r in reversed_elsewhere[SHOWN_CLAIMS:]]
    return (f"{len(reversed_elsewhere)} other claims of the paper: " + "; ".join(reversed_elsewhere[:SHOWN_CLAIMS])
            + f"; also {_and(rest)}")


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _contradiction_severity(r: RowAudit) -> Severity:
    """A row whose number or model size contradicts its claim is an error when the paper's own
    sentence was located or the registry's check supports the claim from a source; otherwise (a
    statement recorded as other reports quote it, unconfirmed) two quoting texts disagree and neither
    is the paper's: a warning. A negation mismatch is always a warning (a heuristic on English text:
    "no fewer than nine" or "targets with no training data" agree)."""
    supported = r.verdict is not None and r.verdict.overall == "supported"
    return "error" if r.claim_located or supported else "warning"


def row_findings(rows: list[RowAudit], registry: Registry | None = None) -> list[Finding]:
    """Each row's findings; ``registry``: the claims the rows matched, for a number stated in
    another unit than its claim's ("100 steps" against "100 epochs": ``unit_conflicts``)."""
    out: list[Finding] = []
    cut = [r.row for r in rows if r.row.truncated]
    if cut:
        lengths = sorted({len(r.text) for r in cut})
        span = f"{lengths[0]}" if len(lengths) == 1 else f"{lengths[0]}-{lengths[-1]}"
        out.append(Finding(code="truncated", severity="info", section="resolution",
                           message=f"{len(cut)} of {len(rows)} rows are cut off mid-sentence ({span} characters): row{'s' if len(cut) > 1 else ''} {', '.join(r.shown for r in cut)}"))
    for r in rows:
        n = r.row.number
        shown = r.row.shown  # "4 (its #7)" where the table numbers it 7
        if r.list_count_mismatch:
            out.append(Finding(code="list_count_mismatch", severity="warning", section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {shown} contradicts itself: {'; '.join(r.list_count_mismatch)}"))
        if r.status == "unknown":
            why = f"; {r.method}" if r.method else ""  # not about the nearest claim's paper
            near = f" (nearest: {r.best.claim_id}, score {r.best.score:.2f}{why})" if r.best else ""
            out.append(Finding(code="unknown_claim", severity="warning", section="resolution", row=n,
                               message=f"row {shown} matches no claim in the registry{near}: \"{r.row.text[:80]}\""))
            continue
        severity = _contradiction_severity(r)
        if r.number_mismatch:
            where = "reports" if r.claim_located else "is recorded (as other reports quote it; not located in the paper) with"
            backed = " (a number the registry's check supports)" if not r.claim_located and severity == "error" else ""
            # the claim's numbers the row leaves out, those written in digits first ("7.0" rather than "three")
            missing = [c for c in r.claim_numbers if not any(states_number(w, c) for w in r.row_numbers)]
            missing = [c for c in missing if not c.isalpha()] or missing
            stated = ', '.join(r.differing_numbers or r.row_numbers)
            units = unit_conflicts(r.row.text, registry.claims[r.claim_id]) if registry and r.claim_id in registry.claims else []
            if units:  # the claim's number, its unit another: the number alone would read as agreeing
                message = (f"row {shown} states {_and(mine for mine, _ in units)} where {r.claim_id} {where} "
                           f"{_and(theirs for _, theirs in units)}{backed}: the same number in another unit")
            elif missing:
                message = f"row {shown} states {stated} where {r.claim_id} {where} {', '.join(missing)}{backed}"
            else:  # the row states all of the claim's numbers, and another count of the same things: none to name
                recorded = "" if r.claim_located else " (recorded as other reports quote it; not located in the paper)"
                message = f"row {shown} states {stated} beside all of {r.claim_id}'s own numbers; the claim{recorded} has no {stated}{backed}"
            out.append(Finding(code="number_mismatch", severity=severity, section="resolution",
                               row=n, claim_id=r.claim_id, message=message))
        if r.negation_mismatch:
            out.append(Finding(code="negation_mismatch", severity="warning", section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {shown} may state the opposite of {r.claim_id}: {r.negation_mismatch}"))
        if r.other_claim_counts:
            out.append(Finding(code="other_claim_count", severity="error" if r.other_claim_counts_backed else "warning",
                               section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {shown} gives {'; '.join(r.other_claim_counts)}: a count another claim of the "
                                       "paper states otherwise"))
        if r.other_claim_directions:
            out.append(Finding(code="other_claim_direction", severity="warning", section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {shown} may rank the names the other way round from {_reversed_claims(r.other_claim_directions)}"))
        if r.name_mismatch:
            pairs = [m.removesuffix(")").split(" (the claim: ") for m in r.name_mismatch]
            where = _RENAMED_FINDING.get(r.name_mismatch_basis, _RENAMED_FINDING["numbers"])
            # a task put among the checked ones may be something true the claim does not say: a warning
            tasks = r.name_mismatch_basis == "tasks"
            unbacked = f" (the claim says nothing of {_and(a for a, _ in pairs)})" if tasks else ""
            out.append(Finding(code="name_mismatch", severity="warning" if tasks else severity, section="resolution", row=n,
                               claim_id=r.claim_id, message=f"row {shown} names {_and(a for a, _ in pairs)} where {r.claim_id} names "
                                                           f"{_and(b for _, b in pairs)}, {where}{unbacked}"))
        if r.model_size_mismatch:
            out.append(Finding(code="model_size_mismatch", severity=severity, section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {shown} names {'; '.join(r.model_size_mismatch)}, another size of the model than {r.claim_id}"))
        if r.superseded:
            now = f"; the pinned version says instead: {r.current_claim_id}" if r.current_claim_id else ""
            out.append(Finding(code="superseded_version", severity="error", section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {shown} quotes the {r.claim_version} statement {r.claim_id}, superseded{now}"))
    for r in rows:
        if r.tick_reasons:
            out.append(Finding(code="tick_without_evidence", severity="warning", section="tick", row=r.row.number, claim_id=r.claim_id,
                               message=f"row {r.row.shown}: " + "; ".join(r.tick_reasons)))
    return out

