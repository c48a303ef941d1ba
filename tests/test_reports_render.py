"""Behaviour of the report renderers: escaping, anchors, proxy labels, marks, plots, JSON stability."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

try:
    from reports_sample import build_report, hostile_claim
except ImportError:  # tests/ imported as a package
    from reports_sample import build_report, hostile_claim

from claimcheck.reports.html import render_html, render_page
from claimcheck.reports.jsonout import render_json
from claimcheck.reports.labels import claim_anchors, claim_spans
from claimcheck.reports.markdown import md_code, md_text, render_markdown
from claimcheck.reports.plots import nice_ticks, render_svg_intervals
from claimcheck.reports.terminal import render_claim_detail, render_plain_text, render_terminal
from claimcheck.verifier.verdict import Span, VerificationReport

REPORT = build_report([hostile_claim()])
PROXY = [cv for cv in REPORT.claims if cv.replication.fidelity == "proxy"]
NUMERIC = [cv for cv in REPORT.claims if claim_spans(cv)]
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source", "track", "embed"}
SVG_LEAVES = {"line", "rect", "circle", "path"}


class TagChecker(HTMLParser):
    """Collects ids, local links and tag-balance errors of an HTML document."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.ids, self.links, self.tags = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def parse_html(text: str) -> TagChecker:
    checker = TagChecker()
    checker.feed(text)
    checker.close()
    return checker


# -- HTML --------------------------------------------------------------------------------------
def test_html_escapes_claim_text():
    page = render_html(REPORT)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; | pipes [bold]rich[/bold] &amp;amp;" in page
    assert "&lt;script&gt;alert(&#x27;span&#x27;)&lt;/script&gt;" in page  # the span label inside the SVG
    assert "Table &lt;1&gt;" in page and "<code>&lt;i&gt;9&lt;/i&gt;</code>" in page


def test_html_is_well_formed_and_every_link_resolves():
    checker = parse_html(render_html(REPORT))
    assert checker.errors == [] and checker.stack == []
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    assert set(checker.links) <= set(checker.ids)
    anchors = claim_anchors(cv.claim_id for cv in REPORT.claims)
    for a in anchors.values():  # every verdict of every claim links to its evidence
        assert {a, f"{a}-source", f"{a}-replication"} <= set(checker.links)
        assert {a, f"{a}-source", f"{a}-replication"} <= set(checker.ids)


def test_html_is_self_contained():
    page = render_html(REPORT)
    assert not re.search(r"\b(src|href)\s*=\s*[\"']?(https?:|//)", page)
    assert "@import" not in page and "url(" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    tags = set(parse_html(page).tags)
    assert not tags & {"script", "iframe", "img", "link", "object"}


def test_html_has_one_plot_per_numeric_claim():
    page = render_html(REPORT)
    assert page.count("<svg ") == len(NUMERIC) >= 4
    for block in re.findall(r"<svg .*?</svg>", page, re.S):
        ET.fromstring(block)  # each plot is well-formed XML too


def test_html_labels_proxy_everywhere():
    page = render_html(REPORT)
    anchors = claim_anchors(cv.claim_id for cv in REPORT.claims)
    for cv in PROXY:
        a = anchors[cv.claim_id]
        row = re.search(rf'<tr><td><a href="#{a}">.*?</tr>', page).group(0)
        assert f"{cv.replication.verdict} (proxy)" in row and 'class="mark proxy">proxy<' in row
        section = re.search(rf'<section class="claim" id="{a}">.*?</section>', page, re.S).group(0)
        heading = re.search(r"Replication tier: .*?</h4>", section).group(0)
        assert "(proxy)" in heading
        labels = re.findall(r'class="label"[^>]*>([^<]*)<', section)
        assert len(labels) == (4 if cv.replication.spans else 0)
        for label in labels:
            if "reported" not in label:
                assert "(proxy)" in label, label


def test_html_marks_superseded_and_attributed():
    page = render_html(REPORT)
    assert "superseded: stated in v1; the pinned version is v2" in page
    assert 'href="#claim-phang2020-xtreme-gain">see phang2020/xtreme-gain</a>' in page
    assert "attributed to Conneau et al. 2020 (XLM-R)" in page


def test_render_page_escapes_title_and_keeps_body():
    page = render_page("a <b> & c", "<p>body</p>")
    assert "<title>a &lt;b&gt; &amp; c</title>" in page and "<p>body</p>" in page
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")


# -- plots -------------------------------------------------------------------------------------
@pytest.mark.parametrize("lo,hi", [(0.0, 1.0), (-3.2, 12.8), (72.6, 72.75), (1e-4, 3e-4), (-50.0, -49.0)])
def test_nice_ticks_cover_the_range_with_round_steps(lo, hi):
    ticks = nice_ticks(lo, hi)
    assert 3 <= len(ticks) <= 12
    assert ticks[0] >= lo - 1e-9 and ticks[-1] <= hi + 1e-9
    steps = {round(b - a, 12) for a, b in zip(ticks, ticks[1:])}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))


