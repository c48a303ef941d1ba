"""Builders for small papers, claims and run records used by the verifier tests."""

from __future__ import annotations

from claimcheck.claims.models import Claim, Paper
from claimcheck.claims.registry import build_registry
from claimcheck.results.records import Metric, RunRecord


def make_paper(cells=(), facts=(), sources=None, pid="9999.00001") -> Paper:
    sources = sources or [{"id": "tab", "title": "Table 1", "locator": "Table 1", "reliability": "primary"}]
    return Paper.model_validate({
        "id": pid, "version": "v1", "title": "A paper", "authors": ["A. Author"], "year": 2020,
        "sources": sources,
        "cells": [dict(c, source=c.get("source", "tab"), locator=c.get("locator", "Table 1")) for c in cells],
        "facts": list(facts),
    })


def cell(system, task, value, metric=None, split="dev", language="avg", source="tab"):
    metric = metric or ("accuracy" if task in ("xnli", "pawsx", "tatoeba") else "f1")
    return {"system": system, "task": task, "metric": metric, "split": split, "value": value, "language": language, "source": source}


def make_claim(derivation, params, reported=(), kind="quantity", cid="9999.00001/c", **extra) -> Claim:
    data = {
        "id": cid, "statement": "a claim", "kind": kind, "version": "v1",
        "location": {"section": "Results"}, "reported": list(reported),
        "derivation": {"name": derivation, "params": params},
    }
    data.update(extra)
    return Claim.model_validate(data)


def make_registry(paper, claims):
    from claimcheck.claims.models import PaperFile
    from pathlib import Path

    return build_registry([(Path("test.yaml"), PaperFile(paper=paper, claims=list(claims)))])


def run(system, seed, metrics, fidelity="proxy", status="ok", error=None, paper_id="9999.00001", run_id=None):
    return RunRecord(
        run_id=run_id or f"{system}-{seed}",
        paper_id=paper_id,
        system=system,
        seed=seed,
        preset="test",
        fidelity=fidelity,
        deviations=[] if fidelity == "full" else ["test deviation"],
        status=status,
        error=error,
        metrics=[Metric(task=t, language="en", metric=m, split="dev", value=v) for (t, m, v) in metrics],
    )
