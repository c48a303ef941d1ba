"""Multiple-choice head: one pair per choice, [B*K, T] batches, softmax over choices, training."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from claimcheck.replication.heads.multiple_choice import MultipleChoiceHead  # noqa: E402
from claimcheck.replication.tasks import TASKS  # noqa: E402
from heads_fixtures import WORDS, run_eval, tiny_encoder, tiny_tokenizer, train_steps  # noqa: E402


@pytest.fixture(scope="module")
def tok():
    return tiny_tokenizer([" ".join(WORDS)] * 3)


def examples():
    # the right choice repeats a word of the context: learnable from a handful of examples
    return [
        {"context": "the merchants sell bread", "question": "what do they sell", "label": 2,
         "choices": ["wine", "stone", "bread"]},
        {"context": "the bells ring nine times", "question": "how often", "label": 0,
         "choices": ["nine", "old", "every"]},
        {"context": "old stone bridges", "question": "what is old", "label": 1,
         "choices": ["market", "bridges", "cheese"]},
        {"context": "apples and cheese in the market", "question": "", "label": 2,
         "choices": ["river", "morning", "apples"]},
    ]


def test_features_and_batch_shapes(tok):
    head = MultipleChoiceHead(TASKS["siqa"], 32)
    feats = head.featurize(examples(), tok, 32)
    f = feats[0]
    assert len(f["choice_lengths"]) == 3 and sum(f["choice_lengths"]) == len(f["input_ids"])
    # each choice is a pair: <s> prompt </s></s> choice </s>, prompt = context + " " + question
    first = tok.decode(f["input_ids"][: f["choice_lengths"][0]])
    assert "merchants sell bread" in first and "what do they sell" in first and first.rstrip().endswith("wine</s>")
    batch = head.collate(feats, tok.pad_token_id)
    assert batch["input_ids"].shape[0] == 4 * 3 and batch["choice_mask"].shape == (4, 3)
    assert batch["label"].tolist() == [2, 0, 1, 2]


def test_mixed_choice_counts_are_masked(tok):
    head = MultipleChoiceHead(TASKS["commonsenseqa"], 32)
    exs = examples()[:2]
    exs[1] = {**exs[1], "choices": exs[1]["choices"] + ["times", "bells"]}  # 5 choices next to 3
    batch = head.collate(head.featurize(exs, tok, 32), tok.pad_token_id)
    assert batch["input_ids"].shape[0] == 2 * 5
    assert batch["choice_mask"].tolist() == [[True] * 3 + [False] * 2, [True] * 5]
    encoder = tiny_encoder(len(tok))
    hidden = encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
    logits = head(hidden, batch)
    assert logits.shape == (2, 5) and torch.isfinite(logits).all()
    assert (logits[0, 3:] < -1e3).all()  # the dummy choices never win
    head.loss(logits, batch).backward()
    assert all(torch.isfinite(p.grad).all() for p in encoder.parameters() if p.grad is not None)


def test_label_out_of_range_is_rejected(tok):
    head = MultipleChoiceHead(TASKS["hellaswag"], 32)
    with pytest.raises(ValueError, match="label 3"):
        head.featurize([{**examples()[0], "label": 3}], tok, 32)


def test_training_lowers_the_loss_and_picks_the_right_choices(tok):
    head = MultipleChoiceHead(TASKS["cosmosqa"], 32, dropout=0.0)
    exs = examples()
    feats = head.featurize(exs, tok, 32)
    batch = head.collate(feats, tok.pad_token_id)
    encoder = tiny_encoder(len(tok), seed=2)
    assert head.score(exs, feats, [0, 0, 0, 0]) == {"accuracy": 25.0}
    losses = train_steps(encoder, head, batch, steps=40)
    assert losses[-1] < 0.2 * losses[0]
    assert head.score(exs, feats, run_eval(encoder, head, batch)) == {"accuracy": 100.0}
