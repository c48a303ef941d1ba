"""The audit's findings (issue 3, sections 1-5) on reports and a registry the tests write."""

from __future__ import annotations

import pytest

try:
    from audit_fixtures import (
        PAPER_HEAD, ROW_MULTITASK, ROW_MULTITASK_WRONG, ROW_NINE, ROW_SOTA, ROW_UNKNOWN, ROW_XTREME, ROW_XTREME_V1, VERDICTS, make_report,
        retrieval_claim, toy_registry,
    )  # fmt: skip
except ImportError:  # tests/ imported as a package
    from audit_fixtures import (
        PAPER_HEAD, ROW_MULTITASK, ROW_MULTITASK_WRONG, ROW_NINE, ROW_SOTA, ROW_UNKNOWN, ROW_XTREME, ROW_XTREME_V1, VERDICTS, make_report,
        retrieval_claim, toy_registry,
    )  # fmt: skip

from claimcheck.sources.bibliography import load_bibliography
from claimcheck.sources.synthesis import parse_synthesis
from claimcheck.audit.engine import LOW_CONFIDENCE, audit_report, audit_reports
from claimcheck.reports.scorecard import render_scorecard_markdown
from claimcheck.audit.models import VerdictView
from claimcheck.audit.claim_match import MATCH_THRESHOLD, term_share
from claimcheck.audit.row_numbers import numbers_in


@pytest.fixture
def registry(tmp_path):
    return toy_registry(tmp_path)


@pytest.fixture(scope="module")
def bib():
    return load_bibliography()


def card_for(registry, bib, rows, verdicts=VERDICTS, **kw):
    return audit_report(parse_synthesis(make_report(rows, **kw), label=kw.pop("label", "r.md")), registry, verdicts, bib)


def codes(card, code):
    return [f for f in card.findings if f.code == code]


# ------------------------------------------------------------------------------- 1. resolution


def test_verbatim_quotation_matches_with_score_one(registry, bib):
    card = card_for(registry, bib, [(ROW_MULTITASK, "✓", "0.25")])
    row = card.rows[0]
    assert (row.status, row.claim_id, row.method) == ("matched", "2005.13013/multitask-gain", "quoted text")
    assert row.best.score == 1.0 and row.verdict.overall == "unverified"


def test_numbers_and_key_terms_match_a_paraphrase(registry, bib):
    row = card_for(registry, bib, [(ROW_XTREME, "✓", "0.33")]).rows[0]
    assert row.claim_id == "2005.13013/xtreme-gain"
    assert row.best.numbers == 1.0 and row.best.terms == 1.0 and row.best.score >= MATCH_THRESHOLD
    assert "numbers" in row.method and row.runner_up is not None and row.runner_up.score < row.best.score


def test_number_mismatch_is_flagged(registry, bib):
    card = card_for(registry, bib, [(ROW_MULTITASK_WRONG, "✓", "0.25")])
    row = card.rows[0]
    assert row.claim_id == "2005.13013/multitask-gain" and row.number_mismatch
    (f,) = codes(card, "number_mismatch")
    assert f.severity == "error" and "9.1" in f.message and "8.7" in f.message
    assert row.differing_numbers == ["9.1"]  # the measure it states instead, not its task counts
    assert f.message.startswith("row 1 states 9.1 where")
    assert any("number differs" in r for r in row.tick_reasons)


@pytest.mark.parametrize(("written", "flagged"), [("8.66", False), ("8.749", False), ("8.7", False), ("8.8", True), ("8.64", True)])
def test_number_mismatch_follows_the_interval_rule(registry, bib, written, flagged):
    """"8.7" stands for [8.65, 8.75]: a row number whose written interval meets it is the same number;
    "8.8" only touches it at 8.75 and is another."""
    card = card_for(registry, bib, [(ROW_MULTITASK.replace("8.7", written), "✓", "0.9")])
    row = card.rows[0]
    assert row.claim_id == "2005.13013/multitask-gain"
    assert row.number_mismatch is flagged and bool(codes(card, "number_mismatch")) is flagged
    assert row.differing_numbers == ([written] if flagged else [])


def test_superseded_version_is_flagged(registry, bib):
    card = card_for(registry, bib, [(ROW_XTREME_V1, "✓", "0.3")])
    row = card.rows[0]
    assert row.claim_id == "2005.13013/v1-xtreme-gain" and row.superseded and row.current_claim_id == "2005.13013/xtreme-gain"
    assert "superseded" in codes(card, "superseded_version")[0].message
    assert not row.number_mismatch  # 6.1 is the v1 claim's own number


def test_unknown_row_is_listed_with_its_nearest_candidate(registry, bib):
    card = card_for(registry, bib, [(ROW_UNKNOWN, "✓", "0.4"), (ROW_MULTITASK, "✓", "0.25")])
    unknown = card.rows[0]
    assert unknown.status == "unknown" and unknown.claim_id is None and unknown.best is not None
    assert unknown.best.score < MATCH_THRESHOLD
    assert len(card.rows) == 2 and card.counts["unknown"] == 1
    assert "matches no claim" in codes(card, "unknown_claim")[0].message


def test_truncated_row_matches_and_is_marked(registry, bib):
    card = card_for(registry, bib, [(ROW_NINE, "✓", "0.28")])
    row = card.rows[0]
    assert row.row.truncated and row.claim_id == "2005.13013/nine-tasks"
    assert "cut off mid-sentence" in codes(card, "truncated")[0].message


