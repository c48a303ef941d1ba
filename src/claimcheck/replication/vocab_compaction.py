"""Fine-tuning on the used vocabulary only: the same AdamW result, a fraction of the optimizer work.

A multilingual encoder's word embeddings hold a large share of its parameters (mE5-small: 54.5 M of 76 M;
XLM-R Large: 256 M of 560 M), yet a fine-tuning set uses a few thousand of its 140k-250k tokens.
Dense AdamW still reads and writes every row at every step (parameter, gradient, two moments).

A row whose gradient has always been zero has zero moments, so AdamW changes it only by decoupled
weight decay, ``p <- p * (1 - lr_t * wd)``: the Adam term is ``0 / (0 + eps) = 0``. The trainer
therefore trains a compact embedding that holds the rows of the tokens its training features use
(the padding token included). When training ends, those rows are written back and every other row is
multiplied by ``prod_t (1 - lr_t * wd)``. The result is the dense result, up to the float rounding of
that product (computed in double precision instead of one float32 multiply per step). Gradient
clipping sees the same norm, because the untouched rows' gradient is zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import torch
from torch import nn

MAX_USED_SHARE = 0.5  # compact only when at most this share of the vocabulary is used


class VocabCompaction:
    """The full embedding (weights as loaded, untouched while compacted) and its compact stand-in."""

    def __init__(self, full: nn.Embedding, used: list[int]):
        weight = full.weight  # [V, H]
        self.full = full
        self.used = torch.tensor(used, dtype=torch.long, device=weight.device)  # [n] sorted token ids
        self.remap = torch.full((full.num_embeddings,), -1, dtype=torch.long, device=weight.device)  # [V] -> compact id
        self.remap[self.used] = torch.arange(len(used), device=weight.device)
        pad = full.padding_idx
        compact_pad = int(self.remap[pad]) if pad is not None and int(self.remap[pad]) >= 0 else None
        # from the rows themselves: no random initialisation, so the RNG stream (dropout) is the dense run's
        self.compact = nn.Embedding.from_pretrained(weight.detach()[self.used].clone(), freeze=False, padding_idx=compact_pad)

    def map_ids(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Token ids [...] -> compact ids [...] (every id of a training batch is in the compact set)."""
        return self.remap[input_ids]

    def _merged(self, decay: float) -> torch.Tensor:
        with torch.no_grad():
            weight = self.full.weight * decay  # [V, H]: untouched rows, weight decay only
            weight[self.used] = self.compact.weight
        return weight

    def restore(self, encoder, decay: float) -> None:
        """Write the trained rows back, decay the rest, and give the encoder its full embedding again."""
        merged = self._merged(decay)
        with torch.no_grad():
            self.full.weight.copy_(merged)
        encoder.set_input_embeddings(self.full)

    @contextmanager
    def expanded(self, encoder, decay: float) -> Iterator[None]:
        """The encoder with the full vocabulary as it stands now (dev scoring mid-training); the
        compact embedding and the loaded full weights are left as they were."""
        merged = nn.Embedding.from_pretrained(self._merged(decay), freeze=True, padding_idx=self.full.padding_idx)
        encoder.set_input_embeddings(merged)
        try:
            yield
        finally:
            encoder.set_input_embeddings(self.compact)


def compact_vocabulary(encoder, token_ids: Iterable[list[int]], pad_id: int,
                       max_used_share: float = MAX_USED_SHARE) -> VocabCompaction | None:
    """Swap the encoder's word embedding for one over the used tokens; None when it would not pay
    (most of the vocabulary is used) or the encoder has no plain input embedding."""
    get = getattr(encoder, "get_input_embeddings", None)
    full = get() if get is not None else None
    if not isinstance(full, nn.Embedding) or not hasattr(encoder, "set_input_embeddings"):
        return None
    used: set[int] = {pad_id}
    for ids in token_ids:
        used.update(ids)
    if len(used) > max_used_share * full.num_embeddings:
        return None
    compaction = VocabCompaction(full, sorted(used))
    encoder.set_input_embeddings(compaction.compact)
    return compaction


def decay_product(lr: float, weight_decay: float, factors: Iterable[float]) -> float:
    """prod_t (1 - lr * factor_t * wd): what decoupled weight decay does to an untouched row."""
    out = 1.0
    for f in factors:
        out *= 1.0 - lr * f * weight_decay
    return out
