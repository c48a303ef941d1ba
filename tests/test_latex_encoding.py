"""A LaTeX source's files are decoded as every text file a person wrote is (text_bytes.decode_text):
UTF-8, UTF-16/32 by byte-order mark, stray bytes as Windows-1252, and `claimcheck add` says so in a
note naming the file. They were read as Latin-1 unseen: Windows-1252's dashes and quotes became C1
control characters, which the draft then carried and `validate` refused."""

from __future__ import annotations

import io
import tarfile

from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.claims.registry import load_paper_file

TITLE = "Caf\u00e9 \u2013 a \u201cstudy\u201d"  # é, en dash, curly quotes: 0xE9, 0x96, 0x93, 0x94 in Windows-1252
SENTENCE = "Our method \u2013 the caf\u00e9 one \u2013 improves accuracy by 2.5 points over the baseline."
NOTE = "byte(s) were not valid UTF-8 and were read as Windows-1252"


def _main(body: str = f"\\section{{Results}}\n{SENTENCE}\n") -> str:
    return (f"\\documentclass{{article}}\n\\title{{{TITLE}}}\n\\author{{Ren\u00e9 Dupont}}\n\\begin{{document}}\n\\maketitle\n"
            f"{body}\\end{{document}}\n")


def _add(source, tmp_path):
    result = CliRunner().invoke(app, ["add", "--tex", str(source), "--registry", str(tmp_path / "claims")])
    assert "Traceback" not in result.output
    return result, " ".join(result.output.split())


def test_a_windows_1252_tex_file_is_read_as_such_with_a_note(tmp_path):
    source = tmp_path / "paper.tex"
    source.write_bytes(_main().encode("cp1252"))
    result, out = _add(source, tmp_path)
    assert result.exit_code == 0, out
    assert f"note: {source}: 8 {NOTE}" in out
    pf = load_paper_file(tmp_path / "claims" / "paper.yaml")  # no C1 control character refused in the draft
    assert (pf.paper.title, pf.paper.authors) == (TITLE, ["Ren\u00e9 Dupont"])
    assert [c.statement for c in pf.claims] == [SENTENCE]


def test_a_utf8_tex_file_gets_no_note(tmp_path):
    source = tmp_path / "paper.tex"
    source.write_bytes(_main().encode("utf-8"))
    result, out = _add(source, tmp_path)
    assert result.exit_code == 0 and "note:" not in out, out
    assert load_paper_file(tmp_path / "claims" / "paper.yaml").paper.title == TITLE


def test_a_utf16_tex_file_with_its_byte_order_mark_is_read(tmp_path):
    source = tmp_path / "paper.tex"
    source.write_bytes(_main().encode("utf-16"))  # with its byte-order mark; Latin-1 read NUL between every letter
    result, out = _add(source, tmp_path)
    assert result.exit_code == 0, out
    assert f"note: {source}: read as UTF-16" in out
    assert [c.statement for c in load_paper_file(tmp_path / "claims" / "paper.yaml").claims] == [SENTENCE]


def _tarball(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_an_e_print_notes_the_inputs_it_inlines_and_only_those(tmp_path):
    """An arXiv-like tarball: a UTF-8 main file inputs a Windows-1252 section; a Windows-1252 file it
    never inputs (and one that is no text) says nothing and stops nothing."""
    source = tmp_path / "eprint.tar.gz"
    source.write_bytes(_tarball({
        "main.tex": _main("\\input{sections/results}\n").encode("utf-8"),
        "sections/results.tex": f"\\section{{Results}}\n{SENTENCE}\n".encode("cp1252"),
        "old/unused.tex": "caf\u00e9 \u2013 \u2013".encode("cp1252"),
        "old/broken.tex": b"\xff\xfe\x00\xd8",  # a UTF-16 byte-order mark, then half a character
    }))
    result, out = _add(source, tmp_path)
    assert result.exit_code == 0, out
    assert f"note: {source}: sections/results.tex: 3 {NOTE}" in out
    assert "unused" not in out and "broken" not in out and out.count("note:") == 1, out
    assert [c.statement for c in load_paper_file(tmp_path / "claims" / "eprint.yaml").claims] == [SENTENCE]


def test_an_input_that_is_no_text_is_refused_naming_it(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "main.tex").write_text(_main("\\input{results}\n"), encoding="utf-8")
    (folder / "results.tex").write_bytes(b"\xff\xfe\x00\xd8")
    result, out = _add(folder, tmp_path)
    assert result.exit_code == 2, out
    assert f"{folder / 'results.tex'}" in out and "starts with a UTF-16 byte-order mark but is not UTF-16 text" in out, out
    assert not (tmp_path / "claims").exists()
