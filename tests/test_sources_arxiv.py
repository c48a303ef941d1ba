"""arXiv fetch against a real HTTP server on 127.0.0.1: caching, fallbacks, retries, failures.

``ArxivServer`` serves scripted responses (a list per URL; each request takes the next step, the
last one repeats): Atom feeds, e-print tarballs, PDFs, HTTP errors, 429 with Retry-After, bodies cut
short, and stalls longer than the client's timeout. No test touches the internet. Other test files
reuse the server by loading this module by path (see test_add_cli.py).
"""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from claimcheck.errors import InputError, NetworkError


import test_sources_paper as paper  # noqa: E402  (tests/ is on sys.path)


def atom_feed(arxiv_id: str = "2005.13013", version: str = "v2", title: str = "A Toy Study of Transfer",
              authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing"), published: str = "2020-05-26T17:59:46Z") -> bytes:
    people = "".join(f"<author><name>{a}</name></author>" for a in authors)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>arXiv Query: id_list={arxiv_id}</title>
  <opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>
  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}{version}</id>
    <updated>2020-09-30T15:03:39Z</updated>
    <published>{published}</published>
    <title>{title}</title>
    <summary>We study things.</summary>
    {people}
    <arxiv:journal_ref>AACL 2020</arxiv:journal_ref>
    <link href="http://arxiv.org/abs/{arxiv_id}{version}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}{version}" rel="related" type="application/pdf"/>
    <arxiv:primary_category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
