"""What `claimcheck add arxiv:ID` downloads has a cap per kind (caps.py) and goes to the cache as it
arrives, never whole into memory: the Atom metadata (ARXIV_ATOM_MAX_BYTES, 4 MiB), an e-print
(ARXIV_EPRINT_MAX_BYTES, 1 GiB) and a PDF (ADD_PDF_MAX_BYTES, 100 MiB). A body one byte over its cap is
refused at once, not retried, whether the server announces its length (refused before a byte of it is
read), sends it chunked, or sends no Content-Length or a wrong one (refused at the first byte over):
a NetworkError naming the URL and the cap, exit 2 through the CLI, and nothing cached. An interrupted
download leaves no file behind, and an e-print with a large data file is fetched and drafted as before.

Against the real client and a real HTTP server on 127.0.0.1 (test_sources_arxiv.ArxivServer), whose
large bodies are zeros made as they are sent; the caps are the real ones, not lowered.
"""

from __future__ import annotations

import io
import os
import tarfile
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.errors import NetworkError
from claimcheck.sources.caps import ADD_PDF_MAX_BYTES, ARXIV_ATOM_MAX_BYTES, ARXIV_EPRINT_MAX_BYTES

import test_sources_arxiv as arxiv_tests  # noqa: E402  (tests/ is on sys.path)
import test_sources_paper as paper  # noqa: E402

ID = "2005.13013"
runner = CliRunner()


@pytest.fixture
def server():
    with arxiv_tests.ArxivServer() as srv:
        yield srv


def _settings(server, **extra):
    from claimcheck.sources.arxiv_download import load_fetch_settings

    return load_fetch_settings(server.env(**extra))


def _fetch(server, cache: Path, **kw):
    from claimcheck.sources.arxiv import fetch_arxiv, parse_arxiv_ref

    return fetch_arxiv(parse_arxiv_ref(f"arxiv:{ID}v2"), cache_dir=cache, settings=_settings(server), **kw)


def _files(cache: Path) -> list[str]:
    """Every file under ``cache``, hidden ones (a temporary ``.part``) too."""
    return sorted(p.name for p in cache.rglob("*") if p.is_file()) if cache.exists() else []


def test_the_caps_are_named_in_mib_and_help_states_them():
    assert (ARXIV_ATOM_MAX_BYTES, ARXIV_EPRINT_MAX_BYTES) == (4 * 1024 * 1024, 1024 * 1024 * 1024)
    said = " ".join(runner.invoke(app, ["add", "--help"]).output.split())
    assert ("arxiv:ID or arxiv:IDvN (metadata, and the source unless a local one is given: an e-print of at most 1024 MiB, "
            "or a PDF of at most 100 MiB).") in said, said


# ------------------------------------------------------------------------------------- e-print
@pytest.mark.parametrize("framing, said", [
    ("length", "the server announces 1,073,741,825 bytes"),  # refused before any of the body is read
    ("chunked", "more than 1,073,741,824 bytes were sent"),  # no Content-Length: counted as it arrives
])
def test_an_e_print_one_byte_over_1_gib_is_refused_and_nothing_is_cached(server, tmp_path, framing, said):
    server.routes = {f"api:{ID}v2": [("ok", arxiv_tests.atom_feed())],
                     f"/src/{ID}v2": [("big", b"\x1f\x8b", ARXIV_EPRINT_MAX_BYTES + 1, framing, {})]}
    with pytest.raises(NetworkError) as raised:
        _fetch(server, tmp_path)
    assert raised.value.message == (
        f"{server.files}/src/{ID}v2: the e-print (LaTeX source) is larger than 1024 MiB ({said}): refused, and nothing "
        "of it was kept; no paper's source is that large: download the paper yourself and give it with --tex or --pdf")
    assert server.seen == [f"api:{ID}v2", f"/src/{ID}v2"]  # not retried, and no PDF asked for instead
    assert _files(tmp_path) == [f"{ID}v2.atom.xml"]  # no e-print, no .part


