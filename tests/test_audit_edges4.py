"""`claimcheck audit` edges: the files beside the reports in a folder, a claims table past the row
cap, a content-read table numbered in its first cell. Each test builds its own input in tmp_path;
exit 2 means a one-line message naming the file, never a traceback."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from audit_fixtures import make_report

from claimcheck.cli import app
from claimcheck.sources.synthesis import parse_synthesis

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["audit", *map(str, args)])


def labels(res) -> list[str]:
    return [card["report"]["label"].rsplit("/", 1)[-1] for card in json.loads(res.stdout)["scorecards"]]


def flat(text: str) -> str:
    return " ".join(text.split())


README = "# reports\n\nThe syntheses we collected in June.\n\n## Usage\n\n    claimcheck audit .\n"
LICENSE = "MIT License\n\nCopyright (c) 2026 Someone\n\nPermission is hereby granted, free of charge, ...\n"
CHANGELOG = "# Changelog\n\n## 1.2.0 - 2026-06-29\n\n- added two reports\n- fixed a typo\n"
NOTES = "to do: ask about report b\nJune 29, 2026\n"


def test_a_folder_passes_over_files_beside_the_reports_that_show_no_part_of_one(tmp_path):
    """`audit DIR` audited a README.md, LICENSE.txt, CHANGELOG.md or notes.txt beside the reports as
    reports: a junk scorecard each, whose no_claims_table error made `audit DIR --strict` fail. A folder
    scan now passes them over, naming each in one note line; the exit is the report's own."""
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.md").write_text(make_report(), encoding="utf-8")
    for name, text in (("README.md", README), ("LICENSE.txt", LICENSE), ("CHANGELOG.md", CHANGELOG),
                       ("sub/notes.txt", NOTES)):
        (folder / name).write_text(text, encoding="utf-8")
    alone = run(folder / "a.md", "--strict", "--format", "json")
    res = run(folder, "--strict", "--format", "json")
    assert res.exit_code == alone.exit_code != 2, res.output
    assert labels(res) == ["a.md"]
    assert json.loads(res.stdout)["problems"] == []
    notes = [line for line in res.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1, res.stderr
    for name in ("README.md", "LICENSE.txt", "CHANGELOG.md", "notes.txt"):
        assert name in notes[0]
    assert "a.md" not in notes[0] and "no claims table" in notes[0]
    assert "Traceback" not in res.output


def test_a_file_named_itself_is_audited_and_a_folder_of_no_report_is_a_problem(tmp_path):
    """Named on the command line, a README is audited as before (its no_claims_table error stands); a
    folder holding nothing but such files exits 2 with one line naming them."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "README.md").write_text(README, encoding="utf-8")
    (folder / "LICENSE.txt").write_text(LICENSE, encoding="utf-8")
    res = run(folder / "README.md", "--strict", "--format", "json")
    assert res.exit_code == 1, res.output
    assert labels(res) == ["README.md"]
    # named beside its folder, it is audited too (the folder's scan does not pass it over)
    res = run(folder, folder / "README.md", "--format", "json")
    assert labels(res) == ["README.md"]
    res = run(folder)
    assert res.exit_code == 2
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "no synthesis report in this folder" in flat(res.stderr)
    assert "LICENSE.txt" in flat(res.stderr) and "README.md" in flat(res.stderr)
    assert "Traceback" not in res.output


def test_a_folder_file_with_any_report_part_is_audited(tmp_path):
    """Conservative: a file that shows a claims table, a header field or a References section alone is
    still audited (its missing parts are findings, as before)."""
    from claimcheck.sources.synthesis import report_parts

    parts = {
        "question.md": "# Draft\n\nResearch question: Does intermediate training help on XTREME?\n",
        "examined.txt": "Draft\n\nThis paper examines: English Intermediate-Task Training Improves Zero-Shot Cross-Lingual Transfer Too.\n",
        "refs.md": "# Draft\n\n## References\n\n- <http://arxiv.org/abs/2005.13013v2>\n",
        "counts.txt": "Draft\n\n12 papers retrieved. 9 claims extracted; 9 independently verified.\n",
        "table.md": "# Draft\n\n| Claim | Verified | Confidence |\n|---|---|---|\n| Multi-task training improves by 8.7 points. | ✓ | 0.25 |\n",
        "section.md": "# Draft\n\n## Extracted Claims\n\n(none yet)\n",
    }
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in parts.items():
        (folder / name).write_text(text, encoding="utf-8")
        assert report_parts(parse_synthesis(text, label=name)), name
    (folder / "README.md").write_text(README, encoding="utf-8")
    res = run(folder, "--format", "json")
    assert res.exit_code == 0, res.output
    assert sorted(labels(res)) == sorted(parts)
    assert "README.md" in flat(res.stderr)
    for text in (README, LICENSE, CHANGELOG, NOTES):
        assert report_parts(parse_synthesis(text)) == []


def test_the_verified_count_counts_the_ticks_of_the_rows_past_the_row_cap():
    """Past MAX_ROWS the rows are counted but not kept, and their ticks were not counted: a report that
    says, rightly, that all its 2,010 claims were verified failed 'claims verified vs ticked rows'
    (2,000 ticks seen). The check counts every row read; a cross past the cap stays a cross."""
    from claimcheck.audit.engine import _consistency
    from claimcheck.sources.synthesis_table import MAX_ROWS

    n = MAX_ROWS + 10
    rows = [(f"Claim number {k} says the gain is {k}.{k % 10} points.", "✗" if k == n else "✓", "0.3") for k in range(1, n + 1)]
    report = parse_synthesis(make_report(rows, verified=n - 1), label="big.md")
    assert len(report.rows) == MAX_ROWS and report.rows_dropped == 10
    check = next(c for c in _consistency(report) if c.name == "claims verified vs ticked rows")
    assert check.ok and check.observed == str(n - 1), check
    check = next(c for c in _consistency(parse_synthesis(make_report(rows, verified=n), label="big.md"))
                 if c.name == "claims verified vs ticked rows")
    assert not check.ok and "9 of them among the 10 rows past the cap" in check.message


def _claims_section(rows: list[str]) -> str:
    return "# Draft\n\n## Extracted Claims\n\n" + "\n".join(rows) + "\n\n## References\n\n- <http://arxiv.org/abs/2005.13013v2>\n"


CLAIMS = ("Multi-task intermediate-task training on all 9 tasks performs best, improving by 8.7 points.",
          "Evaluating our best models on XTREME yields an average improvement of 5.4 points.",
          "Training on English intermediate tasks outperforms continuing multilingual MLM.")


def test_a_headerless_table_numbered_in_its_first_cell_reads_no_confidence_from_the_number():
    """Read by content (no header), a row without a decimal confidence took its '#' number for one:
    "3" read as 0.03, "1" as 1.0. A bare whole number in the first cell that runs 1, 2, 3 down the rows
    is the row's number; a confidence elsewhere in the row is still read."""
    for sep in ("\t", " | "):
        wrap = (lambda r: "| " + r + " |") if sep == " | " else (lambda r: r)
        rows = [wrap(sep.join([str(k), text, "✓"])) for k, text in enumerate(CLAIMS, 1)]
        report = parse_synthesis(_claims_section(rows))
        assert [(r.text, r.verified, r.confidence, r.confidence_text) for r in report.rows] == [
            (text, True, None, "") for text in CLAIMS], report.rows
        assert [r.own_number for r in report.rows] == [None] * 3
    # a whole-number confidence beside the number is the confidence; a decimal one as before
    rows = [f"| {k} | {text} | ✓ | {conf} |" for k, text, conf in zip((1, 2, 3), CLAIMS, ("80", "0.4", "65"))]
    assert [r.confidence for r in parse_synthesis(_claims_section(rows)).rows] == [0.8, 0.4, 0.65]
    # numbered from 5: the numbers are the table's own, named as such
    rows = [f"| {k} | {text} | ✓ |" for k, text in zip((5, 6, 7), CLAIMS)]
    report = parse_synthesis(_claims_section(rows))
    assert [r.confidence for r in report.rows] == [None] * 3
    assert [r.own_number for r in report.rows] == ["5", "6", "7"]
    assert any("first column numbers its rows otherwise" in n for n in report.notes)


def test_a_headerless_table_whose_first_cells_do_not_run_keeps_them_as_confidences():
    """Conservative: whole numbers that do not run one by one down the rows, or two that do but do not
    start at 0 or 1, are read as confidences, as before."""
    rows = [f"| {c} | {text} | ✓ |" for c, text in zip(("80", "65", "70"), CLAIMS)]
    assert [r.confidence for r in parse_synthesis(_claims_section(rows)).rows] == [0.8, 0.65, 0.7]
    rows = [f"| {c} | {text} | ✓ |" for c, text in zip(("80", "81"), CLAIMS)]
    assert [r.confidence for r in parse_synthesis(_claims_section(rows)).rows] == [0.8, 0.81]
