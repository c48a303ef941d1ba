"""A fixed, hand-built VerificationReport for the report renderers' golden and browser tests.

Illustrative only: the cells are the leaderboard numbers from ../shared/reference/papers.md, but the
verdicts are written by hand to exercise every renderer path (spans, missing cells, views, proxy
replication with deviations, a superseded v1 claim, an attributed background claim, an infra
failure). No clock, path or version enters it, so the rendered reports are byte-stable.
"""

from __future__ import annotations

from collections import Counter

from claimcheck.verifier.verdict import (
    CellUse,
    ClaimVerdict,
    Span,
    TierCoverage,
    TierResult,
    VerificationReport,
    decide_overall,
)

P = "phang2020"
REMBERT = "cell:rembert-2010.12821:Table 16, row STiLTs"
REMBERT_XLMR = "cell:rembert-2010.12821:Table 16, row XLM-R"
DECISIVE = {
    "source": {"consistent", "inconsistent", "direction_error"},
    "replication": {"reproduced", "direction_only", "not_reproduced"},
}
XTREME9 = ("xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa", "bucc2018", "tatoeba")
NOT_RUN = TierResult(verdict="not_run", summary="no replication run covers this claim")


def _cell(system: str, task: str, metric: str, value: str, origin: str, reliability: str = "") -> CellUse:
    return CellUse(
        system=system, task=task, language="all", metric=metric, split="test", value=value, origin=origin,
        reliability=reliability,
    )


def _claim(cid: str, kind: str, statement: str, location: str, reported: list[str], source: TierResult,
           replication: TierResult = NOT_RUN, **extra) -> ClaimVerdict:
    overall, rule = decide_overall(source.verdict, replication.verdict, replication.fidelity)
    return ClaimVerdict(
        claim_id=cid, paper_id=cid.split("/")[0], kind=kind, statement=statement,
        version=extra.pop("version", "v2"), pinned_version=extra.pop("pinned_version", "v2"),
        reported=reported, location=location, source=source, replication=replication,
        overall=overall, overall_rule=rule, **extra,
    )


def _leaderboard_avg() -> ClaimVerdict:
    stilts = [("xnli", "accuracy", "80.0"), ("udpos", "f1", "74.9"), ("panx", "f1", "64.0"),
              ("pawsx", "accuracy", "87.9"), ("xquad", "exact_match", "63.3"), ("xquad", "f1", "78.7"),
              ("mlqa", "exact_match", "53.7"), ("mlqa", "f1", "72.4"), ("tydiqa", "exact_match", "59.5"),
              ("tydiqa", "f1", "76.0")]
    view_a = {
        "label": "RemBERT Table 16 (leaderboard)",
        "verdict": "consistent",
        "lines": [
            "xnli 80.0 -> [79.95, 80.05]; pawsx 87.9 -> [87.85, 87.95]",
            "udpos 74.9 -> [74.85, 74.95]; panx 64.0 -> [63.95, 64.05]",
            "xquad (63.3 + 78.7) / 2 -> [70.95, 71.05]",
            "mlqa (53.7 + 72.4) / 2 -> [63.00, 63.10]",
            "tydiqa (59.5 + 76.0) / 2 -> [67.70, 67.80]",
            "mean over 7 tasks = 508.60 / 7 -> [72.607, 72.707]",
            "reported 72.7 -> [72.65, 72.75]; the intervals meet on [72.65, 72.707] -> consistent",
        ],
        "cells": [_cell("X-STILTs", t, m, v, REMBERT, "secondary") for t, m, v in stilts],
    }
    view_b = {
        "label": "mT5 README (leaderboard, F1 only)",
        "verdict": "not_derivable",
        "lines": ["QA tasks need EM and F1; the mT5 README gives F1 only, and no POS column"],
        "cells": [_cell("X-STILTs", "xnli", "accuracy", "80.4", "cell:mt5-readme:XTREME zero-shot table, row X-STILTs",
                        "secondary")],
        "missing": ["X-STILTs / mlqa / exact_match / test", "X-STILTs / tydiqa / exact_match / test",
                    "X-STILTs / udpos / f1 / test", "X-STILTs / xquad / exact_match / test"],
    }
    source = TierResult(
        verdict="consistent",
        summary="the mean of the seven leaderboard task scores meets the reported 72.7",
        views=[view_a, view_b],
        spans=[Span(label="reported 72.7", lo=72.65, hi=72.75, role="reported"),
               Span(label="RemBERT T16: mean of 7 tasks", lo=72.607, hi=72.707, role="derived")],
    )
    return _claim(f"{P}/leaderboard-avg-7", "quantity",
                  "On the XTREME leaderboard, the X-STILTs entry averages 72.7 over the seven non-retrieval tasks.",
                  "RemBERT (arXiv 2010.12821) Table 16", ["72.7"], source)


