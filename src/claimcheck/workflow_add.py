"""The library call behind ``claimcheck add``: read or fetch a paper, draft its file, save or diff it.

``add_paper(AddRequest(...))`` reads a local source (``--tex``, ``--pdf``, ``--text``) or fetches
``arxiv:ID[vN]`` through the cache, extracts tables and candidate claims, builds the draft with
``claims.draft.build_draft``, and writes it to ``<registry>/<paper-id>.yaml``; when the paper
already has a file (in the registry folder, else among the bundled ones) that file is left alone and
the outcome carries a ``PaperDiff`` instead. ``--out`` names a new file: an existing one is refused,
and so is one in claimcheck's bundled claim files for a paper that already has a claim file (every
`verify` would refuse its id given twice; the CLI refuses any other shipped data before this).
``render_add_outcome`` is what the command prints.

Effects live here (files, the network through ``sources.arxiv``); ``claims.draft`` stays pure.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from claimcheck.claims.draft import (
    Extraction, PaperDiff, PaperMeta, build_draft, diff_paper_files, render_diff, render_paper_yaml, save_paper_file,
)
from claimcheck.claims.models import PAPER_ID, PaperFile
from claimcheck.claims.registry import BUNDLED_PAPERS, load_paper_file
from claimcheck.claims.yaml_text import load_yaml
from claimcheck.atomic import is_descriptor
from claimcheck.errors import InputError, OutputError
from claimcheck.places import lies_in
from claimcheck.sources.caps import ADD_TEXT_MAX_BYTES, mib
from claimcheck.text_bytes import decode_text, looks_binary
from claimcheck.visible import CONTROL


@dataclass(frozen=True)
class AddRequest:
    arxiv: str | None = None  # "arxiv:2005.13013v2"
    pdf: Path | None = None
    tex: Path | None = None
    text: Path | None = None
    registry: Path = Path("claims")
    offline: bool = False
    paper_id: str | None = None
    out: Path | None = None  # write the draft here instead of <registry>/<paper-id>.yaml


@dataclass(frozen=True)
class AddOutcome:
    paper_file: PaperFile
    origin: str
    existing: Path | None  # the file this paper already has (the registry folder's, else the bundled one)
    written: Path | None  # where the draft was written (None: only a diff was shown)
    diff: PaperDiff | None
    fetch_note: str = ""
    kept: bool = True  # whether ``written`` keeps the draft as a file (not /dev/stdout, /dev/null or a pipe)
    read_notes: tuple[str, ...] = ()  # how a text or .tex file's bytes were read, when not as plain UTF-8 (text_bytes.decode_text)
    bundled: bool = False  # whether ``written`` is in claimcheck's bundled claim files (a developer's draft of a paper to bundle)


def find_paper_file(registry: Path, paper_id: str) -> Path | None:
    """The registry file whose ``paper.id`` is ``paper_id`` (``<id>.yaml`` first), if any."""
    direct = registry / f"{paper_id}.yaml"
    if direct.is_file():
        return direct
    if not registry.is_dir():
        return None
    for path in sorted([*registry.rglob("*.yaml"), *registry.rglob("*.yml")]):
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))  # read as claim files are (YAML 1.2 core scalars)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, RecursionError):
            continue  # unreadable: not recognisably this paper (`claimcheck validate` reports it)
        if isinstance(data, dict) and isinstance(data.get("paper"), dict) and data["paper"].get("id") == paper_id:
            return path
    return None


def check_out_path(out: Path, sources: list[Path]) -> None:
    """``--out`` must not be an existing file: it may be a confirmed claim file (which ``add`` leaves
    alone) or the very source being read. A device or a pipe, or a descriptor such as ``/dev/stdout``
    (even when redirected to a file), holds nothing to lose."""
    if not out.is_file() or is_descriptor(out):
        return
    if any(src.is_file() and out.samefile(src) for src in sources):
        raise InputError("is the source being read: write the draft to another file", path=str(out), field="--out")
    raise InputError("already exists and is left alone: choose another --out path, or delete the file first",
                     path=str(out), field="--out")


def in_bundled_papers(path: Path) -> bool:
    """Whether ``path`` lies in claimcheck's bundled claim files (``BUNDLED_PAPERS``, any depth), which
    every `claimcheck verify` reads: found by what it is, not by its spelling (``..``, a link, a bind
    mount), as the CLI's shipped-data check finds it (``places``)."""
    return lies_in(path, BUNDLED_PAPERS)


