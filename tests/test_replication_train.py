"""The training loop: schedule (length grouping, proportional multi-task sampling, determinism),
learning on the smoke data, early stopping that keeps the best dev state."""

from __future__ import annotations

import random
from collections import Counter

import pytest
import replication_fixtures

from claimcheck.replication.spec import EncoderSpec, TrainHParams
from claimcheck.replication.train import length_grouped_batches, make_schedule

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here


def _features(n: int, lengths=None) -> list[dict]:
    lengths = lengths or [5 + i % 40 for i in range(n)]
    return [{"input_ids": [1] * lengths[i], "label": 0, "example_index": i} for i in range(n)]


def test_length_grouped_batches_cover_everything_once_with_less_padding():
    rng = random.Random(0)
    lengths = [rng.randint(3, 200) for _ in range(400)]
    batches = length_grouped_batches(lengths, 8, 50, random.Random(1))
    assert sorted(i for b in batches for i in b) == list(range(400))

    def padding(bs):
        return sum(max(lengths[i] for i in b) * len(b) - sum(lengths[i] for i in b) for b in bs)

    plain = length_grouped_batches(lengths, 8, 1, random.Random(1))  # pools of one batch: no grouping
    assert padding(batches) < padding(plain) / 3


def test_multi_task_schedule_is_proportional_and_seeded():
    feats = {"big": _features(300), "small": _features(100)}
    hp = TrainHParams(epochs=2, batch_size=10)
    schedule = make_schedule(feats, hp, seed=3)
    assert len(schedule) == 2 * (30 + 10)
    assert Counter(task for task, _ in schedule) == {"big": 60, "small": 20}
    assert make_schedule(feats, hp, seed=3) == schedule
    assert make_schedule(feats, hp, seed=4) != schedule
    firsts = [task for task, _ in schedule[:40]]
    assert firsts != sorted(firsts)  # tasks interleaved, not one after the other
    assert len(make_schedule(feats, TrainHParams(epochs=0.5, batch_size=10), seed=3)) == 20


def _setup(smoke_kit, seed=0):
    import torch

    from claimcheck.replication.encoder import load_encoder, load_tokenizer
    from claimcheck.replication.heads.pair_classification import PairClassificationHead
    from claimcheck.replication.tasks import TASKS
    from claimcheck.replication.tasks.loading import load_examples

    data, model = smoke_kit
    torch.set_num_threads(1)
    tok = load_tokenizer(str(model))
    enc = load_encoder(EncoderSpec("smoke", pooling="mean", random_init=True), str(model), seed=seed)
    torch.manual_seed(seed)
    head = PairClassificationHead(TASKS["xnli"], enc.config.hidden_size, pooling="mean")
    examples = load_examples(TASKS["xnli"], "dev", "en", data_dir=data, cache_dir=data.parent / "cache").examples
    return tok, enc, head, examples


def test_the_loop_learns_the_smoke_task(smoke_kit):
    import torch

    from claimcheck.replication.evaluate import evaluate_examples
    from claimcheck.replication.train import Trainer

    tok, enc, head, examples = _setup(smoke_kit)
    feats = head.featurize(examples, tok, 48)
    before = evaluate_examples(enc, head, tok, examples, max_length=48, device=torch.device("cpu"))["accuracy"]
    hp = TrainHParams(epochs=15, batch_size=8, grad_accum=2, lr=3e-3, max_length=48, length_group=4)
    result = Trainer(enc, {"xnli": head}, {"xnli": feats}, hp=hp, seed=1, device=torch.device("cpu"), pad_id=tok.pad_token_id).train()
    after = evaluate_examples(enc, head, tok, examples, max_length=48, device=torch.device("cpu"))["accuracy"]
    assert result.steps == 15 * 8 // 2 and result.examples_seen == 15 * 60
    assert after > 70 and after > before + 20, (before, after)


def test_early_stopping_keeps_the_best_dev_state(smoke_kit, tmp_path):
    import torch

    from claimcheck.replication.train import Trainer

    tok, enc, head, examples = _setup(smoke_kit)
    feats = head.featurize(examples, tok, 48)
    snapshots, scores = [], iter([1.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0, 0.0])

    def dev_score() -> float:
        snapshots.append({k: v.clone() for k, v in enc.state_dict().items()})
        return next(scores)

    hp = TrainHParams(epochs=10, batch_size=8, lr=1e-2, max_length=48, early_stopping=True, eval_every=1, patience=3)
    trainer = Trainer(enc, {"xnli": head}, {"xnli": feats}, hp=hp, seed=1, device=torch.device("cpu"), pad_id=tok.pad_token_id,
                      checkpoint_dir=tmp_path / "ckpt", dev_score=dev_score)
    result = trainer.train()
    assert result.stopped_early and result.best_dev == 5.0
    assert len(snapshots) == 5  # best at the 2nd evaluation, then 3 without improvement
    best = snapshots[1]
    assert all(torch.equal(best[k], v) for k, v in enc.state_dict().items())
    assert not all(torch.equal(snapshots[-1][k], v) for k, v in enc.state_dict().items())


def test_nan_loss_is_an_error_not_a_result(smoke_kit):
    import torch

    from claimcheck.replication.train import Trainer

    tok, enc, head, examples = _setup(smoke_kit)
    feats = head.featurize(examples[:8], tok, 48)
    with torch.no_grad():
        head.out.weight.fill_(float("nan"))
    trainer = Trainer(enc, {"xnli": head}, {"xnli": feats}, hp=TrainHParams(epochs=1, batch_size=8), seed=1,
                      device=torch.device("cpu"), pad_id=tok.pad_token_id)
    with pytest.raises(FloatingPointError):
        trainer.train()


