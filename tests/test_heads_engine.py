"""The QA, tagging and multiple-choice heads inside the engine: one multi-task ``Trainer`` run with one head
per task (proportional sampling, gradient accumulation), then ``evaluate_examples`` on each task."""

from __future__ import annotations

import random

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from claimcheck.replication.evaluate import evaluate_examples  # noqa: E402
from claimcheck.replication.heads.extractive_qa import ExtractiveQAHead  # noqa: E402
from claimcheck.replication.heads.multiple_choice import MultipleChoiceHead  # noqa: E402
from claimcheck.replication.heads.token_classification import TokenClassificationHead  # noqa: E402
from claimcheck.replication.spec import TrainHParams  # noqa: E402
from claimcheck.replication.tasks import TASKS  # noqa: E402
from claimcheck.replication.train import Trainer  # noqa: E402
from heads_fixtures import WORDS, tiny_encoder, tiny_tokenizer  # noqa: E402


def qa_examples(rng: random.Random, n: int) -> list[dict]:
    out = []
    for i in range(n):
        words = [rng.choice(WORDS[:30]) for _ in range(12)]
        first = rng.randrange(2, 10)
        answer = words[first]
        start = len(" ".join(words[:first])) + 1
        out.append({"id": f"q{i}", "title": "", "context": " ".join(words), "question": "which word",
                    "answers": {"text": [answer], "answer_start": [start]}})
    return out


def tag_examples(rng: random.Random, n: int) -> list[dict]:
    # a word's tag is a fixed function of the word: learnable
    tag_of = {w: ("B-PER" if i % 3 == 0 else "B-LOC" if i % 3 == 1 else "O") for i, w in enumerate(WORDS)}
    out = []
    for _ in range(n):
        words = [rng.choice(WORDS) for _ in range(6)]
        out.append({"tokens": words, "tags": [tag_of[w] for w in words]})
    return out


def mc_examples(rng: random.Random, n: int) -> list[dict]:
    out = []
    for _ in range(n):
        words = rng.sample(WORDS[:30], 6)
        label = rng.randrange(3)
        choices = words[3:6]
        choices[label] = words[0]  # the right choice is the first word of the context
        out.append({"context": " ".join(words[:3]), "question": "", "choices": choices, "label": label})
    return out


def test_multi_task_training_and_evaluation_through_the_engine():
    rng = random.Random(0)
    data = {"squad_v1": qa_examples(rng, 8), "panx": tag_examples(rng, 8), "siqa": mc_examples(rng, 8)}
    tok = tiny_tokenizer([" ".join(WORDS)] * 3, vocab_size=200)
    encoder = tiny_encoder(len(tok), pad_token_id=tok.pad_token_id)
    heads = {
        "squad_v1": ExtractiveQAHead(TASKS["squad_v1"], 32, dropout=0.0),
        "panx": TokenClassificationHead(TASKS["panx"], 32, dropout=0.0),
        "siqa": MultipleChoiceHead(TASKS["siqa"], 32, dropout=0.0),
    }
    features = {name: heads[name].featurize(data[name], tok, 48) for name in heads}
    hp = TrainHParams(epochs=20, batch_size=4, grad_accum=2, lr=3e-3, warmup=0.1, max_length=48, length_group=2)
    losses = []
    trainer = Trainer(encoder, heads, features, hp=hp, seed=0, device=torch.device("cpu"), pad_id=tok.pad_token_id,
                      on_step=lambda step, total, loss: losses.append(loss))
    # proportional sampling: every task's micro-batches are in the schedule, one task per micro-batch
    assert {task for task, _ in trainer.schedule} == set(heads)
    trainer.train()
    assert len(losses) == trainer.total_steps
    assert sum(losses[-5:]) / 5 < 0.5 * sum(losses[:5]) / 5
    scores = {name: evaluate_examples(encoder, heads[name], tok, data[name], max_length=48, device=torch.device("cpu"),
                                      batch_size=5) for name in heads}
    # measured on one run: EM 100, F1 75 (answers like "the" get EM 1 but F1 0 under SQuAD v1.1 rules),
    # PAN-X F1 100, accuracy 87.5
    assert set(scores["squad_v1"]) == {"em", "f1"} and scores["squad_v1"]["em"] >= 75.0
    assert scores["panx"]["f1"] >= 75.0
    assert scores["siqa"]["accuracy"] >= 75.0
