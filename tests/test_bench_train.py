"""benchmarks/bench_train.py: both training paths run and score (tiny model, a few steps), they start
from the same weights and see the same tokens, the MFU arithmetic, and the shared XNLI split.
Timings are not checked here: the benchmark measures them."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

from script_modules import script_module

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
pytest.importorskip("torch", reason="the replication extra (torch, transformers, datasets) is not installed")
pytest.importorskip("transformers")
needs_accelerate = pytest.mark.skipif(
    importlib.util.find_spec("accelerate") is None, reason="transformers.Trainer needs accelerate, which is not installed"
)


@pytest.fixture(scope="module")
def bench():
    with script_module("benchmarks/bench_train.py") as module:
        yield module


@needs_accelerate
def test_both_paths_train_a_few_steps_and_score_finite_accuracies(bench, tmp_path):
    out = tmp_path / "bench.json"
    bench.main(["--tiny", "--train-examples", "24", "--eval-examples", "15", "--epochs", "1", "--batch-size", "8",
                "--threads", "1", "--json", str(out)])
    payload = json.loads(out.read_text(encoding="utf-8"))
    runs = {r["path"]: r for r in payload["runs"]}
    assert set(runs) == {"claimcheck", "hf-trainer"}
    for r in runs.values():
        assert r["examples"] == 24 and r["steps"] == 3, r  # one epoch of 24 examples in batches of 8
        assert math.isfinite(r["accuracy"]) and 0 <= r["accuracy"] <= 100
        assert r["seconds"] > 0 and r["padded_tokens"] >= r["real_tokens"] > 24
    # the same features reach both loops: one epoch = every training token once
    assert runs["claimcheck"]["real_tokens"] == runs["hf-trainer"]["real_tokens"]
    summary = payload["summary"]
    assert summary["speed_ratio"] > 0 and math.isfinite(summary["speed_ratio"])
    assert summary["accuracies_agree"] == (abs(summary["accuracy_gap"]) <= 0.5)
    assert payload["meta"]["params"] > 0 and "mfu" not in summary["claimcheck"]  # no MFU on a CPU


@needs_accelerate
def test_matched_mode_replays_the_trainers_batches_and_the_two_loops_agree(bench, tmp_path):
    """Same batches in the same order, dropout off: claimcheck's loop (compact vocabulary, its clipping,
    schedule and optimizer) follows the Trainer's per-step loss to float rounding and scores the same."""
    out = tmp_path / "matched.json"
    bench.main(["--tiny", "--train-examples", "40", "--eval-examples", "30", "--epochs", "2", "--batch-size", "8",
                "--threads", "1", "--matched", "--json", str(out)])
    payload = json.loads(out.read_text(encoding="utf-8"))
    runs = {r["path"]: r for r in payload["runs"]}
    cc, hf = runs["claimcheck"], runs["hf-trainer"]
    assert len(cc["losses"]) == len(hf["losses"]) == cc["steps"] == 10
    assert cc["losses"] == pytest.approx(hf["losses"], abs=1e-5)
    assert cc["padded_tokens"] == hf["padded_tokens"]  # the same batches, padded the same
    assert cc["accuracy"] == hf["accuracy"]
    (gap,) = payload["summary"]["loss_gaps"]
    assert gap["seed"] == 0 and gap["max_abs"] < 1e-5 and payload["meta"]["matched"] is True
    assert len(payload["summary"]["claimcheck"]["loss_per_epoch"]) == 2


@needs_accelerate
def test_unmatched_loss_curves_differ_where_batches_and_dropout_differ(bench, tmp_path):
    out = tmp_path / "plain.json"
    bench.main(["--tiny", "--train-examples", "40", "--eval-examples", "30", "--epochs", "2", "--batch-size", "8",
                "--threads", "1", "--json", str(out)])
    runs = {r["path"]: r for r in json.loads(out.read_text(encoding="utf-8"))["runs"]}
    assert len(runs["claimcheck"]["losses"]) == len(runs["hf-trainer"]["losses"]) == 10
    assert max(abs(a - b) for a, b in zip(runs["claimcheck"]["losses"], runs["hf-trainer"]["losses"])) > 1e-3


