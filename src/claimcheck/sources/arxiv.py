"""arXiv metadata and source download, with an on-disk cache, retries and nothing half-written.

``fetch_arxiv(ref)`` asks the arXiv API for the paper's metadata (an Atom feed, parsed by the
``arxiv`` package), then downloads the LaTeX source (``/src/<id>``) or, when arXiv has none, the PDF
(``/pdf/<id>``). Everything it downloads is kept under ``claimcheck_home()/cache/arxiv/<id>/`` as
the server sent it, so a second run makes no request and ``offline=True`` reads only the cache. A
version asked for (``2005.13013v2``) is the version read: a feed that answers with another one, or an
e-print or PDF whose ``Content-Disposition`` file name names another, is refused and nothing is kept.

Endpoints and patience come from the environment (this module is an edge):

- ``CLAIMCHECK_ARXIV_API``: the Atom API URL (default ``https://export.arxiv.org/api/query``)
- ``CLAIMCHECK_ARXIV_FILES``: the base URL that serves ``/src/<id>`` and ``/pdf/<id>``
  (default ``https://arxiv.org``)
- ``CLAIMCHECK_ARXIV_TIMEOUT`` (seconds per connect/read, default 30), ``CLAIMCHECK_ARXIV_RETRIES``
  (default 4), ``CLAIMCHECK_ARXIV_BACKOFF`` (first wait in seconds, doubled each retry, default 2),
  ``CLAIMCHECK_ARXIV_DELAY`` (pause between two requests, default 3 as arXiv's terms ask),
  ``CLAIMCHECK_ARXIV_MAX_WAIT`` (longest Retry-After we sleep through, default 120).

Timeouts, connection errors, HTTP 5xx, HTTP 429 (honouring ``Retry-After``), and bodies that are
shorter than announced or do not parse (truncated gzip/tar/PDF/XML) are retried; after the last
attempt a ``NetworkError`` says what failed. Each body is written, as it arrives, to a temporary file
in the cache folder (``atomic.StagedFile``), never held whole in memory, checked there, and renamed
into place only once complete and checked, so an interrupted or refused download leaves nothing
behind. Each kind has a cap (``caps.py``): ``ARXIV_ATOM_MAX_BYTES`` for the metadata,
``ARXIV_EPRINT_MAX_BYTES`` for an e-print, ``ADD_PDF_MAX_BYTES`` for a PDF; a body over it (by its
``Content-Length``, or by what is sent when there is none or it is wrong) is refused at once, not
retried, with a ``NetworkError`` naming the URL and the cap.

Why not ``arxiv.Client.results``: in arxiv 4.x it calls ``requests`` without a timeout (a stalled
server hangs it forever) and ignores ``Retry-After``; we fetch the bytes ourselves and hand them
to the package's own Atom parser, which builds the ``arxiv.Result``.
"""

from __future__ import annotations

import gzip
import math
import os
import re
import tarfile
import time
import zlib
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO, Callable, Literal
from urllib.parse import urlencode
from xml.etree import ElementTree

from claimcheck.atomic import StagedFile
from claimcheck.errors import InputError, NetworkError
from claimcheck.home import claimcheck_home
from claimcheck.sources.caps import ADD_PDF_MAX_BYTES, ARXIV_ATOM_MAX_BYTES, ARXIV_EPRINT_MAX_BYTES, mib

API_ENV, FILES_ENV = "CLAIMCHECK_ARXIV_API", "CLAIMCHECK_ARXIV_FILES"
DEFAULT_API, DEFAULT_FILES = "https://export.arxiv.org/api/query", "https://arxiv.org"
_REF = re.compile(r"^(?:arxiv:|https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/)?(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?P<v>v\d{1,4})?(?:\.pdf)?$", re.I)


@dataclass(frozen=True)
class ArxivRef:
    id: str  # "2005.13013" or "hep-th/9901001"
    version: str | None = None  # "v2"; None = the latest

    @property
    def safe_id(self) -> str:  # usable as a file name and as a paper id
        return self.id.replace("/", "_")

    def __str__(self) -> str:
        return f"{self.id}{self.version or ''}"


