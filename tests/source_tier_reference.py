"""The source tier's per-claim judgement as it was written before its fast paths (revision 14e8cb2):
``check_source`` raising and catching ``NotDerivable`` per view, ``render_missing`` per view, ``_implied``
reading the claim's attributes. ``test_source_tier_fast_path`` compares the source tier with it.

Kept as it was, but for the imports (the helpers it calls are the source tier's own).
"""

from __future__ import annotations

from claimcheck.claims.models import Claim, ClaimKind, Paper
from claimcheck.verifier.derive import run_derivation
from claimcheck.verifier.implied import implied_missing_mean
from claimcheck.verifier.intervals import Interval, written_interval
from claimcheck.verifier.source_tier import PaperSources, judge, reported_intervals
from claimcheck.verifier.table import CellKey, NotDerivable, Table
from claimcheck.verifier.verdict import SourceVerdict, TierResult, ViewResult, span, trusted

_LOW = "low"
_NOT_DERIVABLE, _NOT_DERIVABLE_VALUE = SourceVerdict.not_derivable, SourceVerdict.not_derivable.value


def render_missing(missing: list[CellKey]) -> list[str]:
    """Missing cells grouped by system and split: 'MNLI (dev): xnli accuracy, tydiqa em, tydiqa f1'."""
    # a plain dict, and each key unpacked as the tuple it is: every not-derivable claim renders its cells
    groups: dict[tuple[str, str], list[str]] = {}
    for system, task, metric, split in missing:
        item = f"{task} {metric}".replace(" *", "")
        found = groups.get((system, split))
        if found is None:
            groups[(system, split)] = [item]
        else:
            found.append(item)
    out = []  # a loop, not a comprehension: no function object built and called per claim
    for (system, split), items in sorted(groups.items()):
        out.append(f"{system} ({split}): {', '.join(items)}")
    return out


