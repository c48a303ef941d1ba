"""`claimcheck audit` end to end: files and folders, the four formats, --out, --all-in-one, and
bad inputs (exit 2 with the file named, no traceback)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit_fixtures import ROW_MULTITASK, ROW_SOTA, ROW_XTREME, blank_pdf, make_report, pdf_from_report

from claimcheck.cli import app

runner = CliRunner()


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.md").write_text(make_report([(ROW_MULTITASK, "✓", "0.25"), (ROW_SOTA, "✓", "0.23")]), encoding="utf-8")
    (folder / "b.txt").write_text(make_report([(ROW_MULTITASK, "✓", "0.46"), (ROW_XTREME, "✓", "0.33")], markdown=False), encoding="utf-8")
    (folder / "notes.csv").write_text("not a report", encoding="utf-8")  # ignored: not a report suffix
    return folder


def run(*args):
    return runner.invoke(app, ["audit", *map(str, args)])


def test_terminal_scorecard_for_one_file(reports):
    res = run(reports / "a.md")
    assert res.exit_code == 0, res.output
    assert "scorecard: a.md" in res.output
    assert "2005.13013/multitask-gain" in res.output
    assert "Conneau et al. 2020" in res.output  # the misattributed state-of-the-art row


def test_terminal_shows_control_characters_from_a_report_as_escapes(tmp_path):
    """An ANSI escape in a synthesis must not reach the terminal: it could hide or recolour findings."""
    f = tmp_path / "esc.md"
    f.write_text(make_report([(ROW_MULTITASK.replace("8.7", "8.7\x1b[8m"), "✓", "0.25")]), encoding="utf-8")
    res = run(f)
    assert res.exit_code in (0, 1) and "\x1b" not in res.output and "\\x1b[8m" in res.output, res.output


def test_error_messages_show_control_characters_of_a_file_name_as_escapes(tmp_path):
    """A file name is the user's input too: an ANSI escape in it must not reach stderr raw."""
    binary = tmp_path / "b\x1b[31mX.txt"
    binary.write_bytes(b"\x00\x01\x02 not text \x00")
    for path in (binary, tmp_path / "missing\x1b[41mY.md"):
        res = run(path)
        assert res.exit_code == 2 and "\x1b" not in res.output and "\\x1b[" in res.output, res.output


def test_terminal_shows_unicode_bidi_controls_as_escapes(tmp_path):
    """A right-to-left override would show a row's text in another order than it has."""
    f = tmp_path / "bidi.md"
    f.write_text(make_report([(ROW_MULTITASK.replace("8.7", "\u202e8.7\u2066"), "✓", "0.25")]), encoding="utf-8")
    res = run(f)
    assert res.exit_code in (0, 1) and "\u202e" not in res.output and "\u2066" not in res.output, res.output
    assert "\\u202e8.7\\u2066" in res.output


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_every_format_shows_control_characters_from_a_report_as_escapes(tmp_path, fmt):
    """Markdown, HTML and JSON printed to a terminal are as exposed as the terminal scorecard: no ESC,
    C1 control (\\x9b is an 8-bit CSI) or bidi control from the report reaches it raw. Markdown and
    HTML show the terminal's escapes; JSON writes JSON escapes, so the parsed text keeps them."""
    f = tmp_path / "esc.md"
    row = ROW_MULTITASK.replace("8.7", "8.7\x1b[8m\x9b31m\u202e")
    f.write_text(make_report([(row, "✓", "0.25")], title="Title\x1b]0;pwned\x07"), encoding="utf-8")
    res = run(f, "--format", fmt, "--all-in-one")
    assert res.exit_code in (0, 1), res.output
    assert not any(ch in res.stdout for ch in "\x1b\x07\x9b\u202e"), res.stdout
    if fmt == "json":
        data = json.loads(res.stdout)
        assert data["scorecards"][0]["report"]["title"] == "Title\x1b]0;pwned\x07"
        assert data["scorecards"][0]["rows"][0]["row"]["text"].endswith("8.7\x1b[8m\x9b31m\u202e points.")
    else:
        assert "\\x1b" in res.stdout and "\\x9b31m\\u202e" in res.stdout and "\\x07" in res.stdout


