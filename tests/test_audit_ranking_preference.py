"""A row that ranks or compares names goes to a claim that ranks them, not to a setup claim that
merely lists the same names (``audit.ranking_preference``), so that its direction is read against
the paper's: "XLNet outperforms BERT and RoBERTa" against "RoBERTa and BERT ... both beat XLNet"."""

from __future__ import annotations

import pytest

from audit_fixtures import PAPER_2210_HEAD, PAPER_HEAD, audit_row, toy_registry

from claimcheck.audit.models import MatchScore

RANKING_YAML = PAPER_HEAD + """claims:
  - id: 2005.13013/models
    statement: "The study compares BERT, RoBERTa and XLNet on three kinds of NLP task, with and without an intermediate training step."
    kind: setup
    version: v2
    location: {section: Abstract}
    derivation: {name: unavailable_source}
    key_terms: [BERT, RoBERTa, XLNet, three]
  - id: 2005.13013/trends
    statement: "The same pattern holds across the transfer-learning experiments: RoBERTa and BERT perform alike and both beat XLNet."
    kind: comparison
    version: v2
    location: {section: Results}
    derivation: {name: unavailable_source}
    key_terms: [similar, trends, RoBERTa, BERT, XLNet]
  - id: 2005.13013/xlnet-worst
    statement: "XLNet performs worst of the three models in every experiment."
    kind: comparison
    version: v2
    location: {section: Results}
    derivation: {name: unavailable_source}
    key_terms: [XLNet, worst, consistently]
  - id: 2005.13013/best-models
    statement: "With intermediate training, the best model is RoBERTa or BERT depending on the task."
    kind: comparison
    version: v2
    location: {section: Results}
    derivation: {name: unavailable_source}
    key_terms: [RoBERTa, BERT, best, depending]
"""


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    return toy_registry(tmp_path_factory.mktemp("ranking"), RANKING_YAML)


def resolved(registry, text):
    card = audit_row(registry, text)
    return card.rows[0], [f for f in card.findings if f.code == "negation_mismatch"]


@pytest.mark.parametrize(("text", "claim", "shown"), [
    ("XLNet outperforms BERT and RoBERTa.", "trends", 'roles swapped: the row ranks XLNet ahead of BERT ("outperforms")'),
    ("RoBERTa and BERT trail XLNet.", "trends", 'roles swapped: the row ranks RoBERTa behind XLNet ("trail")'),
    ("XLNet outperforms BERT and RoBERTa in every experiment.", "trends", '("outperforms")'),
    ("XLNet performs better than BERT and RoBERTa.", "trends", '("better than")'),
    ("BERT and RoBERTa are worse than XLNet on all three NLP tasks.", "trends", '("worse than")'),
])  # fmt: skip
def test_a_ranking_row_goes_to_a_claim_that_ranks_and_its_reversal_is_seen(registry, text, claim, shown):
    row, findings = resolved(registry, text)
    assert row.status == "matched" and row.claim_id == f"2005.13013/{claim}", row.best
    assert row.runner_up.claim_id == "2005.13013/models" and "a ranking of the row's names" in row.method
    assert [f.severity for f in findings] == ["warning"] and shown in findings[0].message


@pytest.mark.parametrize(("text", "claim"), [
    # the claim's order, in other words: the ranking claim, and nothing flagged
    ("RoBERTa and BERT outperform XLNet.", "trends"),
    ("BERT and RoBERTa both beat XLNet in all experiments.", "trends"),
    ("XLNet is outperformed by BERT and RoBERTa.", "trends"),
    ("XLNet trails BERT and RoBERTa in every experiment.", "trends"),
    ("BERT, RoBERTa and XLNet are compared on three tasks; XLNet performs worst.", "xlnet-worst"),
    ("XLNet was consistently the worst performing model in all of our experiments.", "xlnet-worst"),
    # no ranking: the setup claim, as before
    ("The study compares BERT, RoBERTa and XLNet on three NLP tasks.", "models"),
    ("We use three LLMs - BERT, RoBERTa, and XLNet.", "models"),
    ("We use BERT, RoBERTa and XLNet, the best-known pretrained LLMs, on three NLP tasks.", "models"),  # "best" describes a noun
])  # fmt: skip
def test_a_row_that_says_what_its_claim_says_is_not_flagged(registry, text, claim):
    row, findings = resolved(registry, text)
    assert row.claim_id == f"2005.13013/{claim}", row.best
    assert not row.negation_mismatch and not findings


# ------------------------------------------------------------------------------ the rule itself


def _ranked(*scores, verbatim=False):
    return [(MatchScore(claim_id=f"2005.13013/{cid}", score=s), s, verbatim and i == 0) for i, (cid, s) in enumerate(scores)]


