"""`claimcheck audit` driven as a user would: folders holding more than reports, odd tables, odd
paths for --out. Each test builds its own input in tmp_path; exit 2 means a one-line message naming
the file, never a traceback."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import pytest

from audit_fixtures import ROW_MULTITASK, ROW_XTREME, make_report, pdf_from_report
from paper_fixtures import sparse_pdf

from claimcheck.cli import app
from claimcheck.sources.synthesis import parse_synthesis

runner = CliRunner()


def run(*args, stdin: bytes | None = None):
    return runner.invoke(app, ["audit", *map(str, args)], input=stdin)


def labels(res) -> list[str]:
    return [card["report"]["label"] for card in json.loads(res.stdout)["scorecards"]]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_folder_audited_twice_into_itself_does_not_audit_its_own_scorecards(tmp_path):
    """`audit reports --out reports` writes a scorecard per report beside it; the next run audited
    those as reports (each .md scorecard read as a synthesis with junk rows), and an --all-in-one
    --out reports/audit.md was refused on the second run as a file the command reads."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.md").write_text(make_report(), encoding="utf-8")
    (folder / "b.txt").write_text(make_report(markdown=False), encoding="utf-8")
    for fmt in ("md", "terminal"):
        assert run(folder, "--format", fmt, "--out", folder).exit_code == 0
    assert run(folder, "--all-in-one", "--format", "md", "--out", folder / "audit.md").exit_code == 0
    for _ in range(2):
        res = run(folder, "--all-in-one", "--format", "md", "--out", folder / "audit.md")
        assert res.exit_code == 0, res.output
    res = run(folder, "--format", "json")
    assert res.exit_code == 0, res.output
    assert [label.rsplit("/", 1)[-1] for label in labels(res)] == ["a.md", "b.txt"]
    # named as such, a scorecard is refused, naming it; the report beside it is audited
    res = run(folder / "audit.md", folder / "a.md", "--format", "json")
    assert res.exit_code == 2
    assert "audit.md: a scorecard `claimcheck audit` wrote, not a synthesis report" in flat(res.stderr)
    assert "Traceback" not in res.output and len(labels(res)) == 1


def test_a_folder_passes_over_hidden_entries_and_follows_a_linked_folder_once(tmp_path):
    """Hidden files and folders (Jupyter's .ipynb_checkpoints copies, .git) were audited as reports,
    doubling a report in the scorecards and the aggregate; a linked folder of reports was left out
    without a word. A link back up (a loop) adds nothing and does not hang."""
    folder = tmp_path / "reports"
    (folder / ".ipynb_checkpoints").mkdir(parents=True)
    (folder / "a.md").write_text(make_report(), encoding="utf-8")
    (folder / ".ipynb_checkpoints" / "a-checkpoint.md").write_text(make_report(), encoding="utf-8")
    (folder / ".draft.md").write_text(make_report(), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "c.txt").write_text(make_report(markdown=False), encoding="utf-8")
    (folder / "more").symlink_to(elsewhere, target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "again").symlink_to(elsewhere, target_is_directory=True)
    res = run(folder, "--format", "json")
    assert res.exit_code == 0, res.output
    found = [label[len(str(folder)) + 1:] for label in labels(res)]
    assert found == ["a.md", "again/c.txt"]  # of two links to one folder, the first by name
    # a hidden file or folder named as an input is read
    res = run(folder / ".draft.md", "--format", "json")
    assert res.exit_code == 0 and len(labels(res)) == 1


