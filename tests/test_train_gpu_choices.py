"""What the training loop does differently on a GPU: LayerNorm in bf16 under bf16 autocast
(``replication.bf16_norms``) and the Trainer's use of it, the 4-D attention mask ``run_encoder`` hands an
SDPA encoder (``encoder.attention_mask_for``), and attention without cuDNN's kernels while training.

CPU autocast runs ``layer_norm`` in float32 as CUDA autocast does, so the module's behaviour is checked
here on a CPU; the CUDA cases run only where torch sees a GPU.
"""

from __future__ import annotations

import contextlib

import pytest
import replication_fixtures

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from claimcheck.replication.bf16_norms import Bf16LayerNorm, bf16_norms  # noqa: E402
from claimcheck.replication.spec import TrainHParams  # noqa: E402

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here
needs_gpu = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def _norm(width: int = 16) -> nn.LayerNorm:
    torch.manual_seed(0)
    norm = nn.LayerNorm(width)
    with torch.no_grad():
        norm.weight.uniform_(0.5, 1.5)
        norm.bias.uniform_(-0.5, 0.5)
    return norm


def test_outside_bf16_autocast_it_computes_exactly_what_layer_norm_computes():
    plain = _norm()
    swapped = _norm()
    swapped.__class__ = Bf16LayerNorm
    x = torch.randn(3, 5, 16, requires_grad=True)
    x2 = x.detach().clone().requires_grad_(True)
    a, b = plain(x), swapped(x2)
    assert b.dtype == torch.float32 and torch.equal(a, b)
    a.sum().backward()
    b.sum().backward()
    assert torch.equal(x.grad, x2.grad) and torch.equal(plain.weight.grad, swapped.weight.grad)
    with torch.autocast("cpu", dtype=torch.float16):  # autocast to another dtype: left to autocast
        assert torch.equal(swapped(x.detach()), plain(x.detach()))


def test_under_bf16_autocast_input_and_output_are_bf16_and_the_values_are_layer_norms():
    plain, swapped = _norm(), _norm()
    swapped.__class__ = Bf16LayerNorm
    x = torch.randn(4, 7, 16) * 3 + 1
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert plain(x).dtype == torch.float32  # what autocast does with a plain LayerNorm
        out = swapped(x)
        assert out.dtype == torch.bfloat16
        assert swapped(x.bfloat16()).dtype == torch.bfloat16
    reference = plain(x)
    assert torch.allclose(out.float(), reference, rtol=2e-2, atol=2e-2)
    assert not torch.equal(out.float(), reference)  # rounded to bf16: not the float32 result


def test_gradients_reach_the_float32_parameters_under_bf16_autocast():
    swapped = _norm()
    swapped.__class__ = Bf16LayerNorm
    reference = _norm()
    x = torch.randn(2, 3, 16)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        swapped(x).float().pow(2).sum().backward()
    reference(x).pow(2).sum().backward()
    assert swapped.weight.dtype == torch.float32 and swapped.weight.grad.dtype == torch.float32
    assert torch.allclose(swapped.weight.grad, reference.weight.grad, rtol=5e-2, atol=5e-2)
    assert torch.allclose(swapped.bias.grad, reference.bias.grad, rtol=5e-2, atol=5e-2)


def test_the_context_swaps_plain_layer_norms_only_and_always_puts_them_back():
    class OwnNorm(nn.LayerNorm):  # a model's own normalisation: not touched
        pass

    model = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4), nn.Sequential(nn.LayerNorm(4), OwnNorm(4)))
    keys = list(model.state_dict())
    with bf16_norms(model) as n:
        assert n == 2
        assert [type(m) for m in (model[1], model[2][0], model[2][1])] == [Bf16LayerNorm, Bf16LayerNorm, OwnNorm]
        assert list(model.state_dict()) == keys
    assert [type(m) for m in (model[1], model[2][0], model[2][1])] == [nn.LayerNorm, nn.LayerNorm, OwnNorm]
    with pytest.raises(RuntimeError, match="boom"):
        with bf16_norms(model):
            raise RuntimeError("boom")
    assert type(model[1]) is nn.LayerNorm and type(model[2][0]) is nn.LayerNorm


HP = TrainHParams(epochs=1, batch_size=8, grad_accum=1, lr=3e-3, max_length=48, length_group=4)


def _tiny_trainer(device, **kwargs):
    from claimcheck.replication.train import Trainer

    return Trainer(nn.Linear(2, 2), {}, {"xnli": [{"input_ids": [1, 2], "label": 0}]}, hp=HP, seed=0,
                   device=torch.device(device), pad_id=0, compact_vocab=False, **kwargs)


@pytest.mark.parametrize(("device", "kwargs", "expected"), [
    ("cpu", {}, False),  # a CPU trains in float32: nothing to do
    ("cpu", {"bf16_norms": True}, False),  # asked for, but there is no bf16 autocast to apply it under
    ("cuda", {}, True),  # bf16 autocast on a GPU: on by default
    ("cuda", {"bf16_norms": False}, False),
    ("cuda", {"precision": "fp32"}, False),
])
def test_the_trainer_uses_bf16_norms_exactly_when_it_autocasts_to_bf16(device, kwargs, expected):
    assert _tiny_trainer(device, **kwargs).bf16_norms is expected


@pytest.mark.parametrize(("device", "precision", "expected"), [
    ("cuda", "auto", "bfloat16 autocast, bf16 LayerNorm in training"),
    ("cuda", "bf16", "bfloat16 autocast, bf16 LayerNorm in training"),
    ("cuda", "fp32", "float32"),
    ("cpu", "auto", "float32"),
])
def test_a_runs_provenance_says_when_its_layer_norms_trained_in_bf16(device, precision, expected):
    from claimcheck.replication.environment import training_dtype

    assert training_dtype(torch.device(device), precision) == expected