""".encode()


EMPTY_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <opensearch:totalResults>0</opensearch:totalResults>
</feed>
"""


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica, one line each), written by hand."""
    ops = ["BT", "/F1 9 Tf", "11 TL", "40 760 Td"]
    for line in lines:
        ops.append("(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*")
    stream = "\n".join(ops + ["ET"]).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_ZEROS = memoryview(bytes(1024 * 1024))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server API)
        server: ArxivServer = self.server.owner
        url = urlparse(self.path)
        key = f"api:{parse_qs(url.query).get('id_list', [''])[0]}" if url.path == "/api/query" else url.path
        with server.lock:
            server.seen.append(key)
            script = server.routes.get(key)
            step = (script.pop(0) if len(script) > 1 else script[0]) if script else ("status", 404, {})
        kind = step[0]
        try:
            if kind == "stall":  # answer only after the client has given up
                time.sleep(step[1])
                step = ("ok", step[2])
                kind = "ok"
            if kind == "ok":
                self._send(200, step[1], {})
            elif kind == "status":
                self._send(step[1], b"error page", step[2])
            elif kind == "big":
                self._send_big(*step[1:])
            elif kind == "truncate":  # announce the full length, send part, hang up
                self.send_response(200)
                self.send_header("Content-Length", str(len(step[1])))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(step[1][: len(step[1]) // 2])
                self.wfile.flush()
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_big(self, head: bytes, size: int, framing: str, headers: dict[str, str], cut: bool = False) -> None:
        """A body of ``size`` bytes, ``head`` then zeros, made as it is sent (none of it held in memory). ``framing``:
        "length" (a Content-Length), "chunked" (Transfer-Encoding: chunked) or "close" (neither: the body ends
        when the connection closes). ``cut``: hang up one byte short of ``size``."""
        self.send_response(200)
        for k, v in headers.items():
            self.send_header(k, v)
        if framing == "length":
            self.send_header("Content-Length", str(size))
        elif framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        left = size - cut
        self._write_framed(head[:left], framing)
        left -= len(head[:left])
        while left > 0:
            piece = _ZEROS if left >= len(_ZEROS) else _ZEROS[:left]
            self._write_framed(piece, framing)
            left -= len(piece)
        if framing == "chunked" and not cut:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _write_framed(self, data, framing: str) -> None:
        if not data:
            return
        if framing == "chunked":
            self.wfile.write(b"%x\r\n" % len(data))
            self.wfile.write(data)
            self.wfile.write(b"\r\n")
        else:
            self.wfile.write(data)

    def log_message(self, *args):  # keep test output quiet
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that gave up (timeout test): not news
        pass


class ArxivServer:
    """A local stand-in for the arXiv API and file server; ``routes`` maps a key to response steps.

    Keys: ``api:<id_list>`` for the Atom API, ``/src/<id>`` and ``/pdf/<id>`` for files. Steps:
    ("ok", body) | ("status", code, headers) | ("truncate", body) | ("stall", seconds, body) |
    ("big", head, size, framing, headers[, cut]): a large body made as it is sent (``_Handler._send_big``).
    """

    def __init__(self):
        self.routes: dict[str, list[tuple]] = {}
        self.seen: list[str] = []
        self.lock = threading.Lock()
        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.owner = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api/query"

    @property
    def files(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def env(self, **extra: str) -> dict[str, str]:
        base = {"CLAIMCHECK_ARXIV_API": self.api, "CLAIMCHECK_ARXIV_FILES": self.files, "CLAIMCHECK_ARXIV_DELAY": "0",
                "CLAIMCHECK_ARXIV_BACKOFF": "0.01", "CLAIMCHECK_ARXIV_RETRIES": "3", "CLAIMCHECK_ARXIV_TIMEOUT": "2"}
        return base | extra

    def __enter__(self) -> ArxivServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    with ArxivServer() as srv:
        yield srv


@pytest.fixture
def settings_for(server):
    from claimcheck.sources.arxiv_download import load_fetch_settings

    return lambda **extra: load_fetch_settings(server.env(**extra))


def _fetch(ref: str, cache: Path, settings, **kw):
    from claimcheck.sources.arxiv import fetch_arxiv, parse_arxiv_ref

    return fetch_arxiv(parse_arxiv_ref(ref), cache_dir=cache, settings=settings, **kw)


def _cache_files(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------- happy paths
def test_latex_source_then_cache_then_offline(server, settings_for, tmp_path, monkeypatch):
    from claimcheck.sources.arxiv import fetch_arxiv, parse_arxiv_ref

    server.routes = {"api:2005.13013v2": [("ok", atom_feed())], "/src/2005.13013v2": [("ok", paper.paper_tarball())]}
    for k, v in server.env().items():  # the client is pointed at the server through the environment
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("CLAIMCHECK_HOME", str(tmp_path / "home"))
    first = fetch_arxiv(parse_arxiv_ref("arxiv:2005.13013v2"))
    assert (first.kind, first.requests, first.paper.version, first.paper.year) == ("latex", 2, "v2", 2020)
    assert first.paper.authors == ["Ada Lovelace", "Alan Turing"] and first.paper.journal_ref == "AACL 2020"
    assert first.source == tmp_path / "home" / "cache" / "arxiv" / "2005.13013" / "2005.13013v2.src"
    assert first.source.read_bytes() == paper.paper_tarball()
    again = fetch_arxiv(parse_arxiv_ref("arxiv:2005.13013v2"))
    offline = fetch_arxiv(parse_arxiv_ref("2005.13013v2"), offline=True)
    assert again.requests == 0 and offline.requests == 0 and offline.source == first.source
    assert server.seen == ["api:2005.13013v2", "/src/2005.13013v2"]  # nothing after the first run


def test_unversioned_id_pins_the_latest_version_and_reuses_it(server, settings_for, tmp_path):
    server.routes = {"api:2005.13013": [("ok", atom_feed(version="v2"))], "/src/2005.13013v2": [("ok", paper.paper_tarball())]}
    first = _fetch("arxiv:2005.13013", tmp_path, settings_for())
    second = _fetch("arxiv:2005.13013", tmp_path, settings_for())
    assert first.paper.version == second.paper.version == "v2"
    assert (first.requests, second.requests) == (2, 0)
    assert _cache_files(tmp_path) == ["2005.13013v2.atom.xml", "2005.13013v2.src"]


def test_pdf_when_arxiv_has_no_source(server, settings_for, tmp_path):
    pdf = tiny_pdf(["A paper without source."])
    server.routes = {"api:2101.00001v1": [("ok", atom_feed("2101.00001", "v1"))], "/src/2101.00001v1": [("status", 404, {})],
                     "/pdf/2101.00001v1": [("ok", pdf)]}
    got = _fetch("arxiv:2101.00001v1", tmp_path, settings_for())
    assert (got.kind, got.requests, got.source.read_bytes()) == ("pdf", 3, pdf)
    assert _fetch("arxiv:2101.00001v1", tmp_path, settings_for(), offline=True).kind == "pdf"


def test_src_endpoint_answering_with_a_pdf_is_kept_as_pdf(server, settings_for, tmp_path):
    pdf = tiny_pdf(["Only a PDF."])
    server.routes = {"api:2101.00002v1": [("ok", atom_feed("2101.00002", "v1"))], "/src/2101.00002v1": [("ok", pdf)]}
    got = _fetch("arxiv:2101.00002v1", tmp_path, settings_for())
    assert got.kind == "pdf" and got.source.suffix == ".pdf" and got.requests == 2


def test_gzipped_single_file_source(server, settings_for, tmp_path):
    from claimcheck.sources.latex import extract_latex_tables
    from claimcheck.sources.latex_files import load_latex_bytes

    blob = gzip.compress(paper.single_file_paper().encode())
    server.routes = {"api:2005.13013v1": [("ok", atom_feed(version="v1"))], "/src/2005.13013v1": [("ok", blob)]}
    got = _fetch("arxiv:2005.13013v1", tmp_path, settings_for())
    tables = extract_latex_tables(load_latex_bytes(got.source.read_bytes(), str(got.source)))
    assert paper.found_cells(tables) == paper.TRUTH_CELLS


def _recompressed_tarball(compression: str) -> bytes:
    """The paper's e-print tarball compressed with bzip2 or xz instead of gzip (arXiv serves some so)."""
    import bz2
    import lzma

    tar = gzip.decompress(paper.paper_tarball())
    return bz2.compress(tar) if compression == "bz2" else lzma.compress(tar)


