"""Reading a paper's LaTeX source: its .tex files, and the main file with every ``\\input`` inlined.

``load_latex_source(path)`` reads a folder, a tarball, a gzipped single file or a ``.tex`` file and
returns the main file with every ``\\input``/``\\include`` inlined (tarballs are read as a stream
that keeps only their .tex files, never extracted); ``load_eprint_file(path)`` reads arXiv's e-print
from the cache so, ``load_latex_bytes(data)`` from its bytes. A single ``.tex`` file is read with the files it inputs, found relative to its
folder, and nothing else of that folder; an input outside the folder (``../x``, ``/etc/x``) is not
read, and a note says so. An input not found among the source's .tex files, or nested more than
``MAX_INPUT_DEPTH`` inputs deep, is left out with a note naming it once; ``sections/../t1`` is ``t1``. A file that cannot be read (a folder named ``x.tex``, a file too large, no
permission) is an error only when the paper inputs it; .tex files holding more than ``caps.ADD_LATEX_TOTAL_MAX_BYTES``
in all make the whole source an error (their text would be held in memory). Each file is decoded by ``text_bytes.decode_text``, as every text file a person
wrote is: UTF-8, or UTF-16/32 by its byte-order mark, stray bytes read as Windows-1252; a note for
each file inlined that was not plain UTF-8 goes to the caller's ``notes``. What the text holds
(tables, sections, title and authors) is read by ``sources.latex``.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import posixpath
import re
import tarfile
import zlib
from pathlib import Path
from typing import BinaryIO

from claimcheck.errors import InputError
from claimcheck.sources.caps import ADD_LATEX_MAX_BYTES, ADD_LATEX_TOTAL_MAX_BYTES, mib
from claimcheck.sources.texmarkup import strip_comments
from claimcheck.text_bytes import decode_text

MAX_MEMBER_BYTES = ADD_LATEX_MAX_BYTES  # 20 MiB: a .tex file larger than this is not a paper source
MAX_INPUT_DEPTH = 12  # \input nested deeper than this is not followed (a note says so)


class _Files:
    """A source's .tex files by name, decoded, with the notes on how each one's bytes were read, and
    the error of each that is no text (it starts with a UTF-16/32 byte-order mark, but is not that
    encoding's text): raised only if the paper uses that file, since a folder may hold others."""

    def __init__(self, field: str | None = None, where: str = "") -> None:
        self.text: dict[str, str] = {}
        self.notes: dict[str, list[str]] = {}
        self.failed: dict[str, InputError] = {}
        self.field = field  # the option that named the source (--tex), said in an error; None for arXiv's
        self.where = where  # the source (folder, tarball, file), named in the error of its total size
        self.total = 0  # bytes of .tex read so far, at most caps.ADD_LATEX_TOTAL_MAX_BYTES

    def too_large(self, size: int | None, label: str) -> InputError:
        """The error of a file over ``caps.ADD_LATEX_MAX_BYTES``: the cap in MiB, the size in bytes when known."""
        said = f" ({size:,} bytes)" if size is not None else ""
        return InputError(f"larger than {mib(ADD_LATEX_MAX_BYTES)}{said}: not a LaTeX file of a paper", path=label, field=self.field)

    def too_much(self, label: str) -> InputError:
        """The error of a source whose .tex files hold more than ``caps.ADD_LATEX_TOTAL_MAX_BYTES`` in all."""
        given = f"give {self.field} a folder or tarball of the paper's own .tex files" if self.field else \
            "this is no paper's e-print: download the paper's source yourself and give its .tex files with --tex"
        return InputError(f"its .tex files hold more than {mib(ADD_LATEX_TOTAL_MAX_BYTES)} of text in all ({self.total:,} "
                          f"bytes with {label}): no paper's LaTeX source is that large; refused, {given}, or "
                          "its PDF with --pdf", path=self.where, field=self.field)

    def read(self, name: str, path: Path) -> None:
        """File ``name`` from ``path`` (a regular file); one larger than ``caps.ADD_LATEX_MAX_BYTES``, or that
        cannot be read, is kept as an error, raised only if the paper uses it. At most the cap and one byte
        are read, from one open file: one that grew since its size was read, or whose size reads 0 (a
        /proc file), is read no further."""
        try:
            with path.open("rb") as fh:
                if (size := os.fstat(fh.fileno()).st_size) > ADD_LATEX_MAX_BYTES:
                    self.failed[name] = self.too_large(size, str(path))
                    return
                data = fh.read(ADD_LATEX_MAX_BYTES + 1)
        except OSError as exc:
            self.failed[name] = InputError(f"cannot read this LaTeX file ({exc.strerror or exc})", path=str(path))
            return
        if len(data) > ADD_LATEX_MAX_BYTES:  # its size said less
            self.failed[name] = self.too_large(None, str(path))
            return
        self.add(name, data, str(path))

    def add(self, name: str, data: bytes, label: str) -> None:
        """File ``name``, whose bytes are ``data``; ``label`` names it in notes and errors. Once the files
        read hold more than ``caps.ADD_LATEX_TOTAL_MAX_BYTES`` in all, the source is refused at once."""
        self.total += len(data)
        if self.total > ADD_LATEX_TOTAL_MAX_BYTES:
            raise self.too_much(label)
        try:
            self.text[name], notes = decode_text(data, label)
        except InputError as exc:
            self.failed[name] = exc
            return
        self.notes[name] = [f"{label}: {n}" for n in notes]

    def flatten(self, where: str, notes: list[str] | None, main: str | None = None, skip: tuple[str, ...] = ()) -> str:
        """The main file with its inputs inlined; ``notes`` gets how each file inlined was decoded, each input
        not found among the source's files (named once; those in ``skip`` are noted by the caller) and each
        cut for nesting deeper than ``MAX_INPUT_DEPTH``: a part of the paper the draft was made without."""
        used: list[str] = []
        missing: dict[str, str] = {}
        tex = _flatten(self.text, where, main, used, self.failed, missing)
        if notes is not None:  # a file of the folder that the paper never inputs says nothing
            notes.extend(n for name in dict.fromkeys(used) for n in self.notes[name])
            notes.extend(f"{where}: {why}" for ref, why in missing.items() if ref not in skip)
        return tex


def load_latex_bytes(data: bytes, name: str = "source", notes: list[str] | None = None) -> str:
    """The flattened main file of an e-print as arXiv serves it: tar(.gz), .gz of one file, or text.
    ``notes``, when given, gets a line for each file inlined whose bytes were not plain UTF-8."""
    return _load_archive(io.BytesIO(data), name, notes, None)


def _decompressed(raw: BinaryIO) -> tuple[BinaryIO, str]:
    """``raw`` read through gzip, bzip2 or xz when its first bytes say it is so compressed: a stream
    decompressed as it is read, never all of it in memory (a tarball may hold gigabytes of data
    besides its few .tex files); with the name of the compression ("" for none)."""
    head = raw.read(6)
    raw.seek(0)
    if head[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb"), "gzip"
    if head[:3] == b"BZh":
        return bz2.BZ2File(raw), "bzip2"
    if head == b"\xfd7zXZ\x00":
        return lzma.LZMAFile(raw), "xz"
    return raw, ""


def _load_archive(raw: BinaryIO, name: str, notes: list[str] | None, field: str | None) -> str:
    """The flattened main file of a tarball (compressed or not) or of one compressed or plain file, read
    from ``raw`` as a stream: only the .tex members are kept, each at most ``caps.ADD_LATEX_MAX_BYTES``.
    ``field``: the option that named the source, said in an error about its size."""
    files, compression = _Files(field, name), ""
    try:
        stream, compression = _decompressed(raw)
        if stream.read(5) == b"%PDF-":
            raise InputError("this is a PDF, not a LaTeX source (use --pdf)", path=name)
        stream.seek(0)
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    if not (member.isfile() and member.name.endswith(".tex")):
                        continue  # a figure, a dataset, a link (never followed), a folder
                    key = _norm(member.name)
                    if member.size > ADD_LATEX_MAX_BYTES:
                        files.failed[key] = files.too_large(member.size, f"{name}: {key}")
                        continue
                    if files.total + member.size > ADD_LATEX_TOTAL_MAX_BYTES:  # refused before it is read
                        files.total += member.size
                        raise files.too_much(f"{name}: {key}")
                    handle = tar.extractfile(member)
                    if handle is not None:
                        files.add(key, handle.read(), f"{name}: {key}")
        except (tarfile.TarError, EOFError):  # no tar archive (or a truncated one): one (formerly compressed) file
            stream.seek(0)
            data = stream.read(ADD_LATEX_MAX_BYTES + 1)
            if len(data) > ADD_LATEX_MAX_BYTES:
                raise InputError(f"neither a tar archive nor a LaTeX file (more than {mib(ADD_LATEX_MAX_BYTES)} of "
                                 "text in one file)", path=name, field=field) from None
            files = _Files(field, name)
            files.add("main.tex", data, name)
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(f"corrupt {compression or 'archive'} data ({exc})", path=name) from None
    return files.flatten(name, notes)


def load_latex_source(path: Path, notes: list[str] | None = None, *, field: str | None = None) -> str:
    """The flattened main file of a folder, a tarball, a .gz file or a single .tex file. ``notes``, when
    given, gets a line for each file inlined whose bytes were not plain UTF-8 (``text_bytes.decode_text``).
    ``field``: the option that named ``path`` (``--tex``), said in an error about a file's size."""
    files = _Files(field, str(path))
    if path.is_dir():
        for p in sorted(path.rglob("*.tex")):
            if p.is_file():  # a folder named x.tex is none of the paper's files
                files.read(_norm(str(p.relative_to(path))), p)
        return files.flatten(str(path), notes)
    if not path.is_file():
        raise InputError("neither a file nor a folder: give a LaTeX folder, tarball or .tex file" if path.exists()
                         else "no such LaTeX file or folder", path=str(path))
    if path.suffix.lower() == ".tex":
        return _load_tex_file(path, files, notes)
    return _load_archive_file(path, notes, field)


def load_eprint_file(path: Path, notes: list[str] | None = None) -> str:
    """The flattened main file of an e-print kept as arXiv served it (``sources.arxiv``'s cache): what
    ``load_latex_bytes`` reads from its bytes, read from the file as a stream, so that a tarball of
    gigabytes of data besides its .tex files is never in memory."""
    return _load_archive_file(path, notes, None)


def _load_archive_file(path: Path, notes: list[str] | None, field: str | None) -> str:
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", path=str(path)) from None
    with raw:
        return _load_archive(raw, str(path), notes, field)


def _load_tex_file(path: Path, files: _Files, notes: list[str] | None) -> str:
    """The single .tex file ``path`` with what it inputs inlined: only the files it names (and those name),
    found as LaTeX finds them, relative to its folder; never one outside that folder."""
    folder, main = path.parent, _norm(path.name)
    root = Path(os.path.realpath(folder))

    def where(key: str) -> tuple[Path, bool]:  # (the file, whether it lies inside the folder, links followed)
        target = folder / key
        return target, Path(os.path.realpath(target)).is_relative_to(root)

    files.read(main, path)
    if main in files.failed:
        raise files.failed[main]
    if not strip_comments(files.text[main]).strip():  # a draft of nothing would be written as if read
        raise InputError("the LaTeX file is empty (nothing but white space and comments)", path=str(path))
    outside: list[str] = []
    pending = [main]
    while pending:
        for m in _INPUT.finditer(strip_comments(files.text.get(pending.pop(), ""))):
            ref = (m.group(1) or m.group(2)).strip()
            keys = _ref_keys(ref, Path("."))
            if any(k in files.text or k in files.failed for k in keys):
                continue  # read already (an input loop, or a file input twice)
            try:
                found = next((k for k in keys if k.endswith(".tex") and where(k)[1] and where(k)[0].is_file()), None)
                if found is None and any(not where(k)[1] for k in keys):
                    outside.append(ref)  # ../x, /etc/x, a link out of the folder
            except (OSError, ValueError):  # a name too long for the file system, a NUL in it: no file of the paper
                found = None
            if found is not None:
                files.read(found, folder / found)
                pending.append(found)
    tex = files.flatten(str(path), notes, main=main, skip=tuple(outside))
    if notes is not None:
        notes.extend(f"{path}: \\input{{{ref}}} names a file outside the folder of {path.name}: not read"
                     for ref in dict.fromkeys(outside))
    return tex


def _norm(name: str) -> str:
    """A file's name as the source's files are keyed: '/' for '\\', ``a/./b`` and ``a/../b`` resolved as
    LaTeX's file system would (``sections/../t1`` is ``t1``), no leading ``./``."""
    name = name.replace("\\", "/")
    return re.sub(r"^(\./)+", "", posixpath.normpath(name)) if name else name


def _pick_main(files: dict[str, str]) -> str | None:
    mains = [n for n, t in files.items() if re.search(r"\\begin\s*\{document\}", strip_comments(t))]
    mains = mains or [n for n, t in files.items() if "\\documentclass" in t]
    preferred = [n for n in mains if Path(n).stem in {"main", "paper", "ms", "article"}]
    return sorted(preferred or mains, key=lambda n: (-len(files[n]), n))[0] if mains else None


def _ref_keys(ref: str, base: Path) -> list[str]:
    """The names an ``\\input{ref}`` may mean, in the order they are tried (``base``: the main file's folder)."""
    return list(dict.fromkeys(_norm(str(p)) for r in (ref, f"{ref}.tex") for p in (Path(r), base / r)))


_INPUT = re.compile(r"\\(?:input|include|subfile)\s*\{([^}]*)\}|\\input\s+([^\s{}\\]+)")


def _flatten(files: dict[str, str], where: str, main: str | None = None, used: list[str] | None = None,
             failed: dict[str, InputError] | None = None, missing: dict[str, str] | None = None) -> str:
    """The main file with its inputs inlined; ``used``, when given, gets the name of each file inlined.
    ``failed``: the files that could not be read as text, by name: the error of one that is needed is raised.
    ``missing``, when given, gets each input left out (its name -> why), first mention only: one not
    among ``files``, or one nested deeper than ``MAX_INPUT_DEPTH`` (an input loop is read once, and says nothing)."""
    missing = {} if missing is None else missing
    failed = failed or {}
    main = main or _pick_main(files)
    if main in failed or (main is None and failed):  # the main file, or (none found) perhaps one of them
        raise failed[main if main in failed else next(iter(failed))]
    if main is None:
        raise InputError("no .tex file with \\documentclass or \\begin{document} found", path=where)
    base = Path(main).parent

    def inline(name: str, seen: tuple[str, ...]) -> str:
        def sub(m: re.Match) -> str:
            ref = (m.group(1) or m.group(2)).strip()
            key = next((k for k in _ref_keys(ref, base) if k in files or k in failed), None)
            if key in failed:
                raise failed[key]
            command = "\\" + re.match(r"\\(\w+)", m.group(0)).group(1) + "{" + ref + "}"
            if key is None:
                missing.setdefault(ref, f"{command} names no file found among the source's .tex files: that part of the "
                                        "paper was not read (fine for a file of the TeX installation, such as glyphtounicode)")
            elif key not in seen and len(seen) > MAX_INPUT_DEPTH:
                missing.setdefault(ref, f"{command} (in {name}) is nested more than {MAX_INPUT_DEPTH} inputs deep: not read")
            if key is None or key in seen or len(seen) > MAX_INPUT_DEPTH:
                return " "
            return "\n" + inline(key, seen + (key,)) + "\n"

        if used is not None:
            used.append(name)
        return _INPUT.sub(sub, strip_comments(files[name]))

    return inline(main, (main,))
