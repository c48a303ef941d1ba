"""Directions a row states against its claim's (``audit.polarity``): "hurts" against "gains",
"worst" against "best", "underperforms" against "outperforms" may state the opposite; a negated
antonym ("fails to hurt"), "unchanged" for "gains nothing" and a quantified comparison ("neither A nor
B beats C") do not."""

from __future__ import annotations

import pytest

from audit_fixtures import PAPER_HEAD, audit_row, best_single_claim, retrieval_claim, toy_registry

UP, FLAT, DOWN = "up", "flat", "down"  # polarity's outcomes and dimensions, spelled here so the module
CHANGE, STANDING = "change", "standing"  # collects on code without it (its audit tests then fail, not error)

POLARITY_YAML = PAPER_HEAD + """claims:
  - id: 2005.13013/tydiqa-xnli
    statement: "TyDiQA-GoldP improves with many intermediate tasks, while XNLI gains nothing from intermediate training."
    kind: effect
    version: v2
    location: {section: Abstract}
    derivation: {name: unavailable_source}
    key_terms: [TyDiQA, XNLI, benefit]
""" + retrieval_claim("sentence") + """  - id: 2005.13013/multitask
    statement: "Training on all nine intermediate tasks at once (multi-task) does best, improving on XLM-R Large by 8.7 points: a small step above the best single task."
    kind: comparison
    version: v2
    location: {section: Results}
    reported: ["8.7"]
    derivation: {name: unavailable_source}
    key_terms: [multi-task, all, nine, "9", best]
  - id: 2005.13013/english-best
    statement: "Plain English intermediate-task training outperforms both more complex alternatives: continuing multilingual MLM during intermediate training, and intermediate training on machine-translated data."
    kind: comparison
    version: v2
    location: {section: Abstract}
    derivation: {name: unavailable_source}
    key_terms: [MLM, translated, alternatives, English, outperforms]
""" + best_single_claim() + """  - id: 2005.13013/xlnet-worst
    statement: "XLNet performs worst of the three models in every experiment."
    kind: comparison
    version: v2
    location: {section: Results}
    derivation: {name: unavailable_source}
    key_terms: [XLNet, worst, consistently]
"""


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    return toy_registry(tmp_path_factory.mktemp("polarity"), POLARITY_YAML)


def opposite(registry, text: str, claim: str):
    """The row's audit and its "may state the opposite" findings; the row must match ``claim``."""
    card = audit_row(registry, text)
    row = card.rows[0]
    assert row.claim_id == f"2005.13013/{claim}", (row.claim_id, row.best)
    return row, [f for f in card.findings if f.code == "negation_mismatch"]


# ------------------------------------------------------------------------------ what a text reads


