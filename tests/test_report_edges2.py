"""Report edge cases: anchors that must not meet, JSON that must not carry raw bidi or C1 controls,
paths shown so a byte escape cannot be faked, and Markdown tables that text cannot break."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

try:
    from audit_fixtures import VERDICTS, make_report, toy_registry
    from reports_sample import build_report
except ImportError:  # tests/ imported as a package
    from audit_fixtures import VERDICTS, make_report, toy_registry
    from reports_sample import build_report

from claimcheck.reports.html import render_html
from claimcheck.reports.jsonout import render_json
from claimcheck.reports.labels import claim_anchors
from claimcheck.reports.markdown import md_code, md_text, render_markdown
from claimcheck.verifier.verdict import VerificationReport


class _Links(HTMLParser):
    """Ids, and for each local link the text inside it; for each id, the text of the next heading."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.heading_after: dict[str, str] = {}
        self._href = self._pending = None
        self._in_heading = False
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
            self._pending = a["id"]
        if tag == "a" and a.get("href", "").startswith("#"):
            self._href, self._text = a["href"][1:], ""
        if tag in ("h2", "h3") and self._pending:
            self._in_heading, self._text = True, ""

    def handle_data(self, data):
        if self._href is not None or self._in_heading:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text))
            self._href = None
        if tag in ("h2", "h3") and self._in_heading:
            self.heading_after[self._pending] = self._text
            self._in_heading, self._pending = False, None


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser


def _report_with_ids(*ids: str) -> VerificationReport:
    sample = build_report()
    base = sample.claims[1]
    claims = [base.model_copy(update={"claim_id": cid, "paper_id": cid.split("/")[0], "superseded_by": None}) for cid in ids]
    return sample.model_copy(update={"claims": claims})


# Ids that read the same as a slug ("p/a.b", "p/a-b", "P/a_b"), and one whose slug is another's tier
# anchor ("p/x-source" against the "-source" section of "p/x").
MEETING = ("p/a.b", "p/a-b", "P/a_b", "p/x", "p/x-source")


def test_claim_anchors_are_unique_and_each_link_reaches_its_own_claim():
    html = render_html(_report_with_ids(*MEETING))
    page = _links(html)
    assert len(page.ids) == len(set(page.ids)), sorted(i for i in page.ids if page.ids.count(i) > 1)
    for cid in MEETING:
        targets = {href for href, text in page.links if text == cid}
        assert len(targets) == 1, (cid, targets)  # the verdict table's link to the claim
        assert page.heading_after[targets.pop()] == cid


def test_claim_anchors_are_stable_and_readable():
    forward = claim_anchors(MEETING)
    assert claim_anchors(reversed(MEETING)) == forward  # the order of the claims decides nothing
    assert claim_anchors(["p/a-b", "p/x"]) == {"p/a-b": "claim-p-a-b", "p/x": "claim-p-x"}  # no meeting: the slug
    assert forward["p/a-b"].startswith("claim-p-a-b--") and forward["p/x"].startswith("claim-p-x--")
    assert all(re.fullmatch(r"claim-[a-z0-9-]+", a) for a in forward.values())


def test_markdown_anchors_are_unique_and_links_reach_their_claim():
    md = render_markdown(_report_with_ids(*MEETING))
    ids = re.findall(r'<a id="([^"]+)"></a>', md)
    assert len(ids) == len(set(ids))
    for cid in MEETING:
        shown = md_text(cid)
        (target,) = re.findall(rf"\| \[{re.escape(shown)}\]\(#([^)]+)\)", md)
        assert re.search(rf'<a id="{re.escape(target)}"></a>\n\n### {re.escape(shown)}\n', md), cid


def test_scorecard_anchors_tell_apart_reports_of_one_name(tmp_path):
    from claimcheck.audit.engine import audit_reports
    from claimcheck.reports.scorecard_html import render_audit_html
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import parse_synthesis

    labels = ["one/r.md", "two/r.md", "a.md", "a-md"]
    reports = [parse_synthesis(make_report(), label=label) for label in labels]
    html = render_audit_html(audit_reports(reports, toy_registry(tmp_path), VERDICTS, load_bibliography()))
    page = _links(html)
    sections = [i for i in page.ids if i.startswith("report-")]
    assert len(sections) == 4 and len(set(sections)) == 4, sections
    nav = [href for href, _ in page.links if href.startswith("report-")]
    assert nav == sections  # each nav link goes to its own report, in order


