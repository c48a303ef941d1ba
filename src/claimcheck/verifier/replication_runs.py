"""Replication tier, the runs: which runs and seeds a claim's replication uses.

- ``needed_systems``: the arms (systems) a replication of the claim must run, baseline included;
- ``needed_failures``: the failed runs that keep the claim from being judged (it fails closed): runs
  of its arms, on a task its derivation reads, with no later success of the same arm, seed and target;
- ``seeds_with_every_candidate``: for a ranking, the seeds that ran every candidate any seed ran,
  the only seeds its order margin is judged over;
- ``left_out_summary``, ``left_out_lines``, ``runs_per_seed``: the words for the seeds that
  ``--drop-ambiguous-seeds`` left out (two runs giving one cell in one seed).
"""

from __future__ import annotations

from claimcheck.claims.derivation_params import DEFAULT_BASELINE
from claimcheck.claims.models import Claim
from claimcheck.results.records import RunRecord
from claimcheck.verifier.run_tables import RunGroup
from claimcheck.verifier.table import XTREME_TASKS, AmbiguousRuns
from claimcheck.verifier.verdict import left_out_line


_ARM_LISTS = frozenset(("candidates", "systems", "better", "worse", "expected"))  # the parameters that name several arms
_DEFAULT_BASELINE_DERIVATIONS = ("mean_gain", "xtreme_gain", "top_k_gains", "direction_per_task")  # compare with a baseline


def needed_systems(claim: Claim) -> list[str]:
    """The systems (arms) a replication of this claim must run, baseline included."""
    # fields read as dict items: a pydantic model's attribute is the slower read (see engine.verify_claim)
    fields = claim.__dict__
    derivation = fields["derivation"].__dict__
    p = derivation["params"]
    arms = fields["replication_arms"]
    if not arms and _ARM_LISTS.isdisjoint(p):
        # the usual claim, a system and its baseline only: the two named without the loops over the
        # parameters and without ``dict.fromkeys`` (names are strings: ``==`` finds the duplicate it
        # finds), about 8,000 instructions less a claim; ``_needed_systems`` gives the same (tested)
        if "baseline" in p:
            baseline = p["baseline"]
        elif derivation["name"] in _DEFAULT_BASELINE_DERIVATIONS:
            baseline = DEFAULT_BASELINE
        else:
            return [p["system"]] if "system" in p else []
        if "system" not in p:
            return [baseline]
        system = p["system"]
        return [system] if system == baseline else [system, baseline]
    return _needed_systems(p, derivation["name"], arms)


def _needed_systems(p: dict, name: str, arms: list[str]) -> list[str]:
    """``needed_systems`` of a claim with derivation ``name``, parameters ``p`` and ``replication_arms``."""
    names: list[str] = []
    for key in ("system", "baseline"):
        if key in p:
            names.append(p[key])
    for key in ("candidates", "systems", "better", "worse", "expected"):
        names.extend(p.get(key) or [])
    if name in _DEFAULT_BASELINE_DERIVATIONS and "baseline" not in p:
        names.append(DEFAULT_BASELINE)
    names.extend(arms)
    return list(dict.fromkeys(names))


def needed_failures(claim: Claim, groups: list[RunGroup]) -> list[RunRecord]:
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


def seeds_with_every_candidate(claim: Claim, by_seed: dict[int, list[RunRecord]]) -> tuple[set[int], str] | None:
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


def left_out_summary(dropped: dict[int, AmbiguousRuns]) -> str:
    """The seeds ``drop_ambiguous_seeds`` left out, with the two runs of each, for a tier summary."""
    return (f"left out seed(s) {', '.join(map(str, sorted(dropped)))} (--drop-ambiguous-seeds): two runs give the same "
            f"cell there, two configurations that are never averaged ({runs_per_seed(dropped)})")


def runs_per_seed(dropped: dict[int, AmbiguousRuns]) -> str:
    return "; ".join(f"seed {seed}: {' and '.join(exc.runs)}" for seed, exc in sorted(dropped.items()))


def left_out_lines(dropped: dict[int, AmbiguousRuns]) -> list[str]:
    """One line per seed left out: the cell two runs give and the two runs."""
    return [left_out_line(seed, exc.cell, exc.runs) for seed, exc in sorted(dropped.items())]