def test_epoch_means_and_loss_gaps(bench):
    assert bench.epoch_means([1.0, 3.0, 2.0, 4.0, 9.0], 2) == [2.0, 3.0, 9.0]

    def r(path, seed, losses):
        return bench.PathResult(path, seed, 1, 1.0, 1, 1, len(losses), 50.0, losses)

    gaps = bench.loss_gaps([r("claimcheck", 5, [1.0, 0.5, 0.25]), r("hf-trainer", 5, [1.0, 0.7, 0.2]),
                            r("claimcheck", 6, [1.0]), r("hf-trainer", 6, [1.0, 2.0])])  # seed 6: lengths differ
    assert len(gaps) == 1 and gaps[0]["seed"] == 5 and gaps[0]["at_step"] == 2
    assert gaps[0]["max_abs"] == pytest.approx(0.2) and gaps[0]["mean_abs"] == pytest.approx(0.25 / 3)


def test_both_paths_start_from_the_same_weights(bench, tmp_path):
    import torch

    args = bench.parse_args(["--tiny", "--train-examples", "9", "--eval-examples", "6", "--threads", "1"])
    setup = bench.build_setup(args, tmp_path)
    assert len(setup.train) == 9 and len(setup.evals) == 6
    _, enc_a, head_a = bench.fresh_model(setup, 3)
    _, enc_b, head_b = bench.fresh_model(setup, 3)
    _, enc_c, _ = bench.fresh_model(setup, 4)
    for a, b in ((enc_a, enc_b), (head_a, head_b)):
        sa, sb = a.state_dict(), b.state_dict()
        assert sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(v, enc_c.state_dict()[k]) for k, v in enc_a.state_dict().items())


def test_peak_lookup_and_mfu_arithmetic(bench):
    assert bench.bf16_peak("NVIDIA H100 80GB HBM3") == ("H100", 989e12)
    assert bench.bf16_peak("NVIDIA H100 PCIe") == ("H100 PCIe", 756e12)
    assert bench.bf16_peak("NVIDIA H200") == ("H200", 989e12)
    assert bench.bf16_peak("NVIDIA A100-SXM4-80GB") == ("A100", 312e12)
    assert bench.bf16_peak("Tesla T4") is None
    # 6 * 1e8 params * 1e6 tokens in 2 s = 3e14 FLOP/s, a third of 9e14
    assert bench.mfu(100_000_000, 1_000_000, 2.0, 9e14) == pytest.approx(1 / 3)


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "data" / "xnli" / "dev-en.tsv.xz").is_file(), reason="../shared/data is absent")
def test_shared_xnli_split_is_1245_rows_each_with_disjoint_premises(bench, tmp_path):
    from claimcheck.replication.presets import XNLI_EVAL_ROWS, XNLI_TRAIN_ROWS

    train = bench.load_rows(SHARED / "data", XNLI_TRAIN_ROWS, tmp_path)
    scored = bench.load_rows(SHARED / "data", XNLI_EVAL_ROWS, tmp_path)
    assert len(train) == len(scored) == 1245
    assert {e["label"] for e in train} == {e["label"] for e in scored} == {0, 1, 2}  # no "neutral\r" left
    assert not {e["text_a"] for e in train} & {e["text_a"] for e in scored}


