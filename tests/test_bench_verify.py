"""benchmarks/bench_verify.py runs end to end on a small case and reports every figure it promises.
Timings are not checked here: the benchmark measures them."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from script_modules import load_script

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "bench_verify.py"


def test_the_benchmark_reports_the_whole_process_and_the_in_process_figures():
    done = subprocess.run([sys.executable, str(SCRIPT), "--runs", "1", "--inprocess-runs", "2", "--claims", "30", "--seeds", "3"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # the timed processes load compiled bytecode, as after a regular install (a read-only install may refuse it)
    assert any(line.startswith("bytecode: claimcheck's modules in ") for line in lines), lines
    whole = [line for line in lines if line.startswith("claimcheck verify all --no-write (whole process")]
    writing = [line for line in lines if line.startswith("claimcheck verify all (whole process, writing its three reports")]
    inproc = [line for line in lines if line.startswith("in-process: 30 claims x 3 seeds")]
    assert len(whole) == 1 and re.search(r"median \d+\.\d{3} s, min \d+\.\d{3} s over 1 runs", whole[0])
    assert len(writing) == 1 and re.search(r"median \d+\.\d{3} s, min \d+\.\d{3} s over 1 runs", writing[0])
    assert len(inproc) == 1
    # 30 claims, 3 seeds: 3 baseline runs and 90 claim runs, timed in two fresh processes
    assert "(93 run records), 2 fresh processes" in inproc[0]
    assert re.search(r"wall median \d+\.\d{3} s \(min \d+\.\d{3} s\), CPU median \d+\.\d{3} s \(min \d+\.\d{3} s\)", inproc[0])
    counts = ast.literal_eval(inproc[0].split("overall ", 1)[1])
    assert sum(counts.values()) == 30 and set(counts) <= {"supported", "contradicted"}
    # the machine's speed, before and after the timings, around them in the output
    speed = [i for i, line in enumerate(lines) if line.startswith("machine speed ")]
    assert [lines[i].split(":")[0] for i in speed] == ["machine speed before the timings", "machine speed after the timings"]
    assert speed[0] < lines.index(writing[0]) and speed[1] > lines.index(inproc[0])
    assert all(re.search(r"a fixed Python loop \(500,000 steps\) took median \d+\.\d ms of CPU, min \d+\.\d ms over 7 runs$",
                         lines[i]) for i in speed), [lines[i] for i in speed]


def test_a_series_gives_one_line_a_round_and_how_often_the_target_held():
    done = subprocess.run([sys.executable, str(SCRIPT), "--series", "2", "--runs", "1", "--pause", "0"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("series")]
    assert [line.split(":")[0] for line in lines] == ["series 1/2", "series 2/2", "series", "series"], lines
    for line in lines[:2]:
        assert re.search(r"verify all median \d+\.\d{3} s, --no-write \d+\.\d{3} s \(median of 1 each\); "
                         r"the loop \d+\.\d ms before, \d+\.\d ms after$", line), line
    medians = [float(re.search(r"verify all median (\d+\.\d{3})", line).group(1)) for line in lines[:2]]
    summary = re.search(r"^series: verify all: medians (\S+) to (\S+) s, median of medians \S+ s; under 0\.3 s in (\d) of 2 rounds$",
                        lines[2])
    assert summary, lines[2]
    assert (float(summary.group(1)), float(summary.group(2))) == (min(medians), max(medians))
    if 0.3 not in medians:  # a printed 0.300 may be a median just under the target
        assert int(summary.group(3)) == sum(m < 0.3 for m in medians)
    assert lines[3].startswith("series: verify all --no-write: medians ")
    # a series replaces the usual figures
    assert not any(line.startswith(("claimcheck verify all", "in-process:")) for line in done.stdout.splitlines())


def test_the_calibration_work_is_fixed_and_timed_in_cpu_seconds():
    bench = _bench_module()
    assert bench.calibration_work(10) == bench.calibration_work(10) != bench.calibration_work(11)
    assert bench.calibration_work(2000) == _calibration_reference(2000)
    times = bench.machine_speed(reps=3)
    assert len(times) == 3 and all(t > 0 for t in times)


def _calibration_reference(steps: int) -> int:
    """The loop written out again: the work the machine-speed line reports must not change unnoticed,
    or figures printed before and after the change could no longer be compared."""
    value, kept = 0, {}
    for i in range(steps):
        value = (value * 31 + i) % 1_000_003
        kept[i % 1024] = value
    return value + len(kept)


def test_one_in_process_run_prints_its_timing_as_json():
    done = subprocess.run([sys.executable, str(SCRIPT), "--one-inprocess", "--claims", "4", "--seeds", "2"],
                          capture_output=True, text=True, timeout=120, check=True)
    record = json.loads(done.stdout.strip())
    assert record["records"] == 10 and sum(record["overall"].values()) == 4
    assert record["wall"] > 0 and record["cpu"] > 0


def test_the_phases_of_one_verify_are_timed_in_fresh_processes():
    done = subprocess.run([sys.executable, str(SCRIPT), "--runs", "1", "--inprocess-runs", "1", "--claims", "3", "--seeds", "2",
                           "--phases"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    phases = [line for line in done.stdout.splitlines() if line.startswith("phase: ")]
    labels = [line[len("phase: "):].split(" median")[0].strip() for line in phases]
    assert labels == ["import rich", "read argv (cli.fastpath)", "claimcheck's verify modules", "load the registry", "load the run records", "verify", "draw the table",
                      "write the reports", "all of the above"]


def test_a_phases_child_starts_with_none_of_the_libraries_it_times_loaded():
    done = subprocess.run([sys.executable, str(SCRIPT), "--one-phases"], capture_output=True, text=True, timeout=120, check=True)
    run = json.loads(done.stdout.strip().splitlines()[-1])
    assert run["preloaded"] == [] and len(run["times"]) == 8 and all(t > 0 for t in run["times"])


def _bench_module():
    return load_script("benchmarks/bench_verify.py", "bench_verify_under_test")


def test_a_phases_child_runs_the_first_k_steps_untimed():
    # what --instructions counts: the first k steps, nothing printed; the registry step (the fifth) needs the earlier ones
    done = subprocess.run([sys.executable, str(SCRIPT), "--one-phases", "--upto", "5"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_instructions_are_counted_by_valgrind_and_grow_with_the_work(tmp_path):
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed")
    bench = _bench_module()
    env = {**os.environ, "CLAIMCHECK_HOME": str(tmp_path)}
    bare = bench.count_instructions([sys.executable, "-S", "-c", "pass"], env)
    more = bench.count_instructions([sys.executable, "-S", "-c", "sum(range(3_000_000))"], env)
    assert bare is not None and bare > 1_000_000
    assert more - bare > 10_000_000  # a loop of three million additions executes far more than ten million instructions


def test_without_valgrind_the_instructions_are_said_not_counted(tmp_path):
    # a PATH that has the interpreter's folder but no valgrind
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run([sys.executable, str(SCRIPT), "--runs", "1", "--inprocess-runs", "1", "--claims", "3", "--seeds", "2",
                           "--instructions"], capture_output=True, text=True, timeout=300, check=False, env=env)
    assert done.returncode == 0, done.stderr
    assert "instructions: valgrind is not installed; not counted" in done.stdout.splitlines()