@pytest.mark.parametrize(("text", "name", "dimension", "reading"), [
    ("Intermediate training does not hurt XNLI.", "xnli", CHANGE, {FLAT, UP}),
    ("Intermediate training fails to hurt XNLI at all.", "xnli", CHANGE, {FLAT, UP}),
    ("XNLI does not improve after intermediate training.", "xnli", CHANGE, {FLAT, DOWN}),
    ("XNLI gains nothing from intermediate training.", "xnli", CHANGE, {FLAT, DOWN}),
    ("XNLI stays unchanged under intermediate training.", "xnli", CHANGE, {FLAT}),
    ("XNLI is unaffected by intermediate training.", "xnli", CHANGE, {FLAT}),
    ("Intermediate training brings small gains on XNLI.", "xnli", CHANGE, {UP, FLAT}),
    ("Intermediate training hurts XNLI badly.", "xnli", CHANGE, {DOWN}),
    ("RoBERTa outperforms XLNet in every experiment.", "roberta", STANDING, {UP}),
    ("RoBERTa outperforms XLNet in every experiment.", "xlnet", STANDING, {DOWN}),
    ("XLNet is outperformed by RoBERTa in every experiment.", "xlnet", STANDING, {DOWN}),
    ("XLNet is outperformed by RoBERTa in every experiment.", "roberta", STANDING, {UP}),
    ("Neither MLM nor translated data beats English training here.", "mlm", STANDING, {FLAT, DOWN}),
    ("Neither MLM nor translated data beats English training here.", "english", STANDING, {FLAT, UP}),
    ("XLNet was consistently the best model of the three.", "xlnet", STANDING, {UP}),
    ("XLNet performs no worse than BERT on every task.", "xlnet", STANDING, {FLAT, UP}),
    ("English training is better than MLM and better than translated data.", "mlm", STANDING, {DOWN}),
    ("The best model per target gives a 5.4 point improvement on XTREME, lowering the gap to humans.", "xtreme", CHANGE, {UP}),
    # a comparison with the starting point is a change, not a rank among others
    ("XNLI is no better than the baseline after intermediate training.", "xnli", CHANGE, {FLAT, DOWN}),
    ("XNLI does better than the baseline after intermediate training.", "xnli", CHANGE, {UP}),
    ("XNLI scores lower than without intermediate training.", "xnli", CHANGE, {DOWN}),
    # a diminisher said of the word adds "flat", however far its copula stands; a denied one stresses it
    ("The gains on BUCC and XNLI are small.", "xnli", CHANGE, {UP, FLAT}),
    ("The gains on BUCC and XNLI are not small.", "xnli", CHANGE, {UP}),
    ("XNLI gains are not negligible.", "xnli", CHANGE, {UP}),
    # a superlative of the outcome its subject gives is said of the subject
    ("RoBERTa achieves the highest scores on every target.", "roberta", STANDING, {UP}),
    ("On every target, XLNet gives the worst results.", "xlnet", STANDING, {DOWN}),
    # turning worse or better is a change; with "than" after it, still a comparison
    ("BUCC and Tatoeba get worse after intermediate training.", "bucc", CHANGE, {DOWN}),
    ("BUCC and Tatoeba gets worse after intermediate training.", "tatoeba", CHANGE, {DOWN}),
    ("BUCC got much worse after intermediate training.", "bucc", CHANGE, {DOWN}),
    ("XNLI becomes worse with intermediate training.", "xnli", CHANGE, {DOWN}),
    ("XNLI gets better with intermediate training.", "xnli", CHANGE, {UP}),
    ("XNLI does not get worse with intermediate training.", "xnli", CHANGE, {FLAT, UP}),
    ("XLNet gets worse than BERT on every task.", "xlnet", STANDING, {DOWN}),
    ("XLNet became better than BERT on every task.", "bert", STANDING, {DOWN}),
    # "state-of-the-art" and "below-average" rank as superlatives do, where one would count
    ("XLM-R Large achieves state-of-the-art performance on many zero-shot tasks.", "xlmrlarge", STANDING, {UP}),
    ("XLM-R Large achieves below-average performance on many zero-shot tasks.", "xlmrlarge", STANDING, {DOWN}),
    ("On many zero-shot tasks XLM-R Large is state of the art.", "xlmrlarge", STANDING, {UP}),
    ("On many zero-shot tasks XLM-R Large was below average.", "xlmrlarge", STANDING, {DOWN}),
    # a standing the subject had, or has in spite of what the text says: not read
    ("XLNet, once state-of-the-art, performs worst of the three models.", "xlnet", STANDING, {DOWN}),
    ("XLNet, despite being the best model in 2019, performs worst of the three models.", "xlnet", STANDING, {DOWN}),
    ("XLNet, despite being a state-of-the-art model when it was released, performs worst here.", "xlnet", STANDING, {DOWN}),
    ("XLNet is at once the strongest model and the hardest to train.", "xlnet", STANDING, {UP}),  # "at once": both now
    # a superlative spelt with "most" or "least"
    ("HellaSwag is the least effective intermediate task.", "hellaswag", STANDING, {DOWN}),
    ("Of the nine intermediate tasks, MNLI is the most helpful.", "mnli", STANDING, {UP}),
    ("XLNet is most effective of the three models in every experiment.", "xlnet", STANDING, {UP}),
    ("SQuAD is least useful of all intermediate tasks.", "squad", STANDING, {DOWN}),
    # a change verb whose degree ranks its subject: a standing, and the verb's own change
    ("SQuAD and MNLI are the intermediate tasks that improve most on plain XLM-R.", "mnli", STANDING, {UP}),
    ("SQuAD and MNLI are the intermediate tasks that improve most on plain XLM-R.", "mnli", CHANGE, {UP}),
    ("MNLI helps the least of the nine intermediate tasks.", "mnli", STANDING, {DOWN}),
    ("MNLI helps the least of the nine intermediate tasks.", "mnli", CHANGE, {UP}),
    ("XNLI drops most after intermediate training.", "xnli", STANDING, {DOWN}),
    ("XNLI drops most after intermediate training.", "xnli", CHANGE, {DOWN}),
    ("HellaSwag gains most of all.", "hellaswag", STANDING, {UP}),
    ("HellaSwag does not improve most.", "hellaswag", STANDING, {FLAT, DOWN}),
])  # fmt: skip