def _counting_micro_steps(trainer, nan_at: int | None = None) -> list[int]:
    """Counts the trainer's micro-batch forward/backward passes; the ``nan_at``-th returns a NaN loss."""
    import torch

    calls, original = [0], trainer._micro_step

    def counted(*args):
        calls[0] += 1
        loss = original(*args)
        return torch.tensor(float("nan")) if calls[0] == nan_at else loss

    trainer._micro_step = counted
    return calls


def test_a_steps_loss_is_read_once_the_next_step_is_queued(smoke_kit):
    """Reading a loss waits for a GPU to finish its step; the loop reads step s's loss after queueing
    step s+1, so the GPU is not idle while Python prepares a batch. Values and order are unchanged."""
    import torch

    from claimcheck.replication.train import Trainer

    tok, enc, head, examples = _setup(smoke_kit)
    feats = head.featurize(examples, tok, 48)
    hp = TrainHParams(epochs=1, batch_size=8, grad_accum=2, lr=3e-3, max_length=48)
    seen = []
    trainer = Trainer(enc, {"xnli": head}, {"xnli": feats}, hp=hp, seed=1, device=torch.device("cpu"), pad_id=tok.pad_token_id,
                      on_step=lambda step, total, loss: seen.append((step, calls[0], loss)))
    calls = _counting_micro_steps(trainer)
    trainer.train()
    total = trainer.total_steps
    assert [s for s, _, _ in seen] == list(range(1, total + 1))
    # step s reported after step s+1's two micro-batches ran; the last step at the end
    assert [c for _, c, _ in seen] == [2 * min(s + 1, total) for s in range(1, total + 1)]
    assert all(loss > 0 for _, _, loss in seen)


def test_a_non_finite_loss_stops_the_run_before_its_checkpoint_is_saved(smoke_kit, tmp_path):
    import torch

    from claimcheck.replication.train import Trainer

    tok, enc, head, examples = _setup(smoke_kit)
    feats = head.featurize(examples, tok, 48)
    reported = []
    trainer = Trainer(enc, {"xnli": head}, {"xnli": feats}, hp=TrainHParams(epochs=2, batch_size=8, grad_accum=1, max_length=48), seed=1,
                      device=torch.device("cpu"), pad_id=tok.pad_token_id, checkpoint_dir=tmp_path / "ckpt",
                      checkpoint_every=2, on_step=lambda step, total, loss: reported.append(step))
    _counting_micro_steps(trainer, nan_at=4)  # step 4 is a checkpoint step
    with pytest.raises(FloatingPointError, match="at step 4"):
        trainer.train()
    assert reported == [1, 2, 3]
    saved = torch.load(tmp_path / "ckpt" / "state.pt", weights_only=False)
    assert saved["step"] == 2  # the step-4 checkpoint, whose loss was NaN, was not written


def test_learning_rate_follows_transformers_linear_warmup_schedule():
    """Step s runs at lr * factor(s), factor as transformers' get_linear_schedule_with_warmup: 0 at the
    first step, lr after the warm-up, 0 at the end."""
    import torch

    pytest.importorskip("transformers")
    from transformers import get_linear_schedule_with_warmup

    from claimcheck.replication.train import build_optimizer

    hp = TrainHParams(lr=3e-5, warmup=0.1)
    optimizer, scheduler = build_optimizer(list(torch.nn.Linear(2, 2).named_parameters()), hp, total_steps=234)
    theirs = torch.optim.AdamW(torch.nn.Linear(2, 2).parameters(), lr=3e-5)
    reference = get_linear_schedule_with_warmup(theirs, num_warmup_steps=23, num_training_steps=234)
    lrs, expected = [], []
    for _ in range(234):
        lrs.append(optimizer.param_groups[0]["lr"])
        expected.append(theirs.param_groups[0]["lr"])
        for opt, sched in ((optimizer, scheduler), (theirs, reference)):
            opt.step()
            sched.step()
    assert lrs == pytest.approx(expected, rel=1e-12, abs=0)
    assert lrs[0] == 0.0 and lrs[23] == pytest.approx(3e-5) and lrs[-1] == pytest.approx(3e-5 / 211)


def test_a_given_schedule_is_replayed_and_a_bad_one_refused(smoke_kit):
    import torch

    from claimcheck.replication.train import Trainer

    tok, enc, head, examples = _setup(smoke_kit)
    feats = head.featurize(examples[:20], tok, 48)
    given = [("xnli", [3, 1, 4]), ("xnli", [0, 5]), ("xnli", [9, 2, 6, 7])]
    seen = []
    collate = head.collate
    head.collate = lambda batch, pad_id: seen.append([f["example_index"] for f in batch]) or collate(batch, pad_id)
    hp = TrainHParams(epochs=1, batch_size=4, grad_accum=1, lr=1e-3, max_length=48)
    trainer = Trainer(enc, {"xnli": head}, {"xnli": feats}, hp=hp, seed=1, device=torch.device("cpu"),
                      pad_id=tok.pad_token_id, schedule=given)
    result = trainer.train()
    assert result.steps == 3 and result.examples_seen == 9
    assert seen == [[feats[i]["example_index"] for i in idx] for _, idx in given]
    for bad, what in (([("mnli", [0])], "mnli"), ([("xnli", [0, 20])], "20"), ([("xnli", [])], "no")):
        with pytest.raises(ValueError, match=what):
            Trainer(enc, {"xnli": head}, {"xnli": feats}, hp=hp, seed=1, device=torch.device("cpu"),
                    pad_id=tok.pad_token_id, schedule=bad)
