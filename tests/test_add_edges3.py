"""Edge cases of `claimcheck add` and the source readers behind it, run through the real loaders and
the real command on files each test writes: a user bibliography read as claim files are, a single
.tex file read with only what it inputs, odd archives, PDFs, text files and arXiv ids. An expected
failure is exit 2 with a one-line message naming the file, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.errors import InputError

runner = CliRunner()


def _add(*args) -> tuple[int, str]:
    result = runner.invoke(app, ["add", *map(str, args)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, " ".join(result.output.split())


# -- a user bibliography is read as a claim file is (YAML 1.2 core scalars) ----------------------------

def _bib(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text("entries:\n" + body, encoding="utf-8")
    return path


def test_user_bibliography_keeps_an_author_named_no_and_a_dated_source_as_written(tmp_path):
    from claimcheck.sources.bibliography import load_bibliography

    path = _bib(tmp_path, """  - arxiv_id: "2105.00001"
    status: identified
    title: A Study
    authors: [Kim, No, Park]
    year: 2021
    source: 2021-03-04
    note: 1:30 of the talk
""")
    entry = load_bibliography(extra=[path]).lookup("2105.00001")
    assert entry is not None
    assert entry.authors == ["Kim", "No", "Park"]  # YAML 1.1: False
    assert (entry.source, entry.note, entry.year) == ("2021-03-04", "1:30 of the talk", 2021)  # a date; 90


def test_user_bibliography_refuses_a_key_given_twice(tmp_path):
    from claimcheck.sources.bibliography import load_bibliography

    path = _bib(tmp_path, '  - arxiv_id: "2105.00001"\n    status: identified\n    year: 2020\n    year: 2021\n')
    with pytest.raises(InputError) as info:  # safe_load kept the second year unseen
        load_bibliography(extra=[path])
    assert str(path) in str(info.value) and "'year' appears twice" in str(info.value) and "\n" not in str(info.value)


def test_user_bibliography_with_an_unquoted_arxiv_id_asks_for_quotes(tmp_path):
    from claimcheck.sources.bibliography import load_bibliography

    path = _bib(tmp_path, "  - arxiv_id: 2105.00010\n    status: identified\n")
    with pytest.raises(InputError) as info:  # a float: 2105.0001, its last digit lost
        load_bibliography(extra=[path])
    message = str(info.value)
    assert str(path) in message and "entries[0].arxiv_id" in message and "unquoted arXiv id is read as a number (here 2105.0001): write it in quotes" in message


def test_bundled_bibliography_still_loads():
    from claimcheck.sources.bibliography import load_bibliography

    assert load_bibliography().lookup("2005.13013").year == 2020


# -- a single .tex file: that file and what it inputs, from its own folder only -----------------------

DOC = "\\documentclass{article}\\begin{document}\\section{Results} %s \\end{document}\n"
TABLE = ("\\begin{table}\\begin{tabular}{lcc} Model & XNLI & PAWS-X \\\\ \\hline Ours & 80.1 & 88.2 \\\\ "
         "Base & 79.0 & 87.5 \\\\ \\end{tabular}\\caption{Results.}\\end{table}\n")


def test_single_tex_file_ignores_a_folder_named_x_tex_beside_it(tmp_path):
    paper = tmp_path / "paper"
    (paper / "old.tex").mkdir(parents=True)  # a folder named like a .tex file: no file of the paper
    (paper / "sections").mkdir()
    (paper / "sections" / "results.tex").write_text("Ours beats Base by 1.1 points on XNLI. \\input{sections/table}",
                                                   encoding="utf-8")
    (paper / "sections" / "table.tex").write_text(TABLE, encoding="utf-8")  # inputs resolve from the main file's folder
    main = paper / "main.tex"
    main.write_text(DOC % "\\input{sections/results}", encoding="utf-8")
    code, said = _add("--tex", main, "--registry", tmp_path / "claims")
    assert code == 0, said  # was: "paper/old.tex: cannot use this path: Is a directory", exit 2
    assert "1 table(s), 4 cell(s)" in said
    from claimcheck.sources.latex_files import load_latex_source

    assert "Ours beats Base by 1.1" in load_latex_source(main)  # no IsADirectoryError from the library call


def test_single_tex_file_reads_no_other_file_of_its_folder(tmp_path):
    paper = tmp_path / "paper"
    paper.mkdir()
    (paper / "other.tex").write_bytes(b"\xff\xfe\x00")  # a UTF-16 mark on bytes that are no UTF-16: unreadable
    (paper / "backup" / "old").mkdir(parents=True)
    (paper / "backup" / "old" / "gone.tex").symlink_to(tmp_path / "deleted.tex")  # a dangling link deep below
    main = paper / "main.tex"
    main.write_text(DOC % "Ours beats Base by 1.1 points.", encoding="utf-8")
    notes: list[str] = []
    from claimcheck.sources.latex_files import load_latex_source

    assert "Ours beats Base" in load_latex_source(main, notes) and notes == []


def test_single_tex_file_never_reads_an_input_outside_its_folder(tmp_path):
    (tmp_path / "secret.tex").write_text("SECRET beats everything by 9.9 points.", encoding="utf-8")
    paper = tmp_path / "paper"
    paper.mkdir()
    (paper / "link.tex").symlink_to(tmp_path / "secret.tex")  # a link out of the folder
    main = paper / "main.tex"
    main.write_text(DOC % "Ours beats Base by 1.1 points. \\input{../secret} \\input{/etc/passwd} \\input{link}",
                    encoding="utf-8")
    out = tmp_path / "draft.yaml"
    code, said = _add("--tex", main, "--out", out)
    assert code == 0, said
    assert "SECRET" not in out.read_text(encoding="utf-8") and "root:" not in out.read_text(encoding="utf-8")
    assert "\\input{../secret} names a file outside the folder of main.tex: not read" in said
    assert "\\input{/etc/passwd} names a file outside" in said and "\\input{link} names a file outside" in said


def test_single_tex_file_with_an_input_loop_is_read_once(tmp_path):
    (tmp_path / "a.tex").write_text(DOC % "A says Ours beats Base by 1.1 points. \\input{b}", encoding="utf-8")
    (tmp_path / "b.tex").write_text("B says Ours beats Base by 2.2 points. \\input{a} \\input{b}", encoding="utf-8")
    from claimcheck.sources.latex_files import load_latex_source

    tex = load_latex_source(tmp_path / "a.tex")
    assert tex.count("A says") == 1 and tex.count("B says") == 1


def test_tex_inputs_that_cannot_be_read_are_one_line_errors(tmp_path):
    from claimcheck.sources.latex_files import MAX_MEMBER_BYTES

    huge = tmp_path / "huge.tex"
    with huge.open("wb") as f:
        f.truncate(MAX_MEMBER_BYTES + 1)  # sparse: no time spent writing it
    code, said = _add("--tex", huge, "--registry", tmp_path / "claims")
    assert code == 2 and f"{huge}: field '--tex': larger than 20 MiB (20,971,521 bytes): not a LaTeX file of a paper" in said, said
    fifo = tmp_path / "pipe.tex"
    os.mkfifo(fifo)
    code, said = _add("--tex", fifo, "--registry", tmp_path / "claims")
    assert code == 2 and f"{fifo}: neither a file nor a folder" in said, said
    assert not (tmp_path / "claims").exists()


@pytest.mark.parametrize("body", [b"", b"\n  \n", b"% a comment only\n%\n", b"\xef\xbb\xbf\n"])
def test_an_empty_tex_file_is_refused_and_writes_nothing(tmp_path, body):
    empty = tmp_path / "empty.tex"
    empty.write_bytes(body)
    code, said = _add("--tex", empty, "--registry", tmp_path / "claims")
    assert code == 2 and f"{empty}: the LaTeX file is empty" in said, said  # was: an empty draft, exit 0
    assert not (tmp_path / "claims").exists()


# -- PDFs that are damaged, empty or no PDF at all -----------------------------------------------------

def _damaged_pdfs() -> dict[str, bytes]:
    import test_sources_arxiv as arxiv_tests  # tests/ is on sys.path

    good = arxiv_tests.tiny_pdf([f"Row {i} XLM-R 79.{i} 86.4 73.8 improves by 1.{i} points" for i in range(20)])
    return {
        "xref-size": good.replace(b"xref\n0 6\n", b"xref\n0 600000000000\n"),  # pypdf: LimitReachedError
        "trailer": good.replace(b"trailer\n<< /Size 6", b"trailer\n< >>\neze 6"),  # pypdf: AttributeError
        "content": good.replace(b") Tj T*\n", b") Tj T* 999 0 R\n", 1),  # pypdf: AssertionError in extract_text
        "not-a-pdf": b"hello, this is no PDF",
        "empty": b"",
    }


@pytest.mark.parametrize("name", list(_damaged_pdfs()))
def test_a_damaged_pdf_is_a_one_line_error(tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(_damaged_pdfs()[name])
    code, said = _add("--pdf", path, "--registry", tmp_path / "claims")
    assert code == 2 and f"{path}: not a readable PDF (" in said, said
    assert not (tmp_path / "claims").exists()


def test_a_pdf_pypdf_cannot_fully_decode_prints_no_log_noise(tmp_path):
    import test_sources_arxiv as arxiv_tests

    good = arxiv_tests.tiny_pdf([f"Row {i} XLM-R 79.{i} 86.4 73.8 improves by 1.{i} points" for i in range(20)])
    path = tmp_path / "odd.pdf"
    path.write_bytes(good.replace(b"/WinAnsiEncoding", b"/WinAnsiEncodinX"))  # pypdf logs a 256-entry table, goes on
    done = subprocess.run([sys.executable, "-m", "claimcheck", "add", "--pdf", str(path), "--out", str(tmp_path / "d.yaml")],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr
    assert "Advanced encoding" not in done.stderr and done.stderr.strip() == "", done.stderr


def test_a_folder_given_as_pdf_is_said_to_be_a_folder(tmp_path):
    code, said = _add("--pdf", tmp_path, "--registry", tmp_path / "claims")
    assert code == 2 and f"{tmp_path}: is a folder, not a PDF file" in said, said  # was: "no such PDF file"


# -- arXiv ids as people type them ---------------------------------------------------------------------

@pytest.fixture
def arxiv_server():
    import test_sources_arxiv as arxiv_tests
    import test_sources_paper as paper

    with arxiv_tests.ArxivServer() as srv:
        srv.routes = {
            "api:2005.13013v2": [("ok", arxiv_tests.atom_feed("2005.13013", "v2"))],
            "/src/2005.13013v2": [("ok", paper.paper_tarball())],
            "api:hep-th/9901001v1": [("ok", arxiv_tests.atom_feed("hep-th/9901001", "v1"))],
            "/src/hep-th/9901001v1": [("ok", paper.paper_tarball())],
        }
        yield srv


def _add_env(env: dict, *args) -> tuple[int, str]:
    result = runner.invoke(app, ["add", *map(str, args)], env=env)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, " ".join(result.output.split())


def test_an_id_typed_in_capitals_or_with_a_padded_version_is_the_one_cached(arxiv_server, tmp_path):
    env = arxiv_server.env()
    code, said = _add_env(env, "arxiv:2005.13013v2", "--out", tmp_path / "first.yaml")
    assert code == 0, said
    for i, typed in enumerate(["ARXIV:2005.13013V2", "arXiv:2005.13013v02", "  arxiv:2005.13013v2\n"]):
        code, said = _add_env(env, typed, "--offline", "--out", tmp_path / f"again{i}.yaml")
        assert code == 0 and "from the cache (no request)" in said, (typed, said)  # was: "not in the cache"
        assert (tmp_path / f"again{i}.yaml").read_bytes() == (tmp_path / "first.yaml").read_bytes()


def test_an_old_style_id_in_capitals_is_asked_for_as_arxiv_writes_it(arxiv_server, tmp_path):
    code, said = _add_env(arxiv_server.env(), "arxiv:HEP-TH/9901001V1", "--registry", tmp_path / "claims")
    assert code == 0, said  # was: asked the API for HEP-TH/9901001V1
    assert (tmp_path / "claims" / "hep-th_9901001.yaml").is_file()
    assert "api:hep-th/9901001v1" in arxiv_server.seen


@pytest.mark.parametrize("typed, message", [
    ("arxiv:2005.13013v0", "arXiv versions start at v1"),
    ("arxiv:2005.13013v" + "9" * 5000, "is not an arXiv id"),  # a cache file name too long for the file system
], ids=["v0", "v-5000-digits"])
def test_a_version_arxiv_cannot_have_is_refused(tmp_path, typed, message):
    code, said = _add(typed, "--offline", "--registry", tmp_path / "claims")
    assert code == 2 and message in said, said


# -- LaTeX tables with spans no table has ----------------------------------------------------------------

@pytest.mark.parametrize("span", ["\\multicolumn{10000000}{c}{All}", "\\multicolumn{" + "9" * 5000 + "}{c}{All}",
                                  "\\multicolumn{²}{c}{All}", "\\multirow{" + "9" * 5000 + "}{*}{All}"],
                         ids=["ten-million", "5000-digits", "superscript-two", "multirow-5000-digits"])
def test_a_span_no_table_has_neither_hangs_nor_crashes(tmp_path, span):
    main = tmp_path / "main.tex"
    main.write_text(DOC % ("\\begin{table}\\begin{tabular}{lcc} Model & XNLI & PAWS-X \\\\ " + span + " \\\\ "
                           "Ours & 80.1 & 88.2 \\\\ \\end{tabular}\\caption{Results.}\\end{table}"), encoding="utf-8")
    started = time.monotonic()
    code, said = _add("--tex", main, "--out", tmp_path / "d.yaml")
    assert code == 0 and "1 table(s), 2 cell(s)" in said, said
    assert time.monotonic() - started < 20  # ten million cells a row took 80 s (a second here)


# -- control characters in what is read: the draft must be one that validate and the next add can read ----

def test_a_pdf_whose_fonts_leave_ligatures_as_control_codes_gives_a_readable_draft(tmp_path):
    import test_sources_arxiv as arxiv_tests

    sentence = "Our e\x0ecient model beats Base by 1.1 points on XNLI. "  # pypdf's "ffi" for an unmapped TeX font
    path = tmp_path / "lig.pdf"
    path.write_bytes(arxiv_tests.tiny_pdf(["A Paper", "1 Introduction", sentence * 3, "Table 1: Results",
                                           "System XNLI PAWS-X", "Ours\x1b 80.1 88.2", "Base 79.0 87.5"]))
    registry = tmp_path / "claims"
    code, said = _add("--pdf", path, "--registry", registry)
    assert code == 0, said
    assert "control character(s) were written as '\ufffd' in the draft" in said
    draft = registry / "lig.yaml"
    assert "e\ufffdcient model" in draft.read_text(encoding="utf-8")
    checked = runner.invoke(app, ["validate", str(draft)])
    assert checked.exit_code == 2 and "control character" not in checked.output and "draft claim(s)" in checked.output
    code, said = _add("--pdf", path, "--registry", registry)  # was: "control character \x0e in the text", exit 2
    assert code == 0 and "no change: every cell and claim is the same" in said, said


def test_control_and_bidi_characters_in_a_tex_or_text_source_are_kept_out_of_the_draft(tmp_path):
    main = tmp_path / "main.tex"
    main.write_text(DOC % ("\\title{Fast\x1b[31m Models} Ours beats \u202eBase by 1.1 points on XNLI. " + TABLE), encoding="utf-8")
    text = tmp_path / "paper.txt"
    text.write_text("A Paper\n\n1 Results\n\nOurs\x07 beats \u2066Base by 1.1 points on XNLI.\n", encoding="utf-8")
    for option, source in (("--tex", main), ("--text", text)):
        out = tmp_path / f"{source.stem}.yaml"
        code, said = _add(option, source, "--out", out)
        assert code == 0 and "bidi control character(s) were dropped" in said, said
        from claimcheck.claims.registry import load_paper_file

        load_paper_file(out)  # was: "control character \x1b in the text" (exit 2 for validate and the next add)


# -- tarballs and compressed files ----------------------------------------------------------------------

MAIN = b"\\documentclass{article}\\begin{document}\\section{A} Ours beats Base by 1.1 points on XNLI. %s\\end{document}\n"


def _tar_member(name: str, data: bytes) -> bytes:
    import tarfile

    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info.tobuf(format=tarfile.GNU_FORMAT) + data + b"\0" * (-len(data) % 512)


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS as on Linux")
def test_a_tarball_with_gigabytes_besides_its_tex_is_read_as_a_stream(tmp_path):
    import gzip
    import tarfile

    chunk, chunks = 16 << 20, 128  # a 2 GiB member of zeros, in a 9 MB file (one gzip member per 16 MiB)
    big = tarfile.TarInfo("data/weights.bin")
    big.size = chunk * chunks
    path = tmp_path / "paper.tar.gz"
    zeros = gzip.compress(b"\0" * chunk, 1)
    with path.open("wb") as f:
        f.write(gzip.compress(_tar_member("main.tex", MAIN % b"") + big.tobuf(format=tarfile.GNU_FORMAT)))
        for _ in range(chunks):
            f.write(zeros)
        f.write(gzip.compress(b"\0" * 10240))  # the end of the archive

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB: what add needs is some 50 MB

    done = subprocess.run([sys.executable, "-m", "claimcheck", "add", "--tex", str(path), "--out", str(tmp_path / "d.yaml")],
                          capture_output=True, text=True, preexec_fn=limit,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr[-800:]  # was: MemoryError in gzip.decompress, a traceback
    assert "1 candidate claim(s)" in done.stdout


def test_tar_members_with_absolute_or_parent_paths_are_read_in_memory_only(tmp_path):
    import gzip

    (tmp_path / "secret.tex").write_text("SECRET beats everything by 9.9 points.", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    evil = Path("/tmp") / f"{tmp_path.name}-evil"  # where extracting the absolute member would put it
    members = [(f"{evil}/main.tex", MAIN % b"\\input{../../secret} \\input{/etc/passwd}"),
               ("../../escaped.tex", b"ESCAPED improves by 6.0 points."), ("/etc/passwd.tex", b"PASSWD")]
    path = work / "paper.tar.gz"
    path.write_bytes(gzip.compress(b"".join(_tar_member(n, d) for n, d in members) + b"\0" * 1024))
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, said = _add("--tex", path, "--out", work / "d.yaml")
    assert code == 0, said
    text = (work / "d.yaml").read_text(encoding="utf-8")
    assert "SECRET" not in text and "root:" not in text and "ESCAPED" not in text
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(before + ["d.yaml"])  # nothing extracted anywhere
    assert not evil.exists()


@pytest.mark.parametrize("kind", ["bz2", "xz", "gzip-one-file"])
def test_other_compressions_and_a_gzipped_single_file(tmp_path, kind):
    import bz2
    import gzip
    import lzma

    tar = _tar_member("main.tex", MAIN % b"") + b"\0" * 1024
    data = {"bz2": lambda: bz2.compress(tar), "xz": lambda: lzma.compress(tar), "gzip-one-file": lambda: gzip.compress(MAIN % b"")}[kind]()
    path = tmp_path / f"paper.{kind}"
    path.write_bytes(data)
    code, said = _add("--tex", path, "--out", tmp_path / "d.yaml")
    assert code == 0 and "1 candidate claim(s)" in said, said


@pytest.mark.parametrize("data, message", [
    (b"\x1f\x8b\x08\x00garbage", "corrupt gzip data"),
    (b"BZh9garbage", "corrupt bzip2 data"),
    (b"", "no .tex file with \\documentclass"),
    ("gzip-of-text", "no .tex file with \\documentclass"),
], ids=["gzip", "bzip2", "empty", "gzip-of-text"])
def test_broken_or_empty_archives_are_one_line_errors(tmp_path, data, message):
    import gzip

    path = tmp_path / "paper.tar.gz"
    path.write_bytes(gzip.compress(b"just some notes, improves by 1.0") if data == "gzip-of-text" else data)
    code, said = _add("--tex", path, "--registry", tmp_path / "claims")
    assert code == 2 and f"{path}: {message}" in said, said
    assert not (tmp_path / "claims").exists()


# -- ids too long to name a claim file ------------------------------------------------------------------

def test_a_paper_id_too_long_for_a_file_name_is_refused_as_the_id(tmp_path):
    text = tmp_path / "paper.txt"
    text.write_text("A Paper\n\n1 Results\n\nOurs beats Base by 1.1 points on XNLI.\n", encoding="utf-8")
    code, said = _add("--text", text, "--id", "a" * 300, "--registry", tmp_path / "claims")
    assert code == 2 and "field '--id': paper id of 300 characters: at most 200" in said, said  # was: File name too long
    named = tmp_path / ("b" * 251 + ".txt")  # a file name that fits; "<id>.yaml" would not
    named.write_bytes(text.read_bytes())
    code, said = _add("--text", named, "--registry", tmp_path / "claims")
    assert code == 2 and "field '--id': paper id of 251 characters" in said, said
    assert not (tmp_path / "claims").exists()
