"""Golden files for the rendered reports (Markdown, HTML, JSON, terminal text).

Regenerate them after an intended change to a renderer, then review the diff:

    UPDATE_GOLDEN=1 pytest tests/test_reports_golden.py

The input is the fixed, hand-built report in tests/reports_sample.py (no clock, paths or versions),
so any difference is a change in a renderer.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

try:
    from reports_sample import build_report
except ImportError:  # tests/ imported as a package
    from reports_sample import build_report

from claimcheck.reports.html import render_html
from claimcheck.reports.jsonout import render_json
from claimcheck.reports.markdown import render_markdown
from claimcheck.reports.terminal import render_claim_detail, render_plain_text, render_terminal

GOLDEN = Path(__file__).parent / "golden"
TITLE = "Sample report (hand-built test fixture, not a verdict on any paper)"


def render_terminal_golden(report) -> str:
    parts = [
        "=== claimcheck verify all, 140 columns ===\n", render_plain_text(render_terminal(report), width=140),
        "=== claimcheck verify all, 88 columns ===\n", render_plain_text(render_terminal(report), width=88),
    ]
    for cv in report.claims:
        parts += [f"=== claimcheck show {cv.claim_id} ===\n", render_plain_text(render_claim_detail(cv), width=110)]
    return "".join(parts)


RENDERERS = {
    "report.md": lambda r: render_markdown(r, title=TITLE),
    "report.html": lambda r: render_html(r, title=TITLE),
    "report.json": render_json,
    "terminal.txt": render_terminal_golden,
}


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_golden(name: str) -> None:
    text = RENDERERS[name](build_report())
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"rewrote {path.name}; review the diff")
    assert path.exists(), f"{path} missing: run UPDATE_GOLDEN=1 pytest tests/test_reports_golden.py"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the golden file; if intended, regenerate (see module docstring)"


def test_rendering_is_deterministic() -> None:
    """Two renders of two separately built reports give the same bytes (no clock, no set order)."""
    for render in RENDERERS.values():
        assert render(build_report()) == render(build_report())
