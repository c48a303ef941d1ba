"""An arXiv paper's metadata and source (its LaTeX e-print, else its PDF), downloaded once into an on-disk cache.

``fetch_arxiv(ref)`` asks the arXiv API for the paper's metadata (an Atom feed, parsed by the
``arxiv`` package), then downloads the LaTeX source (``/src/<id>``) or, when arXiv has none, the PDF
(``/pdf/<id>``). Everything it downloads is kept under ``claimcheck_home()/cache/arxiv/<id>/`` as
the server sent it, so a second run makes no request and ``offline=True`` reads only the cache. A
version asked for (``2005.13013v2``) is the version read: a feed that answers with another one, or an
e-print or PDF whose ``Content-Disposition`` file name names another, is refused and nothing is kept.
Each download (its endpoints and patience from the environment, its retries, cap and checks) is
``sources.arxiv_download``'s.

Why not ``arxiv.Client.results``: in arxiv 4.x it calls ``requests`` without a timeout (a stalled
server hangs it forever) and ignores ``Retry-After``; we fetch the bytes ourselves and hand them
to the package's own Atom parser, which builds the ``arxiv.Result``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal
from urllib.parse import urlencode

from claimcheck.errors import InputError, NetworkError
from claimcheck.home import claimcheck_home
from claimcheck.sources.arxiv_download import (
    ATOM_CAP, EPRINT_CAP, PDF_CAP, FetchSettings, Http, check_atom, check_pdf, check_source, load_fetch_settings,
)
from claimcheck.staged_file import StagedFile, sweep_staged

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
    http = Http(settings, sleep)
    if folder.is_dir():  # what a download killed outright (SIGKILL) left; a live one's file is locked, and stays
        sweep_staged(folder)
    cached = _cached_meta(folder, ref)
    if cached is not None:
        paper = _parse_entry(cached.read_bytes(), ref)
    elif offline:
        raise NetworkError(f"--offline: arXiv metadata for {ref} is not in the cache ({folder}); run once without --offline")
    else:
        url = f"{settings.api}?{urlencode({'id_list': str(ref), 'max_results': 1})}"
        with StagedFile(folder) as staged:
            status = http.get(url, check_atom, ATOM_CAP, staged)
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
        status = http.get(url, check_source, EPRINT_CAP, staged)
        if status == 200:
            _check_sent_version(http.headers, url, ref.id, paper.version)
            if staged.head(5) != b"%PDF-":
                staged.keep(src)
                return Fetched(paper, src, "latex", http.requests)
            staged.keep(pdf)  # an e-print that is a PDF (its cap was the PDF's)
            return Fetched(paper, pdf, "pdf", http.requests)
    url = f"{settings.files}/pdf/{arxiv_id}"  # no source on arXiv: the PDF is all there is
    with StagedFile(folder) as staged:
        status = http.get(url, check_pdf, PDF_CAP, staged)
        if status != 200:
            raise NetworkError(f"arXiv has neither source nor PDF for {arxiv_id} (HTTP {status})")
        _check_sent_version(http.headers, url, ref.id, paper.version)
        staged.keep(pdf)
    return Fetched(paper, pdf, "pdf", http.requests)