def test_numbers_and_terms_helpers():
    assert [(w, v) for w, v, _ in numbers_in("in 2018 we saw 8.2, 7.5 and 7.0 points across nine tasks")] == [
        ("8.2", 8.2), ("7.5", 7.5), ("7.0", 7.0), ("nine", 9.0)
    ]  # fmt: skip
    assert term_share("intermediate-task training on nine tasks", ["intermediate tasks", "9"]) == 1.0
    assert term_share("improving by 8.7 points", ["7"]) == 0.0  # a number term does not match inside 8.7
    assert term_share("at least an order of magni", ["order of magnitude"], truncated=True) == 1.0
    from claimcheck.audit.row_numbers import same_number, states_number

    assert same_number("8.66", "8.7") and same_number("8.749", "8.7") and same_number("nine", "9")
    assert not same_number("8.8", "8.7") and not same_number("12", "9") and not same_number("nine", "10")
    assert states_number("7", "7.0") and states_number("8.66", "8.7") and not states_number("9", "8.7")  # a count is no 8.7
    assert not same_number("9" * 400, "9") and not states_number("9" * 400, "9")  # overflows to inf: compared, not raised


# --------------------------------------------------------------------------- 2. tick without evidence


def test_tick_with_low_confidence_or_weak_verdict_is_flagged(registry, bib):
    card = card_for(registry, bib, [(ROW_MULTITASK, "✓", "0.9"), (ROW_NINE, "✓", "0.2"), (ROW_NINE, "✓", "0.9"), (ROW_MULTITASK, "✗", "0.1")])
    weak_verdict, low_conf, fine, not_ticked = card.rows
    assert any("registry verdict unverified" in r for r in weak_verdict.tick_reasons)
    assert low_conf.tick_reasons == [f"ticked with a stated confidence of 0.20 (below {LOW_CONFIDENCE})"]
    assert fine.tick_reasons == []  # supported claim, confident tick
    assert not_ticked.tick_reasons == []  # no tick, nothing claimed
    assert card.counts["ticks_without_evidence"] == 2


def test_ticked_unknown_row_is_a_tick_without_evidence(registry, bib):
    row = card_for(registry, bib, [(ROW_UNKNOWN, "✓", "0.9")]).rows[0]
    assert any("matches no claim" in r for r in row.tick_reasons)


# ------------------------------------------------------------------------------------ 3. attribution


def test_background_claim_is_attributed_to_its_real_source(registry, bib):
    card = card_for(registry, bib, [(ROW_SOTA, "✓", "0.23"), (ROW_MULTITASK, "✓", "0.25")])
    (mis,) = codes(card, "misattributed")
    assert mis.row == 1 and "Conneau et al. 2020" in mis.message and "1911.02116" in mis.message
    assert card.rows[0].source_work == "1911.02116"
    (not_cited,) = codes(card, "source_not_cited")
    assert "1911.02116" in not_cited.message


def test_a_misattribution_whose_source_the_report_cites_is_a_warning(registry, bib):
    uncited = card_for(registry, bib, [(ROW_SOTA, "✓", "0.23")])
    cited = card_for(registry, bib, [(ROW_SOTA, "✓", "0.23")],
                     references=("http://arxiv.org/abs/2005.13013v2", "http://arxiv.org/abs/1911.02116v2"))
    assert [f.severity for f in codes(uncited, "misattributed")] == ["error"]
    (mis,) = codes(cited, "misattributed")
    assert mis.severity == "warning" and "the report does cite that work" in mis.message
    assert not codes(cited, "source_not_cited")


def test_references_that_hold_none_of_the_claims_are_named(registry, bib):
    card = card_for(registry, bib, [(ROW_MULTITASK, "✓", "0.25")],
                    references=("http://arxiv.org/abs/2005.13013v2", "http://arxiv.org/abs/2402.17954v3", "http://arxiv.org/abs/2012.08743v2"))  # fmt: skip
    refs = {r.arxiv_id: r for r in card.attribution.references}
    assert refs["2005.13013"].claims == ["2005.13013/multitask-gain"] and refs["2005.13013"].is_examined
    assert refs["2402.17954"].claims == [] and refs["2402.17954"].year == 2024
    assert "Speech Recognition" in refs["2402.17954"].label
    assert refs["2012.08743"].status == "unidentified"
    empty = {f.reference for f in codes(card, "reference_without_claims")}
    assert empty == {"2402.17954", "2012.08743"}
    assert card.attribution.examined_in_references is True and card.attribution.examined_cited_version == "v2"


def test_examined_paper_missing_from_references(registry, bib):
    card = card_for(registry, bib, [(ROW_MULTITASK, "✓", "0.25")], references=("http://arxiv.org/abs/2310.10378v5",))
    assert card.attribution.examined_id == "2005.13013" and card.attribution.examined_in_references is False
    assert codes(card, "examined_not_cited")


def test_unidentified_examined_paper(registry, bib):
    card = card_for(registry, bib, [(ROW_MULTITASK, "✓", "0.25")], examined="A Paper Nobody Has Heard Of")
    assert card.attribution.examined_id is None and codes(card, "examined_unidentified")
    assert not codes(card, "misattributed")  # nothing to compare against


# ------------------------------------------------------------------------------ 4. research question


def test_question_not_touched_by_any_claim(registry, bib):
    q = "What is the correlation between parameter count and the XTREME-R gap for low-resource languages?"
    card = card_for(registry, bib, [(ROW_MULTITASK, "✓", "0.25"), (ROW_XTREME, "✓", "0.3")], question=q)
    assert card.question.verdict == "not addressed"
    labels = {f.label for f in card.question.facets if f.core}
    assert {"XTREME-R", "parameter count / model scale", "low-resource / underrepresented languages"} <= labels
    assert any("2021" in f.message and "cannot report" in f.message for f in codes(card, "question_facet_postdates"))


def test_question_partly_and_fully_addressed(registry, bib):
    partly = card_for(registry, bib, [(ROW_MULTITASK, "✓", "0.25")])  # multi-task vs single-task, on XTREME-R
    assert partly.question.verdict == "partly addressed"
    touched = {f.key: f.rows for f in partly.question.facets}
    assert touched["multi-task"] == [1] and touched["xtreme-r"] == []
    full = card_for(registry, bib, [(ROW_MULTITASK, "✓", "0.25")], question="Does multi-task intermediate training beat single-task training?")
    assert full.question.verdict == "addressed"


def test_no_question(registry, bib):
    card = audit_report(parse_synthesis("# Title\n\n## References\n"), registry, VERDICTS, bib)
    assert card.question.verdict == "no question"


