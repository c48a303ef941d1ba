"""Padding a batch's token axis to a multiple (``Head.padded_to_multiple``, ``Trainer(pad_multiple=)``):
on a GPU, a few distinct widths instead of one per length. The added columns are padding everywhere
(ids, mask, token labels), and training on them gives the losses of training without them."""

from __future__ import annotations

import random

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from claimcheck.replication.heads.multiple_choice import MultipleChoiceHead  # noqa: E402
from claimcheck.replication.heads.pair_classification import PairClassificationHead  # noqa: E402
from claimcheck.replication.heads.token_classification import IGNORE, TokenClassificationHead  # noqa: E402
from claimcheck.replication.spec import TrainHParams  # noqa: E402
from claimcheck.replication.tasks import TASKS  # noqa: E402
from claimcheck.replication.train import Trainer  # noqa: E402
from heads_fixtures import WORDS, tiny_encoder, tiny_tokenizer  # noqa: E402


@pytest.fixture(scope="module")
def tok():
    return tiny_tokenizer([" ".join(WORDS)] * 3, vocab_size=200)


def test_token_columns_added_are_padding_in_every_key(tok):
    head = TokenClassificationHead(TASKS["panx"], 32)
    feats = head.featurize([{"tokens": ["bread", "wine", "river"], "tags": ["O", "B-LOC", "B-PER"]},
                            {"tokens": ["bread"], "tags": ["O"]}], tok, 32)
    batch = head.collate(feats, tok.pad_token_id)
    width = batch["input_ids"].shape[1]
    wide = head.padded_to_multiple(batch, 8, tok.pad_token_id)
    new = wide["input_ids"].shape[1]
    assert new % 8 == 0 and width < new < width + 8
    assert (wide["input_ids"][:, width:] == tok.pad_token_id).all() and (wide["attention_mask"][:, width:] == 0).all()
    assert (wide["labels"][:, width:] == IGNORE).all()
    for key in ("input_ids", "attention_mask", "labels"):
        assert torch.equal(wide[key][:, :width], batch[key])
    assert torch.equal(wide["example_index"], batch["example_index"])  # not a token axis: unchanged
    assert head.padded_to_multiple(wide, 8, tok.pad_token_id) is wide and head.padded_to_multiple(batch, 1, 0) is batch


def test_multiple_choice_pads_tokens_not_choices(tok):
    head = MultipleChoiceHead(TASKS["siqa"], 32)
    exs = [{"context": "merchants sell bread", "question": "what", "choices": ["wine", "bread", "river"], "label": 1}] * 2
    batch = head.collate(head.featurize(exs, tok, 32), tok.pad_token_id)
    wide = head.padded_to_multiple(batch, 16, tok.pad_token_id)
    assert wide["input_ids"].shape == (6, 16 * -(-batch["input_ids"].shape[1] // 16))
    assert torch.equal(wide["choice_mask"], batch["choice_mask"]) and torch.equal(wide["label"], batch["label"])


def test_training_on_padded_widths_gives_the_same_losses(tok):
    rng = random.Random(0)
    exs = [{"text_a": " ".join(rng.choices(WORDS, k=rng.randint(2, 9))), "text_b": " ".join(rng.choices(WORDS, k=rng.randint(1, 7))),
            "label": rng.randrange(3)} for _ in range(24)]
    hp = TrainHParams(epochs=2, batch_size=4, grad_accum=1, lr=3e-3, max_length=48)

    def losses(multiple: int) -> list[float]:
        encoder = tiny_encoder(len(tok), seed=1, pad_token_id=tok.pad_token_id)
        torch.manual_seed(1)
        head = PairClassificationHead(TASKS["xnli"], 32, pooling="mean", dropout=0.0)
        for module in encoder.modules():
            if isinstance(module, torch.nn.Dropout):
                module.p = 0.0
        out = []
        Trainer(encoder, {"xnli": head}, {"xnli": head.featurize(exs, tok, 48)}, hp=hp, seed=2, device=torch.device("cpu"),
                pad_id=tok.pad_token_id, pad_multiple=multiple, on_step=lambda s, t, loss: out.append(loss)).train()
        return out

    plain, padded = losses(1), losses(16)
    assert len(plain) == len(padded) == 12
    assert padded == pytest.approx(plain, abs=1e-5)


def test_replicate_pads_to_multiples_of_8_on_a_gpu_and_to_the_longest_feature_on_a_cpu(tok):
    from claimcheck.replication import environment

    assert environment.pad_multiple(torch.device("cuda")) == 8 and environment.pad_multiple(torch.device("cuda:1")) == 8
    assert environment.pad_multiple(torch.device("cpu")) == 1
    head = PairClassificationHead(TASKS["xnli"], 32)
    feats = head.featurize([{"text_a": "bread", "text_b": "wine", "label": 0}], tok, 48)
    encoder = tiny_encoder(len(tok), pad_token_id=tok.pad_token_id)
    hp = TrainHParams(epochs=1, batch_size=1, max_length=48)
    trainer = Trainer(encoder, {"xnli": head}, {"xnli": feats}, hp=hp, seed=0, device=torch.device("cpu"), pad_id=tok.pad_token_id)
    assert trainer.pad_multiple == 1  # CPU runs are what they were
    assert Trainer(encoder, {"xnli": head}, {"xnli": feats}, hp=hp, seed=0, device=torch.device("cpu"), pad_id=tok.pad_token_id,
                   pad_multiple=16).pad_multiple == 16


def test_every_head_predicts_the_same_from_batches_padded_to_a_multiple(tok):
    """Evaluation pads its length-sorted batches as training does (on a GPU, to multiples of 8); each
    head reads its predictions within each feature's own length, so the extra columns change nothing."""
    import numpy as np

    from claimcheck.replication.evaluate import predict_features
    from claimcheck.replication.heads.extractive_qa import ExtractiveQAHead
    from claimcheck.replication.heads.retrieval import RetrievalHead
    from test_heads_engine import mc_examples, qa_examples, tag_examples

    rng = random.Random(3)
    pairs = [{"text_a": " ".join(rng.choices(WORDS, k=rng.randint(2, 9))), "text_b": " ".join(rng.choices(WORDS, k=3)), "label": 0}
             for _ in range(10)]
    retrieval = [{"source": [" ".join(rng.choices(WORDS, k=rng.randint(1, 6))) for _ in range(5)],
                  "target": [" ".join(rng.choices(WORDS, k=rng.randint(1, 6))) for _ in range(5)], "gold": {}}]
    cases = [
        (PairClassificationHead(TASKS["xnli"], 32, pooling="mean"), pairs),
        (ExtractiveQAHead(TASKS["squad_v1"], 32), qa_examples(rng, 6)),
        (TokenClassificationHead(TASKS["panx"], 32), tag_examples(rng, 6)),
        (MultipleChoiceHead(TASKS["siqa"], 32), mc_examples(rng, 5)),
        (RetrievalHead(TASKS["tatoeba"], 32), retrieval),
    ]
    encoder = tiny_encoder(len(tok), seed=2, pad_token_id=tok.pad_token_id)
    for head, examples in cases:
        features = head.featurize(examples, tok, 48)
        plain, padded = (predict_features(encoder, head, features, pad_id=tok.pad_token_id, device=torch.device("cpu"),
                                          batch_size=4, pad_multiple=m) for m in (1, 16))
        assert len(plain) == len(padded) == len(features), head.kind
        for a, b in zip(plain, padded):
            a, b = (np.asarray(x, dtype=float) for x in (a, b))
            assert a.shape == b.shape and np.allclose(a, b, atol=1e-5), head.kind
