"""Builders for the audit tests: synthesis reports in the seeds' layout (and variants of it), a
small claim registry written as YAML, and hand-set verdicts. Nothing here reads ../shared.

The registry uses the arXiv ids of real papers so that the bundled bibliography names them, but its
statements are this file's own toy wording: the tests check the audit, not the bundled claims.
"""

from __future__ import annotations

from pathlib import Path

from claimcheck.claims.registry import build_registry, load_paper_file
from claimcheck.audit.models import VerdictView

EXAMINED = "English Intermediate-Task Training Improves Zero-Shot Cross-Lingual Transfer Too"

# the paper block the audit tests' small registries share (each adds its facts and claims)
PAPER_HEAD = """
paper:
  id: "2005.13013"
  version: v2
  title: "English Intermediate-Task Training Improves Zero-Shot Cross-Lingual Transfer Too"
  authors: [Phang]
  year: 2020
  sources:
    - {id: abs, title: "abstract", locator: "arXiv abstract", reliability: primary}
"""



# the head of a toy 2210.01091 file (the second paper), up to its claims
PAPER_2210_HEAD = """
paper:
  id: "2210.01091"
  version: v2
  title: "The (In)Effectiveness of Intermediate Task Training For Domain Adaptation and Cross-Lingual Transfer Learning"
  authors: [Mohapatra]
  year: 2022
  sources:
    - {id: abs, title: "abstract", locator: "arXiv abstract", reliability: primary}
"""

def retrieval_claim(*extra_terms: str) -> str:
    """The YAML of the retrieval-gains claim (BUCC and Tatoeba, "two" targets) several audit tests use."""
    terms = ", ".join(["BUCC", "Tatoeba", "retrieval", *extra_terms])
    return f"""  - id: 2005.13013/retrieval
    statement: "Intermediate training brings large gains on the two sentence-retrieval targets, BUCC and Tatoeba."
    kind: effect
    version: v2
    location: {{section: Abstract}}
    derivation: {{name: unavailable_source}}
    key_terms: [{terms}]
"""


def best_single_claim(extra: str = "") -> str:
    """The YAML of the best-single-tasks claim (SQuAD, MNLI and HellaSwag "improve most", by 8.2, 7.5 and
    7.0 points) several audit tests use; ``extra``: more lines of the claim, each indented four spaces."""
    return """  - id: 2005.13013/best-single
    statement: "SQuAD, MNLI and HellaSwag are the three single English intermediate tasks that improve most on plain XLM-R Large, by 8.2, 7.5 and 7.0 points."
    kind: comparison
    version: v2
    location: {section: Results}
    reported: ["8.2", "7.5", "7.0"]
    derivation: {name: unavailable_source}
    key_terms: [SQuAD, MNLI, HellaSwag, best, intermediate]
""" + extra


