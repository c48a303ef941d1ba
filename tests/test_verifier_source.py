"""Table-driven source-tier tests in the statcheck spirit: bounds, rounding, sign flips, missing cells."""

from __future__ import annotations

import math

import pytest

from claimcheck.verifier.engine import verify
from claimcheck.verifier.intervals import Interval, written_interval
from verifier_fixtures import cell, make_claim, make_paper, make_registry

TASKS = ["xnli", "pawsx"]


def _gain_claim(reported, extra=0.0):
    tol = {"extra": extra} if extra else {}
    return make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": TASKS, "split": "dev"}, [reported], tolerance=tol)


def _paper(a1, a2, b1, b2):
    return make_paper([cell("A", "xnli", a1), cell("A", "pawsx", a2), cell("B", "xnli", b1), cell("B", "pawsx", b2)])


@pytest.mark.parametrize(
    "cells, reported, expected",
    [
        # gain = ((80.0-70.0) + (90.0-80.0)) / 2 = 10.0; cells +-0.05 -> derived [9.9, 10.1]
        (("70.0", "80.0", "80.0", "90.0"), "10.0", "consistent"),
        # exactly at the bound: reported 10.2 -> [10.15, 10.25] vs derived [9.9, 10.1]: misses
        (("70.0", "80.0", "80.0", "90.0"), "10.2", "inconsistent"),
        # touching bound: reported "10.15"? written 10.15 -> [10.145, 10.155]; derived hi 10.1: misses
        (("70.0", "80.0", "80.0", "90.0"), "10.15", "inconsistent"),
        # reported 10.1 -> [10.05, 10.15] meets derived [9.9, 10.1]
        (("70.0", "80.0", "80.0", "90.0"), "10.1", "consistent"),
        # rounding: coarse report "10" -> [9.5, 10.5]
        (("70.0", "80.0", "80.0", "90.0"), "10", "consistent"),
        # sign flip: the data say -10, the claim says +10
        (("80.0", "90.0", "70.0", "80.0"), "10.0", "direction_error"),
        # the claim says a loss, the data a gain
        (("70.0", "80.0", "80.0", "90.0"), "-10.0", "direction_error"),
        # integer cells widen by 0.5: derived [9.0, 11.0]
        (("70", "80", "80", "90"), "10.9", "consistent"),
    ],
)
def test_gain_verdicts(cells, reported, expected):
    claim = _gain_claim(reported)
    report = verify(make_registry(_paper(*cells), [claim]), [])
    assert report.claims[0].source.verdict == expected


def test_exactly_at_bound_is_consistent():
    # derived [9.9, 10.1]; reported "10.15" with extra 0.05 -> [10.095, 10.205]: overlaps at 10.1
    claim = _gain_claim("10.15", extra=0.05)
    report = verify(make_registry(_paper("70.0", "80.0", "80.0", "90.0"), [claim]), [])
    assert report.claims[0].source.verdict == "consistent"


def test_missing_cells_are_named():
    paper = make_paper([cell("A", "xnli", "70.0"), cell("B", "xnli", "80.0")])
    report = verify(make_registry(paper, [_gain_claim("10.0")]), [])
    result = report.claims[0].source
    assert result.verdict == "not_derivable"
    assert "A (dev): pawsx accuracy" in result.views[0].missing
    assert "B (dev): pawsx accuracy" in result.views[0].missing
    assert "pawsx" in result.summary


def test_qa_task_score_is_mean_of_em_and_f1():
    paper = make_paper([
        cell("A", "tydiqa", "40.0", metric="em"), cell("A", "tydiqa", "60.0", metric="f1"),
        cell("B", "tydiqa", "50.0", metric="em"), cell("B", "tydiqa", "70.0", metric="f1"),
    ])
    claim = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["tydiqa"], "split": "dev"}, ["10.0"])
    report = verify(make_registry(paper, [claim]), [])
    assert report.claims[0].source.verdict == "consistent"
    only_f1 = make_paper([cell("A", "tydiqa", "60.0", metric="f1"), cell("B", "tydiqa", "70.0", metric="f1")])
    report = verify(make_registry(only_f1, [claim]), [])
    assert report.claims[0].source.verdict == "not_derivable"
    assert any("tydiqa em" in m for m in report.claims[0].source.views[0].missing)


