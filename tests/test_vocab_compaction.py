"""Training the used vocabulary only must give the dense AdamW result: the same weights for every
row (trained rows and weight-decayed untouched rows), through checkpoints and early stopping."""

from __future__ import annotations

import random

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from claimcheck.replication.heads.pair_classification import PairClassificationHead  # noqa: E402
from claimcheck.replication.spec import TrainHParams  # noqa: E402
from claimcheck.replication.tasks import TASKS  # noqa: E402
from claimcheck.replication.train import Trainer  # noqa: E402
from claimcheck.replication.vocab_compaction import compact_vocabulary, decay_product  # noqa: E402

VOCAB, PAD = 3000, 1
HP = TrainHParams(epochs=3, batch_size=4, grad_accum=1, lr=5e-3, weight_decay=0.1, warmup=0.2, max_length=32, length_group=2)


def _model(seed: int = 0):
    torch.manual_seed(seed)
    config = transformers.BertConfig(vocab_size=VOCAB, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=32, max_position_embeddings=64, pad_token_id=PAD)
    encoder = transformers.BertModel(config, add_pooling_layer=False)
    torch.manual_seed(seed + 1)
    head = PairClassificationHead(TASKS["xnli"], 16, pooling="mean")
    return encoder, head


def _features(n: int = 24, seed: int = 0, low: int = 5, high: int = 200) -> list[dict]:
    rng = random.Random(seed)
    return [{"input_ids": [0] + [rng.randrange(low, high) for _ in range(rng.randrange(3, 12))] + [2],
             "label": i % 3, "example_index": i} for i in range(n)]


def _train(compact: bool, features=None, **kwargs):
    torch.set_num_threads(1)
    encoder, head = _model()
    features = features or _features()
    trainer = Trainer(encoder, {"xnli": head}, {"xnli": features}, hp=kwargs.pop("hp", HP), seed=3,
                      device=torch.device("cpu"), pad_id=PAD, compact_vocab=compact, **kwargs)
    active = trainer.compaction is not None
    trainer.train()
    return encoder, head, active


def _assert_same(a, b, atol=1e-6):
    sa, sb = a.state_dict(), b.state_dict()
    assert sa.keys() == sb.keys()
    for k in sa:
        assert sa[k].shape == sb[k].shape, k
        assert torch.allclose(sa[k], sb[k], atol=atol, rtol=1e-5), (k, (sa[k] - sb[k]).abs().max())


def test_compact_training_gives_the_dense_weights_for_every_row():
    dense_enc, dense_head, dense_active = _train(False)
    comp_enc, comp_head, comp_active = _train(True)
    assert comp_active and not dense_active
    _assert_same(dense_enc, comp_enc)
    _assert_same(dense_head, comp_head)
    start, _ = _model()
    w0, w = start.embeddings.word_embeddings.weight.detach(), comp_enc.embeddings.word_embeddings.weight.detach()
    assert comp_enc.get_input_embeddings().num_embeddings == VOCAB  # the full embedding is back
    untouched = 1000  # no feature holds token 1000: weight decay only, so it shrank by the product
    assert not torch.equal(w[untouched], w0[untouched])
    ratio = (w[untouched] / w0[untouched]).mean().item()
    assert ratio == pytest.approx(float((w[untouched] / w0[untouched])[0]), rel=1e-5) and ratio < 1
    used = _features()[0]["input_ids"][1]
    assert not torch.allclose(w[used], w0[used] * ratio, atol=1e-6)  # a used token also got Adam updates


def test_decay_product_matches_repeated_weight_decay():
    factors = [0.1, 0.5, 1.0, 0.75, 0.25]
    p = torch.tensor([2.0])
    for f in factors:
        p.mul_(1 - 0.01 * f * 0.1)
    assert p.item() == pytest.approx(2.0 * decay_product(0.01, 0.1, factors), rel=1e-6)


def test_no_compaction_when_most_of_the_vocabulary_is_used():
    encoder, _ = _model()
    assert compact_vocabulary(encoder, [list(range(VOCAB))], PAD) is None
    assert encoder.get_input_embeddings().num_embeddings == VOCAB


class _Kill(Exception):
    pass


@pytest.mark.parametrize("first_compact, kill_at", [(True, 7), (False, 6)], ids=["compact checkpoint", "dense checkpoint"])
def test_a_run_resumed_from_a_checkpoint_ends_with_the_uninterrupted_weights(tmp_path, first_compact, kill_at):
    """A compact run resumes its own checkpoint; a checkpoint of a dense trainer (older versions) is
    resumed densely. Either way the result is that of a run never interrupted."""
    whole, _, _ = _train(first_compact)

    def kill(step, total, loss):
        if step == kill_at:
            raise _Kill

    with pytest.raises(_Kill):
        _train(first_compact, checkpoint_dir=tmp_path / "ckpt", checkpoint_every=5, on_step=kill)
    resumed, _, _ = _train(True, checkpoint_dir=tmp_path / "ckpt", checkpoint_every=5)
    _assert_same(whole, resumed, atol=1e-7)


def test_early_stopping_scores_with_the_full_vocabulary_and_keeps_the_best_state(tmp_path):
    encoder, head = _model()
    unseen = torch.tensor([[0, 2500, 2600, 2]])  # tokens no training feature holds
    snapshots, scores = [], iter([1.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0])

    def dev_score() -> float:
        assert encoder.get_input_embeddings().num_embeddings == VOCAB
        with torch.no_grad():
            encoder(input_ids=unseen, attention_mask=torch.ones_like(unseen))
        snapshots.append({k: v.clone() for k, v in encoder.state_dict().items()})
        return next(scores)

    hp = TrainHParams(epochs=10, batch_size=4, grad_accum=1, lr=5e-3, weight_decay=0.1, max_length=32, early_stopping=True,
                      eval_every=1, patience=3)
    trainer = Trainer(encoder, {"xnli": head}, {"xnli": _features()}, hp=hp, seed=1, device=torch.device("cpu"),
                      pad_id=PAD, checkpoint_dir=tmp_path / "ckpt", dev_score=dev_score)
    assert trainer.compaction is not None
    result = trainer.train()
    assert result.stopped_early and len(snapshots) == 5
    best = snapshots[1]
    assert all(torch.equal(best[k], v) for k, v in encoder.state_dict().items())