def parse_arxiv_ref(text: str) -> ArxivRef:
    """The id and version ``text`` names, written as arXiv writes them, so that one paper has one cache
    folder and one paper id however it was typed: ``ARXIV:2005.13013V2`` and ``2005.13013v02`` are
    ``2005.13013`` ``v2``, ``HEP-TH/9901001`` is ``hep-th/9901001`` and ``math.ag/0601001`` is
    ``math.AG/0601001`` (archive in lower case, subject class in upper case). ``v0`` is refused: versions start at v1."""
    m = _REF.match(text.strip())
    if not m:
        raise InputError(f"{text!r} is not an arXiv id (expected arxiv:2005.13013 or arxiv:2005.13013v2)", field="source")
    arxiv_id, version = m.group("id"), m.group("v")
    if "/" in arxiv_id:  # old style: archive[.SC]/YYMMNNN
        archive, number = arxiv_id.split("/")
        name, _, subject = archive.partition(".")
        arxiv_id = f"{name.lower()}{'.' + subject.upper() if subject else ''}/{number}"
    if version is not None:
        if int(version[1:]) == 0:
            raise InputError(f"{text!r}: arXiv versions start at v1", field="source")
        version = f"v{int(version[1:])}"
    return ArxivRef(arxiv_id, version)


@dataclass(frozen=True)
class FetchSettings:
    api: str = DEFAULT_API
    files: str = DEFAULT_FILES
    timeout_s: float = 30.0
    retries: int = 4
    backoff_s: float = 2.0
    delay_s: float = 3.0
    max_wait_s: float = 120.0


def load_fetch_settings(env: dict[str, str] | None = None) -> FetchSettings:
    env = os.environ if env is None else env

    def num(name: str, default: float, positive: bool = False) -> float:
        raw = env.get(name, "")
        try:
            value = float(raw) if raw else default
        except ValueError:
            raise InputError(f"{name}={raw!r} is not a number") from None
        if not math.isfinite(value):
            raise InputError(f"{name}={raw!r} is not a finite number")
        if positive and value <= 0:  # a zero timeout is refused by the socket layer, not waited out
            raise InputError(f"{name}={raw!r} must be > 0")
        if value < 0:
            raise InputError(f"{name}={raw!r} must be >= 0")
        return value

    return FetchSettings(
        api=env.get(API_ENV) or DEFAULT_API, files=(env.get(FILES_ENV) or DEFAULT_FILES).rstrip("/"),
        timeout_s=num("CLAIMCHECK_ARXIV_TIMEOUT", 30.0, positive=True), retries=int(num("CLAIMCHECK_ARXIV_RETRIES", 4)),
        backoff_s=num("CLAIMCHECK_ARXIV_BACKOFF", 2.0), delay_s=num("CLAIMCHECK_ARXIV_DELAY", 3.0),
        max_wait_s=num("CLAIMCHECK_ARXIV_MAX_WAIT", 120.0),
    )


@dataclass(frozen=True)
class ArxivPaper:
    id: str
    version: str
    title: str
    authors: list[str]
    year: int
    journal_ref: str = ""
    comment: str = ""


@dataclass(frozen=True)
class Fetched:
    paper: ArxivPaper
    source: Path | None  # cached file: LaTeX e-print (tar/gz/tex) or PDF; None if not asked for
    kind: Literal["latex", "pdf", "none"]
    requests: int  # HTTP requests made by this call; 0 = everything came from the cache


# ------------------------------------------------------------------------------------------ checks
# Each check reads the downloaded body from its file (``fh``): the Atom feed whole (it is at most
# ARXIV_ATOM_MAX_BYTES), a PDF by its head and its tail, an e-print as a stream.
_BLOCK = 1024 * 1024


def _check_atom(fh: BinaryIO) -> str | None:
    fh.seek(0)
    try:
        ElementTree.fromstring(fh.read())
    except ElementTree.ParseError as exc:
        return f"malformed or truncated Atom response ({exc})"
    return None