def test_language_cells_are_averaged():
    paper = make_paper([
        cell("A", "xnli", "70.0", language="de"), cell("A", "xnli", "72.0", language="fr"),
        cell("B", "xnli", "80.0", language="de"), cell("B", "xnli", "82.0", language="fr"),
    ])
    claim = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"}, ["10.0"])
    assert verify(make_registry(paper, [claim]), []).claims[0].source.verdict == "consistent"


def test_disagreeing_sources_give_one_view_each():
    sources = [
        {"id": "s1", "title": "one", "locator": "T1", "reliability": "secondary"},
        {"id": "s2", "title": "two", "locator": "T2", "reliability": "secondary"},
    ]
    paper = make_paper(
        [cell("A", "xnli", "70.0", source="s1"), cell("B", "xnli", "80.0", source="s1"), cell("B", "xnli", "75.0", source="s2")],
        sources=sources,
    )
    claim = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"}, ["10.0"])
    result = verify(make_registry(paper, [claim]), []).claims[0].source
    verdicts = {v.label: v.verdict.value for v in result.views}
    assert verdicts == {"s1 first": "consistent", "s2 first": "inconsistent"}
    assert "disagree" in result.summary


def test_top_k_order_and_direction_error():
    cells = [cell("base", "xnli", "70.0"), cell("X", "xnli", "80.0"), cell("Y", "xnli", "75.0"), cell("Z", "xnli", "72.0")]
    params = {"expected": ["X", "Y"], "candidates": ["X", "Y", "Z"], "baseline": "base", "tasks": ["xnli"], "split": "dev"}
    ok = make_claim("top_k_gains", params, ["10.0", "5.0"], kind="comparison")
    assert verify(make_registry(make_paper(cells), [ok]), []).claims[0].source.verdict == "consistent"
    flipped = make_claim("top_k_gains", {**params, "expected": ["Z", "Y"]}, kind="comparison")
    assert verify(make_registry(make_paper(cells), [flipped]), []).claims[0].source.verdict == "direction_error"


def test_effect_quorum():
    cells = [cell("base", "tydiqa", "50.0", metric="em"), cell("base", "tydiqa", "60.0", metric="f1")]
    for s, d in (("P", 5), ("Q", 3), ("R", -4)):
        cells += [cell(s, "tydiqa", f"{50 + d}.0", metric="em"), cell(s, "tydiqa", f"{60 + d}.0", metric="f1")]
    params = {"systems": ["P", "Q", "R"], "baseline": "base", "split": "dev", "expect": {"tydiqa": "up"}}
    many = make_claim("direction_per_task", {**params, "quorum": 0.5}, kind="effect")
    every = make_claim("direction_per_task", {**params, "quorum": 1.0}, kind="effect", cid="9999.00001/d")
    report = verify(make_registry(make_paper(cells), [many, every]), [])
    assert [c.source.verdict for c in report.claims] == ["consistent", "direction_error"]


def test_fact_claims():
    facts = [{"key": "n_tasks", "value": 9, "source": "tab", "quote": "nine tasks"}]
    good = make_claim("fact", {"key": "n_tasks", "expect": 9}, kind="setup")
    bad = make_claim("fact", {"key": "n_tasks", "expect": 7}, kind="setup", cid="9999.00001/b")
    absent = make_claim("fact", {"key": "lr", "expect": 1}, kind="setup", cid="9999.00001/x")
    report = verify(make_registry(make_paper(facts=facts), [good, bad, absent]), [])
    assert [c.source.verdict for c in report.claims] == ["consistent", "inconsistent", "not_derivable"]
    assert [c.overall.value for c in report.claims] == ["supported", "contradicted", "unverified"]