# -- JSON: no raw C1, bidi or separator characters -------------------------------------------------
HIDDEN = "\x7f\x85\x9b\u061c\u200e\u200f\u202a\u202e\u2066\u2069\u2028\u2029"
RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def test_report_json_escapes_c1_bidi_and_separators_and_keeps_the_data():
    sample = build_report()
    cv = sample.claims[2]
    rep = cv.replication.model_copy(update={"deviations": [f"model{HIDDEN}swap"], "runs": [f"run{HIDDEN}"]})
    cv = cv.model_copy(update={"statement": f"gain {HIDDEN} é → 8.7", "replication": rep})
    cov = {tier: c.model_copy(update={"reasons": {f"why{HIDDEN}": 1}}) for tier, c in sample.coverage.items()}
    report = sample.model_copy(update={"claims": [cv], "coverage": cov, "results_sources": [f"store {HIDDEN}"]})
    text = render_json(report)
    assert RAW.search(text) is None, RAW.search(text)
    assert "\\u202e" in text and "\\u2028" in text and "\\u0085" in text and "\\u007f" in text
    assert "é → 8.7" in text  # other non-ASCII text stays UTF-8, readable
    assert json.loads(text) == json.loads(report.model_dump_json())
    assert VerificationReport.model_validate_json(text) == report
    plain = json.dumps(json.loads(sample.model_dump_json()), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert render_json(sample) == plain  # the common case: as before


def test_json_text_leaves_plain_ascii_alone_and_escapes_del():
    from claimcheck.reports.jsonout import json_text  # the one writer of the reports' JSON

    assert json_text({"a": "plain"}) == '{\n  "a": "plain"\n}\n'
    assert json_text({"a": "x\x7fy"}) == '{\n  "a": "x\\u007fy"\n}\n'
    assert json.loads(json_text({"k\u2028": ["\u200f", "ok"]})) == {"k\u2028": ["\u200f", "ok"]}


def test_audit_json_shares_the_escaping_writer(tmp_path):
    from claimcheck.audit.engine import audit_reports
    from claimcheck.reports.scorecard import render_audit_json, render_scorecard_json
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import parse_synthesis

    report = parse_synthesis(make_report(title=f"Title {HIDDEN} here"), label=f"r{HIDDEN}.md")
    result = audit_reports([report], toy_registry(tmp_path), VERDICTS, load_bibliography())
    for text in (render_audit_json(result, all_in_one=True), render_scorecard_json(result.scorecards[0])):
        assert RAW.search(text) is None, RAW.search(text)
        assert json.loads(text)  # still JSON
    data = json.loads(render_scorecard_json(result.scorecards[0]))
    assert data["report"]["label"] == f"r{HIDDEN}.md"


# -- Markdown as GitHub renders it (markdown-it-py, which rich depends on, with GFM tables) ---------
def _md_html(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def _hostile_md_report(**claim_update) -> VerificationReport:
    sample = build_report()
    cv = sample.claims[2].model_copy(update=claim_update)
    return sample.model_copy(update={"claims": [cv]})


def test_markdown_code_spans_outside_tables_keep_a_pipe_bare():
    cv = build_report().claims[2]
    rep = cv.replication.model_copy(update={"runs": ["run|1"], "failed_runs": ["run|2"]})
    views = [v.model_copy(update={"missing": ["A | B / f1 / test"]}) for v in cv.source.views]
    report = _hostile_md_report(reported=["|Δ| = 2"], replication=rep, source=cv.source.model_copy(update={"views": views}))
    html = _md_html(render_markdown(report))
    for shown in ("|Δ| = 2", "run|1", "run|2", "A | B / f1 / test"):
        assert f"<code>{shown}</code>" in html, shown
    assert "\\|" not in html
    assert "<td>|Δ| = 2</td>" in html  # the verdict table's cell: still one cell
    assert md_code("a|b") == "`a\\|b`" and md_code("a|b", cell=False) == "`a|b`"


def test_markdown_tildes_do_not_strike_text_through():
    """GitHub strikes text between one or two tildes: "~2 points ... ~3" must read as written."""
    statement = "gains of ~2 points on XNLI and ~~3~~ on PAWS-X"
    html = _md_html(render_markdown(_hostile_md_report(statement=statement)))
    assert "<s>" not in html and f"<blockquote>\n<p>{statement}</p>" in html


def test_markdown_text_that_starts_a_line_opens_no_heading_list_or_code_block():
    cv = build_report().claims[2]
    rep = cv.replication.model_copy(update={"deviations": ["# all heads", "1. first of two", "- dash", "    indented", "---"],
                                            "summary": "2020) the year"})
    report = _hostile_md_report(statement="## Multi-task wins", replication=rep,
                                source=cv.source.model_copy(update={"summary": "+ plus"}))
    html = _md_html(render_markdown(report, title="T"))
    assert "<blockquote>\n<p>## Multi-task wins</p>\n</blockquote>" in html
    for item in ("# all heads", "1. first of two", "- dash", "indented", "---"):
        assert f"<li>{item}</li>" in html, item
    assert "<p>2020) the year</p>" in html and "<p>+ plus</p>" in html
    assert html.count("<h1>") == 1 and "<ol" not in html and "<hr" not in html and "<pre><code>" not in html
    assert md_text("-") == "-" and md_text("-5.4 points") == "-5.4 points" and md_text("8.7 points") == "8.7 points"
