"""Retrieval embeds each sentence stripped of surrounding whitespace, as XTREME does (``run_retrieval.py``,
``tokenize_text``: ``sents = [l.strip() for l in open(text_file)]``; jiant's BUCC: ``text.strip()``), for
BUCC and Tatoeba alike, while BUCC mining still tells the file's exact texts apart (``text_load_unify`` keys on the
raw line). A tokenizer that keeps whitespace (the tiny one here: Metaspace, no normalizer) gives a
sentence ending in U+3000 or U+00A0 other tokens, so other vectors, unless it is stripped first."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from claimcheck.replication.heads.retrieval import RetrievalHead  # noqa: E402
from claimcheck.replication.tasks import TASKS  # noqa: E402
from claimcheck.replication.tasks.formats import bucc_lines, tatoeba_lines  # noqa: E402
from heads_fixtures import WORDS, tiny_encoder, tiny_tokenizer  # noqa: E402

# (name, sentence as the file has it, the text XTREME tokenizes)
CASES = [
    ("two trailing ideographic spaces (BUCC zh-000000325)", "bread wine\u3000\u3000", "bread wine"),
    ("trailing no-break space (BUCC en-000006832)", "the river runs\u00a0", "the river runs"),
    ("leading no-break spaces (BUCC zh-000003322)", "\u00a0\u00a0\u00a0old stone bridges", "old stone bridges"),
    ("leading tab", "\tmerchants sell bread", "merchants sell bread"),
    ("trailing ASCII space", "cheese apples ", "cheese apples"),
    ("both sides, mixed", " \u3000nine times\u00a0 ", "nine times"),
    ("inner whitespace is kept", "market\u3000square", "market\u3000square"),
]
OTHERS = ["the bells of the cathedral ring", "merchants sell wine", "old bridges in the morning", "apples and cheese"]


@pytest.fixture(scope="module")
def tok():
    return tiny_tokenizer([" ".join(WORDS)] * 3, vocab_size=200)


@pytest.mark.parametrize("name, raw, stripped", CASES, ids=[c[0] for c in CASES])
def test_the_embedded_text_is_the_stripped_sentence(name, raw, stripped):
    from claimcheck.replication.heads.retrieval import embedded_text

    assert embedded_text(raw) == stripped == raw.strip()


@pytest.mark.parametrize("task", ["bucc2018", "tatoeba"])
@pytest.mark.parametrize("prefix", ["", "query: "])
@pytest.mark.parametrize("name, raw, stripped", CASES, ids=[c[0] for c in CASES])
def test_featurize_tokenizes_the_stripped_sentence_on_both_sides(tok, task, prefix, name, raw, stripped):
    head = RetrievalHead(TASKS[task], 32, text_prefix=prefix)
    ex = {"source_ids": ["s0", "s1"], "source": [raw, OTHERS[0]], "target_ids": ["t0", "t1"], "target": [OTHERS[1], raw],
          "gold": [("s0", "t1")]}
    ids = {(f["side"], f["position"]): f["input_ids"] for f in head.featurize([ex], tok, 48)}
    want = tok([prefix + stripped])["input_ids"][0]
    assert ids[(0, 0)] == want and ids[(1, 1)] == want, name
    assert ids[(0, 1)] == tok([prefix + OTHERS[0]])["input_ids"][0]
    if raw != stripped:  # the tiny tokenizer sees the whitespace: without stripping the ids would differ
        assert tok([prefix + raw])["input_ids"][0] != want


def _vectors_and_score(head, tok, encoder, example):
    from claimcheck.replication.evaluate import predict_features

    features = head.featurize([example], tok, 48)
    preds = predict_features(encoder, head, features, pad_id=tok.pad_token_id, device=torch.device("cpu"), batch_size=3)
    vectors = {(f["side"], f["position"]): p for f, p in zip(features, preds)}
    return vectors, head.score([example], features, preds)


def _file_rows(lines):
    return [{"text": line} for line in lines]


@pytest.mark.parametrize("name, raw, stripped", CASES, ids=[c[0] for c in CASES])
def test_bucc_from_files_scores_as_the_stripped_files(tok, name, raw, stripped):
    """A BUCC file whose gold sentences carry surrounding whitespace gives the vectors and the F1 of the
    same file stripped (their ids are matched on stripped text too, ``read_sent2id``)."""
    encoder = tiny_encoder(len(tok), seed=4, pad_token_id=tok.pad_token_id)
    head = RetrievalHead(TASKS["bucc2018"], 32, text_prefix="query: ")

    def files(zh_first: str, en_last: str):
        zh = [f"zh-{i}\t{s}" for i, s in enumerate([zh_first, *OTHERS[:2]])]
        en = [f"en-{i}\t{s}" for i, s in enumerate([*OTHERS[2:], en_last])]
        return bucc_lines([_file_rows(zh), _file_rows(en), _file_rows(["zh-0\ten-2", "zh-1\ten-0"])])[0]

    raw_ex, clean_ex = files(raw, raw), files(stripped, stripped)
    assert raw_ex["source"][0] == raw and raw_ex["target"][2] == raw  # the example keeps the file's text
    raw_vec, raw_score = _vectors_and_score(head, tok, encoder, raw_ex)
    clean_vec, clean_score = _vectors_and_score(head, tok, encoder, clean_ex)
    for key in clean_vec:
        assert torch.allclose(raw_vec[key], clean_vec[key], atol=1e-6), (name, key)
    assert raw_score == pytest.approx(clean_score, abs=1e-9)


@pytest.mark.parametrize("name, raw, stripped", CASES, ids=[c[0] for c in CASES])
def test_tatoeba_from_files_embeds_the_stripped_lines(tok, name, raw, stripped):
    encoder = tiny_encoder(len(tok), seed=5, pad_token_id=tok.pad_token_id)
    head = RetrievalHead(TASKS["tatoeba"], 32, text_prefix="query: ")

    def example(line: str):
        return tatoeba_lines([_file_rows([line, *OTHERS[:2]]), _file_rows([*OTHERS[2:], line])])[0]

    raw_vec, raw_score = _vectors_and_score(head, tok, encoder, example(raw))
    clean_vec, clean_score = _vectors_and_score(head, tok, encoder, example(stripped))
    for key in clean_vec:
        assert torch.allclose(raw_vec[key], clean_vec[key], atol=1e-6), (name, key)
    assert raw_score == clean_score


def test_bucc_mining_still_tells_the_raw_texts_apart(tok):
    """"bread wine" and "bread wine\\u3000" now get one vector, but stay two mined sentences that share a
    stripped text, so neither has an id (``text_load_unify`` on the raw line, ``read_sent2id`` on the
    stripped one): the gold pair through either scores nothing, the other gold pair is still found."""
    from claimcheck.replication.metrics import bucc_mine_candidates

    encoder = tiny_encoder(len(tok), seed=6, pad_token_id=tok.pad_token_id)
    head = RetrievalHead(TASKS["bucc2018"], 32)
    ex = {"source_ids": ["s0", "s1", "s2"], "source": ["bread wine", "bread wine\u3000", "the bells of the cathedral ring"],
          "target_ids": ["t0", "t1"], "target": ["bread wine", "the bells of the cathedral ring"],
          "gold": [("s0", "t0"), ("s2", "t1")]}
    vectors, _ = _vectors_and_score(head, tok, encoder, ex)
    assert torch.allclose(vectors[(0, 0)], vectors[(0, 1)], atol=1e-6)
    src = torch.stack([vectors[(0, j)] for j in range(3)]).numpy()
    tgt = torch.stack([vectors[(1, j)] for j in range(2)]).numpy()
    pairs = {(a, b) for a, b, _ in bucc_mine_candidates(src, tgt, ex["source_ids"], ex["target_ids"],
                                                        src_texts=ex["source"], tgt_texts=ex["target"])}
    assert ("s2", "t1") in pairs
    assert not any(a in ("s0", "s1") for a, _ in pairs)
