"""Bidi marks (U+061C ALM, U+200E LRM, U+200F RLM) and the line and paragraph separators (U+2028,
U+2029): a claim file may hold them (a title in Hebrew or Arabic may carry a mark), but every output
shows them as escapes, as the JSON report already did, so none can reorder or break what is printed
around them on a terminal, in Markdown or in HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

try:
    from audit_fixtures import VERDICTS, make_report, toy_registry
    from reports_sample import build_report
except ImportError:  # tests/ imported as a package
    from audit_fixtures import VERDICTS, make_report, toy_registry
    from reports_sample import build_report

from claimcheck.cli import app
from claimcheck.reports.html import render_html
from claimcheck.reports.jsonout import render_json
from claimcheck.reports.markdown import md_code, md_text, render_markdown
from claimcheck.visible import CONTROL, visible, visible_json
from paper_fixtures import PAPER as _PAPER

MARKS = "\u061c\u200e\u200f\u2028\u2029"
SHOWN = "\\u061c\\u200e\\u200f\\u2028\\u2029"
RAW = re.compile("[\u061c\u200e\u200f\u2028\u2029\x0b]")

# the shared claim file, its statement holding bidi marks (escaped in YAML) and a line separator (YAML's \\L)
PAPER = _PAPER.replace("statement: B gains a point over A.", 'statement: "B gains \\u200fa point\\L over A\\u061c."')
assert PAPER != _PAPER


def test_visible_shows_the_marks_and_separators_as_escapes():
    assert visible(f"a{MARKS}b") == f"a{SHOWN}b"
    assert visible("\u200f\x1b\u202e") == "\\u200f\\x1b\\u202e"  # with the controls it showed before
    assert visible(visible(f"x{MARKS}")) == visible(f"x{MARKS}")  # an escape is shown as it is
    assert visible("עברית, العربية, é → 8.7") == "עברית, العربية, é → 8.7"  # the letters themselves stay
    # JSON as before: the same characters, as JSON escapes
    assert visible_json(json.dumps(MARKS, ensure_ascii=False)) == f'"{SHOWN}"'


def test_claim_files_may_still_hold_the_marks_and_separators(tmp_path):
    """CONTROL is what a claim file may not hold: it stays as it was, so a title or statement with
    an RLM still loads; the display shows it as an escape."""
    from claimcheck.claims.registry import load_registry

    assert CONTROL.search(MARKS) is None
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "1234.5678.yaml").write_text(PAPER, encoding="utf-8")
    statement = load_registry([folder]).claims["1234.5678/gain"].statement
    assert statement == "B gains \u200fa point\u2028 over A\u061c."
    listed = CliRunner().invoke(app, ["list", "-r", str(folder)], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "B gains \\u200fa point\\u2028 over A\\u061c." in listed.output
    assert RAW.search(listed.output) is None


def _report_with(text: str):
    sample = build_report()
    cv = sample.claims[2]
    rep = cv.replication.model_copy(update={"deviations": [f"model {text} swap"], "runs": [f"run{text}"]})
    cv = cv.model_copy(update={"statement": f"gain {text} here", "replication": rep})
    return sample.model_copy(update={"claims": [cv], "results_sources": [f"store {text}"]})


def test_markdown_and_html_show_them_as_escapes_not_as_spaces():
    """As the terminal and the JSON show them: Markdown joined a text's lines at every character
    ``str.splitlines`` breaks at, so U+2028 (and \\x0b, \\x85) became a space there alone."""
    text = f"a{MARKS}\x0bb"
    report = _report_with(text)
    md, html = render_markdown(report, title=f"T{text}"), render_html(report, title=f"T{text}")
    for page in (md, html):
        assert RAW.search(page) is None, RAW.search(page)
    assert f"> gain a{SHOWN}\\x0bb here" in md
    assert f"# Ta{SHOWN}\\x0bb" in md
    assert f"`runa{SHOWN}\\x0bb`" in md
    assert f"<blockquote>gain a{SHOWN}\\x0bb here</blockquote>" in html
    assert json.loads(render_json(report))["claims"][0]["statement"] == f"gain {text} here"
    # a line break is still a space (one line of Markdown), as before
    assert md_text("a\nb\r\nc\rd\n") == "a b c d" and md_code("a\nb") == "`a b`"
    assert md_text("a\u2028b") == "a\u2028b"  # left for visible, which the renderers apply last


def test_scorecards_show_them_as_escapes_in_every_format(tmp_path):
    from claimcheck.audit.engine import audit_reports
    from claimcheck.reports.scorecard import render_audit_markdown, render_audit_terminal
    from claimcheck.reports.scorecard_html import render_audit_html
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import parse_synthesis

    report = parse_synthesis(make_report(title=f"Title {MARKS}\x0b here"), label="r.md")
    result = audit_reports([report], toy_registry(tmp_path), VERDICTS, load_bibliography())
    pages = {"terminal": render_audit_terminal(result), "md": render_audit_markdown(result),
             "html": render_audit_html(result)}
    for name, page in pages.items():
        assert RAW.search(page) is None, (name, RAW.search(page))
        assert f"Title {SHOWN}\\x0b here" in page, name


def test_a_results_path_with_a_mark_is_shown_as_an_escape(tmp_path: Path):
    """A results path reaches every report through ``results_sources``, shown by ``visible``."""
    from claimcheck.results.collect import collect_records

    f = tmp_path / "runs\u200f.json"
    f.write_text(json.dumps({"runs": []}), encoding="utf-8")
    got = collect_records([f], None, include_bundled=False)
    assert got.sources and all(RAW.search(s) is None for s in got.sources), got.sources
    assert any("runs\\u200f.json" in s for s in got.sources), got.sources


def test_the_ascii_fast_path_shows_what_the_full_pattern_shows():
    """``visible`` searches ASCII text with CONTROL only: every ASCII character the full pattern
    escapes must be in CONTROL, or ASCII text would keep it raw."""
    import re

    from claimcheck.visible import _SHOWN, CONTROL, visible

    for code in range(128):
        char = chr(code)
        assert (re.search(_SHOWN, char) is None) == (CONTROL.search(char) is None), hex(code)
        assert visible(f"a{char}b") == re.sub(_SHOWN, lambda m: f"\\x{ord(m.group()):02x}", f"a{char}b")