@pytest.mark.parametrize(("text", "ranked", "first", "moved"), [
    ("XLNet outperforms BERT and RoBERTa.", _ranked(("models", 0.53), ("trends", 0.42)), "trends", True),
    ("XLNet outperforms BERT and RoBERTa.", _ranked(("models", 0.53), ("trends", 0.2)), "models", False),  # a clear win: beyond the margin
    # nothing matches: a claim that orders every name the row names, within the margin and above its floor
    ("XLNet outperforms BERT and RoBERTa.", _ranked(("models", 0.48), ("trends", 0.42)), "trends", True),
    ("XLNet outperforms BERT and RoBERTa.", _ranked(("models", 0.48), ("trends", 0.19)), "models", False),  # below the floor
    ("XLNet outperforms BERT and RoBERTa.", _ranked(("models", 0.48), ("xlnet-worst", 0.42)), "models", False),  # orders XLNet only
    ("XLNet outperforms BERT and RoBERTa on GLUE.", _ranked(("models", 0.48), ("trends", 0.42)), "models", False),  # GLUE: ranked by none
    ("RoBERTa outperforms BERT.", _ranked(("models", 0.4), ("best-models", 0.38)), "models", False),  # "best" puts both ahead
    ("BERT outperforms XLNet.", _ranked(("xlnet-worst", 0.39), ("models", 0.37), ("trends", 0.33)), "trends", True),
    ("XLNet outperforms BERT and RoBERTa.", _ranked(("models", 1.0), ("trends", 0.9), verbatim=True), "models", False),  # a quotation
    ("XLNet outperforms BERT and RoBERTa.", _ranked(("models", 0.53), ("xlnet-worst", 0.45)), "models", False),  # names XLNet only
    ("XLNet outperforms BERT and RoBERTa.", _ranked(("trends", 0.6), ("xlnet-worst", 0.55)), "trends", False),  # the best ranks already
    ("The study compares BERT, RoBERTa and XLNet.", _ranked(("models", 0.65), ("trends", 0.5)), "models", False),  # the row ranks nothing
    ("XLNet performs worst.", _ranked(("models", 0.53), ("xlnet-worst", 0.45)), "xlnet-worst", True),  # the names it ranks, XLNet
])  # fmt: skip
def test_which_claim_is_put_first(registry, text, ranked, first, moved):
    from claimcheck.audit.claim_match import MATCH_THRESHOLD
    from claimcheck.audit.ranking_preference import prefer_ranking

    out, was_moved = prefer_ranking(ranked, text, False, registry.claims, MATCH_THRESHOLD)
    assert (out[0][0].claim_id, was_moved) == (f"2005.13013/{first}", moved)
    assert sorted(s[0].claim_id for s in out) == sorted(s[0].claim_id for s in ranked)


OTHER_PAPER_YAML = PAPER_2210_HEAD + """claims:
  - id: 2210.01091/ranking
    statement: "RoBERTa and BERT beat XLNet."
    kind: comparison
    version: v2
    location: {section: Results}
    derivation: {name: unavailable_source}
    key_terms: [RoBERTa, BERT, XLNet]
"""


def test_a_ranking_claim_of_another_paper_or_version_is_not_put_first(tmp_path):
    from claimcheck.claims.registry import build_registry, load_paper_file
    from claimcheck.audit.claim_match import MATCH_THRESHOLD
    from claimcheck.audit.ranking_preference import prefer_ranking

    old = RANKING_YAML.replace("  - id: 2005.13013/xlnet-worst", """  - id: 2005.13013/v1-trends
    statement: "(v1) RoBERTa and BERT both beat XLNet."
    kind: comparison
    version: v1
    superseded_by: 2005.13013/trends
    location: {section: Results}
    derivation: {name: unavailable_source}
    key_terms: [RoBERTa, BERT, XLNet]
  - id: 2005.13013/xlnet-worst""")
    paths = [tmp_path / "2005.13013.yaml", tmp_path / "2210.01091.yaml"]
    paths[0].write_text(old, encoding="utf-8")
    paths[1].write_text(OTHER_PAPER_YAML, encoding="utf-8")
    registry = build_registry([(p, load_paper_file(p)) for p in paths])
    row = "XLNet outperforms BERT and RoBERTa."
    for ranked in (_ranked(("models", 0.53), ("v1-trends", 0.5), ("trends", 0.2)),  # a superseded version: passed over
                   _ranked(("models", 0.53), ("trends", 0.2)) + [(MatchScore(claim_id="2210.01091/ranking", score=0.5), 0.5, False)]):
        ranked = sorted(ranked, key=lambda s: -s[0].score)
        out, moved = prefer_ranking(ranked, row, False, registry.claims, MATCH_THRESHOLD)
        assert out[0][0].claim_id == "2005.13013/models" and not moved