def test_a_missing_path_or_an_empty_folder_among_the_inputs_does_not_stop_the_others(tmp_path):
    """An empty file among the inputs is named and the rest audited (exit 2); a path that names nothing
    or a folder without reports stopped the whole command before any report was audited."""
    good = tmp_path / "good.md"
    good.write_text(make_report(), encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    res = run(empty, good, tmp_path / "typo.md", "--format", "json")
    assert res.exit_code == 2
    assert labels(res) == [str(good)]
    stderr = flat(res.stderr)
    assert f"{empty}: no report files" in stderr and f"{tmp_path / 'typo.md'}: no such report file or folder" in stderr
    assert "Traceback" not in res.output
    res = run(tmp_path / "typo.md")  # alone: exit 2, named
    assert res.exit_code == 2 and "typo.md: no such report file or folder" in flat(res.stderr) and not res.stdout
    # --out is still checked against the inputs that exist
    res = run(good, tmp_path / "typo.md", "--out", good)
    assert res.exit_code == 2 and "is a file this command reads" in flat(res.stderr)
    assert good.read_text(encoding="utf-8") == make_report()


def pipe_report(rows: list[str], header: str = "| Claim | Verified | Confidence |", separator: str = "|---|---|---|") -> str:
    """A report whose claims table is the Markdown ``rows`` (written as given) under ``header``."""
    return make_report([(r, "", "") for r in rows], header=f"{header}\n{separator}" if separator else header,
                       row_format=lambda r: r[0])


ROW_BASE = "We use the pretrained XLM-R Large model as a starting point for all our experiments."


@pytest.mark.parametrize(
    ("row", "text"),
    [
        ("| We use the pretrained XLM-R Large model | as a starting point for all our experiments. | ✓ | 0.32 |",
         "We use the pretrained XLM-R Large model | as a starting point for all our experiments."),
        ("| A | B | C | ✓ | 0.32 |", "A | B | C"),
        (f"| {ROW_BASE} | ✓ | 0.32 | |", ROW_BASE),  # an empty closing cell is no surplus
        (f"| {ROW_BASE} | ✓ | 0.32 | a note |", ROW_BASE),  # a surplus cell after readable ones stays beyond
    ],
)
def test_a_pipe_in_a_claim_cell_does_not_shift_the_tick_and_confidence_away(row, text):
    """An unescaped '|' in a claim gave the row a cell more than the header: the tail of the claim was
    read as its Verified mark (unreadable: no tick) and the tick as its confidence, the real
    confidence and the rest of the claim dropped without a note."""
    r = parse_synthesis(pipe_report([f"| {ROW_MULTITASK} | ✓ | 0.25 |", row]))
    assert [(x.text, x.verified, x.confidence) for x in r.rows] == [(ROW_MULTITASK, True, 0.25), (text, True, 0.32)]
    widened = [n for n in r.notes if "more cells than the header" in n]
    assert widened == (["claims table row 2 had more cells than the header: the column separator in the claim "
                        "text was read as part of the claim"] if "|" in text else [])


def test_a_tab_in_a_claim_cell_and_a_claim_column_last():
    text = make_report([("Multi-task intermediate-task training\ton all 9 tasks performs best, improving by 8.7 points.", "✓", "0.25")])
    r = parse_synthesis(text)
    assert (r.rows[0].text, r.rows[0].verified, r.rows[0].confidence) == (ROW_MULTITASK, True, 0.25)
    r = parse_synthesis(pipe_report(["| ✓ | 0.3 | text with | a pipe |"], header="| Verified | Confidence | Claim |"))
    assert (r.rows[0].text, r.rows[0].verified, r.rows[0].confidence) == ("text with | a pipe", True, 0.3)


@pytest.mark.parametrize("section", ["5 Extracted Claims", "5 Overview"])
def test_a_markdown_table_without_outer_pipes_is_read(section):
    """GitHub Markdown lets a table leave out its outer pipes ("Claim | Verified | Confidence"); the
    header was not recognised, so each row's tick and confidence stayed in its text (no tick read) in a
    claims section, and outside one the whole table was not found."""
    rows = [f"{ROW_MULTITASK} | ✓ | 0.25", f"{ROW_BASE} | no | 40%"]
    text = pipe_report(rows, header="Claim | Verified | Confidence", separator="--- | :---: | ---:")
    r = parse_synthesis(text.replace("5 Extracted Claims", section))
    assert [(x.text, x.verified, x.confidence) for x in r.rows] == [(ROW_MULTITASK, True, 0.25), (ROW_BASE, False, 0.40)]
    assert r.columns == ["claim", "verified", "confidence"]
    assert not [n for n in r.notes if "claims table" in n]


@pytest.mark.parametrize("section", ["5 Extracted Claims", "5 Overview"])
def test_a_table_without_outer_pipes_or_delimiter_row_is_read_by_its_column_names(section):
    """The same table with no delimiter row under "Claim | Verified | Confidence" (a table with its
    outer pipes is read without one): the header was not recognised, so in a claims section each row's
    tick stayed in its text (no tick read), and a row whose tick was dressed ("**✓**") swallowed the
    next row; outside one the table was not found."""
    rows = [f"{ROW_MULTITASK} | ✓ | 0.25", f"{ROW_BASE} | **✓** | 0,32", f"{ROW_MULTITASK} | no | 40%"]
    text = pipe_report(rows, header="Claim | Verified | Confidence", separator="")
    r = parse_synthesis(text.replace("5 Extracted Claims", section))
    assert [(x.text, x.verified, x.confidence) for x in r.rows] == [
        (ROW_MULTITASK, True, 0.25), (ROW_BASE, True, 0.32), (ROW_MULTITASK, False, 0.40)]
    assert r.columns == ["claim", "verified", "confidence"]
    assert not [n for n in r.notes if "claims table" in n]


GERMAN_ROWS = [f"| {ROW_BASE.replace('Large', 'Base')} | ✓ | 0.25 |", "| Das Zwischentraining verbessert XTREME um 5,4 Punkte. | ✓ | 0.9 |"]


def test_a_report_in_another_language_has_its_claims_table_read(tmp_path):
    """A claims table headed in another language ("Behauptung | Verifiziert | Konfidenz") under a
    heading the parser does not know was not found at all: 0 rows audited, and --strict passed a
    ticked row that names another size of its claim's model."""
    text = pipe_report(GERMAN_ROWS, header="| Behauptung | Verifiziert | Konfidenz |").replace(
        "## 5 Extracted Claims", "## 5 Extrahierte Behauptungen")
    r = parse_synthesis(text)
    assert [(x.verified, x.confidence) for x in r.rows] == [(True, 0.25), (True, 0.9)]
    assert ("claims table header (Behauptung | Verifiziert | Konfidenz) names no column we know (Claim, Verified, "
            "Confidence): columns were recognised by their content") in r.notes
    assert "no claims table found" not in r.notes
    path = tmp_path / "de.md"
    path.write_text(text, encoding="utf-8")
    res = run(path, "--strict")
    assert res.exit_code == 1 and "row 1 names XLM-R Base" in flat(res.output), res.output


@pytest.mark.parametrize("markdown", [True, False])
def test_a_header_in_another_language_under_a_claims_heading_is_no_row(markdown):
    """In a claims section the unknown header was audited as a claim row of its own (its longest cell,
    "Verifiziert", an unknown claim)."""
    if markdown:
        text = pipe_report(GERMAN_ROWS, header="| Behauptung | Verifiziert | Konfidenz |")
    else:
        text = make_report([(ROW_MULTITASK, "✓", "0.25"), (ROW_XTREME, "ja", "0.33")],
                           header="Behauptung\tVerifiziert\tKonfidenz", markdown=False)
    r = parse_synthesis(text)
    assert len(r.rows) == 2 and r.rows[0].confidence == 0.25 and "Verifiziert" not in [x.text for x in r.rows]
    assert any(n.startswith("claims table header (Behauptung | Verifiziert | Konfidenz)") for n in r.notes)


def test_a_table_of_numbers_under_an_unknown_header_is_not_taken_for_the_claims():
    results = "| Modell | XNLI | BUCC |\n|---|---|---|\n| XLM-R | 79.2 | 66.0 |\n| mBERT | 0.65 | 0.56 |"
    text = make_report(header="", row_format=lambda r: "").replace("## 5 Extracted Claims", "## 5 Ergebnisse\n\n" + results)
    r = parse_synthesis(text)
    assert r.rows == [] and "no claims table found" in r.notes


def test_an_out_ending_with_a_slash_is_a_folder_even_for_one_report(tmp_path):
    """`--out cards/` for one report wrote its scorecard to a file named "cards" (the slash was lost)."""
    report = tmp_path / "a.md"
    report.write_text(make_report(), encoding="utf-8")
    res = run(report, "--format", "md", "--out", f"{tmp_path / 'cards'}/")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "cards" / "a.scorecard.md").is_file()
    # --all-in-one writes one file: a name ending with '/' is refused, nothing written
    res = run(report, "--all-in-one", "--out", f"{tmp_path / 'one'}/")
    assert res.exit_code == 2 and "--out': ends with '/', a folder: --all-in-one writes one file" in flat(res.stderr)
    assert not (tmp_path / "one").exists() and "Traceback" not in res.output