def test_implied_value_for_missing_system_cells():
    # baseline: 3 tasks at 60, 70, 80 -> 70.0; system known on 2 tasks (65, 75); claim: +5.0
    cells = [cell("A", t, v) for t, v in (("xnli", "60.0"), ("pawsx", "70.0"), ("tatoeba", "80.0"))]
    cells += [cell("B", "xnli", "65.0"), cell("B", "pawsx", "75.0")]
    claim = make_claim("xtreme_gain", {"system": "B", "baseline": "A", "tasks": ["xnli", "pawsx", "tatoeba"], "split": "dev"}, ["5.0"])
    result = verify(make_registry(make_paper(cells), [claim]), []).claims[0].source
    assert result.verdict == "not_derivable"
    implied = [s for s in result.spans if s.role == "implied"]
    # 3 x (5.0 + 70.0) - (65 + 75) = 85.0; half-widths: 3 x 0.05 (gain) + 3 x 0.05 (baseline mean) + 0.1 (known sum)
    assert implied and math.isclose(implied[0].lo, 84.6) and math.isclose(implied[0].hi, 85.4)


def test_implied_value_of_a_mean_gain_reads_the_split_its_gain_reads():
    """A ``mean_gain`` without ``split`` reads dev cells (its default), so its implied value must be
    worked out on dev cells too, not on test cells (``xtreme_gain``'s default), where it found no baseline."""
    cells = [cell("A", t, v) for t, v in (("xnli", "60.0"), ("pawsx", "70.0"), ("tatoeba", "80.0"))]
    cells += [cell("B", "xnli", "65.0"), cell("B", "pawsx", "75.0")]
    claim = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli", "pawsx", "tatoeba"]}, ["5.0"])
    result = verify(make_registry(make_paper(cells), [claim]), []).claims[0].source
    assert result.verdict == "not_derivable" and "missing B (dev): tatoeba" in result.summary
    implied = [s for s in result.spans if s.role == "implied"]
    assert implied and math.isclose(implied[0].lo, 84.6) and math.isclose(implied[0].hi, 85.4)
    assert "to hold they would have to average" in result.summary


def test_written_interval_rules():
    assert written_interval("8.7") == Interval(8.65, 8.75) or math.isclose(written_interval("8.7").lo, 8.65)
    assert math.isclose(written_interval("70").lo, 69.5)
    assert math.isclose(written_interval("70%").hi, 70.5)
    assert math.isclose(written_interval("5.40").hi, 5.405)
    with pytest.raises(ValueError):
        Interval(float("nan"), 1.0)


def test_a_fact_claim_with_also_needs_every_fact():
    from claimcheck.verifier.derive import Context, run_derivation

    ctx = Context(facts={"models": ["BERT", "XLNet"], "tasks": ["a", "b", "c"]})
    params = {"key": "models", "includes": ["BERT"], "also": [{"key": "tasks", "count": 3}]}
    assert run_derivation("fact", None, params, ctx).fact_ok is True
    params["also"] = [{"key": "tasks", "count": 2}]
    derived = run_derivation("fact", None, params, ctx)
    assert derived.fact_ok is False and len(derived.lines) == 2 and "expected 2" in derived.lines[1]


def test_a_view_never_builds_a_qa_score_from_two_sources():
    """One source gives XQuAD F1 only, another EM and F1: the view that prefers the first takes both
    cells from the second, rather than its F1 with the other's EM."""
    sources = [
        {"id": "full", "title": "EM and F1", "locator": "T1", "reliability": "secondary"},
        {"id": "f1only", "title": "F1 only", "locator": "T2", "reliability": "secondary"},
    ]
    cells = [cell("B", "xquad", "60.0", metric="em", source="full"), cell("B", "xquad", "80.0", metric="f1", source="full"),
             cell("B", "xquad", "70.0", metric="f1", source="f1only"),
             cell("B", "xnli", "81.0", source="full"), cell("B", "xnli", "85.0", source="f1only")]
    claim = make_claim("mean_score", {"system": "B", "tasks": ["xquad", "xnli"], "split": "dev"}, ["75.5"])
    views = {v.label: v for v in verify(make_registry(make_paper(cells, sources=sources), [claim]), []).claims[0].source.views}
    preferred = views["f1only first"]
    xquad = {(c.metric, c.origin.split(":")[1]) for c in preferred.cells if c.task == "xquad"}
    assert xquad == {("em", "full"), ("f1", "full")}  # not ("f1", "f1only") beside ("em", "full")
    assert {c.origin.split(":")[1] for c in preferred.cells if c.task == "xnli"} == {"f1only"}  # complete there: preferred
    # (70 + 85) / 2 = 77.5 in that view, (70 + 81) / 2 = 75.5 in the other
    assert preferred.verdict.value == "inconsistent" and views["full first"].verdict.value == "consistent"


