"""LayerNorm in bf16 under bf16 autocast: the training loop's residual stream stays in bf16.

Autocast runs ``layer_norm`` in float32: it casts a bf16 input up and returns float32. In a
post-LayerNorm encoder (BERT, XLM-R) every sub-layer then ends in float32, so the residual stream is
float32, each residual addition and LayerNorm moves twice the bytes, and every matrix product that
reads a LayerNorm's output first casts it back to bf16 (three times per attention block: the query,
key and value projections each cast the same tensor). ``Bf16LayerNorm`` takes and returns bf16 instead:
the kernel still accumulates its mean and variance in float32, and the output is rounded to bf16, as
the next matrix product would have rounded it anyway. What changes is the residual addition, which now
adds two bf16 tensors (Megatron-LM's default, ``fp32_residual_connection=False``).

Measured on an H100 (README, "The same on a GPU, and MFU"; ``benchmarks/gpu_probe.py variants``): a
training step of XLM-R Large's shape at batch 512 went from 175-180 ms to 150-155 ms. Outside bf16
autocast (float32 training, any CPU run of claimcheck) the module computes exactly what
``nn.LayerNorm`` computes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
import torch.nn.functional as F
from torch import nn


class Bf16LayerNorm(nn.LayerNorm):
    """``nn.LayerNorm`` whose input and output are bf16 under bf16 autocast (same parameters, same
    state dict). Modules become one by having their class swapped (``bf16_norms``), not by copying."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        kind = x.device.type
        if not torch.is_autocast_enabled(kind) or torch.get_autocast_dtype(kind) != torch.bfloat16:
            return super().forward(x)
        with torch.autocast(kind, enabled=False):
            x = x.to(torch.bfloat16)
            weight = None if self.weight is None else self.weight.to(torch.bfloat16)
            bias = None if self.bias is None else self.bias.to(torch.bfloat16)
            return F.layer_norm(x, self.normalized_shape, weight, bias, self.eps)


@contextlib.contextmanager
def bf16_norms(module: nn.Module) -> Iterator[int]:
    """Every plain ``nn.LayerNorm`` in ``module`` is a ``Bf16LayerNorm`` inside the block (yields how many);
    afterwards each is an ``nn.LayerNorm`` again, also when the block raises. Subclasses of LayerNorm
    (a model's own normalisation) are left alone."""
    swapped = [m for m in module.modules() if type(m) is nn.LayerNorm]
    for m in swapped:
        m.__class__ = Bf16LayerNorm
    try:
        yield len(swapped)
    finally:
        for m in swapped:
            m.__class__ = nn.LayerNorm
