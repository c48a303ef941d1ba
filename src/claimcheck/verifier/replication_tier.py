"""Replication tier: run the claim's derivation on each seed's results and judge the spread.

Per seed, the derivation sees only that seed's runs, so a gain is a *paired* per-seed delta
(system and baseline trained with the same seed). Over k seeds: mean, sd, the 95 % confidence
interval of the mean and the 95 % prediction interval of one new seed.

- ``reproduced`` (full fidelity only): the reported interval meets the prediction interval and the
  CI lies at or beyond half the smallest value the claim admits (see ``replication_judge``);
- ``direction_only`` (reduced / proxy fidelity, which compare directions only): the CI excludes 0 on
  the claimed side;
- ``not_reproduced``: the CI excludes 0 on the other side, or (full fidelity) the prediction interval
  misses the reported value or the CI falls short of half the smallest value the claim admits;
- ``inconclusive``: fewer seeds than ``tolerance.min_seeds``, a CI that does not decide (the seeds at
  which the verdict would be decided are stated when some count would), or a quantity this fidelity
  cannot compare (a score, or a claim that states no direction, below full fidelity);
- ``infra_failure``: a needed run failed (fail closed); ``not_run``: no runs of the needed arms.

This module gathers the claim's runs by seed, derives the claim's quantities seed by seed and fails
closed on failed or unusable runs. ``replication_runs`` chooses the runs and seeds a claim uses, and
``replication_judge`` judges the per-seed values. The names other modules and tests import from here
(``needed_systems``, ``_decide``, ``_seeds_to_decide``, ``_coverage_notes``) stay importable from here.
"""

from __future__ import annotations

from claimcheck.claims.models import Claim, ClaimKind
from claimcheck.results.records import RunRecord
from claimcheck.verifier.derive import Context, Derived, run_derivation
from claimcheck.verifier.intervals import Interval
from claimcheck.verifier.replication_judge import _coverage_notes, _decide, _seeds_to_decide, judge_seeds, judge_value
from claimcheck.verifier.replication_runs import (left_out_lines, left_out_summary, needed_failures, needed_systems, runs_per_seed,
                                                  seeds_with_every_candidate)
from claimcheck.verifier.run_tables import RunGroup, SeedTables
from claimcheck.verifier.seed_values import derive_seeds
from claimcheck.verifier.source_tier import render_missing
from claimcheck.verifier.table import AmbiguousRuns, NotDerivable
from claimcheck.verifier.verdict import ReplicationVerdict as RV
from claimcheck.verifier.verdict import TierResult, tier_result

__all__ = ["_coverage_notes", "_decide", "_seeds_to_decide", "check_replication", "check_replication_groups", "needed_systems"]

