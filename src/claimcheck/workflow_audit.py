"""The library call behind ``claimcheck audit``: read the reports, verify the registry, audit.

Effects live here (files, the store); ``claimcheck.audit`` stays pure. A report that cannot be read
(empty, binary, a PDF without text...) does not stop the others: it is returned as an
``InputProblem`` and the command exits 2 after rendering what could be audited.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.audit.models import AuditResult, InputProblem, PassedOver

REPORT_SUFFIXES = (".txt", ".md", ".markdown", ".pdf")
# how the scorecards `claimcheck audit` writes as text start (terminal and Markdown formats; the HTML and
# JSON ones have no report suffix)
_SCORECARD_STARTS = ("━━ scorecard: ", "# claimcheck audit of synthesis reports")


# why a file a folder scan found is passed over (``synthesis.report_parts``)
NO_PARTS = ("no claims table, no header field such as 'This paper examines:' or 'Research question:', "
            "no References section")
# the reasons an audit gives for a file of a folder it passed over (``PassedOver.reason``)
SHOWS_NO_PART = "shows no part of a synthesis report"
A_SCORECARD = "a scorecard `claimcheck audit` wrote"
HIDDEN_FILE = "hidden: its name starts with '.'"
HIDDEN_FOLDER = "a hidden folder: the report files in it are not read"
STANDARD_OUTPUT = "this command's standard output"


class StdinPath(type(Path())):
    """The report path "-": the report is read from standard input (``STDIN``)."""


STDIN = StdinPath("-")
STDIN_LABEL = "<stdin>"


def is_scorecard(path: Path) -> bool:
    """Whether ``path`` is a scorecard ``claimcheck audit`` wrote (``--out`` into the reports' own
    folder), not a report: auditing it would audit the audit."""
    try:
        with path.open("rb") as fh:
            head = fh.read(256)
    except OSError:  # unreadable: reading it as a report names the problem
        return False
    return head.decode("utf-8", "replace").lstrip("\ufeff").startswith(_SCORECARD_STARTS)


def _holds_reports(folder: Path) -> bool:
    """Whether ``folder`` itself (not its sub-folders: a ``.git`` is not walked) holds a report file."""
    try:
        with os.scandir(folder) as entries:
            return any(e.name.lower().endswith(REPORT_SUFFIXES) and e.is_file() for e in entries)
    except OSError:
        return False


def _files_under(folder: Path, hidden: list[tuple[Path, str]] | None = None) -> list[Path]:
    """The files under ``folder``, sub-folders included, less hidden ones (a name starting with ".":
    ``.git``, an editor's or Jupyter's ``.ipynb_checkpoints`` copies of the reports). A linked folder
    is followed, once: a link back up (a loop) or to a folder already read adds nothing. ``hidden`` gets
    each hidden report file (by suffix) and each hidden folder that holds one itself, with why."""
    files: list[Path] = []
    seen: set[tuple[int, int]] = set()
    stack = [folder]
    while stack:
        here = stack.pop()
        try:
            st = here.stat()
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:  # a folder that cannot be listed holds nothing to read
            continue
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                if hidden is not None:
                    try:
                        if entry.is_file() and entry.name.lower().endswith(REPORT_SUFFIXES):
                            hidden.append((here / entry.name, HIDDEN_FILE))
                        elif entry.is_dir() and _holds_reports(here / entry.name):
                            hidden.append((here / entry.name, HIDDEN_FOLDER))
                    except OSError:
                        pass
                continue
            try:
                if entry.is_dir():
                    folders.append(here / entry.name)
                elif entry.is_file():
                    files.append(here / entry.name)
            except OSError:
                continue
        stack.extend(reversed(folders))  # by name: of two links to one folder, the first is read
    return files


def _standard_output() -> tuple[int, int] | None:
    """(device, inode) of the file standard output is redirected to (`audit reports --format md >
    reports/audit.md`), else None."""
    try:
        st = os.fstat(1)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def _is(path: Path, file: tuple[int, int] | None) -> bool:
    if file is None:
        return False
    try:
        st = path.stat()
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == file


def _problem(problems: list[InputProblem] | None, message: str, path: Path) -> None:
    if problems is None:
        raise InputError(message, path=str(path))
    problems.append(InputProblem(path=str(path), message=message))


def expand_report_paths(paths: Sequence[Path], problems: list[InputProblem] | None = None,
                        scanned: dict[Path, Path] | None = None, passed: list[PassedOver] | None = None) -> list[Path]:
    """Files as given (``STDIN`` once); folders expanded to their report files (``REPORT_SUFFIXES``; ``_files_under``),
    sorted, less the scorecards an earlier audit wrote there (``is_scorecard``) and the file standard
    output goes to (``_standard_output``: the shell empties it before the command starts). A path that names
    nothing, or a folder without reports, raises ``InputError``; with ``problems``, it is added there
    instead and the other paths are expanded. ``scanned`` gets each file found by a folder scan only (not
    also named itself), resolved, with the folder named that holds it. ``passed`` gets what a folder scan
    passed over (a scorecard, the standard output's file, a hidden report file or folder) and why, but
    for a file also named itself."""
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    found_in: dict[Path, Path] = {}
    named: set[Path] = set()
    output = _standard_output()
    for p in paths:
        if isinstance(p, StdinPath):
            if not any(isinstance(f, StdinPath) for f in files):  # standard input is read once
                files.append(p)
        elif p.is_dir():
            found = []
            for f in sorted(_files_under(p, skipped)):
                if f.suffix.lower() not in REPORT_SUFFIXES:
                    continue
                if is_scorecard(f):
                    skipped.append((f, A_SCORECARD))
                elif _is(f, output):  # the shell emptied it for this run's output
                    skipped.append((f, STANDARD_OUTPUT))
                else:
                    found.append(f)
            if not found:
                _problem(problems, f"no report files ({', '.join(REPORT_SUFFIXES)}) in this folder", p)
            files.extend(found)
            for f in found:
                found_in.setdefault(f.resolve(), p)
        elif _is(p, output):
            _problem(problems, "is this command's standard output (`> FILE`): it is no report to audit while the "
                     "scorecard is written to it", p)
        elif p.exists():
            files.append(p)
            named.add(p.resolve())
        else:
            _problem(problems, "no such report file or folder", p)
    if scanned is not None:
        scanned.update((f, folder) for f, folder in found_in.items() if f not in named)
    if passed is not None:
        said = {Path(x.path).resolve() for x in passed}
        for f, reason in skipped:
            if f.resolve() not in named and f.resolve() not in said:  # a folder given twice names it once
                said.add(f.resolve())
                passed.append(PassedOver(path=str(f), reason=reason))
    seen: set[Path] = set()
    return [f for f in files if isinstance(f, StdinPath) or not (f.resolve() in seen or seen.add(f.resolve()))]


def audit_from_disk(
    paths: Sequence[Path],
    registry_dirs: Sequence[Path] = (),
    result_paths: Sequence[Path] = (),
    store_path: Path | None = None,
    include_bundled_results: bool = True,
    drop_ambiguous_seeds: bool = False,
) -> AuditResult:
    """Audit every report under ``paths`` against the registry and the verifier's verdicts
    (``drop_ambiguous_seeds``: see ``verifier.engine.verify``). A file a folder scan found that shows no
    part of a synthesis report (``synthesis.report_parts``: a README, a LICENSE, a changelog beside the
    reports) is not audited but carried in the result's ``passed_over``, with what the scan passed over
    (``expand_report_paths``); a folder none of whose files was audited or refused for that reason is an
    ``InputProblem`` naming them. A file named itself is always audited."""
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import report_parts
    from claimcheck.sources.synthesis_file import load_synthesis
    from claimcheck.audit.engine import audit_reports, verdict_views
    from claimcheck.workflow import known_paper_names, verify_from_disk

    problems: list[InputProblem] = []
    scanned: dict[Path, Path] = {}
    passed_over: list[PassedOver] = []
    files = expand_report_paths(paths, problems, scanned, passed_over)  # a path that names nothing does not stop the others
    skipped: dict[Path, list[Path]] = {}  # folder -> the files of it that show no part of a report
    used: set[Path] = set()  # the folders of which a file was audited (or refused)
    registry, verification = verify_from_disk((), registry_dirs, result_paths, store_path, include_bundled_results,
                                              drop_ambiguous_seeds)
    reports = []
    for f in files:
        if isinstance(f, StdinPath):
            import sys

            from claimcheck.sources.synthesis_file import load_synthesis_stream

            try:
                reports.append(load_synthesis_stream(sys.stdin.buffer, STDIN_LABEL))
            except InputError as exc:
                problems.append(InputProblem(path=STDIN_LABEL, message=exc.message))
            continue
        if is_scorecard(f):  # named as such: a folder's are passed over
            problems.append(InputProblem(path=str(f), message="a scorecard `claimcheck audit` wrote, not a synthesis report"))
            continue
        folder = scanned.get(f.resolve())
        try:
            report = load_synthesis(f)
        except InputError as exc:
            problems.append(InputProblem(path=str(f), message=exc.message))
        else:
            if folder is not None and not report_parts(report):
                skipped.setdefault(folder, []).append(f)
                continue
            reports.append(report)
        if folder is not None:
            used.add(folder)
    for folder, passed in skipped.items():
        if folder in used:
            passed_over.extend(PassedOver(path=str(f), reason=SHOWS_NO_PART) for f in passed)
        else:  # nothing in it was audited: said as a problem, as a folder without report files is
            names = ", ".join(str(f.relative_to(folder)) if f.is_relative_to(folder) else str(f) for f in passed)
            problems.append(InputProblem(path=str(folder), message=f"no synthesis report in this folder: its {len(passed)} file(s) show no part of one ({NO_PARTS}): {names}"))
    sources = "; ".join(verification.results_sources) or "no replication results"
    return audit_reports(
        reports,
        registry,
        verdict_views(verification),
        load_bibliography(),
        problems=problems,
        passed_over=sorted(passed_over, key=lambda x: x.path),
        verdicts_from=f"claimcheck verify over the registry (source tier; replication from {sources})",
        known_names=known_paper_names,
    )