def _non_utf8_file(folder: Path, name: bytes, data: bytes) -> Path:
    """A file whose name is not UTF-8 (Python names it with surrogate escapes: b"\\xff" is "\\udcff")."""
    raw = os.fsencode(folder) + b"/" + name
    try:
        with open(raw, "wb") as fh:
            fh.write(data)
    except (OSError, ValueError):
        pytest.skip("this file system takes only UTF-8 file names")
    return Path(os.fsdecode(raw))


@pytest.fixture
def odd_named(tmp_path):
    """A report named b"r\\xff.md" beside b.txt, which lists the same row at another confidence (so the
    aggregate names both), and an unreadable b"bin\\xfd.txt"."""
    folder = tmp_path / "odd"
    folder.mkdir()
    _non_utf8_file(folder, b"r\xff.md", make_report([(ROW_MULTITASK, "✓", "0.25")]).encode())
    (folder / "b.txt").write_text(make_report([(ROW_MULTITASK, "✓", "0.46")], markdown=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["terminal", "md", "html", "json"])
def test_a_file_name_that_is_not_utf8_is_shown_as_escapes_in_every_output(odd_named, tmp_path, fmt):
    """The scorecard (printed or written, with the aggregate) and the "written:" line show the byte as
    \\xff instead of stopping with "surrogates not allowed"; in JSON the label holds that text."""
    printed = run(odd_named, "--all-in-one", "--format", fmt)
    out = tmp_path / ("card." + fmt)
    written = run(odd_named, "--all-in-one", "--format", fmt, "--out", out)
    for res in (printed, written):
        assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
        assert res.exit_code in (0, 1), res.output
    text = out.read_text(encoding="utf-8")
    assert text == printed.stdout
    if fmt == "json":
        data = json.loads(text)
        assert data["scorecards"][1]["report"]["label"].endswith("r\\xff.md")
        assert any(k.endswith("r\\xff.md") for s in data["aggregate"]["spreads"] for k in s["values"])  # a dict key too
    else:
        assert "b.txt: 0.46; r\\xff.md: 0.25" in text and "\udcff" not in text
    assert f"written: {out}" in written.stdout


def test_per_report_files_keep_a_non_utf8_name_and_errors_show_it_as_escapes(odd_named, tmp_path):
    _non_utf8_file(odd_named, b"bin\xfd.txt", b"\x00\x01 not text")
    out = tmp_path / "cards"
    res = run(odd_named, "--format", "md", "--out", out)
    assert res.exit_code == 2, res.output  # the binary file; the two reports are written
    assert sorted(os.listdir(os.fsencode(out))) == [b"b.scorecard.md", b"r\xff.scorecard.md"]  # the byte, as in the input
    assert f"written: {out}/r\\xff.scorecard.md" in res.stdout
    assert "bin\\xfd.txt: binary file" in res.stderr and "\\udcfd" not in res.stderr
    assert "Traceback" not in res.output


def test_folder_all_in_one_markdown_to_file(reports, tmp_path):
    out = tmp_path / "audit.md"
    res = run(reports, "--all-in-one", "--format", "md", "--out", out)
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert "## Across 2 reports" in text and "## Scorecard: a.md" in text and "## Scorecard: b.txt" in text
    assert "notes.csv" not in text
    assert "a.md: 0.25; b.txt: 0.46" in text  # same sentence, different confidence


def test_json_is_valid_and_has_the_aggregate_only_when_all_in_one(reports):
    separate = json.loads(run(reports, "--format", "json").stdout)
    together = json.loads(run(reports, "--format", "json", "--all-in-one").stdout)
    assert separate["aggregate"] is None and together["aggregate"]["reports"] == 2
    assert [c["report"]["label"].rsplit("/", 1)[-1] for c in together["scorecards"]] == ["a.md", "b.txt"]
    assert together["schema_version"] == 1


def test_html_per_report_into_a_folder(reports, tmp_path):
    out = tmp_path / "cards"
    res = run(reports, "--format", "html", "--out", out)
    assert res.exit_code == 0, res.output
    pages = sorted(p.name for p in out.iterdir())
    assert pages == ["a.scorecard.html", "b.scorecard.html"]
    html = (out / "a.scorecard.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in html and "<script" not in html


def test_pdf_report_is_audited(tmp_path):
    pytest.importorskip("pypdf")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(pdf_from_report(make_report([(ROW_MULTITASK, "✓", "0.25")])))
    res = run(pdf, "--format", "json")
    assert res.exit_code == 0, res.output
    card = json.loads(res.stdout)["scorecards"][0]
    assert card["report"]["format"] == "pdf" and card["rows"][0]["claim_id"] == "2005.13013/multitask-gain"


def test_unreadable_inputs_exit_2_but_the_rest_is_audited(reports, tmp_path):
    (reports / "empty.md").write_text("", encoding="utf-8")
    (reports / "scan.pdf").write_bytes(blank_pdf())
    res = run(reports, "--format", "json")
    assert res.exit_code == 2
    assert "empty.md: empty file" in res.stderr
    assert "scan.pdf: the PDF has no text layer" in res.stderr
    assert "Traceback" not in res.output + res.stderr
    assert len(json.loads(res.stdout)["scorecards"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.md"], "no such report file or folder"),
        (["--format", "pdf", "REPORTS"], "unknown format"),
        (["--registry", "nowhere", "REPORTS"], "no such registry file or folder"),
    ],
)
def test_bad_arguments_exit_2(reports, tmp_path, args, message):
    args = [str(reports) if a == "REPORTS" else (str(tmp_path / a) if a.endswith(".md") else a) for a in args]
    res = run(*args)
    assert res.exit_code == 2
    assert message in " ".join(res.stderr.split()) and "Traceback" not in res.stderr


def test_only_empty_file_exits_2(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("\n\n", encoding="utf-8")
    res = run(path)
    assert res.exit_code == 2 and "empty file" in " ".join(res.stderr.split())


def test_help_has_an_example():
    res = runner.invoke(app, ["audit", "--help"])
    assert res.exit_code == 0 and "Example: claimcheck audit" in res.output


def test_strict_exits_1_only_on_an_error_level_finding(reports, tmp_path):
    assert run(reports / "a.md").exit_code == 0  # the misattribution is reported, not failed on
    assert run(reports / "a.md", "--strict").exit_code == 1
    clean = tmp_path / "clean.md"
    clean.write_text(make_report([(ROW_MULTITASK, "✓", "0.25")]), encoding="utf-8")  # warnings only
    assert run(clean, "--strict").exit_code == 0


def test_strict_fails_on_a_ticked_row_that_contradicts_its_claim(tmp_path):
    """Setup claims state no reported number: a row's "12" against "nine" is still caught. A "not" is
    shown, but as a warning: a negation heuristic does not fail --strict."""
    for row, shown, code in (("The study uses 12 English intermediate tasks.", "states 12", 1),
                             ("The study does not use nine English intermediate tasks.", "may state the opposite", 0),
                             ("We use the pretrained XLM-R Base model as a starting point for all our experiments.", "XLM-R Base", 1)):
        path = tmp_path / "contra.md"
        path.write_text(make_report([(ROW_MULTITASK, "✓", "0.25"), (row, "✓", "0.9")]), encoding="utf-8")
        res = run(path, "--strict")
        assert res.exit_code == code and shown in res.output, res.output


def test_strict_fails_alike_on_a_hard_wrapped_introduction(reports, tmp_path):
    """The wrapped "This paper examines" paragraph still names the paper, so the misattribution of the
    state-of-the-art row is still found (and --strict still fails)."""
    import textwrap

    lines = (reports / "a.md").read_text(encoding="utf-8").split("\n")
    wrapped = tmp_path / "wrapped.md"
    wrapped.write_text("\n".join(textwrap.fill(l, 78) if l.startswith("This paper examines") else l for l in lines), encoding="utf-8")
    res = run(wrapped, "--strict")
    assert res.exit_code == 1, res.output
    assert "not identified" not in res.output and "Conneau et al. 2020" in res.output


def test_out_into_an_existing_folder_or_an_unwritable_place(reports, tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    res = run(reports / "a.md", "--format", "md", "--out", folder)
    assert res.exit_code == 0 and (folder / "a.scorecard.md").is_file()
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me", encoding="utf-8")
    res = run(reports / "a.md", "--out", blocker / "x.md")
    assert res.exit_code == 2 and "is a file, not a folder" in " ".join(res.stderr.split())
    assert "Traceback" not in res.output and blocker.read_text(encoding="utf-8") == "keep me"
