"""Polarity edges: every word guarded against "at" ("at best", "at worst", "at once", "at least", "at most")
holds across any run of whitespace, and a plural possessive reads as a determiner for most/least."""

from __future__ import annotations

import pytest

UP, DOWN, STANDING = "up", "down", "standing"  # polarity's outcomes and dimension, spelled here


@pytest.mark.parametrize("text", [
    "XLNet performs at  best on par with BERT.",
    "XLNet performs at\n  best on par with BERT.",
    "XLNet performs at\r\nworst on par with BERT.",
    "XLNet is at\t\tweakest on XNLI.",
    "XLNet is at  lowest level on par with BERT.",
    "XLNet reaches at  highest 80 points on XNLI.",
    "XLNet is at  top-performing level on XNLI.",
    "XLNet is at  most useful of all.",
    "XLNet is at \n least helpful of the three models.",
])  # fmt: skip
def test_at_best_and_its_kin_with_a_run_of_whitespace_rank_nothing(text):
    from claimcheck.audit.polarity import read

    assert not [x for x in read(text).mentions if x.dimension == STANDING]


@pytest.mark.parametrize("text", ["XLNet, at  once state-of-the-art and cheap, is our pick.",
                                  "XLNet, at\n once state-of-the-art and cheap, is our pick."])
def test_at_once_with_a_run_of_whitespace_is_no_past_standing(text):
    from claimcheck.audit.polarity import read

    # "at once" is "both at one time": the standing is the subject's now, as with one space
    single = read("XLNet, at once state-of-the-art and cheap, is our pick.")
    assert [(x.dimension, set(x.reading)) for x in single.mentions] == [(STANDING, {UP})]
    assert [(x.dimension, set(x.reading)) for x in read(text).mentions] == [(STANDING, {UP})]


def test_once_alone_is_still_a_past_standing():
    from claimcheck.audit.polarity import read

    assert not [x for x in read("XLNet, once state-of-the-art, is our pick.").mentions if x.dimension == STANDING]


@pytest.mark.parametrize("text", ["XLNet performs the  best on XNLI.", "XLNet is the\nbest model on XNLI."])
def test_a_superlative_after_the_and_a_run_of_whitespace_still_ranks(text):
    from claimcheck.audit.polarity import ranks

    assert "xlnet" in ranks(text)


@pytest.mark.parametrize("text", ["MNLI is the models’ least useful intermediate task.",
                                  "MNLI is the tasks'  least\nuseful intermediate task."])
def test_a_plural_possessive_least_useful_is_read_against_the_most_useful(text):
    from claimcheck.audit.polarity import compare

    assert compare(text, "MNLI is the most useful intermediate task.").reason


def test_the_thing_a_plural_possessor_owns_is_still_ranked():
    from claimcheck.audit.polarity import ranks

    assert "mnli" in ranks("Transformers’ most useful intermediate task is MNLI.")
    assert "xnli" in ranks("The RoBERTa runs' best score is on XNLI.")
