"""The synthesis-report parser on reports the tests write in the seeds' layout, and on variants:
Markdown pipes, other column orders, missing columns, Windows line endings, non-UTF-8 bytes, an
empty file, a 50 MB file, PDFs with and without a text layer."""

from __future__ import annotations

import time

import pytest

from audit_fixtures import ROW_MULTITASK, ROW_SOTA, ROW_XTREME, blank_pdf, make_report, pdf_from_report

from claimcheck.errors import InputError
from claimcheck.sources.synthesis import parse_synthesis
from claimcheck.sources.synthesis_file import MAX_BYTES, load_synthesis
from claimcheck.sources.synthesis_row import read_confidence, read_mark, truncation_of

ROWS = ((ROW_MULTITASK, "✓", "0.25"), (ROW_XTREME, "✓", "0.33"), (ROW_SOTA, "", "0.23"))


def test_seed_layout_fields():
    r = parse_synthesis(make_report(ROWS, retrieved=11, extracted=10, verified=9, quality="9.1"))
    assert r.title.startswith("Cross-lingual Transfer Performance")
    assert r.date == "July 1, 2026"
    assert r.examined_paper == "English Intermediate-Task Training Improves Zero-Shot Cross-Lingual Transfer Too"
    assert r.research_question.endswith("on XTREME-R scores?")  # the trailing "?." is tidied
    assert (r.papers_retrieved, r.claims_extracted, r.claims_verified) == (11, 10, 9)
    assert (r.quality_score, r.quality_scale) == (9.1, 10.0)
    assert r.columns == ["claim", "verified", "confidence"]
    assert [x.text for x in r.rows] == [ROW_MULTITASK, ROW_XTREME, ROW_SOTA]
    assert [x.verified for x in r.rows] == [True, True, None]
    assert [x.confidence for x in r.rows] == [0.25, 0.33, 0.23]
    assert [x.truncated for x in r.rows] == [False, True, False]
    assert [(x.arxiv_id, x.arxiv_version) for x in r.references] == [("2005.13013", "v2"), ("2310.10378", "v5")]
    assert r.format == "markdown" and r.notes == []


def test_plain_text_layout_is_read_the_same():
    md = parse_synthesis(make_report(ROWS))
    txt = parse_synthesis(make_report(ROWS, markdown=False))
    assert txt.format == "text"
    assert txt.model_dump(exclude={"format"}) == md.model_dump(exclude={"format"})


def test_markdown_pipe_table_in_another_column_order():
    header = "| Confidence | Claim | Verified |\n|---:|---|:---:|"
    text = make_report(ROWS, header=header, row_format=lambda r: f"| {r[2]} | {r[0]} | {r[1]} |")
    r = parse_synthesis(text)
    assert r.columns == ["confidence", "claim", "verified"]
    assert [(x.text, x.verified, x.confidence) for x in r.rows] == [(ROW_MULTITASK, True, 0.25), (ROW_XTREME, True, 0.33), (ROW_SOTA, None, 0.23)]


def test_verified_column_written_as_a_word_is_not_read_as_a_count():
    # "…of 5.4<TAB>verified" and "…top 3<TAB>verified" are cells of a row, not "4 (or 3) verified"
    rows = ((ROW_XTREME, "verified", "0.33"), ("SQuAD is among the top 3", "verified", "0.4"), (ROW_MULTITASK, "unverified", "0.2"))
    for markdown in (True, False):
        r = parse_synthesis(make_report(rows, verified=2, markdown=markdown))
        assert [x.verified for x in r.rows] == [True, True, False]
        assert (r.claims_extracted, r.claims_verified) == (3, 2)


def _wrap_line(text: str, starts: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.fill(l, width) if l.startswith(starts) else l for l in text.split("\n"))


@pytest.mark.parametrize("width", [78, 30])
@pytest.mark.parametrize("markdown", [True, False])
def test_hard_wrapped_header_paragraph_is_read_whole(width, markdown):
    """Markdown and PDF text wrap the introduction: "This paper examines" and the research question
    are read across the lines of their paragraph (hyphen breaks such as "Cross-" / "Lingual" too)."""
    one_line = parse_synthesis(make_report(ROWS, markdown=markdown))
    wrapped = parse_synthesis(_wrap_line(make_report(ROWS, markdown=markdown), "This paper examines", width))
    assert wrapped.examined_paper == one_line.examined_paper == "English Intermediate-Task Training Improves Zero-Shot Cross-Lingual Transfer Too"
    assert wrapped.research_question == one_line.research_question
    assert wrapped.research_question.startswith("What is the impact") and wrapped.research_question.endswith("on XTREME-R scores?")
    assert [x.text for x in wrapped.rows] == [x.text for x in one_line.rows] and wrapped.notes == one_line.notes