# ---------------------------------------------------------------------------- 5. internal consistency


def test_counts_against_table_and_references(registry, bib):
    card = card_for(registry, bib, [(ROW_MULTITASK, "✓", "0.25"), (ROW_XTREME, "", "0.3")], retrieved=12, extracted=9, verified=9)
    failed = {c.name: c for c in card.checks if not c.ok}
    assert failed["papers retrieved vs references listed"].observed == "2"
    assert failed["claims extracted vs table rows"].observed == "2"
    assert failed["claims verified vs ticked rows"].observed == "1"
    assert len(codes(card, "count_mismatch")) == 3


def test_consistent_counts_pass(registry, bib):
    card = card_for(registry, bib, [(ROW_MULTITASK, "✓", "0.25"), (ROW_XTREME, "✓", "0.3")], retrieved=2)
    assert all(c.ok for c in card.checks) and not codes(card, "count_mismatch")


def test_same_sentence_different_confidence_across_reports(registry, bib):
    a = parse_synthesis(make_report([(ROW_MULTITASK, "✓", "0.25"), (ROW_XTREME, "✓", "0.33")]), label="a.md")
    b = parse_synthesis(make_report([(ROW_MULTITASK, "✓", "0.60"), (ROW_XTREME, "✓", "0.33")]), label="b.md")
    result = audit_reports([a, b], registry, VERDICTS, bib)
    (spread,) = result.aggregate.spreads
    assert spread.key == "2005.13013/multitask-gain" and spread.same_text
    assert spread.values == {"a.md": [0.25], "b.md": [0.6]}
    for card in result.scorecards:
        (f,) = codes(card, "confidence_spread")
        assert "0.25" in f.message and "0.60" in f.message
    recurring = {c.claim_id: c for c in result.aggregate.claims}
    assert recurring["2005.13013/multitask-gain"].reports == ["a.md", "b.md"]
    assert recurring["2005.13013/multitask-gain"].verdict.overall == "unverified"
    assert result.aggregate.finding_counts["confidence_spread"] == 2


@pytest.mark.parametrize(("low", "high", "spread"), [("0.32", "0.33", False), ("0.25", "0.35", False), ("0.25", "0.36", True)])
def test_a_confidence_spread_must_exceed_the_tolerance(registry, bib, low, high, spread):
    """A hundredth of difference is the syntheses' jitter, not a disagreement (SPREAD_TOLERANCE, 0.1)."""
    a = parse_synthesis(make_report([(ROW_MULTITASK, "✓", low)]), label="a.md")
    b = parse_synthesis(make_report([(ROW_MULTITASK, "✓", high)]), label="b.md")
    result = audit_reports([a, b], registry, VERDICTS, bib)
    assert bool(result.aggregate.spreads) is spread
    assert all(bool(codes(card, "confidence_spread")) is spread for card in result.scorecards)


def test_audit_without_verdicts_or_claims_still_reports(tmp_path, bib):
    from claimcheck.claims.registry import Registry

    empty = Registry(papers={}, claims={})
    card = audit_report(parse_synthesis(make_report([(ROW_MULTITASK, "✓", "0.9")])), empty, {}, bib)
    assert card.rows[0].status == "unknown" and card.counts["unknown"] == 1


def test_a_claim_no_source_carries_is_flagged_and_its_number_mismatch_is_a_warning(tmp_path, bib):
    """Against a statement recorded as other reports quote it, a different number is two quoting texts
    disagreeing (a warning, not an error), and a tick on it has nothing confirming the paper says it."""
    from claimcheck.claims.registry import build_registry, load_paper_file

    try:
        from audit_fixtures import REGISTRY_YAML
    except ImportError:  # tests/ imported as a package
        from audit_fixtures import REGISTRY_YAML
    text = REGISTRY_YAML.replace(
        "    location: {section: Results}\n    reported: [\"8.7\"]",
        "    located: false\n    location: {section: not located, note: \"the dev table was not found\"}\n    reported: [\"8.7\"]")
    assert text != REGISTRY_YAML
    path = tmp_path / "2005.13013.yaml"
    path.write_text(text, encoding="utf-8")
    registry = build_registry([(path, load_paper_file(path))])

    card = card_for(registry, bib, [(ROW_MULTITASK_WRONG, "✓", "0.9"), (ROW_NINE, "✓", "0.9")])
    wrong, nine = card.rows
    assert wrong.claim_id == "2005.13013/multitask-gain" and not wrong.claim_located and nine.claim_located
    (f,) = codes(card, "number_mismatch")
    assert f.severity == "warning" and "not located in the paper" in f.message
    assert any("nothing confirms the paper says it" in r for r in wrong.tick_reasons)
    assert not any("nothing confirms" in r for r in nine.tick_reasons)
    agg = audit_reports([parse_synthesis(make_report([(ROW_MULTITASK_WRONG, "✓", "0.9")]), label="r.md")], registry, VERDICTS, bib).aggregate
    assert [(c.claim_id, c.located) for c in agg.claims] == [("2005.13013/multitask-gain", False)]


# ----------------------------------------------------------------- 1b. rows that contradict their claim

