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