def _xtreme_gain() -> ClaimVerdict:
    source = TierResult(
        verdict="not_derivable",
        summary="BUCC and Tatoeba scores of X-STILTs are missing; the gain is derivable over 7 of 9 tasks only",
        lines=[
            "known 7-task gain: X-STILTs [508.25, 508.95] - XLM-R [490.60, 491.30] -> [16.95, 18.35] summed",
            "reported 5.4 over 9 tasks -> summed gain [48.15, 49.05]",
            "implied mean BUCC/Tatoeba gain = ([48.15, 49.05] - [16.95, 18.35]) / 2 -> [14.90, 16.05]",
        ],
        views=[{"label": "RemBERT Table 16 (leaderboard)", "verdict": "not_derivable",
                "cells": [_cell("XLM-R", "xnli", "accuracy", "79.2", REMBERT_XLMR, "secondary"),
                          _cell("XLM-R", "bucc2018", "f1", "66.0", "cell:veco-summary:results table", "low")],
                "missing": ["X-STILTs / bucc2018 / f1 / test", "X-STILTs / tatoeba / accuracy / test"]}],
        spans=[Span(label="reported 5.4", lo=5.35, hi=5.45, role="reported"),
               Span(label="gain over the 7 known tasks", lo=2.421, hi=2.621, role="derived"),
               Span(label="BUCC/Tatoeba mean gain needed", lo=14.9, hi=16.05, role="implied")],
    )
    return _claim(f"{P}/xtreme-gain", "quantity",
                  "Picking the best intermediate task per target task gives a 5.4 point gain over XLM-R Large on XTREME.",
                  "abstract; Table 3", ["5.4"], source)


def _dev_missing(system: str) -> list[str]:
    return [f"{system} / {t} / avg / dev" for t in XTREME9]


def _multitask_gain() -> ClaimVerdict:
    source = TierResult(verdict="not_derivable", summary="the dev-set results table is not available offline",
                        views=[{"label": "paper cells", "verdict": "not_derivable",
                                "missing": _dev_missing("XLM-R") + _dev_missing("Multi-task")}])
    seeds = [1.2, 2.0, 1.7, 1.4, 1.9]
    replication = TierResult(
        verdict="direction_only",
        summary="paired gain is positive over 5 seeds; a proxy cannot confirm the magnitude 8.7",
        lines=["paired per-seed gains (multi-task - baseline): 1.2, 2.0, 1.7, 1.4, 1.9",
               "mean 1.64, sd 0.336, t(0.975, 4) = 2.776",
               "95% CI [1.223, 2.057]; 95% PI [0.618, 2.662]",
               "reported 8.7 -> [8.65, 8.75] misses the PI; sign agrees; fidelity proxy caps at direction_only"],
        spans=[Span(label="paired gain, 95% PI", lo=0.618, hi=2.662, role="replicated_pi"),
               Span(label="paired gain, 95% CI", lo=1.223, hi=2.057, role="replicated_ci")]
        + [Span(label=f"seed {i}", lo=v, hi=v, role="seed") for i, v in enumerate(seeds)]
        + [Span(label="reported 8.7", lo=8.65, hi=8.75, role="reported")],
        runs=[f"proxy-multitask-s{i}" for i in range(5)] + [f"proxy-baseline-s{i}" for i in range(5)],
        seeds=5, fidelity="proxy",
        deviations=["model: multilingual-e5-small (int4) instead of XLM-R Large",
                    "intermediate tasks: 3 of 9 (MNLI, SQuAD v1.1, HellaSwag)",
                    "target tasks: XNLI and PAWS-X only, 2,000 training examples each"],
    )
    return _claim(f"{P}/multitask-gain", "quantity",
                  "Multi-task intermediate training on all nine tasks improves the average dev score by 8.7 points.",
                  "Section 5, Table 2", ["8.7"], source, replication)


def _english_beats_alternatives() -> ClaimVerdict:
    source = TierResult(verdict="not_derivable", summary="the MLM and translated-data result rows are not available",
                        views=[{"label": "paper cells", "verdict": "not_derivable",
                                "missing": ["English+MLM / avg / dev", "translated / avg / dev"]}])
    replication = TierResult(
        verdict="inconclusive", summary="2 seeds give a paired-delta interval that spans zero",
        lines=["paired deltas English - English+MLM: 0.9, -0.2", "95% CI [-6.6, 7.3] spans 0",
               "about 7 seeds would decide at the observed spread"],
        spans=[Span(label="English - MLM, 95% CI", lo=-6.6, hi=7.3, role="replicated_ci")],
        runs=["reduced-en-s0", "reduced-en-s1", "reduced-mlm-s0", "reduced-mlm-s1"],
        seeds=2, seeds_needed=7, fidelity="reduced",
        deviations=["intermediate data: 10% of each task", "target task: XNLI only"],
    )
    return _claim(f"{P}/english-beats-alternatives", "comparison",
                  "Plain English intermediate training beats both continued multilingual MLM and machine-translated intermediate data.",
                  "abstract; Section 6", ["English > English+MLM", "English > translated"], source, replication)