CONTRA_YAML = PAPER_HEAD + """    - {id: guide, title: "the authors' guide", locator: "a README", reliability: secondary}
  facts:
    - {key: task_count, value: 9, source: abs}
    - {key: encoder, value: XLM-R Large, source: guide}
claims:
  - id: 2005.13013/task-count
    statement: "A fixed set of English intermediate tasks is used throughout the study."
    kind: setup
    version: v2
    location: {section: Abstract}
    derivation: {name: fact, params: {key: task_count, expect: 9}}
    key_terms: [English, intermediate tasks, fixed set]
  - id: 2005.13013/encoder
    statement: "Every run starts from the pretrained XLM-R Large model."
    kind: setup
    version: v2
    located: false
    location: {section: not located, note: "only the authors' guide names it"}
    derivation: {name: fact, params: {key: encoder, expect: XLM-R Large}}
    key_terms: [XLM-R, pretrained, starting point]
""" + retrieval_claim() + """  - id: 2005.13013/xnli-flat
    statement: "XNLI gains nothing from intermediate training."
    kind: effect
    version: v2
    location: {section: Abstract}
    derivation: {name: unavailable_source}
    key_terms: [XNLI, intermediate training]
"""
CONTRA_VERDICTS = {
    "2005.13013/task-count": VerdictView(overall="supported", source="consistent", replication="not_run", summary="the abstract says nine"),
    "2005.13013/encoder": VerdictView(overall="supported", source="consistent", replication="not_run", summary="the guide says XLM-R (large)"),
    "2005.13013/retrieval": VerdictView(overall="inconclusive", source="not_derivable", replication="inconclusive", summary="cells missing"),
    "2005.13013/xnli-flat": VerdictView(overall="inconclusive", source="not_derivable", replication="inconclusive", summary="cells missing"),
}


@pytest.fixture
def contra_registry(tmp_path):
    return toy_registry(tmp_path, CONTRA_YAML, "contra")


@pytest.mark.parametrize(("text", "claim", "code", "shown", "severity"), [
    ("The study uses 12 English intermediate tasks, a fixed set.", "task-count", "number_mismatch", "12", "error"),
    ("The study uses a fixed set of ten English intermediate tasks.", "task-count", "number_mismatch", "ten", "error"),
    ("The study does not use a fixed set of nine English intermediate tasks.", "task-count", "negation_mismatch", "negates", "warning"),
    ("Intermediate training brings no gains on the BUCC and Tatoeba sentence-retrieval targets.", "retrieval", "negation_mismatch", "negates", "warning"),
    ("Intermediate training fails to help on the two retrieval targets, BUCC and Tatoeba.", "retrieval", "negation_mismatch", "negates", "warning"),
    ("XNLI gains a lot from intermediate training.", "xnli-flat", "negation_mismatch", "the claim negates", "warning"),
    ("We use the pretrained XLM-R Base model as the starting point of every run.", "encoder", "model_size_mismatch", "XLM-R Base", "error"),
])  # fmt: skip
def test_a_row_that_contradicts_its_claim_is_flagged_and_fails_strict(contra_registry, bib, text, claim, code, shown, severity):
    """A number or model size is an error on a located or supported claim; a negation, found by a
    heuristic on English, only ever a warning."""
    card = card_for(contra_registry, bib, [(text, "✓", "0.9")], verdicts=CONTRA_VERDICTS)
    row = card.rows[0]
    assert row.claim_id == f"2005.13013/{claim}" and row.contradicts
    (f,) = codes(card, code)
    assert f.severity == severity and shown in f.message  # located, or supported by the registry's check
    assert row.tick_reasons  # a tick on a contradicting row lacks evidence
    assert "contradicts" in render_scorecard_markdown(card) and "not this row" in render_audit_terminal_of(card)


def test_xlm_roberta_is_read_as_xlm_r(contra_registry, bib):
    from claimcheck.audit.claim_match import normalise

    assert normalise("XLM-RoBERTa Large and XLM RoBERTa and xlmr") == "xlm-r large and xlm-r and xlm-r"
    ok = card_for(contra_registry, bib, [("We use the pretrained XLM-RoBERTa Large model as the starting point.", "✓", "0.9")],
                  verdicts=CONTRA_VERDICTS)
    assert ok.rows[0].claim_id == "2005.13013/encoder" and not ok.rows[0].contradicts
    base = card_for(contra_registry, bib, [("We use the pretrained XLM-RoBERTa base model as the starting point.", "✓", "0.9")],
                    verdicts=CONTRA_VERDICTS)
    assert base.rows[0].claim_id == "2005.13013/encoder" and base.rows[0].model_size_mismatch


def test_text_matching_and_model_sizes_read_one_alias_table():
    """Every other spelling of a model reads as the registry's in both readers: the text matcher and
    the model-size check (which reads a model name as one word: "XLM RoBERTa Base" sizes a RoBERTa)."""
    from claimcheck.audit.claim_match import normalise
    from claimcheck.audit.model_sizes import model_sizes
    from claimcheck.audit.model_aliases import ALIASES

    for other, written in ALIASES.items():
        assert normalise(f"the {other} model") == f"the {written} model"
        if " " not in other:
            assert model_sizes(f"the {other.upper()} Base model").keys() == model_sizes(f"the {written.upper()} Large model").keys()


@pytest.mark.parametrize(("text", "claim"), [
    ("The study uses a fixed set of nine English intermediate tasks.", "task-count"),
    ("The study uses a fixed set of 9 English intermediate tasks (see Table 3).", "task-count"),
    ("Intermediate training brings large gains on BUCC and Tatoeba, the two retrieval targets that have no training data.", "retrieval"),
    ("XNLI does not benefit from intermediate training.", "xnli-flat"),
    ("Every run starts from the pretrained XLM-R (large) model, the best one at the time.", "encoder"),
    ("XNLI, unlike TyDiQA, gains nothing from intermediate training; that is the only target it does not help.", "xnli-flat"),
])  # fmt: skip
def test_a_row_that_agrees_with_its_claim_is_not_flagged(contra_registry, bib, text, claim):
    card = card_for(contra_registry, bib, [(text, "✓", "0.9")], verdicts=CONTRA_VERDICTS)
    row = card.rows[0]
    assert row.claim_id == f"2005.13013/{claim}"
    assert not row.contradicts and not {f.code for f in card.findings} & {"number_mismatch", "negation_mismatch", "model_size_mismatch"}


