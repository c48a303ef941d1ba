"""Extractive-QA scores: the SQuAD v1.1 script (XQuAD, TyDiQA-GoldP), MLQA's script (MLQA) and SQuAD v2.

Re-implemented from ``evaluate-v1.1.py`` (which XTREME's ``evaluate.py`` runs for XQuAD and TyDiQA),
``mlqa_evaluation_v1.py`` (per-language articles, Unicode punctuation, character tokens for Chinese) and
the v2.0 script as jiant runs it for the SQuAD v2 intermediate task. Values in points.
"""

from __future__ import annotations

import functools
import re
import string
import sys
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

from claimcheck.errors import InputError

_ASCII_PUNCT = frozenset(string.punctuation)


@functools.cache
def unicode_punctuation() -> frozenset[str]:
    """Every character whose Unicode category starts with "P", plus ASCII punctuation ($, + ...).
    Built on first use (about 0.2 s), not at import."""
    return frozenset(
        chr(i) for i in range(sys.maxunicode) if unicodedata.category(chr(i)).startswith("P")
    ) | _ASCII_PUNCT


_MLQA_ARTICLES = {  # the regexes of mlqa_evaluation_v1.py; hi and zh have none
    "en": r"\b(a|an|the)\b",
    "es": r"\b(un|una|unos|unas|el|la|los|las)\b",
    "vi": r"\b(của|là|cái|chiếc|những)\b",
    "de": r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b",
    # as written in the MLQA script: the first branch can never match, so every "ال" becomes a space
    "ar": "\\sال^|ال",
    "hi": None,
    "zh": None,
}
MLQA_LANGUAGES = tuple(_MLQA_ARTICLES)
_CJK = re.compile("[\u4e00-\u9fa5]")


def normalize_squad_answer(text: str) -> str:
    """SQuAD v1.1 normalisation: lower-case, drop ASCII punctuation, drop a/an/the, collapse spaces."""
    text = "".join(ch for ch in text.lower() if ch not in _ASCII_PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def _mixed_segmentation(text: str) -> list[str]:
    """MLQA's Chinese tokenisation: each CJK character (or punctuation mark) is a token of its own."""
    out: list[str] = []
    run = ""
    for ch in text:
        if _CJK.search(ch) or ch in unicode_punctuation():
            out.extend(run.split())
            run = ""
            out.append(ch)
        else:
            run += ch
    out.extend(run.split())
    return out


def normalize_mlqa_answer(text: str, lang: str) -> str:
    """MLQA normalisation for ``lang``: lower-case, drop Unicode punctuation and that language's articles,
    then re-join whitespace tokens (or, for zh, characters)."""
    if lang not in _MLQA_ARTICLES:
        raise InputError(f"MLQA's evaluation has no rules for language {lang!r} (known: {', '.join(MLQA_LANGUAGES)})",
                         field="lang")
    text = "".join(ch for ch in text.lower() if ch not in unicode_punctuation())
    if _MLQA_ARTICLES[lang]:
        text = re.sub(_MLQA_ARTICLES[lang], " ", text)
    tokens = _mixed_segmentation(text) if lang == "zh" else text.split()
    return " ".join(t for t in tokens if t.strip())


def _token_f1(pred_tokens: list[str], gold_tokens: list[str]) -> float:
    """v1.1 token F1: 0 when nothing is shared (also when both are empty)."""
    same = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def squad_em_f1(
    predictions: Mapping[str, str], golds: Mapping[str, Sequence[str]], lang: str | None = None
) -> dict[str, float]:
    """Exact match and token F1 over the questions in ``golds``, in points: ``{"em", "f1"}``.

    ``lang=None`` is the SQuAD v1.1 script (what XTREME uses for XQuAD and TyDiQA-GoldP, whatever the
    language); a language code is MLQA's script for that language (XTREME uses it for MLQA only).
    Each question scores the best over its gold answers; a question without a prediction scores 0.
    """
    if not golds:
        raise ValueError("no questions to score")
    if lang is None:
        norm = normalize_squad_answer
    else:
        normalize_mlqa_answer("", lang)  # rejects an unknown language before the loop

        def norm(s: str) -> str:
            return normalize_mlqa_answer(s, lang)

    em = f1 = 0.0
    for qid, answers in golds.items():
        if qid not in predictions:
            continue
        pred = norm(predictions[qid])
        normed = [norm(a) for a in answers]
        em += max((float(pred == g) for g in normed), default=0.0)
        f1 += max((_token_f1(pred.split(), g.split()) for g in normed), default=0.0)
    return {"em": 100.0 * em / len(golds), "f1": 100.0 * f1 / len(golds)}


def squad_v2_em_f1(
    predictions: Mapping[str, str],
    golds: Mapping[str, Sequence[str]],
    na_probs: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """SQuAD v2.0 scores as jiant computes them (an empty gold list or "" prediction means no answer).

    Returns ``em``, ``f1`` and ``best_em``/``best_f1`` with their thresholds on ``na_probs`` (the
    no-answer probability per question): the v2.0 sweep that answers "" above the threshold. jiant passes
    no probabilities, so all are 0 and the sweep runs over the questions in prediction order, taking the
    best running total: an optimistic number that depends on that order. jiant's SQuAD v2 headline is
    (best_f1 + best_em) / 2. As in the v2.0 script, questions without a prediction are left out.
    """
    exact: dict[str, float] = {}
    f1: dict[str, float] = {}
    has_answer: dict[str, bool] = {}
    for qid, answers in golds.items():
        gold = [a for a in answers if normalize_squad_answer(a)] or [""]
        has_answer[qid] = bool(answers)  # as jiant: a non-empty gold list, even if it normalises to ""
        if qid not in predictions:
            continue
        pred_toks = normalize_squad_answer(predictions[qid]).split()
        exact[qid] = max(float(normalize_squad_answer(g) == normalize_squad_answer(predictions[qid])) for g in gold)
        scores = []
        for g in gold:
            g_toks = normalize_squad_answer(g).split()
            scores.append(float(g_toks == pred_toks) if not g_toks or not pred_toks else _token_f1(pred_toks, g_toks))
        f1[qid] = max(scores)
    if not exact:
        raise ValueError("no predicted questions to score")
    probs = dict(na_probs) if na_probs is not None else {qid: 0.0 for qid in predictions}
    out = {"em": 100.0 * sum(exact.values()) / len(exact), "f1": 100.0 * sum(f1.values()) / len(f1)}
    for name, raw in (("em", exact), ("f1", f1)):
        # sweep the no-answer threshold: questions above it are answered "", the rest keep their text
        current = best = float(sum(1 for q in has_answer if not has_answer[q]))
        best_threshold = 0.0
        for qid in sorted(probs, key=lambda q: probs[q]):
            if qid not in raw:
                continue
            if has_answer[qid]:
                current += raw[qid]
            elif predictions[qid]:
                current -= 1
            if current > best:
                best, best_threshold = current, probs[qid]
        out[f"best_{name}"] = 100.0 * best / len(raw)
        out[f"best_{name}_threshold"] = best_threshold
    return out