def test_question_stops_at_its_question_mark_and_a_wrapped_plain_title_is_whole():
    text = make_report(ROWS, markdown=False, title="A long synthesis title that a plain-text export wraps at thirty columns")
    text = _wrap_line(_wrap_line(text, "A long synthesis", 30), "This paper examines", 78)
    text = text.replace("on XTREME-R scores?.", "on XTREME-R scores? It was answered from 11 papers.")
    r = parse_synthesis(text)
    assert r.title == "A long synthesis title that a plain-text export wraps at thirty columns"
    assert r.research_question.endswith("on XTREME-R scores?")


TWO_SENTENCES = ("Does intermediate-task training help? How does multilingual fine-tuning compare with English-only "
                 "fine-tuning on XTREME-R for underrepresented languages with varying training data sizes?")


@pytest.mark.parametrize("markdown", [True, False])
@pytest.mark.parametrize("width", [None, 40])
def test_a_question_of_two_sentences_is_read_to_its_last_question_mark(markdown, width):
    """The question runs through its paragraph: the second sentence holds what the audit's coverage
    facets look for (XTREME-R, underrepresented languages, data size)."""
    from claimcheck.audit.question import check_question

    text = make_report(ROWS, markdown=markdown, question=TWO_SENTENCES)
    r = parse_synthesis(_wrap_line(text, "This paper examines", width) if width else text)
    assert r.research_question == TWO_SENTENCES
    assert len(check_question(r.research_question, []).facets) == 5


@pytest.mark.parametrize("markdown", [True, False])
def test_the_question_ends_at_the_last_of_its_consecutive_question_sentences(markdown):
    """A statement after the question ends it, even when a later sentence of the paragraph asks
    something again ("We also looked at model scale. What is left open?")."""
    text = make_report(ROWS, markdown=markdown, question=TWO_SENTENCES + " We also looked at parameter count in passing. What is left open?")
    assert parse_synthesis(text).research_question == TWO_SENTENCES


def test_the_question_stops_at_a_line_that_starts_another_header_field():
    """PDF text has no blank line between paragraphs: the question paragraph ends where a line opens
    another header field (a "?" in the examined paper's title is not the question's)."""
    text = make_report(ROWS, markdown=False)
    intro = next(line for line in text.split("\n") if line.startswith("This paper examines"))
    text = text.replace(intro, "Research question: Does intermediate-task training help? How does it compare\non XTREME-R?\n"
                               "This paper examines: Why Does Intermediate Training Work So Well?")
    r = parse_synthesis(text.replace("\n\n", "\n"))
    assert r.research_question == "Does intermediate-task training help? How does it compare on XTREME-R?"
    assert r.examined_paper == "Why Does Intermediate Training Work So Well?"


@pytest.mark.parametrize("markdown", [True, False])
def test_runs_of_spaces_in_a_claim_read_as_one(markdown):
    text = make_report([("MNLI is the  most useful  intermediate task.", "yes", "40%")], markdown=markdown)
    assert parse_synthesis(text).rows[0].text == "MNLI is the most useful intermediate task."


def test_a_superlative_written_with_two_spaces_is_still_read_against_the_claim():
    """From the row as parsed (a PDF's text often has runs of spaces), "the  least useful" is read as
    "the least useful", the opposite of "the most useful"."""
    from claimcheck.audit.polarity import compare

    row = parse_synthesis(make_report([("MNLI is the  least useful intermediate task.", "yes", "40%")])).rows[0]
    assert compare(row.text, "MNLI is the most useful intermediate task.").reason


def test_escaped_pipe_inside_a_markdown_cell():
    text = make_report([("A \\| B claim text.", "yes", "40%")], header="| Claim | Verified | Confidence |\n|---|---|---|",
                       row_format=lambda r: f"| {r[0]} | {r[1]} | {r[2]} |")  # fmt: skip
    row = parse_synthesis(text).rows[0]
    assert (row.text, row.verified, row.confidence) == ("A | B claim text.", True, 0.40)