def _check_pdf(fh: BinaryIO) -> str | None:
    fh.seek(0)
    if fh.read(5) != b"%PDF-":
        return "not a PDF"
    fh.seek(max(0, fh.seek(0, os.SEEK_END) - 2048))
    return None if b"%%EOF" in fh.read() else "truncated PDF (no %%EOF at the end)"


def _check_source(fh: BinaryIO) -> str | None:
    """A PDF is checked as one; a gzip stream is read to its end (its length and CRC checked), and a tar
    archive (compressed or not) through its last member, decompressed as it is read: never all in memory."""
    fh.seek(0)
    head = fh.read(5)
    if head == b"%PDF-":
        return _check_pdf(fh)
    fh.seek(0)
    try:
        stream = gzip.GzipFile(fileobj=fh, mode="rb") if head[:2] == b"\x1f\x8b" else fh
        if stream.read(262)[257:262] == b"ustar":
            stream.seek(0)
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for _ in tar:  # each member's data is read past, not kept
                    pass
        while stream is not fh and stream.read(_BLOCK):  # the rest of the gzip stream, to its CRC
            pass
    except (OSError, EOFError, zlib.error, tarfile.TarError) as exc:
        return f"truncated or corrupt source archive ({exc})"
    return None


@dataclass(frozen=True)
class _Cap:
    bytes: int
    what: str  # the file it caps, as a message names it
    instead: str  # what to do, said after the refusal
    if_pdf: _Cap | None = None  # the cap instead when the body starts as a PDF does (an e-print that is a PDF)

    def refusal(self, url: str, said: str) -> NetworkError:
        return NetworkError(f"{url}: {self.what} is larger than {mib(self.bytes)} ({said}): refused, and nothing of it "
                            f"was kept; {self.instead}")


ATOM_CAP = _Cap(ARXIV_ATOM_MAX_BYTES, "arXiv's metadata (Atom feed)", "one paper's metadata is a few KiB: try again later")
PDF_CAP = _Cap(ADD_PDF_MAX_BYTES, "the PDF", "a paper's PDF, figures and all, is a few MiB: download the paper's LaTeX "
               "source yourself and give it with --tex, or its text with --text")
EPRINT_CAP = _Cap(ARXIV_EPRINT_MAX_BYTES, "the e-print (LaTeX source)",
                  "no paper's source is that large: download the paper yourself and give it with --tex or --pdf", PDF_CAP)


