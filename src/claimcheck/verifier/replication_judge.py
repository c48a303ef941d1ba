"""Replication tier, the judging: a claim's per-seed values turned into a verdict.

Each compared quantity (a gain, a score, a system's value) is summarized over the seeds: mean, sd,
the 95 % confidence interval (CI) of the mean and the 95 % prediction interval (PI) of one new seed.
``_decide`` judges one quantity: its direction and size from the CI, the paper's value from the PI
(at full fidelity the CI must also reach half the smallest value the claim admits, so a PI widened by
few or noisy seeds cannot pass a clearly smaller effect). ``judge_seeds`` judges a derivation's
results seed by seed: the order margin (a ranking's over the seeds that ran every candidate), then
each quantity it labels (systems to be ranked are ranked once, by their mean); ``judge_value`` does
the same for a derivation of one value per seed; ``_judge_effects`` decides each task's direction by
a quorum of systems. The claim's verdict is the worst of its quantities'; an undecided one states the seeds that
would decide it at the current means and sds (``seeds_needed``), when some count would.
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import lru_cache

from claimcheck.claims.models import Claim
from claimcheck.verifier.derive import Derived
from claimcheck.verifier.intervals import Interval, written_interval
from claimcheck.verifier.ranking import ordinal, rank_pairs
from claimcheck.verifier.seed_values import SeedValues
from claimcheck.verifier.source_tier import GAIN_DIRECTION, reported_intervals
from claimcheck.verifier.stats import SeedSummary, seeds_to_exclude, seeds_to_resolve, summarize_seeds
from claimcheck.verifier.verdict import ReplicationVerdict as RV
from claimcheck.verifier.verdict import TierResult, quantity_spans, span, trusted

# members read once for the code every judged claim runs: an Enum class attribute is a slow lookup in
# Python 3.11 (EnumType.__getattr__ makes every class attribute go through a Python-level hook). A
# member's value is read as ``_value_`` (the attribute ``.value`` returns, set on each member), since
# ``.value`` is a Python-level descriptor there too: about 1,400 instructions against 300
_REPRODUCED, _DIRECTION_ONLY, _INCONCLUSIVE, _NOT_RUN = RV.reproduced, RV.direction_only, RV.inconclusive, RV.not_run
_NOT_REPRODUCED = RV.not_reproduced
_SEVERITY = [RV.not_reproduced, RV.inconclusive, RV.direction_only, RV.reproduced]


def written_sign(reported: Interval) -> int:
    """The direction a reported number states: the sign of the written value (the interval's middle),
    not of its widened interval, so "+0.4" with a 0.5 tolerance still claims a gain."""
    return (reported.mid > 0) - (reported.mid < 0)


def _decide(summary: SeedSummary, reported: Interval | None, fidelity: str, signed: bool = True) -> tuple[RV, int | None, str]:
    """One quantity over seeds: direction and size from the CI, the paper's value from the PI.

    ``reported`` None: an order margin, whose claim is its direction (> 0). ``signed`` False: a score,
    whose sign says nothing; only full fidelity compares it.
    Full fidelity, a signed reported value r other than 0: ``reproduced`` when the PI meets r (one seed
    could give the paper's number) and the CI lies at or beyond half of r's edge nearer 0 (the
    replicated effect is at least half the smallest value the claim admits, tolerance included: a PI
    widened by few or noisy seeds cannot pass a clearly smaller effect); ``not_reproduced`` when the
    PI misses r, the CI falls short of that half, or the CI is on the side opposite to r; else
    ``inconclusive``. A reported 0 and a score: the PI alone (``tolerance.min_seeds``, 3 by default,
    keeps it from being the 15-sd-wide interval of two seeds). Reduced / proxy
    fidelity compares directions only (CI against 0); a score or a claim of 0 states none there.
    ``inconclusive`` states the seeds at which the verdict would be decided at the current mean and
    sd (the CI leaving that half, or 0 on the far side, or 0 below full fidelity; the PI leaving r), or
    None when no count up to 1,000 would."""
    # the intervals read as plain bounds once (``Interval.sign``/``overlaps``/``mid`` and ``written_sign``
    # inlined below, same comparisons): about 1,500 instructions less for each judged quantity; the
    # verdicts are the module's constants (``RV.reproduced`` is a slow Enum class attribute, ~1,000 instructions)
    ci, pi, mean = summary.ci, summary.pi, summary.mean
    ci_lo, ci_hi = ci
    ci_sign = 1 if ci_lo > 0 else (-1 if ci_hi < 0 else 0)  # ci.sign()
    if reported is None:
        expected = 1
    else:
        r_lo, r_hi = reported
        r_mid = (r_lo + r_hi) / 2  # reported.mid
        side = (r_mid > 0) - (r_mid < 0)  # written_sign(reported)
        expected = side if signed else 0
    text = _stats_text(summary)
    if fidelity != "full":
        if not expected:
            what = "a score (not a difference)" if not signed else "the claim states no direction"
            return _INCONCLUSIVE, None, text + f"; {what}, and {fidelity} fidelity compares directions only"
        if ci_sign == -expected:
            return _NOT_REPRODUCED, None, text + "; the direction is opposite to the claim"
        if ci_sign == expected:
            return _DIRECTION_ONLY, None, text + "; magnitude not compared at this fidelity"
        n = seeds_to_resolve(summary.sd, abs(mean), summary.level, current=summary.n)
        return _INCONCLUSIVE, n, text + f"; the CI includes 0 ({_more(n)})"
    if reported is None:  # an order margin: its direction is the claim
        if ci_sign:
            return (_REPRODUCED if ci_sign > 0 else _NOT_REPRODUCED), None, text
        n = seeds_to_resolve(summary.sd, abs(mean), summary.level, current=summary.n)
        return _INCONCLUSIVE, n, text + f"; the CI includes 0 ({_more(n)})"
    if expected and ci_sign == -expected:
        return _NOT_REPRODUCED, None, text + "; the direction is opposite to the claim"
    if not (r_lo <= pi[1] + 1e-9 and pi[0] <= r_hi + 1e-9):  # not reported.overlaps(pi)
        return _NOT_REPRODUCED, None, text + "; the prediction interval misses the reported value"
    if not side or not signed:  # a claimed 0, or a score (half of 68.2 means nothing): the PI is the test
        return _REPRODUCED, None, text
    # half of the smallest value the claim admits (its interval's edge nearer 0, tolerance included)
    half = (r_lo if side > 0 else r_hi) / 2
    eps = 1e-9
    beyond, short = ((ci_lo >= half - eps, ci_hi < half - eps) if side > 0 else (ci_hi <= half + eps, ci_lo > half + eps))
    if short:
        return _NOT_REPRODUCED, None, text + f"; the CI lies short of {half:g}, half the smallest value the claim admits"
    if beyond:
        return _REPRODUCED, None, text
    gap = max(r_lo - mean, mean - r_hi)  # how far the PI must pull in to leave the claim
    # decided when the CI leaves the half, or leaves 0 on the side opposite to the claim (a tolerance
    # reaching past 0 puts the half there), or the PI leaves the claim
    opposite = abs(mean) if mean * side < 0 else 0.0
    counts = [n for n in (seeds_to_resolve(summary.sd, abs(mean - half), summary.level, current=summary.n),
                          seeds_to_resolve(summary.sd, opposite, summary.level, current=summary.n),
                          seeds_to_exclude(summary.sd, gap, summary.level, current=summary.n)) if n]
    n = min(counts) if counts else None
    return _INCONCLUSIVE, n, text + f"; the CI includes {half:g}, half the smallest value the claim admits ({_more(n)})"


def _stats_text(summary: SeedSummary) -> str:
    """``f"mean {mean:.3f}, sd {sd:.3f}, {int(level * 100)}% CI {ci.render(3)}, PI {pi.render(3)} over {n} seeds"``
    in one %-format: "%.3f" writes a float as format(x, ".3f") does (the same ``PyOS_double_to_string``
    call) without parsing a format spec for each number, about 6,500 instructions less for each judged
    quantity. ``render(3)``: one number when the bounds are equal, else "[lo, hi]" (tested against it).
    One format per case of equal bounds, not one for each interval and one for the whole: each ``%``
    costs about 1,300 instructions before it writes a number (``tests/test_replication_judge_fast.py``)."""
    n, mean, sd, (ci_lo, ci_hi), (pi_lo, pi_hi), level = summary
    pct = int(level * 100)
    if ci_lo != ci_hi:
        if pi_lo != pi_hi:
            return "mean %.3f, sd %.3f, %d%% CI [%.3f, %.3f], PI [%.3f, %.3f] over %d seeds" % (mean, sd, pct, ci_lo, ci_hi, pi_lo, pi_hi, n)
        return "mean %.3f, sd %.3f, %d%% CI [%.3f, %.3f], PI %.3f over %d seeds" % (mean, sd, pct, ci_lo, ci_hi, pi_lo, n)
    if pi_lo != pi_hi:
        return "mean %.3f, sd %.3f, %d%% CI %.3f, PI [%.3f, %.3f] over %d seeds" % (mean, sd, pct, ci_lo, pi_lo, pi_hi, n)
    return "mean %.3f, sd %.3f, %d%% CI %.3f, PI %.3f over %d seeds" % (mean, sd, pct, ci_lo, pi_lo, n)


def _more(n: int | None) -> str:
    return (f"about {n} seeds would decide, at this mean and sd" if n
            else "no count up to 1,000 seeds would decide at this mean and sd")


_SEVERITY_RANK = {v: i for i, v in enumerate(_SEVERITY)}


def _worst(verdicts: list[RV]) -> RV:
    return verdicts[0] if len(verdicts) == 1 else min(verdicts, key=_SEVERITY_RANK.__getitem__)


def min_seeds(claim: Claim) -> int:
    """Seeds an interval needs: the claim's ``min_seeds`` (at least two: the claim model checks it)."""
    return claim.__dict__["tolerance"].__dict__["min_seeds"]  # dict items: pydantic attributes are slower reads


_COVERAGE_NOTES = ("averaged over", "not run", "ranked among", "tasks not run")


def _coverage_notes(derived: Derived) -> list[str]:
    """What the derivation said about arms or tasks that were not run (shown with the verdict)."""
    return [line for line in derived.lines if line.startswith(_COVERAGE_NOTES)]


def judge_seeds(claim: Claim, per_seed: dict[int, Derived], fidelity: str, base: dict,
                 ranking: tuple[set[int], str] | None = None) -> TierResult:
    level = claim.tolerance.confidence
    derived = list(per_seed.values())
    verdicts: list[RV] = []
    lines: list[str] = _coverage_notes(derived[0])
    spans: list = []  # built Span objects (``span``)
    pending: list[int | None] = []  # per inconclusive quantity: the seeds that would decide it, None: none would
    ranking_seeds, lacking = ranking if ranking is not None else (None, "")
    first = derived[0]
    reported = reported_intervals(claim)
    if first.effects:
        return _judge_effects(claim, derived, fidelity, base)
    # A seed that did not run every candidate (top_k_gains: ``ranking_seeds``) ranks fewer systems, and
    # one that ran no other candidate has no order margin: the margin is judged over the seeds that ran
    # them all, and the line names the seeds left out.
    with_margin = {seed: d.margin.mid for seed, d in per_seed.items() if d.margin is not None}
    margins: list[float] = []
    without: list[str] = []
    if with_margin:  # most derivations state no order: nothing to sort out
        margins = [m for seed, m in with_margin.items() if ranking_seeds is None or seed in ranking_seeds]
        without = [str(seed) for seed in per_seed if seed not in with_margin or (ranking_seeds is not None and seed not in ranking_seeds)]
    need = min_seeds(claim)
    if with_margin and len(margins) < need:  # more seeds will not help: the missing candidates must be run
        verdicts.append(RV.inconclusive)
        pending.append(None)
        lines.append(f"order margin: only {len(margins)} of {len(derived)} seeds ran every candidate that was run; "
                     f"at least {need} are needed" + (f" ({lacking})" if lacking else ""))
    elif margins:
        s = summarize_seeds(margins, level)
        v, n, text = _decide(s, None, fidelity)
        verdicts.append(v if v is not RV.reproduced or fidelity == "full" else RV.direction_only)
        scope = (f" over {len(margins)} of {len(derived)} seeds (seed(s) {', '.join(without)} did not run every candidate "
                 "that was run" + (f": {lacking}" if lacking else "") + ")") if without else ""
        lines.append(f"order margin{scope}: {text}")
        spans.append(span("order margin (replicated CI)", s.ci.lo, s.ci.hi, "replicated_ci"))
        # with candidates missing in some seeds, running them there decides as well as new seeds: no count
        pending += [None if without else n] if v is RV.inconclusive else []
    if first.unordered:  # rank the systems once, by their mean over seeds, never seed by seed
        means = [sum(d.values[i].mid for d in derived) / len(derived) for i in range(len(first.labels))]
        pairs = rank_pairs(means, reported)
        compared = [(i, f"{first.labels[i]} ({ordinal(r + 1)} largest on average)", reported[j]) for r, (i, j) in enumerate(pairs)]
        ranked = {i for i, _ in pairs}  # systems beyond the reported numbers are shown, compared with nothing
        compared += [(i, first.labels[i], None) for i in range(len(first.labels)) if i not in ranked]
    else:
        compared = [(i, label, reported[i] if i < len(reported) else None) for i, label in enumerate(first.labels)]
    for i, label, rep in compared:
        _judge_quantity(claim, label, rep, [d.values[i].mid for d in derived], fidelity, first.signed, verdicts, pending, lines, spans)
    return _tier_result(verdicts, pending, fidelity, len(derived), lines, spans, base)


def _judge_quantity(claim: Claim, label: str, rep: Interval | None, values: list[float], fidelity: str, signed: bool,
                    verdicts: list[RV], pending: list[int | None], lines: list[str], spans: list) -> None:
    """One compared quantity over seeds (``values``: its per-seed values, against ``rep``, the reported
    interval or None): its verdict, line and spans appended to the lists given."""
    fields = claim.__dict__  # read as dict items, not slower pydantic attributes
    s = summarize_seeds(values, fields["tolerance"].__dict__["confidence"])
    if rep is None and fields["derivation"].__dict__["name"] not in GAIN_DIRECTION:  # e.g. a top-k system with no number
        lines.append(f"{label}: mean {s.mean:.3f}, sd {s.sd:.3f} over {s.n} seeds (no number claimed: shown, not judged)")
    else:  # a gain with no number claims its direction
        v, n, text = _decide(s, rep, fidelity, signed)
        verdicts.append(v)
        if v is _INCONCLUSIVE:
            pending.append(n)
        lines.append(f"{label}: {text}")
    spans += quantity_spans(label, s.pi, s.ci, values)  # its PI, CI and seed values


def _tier_result(verdicts: list[RV], pending: list[int | None], fidelity: str, k: int, lines: list[str], spans: list,
                 base: dict) -> TierResult:
    verdict = _worst(verdicts) if verdicts else _NOT_RUN
    if verdict is _REPRODUCED and fidelity != "full":
        verdict = _DIRECTION_ONLY
    # a dict display, not dict(...): no call with keywords to gather (every judged claim builds one). Every
    # field, in field order (``base``: runs, seeds, fidelity, deviations): ``trusted`` takes the dict as it is
    # instead of merging it into the defaults and calling two list factories (with the claim's fields read
    # as dict items below, about 6,000 instructions a claim); only ``model_fields_set`` now names all fields
    return trusted(TierResult, {"verdict": verdict._value_, "summary": _summary_text(verdict._value_, fidelity, k), "lines": lines, "views": [],
                                "spans": spans, "runs": base["runs"], "failed_runs": [], "seeds": base["seeds"],
                                "seeds_needed": _claim_seeds(pending) if verdict is _INCONCLUSIVE else None,
                                "fidelity": base["fidelity"], "deviations": base["deviations"]})


def judge_value(claim: Claim, single: SeedValues, values: list[float], fidelity: str, base: dict) -> TierResult:
    """``judge_seeds`` for a derivation of one value (``derive_seeds``: no order margin, no effects, one
    label): its per-seed ``values`` against the claim's first reported number."""
    verdicts: list[RV] = []
    pending: list[int | None] = []
    lines = list(single.notes)  # what _coverage_notes keeps of the first seed's lines
    spans: list = []
    # reported_intervals(claim)[0] without the list of every reported number (only the first is compared)
    fields = claim.__dict__
    written = fields["reported"]
    rep = written_interval(written[0], fields["tolerance"].__dict__["extra"]) if written else None
    _judge_quantity(claim, single.label, rep, values, fidelity, single.signed, verdicts, pending, lines, spans)
    return _tier_result(verdicts, pending, fidelity, len(values), lines, spans, base)


def _claim_seeds(pending: list[int | None]) -> int | None:
    """Seeds that would decide every undecided quantity (the largest count), or None when one of them
    would not be decided by more seeds at all: then no count decides the claim."""
    return max(pending) if pending and None not in pending else None


def _judge_effects(claim: Claim, derived: list[Derived], fidelity: str, base: dict) -> TierResult:
    level = claim.tolerance.confidence
    quorum = derived[0].quorum
    by_key: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for d in derived:
        for e in d.effects:
            by_key[(e.task, e.system, e.expect)].append(e.gain.mid)
    # task -> (outcome "ok" | "against" | "unclear", lean +1 claimed way / -1 opposite / 0 unknown,
    #          seeds at which an unclear pair would resolve at its current effect size, or None)
    per_task: dict[str, list[tuple[str, int, int | None]]] = defaultdict(list)
    lines, spans = _coverage_notes(derived[0]), []
    need = min_seeds(claim)
    for (task, system, expect), values in sorted(by_key.items()):
        if len(values) < need:  # this pair was run with too few seeds for an interval
            per_task[task].append(("unclear", 0, need))
            lines.append(f"{task}: {system} has only {len(values)} seed(s), at least {need} are needed: unclear")
            continue
        s = summarize_seeds(values, level)
        sign = s.ci.sign()
        if expect == "no_gain":  # ok once the CI rules out a gain of the margin or more; against once it rules in one
            margin = derived[0].no_gain_margin
            outcome = "ok" if s.ci.hi < margin else ("against" if s.ci.lo >= margin else "unclear")
            lean = 1 if s.mean < margin else -1
            n = seeds_to_resolve(s.sd, abs(margin - s.mean), level, current=s.n) if outcome == "unclear" else None
            expect = f"no_gain (below {margin:g})"
        else:
            want = 1 if expect == "up" else -1
            outcome = "ok" if sign == want else ("against" if sign == -want else "unclear")
            lean = 1 if s.mean * want > 0 else -1  # relative to the claimed direction
            n = seeds_to_resolve(s.sd, abs(s.mean), level, current=s.n) if outcome == "unclear" else None
        per_task[task].append((outcome, lean, n))
        lines.append(f"{task}: {system} gain {s.mean:+.3f} (CI {s.ci.render(3)}, {s.n} seeds), expected {expect}: {outcome}")
        spans.append(span(f"{task}: {system} gain (CI)", s.ci.lo, s.ci.hi, "replicated_ci"))
    verdicts, pending = [], []
    for task, pairs in per_task.items():
        outcomes = [o for o, _, _ in pairs]
        ok, against, total = outcomes.count("ok"), outcomes.count("against"), len(outcomes)
        line = (f"{task}: {ok}/{total} systems show the claimed direction, {against}/{total} the opposite, "
                f"{outcomes.count('unclear')} unclear (quorum {quorum:.0%})")
        if ok / total >= quorum - 1e-9:
            verdicts.append(RV.reproduced if fidelity == "full" else RV.direction_only)
        elif against / total > 1 - quorum + 1e-9:
            verdicts.append(RV.not_reproduced)
        else:
            verdicts.append(RV.inconclusive)
            n = _seeds_to_decide(pairs, quorum)
            pending.append(n)
            line += (f"; about {n} seeds would decide it, if the unclear gains keep their size" if n else
                     "; more seeds would not decide it at the current effect sizes")
        lines.append(line)
    verdict = _worst(verdicts)
    return trusted(TierResult, {"verdict": verdict._value_, "summary": _summary(verdict, fidelity, len(derived)), "lines": lines,
                                "spans": spans, "seeds_needed": _claim_seeds(pending) if verdict is RV.inconclusive else None,
                                **base})


def _seeds_to_decide(pairs: list[tuple[str, int, int | None]], quorum: float) -> int | None:
    """Seeds after which enough unclear pairs would resolve, each in the direction it leans now, to
    decide the task either way (quorum reached, or out of reach); None when neither can happen. A pair
    run with too few seeds (lean 0) may go either way."""
    total = len(pairs)
    ok = sum(o == "ok" for o, _, _ in pairs)
    against = sum(o == "against" for o, _, _ in pairs)
    best = None
    for side, have, need in ((1, ok, math.ceil(quorum * total - 1e-9)), (-1, against, math.floor((1 - quorum) * total + 1e-9) + 1)):
        seeds = sorted(n for o, lean, n in pairs if o == "unclear" and n and lean in (side, 0))
        more = need - have
        if 0 < more <= len(seeds):
            best = seeds[more - 1] if best is None else min(best, seeds[more - 1])
    return best


def _summary(verdict: RV, fidelity: str, k: int) -> str:
    return _summary_text(verdict._value_, fidelity, k)


@lru_cache(maxsize=256)  # a few verdicts x 3 fidelities x seed counts: the text once, not per claim (~3,000 instructions)
def _summary_text(verdict: str, fidelity: str, k: int) -> str:
    text = f"{verdict} at {fidelity} fidelity over {k} seeds"
    if fidelity == "proxy":
        text += " (proxy: substituted model/data; supports or contradicts the direction only)"
    return text
