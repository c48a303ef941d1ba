"""The smoke preset end to end through the CLI: plan → replicate → runs list / show / export / import."""

from __future__ import annotations

import json
import lzma
import shutil
import subprocess
import sys

import replication_fixtures
from typer.testing import CliRunner

from claimcheck.cli import app

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here

CLAIMS = ["2005.13013/retrieval-gains", "2005.13013/tydiqa-up-xnli-flat"]


def _invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    return result, text


def _flat(text: str) -> str:
    """Rich wraps long lines at the terminal width; paths are checked on the unwrapped text."""
    return text.replace("\n", "")


def test_smoke_plan_replicate_list_export_import(tmp_path, smoke_kit):
    data, model = smoke_kit
    store = str(tmp_path / "runs.sqlite")
    common = [*CLAIMS, "--preset", "smoke", "--seeds", "1", "--system", "XLM-R", "--system", "MNLI", "--store", store]

    result, text = _invoke("plan", *common)
    assert result.exit_code == 0, text
    assert "6 runs (6 to run, 0 stored" in text and "1 intermediate stages, 1 shared" in text
    assert "GPU-hours" in text and "estimate" in text
    assert "tydiqa" in text  # the smoke preset has no TyDiQA target: said, not hidden

    result, text = _invoke("replicate", *common, "--model", str(model), "--data-dir", str(data), "--device", "cpu")
    assert result.exit_code == 0, text
    assert "6 runs executed, 6 written to the store, 0 failed" in text

    result, text = _invoke("plan", *common)
    assert "6 runs (0 to run, 6 stored" in text, text

    result, text = _invoke("replicate", *common, "--model", str(model), "--data-dir", str(data), "--device", "cpu")
    assert result.exit_code == 0 and "0 runs executed" in text, text

    result, text = _invoke("runs", "list", "--store", store)
    assert result.exit_code == 0 and "6 runs" in text, text

    out = tmp_path / "export" / "runs.json"
    result, text = _invoke("runs", "export", "--store", store, "--out", str(out))
    assert result.exit_code == 0, text
    runs = json.loads(out.read_text())["runs"]
    assert len(runs) == 6
    assert {(r["system"], r["spec"]["target"]["task"]) for r in runs} == {(s, t) for s in ("XLM-R", "MNLI") for t in ("xnli", "tatoeba", "bucc2018")}
    for r in runs:
        assert r["fidelity"] == "proxy" and r["deviations"] and r["status"] == "ok"
        assert r["metrics"] and all(0 <= m["value"] <= 100 and m["split"] == "dev" for m in r["metrics"])
        prov = r["provenance"]
        assert prov["packages"]["torch"] and prov["device"].startswith("cpu") and prov["dtype"] == "float32"
        assert prov["data_files"] and all(len(h) == 64 for h in prov["data_files"].values())
        assert "evaluate" in prov["stage_seconds"]
        assert ("intermediate" in prov["stage_seconds"]) == (r["system"] == "MNLI")
    xnli = next(r for r in runs if r["spec"]["target"]["task"] == "xnli")
    assert {m["language"] for m in xnli["metrics"]} == {"en", "de"}

    # the verifier's replication tier reads these runs, capped at proxy fidelity
    report = tmp_path / "report"
    result, text = _invoke("verify", CLAIMS[0], "--store", store, "--no-bundled-results", "--out", str(report))
    assert result.exit_code in (0, 1), text
    (claim,) = json.loads((report / "report.json").read_text())["claims"]
    retrieval_ids = {r["run_id"] for r in runs if r["spec"]["target"]["task"] in ("bucc2018", "tatoeba")}
    assert retrieval_ids <= set(claim["replication"]["runs"])
    assert claim["replication"]["fidelity"] == "proxy"

    result, text = _invoke("runs", "show", runs[0]["run_id"][:10], "--store", store)
    assert result.exit_code == 0 and runs[0]["run_id"] in text, text

    other = str(tmp_path / "other.sqlite")
    result, text = _invoke("runs", "import", str(out), "--store", other)
    assert result.exit_code == 0 and "6 of 6 runs imported" in text, text
    result, text = _invoke("runs", "import", str(out), "--store", other)
    assert "0 of 6 runs imported" in text