def test_top_k_without_a_stated_mapping_compares_the_gains_from_largest_to_smallest():
    cells = [cell("base", "xnli", "70.0"), cell("X", "xnli", "75.0"), cell("Y", "xnli", "80.0"), cell("Z", "xnli", "72.0")]
    params = {"expected": ["X", "Y"], "candidates": ["X", "Y", "Z"], "baseline": "base", "tasks": ["xnli"], "split": "dev"}
    # the numbers are Y's and X's gains (10, 5), but the claim names X first and does not say whose is whose
    ordered = make_claim("top_k_gains", params, ["10.0", "5.0"], kind="comparison")
    unordered = make_claim("top_k_gains", {**params, "ordered": False}, ["10.0", "5.0"], kind="comparison", cid="9999.00001/u")
    # the reported numbers need not be listed largest first either
    ascending = make_claim("top_k_gains", {**params, "ordered": False}, ["5.0", "10.0"], kind="comparison", cid="9999.00001/v")
    a, b, c = verify(make_registry(make_paper(cells), [ordered, unordered, ascending]), []).claims
    # ordered, X is claimed above Y, but Y gains more: the order flips
    assert a.source.verdict == "direction_error" and b.source.verdict == "consistent" and c.source.verdict == "consistent"
    assert any("does not say which number is whose" in line for line in b.source.views[0].lines)


def test_a_fact_from_a_secondary_source_says_so():
    sources = [{"id": "guide", "title": "the authors' guide", "locator": "G", "reliability": "secondary"}]
    facts = [{"key": "model", "value": "M", "source": "guide", "quote": "use M"}]
    claim = make_claim("fact", {"key": "model", "expect": "M"}, kind="setup")
    source = verify(make_registry(make_paper(facts=facts, sources=sources), [claim]), []).claims[0].source
    assert source.verdict == "consistent"
    assert source.views[0].label == "source guide (secondary: not the paper itself)" and "secondary" in source.summary


def test_a_metric_that_only_another_source_gives_is_named_as_not_combined():
    sources = [{"id": "em", "title": "EM only", "locator": "T1", "reliability": "secondary"},
               {"id": "f1", "title": "F1 only", "locator": "T2", "reliability": "secondary"}]
    cells = [cell("B", "xquad", "60.0", metric="em", source="em"), cell("B", "xquad", "80.0", metric="f1", source="f1")]
    claim = make_claim("mean_score", {"system": "B", "tasks": ["xquad"], "split": "dev"}, ["70.0"])
    source = verify(make_registry(make_paper(cells, sources=sources), [claim]), []).claims[0].source
    assert source.verdict == "not_derivable"
    first = {v.label: v for v in source.views}["em first"]
    assert first.missing == ["B (dev): xquad f1"]
    assert any(line.startswith("not combined across sources: B (dev): xquad f1") for line in first.lines)


