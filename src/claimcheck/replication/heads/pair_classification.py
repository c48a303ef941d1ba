"""Sentence-pair classification (NLI: MNLI / ANLI / XNLI; paraphrase: QQP / PAWS-X).

Input: ``<s> prefix+text_a </s></s> prefix+text_b </s>`` (the tokenizer's own pair template); the sentence
vector is pooled (``cls`` as XLM-R's classification head, ``mean`` for mE5, which has no pooler), then a
two-layer classifier as RoBERTa's: dropout → dense H→H → tanh → dropout → H→C.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from claimcheck.replication.heads.base import Batch, Feature, SingleLabelHead, pool


class PairClassificationHead(SingleLabelHead):
    kind = "pair_classification"

    def __init__(self, task, hidden_size, **options):
        super().__init__(task, hidden_size, **options)
        n_labels = len(task.labels)
        if n_labels < 2:
            raise ValueError(f"task {task.name!r} declares {n_labels} labels; a classifier needs at least 2")
        self.dense = nn.Linear(hidden_size, hidden_size)
        self.dropout = nn.Dropout(self.dropout_p)
        self.out = nn.Linear(hidden_size, n_labels)

    def featurize(self, examples: Sequence[dict], tokenizer, max_length: int) -> list[Feature]:
        p = self.text_prefix
        enc = tokenizer(
            [p + e["text_a"] for e in examples],
            [p + e["text_b"] for e in examples],
            truncation=True,
            max_length=max_length,
        )
        return [
            {"input_ids": ids, "label": int(e["label"]), "example_index": i}
            for i, (ids, e) in enumerate(zip(enc["input_ids"], examples))
        ]

    def forward(self, hidden: torch.Tensor, batch: Batch) -> torch.Tensor:
        x = pool(hidden, batch["attention_mask"], self.pooling)  # [B, H]
        x = torch.tanh(self.dense(self.dropout(x)))  # [B, H]
        return self.out(self.dropout(x)).float()  # [B, C] logits


HEAD = PairClassificationHead
