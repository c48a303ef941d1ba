"""Replication tier: run the claim's derivation on each seed's results and judge the spread.

Per seed, the derivation sees only that seed's runs, so a gain is a *paired* per-seed delta
(system and baseline trained with the same seed). Over k seeds: mean, sd, the 95 % confidence
interval of the mean and the 95 % prediction interval of one new seed.

- ``reproduced`` (full fidelity only): the reported interval meets the prediction interval and the
  CI lies at or beyond half the smallest value the claim admits (see ``_decide``);
- ``direction_only`` (reduced / proxy fidelity, which compare directions only): the CI excludes 0 on
  the claimed side;
- ``not_reproduced``: the CI excludes 0 on the other side, or (full fidelity) the prediction interval
  misses the reported value or the CI falls short of half the smallest value the claim admits;
- ``inconclusive``: fewer seeds than ``tolerance.min_seeds``, a CI that does not decide (the seeds at
  which the verdict would be decided are stated when some count would), or a quantity this fidelity
  cannot compare (a score, or a claim that states no direction, below full fidelity);
- ``infra_failure``: a needed run failed (fail closed); ``not_run``: no runs of the needed arms.
"""

from __future__ import annotations

import math
from collections import defaultdict

from claimcheck.claims.derivation_params import DEFAULT_BASELINE
from claimcheck.claims.models import Claim, ClaimKind
from claimcheck.results.records import RunRecord
from claimcheck.verifier.derive import Context, Derived, SeedValues, derive_seeds, ordinal, rank_pairs, run_derivation
from claimcheck.verifier.intervals import Interval
from claimcheck.verifier.source_tier import GAIN_DIRECTION, render_missing, reported_intervals
from claimcheck.verifier.stats import SeedSummary, seeds_to_exclude, seeds_to_resolve, summarize_seeds
from claimcheck.verifier.run_tables import RunGroup, SeedTables
from claimcheck.verifier.table import XTREME_TASKS, AmbiguousRuns, NotDerivable
from claimcheck.verifier.verdict import ReplicationVerdict as RV
from claimcheck.verifier.verdict import TierResult, left_out_line, span, trusted

_FIDELITY_ORDER = {"full": 0, "reduced": 1, "proxy": 2}
_REPLICATION = Context(replication=True)  # shared: derivations only read their context
_REPLICATION_QUIET = Context(replication=True, explain=False)
_NOT_REPLICATED = (ClaimKind.setup, ClaimKind.background)  # kinds no replication applies to
# members read once for the code every judged claim runs: an Enum class attribute is a slow lookup in
# Python 3.11 (EnumType.__getattr__ makes every class attribute go through a Python-level hook)
_REPRODUCED, _DIRECTION_ONLY, _INCONCLUSIVE, _NOT_RUN = RV.reproduced, RV.direction_only, RV.inconclusive, RV.not_run
_SEVERITY = [RV.not_reproduced, RV.inconclusive, RV.direction_only, RV.reproduced]


