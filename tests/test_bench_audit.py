"""benchmarks/bench_audit.py: its alterations, and a run over a small report of its own (the bundled
registry, no ../shared). What the audit catches is measured by the benchmark, not asserted here,
except that a raised number is caught, which the audit has always done."""

from __future__ import annotations

import json

import pytest

from audit_fixtures import make_report
from script_modules import script_module


@pytest.fixture(scope="module")
def bench():
    with script_module("benchmarks/bench_audit.py") as module:
        yield module


@pytest.mark.parametrize(("kind", "text", "altered"), [
    ("number", "improving by 8.7 points", "improving by 10.7 points"),
    ("count", "on all nine tasks", "on all twelve tasks"),
    ("count", "on all 9 tasks", "on all 12 tasks"),
    ("direction", "Training on English tasks outperforms MLM.", "Training on English tasks underperforms MLM."),
    ("direction", "We see large improvements on BUCC.", "We see large drops on BUCC."),
    ("negation", "The model yields a gain.", "The model does not yield a gain."),
    ("negation", "The study investigates nine tasks.", "The study does not investigate nine tasks."),  # "study": a noun here
    ("negation", "We use XLM-R Large.", "We do not use XLM-R Large."),
    ("model size", "We use XLM-R Large here.", "We use XLM-R Base here."),
    ("name", "SQuAD, MNLI, and HellaSwag", "CCG, MNLI, and HellaSwag"),
    ("number", "no decimals here", None),
    ("model size", "XLM-R Base already", None),
])  # fmt: skip
def test_each_alteration_changes_the_first_thing_it_applies_to(bench, kind, text, altered):
    assert bench.ALTERATIONS[kind](text) == altered


def test_a_run_over_a_small_report_counts_every_outcome(bench, tmp_path, capsys):
    rows = [("Multi-task intermediate-task training on all 9 tasks performs best, improving by 8.7 points.", "✓", "0.4"),
            ("We use the pretrained XLM-R Large model as a starting point for all our experiments.", "✓", "0.4")]
    report = tmp_path / "report.md"
    report.write_text(make_report(rows), encoding="utf-8")
    out = tmp_path / "bench.json"
    assert bench.main([str(report), "--json", str(out), "--show-missed"]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["rows"] == 2 and result["flagged_as_written"] == []
    for kind, entry in result["alterations"].items():
        assert entry["applied"] == entry["flagged"] + entry["re-resolved"] + entry["missed"] == len(entry["rows"]), kind
    assert result["alterations"]["number"]["flagged"] == 1  # 8.7 -> 10.7
    assert result["alterations"]["model size"]["applied"] == 1
    printed = capsys.readouterr().out
    assert "1 reports, 2 rows; flagged as written: 0" in printed and "alteration" in printed


def test_a_missing_report_is_a_clear_error(bench, tmp_path, capsys):
    assert bench.main([str(tmp_path / "nope.md")]) == 2
    assert "no such report or folder" in capsys.readouterr().err