REGISTRY_YAML = PAPER_HEAD + """  facts:
    - {key: task_count, value: 9, source: abs}
claims:
  - id: 2005.13013/multitask-gain
    statement: "Intermediate training on all nine tasks together gives the largest mean gain, 8.7 points."
    kind: comparison
    version: v2
    location: {section: Results}
    reported: ["8.7"]
    derivation: {name: unavailable_source}  # verdicts are hand-set (VERDICTS)
    key_terms: [multi-task, all, nine, best]
    reported_by: ["Multi-task intermediate-task training on all 9 tasks performs best, improving by 8.7 points."]
  - id: 2005.13013/xtreme-gain
    statement: "The best model per target task scores 5.4 points above XLM-R Large on the XTREME test sets."
    kind: quantity
    version: v2
    location: {section: Results}
    reported: ["5.4"]
    derivation: {name: unavailable_source}  # verdicts are hand-set (VERDICTS)
    key_terms: [XTREME, best, improvement]
  - id: 2005.13013/v1-xtreme-gain
    statement: "(v1) The best model per target task scores 6.1 points above XLM-R Large on XTREME."
    kind: quantity
    version: v1
    superseded_by: 2005.13013/xtreme-gain
    location: {section: Abstract}
    reported: ["6.1"]
    derivation: {name: unavailable_source}  # verdicts are hand-set (VERDICTS)
    key_terms: [XTREME, improvement, "6.1"]
  - id: 2005.13013/xlmr-sota
    statement: "XLM-R Large led many zero-shot cross-lingual transfer benchmarks when the paper was written."
    kind: background
    version: v2
    attributed_to: "Conneau et al. 2020 (XLM-R, arXiv 1911.02116)"
    location: {section: Introduction}
    derivation: {name: cited_claim}
    key_terms: [XLM-R, state-of-the-art, zero-shot]
  - id: 2005.13013/nine-tasks
    statement: "Nine English intermediate tasks are studied."
    kind: setup
    version: v2
    location: {section: Abstract}
    derivation: {name: fact, params: {key: task_count, expect: 9}}  # verdicts are hand-set (VERDICTS)
    key_terms: [nine, intermediate tasks]
"""

ROW_MULTITASK = "Multi-task intermediate-task training on all 9 tasks performs best, improving by 8.7 points."
ROW_MULTITASK_WRONG = "Multi-task intermediate-task training on all 9 tasks performs best, improving by 9.1 points."
ROW_XTREME = "Evaluating our best performing models for each target task on the XTREME benchmark yields an average improvement of 5.4"
ROW_XTREME_V1 = "Selecting the best intermediate model per target task gives a 6.1 point improvement over XLM-R Large on XTREME."
ROW_SOTA = "The pretrained XLM-R Large model achieves state-of-the-art performance on many zero-shot cross-lingual transfer tasks."
ROW_NINE = "We study the effect of intermediate-task training (STILTs; Phang et al., 2018) with nine different English intermediate"
ROW_UNKNOWN = "Gradient checkpointing halves the memory footprint of the largest speech encoders on long audio."

# rows about other XTREME results (XLM-R over mBERT, the gap to humans, mT5, XTREME-R): each shares
# key terms with the +5.4 gain claim, but its number is not 5.4 with its decimal point moved, so it is
# an unknown claim (a warning), not a number mismatch against 2005.13013/xtreme-test-gain
OTHER_XTREME_ROWS = [
    "XLM-R outperforms mBERT on XTREME, with an average improvement of 7.6 points across tasks.",
    "The best zero-shot model on XTREME lags behind human performance by an average of 20 points.",
    "On XTREME, the best model improves the average score by 2.3 points over mBERT.",
    "XLM-R Large improves the average XTREME score by 0.9 over the best previous model.",
    "Best results on XTREME come from mT5, improving the average by 6.3 points.",
    "XTREME-R improves on XTREME with 10 tasks, and the best model's average score drops by 4.1 points.",
]

VERDICTS = {
    "2005.13013/multitask-gain": VerdictView(overall="unverified", source="not_derivable", replication="not_run", summary="not derivable: dev table missing"),
    "2005.13013/xtreme-gain": VerdictView(overall="unverified", source="not_derivable", replication="not_run", summary="not derivable: BUCC and Tatoeba cells missing"),
    "2005.13013/v1-xtreme-gain": VerdictView(overall="unverified", source="not_derivable", replication="not_run", summary="not derivable"),
    "2005.13013/xlmr-sota": VerdictView(overall="unverified", source="not_derivable", replication="not_run", summary="a claim of Conneau et al. 2020"),
    "2005.13013/nine-tasks": VerdictView(overall="supported", source="consistent", replication="not_run", summary="consistent with the abstract"),
}


def toy_registry(tmp_path: Path, text: str = REGISTRY_YAML, folder: str = "registry"):
    """A registry of one claim file for 2005.13013 written from ``text`` (by default the toy one)."""
    path = tmp_path / folder / "2005.13013.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return build_registry([(path, load_paper_file(path))])