def needed_systems(claim: Claim) -> list[str]:
    """The systems (arms) a replication of this claim must run, baseline included."""
    p = claim.derivation.params
    names: list[str] = []
    for key in ("system", "baseline"):
        if key in p:
            names.append(p[key])
    for key in ("candidates", "systems", "better", "worse", "expected"):
        names.extend(p.get(key) or [])
    if claim.derivation.name in ("mean_gain", "xtreme_gain", "top_k_gains", "direction_per_task") and "baseline" not in p:
        names.append(DEFAULT_BASELINE)
    names.extend(claim.replication_arms)
    return list(dict.fromkeys(names))


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
    expected = 1 if reported is None else (written_sign(reported) if signed else 0)
    ci, pi, mean = summary.ci, summary.pi, summary.mean
    text = f"mean {mean:.3f}, sd {summary.sd:.3f}, {int(summary.level * 100)}% CI {ci.render(3)}, PI {pi.render(3)} over {summary.n} seeds"
    if fidelity != "full":
        if not expected:
            what = "a score (not a difference)" if not signed else "the claim states no direction"
            return RV.inconclusive, None, text + f"; {what}, and {fidelity} fidelity compares directions only"
        if ci.sign() == -expected:
            return RV.not_reproduced, None, text + "; the direction is opposite to the claim"
        if ci.sign() == expected:
            return RV.direction_only, None, text + "; magnitude not compared at this fidelity"
        n = seeds_to_resolve(summary.sd, abs(mean), summary.level, current=summary.n)
        return RV.inconclusive, n, text + f"; the CI includes 0 ({_more(n)})"
    if reported is None:  # an order margin: its direction is the claim
        if ci.sign():
            return (RV.reproduced if ci.sign() > 0 else RV.not_reproduced), None, text
        n = seeds_to_resolve(summary.sd, abs(mean), summary.level, current=summary.n)
        return RV.inconclusive, n, text + f"; the CI includes 0 ({_more(n)})"
    if expected and ci.sign() == -expected:
        return RV.not_reproduced, None, text + "; the direction is opposite to the claim"
    if not reported.overlaps(pi):
        return RV.not_reproduced, None, text + "; the prediction interval misses the reported value"
    side = (reported.mid > 0) - (reported.mid < 0)
    if not side or not signed:  # a claimed 0, or a score (half of 68.2 means nothing): the PI is the test
        return RV.reproduced, None, text
    # half of the smallest value the claim admits (its interval's edge nearer 0, tolerance included)
    half = (reported.lo if side > 0 else reported.hi) / 2
    eps = 1e-9
    beyond, short = ((ci.lo >= half - eps, ci.hi < half - eps) if side > 0 else (ci.hi <= half + eps, ci.lo > half + eps))
    if short:
        return RV.not_reproduced, None, text + f"; the CI lies short of {half:g}, half the smallest value the claim admits"
    if beyond:
        return RV.reproduced, None, text
    gap = max(reported.lo - mean, mean - reported.hi)  # how far the PI must pull in to leave the claim
    # decided when the CI leaves the half, or leaves 0 on the side opposite to the claim (a tolerance
    # reaching past 0 puts the half there), or the PI leaves the claim
    opposite = abs(mean) if mean * side < 0 else 0.0
    counts = [n for n in (seeds_to_resolve(summary.sd, abs(mean - half), summary.level, current=summary.n),
                          seeds_to_resolve(summary.sd, opposite, summary.level, current=summary.n),
                          seeds_to_exclude(summary.sd, gap, summary.level, current=summary.n)) if n]
    n = min(counts) if counts else None
    return RV.inconclusive, n, text + f"; the CI includes {half:g}, half the smallest value the claim admits ({_more(n)})"


def _more(n: int | None) -> str:
    return (f"about {n} seeds would decide, at this mean and sd" if n
            else "no count up to 1,000 seeds would decide at this mean and sd")


_SEVERITY_RANK = {v: i for i, v in enumerate(_SEVERITY)}


def _worst(verdicts: list[RV]) -> RV:
    return verdicts[0] if len(verdicts) == 1 else min(verdicts, key=_SEVERITY_RANK.__getitem__)


def check_replication(claim: Claim, records: list[RunRecord], tables: SeedTables | None = None,
                      systems: list[str] | None = None, drop_ambiguous_seeds: bool = False) -> TierResult:
    """Judge ``claim`` on the run records (``tables`` may be shared across claims; see SeedTables;
    ``systems``: ``needed_systems(claim)`` when the caller has it already; ``drop_ambiguous_seeds``:
    see ``check_replication_groups``)."""
    if claim.kind in _NOT_REPLICATED:
        return _not_applicable(claim)
    systems = needed_systems(claim) if systems is None else systems
    wanted, paper_id = set(systems), claim.paper_id
    relevant = [r for r in records if r.paper_id == paper_id and r.system in wanted]
    return check_replication_groups(claim, [RunGroup(relevant)] if relevant else [], tables, systems, drop_ambiguous_seeds)


