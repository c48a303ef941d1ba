"""Multiple choice: HellaSwag, CosmosQA, CommonsenseQA, SocialIQA (intermediate tasks).

As jiant's multiple-choice template: each choice is encoded as a pair ``<s> prompt </s></s> choice </s>``
(prompt = context and question joined by a space), pooled (``cls`` / ``mean``) and scored by the same
classifier as the pair head with one output (dropout → dense H→H → tanh → dropout → H→1); a softmax over
an example's choices gives the loss. Metric: accuracy.

Batching: a feature holds all of one example's choices back to back in ``input_ids`` (so its length is
the tokens it costs) with ``choice_lengths``; ``collate`` cuts them apart into ``[B * K, T]`` rows. A batch
mixing examples with fewer choices pads them with one-token dummy choices that ``choice_mask`` hides.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from claimcheck.replication.heads.base import Batch, Feature, SingleLabelHead, pad_lists, pool


class MultipleChoiceHead(SingleLabelHead):
    kind = "multiple_choice"

    def __init__(self, task, hidden_size, **options):
        super().__init__(task, hidden_size, **options)
        self.dense = nn.Linear(hidden_size, hidden_size)
        self.dropout = nn.Dropout(self.dropout_p)
        self.out = nn.Linear(hidden_size, 1)

    def featurize(self, examples: Sequence[dict], tokenizer, max_length: int) -> list[Feature]:
        p = self.text_prefix
        feats = []
        for i, ex in enumerate(examples):
            choices = list(ex["choices"])
            if not 0 <= int(ex["label"]) < len(choices):
                raise ValueError(f"{self.task.name}: example {i} has label {ex['label']} but {len(choices)} choices")
            prompt = " ".join(t for t in (ex.get("context", ""), ex.get("question", "")) if t)
            enc = tokenizer([p + prompt] * len(choices), [p + c for c in choices], truncation=True,
                            max_length=max_length)
            feats.append(
                {
                    "input_ids": [t for ids in enc["input_ids"] for t in ids],
                    "choice_lengths": [len(ids) for ids in enc["input_ids"]],
                    "label": int(ex["label"]),
                    "example_index": i,
                }
            )
        return feats

    def collate(self, features: Sequence[Feature], pad_id: int) -> Batch:
        k = max(len(f["choice_lengths"]) for f in features)
        rows, mask = [], []
        for f in features:
            start = 0
            for n in f["choice_lengths"]:
                rows.append(f["input_ids"][start : start + n])
                start += n
            missing = k - len(f["choice_lengths"])
            rows.extend([[pad_id]] * missing)  # attended dummy rows: a fully masked row would give NaN
            mask.append([1] * len(f["choice_lengths"]) + [0] * missing)
        return {
            "input_ids": pad_lists(rows, pad_id),  # [B * K, T]
            "attention_mask": pad_lists([[1] * len(r) for r in rows], 0),  # [B * K, T]
            "choice_mask": torch.as_tensor(mask, dtype=torch.bool),  # [B, K]
            "label": torch.as_tensor([f["label"] for f in features], dtype=torch.long),  # [B]
            "example_index": torch.as_tensor([f["example_index"] for f in features], dtype=torch.long),
        }

    def forward(self, hidden: torch.Tensor, batch: Batch) -> torch.Tensor:  # hidden [B * K, T, H]
        x = pool(hidden, batch["attention_mask"], self.pooling)  # [B * K, H]
        x = torch.tanh(self.dense(self.dropout(x)))  # [B * K, H]
        scores = self.out(self.dropout(x)).float().view(batch["choice_mask"].shape)  # [B, K]
        return scores.masked_fill(~batch["choice_mask"], -1e4)


HEAD = MultipleChoiceHead
