"""Property tests (hypothesis) of the synthesis parser: odd input never raises, and generated claims
tables survive a round trip through both table styles."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcheck.errors import InputError
from claimcheck.sources.synthesis import parse_synthesis
from claimcheck.text_bytes import decode_text

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text built from the report's own vocabulary, so that generated inputs reach the table and
# reference code paths, not just the "nothing found" path.
_PIECES = st.sampled_from(
    ["\n", "\r\n", "\t", "|", "## ", "# ", "5 Extracted Claims", "References", "Claim", "Verified", "Confidence",
     "✓", "✗", "0.25", "1.5", "%", "---", "This paper examines:", "Research question:", "papers retrieved",
     "claims extracted", "independently verified", "quality score of", "/10", "http://arxiv.org/abs/", "2005.13013v2",
     "arXiv:", "…", "- <", ">", " ", "\ufeff", "\x00", "\udcff"]  # fmt: skip
)
report_like = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=60).map("".join)


@SETTINGS
@given(st.text())
def test_arbitrary_text_never_raises(text):
    report = parse_synthesis(text, label="gen")
    assert all(r.text.strip() for r in report.rows)


@SETTINGS
@given(report_like)
def test_report_like_text_never_raises(text):
    report = parse_synthesis(text, label="gen")
    for row in report.rows:
        assert row.confidence is None or 0.0 <= row.confidence <= 1.0
        assert row.number >= 1


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_decode_and_parse(data):
    try:
        text, _ = decode_text(data)
        parse_synthesis(text, label="gen")
    except InputError:
        pass  # the only exception allowed


_cell_text = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="|\t\\\ufeff"), min_size=1, max_size=150)
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: len(s) > 0 and s.lower() not in {"claim", "claims", "text", "statement", "finding"})
)
_row = st.tuples(_cell_text, st.sampled_from(["✓", "✗", ""]), st.one_of(st.none(), st.integers(0, 100)))
_MARK = {"✓": True, "✗": False, "": None}


def _table_report(rows, style: str) -> str:
    if style == "tsv":
        lines = ["Claim\tVerified\tConfidence"] + [f"{t}\t{m}\t{'' if c is None else f'{c / 100:.2f}'}" for t, m, c in rows]
    else:
        lines = ["| Claim | Verified | Confidence |", "|---|---|---|"] + [
            f"| {t} | {m} | {'' if c is None else f'{c / 100:.2f}'} |" for t, m, c in rows
        ]
    return "# A synthesis\n\n## 5 Extracted Claims\n\n" + "\n".join(lines) + "\n\n## References\n\n- <http://arxiv.org/abs/2005.13013v2>\n"


@SETTINGS
@given(st.lists(_row, min_size=1, max_size=12), st.sampled_from(["tsv", "pipes"]))
def test_generated_tables_round_trip(rows, style):
    report = parse_synthesis(_table_report(rows, style), label="gen")
    assert [r.text for r in report.rows] == [t for t, _, _ in rows]
    assert [r.verified for r in report.rows] == [_MARK[m] for _, m, _ in rows]
    assert [r.confidence for r in report.rows] == [None if c is None else round(c / 100, 2) for _, _, c in rows]
    assert [x.arxiv_id for x in report.references] == ["2005.13013"]
