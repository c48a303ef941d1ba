"""The caps on the size of what `claimcheck add` reads whole, each in MiB (caps.py), as its PDF caps are:
a `--text` file and a LaTeX file (`--tex` FILE.tex, a .tex file of its folder, a member of its tarball,
one compressed .tex file) of at most 20 MiB. They were 20 MB (20,000,000 bytes) and said so; a file one
byte over 20 MiB is now refused, exit 2, naming the file and the option, the cap in MiB and the size
in bytes where the file has one, and a file of exactly 20 MiB (which 20 MB refused) is read and
drafted. `--help` states each cap. Run through the real command on files each test writes."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
import tarfile

from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.sources.caps import ADD_LATEX_MAX_BYTES, ADD_LATEX_TOTAL_MAX_BYTES, ADD_TEXT_MAX_BYTES

runner = CliRunner()

TEXT = ("1 Results\nOurs beats Base by 1.1 points on XNLI and improves PAWS-X by 0.7 points.\n"
        "Table 1: Results.\nModel XNLI PAWS-X\nOurs 80.1 88.2\nBase 79.0 87.5\n").encode()
TABLE = (b"\\begin{table}\\begin{tabular}{lcc} Model & XNLI & PAWS-X \\\\ \\hline Ours & 80.1 & 88.2 \\\\ "
         b"Base & 79.0 & 87.5 \\\\ \\end{tabular}\\caption{Results.}\\end{table}\n")
DOC = b"\\documentclass{article}\\begin{document}\\section{Results} Ours beats Base by 1.1 points. %s \\end{document}\n"


def _add(*args) -> tuple[int, str]:
    result = runner.invoke(app, ["add", *map(str, args)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, " ".join(result.output.split())


def _text(size: int) -> bytes:
    """A text conversion of a paper of exactly ``size`` bytes: the paper, then spaces."""
    return TEXT + b" " * (size - len(TEXT))


def _tex(size: int, tex: bytes = DOC % TABLE) -> bytes:
    """A LaTeX file of exactly ``size`` bytes: ``tex`` (the paper), then one comment line of spaces."""
    return tex + b"%" + b" " * (size - len(tex) - 2) + b"\n"


def _drafted(code: int, said: str, registry) -> None:
    assert code == 0, said
    assert "1 table(s), 4 cell(s)" in said and "larger than" not in said, said
    assert "draft: true" in next(registry.glob("*.yaml")).read_text(encoding="utf-8")


def test_the_caps_are_20_mib_and_the_help_says_so():
    assert ADD_TEXT_MAX_BYTES == ADD_LATEX_MAX_BYTES == 20 * 1024 * 1024
    said = " ".join(runner.invoke(app, ["add", "--help"]).output.split())
    assert "Read a plain-text conversion of the paper, of at most 20 MiB." in said, said
    assert "tarball, .gz or .tex file (each .tex file at most 20 MiB, 64 MiB of .tex in all)." in said, said


def test_a_text_file_one_byte_over_20_mib_is_refused_and_one_of_20_mib_is_drafted(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(_text(ADD_TEXT_MAX_BYTES + 1))
    code, said = _add("--text", big, "--registry", tmp_path / "claims")
    assert code == 2 and said == (f"error: {big}: field '--text': larger than 20 MiB (20,971,521 bytes): "
                                  "not a text conversion of a paper"), said
    assert not (tmp_path / "claims").exists()
    # piped in: read no further than the cap, and no size to give
    done = subprocess.run([sys.executable, "-m", "claimcheck", "add", "--text", "/dev/stdin", "--id", "big",
                           "--registry", str(tmp_path / "claims")], input=big.read_bytes(), capture_output=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    said = " ".join(done.stdout.decode().split() + done.stderr.decode().split())
    assert done.returncode == 2 and said == ("error: /dev/stdin: field '--text': larger than 20 MiB: "
                                             "not a text conversion of a paper"), said
    at_cap = tmp_path / "atcap.txt"  # 20,971,520 bytes: over the old 20 MB
    at_cap.write_bytes(_text(ADD_TEXT_MAX_BYTES))
    _drafted(*_add("--text", at_cap, "--registry", tmp_path / "claims"), tmp_path / "claims")


def test_a_tex_file_one_byte_over_20_mib_is_refused_and_one_of_20_mib_is_drafted(tmp_path):
    huge = tmp_path / "huge.tex"
    with huge.open("wb") as f:
        f.truncate(ADD_LATEX_MAX_BYTES + 1)  # sparse: refused by its size, never read
    code, said = _add("--tex", huge, "--registry", tmp_path / "claims")
    assert code == 2 and said == (f"error: {huge}: field '--tex': larger than 20 MiB (20,971,521 bytes): "
                                  "not a LaTeX file of a paper"), said
    # a file of the folder, refused when the paper inputs it
    folder = tmp_path / "paper"
    folder.mkdir()
    (folder / "main.tex").write_bytes(DOC % b"\\input{big}")
    (folder / "big.tex").write_bytes(_tex(ADD_LATEX_MAX_BYTES + 1))
    code, said = _add("--tex", folder, "--registry", tmp_path / "claims")
    assert code == 2 and said == (f"error: {folder / 'big.tex'}: field '--tex': larger than 20 MiB (20,971,521 bytes): "
                                  "not a LaTeX file of a paper"), said
    assert not (tmp_path / "claims").exists()
    (folder / "big.tex").write_bytes(_tex(ADD_LATEX_MAX_BYTES, DOC % b"\\input{t1}"))
    (folder / "t1.tex").write_bytes(TABLE)
    _drafted(*_add("--tex", folder / "big.tex", "--registry", tmp_path / "claims"), tmp_path / "claims")


def _tarball(path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_a_tarball_member_or_a_gzipped_tex_file_one_byte_over_20_mib_is_refused_and_one_of_20_mib_is_read(tmp_path):
    tarball = tmp_path / "paper.tar.gz"
    _tarball(tarball, {"main.tex": DOC % b"\\input{t1}", "t1.tex": _tex(ADD_LATEX_MAX_BYTES + 1, TABLE)})
    code, said = _add("--tex", tarball, "--registry", tmp_path / "claims")
    assert code == 2 and said == (f"error: {tarball}: t1.tex: field '--tex': larger than 20 MiB (20,971,521 bytes): "
                                  "not a LaTeX file of a paper"), said
    one = tmp_path / "one.tex.gz"
    one.write_bytes(gzip.compress(_tex(ADD_LATEX_MAX_BYTES + 1), 1))
    code, said = _add("--tex", one, "--registry", tmp_path / "claims")
    assert code == 2 and said == (f"error: {one}: field '--tex': neither a tar archive nor a LaTeX file (more than 20 MiB "
                                  "of text in one file)"), said
    assert not (tmp_path / "claims").exists()
    _tarball(tarball, {"main.tex": DOC % b"\\input{t1}", "t1.tex": _tex(ADD_LATEX_MAX_BYTES, TABLE)})
    _drafted(*_add("--tex", tarball, "--registry", tmp_path / "claims"), tmp_path / "claims")
    one.write_bytes(gzip.compress(_tex(ADD_LATEX_MAX_BYTES), 1))
    _drafted(*_add("--tex", one, "--registry", tmp_path / "claims2"), tmp_path / "claims2")


class _Padded(io.RawIOBase):
    """A LaTeX file of ``size`` bytes made as it is read: ``tex``, then one comment line of spaces."""

    def __init__(self, size: int, tex: bytes) -> None:
        self.head, self.left = tex + b"%", size - len(tex) - 1

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = len(self.head) + self.left if n is None or n < 0 else n
        out, self.head = self.head[:n], self.head[n:]
        take = min(n - len(out), self.left)
        self.left -= take
        pad = b" " * take
        return out + (pad[:-1] + b"\n" if take and not self.left else pad)


def _big_tarball(path, sizes: dict[str, int]) -> None:
    """An uncompressed tarball whose members (the paper: main.tex inputs t1.tex, which holds its table; then
    .tex files of nothing) have the given sizes, each streamed into it."""
    texts = {"main.tex": DOC % b"\\input{t1}", "t1.tex": TABLE}
    with tarfile.open(path, "w") as tar:
        for name, size in sizes.items():
            info = tarfile.TarInfo(name)
            info.size = size
            tar.addfile(info, _Padded(size, texts.get(name, b"")))


def test_a_source_of_many_tex_files_each_under_20_mib_has_a_cap_of_64_mib_in_all(tmp_path):
    """Each .tex file was capped, their sum was not: a source of many files under 20 MiB was held whole in memory.
    Four of 17 MiB (68 MiB) are now refused, exit 2, naming the tarball and --tex, before the fourth is read;
    the same paper with .tex files of exactly 64 MiB in all is read and drafted; arXiv's e-print is refused so too."""
    from claimcheck.errors import InputError
    from claimcheck.sources.latex_files import load_eprint_file

    assert ADD_LATEX_TOTAL_MAX_BYTES == 64 * 1024 * 1024
    tarball, part = tmp_path / "paper.tar", 17 * 1024 * 1024
    _big_tarball(tarball, {"main.tex": part, "t1.tex": part, "a.tex": part, "b.tex": part})
    code, said = _add("--tex", tarball, "--registry", tmp_path / "claims")
    assert code == 2 and said.startswith(f"error: {tarball}: field '--tex': its .tex files hold more than 64 MiB of text "
                                         f"in all (71,303,168 bytes with {tarball}: b.tex): no paper's LaTeX source is "
                                         "that large; refused, give --tex a folder or tarball"), said
    assert not (tmp_path / "claims").exists()
    try:
        load_eprint_file(tarball)
        raise AssertionError("read")
    except InputError as exc:
        assert "download the paper's source yourself" in str(exc) and str(exc).startswith(f"{tarball}: its .tex"), exc
    _big_tarball(tarball, {"main.tex": part, "t1.tex": part, "a.tex": part, "b.tex": ADD_LATEX_TOTAL_MAX_BYTES - 3 * part})
    _drafted(*_add("--tex", tarball, "--registry", tmp_path / "claims"), tmp_path / "claims")
