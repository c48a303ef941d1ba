"""The XTREME metrics on hand-computed cases (every expected number is worked out in the comment beside it)."""

from __future__ import annotations

import random
import warnings

import pytest

from claimcheck.errors import InputError
from claimcheck.replication.metrics import (
    accuracy,
    bucc_f1,
    bucc_mine_candidates,
    entity_f1,
    normalize_mlqa_answer,
    normalize_squad_answer,
    pos_f1,
    seqeval_chunks,
    seqeval_f1,
    squad_em_f1,
    squad_v2_em_f1,
    task_score,
    tatoeba_accuracy,
    xtreme_score,
)

# --- accuracy ---------------------------------------------------------------------------------------


def test_accuracy_in_points_and_checks_lengths():
    assert accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 75.0
    with pytest.raises(ValueError):
        accuracy([0, 1], [0])
    with pytest.raises(ValueError):
        accuracy([], [])


# --- SQuAD v1.1 (XQuAD, TyDiQA) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("The  Cat's hat!", "cats hat"),  # lower, drop ' and !, drop "the", collapse spaces
        ("an apple", "apple"),
        ("Theater of Anne", "theater of anne"),  # articles only as whole words
        ("A.B.C.", "abc"),  # punctuation removed before articles: "abc" is not an article
        ("«Paris»", "«paris»"),  # v1.1 strips ASCII punctuation only
        ("  \tNew\nYork ", "new york"),
    ],
)
def test_squad_normalisation(raw, normalised):
    assert normalize_squad_answer(raw) == normalised


def test_squad_multiple_golds_take_the_best_one():
    # vs "Broncos": P 1/2, R 1 -> F1 2/3; vs "Denver Broncos team": P 1, R 2/3 -> F1 0.8 -> best 0.8
    out = squad_em_f1({"q": "Denver Broncos"}, {"q": ["Broncos", "Denver Broncos team"]})
    assert out == {"em": 0.0, "f1": pytest.approx(80.0)}
    # any gold that matches exactly gives EM 1
    assert squad_em_f1({"q": "the Broncos."}, {"q": ["Denver", "Broncos"]})["em"] == 100.0


def test_squad_unanswered_question_scores_zero_and_counts():
    out = squad_em_f1({"a": "x", "extra": "ignored"}, {"a": ["x"], "b": ["y"]})
    assert out == {"em": 50.0, "f1": 50.0}


def test_squad_v11_quirks_are_kept():
    # both sides normalise to "": EM 1 (equal strings) but F1 0 (no shared token), as in evaluate-v1.1.py
    assert squad_em_f1({"q": "The"}, {"q": ["a"]}) == {"em": 100.0, "f1": 0.0}
    # Unicode quotes are not punctuation to v1.1, so «Paris» does not match Paris
    assert squad_em_f1({"q": "«Paris»"}, {"q": ["Paris"]}) == {"em": 0.0, "f1": 0.0}
    # shared tokens count with multiplicity: "b b" vs "b c" share 1 (P 1/2, R 1/2); vs "b b c" share 2
    assert squad_em_f1({"q": "b b"}, {"q": ["b c"]})["f1"] == pytest.approx(50.0)
    assert squad_em_f1({"q": "b b"}, {"q": ["b b c"]})["f1"] == pytest.approx(80.0)  # P 1, R 2/3


def test_squad_rejects_an_empty_gold_set():
    with pytest.raises(ValueError):
        squad_em_f1({}, {})


# --- MLQA (language-aware) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "normalised"),
    [
        ("Der Hund, die Katze!", "de", "hund katze"),
        ("einem Haus", "de", "haus"),
        ("la casa de los abuelos", "es", "casa de abuelos"),
        ("¿Qué?", "es", "qué"),  # Unicode punctuation (¿) is removed
        ("«Paris»", "en", "paris"),
        ("the Taj", "hi", "the taj"),  # Hindi: no articles removed, not even English ones
        ("الكتاب", "ar", "كتاب"),  # every "ال" becomes a space, as the MLQA regex does
        ("những cái bàn", "vi", "bàn"),
        ("北京大学", "zh", "北 京 大 学"),  # Chinese: one token per CJK character
        ("iPhone手机。", "zh", "iphone 手 机"),  # Latin runs stay whole, punctuation dropped
    ],
)
def test_mlqa_normalisation(text, lang, normalised):
    assert normalize_mlqa_answer(text, lang) == normalised


def test_mlqa_articles_differ_from_squad():
    assert squad_em_f1({"q": "Der Hund"}, {"q": ["Hund"]}, lang="de")["em"] == 100.0
    assert squad_em_f1({"q": "Der Hund"}, {"q": ["Hund"]})["em"] == 0.0  # v1.1 keeps German "der"
    assert squad_em_f1({"q": "la casa"}, {"q": ["casa"]}, lang="es")["em"] == 100.0


