"""Evaluation: run a head over one slice of examples and score it as XTREME does.

Features are batched in length order (little padding), predictions put back in feature order, then
``head.score`` turns them into metrics in points. Works for every head kind, retrieval included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from claimcheck.replication.encoder import run_encoder
from claimcheck.replication.environment import autocast, pad_multiple as default_pad_multiple
from claimcheck.replication.heads.base import Head


def predict_features(encoder, head: Head, features, *, pad_id: int, device, precision: str = "auto",
                     batch_size: int = 64, on_batch: Callable[[int], None] | None = None,
                     pad_multiple: int | None = None) -> list:
    """One prediction per feature (plain Python), computed in length-sorted batches, each padded to a
    multiple of ``pad_multiple`` (None: the device's, as training pads: ``environment.pad_multiple``;
    the heads read their predictions within each feature's length)."""
    multiple = default_pad_multiple(device) if pad_multiple is None else pad_multiple
    order = sorted(range(len(features)), key=lambda i: len(features[i]["input_ids"]))
    predictions: list = [None] * len(features)
    encoder.eval()
    head.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = head.padded_to_multiple(head.collate([features[i] for i in idx], pad_id), multiple, pad_id)
            batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
            with autocast(device, precision):
                hidden = run_encoder(encoder, batch, head.layer)  # [B, T, H]
                logits = head(hidden, batch)
            for i, p in zip(idx, head.predict(logits, batch)):
                predictions[i] = p
            if on_batch:
                on_batch(len(idx))
    return predictions


def n_scored(head: Head, examples: Sequence[dict]) -> int:
    """How many items a metric averages over: examples, or source sentences for retrieval."""
    if head.kind == "retrieval":
        return sum(len(e["gold"]) for e in examples)
    return len(examples)


def evaluate_examples(encoder, head: Head, tokenizer, examples: Sequence[dict], *, max_length: int, device,
                      precision: str = "auto", batch_size: int = 64, on_batch=None) -> dict[str, float]:
    """Metrics (points, 0-100) of ``head`` on ``examples``."""
    features = head.featurize(examples, tokenizer, max_length)
    predictions = predict_features(encoder, head, features, pad_id=int(tokenizer.pad_token_id), device=device,
                                   precision=precision, batch_size=batch_size, on_batch=on_batch)
    return head.score(examples, features, predictions)