def _xs(svg: str, role: str) -> list[float]:
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    for g in root.findall("s:g", ns):
        if f"role-{role}" in g.get("class", ""):
            return [float(e.get("x1")) for e in g.findall("s:line", ns)] + [
                float(e.get("cx")) for e in g.findall("s:circle", ns)]
    raise AssertionError(f"no row for {role}")


def test_svg_places_intervals_in_value_order():
    spans = [Span(label="reported", lo=8.65, hi=8.75, role="reported"),
             Span(label="derived", lo=2.0, hi=3.0, role="derived"),
             *(Span(label=f"seed {i}", lo=v, hi=v, role="seed") for i, v in enumerate([1.0, 5.0]))]
    svg = render_svg_intervals(spans, width=600)
    reported, derived, seeds = _xs(svg, "reported")[0], _xs(svg, "derived")[0], _xs(svg, "seed")
    assert derived < reported and seeds[0] < derived < seeds[1] < reported
    assert svg.count(">seeds (n=2)<") == 1 and 'width="600"' in svg
    assert 'stroke-dasharray="4 3"' not in svg  # zero is out of range: no zero line


def test_svg_handles_points_non_finite_and_empty():
    point = render_svg_intervals([Span(label="p", lo=5.0, hi=5.0, role="derived")])
    ET.fromstring(point)
    assert "<circle" in point and 'class="tick"' in point
    odd = render_svg_intervals([Span(label="broken", lo=float("nan"), hi=1.0, role="derived"),
                                Span(label="ok", lo=-1.0, hi=1.0, role="derived")])
    ET.fromstring(odd)
    assert "not finite" in odd and not re.search(r'="[^"]*(nan|inf)', odd, re.I)  # no NaN coordinates
    assert 'stroke-dasharray="4 3"' in odd  # zero is inside [-1, 1]: the zero line is drawn
    empty = render_svg_intervals([])
    ET.fromstring(empty)
    assert "no finite intervals" in empty


# -- Markdown ----------------------------------------------------------------------------------
def test_markdown_escapes_and_keeps_tables_intact():
    md = render_markdown(REPORT)
    assert re.search(r"(?<!\\)<script", md) is None  # every "<" from claim text is backslashed
    assert "\\<script>alert('x')\\</script> & \\| pipes \\[bold\\]rich\\[/bold\\] &amp;amp;" in md
    for line in md.splitlines():
        if line.startswith("| [") or line.startswith("| claim |"):  # the verdict table
            assert len(re.findall(r"(?<!\\)\|", line)) == 8, line
    assert "````text\n1 < 2 & 3 > 2 ``` fence\n````" in md


def test_markdown_and_html_show_control_characters_as_escapes():
    """`claimcheck report` prints Markdown to stdout: a control character in its title or a results
    path must not reach the terminal raw, and is shown as the terminal shows it (not dropped)."""
    report = REPORT.model_copy(update={"results_sources": ["runs\x1b[2J/r.json"]})
    md = render_markdown(report, title="T\x1b]0;x\x07\u202e")
    html = render_html(report, title="T\x1b]0;x\x07\u202e")
    for text in (md, html):
        assert not any(ch in text for ch in "\x1b\x07\u202e"), text[:300]
        assert "\\x07\\u202e" in text and "runs\\x1b" in text


def test_markdown_helpers():
    assert md_text("> quote") == "\\> quote"
    assert md_text("a&lt;b & c") == "a&amp;lt;b & c"
    assert md_code("x `y` z") == "``x `y` z``"
    assert md_code("a|b") == "`a\\|b`"


def test_markdown_coverage_rules_and_evidence():
    md = render_markdown(REPORT, title="T")
    assert md.startswith("# T\n") and md.endswith("\n") and not md.endswith("\n\n")
    assert "| source | 4 | 9 |" in md and "| replication | 1 | 9 |" in md
    assert "not derivable: 5" in md and "not run: 6" in md
    for rid, _ in REPORT.rules:
        assert f"| {rid} |" in md
    assert "- `X-STILTs / bucc2018 / f1 / test`" in md
    assert "cell:rembert-2010.12821:Table 16, row STiLTs" in md
    assert "- Runs: `proxy-multitask-s0`" in md
    assert "- Failed runs (not evidence either way): `proxy-roberta-inter-s0`" in md
    assert "**Superseded**: superseded: stated in v1" in md and "**Attributed**: attributed to Conneau" in md


