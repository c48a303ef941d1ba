"""Token classification: UD-POS and PAN-X (targets), CCG supertags (intermediate, no public data).

Words arrive pre-split (the XTREME files hold one word per line). Each word is tokenized on its own
(``is_split_into_words``); its *first* sub-word carries the word's tag and every other sub-word, the
special tokens and the words of the text prefix get -100, which the loss ignores (XTREME's ``run_tag``
and jiant label the same positions). A word the tokenizer turns into nothing becomes ``<unk>`` (as in
XTREME). A sentence longer than ``max_length`` is split between words into chunks that fit, one feature
each, as XTREME's preprocessing splits long sentences; scoring joins the chunks again. A word that still
gets no position is scored as the fallback tag ("O" for PAN-X, "X" for UD-POS), i.e. as an error.

Scores: the task's declared metrics, ``f1`` = seqeval 0.0.12 chunk F1 (entity F1 on PAN-X's IOB2 tags,
XTREME's "F1" on bare UPOS tags: ``metrics.entity_f1`` / ``metrics.pos_f1``), ``accuracy`` = share of
words tagged right (jiant's CCG metric).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from claimcheck.errors import DataError
from claimcheck.replication.heads.base import Batch, Feature, Head

IGNORE = -100  # label of positions the loss skips


class TokenClassificationHead(Head):
    kind = "token_classification"
    pad_values = {"labels": IGNORE}

    def __init__(self, task, hidden_size, **options):
        super().__init__(task, hidden_size, **options)
        if not task.labels:
            raise ValueError(f"task {task.name!r} declares no tags")
        self.tag_index = {tag: i for i, tag in enumerate(task.labels)}
        self.fallback = next((t for t in ("O", "X") if t in self.tag_index), task.labels[0])
        self.dropout = nn.Dropout(self.dropout_p)
        self.out = nn.Linear(hidden_size, len(task.labels))

    def featurize(self, examples: Sequence[dict], tokenizer, max_length: int) -> list[Feature]:
        """One feature per chunk of a sentence: a sentence longer than ``max_length`` is cut, between
        words, into consecutive chunks that fit (as XTREME's preprocessing splits long sentences)."""
        for i, ex in enumerate(examples):
            if len(ex["tokens"]) != len(ex["tags"]):
                raise DataError(f"{self.task.name}: sentence {i} has {len(ex['tokens'])} words "
                                f"but {len(ex['tags'])} tags")
        prefix = self.text_prefix.split()  # the prefix as leading words that carry no tag
        n_prefix = 0
        if prefix:
            n_prefix = len(tokenizer(prefix, is_split_into_words=True, add_special_tokens=False)["input_ids"])
        budget = max_length - tokenizer.num_special_tokens_to_add(pair=False) - n_prefix  # sub-words per chunk
        if budget < 1:
            raise ValueError(f"max_length {max_length} leaves no room for words")
        words = [list(ex["tokens"]) for ex in examples]
        pieces = tokenizer(words, is_split_into_words=True, add_special_tokens=False, verbose=False)
        chunks = []  # (example index, first word, end word)
        for i, ws in enumerate(words):
            per_word = [0] * len(ws)
            for w in pieces.word_ids(i):
                if w is not None:
                    per_word[w] += 1
            for k, n in enumerate(per_word):
                if n == 0 and tokenizer.unk_token:  # a word the tokenizer drops (zero-width space): <unk>, as XTREME
                    ws[k] = tokenizer.unk_token
            chunks.extend((i, a, b) for a, b in _chunk_words([max(n, 1) for n in per_word], budget))
        enc = tokenizer([prefix + words[i][a:b] for i, a, b in chunks], is_split_into_words=True,
                        truncation=True, max_length=max_length)
        feats = []
        for c, (i, a, b) in enumerate(chunks):
            ids = enc["input_ids"][c]
            labels = [IGNORE] * len(ids)
            first = [-1] * (b - a)  # position of each word's first sub-word (-1: cut off)
            seen = set()
            for pos, word in enumerate(enc.word_ids(c)):
                if word is None or word in seen:
                    continue
                seen.add(word)
                k = word - len(prefix)
                if k >= 0:
                    first[k] = pos
                    labels[pos] = self._tag_id(examples[i]["tags"][a + k])
            feats.append(
                {"input_ids": ids, "labels": labels, "word_positions": first, "first_word": a, "example_index": i}
            )
        return feats

    def _tag_id(self, tag: str) -> int:
        try:
            return self.tag_index[tag]
        except KeyError:
            raise DataError(f"{self.task.name}: tag {tag!r} is not one of the declared tags {list(self.tag_index)}",
                            field="tags") from None

    def forward(self, hidden: torch.Tensor, batch: Batch) -> torch.Tensor:
        return self.out(self.dropout(hidden)).float()  # [B, T, C]

    def loss(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        return nn.functional.cross_entropy(logits.flatten(0, 1), batch["labels"].flatten(), ignore_index=IGNORE)

    def predict(self, logits: torch.Tensor, batch: Batch) -> list[list[int]]:
        lengths = batch["attention_mask"].sum(dim=1).tolist()
        best = logits.argmax(dim=-1).tolist()  # [B, T] tag index per token
        return [row[:n] for row, n in zip(best, lengths)]

    def word_tags(self, examples: Sequence[dict], features: Sequence[Feature], predictions: Sequence) -> list:
        """Predicted tag per word of every example, read at each word's first sub-word (pure)."""
        tags = self.task.labels
        out = [[self.fallback] * len(ex["tokens"]) for ex in examples]
        for f, pred in zip(features, predictions):
            row = out[f["example_index"]]
            for k, p in enumerate(f["word_positions"]):
                if p >= 0:
                    row[f["first_word"] + k] = tags[pred[p]]
        return out

    def score(self, examples, features, predictions) -> dict[str, float]:
        from claimcheck.replication.metrics import accuracy, seqeval_f1

        predicted = self.word_tags(examples, features, predictions)
        gold = [list(ex["tags"]) for ex in examples]
        out: dict[str, float] = {}
        if "f1" in self.task.metrics:
            out["f1"] = seqeval_f1(gold, predicted)["f1"]
        if "accuracy" in self.task.metrics:
            out["accuracy"] = accuracy([t for s in predicted for t in s], [t for s in gold for t in s])
        return out


def _chunk_words(per_word: list[int], budget: int) -> list[tuple[int, int]]:
    """[first, end) word ranges whose sub-word counts add up to at most ``budget`` (a longer single word
    gets a chunk of its own and is truncated, keeping its first sub-word)."""
    chunks, a, used = [], 0, 0
    for k, n in enumerate(per_word):
        if used and used + n > budget:
            chunks.append((a, k))
            a, used = k, 0
        used += n
    chunks.append((a, len(per_word)))
    return chunks


HEAD = TokenClassificationHead