def test_a_scorecard_written_into_a_folder_does_not_replace_a_report_audited(tmp_path):
    """Per-report scorecards were written without the check a single --out file gets: a report named
    "a.scorecard.txt" beside "a.txt" was replaced by a.txt's scorecard."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(make_report(markdown=False), encoding="utf-8")
    other = make_report([(ROW_XTREME, "✓", "0.33")], markdown=False)
    (folder / "a.scorecard.txt").write_text(other, encoding="utf-8")
    res = run(folder, "--out", folder)
    assert res.exit_code == 2 and "a.scorecard.txt: field '--out': is a file this command reads" in flat(res.stderr)
    assert (folder / "a.scorecard.txt").read_text(encoding="utf-8") == other
    assert sorted(p.name for p in folder.iterdir()) == ["a.scorecard.txt", "a.txt"]  # nothing written


def test_a_row_number_in_a_table_without_header_is_not_read_as_the_confidence():
    """Columns recognised by their content took the first number in [0, 100] as the confidence: a
    leading "#" cell "1" read as confidence 1.00 (hiding the row's 0.25) and "2" as 0.02."""
    text = make_report([("1", ROW_MULTITASK, "✓", "0.25"), ("2", ROW_XTREME, "✓", "33%")], header="")
    r = parse_synthesis(text)
    assert [(x.text, x.verified, x.confidence) for x in r.rows] == [(ROW_MULTITASK, True, 0.25), (ROW_XTREME, True, 0.33)]


def test_a_table_that_numbers_its_rows_otherwise_says_how_rows_are_counted():
    """Findings name rows by position ("row 4 states twelve"); a table with its own '#' column that
    repeats or skips numbers (1, 2, 2, 7) had no row 4 of its own, and nothing said which row was
    meant."""
    rows = [f"| 1 | {ROW_MULTITASK} | ✓ | 0.9 |", f"| 2 | {ROW_BASE} | ✓ | 0.9 |", f"| 2 | {ROW_XTREME} | ✓ | 0.9 |",
            "| 7 | We study the effect of intermediate-task training with twelve different English intermediate tasks. | ✓ | 0.9 |"]
    r = parse_synthesis(pipe_report(rows, header="| # | Claim | Verified | Confidence |", separator="|---|---|---|---|"))
    assert len(r.rows) == 4 and r.rows[3].text.startswith("We study")
    assert ("the claims table's own '#' column numbers its rows otherwise: rows here are counted by position, and "
            "row 3 is its 2, row 4 is its 7") in r.notes
    # numbered 1, 2, 3 (or 01, 02): nothing to say
    r = parse_synthesis(pipe_report(rows[:2], header="| No. | Claim | Verified | Confidence |", separator="|---|---|---|---|"))
    assert not [n for n in r.notes if "numbers its rows" in n]


def test_a_report_is_read_from_standard_input_given_as_dash(tmp_path):
    """`some-generator | claimcheck audit -` said "-: no such report file or folder"."""
    text = make_report()
    res = run("-", "--format", "json", stdin=text.encode("utf-8"))
    assert res.exit_code == 0, res.output
    card = json.loads(res.stdout)["scorecards"][0]
    assert card["report"]["label"] == "<stdin>" and card["rows"][0]["claim_id"] == "2005.13013/multitask-gain"
    # a PDF on standard input; "-" twice reads it once; beside a file, into a folder
    res = run("-", "-", "--format", "json", stdin=pdf_from_report(text))
    assert res.exit_code == 0 and [c["report"]["format"] for c in json.loads(res.stdout)["scorecards"]] == ["pdf"]
    report = tmp_path / "a.md"
    report.write_text(text, encoding="utf-8")
    res = run("-", report, "--out", tmp_path / "cards", stdin=text.encode("utf-8"))
    assert res.exit_code == 0 and sorted(p.name for p in (tmp_path / "cards").iterdir()) == ["a.scorecard.txt", "stdin.scorecard.txt"]
    # nothing on standard input: exit 2, named
    res = run("-", stdin=b"")
    assert res.exit_code == 2 and "<stdin>: empty input: nothing to audit" in flat(res.stderr)


def encrypted(pdf: bytes, user_password: str) -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_a_pdf_protected_by_a_password_is_named_as_such(tmp_path):
    """A PDF that needs a password to open was refused as "not a readable PDF (FileNotDecryptedError:
    File has not been decrypted)"; one with only an owner password is read."""
    pytest.importorskip("pypdf")
    locked, open_ = tmp_path / "locked.pdf", tmp_path / "open.pdf"
    locked.write_bytes(encrypted(pdf_from_report(make_report()), "secret"))
    open_.write_bytes(encrypted(pdf_from_report(make_report()), ""))
    res = run(locked, open_, "--format", "json")
    assert res.exit_code == 2 and labels(res) == [str(open_)]
    assert f"{locked}: the PDF is protected by a password: decrypt it first" in flat(res.stderr)
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (make_report().encode("utf-8"), "named .pdf but holds plain text, not a PDF: name it .txt or .md to audit it as text"),
        (b"<!DOCTYPE html>\n<html><body>404 Not Found</body></html>", "named .pdf but holds an HTML page, not a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "named .pdf but is no PDF (it has no %PDF- header)"),
    ],
)
def test_a_file_named_pdf_that_is_no_pdf_says_what_it_holds(tmp_path, data, said):
    """A text report or a failed download's HTML page saved as .pdf was refused as "not a readable PDF
    (PdfStreamError: Stream has ended unexpectedly)", which says nothing of what is wrong."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    res = run(path)
    assert res.exit_code == 2 and f"report.pdf: {said}" in flat(res.stderr) and "Traceback" not in res.output


def test_a_ten_megabyte_line_does_not_take_the_claims_table_after_it(tmp_path):
    """A Markdown report with a chart inlined as a 10 MB base64 line before its claims table: the
    8 MiB cap on a file cut at the last line break before the cap, so the whole table and the
    references after the image were left out (the note said only that the file was capped)."""
    import base64
    import time

    from claimcheck.sources.synthesis_file import load_synthesis

    image = "![chart](data:image/png;base64," + base64.b64encode(b"\x89PNG" * 2_000_000).decode() + ")"
    text = make_report().replace("## 5 Extracted Claims", image + "\n\n## 5 Extracted Claims")
    path = tmp_path / "inline.md"
    path.write_text(text.replace("Intermediate-task training often helps", "Intermédiaire " + "é" * 60_000), encoding="utf-8")
    assert path.stat().st_size > 10 * 1024 * 1024
    start = time.perf_counter()
    r = load_synthesis(path)
    assert time.perf_counter() - start < 10
    assert [x.text for x in r.rows] == [ROW_MULTITASK, ROW_XTREME] and len(r.references) == 2
    assert r.notes[0].startswith("file is 10.") and r.notes[0].endswith(
        ": 2 line(s) longer than 80 KiB (an inlined image?) were read up to that length only; the lines after them were read")
    assert not [n for n in r.notes if "UTF-8" in n or "only the first" in n]  # "é" is not cut in two


@pytest.mark.parametrize("markdown", [True, False])
def test_a_line_between_rows_that_is_no_row_is_noted_not_dropped_without_a_word(markdown):
    """A row that lost its cells (no tab or '|', no tick, no confidence) between two rows of the
    claims table was passed over without a note: the audit had one row fewer and nothing said why."""
    if markdown:
        fmt = lambda r: "| " + " | ".join(r) + " |" if len(r) > 1 else r[0]  # noqa: E731
        text = make_report([(ROW_MULTITASK, "✓", "0.25"), (ROW_BASE,), (ROW_XTREME, "✓", "0.33")],
                           header="| Claim | Verified | Confidence |\n|---|---|---|", row_format=fmt)
    else:
        text = make_report([(ROW_MULTITASK, "✓", "0.25"), (ROW_BASE,), (ROW_XTREME, "✓", "0.33")], markdown=False)
    r = parse_synthesis(text)
    assert [x.text for x in r.rows] == [ROW_MULTITASK, ROW_XTREME]
    note = [n for n in r.notes if n.startswith("claims table: 1 line(s) between its rows have no cells")]
    assert len(note) == 1 and '"We use the pretrained XLM-R Large model as a starting point…"' in note[0]
    # prose after the table, before the next heading, is no row left out
    r = parse_synthesis(text.replace("\n\n## References", "\n\nAll claims were checked twice.\n\n## References")
                        .replace("\n\nReferences", "\n\nAll claims were checked twice.\n\nReferences"))
    assert len([n for n in r.notes if "between its rows" in n]) == 1


@pytest.mark.parametrize("qualifier", ["nearly", "about", "over", "~"])
def test_an_approximate_number_too_long_for_a_float_is_no_crash(tmp_path, qualifier):
    """"nearly 999…9" (400 digits) overflowed to inf, and the approximation's bounds (inf - inf) were
    NaN: the audit stopped with a traceback (ValueError: interval bounds must not be NaN)."""
    from claimcheck.audit.row_numbers import approximately

    assert not approximately("9" * 400, qualifier.strip("~") or "about", "9")
    path = tmp_path / "long.md"
    path.write_text(make_report([(f"XLNet is {qualifier} {'9' * 400} points the worst performing model in all experiments.", "✓", "0.5")]),
                    encoding="utf-8")
    res = run(path)
    assert res.exit_code == 0 and "Traceback" not in res.output, res.output


def test_a_scorecard_redirected_into_the_audited_folder_is_not_read_as_an_empty_report(tmp_path):
    """`claimcheck audit reports --all-in-one --format md > reports/audit.md`: the shell creates the
    (empty) file before the command starts, so the folder held an empty "report" and every run
    exited 2 ("empty file: nothing to audit")."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import claimcheck

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.md").write_text(make_report(), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(claimcheck.__file__).parents[1]), "CLAIMCHECK_HOME": str(tmp_path)}
    for args, code in (([str(folder)], 0), ([str(folder / "audit.md"), str(folder / "a.md")], 2)):
        with (folder / "audit.md").open("w") as out:
            done = subprocess.run([sys.executable, "-m", "claimcheck", "audit", *args, "--all-in-one", "--format", "md"],
                                  stdout=out, stderr=subprocess.PIPE, text=True, timeout=120, env=env)
        assert done.returncode == code, done.stderr
        assert (folder / "audit.md").read_text(encoding="utf-8").startswith("# claimcheck audit of synthesis reports")
        assert ("audit.md: is this command's standard output" in " ".join(done.stderr.split())) == (code == 2)
        assert "Traceback" not in done.stderr


