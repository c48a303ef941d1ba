"""Edge cases of `claimcheck add`, run through the real loaders and the real command on inputs each test
builds in tmp_path: LaTeX inputs that are missing or nested too deep (a note names each), text files
that are no regular file or are too large, and an arXiv version the server does not have (a local
HTTP server on 127.0.0.1). An expected failure is exit 2 with a one-line message, never a traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from paper_fixtures import sparse_pdf

runner = CliRunner()

DOC = "\\documentclass{article}\\begin{document}\\section{Results} %s \\end{document}\n"
TABLE = ("\\begin{table}\\begin{tabular}{lcc} Model & XNLI & PAWS-X \\\\ \\hline Ours & 80.1 & 88.2 \\\\ "
         "Base & 79.0 & 87.5 \\\\ \\end{tabular}\\caption{Results.}\\end{table}\n")


def _add(*args, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["add", *map(str, args)], env=env)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, " ".join(result.output.split())


# -- LaTeX inputs: a missing one and a cut-off nesting are said, sections/../x is found -----------------

def _paper_files() -> dict[str, str]:
    files = {"main.tex": DOC % ("Ours beats Base by 1.1 points. \\input{sections/../t1} \\input{results/missing} "
                                "\\include{results/missing} \\input{d1}"),
             "t1.tex": TABLE}
    for i in range(1, 16):  # d1 inputs d2 ... inputs d16: deeper than LaTeX sources nest
        files[f"d{i}.tex"] = f"Depth {i} says. \\input{{d{i + 1}}}\n"
    return files


def _tarball(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _check_notes(notes: list[str], where: str) -> None:
    missing = [n for n in notes if "results/missing" in n]
    assert len(missing) == 1, notes  # \input and \include of one file: named once
    assert missing[0].startswith(f"{where}: \\input{{results/missing}} names no file found") and "not read" in missing[0]
    deep = [n for n in notes if "nested more than 12" in n]
    assert len(deep) == 1 and "\\input{d13} (in d12.tex)" in deep[0] and deep[0].startswith(f"{where}: "), notes


def test_missing_and_too_deep_inputs_are_noted_in_every_latex_source(tmp_path):
    from claimcheck.sources.latex_files import load_latex_bytes, load_latex_source

    folder = tmp_path / "paper"
    (folder / "sections").mkdir(parents=True)
    for name, text in _paper_files().items():
        (folder / name).write_text(text, encoding="utf-8")
    for path in (folder, folder / "main.tex"):
        notes: list[str] = []
        tex = load_latex_source(path, notes)
        assert "Ours & 80.1" in tex and "Depth 12 says" in tex and "Depth 13" not in tex
        _check_notes(notes, str(path))
    tarball = tmp_path / "paper.tar.gz"
    tarball.write_bytes(_tarball(_paper_files()))
    notes = []
    assert "Ours & 80.1" in load_latex_source(tarball, notes)  # sections/../t1 is t1.tex
    _check_notes(notes, str(tarball))
    notes = []
    assert "Ours & 80.1" in load_latex_bytes(tarball.read_bytes(), "e-print", notes)
    _check_notes(notes, "e-print")


def test_add_prints_a_note_for_a_missing_input_and_reads_a_normalised_one(tmp_path):
    (tmp_path / "sections").mkdir()
    (tmp_path / "t1.tex").write_text(TABLE, encoding="utf-8")
    main = tmp_path / "main.tex"
    main.write_text(DOC % "Ours beats Base by 1.1 points. \\input{sections/../t1} \\input{appendix}", encoding="utf-8")
    code, said = _add("--tex", main, "--out", tmp_path / "d.yaml")
    assert code == 0, said
    assert "1 table(s), 4 cell(s)" in said  # was 0 tables: sections/../t1 was not found
    assert f"note: {main}: \\input{{appendix}} names no file found among the source's .tex files" in said


def test_an_input_loop_and_a_file_input_twice_say_nothing(tmp_path):
    from claimcheck.sources.latex_files import load_latex_source

    (tmp_path / "a.tex").write_text(DOC % "A says. \\input{b} \\input{b}", encoding="utf-8")
    (tmp_path / "b.tex").write_text("B says. \\input{a}", encoding="utf-8")
    notes: list[str] = []
    assert load_latex_source(tmp_path, notes).count("B says") == 2 and notes == []


# -- --text: a regular file or a descriptor the user names, and at most 20 MiB ----------------------------

TEXT = ("1 Results\nOurs beats Base by 1.1 points on XNLI and improves PAWS-X by 0.7 points.\n"
        "Table 1: Results.\nModel XNLI PAWS-X\nOurs 80.1 88.2\nBase 79.0 87.5\n")


def _cli(*args: str, stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-m", "claimcheck", "add", *args], input=stdin, capture_output=True,
                          timeout=timeout, env=env)


def test_text_from_a_named_pipe_is_refused_at_once(tmp_path):
    fifo = tmp_path / "paper.txt"
    os.mkfifo(fifo)  # nobody writes to it: reading it would wait for ever
    try:
        done = _cli("--text", str(fifo), "--registry", str(tmp_path / "claims"), timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("add --text on a named pipe blocked")
    said = " ".join(done.stdout.decode().split() + done.stderr.decode().split())
    assert done.returncode == 2 and f"{fifo}: field '--text': not a regular file (a named pipe, a device?)" in said, said
    assert "Traceback" not in said and not (tmp_path / "claims").exists()
    code, said = _add("--pdf", fifo, "--registry", tmp_path / "claims")  # was: "no such PDF file"
    assert code == 2 and f"{fifo}: not a regular file (a named pipe, a device?): give the PDF file itself" in said, said
    folder = tmp_path / "notes.txt"
    folder.mkdir()
    code, said = _add("--text", folder, "--registry", tmp_path / "claims")
    assert code == 2 and f"{folder}: field '--text': is a folder, not a text file" in said, said


def test_text_piped_in_through_dev_stdin_needs_an_id(tmp_path):
    out = tmp_path / "d.yaml"
    done = _cli("--text", "/dev/stdin", "--out", str(out), stdin=TEXT.encode())
    said = " ".join(done.stdout.decode().split() + done.stderr.decode().split())
    assert done.returncode == 2 and "/dev/stdin: field '--id': a descriptor gives no paper id: give one with --id" in said, said
    assert not out.exists()
    done = _cli("--text", "/dev/stdin", "--id", "piped", "--out", str(out), stdin=TEXT.encode())
    assert done.returncode == 0, done.stderr.decode()
    assert "id: piped" in out.read_text(encoding="utf-8") and "80.1" in out.read_text(encoding="utf-8")


def test_a_text_file_over_20_mib_is_refused_and_a_pipe_is_read_no_further(tmp_path):
    from claimcheck.workflow_add import MAX_TEXT_BYTES

    line = b"Ours beats Base by 1.1 points on XNLI.\n"
    big = tmp_path / "big.txt"
    big.write_bytes(TEXT.encode() + line * (MAX_TEXT_BYTES // len(line) + 1))
    code, said = _add("--text", big, "--registry", tmp_path / "claims")
    assert code == 2 and f"{big}: field '--text': larger than 20 MiB" in said and "not a text conversion of a paper" in said, said
    assert not (tmp_path / "claims").exists()
    done = _cli("--text", "/dev/stdin", "--id", "big", "--registry", str(tmp_path / "claims"), stdin=big.read_bytes())
    said = " ".join(done.stdout.decode().split() + done.stderr.decode().split())
    assert done.returncode == 2 and "/dev/stdin: field '--text': larger than 20 MiB" in said, said
    ok = tmp_path / "ok.txt"
    ok.write_bytes(TEXT.encode())
    assert _add("--text", ok, "--registry", tmp_path / "claims")[0] == 0


def test_a_pdf_over_100_mib_is_refused_naming_the_file_and_option_before_it_is_read(tmp_path):
    """`add --pdf` had no cap (`--text` has 20 MiB): pypdf read any file whole into memory first. A PDF
    one byte over 100 MiB (caps.ADD_PDF_MAX_BYTES, binary, as the audit's 64 MiB is; it was 100 MB,
    decimal) is refused, exit 2, naming the file and --pdf; the message says the cap in MiB and what
    to give instead. It is not read: the refusal comes from its size. A file of exactly 100 MiB is
    read (and refused only as no readable PDF). The help states the same cap."""
    pytest.importorskip("pypdf")
    from claimcheck.errors import InputError
    from claimcheck.sources import pdf
    from claimcheck.sources.caps import ADD_PDF_MAX_BYTES

    assert ADD_PDF_MAX_BYTES == 100 * 1024 * 1024
    big = tmp_path / "huge.pdf"
    sparse_pdf(big, ADD_PDF_MAX_BYTES + 1)  # one byte over the cap
    code, said = _add("--pdf", big, "--registry", tmp_path / "claims")
    assert code == 2 and f"{big}: field '--pdf': larger than 100 MiB (104,857,601 bytes): not read. The cap is generous" in said, said
    assert "--text FILE" in said and not (tmp_path / "claims").exists()
    with pytest.raises(InputError) as raised:  # the library call: the file, and the option only when one named it
        pdf.load_pdf_text(big)
    assert raised.value.path == str(big) and raised.value.field is None and "larger than 100 MiB" in raised.value.message
    sparse_pdf(big, ADD_PDF_MAX_BYTES)  # at the cap: read, and refused for what it holds only
    code, said = _add("--pdf", big, "--registry", tmp_path / "claims")
    assert code == 2 and f"{big}: not a readable PDF" in said and "larger than" not in said, said
    assert "Read a local PDF of at most 100 MiB" in " ".join(runner.invoke(app, ["add", "--help"]).output.split())


# -- arXiv: a version asked for must be the version read --------------------------------------------------

import test_sources_arxiv as arxiv_tests  # noqa: E402  (tests/ is on sys.path)
import test_sources_paper as paper  # noqa: E402


class _Handler(arxiv_tests._Handler):
    """The stand-in's handler, with one more step: ("okh", body, headers), a 200 answer with headers."""

    def do_GET(self):  # noqa: N802 (http.server API)
        key = urlparse(self.path).path
        script = self.server.owner.routes.get(key) or []
        if script and script[0][0] == "okh":
            self.server.owner.seen.append(key)
            self._send(200, script[0][1], script[0][2])
        else:
            super().do_GET()