# ------------------------------------------------------------------------------------------- HTTP
class _Http:
    """GET with timeouts, back-off, Retry-After, a size cap and body checks; counts the requests it makes."""

    def __init__(self, settings: FetchSettings, sleep: Callable[[float], None] = time.sleep):
        self.s, self.sleep, self.requests, self._last = settings, sleep, 0, 0.0
        self.headers: dict[str, str] = {}  # the headers of the last answer returned with 200

    def get(self, url: str, check: Callable[[BinaryIO], str | None], cap: _Cap, sink: StagedFile) -> int:
        """200, the body written to ``sink`` (and checked there), or 404/403/410 (``sink`` empty); raises
        NetworkError once retries are spent, or at once for a body over ``cap`` (``sink`` holds part of it)."""
        import requests  # only when something is really downloaded

        problem = ""
        for attempt in range(self.s.retries + 1):
            wait = self.s.backoff_s * 2**attempt
            pause = self.s.delay_s - (time.monotonic() - self._last)
            if self.requests and pause > 0:
                self.sleep(pause)  # arXiv asks for one request every few seconds
            self.requests += 1
            sink.restart()
            try:
                with requests.get(url, timeout=(self.s.timeout_s, self.s.timeout_s), stream=True,
                                  headers={"User-Agent": "claimcheck (claim verification; arxiv package)"}) as resp:
                    status = resp.status_code
                    if status in (403, 404, 410):
                        return status
                    if status == 429 or status >= 500:
                        problem = f"HTTP {status}"
                        after = _retry_after(resp.headers.get("Retry-After"))
                        if after is not None and after > self.s.max_wait_s:
                            raise NetworkError(f"{url}: arXiv answered HTTP {status} and asks to wait {after:.0f} s; "
                                               "try again later (or use --offline with a cached copy)")
                        wait = after if after is not None else wait
                    elif status != 200:
                        raise NetworkError(f"{url}: HTTP {status} (not retried)")
                    else:
                        expected = _length(resp.headers.get("Content-Length"))
                        if expected is not None and expected > cap.bytes:  # refused before a byte of it is read
                            raise cap.refusal(url, f"the server announces {expected:,} bytes")
                        size, head, limit = 0, b"", cap
                        for chunk in resp.iter_content(64 * 1024):
                            if len(head) < 5 and cap.if_pdf is not None:
                                head += chunk[: 5 - len(head)]
                                limit = cap.if_pdf if head == b"%PDF-" else cap
                            size += len(chunk)
                            if size > limit.bytes:  # no Content-Length, or a wrong one: read no further
                                raise limit.refusal(url, f"more than {limit.bytes:,} bytes were sent")
                            sink.write(chunk)
                        if expected is not None and size < expected:
                            problem = f"truncated download ({size} of {expected} bytes)"
                        else:
                            sink.file.flush()
                            problem = check(sink.file) or ""
                            if not problem:
                                self.headers = dict(resp.headers)
                                return 200
            except requests.Timeout:
                problem = f"timed out after {self.s.timeout_s:g} s"
            except requests.exceptions.ChunkedEncodingError:  # urllib3 saw fewer bytes than announced
                problem = "truncated download (connection closed mid-body)"
            except requests.RequestException as exc:  # connection refused/reset, body cut short
                problem = f"connection failed ({type(exc).__name__})"
            finally:
                self._last = time.monotonic()
            if attempt < self.s.retries:
                self.sleep(wait)
        raise NetworkError(f"could not download {url} after {self.s.retries + 1} attempts (last problem: {problem}); "
                           "check the connection and try again, or use --offline with a cached copy")


def _length(value: str | None) -> int | None:
    """A Content-Length as a number; None for none, or one that is no number of ASCII digits ("²" is no length)."""
    value = (value or "").strip()
    return int(value) if re.fullmatch(r"[0-9]+", value) else None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------------------------------ fetch
def _parse_entry(data: bytes, ref: ArxivRef) -> ArxivPaper:
    try:
        from arxiv import _feed  # the arxiv package's Atom parser (arxiv >= 3)
    except ImportError:
        raise InputError("`claimcheck add arxiv:...` needs the arxiv package >= 3: pip install 'arxiv>=3'") from None
    results = [r for r in _feed.parse(data).results if "/abs/" in r.entry_id]
    if not results:
        raise InputError(f"arXiv has no paper {ref}", field="source")
    result = results[0]
    m = re.match(r"^(.*?)(v\d+)?$", result.get_short_id())
    return ArxivPaper(
        id=ref.safe_id, version=m.group(2) or ref.version or "v1", title=result.title.strip(),
        authors=[a.name for a in result.authors], year=result.published.year,
        journal_ref=result.journal_ref or "", comment=result.comment or "",
    )


def _check_version(paper: ArxivPaper, ref: ArxivRef) -> None:
    """A version asked for must be the version arXiv answered with: the API gives another one (its latest,
    say) for a version it does not have, and a draft pinned to ``ref`` must not be made from another."""
    if ref.version and paper.version != ref.version:
        raise InputError(f"arXiv has no version {ref.version} of {ref.id}: it answered with {paper.version}; "
                         f"give arxiv:{ref.id}{paper.version}, or leave out the version for the latest", field="source")