def test_a_table_without_a_verified_column_is_not_said_to_have_no_ticked_row(tmp_path):
    """"says 2 claims were verified; 0 row(s) carry a tick" blamed the report for unticked rows when
    its table has no Verified column at all: nothing could carry a tick."""
    path = tmp_path / "nover.md"
    path.write_text(make_report(header="Claim\tConfidence", row_format=lambda r: f"{r[0]}\t{r[2]}"), encoding="utf-8")
    res = run(path)
    assert res.exit_code == 0
    assert "says 2 claims were verified; the claims table has no Verified column to show which" in flat(res.output)
    assert "0 row(s) carry a tick" not in res.output


def test_a_pdf_over_the_page_cap_says_its_last_pages_were_not_read(tmp_path):
    """Only a PDF's first 200 pages are read; the pages after them were left out without a note
    (the reading module says a cap's omission is always noted)."""
    pytest.importorskip("pypdf")
    import io

    from pypdf import PdfReader, PdfWriter

    from claimcheck.sources.synthesis_file import MAX_PDF_PAGES, load_synthesis

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_from_report(make_report()))))
    for _ in range(MAX_PDF_PAGES):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    path = tmp_path / "long.pdf"
    path.write_bytes(buf.getvalue())
    r = load_synthesis(path)
    assert [x.text for x in r.rows] == [ROW_MULTITASK, ROW_XTREME]
    assert (f"the PDF has {MAX_PDF_PAGES + 1} pages: only the first {MAX_PDF_PAGES} were read; anything after that is "
            "not audited") in r.notes


