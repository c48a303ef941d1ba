"""The source tier's fast paths give what the plain path gave: ``check_source`` against the version
before them (``source_tier_reference``: every derivation raised and caught, the missing cells rendered
per view and again for the summary, the claim read attribute by attribute), object by object, fields set
included.

The claims are varied where the paths could differ: every derivation, papers with and without cells,
one view and several (a low-reliability source, a source that alone gives a metric), typo hints,
implied values, background claims, written tolerances, and the bundled claims with their real cells.
"""

from __future__ import annotations

import itertools

import pytest
from pydantic import BaseModel

from claimcheck.claims.registry import load_registry
from claimcheck.verifier.derive import Context, Derived, attempt_derivation, run_derivation
from claimcheck.verifier.source_tier import PaperSources, check_source, render_missing
from claimcheck.verifier.table import CellKey, NotDerivable, Table, missing_cells, paper_observations
from source_tier_reference import check_source as reference_check_source
from source_tier_reference import render_missing as reference_render_missing
from verifier_fixtures import cell, make_claim, make_paper

SOURCES = [
    {"id": "tab", "title": "Table 1", "locator": "Table 1", "reliability": "primary"},
    {"id": "web", "title": "Leaderboard", "locator": "web", "reliability": "secondary"},
    {"id": "blog", "title": "A blog", "locator": "blog", "reliability": "low"},
]


def _state(obj):
    """What an object is, compared: a model's class, fields set and field values (recursively)."""
    if isinstance(obj, BaseModel):
        return (type(obj).__name__, sorted(obj.model_fields_set), {k: _state(v) for k, v in obj.__dict__.items()})
    if isinstance(obj, list):
        return [_state(v) for v in obj]
    return (type(obj).__name__, obj)


def _papers():
    cells = [
        cell("XLM-R", "xnli", "80.1"), cell("XLM-R", "pawsx", "86.0"), cell("XLM-R", "udpos", "72.0"),
        cell("XLM-R", "xquad", "70.0", metric="em"), cell("XLM-R", "xquad", "80.0", metric="f1"),
        cell("MNLI", "xnli", "81.0"), cell("MNLI", "xnli", "81.4", source="web"), cell("MNLI", "pawsx", "86.5", source="blog"),
        cell("MNLI", "xquad", "71.0", metric="em"), cell("MNLI", "xquad", "81.5", metric="f1", source="web"),
        cell("X-STILTs", "xnli", "82.0"), cell("X-STILTs", "pawsx", "87.0", source="web"), cell("QQP", "xnli", "79.0", source="blog"),
        cell("XLM-R", "xnli", "79.0", split="test"), cell("MNLI", "xnli", "80.0", split="test"),
    ]
    facts = [{"key": "tasks", "value": ["xnli", "pawsx"], "source": "tab", "quote": "two tasks"},
             {"key": "lr", "value": 0.001, "source": "blog"}]
    yield "several views", make_paper(cells=cells, facts=facts, sources=SOURCES)
    yield "one view", make_paper(cells=[c for c in cells if c["source"] == "tab"], facts=facts[:1], sources=SOURCES[:1])
    yield "low only", make_paper(cells=[dict(c, source="blog") for c in cells[:6]], sources=SOURCES[2:])
    yield "no cells", make_paper(cells=[], facts=facts, sources=SOURCES)


def _claims():
    gains = [
        ({"system": "MNLI", "baseline": "XLM-R", "tasks": ["xnli"], "split": "dev"}, ["0.9"]),
        ({"system": "MNLI", "baseline": "XLM-R", "tasks": ["xnli", "pawsx"]}, ["0.7"]),
        ({"system": "MNLI", "baseline": "XLM-R", "tasks": ["xnli", "pawsx", "udpos"]}, ["1.0"]),
        ({"system": "MNLI", "baseline": "XLM-R", "tasks": ["xnli", "pawsx", "udpos"], "split": "dev"}, ["1.0"]),  # implied: MNLI lacks udpos
        ({"system": "MNLI", "tasks": ["xnli", "xquad"]}, ["1.0"]),  # the default baseline, a QA task: F1 only in another source
        ({"system": "X-STILT", "baseline": "XLM-R", "tasks": ["xnli"]}, ["2.0"]),  # a typo of a cell's system
        ({"system": "MNLI", "baseline": "XLM-R", "tasks": ["xnlii", "pawsx"]}, ["1.0"]),  # a typo of a task
        ({"system": "Nobody", "baseline": "Nemo", "tasks": ["xnli", "pawsx", "udpos", "panx"]}, ["3.0"]),
        ({"system": "MNLI", "baseline": "XLM-R", "tasks": ["xnli"], "split": "test"}, []),  # a gain without a number
        ({"system": "QQP", "baseline": "XLM-R", "tasks": ["xnli"]}, ["-1.1"]),
    ]
    for i, (params, reported) in enumerate(gains):
        yield make_claim("mean_gain", params, reported, cid=f"9999.00001/g{i}")
        yield make_claim("xtreme_gain", params, reported, cid=f"9999.00001/x{i}", tolerance={"extra": 0.5})
        yield make_claim("mean_score", {k: v for k, v in params.items() if k != "baseline"}, reported[:1] or ["81.0"],
                         cid=f"9999.00001/s{i}")
    yield make_claim("xtreme_score", {"system": "MNLI"}, ["80"], cid="9999.00001/xs")
    for ordered in (True, False):
        yield make_claim("top_k_gains", {"expected": ["MNLI", "X-STILTs"], "candidates": ["MNLI", "X-STILTs", "QQP"],
                                         "baseline": "XLM-R", "tasks": ["xnli"], "ordered": ordered}, ["0.9", "1.9"],
                         cid=f"9999.00001/t{int(ordered)}")
    yield make_claim("top_k_gains", {"expected": ["MNLI"], "candidates": ["MNLI", "X-STILTs"], "tasks": ["xnli", "pawsx"]},
                     cid="9999.00001/t2")
    yield make_claim("mean_better", {"better": ["X-STILTs"], "worse": ["MNLI", "XLM-R"], "tasks": ["xnli"]}, cid="9999.00001/b1")
    yield make_claim("mean_better", {"better": ["MNLI"], "worse": ["Nemo"], "tasks": ["xnli", "udpos"]}, cid="9999.00001/b2")
    yield make_claim("direction_per_task", {"systems": ["MNLI", "X-STILTs"], "expect": {"xnli": "up", "pawsx": "no_gain"},
                                            "quorum": 0.5}, cid="9999.00001/d1")
    yield make_claim("direction_per_task", {"systems": ["MNLI", "QQP"], "expect": {"xnli": "down", "udpos": "up"}},
                     cid="9999.00001/d2")
    yield make_claim("fact", {"key": "tasks", "count": 2}, cid="9999.00001/f1", kind="setup")
    yield make_claim("fact", {"key": "lr", "expect": 0.001}, cid="9999.00001/f2", kind="setup")
    yield make_claim("fact", {"key": "absent", "expect": 1}, cid="9999.00001/f3", kind="setup")
    yield make_claim("cited_claim", {"work": "Smith et al."}, ["5.0"], cid="9999.00001/o1", kind="background", attributed_to="Smith")
    yield make_claim("unavailable_source", {"needs": "the appendix"}, cid="9999.00001/o2")
    yield make_claim("not_specified", {}, ["1.0"], cid="9999.00001/o3")