def check_replication_groups(claim: Claim, groups: list[RunGroup], tables: SeedTables | None = None,
                             systems: list[str] | None = None, drop_ambiguous_seeds: bool = False) -> TierResult:
    """``check_replication`` on the claim's runs gathered in groups (in the order of ``records``:
    group by group, each in record order); ``systems`` as in ``check_replication``.

    A seed in which two runs give one cell the derivation reads (two configurations of one arm) is
    never averaged: by default the whole claim is refused (``not_run``, naming the runs). With
    ``drop_ambiguous_seeds``, each such seed is left out instead, the claim is judged on the other
    seeds as usual (``min_seeds`` and the seeds that would decide count those), and the summary and
    lines name every seed left out with its two runs."""
    if claim.kind in _NOT_REPLICATED:
        return _not_applicable(claim)
    failed = _needed_failures(claim, groups)
    if not failed and not any(g.by_seed for g in groups):
        systems = needed_systems(claim) if systems is None else systems
        if not systems:
            return TierResult(verdict=RV.not_run.value, summary="no replication arms are declared for this claim")
        return TierResult(verdict=RV.not_run.value, summary=f"no runs of {', '.join(sorted(set(systems)))} in the results")
    if len(groups) == 1:
        g = groups[0]
        by_seed, fidelities, found_deviations = g.by_seed, g.fidelities, g.deviations
    else:
        by_seed, fidelities, found_deviations = {}, set(), set()
        for g in groups:
            fidelities |= g.fidelities
            found_deviations |= g.deviations
            for seed, runs in g.by_seed.items():
                by_seed[seed] = by_seed[seed] + runs if seed in by_seed else runs
    fidelity = max(fidelities, key=_FIDELITY_ORDER.__getitem__, default=None)
    deviations = sorted(found_deviations)
    per_seed: dict[int, Derived | Interval] = {}  # Intervals: the one value of a ``derive_seeds`` derivation
    dropped: dict[int, AmbiguousRuns] = {}  # with drop_ambiguous_seeds: the seeds left out, by seed
    missing_any: list = []
    reasons: list[str] = []
    tables = tables or SeedTables([r for runs in by_seed.values() for r in runs])
    paper_id = claim.paper_id
    name, params = claim.derivation.name, claim.derivation.params
    seeds = sorted(by_seed)
    single = derive_seeds(name, (tables.get(paper_id, seed) for seed in seeds), params)
    if single is not None:  # a gain or a score: one value per seed, derived in one pass
        for seed, got in zip(seeds, single.values):
            if isinstance(got, NotDerivable):
                if drop_ambiguous_seeds and isinstance(got, AmbiguousRuns):
                    dropped[seed] = got
                    continue
                missing_any = got.missing or missing_any
                if got.reason:
                    reasons.append(got.reason)
            else:
                per_seed[seed] = got
    else:
        for seed in seeds:
            try:  # only the first derived seed's lines are read (_coverage_notes): the others skip them
                per_seed[seed] = run_derivation(name, tables.get(paper_id, seed), params, _REPLICATION_QUIET if per_seed else _REPLICATION)
            except NotDerivable as exc:
                if drop_ambiguous_seeds and isinstance(exc, AmbiguousRuns):
                    dropped[seed] = exc
                    continue
                missing_any = exc.missing or missing_any
                if exc.reason:
                    reasons.append(exc.reason)
    k, need = len(per_seed), _min_seeds(claim)
    if failed:  # fail closed: a needed run that failed is never read as a smaller or negative result
        return TierResult(verdict=RV.infra_failure.value, summary=(
            f"{len(failed)} needed run(s) failed and no later run of the same arm, seed and target succeeded: "
            "rerun them (`claimcheck replicate` resumes) or retire them (`claimcheck runs remove`)"),
            failed_runs=[f"{r.run_id} ({r.system}, seed {r.seed}): {r.error}" for r in failed],
            fidelity=fidelity, deviations=deviations)
    if reasons:  # runs that must not be compared (two configurations, or arms on different protocols)
        return TierResult(verdict=RV.not_run.value, summary=f"runs cannot be used: {reasons[0]}")
    if k == 0:  # no run was used, so no fidelity or deviation applies to a verdict
        miss = "; ".join(render_missing(missing_any)[:3])
        if dropped:
            if len(dropped) == len(seeds):
                why = ("two runs give the same cell in every seed, two configurations that are never averaged, "
                       f"and --drop-ambiguous-seeds left them all out ({_runs_per_seed(dropped)})")
            else:
                why = f"{_left_out(dropped)}; the other seeds lack what the derivation needs: {miss}"
            return TierResult(verdict=RV.not_run.value, summary=f"runs cannot be used: {why}", lines=_left_out_lines(dropped))
        return TierResult(verdict=RV.not_run.value, summary=f"runs exist but lack what the derivation needs: {miss}")
    if dropped:  # the seeds left out count for nothing: not their runs' fidelities or deviations either
        by_seed = {seed: runs for seed, runs in by_seed.items() if seed not in dropped}
        kept = [r for runs in by_seed.values() for r in runs]
        fidelity = max({r.fidelity for r in kept}, key=_FIDELITY_ORDER.__getitem__, default=None)
        deviations = sorted({d for r in kept for d in r.deviations})
    base = dict(runs=sorted([r.run_id for s in per_seed for r in by_seed[s]]), seeds=k, fidelity=fidelity, deviations=deviations)
    if k < need:
        result = TierResult(verdict=RV.inconclusive.value, summary=f"{k} complete seed(s); at least {need} are needed for an interval",
                            seeds_needed=need, **base)
    elif single is not None:
        result = _judge_value(claim, single, [(v[0] + v[1]) / 2 for v in per_seed.values()], fidelity or "proxy", base)  # .mid
    else:
        result = _judge_seeds(claim, per_seed, fidelity or "proxy", base, _ranking_seeds(claim, by_seed))
    if dropped:
        return result.model_copy(update={"summary": f"{result.summary}; {_left_out(dropped)}",
                                         "lines": _left_out_lines(dropped) + result.lines})
    return result


