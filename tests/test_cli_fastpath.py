"""`claimcheck verify` without typer (cli.fastpath): it reads exactly what typer's `verify` reads,
hands everything else to typer, and does what the typer command does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

import claimcheck
from claimcheck.cli import app
from claimcheck.cli.fastpath import FLAGS, REPEATED, SINGLE, parse_verify
from claimcheck.cli.verify_run import VerifyArgs

SRC = str(Path(claimcheck.__file__).parents[1])  # the code under test, not whatever is installed

PAPER = """
paper:
  id: "1234.5678"
  version: v1
  title: T
  authors: [A]
  year: 2020
  sources: [{id: t1, title: Table 1, locator: "Table 1", reliability: primary}]
  cells:
    - {system: A, task: xnli, metric: accuracy, split: dev, value: "70.0", source: t1, locator: "T1 r1"}
    - {system: B, task: xnli, metric: accuracy, split: dev, value: "71.0", source: t1, locator: "T1 r2"}
claims:
  - id: 1234.5678/gain
    statement: B beats A by five points [sic].
    kind: quantity
    version: v1
    location: {section: Results}
    reported: ["5.0"]
    derivation: {name: mean_gain, params: {system: B, baseline: A, tasks: [xnli]}}
  - id: 1234.5678/one
    statement: B beats A by one point.
    kind: quantity
    version: v1
    location: {section: Results}
    reported: ["1.0"]
    derivation: {name: mean_gain, params: {system: B, baseline: A, tasks: [xnli]}}