def test_what_a_name_is_read_to_do(text, name, dimension, reading):
    from claimcheck.audit.polarity import read

    (_, dims), = [v for k, v in read(text).names.items() if k == name]
    assert dims[dimension][0] == frozenset(reading)


@pytest.mark.parametrize("text", ["XLNet is at least helpful.", "MNLI is at least useful for XNLI.",
                                  "XLNet is at most effective on one target.", "BERT does well on most useful benchmarks.",
                                  "XLNet is at most useful of all.",
                                  # "most" of a noun phrase is the majority, not a degree of the verb
                                  "MNLI improves most targets.", "MNLI improves most of the nine targets.",
                                  "MNLI improves at most two targets."])
def test_at_least_at_most_and_most_as_the_majority_rank_nothing(text):
    from claimcheck.audit.polarity import read

    assert not [x for x in read(text).mentions if x.dimension == STANDING]


@pytest.mark.parametrize("text", ["XLNet gets worse than BERT on every task.", "XLNet became better than BERT on every task."])
def test_turning_worse_than_a_name_is_a_comparison_not_a_change(text):
    from claimcheck.audit.polarity import read

    assert [(x.dimension, x.relational) for x in read(text).mentions] == [(STANDING, True)]


@pytest.mark.parametrize(("text", "name"), [
    ("XLNet performed worst among BERT, RoBERTa and XLNet.", "bert"),  # what it is ranked among
    ("Translated data gives the worst results, behind English intermediate training.", "english"),  # past a comma: not its subject
])  # fmt: skip
def test_names_after_a_superlative_that_are_not_its_subject(text, name):
    from claimcheck.audit.polarity import read

    assert STANDING not in read(text).names.get(name, ("", {}))[1]


@pytest.mark.parametrize(("text", "truncated"), [
    ("Even the best single task improves XNLI", False),  # a superlative that describes a noun says nothing of XNLI's rank
    ("Gains are modest at best on XNLI today", False),  # "at best" bounds
    ("Intermediate training on XNLI improves on the best results so far", False),  # not the outcome XNLI gives
    ("Intermediate training on XNLI gains", True),  # cut off right after the word: "gains nothing" may have followed
    ("State-of-the-art models such as XLM-R improve XNLI", False),  # describes a noun
])  # fmt: skip
def test_no_standing_is_read_from_these(text, truncated):
    from claimcheck.audit.polarity import read

    assert STANDING not in read(text, truncated).names.get("xnli", ("", {}))[1]
    if truncated:
        assert not read(text, truncated).names


def test_agreeing_directions_blank_the_negations_they_read():
    from claimcheck.audit.polarity import compare

    judged = compare("XNLI stays unchanged, whereas TyDiQA improves.", "TyDiQA improves, while XNLI gains nothing from it.")
    assert judged.reason == "" and "nothing" not in judged.statement and judged.statement.startswith("TyDiQA improves")


# ------------------------------------------------------------------------------ the audit