def _check_sent_version(headers: dict[str, str], url: str, arxiv_id: str, version: str) -> None:
    """The file name an e-print or PDF answer gives (``Content-Disposition: ...; filename="arXiv-2005.13013v2.tar.gz"``)
    must name the version asked for, when it names one: a file of another version is not that version's paper."""
    disposition = next((v for k, v in headers.items() if k.lower() == "content-disposition"), "")
    m = re.search(r"filename\*?=[^;]*?(?<![0-9])" + re.escape(arxiv_id.split("/")[-1]) + r"(v\d+)", disposition, re.I)
    if m and m.group(1).lower() != version:
        raise NetworkError(f"{url}: asked for {arxiv_id}{version}, arXiv sent a file of {arxiv_id}{m.group(1).lower()} "
                           f"({disposition.strip()!r}); not read: try again later")


def _cached_meta(folder: Path, ref: ArxivRef) -> Path | None:
    if ref.version:
        path = folder / f"{ref.safe_id}{ref.version}.atom.xml"
        return path if path.is_file() else None
    versions = sorted(folder.glob(f"{ref.safe_id}v*.atom.xml"), key=lambda p: int(re.findall(r"v(\d+)\.atom", p.name)[0]))
    return versions[-1] if versions else None


def fetch_arxiv(ref: ArxivRef, *, cache_dir: Path | None = None, settings: FetchSettings | None = None,
                offline: bool = False, want_source: bool = True, sleep: Callable[[float], None] = time.sleep) -> Fetched:
    """Metadata and (optionally) the source of ``ref``, from the cache when it has them."""
    settings = settings or load_fetch_settings()
    folder = (cache_dir or claimcheck_home() / "cache" / "arxiv") / ref.safe_id
    http = _Http(settings, sleep)
    cached = _cached_meta(folder, ref)
    if cached is not None:
        paper = _parse_entry(cached.read_bytes(), ref)
    elif offline:
        raise NetworkError(f"--offline: arXiv metadata for {ref} is not in the cache ({folder}); run once without --offline")
    else:
        url = f"{settings.api}?{urlencode({'id_list': str(ref), 'max_results': 1})}"
        with StagedFile(folder) as staged:
            status = http.get(url, _check_atom, ATOM_CAP, staged)
            if status != 200:
                raise NetworkError(f"{url}: HTTP {status}")
            paper = _parse_entry(staged.head(ATOM_CAP.bytes), ref)
            _check_version(paper, ref)  # before anything is kept
            staged.keep(folder / f"{ref.safe_id}{paper.version}.atom.xml")
    if not want_source:
        return Fetched(paper, None, "none", http.requests)
    src, pdf = folder / f"{ref.safe_id}{paper.version}.src", folder / f"{ref.safe_id}{paper.version}.pdf"
    for path, kind in ((src, "latex"), (pdf, "pdf")):
        if path.is_file():
            return Fetched(paper, path, kind, http.requests)
    if offline:
        raise NetworkError(f"--offline: no cached source for {ref.id}{paper.version} in {folder}; run once without --offline")
    arxiv_id = f"{ref.id}{paper.version}"
    url = f"{settings.files}/src/{arxiv_id}"
    with StagedFile(folder) as staged:
        status = http.get(url, _check_source, EPRINT_CAP, staged)
        if status == 200:
            _check_sent_version(http.headers, url, ref.id, paper.version)
            if staged.head(5) != b"%PDF-":
                staged.keep(src)
                return Fetched(paper, src, "latex", http.requests)
            staged.keep(pdf)  # an e-print that is a PDF (its cap was the PDF's)
            return Fetched(paper, pdf, "pdf", http.requests)
    url = f"{settings.files}/pdf/{arxiv_id}"  # no source on arXiv: the PDF is all there is
    with StagedFile(folder) as staged:
        status = http.get(url, _check_pdf, PDF_CAP, staged)
        if status != 200:
            raise NetworkError(f"arXiv has neither source nor PDF for {arxiv_id} (HTTP {status})")
        _check_sent_version(http.headers, url, ref.id, paper.version)
        staged.keep(pdf)
    return Fetched(paper, pdf, "pdf", http.requests)