def _left_out(dropped: dict[int, AmbiguousRuns]) -> str:
    """The seeds ``drop_ambiguous_seeds`` left out, with the two runs of each, for a tier summary."""
    return (f"left out seed(s) {', '.join(map(str, sorted(dropped)))} (--drop-ambiguous-seeds): two runs give the same "
            f"cell there, two configurations that are never averaged ({_runs_per_seed(dropped)})")


def _runs_per_seed(dropped: dict[int, AmbiguousRuns]) -> str:
    return "; ".join(f"seed {seed}: {' and '.join(exc.runs)}" for seed, exc in sorted(dropped.items()))


def _left_out_lines(dropped: dict[int, AmbiguousRuns]) -> list[str]:
    """One line per seed left out: the cell two runs give and the two runs."""
    return [left_out_line(seed, exc.cell, exc.runs) for seed, exc in sorted(dropped.items())]


def _ranking_seeds(claim: Claim, by_seed: dict[int, list[RunRecord]]) -> tuple[set[int], str] | None:
    """For a ranking (``top_k_gains``): the seeds that ran every candidate any seed ran, so that each
    seed's order margin ranks the same systems (a rival run in two seeds of four is not left out of
    the other two, where it might have won), and which candidates the other seeds lack; None for
    other derivations."""
    if claim.derivation.name != "top_k_gains":
        return None
    candidates = set(claim.derivation.params.get("candidates") or ())
    ran = {seed: {r.system for r in runs} & candidates for seed, runs in by_seed.items()}
    every = set().union(*ran.values())
    lacking = {c: [str(seed) for seed in sorted(ran) if c not in ran[seed]] for c in sorted(every)}
    said = "; ".join(f"{c} was not run in seed(s) {', '.join(seeds)}" for c, seeds in lacking.items() if seeds)
    return {seed for seed, systems in ran.items() if systems == every}, said


def _targets(record: RunRecord) -> set[str] | None:
    """The target tasks a run measured (a successful run) or was to measure (a failed one: from its
    spec); None when a failed run's spec does not say."""
    if record.status == "ok":
        return {m.task for m in record.metrics}
    target = record.spec.get("target") if isinstance(record.spec, dict) else None
    if not isinstance(target, dict):
        return None
    tasks = {e.get("task") for e in target.get("evals") or [] if isinstance(e, dict)} | {target.get("task")}
    return {t for t in tasks if isinstance(t, str)} or None