def _tydiqa_xnli() -> ClaimVerdict:
    source = TierResult(
        verdict="inconsistent",
        summary="on the leaderboard cells XNLI gains 0.8 points, not zero",
        lines=["tydiqa: 67.75 - 55.05 -> [12.60, 12.80] > 0: improves (as claimed)",
               "xnli: 80.0 - 79.2 -> [0.70, 0.90] > 0: claimed no benefit -> inconsistent"],
        views=[{"label": "RemBERT Table 16 (leaderboard)", "verdict": "inconsistent",
                "cells": [_cell("X-STILTs", "tydiqa", "f1", "76.0", REMBERT, "secondary"),
                          _cell("XLM-R", "tydiqa", "f1", "65.1", REMBERT_XLMR, "secondary"),
                          _cell("X-STILTs", "xnli", "accuracy", "80.0", REMBERT, "secondary"),
                          _cell("XLM-R", "xnli", "accuracy", "79.2", REMBERT_XLMR, "secondary")]}],
        spans=[Span(label="tydiqa gain", lo=12.6, hi=12.8, role="derived"),
               Span(label="xnli gain", lo=0.7, hi=0.9, role="derived")],
    )
    return _claim(f"{P}/tydiqa-up-xnli-flat", "effect",
                  "TyDiQA improves after intermediate training, while XNLI does not benefit.",
                  "Section 5", ["tydiqa: up", "xnli: no gain"], source)


def _background() -> ClaimVerdict:
    source = TierResult(verdict="consistent", summary="the paper states this and cites Conneau et al. (2020) for it",
                        lines=["introduction: XLM-R Large is cited as the prior state of the art on XTREME"])
    return _claim(f"{P}/xlmr-prior-sota", "background",
                  "Before this work, XLM-R Large was the strongest published model on XTREME.",
                  "Section 1", [], source, attributed_to="Conneau et al. 2020 (XLM-R)")


def _v1_headline() -> ClaimVerdict:
    source = TierResult(verdict="not_derivable", summary="BUCC and Tatoeba scores of X-STILTs are missing",
                        views=[{"label": "paper cells", "verdict": "not_derivable",
                                "missing": ["X-STILTs / bucc2018 / f1 / test", "X-STILTs / tatoeba / accuracy / test"]}])
    return _claim(f"{P}/v1-headline-gain", "quantity",
                  "Version 1: choosing the best intermediate task per target task gives a 6.1 point XTREME gain.",
                  "v1 abstract", ["6.1"], source, version="v1", superseded_by=f"{P}/xtreme-gain")


def _infra() -> ClaimVerdict:
    source = TierResult(verdict="not_derivable", summary="no results table of 2210.01091 is available offline",
                        views=[{"label": "paper cells", "verdict": "not_derivable",
                                "missing": ["RoBERTa / target tasks / accuracy / test (with and without intermediate)"]}])
    replication = TierResult(
        verdict="infra_failure", summary="1 of 2 runs failed; a failed run is not evidence either way",
        lines=["proxy-roberta-direct-s0: ok", "proxy-roberta-inter-s0: failed (out of memory in the intermediate stage)"],
        runs=["proxy-roberta-direct-s0"], failed_runs=["proxy-roberta-inter-s0"], seeds=1, fidelity="proxy",
        deviations=["model: a 4-layer random-init RoBERTa config instead of RoBERTa base"],
    )
    return _claim("mohapatra2022/direct-beats-intermediate", "effect",
                  "For most target tasks, fine-tuning directly beats training on an intermediate task first.",
                  "abstract", ["most tasks: direct > intermediate"], source, replication,
                  pinned_version="v2", version="v2")


def _coverage(claims: list[ClaimVerdict]) -> dict[str, TierCoverage]:
    out = {}
    for tier in ("source", "replication"):
        verdicts = [getattr(c, tier).verdict for c in claims]
        reasons = Counter(v.replace("_", " ") for v in verdicts if v not in DECISIVE[tier])
        out[tier] = TierCoverage(checked=sum(v in DECISIVE[tier] for v in verdicts), total=len(claims),
                                 counts=dict(sorted(Counter(verdicts).items())), reasons=dict(sorted(reasons.items())))
    return out


def build_report(extra: list[ClaimVerdict] = ()) -> VerificationReport:
    claims = [_leaderboard_avg(), _xtreme_gain(), _multitask_gain(), _english_beats_alternatives(),
              _tydiqa_xnli(), _background(), _v1_headline(), _infra(), *extra]
    return VerificationReport(
        claims=claims, coverage=_coverage(claims),
        overall_counts=dict(sorted(Counter(c.overall.value for c in claims).items())),
        results_sources=["bundled: proxy smoke runs", "bundled: reduced runs"],
    )


def hostile_claim() -> ClaimVerdict:
    """A claim whose text tries to inject markup into every format."""
    source = TierResult(verdict="consistent", summary="summary with <b>bold</b> & [red]markup[/red]",
                        lines=["1 < 2 & 3 > 2 ``` fence"],
                        spans=[Span(label="<script>alert('span')</script>", lo=1.0, hi=2.0, role="reported")])
    return _claim("evil/x", "quantity", "<script>alert('x')</script> & | pipes [bold]rich[/bold] &amp;",
                  "Table <1>", ["<i>9</i>"], source)
