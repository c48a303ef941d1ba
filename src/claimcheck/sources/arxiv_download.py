"""Downloading one file from arXiv: timeouts, retries, a cap on its size, checked, nothing half-written.

Endpoints and patience come from the environment (this module is an edge):

- ``CLAIMCHECK_ARXIV_API``: the Atom API URL (default ``https://export.arxiv.org/api/query``)
- ``CLAIMCHECK_ARXIV_FILES``: the base URL that serves ``/src/<id>`` and ``/pdf/<id>``
  (default ``https://arxiv.org``)
- ``CLAIMCHECK_ARXIV_TIMEOUT`` (seconds per connect/read, default 30), ``CLAIMCHECK_ARXIV_RETRIES``
  (default 4), ``CLAIMCHECK_ARXIV_BACKOFF`` (first wait in seconds, doubled each retry, default 2),
  ``CLAIMCHECK_ARXIV_DELAY`` (pause between two requests, default 3 as arXiv's terms ask),
  ``CLAIMCHECK_ARXIV_MAX_WAIT`` (longest Retry-After we sleep through, default 120).

Timeouts, connection errors, HTTP 5xx, HTTP 429 (honouring ``Retry-After``), and bodies that are
shorter than announced or do not parse (truncated gzip/bzip2/xz/tar/PDF/XML) are retried; after the last
attempt a ``NetworkError`` says what failed. Each body is written, as it arrives, to a temporary file
in the cache folder (``staged_file.StagedFile``), never held whole in memory, checked there, and renamed
into place only once complete and checked, so an interrupted or refused download leaves nothing
behind (a process killed outright leaves its temporary file, which the next fetch into that folder removes). Each kind has a cap (``caps.py``): ``ARXIV_ATOM_MAX_BYTES`` for the metadata,
``ARXIV_EPRINT_MAX_BYTES`` for an e-print, ``ADD_PDF_MAX_BYTES`` for a PDF; a body over it (by its
``Content-Length``, or by what is sent when there is none or it is wrong) is refused at once, not
retried, with a ``NetworkError`` naming the URL and the cap. What is downloaded, and where it is
kept, is ``sources.arxiv``'s.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import math
import os
import re
import tarfile
import time
import zlib
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import BinaryIO, Callable
from xml.etree import ElementTree

from claimcheck.errors import InputError, NetworkError
from claimcheck.sources.caps import ADD_PDF_MAX_BYTES, ARXIV_ATOM_MAX_BYTES, ARXIV_EPRINT_MAX_BYTES, mib
from claimcheck.staged_file import StagedFile

API_ENV, FILES_ENV = "CLAIMCHECK_ARXIV_API", "CLAIMCHECK_ARXIV_FILES"
DEFAULT_API, DEFAULT_FILES = "https://export.arxiv.org/api/query", "https://arxiv.org"


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


# ------------------------------------------------------------------------------------------ checks
# Each check reads the downloaded body from its file (``fh``): the Atom feed whole (it is at most
# ARXIV_ATOM_MAX_BYTES), a PDF by its head and its tail, an e-print as a stream.
_BLOCK = 1024 * 1024


def check_atom(fh: BinaryIO) -> str | None:
    fh.seek(0)
    try:
        ElementTree.fromstring(fh.read())
    except ElementTree.ParseError as exc:
        return f"malformed or truncated Atom response ({exc})"
    return None


def check_pdf(fh: BinaryIO) -> str | None:
    fh.seek(0)
    if fh.read(5) != b"%PDF-":
        return "not a PDF"
    fh.seek(max(0, fh.seek(0, os.SEEK_END) - 2048))
    return None if b"%%EOF" in fh.read() else "truncated PDF (no %%EOF at the end)"


def _decompressing(fh: BinaryIO, head: bytes) -> BinaryIO | None:
    """``fh`` read through gzip, bzip2 or xz when ``head`` (its first bytes) says it is so compressed, as a
    stream decompressed as it is read (the formats arXiv's e-prints come in, as ``latex_files`` reads
    them); None for no compression."""
    if head[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=fh, mode="rb")
    if head[:3] == b"BZh":
        return bz2.BZ2File(fh)
    if head[:6] == b"\xfd7zXZ\x00":
        return lzma.LZMAFile(fh)
    return None


def check_source(fh: BinaryIO) -> str | None:
    """A PDF is checked as one; a gzip, bzip2 or xz stream is read to its end (gzip's length and CRC,
    bzip2's CRC, xz's check and index verified: a truncated one ends before its end-of-stream marker), and
    a tar archive (compressed or not) through its last member, decompressed as it is read: never all in memory."""
    fh.seek(0)
    head = fh.read(6)
    if head[:5] == b"%PDF-":
        return check_pdf(fh)
    fh.seek(0)
    try:
        stream = _decompressing(fh, head) or fh
        if stream.read(262)[257:262] == b"ustar":
            stream.seek(0)
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for _ in tar:  # each member's data is read past, not kept
                    pass
        while stream is not fh and stream.read(_BLOCK):  # the rest of the compressed stream, to its end marker
            pass
    except (OSError, EOFError, zlib.error, lzma.LZMAError, tarfile.TarError) as exc:
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
class Http:
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