@pytest.fixture
def server():
    with arxiv_tests.ArxivServer() as srv:
        srv.httpd.RequestHandlerClass = _Handler
        yield srv


def _cached(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "cache").rglob("*") if p.is_file()) if (home / "cache").exists() else []


def test_a_version_arxiv_does_not_have_is_refused_not_drafted_from_another(server, tmp_path):
    home = Path(os.environ["CLAIMCHECK_HOME"])
    server.routes = {"api:2005.13013v99": [("ok", arxiv_tests.atom_feed(version="v2"))],  # the API gives its latest
                     "/src/2005.13013v2": [("ok", paper.paper_tarball())]}
    code, said = _add("arxiv:2005.13013v99", "--registry", tmp_path / "claims", env=server.env())
    assert code == 2, said  # was: a draft of v2, saying nothing
    assert ("field 'source': arXiv has no version v99 of 2005.13013: it answered with v2; give arxiv:2005.13013v2, "
            "or leave out the version for the latest") in said, said
    assert server.seen == ["api:2005.13013v99"] and _cached(home) == [] and not (tmp_path / "claims").exists()


def test_the_latest_version_and_the_version_asked_for_are_read_as_before(server, tmp_path):
    server.routes = {"api:2005.13013": [("ok", arxiv_tests.atom_feed(version="v2"))],
                     "api:2005.13013v2": [("ok", arxiv_tests.atom_feed(version="v2"))],
                     "/src/2005.13013v2": [("okh", paper.paper_tarball(),
                                            {"Content-Disposition": 'attachment; filename="arXiv-2005.13013v2.tar.gz"'})]}
    code, said = _add("arxiv:2005.13013v2", "--out", tmp_path / "a.yaml", env=server.env())
    assert code == 0 and "paper 2005.13013 v2" in said, said
    code, said = _add("arxiv:2005.13013", "--out", tmp_path / "b.yaml", "--offline", env=server.env())
    assert code == 0 and "paper 2005.13013 v2" in said and "from the cache" in said, said