def test_a_pdf_over_64_mib_is_refused_naming_the_file_and_one_at_the_cap_is_read(tmp_path):
    """The audit's PDF cap is 64 MiB (caps.AUDIT_PDF_MAX_BYTES), as `add --pdf`'s 100 MiB is written in
    MiB: one byte over is refused, exit 2, naming the file, the cap and the file's size, from a file
    and from standard input; a PDF of exactly 64 MiB is read (and refused only as no readable PDF).
    The help states the cap. The files are sparse (no disk used)."""
    pytest.importorskip("pypdf")
    from claimcheck.errors import InputError
    from claimcheck.sources.caps import AUDIT_PDF_MAX_BYTES
    from claimcheck.sources.synthesis_file import load_synthesis_stream

    assert AUDIT_PDF_MAX_BYTES == 64 * 1024 * 1024
    big = tmp_path / "big.pdf"
    sparse_pdf(big, AUDIT_PDF_MAX_BYTES + 1)
    res = run(big)
    assert res.exit_code == 2 and "Traceback" not in res.output, res.output
    assert f"{big}: PDF larger than 64 MiB (67,108,865 bytes): not read" in flat(res.output), res.output
    with big.open("rb") as stream, pytest.raises(InputError) as raised:  # `audit -`: read no further than the cap
        load_synthesis_stream(stream)
    assert raised.value.render() == "<stdin>: PDF larger than 64 MiB: not read"
    sparse_pdf(big, AUDIT_PDF_MAX_BYTES)  # at the cap: read
    res = run(big)
    assert res.exit_code == 2 and f"{big}: not a readable PDF" in flat(res.output) and "larger than" not in res.output, res.output
    assert "a PDF of at most 64 MiB" in flat(runner.invoke(app, ["audit", "--help"]).output)