@pytest.mark.parametrize(("text", "claim"), [
    ("The study uses no fewer than nine English intermediate tasks, a fixed set.", "task-count"),
    ("The study uses English intermediate tasks, never fewer than nine in a fixed set.", "task-count"),
    ("The study uses a fixed set of nine English intermediate tasks; no target-language data is used for intermediate training.", "task-count"),
    ("Intermediate training brings large gains on BUCC and Tatoeba, the two retrieval targets with no training data of their own.", "retrieval"),
    ("Intermediate training brings large gains on BUCC and Tatoeba, two retrieval targets for which no training set exists.", "retrieval"),
    ("Intermediate training brings large gains on the retrieval targets BUCC and Tatoeba, even without any retrieval training data.", "retrieval"),
    ("It is not the case that any other target beats BUCC and Tatoeba, the retrieval targets, in gains from intermediate training.", "retrieval"),
])  # fmt: skip
def test_idioms_and_negations_that_describe_a_noun_are_no_opposite(contra_registry, bib, text, claim):
    """"No fewer than nine" bounds, "targets with no training data" describes the targets, "no
    target-language data is used" denies something the claim does not talk about, and "no target
    beats X" restates an order: none of them states the opposite of the claim."""
    card = card_for(contra_registry, bib, [(text, "✓", "0.9")], verdicts=CONTRA_VERDICTS)
    row = card.rows[0]
    assert row.claim_id == f"2005.13013/{claim}"
    assert not row.negation_mismatch and not codes(card, "negation_mismatch")


def test_a_negation_mismatch_is_a_warning_that_does_not_fail_strict(contra_registry, bib):
    card = card_for(contra_registry, bib, [("Intermediate training brings no gains on the BUCC and Tatoeba retrieval targets.", "✓", "0.9")],
                    verdicts=CONTRA_VERDICTS)
    (f,) = codes(card, "negation_mismatch")
    assert f.severity == "warning" and not [x for x in card.findings if x.severity == "error"]


def test_a_cut_row_is_not_blamed_for_the_claims_negation(contra_registry, bib):
    text = "TyDiQA improves with many intermediate tasks, and XNLI, the classic inference target, sees what happens with intermedi"
    row = card_for(contra_registry, bib, [(text, "✓", "0.9")], verdicts=CONTRA_VERDICTS).rows[0]
    assert row.row.truncated and row.claim_id == "2005.13013/xnli-flat" and not row.negation_mismatch


def test_a_contradiction_of_an_unconfirmed_unlocated_claim_is_a_warning(contra_registry, bib):
    verdicts = {**CONTRA_VERDICTS, "2005.13013/encoder": VerdictView(overall="unverified", source="not_derivable", replication="not_run", summary="-")}
    card = card_for(contra_registry, bib, [("We use the pretrained XLM-R Base model as the starting point of every run.", "✓", "0.9")], verdicts=verdicts)
    (f,) = codes(card, "model_size_mismatch")
    assert f.severity == "warning"


def render_audit_terminal_of(card):
    from claimcheck.reports.scorecard import render_scorecard_terminal

    return render_scorecard_terminal(card)


def test_a_cut_row_with_another_count_is_matched_with_a_number_mismatch(registry, bib):
    """The claim's number key terms ("nine") are left out of the number-blind score, so a row that
    states another count still reaches its claim and is flagged, instead of being an unknown claim."""
    card = card_for(registry, bib, [(ROW_NINE.replace("nine", "12"), "✓", "0.9")])
    row = card.rows[0]
    assert (row.claim_id, row.method) == ("2005.13013/nine-tasks", "key terms + text (numbers differ)")
    (f,) = codes(card, "number_mismatch")
    assert f.severity == "error" and f.message.startswith("row 1 states 12 where 2005.13013/nine-tasks reports Nine")


SUPERSEDED_COUNT_YAML = PAPER_HEAD + """  facts:
    - {key: task_count, value: 9, source: abs}
    - {key: task_count_v1, value: 7, source: abs}
claims:
  - id: 2005.13013/gain
    statement: "The best model per target task scores 5.4 points above XLM-R Large on the XTREME test sets."
    kind: quantity
    version: v2
    location: {section: Abstract}
    reported: ["5.4"]
    derivation: {name: unavailable_source}
    key_terms: [XTREME, best, "5.4", improvement]
  - id: 2005.13013/task-count
    statement: "The study uses nine English intermediate tasks."
    kind: setup
    version: v2
    location: {section: Abstract}
    derivation: {name: fact, params: {key: task_count, expect: 9}}
    key_terms: [nine, "9", intermediate tasks, STILTs]
  - id: 2005.13013/v1-task-count
    statement: "(v1) Seven English intermediate tasks are used."
    kind: setup
    version: v1
    superseded_by: 2005.13013/task-count
    location: {section: Abstract}
    derivation: {name: fact, params: {key: task_count_v1, expect: 7}}
    key_terms: [seven, "7", intermediate tasks]
"""


@pytest.mark.parametrize(("text", "claim", "mismatch"), [
    ("Picking the best intermediate-task model per target task improves XTREME by 5-6 points.", "gain", False),  # holds 5.4
    ("Picking the best intermediate-task model per target task improves XTREME by between 5 and 6 points.", "gain", False),
    ("Picking the best intermediate-task model per target task improves XTREME by 6.3 points.", "gain", True),
    ("We look at intermediate-task training with twelve different English intermediate tasks.", "task-count", True),
    ("The study uses 12 English intermediate tasks.", "task-count", True),
    ("Twelve English intermediate tasks are used.", "task-count", True),  # the v1 wording, matched on its own score
    # a 7 that counts something else, or names v1's figure, leaves a row about v2's nine with v2
    ("The study uses 9 English intermediate tasks and evaluates on 7 target tasks.", "task-count", False),
    ("The study uses nine English intermediate tasks (the v1 preprint used seven).", "task-count", False),
])  # fmt: skip
def test_a_claim_left_with_one_generic_term_draws_no_row_stating_another_number(tmp_path, bib, text, claim, mismatch):
    """The number-blind score leaves out the claims' counts; the superseded v1 claim keeps only
    "intermediate tasks" then, which a row stating a measure ("5-6 points") must not reach in full,
    and a row stating a third count quotes neither version: the current claim is the one it is about."""
    from claimcheck.claims.registry import build_registry, load_paper_file

    path = tmp_path / "sup" / "2005.13013.yaml"
    path.parent.mkdir()
    path.write_text(SUPERSEDED_COUNT_YAML, encoding="utf-8")
    registry = build_registry([(path, load_paper_file(path))])
    card = card_for(registry, bib, [(text, "✓", "0.9")])
    row = card.rows[0]
    assert (row.claim_id, row.number_mismatch, row.superseded) == (f"2005.13013/{claim}", mismatch, False)
    assert not codes(card, "superseded_version")