def test_an_e_print_that_is_a_pdf_has_the_pdf_cap(server, tmp_path):
    server.routes = {f"api:{ID}v2": [("ok", arxiv_tests.atom_feed())],
                     f"/src/{ID}v2": [("big", b"%PDF-1.4\n", ADD_PDF_MAX_BYTES + 1, "length", {})]}
    with pytest.raises(NetworkError, match=rf"/src/{ID}v2: the PDF is larger than 100 MiB \(more than 104,857,600 bytes "
                                             r"were sent\): refused"):
        _fetch(server, tmp_path)
    assert _files(tmp_path) == [f"{ID}v2.atom.xml"]


# ----------------------------------------------------------------------------------------- PDF
@pytest.mark.parametrize("framing, headers, said", [
    ("length", {}, "the server announces 104,857,601 bytes"),
    ("close", {}, "more than 104,857,600 bytes were sent"),  # no length at all: the body ends when the server hangs up
    ("close", {"Content-Length": "plenty"}, "more than 104,857,600 bytes were sent"),  # a length that is no number
    ("close", {"Content-Length": "\u00b2"}, "more than 104,857,600 bytes were sent"),  # nor is "²", though str.isdigit says so
    ("chunked", {}, "more than 104,857,600 bytes were sent"),
])
def test_a_pdf_one_byte_over_100_mib_is_refused_however_it_is_sent(server, tmp_path, framing, headers, said):
    server.routes = {f"api:{ID}v2": [("ok", arxiv_tests.atom_feed())], f"/src/{ID}v2": [("status", 404, {})],
                     f"/pdf/{ID}v2": [("big", b"%PDF-1.4\n", ADD_PDF_MAX_BYTES + 1, framing, headers)]}
    with pytest.raises(NetworkError) as raised:
        _fetch(server, tmp_path)
    assert raised.value.message.startswith(f"{server.files}/pdf/{ID}v2: the PDF is larger than 100 MiB ({said}): refused")
    assert server.seen == [f"api:{ID}v2", f"/src/{ID}v2", f"/pdf/{ID}v2"]
    assert _files(tmp_path) == [f"{ID}v2.atom.xml"]


# ---------------------------------------------------------------------------------------- Atom
def test_metadata_over_4_mib_is_refused_and_metadata_at_the_cap_is_read(server, tmp_path):
    server.routes = {f"api:{ID}v2": [("big", b"<?xml", ARXIV_ATOM_MAX_BYTES + 1, "close", {})]}
    with pytest.raises(NetworkError, match=r"arXiv's metadata \(Atom feed\) is larger than 4 MiB \(more than 4,194,304 "
                                           r"bytes were sent\): refused, and nothing of it was kept; one paper's metadata"):
        _fetch(server, tmp_path)
    assert server.seen == [f"api:{ID}v2"] and not (tmp_path / ID).exists()  # not even its folder
    feed = arxiv_tests.atom_feed()
    server.routes = {f"api:{ID}v2": [("ok", feed + b" " * (ARXIV_ATOM_MAX_BYTES - len(feed)))]}
    got = _fetch(server, tmp_path, want_source=False)
    assert got.paper.title == "A Toy Study of Transfer" and _files(tmp_path) == [f"{ID}v2.atom.xml"]


# -------------------------------------------------------------------------------- interruptions
def test_an_interrupted_download_leaves_no_cached_file(server, tmp_path):
    """The server hangs up one byte short; while the client waits to try again, the part it has is in a
    temporary file of the cache folder, never under the e-print's name; Ctrl-C then leaves nothing."""
    size = 8 * 1024 * 1024
    server.routes = {f"api:{ID}v2": [("ok", arxiv_tests.atom_feed())],
                     f"/src/{ID}v2": [("big", b"\x1f\x8b", size, "length", {}, True)]}
    seen: list[tuple[list[str], list[int]]] = []

    def interrupt(seconds: float) -> None:
        parts = sorted((tmp_path / ID).glob(".*.part"))
        seen.append((_files(tmp_path), [p.stat().st_size for p in parts]))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _fetch(server, tmp_path, sleep=interrupt)
    (files, sizes), = seen
    assert f"{ID}v2.src" not in files and len(sizes) == 1 and size // 2 < sizes[0] < size  # to disk as it came
    assert _files(tmp_path) == [f"{ID}v2.atom.xml"]