@pytest.mark.parametrize(("text", "claim", "shown"), [
    ("Intermediate-task training hurts BUCC and Tatoeba, the two sentence retrieval target tasks.", "retrieval",
     'the row says BUCC and Tatoeba lose ("hurts"), the claim that they gain ("gains")'),
    ("BUCC and Tatoeba drop after intermediate training, the two sentence retrieval target tasks.", "retrieval", '("drop")'),
    ("Intermediate training degrades performance on BUCC and Tatoeba, the two sentence retrieval tasks.", "retrieval", '("degrades")'),
    ("Multi-task intermediate-task training on all 9 tasks performs worst, improving by 8.7 points.", "multitask",
     'the row reads "worst" (behind the others) where the claim reads "best" (ahead of the others)'),
    ("Multi-task training on all 9 tasks is the weakest setting, improving by 8.7 points.", "multitask", '"weakest"'),
    ("Multi-task training on all 9 tasks gives the worst results, improving by 8.7 points.", "multitask", '"worst" (behind the others)'),
    ("XLNet was consistently the best performing model in all of our experiments.", "xlnet-worst",
     'the row says XLNet comes out ahead ("best"), the claim that it comes out behind ("worst")'),
    ("XLNet was never the worst model in our experiments.", "xlnet-worst", 'the row negates ("never the worst")'),
    ("Training on English intermediate tasks underperforms the alternatives of continuing multilingual MLM and using translated data.",
     "english-best", '("underperforms")'),
    ("Training on English intermediate tasks is worse than continuing multilingual MLM and using translated data.", "english-best",
     '("worse than")'),
    ("BUCC and Tatoeba get worse after intermediate training.", "retrieval",
     'the row says BUCC and Tatoeba lose ("get worse"), the claim that they gain ("gains")'),
    ("BUCC and Tatoeba became worse after intermediate training.", "retrieval", '("became worse")'),
    ("SQuAD, MNLI and HellaSwag are the worst intermediate tasks, with gains of 8.2, 7.5 and 7.0 points.", "best-single",
     'the row says SQuAD, MNLI and HellaSwag come out behind ("worst"), the claim that they come out ahead ("improve most")'),
    ("SQuAD, MNLI and HellaSwag improve least among the intermediate tasks, by 8.2, 7.5 and 7.0 points.", "best-single",
     '("improve least")'),
])  # fmt: skip
def test_a_row_with_the_opposite_direction_may_state_the_opposite(registry, text, claim, shown):
    """Antonyms and direction words, not only negation words, turn a claim round; a warning (a
    heuristic on English), like a negation mismatch."""
    row, findings = opposite(registry, text, claim)
    assert row.contradicts and [f.severity for f in findings] == ["warning"]
    assert shown in findings[0].message and "may state the opposite" in findings[0].message