def test_a_count_another_claim_states_is_checked_whatever_the_row_matched(tmp_path, bib):
    """The row matches the 5.4 claim (its number agrees), but its "12 intermediate tasks" contradict the
    paper's nine, recorded in another claim; a v1 quote is flagged as such, not again for its count."""
    from claimcheck.claims.registry import build_registry, load_paper_file

    path = tmp_path / "sup" / "2005.13013.yaml"
    path.parent.mkdir()
    path.write_text(SUPERSEDED_COUNT_YAML, encoding="utf-8")
    registry = build_registry([(path, load_paper_file(path))])
    text = "The best model per target task scores 5.4 points above XLM-R Large on XTREME, using 12 English intermediate tasks."
    card = card_for(registry, bib, [(text, "✓", "0.9")])
    row = card.rows[0]
    assert row.claim_id == "2005.13013/gain" and not row.number_mismatch
    assert row.other_claim_counts == ["12 (2005.13013/task-count: nine)"] and row.contradicts
    (f,) = codes(card, "other_claim_count")
    assert f.severity == "error" and "12" in f.message  # the task-count claim is located
    v1 = card_for(registry, bib, [("Seven English intermediate tasks are used.", "✓", "0.9")])
    assert not v1.rows[0].other_claim_counts and codes(v1, "superseded_version")


def test_a_row_stating_only_the_superseded_number_still_quotes_that_version(tmp_path, bib):
    from claimcheck.claims.registry import build_registry, load_paper_file

    path = tmp_path / "sup" / "2005.13013.yaml"
    path.parent.mkdir()
    path.write_text(SUPERSEDED_COUNT_YAML, encoding="utf-8")
    registry = build_registry([(path, load_paper_file(path))])
    row = card_for(registry, bib, [("Seven English intermediate tasks are used.", "✓", "0.9")]).rows[0]
    assert (row.claim_id, row.number_mismatch, row.superseded) == ("2005.13013/v1-task-count", False, True)


def test_range_numbers_share_their_unit():
    assert [m for _, _, m in numbers_in("by 5-6 points, between 5 and 6 points, 8-8.5 points")] == [True] * 6
    assert [m for _, _, m in numbers_in("9 tasks and 40 languages")] == [False, True]


NUMBERS_YAML = PAPER_HEAD + """  facts:
    - {key: split, value: 0.7, source: abs}
claims:
""" + retrieval_claim() + """  - id: 2005.13013/joint
    statement: "Training on all nine intermediate tasks together gives the largest mean gain, 8.7 points."
    kind: comparison
    version: v2
    location: {section: Results}
    reported: ["8.7"]
    derivation: {name: unavailable_source}
    key_terms: [jointly, all, intermediate tasks, largest]
  - id: 2005.13013/top-three
    statement: "SQuAD, MNLI and HellaSwag are the three best single intermediate tasks, by 8.2, 7.5 and 7.0 points."
    kind: comparison
    version: v2
    location: {section: Results}
    reported: ["8.2", "7.5", "7.0"]
    derivation: {name: unavailable_source}
    key_terms: [SQuAD, MNLI, HellaSwag, best]
  - id: 2005.13013/gain
    statement: "The best model per target task scores 5.4 points above XLM-R Large on the XTREME test sets."
    kind: quantity
    version: v2
    location: {section: Results}
    reported: ["5.4"]
    derivation: {name: unavailable_source}
    key_terms: [XTREME, best, target task, improvement]
  - id: 2005.13013/split
    statement: "Intermediate and target training both use 70% of the data for training."
    kind: setup
    version: v2
    location: {section: Setup}
    reported: ["70%"]
    derivation: {name: fact, params: {key: split, expect: 0.7}}
    key_terms: [training, data, split]
"""


@pytest.fixture
def numbers_registry(tmp_path):
    return toy_registry(tmp_path, NUMBERS_YAML, "numbers")


@pytest.mark.parametrize(("text", "claim"), [
    ("Intermediate training brings large gains on the sentence-retrieval targets BUCC and Tatoeba, of more than 10 points.", "retrieval"),
    ("Intermediate training brings large gains on BUCC and Tatoeba, the sentence-retrieval tasks among the 9 XTREME targets.", "retrieval"),
    ("Intermediate training brings large gains on the sentence-retrieval targets BUCC and Tatoeba across 40 languages.", "retrieval"),
    ("Intermediate training brings large gains on the 2 sentence-retrieval targets, BUCC and Tatoeba.", "retrieval"),
    ("Training jointly on all intermediate tasks gives the largest gain, 8-9 points.", "joint"),
    ("Training jointly on all intermediate tasks gives the largest gain, 8.7 points across 7 target tasks.", "joint"),
    ("SQuAD, MNLI and HellaSwag are the best single intermediate tasks (8.2, 7.5, 7.0 points), more than the other 6 tasks.", "top-three"),
    ("Of the nine intermediate tasks, SQuAD, MNLI and HellaSwag are the best, by 8.2, 7.5 and 7.0 points.", "top-three"),
    ("Intermediate and target training both use 0.7 of the data for training.", "split"),
    ("The best model per target task, evaluated on the 9 tasks of the XTREME test sets, scores an average improvement ab", "gain"),
])  # fmt: skip
def test_statement_numbers_ranges_and_cut_rows_are_no_number_conflict(numbers_registry, bib, text, claim):
    """A row must agree with the claim's reported numbers and its check's value; the statement's own
    numbers ("the two targets") only excuse a row number, a range holding the claim's number agrees,
    and a cut row is not blamed for the number in its cut-off part."""
    card = card_for(numbers_registry, bib, [(text, "✓", "0.9")])
    row = card.rows[0]
    assert row.claim_id == f"2005.13013/{claim}", row
    assert not row.number_mismatch and not codes(card, "number_mismatch"), row.differing_numbers