@pytest.mark.parametrize(
    ("examines", "question"),
    [
        ("**This paper examines:** ", "**Research question:** "),
        ("*This paper examines*: ", "__Research question__: "),
        ("**This paper examines**: ", "*Research question:* "),
    ],
)
def test_header_fields_with_markdown_emphasis_on_their_labels_are_read(tmp_path, examines, question):
    """"*This paper examines*: X" (the emphasis closing before the colon) was not read at all: the
    examined paper was "not identified" (so no row could be found misattributed) and the question
    missing; "**This paper examines:** X" kept the emphasis marks in the values ("** English …")."""
    text = make_report().replace("This paper examines: ", examines).replace("Research question: ", question)
    r = parse_synthesis(text)
    assert r.examined_paper == "English Intermediate-Task Training Improves Zero-Shot Cross-Lingual Transfer Too"
    assert r.research_question == ("What is the impact of combining multiple intermediate tasks versus single-task "
                                   "training on XTREME-R scores?")


def test_a_question_written_as_a_list_item_under_its_heading_has_no_bullet():
    text = make_report().replace(" Research question: ", "\n\n## Research Question\n\n- ")
    assert parse_synthesis(text).research_question.startswith("What is the impact")


COUNTS = "11 papers retrieved. 2 claims extracted; 2 independently verified. Quality review score: 9.1/10."


@pytest.mark.parametrize(
    "counts",
    [
        "**11** papers retrieved. **2** claims extracted; **2** independently verified. Quality review score: **9.1**/10.",
        "Papers retrieved: 11. Claims extracted: 2; verified: 2. Quality score: 9.1/10.",
        "- **Papers retrieved:** 11\n- **Claims extracted:** 2\n- **Verified claims:** 2\n- **Quality score:** 9.1/10",
        "_11_ papers retrieved. __2__ claims extracted; 2 verified; not verified: 0. Quality score: _9.1/10_",
    ],
)
def test_counts_in_bold_or_as_labelled_values_are_read(counts):
    """A Markdown report's "**12** papers retrieved" or "Claims extracted: 9" was not read: the counts
    were missing (the extracted and verified ones without a note), so the consistency checks on them
    were silently skipped."""
    text = make_report().replace(COUNTS, counts).replace("yielded 11 papers", "yielded many papers").replace(
        "quality score of 9.1/10", "quality score")
    r = parse_synthesis(text)
    assert (r.papers_retrieved, r.claims_extracted, r.claims_verified, r.quality_score, r.quality_scale) == (11, 2, 2, 9.1, 10.0)


