"""Table-driven tests of ``drop_ambiguous_seeds``: a seed in which two runs give one cell (two
configurations of one arm) is left out and named, instead of refusing the whole claim."""

from __future__ import annotations

import pytest

from claimcheck.reports.labels import claim_marks
from claimcheck.verifier.engine import verify
from claimcheck.verifier.verdict import left_out_seeds
from verifier_fixtures import make_claim, make_paper, make_registry, run

GAIN = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"}, ["2.0"])
EFFECT = make_claim("direction_per_task", {"systems": ["B"], "baseline": "A", "split": "dev", "expect": {"xnli": "up"}},
                    kind="effect")


def _runs(deltas, fidelity="proxy"):
    """Arms A (baseline) and B, one run per seed, B ahead of A by ``deltas[seed]``."""
    recs = []
    for seed, d in enumerate(deltas):
        recs.append(run("A", seed, [("xnli", "accuracy", 70.0 + 0.1 * seed)], fidelity=fidelity))
        recs.append(run("B", seed, [("xnli", "accuracy", 70.0 + 0.1 * seed + d)], fidelity=fidelity))
    return recs


def _stray(system, seed, value=90.0, fidelity="proxy"):
    """A second configuration of ``system`` run with ``seed``."""
    return run(system, seed, [("xnli", "accuracy", value)], fidelity=fidelity, run_id=f"{system}-{seed}-other-config")


def _replication(records, claim=GAIN, drop=True):
    return verify(make_registry(make_paper(), [claim]), records, drop_ambiguous_seeds=drop).claims[0].replication


FIVE = [2.0, 2.1, 1.9, 2.2, 1.8]


@pytest.mark.parametrize("case, records, claim, verdict, seeds, left_out", [
    ("one duplicate seed of five", _runs(FIVE) + [_stray("B", 3)], GAIN, "direction_only", 4, {3: "B"}),
    ("the two runs give the same value", _runs(FIVE) + [_stray("B", 3, value=70.3 + 2.2)], GAIN, "direction_only", 4, {3: "B"}),
    ("only the baseline arm is duplicated", _runs(FIVE) + [_stray("A", 1, value=50.0)], GAIN, "direction_only", 4, {1: "A"}),
    ("two seeds of five", _runs(FIVE) + [_stray("A", 0), _stray("B", 4)], GAIN, "direction_only", 3, {0: "A", 4: "B"}),
    ("the power guard counts the seeds kept", _runs(FIVE[:3]) + [_stray("B", 2)], GAIN, "inconclusive", 2, {2: "B"}),
    ("an effect claim (a derivation run seed by seed)", _runs(FIVE) + [_stray("B", 3)], EFFECT, "direction_only", 4, {3: "B"}),
])
def test_ambiguous_seeds_are_left_out_and_named(case, records, claim, verdict, seeds, left_out):
    v = _replication(records, claim)
    assert (v.verdict, v.seeds) == (verdict, seeds), (case, v.summary)
    assert f"left out seed(s) {', '.join(map(str, left_out))} (--drop-ambiguous-seeds)" in v.summary, case
    for seed, system in left_out.items():
        assert f"seed {seed}: {system}-{seed} and {system}-{seed}-other-config" in v.summary, case
        assert f"seed {seed} left out (--drop-ambiguous-seeds): two runs give {system} / xnli / accuracy / en " \
               f"({system}-{seed} and {system}-{seed}-other-config)" in v.lines, case
        assert not any(r.endswith(f"-{seed}") or r.endswith(f"-{seed}-other-config") for r in v.runs), case
    assert len(v.runs) == 2 * seeds, case  # A and B of every seed kept, nothing of a seed left out
    assert left_out_seeds(v) == [str(seed) for seed in left_out], case  # what the renderers' mark reads
    if verdict == "inconclusive":
        assert v.summary.startswith("2 complete seed(s); at least 3 are needed for an interval") and v.seeds_needed == 3
    # without the switch the same records refuse the claim, naming the first ambiguous seed's runs
    default = _replication(records, claim, drop=False)
    assert default.verdict == "not_run" and default.summary.startswith("runs cannot be used: two runs give"), case
    assert default.summary.endswith("or leave out each seed run in two configurations (--drop-ambiguous-seeds)"), case
    assert "left out" not in default.summary and not default.lines and not default.runs
    assert left_out_seeds(default) == []