@pytest.mark.parametrize(("text", "claim", "shown"), [
    ("Training jointly on all intermediate tasks gives the largest gain, 9.7 points.", "joint", "9.7"),
    ("Training jointly on all intermediate tasks gives the largest gain, 10-11 points.", "joint", "10, 11"),
    ("Intermediate and target training both use 0.6 of the data for training.", "split", "0.6"),
    ("The best model per target task, evaluated on the XTREME test sets, scores an average improvement of 6.4 points ab", "gain", "6.4"),
])  # fmt: skip
def test_a_number_the_claim_requires_is_still_checked(numbers_registry, bib, text, claim, shown):
    card = card_for(numbers_registry, bib, [(text, "✓", "0.9")])
    row = card.rows[0]
    assert row.claim_id == f"2005.13013/{claim}" and row.number_mismatch, row
    (f,) = codes(card, "number_mismatch")
    assert f.severity == "error" and f"states {shown} where" in f.message


@pytest.mark.parametrize(("text", "shown"), [
    ("Training jointly on all 7 tasks gives the largest gain, 8.7 points.", "7"),
    ("Training jointly on all twelve intermediate tasks gives the largest gain, 8.7 points.", "twelve"),
    ("Training on all seven different intermediate tasks together gives the largest mean gain, 8.7 points.", "seven"),
])  # fmt: skip
def test_a_count_of_the_things_the_statement_counts_must_be_its_count(numbers_registry, bib, text, shown):
    """A row stating the required 8.7 may not count the intermediate tasks otherwise than the
    statement's "all nine intermediate tasks": the same noun, no word the statement's phrase lacks."""
    card = card_for(numbers_registry, bib, [(text, "✓", "0.9")])
    row = card.rows[0]
    assert row.claim_id == "2005.13013/joint" and row.differing_numbers == [shown], row
    (f,) = codes(card, "number_mismatch")
    assert f.severity == "error" and f.message.startswith(f"row 1 states {shown} where 2005.13013/joint reports nine")


@pytest.mark.parametrize(("text", "flagged"), [
    ("The best model per target task, evaluated on the XTREME test sets, scores an average improvement over XLM-R of 54", True),
    ("The best model per target task, evaluated on the XTREME test sets, scores an average improvement over XLM-R of 5", False),
])  # fmt: skip
def test_a_cut_row_ending_with_a_number_the_cut_cannot_have_made_of_the_claims(numbers_registry, bib, text, flagged):
    """"54" lost its unit, maybe, but no cut makes it of 5.4; "5" may be a cut 5.4."""
    card = card_for(numbers_registry, bib, [(text, "✓", "0.9")])
    row = card.rows[0]
    assert row.row.truncated and row.claim_id == "2005.13013/gain"
    assert row.number_mismatch == flagged, row.differing_numbers


NEAR_MISS_YAML = PAPER_HEAD + """  facts:
    - {key: task_count, value: 9, source: abs}
claims:
""" + retrieval_claim("sentence") + """  - id: 2005.13013/task-count
    statement: "Intermediate tasks used in the study: nine."
    kind: setup
    version: v2
    location: {section: Abstract}
    derivation: {name: fact, params: {key: task_count, expect: 9}}
    key_terms: [nine, "9", intermediate tasks]
"""


def near_miss_registry(tmp_path, statement, retrieval_terms=None):
    from claimcheck.claims.registry import build_registry, load_paper_file

    path = tmp_path / "near" / "2005.13013.yaml"
    path.parent.mkdir()
    yaml = NEAR_MISS_YAML.replace("Intermediate tasks used in the study: nine.", statement)
    if retrieval_terms:
        yaml = yaml.replace("key_terms: [BUCC, Tatoeba, retrieval, sentence]", f"key_terms: [{retrieval_terms}]")
    path.write_text(yaml, encoding="utf-8")
    return build_registry([(path, load_paper_file(path))])


RETRIEVAL_TWO = "BUCC and Tatoeba, two retrieval tasks without training data, improve after intermediate-task training."


def test_the_number_blind_path_does_not_beat_a_near_miss(tmp_path, bib):
    """The retrieval claim nearly matches (three of four key terms found: not "zero-shot"): a count
    ("two") that fills the count of a claim naming no counted thing does not hand the row to that
    claim. (Not "large": a degree word of the claim's change that a row saying the change leaves out
    does not count against it.)"""
    registry = near_miss_registry(tmp_path, "Intermediate tasks used in the study: nine.", retrieval_terms="BUCC, Tatoeba, retrieval, zero-shot")
    card = card_for(registry, bib, [(RETRIEVAL_TWO, "✓", "0.9")])
    row = card.rows[0]
    assert row.claim_id is None and row.best.claim_id == "2005.13013/retrieval" and not codes(card, "number_mismatch")


def test_a_row_naming_the_targets_a_statement_describes_reaches_it(tmp_path, bib):
    """Where the statement says what its sentence-retrieval targets are ("..., BUCC and Tatoeba"), a
    row naming both has the claim's "sentence" too (``described_names``): it reaches the claim, and
    its "two" is the claim's own count of them, no mismatch."""
    card = card_for(near_miss_registry(tmp_path, "Intermediate tasks used in the study: nine."), bib, [(RETRIEVAL_TWO, "✓", "0.9")])
    row = card.rows[0]
    assert row.claim_id == "2005.13013/retrieval" and not codes(card, "number_mismatch"), row.best


@pytest.mark.parametrize("text", [
    RETRIEVAL_TWO,
    "For two of the target tasks, BUCC and Tatoeba, intermediate-task training helps even without training data.",
])  # fmt: skip
def test_a_count_of_other_things_does_not_fill_a_claims_count(tmp_path, bib, text):
    """"Two retrieval tasks" and "two of the target tasks" count other things than "nine English
    intermediate tasks": the row is no statement of the number of intermediate tasks."""
    card = card_for(near_miss_registry(tmp_path, "The study uses nine English intermediate tasks."), bib, [(text, "✓", "0.9")])
    assert card.rows[0].claim_id != "2005.13013/task-count" and not codes(card, "number_mismatch")