def test_train_gaps_pairs_seeds_across_files_and_says_whether_agreement_is_shown(tmp_path):
    import subprocess

    def write(name, runs):
        (tmp_path / name).write_text(json.dumps({"runs": [{"path": p, "seed": s, "accuracy": a} for p, s, a in runs]}))

    write("a.json", [("claimcheck", 0, 60.0), ("hf-trainer", 0, 61.0), ("claimcheck", 1, 62.0), ("hf-trainer", 1, 61.0)])
    write("b.json", [("claimcheck", 2, 60.0), ("hf-trainer", 2, 60.0), ("claimcheck", 3, 59.0)])  # seed 3: one path only
    out = subprocess.run([sys.executable, str(REPO / "benchmarks" / "train_gaps.py"), str(tmp_path / "a.json"), str(tmp_path / "b.json")],
                         capture_output=True, text=True, check=True).stdout
    # gaps -1, +1, 0: mean 0, sd 1, t(0.975, 2) = 4.303 -> half-width 4.303 / sqrt(3) = 2.48
    assert "3 seeds (default runs):" in out and "mean gap +0.00, sd 1.00, 95% CI [-2.48, +2.48]" in out
    assert "seed 3" not in out and "shown at 95 %: no" in out


def test_train_gaps_refuses_to_mix_matched_and_default_runs(tmp_path):
    import subprocess

    for name, matched in (("plain.json", False), ("matched.json", True)):
        runs = [{"path": p, "seed": s, "accuracy": 60.0} for s in (0, 1) for p in ("claimcheck", "hf-trainer")]
        (tmp_path / name).write_text(json.dumps({"meta": {"matched": matched}, "runs": runs}))
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "train_gaps.py"), str(tmp_path / "plain.json"),
                           str(tmp_path / "matched.json")], capture_output=True, text=True)
    assert done.returncode == 2 and "matched.json holds --matched runs" in done.stderr and "Traceback" not in done.stderr
    alone = subprocess.run([sys.executable, str(REPO / "benchmarks" / "train_gaps.py"), str(tmp_path / "matched.json")],
                           capture_output=True, text=True, check=True).stdout
    assert "2 seeds (matched batches, no dropout):" in alone


def test_steady_figures_leave_out_the_first_tenth_of_the_steps(bench):
    r = bench.PathResult("claimcheck", 0, 40, 9.0, 400, 500, 20, 50.0, [1.0] * 20,
                         step_ends=[0.5 * (i + 1) for i in range(20)], step_tokens=[10 + i for i in range(20)],
                         step_examples=[2] * 20)
    # 20 steps: the first 3 (at least 3; a tenth is 2) are left out, timed from the end of step 3 (1.5 s) to 10 s
    assert bench.steady_window(r) == (sum(range(13, 30)), 34, pytest.approx(8.5))
    short = bench.PathResult("claimcheck", 0, 8, 1.0, 40, 40, 4, 50.0, [1.0] * 4, [0.1, 0.2, 0.3, 0.4], [10] * 4, [2] * 4)
    assert bench.steady_window(short) is None  # one step left after the first 3: no window
    assert bench.per_step([[3, 4], [5], [6, 6], [7]], 2) == ([12, 19], [3, 3])
    summary = bench.summarise([r, bench.PathResult("hf-trainer", 0, 40, 9.0, 400, 500, 20, 50.0, [1.0] * 20)], 1000, ("H100", 1e12))
    steady = summary["claimcheck"]["steady"]
    assert steady["examples_per_second"] == pytest.approx(34 / 8.5) and steady["mfu"] == pytest.approx(6e3 * 357 / 8.5 / 1e12)
    assert "steady" not in summary["hf-trainer"]  # no step times recorded


