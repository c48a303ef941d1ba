"""Retrieval from representations, no training: Tatoeba (accuracy) and BUCC 2018 (F1 with its threshold).

A sentence vector is the mean of one encoder layer's token vectors over the attention mask (``layer``:
XTREME/jiant read layer 14 of XLM-R Large's 24; mE5 was trained on the last layer), L2-normalised.

* Tatoeba: line i of the xx file translates line i of the en file; accuracy as XTREME's
  ``similarity_search`` computes it (``metrics.tatoeba_accuracy``).
* BUCC: bitext mining as in LASER / XTREME (ratio margin over k=4 neighbours, both directions,
  ``metrics.bucc_mine_candidates``), then the threshold that maximises F1 on the gold pairs
  (``metrics.bucc_f1``; on a dev set that is the same set it is scored on).

The text embedded is each sentence stripped of surrounding whitespace (``str.strip``), for both tasks:
XTREME tokenizes ``[l.strip() for l in open(text_file)]`` (``run_retrieval.py``, ``tokenize_text``), and
jiant's BUCC reads ``text=text.strip()`` (its Tatoeba passes the line, newline included, to the
tokenizer). The examples keep the text as the file has it, because BUCC mining tells exact
texts apart (``text_load_unify`` keys on the raw line): "a" and "a" + U+3000 are mined as two sentences
(with the same vector) and neither gets an id (see ``metrics.bucc_mine_candidates``).
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
            for side, texts in ((SOURCE, ex["source"]), (TARGET, ex["target"])):  # xx side, English side
                enc = tokenizer([self.text_prefix + embedded_text(t) for t in texts], truncation=True,
                                max_length=max_length)
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


def embedded_text(sentence: str) -> str:
    """The text of a retrieval sentence that is tokenized and embedded: stripped of surrounding whitespace
    (Unicode whitespace too: U+3000, U+00A0), as XTREME's ``tokenize_text`` strips every line."""
    return sentence.strip()


def _side_matrices(features, predictions) -> tuple[torch.Tensor, torch.Tensor]:
    sides: dict[int, list[tuple[int, torch.Tensor]]] = {SOURCE: [], TARGET: []}
    for f, v in zip(features, predictions):
        sides[f["side"]].append((f["position"], v))
    return tuple(torch.stack([v for _, v in sorted(sides[s], key=lambda t: t[0])]) for s in (SOURCE, TARGET))


def tatoeba_score(src: torch.Tensor, tgt: torch.Tensor) -> float:
    """src [N, H] (non-English), tgt [N, H] (English); row i of one translates row i of the other."""
    from claimcheck.replication.metrics import tatoeba_accuracy

    return tatoeba_accuracy(src.numpy(), tgt.numpy())


def bucc_score(src: torch.Tensor, tgt: torch.Tensor, example: dict) -> float:
    from claimcheck.replication.metrics import bucc_f1, bucc_mine_candidates

    candidates = bucc_mine_candidates(
        src.numpy(), tgt.numpy(), example["source_ids"], example["target_ids"],
        src_texts=example["source"], tgt_texts=example["target"], k=MARGIN_K,
    )
    return bucc_f1(candidates, [tuple(g) for g in example["gold"]])["f1"]


HEAD = RetrievalHead