@pytest.mark.parametrize("compression", ["bz2", "xz"])
def test_bzip2_and_xz_e_prints_are_checked_to_their_end(server, settings_for, tmp_path, compression):
    """A .tar.bz2 or .tar.xz e-print cut short (here by its last bytes: its end-of-stream marker, xz's index)
    was cached unchecked, to fail when read; it is now read to its end as gzip is: retried, then refused,
    nothing cached. A whole one is cached and drafted."""
    from claimcheck.sources.latex import extract_latex_tables
    from claimcheck.sources.latex_files import load_eprint_file

    blob = _recompressed_tarball(compression)
    server.routes = {"api:2005.13013v2": [("ok", atom_feed())], "/src/2005.13013v2": [("ok", blob[:-4])]}
    with pytest.raises(NetworkError, match="truncated or corrupt source archive") as info:
        _fetch("arxiv:2005.13013v2", tmp_path, settings_for(CLAIMCHECK_ARXIV_RETRIES="2"))
    assert "after 3 attempts" in str(info.value) and server.seen.count("/src/2005.13013v2") == 3
    assert _cache_files(tmp_path) == ["2005.13013v2.atom.xml"]  # no source, no .part
    server.routes["/src/2005.13013v2"] = [("ok", blob[: len(blob) // 2]), ("ok", blob)]
    got = _fetch("arxiv:2005.13013v2", tmp_path, settings_for())
    assert got.kind == "latex" and got.source.read_bytes() == blob and got.requests == 2
    assert paper.found_cells(extract_latex_tables(load_eprint_file(got.source))) == paper.TRUTH_CELLS


# ------------------------------------------------------------------------------- retried faults
def test_5xx_is_retried_with_exponential_back_off(server, settings_for, tmp_path):
    server.routes = {"api:2005.13013v2": [("status", 500, {}), ("status", 503, {}), ("ok", atom_feed())]}
    sleeps: list[float] = []
    got = _fetch("arxiv:2005.13013v2", tmp_path, settings_for(CLAIMCHECK_ARXIV_BACKOFF="0.5"), want_source=False,
                 sleep=sleeps.append)
    assert got.requests == 3 and got.paper.title == "A Toy Study of Transfer"
    assert sleeps == [0.5, 1.0]


def test_429_retry_after_is_honoured(server, settings_for, tmp_path):
    server.routes = {"api:2005.13013v2": [("status", 429, {"Retry-After": "1"}), ("ok", atom_feed())]}
    start = time.monotonic()
    got = _fetch("arxiv:2005.13013v2", tmp_path, settings_for(), want_source=False)
    assert got.requests == 2 and time.monotonic() - start >= 1.0


def test_429_with_a_long_retry_after_fails_clearly_without_waiting(server, settings_for, tmp_path):
    server.routes = {"api:2005.13013v2": [("status", 429, {"Retry-After": "3600"})]}
    start = time.monotonic()
    with pytest.raises(NetworkError, match="asks to wait 3600 s"):
        _fetch("arxiv:2005.13013v2", tmp_path, settings_for(), want_source=False)
    assert time.monotonic() - start < 1.0 and server.seen == ["api:2005.13013v2"]


def test_truncated_download_is_retried(server, settings_for, tmp_path):
    tarball = paper.paper_tarball()
    server.routes = {"api:2005.13013v2": [("ok", atom_feed())], "/src/2005.13013v2": [("truncate", tarball), ("ok", tarball)]}
    got = _fetch("arxiv:2005.13013v2", tmp_path, settings_for())
    assert got.requests == 3 and got.source.read_bytes() == tarball


def test_timeout_is_retried(server, settings_for, tmp_path):
    server.routes = {"api:2005.13013v2": [("stall", 1.0, atom_feed()), ("ok", atom_feed())]}
    got = _fetch("arxiv:2005.13013v2", tmp_path, settings_for(CLAIMCHECK_ARXIV_TIMEOUT="0.3"), want_source=False)
    assert got.requests == 2 and got.paper.version == "v2"


# ---------------------------------------------------------------------------- failures, cleanly
@pytest.mark.parametrize("step, problem", [
    (("status", 502, {}), "HTTP 502"),
    (("truncate", b"x" * 4000), "truncated download"),
    (("ok", paper.paper_tarball()[: len(paper.paper_tarball()) // 2]), "truncated or corrupt source archive"),
    (("stall", 0.6, b""), "timed out"),
])
def test_persistent_fault_gives_network_error_and_leaves_no_file(server, settings_for, tmp_path, step, problem):
    server.routes = {"api:2005.13013v2": [("ok", atom_feed())], "/src/2005.13013v2": [step]}
    with pytest.raises(NetworkError, match=problem) as info:
        _fetch("arxiv:2005.13013v2", tmp_path, settings_for(CLAIMCHECK_ARXIV_TIMEOUT="0.2", CLAIMCHECK_ARXIV_RETRIES="2"))
    assert "after 3 attempts" in str(info.value) and "/src/2005.13013v2" in str(info.value)
    assert server.seen.count("/src/2005.13013v2") == 3
    assert _cache_files(tmp_path) == ["2005.13013v2.atom.xml"]  # metadata kept; no partial source, no .part


def test_malformed_atom_is_retried_then_reported(server, settings_for, tmp_path):
    server.routes = {"api:2005.13013v2": [("ok", atom_feed()[:-40])]}
    with pytest.raises(NetworkError, match="malformed or truncated Atom"):
        _fetch("arxiv:2005.13013v2", tmp_path, settings_for(CLAIMCHECK_ARXIV_RETRIES="1"))
    assert _cache_files(tmp_path) == []


def test_offline_without_cache_says_so(server, settings_for, tmp_path):
    with pytest.raises(NetworkError, match="--offline: arXiv metadata for 2005.13013v2 is not in the cache"):
        _fetch("arxiv:2005.13013v2", tmp_path, settings_for(), offline=True)
    assert server.seen == []


def test_unknown_paper_is_an_input_error(server, settings_for, tmp_path):
    server.routes = {"api:2999.99999": [("ok", EMPTY_FEED)]}
    with pytest.raises(InputError, match="arXiv has no paper 2999.99999"):
        _fetch("arxiv:2999.99999", tmp_path, settings_for())
    assert _cache_files(tmp_path) == []


def test_unreachable_server_is_a_network_error(tmp_path):
    from claimcheck.sources.arxiv_download import FetchSettings

    dead = FetchSettings(api="http://127.0.0.1:9/api/query", files="http://127.0.0.1:9", timeout_s=0.5, retries=1,
                         backoff_s=0.01, delay_s=0)
    with pytest.raises(NetworkError, match="connection failed"):
        _fetch("arxiv:2005.13013v2", tmp_path, dead)


# ------------------------------------------------------------------------------------ parsing
@pytest.mark.parametrize("text, ref", [
    ("arxiv:2005.13013", ("2005.13013", None)),
    ("arXiv:2005.13013v2", ("2005.13013", "v2")),
    ("2005.13013v1", ("2005.13013", "v1")),
    ("https://arxiv.org/abs/2005.13013v2", ("2005.13013", "v2")),
    ("https://arxiv.org/pdf/2005.13013v2.pdf", ("2005.13013", "v2")),
    ("arxiv:hep-th/9901001v3", ("hep-th/9901001", "v3")),
])
def test_parse_arxiv_ref(text, ref):
    from claimcheck.sources.arxiv import parse_arxiv_ref

    parsed = parse_arxiv_ref(text)
    assert (parsed.id, parsed.version) == ref
    assert "/" not in parsed.safe_id


@pytest.mark.parametrize("text", ["arxiv:", "arxiv:2005", "doi:10.1000/x", "2005.13013v", "../etc/passwd"])
def test_bad_arxiv_ref(text):
    from claimcheck.sources.arxiv import parse_arxiv_ref

    with pytest.raises(InputError, match="not an arXiv id"):
        parse_arxiv_ref(text)


def test_bad_settings_from_environment():
    from claimcheck.sources.arxiv_download import load_fetch_settings

    with pytest.raises(InputError, match="CLAIMCHECK_ARXIV_TIMEOUT='soon' is not a number"):
        load_fetch_settings({"CLAIMCHECK_ARXIV_TIMEOUT": "soon"})
    for raw, says in (("0", "must be > 0"), ("nan", "is not a finite number"), ("inf", "is not a finite number")):
        with pytest.raises(InputError, match=f"CLAIMCHECK_ARXIV_TIMEOUT='{raw}' {says}"):
            load_fetch_settings({"CLAIMCHECK_ARXIV_TIMEOUT": raw})
    with pytest.raises(InputError, match="CLAIMCHECK_ARXIV_DELAY='nan' is not a finite number"):
        load_fetch_settings({"CLAIMCHECK_ARXIV_DELAY": "nan"})
    assert load_fetch_settings({"CLAIMCHECK_ARXIV_DELAY": "0"}).delay_s == 0  # no pause is a valid choice
    defaults = load_fetch_settings({})
    assert defaults.api == "https://export.arxiv.org/api/query" and defaults.files == "https://arxiv.org"