MAX_ID_CHARS = 200
MAX_TEXT_BYTES = ADD_TEXT_MAX_BYTES  # 20 MiB: a text file larger than this is no conversion of a paper


def _check_text_source(path: Path, needs_id: bool) -> None:
    """``--text`` must be a regular file, or a descriptor the user named (``/dev/stdin``, ``/dev/fd/N`` of a
    pipe or ``<(...)``), which gives no paper id: ``--id`` (or an arXiv id: ``needs_id`` False) must. A
    named pipe (FIFO) or a device would block the read until something writes to it, or never end:
    refused before any request."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(f"cannot read text file ({exc.strerror or exc})", path=str(path)) from None
    if stat.S_ISREG(mode) and not is_descriptor(path):
        return
    if is_descriptor(path):
        if needs_id:
            raise InputError("a descriptor gives no paper id: give one with --id", path=str(path), field="--id")
        return
    raise InputError("is a folder, not a text file" if stat.S_ISDIR(mode) else
                     "not a regular file (a named pipe, a device?): give the text file itself, or pipe it in as "
                     "--text /dev/stdin --id ID", path=str(path), field="--text")


def _read_text_source(path: Path) -> bytes:
    """At most ``caps.ADD_TEXT_MAX_BYTES`` (20 MiB) of ``path``, the ``--text`` file: a larger file is
    refused (naming the cap in MiB, and the file's size where it has one) rather than read whole into
    memory (or, from a pipe, without end)."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(ADD_TEXT_MAX_BYTES + 1)
            size = os.fstat(fh.fileno()).st_size if len(raw) > ADD_TEXT_MAX_BYTES else 0
    except OSError as exc:
        raise InputError(f"cannot read text file ({exc.strerror or exc})", path=str(path)) from None
    if len(raw) > ADD_TEXT_MAX_BYTES:
        said = f" ({size:,} bytes)" if size > ADD_TEXT_MAX_BYTES else ""  # a pipe, a file that lies about its size: none
        raise InputError(f"larger than {mib(ADD_TEXT_MAX_BYTES)}{said}: not a text conversion of a paper", path=str(path),
                         field="--text")
    return raw

# What a local source's file name ends with that is no part of the paper's name
_SOURCE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".gz", ".zip", ".tex", ".pdf", ".txt", ".text", ".md",
                    ".markdown")


def _local_id(path: Path) -> str:
    """The paper id a local source's name gives: the name without a hidden file's leading dots and
    without its source suffixes (``2005.13013.pdf`` -> ``2005.13013``, ``toy.tar.gz`` -> ``toy``,
    ``.notes.txt`` -> ``notes``; a folder: its name), other characters than letters, digits, '.', '_'
    and '-' made '-'. An ``InputError`` (on ``--id``) when nothing of the name is left."""
    name = path.name if path.name not in ("", "..") else path.resolve().name  # "." and "..": the folder's own name
    name = name.lstrip(".")
    while (suffix := next((s for s in _SOURCE_SUFFIXES if name.lower().endswith(s)), None)) and len(name) > len(suffix):
        name = name[: -len(suffix)]
    found = re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9._-]+", "-", name)).strip("-._")
    if not found:
        raise InputError(f"no paper id can be taken from the name {path.name!r}: give one with --id", path=str(path), field="--id")
    return found


# What splitlines() takes for a line break besides "\n" (pdf.text_sections reads lines so): kept as one
_LINE_BREAK = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def _without_controls(text: str, label: str, notes: list[str]) -> str:
    """``text`` without a character a claim file refuses (``visible.CONTROL``), so that the draft is one
    `validate` and the next `add` can read: a line break of another kind as "\\n", a bidi control dropped,
    any other (a ligature a PDF's font does not map, pypdf giving "\\x0e" for "ffi") as U+FFFD, said in a
    note for the person to check those words."""
    if not CONTROL.search(text):
        return text
    text = _LINE_BREAK.sub("\n", text)
    text, bidi = _BIDI.subn("", text)
    text, other = CONTROL.subn("\ufffd", text)
    if other:
        notes.append(f"{label}: {other} control character(s) were written as '\ufffd' in the draft (in a PDF's text, often "
                     "a ligature such as 'ffi' that its fonts do not map): check those words against the paper")
    if bidi:
        notes.append(f"{label}: {bidi} bidi control character(s) were dropped")
    return text


