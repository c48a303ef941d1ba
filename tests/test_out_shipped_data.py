"""`--out` inside claimcheck's shipped data (the bundled results and claim files, the bibliography) is
refused with exit 2, naming the path and the option, before any work and with nothing written:
`runs export`, `report`, `audit` and `verify` (cli.plain.not_shipped_data), and `runs remove --backup`
(field `--backup`, nothing removed). The one exception is the
bundled proxy report, which `claimcheck report` generated and the bundled README's command regenerates.

Each test puts back whatever a write it should have refused changed, so a regression cannot leave the
checkout's shipped data altered."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import NamedTuple

from typer.testing import CliRunner

from claimcheck.claims.registry import BUNDLED_PAPERS
from claimcheck.cli import app
from claimcheck.results.files import BUNDLED_RESULTS
from claimcheck.sources.bibliography import BUNDLED_BIBLIOGRAPHY
from paper_fixtures import PAPER, report as synthesis_report


def _run(tmp_path: Path, *args) -> object:
    """The command with an empty home (no store of the user's is read)."""
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200", "CLAIMCHECK_HOME": str(tmp_path / "home")})


@contextlib.contextmanager
def _kept(*folders: Path):
    """Every file under ``folders`` as it was, before and after: put back (and what was added
    removed) if the command under test wrote there."""
    before = {p: p.read_bytes() for f in folders for p in ([f] if f.is_file() else f.rglob("*")) if p.is_file()}
    try:
        yield
    finally:
        after = {p for f in folders for p in ([f] if f.is_file() else f.rglob("*")) if p.is_file()}
        for path in sorted(after - set(before), reverse=True):
            path.unlink()
        for path, data in before.items():
            if not path.is_file() or path.read_bytes() != data:
                path.write_bytes(data)
        for f in folders:  # folders a refused write would have made
            for d in sorted((d for d in f.rglob("*") if d.is_dir() and d.name != "__pycache__"), reverse=True):
                with contextlib.suppress(OSError):
                    d.rmdir()
    assert {p: p.read_bytes() for f in folders for p in ([f] if f.is_file() else f.rglob("*")) if p.is_file()} == before, \
        "the command wrote into claimcheck's shipped data"


def _refused(result, out: str, option: str = "--out") -> None:
    message = " ".join(result.output.split())
    assert result.exit_code == 2, message
    assert "Traceback" not in message and f"field '{option}'" in message and "shipped data" in message, message
    assert out in message and "nothing was written" in message, message
    assert len(result.output.strip().splitlines()) == 1, result.output  # no table, no "written:" before it


# -- runs export: the claim files and the bibliography too, not only the bundled results ---------------

def test_runs_export_refuses_the_bundled_claim_files_and_the_bibliography(tmp_path):
    link = tmp_path / "papers"
    link.symlink_to(BUNDLED_PAPERS, target_is_directory=True)
    outs = [BUNDLED_PAPERS / "claimcheck-test-runs.json", BUNDLED_PAPERS / "2005.13013.yaml.parsed.json",
            link / "claimcheck-test-linked.json", BUNDLED_BIBLIOGRAPHY]
    with _kept(BUNDLED_PAPERS, BUNDLED_BIBLIOGRAPHY):
        for out in outs:
            _refused(_run(tmp_path, "runs", "export", "--out", out), str(out))


# -- report --out ---------------------------------------------------------------------------------------

def _shipped_outs(tmp_path: Path) -> list[Path]:
    """Paths inside the shipped data, spelt in several ways: files there, new files, a new sub-folder,
    `..`, a symbolic link to the folder, and a link to a shipped file."""
    folder_link = tmp_path / "bundled-link"
    folder_link.symlink_to(BUNDLED_RESULTS, target_is_directory=True)
    file_link = tmp_path / "claims-link.yaml"
    file_link.symlink_to(BUNDLED_PAPERS / "2005.13013.yaml")
    return [BUNDLED_RESULTS / "phang2020-proxy-runs.json", BUNDLED_RESULTS / "README.md",
            BUNDLED_RESULTS / "claimcheck-test-report.md", BUNDLED_RESULTS / "claimcheck-test" / "report.md",
            BUNDLED_RESULTS / "claimcheck-test" / ".." / "claimcheck-test-up.md", folder_link / "claimcheck-test-linked.md",
            BUNDLED_PAPERS / "2005.13013.yaml", BUNDLED_PAPERS / "claimcheck-test-report.md", file_link, BUNDLED_BIBLIOGRAPHY]


def test_report_refuses_an_out_inside_the_shipped_data_before_any_work(tmp_path):
    with _kept(BUNDLED_RESULTS, BUNDLED_PAPERS, BUNDLED_BIBLIOGRAPHY):
        for out in _shipped_outs(tmp_path):
            _refused(_run(tmp_path, "report", "2005.13013", "--format", "md", "--out", out), str(out))
            _refused(_run(tmp_path, "report", "-o", out), str(out), "--out")  # the short option, the same field
        # before the work: a claim id that no registry holds would be the error otherwise
        out = BUNDLED_PAPERS / "claimcheck-test-report.md"
        _refused(_run(tmp_path, "report", "no-such/claim", "--out", out), str(out))


def test_report_refuses_the_bundled_proxy_report_in_another_format(tmp_path):
    with _kept(BUNDLED_RESULTS):
        for fmt, name in (("json", "phang2020-proxy-report.html"), ("md", "phang2020-proxy-report.html"),
                          ("html", "phang2020-proxy-report.md"), ("json", "phang2020-proxy-report.json")):
            out = BUNDLED_RESULTS / name
            result = _run(tmp_path, "report", "2005.13013", "--format", fmt, "--out", out)
            if name.endswith(".json"):  # no such bundled report: a new file in the bundled results
                _refused(result, str(out))
                continue
            message = " ".join(result.output.split())
            assert result.exit_code == 2 and "field '--out'" in message and str(out) in message, message
            assert f"only `--format {name.rsplit('.', 1)[1]}` regenerates" in message and "nothing was written" in message, message


def test_report_still_regenerates_the_bundled_proxy_report(tmp_path):
    """The command src/claimcheck/results/bundled/README.md gives (with the title the shipped report has):
    the report is `claimcheck report`'s own output, which it writes again, byte for byte."""
    title = "Phang et al. 2020: verification with a proxy replication (mE5-small, CPU)"
    runs = BUNDLED_RESULTS / "phang2020-proxy-runs.json"
    with _kept(BUNDLED_RESULTS):
        for fmt in ("html", "md"):
            out = BUNDLED_RESULTS / f"phang2020-proxy-report.{fmt}"
            done = _run(tmp_path, "report", "2005.13013", "--no-bundled-results", "--results", runs, "--format", fmt,
                        "--title", title, "--out", out)
            assert done.exit_code == 0, done.output
            assert "written:" in done.output and out.name in done.output, done.output
            assert out.read_bytes().startswith(b"<!DOCTYPE html>" if fmt == "html" else b"# " + title.encode())


# -- audit --out: a file, a folder of scorecards, a scorecard that links there ------------------------------

def _synthesis(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two synthesis reports and the claim folder they are audited against."""
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "1234.5678.yaml").write_text(PAPER, encoding="utf-8")
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    for path in (a, b):
        path.write_text(synthesis_report(), encoding="utf-8")
    return a, b, claims


def test_audit_refuses_an_out_inside_the_shipped_data_before_any_work(tmp_path):
    a, b, claims = _synthesis(tmp_path)
    with _kept(BUNDLED_RESULTS, BUNDLED_PAPERS, BUNDLED_BIBLIOGRAPHY):
        for out in _shipped_outs(tmp_path):
            _refused(_run(tmp_path, "audit", a, "-r", claims, "--format", "md", "--out", out), str(out))
        for out in (BUNDLED_RESULTS, BUNDLED_PAPERS, BUNDLED_RESULTS / "claimcheck-test-cards"):  # folders: one scorecard per report
            _refused(_run(tmp_path, "audit", a, b, "-r", claims, "--format", "json", "--out", out), str(out))
            _refused(_run(tmp_path, "audit", a, "-r", claims, "--out", f"{out}/"), str(out))
        out = BUNDLED_RESULTS / "claimcheck-test-all.md"
        _refused(_run(tmp_path, "audit", a, b, "-r", claims, "--all-in-one", "--format", "md", "-o", out), str(out))
        # before the work: a report that does not exist would be the error otherwise
        _refused(_run(tmp_path, "audit", tmp_path / "no-such.md", "-r", claims, "--out", out), str(out))


def test_audit_refuses_a_scorecard_in_its_out_folder_that_links_into_the_shipped_data(tmp_path):
    a, b, claims = _synthesis(tmp_path)
    cards = tmp_path / "cards"
    cards.mkdir()
    link = cards / "b.scorecard.md"
    link.symlink_to(BUNDLED_RESULTS / "README.md")
    with _kept(BUNDLED_RESULTS):
        _refused(_run(tmp_path, "audit", a, b, "-r", claims, "--format", "md", "--out", cards), str(link))
    assert sorted(p.name for p in cards.iterdir()) == ["b.scorecard.md"]  # a's scorecard was not written either


def test_audit_still_writes_beside_the_shipped_data(tmp_path):
    a, b, claims = _synthesis(tmp_path)
    out = tmp_path / "results" / "bundled"  # the same names, elsewhere
    done = _run(tmp_path, "audit", a, b, "-r", claims, "--format", "md", "--out", f"{out}/")
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == ["a.scorecard.md", "b.scorecard.md"]


# -- verify --out DIR: on both front doors (typer's, and cli.fastpath's) --------------------------------------

class _Done(NamedTuple):
    exit_code: int
    output: str


def _verify_fast(tmp_path: Path, monkeypatch, capsys, *args) -> _Done:
    """`claimcheck verify ARGS` through cli.fastpath, which a plain command line takes (no typer)."""
    from claimcheck.cli.fastpath import parse_verify, verify_without_typer

    monkeypatch.setenv("CLAIMCHECK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    parsed = parse_verify(["verify", *map(str, args)], environ={})
    assert parsed is not None
    capsys.readouterr()
    code = verify_without_typer(parsed)
    seen = capsys.readouterr()
    return _Done(code, seen.out + seen.err)


def test_verify_refuses_an_out_folder_inside_the_shipped_data_before_any_work(tmp_path, monkeypatch, capsys):
    link = tmp_path / "papers-link"
    link.symlink_to(BUNDLED_PAPERS, target_is_directory=True)
    outs = [BUNDLED_RESULTS, BUNDLED_PAPERS, BUNDLED_RESULTS / "claimcheck-test-report", BUNDLED_PAPERS / "a" / "b",
            BUNDLED_PAPERS / "claimcheck-test" / "..", link / "claimcheck-test-report"]
    with _kept(BUNDLED_RESULTS, BUNDLED_PAPERS):
        for out in outs:
            _refused(_run(tmp_path, "verify", "all", "--out", out), str(out))
            _refused(_verify_fast(tmp_path, monkeypatch, capsys, "all", "--out", out), str(out))
        # before the work: a claim id that no registry holds would be the error otherwise
        out = BUNDLED_RESULTS / "claimcheck-test-report"
        _refused(_run(tmp_path, "verify", "no-such/claim", "--out", out), str(out))
        # the default folder, claimcheck-report, with the shipped data as the working folder
        monkeypatch.chdir(BUNDLED_RESULTS)
        _refused(_verify_fast(tmp_path, monkeypatch, capsys, "all"), "claimcheck-report")


def test_verify_refuses_a_report_in_its_out_folder_that_links_into_the_shipped_data(tmp_path, monkeypatch, capsys):
    out = tmp_path / "report"
    out.mkdir()
    link = out / "report.json"
    link.symlink_to(BUNDLED_PAPERS / "2005.13013.yaml.parsed.json")
    with _kept(BUNDLED_PAPERS):
        _refused(_run(tmp_path, "verify", "all", "--out", out), str(link))
        _refused(_verify_fast(tmp_path, monkeypatch, capsys, "all", "--out", out), str(link))
    assert [p.name for p in out.iterdir()] == ["report.json"]  # report.md and report.html were not written either


def test_verify_no_write_and_an_out_beside_the_shipped_data_still_work(tmp_path):
    with _kept(BUNDLED_RESULTS):
        done = _run(tmp_path, "verify", "all", "--no-write", "--out", BUNDLED_RESULTS)  # writes nothing: nothing to refuse
        assert done.exit_code in (0, 1) and "report written" not in done.output, done.output
    out = tmp_path / "results" / "bundled"
    done = _run(tmp_path, "verify", "all", "--out", out)
    assert done.exit_code in (0, 1), done.output
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]


def test_the_shipped_data_is_what_the_package_reads_and_verify_starts_no_yaml_parser_to_name_it(tmp_path):
    import os
    import subprocess
    import sys

    from claimcheck.cli.plain import shipped_data

    assert [path for path, _, _ in shipped_data()] == [BUNDLED_RESULTS, BUNDLED_PAPERS, BUNDLED_BIBLIOGRAPHY]
    src = str(Path(__file__).resolve().parents[1] / "src")
    code = ("import sys\nfrom claimcheck.cli import main\ntry:\n    main(['verify', 'all', '--out', sys.argv[1]])\n"
            "except SystemExit as e:\n    print('exit', e.code, 'yaml' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "report")], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": src, "CLAIMCHECK_HOME": str(tmp_path / "home")})
    assert done.stderr.strip().splitlines()[-1] == "exit 0 False", done.stderr


# -- runs remove --backup: a new result file in the bundled results would be read as shipped runs ---------

def _store_of_one_run(tmp_path):
    """A run store holding one run, r-aa01, for `runs remove` to remove (or not)."""
    from claimcheck.results.records import Metric, RunRecord
    from claimcheck.results.store import RunStore

    store = tmp_path / "runs.sqlite"
    with RunStore(store) as s:
        s.save(RunRecord(run_id="r-aa01", paper_id="2005.13013", system="MNLI", seed=1, preset="proxy", fidelity="proxy",
                         deviations=["test record"], spec={"target": {"task": "xnli"}},
                         metrics=[Metric(task="xnli", language="en", metric="accuracy", split="dev", value=70.0)]))
    return store


def test_runs_remove_refuses_a_backup_inside_the_shipped_data_before_anything_is_removed(tmp_path):
    from claimcheck.results.store import RunStore

    store = _store_of_one_run(tmp_path)
    folder_link = tmp_path / "bundled-link"
    folder_link.symlink_to(BUNDLED_RESULTS, target_is_directory=True)
    backups = [BUNDLED_RESULTS / "claimcheck-test-backup.json", BUNDLED_RESULTS / "claimcheck-test" / "backup.json",
               BUNDLED_RESULTS / "claimcheck-test" / ".." / "claimcheck-test-up.json", folder_link / "claimcheck-test-linked.json",
               BUNDLED_PAPERS / "claimcheck-test-backup.json", BUNDLED_RESULTS / "phang2020-proxy-runs.json", BUNDLED_BIBLIOGRAPHY]
    with _kept(BUNDLED_RESULTS, BUNDLED_PAPERS, BUNDLED_BIBLIOGRAPHY):
        for backup in backups:
            for dry in ((), ("--dry-run",)):  # a dry run refuses it too, as it refuses an existing backup
                _refused(_run(tmp_path, "runs", "remove", "r-aa01", "--store", store, "--backup", backup, *dry),
                         str(backup), "--backup")
    with RunStore(store, readonly=True) as s:  # nothing was removed
        assert [r.run_id for r in s.records()] == ["r-aa01"]
    # beside the shipped data, the same command removes the run
    done = _run(tmp_path, "runs", "remove", "r-aa01", "--store", store, "--backup", tmp_path / "backup.json")
    assert done.exit_code == 0 and "1 runs removed" in done.output and (tmp_path / "backup.json").is_file(), done.output


def test_runs_remove_refuses_a_default_backup_inside_the_shipped_data(tmp_path):
    """The default backup, under $CLAIMCHECK_HOME/removed/, goes through the same check as --backup: a
    home inside the bundled results (or linked there) is refused, in a dry run too, before anything is
    removed, and the message says how to choose another place."""
    from claimcheck.results.store import RunStore

    store = _store_of_one_run(tmp_path)
    linked_home = tmp_path / "linked-home"
    linked_home.mkdir()
    (linked_home / "removed").symlink_to(BUNDLED_RESULTS, target_is_directory=True)
    homes = [BUNDLED_RESULTS / "claimcheck-test-home", BUNDLED_PAPERS, linked_home]
    with _kept(BUNDLED_RESULTS, BUNDLED_PAPERS):
        for home in homes:
            for dry in ((), ("--dry-run",)):
                result = CliRunner().invoke(app, ["runs", "remove", "r-aa01", "--store", str(store), *dry],
                                            env={"COLUMNS": "200", "CLAIMCHECK_HOME": str(home)})
                _refused(result, str(home / "removed"), "--backup")
                message = " ".join(result.output.split())
                assert "set CLAIMCHECK_HOME elsewhere, or pass --backup FILE" in message, message
    with RunStore(store, readonly=True) as s:  # nothing was removed
        assert [r.run_id for r in s.records()] == ["r-aa01"]
    # with a home beside the shipped data, the default backup is written there
    done = _run(tmp_path, "runs", "remove", "r-aa01", "--store", store)
    assert done.exit_code == 0 and "1 runs removed" in done.output, done.output
    assert len(list((tmp_path / "home" / "removed").glob("runs-*.json"))) == 1


# -- add --out: a new paper's claim file may go into the bundled claims; nothing else in the shipped data --

_PAPER_TEXT = """A paper about cross-lingual transfer

1 Introduction
Ours beats Base by 1.1 points on XNLI, which is the one claim of this short text conversion of a paper.

Table 1: Results on XNLI.
Model XNLI PAWS-X
Base 79.2 86.4
Ours 80.3 87.0
"""


def test_add_out_refuses_the_shipped_data_but_a_new_papers_claim_file(tmp_path):
    """`add --out` wrote anywhere new: a draft in the bundled results (a `.json` file there stopped every
    `verify`: not a result file), a second claim file of a bundled paper in the bundled claims (every
    `verify` then refused the paper id given twice), a file there that is no claim file (a `.parsed.json`
    name, a hidden or sub-folder one). Each is refused, exit 2, naming the path and --out, nothing
    written. A new paper's claim file directly in the bundled claims is written (a developer drafting a
    paper to bundle), and the summary says it still needs its parsed copy."""
    text = tmp_path / "paper.txt"
    text.write_text(_PAPER_TEXT, encoding="utf-8")
    refused = [BUNDLED_RESULTS / "claimcheck-test-draft.json", BUNDLED_RESULTS / "claimcheck-test-draft.yaml",
               BUNDLED_PAPERS / "claimcheck-test.yaml.parsed.json", BUNDLED_PAPERS / "claimcheck-test" / "draft.yaml",
               BUNDLED_PAPERS / ".claimcheck-test.yaml", BUNDLED_PAPERS / "claimcheck-test.txt"]
    with _kept(BUNDLED_RESULTS, BUNDLED_PAPERS):
        for out in refused:
            _refused(_run(tmp_path, "add", "--text", text, "--id", "claimcheck-test", "--out", out), str(out))
        again = BUNDLED_PAPERS / "claimcheck-test-again.yaml"
        result = _run(tmp_path, "add", "--text", text, "--id", "2005.13013", "--out", again)
        message = " ".join(result.output.split())
        assert result.exit_code == 2 and "Traceback" not in message, message
        assert f"{again}: field '--out': is in claimcheck's bundled claim files, and paper 2005.13013 already has a claim file" in message
        assert "nothing was written" in message and not again.exists()
        new = BUNDLED_PAPERS / "claimcheck-test-new.yaml"
        result = _run(tmp_path, "add", "--text", text, "--id", "claimcheck-test-new", "--out", new)
        message = " ".join(result.output.split())
        assert result.exit_code == 0 and new.is_file() and "draft: true" in new.read_text(encoding="utf-8"), message
        assert "that is claimcheck's bundled claim files" in message and "scripts/parse_bundled.py" in message, message
        # a second file of that paper is refused there too
        result = _run(tmp_path, "add", "--text", text, "--id", "claimcheck-test-new", "--out", BUNDLED_PAPERS / "claimcheck-test-new2.yaml")
        assert result.exit_code == 2 and "already has a claim file" in result.output, result.output
        new.unlink()
    # outside the shipped data, the same drafts are written
    assert _run(tmp_path, "add", "--text", text, "--id", "2005.13013", "--out", tmp_path / "again.yaml").exit_code == 0


def test_add_registry_refuses_the_shipped_data_but_the_bundled_claims_folder_itself(tmp_path):
    """`add --registry DIR` (no --out) writes DIR/<id>.yaml, and wrote it anywhere: into the bundled
    results (a stray file of the shipped data), into a sub-folder of the bundled claims (a claim file
    every `verify` then reads from its YAML, never from a parsed copy; in a hidden one, never at all),
    next to the bibliography's name. Each such --registry is refused, spelt in any way (a new folder,
    `..`, a link), exit 2, naming it and --registry, before any work, nothing written; a sub-folder of
    the bundled claims is told where a new paper's claim file may go. The bundled claims folder itself
    takes a new paper's draft, as `--out` there does, and a --registry only read (with --out) is no
    write."""
    text = tmp_path / "paper.txt"
    text.write_text(_PAPER_TEXT, encoding="utf-8")
    link = tmp_path / "papers-link"
    link.symlink_to(BUNDLED_PAPERS, target_is_directory=True)
    refused = [BUNDLED_RESULTS, BUNDLED_RESULTS / "claimcheck-test", BUNDLED_PAPERS / "claimcheck-test",
               BUNDLED_PAPERS / ".claimcheck-test", BUNDLED_PAPERS / ".." / BUNDLED_PAPERS.name / "claimcheck-test",
               link / "claimcheck-test", BUNDLED_BIBLIOGRAPHY]
    with _kept(BUNDLED_RESULTS, BUNDLED_PAPERS, BUNDLED_BIBLIOGRAPHY):
        for registry in refused:
            result = _run(tmp_path, "add", "--text", text, "--id", "claimcheck-test", "--registry", registry)
            _refused(result, str(registry), "--registry")
            inside_claims = registry != BUNDLED_BIBLIOGRAPHY and BUNDLED_RESULTS not in (registry, registry.parent)
            assert (f"(a new paper's claim file may go directly in {BUNDLED_PAPERS})" in " ".join(result.output.split())) \
                == inside_claims, result.output
        result = _run(tmp_path, "add", "--text", text, "--id", "claimcheck-test-new", "--registry", link)
        new = BUNDLED_PAPERS / "claimcheck-test-new.yaml"
        message = " ".join(result.output.split())
        assert result.exit_code == 0 and new.is_file() and "draft: true" in new.read_text(encoding="utf-8"), message
        assert "that is claimcheck's bundled claim files" in message, message
        new.unlink()
        # only read: the draft goes to --out
        result = _run(tmp_path, "add", "--text", text, "--id", "claimcheck-test", "--registry", BUNDLED_RESULTS,
                      "--out", tmp_path / "d.yaml")
        assert result.exit_code == 0 and (tmp_path / "d.yaml").is_file(), result.output
    assert "--registry <path> Claim folder the draft goes into (one in claimcheck's shipped data, but its bundled claims " \
        "folder itself, is refused)." in " ".join(_run(tmp_path, "add", "--help").output.split())
