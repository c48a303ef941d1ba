"""Golden scorecards (Markdown, terminal text, JSON) for two fixture reports.

Regenerate them after an intended change to the audit or its renderers, then review the diff:

    UPDATE_GOLDEN=1 pytest tests/test_audit_golden.py

Inputs are fixed: the reports and the toy registry of tests/audit_fixtures.py, hand-set verdicts
and the bundled bibliography; labels are plain names, so no path, clock or version leaks in.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

try:
    from audit_fixtures import (
        ROW_MULTITASK, ROW_MULTITASK_WRONG, ROW_NINE, ROW_SOTA, ROW_UNKNOWN, ROW_XTREME, ROW_XTREME_V1, VERDICTS, make_report, toy_registry,
    )  # fmt: skip
except ImportError:  # tests/ imported as a package
    from audit_fixtures import (
        ROW_MULTITASK, ROW_MULTITASK_WRONG, ROW_NINE, ROW_SOTA, ROW_UNKNOWN, ROW_XTREME, ROW_XTREME_V1, VERDICTS, make_report, toy_registry,
    )  # fmt: skip

from claimcheck.reports.scorecard import render_audit_json, render_audit_markdown, render_audit_terminal, render_scorecard_markdown
from claimcheck.reports.scorecard_html import render_audit_html
from claimcheck.sources.bibliography import load_bibliography
from claimcheck.sources.synthesis import parse_synthesis
from claimcheck.audit.engine import audit_reports

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def result(tmp_path):
    a = make_report(
        [(ROW_MULTITASK, "✓", "0.25"), (ROW_SOTA, "✓", "0.23"), (ROW_XTREME_V1, "✓", "0.31"), (ROW_UNKNOWN, "✓", "0.40"), (ROW_NINE, "✗", "0.28")],
        question="What is the correlation between parameter count and the XTREME-R gap for low-resource languages?",
        retrieved=14,
        extracted=6,
        references=("http://arxiv.org/abs/2005.13013v2", "http://arxiv.org/abs/2310.10378v5", "http://arxiv.org/abs/2012.08743v2"),
    )
    b = make_report(
        [(ROW_MULTITASK_WRONG, "✓", "0.46"), (ROW_MULTITASK, "✓", "0.46"), (ROW_XTREME, "✓", "0.90")],
        markdown=False,
        header="Confidence\tClaim\tVerified",
        row_format=lambda r: f"{r[2]}\t{r[0]}\t{r[1]}",
        question="Does multi-task intermediate training beat single-task training on XTREME?",
        retrieved=3,
        references=("http://arxiv.org/abs/2402.17954v3", "https://example.org/a-blog-post"),
    )
    reports = [parse_synthesis(a, label="report_a.md"), parse_synthesis(b, label="report_b.txt")]
    return audit_reports(reports, toy_registry(tmp_path), VERDICTS, load_bibliography(), verdicts_from="hand-set test verdicts")


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run UPDATE_GOLDEN=1 pytest tests/test_audit_golden.py"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file (regenerate if intended)"


def test_golden_single_scorecards(result):
    a, b = result.scorecards
    _check("scorecard_a.md", render_scorecard_markdown(a))
    _check("scorecard_b.md", render_scorecard_markdown(b))


def test_golden_all_in_one(result):
    _check("scorecard_all.md", render_audit_markdown(result, all_in_one=True))
    _check("scorecard_all.txt", render_audit_terminal(result, all_in_one=True))
    _check("scorecard_all.json", render_audit_json(result, all_in_one=True))


def test_golden_inputs_produce_the_findings_they_are_meant_to(result):
    a, b = result.scorecards
    codes_a = {f.code for f in a.findings}
    assert {"misattributed", "superseded_version", "unknown_claim", "reference_without_claims", "reference_unidentified",
            "question_not_addressed", "count_mismatch", "confidence_spread", "tick_without_evidence"} <= codes_a  # fmt: skip
    codes_b = {f.code for f in b.findings}
    assert {"number_mismatch", "examined_not_cited", "reference_not_identified", "confidence_spread"} <= codes_b
    assert b.question.verdict == "addressed"


def test_html_scorecard_escapes_report_text(tmp_path):
    evil = '<script>alert("x")</script> claim text that is long enough to be a claim row.'
    report = parse_synthesis(make_report([(evil, "✓", "0.2")]), label="evil.md")
    res = audit_reports([report], toy_registry(tmp_path), VERDICTS, load_bibliography())
    html = render_audit_html(res, all_in_one=True)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'id="aggregate"' in html and 'id="report-evil-md"' in html


def test_markdown_scorecard_escapes_report_text(tmp_path):
    """Title, question, claim text and references come from the synthesis raw: like the verify
    report.md, the Markdown scorecard backslashes "<" (and Markdown punctuation) so no tag survives."""
    import re

    report = parse_synthesis(make_report(
        [('Multi-task <b>training</b> on all 9 tasks performs best, improving by 8.7 points. <script>alert(2)</script>', "✓", "0.2"),
         ("An unmatched row with an image <img src=x onerror=alert(5)> in it.", "<i>", "0.3")],
        title='<script>alert("title")</script> A synthesis', question="<img src=x onerror=alert(1)> Does it help?",
        references=("http://arxiv.org/abs/2005.13013v2", 'javascript:alert(3)> "<svg onload=alert(4)>'),
    ), label="evil.md")  # fmt: skip
    res = audit_reports([report, report.model_copy(update={"label": "evil2.md"})], toy_registry(tmp_path), VERDICTS, load_bibliography())
    md = render_audit_markdown(res, all_in_one=True)
    assert not re.search(r"(?<!\\)<\s*/?\s*(?:script|img|svg|b|i)\b", md, re.I), md
    for shown in (r"\<script>alert(2)\</script>", r"\<img src=x onerror=alert(1)>", r"\<svg onload=alert(4)>", r'\<script>alert("title")'):
        assert shown in md