@pytest.mark.parametrize(("text", "claim"), [
    # negated antonyms and a flat reading agree with the claim's direction
    ("Intermediate-task training fails to hurt BUCC and Tatoeba, the two sentence retrieval target tasks.", "retrieval"),
    ("Intermediate training does not hurt BUCC and Tatoeba, the two sentence retrieval targets; both gain.", "retrieval"),
    ("Intermediate training never degrades BUCC or Tatoeba; both sentence retrieval targets gain a lot.", "retrieval"),
    ("Intermediate training hurts no sentence retrieval target: BUCC and Tatoeba both improve.", "retrieval"),
    ("Neither BUCC nor Tatoeba is hurt by intermediate training; both sentence retrieval targets gain.", "retrieval"),
    ("XNLI performance stays unchanged under intermediate-task training, whereas TyDiQA improves with many intermediate tasks.",
     "tydiqa-xnli"),
    ("XNLI gains are negligible under intermediate training, whereas TyDiQA improves with many intermediate tasks.", "tydiqa-xnli"),
    ("Gains are modest at best on XNLI, whereas TyDiQA improves with many intermediate tasks.", "tydiqa-xnli"),
    # a comparison a quantifier negates restates the claim's order, however long its subject
    ("Neither continuing multilingual MLM during intermediate-task training nor using machine-translated intermediate-task data "
     "beats training on English intermediate tasks.", "english-best"),
    ("Neither alternative, continued multilingual MLM or translated intermediate data, outperforms English intermediate-task training.",
     "english-best"),
    ("English intermediate-task training is not outperformed by continued multilingual MLM or by translated data.", "english-best"),
    ("XLNet never performs best; it is the worst model in every experiment.", "xlnet-worst"),
    # "no better than the baseline" is no gain; "not small" gains are large ones
    ("XNLI performance is no better than the baseline after intermediate training, whereas TyDiQA improves with many tasks.",
     "tydiqa-xnli"),
    ("The gains on BUCC and Tatoeba are not small: intermediate training helps sentence retrieval a lot.", "retrieval"),
])  # fmt: skip
def test_a_row_flagged_for_a_negation_its_direction_accounts_for_is_not(registry, text, claim):
    """The negation heuristic alone flagged these rows; read with its direction word, each negation
    says what the claim says."""
    row, findings = opposite(registry, text, claim)
    assert not row.negation_mismatch and not findings


@pytest.mark.parametrize(("text", "claim"), [
    ("The sentence retrieval tasks BUCC and Tatoeba are improved substantially by intermediate training.", "retrieval"),
    ("Intermediate training not only helps BUCC but also Tatoeba, the two sentence retrieval targets.", "retrieval"),
    ("Gains from intermediate training are largest on BUCC and Tatoeba, the two sentence retrieval tasks.", "retrieval"),
    ("TyDiQA benefits from many intermediate tasks, while XNLI is not helped by intermediate training.", "tydiqa-xnli"),
    ("Intermediate training does not improve XNLI, but it does improve TyDiQA with many intermediate tasks.", "tydiqa-xnli"),
    ("Unlike XNLI, which sees no benefit from intermediate training, TyDiQA improves with many intermediate tasks.", "tydiqa-xnli"),
    ("Multi-task training on all nine tasks does best, even the worst single task helps, and the gain is 8.7 points.", "multitask"),
    ("No single intermediate task beats multi-task training on all 9 tasks, which improves by 8.7 points.", "multitask"),
    ("Multi-task intermediate training on all 9 tasks performs no worse than any single task and improves by 8.7 points.", "multitask"),
    ("Plain English intermediate training outperforms both continued multilingual MLM and machine-translated intermediate data.",
     "english-best"),
    ("English intermediate-task training yields higher scores than continuing multilingual MLM or using translated data.",
     "english-best"),
    ("Continuing multilingual MLM during intermediate training trails plain English intermediate-task training, as does using "
     "translated data.", "english-best"),
    ("English intermediate training is better than continuing multilingual MLM and better than using translated data.", "english-best"),
    ("XLNet performed worst among BERT, RoBERTa and XLNet in every experiment.", "xlnet-worst"),
    ("XLNet, once state-of-the-art, performs worst of the three models in every experiment.", "xlnet-worst"),
    ("Multi-task training on all 9 tasks gives the best results, improving by 8.7 points.", "multitask"),
    ("Machine-translated intermediate data gives the worst results, behind English intermediate training and continued "
     "multilingual MLM.", "english-best"),
    ("SQuAD, MNLI and HellaSwag are the best single intermediate tasks, by 8.2, 7.5 and 7.0 points.", "best-single"),
    ("SQuAD, MNLI and HellaSwag help most of all intermediate tasks, by 8.2, 7.5 and 7.0 points.", "best-single"),
    ("SQuAD, MNLI and HellaSwag improve most of the nine targets, by 8.2, 7.5 and 7.0 points.", "best-single"),
])  # fmt: skip
def test_a_row_that_says_what_its_claim_says_is_not_flagged(registry, text, claim):
    """Synonyms, the passive, "not only ... but also", a comparison in its right order, a superlative
    that describes a noun ("the worst single task"), a subject a quantifier negates."""
    row, findings = opposite(registry, text, claim)
    assert not row.negation_mismatch and not findings