"""


def _verify_command():
    return typer.main.get_command(app).commands["verify"]


def test_it_accepts_exactly_the_options_of_typers_verify_and_reads_them_the_same_way():
    options = {}
    for param in _verify_command().params:
        if param.param_type_name == "argument":
            assert (param.name, param.nargs, param.required) == ("claims", -1, False)  # any number of them
            continue
        assert param.nargs == 1, param.name
        kind = "flag" if param.is_flag else ("repeated" if param.multiple else "single")
        for opt in param.opts:
            options[opt] = (kind, param.name)
        assert not param.secondary_opts, param.name  # no --x/--no-x pairs, which the parser does not know
    ours = {**{o: ("flag", n) for o, n in FLAGS.items()}, **{o: ("repeated", n) for o, n in REPEATED.items()},
            **{o: ("single", n) for o, n in SINGLE.items()}}
    assert ours == options


def test_its_defaults_are_typers():
    defaults = VerifyArgs()
    for param in _verify_command().params:
        mine = getattr(defaults, param.name)
        theirs = param.default
        if param.multiple or param.name == "claims":
            assert mine == [] and theirs in (None, [], ())
        else:
            assert mine == (Path(theirs) if isinstance(mine, Path) else theirs), param.name


@pytest.mark.parametrize("argv, expected", [
    (["verify"], VerifyArgs()),
    (["verify", "all"], VerifyArgs(claims=["all"])),
    (["verify", "--no-write", "a/b", "-r", "x", "c/d", "--registry", "y", "--results", "r.json", "--strict"],
     VerifyArgs(claims=["a/b", "c/d"], registry=[Path("x"), Path("y")], results=[Path("r.json")], no_write=True, strict=True)),
    (["verify", "--out", "one", "--out", "two", "--store", "s1", "--store", "s2"],  # the last one counts, as in click
     VerifyArgs(out_dir=Path("two"), store=Path("s2"))),
    (["verify", "--out", "x", "--no-bundled-results", "--drop-ambiguous-seeds", "--no-write", "--no-write"],
     VerifyArgs(out_dir=Path("x"), no_bundled_results=True, drop_ambiguous_seeds=True, no_write=True)),
])
def test_it_reads_what_it_is_sure_of(argv, expected):
    assert parse_verify(argv, environ={}) == expected


@pytest.mark.parametrize("argv", [
    [], ["list"], ["report"], ["--help"], ["verify", "--help"], ["verify", "all", "--help"], ["verify", "-h"],
    ["verify", "--out=x"], ["verify", "--no-writ"], ["verify", "--bogus"], ["verify", "-"], ["verify", "--", "all"],
    ["verify", "--out"], ["verify", "-r"], ["verify", "--out", "--no-write"], ["verify", "-r", "-x"], ["verify", "-rclaims"],
    ["verfy", "all"], ["verify", "--no-write=1"],
    ["verify", "--out", ""], ["verify", "-r", ""], ["verify", "--store", ""], ["verify", "--results", ""],  # typer refuses an empty path
])
def test_everything_else_goes_to_typer(argv):
    assert parse_verify(argv, environ={}) is None


def test_a_shell_completion_request_goes_to_typer():
    assert parse_verify(["verify"], environ={"_CLAIMCHECK_COMPLETE": "bash_complete"}) is None
    assert parse_verify(["verify"], environ={"_CLAIMCHECK_COMPLETE": ""}) == VerifyArgs()


def _cli(args: list[str], cwd: Path, home: Path, typer_path: bool, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """``claimcheck ARGS`` in a fresh process, through cli.main (the fast path) or the typer app."""
    code = ("from claimcheck.cli import app; app()" if typer_path else "from claimcheck.cli import main; main()")
    env = {**os.environ, "PYTHONPATH": SRC, "CLAIMCHECK_HOME": str(home), "COLUMNS": "120", "TERM": "dumb"}
    env.pop("_CLAIMCHECK_COMPLETE", None)
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=120)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", [
    ["verify", "1234.5678/gain", "-r", "claims", "--no-bundled-results"],  # contradicted: exit 1, reports written
    ["verify", "--no-bundled-results", "-r", "claims", "1234.5678/one", "--out", "elsewhere"],
    ["verify", "all", "-r", "claims", "--no-write", "--strict"],  # the bundled claims and runs too
    ["verify", "1234.5678", "-r", "claims", "--no-write", "--results", "runs.json", "--drop-ambiguous-seeds"],
    ["verify", "9999.0000/none", "-r", "claims", "--no-write"],  # an unknown claim: exit 2
    ["verify", "all", "-r", "missing", "--no-write"],  # a missing folder: exit 2
    ["verify", "all", "--store", "claims", "--no-write"],  # a store that is a folder: exit 2
    ["verify", "all", "-r", "claims", "--out", "claims/1234.5678.yaml"],  # a report folder that is a file: exit 2
    ["verify", "all", "-r", "claims", "--out", ""],  # an empty path: exit 2, naming --out
])
def test_both_doors_print_exit_and_write_the_same(tmp_path, args):
    for door in ("fast", "typer"):
        cwd = tmp_path / door
        (cwd / "claims").mkdir(parents=True)
        (cwd / "claims" / "1234.5678.yaml").write_text(PAPER, encoding="utf-8")
        (cwd / "runs.json").write_text(json.dumps({"runs": []}), encoding="utf-8")
        (cwd / "home").mkdir()
    fast = _cli(args, tmp_path / "fast", tmp_path / "fast" / "home", typer_path=False)
    slow = _cli(args, tmp_path / "typer", tmp_path / "typer" / "home", typer_path=True)
    assert "Traceback" not in fast.stderr

    def seen(done: subprocess.CompletedProcess, door: str) -> tuple:  # an absolute path names the door's folder
        return done.returncode, done.stdout.replace(str(tmp_path / door), "DIR"), done.stderr.replace(str(tmp_path / door), "DIR")

    assert seen(fast, "fast") == seen(slow, "typer")
    assert _tree(tmp_path / "fast") == _tree(tmp_path / "typer")


def test_the_fast_door_really_skips_typer(tmp_path):
    code = ("import sys\nfrom claimcheck.cli import main\ntry:\n    main(['verify', 'all', '--no-write'])\n"
            "except SystemExit as e:\n    print('exit', e.code, 'typer' in sys.modules, 'click' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": SRC, "CLAIMCHECK_HOME": str(tmp_path)})
    assert done.stderr.strip().splitlines()[-1] == "exit 0 False False"


def test_a_closed_pipe_ends_quietly_with_exit_1_on_both_doors(tmp_path):
    """`claimcheck verify all | head -1`: the reader leaves early; no traceback, exit 1 (rich's console
    ends the process so on both paths)."""
    codes = {}
    for typer_path in (False, True):
        done = subprocess.run(  # standard output: a pipe whose reading end is already closed
            [sys.executable, "-c", "import os\nr, w = os.pipe()\nos.close(r)\nos.dup2(w, 1)\n"
             + ("from claimcheck.cli import app; app()" if typer_path else "from claimcheck.cli import main; main()"),
             "verify", "all", "--no-write"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": SRC, "CLAIMCHECK_HOME": str(tmp_path), "COLUMNS": "120"})
        assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
        codes[typer_path] = done.returncode
    assert codes == {False: 1, True: 1}


def test_ctrl_c_exits_130_without_a_traceback_as_typer_does(monkeypatch, capsys):
    import claimcheck.cli.verify_run as verify_run
    from claimcheck.cli.fastpath import verify_without_typer

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(verify_run, "run_verify", interrupted)
    assert verify_without_typer(VerifyArgs(no_write=True)) == 130
    assert capsys.readouterr().err == ""