@pytest.mark.parametrize(
    ("header", "fmt", "missing"),
    [
        ("Claim\tConfidence", lambda r: f"{r[0]}\t{r[2]}", "Verified"),
        ("Claim\tVerified", lambda r: f"{r[0]}\t{r[1]}", "Confidence"),
    ],
)
def test_missing_column_is_noted_and_left_empty(header, fmt, missing):
    r = parse_synthesis(make_report(ROWS, header=header, row_format=fmt))
    assert len(r.rows) == 3
    assert f"claims table has no {missing} column" in r.notes
    if missing == "Verified":
        assert all(x.verified is None for x in r.rows) and r.rows[0].confidence == 0.25
    else:
        assert all(x.confidence is None for x in r.rows) and r.rows[0].verified is True


def test_table_without_header_is_read_by_content():
    text = make_report(ROWS, header="")
    r = parse_synthesis(text)
    assert [(x.verified, x.confidence) for x in r.rows] == [(True, 0.25), (True, 0.33), (None, 0.23)]
    assert any("no header row" in n for n in r.notes)


def test_missing_sections_are_noted_not_fatal():
    r = parse_synthesis("Just a title\n\nSome prose without any of the usual parts.\n")
    assert r.title == "Just a title" and r.rows == [] and r.references == []
    for what in ("no claims table found", "no References section found", "no research question found", "no quality score found"):
        assert what in r.notes


def test_references_of_several_kinds():
    refs = ("http://arxiv.org/abs/2005.13013v2", "https://arxiv.org/pdf/2104.07412", "https://doi.org/10.18653/v1/2020.acl-main.747")
    r = parse_synthesis(make_report(ROWS, references=refs) + "\n- Hu et al. (2020), arXiv:2003.11080v5\n- A book with no link")
    got = [(x.arxiv_id, x.arxiv_version, x.url) for x in r.references]
    assert got[0] == ("2005.13013", "v2", "http://arxiv.org/abs/2005.13013v2")
    assert got[1] == ("2104.07412", None, "https://arxiv.org/pdf/2104.07412")
    assert got[2] == (None, None, "https://doi.org/10.18653/v1/2020.acl-main.747")
    assert got[3] == ("2003.11080", "v5", None)
    assert r.references[4].text == "A book with no link" and r.references[4].arxiv_id is None


@pytest.mark.parametrize(
    ("cell", "want"), [("✓", True), ("✔", True), ("Yes", True), ("[x]", True), ("✗", False), ("no", False), ("", None), ("maybe", None)]
)
def test_read_mark(cell, want):
    assert read_mark(cell) is want


@pytest.mark.parametrize(("cell", "want"), [("0.27", 0.27), (".4", 0.4), ("27%", 0.27), ("27", 0.27), ("1", 1.0), ("250", None), ("high", None), ("", None)])
def test_read_confidence(cell, want):
    assert read_confidence(cell) == want


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("x" * 119 + "y", True),  # 120 characters and no end of sentence: the seeds' cut
        ("Short claim without a full stop", False),  # too short to tell
        ("A full sentence that is long enough to have been cut, but which does end properly with a full stop.", False),
        ("Ends with an ellipsis…", True),
    ],
)
def test_truncation_rule(text, cut):
    assert bool(truncation_of(text)) is cut


# --------------------------------------------------------------------------------------- files


def test_windows_line_endings_and_bom(tmp_path):
    path = tmp_path / "crlf.md"
    path.write_bytes(b"\xef\xbb\xbf" + make_report(ROWS).replace("\n", "\r\n").encode("utf-8"))
    r = load_synthesis(path)
    assert [x.text for x in r.rows] == [ROW_MULTITASK, ROW_XTREME, ROW_SOTA]
    assert not any("\r" in x.text or "\r" in x.confidence_text for x in r.rows)
    assert r.research_question.endswith("scores?")


def test_non_utf8_bytes_are_read_as_windows_1252_and_noted(tmp_path):
    path = tmp_path / "latin.txt"
    data = make_report(ROWS, title="Caf\u00e9 synthesis").encode("utf-8").replace("Caf\u00e9".encode("utf-8"), b"Caf\xe9")
    path.write_bytes(data + b"\n\xff\xfe stray bytes")
    r = load_synthesis(path)
    assert r.title.startswith("Café synthesis")
    assert any("not valid UTF-8" in n for n in r.notes)
    assert r.rows[0].verified is True  # the UTF-8 tick survives next to the stray bytes


@pytest.mark.parametrize("encoding, name", [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"),
                                            ("utf-32-be", "UTF-32")])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read_and_noted(tmp_path, encoding, name):
    """The report is read in its encoding, and the note says so (it said nothing; UTF-32 was read as
    UTF-16, NUL characters and all)."""
    path = tmp_path / "wide.md"
    data = make_report(ROWS).encode(encoding)
    path.write_bytes(data if encoding in ("utf-16", "utf-32") else ("\ufeff".encode(encoding) + data))
    r = load_synthesis(path)
    assert r.rows[0].text == ROW_MULTITASK and r.rows[0].verified is True
    assert f"read as {name} (the file starts with its byte-order mark)" in r.notes