def _extract(req: AddRequest, source: Path | None, kind: str) -> tuple[Extraction, str, list[str], list[str]]:
    """(extraction, title, authors, notes on how a text file was decoded) of a LaTeX source, a PDF or a text file."""
    from claimcheck.sources import latex, latex_files, pdf
    from claimcheck.sources.candidates import find_candidates

    notes: list[str] = []  # how each file was decoded (text_bytes.decode_text), when not as plain UTF-8
    if kind == "latex":
        tex = (latex_files.load_latex_source(source, notes, field="--tex") if req.tex
               else latex_files.load_eprint_file(source, notes))  # arXiv's e-print, from the cache: as a stream
        tex = _without_controls(tex, str(source), notes)
        tables, sections = latex.extract_latex_tables(tex), latex.latex_sections(tex)
        return Extraction("latex", tables, find_candidates(sections, tables)), latex.latex_title(tex), latex.latex_authors(tex), notes
    if kind == "pdf":
        text = "\n\n".join(pdf.load_pdf_text(source, field="--pdf" if req.pdf else None))  # arXiv's PDF: no option named it
    else:
        raw = _read_text_source(source)
        if raw.startswith(b"%PDF"):
            raise InputError("this is a PDF: give it with --pdf FILE", path=str(source))
        if looks_binary(raw):
            raise InputError("this is a binary file, not text", path=str(source))
        # UTF-8, or UTF-16/32 by its byte-order mark (it was taken for a binary file); stray bytes as Windows-1252
        # (they were replaced unseen): the notes say how it was read
        text, notes = decode_text(raw, str(source))
        if not text.strip():
            raise InputError("the text file is empty", path=str(source))
    text = _without_controls(text, str(source), notes)
    sections = pdf.text_sections(text)
    origin = "pdf-text" if kind == "pdf" else "text"
    tables = pdf.text_tables(text, origin)
    return Extraction(origin, tables, find_candidates(sections, tables)), pdf.text_title(text), [], notes


def add_paper(req: AddRequest) -> AddOutcome:
    """Fetch or read a paper, draft its file, and write it, or diff it against the existing one."""
    local = [(p, k) for p, k in ((req.tex, "latex"), (req.pdf, "pdf"), (req.text, "text")) if p is not None]
    if len(local) > 1:
        raise InputError("give at most one of --tex, --pdf, --text")
    if not local and not req.arxiv:
        raise InputError("nothing to add: give arxiv:ID, --tex DIR|TARBALL, --pdf FILE or --text FILE")
    for path, kind in local:
        if not path.exists():
            raise InputError("no such file or folder", path=str(path))
        if kind == "text":
            _check_text_source(path, needs_id=req.paper_id is None and not req.arxiv)
    if req.out is not None:
        check_out_path(req.out, [p for p, _ in local])  # before any request
    fetched, note = None, ""
    if req.arxiv:
        from claimcheck.sources.arxiv import fetch_arxiv, parse_arxiv_ref

        fetched = fetch_arxiv(parse_arxiv_ref(req.arxiv), offline=req.offline, want_source=not local)
        note = f"{fetched.requests} request(s) to arXiv" if fetched.requests else "arXiv files from the cache (no request)"
    source, kind = local[0] if local else (fetched.source, fetched.kind)
    extraction, title, authors, read_notes = _extract(req, source, kind)
    if fetched is not None:
        p = fetched.paper
        paper_id = req.paper_id if req.paper_id is not None else p.id  # "" is refused below, not read as not given
        # the Atom feed's text as the paper's: nothing a claim file refuses (C1 controls and bidi controls are valid XML)
        title = _without_controls(p.title, "the arXiv title", read_notes)
        authors = [_without_controls(a, "an arXiv author", read_notes) for a in p.authors]
        venue = _without_controls(p.journal_ref, "the arXiv journal_ref", read_notes)
        meta = PaperMeta(id=paper_id, version=p.version, title=title, authors=authors, year=p.year,
                         locator=f"arXiv:{p.id.replace('_', '/')}{p.version}", venue=venue, arxiv_id=p.id.replace("_", "/"))
    else:
        paper_id = req.paper_id if req.paper_id is not None else _local_id(source)
        meta = PaperMeta(id=paper_id, version="unknown", title=title, authors=authors,
                         year=0, locator=str(source))  # a local file states neither; not guessed
    if not PAPER_ID.match(meta.id) or ".." in meta.id:
        raise InputError(f"paper id {meta.id!r} must be letters, digits, '.', '_' or '-' (it names the claim file)", field="--id")
    if len(meta.id) > MAX_ID_CHARS:  # "<id>.yaml" must fit in a file name (255 bytes on most file systems)
        raise InputError(f"paper id of {len(meta.id)} characters: at most {MAX_ID_CHARS} (it names the claim file)", field="--id")
    pf = build_draft(meta, extraction)
    existing = find_paper_file(req.registry, pf.paper.id) or find_paper_file(BUNDLED_PAPERS, pf.paper.id)
    # an earlier draft may still give one cell two values (two tables of the paper): it is diffed as it is
    diff = diff_paper_files(load_paper_file(existing, one_value_per_cell=False), pf) if existing else None
    target = req.out or (None if existing else req.registry / f"{pf.paper.id}.yaml")
    bundled = target is not None and not is_descriptor(target) and in_bundled_papers(target)
    if bundled and existing is not None:  # `--out` there: every `verify` would refuse the paper id given twice
        raise OutputError(f"is in claimcheck's bundled claim files, and paper {pf.paper.id} already has a claim file "
                          f"({existing}): a second one there would make every `claimcheck verify` refuse the paper id "
                          "given twice; choose another --out (nothing was written)", path=str(target), field="--out")
    if target is not None:
        try:  # never over a file that appeared since the checks above (a confirmed claim file, say)
            save_paper_file(render_paper_yaml(pf, extraction.origin), target, new=True)
        except OutputError as exc:  # a folder in the way, no permission: name the option too
            raise OutputError(exc.message, path=exc.path, field="--out" if req.out else "--registry") from None
        except FileExistsError:
            raise InputError("appeared while the draft was being made and is left alone: run again, or choose "
                             "another --out path", path=str(target), field="--out" if req.out else None) from None
    # a descriptor (/dev/stdout), a device or a pipe was written in place, and keeps no file to check
    kept = target is not None and not is_descriptor(target) and target.is_file()
    return AddOutcome(pf, extraction.origin, existing, target, diff, note, kept, tuple(read_notes), bundled)