_CHILD = """
import os, sys, time
from pathlib import Path
from claimcheck.sources.arxiv import fetch_arxiv, parse_arxiv_ref
from claimcheck.sources.arxiv_download import load_fetch_settings

def wait(seconds):  # between two attempts: the part received so far is on disk; say so, then wait to be killed
    print("waiting", flush=True)
    time.sleep(600)

fetch_arxiv(parse_arxiv_ref(sys.argv[2]), cache_dir=Path(sys.argv[1]), settings=load_fetch_settings(), sleep=wait)
"""

_HOLDER = """
import sys, time
from claimcheck.staged_file import StagedFile

staged = StagedFile(sys.argv[1])
staged.write(b"a download under way")
print(staged.path, flush=True)
time.sleep(600)
"""


def _child(code: str, *args: str, env: dict[str, str] | None = None):
    import subprocess
    import sys

    import claimcheck

    src = str(Path(claimcheck.__file__).resolve().parents[1])  # this claimcheck, however the tests found it
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE, text=True,
                            env=os.environ | (env or {}) | {"PYTHONPATH": src})


def test_a_download_killed_outright_leaves_a_part_that_the_next_fetch_removes(server, tmp_path):
    """A process killed by SIGKILL mid-download cannot remove its temporary file: the hidden .part stayed in the
    cache folder for good. The next fetch into that folder now removes it, and leaves the .part of a process
    still downloading (it holds a lock on it) alone."""
    import signal

    size = 8 * 1024 * 1024
    server.routes = {f"api:{ID}v2": [("ok", arxiv_tests.atom_feed())],
                     f"/src/{ID}v2": [("big", b"\x1f\x8b", size, "length", {}, True)]}  # hung up one byte short
    killed = _child(_CHILD, tmp_path, f"arxiv:{ID}v2", env=server.env())
    holder = _child(_HOLDER, tmp_path / ID)
    try:
        assert killed.stdout.readline() == "waiting\n"
        left = sorted((tmp_path / ID).glob(".*.part"))
        live = Path(holder.stdout.readline().strip())
        assert live in left and len(left) == 2, left
        dead = next(p for p in left if p != live)
        assert size // 2 < dead.stat().st_size < size  # the part received, written as it came
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        assert dead.exists()  # nothing of the killed process ran to remove it
        server.routes[f"/src/{ID}v2"] = [("ok", paper.paper_tarball())]
        got = _fetch(server, tmp_path)
        assert got.kind == "latex" and got.source.read_bytes() == paper.paper_tarball()
        assert not dead.exists() and live.exists()  # the leftover removed, the live download left alone
        assert _files(tmp_path) == sorted([f"{ID}v2.atom.xml", f"{ID}v2.src", live.name])
    finally:
        for child in (killed, holder):
            if child.poll() is None:
                child.kill()
            child.wait(10)
            child.stdout.close()
    assert live.exists()  # the holder killed too: the next fetch, from the cache, removes its leftover as well
    assert _fetch(server, tmp_path).requests == 0
    assert _files(tmp_path) == [f"{ID}v2.atom.xml", f"{ID}v2.src"]


