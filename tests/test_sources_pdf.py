"""Tables and claims from a PDF text layer (a PDF written by hand in the test), and a scan-like PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from claimcheck.errors import InputError


import test_sources_arxiv as arxiv_tests  # noqa: E402  (tests/ is on sys.path)

tiny_pdf = arxiv_tests.tiny_pdf

PAPER_LINES = [
    "A Toy Study of Zero-Shot Transfer",
    "Ada Lovelace and Alan Turing",
    "Abstract",
    "We study English intermediate training. Our best models obtain a 5.4 point improvement",
    "over the XLM-R Large baseline on the benchmark.",
    "1 Introduction",
    "Zero-shot transfer trains on English and tests on other languages. Earlier work reports",
    "large improvements of 8.2, 7.5, and 7.0 points from three intermediate tasks.",
    "2 Results",
    "Table 1: Test accuracy on three target tasks.",
    "Model XNLI PAWS-X POS",
    "XLM-R Large 79.2 86.4 73.8",
    "X-STILTs 80.0 87.9 74.9",
    "Translate-train 78.1 - 72.0",
    "X-STILTs improves XNLI by 0.8 points over XLM-R Large, and the gain on POS is smaller",
    "than the gain on PAWS-X. We use 3 seeds per task.",
]


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "toy.pdf"
    path.write_bytes(tiny_pdf(PAPER_LINES))
    return path


def test_text_layer_table_is_read_with_low_confidence(pdf_path):
    from claimcheck.sources.pdf import load_pdf_text, text_tables

    text = "\n".join(load_pdf_text(pdf_path))
    tables = text_tables(text, "pdf-text")
    assert len(tables) == 1
    table = tables[0]
    assert (table.number, table.caption, table.confidence, table.section) == ("1", "Test accuracy on three target tasks.", "low", "2 Results")
    found = {(v.row, v.column, v.number.text) for v in table.values}
    assert found == {
        ("XLM-R Large", "XNLI", "79.2"), ("XLM-R Large", "PAWS-X", "86.4"), ("XLM-R Large", "POS", "73.8"),
        ("X-STILTs", "XNLI", "80.0"), ("X-STILTs", "PAWS-X", "87.9"), ("X-STILTs", "POS", "74.9"),
        ("Translate-train", "XNLI", "78.1"), ("Translate-train", "POS", "72.0"),
    }
    assert table.locator(table.values[0]) == "Table 1, row XLM-R Large, column XNLI"


def test_sentences_ending_in_numbers_are_not_table_rows():
    from claimcheck.sources.pdf import text_tables

    text = "Earlier work reports\nlarge improvements of 8.2, 7.5, and 7.0 points from three intermediate tasks.\n"
    text += "scores were 80.1 and 79.2\n"
    assert text_tables(text) == []


def test_claims_and_sections_from_the_text_layer(pdf_path):
    from claimcheck.sources.candidates import find_candidates
    from claimcheck.sources.pdf import load_pdf_text, text_sections, text_tables

    text = "\n".join(load_pdf_text(pdf_path))
    sections = text_sections(text)
    assert [s.title for s in sections] == ["Front matter", "Abstract", "1 Introduction", "2 Results"]
    candidates = find_candidates(sections, text_tables(text, "pdf-text"))
    by_numbers = {tuple(n.text for n in c.numbers): c for c in candidates}
    assert set(by_numbers) == {("5.4",), ("8.2", "7.5", "7.0"), ("0.8",)}
    assert by_numbers[("5.4",)].section == "Abstract"
    assert by_numbers[("5.4",)].sentence.endswith("over the XLM-R Large baseline on the benchmark.")
    assert "Table 1, row X-STILTs, column XNLI" in by_numbers[("0.8",)].cells


def test_hyphenated_line_breaks_are_joined():
    from claimcheck.sources.pdf import text_sections

    sections = text_sections("1 Results\nMulti-task training im-\nproves the average by 8.7 points.\n")
    assert sections[0].text == "Multi-task training improves the average by 8.7 points."


def test_pdf_without_text_layer_is_refused_clearly(tmp_path):
    from pypdf import PdfWriter

    from claimcheck.sources.pdf import load_pdf_text

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buf = io.BytesIO()
    writer.write(buf)
    path = tmp_path / "scan.pdf"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="no text layer") as info:
        load_pdf_text(path)
    assert str(path) in str(info.value) and "--text" in str(info.value)


def test_not_a_pdf_is_an_input_error(tmp_path):
    from claimcheck.sources.pdf import load_pdf_text

    path = tmp_path / "fake.pdf"
    path.write_bytes(b"<html>not a pdf</html>")
    with pytest.raises(InputError, match="not a readable PDF"):
        load_pdf_text(path)
    with pytest.raises(InputError, match="no such PDF"):
        load_pdf_text(tmp_path / "missing.pdf")


PIPE_AND_PLAIN = """2 Results

| System | XNLI | PAWS-X |
|---|:---:|---|
| Baseline | 70.1 | 80.2 |
| **Widget** | 71.6 | 81.0 |

Table 1: Dev accuracy.

System EM F1
Baseline 60.1 70.3
Widget 61.0 71.2
Table 2: XQuAD dev results.
"""


def test_markdown_pipe_tables_are_read_and_not_read_twice():
    from claimcheck.sources.pdf import text_tables

    pipe, plain = text_tables(PIPE_AND_PLAIN, origin="text")
    assert (pipe.number, pipe.caption) == ("1", "Dev accuracy.")
    assert {(v.row, v.column, v.written) for v in pipe.values} == {
        ("Baseline", "XNLI", "70.1"), ("Baseline", "PAWS-X", "80.2"), ("Widget", "XNLI", "71.6"), ("Widget", "PAWS-X", "81.0")}
    assert plain.number == "2" and len(plain.values) == 4


def test_a_draft_takes_the_task_from_the_caption_when_columns_name_only_metrics():
    from claimcheck.claims.draft import PaperMeta, build_draft, Extraction
    from claimcheck.sources.candidates import find_candidates
    from claimcheck.sources.pdf import text_sections, text_tables

    tables = text_tables(PIPE_AND_PLAIN, origin="text")
    meta = PaperMeta(id="local-toy", version="", title="Toy", authors=[], year=0, locator="toy.txt")
    cells = build_draft(meta, Extraction("text", tables, find_candidates(text_sections(PIPE_AND_PLAIN), tables))).paper.cells
    assert {(c.system, c.task, c.metric) for c in cells if c.locator.startswith("Table 2")} == {
        (s, "xquad", m) for s in ("Baseline", "Widget") for m in ("em", "f1")}
    assert {c.task for c in cells if c.locator.startswith("Table 1")} == {"xnli", "pawsx"}