@pytest.mark.parametrize("data, problem", [
    ("\ufeffA synthesis\n".encode("utf-16-le") + b"\x41", "truncated data"),  # an odd byte count
    (b"\xff\xfe" + "A synthesis ".encode("utf-16-le") + b"\x00\xd8\x41\x00\n\x00", "illegal UTF-16 surrogate"),
    (b"\xff\xfe\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "decodes to NUL characters"),  # binary, starting with ff fe
], ids=["odd length", "lone surrogate", "binary"])
def test_a_utf16_byte_order_mark_on_what_is_no_utf16_text_is_refused(tmp_path, data, problem):
    """Decoding it anyway (errors="replace") read garbage without a word."""
    path = tmp_path / "not-utf16.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as exc:
        load_synthesis(path)
    said = exc.value.render()
    assert said.startswith(f"{path}: starts with a UTF-16 byte-order mark but is not UTF-16 text") and problem in said, said


def test_a_capped_utf16_report_is_cut_at_a_line_break_of_its_own_encoding(tmp_path):
    """The cap cut at the last b"\\n" byte, half a UTF-16 line break, leaving an odd byte count."""
    path = tmp_path / "wide.md"
    path.write_bytes(make_report(ROWS).encode("utf-16") + ("Filler line.\n" * 2000).encode("utf-16-le"))
    r = load_synthesis(path, max_bytes=path.stat().st_size - 7)
    assert r.rows[0].text == ROW_MULTITASK and any("only the first" in n for n in r.notes)
    assert "read as UTF-16 (the file starts with its byte-order mark)" in r.notes


@pytest.mark.parametrize("content", [b"", b"   \n\n \t\n"])
def test_empty_file_is_a_clear_input_error(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="empty file"):
        load_synthesis(path)


def test_binary_file_and_missing_file(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError, match="binary file"):
        load_synthesis(path)
    with pytest.raises(InputError, match="no such report file"):
        load_synthesis(tmp_path / "absent.md")


def test_fifty_megabyte_file_is_capped_in_bounded_time(tmp_path):
    path = tmp_path / "huge.md"
    filler = ("Filler prose line that goes on and on about nothing in particular. " * 3 + "\n").encode()
    with path.open("wb") as fh:
        fh.write(make_report(ROWS).encode())  # the report first, then 50 MB of filler
        fh.write(b"\n\n## Appendix\n\n")
        for _ in range(50 * 1024 * 1024 // len(filler) + 1):
            fh.write(filler)
    assert path.stat().st_size > 50 * 1024 * 1024
    start = time.perf_counter()
    r = load_synthesis(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 20, f"parsing the capped file took {elapsed:.1f}s"
    assert [x.text for x in r.rows] == [ROW_MULTITASK, ROW_XTREME, ROW_SOTA]
    assert any("only the first" in n and f"{MAX_BYTES // 1_048_576} MiB" in n for n in r.notes)


def test_one_huge_line_without_breaks(tmp_path):
    path = tmp_path / "oneline.txt"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    r = load_synthesis(path)
    assert r.rows == [] and any("cut for parsing" in n for n in r.notes)


# ----------------------------------------------------------------------------------------- PDF


def test_pdf_with_text_layer_reads_like_the_text(tmp_path):
    pytest.importorskip("pypdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_from_report(make_report(ROWS)))
    r = load_synthesis(path)
    text = parse_synthesis(make_report(ROWS))
    assert r.format == "pdf"
    assert [x.text for x in r.rows] == [x.text for x in text.rows]
    assert [x.verified for x in r.rows] == [True, True, None]
    assert [x.confidence for x in r.rows] == [0.25, 0.33, 0.23]
    for field in ("title", "date", "examined_paper", "research_question", "papers_retrieved", "claims_extracted", "quality_score"):
        assert getattr(r, field) == getattr(text, field), field
    assert [x.arxiv_id for x in r.references] == ["2005.13013", "2310.10378"]


def test_pdf_without_text_layer_says_so(tmp_path):
    pytest.importorskip("pypdf")
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())
    with pytest.raises(InputError, match="no text layer"):
        load_synthesis(path)


def test_damaged_pdf_is_an_input_error(tmp_path):
    pytest.importorskip("pypdf")
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"garbage " * 100)
    with pytest.raises(InputError) as info:
        load_synthesis(path)
    assert "PDF" in info.value.message
