"""`claimcheck audit` edges: what a folder scan passes over is carried in the audit itself (every
format, not only a stderr note), and the research-question finding names rows as the row findings do.
Each test builds its own input in tmp_path."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from audit_fixtures import ROW_MULTITASK, ROW_SOTA, ROW_XTREME, make_report

from claimcheck.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["audit", *map(str, args)])


def flat(text: str) -> str:
    return " ".join(text.split())


def pipe_report(rows: list[str], header: str, separator: str) -> str:
    return make_report([(r, "", "") for r in rows], header=f"{header}\n{separator}", row_format=lambda r: r[0])


def test_the_question_finding_names_a_row_by_the_tables_own_number_too(tmp_path):
    """Row findings say "row 2 (its #7)" where the claims table numbers its rows 1, 7, 3; the
    research-question finding said "(row 2)" only, naming a row the reader cannot find by that number."""
    rows = [f"| 1 | {ROW_XTREME} | ✓ | 0.9 |", f"| 7 | {ROW_MULTITASK} | ✓ | 0.3 |", f"| 3 | {ROW_SOTA} | ✓ | 0.9 |"]
    path = tmp_path / "own.md"
    path.write_text(pipe_report(rows, "| # | Claim | Verified | Confidence |", "|---|---|---|---|"), encoding="utf-8")
    res = run(path, "--format", "json")
    card = json.loads(res.stdout)["scorecards"][0]
    facets = {f["key"]: f["rows"] for f in card["question"]["facets"]}
    assert facets["multi-task"] == [2]  # the JSON keeps positions
    message = card["question"]["message"]
    assert "multi-task vs single-task intermediate training (row 2 (its #7))" in message, message
    partly = [f for f in card["findings"] if f["code"] == "question_partly_addressed"]
    assert [f["message"] for f in partly] == [message]  # no listed claim touches XTREME-R
    # a table numbered by position: as before
    plain = tmp_path / "plain.md"
    plain.write_text(pipe_report(rows[:1] + [f"| 2 | {ROW_MULTITASK} | ✓ | 0.3 |"], "| # | Claim | Verified | Confidence |",
                                 "|---|---|---|---|"), encoding="utf-8")
    card = json.loads(run(plain, "--format", "json").stdout)["scorecards"][0]
    assert "(row 2)" in card["question"]["message"] and "its #" not in card["question"]["message"]
