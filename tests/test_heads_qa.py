"""Extractive-QA head: windows with a doc stride, labels, post-processing back to characters, training."""

from __future__ import annotations

import random

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

import numpy as np  # noqa: E402

from claimcheck.replication.heads.extractive_qa import ExtractiveQAHead  # noqa: E402
from claimcheck.replication.tasks import TASKS  # noqa: E402
from heads_fixtures import WORDS, run_eval, tiny_encoder, tiny_tokenizer, train_steps  # noqa: E402


def make_example(qid: str, words: list[str], first: int, n: int, question: str = "who sells bread") -> dict:
    context = " ".join(words)
    answer = " ".join(words[first : first + n])
    start = len(" ".join(words[:first])) + (1 if first else 0)
    assert context[start : start + len(answer)] == answer
    return {"id": qid, "title": "", "context": context, "question": question,
            "answers": {"text": [answer], "answer_start": [start]}}


@pytest.fixture(scope="module", params=["sentencepiece", "wordpiece"])
def corpus(request):
    rng = random.Random(0)
    words = [rng.choice(WORDS[:30]) for _ in range(40)]
    tok = tiny_tokenizer([" ".join(WORDS)] * 3 + [" ".join(words)], kind=request.param)
    return words, tok


def context_span(f) -> tuple[int, int]:
    ctx = np.flatnonzero(f["offsets"][:, 0] >= 0)
    return int(f["offsets"][ctx[0], 0]), int(f["offsets"][ctx[-1], 1])


def test_windows_stride_and_answer_labels(corpus):
    words, tok = corpus
    ex = make_example("q1", words, 17, 3)
    head = ExtractiveQAHead(TASKS["xquad"], 32, doc_stride=6)
    feats = head.featurize([ex], tok, 24)
    assert len(feats) >= 3
    first, last = ex["answers"]["answer_start"][0], ex["answers"]["answer_start"][0] + len(ex["answers"]["text"][0])
    labelled = crossing = 0
    for f in feats:
        lo, hi = context_span(f)
        if f["start"] == 0:
            assert f["end"] == 0 and not (lo <= first and last <= hi)  # <s>: the window lacks (part of) it
            crossing += lo < last and first < hi  # the answer crosses this window's edge
        else:
            labelled += 1
            s, e = f["start"], f["end"]
            assert ex["context"][f["offsets"][s, 0] : f["offsets"][e, 1]].strip() == ex["answers"]["text"][0]
    assert labelled >= 1 and crossing >= 1
    # windows start doc_stride context tokens apart: token 6 of one window is token 0 of the next
    for a, b in zip(feats, feats[1:]):
        ca, cb = (np.flatnonzero(f["offsets"][:, 0] >= 0) for f in (a, b))
        assert tuple(a["offsets"][ca[6]]) == tuple(b["offsets"][cb[0]])
    # each context token is the "max context" token of exactly one window
    owners: dict[tuple[int, int], int] = {}
    for f in feats:
        for p in np.flatnonzero(f["max_context"]):
            key = tuple(int(v) for v in f["offsets"][p])
            owners[key] = owners.get(key, 0) + 1
    all_tokens = {tuple(int(v) for v in f["offsets"][p])
                  for f in feats for p in np.flatnonzero(f["offsets"][:, 0] >= 0)}
    assert set(owners) == all_tokens and set(owners.values()) == {1}


def fake_logits(f, spans: dict[tuple[int, int], float]) -> np.ndarray:
    """[T, 2] logits that are 0 everywhere except start/end bumps for the given (start, end) spans."""
    out = np.zeros((len(f["input_ids"]), 2), dtype=np.float32)
    for (s, e), v in spans.items():
        out[s, 0] = max(out[s, 0], v)
        out[e, 1] = max(out[e, 1], v)
    return out


def test_post_processing_reads_the_answer_from_the_context(corpus):
    words, tok = corpus
    ex = make_example("q1", words, 17, 3)
    head = ExtractiveQAHead(TASKS["xquad"], 32, doc_stride=6, max_answer_length=8)
    feats = head.featurize([ex], tok, 24)
    good = next(i for i, f in enumerate(feats) if f["start"] and f["max_context"][f["start"]])
    preds = []
    for i, f in enumerate(feats):
        ctx = np.flatnonzero(f["offsets"][:, 0] >= 0)
        spans = {}
        if i == good:
            spans[(f["start"], f["end"])] = 5.0
        not_max = [p for p in ctx if not f["max_context"][p]]
        if not_max:  # higher, but starts where another window has more context: skipped
            spans[(not_max[0], not_max[0])] = 9.0
        spans[(ctx[0], ctx[-1])] = 7.0 if len(ctx) > 8 else 0.0  # too long for max_answer_length
        preds.append(fake_logits(f, spans))
    assert head.answer_texts([ex], feats, preds) == {"q1": ex["answers"]["text"][0]}
    assert head.score([ex], feats, preds) == {"em": 100.0, "f1": 100.0}


