"""Retrieval from representations, no training: Tatoeba (accuracy) and BUCC 2018 (F1 with its threshold).

A sentence vector is the mean of one encoder layer's token vectors over the attention mask (``layer``:
XTREME/jiant read layer 14 of XLM-R Large's 24; mE5 was trained on the last layer), L2-normalised.

* Tatoeba: line i of the xx file translates line i of the en file; each xx sentence retrieves its
  nearest English sentence by cosine (xx → en, as XTREME), accuracy = share retrieving its own line.
* BUCC: bitext mining as in LASER / XTREME: ratio margin over k=4 nearest neighbours in both
  directions, "max" retrieval (union of forward and backward best pairs, greedily de-duplicated),
  then the score threshold that maximises F1 against the gold pairs (``metrics.bucc_f1``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from claimcheck.replication.heads.base import Batch, Feature, Head, mean_pool

SOURCE, TARGET = 0, 1
MARGIN_K = 4


class RetrievalHead(Head):
    kind = "retrieval"

    def featurize(self, examples: Sequence[dict], tokenizer, max_length: int) -> list[Feature]:
        feats: list[Feature] = []
        for i, ex in enumerate(examples):
            for side, texts in ((SOURCE, ex["source"]), (TARGET, ex["target"])):
                enc = tokenizer([self.text_prefix + t for t in texts], truncation=True, max_length=max_length)
                feats.extend(
                    {"input_ids": ids, "example_index": i, "side": side, "position": j}
                    for j, ids in enumerate(enc["input_ids"])
                )
        return feats

    def forward(self, hidden: torch.Tensor, batch: Batch) -> torch.Tensor:
        x = mean_pool(hidden.float(), batch["attention_mask"])  # [B, H]
        return torch.nn.functional.normalize(x, dim=-1)  # unit vectors [B, H]

    def loss(self, logits, batch):
        raise NotImplementedError("retrieval tasks are evaluated on representations; they are not trained")

    def predict(self, logits: torch.Tensor, batch: Batch) -> list:
        return list(logits.detach().cpu())  # one [H] vector per feature

    def score(self, examples, features, predictions) -> dict[str, float]:
        if len(examples) != 1:
            raise ValueError("score one retrieval set (one language) at a time")
        src, tgt = _side_matrices(features, predictions)
        ex = examples[0]
        if self.task.metrics == ("accuracy",):
            return {"accuracy": tatoeba_score(src, tgt)}
        return {"f1": bucc_score(src, tgt, ex)}


def _side_matrices(features, predictions) -> tuple[torch.Tensor, torch.Tensor]:
    sides: dict[int, list[tuple[int, torch.Tensor]]] = {SOURCE: [], TARGET: []}
    for f, v in zip(features, predictions):
        sides[f["side"]].append((f["position"], v))
    return tuple(torch.stack([v for _, v in sorted(sides[s], key=lambda t: t[0])]) for s in (SOURCE, TARGET))


def tatoeba_score(src: torch.Tensor, tgt: torch.Tensor) -> float:
    """src [N, H], tgt [N, H] unit vectors; row i of src translates row i of tgt."""
    from claimcheck.replication.metrics import tatoeba_accuracy

    predicted = (src @ tgt.T).argmax(dim=1).tolist()  # nearest target per source
    return tatoeba_accuracy(predicted, list(range(src.shape[0])))


def _knn_mean(a: torch.Tensor, b: torch.Tensor, k: int, chunk: int = 2048) -> torch.Tensor:
    """For each row of a [N, H]: mean cosine to its k nearest rows of b [M, H] -> [N]."""
    k = min(k, b.shape[0])
    return torch.cat([(a[i : i + chunk] @ b.T).topk(k, dim=1).values.mean(dim=1) for i in range(0, a.shape[0], chunk)])


def mine_pairs(src: torch.Tensor, tgt: torch.Tensor, k: int = MARGIN_K, chunk: int = 2048) -> list[tuple[int, int, float]]:
    """Ratio-margin "max" mining: candidate (source row, target row, margin score), best first."""
    knn_src = _knn_mean(src, tgt, k, chunk)  # [N]
    knn_tgt = _knn_mean(tgt, src, k, chunk)  # [M]
    candidates: list[tuple[float, int, int]] = []
    for i in range(0, src.shape[0], chunk):  # forward: best target per source
        margin = (src[i : i + chunk] @ tgt.T) / ((knn_src[i : i + chunk, None] + knn_tgt[None, :]) / 2)
        best, j = margin.max(dim=1)
        candidates += [(s, i + r, t) for r, (s, t) in enumerate(zip(best.tolist(), j.tolist()))]
    for j in range(0, tgt.shape[0], chunk):  # backward: best source per target
        margin = (tgt[j : j + chunk] @ src.T) / ((knn_tgt[j : j + chunk, None] + knn_src[None, :]) / 2)
        best, i = margin.max(dim=1)
        candidates += [(s, r_src, j + r) for r, (s, r_src) in enumerate(zip(best.tolist(), i.tolist()))]
    candidates.sort(key=lambda c: -c[0])
    seen_s, seen_t, out = set(), set(), []
    for s, i, j in candidates:
        if i not in seen_s and j not in seen_t:
            seen_s.add(i)
            seen_t.add(j)
            out.append((i, j, s))
    return out


def bucc_score(src: torch.Tensor, tgt: torch.Tensor, example: dict) -> float:
    from claimcheck.replication.metrics import bucc_f1

    pairs = mine_pairs(src, tgt)
    sid, tid = example["source_ids"], example["target_ids"]
    candidates = [(sid[i], tid[j], score) for i, j, score in pairs]
    return bucc_f1(candidates, [tuple(g) for g in example["gold"]])


HEAD = RetrievalHead