def render_add_outcome(o: AddOutcome) -> str:
    """What `claimcheck add` prints (pure)."""
    pf = o.paper_file
    lines = [f"paper {pf.paper.id} {pf.paper.version}: {pf.paper.title}"]
    lines.append(f"read {o.origin}: {len({c.locator.split(', row ')[0] for c in pf.paper.cells})} table(s), "
                 f"{len(pf.paper.cells)} cell(s), {len(pf.claims)} candidate claim(s)" + (f"; {o.fetch_note}" if o.fetch_note else ""))
    lines += [f"note: {n}" for n in o.read_notes]
    if o.origin != "latex":
        lines.append("tables come from a text layer: LOW confidence, check every cell against the PDF")
    if o.diff is not None:
        lines.append(f"{o.existing} already exists and was left unchanged; what the source says now:")
        lines.append(render_diff(o.diff))
    if o.written is not None:
        lines.append(f"wrote draft {o.written}")
        if o.bundled:  # a developer's draft of a paper to bundle: it has no parsed copy yet
            lines.append("note: that is claimcheck's bundled claim files, which every `claimcheck verify` reads from now on "
                         "(its drafts stay unverified); once it is confirmed, `python scripts/parse_bundled.py` writes its "
                         "parsed copy (or move the file out)")
        lines.append("next: check each cell and claim against the paper, rewrite statements in your own words, "
                     "choose each claim's derivation (`claimcheck schema derivations` lists their parameters), and set "
                     "`draft: false` on what you confirm (delete the rest). Then:")
        shown = shlex.quote(str(o.written)) if o.kept else "FILE.yaml"
        if not o.kept:
            lines.append(f"  ({o.written} keeps no file: save the draft as FILE.yaml first)")
        lines.append(f"  claimcheck validate {shown}          # refuses the file while drafts remain")
        lines.append(f"  claimcheck verify all -r {shown}   # the bundled papers plus this file (drafts stay unverified)")
    elif o.diff is not None:
        lines.append("to keep the new draft, pass --out NEWFILE (or move the old file away and run again)")
    return "\n".join(lines)