# ------------------------------------------------------------------------------ short rows that match nothing

SHORT_2210 = PAPER_2210_HEAD + """claims:
""" + RANKING_YAML.split("claims:\n", 1)[1].replace("2005.13013/", "2210.01091/")


@pytest.fixture(scope="module")
def short_registry(tmp_path_factory):
    from claimcheck.claims.registry import build_registry, load_paper_file

    path = tmp_path_factory.mktemp("short") / "2210.01091.yaml"
    path.write_text(SHORT_2210, encoding="utf-8")
    return build_registry([(path, load_paper_file(path))])


def _audited_2210(registry, text):
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.sources.synthesis import parse_synthesis
    from claimcheck.audit.engine import audit_report

    from audit_fixtures import make_report

    report = make_report([(text, "✓", "0.8")], examined="The (In)Effectiveness of Intermediate Task Training",
                         references=("http://arxiv.org/abs/2210.01091v2",))
    return audit_report(parse_synthesis(report, label="r.md"), registry, {}, load_bibliography()).rows[0]


@pytest.mark.parametrize(("text", "opposite"), [
    # too short to reach the threshold on any claim: the claim that orders its names judges it
    ("BERT outperforms XLNet.", ""),
    ("XLNet is worse than RoBERTa.", ""),
    ("XLNet trails BERT.", ""),
    ("XLNet outperforms BERT.", "roles swapped"),
    ("RoBERTa beats XLNet.", ""),
])  # fmt: skip
def test_a_short_ranking_row_goes_to_the_claim_that_orders_its_names(short_registry, text, opposite):
    row = _audited_2210(short_registry, text)
    assert row.status == "matched" and row.claim_id == "2210.01091/trends", row.best
    assert (opposite in row.negation_mismatch) if opposite else not row.negation_mismatch, row.negation_mismatch


@pytest.mark.parametrize("text", [
    "RoBERTa outperforms BERT.",  # no claim orders the two: "the best model is RoBERTa or BERT" puts both ahead
    "XLNet outperforms BERT on GLUE.",  # GLUE: a name no claim ranks
    "BERT beats XLNet by 3 points.",  # a measure the claim does not report
])  # fmt: skip
def test_a_short_ranking_row_that_no_claim_orders_stays_unknown(short_registry, text):
    assert _audited_2210(short_registry, text).status == "unknown"


def test_the_bundled_short_ranking_row():
    """"BERT outperforms XLNet." against the bundled registry: a claim of 2210.01091 that ranks both."""
    from claimcheck.claims.registry import load_registry

    row = _audited_2210(load_registry(), "BERT outperforms XLNet.")
    assert row.claim_id == "2210.01091/similar-trends" and not row.negation_mismatch and not row.other_claim_directions, row.best


@pytest.mark.parametrize(("text", "passed"), [
    # moved past a claim that ranks XLNet alone: it does not "only name" the row's names
    ("XLNet is worse than BERT.", "(over 2210.01091/xlnet-worst, which ranks XLNet but not BERT)"),
    ("XLNet outperforms BERT.", "(over 2210.01091/xlnet-worst, which ranks XLNet but not BERT)"),
    # moved past the setup claim, which names the three models and ranks none
    ("XLNet trails BERT.", "(over 2210.01091/setup-models-and-tasks, which only names them)"),
])  # fmt: skip
def test_the_method_says_what_the_claim_passed_over_lacks(text, passed):
    from claimcheck.claims.registry import load_registry

    row = _audited_2210(load_registry(), text)
    assert row.claim_id == "2210.01091/similar-trends" and passed in row.method, row.method


@pytest.mark.parametrize(("claim", "text", "why"), [
    ("xlnet-worst", "BERT and RoBERTa beat XLNet.", "which ranks XLNet but not BERT and RoBERTa"),
    ("best-models", "RoBERTa outperforms BERT.", "which ranks them alike"),
    ("best-models", "XLNet trails BERT.", "which ranks BERT but not XLNet"),
    ("setup-models-and-tasks", "XLNet trails BERT.", "which only names them"),
    ("imdb-intermediate", "XLNet trails BERT.", "which ranks none of them"),
])  # fmt: skip
def test_passed_over(claim, text, why):
    from claimcheck.claims.registry import load_registry
    from claimcheck.audit.ranking_preference import passed_over

    assert passed_over(load_registry().claims[f"2210.01091/{claim}"], text, False) == why
