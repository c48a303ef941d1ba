"""A file whose size does not say how much it holds (it grew after its size was read; a /proc file, whose
size reads 0) is read no further than a cap: every capped reader reads at most the cap and one byte from
one open file, and refuses when it got that byte, rather than checking the size and then reading the
whole file. The file here is real, not a stand-in: ``paper_fixtures.size_lies`` gives /proc/PID/maps of
a child process that maps enough files to hold more than the cap (Linux; skipped elsewhere)."""

from __future__ import annotations

from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.sources.caps import AUDIT_PDF_MAX_BYTES
from claimcheck.sources.synthesis_file import MAX_BYTES, load_synthesis
from paper_fixtures import size_lies

runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_pdf_report_whose_size_reads_0_is_refused_after_64_mib_read(tmp_path):
    """`audit` checked a PDF report's size, then read the whole file (``read_bytes``): one whose size reads
    0 was read past the 64 MiB cap, whole, and handed to pypdf. It is now refused, exit 2, naming the file
    and the cap (no size: it has none to give), once 64 MiB and a byte were read."""
    with size_lies(tmp_path, AUDIT_PDF_MAX_BYTES, first="%PDF-1.4") as lying:
        report = tmp_path / "report.pdf"  # named .pdf, "%PDF-" in its first 1024 bytes
        report.symlink_to(lying)
        res = runner.invoke(app, ["audit", str(report), "--format", "json"])
        assert res.exit_code == 2 and "Traceback" not in res.output, res.output
        assert _flat(res.output) == f"error: {report}: PDF larger than 64 MiB: not read", res.output


def test_a_text_report_whose_size_reads_0_says_it_is_over_the_cap(tmp_path):
    """A text report is read from the same open file whose first bytes told it is no PDF, and the note a
    cap leaves no longer says "file is 0.0 MiB" of a file that held more than 8 MiB."""
    with size_lies(tmp_path, MAX_BYTES) as lying:
        report = tmp_path / "report.md"
        report.symlink_to(lying)
        notes = load_synthesis(report).notes
    assert notes[0].startswith("file is over 8 MiB: only the first 8.0 MiB were read (cap 8 MiB)"), notes


def test_a_tex_file_whose_size_reads_0_is_refused_after_20_mib_read(tmp_path):
    """`add --tex` checked a .tex file's size, then read the whole file: one whose size reads 0 was read
    past the 20 MiB cap. It is now refused, exit 2, naming the file and --tex, as a single .tex file and
    as a file its folder's paper inputs; nothing is written."""
    from claimcheck.sources.caps import ADD_LATEX_MAX_BYTES

    with size_lies(tmp_path, ADD_LATEX_MAX_BYTES) as lying:
        paper = tmp_path / "paper"
        paper.mkdir()
        (paper / "main.tex").write_text("\\documentclass{article}\\begin{document}\\input{big}\\end{document}\n",
                                        encoding="utf-8")
        big = paper / "big.tex"
        big.symlink_to(lying)
        for source in (big, paper):
            res = runner.invoke(app, ["add", "--tex", str(source), "--registry", str(tmp_path / "claims")])
            assert res.exit_code == 2 and "Traceback" not in res.output, res.output
            assert _flat(res.output) == f"error: {big}: field '--tex': larger than 20 MiB: not a LaTeX file of a paper", res.output
    assert not (tmp_path / "claims").exists()