def test_the_xlmr_large_shape_has_the_papers_model_size_and_the_tokenizers_vocabulary(bench, tmp_path):
    import torch
    from transformers import AutoConfig, AutoModel

    from claimcheck.replication.encoder import load_tokenizer

    _, model = bench.save_tiny_kit(tmp_path / "kit", 30)
    folder = bench.shaped_model(str(model), "xlmr-large", tmp_path)
    config = AutoConfig.from_pretrained(folder)
    tokenizer = load_tokenizer(folder)
    assert config.model_type == "xlm-roberta" and config.vocab_size == len(tokenizer)
    assert (config.num_hidden_layers, config.hidden_size, config.num_attention_heads, config.intermediate_size) == (24, 1024, 16, 4096)
    assert config.pad_token_id == tokenizer.pad_token_id
    assert not (Path(folder) / "model.safetensors").exists()  # random weights: claimcheck's loader builds from the config
    with torch.device("meta"):
        encoder = AutoModel.from_config(config, add_pooling_layer=False)
    layers = sum(p.numel() for p in encoder.parameters()) - sum(p.numel() for p in encoder.embeddings.parameters())
    assert 300e6 < layers < 305e6  # XLM-R Large without its embeddings: about 302 M


@needs_accelerate
def test_a_shape_trains_with_random_weights_through_both_paths_and_times_steady_steps(bench, tmp_path, monkeypatch):
    monkeypatch.setitem(bench.SHAPES, "test-small", {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
                                                     "intermediate_size": 64, "max_position_embeddings": 130})
    out = tmp_path / "shape.json"
    bench.main(["--tiny", "--shape", "test-small", "--train-examples", "48", "--eval-examples", "15", "--epochs", "2",
                "--batch-size", "4", "--threads", "1", "--json", str(out)])
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["meta"]["shape"] == "test-small" and "random weights" in payload["meta"]["label"]
    assert payload["meta"]["params"] < 60_000  # 2 layers of width 32 plus the head, not the tiny kit's BERT
    for r in payload["runs"]:
        assert len(r["step_ends"]) == len(r["step_tokens"]) == len(r["step_examples"]) == r["steps"] == 24
        assert sum(r["step_tokens"]) == r["real_tokens"] and sum(r["step_examples"]) == r["examples"] == 96
        assert r["step_ends"] == sorted(r["step_ends"]) and r["step_ends"][-1] <= r["seconds"]
    for path in ("claimcheck", "hf-trainer"):
        steady = payload["summary"][path]["steady"]
        assert steady["real_tokens"] < payload["summary"][path]["real_tokens"] and steady["examples_per_second"] > 0


def test_only_one_path_runs_alone_with_its_grad_accumulation_and_no_comparison(bench, tmp_path, capsys):
    out = tmp_path / "only.json"
    bench.main(["--tiny", "--train-examples", "24", "--eval-examples", "15", "--epochs", "1", "--batch-size", "4",
                "--grad-accum", "2", "--threads", "1", "--only", "claimcheck", "--json", str(out)])
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert [r["path"] for r in payload["runs"]] == ["claimcheck"]
    assert payload["runs"][0]["steps"] == 3 and payload["meta"]["hp"]["grad_accum"] == 2  # 6 micro-batches of 4
    assert set(payload["summary"]) == {"claimcheck"}  # no ratio or accuracy gap without the Trainer
    assert "only claimcheck ran (--only): no comparison" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--tiny", "--matched", "--only", "claimcheck"], "cannot run with --only"),
    (["--tiny", "--compile", "cudagraphs"], "needs --device cuda"),
    (["--tiny", "--train-languages", "en,de"], "English rows only"),
])
def test_contradictory_arguments_are_refused_before_anything_runs(bench, argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.parse_args(argv)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.skipif(not (SHARED / "data" / "xnli" / "dev-de.tsv.xz").is_file(), reason="needs ../shared/data")
def test_training_rows_can_come_from_several_languages_dev_files(bench, tmp_path):
    one = bench.load_rows(SHARED / "data", (0, 5), tmp_path / "cache")
    two = bench.load_rows(SHARED / "data", (0, 5), tmp_path / "cache", ("en", "de"))
    assert len(one) == 5 and len(two) == 10 and two[:5] == one
    assert [r["label"] for r in two[5:]] == [r["label"] for r in one]  # XNLI's languages translate the same rows
    assert two[5]["text_a"] != one[0]["text_a"]
