"""Known answers where claimcheck's metrics must do what XTREME's official scripts do.

Each row is a case small enough to follow by hand through the official code (quoted in the comments);
the expected value is what that code returns.
"""

from __future__ import annotations

import pytest

from claimcheck.replication.metrics import bucc_mine_candidates

# --- BUCC mining: XTREME's third_party/utils_retrieve.py -------------------------------------------------

# Two target sentences, t0 = (1, 0) and t1 = (0, 1); k = 1, so a pair's margin is
# cos(x, y) / ((best cos of x + best cos of y) / 2).
_TARGETS = ([[1.0, 0.0], [0.0, 1.0]], ["t0", "t1"])

# ``unique_embeddings``: aux = {j: i for i, j in enumerate(ind)}; emb[[aux[i] for i in range(len(aux))]]
# -> a repeated sentence is mined with the vector of its LAST occurrence.
UNIQUE_VECTOR_CASES = [
    pytest.param(
        # "dup" is mined with (1, 0): it takes t0 (margin 1 / ((1 + 1) / 2) = 1) but has no id; s1 = (.8, .6)
        # is left t1: .6 / ((.6 [t1's best] + .8 [s1's best]) / 2) = 6/7. With the first vector (0, 1) "dup"
        # would take t1 instead and s1 would get t0 at margin 1.
        [[0.0, 1.0], [0.8, 0.6], [1.0, 0.0]], ["dup", "s1", "dup"], ["d0", "s1", "d2"], [("s1", "t1", 6 / 7)],
        id="last-occurrence-vector",
    ),
    pytest.param(
        # the same rows the other way round: now the last "dup" is (0, 1), it takes t1, and s1 gets t0
        [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], ["dup", "s1", "dup"], ["d0", "s1", "d2"], [("s1", "t0", 1.0)],
        id="last-occurrence-vector-reversed",
    ),
    pytest.param(
        # no repeats: every row is its own sentence; x0 -> t0 (margin 1), x1 = (.8, .6) -> t1: x1's best cos
        # is .8 (t0), t1's best is .6 (x1): .6 / .7
        [[1.0, 0.0], [0.8, 0.6]], ["a", "b"], ["s0", "s1"], [("s0", "t0", 1.0), ("s1", "t1", 6 / 7)],
        id="no-repeats",
    ),
]


def _mine(src_emb, src_texts, src_ids):
    return bucc_mine_candidates(src_emb, _TARGETS[0], src_ids, _TARGETS[1], src_texts=src_texts, k=1)


@pytest.mark.parametrize(("src_emb", "src_texts", "src_ids", "expected"), UNIQUE_VECTOR_CASES)
def test_bucc_repeated_sentence_is_mined_with_its_last_vector(src_emb, src_texts, src_ids, expected):
    pytest.importorskip("numpy")
    got = _mine(src_emb, src_texts, src_ids)
    assert [(s, t) for s, t, _ in got] == [(s, t) for s, t, _ in expected]
    assert [score for *_, score in got] == pytest.approx([score for *_, score in expected], rel=1e-6)


# ``read_sent2id`` keys ids by ``l.strip()`` (and drops a sentence seen twice), while ``text_load_unify``
# unifies the raw lines: sentences that differ only in surrounding whitespace are mined apart, then
# neither is found in sent2id, so their candidate pairs are dropped. Sources (1, 0) and (0, 1) against
# targets (1, 0) and (0, 1): each source takes the target it equals, at margin 1 / ((1 + 1) / 2) = 1.
STRIPPED_ID_CASES = [
    pytest.param(["a", "a "], ["A", "B"], [], id="trailing-space-repeats-a-source"),
    pytest.param(["北京", "北京\u3000"], ["A", "B"], [], id="ideographic-space-repeats-a-source"),
    pytest.param(["a", "b"], ["A", "\tA"], [], id="leading-tab-repeats-a-target"),  # both targets lose their id
    pytest.param(["\xa0a", "b "], ["A", "B"], [("s0", "t0", 1.0), ("s1", "t1", 1.0)], id="whitespace-alone-keeps-ids"),
]


@pytest.mark.parametrize(("src_texts", "tgt_texts", "expected"), STRIPPED_ID_CASES)
def test_bucc_sentence_ids_match_stripped_text(src_texts, tgt_texts, expected):
    pytest.importorskip("numpy")
    eye = [[1.0, 0.0], [0.0, 1.0]]
    got = bucc_mine_candidates(eye, eye, ["s0", "s1"], ["t0", "t1"], src_texts=src_texts, tgt_texts=tgt_texts, k=1)
    assert got == expected
