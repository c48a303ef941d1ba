"""Report edge cases: a heading that keeps the ``#`` its text ends with, audit JSON that strict
parsers read, the terminal evidence of ``show`` with text from result files, and plot labels."""

from __future__ import annotations

import re

import pytest

try:
    from audit_fixtures import VERDICTS, make_report, toy_registry
    from reports_sample import build_report
except ImportError:  # tests/ imported as a package
    from audit_fixtures import VERDICTS, make_report, toy_registry
    from reports_sample import build_report

from claimcheck.reports.markdown import render_markdown


def _md_html(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def _headings(text: str) -> list[str]:
    return re.findall(r"<h\d>(.*?)</h\d>", _md_html(text))


@pytest.mark.parametrize("title", ["Audit #", "Audit ##", "Audit # ", "a # #", "#", "C#", "Audit \\#", "x\t#"])
def test_a_heading_keeps_the_hash_its_text_ends_with(title):
    """Markdown reads a run of ``#`` after a space at the end of a heading as its closing sequence."""
    from claimcheck.reports.markdown import md_heading

    (shown,) = _headings(f"# {md_heading(title)}\n")
    assert shown == title.strip(), (title, md_heading(title), shown)


def test_report_and_audit_headings_from_user_text_keep_a_final_hash(tmp_path):
    from claimcheck.audit.engine import audit_reports
    from claimcheck.reports.scorecard import render_audit_markdown
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import parse_synthesis

    sample = build_report()
    cv = sample.claims[1].model_copy(update={"claim_id": "p/x #", "paper_id": "p", "superseded_by": None})
    report = sample.model_copy(update={"claims": [cv]})
    headings = _headings(render_markdown(report, title="Report #"))
    assert headings[0] == "Report #" and "p/x #" in headings, headings

    synthesis = parse_synthesis(make_report(), label="reports/synthesis #")
    result = audit_reports([synthesis], toy_registry(tmp_path), VERDICTS, load_bibliography())
    headings = _headings(render_audit_markdown(result, title="Audit #"))
    assert headings[0] == "Audit #" and "Scorecard: synthesis #" in headings, headings


# -- audit JSON: strict, as the verification report's ----------------------------------------------
def _strict(text: str):
    import json

    def refuse(constant):
        raise ValueError(f"non-strict JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def _audit(tmp_path, report_text: str, label: str = "r.md"):
    from claimcheck.audit.engine import audit_reports
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import parse_synthesis

    return audit_reports([parse_synthesis(report_text, label=label)], toy_registry(tmp_path), VERDICTS, load_bibliography())


def test_audit_json_of_a_seeds_like_report_is_strict_json(tmp_path):
    from claimcheck.reports.scorecard import render_audit_json, render_scorecard_json

    result = _audit(tmp_path, make_report(quality="9.1"))
    assert _strict(render_audit_json(result, all_in_one=True))["scorecards"][0]["report"]["quality_score"] == 9.1
    assert _strict(render_scorecard_json(result.scorecards[0]))["rows"]


@pytest.mark.parametrize("field", ["quality_score", "quality_scale"])
def test_a_non_finite_audit_number_fails_loudly_instead_of_writing_nan(tmp_path, field):
    """No field of the audit can hold one (each is finite where it is made): one that did would be a
    bug, and is refused rather than written as NaN, which JSON.parse and Go refuse to read."""
    from claimcheck.reports.scorecard import render_audit_json, render_scorecard_json

    result = _audit(tmp_path, make_report())
    card = result.scorecards[0]
    bad = card.model_copy(update={"report": card.report.model_copy(update={field: float("nan")})})
    with pytest.raises(ValueError, match="JSON compliant"):
        render_scorecard_json(bad)
    with pytest.raises(ValueError, match="JSON compliant"):
        render_audit_json(result.model_copy(update={"scorecards": [bad]}))


# -- the terminal: text from claim and result files shown by visible --------------------------------
HOSTILE = "\x1b[31m\u202e\u200f[bold]"
HOSTILE_SHOWN = "\\x1b[31m\\u202e\\u200f[bold]"
HOSTILE_ID, HOSTILE_ID_SHOWN = HOSTILE[len("\x1b[31m"):], HOSTILE_SHOWN[len("\\x1b[31m"):]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def test_show_prints_run_ids_and_deviations_from_a_result_file_as_escapes(tmp_path):
    """`claimcheck show` printed a run id or a deviation from a result file as it was: an escape
    sequence in it recoloured (or cleared) the terminal, a bidi control reordered the line."""
    import json

    from typer.testing import CliRunner

    from claimcheck.cli import app

    try:
        from paper_fixtures import PAPER
    except ImportError:  # tests/ imported as a package
        from paper_fixtures import PAPER

    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "1234.5678.yaml").write_text(PAPER, encoding="utf-8")
    # a run id may not hold a control character (RunRecord refuses it), but may hold bidi controls and marks
    runs = [{"run_id": f"r{HOSTILE_ID}{system}{seed}", "paper_id": "1234.5678", "system": system, "seed": seed,
             "preset": "proxy", "fidelity": "proxy", "deviations": [f"smaller model {HOSTILE}"],
             "metrics": [{"task": "xnli", "language": "en", "metric": "accuracy", "split": "dev", "value": value + seed / 10}]}
            for seed in (1, 2, 3) for system, value in (("A", 70.0), ("B", 71.0))]
    results = tmp_path / "runs.json"
    results.write_text(json.dumps({"runs": runs}), encoding="utf-8")
    shown = CliRunner().invoke(app, ["show", "1234.5678/gain", "-r", str(folder), "--results", str(results),
                                     "--no-bundled-results"], env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    assert RAW.search(shown.output) is None, RAW.search(shown.output)
    assert f"r{HOSTILE_ID_SHOWN}A1" in shown.output and f"deviation: smaller model {HOSTILE_SHOWN}" in shown.output


def test_verdict_table_and_claim_detail_show_claim_text_as_escapes():
    from claimcheck.reports.terminal import render_claim_detail, render_plain_text, render_terminal

    sample = build_report()
    cv = sample.claims[2]
    rep = cv.replication.model_copy(update={"runs": [f"run{HOSTILE}"], "failed_runs": [f"bad{HOSTILE}"]})
    views = [v.model_copy(update={"label": f"view{HOSTILE}", "missing": [f"cell{HOSTILE}"]}) for v in cv.source.views]
    cv = cv.model_copy(update={"claim_id": f"p/x{HOSTILE}", "statement": f"gain\u2028{HOSTILE}", "reported": [f"8.7{HOSTILE}"],
                               "location": f"Table 1{HOSTILE}", "replication": rep,
                               "source": cv.source.model_copy(update={"views": views, "summary": f"sum{HOSTILE}"})})
    report = sample.model_copy(update={"claims": [cv]})
    for width in (200, 88):  # the wide table and the folded one
        table = render_plain_text(render_terminal(report), width=width)
        assert RAW.search(table) is None, (width, RAW.search(table))
        assert "p/x\\x1b" in table
    detail = render_plain_text(render_claim_detail(cv), width=400)
    assert RAW.search(detail) is None, RAW.search(detail)
    for text in (f"p/x{HOSTILE_SHOWN}", f"gain\\u2028{HOSTILE_SHOWN}", f"reported: 8.7{HOSTILE_SHOWN}", f"Table 1{HOSTILE_SHOWN}",
                 f"run{HOSTILE_SHOWN}", f"bad{HOSTILE_SHOWN}", f"view{HOSTILE_SHOWN}", f"cell{HOSTILE_SHOWN}", f"sum{HOSTILE_SHOWN}"):
        assert text in detail, text


# -- plots: labels escaped in SVG text and attributes ------------------------------------------------
def test_plot_labels_are_escaped_in_svg_text_and_titles():
    """A span label comes from a claim file (a system or task name): ``<``, ``&`` and quotes in it
    stay text, in the row's ``<text>`` and in its ``<title>`` tooltip, and the SVG stays well formed."""
    import xml.etree.ElementTree as ET

    from claimcheck.reports.plots import render_svg_intervals
    from claimcheck.verifier.verdict import Span

    label = "<script>x</script> & \"q\" 's' &amp; ]]>"
    spans = [Span(role="reported", lo=1.0, hi=2.0, label=label), Span(role="derived", lo=1.5, hi=1.6, label="A&B \"x\""),
             Span(role="seed", lo=1.2, hi=1.2, label="seed 1 (proxy<&>)")]
    svg = render_svg_intervals(spans)
    assert "<script>" not in svg
    root = ET.fromstring(svg)  # well formed: nothing broke out of a text or an attribute
    ns = "{http://www.w3.org/2000/svg}"
    titles = [t.text for t in root.iter(f"{ns}title")]
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert f"{label}: [1, 2]" in titles and 'A&B "x": [1.5, 1.6]' in titles
    assert label[:29] + "…" in texts and 'A&B "x"' in texts and "seeds (n=1) (proxy<&>)" in texts