@pytest.mark.parametrize("label, paper", list(_papers()), ids=lambda x: x if isinstance(x, str) else "")
def test_check_source_equals_the_plain_path(label, paper):
    claims = list(_claims())
    shared_new, shared_ref = PaperSources(paper), PaperSources(paper)
    for claim in claims + claims:  # twice: the second round reads what the first left in the shared views
        want = reference_check_source(claim, paper, shared_ref)
        assert _state(check_source(claim, paper, shared_new)) == _state(want), claim.id
        assert _state(check_source(claim, paper)) == _state(want), claim.id


def test_the_bundled_claims_equal_the_plain_path():
    registry = load_registry()
    shared: dict[str, tuple[PaperSources, PaperSources]] = {}
    for claim in registry.select(()):
        paper = registry.papers[claim.paper_id]
        new, ref = shared.setdefault(paper.id, (PaperSources(paper), PaperSources(paper)))
        assert _state(check_source(claim, paper, new)) == _state(reference_check_source(claim, paper, ref)), claim.id


def test_attempt_derivation_gives_what_run_derivation_raises():
    """Every derivation, on tables with and without the cells it needs, on the paper's cells and on
    replication data: the same Derived, or a NotDerivable with the same cells, reason and message."""
    paper = dict(_papers())["several views"]
    tables = [Table(paper_observations(paper)), Table([])]
    params = {claim.id: (claim.derivation.name, claim.derivation.params) for claim in _claims()}
    for (name, p), table, ctx in itertools.product(params.values(), tables, [Context(), Context(replication=True)]):
        ctx = Context(facts={"tasks": ["xnli", "pawsx"]}, replication=ctx.replication)
        table.used.clear()
        got = attempt_derivation(name, table, p, ctx)
        used = list(table.used)
        table.used.clear()
        try:
            want = run_derivation(name, table, p, ctx)
        except NotDerivable as exc:
            assert type(got) is type(exc) and (got.missing, got.reason, got.args) == (exc.missing, exc.reason, exc.args), name
        else:
            assert type(got) is Derived and got == want, name
        assert used == table.used, name


def test_render_missing_equals_the_plain_grouping():
    keys = [CellKey(s, t, m, sp) for s, t, m, sp in itertools.product(["S", "B", "a *b"], ["xnli", "tydiqa"], ["f1", "*", "em"],
                                                                     ["dev", "test"])]
    for n in range(len(keys)):
        for sample in (keys[:n], keys[n:], keys[::n + 1], sorted(keys[n:]), list(reversed(keys[:n]))):
            assert render_missing(sample) == reference_render_missing(sample)


def test_missing_cells_is_the_not_derivable_it_replaces():
    a, b, c = CellKey("S", "xnli", "accuracy", "dev"), CellKey("B", "xnli", "accuracy", "dev"), CellKey("S", "tydiqa", "em", "dev")
    for keys in ([], [a], [a, b], [b, a], [a, a], [a, CellKey(*a)], [a, b, c], [c, a, b, a], [b, b, b]):
        got, want = missing_cells(list(keys)), NotDerivable(list(keys))
        assert type(got) is NotDerivable and got.missing == want.missing and got.reason == want.reason == ""
        assert [id(k) for k in got.missing] == [id(k) for k in want.missing]  # the first of equal cells kept, as a set keeps it
        assert got.args == want.args and str(got) == str(want) and got.__dict__ == want.__dict__
        assert list(got.__dict__) == list(want.__dict__) and got.__traceback__ is want.__traceback__ is None