# ------------------------------------------------------------------------------ roles

@pytest.mark.parametrize(("text", "claim", "shown"), [
    ("XNLI shows consistent improvements with many intermediate tasks, whereas TyDiQA does not see benefits from intermediate training.",
     "tydiqa-xnli", 'roles swapped: the row says XNLI gains ("improvements") and TyDiQA does not gain ("not see benefits"); '
                    'the claim says the reverse: XNLI does not gain ("gains nothing") and TyDiQA gains ("improves")'),
    ("TyDiQA does not benefit from intermediate training, while XNLI improves with many intermediate tasks.", "tydiqa-xnli",
     "roles swapped: the row says TyDiQA does not gain"),
    ("XNLI improves with many intermediate tasks; TyDiQA gains nothing from intermediate training.", "tydiqa-xnli",
     "roles swapped: the row says XNLI gains"),
    ("TyDiQA performance is no better than the baseline after intermediate training, whereas XNLI improves with many tasks.",
     "tydiqa-xnli", 'roles swapped: the row says TyDiQA does not gain ("no better than") and XNLI gains ("improves")'),
    ("Training on English intermediate tasks underperforms the alternatives of continuing multilingual MLM and using translated data.",
     "english-best", 'roles swapped: the row ranks English behind MLM ("underperforms"), the claim English ahead of MLM ("outperforms")'),
    ("Continuing multilingual MLM and using translated data both outperform English intermediate-task training.", "english-best",
     'roles swapped: the row ranks MLM ahead of English ("outperform")'),
    ("Plain English intermediate training is outperformed by continued multilingual MLM and machine-translated data.", "english-best",
     'roles swapped: the row ranks English behind MLM ("outperformed")'),
])  # fmt: skip
def test_names_that_trade_readings_are_a_swap_of_roles(registry, text, claim, shown):
    """Each clause's names keep their own readings ("A improves, whereas B does not"); a row that
    gives each name the other's reading, or turns a comparison round, swaps the claim's roles."""
    row, findings = opposite(registry, text, claim)
    assert [f.severity for f in findings] == ["warning"] and shown in row.negation_mismatch


@pytest.mark.parametrize(("text", "claim", "shown"), [
    # one name wrong, the other right: a reversal, not a swap
    ("Both TyDiQA and XNLI gain nothing from intermediate training.", "tydiqa-xnli", 'the row says TyDiQA does not gain ("gain nothing")'),
    # a comparison denied, not turned round
    ("Plain English intermediate training does not outperform continued multilingual MLM or translated data.", "english-best",
     'the row negates ("not outperform")'),
])  # fmt: skip
def test_a_reversal_that_is_no_swap_is_not_called_one(registry, text, claim, shown):
    row, findings = opposite(registry, text, claim)
    assert findings and shown in row.negation_mismatch and "roles swapped" not in row.negation_mismatch


@pytest.mark.parametrize(("text", "statement", "flagged"), [
    # the claim's "without" denies what the row's "does not help" denies
    ("Intermediate training does not help on most tasks: fine-tuning directly on target data gives better results.",
     "For most tasks, fine-tuning directly on the target data, without the intermediate step, can give better results than "
     "intermediate training first.", False),
    ("Intermediate training does not help on most tasks.", "For most tasks, intermediate training first gives better results.", True),
])  # fmt: skip
def test_a_without_in_an_aside_answers_the_other_sides_negation(text, statement, flagged):
    from claimcheck.audit.engine import opposite_reason

    assert bool(opposite_reason(text, statement)) is flagged


def test_below_average_against_the_strongest_model_may_state_the_opposite():
    from claimcheck.claims.registry import load_registry

    bundled = load_registry([])
    row = "The pretrained XLM-R Large model achieves {} performance on many zero-shot cross-lingual transfer tasks."
    flagged = audit_row(bundled, row.format("below-average")).rows[0]
    assert flagged.claim_id == "2005.13013/background-xlmr-sota"
    assert '"below-average"' in flagged.negation_mismatch and flagged.contradicts
    as_written = audit_row(bundled, row.format("state-of-the-art")).rows[0]
    assert as_written.claim_id == "2005.13013/background-xlmr-sota" and not as_written.negation_mismatch


