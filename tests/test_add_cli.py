"""`claimcheck add` end to end against a local arXiv stand-in (127.0.0.1), and from local files."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.claims.registry import load_paper_file


import test_sources_arxiv as arxiv_tests  # noqa: E402  (tests/ is on sys.path)
import test_sources_paper as paper  # noqa: E402
import test_sources_pdf as pdf_tests  # noqa: E402
ArxivServer, atom_feed, tiny_pdf = arxiv_tests.ArxivServer, arxiv_tests.atom_feed, arxiv_tests.tiny_pdf
runner = CliRunner()
ID = "2101.00001"


@pytest.fixture
def server():
    with ArxivServer() as srv:
        srv.routes = {f"api:{ID}v2": [("ok", atom_feed(ID, "v2"))], f"/src/{ID}v2": [("ok", paper.paper_tarball())]}
        yield srv


def add(*args, env: dict | None = None):
    result = runner.invoke(app, ["add", *map(str, args)], env=env)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception  # no crash
    return result


def _confirm_all(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["paper"]["draft"] = False
    for claim in data["claims"]:
        claim["draft"] = False
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_add_writes_a_draft_that_validate_refuses_until_confirmed(server, tmp_path):
    registry = tmp_path / "claims"
    result = add(f"arxiv:{ID}v2", "--registry", registry, env=server.env())
    assert result.exit_code == 0, result.output
    path = registry / f"{ID}.yaml"
    assert f"wrote draft {path}" in result.output and "2 request(s) to arXiv" in result.output
    assert "3 table(s), 38 cell(s), 8 candidate claim(s)" in result.output
    pf = load_paper_file(path)
    assert (pf.paper.version, pf.paper.year, pf.paper.title, pf.paper.draft) == ("v2", 2020, "A Toy Study of Transfer", True)
    assert pf.paper.sources[0].locator == f"arXiv:{ID}v2"

    refused = runner.invoke(app, ["validate", str(path)])
    said = " ".join(refused.output.split())  # the error console wraps long lines
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert "draft claim(s) need a person's check" in said and "set `draft: false`" in said

    _confirm_all(path)
    accepted = runner.invoke(app, ["validate", str(path)])
    assert accepted.exit_code == 0, accepted.output


def test_second_run_makes_no_request_and_leaves_the_file_alone(server, tmp_path):
    registry = tmp_path / "claims"
    assert add(f"arxiv:{ID}v2", "--registry", registry, env=server.env()).exit_code == 0
    before = (registry / f"{ID}.yaml").read_bytes()
    seen = list(server.seen)
    again = add(f"arxiv:{ID}v2", "--registry", registry, env=server.env())
    assert again.exit_code == 0, again.output
    assert "from the cache (no request)" in again.output and "already exists and was left unchanged" in again.output
    assert "no change" in again.output
    assert server.seen == seen and (registry / f"{ID}.yaml").read_bytes() == before


def test_offline_uses_the_cache_only(server, tmp_path):
    empty = add(f"arxiv:{ID}v2", "--offline", "--registry", tmp_path / "a", env=server.env())
    assert empty.exit_code == 2 and "--offline" in empty.output and "not in the cache" in empty.output
    assert server.seen == [] and not (tmp_path / "a").exists()
    assert add(f"arxiv:{ID}v2", "--registry", tmp_path / "b", env=server.env()).exit_code == 0
    offline = add(f"arxiv:{ID}", "--offline", "--registry", tmp_path / "c", env=server.env())
    assert offline.exit_code == 0, offline.output
    assert (tmp_path / "c" / f"{ID}.yaml").read_text() == (tmp_path / "b" / f"{ID}.yaml").read_text()
    assert len(server.seen) == 2


def test_new_version_shows_what_moved_instead_of_overwriting(server, tmp_path):
    v1 = paper.single_file_paper().replace("MNLI improves XNLI accuracy by 0.9 points", "MNLI improves XNLI accuracy by 1.0 points")
    v1 = v1.replace("SQuAD & plain & 79.9 &", "SQuAD & plain & 79.8 &")
    import gzip

    server.routes |= {f"api:{ID}v1": [("ok", atom_feed(ID, "v1"))], f"/src/{ID}v1": [("ok", gzip.compress(v1.encode()))]}
    registry = tmp_path / "claims"
    assert add(f"arxiv:{ID}v1", "--registry", registry, env=server.env()).exit_code == 0
    before = (registry / f"{ID}.yaml").read_bytes()
    result = add(f"arxiv:{ID}v2", "--registry", registry, env=server.env())
    assert result.exit_code == 0, result.output
    assert "registry file has v1, the source read now is v2" in result.output
    assert "row SQuAD / plain, column Classification (acc.) / XNLI: 79.8 -> 79.9" in result.output
    assert "draft-mnli-improves-xnli-accuracy-by-1.0 -> draft-mnli-improves-xnli-accuracy-by-0.9: reported 1.0, 80.1, 79.2 -> 0.9, 80.1, 79.2" in result.output
    assert "cells: 0 added, 0 removed, 1 changed" in result.output
    assert (registry / f"{ID}.yaml").read_bytes() == before
    kept = add(f"arxiv:{ID}v2", "--registry", registry, "--out", tmp_path / "v2.yaml", env=server.env())
    assert kept.exit_code == 0 and load_paper_file(tmp_path / "v2.yaml").paper.version == "v2"


def test_arxiv_paper_without_source_is_drafted_from_its_pdf(tmp_path):
    lines = pdf_tests.PAPER_LINES
    with ArxivServer() as srv:
        srv.routes = {"api:2101.00002v1": [("ok", atom_feed("2101.00002", "v1"))], "/src/2101.00002v1": [("status", 404, {})],
                      "/pdf/2101.00002v1": [("ok", tiny_pdf(lines))]}
        result = add("arxiv:2101.00002v1", "--registry", tmp_path / "claims", env=srv.env())
    assert result.exit_code == 0, result.output
    assert "read pdf-text: 1 table(s), 8 cell(s), 3 candidate claim(s); 3 request(s) to arXiv" in result.output
    assert "LOW confidence" in result.output
    pf = load_paper_file(tmp_path / "claims" / "2101.00002.yaml")
    assert pf.paper.version == "v1" and pf.paper.sources[0].locator == "arXiv:2101.00002v1"


def test_a_bundled_paper_is_diffed_not_duplicated(tmp_path):
    with ArxivServer() as srv:
        srv.routes = {"api:2005.13013v2": [("ok", atom_feed("2005.13013", "v2"))],
                      "/src/2005.13013v2": [("ok", paper.paper_tarball())]}
        result = add("arxiv:2005.13013v2", "--registry", tmp_path / "claims", env=srv.env())
    assert result.exit_code == 0, result.output
    assert "claims/papers/2005.13013.yaml already exists and was left unchanged" in result.output
    assert not (tmp_path / "claims").exists()


def test_persistent_network_failure_writes_nothing(tmp_path, _isolated_home):
    with ArxivServer() as srv:
        srv.routes = {f"api:{ID}v2": [("ok", atom_feed(ID, "v2"))], f"/src/{ID}v2": [("status", 503, {})]}
        result = add(f"arxiv:{ID}v2", "--registry", tmp_path / "claims", env=srv.env())
    assert result.exit_code == 2
    assert "could not download" in result.output and "HTTP 503" in result.output
    assert not (tmp_path / "claims").exists()
    cached = sorted(p.name for p in (_isolated_home / "cache").rglob("*") if p.is_file())
    assert cached == [f"{ID}v2.atom.xml"]


def test_local_tex_folder_tarball_and_text(tmp_path):
    folder = paper.write_paper_dir(tmp_path / "src")
    tarball = tmp_path / "toy.tar.gz"
    tarball.write_bytes(paper.paper_tarball())
    for source, expected_id in ((folder, "src"), (tarball, "toy")):
        result = add("--tex", source, "--registry", tmp_path / "claims")
        assert result.exit_code == 0, result.output
        pf = load_paper_file(tmp_path / "claims" / f"{expected_id}.yaml")
        assert len(pf.paper.cells) == 38 and pf.paper.authors == ["Ada Lovelace", "Alan Turing"]
        assert pf.paper.version == "unknown" and "year (not in the source; set to 0)" in pf.paper.not_found
    text = tmp_path / "notes.txt"
    text.write_text("1 Results\nOur method improves accuracy by 2.5 points over the baseline.\n", encoding="utf-8")
    result = add("--text", text, "--id", "my-notes", "--registry", tmp_path / "claims")
    assert result.exit_code == 0 and "LOW confidence" in result.output
    pf = load_paper_file(tmp_path / "claims" / "my-notes.yaml")
    assert [c.reported for c in pf.claims] == [["2.5"]]
    # the next steps name this file, not its folder, whose other files may be no claim files at all
    assert f"claimcheck verify all -r {tmp_path / 'claims' / 'my-notes.yaml'}" in result.output


def test_a_table_printed_in_full_width_digits_is_drafted_in_ascii_digits(tmp_path):
    """A claim file takes only ASCII digits, so "７９.１" is drafted as "79.1" (the locator keeps it as
    printed), and the draft loads; it was a validation traceback."""
    text = tmp_path / "fw.txt"
    text.write_text("1 Results\nOur method improves accuracy by ２.５ points over the baseline.\n\nTable 1: XNLI accuracy (test).\n\n"
                    "| Model | XNLI |\n|---|---|\n| Base | ７９.１ |\n| Ours | ８１.６ |\n", encoding="utf-8")
    result = add("--text", text, "--registry", tmp_path / "claims")
    assert result.exit_code == 0, result.output
    pf = load_paper_file(tmp_path / "claims" / "fw.yaml")
    assert [(c.system, c.value) for c in pf.paper.cells] == [("Base", "79.1"), ("Ours", "81.6")]
    assert 'printed "７９.１"' in pf.paper.cells[0].locator
    assert [c.reported for c in pf.claims] == [["2.5"]]


@pytest.mark.parametrize("name, expected_id", [
    (".notes.txt", "notes"),  # a hidden file: its name without the dot (it was "paper")
    ("2101.00002.txt", "2101.00002"),  # an arXiv id keeps its dot (it was "2101")
    ("2101.00002v2.md", "2101.00002v2"),
    ("paper.final.TXT", "paper.final"),
])
def test_the_paper_id_is_the_file_name_without_its_source_suffixes(tmp_path, name, expected_id):
    text = tmp_path / name
    text.write_text("1 Results\nOur method improves accuracy by 2.5 points over the baseline.\n", encoding="utf-8")
    result = add("--text", text, "--registry", tmp_path / "claims")
    assert result.exit_code == 0, result.output
    assert load_paper_file(tmp_path / "claims" / f"{expected_id}.yaml").paper.id == expected_id


def test_a_file_name_that_gives_no_paper_id_asks_for_one(tmp_path):
    text = tmp_path / "---.txt"
    text.write_text("1 Results\nOur method improves accuracy by 2.5 points over the baseline.\n", encoding="utf-8")
    result = add("--text", text, "--registry", tmp_path / "claims")
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "field '--id'" in said and "give one with --id" in said, said
    assert not (tmp_path / "claims").exists()
    assert add("--text", text, "--id", "dashes", "--registry", tmp_path / "claims").exit_code == 0


@pytest.mark.parametrize("encoding, note", [
    ("utf-16", "note: read as UTF-16 (the file starts with its byte-order mark)"),  # was refused as "a binary file"
    ("utf-32", "note: read as UTF-32 (the file starts with its byte-order mark)"),
    ("cp1252", "note: 1 byte(s) were not valid UTF-8 and were read as Windows-1252"),  # the byte was replaced unseen
])
def test_a_text_file_is_read_in_its_encoding_and_the_summary_says_how(tmp_path, encoding, note):
    text = tmp_path / "notes.txt"
    text.write_bytes("1 Results\nOur méthod improves accuracy by 2.5 points over the baseline.\n".encode(encoding))
    result = add("--text", text, "--registry", tmp_path / "claims")
    assert result.exit_code == 0, result.output
    assert note in result.output
    pf = load_paper_file(tmp_path / "claims" / "notes.yaml")
    assert [c.reported for c in pf.claims] == [["2.5"]] and "méthod" in pf.claims[0].statement


def test_a_utf16_byte_order_mark_on_what_is_no_utf16_text_is_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_bytes("\ufeff1 Results\nOur method improves accuracy by 2.5 points.\n".encode("utf-16-le") + b"\x41")  # odd length
    result = add("--text", text, "--registry", tmp_path / "claims")
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and f"{text}: starts with a UTF-16 byte-order mark but is not UTF-16 text" in said, said
    assert not (tmp_path / "claims").exists()


def test_local_pdf_with_and_without_text_layer(tmp_path):
    pdf = tmp_path / "toy.pdf"
    pdf.write_bytes(tiny_pdf(pdf_tests.PAPER_LINES))
    result = add("--pdf", pdf, "--registry", tmp_path / "claims")
    assert result.exit_code == 0, result.output
    assert "LOW confidence" in result.output and "1 table(s), 8 cell(s), 3 candidate claim(s)" in result.output
    pf = load_paper_file(tmp_path / "claims" / "toy.yaml")
    assert "LOW confidence" in pf.paper.sources[0].note

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buf = io.BytesIO()
    writer.write(buf)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(buf.getvalue())
    refused = add("--pdf", scan, "--registry", tmp_path / "claims")
    assert refused.exit_code == 2 and "no text layer" in refused.output
    assert not (tmp_path / "claims" / "scan.yaml").exists()


@pytest.mark.parametrize("args, message", [
    ((), "nothing to add"),
    (("--tex", "{tmp}", "--pdf", "{tmp}/x.pdf"), "at most one of --tex, --pdf, --text"),
    (("arxiv:not-an-id",), "is not an arXiv id"),
    (("--tex", "{tmp}/missing"), "no such file or folder"),
    (("--text", "{tmp}/notes.txt", "--id", "../evil"), "paper id '../evil' must be letters"),
    (("--text", "{tmp}/notes.txt", "--id", "my paper"), "field '--id'"),
    (("--text", "{tmp}/paper.pdf"), "this is a PDF: give it with --pdf FILE"),
    (("--text", "{tmp}/empty.txt"), "the text file is empty"),
])
def test_bad_arguments_exit_2_with_a_message(tmp_path, args, message):
    (tmp_path / "notes.txt").write_text("Gains of 2.5 points over the baseline.\n")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4\n%binary\x00\x01")
    (tmp_path / "empty.txt").write_text("\n \n")
    result = add(*[a.replace("{tmp}", str(tmp_path)) for a in args], "--registry", tmp_path / "claims")
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    assert not (tmp_path / "claims").exists()


def test_out_never_overwrites_a_file_or_the_source_being_read(server, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("1 Results\nOur method improves accuracy by 2.5 points over the baseline.\n", encoding="utf-8")
    source = text.read_bytes()
    onto_input = add("--text", text, "--out", text, "--registry", tmp_path / "claims")
    said = " ".join(onto_input.output.split())
    assert onto_input.exit_code == 2 and f"{text}: field '--out'" in said and "source being read" in said
    assert text.read_bytes() == source

    registry = tmp_path / "claims"  # a confirmed registry file, which `add` otherwise leaves alone
    assert add(f"arxiv:{ID}v2", "--registry", registry, env=server.env()).exit_code == 0
    confirmed = registry / f"{ID}.yaml"
    _confirm_all(confirmed)
    before, seen = confirmed.read_bytes(), list(server.seen)
    refused = add(f"arxiv:{ID}v2", "--registry", registry, "--out", confirmed, env=server.env())
    said = " ".join(refused.output.split())
    assert refused.exit_code == 2 and f"{confirmed}: field '--out'" in said
    assert "already exists" in said and "choose another --out path" in said
    assert confirmed.read_bytes() == before and server.seen == seen  # refused before any request
    link = tmp_path / "link.yaml"  # through a symlink too
    link.symlink_to(confirmed)
    assert add("--text", text, "--out", link, "--registry", registry).exit_code == 2
    assert confirmed.read_bytes() == before and link.is_symlink()

    fresh = add(f"arxiv:{ID}v2", "--registry", registry, "--out", tmp_path / "new.yaml", env=server.env())
    assert fresh.exit_code == 0 and load_paper_file(tmp_path / "new.yaml").paper.draft


def test_draft_module_and_add_command_leave_network_and_pdf_packages_unloaded():
    code = ("import sys, claimcheck.cli, claimcheck.workflow_add, claimcheck.claims.draft, claimcheck.sources.latex, "
            "claimcheck.sources.latex_files, claimcheck.sources.tables, claimcheck.sources.texmarkup, claimcheck.sources.pdf; "
            "print(','.join(m for m in ('arxiv', 'pypdf', 'requests') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_a_claim_file_that_appears_while_the_draft_is_made_is_left_alone(tmp_path, monkeypatch):
    """`add` checks for an existing file first; one created after that check (another `add`, an
    editor) must still not be replaced by the draft."""
    import tempfile

    import claimcheck.atomic as atomic

    text = tmp_path / "notes.txt"
    text.write_text("1 Results\nOur method improves accuracy by 2.5 points over the baseline.\n", encoding="utf-8")
    registry, real_mkstemp = tmp_path / "claims", tempfile.mkstemp
    target = registry / "notes.yaml"

    def racing_mkstemp(*args, **kwargs):
        target.write_text("# confirmed by hand meanwhile\n")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", racing_mkstemp)
    result = add("--text", text, "--registry", registry)
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and str(target) in said and "left alone" in said, said
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert target.read_text() == "# confirmed by hand meanwhile\n"
    assert sorted(p.name for p in registry.iterdir()) == ["notes.yaml"]


def test_out_dev_stdout_redirected_to_a_file_gets_the_yaml_and_the_summary_goes_to_stderr(tmp_path):
    """`--out /dev/stdout > draft.yaml`: the redirected file is no claim file to protect, and the summary
    must not be appended to the YAML."""
    text = tmp_path / "notes.txt"
    text.write_text("1 Results\nOur method improves accuracy by 2.5 points over the baseline.\n", encoding="utf-8")
    here = str(Path(__file__).resolve().parents[1] / "src")
    with open(tmp_path / "draft.yaml", "w") as stdout:
        done = subprocess.run([sys.executable, "-m", "claimcheck", "add", "--text", str(text), "--out", "/dev/stdout",
                               "--registry", str(tmp_path / "claims")], stdout=stdout, stderr=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": here, "PATH": "/usr/bin:/bin", "CLAIMCHECK_HOME": str(tmp_path / "home")})
    assert done.returncode == 0, done.stderr
    data = yaml.safe_load((tmp_path / "draft.yaml").read_text(encoding="utf-8"))
    assert data["paper"]["draft"] is True and len(data["claims"]) == 1
    assert "candidate claim" in done.stderr and not (tmp_path / "claims").exists()
    # no next step names /dev/stdout, which keeps no file to validate
    assert "claimcheck validate FILE.yaml" in done.stderr and "validate /dev/stdout" not in done.stderr


def test_out_that_cannot_be_written_names_the_option(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("1 Results\nOur method improves accuracy by 2.5 points over the baseline.\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "afile").write_text("x")
    for target, message in ((tmp_path / "folder", "is a folder, not a file"), (tmp_path / "afile" / "x.yaml", "is a file, not a folder")):
        result = add("--text", text, "--out", target, "--registry", tmp_path / "claims")
        said = " ".join(result.output.split())
        assert result.exit_code == 2 and "field '--out'" in said and message in said, said


TWO_TABLES = r"""\documentclass{article}
\title{Two tables}
\author{Ada Lovelace}
\begin{document}
\maketitle
Our model improves XNLI accuracy by 2.0 points.
\begin{table}\caption{Main results.}\begin{tabular}{lc}
Model & XNLI \\ Base & 70.0 \\ Ours & 72.0 \\
\end{tabular}\end{table}
\begin{table}\caption{Ablation.}\begin{tabular}{lc}
Model & XNLI \\ Base & 69.5 \\ Ours & 71.0 \\
\end{tabular}\end{table}
\end{document}
"""


def test_a_draft_whose_two_tables_give_one_cell_two_values_is_written_and_validate_names_them(tmp_path):
    """Two tables of one paper may print the same row and column (a main table and an ablation): the
    draft keeps both, `validate` says which cells to tell apart, and a second `add` still diffs it."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.tex").write_text(TWO_TABLES, encoding="utf-8")
    registry = tmp_path / "claims"
    first = add("--tex", tmp_path / "src", "--id", "two-tables", "--registry", registry)
    assert first.exit_code == 0, first.output
    checked = CliRunner().invoke(app, ["validate", str(registry / "two-tables.yaml")])
    assert checked.exit_code == 2 and "field 'paper.cells[2]'" in checked.output and "gives it as 70.0" in checked.output
    again = add("--tex", tmp_path / "src", "--id", "two-tables", "--registry", registry)
    assert again.exit_code == 0 and "no change: every cell and claim is the same" in again.output, again.output