def test_seed_runs_only_that_seed_and_the_rest_later(tmp_path, smoke_kit):
    data, model = smoke_kit
    store = tmp_path / "runs.sqlite"
    common = [CLAIMS[1], "--preset", "smoke", "--seeds", "2", "--system", "XLM-R", "--task", "xnli", "--store", str(store),
              "--model", str(model), "--data-dir", str(data), "--device", "cpu"]
    result, text = _invoke("replicate", *common, "--seed", "2")
    assert result.exit_code == 0 and "1 runs executed" in text, text
    result, text = _invoke("runs", "export", "--store", str(store), "--out", str(tmp_path / "seed2.json"))
    assert [r["seed"] for r in json.loads((tmp_path / "seed2.json").read_text())["runs"]] == [2]
    result, text = _invoke("replicate", *common)  # seeds 1..2: seed 2 is stored, seed 1 runs
    assert result.exit_code == 0 and "1 runs executed" in text and "1 were stored already" in _flat(text), text
    result, text = _invoke("plan", *common[:-6], "--seed", "3")
    assert result.exit_code == 2 and "--seed" in text and "outside 1..2" in text, text


def test_corrupt_data_file_exits_2_naming_the_file(tmp_path, smoke_kit):
    data, model = smoke_kit
    broken = tmp_path / "data"
    shutil.copytree(data, broken)
    target = broken / "xnli" / "dev-de.tsv.xz"
    target.write_bytes(lzma.compress(b"x" * 5000)[:40])
    result, text = _invoke("replicate", CLAIMS[1], "--preset", "smoke", "--seeds", "1", "--system", "XLM-R", "--task", "xnli",
                           "--model", str(model), "--data-dir", str(broken), "--device", "cpu", "--store", str(tmp_path / "s.sqlite"))
    assert result.exit_code == 2, text
    assert str(target) in _flat(text) and "Traceback" not in text
    (broken / "xnli" / "dev-de.tsv.xz").unlink()
    result, text = _invoke("replicate", CLAIMS[1], "--preset", "smoke", "--seeds", "1", "--system", "XLM-R", "--task", "xnli",
                           "--model", str(model), "--data-dir", str(broken), "--device", "cpu", "--store", str(tmp_path / "s.sqlite"))
    assert result.exit_code == 2 and str(target) in _flat(text) and "missing" in text, text