def test_on_a_gpu_the_loop_leaves_cudnn_attention_out_unless_asked():
    assert isinstance(_tiny_trainer("cpu")._attention_kernels(), contextlib.nullcontext)
    assert isinstance(_tiny_trainer("cuda", cudnn_attention=True)._attention_kernels(), contextlib.nullcontext)
    before = torch.backends.cuda.cudnn_sdp_enabled()
    with _tiny_trainer("cuda")._attention_kernels():
        assert not torch.backends.cuda.cudnn_sdp_enabled()
        assert torch.backends.cuda.flash_sdp_enabled() and torch.backends.cuda.mem_efficient_sdp_enabled()
    assert torch.backends.cuda.cudnn_sdp_enabled() == before


def _smoke_run(smoke_kit, device: str, **kwargs):
    """Losses of a short run of the smoke model, the LayerNorm classes seen at each step, the trainer."""
    from claimcheck.replication.train import Trainer

    dev = torch.device(device)
    tok, enc, head, feats = replication_fixtures.smoke_training_parts(smoke_kit, HP.max_length)
    losses: list[float] = []
    seen: list[set] = []
    cudnn: list[bool] = []

    def on_step(step, total, loss):
        losses.append(loss)
        seen.append({type(m) for m in enc.modules() if isinstance(m, nn.LayerNorm)})
        cudnn.append(torch.backends.cuda.cudnn_sdp_enabled())

    trainer = Trainer(enc.to(dev), {"xnli": head.to(dev)}, {"xnli": feats}, hp=HP, seed=1, device=dev,
                      pad_id=tok.pad_token_id, on_step=on_step, **kwargs)
    trainer.schedule = trainer.schedule[:6]
    trainer.total_steps = -(-len(trainer.schedule) // HP.grad_accum)
    trainer.train()
    trainer.cudnn_seen = cudnn
    return losses, seen, trainer


def test_a_cpu_run_never_swaps_its_layer_norms(smoke_kit):
    losses, seen, trainer = _smoke_run(smoke_kit, "cpu")
    assert len(losses) == trainer.total_steps >= 3 and all(s == {nn.LayerNorm} for s in seen)


@needs_gpu
def test_on_a_gpu_the_loop_trains_with_bf16_norms_and_gives_plain_ones_back(smoke_kit):
    losses, seen, trainer = _smoke_run(smoke_kit, "cuda")
    assert trainer.bf16_norms and all(s == {Bf16LayerNorm} for s in seen)
    assert not any(trainer.cudnn_seen) and torch.backends.cuda.cudnn_sdp_enabled()  # off while training only
    assert all(type(m) is not Bf16LayerNorm for m in trainer.encoder.modules())
    reference, seen_ref, _ = _smoke_run(smoke_kit, "cuda", bf16_norms=False)
    assert all(s == {nn.LayerNorm} for s in seen_ref)
    assert losses == pytest.approx(reference, rel=5e-2, abs=5e-3)  # bf16 rounding, not another training


# -- the 4-D mask ------------------------------------------------------------------------------------------------

def _tiny_encoders():
    from transformers import AutoModel, BertConfig, XLMRobertaConfig

    small = {"vocab_size": 100, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64}
    for config in (XLMRobertaConfig(pad_token_id=1, **small), BertConfig(**small)):
        torch.manual_seed(0)
        yield AutoModel.from_config(config, attn_implementation="sdpa", add_pooling_layer=False).eval()


def _padded_batch(pad_id: int):
    torch.manual_seed(1)
    ids = torch.randint(5, 100, (3, 7))
    mask = torch.ones(3, 7, dtype=torch.long)
    mask[0, 5:] = 0
    mask[1, 3:] = 0
    ids[mask == 0] = pad_id
    return ids, mask


def test_the_expanded_mask_gives_what_the_two_dimensional_one_gives():
    from claimcheck.replication.encoder import expanded_mask

    for encoder in _tiny_encoders():
        ids, mask = _padded_batch(encoder.config.pad_token_id)
        four = expanded_mask(mask)
        assert four.shape == (3, 1, 7, 7) and four.dtype == torch.bool
        assert torch.equal(four[1, 0, 4], torch.tensor([True] * 3 + [False] * 4))
        with torch.no_grad():
            a = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            b = encoder(input_ids=ids, attention_mask=four).last_hidden_state
        assert torch.equal(a, b)


def test_off_a_gpu_or_without_sdpa_the_two_dimensional_mask_is_handed_on_unchanged():
    from claimcheck.replication.encoder import attention_mask_for

    encoder = next(_tiny_encoders())
    _, mask = _padded_batch(1)
    assert attention_mask_for(encoder, mask) is mask  # a CPU tensor
    encoder.config._attn_implementation = "eager"
    assert attention_mask_for(encoder, mask) is mask


@needs_gpu
def test_on_a_gpu_run_encoder_hands_sdpa_the_four_dimensional_mask_and_gets_the_same_states():
    from claimcheck.replication.encoder import attention_mask_for, run_encoder

    for encoder in _tiny_encoders():
        encoder = encoder.cuda()
        ids, mask = (t.cuda() for t in _padded_batch(encoder.config.pad_token_id))
        assert attention_mask_for(encoder, mask).shape == (3, 1, 7, 7)
        with torch.no_grad():
            a = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            b = run_encoder(encoder, {"input_ids": ids, "attention_mask": mask}, None)
        assert torch.allclose(a, b, atol=1e-5)