@pytest.mark.parametrize(("text", "denied", "read_up"), [
    ("RoBERTa and BERT, not XLNet, perform best and alike.", "xlnet", {"roberta", "bert"}),
    ("Plain English intermediate-task training, not continued multilingual MLM, gives the best results.", "mlm", {"english"}),
    ("BUCC, not Tatoeba, gains the most from intermediate training.", "tatoeba", {"bucc"}),  # not the most: its gain stands
])  # fmt: skip
def test_a_name_in_a_contrast_aside_gets_the_main_clauses_reading_denied(text, denied, read_up):
    from claimcheck.audit.polarity import read

    names = read(text).names
    assert names[denied][1][STANDING][0] == frozenset({DOWN, FLAT})  # not best
    assert CHANGE not in names[denied][1]  # a denial says nothing of whether it changed
    assert read_up <= {k for k, (_, dims) in names.items() if dims.get(STANDING, (frozenset(),))[0] == frozenset({UP})}


@pytest.mark.parametrize(("claim", "text", "opposite"), [
    ("2210.01091/xlnet-worst", "RoBERTa and BERT, not XLNet, perform best of the three models in every experiment.", False),  # not best
    ("2210.01091/xlnet-worst", "RoBERTa, not XLNet, performs worst of the three models in every experiment.", True),
    # denied twice ("not XLNet ... does not perform best"): read as nothing, so the negation check still speaks
    ("2210.01091/xlnet-worst", "BERT, not XLNet, fails to perform best.", True),
    ("2210.01091/xlnet-worst", "RoBERTa, not XLNet, does not perform best.", True),
    # the aside may deny a degree, not the direction
    ("2005.13013/retrieval-gains", "BUCC, not Tatoeba, gains the most from intermediate training.", False),
    ("2005.13013/retrieval-gains", "BUCC, not Tatoeba, improves by more than 10 points after intermediate training.", False),
    ("2005.13013/retrieval-gains", "Intermediate training brings large gains on BUCC, not Tatoeba, on every language.", True),
    ("2005.13013/retrieval-gains", "XNLI, not BUCC and Tatoeba, gains from intermediate training.", True),
])  # fmt: skip
def test_a_denial_in_a_contrast_aside_is_read_against_the_claim(claim, text, opposite):
    from claimcheck.claims.registry import load_registry
    from claimcheck.audit.negation import statement_negation_conflict
    from claimcheck.audit.polarity import compare

    judged = compare(text, load_registry([]).claims[claim].statement)
    # as the audit reads a row: the polarity's reason, else the negation check on what polarity left
    assert bool(judged.reason or statement_negation_conflict(judged.row_text, judged.statement)) is opposite


@pytest.mark.parametrize(("text", "asides"), [
    ("Multi-task training, not the best single task, does best.", ["the best single task"]),
    ("Multi-task training, but not HellaSwag, does best, and not XNLI.", ["HellaSwag"]),  # the second ends the sentence
    ("However, not all retrieval targets gain, with Tatoeba dropping.", []),  # it opens the main clause
    ("On the retrieval targets, not every task brings gains, even for BUCC.", []),
    ("BERT, not XLNet, but RoBERTa does best.", []),  # "not X, but Y"
    ("The targets, not one of which gains, stay flat.", []),  # it holds a verb
    ("Fine-tuned from MNLI, not SQuAD, XLNet performs best.", []),  # the main clause's subject comes after it
])  # fmt: skip
def test_contrast_asides_are_not_phrases_between_commas_after_the_subject(text, asides):
    from claimcheck.audit.contrast_asides import contrast_asides

    assert [a.what for a in contrast_asides(text)] == asides