_FIDELITY_ORDER = {"full": 0, "reduced": 1, "proxy": 2}
_REPLICATION = Context(replication=True)  # shared: derivations only read their context
_REPLICATION_QUIET = Context(replication=True, explain=False)
_NOT_REPLICATED = (ClaimKind.setup, ClaimKind.background)  # kinds no replication applies to


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
    fields = claim.__dict__  # the claim's fields read as dict items, not slower pydantic attributes
    if fields["kind"] in _NOT_REPLICATED:
        return _not_applicable(claim)
    # the steps below read each group's facts once and combine two groups (a system and its baseline, the
    # usual claim) with set operators rather than through generators: about 15,000 instructions less a claim
    # than ``set().union(*[...])``, ``any(...)`` and ``needed_failures`` called on groups without failures
    failing = ran = False
    for g in groups:
        if g.failed:
            failing = True
        if g.by_seed:
            ran = True
    failed = needed_failures(claim, groups) if failing else []
    if not failed and not ran:
        systems = needed_systems(claim) if systems is None else systems
        if not systems:
            return tier_result(verdict=RV.not_run.value, summary="no replication arms are declared for this claim")
        return tier_result(verdict=RV.not_run.value, summary=f"no runs of {', '.join(sorted(set(systems)))} in the results")
    by_seed: dict[int, list[RunRecord]] | None  # the runs of every group by seed (``_merged``), where read
    if len(groups) == 1:
        g = groups[0]
        by_seed, fidelities, found_deviations = g.by_seed, g.fidelities, g.deviations
        seeds = sorted(by_seed)
    elif len(groups) == 2:  # as below, with the two groups' sets joined by ``|``
        a, b = groups
        by_seed = None
        fidelities, found_deviations = a.fidelities | b.fidelities, a.deviations | b.deviations
        seeds = sorted(a.by_seed.keys() | b.by_seed.keys())
    else:
        # the groups' runs are merged by seed only where they are read (a seed left out, a derivation
        # judged seed by seed, no shared tables): the others need only the seeds (with the run ids below,
        # about 5,000 instructions less for a claim of two arms over five seeds)
        by_seed = None
        fidelities = set().union(*[g.fidelities for g in groups])
        found_deviations = set().union(*[g.deviations for g in groups])
        seeds = sorted(set().union(*[g.by_seed for g in groups]))
    # one fidelity (the usual case) is what ``max`` gives, read without its key calls; ``max`` decides
    # among several, gives None for none and raises for an unknown one, as before
    fidelity = next(iter(fidelities)) if len(fidelities) == 1 else None
    if fidelity not in _FIDELITY_ORDER:
        fidelity = max(fidelities, key=_FIDELITY_ORDER.__getitem__, default=None)
    deviations = sorted(found_deviations) if found_deviations else []
    per_seed: dict[int, Derived | Interval | None] = {}  # Intervals: the one value of a ``derive_seeds`` derivation (None: see ``mids``)
    dropped: dict[int, AmbiguousRuns] = {}  # with drop_ambiguous_seeds: the seeds left out, by seed
    missing_any: list = []
    reasons: list[str] = []
    if not tables:
        by_seed = by_seed if by_seed is not None else _merged(groups)
        tables = SeedTables([r for runs in by_seed.values() for r in runs])
    paper_id = fields["id"].split("/", 1)[0]  # ``claim.paper_id``, without the property's call
    derivation = fields["derivation"].__dict__
    name, params = derivation["name"], derivation["params"]
    # the seed tables, each read when needed (each is a different table, so none is cleared while another is read)
    # no seed (every run of the claim's arms failed): nothing to derive, and the tables may hold no
    # run of the paper at all (``SeedTables`` is built over successful runs), which they cannot be asked about
    single = derive_seeds(name, tables.of(paper_id, seeds), params) if seeds else None
    mids = single.mids if single is not None else None
    if mids is not None:  # every seed derived a value: only their middles are read (``k`` counts them, ``per_seed`` stays empty)
        pass
    elif single is not None:  # a gain or a score: one value per seed, derived in one pass
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
    k, need = len(per_seed) if mids is None else len(seeds), fields["tolerance"].__dict__["min_seeds"]  # ``min_seeds(claim)``, read in place
    if failed:  # fail closed: a needed run that failed is never read as a smaller or negative result
        return tier_result(verdict=RV.infra_failure.value, summary=(
            f"{len(failed)} needed run(s) failed and no later run of the same arm, seed and target succeeded: "
            "rerun them (`claimcheck replicate` resumes) or retire them (`claimcheck runs remove`)"),
            failed_runs=[f"{r.run_id} ({r.system}, seed {r.seed}): {r.error}" for r in failed],
            fidelity=fidelity, deviations=deviations)
    if reasons:  # runs that must not be compared (two configurations, or arms on different protocols)
        return tier_result(verdict=RV.not_run.value, summary=f"runs cannot be used: {reasons[0]}")
    if k == 0:  # no run was used, so no fidelity or deviation applies to a verdict
        miss = "; ".join(render_missing(missing_any)[:3])
        if dropped:
            if len(dropped) == len(seeds):
                why = ("two runs give the same cell in every seed, two configurations that are never averaged, "
                       f"and --drop-ambiguous-seeds left them all out ({runs_per_seed(dropped)})")
            else:
                why = f"{left_out_summary(dropped)}; the other seeds lack what the derivation needs: {miss}"
            return tier_result(verdict=RV.not_run.value, summary=f"runs cannot be used: {why}", lines=left_out_lines(dropped))
        return tier_result(verdict=RV.not_run.value, summary=f"runs exist but lack what the derivation needs: {miss}")
    if dropped:  # the seeds left out count for nothing: not their runs' fidelities or deviations either
        by_seed = {seed: runs for seed, runs in (by_seed if by_seed is not None else _merged(groups)).items() if seed not in dropped}
        kept = [r for runs in by_seed.values() for r in runs]
        fidelity = max({r.fidelity for r in kept}, key=_FIDELITY_ORDER.__getitem__, default=None)
        deviations = sorted({d for r in kept for d in r.deviations})
    # the ids of the runs of the seeds used (``by_seed``'s, read once per group): every successful run's
    # when every seed was used (the usual case, one list per group, not one per group and seed)
    if k == len(seeds):
        if len(groups) == 2:
            runs = groups[0].ok_ids + groups[1].ok_ids
            runs.sort()
        else:
            runs = sorted([i for g in groups for i in g.ok_ids]) if len(groups) != 1 else sorted(groups[0].ok_ids)
    else:
        runs = sorted([i for g in groups for s in per_seed for i in g.run_ids.get(s, ())])
    base = {"runs": runs, "seeds": k, "fidelity": fidelity, "deviations": deviations}
    if k < need:
        result = tier_result(verdict=RV.inconclusive.value, summary=f"{k} complete seed(s); at least {need} are needed for an interval",
                            seeds_needed=need, **base)
    elif single is not None:
        result = judge_value(claim, single, mids if mids is not None else [(v[0] + v[1]) / 2 for v in per_seed.values()],  # .mid
                             fidelity or "proxy", base)
    else:
        by_seed = by_seed if by_seed is not None else _merged(groups)
        result = judge_seeds(claim, per_seed, fidelity or "proxy", base, seeds_with_every_candidate(claim, by_seed))
    if dropped:
        return result.model_copy(update={"summary": f"{result.summary}; {left_out_summary(dropped)}",
                                         "lines": left_out_lines(dropped) + result.lines})
    return result


def _merged(groups: list[RunGroup]) -> dict[int, list[RunRecord]]:
    """The runs of ``groups`` by seed: seeds in the order the groups first give them, each seed's runs
    group by group (each group's in record order)."""
    by_seed: dict[int, list[RunRecord]] = {}
    for g in groups:
        for seed, runs in g.by_seed.items():
            by_seed[seed] = by_seed[seed] + runs if seed in by_seed else runs
    return by_seed


def _not_applicable(claim: Claim) -> TierResult:
    return tier_result(verdict=RV.not_run.value, summary=f"no replication applies to a {claim.kind.value} claim")
