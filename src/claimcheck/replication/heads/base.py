"""The head contract: one task's path from examples to a loss (training) and to metrics (evaluation).

One head instance per task sits on a shared encoder. Multi-task training keeps one head per task in a
``ModuleDict`` and samples batches task by task, so a head never sees another task's features.

    examples        list[dict]: canonical fields of the task kind (documented in tasks/declaration.py)
      │ head.featurize(examples, tokenizer, max_length)              pure Python, no tensors
      ▼
    features        list[dict]: "input_ids" list[int], "example_index" int (which example it came from),
      │             plus head keys ("label" int, "labels" list[int], "start"/"end" ...). One example may give
      │             several features (QA with a stride); features may be dropped (say so in a docstring).
      │ head.collate(features, pad_id)                                dynamic padding to the batch's longest
      ▼
    batch           dict[str, Tensor]: input_ids [B, T] long, attention_mask [B, T] long, head keys
      │ encoder(input_ids, attention_mask) -> hidden [B, T, H]        (layer ``head.layer``; None = last)
      │ head(hidden, batch) -> logits                                 [B, C] | [B, T, C] | [B, T, 2] | [B, K] ...
      ▼
    head.loss(logits, batch) -> scalar Tensor                        training
    head.predict(logits, batch) -> list (one plain-Python item per feature)   evaluation
    head.score(examples, features, predictions) -> {metric: value in points 0-100}

Rules for a head module (``heads/<kind>.py``):

* define ``class XHead(Head)`` with ``kind = "<kind>"`` and set ``HEAD = XHead`` at module level;
  ``heads/__init__.py`` maps the kind to the module (already listed for every kind of the paper);
* ``featurize`` and ``score`` are pure (no device, no randomness); ``score`` uses the functions in
  ``replication/metrics.py`` so every head reports exactly what XTREME reports;
* ``pad_values`` names every list-valued feature key and the value to pad it with (e.g. ``-100`` for
  ignored token labels); scalar keys are stacked as they are;
* the text prefix convention of the encoder (mE5 expects ``"query: "``) is ``self.text_prefix``: prepend it
  to every text the tokenizer sees;
* tensors: shapes in comments, dtype of logits float32 (call ``.float()`` under bf16 autocast before losses);
* before an evaluated slice is featurized and scored, the pipeline sets ``head.eval_language`` to its
  language (MLQA's answer normalisation depends on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import torch
from torch import nn

from claimcheck.replication.tasks.declaration import TaskDecl

Feature = dict[str, Any]
Batch = dict[str, torch.Tensor]


def pad_lists(rows: Sequence[Sequence[int]], value: int) -> torch.Tensor:
    """Right-pad integer lists to the longest one: [B, T_max] long."""
    width = max((len(r) for r in rows), default=0)
    out = torch.full((len(rows), width), value, dtype=torch.long)
    for i, r in enumerate(rows):
        if r:
            out[i, : len(r)] = torch.as_tensor(r, dtype=torch.long)
    return out


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average of the non-padding token vectors: hidden [B, T, H], mask [B, T] -> [B, H]."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)  # [B, T, 1]
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)


def pool(hidden: torch.Tensor, attention_mask: torch.Tensor, pooling: str) -> torch.Tensor:
    """Sentence vector [B, H]: "mean" over the mask, or "cls" (the first token, <s>/[CLS])."""
    if pooling == "mean":
        return mean_pool(hidden, attention_mask)
    if pooling == "cls":
        return hidden[:, 0]
    raise ValueError(f"unknown pooling {pooling!r} (use 'mean' or 'cls')")


class Head(nn.Module):
    """Base class of every task head. Subclasses implement the five methods marked below."""

    kind: ClassVar[str] = ""
    # list-valued feature keys -> padding value; "input_ids" is padded with the tokenizer's pad id
    pad_values: ClassVar[dict[str, int]] = {}

    def __init__(
        self,
        task: TaskDecl,
        hidden_size: int,
        *,
        pooling: str = "cls",
        text_prefix: str = "",
        dropout: float = 0.1,
        layer: int | None = None,
    ):
        super().__init__()
        self.task = task
        self.hidden_size = hidden_size
        self.pooling = pooling  # "cls" | "mean" (sentence-level heads)
        self.text_prefix = text_prefix  # e.g. "query: " for mE5
        self.dropout_p = dropout
        self.layer = layer  # encoder hidden state to read: None = last layer, k = hidden_states[k]
        self.eval_language: str | None = None  # set by the pipeline to the evaluated slice's language

    # -- data side (pure) -------------------------------------------------------------------------
    def featurize(self, examples: Sequence[dict], tokenizer: Any, max_length: int) -> list[Feature]:
        raise NotImplementedError

    def collate(self, features: Sequence[Feature], pad_id: int) -> Batch:
        """Dynamic padding: input_ids to the longest feature of this batch, attention_mask from lengths."""
        ids = [f["input_ids"] for f in features]
        batch: Batch = {
            "input_ids": pad_lists(ids, pad_id),  # [B, T]
            "attention_mask": pad_lists([[1] * len(x) for x in ids], 0),  # [B, T]
        }
        for key in features[0]:
            if key == "input_ids":
                continue
            values = [f[key] for f in features]
            if key in self.pad_values:
                batch[key] = pad_lists(values, self.pad_values[key])
            elif isinstance(values[0], (int, bool)):
                batch[key] = torch.as_tensor(values, dtype=torch.long)  # [B]
            elif isinstance(values[0], float):
                batch[key] = torch.as_tensor(values, dtype=torch.float32)
            # other keys (strings, offsets ...) stay in the features, not in the batch
        return batch

    def padded_to_multiple(self, batch: Batch, multiple: int, pad_id: int) -> Batch:
        """The batch with its token axis padded on to a multiple of ``multiple`` (input ids with ``pad_id``,
        the attention mask with 0, token-level keys with their ``pad_values``): on a GPU a few distinct
        widths instead of one per length, so kernels and memory blocks chosen for one width serve again."""
        extra = -batch["input_ids"].shape[-1] % max(1, multiple)
        if not extra:
            return batch
        values = {"input_ids": pad_id, "attention_mask": 0, **self.pad_values}
        return {k: torch.nn.functional.pad(v, (0, extra), value=values[k]) if k in values else v for k, v in batch.items()}

    # -- model side --------------------------------------------------------------------------------
    def forward(self, hidden: torch.Tensor, batch: Batch) -> torch.Tensor:  # hidden [B, T, H]
        raise NotImplementedError

    def loss(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        raise NotImplementedError

    def predict(self, logits: torch.Tensor, batch: Batch) -> list:
        raise NotImplementedError

    # -- evaluation (pure) ---------------------------------------------------------------------------
    def score(self, examples: Sequence[dict], features: Sequence[Feature], predictions: Sequence) -> dict[str, float]:
        raise NotImplementedError


class SingleLabelHead(Head):
    """A head whose logits pick one label per feature (a class, or one of several choices):
    cross-entropy loss, argmax prediction, accuracy against ``examples[i]["label"]``."""

    def loss(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        return nn.functional.cross_entropy(logits, batch["label"])

    def predict(self, logits: torch.Tensor, batch: Batch) -> list[int]:
        return logits.argmax(dim=-1).tolist()

    def score(self, examples: Sequence[dict], features: Sequence[Feature], predictions: Sequence) -> dict[str, float]:
        from claimcheck.replication.metrics import accuracy

        labels = [int(examples[f["example_index"]]["label"]) for f in features]
        return {"accuracy": accuracy(list(predictions), labels)}