def test_an_e_print_of_another_version_than_asked_for_is_not_kept(server, tmp_path):
    home = Path(os.environ["CLAIMCHECK_HOME"])
    sent = {"Content-Disposition": 'attachment; filename="arXiv-2005.13013v1.tar.gz"'}
    server.routes = {"api:2005.13013v2": [("ok", arxiv_tests.atom_feed(version="v2"))],
                     "/src/2005.13013v2": [("okh", paper.paper_tarball(), sent)]}
    code, said = _add("arxiv:2005.13013v2", "--registry", tmp_path / "claims", env=server.env())
    assert code == 2, said
    assert "/src/2005.13013v2: asked for 2005.13013v2, arXiv sent a file of 2005.13013v1" in said, said
    assert _cached(home) == ["2005.13013v2.atom.xml"] and not (tmp_path / "claims").exists()  # no v1 e-print kept as v2
    server.routes = {"api:2005.13013v2": [("ok", arxiv_tests.atom_feed(version="v2"))],
                     "/src/2005.13013v2": [("status", 404, {})],
                     "/pdf/2005.13013v2": [("okh", arxiv_tests.tiny_pdf(["Ours 80.1 88.2"] * 30),
                                            {"Content-Disposition": 'inline; filename="2005.13013v3.pdf"'})]}
    code, said = _add("arxiv:2005.13013v2", "--registry", tmp_path / "claims", env=server.env())
    assert code == 2 and "/pdf/2005.13013v2: asked for 2005.13013v2, arXiv sent a file of 2005.13013v3" in said, said
    assert _cached(home) == ["2005.13013v2.atom.xml"]
