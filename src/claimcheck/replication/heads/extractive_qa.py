"""Extractive question answering: SQuAD v1.1 / v2 (intermediate), XQuAD, MLQA, TyDiQA-GoldP (targets).

Features follow the original BERT / jiant SQuAD recipe on a fast tokenizer:

* the question is cut to ``max_query_length`` tokens; the context is split into windows that start
  ``doc_stride`` context tokens apart (the tokenizer's ``stride`` argument is the *overlap*, so it is set
  to window size - doc_stride per example), each window ``<s> question </s></s> context-slice </s>``;
* a training window that does not contain the whole answer points start and end at ``<s>`` (index 0),
  as do unanswerable SQuAD v2 questions;
* each feature keeps the character span of every context token (``offsets`` [T, 2] int32, -1 for
  question and special tokens) and, per token, whether this window gives it the most context.

Post-processing (jiant's ``compute_predictions_logits``): the ``n_best_size`` best start and end logits
of every window, spans that start on a max-context token, end after they start and are at most
``max_answer_length`` tokens, ranked by start + end logit; the answer is the context text under the
span, read from the offsets. SQuAD v2 answers "" when the smallest null score (start[0] + end[0] over
the windows) beats the best span's score by more than ``null_score_diff_threshold``.
Scores: ``metrics.squad_em_f1`` (MLQA's language rules for ``mlqa``), ``squad_v2_em_f1`` for SQuAD v2.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from claimcheck.replication.heads.base import Batch, Feature, Head


class ExtractiveQAHead(Head):
    kind = "extractive_qa"

    def __init__(
        self,
        task,
        hidden_size,
        *,
        doc_stride: int = 128,  # jiant / XTREME defaults
        max_query_length: int = 64,
        n_best_size: int = 20,
        max_answer_length: int = 30,  # tokens
        null_score_diff_threshold: float = 0.0,
        **options,
    ):
        super().__init__(task, hidden_size, **options)
        self.doc_stride = doc_stride
        self.max_query_length = max_query_length
        self.n_best_size = n_best_size
        self.max_answer_length = max_answer_length
        self.null_score_diff_threshold = null_score_diff_threshold
        self.with_no_answer = task.name == "squad_v2"
        # the slice being scored, set by the engine: a target is evaluated by the head of the task it was
        # trained on (MLQA by the SQuAD head), and MLQA's scoring rules depend on the language
        self.eval_task: str | None = None
        self.eval_language: str | None = None
        self.dropout = nn.Dropout(self.dropout_p)
        self.span = nn.Linear(hidden_size, 2)  # start and end logit per token

    # -- features ------------------------------------------------------------------------------------
    def _questions(self, examples: Sequence[dict], tokenizer) -> tuple[list[str], list[int]]:
        """Questions (leading spaces dropped, as jiant/HF do) cut to ``max_query_length`` tokens, and their
        token counts."""
        texts = [self.text_prefix + ex["question"].lstrip() for ex in examples]
        enc = tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True)
        lengths = [len(ids) for ids in enc["input_ids"]]
        for i, n in enumerate(lengths):
            if n > self.max_query_length:
                texts[i] = texts[i][: enc["offset_mapping"][i][self.max_query_length - 1][1]]
                lengths[i] = len(tokenizer(texts[i], add_special_tokens=False)["input_ids"])
        return texts, lengths

    def featurize(self, examples: Sequence[dict], tokenizer, max_length: int) -> list[Feature]:
        if not getattr(tokenizer, "is_fast", False):
            raise ValueError("extractive QA needs a fast tokenizer (offset mappings)")
        n_special = tokenizer.num_special_tokens_to_add(pair=True)
        shift = len(self.text_prefix)  # the context is tokenized with the prefix; offsets are moved back
        questions, q_lens = self._questions(examples, tokenizer)
        by_length: dict[int, list[int]] = defaultdict(list)  # the window size depends on the question length
        for i, n in enumerate(q_lens):
            by_length[n].append(i)
        feats: dict[int, list[Feature]] = {}
        for q_len, group in by_length.items():
            window = max_length - q_len - n_special  # context tokens per feature
            if window < 1:
                qid = examples[group[0]]["id"]
                raise ValueError(f"max_length {max_length} leaves no room for the context of question {qid!r}")
            overlap = max(0, window - self.doc_stride)  # so windows start min(window, doc_stride) apart
            enc = tokenizer(
                [questions[i] for i in group],
                [self.text_prefix + examples[i]["context"] for i in group],
                truncation="only_second",
                max_length=max_length,
                stride=overlap,
                return_overflowing_tokens=True,
                return_offsets_mapping=True,
            )
            windows: dict[int, list[int]] = defaultdict(list)
            for w, j in enumerate(enc["overflow_to_sample_mapping"]):
                windows[group[j]].append(w)
            for i, ws in windows.items():
                feats[i] = self._example_features(i, examples[i], enc, ws, shift, window - overlap)
        return [f for i in sorted(feats) for f in feats[i]]

    @staticmethod
    def _example_features(i: int, ex: dict, enc, ws: list[int], shift: int, step: int) -> list[Feature]:
        spans, windows = [], []  # per window: (first second-sequence position, its length); offsets
        for w in ws:
            seq = np.array([-1 if s is None else s for s in enc.sequence_ids(w)])
            raw = np.asarray(enc["offset_mapping"][w], dtype=np.int32).reshape(-1, 2)
            is_context = (seq == 1) & (raw[:, 1] > shift)  # prefix tokens are not context
            offsets = np.full((len(seq), 2), -1, dtype=np.int32)  # [T, 2] character span in the context
            offsets[is_context] = np.maximum(raw[is_context], shift) - shift
            second = np.flatnonzero(seq == 1)
            spans.append((int(second[0]) if len(second) else 0, len(second)))
            windows.append(offsets)
        answer = _answer_chars(ex)
        feats = []
        for k, (w, offsets) in enumerate(zip(ws, windows)):
            start, end = _label_positions(offsets, answer)
            feats.append(
                {
                    "input_ids": enc["input_ids"][w],
                    "example_index": i,
                    "start": start,
                    "end": end,
                    "offsets": offsets,
                    "max_context": _max_context(spans, k, len(offsets), step),
                }
            )
        return feats

    # -- model ---------------------------------------------------------------------------------------
    def forward(self, hidden: torch.Tensor, batch: Batch) -> torch.Tensor:
        logits = self.span(self.dropout(hidden)).float()  # [B, T, 2]
        pad = batch["attention_mask"].unsqueeze(-1) == 0  # [B, T, 1]
        return logits.masked_fill(pad, -1e4)  # padding never wins a softmax

    def loss(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        t = logits.shape[1]
        start = batch["start"].clamp(0, t - 1)  # [B] token index (0 = <s>: no answer in this window)
        end = batch["end"].clamp(0, t - 1)
        ce = nn.functional.cross_entropy
        return (ce(logits[..., 0], start) + ce(logits[..., 1], end)) / 2

    def predict(self, logits: torch.Tensor, batch: Batch) -> list:
        lengths = batch["attention_mask"].sum(dim=1).tolist()
        out = logits.detach().float().cpu().numpy()  # [B, T, 2]
        return [out[b, :n] for b, n in enumerate(lengths)]  # one [T_b, 2] array per feature

    # -- evaluation ----------------------------------------------------------------------------------
    def answer_texts(self, examples: Sequence[dict], features: Sequence[Feature], predictions: Sequence) -> dict:
        """The predicted answer text per question id (pure)."""
        by_example: dict[int, list[tuple[Feature, np.ndarray]]] = defaultdict(list)
        for f, p in zip(features, predictions):
            by_example[f["example_index"]].append((f, np.asarray(p)))
        return {ex["id"]: self._best_answer(ex["context"], by_example.get(i, [])) for i, ex in enumerate(examples)}

    def _best_answer(self, context: str, windows: list[tuple[Feature, np.ndarray]]) -> str:
        candidates = []  # (score, window, start, end)
        null_score = float("inf")
        for w, (f, logits) in enumerate(windows):
            start_logits, end_logits = logits[:, 0], logits[:, 1]
            offsets, max_context = f["offsets"], f["max_context"]
            null_score = min(null_score, float(start_logits[0] + end_logits[0]))
            starts = np.argsort(-start_logits, kind="stable")[: self.n_best_size]
            ends = np.argsort(-end_logits, kind="stable")[: self.n_best_size]
            for s in starts.tolist():
                if s >= len(offsets) or offsets[s, 0] < 0 or not max_context[s]:
                    continue
                for e in ends.tolist():
                    if e >= len(offsets) or offsets[e, 0] < 0 or e < s or e - s + 1 > self.max_answer_length:
                        continue
                    candidates.append((float(start_logits[s] + end_logits[e]), w, s, e))
        candidates.sort(key=lambda c: -c[0])  # stable: ties keep window / start / end order
        best_text, best_score = "", 0.0  # no valid span at all: an empty answer
        for score, w, s, e in candidates:
            offsets = windows[w][0]["offsets"]
            text = context[offsets[s, 0] : offsets[e, 1]].strip()
            if text:
                best_text, best_score = text, score
                break
        if self.with_no_answer and null_score - best_score > self.null_score_diff_threshold:
            return ""
        return best_text

    def score(self, examples, features, predictions) -> dict[str, float]:
        from claimcheck.replication.metrics import squad_em_f1, squad_v2_em_f1

        answers = self.answer_texts(examples, features, predictions)
        golds = {ex["id"]: list(ex["answers"]["text"]) for ex in examples}
        if self.with_no_answer:
            return squad_v2_em_f1(answers, golds)
        lang = None
        if (self.eval_task or self.task.name) == "mlqa":  # XTREME: MLQA's language rules; XQuAD, TyDiQA: v1.1's
            lang = (examples[0].get("lang") if examples else None) or self.eval_language
            if lang is None:
                raise ValueError("MLQA scoring needs the language: set head.eval_language or give examples a 'lang'")
        return squad_em_f1(answers, golds, lang=lang)


def _answer_chars(ex: dict) -> tuple[int, int] | None:
    """[first, last) character span of the first gold answer; None when there is none."""
    texts, starts = ex["answers"]["text"], ex["answers"]["answer_start"]
    if not texts or not texts[0]:  # unanswerable (SQuAD v2), or a blanked answer (XTREME's hidden test labels)
        return None
    return int(starts[0]), int(starts[0]) + len(texts[0])


def _label_positions(offsets: np.ndarray, answer: tuple[int, int] | None) -> tuple[int, int]:
    """Token positions of the answer in one window, or (0, 0) (<s>) when the window does not hold all of it."""
    ctx = np.flatnonzero(offsets[:, 0] >= 0)
    if answer is None or not len(ctx):
        return 0, 0
    first, last = answer
    if not (offsets[ctx[0], 0] <= first and last <= offsets[ctx[-1], 1]):
        return 0, 0
    start = int(ctx[offsets[ctx, 0] <= first][-1])  # last token starting at or before the answer
    end = int(ctx[offsets[ctx, 1] >= last][0])  # first token ending at or after it
    return start, max(start, end)


def _max_context(spans: list[tuple[int, int]], w: int, length: int, step: int) -> np.ndarray:
    """[T] bool: for each token of window ``w``'s second sequence, whether no window sees it with more context.

    The BERT heuristic: a token's context in a window is min(tokens left of it, tokens right of it)
    + 0.01 * window length; the first window wins ties. Windows start ``step`` tokens apart.
    """
    out = np.zeros(length, dtype=bool)
    first, n = spans[w]
    pos = w * step + np.arange(n)  # [n] positions in the whole second sequence
    lo = step * np.arange(len(spans))[:, None]  # [W, 1] where each window starts
    m = np.array([k for _, k in spans])[:, None]  # [W, 1] its length
    inside = (pos >= lo) & (pos < lo + m)  # [W, n]
    context = np.where(inside, np.minimum(pos - lo, lo + m - 1 - pos) + 0.01 * m, -1.0)
    out[first : first + n] = context.argmax(axis=0) == w  # argmax: the first window wins ties
    return out


HEAD = ExtractiveQAHead