@pytest.mark.parametrize(
    ("mark", "confidence", "verified", "value"),
    [
        ("**✓**", "**0.25**", True, 0.25),
        ("`✓`", "`0.25`", True, 0.25),
        (":white_check_mark:", "0,25", True, 0.25),
        ("✔︎", "25 %", True, 0.25),
        ("✓ Verified", "0.25", True, 0.25),
        (":x:", "0.25", False, 0.25),
        ("✗ No", "0.25", False, 0.25),
        ("Not supported", "0.25", False, 0.25),
    ],
)
def test_ticks_and_confidences_as_markdown_writes_them_are_read(tmp_path, mark, confidence, verified, value):
    """A tick in bold or code ("**✓**"), as a GitHub shortcode (":white_check_mark:"), with a variation
    selector or with its word ("✓ Verified") was not read: every row counted as unticked, so "ticks
    without evidence" found nothing (0/0) and the verified count was said to disagree."""
    rows = [(ROW_MULTITASK, mark, confidence), (ROW_XTREME, mark, confidence)]
    text = make_report(rows, header="| Claim | Verified | Confidence |\n|---|---|---|", row_format=lambda r: "| " + " | ".join(r) + " |")
    r = parse_synthesis(text)
    assert [(x.verified, x.confidence) for x in r.rows] == [(verified, value)] * 2
    if verified:
        path = tmp_path / "marks.md"
        path.write_text(text, encoding="utf-8")
        res = run(path)
        assert "2/2 ticks without evidence" in res.output and "carry a tick" not in res.output


def test_a_verified_or_confidence_cell_that_cannot_be_read_is_noted():
    """A Verified cell such as "Partially" or a confidence such as "high" was read as no mark and no
    confidence without a word: the row silently counted as unticked."""
    rows = [(ROW_MULTITASK, "Partially", "high"), (ROW_XTREME, "✓", "0.33"), (ROW_BASE, "Partially", "0.9")]
    r = parse_synthesis(make_report(rows))
    assert [(x.verified, x.confidence) for x in r.rows] == [(None, None), (True, 0.33), (None, 0.9)]
    assert ("claims table: the Verified cell of rows 1, 3 ('Partially') is neither a tick nor a cross: read as "
            "unmarked") in r.notes
    assert ("claims table: the Confidence cell of row 1 ('high') is no number in [0, 1] nor a percentage: read as no "
            "confidence") in r.notes


@pytest.mark.parametrize(
    "references",
    [
        "- Phang, J. et al. English Intermediate-Task Training Improves Zero-Shot\n  Cross-Lingual Transfer Too. arXiv:2005.13013v2\n"
        "- Qi et al. Cross-Lingual Consistency of Factual Knowledge in Multilingual\nLanguage Models. http://arxiv.org/abs/2310.10378v5",
        "1. Phang et al. (2020). English Intermediate-Task Training.\n   https://arxiv.org/abs/2005.13013v2\n\n"
        "2. Qi et al. (2023).\n   http://arxiv.org/abs/2310.10378v5",
    ],
)
def test_a_reference_wrapped_over_two_lines_is_one_reference(references):
    """Each line of the References section was a reference: a list item wrapped onto a second line
    (indented in Markdown, or straight on in PDF text) counted twice, its first half unidentified, so
    "says 2 papers were retrieved but lists 4 reference(s)" blamed the report."""
    text = make_report(references=(), retrieved=2) + "\n" + references
    r = parse_synthesis(text)
    assert [(x.arxiv_id, x.arxiv_version) for x in r.references] == [("2005.13013", "v2"), ("2310.10378", "v5")]
    assert r.references[0].text.startswith("Phang")


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("## 5 Extracted Claims\n\nClaim\tVerified\tConfidence\n", "## 5 Discussion\n\nWe found nothing to list.\n",
         "no claims table found (looked for a section whose heading names claims"),
        ("Claim\tVerified\tConfidence\n", "", "the claims section holds no rows"),
        ("## 5 Extracted Claims", "## 5 Discussion", "the claims table has a header but no rows under it"),
    ],
)
def test_a_report_of_which_no_row_was_read_fails_strict(tmp_path, old, new, says):
    """A report with no claims table (or an empty one) was audited as 0 rows with an info note, and
    `audit --strict` passed it: in CI, "nothing audited" passed silently."""
    text = make_report([])
    assert old in text
    path = tmp_path / "empty.md"
    path.write_text(text.replace(old, new), encoding="utf-8")
    res = run(path, "--strict", "--format", "json")
    assert res.exit_code == 1, res.output
    found = [f for f in json.loads(res.stdout)["scorecards"][0]["findings"] if f["code"] == "no_claims_table"]
    assert len(found) == 1 and found[0]["severity"] == "error" and found[0]["message"].startswith(says)
    assert found[0]["message"].endswith("no row was audited")
    assert run(path).exit_code == 0  # without --strict, an audit that ran