def test_a_number_the_statement_writes_as_a_measure_is_no_count_term(tmp_path, bib):
    """"100 epochs" is a measure: "the 9 tasks" does not fill it."""
    yaml = NEAR_MISS_YAML.replace("Intermediate tasks used in the study: nine.", "Each model trains for 100 epochs on the intermediate data.")
    yaml = yaml.replace('key_terms: [nine, "9", intermediate tasks]', 'key_terms: ["100", epochs, intermediate]')
    yaml = yaml.replace("expect: 9}", "expect: 100}").replace("value: 9,", "value: 100,")
    from claimcheck.claims.registry import build_registry, load_paper_file

    path = tmp_path / "epochs" / "2005.13013.yaml"
    path.parent.mkdir()
    path.write_text(yaml, encoding="utf-8")
    registry = build_registry([(path, load_paper_file(path))])
    card = card_for(registry, bib, [("Multi-task intermediate training across the 9 tasks yields +3.1 points on average.", "✓", "0.9")])
    assert card.rows[0].claim_id is None and not codes(card, "number_mismatch")


COMPARISON_YAML = PAPER_HEAD + """claims:
  - id: 2005.13013/english-best
    statement: "Plain English intermediate training outperforms continued multilingual MLM and translated intermediate data."
    kind: comparison
    version: v2
    location: {section: Abstract}
    derivation: {name: unavailable_source}
    key_terms: [English, MLM, translated, outperforms]
"""


@pytest.mark.parametrize(("text", "negated"), [
    ("Plain English intermediate training does not outperform continued multilingual MLM or translated data.", True),
    ("English intermediate training fails to outperform continued multilingual MLM and translated intermediate data.", True),
    ("Neither continued multilingual MLM nor translated intermediate data outperforms plain English intermediate training.", False),
    ("No single alternative outperforms plain English intermediate training with MLM or translated data.", False),
])  # fmt: skip
def test_a_negated_comparison_is_a_negation_unless_a_quantifier_negates_it(tmp_path, bib, text, negated):
    """"X does not outperform Y" denies "X outperforms Y"; "neither Y outperforms X" restates it."""
    from claimcheck.claims.registry import build_registry, load_paper_file

    path = tmp_path / "cmp" / "2005.13013.yaml"
    path.parent.mkdir()
    path.write_text(COMPARISON_YAML, encoding="utf-8")
    card = card_for(build_registry([(path, load_paper_file(path))]), bib, [(text, "✓", "0.9")])
    row = card.rows[0]
    assert row.claim_id == "2005.13013/english-best"
    assert bool(row.negation_mismatch) == negated, row.negation_mismatch
    assert [f.severity for f in codes(card, "negation_mismatch")] == (["warning"] if negated else [])


@pytest.mark.parametrize(("claim", "text", "flagged"), [
    ("2005.13013/multitask-gain", "Multi-task training, not the best single task, does best, improving by 8.7 points.", False),
    ("2005.13013/multitask-gain", "Multi-task training, and not any single task, does best, improving by 8.7 points.", False),
    ("2005.13013/multitask-gain", "Multi-task training does not do best, improving by only 8.7 points.", True),
    ("2005.13013/multitask-gain", "Multi-task training, not only the best single task, does not do best by 8.7 points.", True),
    # the aside sets apart the claim's own subject, "but" or a subordinate clause follows, or it opens the clause
    ("2210.01091/xlnet-worst", "RoBERTa, not XLNet, performs worst of the three models in every experiment.", True),
    ("2210.01091/xlnet-worst", "On the other hand, not XLNet, but BERT performs worst of the three models in every experiment.", True),
    ("2210.01091/roberta-three-of-six", "After intermediate training, BERT, not RoBERTa, is the best model on three of the six target tasks.", True),
    ("2005.13013/retrieval-gains", "However, not all retrieval targets gain, since Tatoeba drops after intermediate training.", True),
    ("2005.13013/retrieval-gains", "On the sentence-retrieval targets, not a single intermediate task brings large gains, as Table 3 shows.", True),
    ("2210.01091/intermediate-100-epochs", "Each pretrained model is trained, not for 100 epochs, but for 10 epochs on the large intermediate dataset.", True),
    ("2210.01091/intermediate-100-epochs", "Each pretrained model is trained, not for 100 epochs, for only 10 epochs on the large intermediate dataset.", True),
    ("2005.13013/retrieval-gains", "However, not all retrieval targets gain, with Tatoeba dropping after intermediate training.", True),
    ("2005.13013/retrieval-gains", "On the sentence-retrieval targets, not every intermediate task brings large gains, even for BUCC.", True),
    # a contrast followed by another aside, or setting apart a name the claim holds outside its subject
    ("2005.13013/multitask-gain", "Multi-task training, not the best single task, as Table 2 shows, does best, improving by 8.7 points.", False),
    ("2005.13013/multitask-gain", "Multi-task training, not the best single task, when all nine tasks are combined, does best, improving by 8.7 points.", False),
    ("2005.13013/multitask-gain", "Multi-task training, not plain XLM-R Large, does best, improving by 8.7 points.", False),
    ("2005.13013/retrieval-gains", "Intermediate training, not XLM-R Large alone, brings large gains on the two sentence-retrieval targets, BUCC and Tatoeba.", False),
    ("2005.13013/setup-base-model", "Every experiment starts from the pretrained XLM-R Large encoder, not from XLM-R Base, in this study.", False),
])  # fmt: skip
def test_a_contrast_set_off_by_commas_is_no_negation_of_the_main_clause(claim, text, flagged):
    from claimcheck.claims.registry import load_registry
    from claimcheck.audit.negation import negation_conflict

    assert bool(negation_conflict(text, load_registry([]).claims[claim])) is flagged