def test_proxy_without_model_or_data_is_an_input_error(tmp_path):
    result, text = _invoke("replicate", "all", "--preset", "proxy", "--store", str(tmp_path / "s.sqlite"))
    assert result.exit_code == 2 and "--model" in text, text
    result, text = _invoke("replicate", "all", "--preset", "proxy", "--model", str(tmp_path), "--store", str(tmp_path / "s.sqlite"))
    assert result.exit_code == 2 and "--data-dir" in text, text
    result, text = _invoke("plan", "all", "--preset", "nonsense")
    assert result.exit_code == 2 and "unknown preset" in text
    result, text = _invoke("plan", "all", "--preset", "paper", "--data-dir", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "no such data folder" in text and "nowhere" in text, text


def test_plan_blocks_what_the_hub_alone_cannot_give(tmp_path):
    args = ("plan", "2005.13013/retrieval-gains", "--preset", "paper", "--system", "MNLI", "--seeds", "1", "--store", str(tmp_path / "s.sqlite"))
    result, text = _invoke(*args)
    assert result.exit_code == 0 and "tatoeba has no hub source" in text, text
    from claimcheck.replication.plan import data_files
    from claimcheck.replication.presets import PRESETS

    for rel in data_files(PRESETS["paper"]):  # a data folder with every file the paper preset reads
        (tmp_path / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "data" / rel).touch()
    result, text = _invoke(*args, "--data-dir", str(tmp_path / "data"))
    assert result.exit_code == 0 and "no hub source" not in text and "(2 to run, 0 stored, 0 blocked)" in text, text
    (tmp_path / "data" / "tatoeba" / "test-de.de.txt.xz").unlink()
    result, text = _invoke(*args, "--data-dir", str(tmp_path / "data"))
    assert "(1 to run, 0 stored, 1 blocked)" in text and "the data folder has no" in text and "tatoeba/test-de.de.txt.xz" in text, text


def _squad_file(path, answers: list[str]) -> None:
    """A SQuAD-format .json.xz with one question per answer text ("" = a hidden answer)."""
    context = "the baker sells bread"
    qas = [{"id": f"q{i}", "question": "who sells bread", "answers": [{"text": a, "answer_start": context.find(a) if a else 0}]}
           for i, a in enumerate(answers)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(path, "wt", encoding="utf-8") as f:
        json.dump({"data": [{"title": "t", "paragraphs": [{"context": context, "qas": qas}]}]}, f)


def test_plan_reads_qa_files_and_blocks_hidden_answers_before_anything_runs(tmp_path):
    """The XTREME kit's TyDiQA dev files hide their answers: ``plan`` says so, naming the file, instead of
    the run failing after its intermediate stage. Unreadable QA files are named too."""
    from claimcheck.replication.tasks import TASKS
    from claimcheck.replication.workflow import PlanRequest, make_plan

    data = tmp_path / "data"
    langs = TASKS["tydiqa"].languages
    for lang in langs:
        _squad_file(data / f"tydiqa/dev-{lang}.json.xz", ["the baker"])
    _squad_file(data / "tydiqa/train-en.json.xz", ["the baker"])
    args = ("plan", "all", "--preset", "paper", "--system", "XLM-R", "--task", "tydiqa", "--seeds", "1",
            "--store", str(tmp_path / "s.sqlite"), "--data-dir", str(data))
    result, text = _invoke(*args)
    assert result.exit_code == 0 and "(1 to run, 0 stored, 0 blocked)" in text, text
    _squad_file(data / "tydiqa/dev-fi.json.xz", ["", ""])  # as the kit ships them
    _squad_file(data / "tydiqa/dev-ko.json.xz", ["", "the baker"])  # one answer is enough
    result, text = _invoke(*args)
    assert result.exit_code == 0 and "(0 to run, 0 stored, 1 blocked)" in text and "every gold" in text, text
    req = PlanRequest(preset="paper", seeds=1, systems=("XLM-R",), tasks=("tydiqa",), store=tmp_path / "s.sqlite", data_dir=data)
    (run,) = make_plan(req, check_files=True).runs
    assert run.blocked.startswith("tydiqa/dev-fi.json.xz: every gold answer is blank") and "dev-ko" not in run.blocked
    assert make_plan(req).runs[0].blocked == ""  # replicate does not pre-read: loading stops with the file named
    (data / "tydiqa/dev-fi.json.xz").write_bytes(b"not xz at all")
    (data / "tydiqa/dev-ar.json.xz").unlink()
    (run,) = make_plan(req, check_files=True).runs
    assert run.blocked == "the data folder has no tydiqa/dev-ar.json.xz (and 1 more file)", run.blocked
    (data / "tydiqa/dev-ar.json.xz").write_bytes(b"")
    (run,) = make_plan(req, check_files=True).runs
    assert run.blocked.startswith("tydiqa/dev-ar.json.xz: cannot read as squad_json (") and "(and 1 more file)" in run.blocked
    with lzma.open(data / "tydiqa/dev-ar.json.xz", "wt", encoding="utf-8") as f:  # valid JSON, no articles in it
        json.dump({"data": ["not an article"]}, f)
    (run,) = make_plan(req, check_files=True).runs
    assert run.blocked.startswith("tydiqa/dev-ar.json.xz: cannot read as squad_json (AttributeError"), run.blocked


def test_cli_import_stays_light():
    code = "import sys, claimcheck.cli, claimcheck.replication.plan, claimcheck.replication.workflow; " \
           "print(','.join(m for m in ('torch', 'transformers', 'datasets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