def test_no_gain_beaten_by_a_clear_gain_is_a_size_miss_not_a_direction_error():
    cells = [cell("base", "xnli", "70.0"), cell("P", "xnli", "73.0"), cell("base", "pawsx", "80.0"), cell("P", "pawsx", "79.0")]
    flat = {"systems": ["P"], "baseline": "base", "split": "dev"}
    claims = [
        make_claim("direction_per_task", {**flat, "expect": {"xnli": "no_gain"}}, kind="effect", cid="9999.00001/a"),
        make_claim("direction_per_task", {**flat, "expect": {"xnli": "no_gain", "pawsx": "up"}}, kind="effect", cid="9999.00001/b"),
        make_claim("direction_per_task", {**flat, "expect": {"xnli": "up", "pawsx": "no_gain"}}, kind="effect", cid="9999.00001/c"),
    ]
    report = verify(make_registry(make_paper(cells), claims), [])
    # a: +3 is beyond the 1-point margin of "no gain"; b: pawsx falls where a rise is claimed; c: holds
    assert [c.source.verdict for c in report.claims] == ["inconsistent", "direction_error", "consistent"]


def test_the_bundled_leaderboard_cells_reproduce_rembert_printed_task_averages():
    """A check of the score definition on the bundled cells: RemBERT Table 16 prints Avg_task 72.7
    (STiLTs) and 70.1 (XLM-R) over its seven tasks (../shared/reference/papers.md 1.4). With QA as
    (EM + F1) / 2, as XTREME's evaluate.py scores it, the bundled cells give 508.6 / 7 and 490.95 / 7;
    QA as F1 alone would give 76.27 and 74.01, far from the printed values."""
    from claimcheck.claims.registry import load_registry

    paper = load_registry([]).papers["2005.13013"]
    seven = ["xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa"]
    claims = [make_claim("mean_score", {"system": s, "tasks": seven, "split": "test"}, [printed], cid=f"2005.13013/avg-{s.lower()}")
              for s, printed in (("X-STILTs", "72.7"), ("XLM-R", "70.1"))]
    report = verify(make_registry(paper, claims), [])
    for claim, derived in zip(report.claims, ("[72.607, 72.707]", "[70.086, 70.186]")):  # 508.6 / 7, 490.95 / 7
        rembert = next(v for v in claim.source.views if v.label.startswith("rembert-t16"))
        assert rembert.verdict == "consistent", rembert
        assert len(rembert.cells) == 10 and rembert.lines[-1].endswith(f"= {derived}"), rembert.lines


@pytest.mark.parametrize(
    "cells, expected, verdict",
    [
        # A is surely below O (80.00 vs 80.05: [-0.06, -0.04]); the shared baseline must not widen that
        ({"base": "70.0", "A": "80.00", "O": "80.05"}, ["A"], "direction_error"),
        # Q (80.00) is surely below R (80.10); P's coarse "80" must not lend Q its width
        ({"base": "70.0", "P": "80", "Q": "80.00", "R": "80.10"}, ["P", "Q"], "direction_error"),
        # in order, but not surely: P's "80" spans [79.5, 80.5], so P above Q could hold
        ({"base": "70.0", "P": "80", "Q": "80.00", "R": "79.00"}, ["P", "Q"], "consistent"),
        # the stated order among the expected systems is checked too: B > C > A is claimed, C > B > A holds
        ({"base": "70.0", "A": "74.0", "B": "78.0", "C": "80.0"}, ["B", "C"], "direction_error"),
        ({"base": "70.0", "A": "74.0", "B": "80.0", "C": "78.0"}, ["B", "C"], "consistent"),
    ],
)
def test_top_k_order_margin_is_taken_pair_by_pair_on_the_systems_own_cells(cells, expected, verdict):
    table = [cell(s, "xnli", v) for s, v in cells.items()]
    params = {"expected": expected, "candidates": [s for s in cells if s != "base"], "baseline": "base",
              "tasks": ["xnli"], "split": "dev"}
    claim = make_claim("top_k_gains", params, kind="comparison")
    assert verify(make_registry(make_paper(table), [claim]), []).claims[0].source.verdict == verdict