def audit_rows(registry, *texts: str, confidence: str = "0.8"):
    """The scorecard of a report of ``texts`` (each ticked, with ``confidence``) against ``registry``,
    no verdicts."""
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import parse_synthesis
    from claimcheck.audit.engine import audit_report

    report = parse_synthesis(make_report([(t, "✓", confidence) for t in texts]), label="r.md")
    return audit_report(report, registry, {}, load_bibliography())


def audit_row(registry, text: str):
    """The scorecard of a one-row report (ticked, confidence 0.9) against ``registry``, no verdicts."""
    return audit_rows(registry, text, confidence="0.9")


def misattributed(card):
    """The scorecard's findings that a row is a result the examined paper only cites."""
    return [f for f in card.findings if f.code == "misattributed"]


def make_report(
    rows=((ROW_MULTITASK, "✓", "0.25"), (ROW_XTREME, "✓", "0.33")),
    *,
    title: str = "Cross-lingual Transfer Performance in Multi-task vs. Single-task Training for XTREME",
    date: str = "July 1, 2026",
    examined: str = EXAMINED,
    question: str = "What is the impact of combining multiple intermediate tasks versus single-task training on XTREME-R scores?",
    retrieved: int = 11,
    extracted: int | None = None,
    verified: int | None = None,
    quality: str = "9.1",
    references=("http://arxiv.org/abs/2005.13013v2", "http://arxiv.org/abs/2310.10378v5"),
    markdown: bool = True,
    header: str = "Claim\tVerified\tConfidence",
    row_format=None,
) -> str:
    """A report laid out like ../shared/seeds (tab-separated claims table) unless told otherwise."""
    h = "## " if markdown else ""
    extracted = len(rows) if extracted is None else extracted
    verified = len(rows) if verified is None else verified
    fmt = row_format or (lambda r: "\t".join(r))
    lines = [
        "",
        "",
        f"{h.replace('## ', '# ')}{title}",
        "",
        "Assignee Research",
        "",
        date,
        "",
        f"{h}Abstract",
        "",
        "Intermediate-task training often helps; we ask whether it helps across languages.",
        "",
        f"{h}1 Introduction",
        "",
        f"This paper examines: {examined}. Research question: {question}.",
        "",
        f"{h}2 Methodology",
        "",
        f"Systematic literature search across multiple databases yielded {retrieved} papers. An independent "
        f"multi-reviewer assessment produced a quality score of {quality}/10.",
        "",
        f"{h}3 Results",
        "",
        f"{retrieved} papers retrieved. {extracted} claims extracted; {verified} independently verified. Quality review score: {quality}/10.",
        "",
        f"{h}5 Extracted Claims",
        "",
        header,
        *[fmt(r) for r in rows],
        "",
        f"{h}References",
        "",
        *[f"- <{u}>" for u in references],
    ]
    return "\n".join(lines)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_from_report(text: str) -> bytes:
    """The report as a one-page PDF with a real text layer (Helvetica; ticks set in ZapfDingbats, as
    LaTeX's \\ding{52} does), the way a synthesis exported to PDF looks to a text extractor: the
    table's tabs become spaces."""
    ops = [b"BT /F1 6 Tf 8 TL 24 820 Td"]
    for line in text.split("\n")[:100]:
        if "\t" in line:
            cells = line.split("\t")
            for cell in cells:
                if cell == "✓":
                    ops.append(b"/F2 6 Tf (  4  ) Tj /F1 6 Tf")  # ZapfDingbats '4' is the check mark U+2714
                else:
                    ops.append(_pdf_string(cell + "  ") + b" Tj")
            ops.append(b"T*")
        else:
            ops.append(_pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    stream = b"\n".join(ops)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def blank_pdf() -> bytes:
    """A PDF whose only page has no text layer (as a scan without OCR)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