def test_a_claim_judged_without_some_seeds_is_marked():
    claim = verify(make_registry(make_paper(), [GAIN]), _runs(FIVE) + [_stray("B", 3), _stray("A", 1)],
                   drop_ambiguous_seeds=True).claims[0]
    assert claim_marks(claim) == ["left out seed(s) 1, 3: two runs each"]
    assert claim_marks(verify(make_registry(make_paper(), [GAIN]), _runs(FIVE)).claims[0]) == []


def test_every_seed_ambiguous_is_not_run_naming_each():
    recs = _runs(FIVE[:3]) + [_stray("B", s) for s in range(3)]
    v = _replication(recs)
    assert v.verdict == "not_run" and not v.runs and v.seeds == 0 and v.fidelity is None
    assert v.summary == ("runs cannot be used: two runs give the same cell in every seed, two configurations that are "
                         "never averaged, and --drop-ambiguous-seeds left them all out (seed 0: B-0 and B-0-other-config; "
                         "seed 1: B-1 and B-1-other-config; seed 2: B-2 and B-2-other-config)")
    assert len(v.lines) == 3 and v.lines[0].startswith("seed 0 left out (--drop-ambiguous-seeds): two runs give B / xnli")


def test_the_other_seeds_lacking_cells_is_said_too():
    recs = [run("A", 0, [("xnli", "accuracy", 70.0)]), run("B", 0, [("xnli", "accuracy", 72.0)]), _stray("B", 0),
            run("A", 1, [("xnli", "accuracy", 70.0)])]  # B was not run with seed 1
    v = _replication(recs)
    assert v.verdict == "not_run"
    assert v.summary.startswith("runs cannot be used: left out seed(s) 0 (--drop-ambiguous-seeds)")
    assert "the other seeds lack what the derivation needs" in v.summary


def test_fidelity_and_deviations_come_from_the_seeds_kept():
    # the stray configuration is a full-fidelity run; the seeds judged are proxies, so the verdict is capped
    v = _replication(_runs(FIVE) + [_stray("B", 3, fidelity="full")])
    assert (v.verdict, v.fidelity, v.deviations) == ("direction_only", "proxy", ["test deviation"])
    clean = _replication([r.model_copy(update={"fidelity": "full", "deviations": []}) for r in _runs(FIVE)] + [_stray("B", 3)])
    assert (clean.fidelity, clean.deviations) == ("full", [])  # the proxy run left out brings no deviation


def test_a_protocol_refusal_is_not_dropped():
    # the switch leaves out two runs of one cell; arms evaluated under different protocols still refuse
    spec = {"encoder": {"name": "m"}, "precision": "auto", "target": {"task": "xnli", "evals": [{"task": "xnli", "limit": 100}]}}
    other = dict(spec, target={"task": "xnli", "evals": [{"task": "xnli", "limit": 2000}]})
    recs = [r.model_copy(update={"spec": other if (r.system, r.seed) == ("A", 0) else spec}) for r in _runs(FIVE)]
    v = _replication(recs)
    assert v.verdict == "not_run" and "followed different protocols" in v.summary


def test_a_seed_without_two_runs_of_a_cell_read_is_kept():
    # a second run of B in seed 0 on a task the claim does not read gives no cell twice: nothing to leave out
    recs = _runs(FIVE) + [run("B", 0, [("pawsx", "accuracy", 80.0)], run_id="B-0-pawsx")]
    assert _replication(recs).summary == _replication(recs, drop=False).summary
    assert "left out" not in _replication(recs).summary
