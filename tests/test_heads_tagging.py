"""Token-classification head: first-sub-word labels, word-level predictions, PAN-X / UD-POS scores, training."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from claimcheck.errors import DataError  # noqa: E402
from claimcheck.replication.heads.token_classification import IGNORE, TokenClassificationHead  # noqa: E402
from claimcheck.replication.tasks import TASKS  # noqa: E402
from heads_fixtures import WORDS, run_eval, tiny_encoder, tiny_tokenizer, train_steps  # noqa: E402

SENTENCES = [
    (["the", "merchants", "sell", "unbelievably", "extraordinary", "bread"],
     ["O", "B-PER", "O", "O", "B-ORG", "I-ORG"]),
    (["internationalisation", "of", "the", "market", "square"], ["B-LOC", "O", "O", "B-LOC", "I-LOC"]),
    (["bells", "ring", "nine", "times"], ["B-ORG", "O", "O", "O"]),
    (["old", "stone", "bridges", "and", "wine"], ["B-LOC", "I-LOC", "I-LOC", "O", "B-PER"]),
]


@pytest.fixture(scope="module")
def tok():
    return tiny_tokenizer([" ".join(WORDS)] * 3)


def examples():
    return [{"tokens": list(w), "tags": list(t)} for w, t in SENTENCES]


def test_first_subword_carries_the_tag(tok):
    head = TokenClassificationHead(TASKS["panx"], 32)
    f = head.featurize(examples()[:1], tok, 64)[0]
    pieces = tok.convert_ids_to_tokens(f["input_ids"])
    # "unbelievably" is split into several pieces: only the first one is labelled
    word = 3
    p = f["word_positions"][word]
    assert pieces[p].startswith("▁") and not pieces[p + 1].startswith("▁")
    assert f["labels"][p] == TASKS["panx"].labels.index("O") and f["labels"][p + 1] == IGNORE
    # every word is labelled exactly once, at its first piece; <s>, </s> and continuation pieces are -100
    labelled = [i for i, lab in enumerate(f["labels"]) if lab != IGNORE]
    assert labelled == f["word_positions"]
    assert [TASKS["panx"].labels[f["labels"][i]] for i in labelled] == SENTENCES[0][1]
    assert f["labels"][0] == IGNORE and f["labels"][-1] == IGNORE


def test_prefix_words_are_not_labelled(tok):
    head = TokenClassificationHead(TASKS["panx"], 32, text_prefix="query: ")
    f = head.featurize(examples()[:1], tok, 64)[0]
    assert f["word_positions"][0] > 2  # <s>, then the prefix pieces, then the first real word
    assert all(lab == IGNORE for lab in f["labels"][: f["word_positions"][0]])
    assert sum(lab != IGNORE for lab in f["labels"]) == len(SENTENCES[0][0])


def test_word_predictions_and_scores(tok):
    head = TokenClassificationHead(TASKS["panx"], 32)
    exs = examples()
    feats = head.featurize(exs, tok, 64)
    labels = TASKS["panx"].labels
    # a perfect tagger: the gold tag index at each first piece, garbage elsewhere
    perfect = []
    for f in feats:
        row = [labels.index("B-PER")] * len(f["input_ids"])
        for p in f["word_positions"]:
            row[p] = f["labels"][p]
        perfect.append(row)
    assert head.word_tags(exs, feats, perfect) == [t for _, t in SENTENCES]
    assert head.score(exs, feats, perfect) == {"f1": 100.0}
    # tag every first piece "O": no entity found -> F1 0
    all_o = [[labels.index("O")] * len(f["input_ids"]) for f in feats]
    assert head.score(exs, feats, all_o) == {"f1": 0.0}


def oracle(head, feats):
    """Predictions that put each word's gold tag at its first sub-word (tag 0 elsewhere)."""
    rows = []
    for f in feats:
        row = [0] * len(f["input_ids"])
        for p in f["word_positions"]:
            if p >= 0:
                row[p] = f["labels"][p]
        rows.append(row)
    return rows


def test_long_sentences_are_split_into_chunks_and_joined_again(tok):
    head = TokenClassificationHead(TASKS["udpos"], 32)
    ex = {"tokens": ["the", "river", "runs", "past", "old", "stone", "bridges", "unbelievably"],
          "tags": ["DET", "NOUN", "VERB", "ADP", "ADJ", "NOUN", "NOUN", "ADV"]}
    feats = head.featurize([ex], tok, 6)  # <s> + at most 4 sub-words + </s> per feature
    assert len(feats) > 1 and all(len(f["input_ids"]) <= 6 for f in feats)
    # the chunks cover the words in order, each word once, never cut inside a word
    covered = [f["first_word"] + k for f in feats for k, p in enumerate(f["word_positions"]) if p >= 0]
    assert covered == list(range(len(ex["tokens"])))
    assert head.word_tags([ex], feats, oracle(head, feats)) == [ex["tags"]]
    assert head.score([ex], feats, oracle(head, feats)) == {"f1": 100.0}


def test_overlong_word_and_empty_word(tok):
    head = TokenClassificationHead(TASKS["panx"], 32)
    ex = {"tokens": ["bread", "internationalisation", "", "wine"], "tags": ["O", "B-LOC", "O", "B-PER"]}
    feats = head.featurize([ex], tok, 4)  # room for 2 sub-words: the long word is truncated to its first
    pieces = [tok.convert_ids_to_tokens(f["input_ids"]) for f in feats]
    assert any("<unk>" in p for p in pieces)  # a word with no sub-word is encoded as <unk>, as XTREME does
    assert head.word_tags([ex], feats, oracle(head, feats)) == [ex["tags"]]
    # a prediction missing for a word (here: we drop the last feature) falls back to "O" and costs F1
    assert head.word_tags([ex], feats[:-1], oracle(head, feats[:-1]))[0][-1] == "O"
    assert head.score([ex], feats[:-1], oracle(head, feats[:-1]))["f1"] < 100.0


def test_unknown_tag_is_a_data_error(tok):
    head = TokenClassificationHead(TASKS["udpos"], 32)
    with pytest.raises(DataError, match="'NOPE'"):
        head.featurize([{"tokens": ["bread"], "tags": ["NOPE"]}], tok, 16)


def test_training_lowers_the_loss_and_learns_the_tags(tok):
    head = TokenClassificationHead(TASKS["panx"], 32, dropout=0.0)
    exs = examples()
    feats = head.featurize(exs, tok, 64)
    batch = head.collate(feats, tok.pad_token_id)
    assert batch["labels"].shape == batch["input_ids"].shape  # padded with -100
    encoder = tiny_encoder(len(tok), seed=1)
    losses = train_steps(encoder, head, batch, steps=40)
    assert losses[-1] < 0.2 * losses[0]
    assert head.score(exs, feats, run_eval(encoder, head, batch))["f1"] == 100.0
