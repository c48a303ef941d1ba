"""The HTML report in a real browser: headless Chromium over the DevTools protocol (stdlib only).

Skipped where no Chromium is installed (Debian: ``apt-get install chromium``). Asserts that every
plot rendered with a non-zero box and painted pixels, that the page logs no console error, throws
nothing, loads nothing but itself, runs no script, and that every in-page link resolves. A control
page first proves the detectors catch an error and a network request.
Set CLAIMCHECK_SCREENSHOT=/some/file.png to keep a full-page screenshot for a human look.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

try:
    from headless_chromium import chromium, find_chromium, png_pixels
    from reports_sample import build_report, hostile_claim
except ImportError:  # tests/ imported as a package
    from headless_chromium import chromium, find_chromium, png_pixels
    from reports_sample import build_report, hostile_claim

from claimcheck.reports.html import render_html
from claimcheck.reports.labels import claim_spans
from claimcheck.reports.plots import ROLE_COLOURS

BINARY = find_chromium()
pytestmark = pytest.mark.skipif(BINARY is None, reason="no Chromium found (Debian package: chromium)")

PROBE = """(() => {
  const boxes = [...document.querySelectorAll('svg.intervals')].map(s => {
    const r = s.getBoundingClientRect();
    return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height,
            shapes: s.querySelectorAll('line, circle, rect').length};
  });
  const links = [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href').slice(1));
  return {boxes, scripts: document.scripts.length, title: document.title,
          unresolved: links.filter(id => !document.getElementById(id)), links: links.length,
          text: document.body.innerText};
})()"""


def _near(pixel: bytes, hex_colour: str, tol: int = 40) -> bool:
    rgb = bytes.fromhex(hex_colour[1:])
    return all(abs(pixel[i] - rgb[i]) <= tol for i in range(3))


@pytest.fixture(scope="module")
def browser():
    with chromium(BINARY, timeout=15.0) as b:
        yield b


def test_detectors_catch_errors_and_requests(browser):
    """Positive control: the same harness sees a console error, an exception and a fetch."""
    browser.open('data:text/html,<script>console.error("boom"); null.x</script><img src="http://127.0.0.1:9/x.png">')
    deadline = time.monotonic() + 5
    while len(browser.problems()) < 3 and time.monotonic() < deadline:
        browser.evaluate("1")  # pump events
    problems = " | ".join(browser.problems())
    assert "console error: boom" in problems and "exception" in problems
    assert "http://127.0.0.1:9/x.png" in browser.requests()


def test_report_renders_in_chromium(browser, tmp_path: Path):
    report = build_report([hostile_claim()])
    page = tmp_path / "report.html"
    page.write_text(render_html(report, title="browser check"), encoding="utf-8")
    started = time.monotonic()
    browser.open(page.as_uri())
    probe = browser.evaluate(PROBE)

    assert browser.problems() == []
    assert browser.requests() == [page.as_uri()]  # nothing fetched but the page itself
    assert probe["title"] == "browser check" and probe["scripts"] == 0
    assert "<script>alert('x')</script> & | pipes" in probe["text"]  # shown as text, not run
    assert probe["unresolved"] == [] and probe["links"] >= 3 * len(report.claims)

    numeric = [cv for cv in report.claims if claim_spans(cv)]
    assert len(probe["boxes"]) == len(numeric)
    for box in probe["boxes"]:
        assert box["width"] > 300 and box["height"] > 40 and box["shapes"] > 5, box

    first = probe["boxes"][0]  # reported 72.7 (blue band + bar) against the derived interval (dark)
    clip = {k: first[k] for k in ("x", "y", "width", "height")}
    width, height, rows = png_pixels(browser.screenshot(clip=clip))
    pixels = [row[i : i + 4] for row in rows for i in range(0, len(row), 4)]
    assert width * height == len(pixels) > 10_000
    non_white = sum(1 for p in pixels if min(p[:3]) < 235)
    assert non_white > 0.02 * len(pixels)
    assert sum(1 for p in pixels if _near(p, ROLE_COLOURS["reported"])) > 20
    assert sum(1 for p in pixels if _near(p, ROLE_COLOURS["derived"])) > 20

    if os.environ.get("CLAIMCHECK_SCREENSHOT"):
        Path(os.environ["CLAIMCHECK_SCREENSHOT"]).write_bytes(browser.screenshot(full_page=True))
    assert time.monotonic() - started < 20