@pytest.mark.parametrize(("text", "name", "reading"), [
    # after a possessive or "its"/"their"/"our", as after "the"
    ("MNLI is BERT's most useful intermediate task.", "mnli", {UP}),
    ("MNLI is RoBERTa’s least helpful intermediate task.", "mnli", {DOWN}),
    ("XLM-R's most effective intermediate task is MNLI.", "mnli", {UP}),
    ("Of the nine intermediate tasks, MNLI is its most effective.", "mnli", {UP}),
    ("HellaSwag is their least beneficial intermediate task.", "hellaswag", {DOWN}),
    ("MNLI is our most successful intermediate task.", "mnli", {UP}),
    # any run of whitespace after the determiner (a claim file's statement is read as written)
    ("MNLI is the  most useful intermediate task.", "mnli", {UP}),
    ("HellaSwag is the\n  least effective intermediate task.", "hellaswag", {DOWN}),
    ("MNLI is the\r\nmost helpful intermediate task.", "mnli", {UP}),
    ("MNLI is BERT's\tmost useful intermediate task.", "mnli", {UP}),
    # a plural possessive reads as a determiner too
    ("MNLI is the models’ most useful intermediate task.", "mnli", {UP}),
    ("MNLI is the tasks' least useful intermediate task.", "mnli", {DOWN}),
    ("The models’ most effective intermediate task is MNLI.", "mnli", {UP}),
    ("HellaSwag is the runs’\nleast helpful intermediate task.", "hellaswag", {DOWN}),
])  # fmt: skip
def test_a_superlative_with_most_or_least_after_a_possessive_or_a_run_of_whitespace(text, name, reading):
    from claimcheck.audit.polarity import read

    (_, dims), = [v for k, v in read(text).names.items() if k == name]
    assert dims[STANDING][0] == frozenset(reading)


@pytest.mark.parametrize(("text", "owner"), [
    ("BERT's most useful intermediate task is MNLI.", "bert"),
    ("MNLI is RoBERTa’s most helpful intermediate task.", "roberta"),
    ("RoBERTa's best score is on XNLI.", "roberta"),
    # plural possessors, and a name before a possessive noun
    ("Transformers’ most useful intermediate task is MNLI.", "transformers"),
    ("MNLI is the Transformers' best source task.", "transformers"),
    ("The XLNet models’ most useful intermediate task is MNLI.", "xlnet"),
    ("The RoBERTa runs' best score is on XNLI.", "roberta"),
    ("The RoBERTa run's best score is on XNLI.", "roberta"),
])  # fmt: skip
def test_the_name_that_owns_what_a_superlative_ranks_is_not_ranked(text, owner):
    from claimcheck.audit.polarity import ranks

    assert owner not in ranks(text)


@pytest.mark.parametrize("text", ["XLNet is at  most useful of all.", "XLNet is at\nleast helpful of the three models.",
                                  "MNLI is at  least useful for XNLI.", "BERT does well on  most useful benchmarks.",
                                  "MNLI, it's most useful for XNLI.", "That’s most helpful for XNLI."])
def test_at_most_with_a_run_of_whitespace_and_it_is_most_rank_nothing(text):
    from claimcheck.audit.polarity import read

    assert not [x for x in read(text).mentions if x.dimension == STANDING]


def test_the_word_after_a_most_that_is_no_superlative_is_still_read():
    from claimcheck.audit.polarity import read

    # "most helpful" after "it's" is no superlative; "helpful" still says MNLI helps
    assert [(x.dimension, set(x.reading)) for x in read("MNLI, it's most helpful for XNLI.").mentions] == [(CHANGE, {UP})]


@pytest.mark.parametrize("text", ["MNLI is BERT's least useful intermediate task.", "MNLI is the  least useful intermediate task.",
                                  "MNLI is its least\nuseful intermediate task."])
def test_a_possessive_or_spaced_least_useful_is_read_against_the_most_useful(text):
    from claimcheck.audit.polarity import compare

    assert compare(text, "MNLI is the most useful intermediate task.").reason
