"""Shared helpers for the replication tests: the smoke kit, one long-enough run, a store writer.

Run as a script it executes one replication run (used by the SIGKILL/resume test) or writes records
to a store (used by the concurrent-writers test), so the subprocesses need nothing but claimcheck.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def smoke_kit(tmp_path_factory) -> tuple[Path, Path]:
    """(data_dir, model_dir) of the generated smoke kit, written once per test session."""
    from claimcheck.replication.smoke import save_smoke_kit

    return save_smoke_kit(tmp_path_factory.mktemp("smoke-kit"))


def smoke_training_parts(smoke_kit, max_length: int):
    """Tokenizer, random-init smoke encoder (seed 0), XNLI head and the English dev features of the smoke
    kit, every dropout probability 0: a short training run that draws no random numbers."""
    import torch
    from torch import nn

    from claimcheck.replication.encoder import load_encoder, load_tokenizer
    from claimcheck.replication.heads.pair_classification import PairClassificationHead
    from claimcheck.replication.spec import EncoderSpec
    from claimcheck.replication.tasks import TASKS
    from claimcheck.replication.tasks.loading import load_examples

    data, model = smoke_kit
    tok = load_tokenizer(str(model))
    enc = load_encoder(EncoderSpec("smoke", pooling="mean", random_init=True), str(model), seed=0)
    torch.manual_seed(0)
    head = PairClassificationHead(TASKS["xnli"], enc.config.hidden_size, pooling="mean")
    for module in (*enc.modules(), *head.modules()):
        if isinstance(module, nn.Dropout):
            module.p = 0.0
    examples = load_examples(TASKS["xnli"], "dev", "en", data_dir=data, cache_dir=data.parent / "cache").examples
    return tok, enc, head, head.featurize(examples, tok, max_length)


def long_run_spec(epochs: float = 60, system: str = "MNLI", task: str = "xnli", seed: int = 1):
    """A smoke run whose target training is long enough (many tiny steps, a checkpoint every 2) to be
    killed in the middle."""
    from claimcheck.replication.plan import Need, build_plan
    from claimcheck.replication.presets import SMOKE

    target = SMOKE.target(task)
    slow = dataclasses.replace(target, hparams=dataclasses.replace(target.hparams, epochs=epochs))
    preset = dataclasses.replace(SMOKE, targets=(slow,))
    plan = build_plan([Need(system, (task,))], preset, 1)
    return next(r.spec for r in plan.runs if r.spec.seed == seed)


def make_record(i: int, writer: str):
    from claimcheck.results.records import Metric, RunRecord

    return RunRecord(
        run_id=f"r-{writer}-{i:04d}", paper_id="2005.13013", system="XLM-R", seed=i, preset="smoke", fidelity="proxy",
        deviations=["test record"], metrics=[Metric(task="xnli", language="en", metric="accuracy", split="dev", value=50.0)],
    )


def ok_record(spec):
    """A result of the run ``spec`` (one made-up accuracy), as a process that ran it would store it."""
    from claimcheck.results.records import Metric, RunRecord

    return RunRecord(run_id=spec.run_id, paper_id=spec.paper_id, system=spec.system, seed=spec.seed, preset=spec.preset,
                     fidelity=spec.fidelity, deviations=list(spec.deviations) or ["test record"], spec=spec.as_json(),
                     metrics=[Metric(task=spec.target.task, language="en", metric="accuracy", split="dev", value=50.0)])


def two_runs_of_one_finetune() -> tuple:
    """Two smoke runs that evaluate one fine-tune (XQuAD-like: one in en and de, one in de only)."""
    both = long_run_spec(epochs=2, system="XLM-R")
    only_de = dataclasses.replace(both, target=dataclasses.replace(both.target, evals=both.target.evals[1:]))
    assert both.finetune_key == only_de.finetune_key and both.run_id != only_de.run_id
    return both, only_de


def save_two_runs(path: Path) -> None:
    """A store at ``path`` holding runs r-aa01 and r-bb01 (MNLI, xnli), for tests that then break r-aa01."""
    from claimcheck.results.records import Metric, RunRecord
    from claimcheck.results.store import RunStore

    with RunStore(path) as s:
        for run_id in ("r-aa01", "r-bb01"):
            s.save(RunRecord(run_id=run_id, paper_id="2005.13013", system="MNLI", seed=1, preset="proxy", fidelity="proxy",
                             deviations=["test record"], spec={"target": {"task": "xnli"}},
                             metrics=[Metric(task="xnli", language="en", metric="accuracy", split="dev", value=70.0)]))


def _main(argv: list[str]) -> None:
    if argv[0] == "run":  # run HOME DATA MODEL EPOCHS
        from claimcheck.replication.runners.base import RunContext
        from claimcheck.replication.runners.local import LocalRunner
        from claimcheck.results.store import RunStore

        home, data, model, epochs = Path(argv[1]), Path(argv[2]), argv[3], float(argv[4])
        ctx = RunContext(home=home, model_path=model, data_dir=data, device="cpu", checkpoint_every=2, checkpoint_seconds=0)
        with RunStore(home / "runs.sqlite") as store:
            LocalRunner().run([long_run_spec(epochs)], ctx, store)
    elif argv[0] == "write":  # write STORE WRITER N: one transaction per record
        from claimcheck.results.store import RunStore

        with RunStore(Path(argv[1])) as store:
            for i in range(int(argv[3])):
                store.save(make_record(i, argv[2]))
    else:
        raise SystemExit(f"unknown command {argv[0]}")


if __name__ == "__main__":
    _main(sys.argv[1:])