def test_mlqa_chinese_f1_is_character_level():
    # pred 北京 = [北, 京], gold 北京大学 = 4 characters: shared 2, P 1, R 1/2 -> F1 2/3
    out = squad_em_f1({"q": "北京"}, {"q": ["北京大学"]}, lang="zh")
    assert out["em"] == 0.0 and out["f1"] == pytest.approx(100 * 2 / 3)
    # the v1.1 script sees two different single tokens
    assert squad_em_f1({"q": "北京"}, {"q": ["北京大学"]})["f1"] == 0.0


def test_mlqa_unknown_language_is_an_input_error():
    with pytest.raises(InputError, match="'fr'"):
        squad_em_f1({"q": "x"}, {"q": ["x"]}, lang="fr")


# --- SQuAD v2 as jiant scores it -------------------------------------------------------------------------


def test_squad_v2_no_answer_and_best_threshold_sweep():
    golds = {"q1": ["Paris"], "q2": [], "q3": []}
    preds = {"q1": "Paris", "q2": "", "q3": "London"}  # right, right (no answer), wrong (should abstain)
    out = squad_v2_em_f1(preds, golds)
    assert out["em"] == pytest.approx(200 / 3) and out["f1"] == pytest.approx(200 / 3)
    # all no-answer probabilities are 0: the sweep starts at 2 (both unanswerable right), adds q1 (+1) -> 3,
    # q2 (0), q3 (-1): the best running total 3 of 3 is reported, although no threshold achieves it
    assert out["best_em"] == pytest.approx(100.0) and out["best_f1"] == pytest.approx(100.0)
    # the same predictions in another order: 2 -> q3 1 -> q2 1 -> q1 2, never above the start
    reordered = {"q3": "London", "q2": "", "q1": "Paris"}
    assert squad_v2_em_f1(reordered, golds)["best_em"] == pytest.approx(200 / 3)


def test_squad_v2_with_probabilities_picks_a_threshold():
    golds = {"q1": ["Paris"], "q2": []}
    preds = {"q1": "Paris", "q2": "Rome"}
    out = squad_v2_em_f1(preds, golds, na_probs={"q1": 0.2, "q2": 0.9})
    # start 1 (q2 abstains), q1 (p=.2) +1 -> 2 best at threshold .2; q2 (p=.9) -1 -> 1
    assert out["best_em"] == 100.0 and out["best_em_threshold"] == 0.2
    assert out["em"] == 50.0


def test_squad_v2_f1_of_empty_answers():
    # gold no-answer vs a predicted span: F1 0; vs "": 1 (the v2 rule, unlike v1.1)
    assert squad_v2_em_f1({"q": "x"}, {"q": []})["f1"] == 0.0
    assert squad_v2_em_f1({"q": ""}, {"q": []})["f1"] == 100.0


# --- seqeval (PAN-X entities, UD-POS tags) ---------------------------------------------------------------


def test_iob2_chunks_edge_cases():
    # I- after O opens an entity; a type change mid-span splits it; single tokens are entities
    assert seqeval_chunks([["O", "I-PER", "I-PER", "O"]]) == {("PER", 1, 2)}
    assert seqeval_chunks([["B-PER", "I-LOC"]]) == {("PER", 0, 0), ("LOC", 1, 1)}
    assert seqeval_chunks([["B-ORG", "O", "B-ORG", "B-ORG"]]) == {("ORG", 0, 0), ("ORG", 2, 2), ("ORG", 3, 3)}
    # sentences are joined with an "O": an I- at the start of sentence 2 does not continue sentence 1
    assert seqeval_chunks([["B-PER"], ["I-PER"]]) == {("PER", 0, 0), ("PER", 2, 2)}