@pytest.mark.parametrize(
    ("header", "fmt", "rows"),
    [
        ("Claim\tVerified\tConfidence", None, [(ROW_MULTITASK, "✓", "0.25"), ("", "✓", "0.9"), (ROW_XTREME, "✓", "0.33")]),
        ("| Claim | Verified | Confidence |\n|---|---|---|", lambda r: "| " + " | ".join(r) + " |",
         [(ROW_MULTITASK, "✓", "0.25"), ("", "✓", "0.9"), (ROW_XTREME, "✓", "0.33")]),
        ("", None, [(ROW_MULTITASK, "✓", "0.25"), ("", "✓", "0.9"), (ROW_XTREME, "✓", "0.33")]),
        ("| # | Claim | Verified |\n|---|---|---|", lambda r: "| " + " | ".join(r) + " |",
         [("1", ROW_MULTITASK, "✓"), ("2", "", "✓"), ("3", ROW_XTREME, "✓")]),
    ],
)
def test_a_ticked_row_with_an_empty_claim_cell_is_named(header, fmt, rows):
    """A row whose claim cell is empty but which carries a tick was passed over without a word (no
    header), or audited as a claim reading "0.9" or "2" (its confidence or its own number, the longest
    cell left)."""
    text = make_report(rows, header=header, row_format=fmt)
    r = parse_synthesis(text)
    assert [x.text for x in r.rows] == [ROW_MULTITASK, ROW_XTREME]
    line = text.split("\n").index(fmt(rows[1]) if fmt else "\t".join(rows[1])) + 1
    shown = "| 2 |  | ✓ |" if len(rows[1]) == 3 and rows[1][0] == "2" else "|  | ✓ | 0.9 |"
    assert (f'claims table: 1 row with a tick or a confidence but an empty claim cell was not audited: line {line}: '
            f'"{shown}"') in r.notes
    # a row with nothing in it is no row: nothing to say
    blank = make_report([(ROW_MULTITASK, "✓", "0.25"), ("", "", ""), (ROW_XTREME, "✓", "0.33")], header=header or "Claim\tVerified\tConfidence")
    assert not [n for n in parse_synthesis(blank).notes if "empty claim cell" in n]


def test_a_finding_names_the_tables_own_number_beside_the_position(tmp_path):
    """A table numbering its rows 1, 7 had a note saying "row 2 is its 7", but every finding still
    said "row 2": a reader looking for row 2 of the report found none. Each format now says "row 2
    (its #7)"; the JSON row carries the table's number as ``own_number`` where it differs."""
    from audit_fixtures import ROW_MULTITASK_WRONG, ROW_SOTA

    rows = [f"| 1 | {ROW_XTREME} | ✓ | 0.9 |", f"| 7 | {ROW_MULTITASK_WRONG} | ✓ | 0.3 |", f"| 3 | {ROW_SOTA} | ✓ | 0.9 |"]
    path = tmp_path / "own.md"
    path.write_text(pipe_report(rows, header="| # | Claim | Verified | Confidence |", separator="|---|---|---|---|"),
                    encoding="utf-8")
    res = run(path, "--format", "json")
    card = json.loads(res.stdout)["scorecards"][0]
    assert [r["row"]["number"] for r in card["rows"]] == [1, 2, 3]
    assert [r["row"].get("own_number") for r in card["rows"]] == [None, "7", None]  # row 3 is its 3: nothing to add
    by_code = {f["code"]: f for f in card["findings"] if f["row"] == 2}
    assert by_code["number_mismatch"]["message"].startswith("row 2 (its #7) states 9.1 where 2005.13013/multitask-gain")
    assert by_code["tick_without_evidence"]["message"].startswith("row 2 (its #7): ticked with a stated confidence of 0.30")
    assert [f["message"][:25] for f in card["findings"] if f["code"] == "misattributed"] == ["row 3 is a result the exa"]
    terminal = run(path).output
    assert "row 2 (its #7) states 9.1" in flat(terminal) and "2 (its #7) ✓ 0.30" in flat(terminal)
    md = run(path, "--format", "md").output
    assert "| 2 (its #7) | ✓ | 0.30 |" in md and "(number_mismatch): row 2 (its #7) states 9.1" in md
    html = run(path, "--format", "html").output
    assert "<td>2 (its #7)</td>" in html and "row 2 (its #7) states 9.1" in html
    # a misattributed row (attribution words its own finding) is named the same way
    rows[2] = f"| 5 | {ROW_SOTA} | ✓ | 0.9 |"
    path.write_text(pipe_report(rows, header="| # | Claim | Verified | Confidence |", separator="|---|---|---|---|"),
                    encoding="utf-8")
    printed = flat(run(path).output)
    assert "ERROR row 3 (its #5) is a result the examined paper only cites" in printed
    assert "the source of row 3 (its #5), " in printed  # and its source, not in the references