def test_markdown_labels_proxy_everywhere():
    md = render_markdown(REPORT)
    for cv in PROXY:
        row = next(line for line in md.splitlines() if line.startswith(f"| [{md_text(cv.claim_id)}]"))
        assert f"{cv.replication.verdict} (proxy)" in row and "| proxy |" in row
        assert f"#### Replication tier: {cv.replication.verdict} (proxy)" in md
        assert f"{md_text(cv.claim_id)} (proxy)" in md  # listed in the coverage section
    section = md.split("### phang2020/multitask-gain", 1)[1].split("\n### ", 1)[0]
    span_rows = [line for line in section.splitlines() if line.startswith(("| replicated", "| seed"))]
    assert len(span_rows) == 7 and all("(proxy)" in row for row in span_rows)


# -- terminal ----------------------------------------------------------------------------------
def test_terminal_prints_claim_text_literally():
    text = render_plain_text(render_claim_detail(REPORT.claims[-1]))
    assert "<script>alert('x')</script> & | pipes [bold]rich[/bold] &amp;" in text
    assert "[red]markup[/red]" in text


@pytest.mark.parametrize("width", [80, 100, 140, 200])
def test_terminal_table_keeps_every_verdict_at_any_width(width):
    text = render_plain_text(render_terminal(REPORT), width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    flat = re.sub(r"\s+", " ", text)
    for cv in REPORT.claims:
        assert cv.overall.value in flat and cv.source.verdict in flat
    assert flat.count("proxy") >= len(PROXY)
    assert "superseded (v1)" in flat and "attributed: Conneau" in flat


def test_claim_detail_shows_evidence():
    cv = next(c for c in REPORT.claims if c.claim_id == "phang2020/multitask-gain")
    text = render_plain_text(render_claim_detail(cv), width=120)
    assert "missing cells:" in text and "Multi-task / tatoeba / avg / dev" in text
    assert "replication: direction_only (proxy)" in text and "fidelity proxy: substituted" in text
    assert "deviation: model: multilingual-e5-small (int4) instead of XLM-R Large" in text
    assert "rule R6: replication direction_only -> direction_supported" in text
    infra = render_plain_text(render_claim_detail(REPORT.claims[-2]), width=120)
    assert "failed runs: proxy-roberta-inter-s0" in infra


# -- JSON --------------------------------------------------------------------------------------
def test_json_is_stable_sorted_and_round_trips():
    text = render_json(REPORT)
    assert text.endswith("}\n") and text == render_json(REPORT)
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert list(data["claims"][0]) == sorted(data["claims"][0])
    assert VerificationReport.model_validate_json(text) == REPORT


def test_json_writes_non_finite_numbers_as_null():
    cv = REPORT.claims[0]
    bad = cv.model_copy(update={"source": cv.source.model_copy(update={"spans": [
        Span(label="x", lo=float("nan"), hi=float("inf"), role="derived")]})})
    text = render_json(REPORT.model_copy(update={"claims": [bad]}))
    span = json.loads(text)["claims"][0]["source"]["spans"][0]
    assert span["lo"] is None and span["hi"] is None
    assert "NaN" not in text and "Infinity" not in text


def test_only_the_terminal_renderer_imports_rich():
    code = ("import sys; import claimcheck.reports.html, claimcheck.reports.markdown, "
            "claimcheck.reports.jsonout, claimcheck.reports.plots; "
            "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_claim_ids_stay_whole_at_80_columns():
    """An id broken across lines cannot be copied into `claimcheck show`."""
    from claimcheck.claims.registry import load_registry
    from claimcheck.verifier.engine import verify

    report = verify(load_registry(), [])
    text = render_plain_text(render_terminal(report), width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    for cv in report.claims:
        assert cv.claim_id in text, cv.claim_id


def test_every_format_marks_a_claim_no_source_carries():
    cv = REPORT.claims[2].model_copy(update={"located": False, "location_note": "the <dev> table was not found"})
    report = REPORT.model_copy(update={"claims": [cv]})
    page, md = render_html(report), render_markdown(report)
    detail = render_plain_text(render_claim_detail(cv), width=200)
    table = render_plain_text(render_terminal(report), width=200)
    for text in (page, md, detail, table):
        assert "not located in the paper" in text
    assert "the &lt;dev&gt; table was not found" in page and "<dev>" not in page
    assert "**Not located**" in md and "the <dev> table was not found" in detail
    assert json.loads(render_json(report))["claims"][0]["located"] is False


def test_a_located_claims_location_note_is_shown():
    cv = REPORT.claims[2].model_copy(update={"location_note": "stated by the authors' guide"})
    report = REPORT.model_copy(update={"claims": [cv]})
    assert "location note: stated by the authors' guide" in render_plain_text(render_claim_detail(cv), width=200)
    assert "- Location note: stated by the authors" in render_markdown(report)
    assert "location note: stated by the authors&#x27; guide" in render_html(report)
    assert "not located" not in render_markdown(report)
