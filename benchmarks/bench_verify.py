"""Benchmark (not a test): how fast claimcheck verifies.

1. whole-process wall time of `claimcheck verify all` as a user runs it (CLI start, registry,
   verifier, terminal rendering, and writing report.md, report.html and report.json into a new
   folder), and of `claimcheck verify all --no-write` (the same without writing), median of N runs
   each, the two taken in turn after the file system is flushed (``bench_cli_modes``);
2. in-process verification of 10,000 synthetic gain claims x 5 seeds of run records: wall time and
   the process's CPU time (less disturbed by other work on a shared machine), each of
   ``--inprocess-runs`` fresh processes timing one ``verify()`` call (the claims and records are built
   before the clock starts); median and min.

3. with ``--phases``: where one ``verify all`` spends its time, step by step in one fresh
   process (the libraries' imports, claimcheck's modules, the registry, the run records, the
   verifier, drawing the table, writing the three reports), median of ``--runs`` processes.

Before and after the timings, it prints the machine's speed at that moment: the CPU time of a fixed
pure-Python loop that runs none of claimcheck's code (``machine_speed``). Figures from two runs
compare only where these lines agree; code that got slower moves claimcheck's figures and not this one.

Before timing, claimcheck's modules are compiled to bytecode, as a regular install does: with
``PYTHONDONTWRITEBYTECODE`` set (as on the development and CI machines) an editable install would
otherwise compile every module again in every fresh process.

4. with ``--floor``: what a process pays before claimcheck reads a claim file: the interpreter, the
   library `verify` stands on (rich: it reads its argv without typer, see ``claimcheck.cli.fastpath``,
   the bundled claim files without yaml, see ``claimcheck.claims.parsed_copy``, and imports no
   pydantic, see ``claimcheck.model``), then that plus claimcheck's model classes, then
   ``claimcheck --help`` (which goes through typer); each the median and min of ``--runs`` fresh
   processes.

5. with ``--instructions``: the machine instructions the same steps execute, counted by valgrind's
   callgrind (skipped where valgrind is absent): the interpreter's start, each of the ``--phases``
   steps, and the whole ``verify all --no-write`` and ``verify all`` processes. A count hardly moves from run to run
   (within about 0.3 %) while wall time on a shared virtual machine moves by tens of percent, so
   counts are what to compare when deciding whether a change made claimcheck faster. They are not
   the targets, which are in seconds. Each count takes 5 to 20 s under valgrind.

6. with ``--series K`` (instead of the figures above): K rounds of the whole-process timing,
   ``--pause`` seconds apart (15), each between two readings of the machine's speed, and how many
   rounds' medians were under the 0.3 s target.

Run:  python benchmarks/bench_verify.py [--series K [--pause 15]] [--runs 7] [--inprocess-runs 3] [--claims 10000] [--seeds 5] [--via-path] [--floor] [--phases] [--instructions]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# claimcheck itself is imported where it is used, so that a --one-phases child times its imports


def compile_claimcheck() -> None:
    """Write the bytecode of claimcheck's modules (where it is missing or stale), as pip does when it
    installs a package; the timed processes then load it instead of compiling the sources."""
    spec = importlib.util.find_spec("claimcheck")  # finds the package without importing it
    if spec is None or spec.origin is None:
        raise SystemExit("claimcheck is not installed: pip install -e .")
    package = Path(spec.origin).parent
    ok = compileall.compile_dir(str(package), quiet=1)
    print(f"bytecode: claimcheck's modules in {package} compiled first ({'ok' if ok else 'some failed'})")


def console_script() -> str:
    """The installed `claimcheck` script itself, next to this interpreter.

    Version managers put a shell shim first on PATH (pyenv's adds ~0.1 s per call); the script beside
    ``sys.executable`` is what a plain install runs. ``--via-path`` times whatever PATH finds instead.
    """
    beside = Path(sys.executable).parent / "claimcheck"
    return str(beside) if beside.exists() else (shutil.which("claimcheck") or "claimcheck")


CALIBRATION_STEPS = 500_000


def calibration_work(steps: int = CALIBRATION_STEPS) -> int:
    """A fixed piece of pure-Python work (dictionary stores, integer arithmetic, a loop), the kind the
    interpreter does when it imports modules and builds objects, and none of claimcheck's code."""
    table: dict[int, int] = {}
    value = 0
    for i in range(steps):
        value = (value * 31 + i) % 1_000_003
        table[i & 1023] = value
    return value + len(table)


def machine_speed(reps: int = 7) -> list[float]:
    """CPU seconds of ``calibration_work`` in this process, ``reps`` times: how fast the machine runs
    Python at this moment, set beside the figures timed with it.

    Why: on these virtual machines the same work takes a different time within minutes. In the
    twenty-fifth session's two `.ci/run` rehearsals (the benchmark before and after the tests, the
    same code), the CPU time of the in-process verification, the same instructions each time, was
    0.615, 0.857, 0.825 and 0.867 s, and the median of this loop moved between 49 and 82 ms over the
    session. The printed figure tells a slow machine from slow code: code that got slower moves
    claimcheck's figures and not this one."""
    times = []
    for _ in range(reps):
        t0 = time.process_time()
        calibration_work()
        times.append(time.process_time() - t0)
    return times


def print_machine_speed(when: str) -> None:
    times = machine_speed()
    print(f"machine speed {when}: a fixed Python loop ({CALIBRATION_STEPS:,} steps) took median "
          f"{1000 * statistics.median(times):.1f} ms of CPU, min {1000 * min(times):.1f} ms over {len(times)} runs")


def bench_cli(runs: int, exe: str, write: bool = False) -> list[float]:
    """Wall times of ``runs`` fresh `claimcheck verify all` processes (``--no-write`` unless ``write``)."""
    return bench_cli_modes(runs, exe, (write,))[write]


def bench_cli_modes(runs: int, exe: str, modes: tuple[bool, ...] = (True, False)) -> dict[bool, list[float]]:
    """Wall times of ``runs`` fresh `claimcheck verify all` processes per mode (True: writing its
    reports; False: ``--no-write``), the modes taken in turn, round by round, so that both meet the
    same moments of a shared machine. The order within a round alternates.

    A writing run starts in a new empty folder each time, as a user's first run in a folder does: it
    creates ``claimcheck-report/`` and writes the three reports into it.

    Before the first run the file system is flushed (``os.sync``), so that data other programs left
    unwritten (a test suite just before, as in ``.ci/run``) is not written out while one mode is
    timed, and the reports' own ``fsync`` does not wait behind it. Until the twenty-third session the
    writing runs all came first: timed right after the test suite, they read 0.306 s against 0.227 s
    without writing, a gap four times what their extra instructions (about 92 M) take."""
    if hasattr(os, "sync"):
        os.sync()
    times: dict[bool, list[float]] = {mode: [] for mode in modes}
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CLAIMCHECK_HOME": home, "COLUMNS": "160"}
        for i in range(runs):
            for write in (modes if i % 2 == 0 else modes[::-1]):
                cmd = [exe, "verify", "all"] + ([] if write else ["--no-write"])
                folder = Path(home) / f"run{i}-{'write' if write else 'no-write'}"
                folder.mkdir()
                t0 = time.perf_counter()
                done = subprocess.run(cmd, env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                times[write].append(time.perf_counter() - t0)
                if write and not (folder / "claimcheck-report" / "report.html").is_file():
                    raise SystemExit(f"`{' '.join(cmd)}` wrote no report (exit code {done.returncode})")
    return times


def bench_floor(runs: int) -> list[tuple[str, list[float]]]:
    """Fresh ``sys.executable`` processes (not a version manager's shim), timed like ``bench_cli``."""
    libraries = "import rich.console, rich.panel"  # what `verify` stands on (no typer, no yaml, no pydantic)
    models = "claimcheck.claims.models, claimcheck.verifier.verdict, claimcheck.results.records"
    steps = [
        ("python -c pass", ["-c", "pass"]),
        ("+ rich", ["-c", libraries]),
        ("+ claimcheck's model classes", ["-c", f"{libraries}, {models}"]),
        ("claimcheck --help (typer's path)", ["-m", "claimcheck", "--help"]),
        ("claimcheck verify all --no-write", ["-m", "claimcheck", "verify", "all", "--no-write"]),
    ]
    out = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CLAIMCHECK_HOME": home, "COLUMNS": "160"}
        for label, argv in steps:
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                subprocess.run([sys.executable, *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                times.append(time.perf_counter() - t0)
            out.append((label, times))
    return out


# What ``verify all`` does, in the order it does it, as (label, statement) steps timed one by one.
PHASES = [
    ("import rich", "import rich.console, rich.panel"),
    # cli.main hands a plain `verify` to cli.fastpath, which reads argv without typer
    ("read argv (cli.fastpath)", "from claimcheck.cli.fastpath import parse_verify\n"
                                 "args = parse_verify(['verify', 'all', '--no-write'])"),
    ("claimcheck's verify modules", "from claimcheck.workflow import known_paper_names\n"
                                    "from claimcheck.claims.registry import load_registry\n"
                                    "from claimcheck.results.collect import collect_records\n"
                                    "from claimcheck.verifier.engine import verify\n"
                                    "from claimcheck.reports.terminal import render_terminal"),
    ("load the registry", "registry = load_registry([])"),
    ("load the run records", "collected = collect_records([], None, True)"),
    ("verify", "report = verify(registry, collected.records, (), results_sources=collected.sources, known_names=known_paper_names)"),
    # with the settings of the CLI's console (``cli.plain.out``), writing to memory
    ("draw the table", "import io\nconsole = rich.console.Console(file=io.StringIO(), width=160, highlight=False, soft_wrap=False, "
                       "emoji=False, markup=False)\nconsole.print(render_terminal(report))"),
    # what `verify all` does after the table unless --no-write (into a new temporary folder)
    ("write the reports", "import tempfile\nfrom pathlib import Path\nfrom claimcheck.workflow import save_report_files\n"
                          "with tempfile.TemporaryDirectory() as folder:\n    save_report_files(report, Path(folder))"),
]


# what a --phases child must not have loaded before its clock starts (typer and yaml: no step loads
# them either, which tests/test_cli_fastpath.py and tests/test_parsed_copy.py check)
PHASE_LIBRARIES = ("typer", "rich", "yaml", "pydantic", "claimcheck")


def phases_upto(k: int) -> None:
    """Run the first ``k`` steps of ``PHASES`` in this (fresh) process, untimed (``--one-phases --upto K``:
    what ``--instructions`` counts). The collector is off, as `verify` pauses it for its work
    (``claimcheck.gcpause``): a collection would land in whichever step crosses its threshold, and
    moved a step's count by several million instructions (a registry step of -4 M)."""
    import gc

    gc.disable()
    scope: dict = {}
    for _, code in PHASES[:k]:
        exec(code, scope)  # noqa: S102 (the fixed statements above)


def count_instructions(argv: list[str], env: dict, cwd: Path | None = None) -> int | None:
    """Instructions a fresh process executes (callgrind's ``I refs``), or None where valgrind is absent."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    done = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv], env=env, cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"--instructions: valgrind did not report a count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def bench_instructions(exe: str) -> list[tuple[str, int]] | None:
    """(label, instructions) for the interpreter's start, each ``PHASES`` step (the count of the first k
    steps less that of the first k - 1) and the whole ``verify all --no-write`` and ``verify all`` (writing
    its reports into a new folder); None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    out = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CLAIMCHECK_HOME": home, "COLUMNS": "160"}
        out.append(("python -c pass", count_instructions([sys.executable, "-c", "pass"], env)))
        before = count_instructions([sys.executable, __file__, "--one-phases", "--upto", "0"], env)
        out.append(("this script's own start", before - out[0][1]))
        for k, (label, _) in enumerate(PHASES, start=1):
            now = count_instructions([sys.executable, __file__, "--one-phases", "--upto", str(k)], env)
            out.append((label, now - before))
            before = now
        out.append(("claimcheck verify all --no-write", count_instructions([exe, "verify", "all", "--no-write"], env)))
        folder = Path(home) / "writes"
        folder.mkdir()
        out.append(("claimcheck verify all", count_instructions([exe, "verify", "all"], env, cwd=folder)))
    return out


def phases_once() -> dict:
    """Each step of ``PHASES`` timed in this (fresh) process, in seconds (``times``), and which of the
    libraries the steps import were loaded before the clock started (``preloaded``: none should be)."""
    import gc

    preloaded = [name for name in PHASE_LIBRARIES if name in sys.modules]
    gc.disable()  # as in phases_upto
    scope: dict = {}
    times = []
    for _, code in PHASES:
        t0 = time.perf_counter()
        exec(code, scope)  # noqa: S102 (the fixed statements above)
        times.append(time.perf_counter() - t0)
    return {"times": times, "preloaded": preloaded}


def bench_phases(runs: int) -> list[tuple[str, list[float]]]:
    per_run = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CLAIMCHECK_HOME": home}
        for _ in range(runs):
            done = subprocess.run([sys.executable, __file__, "--one-phases"], env=env, capture_output=True, text=True, check=True)
            run = json.loads(done.stdout.strip().splitlines()[-1])
            if run["preloaded"]:  # the steps would not pay for these imports
                raise SystemExit(f"--phases: {', '.join(run['preloaded'])} loaded before the clock started")
            per_run.append(run["times"])
    return [(label, [r[i] for r in per_run]) for i, (label, _) in enumerate(PHASES)]


def synthetic(n_claims: int, n_seeds: int):
    from claimcheck.claims.models import Claim, Paper, PaperFile
    from claimcheck.claims.registry import build_registry
    from claimcheck.results.records import Metric, RunRecord

    paper = Paper(id="0000.00000", version="v1", title="synthetic", authors=["bench"], year=2026,
                  sources=[{"id": "t", "title": "T", "locator": "T", "reliability": "primary"}])
    systems = [f"S{i}" for i in range(n_claims)]
    claims = [
        Claim(id=f"0000.00000/c{i}", statement="synthetic gain", kind="quantity", version="v1",
              location={"section": "bench"}, reported=["1.0"],
              derivation={"name": "mean_gain", "params": {"system": s, "baseline": "base", "tasks": ["xnli"], "split": "dev"}},
              key_terms=["x"])
        for i, s in enumerate(systems)
    ]
    registry = build_registry([(Path("synthetic.yaml"), PaperFile(paper=paper, claims=claims))])
    records = []
    for seed in range(n_seeds):
        records.append(RunRecord(run_id=f"base-{seed}", paper_id="0000.00000", system="base", seed=seed, preset="bench",
                                 fidelity="full", metrics=[Metric(task="xnli", language="en", metric="accuracy", split="dev", value=70.0 + seed * 0.1)]))
        for i, s in enumerate(systems):
            records.append(RunRecord(run_id=f"{s}-{seed}", paper_id="0000.00000", system=s, seed=seed, preset="bench", fidelity="full",
                                     metrics=[Metric(task="xnli", language="en", metric="accuracy", split="dev", value=71.0 + seed * 0.1 + (i % 7) * 0.01)]))
    return registry, records


def bench_series(rounds: int, runs: int, exe: str, pause: float = 15.0) -> list[dict]:
    """``rounds`` rounds of ``bench_cli_modes(runs)`` a pause apart, each between two readings of the
    machine's speed; one line per round, then how many rounds' medians were under the 0.3 s target.
    A single median is one sample of a machine whose speed moves within minutes; a series shows how
    often the target holds on it."""
    rows = []
    for k in range(1, rounds + 1):
        before = statistics.median(machine_speed())
        timed = bench_cli_modes(runs, exe)
        after = statistics.median(machine_speed())
        row = {"write": statistics.median(timed[True]), "no_write": statistics.median(timed[False]),
               "loop": (before, after)}
        rows.append(row)
        print(f"series {k}/{rounds}: verify all median {row['write']:.3f} s, --no-write {row['no_write']:.3f} s "
              f"(median of {runs} each); the loop {1000 * before:.1f} ms before, {1000 * after:.1f} ms after", flush=True)
        if k < rounds:
            time.sleep(pause)
    for key, label in (("write", "verify all"), ("no_write", "verify all --no-write")):
        medians = sorted(row[key] for row in rows)
        under = sum(m < 0.3 for m in medians)
        print(f"series: {label}: medians {medians[0]:.3f} to {medians[-1]:.3f} s, median of medians "
              f"{statistics.median(medians):.3f} s; under 0.3 s in {under} of {len(medians)} rounds")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--via-path", action="store_true", help="time the `claimcheck` that PATH finds (e.g. a pyenv shim)")
    ap.add_argument("--floor", action="store_true", help="also time the interpreter and imports alone (see above)")
    ap.add_argument("--inprocess-runs", type=int, default=3, help="fresh processes timing the in-process case")
    ap.add_argument("--phases", action="store_true", help="also time the steps of one verify all --no-write (see above)")
    ap.add_argument("--one-inprocess", action="store_true", help=argparse.SUPPRESS)  # a child of --inprocess-runs
    ap.add_argument("--one-phases", action="store_true", help=argparse.SUPPRESS)  # a child of --phases
    ap.add_argument("--upto", type=int, default=None, help=argparse.SUPPRESS)  # with --one-phases: a child of --instructions
    ap.add_argument("--series", type=int, default=0, metavar="K",
                    help="instead of the usual figures: K rounds of the whole-process timing, each with the machine's speed (see above)")
    ap.add_argument("--pause", type=float, default=15.0, help="with --series: seconds between rounds")
    ap.add_argument("--instructions", action="store_true",
                    help="also count the instructions of the phases and the whole process with valgrind (see above)")
    args = ap.parse_args()
    if args.one_inprocess:
        print(json.dumps(one_inprocess(args.claims, args.seeds)))
        return
    if args.one_phases:
        if args.upto is not None:
            phases_upto(args.upto)
        else:
            print(json.dumps(phases_once()))
        return
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
    compile_claimcheck()
    print_machine_speed("before the timings")
    if args.floor:
        for label, times in bench_floor(args.runs):
            print(f"floor: {label:<34} median {statistics.median(times):.3f} s, min {min(times):.3f} s over {args.runs} runs")
    if args.phases:
        steps = bench_phases(args.runs)
        for label, times in steps:
            print(f"phase: {label:<28} median {1000 * statistics.median(times):6.1f} ms, min {1000 * min(times):6.1f} ms")
        totals = [sum(t) for t in zip(*(times for _, times in steps))]
        print(f"phase: {'all of the above':<28} median {1000 * statistics.median(totals):6.1f} ms over {args.runs} runs "
              "(the interpreter's start is not in it)")
    exe = (shutil.which("claimcheck") or "claimcheck") if args.via_path else console_script()
    if args.instructions:
        counts = bench_instructions(exe)
        if counts is None:
            print("instructions: valgrind is not installed; not counted")
        for label, n in counts or ():
            print(f"instructions: {label:<34} {n / 1e6:9.1f} M")
    if args.series:
        bench_series(args.series, args.runs, exe, args.pause)
        return
    timed = bench_cli_modes(args.runs, exe)
    for write, label in ((True, "claimcheck verify all (whole process, writing its three reports"),
                         (False, "claimcheck verify all --no-write (whole process")):
        times = timed[write]
        print(f"{label}, {exe}): median {statistics.median(times):.3f} s, min {min(times):.3f} s over {args.runs} runs")
    runs = [_inprocess_in_fresh_process(args.claims, args.seeds) for _ in range(args.inprocess_runs)]
    walls, cpus = [r["wall"] for r in runs], [r["cpu"] for r in runs]
    print(f"in-process: {args.claims} claims x {args.seeds} seeds ({runs[0]['records']} run records), {len(runs)} fresh processes: "
          f"wall median {statistics.median(walls):.3f} s (min {min(walls):.3f} s), "
          f"CPU median {statistics.median(cpus):.3f} s (min {min(cpus):.3f} s); overall {runs[0]['overall']}")
    print_machine_speed("after the timings")


def _inprocess_in_fresh_process(n_claims: int, n_seeds: int) -> dict:
    """One ``verify()`` of the synthetic registry, timed in a new interpreter (``--one-inprocess``)."""
    cmd = [sys.executable, __file__, "--one-inprocess", "--claims", str(n_claims), "--seeds", str(n_seeds)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def one_inprocess(n_claims: int, n_seeds: int) -> dict:
    from claimcheck.verifier.engine import verify

    registry, records = synthetic(n_claims, n_seeds)
    t0, c0 = time.perf_counter(), time.process_time()
    report = verify(registry, records)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"wall": dt, "cpu": cpu, "records": len(records), "overall": report.overall_counts}


if __name__ == "__main__":
    main()
