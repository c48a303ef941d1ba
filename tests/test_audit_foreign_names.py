"""A row about things a paper never mentions is not matched to (and judged against) that paper's claim
(``audit.foreign_names``), and the digits of a name ("GPT-3") are no number of the row's
(``row_numbers.without_naming_numbers``). Rows audited against the bundled registry, with
2210.01091 as the examined paper."""

from __future__ import annotations

import pytest

from audit_fixtures import make_report

from claimcheck.audit.claim_match import score_claim
from claimcheck.audit.foreign_names import PaperMentions, foreign_names
from claimcheck.audit.row_numbers import without_naming_numbers

PAPER = "2210.01091"


@pytest.fixture(scope="module")
def registry():
    from claimcheck.claims.registry import load_registry

    return load_registry()


def audited(registry, *texts):
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import parse_synthesis
    from claimcheck.audit.engine import audit_report

    report = make_report([(t, "✓", "0.8") for t in texts], examined="The (In)Effectiveness of Intermediate Task Training",
                         references=("http://arxiv.org/abs/2210.01091v2",))
    return audit_report(parse_synthesis(report, label="r.md"), registry, {}, load_bibliography())


@pytest.mark.parametrize(("text", "named"), [
    ("GPT-3 outperforms BERT on SuperGLUE.", "GPT-3 and SuperGLUE"),
    ("GPT-3 outperforms BERT on three SuperGLUE tasks.", "GPT-3 and SuperGLUE"),  # "three" was bert-other-three's count
    ("T5 beats BERT on the other three target tasks of SuperGLUE.", "T5 and SuperGLUE"),
    ("GPT-3 is the best model on three of the six SuperGLUE tasks.", "GPT-3 and SuperGLUE"),
    ("BERT and RoBERTa beat XLNet on GLUE and SuperGLUE.", "GLUE and SuperGLUE"),  # benchmarks the paper never ran
])  # fmt: skip
def test_a_row_about_what_the_paper_never_mentions_is_unknown(registry, text, named):
    card = audited(registry, text)
    row = card.rows[0]
    assert row.status == "unknown" and not row.negation_mismatch, row.best
    assert row.best.claim_id.startswith(f"{PAPER}/")  # still shown as the nearest
    unknown = [f for f in card.findings if f.code == "unknown_claim"]
    assert f"not about {PAPER}: it names {named}, which that paper never mentions" in unknown[0].message


@pytest.mark.parametrize(("text", "claim"), [
    # names the paper mentions, or what the row's subject is ranked among
    ("XLNet performed worst among BERT, RoBERTa and XLNet in every experiment.", "xlnet-worst"),
    ("BERT performs best on the other three target tasks, including domain adaptation and cross-lingual text classification.",
     "bert-other-three"),
    ("Similar trends for transfer learning using LLMs, where RoBERTa and BERT have similar performance, and both outperform XL",
     "similar-trends"),  # cut: "XL" may be XLNet; "LLMs" is the paper's word
    ("XLNet is better than BERT and worse than RoBERTa.", "similar-trends"),  # reverses the paper's ranking: judged
])  # fmt: skip
def test_rows_about_the_paper_still_match(registry, text, claim):
    row = audited(registry, text).rows[0]
    assert row.status == "matched" and row.claim_id == f"{PAPER}/{claim}", row.best


def test_a_reversed_ranking_of_the_papers_models_is_flagged(registry):
    row = audited(registry, "XLNet is better than BERT and worse than RoBERTa.").rows[0]
    assert "XLNet ahead of BERT" in row.negation_mismatch, row.negation_mismatch


@pytest.mark.parametrize("text", ["GPT-3 is better than BERT.", "GPT-3 beats BERT on most tasks."])
def test_the_digits_of_a_name_are_no_count(registry, text):
    """The "3" of "GPT-3" is not the "three" of "BERT is best on the other three target tasks"."""
    ms, _, _ = score_claim(text, False, registry.claims[f"{PAPER}/bert-other-three"])
    assert ms.numbers == 0.0 and ms.score < 0.5, ms  # the claim reports a 3 the row does not state
    assert audited(registry, text).rows[0].status == "unknown"


def test_without_naming_numbers_keeps_positions():
    text = "GPT-3 gains 8-9 points (Table 3, [12]) and 5.4 on XLM-100"
    blanked = without_naming_numbers(text)
    assert len(blanked) == len(text)
    assert blanked == "GPT-  gains 8-9 points (Table  , [  ]) and 5.4 on XLM-   "


@pytest.mark.parametrize(("text", "truncated", "found"), [
    ("GPT-3 outperforms BERT on SuperGLUE.", False, ["GPT-3", "SuperGLUE"]),
    ("GPT-3 outperforms BERT and RoBERTa.", False, []),  # one unknown name may be a spelling the registry lacks
    ("XLNet performed worst among GPT-3, T5 and XLNet.", False, []),  # said of XLNet only
    ("RoBERTa and BERT both outperform XL", True, []),  # a cut name
    ("RoBERTa and BERT both beat GPT-3 and T5", True, []),  # "T5" may be cut: one left
])  # fmt: skip
def test_which_names_a_paper_never_mentions(registry, text, truncated, found):
    assert foreign_names(text, truncated, PAPER, PaperMentions(registry)) == found


@pytest.mark.parametrize("text", [
    "Evaluating our best performing models for each target task on the XTREME benchmark yields an average improvement of 5.4 F1.",
    "Selecting the best model per target task on XTREME gives an average gain of 5.4 points over XLM-R Large, per Hu.",
])
def test_a_word_that_opens_the_sentence_is_no_name_the_paper_never_mentions(registry, text):
    """"Evaluating" and "Selecting" open their sentence, capitalised for that alone: no name, so the row
    names one thing 2005.13013 never mentions (F1, Hu), which is left alone, and it reaches the 5.4-point
    claim. Before, the opening word counted as a second unknown name and the row was an unknown claim,
    "not about 2005.13013"."""
    assert foreign_names(text, False, "2005.13013", PaperMentions(registry)) == []
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import parse_synthesis
    from claimcheck.audit.engine import audit_report

    card = audit_report(parse_synthesis(make_report([(text, "✓", "0.8")]), label="r.md"), registry, {}, load_bibliography())
    assert card.rows[0].claim_id == "2005.13013/xtreme-test-gain", card.rows[0].method
