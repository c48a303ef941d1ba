"""benchmarks/bench_audit_paraphrases.py: its data file and reports, and a run over them (the bundled
registry, no ../shared). How many paraphrases the audit gets right is measured by the benchmark, not
asserted here."""

from __future__ import annotations

import json

import pytest

from claimcheck.claims.registry import load_registry
from claimcheck.sources.synthesis import parse_synthesis
from script_modules import script_module


@pytest.fixture(scope="module")
def bench():
    with script_module("benchmarks/bench_audit_paraphrases.py") as module:
        yield module


def test_every_paraphrase_is_listed_under_a_bundled_claim_of_its_paper(bench):
    data, claims = bench.load(), load_registry().claims
    assert set(data["rows"]) <= set(claims)
    assert all(cid.split("/", 1)[0] in data["papers"] for cid in data["rows"])
    assert all(3 <= len(rows) <= 7 for rows in data["rows"].values())


def test_each_report_reads_back_as_the_rows_it_was_written_from(bench):
    for paper_id, (text, listed) in bench.reports(bench.load()).items():
        report = parse_synthesis(text, label=paper_id)
        assert [r.text for r in report.rows] == [t for _, t in listed]
        assert all(r.verified is True for r in report.rows)
        assert report.examined_paper and report.references[0].arxiv_id == paper_id


def test_a_run_counts_every_paraphrase_once(bench, tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert bench.main(["--json", str(out), "--show", "--write", str(tmp_path / "reports")]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    total = result["total"]
    assert total["rows"] == sum(len(v) for v in bench.load()["rows"].values()) == len(result["rows"])
    assert total["intended"] + total["other"] + total["unresolved"] == total["rows"]
    assert total["errors"] <= total["rows"] and total["flagged"] <= total["intended"] + total["other"]
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["paraphrases_2005.13013.txt", "paraphrases_2210.01091.txt"]
    assert "correct paraphrases" in capsys.readouterr().out