def test_unordered_numbers_fit_when_some_assignment_fits_not_only_the_midpoint_ranking():
    """A gains [1.995, 2.105] (mid 2.05), B from an integer cell [1.45, 2.55] (mid 2.0): ranked by midpoint,
    2.5 would meet A and miss; given to B, both numbers fit."""
    cells = [cell("base", "xnli", "70.00"), cell("A", "xnli", "72.05"), cell("B", "xnli", "72"), cell("C", "xnli", "70.50")]
    params = {"expected": ["A", "B"], "candidates": ["A", "B", "C"], "baseline": "base", "tasks": ["xnli"], "split": "dev",
              "ordered": False}
    fits = make_claim("top_k_gains", params, ["2.5", "2.0"], kind="comparison")
    misses = make_claim("top_k_gains", params, ["2.5", "2.4"], kind="comparison", cid="9999.00001/m")  # only B reaches 2.4 or 2.5
    a, b = verify(make_registry(make_paper(cells), [fits, misses]), []).claims
    assert (a.source.verdict, b.source.verdict) == ("consistent", "inconsistent")


def test_overlap_matching_finds_an_assignment_by_augmenting_paths():
    from claimcheck.verifier.ranking import overlap_matching

    iv = Interval
    values = [iv(0, 10), iv(0, 1), iv(5, 6)]
    assert overlap_matching(values, [iv(0.5, 0.6), iv(5.5, 5.6), iv(2, 3)]) == [(1, 0), (2, 1), (0, 2)]
    assert overlap_matching(values, [iv(0.5, 0.6), iv(0.7, 0.8)]) == [(1, 0), (0, 1)]
    assert overlap_matching(values, [iv(0.5, 0.6), iv(0.7, 0.8), iv(0.9, 0.95)]) is None  # three numbers, two fit


def test_a_gain_claimed_without_a_number_claims_its_direction():
    cells = [cell("A", "xnli", "70.0"), cell("B", "xnli", "67.0"), cell("C", "xnli", "72.0")]
    down = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"})
    up = make_claim("mean_gain", {"system": "C", "baseline": "A", "tasks": ["xnli"], "split": "dev"}, cid="9999.00001/u")
    a, b = verify(make_registry(make_paper(cells), [down, up]), []).claims
    assert (a.source.verdict, b.source.verdict) == ("direction_error", "consistent")


def test_a_margin_that_touches_zero_is_judged_alike_whatever_the_float_noise():
    """70.3 vs 70.4 and 80.0 vs 80.1 are the same case (the intervals touch at a tie); float subtraction
    gives -1.4e-14 for one and 0.0 for the other."""
    cells = [cell(s, "xnli", v) for s, v in (("A", "70.3"), ("B", "70.4"), ("C", "80.0"), ("D", "80.1"))]
    claims = [make_claim("mean_better", {"better": [x], "worse": [y], "tasks": ["xnli"], "split": "dev"}, kind="comparison",
                         cid=f"9999.00001/{x.lower()}{y.lower()}") for x, y in (("A", "B"), ("C", "D"))]
    assert [c.source.verdict for c in verify(make_registry(make_paper(cells), claims), []).claims] == ["consistent"] * 2


def test_a_verdict_that_needs_a_low_reliability_cell_is_shown_but_not_decisive():
    sources = [{"id": "tab", "title": "Table 1", "locator": "Table 1", "reliability": "primary"},
               {"id": "blog", "title": "a summary", "locator": "web", "reliability": "low"}]
    cells = [cell("A", "xnli", "70.0"), cell("B", "xnli", "71.0", source="blog")]
    claim = make_claim("mean_gain", {"system": "B", "baseline": "A", "tasks": ["xnli"], "split": "dev"}, ["5.0"])
    (v,) = verify(make_registry(make_paper(cells, sources=sources), [claim]), []).claims
    assert v.source.verdict == "not_derivable" and v.overall == "unverified", v.source
    assert "would be inconsistent" in v.source.summary and "B/xnli" in v.source.summary and "never decide alone" in v.source.summary
    reliable = [cell("A", "xnli", "70.0"), cell("B", "xnli", "71.0")]  # the same number from the table decides
    assert verify(make_registry(make_paper(reliable, sources=sources), [claim]), []).claims[0].source.verdict == "inconsistent"