def test_entity_f1_hand_computed():
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    assert entity_f1(gold, gold) == 100.0
    assert entity_f1([["O", "I-PER", "I-PER", "O"]], [["O", "B-PER", "I-PER", "O"]]) == 100.0
    # pred PER covers only its first token: gold {PER 0-1, LOC 3}, pred {PER 0-0, LOC 3}: P = R = 1/2
    assert entity_f1(gold, [["B-PER", "O", "O", "B-LOC"]]) == pytest.approx(50.0)
    assert entity_f1([["B-PER", "I-PER"]], [["B-PER", "I-LOC"]]) == 0.0
    # nothing to find and nothing found: seqeval reports 0, not 100
    assert seqeval_f1([["O", "O"]], [["O", "O"]]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    with pytest.raises(ValueError):
        entity_f1([["O", "O"]], [["O"]])


def test_pos_f1_merges_runs_of_equal_tags():
    gold = [["NOUN", "NOUN", "VERB"]]  # chunks NOUN 0-1, VERB 2
    assert seqeval_chunks(gold) == {("NOUN", 0, 1), ("VERB", 2, 2)}
    # 2 of 3 tokens right, yet no chunk matches: pred NOUN 0-0, VERB 1-2
    assert pos_f1(gold, [["NOUN", "VERB", "VERB"]]) == 0.0
    # tags starting with S (SCONJ, SYM) are single-token chunks, so they never merge
    assert seqeval_chunks([["SCONJ", "SCONJ"]]) == {("SCONJ", 0, 0), ("SCONJ", 1, 1)}


def _seqeval_1x_f1(gold, pred) -> float:
    from seqeval.metrics import f1_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return 100.0 * f1_score(gold, pred)


def test_entity_f1_agrees_with_installed_seqeval_on_random_iob2():
    pytest.importorskip("seqeval")
    rng = random.Random(0)
    tags = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
    for _ in range(200):
        lengths = [rng.randint(1, 8) for _ in range(rng.randint(1, 4))]
        gold = [[rng.choice(tags) for _ in range(n)] for n in lengths]
        pred = [[t if rng.random() < 0.7 else rng.choice(tags) for t in s] for s in gold]
        assert entity_f1(gold, pred) == pytest.approx(_seqeval_1x_f1(gold, pred))


def test_pos_f1_agrees_with_seqeval_except_where_1x_changed_tag_types():
    pytest.importorskip("seqeval")
    rng = random.Random(1)
    # seqeval 1.x takes the type of "NOUN" as "OUN"; that is a renaming except for CCONJ/SCONJ (both
    # "CONJ") and X (type "_", like O), which are left out of the random comparison
    upos = "ADJ ADP ADV AUX DET INTJ NOUN NUM PART PRON PROPN PUNCT SYM VERB".split()
    for _ in range(200):
        lengths = [rng.randint(1, 8) for _ in range(rng.randint(1, 4))]
        gold = [[rng.choice(upos) for _ in range(n)] for n in lengths]
        pred = [[t if rng.random() < 0.7 else rng.choice(upos) for t in s] for s in gold]
        assert pos_f1(gold, pred) == pytest.approx(_seqeval_1x_f1(gold, pred))
    # where they differ: seqeval 1.x credits CCONJ predicted as SCONJ; 0.0.12 (what XTREME/jiant ran) does not
    assert _seqeval_1x_f1([["CCONJ"]], [["SCONJ"]]) == 100.0
    assert pos_f1([["CCONJ"]], [["SCONJ"]]) == 0.0


# --- BUCC ---------------------------------------------------------------------------------------------------


def test_bucc_threshold_is_halfway_after_the_best_f1():
    gold = {("a", "A"), ("b", "B"), ("d", "D"), ("e", "E")}
    cands = [("a", "A", 0.9), ("b", "B", 0.8), ("c", "X", 0.7), ("d", "D", 0.6), ("e", "Y", 0.5)]
    # F1 going down the list: .4, .667, .571, .75 (3 right of 4 taken, 3 of 4 gold), .667 -> best at 0.6
    out = bucc_f1(cands, gold)
    assert out["threshold"] == pytest.approx(0.55)  # halfway between 0.6 and 0.5
    assert out["f1"] == pytest.approx(75.0) and out["precision"] == 75.0 and out["recall"] == 75.0


def test_bucc_best_at_the_last_candidate_takes_its_score():
    out = bucc_f1([("a", "A", 0.9), ("c", "X", 0.7), ("d", "D", 0.6)], {("a", "A"), ("d", "D")})
    # F1: 2/3, 1/2, 0.8 -> the last one; XTREME's code would index past the end here
    assert out["threshold"] == 0.6 and out["f1"] == pytest.approx(80.0)


def test_bucc_ties_at_the_cut_are_all_extracted():
    gold = {("a", "A"), ("c", "C")}
    cands = [("a", "A", 0.9), ("c", "C", 0.8), ("b", "X", 0.8), ("d", "Y", 0.1)]
    # the sweep peaks at F1 1.0 after (c, C); the threshold (0.8 + 0.8) / 2 also lets (b, X) in:
    # P 2/3, R 1 -> the reported F1 is 0.8, below the sweep's best, exactly as XTREME reports it
    out = bucc_f1(cands, gold)
    assert out["threshold"] == pytest.approx(0.8)
    assert out["f1"] == pytest.approx(80.0) and out["recall"] == 100.0


def test_bucc_duplicates_fixed_threshold_and_no_hit():
    gold = {("a", "A")}
    # a duplicate keeps its highest score
    assert bucc_f1([("a", "A", 0.1), ("a", "A", 0.9)], gold, threshold=0.5)["f1"] == 100.0
    assert bucc_f1([("a", "A", 0.4)], gold, threshold=0.5)["f1"] == 0.0
    out = bucc_f1([("b", "B", 2.0)], gold)  # nothing right: threshold stays 0, F1 0
    assert out == {"f1": 0.0, "precision": 0.0, "recall": 0.0, "threshold": 0.0}
    with pytest.raises(ValueError):
        bucc_f1([("a", "A", 1.0)], set())


def test_bucc_mining_ratio_margin_by_hand():
    np = pytest.importorskip("numpy")
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([[1.0, 0.0], [0.6, 0.8]])
    # cos: x0y0 1, x0y1 .6, x1y0 0, x1y1 .8. Mean of the 2 nearest: x0 .8, x1 .4, y0 .5, y1 .7
    # x0->y0: 1 / ((.8 + .5) / 2) = 1.5385; x1->y1: .8 / ((.4 + .7) / 2) = 1.4545
    got = bucc_mine_candidates(x, y, ["s0", "s1"], ["t0", "t1"], k=2)
    assert [(s, t) for s, t, _ in got] == [("s0", "t0"), ("s1", "t1")]
    assert [score for *_, score in got] == pytest.approx([1 / 0.65, 0.8 / 0.55], rel=1e-5)


def test_bucc_mining_recovers_noisy_translations_and_drops_repeated_sentences():
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    n, extra, dim = 30, 40, 32
    src = rng.normal(size=(n + extra, dim))
    tgt = np.concatenate([src[:n] + 0.3 * rng.normal(size=(n, dim)), rng.normal(size=(extra, dim))])
    src_ids = [f"zh-{i}" for i in range(len(src))]
    tgt_ids = [f"en-{i}" for i in range(len(tgt))]
    gold = {(f"zh-{i}", f"en-{i}") for i in range(n)}
    result = bucc_f1(bucc_mine_candidates(src, tgt, src_ids, tgt_ids), gold)
    assert result["f1"] > 90.0
    # sentence 0 occurs twice on the source side: it is mined once and gets no id, so its pair is gone
    texts = [f"s{i}" for i in range(len(src))]
    texts[1] = "s0"
    src[1] = src[0]
    cands = bucc_mine_candidates(src, tgt, src_ids, tgt_ids, src_texts=texts)
    assert not any(s in ("zh-0", "zh-1") for s, _, _ in cands)


# --- Tatoeba ------------------------------------------------------------------------------------------------


def test_tatoeba_accuracy_by_hand():
    np = pytest.importorskip("numpy")
    src = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    eng = np.array([[0.9, 0.1], [0.1, 0.9], [0.0, 1.0]])
    # eng0 -> src0 right; eng1 -> src1 right; eng2 = (0, 1) is closest to src1 (cos 1 vs .71): wrong
    assert tatoeba_accuracy(src, eng) == pytest.approx(200 / 3)
    # scale does not matter (cosine), and a tie goes to the lower index
    assert tatoeba_accuracy(3 * src, eng) == pytest.approx(200 / 3)
    assert tatoeba_accuracy(np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([[1.0, 0.0], [1.0, 0.0]])) == 50.0
    with pytest.raises(ValueError):
        tatoeba_accuracy(src, eng[:2])


# --- per-task number and XTREME score -------------------------------------------------------------------------


def test_task_score_qa_is_mean_of_em_and_f1():
    metrics = {"en": {"em": 60.0, "f1": 80.0}, "de": {"exact_match": 50.0, "f1": 70.0}}
    assert task_score("xquad", metrics) == pytest.approx((55.0 + 75.0) / 2)
    assert task_score("xnli", {"en": {"accuracy": 80.0}, "de": {"accuracy": 70.0}}) == 75.0
    assert task_score("panx", {"en": {"f1": 80.0, "precision": 1.0}}) == 80.0


def test_task_score_errors_name_what_is_missing():
    with pytest.raises(InputError, match="unknown XTREME task"):
        task_score("squad", {"en": {"f1": 1.0}})
    with pytest.raises(InputError, match="'de' has no 'accuracy'"):
        task_score("xnli", {"en": {"accuracy": 1.0}, "de": {"f1": 1.0}})
    with pytest.raises(InputError, match="missing here: en, es"):
        task_score("pawsx", {lang: {"accuracy": 1.0} for lang in "de fr ja ko zh".split()},
                   require_all_languages=True)


def test_xtreme_score_is_the_mean_of_nine_tasks():
    tasks = ["xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa", "bucc2018", "tatoeba"]
    assert xtreme_score({t: float(i) for i, t in enumerate(tasks)}) == pytest.approx(4.0)
    with pytest.raises(InputError, match="bucc2018"):
        xtreme_score({t: 1.0 for t in tasks if t != "bucc2018"})