# --------------------------------------------------------------------------- through the CLI
def test_add_refuses_an_e_print_over_its_cap_with_exit_2(server):
    home = Path(os.environ["CLAIMCHECK_HOME"])
    server.routes = {f"api:{ID}v2": [("ok", arxiv_tests.atom_feed())],
                     f"/src/{ID}v2": [("big", b"\x1f\x8b", ARXIV_EPRINT_MAX_BYTES + 1, "length", {})]}
    result = runner.invoke(app, ["add", f"arxiv:{ID}v2", "--registry", str(home / "claims")], env=server.env())
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert f"{server.files}/src/{ID}v2: the e-print (LaTeX source) is larger than 1024 MiB" in said, said
    assert _files(home / "cache") == [f"{ID}v2.atom.xml"] and not (home / "claims").exists()


# ---------------------------------------------------------------- large e-prints, in little memory
DATA_BYTES = 64 * 1024 * 1024


def _e_print_with_data() -> tuple[bytes, int]:
    """The paper's tarball (uncompressed) with a 64 MiB data file after its .tex files, as (the bytes before
    that file's contents, the size of the whole): the rest, its contents and the tar's end, is zeros."""
    buf = io.BytesIO()
    tar = tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT)
    for name, text in paper.paper_files().items():
        info = tarfile.TarInfo(name)
        info.size = len(text.encode())
        tar.addfile(info, io.BytesIO(text.encode()))
    data = tarfile.TarInfo("data/activations.bin")
    data.size = DATA_BYTES
    head = buf.getvalue() + data.tobuf(format=tarfile.GNU_FORMAT)
    return head, len(head) + DATA_BYTES + 2 * tarfile.BLOCKSIZE


def _peak(call) -> tuple[object, int]:
    tracemalloc.start()
    try:
        return call(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_an_e_print_with_a_large_data_file_is_streamed_to_the_cache(server, tmp_path, framing):
    head, size = _e_print_with_data()
    server.routes = {f"api:{ID}v2": [("ok", arxiv_tests.atom_feed())], f"/src/{ID}v2": [("big", head, size, framing, {})]}
    got, peak = _peak(lambda: _fetch(server, tmp_path))
    assert got.kind == "latex" and got.source.stat().st_size == size
    assert peak < 32 * 1024 * 1024, f"{peak:,} bytes held for a {size:,}-byte e-print"
    assert _files(tmp_path) == [f"{ID}v2.atom.xml", f"{ID}v2.src"]


def test_add_drafts_a_cached_e_print_with_a_large_data_file_as_before_reading_it_as_a_stream(server, tmp_path):
    """`add` read the cached e-print whole (read_bytes) before the LaTeX reader, which streams a tarball
    and keeps only its .tex files, saw it: a 64 MiB data file was 64 MiB in memory. It is now read from
    the file as a stream, and drafted as the same paper without the data file is."""
    home = Path(os.environ["CLAIMCHECK_HOME"])
    server.routes = {f"api:{ID}v2": [("ok", arxiv_tests.atom_feed())], f"/src/{ID}v2": [("ok", paper.paper_tarball())]}
    plain = runner.invoke(app, ["add", f"arxiv:{ID}v2", "--out", str(tmp_path / "plain.yaml")], env=server.env())
    assert plain.exit_code == 0 and "3 table(s), 38 cell(s), 8 candidate claim(s)" in plain.output, plain.output
    head, size = _e_print_with_data()  # the cached e-print replaced by the one with the data file (zeros: sparse)
    with open(home / "cache" / "arxiv" / ID / f"{ID}v2.src", "wb") as fh:
        fh.write(head)
        fh.truncate(size)
    result, peak = _peak(lambda: runner.invoke(app, ["add", f"arxiv:{ID}v2", "--offline", "--out", str(tmp_path / "big.yaml")]))
    assert result.exit_code == 0 and "3 table(s), 38 cell(s), 8 candidate claim(s)" in result.output, result.output
    assert (tmp_path / "big.yaml").read_text() == (tmp_path / "plain.yaml").read_text()
    assert peak < 32 * 1024 * 1024, f"{peak:,} bytes held for a {size:,}-byte e-print"