def check_source(claim: Claim, paper: Paper, shared: PaperSources | None = None) -> TierResult:
    """Judge ``claim`` on ``paper``'s cells (``shared``: the paper's PaperSources, reused across claims)."""
    if shared is None:
        shared = PaperSources(paper)
    ctx = shared.ctx
    views: list[ViewResult] = []
    # The verdict objects are built without validation (``verdict.trusted``): every field below is
    # already of its type (str, float bounds, SourceVerdict members, lists built here)
    # reported_intervals(claim) zipped with the written numbers, as one loop (no two comprehensions per claim)
    spans = []
    extra = claim.tolerance.extra
    for v in claim.reported:
        iv = written_interval(v, extra)
        spans.append(span(f"reported {v}", iv[0], iv[1], "reported"))
    reasons: list[str] = []
    reasons_implied: list[str] = []
    missing_keys: list[list[CellKey]] = []
    n_derived = 0
    for label, table in shared.views(claim):
        try:
            derived = run_derivation(claim.derivation.name, table, claim.derivation.params, ctx)
        except NotDerivable as exc:
            missing_keys.append(exc.missing)
            lines = [exc.reason] if exc.reason else []
            if exc.reason:
                reasons.append(exc.reason)
            elsewhere = [k for k in exc.missing if k in shared.given] if shared.given else []
            if elsewhere:  # a view takes a task's metrics in one language from one source (paper_observations)
                lines.append(f"not combined across sources: {'; '.join(render_missing(elsewhere))} "
                             "(another source gives these, but not with the rest of the task's metrics)")
            implied = _implied(claim, table, exc)
            if implied:
                iv, implied_lines = implied
                lines += implied_lines
                reasons_implied.append(f"for {claim.reported[0]} to hold they would have to average {iv.render(2)}")
                spans.append(span(f"implied ({label})", iv.lo, iv.hi, "implied"))
            cells = shared.cell_uses(table.used) if table.used else []
            weak = [f"{c.system}/{c.task}" for c in cells if c.reliability == _LOW] if cells else []
            if implied and weak:
                lines.append(f"the implied value depends on low-reliability cells: {', '.join(weak)}")
            views.append(trusted(ViewResult, {"label": label, "verdict": _NOT_DERIVABLE, "lines": lines,
                                              "cells": cells, "missing": render_missing(exc.missing)}))
            continue
        n_derived += 1
        verdict = judge(claim, derived)
        cells = shared.cell_uses(table.used)
        weak = [f"{c.system}/{c.task}" for c in cells if c.reliability == _LOW] if cells else []
        lines = derived.lines + ([f"depends on low-reliability cells: {', '.join(weak)}"] if weak else [])
        views.append(trusted(ViewResult, {"label": label, "verdict": verdict, "lines": lines, "cells": cells}))
        for lab, iv in zip(derived.labels, derived.values):
            spans.append(span(f"{lab} ({label})", iv.lo, iv.hi, "derived"))
        if derived.margin is not None:
            spans.append(span(f"order margin ({label})", derived.margin.lo, derived.margin.hi, "derived"))
    # the common case, every view not derivable, skips the two comprehensions (about 2,500 instructions)
    derivable = [v for v in views if v.verdict is not _NOT_DERIVABLE] if n_derived else []
    # a view that needs a low-reliability cell is shown, never decisive on its own (models.Reliability)
    decisive = [v for v in derivable if not any(c.reliability == _LOW for c in v.cells)] if derivable else []
    if derivable and not decisive:
        first = derivable[0]
        weak = sorted({f"{c.system}/{c.task}" for c in first.cells if c.reliability == _LOW})
        summary = (f"not derivable from reliable sources: it would be {first.verdict._value_} under {first.label}, "
                   f"but only with low-reliability cells ({', '.join(weak)}), which never decide alone")
        return trusted(TierResult, dict(verdict=SourceVerdict.not_derivable.value, summary=summary, lines=list(first.lines),
                                        views=views, spans=spans))
    if decisive:
        first = decisive[0]
        others = {v.verdict for v in decisive}
        summary = f"{first.verdict._value_} under {first.label}"  # _value_: .value (replication_judge)
        if len(others) > 1:
            summary += "; the sources disagree: " + ", ".join(f"{v.label}: {v.verdict._value_}" for v in decisive[1:])
        return trusted(TierResult, {"verdict": first.verdict._value_, "summary": summary, "lines": list(first.lines), "views": views,
                                    "spans": spans})
    if reasons:
        summary = f"not derivable: {reasons[0]}"
    else:
        missing = views[0].missing if views else []
        if len(missing) > 2:
            n_cells = sum(len(group.split(": ", 1)[1].split(", ")) for group in missing)
            summary = (f"not derivable: {n_cells} cells missing for {len(missing)} systems; first: {missing[0]}")
        else:
            summary = "not derivable: missing " + "; ".join(missing)
        if reasons_implied:
            summary += "; " + reasons_implied[0]
        hints = shared.typo_hints(k for exc_missing in missing_keys for k in exc_missing) if shared.systems or shared.tasks else []
        if hints:  # (typo_hints has nothing to say for a paper without cells)
            summary += " (" + "; ".join(hints) + ")"
    if claim.attributed_to and claim.kind is ClaimKind.background:
        summary += f" (background: {claim.attributed_to}'s claim)"
    # dict displays, not dict(...), for the objects every claim builds: no call with keywords to gather
    return trusted(TierResult, {"verdict": _NOT_DERIVABLE_VALUE, "summary": summary, "views": views, "spans": spans})


def _implied(claim: Claim, table: Table, exc: NotDerivable) -> tuple[Interval, list[str]] | None:
    """For gain claims missing only the system's cells, the value the missing cells must take."""
    derivation = claim.derivation
    if derivation.name not in ("xtreme_gain", "mean_gain") or not claim.reported:
        return None
    system = derivation.params["system"]
    for k in exc.missing:  # a loop, not any(generator): every not-derivable gain claim asks
        if k.system != system:
            return None
    params = dict(claim.derivation.params)
    # with the later fix: a mean_gain's implied value reads dev cells, as its gain does
    params.setdefault("split", "test" if claim.derivation.name == "xtreme_gain" else "dev")
    got = implied_missing_mean(table, params, reported_intervals(claim)[0])
    if got is None:
        return None
    iv, tasks, lines = got
    return iv, ["implied value (not a found number): " + lines[-1]] + lines[:-1]