def test_text_prefix_keeps_character_offsets(corpus):
    words, tok = corpus
    ex = make_example("q1", words[:12], 2, 2)
    head = ExtractiveQAHead(TASKS["xquad"], 32, text_prefix="query: ")
    (f,) = head.featurize([ex], tok, 64)
    assert ex["context"][f["offsets"][f["start"], 0] : f["offsets"][f["end"], 1]].strip() == ex["answers"]["text"][0]
    assert context_span(f)[0] == 0  # the prefix tokens are not context


def test_squad_v2_unanswerable_and_null_prediction(corpus):
    words, tok = corpus
    ex = make_example("a", words[:12], 2, 2)
    none = {**make_example("b", words[12:24], 0, 1), "answers": {"text": [], "answer_start": []}}
    head = ExtractiveQAHead(TASKS["squad_v2"], 32)
    feats = head.featurize([ex, none], tok, 64)
    assert [(f["start"], f["end"]) for f in feats if f["example_index"] == 1] == [(0, 0)]
    preds = []
    for f in feats:
        spans = {(f["start"], f["end"]): 4.0} if f["example_index"] == 0 else {(3, 3): 1.0, (0, 0): 6.0}
        preds.append(fake_logits(f, spans))
    # b: null score 12 beats the best span (1 + 0 ...) by more than 0 -> ""
    assert head.answer_texts([ex, none], feats, preds) == {"a": ex["answers"]["text"][0], "b": ""}
    out = head.score([ex, none], feats, preds)
    assert out["em"] == 100.0 and out["best_f1"] == 100.0


def test_mlqa_scoring_needs_and_uses_the_language(corpus):
    _, tok = corpus
    ex = {"id": "m", "title": "", "context": "der Hund schläft", "question": "wer",
          "answers": {"text": ["Hund"], "answer_start": [4]}}
    head = ExtractiveQAHead(TASKS["mlqa"], 32)
    feats = head.featurize([ex], tok, 64)
    ctx = np.flatnonzero(feats[0]["offsets"][:, 0] >= 0)
    first_word_end = max(p for p in ctx if feats[0]["offsets"][p, 1] <= 8)
    preds = [fake_logits(feats[0], {(int(ctx[0]), int(first_word_end)): 5.0})]  # predicts "der Hund"
    assert head.answer_texts([ex], feats, preds) == {"m": "der Hund"}
    with pytest.raises(ValueError, match="language"):
        head.score([ex], feats, preds)
    assert head.score([{**ex, "lang": "de"}], feats, preds)["em"] == 100.0  # MLQA drops German "der"
    head.eval_language = "de"
    assert head.score([ex], feats, preds)["em"] == 100.0
    assert ExtractiveQAHead(TASKS["xquad"], 32).score([ex], feats, preds)["em"] == 0.0  # v1.1 keeps it
    # a target is scored by the head it was trained with: the SQuAD head told it evaluates MLQA-de
    squad_head = ExtractiveQAHead(TASKS["squad_v1"], 32)
    assert squad_head.score([ex], feats, preds)["em"] == 0.0
    squad_head.eval_task, squad_head.eval_language = "mlqa", "de"
    assert squad_head.score([ex], feats, preds)["em"] == 100.0


def test_training_lowers_the_loss_and_finds_the_answers(corpus):
    words, tok = corpus
    examples = [make_example(f"q{i}", words[i * 4 : i * 4 + 14], 2 + i % 5, 1 + i % 2) for i in range(6)]
    head = ExtractiveQAHead(TASKS["squad_v1"], 32, dropout=0.0)
    feats = head.featurize(examples, tok, 48)
    batch = head.collate(feats, tok.pad_token_id)
    assert batch["input_ids"].shape[0] == len(feats) and batch["start"].shape == (len(feats),)
    encoder = tiny_encoder(len(tok), pad_token_id=tok.pad_token_id)
    losses = train_steps(encoder, head, batch, steps=60)
    assert losses[-1] < 0.2 * losses[0]
    scores = head.score(examples, feats, run_eval(encoder, head, batch))
    assert scores["em"] >= 80.0
