"""The training loop with a compiled encoder (``Trainer(compile_mode=)``): the same training as eager.

Dropout is off, so eager and compiled runs draw no random numbers and must agree to rounding. The CUDA
cases run only where torch sees a GPU; "cudagraphs" with gradient accumulation is the case where
autograd would otherwise keep a graph's output buffer as ``.grad`` (pytorch/pytorch#169545).
"""

from __future__ import annotations

import pytest
import replication_fixtures

from claimcheck.replication.spec import TrainHParams

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here
HP = TrainHParams(epochs=1, batch_size=8, grad_accum=2, lr=3e-3, max_length=48, length_group=4)


def _train(smoke_kit, device: str, compile_mode: str | None, steps: int = 4):
    """Per-step losses and the final weights of a short run (dropout off, float32)."""
    import torch

    from claimcheck.replication.train import Trainer

    dev = torch.device(device)
    tok, enc, head, feats = replication_fixtures.smoke_training_parts(smoke_kit, HP.max_length)
    losses: list[float] = []
    trainer = Trainer(enc.to(dev), {"xnli": head.to(dev)}, {"xnli": feats}, hp=HP, seed=1, device=dev,
                      pad_id=tok.pad_token_id, precision="fp32", compile_mode=compile_mode,
                      on_step=lambda step, total, loss: losses.append(loss))
    trainer.schedule = trainer.schedule[: steps * HP.grad_accum]
    trainer.total_steps = steps
    trainer.train()
    weights = {k: v.detach().float().cpu() for k, v in enc.state_dict().items()}
    return trainer, losses, weights


def _assert_same_training(eager, compiled) -> None:
    (_, losses_e, weights_e), (trainer, losses_c, weights_c) = eager, compiled
    assert len(losses_c) == len(losses_e) == 4
    assert losses_c == pytest.approx(losses_e, rel=1e-4, abs=1e-5)
    worst = max((weights_c[k] - weights_e[k]).abs().max().item() for k in weights_e)
    assert worst < 1e-4, worst  # lr 3e-3: a lost micro-batch gradient would move weights by ~1e-3
    assert trainer._forward_encoder is trainer.encoder  # the compiled wrapper is dropped when training ends
    assert not any(p._backward_hooks for p in trainer.encoder.parameters())  # and its gradient hooks removed


def test_unknown_compile_modes_and_cudagraphs_without_a_gpu_are_refused(smoke_kit):
    import torch

    from claimcheck.replication.train import Trainer

    for mode, message in (("fast", "unknown compile mode 'fast'"), ("cudagraphs", "needs a CUDA device")):
        with pytest.raises(ValueError, match=message):
            Trainer(torch.nn.Linear(2, 2), {}, {"xnli": [{"input_ids": [1, 2], "label": 0}]}, hp=HP, seed=0,
                    device=torch.device("cpu"), pad_id=0, compile_mode=mode, compact_vocab=False)


def test_a_compiled_encoder_trains_as_the_eager_one_on_a_cpu(smoke_kit):
    import torch

    torch.set_num_threads(1)
    _assert_same_training(_train(smoke_kit, "cpu", None), _train(smoke_kit, "cpu", "default"))


@pytest.mark.skipif("not __import__('torch').cuda.is_available()", reason="needs a CUDA GPU")
@pytest.mark.parametrize("mode", ["default", "cudagraphs"])
def test_a_compiled_encoder_trains_as_the_eager_one_on_a_gpu_with_gradient_accumulation(smoke_kit, mode):
    import torch

    torch.backends.cuda.matmul.allow_tf32 = False  # float32 both ways, so the two agree to rounding
    _assert_same_training(_train(smoke_kit, "cuda", None), _train(smoke_kit, "cuda", mode))
