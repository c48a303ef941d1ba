"""On the real offline kit (../shared): the unpacked mE5-small retrieves Tatoeba translations through the
whole pipeline (xz files read by datasets, 'query: ' prefix, mean pooling, XTREME's accuracy).
Skipped when ../shared/data or the model pack is absent."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest
import replication_fixtures
from replication_fixtures import SHARED

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here

DATA = SHARED / "data"
PACK = SHARED / "models" / "me5-small-q4"
UNPACK = SHARED / "tools" / "unpack_model.py"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.slow,
    pytest.mark.skipif(not (DATA / "tatoeba").is_dir() or not PACK.is_dir() or not UNPACK.exists(),
                       reason="../shared/data or ../shared/models/me5-small-q4 is absent"),
]


@pytest.fixture(scope="module")
def me5_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("me5")
    done = subprocess.run([sys.executable, str(UNPACK), str(PACK), str(out)], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"the model pack could not be unpacked here: {done.stderr[-500:]}")
    return out


def test_proxy_tatoeba_retrieval_on_50_pairs(tmp_path, me5_dir):
    from claimcheck.replication.plan import Need, build_plan
    from claimcheck.replication.presets import PROXY, with_limits
    from claimcheck.replication.runners.base import RunContext
    from claimcheck.replication.runners.local import LocalRunner
    from claimcheck.replication.spec import DataUse
    from claimcheck.results.store import RunStore

    tatoeba = dataclasses.replace(PROXY.target("tatoeba"), evals=(DataUse("tatoeba", "dev", "de"),))
    preset = with_limits(dataclasses.replace(PROXY, targets=(tatoeba,)), eval_examples=50)
    (run,) = build_plan([Need("XLM-R", ("tatoeba",))], preset, 1).runs
    ctx = RunContext(home=tmp_path, model_path=str(me5_dir), data_dir=DATA, device="cpu")
    with RunStore(tmp_path / "runs.sqlite") as store:
        (outcome,) = LocalRunner().run([run.spec], ctx, store)
    record = outcome.record
    assert record.status == "ok", record.error
    accuracy = {m.language: m.value for m in record.metrics}
    assert set(accuracy) == {"de"} and record.metrics[0].n_examples == 50
    assert accuracy["de"] > 60, accuracy  # chance is 2 % among 50 candidates (the pack's README: ~0.97 on 200)
    assert record.fidelity == "proxy" and any("multilingual-e5-small" in d for d in record.deviations)
    assert set(record.provenance.data_files) == {"tatoeba/test-de.de.txt.xz", "tatoeba/test-de.en.txt.xz"}
    assert len(record.provenance.model_sha256) == 64


def test_every_head_kind_through_the_pipeline_on_the_kit(tmp_path, smoke_kit):
    """The proxy's multi-task arm (NLI, paraphrase, QA, multiple choice: one head each) and targets of
    every head kind, with the tiny smoke model on 16 real examples per slice: plumbing, not accuracy."""
    from claimcheck.replication.plan import Need, build_plan
    from claimcheck.replication.presets import PROXY, with_limits
    from claimcheck.replication.runners.base import RunContext
    from claimcheck.replication.runners.local import LocalRunner
    from claimcheck.replication.spec import EncoderSpec
    from claimcheck.results.store import RunStore

    _, model = smoke_kit
    tiny = dataclasses.replace(PROXY.model, encoder=EncoderSpec("smoke-tiny-bert", pooling="mean", random_init=True))
    targets = tuple(
        dataclasses.replace(t, evals=t.evals[:1], hparams=dataclasses.replace(t.hparams, epochs=1, max_length=64))
        for t in PROXY.targets
    )
    preset = with_limits(dataclasses.replace(PROXY, model=tiny, targets=targets,
                                             intermediate_hparams=dataclasses.replace(PROXY.intermediate_hparams, epochs=1, max_length=64)), 16, 16)
    tasks = ("xnli", "tydiqa", "udpos", "panx", "mlqa", "bucc2018")
    plan = build_plan([Need("Multi-task", tasks)], preset, 1)
    assert len(plan.todo) == len(tasks) and len(plan.stages) == 1
    ctx = RunContext(home=tmp_path, model_path=str(model), data_dir=DATA, device="cpu")
    with RunStore(tmp_path / "runs.sqlite") as store:
        outcomes = LocalRunner().run([r.spec for r in plan.todo], ctx, store)
    for o in outcomes:
        assert o.record.status == "ok", (o.record.spec["target"]["task"], o.record.error)
    metrics = {(m.task, m.metric) for o in outcomes for m in o.record.metrics}
    assert {("xnli", "accuracy"), ("tydiqa", "em"), ("tydiqa", "f1"), ("udpos", "f1"), ("panx", "f1"), ("mlqa", "f1"), ("bucc2018", "f1")} <= metrics
    inter = outcomes[0].record.provenance.data_files
    assert {"anli/dev-r1.jsonl.xz", "siqa/dev-en.jsonl.xz", "tydiqa/train-en.json.xz", "pawsx/dev-en.tsv.xz", "xnli/dev-en.tsv.xz"} <= set(inter)