def _needed_failures(claim: Claim, groups: list[RunGroup]) -> list[RunRecord]:
    """The failed runs the claim needs: of its arms, on a task its derivation reads (a failed run that
    does not say its target counts), unless a run of the same arm, seed and target succeeded since."""
    failed = [r for g in groups for r in g.failed]
    if not failed:
        return []
    params = claim.derivation.params
    read = set(params.get("tasks") or params.get("expect") or XTREME_TASKS)
    done = {(r.system, r.seed, t) for g in groups for runs in g.by_seed.values() for r in runs for t in _targets(r) or ()}
    needed = []
    for r in failed:
        targets = _targets(r)
        if targets is None or any(t in read and (r.system, r.seed, t) not in done for t in targets):
            needed.append(r)
    return needed


def _min_seeds(claim: Claim) -> int:
    """Seeds an interval needs: the claim's ``min_seeds`` (at least two: the claim model checks it)."""
    return claim.tolerance.min_seeds


def _not_applicable(claim: Claim) -> TierResult:
    return TierResult(verdict=RV.not_run.value, summary=f"no replication applies to a {claim.kind.value} claim")


_COVERAGE_NOTES = ("averaged over", "not run", "ranked among", "tasks not run")


def _coverage_notes(derived: Derived) -> list[str]:
    """What the derivation said about arms or tasks that were not run (shown with the verdict)."""
    return [line for line in derived.lines if line.startswith(_COVERAGE_NOTES)]


def _judge_seeds(claim: Claim, per_seed: dict[int, Derived], fidelity: str, base: dict,
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
    need = _min_seeds(claim)
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
    s = summarize_seeds(values, claim.tolerance.confidence)
    if rep is None and claim.derivation.name not in GAIN_DIRECTION:  # e.g. a top-k system with no number
        lines.append(f"{label}: mean {s.mean:.3f}, sd {s.sd:.3f} over {s.n} seeds (no number claimed: shown, not judged)")
    else:  # a gain with no number claims its direction
        v, n, text = _decide(s, rep, fidelity, signed)
        verdicts.append(v)
        if v is _INCONCLUSIVE:
            pending.append(n)
        lines.append(f"{label}: {text}")
    spans.append(span(f"{label} (replicated PI)", s.pi[0], s.pi[1], "replicated_pi"))
    spans.append(span(f"{label} (replicated CI)", s.ci[0], s.ci[1], "replicated_ci"))
    seed_label = f"{label} seed value"
    spans += [span(seed_label, x, x, "seed") for x in values]


def _tier_result(verdicts: list[RV], pending: list[int | None], fidelity: str, k: int, lines: list[str], spans: list,
                 base: dict) -> TierResult:
    verdict = _worst(verdicts) if verdicts else _NOT_RUN
    if verdict is _REPRODUCED and fidelity != "full":
        verdict = _DIRECTION_ONLY
    return trusted(TierResult, dict(verdict=verdict.value, summary=_summary(verdict, fidelity, k), lines=lines, spans=spans,
                                    seeds_needed=_claim_seeds(pending) if verdict is _INCONCLUSIVE else None, **base))


def _judge_value(claim: Claim, single: SeedValues, values: list[float], fidelity: str, base: dict) -> TierResult:
    """``_judge_seeds`` for a derivation of one value (``derive_seeds``: no order margin, no effects, one
    label): its per-seed ``values`` against the claim's first reported number."""
    verdicts: list[RV] = []
    pending: list[int | None] = []
    lines = list(single.notes)  # what _coverage_notes keeps of the first seed's lines
    spans: list = []
    reported = reported_intervals(claim)
    _judge_quantity(claim, single.label, reported[0] if reported else None, values, fidelity, single.signed,
                    verdicts, pending, lines, spans)
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
    need = _min_seeds(claim)
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
    return trusted(TierResult, dict(verdict=verdict.value, summary=_summary(verdict, fidelity, len(derived)), lines=lines,
                                    spans=spans, seeds_needed=_claim_seeds(pending) if verdict is RV.inconclusive else None,
                                    **base))


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
    text = f"{verdict.value} at {fidelity} fidelity over {k} seeds"
    if fidelity == "proxy":
        text += " (proxy: substituted model/data; supports or contradicts the direction only)"
    return text
