"""The two units of work of a replication, each cached by its own sub-spec hash and resumable:

* ``ensure_intermediate(ispec, ctx)``: English intermediate training → an encoder checkpoint folder,
  shared by every target run that starts from it;
* ``execute_run(spec, ctx)``: English target training (not for retrieval; cached by
  ``spec.finetune_key``, so targets with the same training share it) → evaluation in every language →
  a ``RunRecord`` with metrics and provenance (not yet stored: the runner stores it, then calls
  ``cleanup_run``).

Both can be killed at any point: a re-run reads finished stages from their ``done.json`` and resumes
unfinished training from its last checkpoint (see ``stages.py``).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from claimcheck.replication import environment as env
from claimcheck.replication.runners.base import NullProgress, Progress, RunContext
from claimcheck.replication.spec import DataUse, IntermediateSpec, RunSpec, TrainHParams
from claimcheck.replication.stages import StageDir, StageUses, write_json_atomic
from claimcheck.results.records import Metric, Provenance, RunRecord


def model_location(spec_model_name: str, ctx: RunContext) -> str:
    return ctx.model_path or spec_model_name


def _device(ctx: RunContext, encoder_spec):
    device = env.choose_device(ctx.device)
    if device.type == "cpu":
        env.configure_cpu_threads(ctx.cpu_threads or (1 if encoder_spec.random_init else None))
    return device


def _load(use: DataUse, ctx: RunContext):
    from claimcheck.replication.tasks import get_task
    from claimcheck.replication.tasks.loading import load_examples

    return load_examples(get_task(use.task), use.split, use.language, data_dir=ctx.data_dir, cache_dir=ctx.cache,
                         rows=use.rows, limit=use.limit)


def _make_head(task_name: str, hidden_size: int, spec_encoder, *, layer=None):
    from claimcheck.replication.heads import load_head_class
    from claimcheck.replication.tasks import get_task

    task = get_task(task_name)
    return load_head_class(task.kind)(
        task, hidden_size, pooling=spec_encoder.pooling, text_prefix=spec_encoder.text_prefix, layer=layer
    )


def _train(encoder, tokenizer, uses: tuple[DataUse, ...], hp: TrainHParams, seed: int, spec_encoder, ctx: RunContext,
           stage: StageDir, device, precision: str, progress: Progress, label: str, stage_name: str,
           dev: DataUse | None = None, head_task: str | None = None) -> dict:
    """Train encoder + one fresh head per task on ``uses``; returns facts for the stage's done.json.

    ``head_task``: build the (single) head for this task instead, e.g. the XQuAD head trained on SQuAD
    data (same head kind), so evaluation scores it as the target task."""
    import torch

    from claimcheck.replication.encoder import pad_id_of
    from claimcheck.replication.train import Trainer

    torch.manual_seed(seed)  # head initialisation
    heads, features, files = {}, {}, {}
    for use in uses:
        loaded = _load(use, ctx)
        files.update(loaded.files)
        head = heads.get(use.task) or _make_head(head_task or use.task, encoder.config.hidden_size, spec_encoder)
        heads[use.task] = head.to(device)
        features.setdefault(use.task, []).extend(head.featurize(loaded.examples, tokenizer, hp.max_length))
    dev_score = None
    if hp.early_stopping and dev is not None:
        dev_score = _dev_scorer(encoder, heads[uses[0].task], tokenizer, dev, hp, ctx, device, precision)
    trainer = Trainer(encoder.to(device), heads, features, hp=hp, seed=seed, device=device, pad_id=pad_id_of(tokenizer),
                      precision=precision, checkpoint_dir=stage.checkpoint, checkpoint_every=ctx.checkpoint_every,
                      checkpoint_seconds=ctx.checkpoint_seconds, dev_score=dev_score)
    bar = progress.task(label, trainer.total_steps)
    trainer.on_step = lambda step, total, loss: (bar.advance(), bar.describe(f"{label} loss {loss:.3f}"))
    resumed = stage.has_checkpoint()
    stage.log(stage_name, "resume" if resumed else "start", step=trainer_step(stage))
    try:
        result = trainer.train()
    finally:
        bar.close()
    return {
        "data_files": files,
        "steps": result.steps,
        "resumed_from_step": result.resumed_from_step,
        "train_seconds": result.seconds,
        "examples_per_second": result.examples_seen / result.seconds if result.seconds > 0 else None,
        "n_train_features": {k: len(v) for k, v in features.items()},
        "heads": heads,
    }


def _dev_scorer(encoder, head, tokenizer, dev: DataUse, hp: TrainHParams, ctx: RunContext, device, precision: str):
    """Early-stopping score: mean of the task's metrics on the English dev slice."""
    from claimcheck.replication.evaluate import predict_features

    examples = _load(dev, ctx).examples
    head.eval_language = dev.language
    features = head.featurize(examples, tokenizer, hp.max_length)

    def score() -> float:
        head.eval_language = dev.language
        preds = predict_features(encoder, head, features, pad_id=int(tokenizer.pad_token_id), device=device,
                                 precision=precision, batch_size=ctx.eval_batch_size)
        values = head.score(examples, features, preds)
        wanted = [values[m] for m in head.task.metrics if m in values] or list(values.values())
        return sum(wanted) / len(wanted)

    return score


def trainer_step(stage: StageDir) -> int:
    """The optimizer step a stage's checkpoint was taken at (0 without one)."""
    if not stage.has_checkpoint():
        return 0
    import torch

    return int(torch.load(stage.checkpoint / "state.pt", map_location="cpu", weights_only=False)["step"])


def ensure_intermediate(ispec: IntermediateSpec, ctx: RunContext, progress: Progress | None = None) -> Path:
    """The encoder checkpoint of an intermediate stage, computed once (other processes wait on its lock)."""
    progress = progress or NullProgress()
    stage = StageDir(ctx.work, ispec.key)
    out = stage.path / "encoder"
    if stage.done():
        stage.log("intermediate", "cached")
        return out
    with stage.lock():
        if stage.done():
            stage.log("intermediate", "cached")
            return out
        from claimcheck.replication.encoder import load_encoder, load_tokenizer, save_encoder

        t0, started = time.perf_counter(), env.now_iso()
        device = _device(ctx, ispec.encoder)
        env.seed_everything(ispec.seed, device)
        location = model_location(ispec.encoder.name, ctx)
        tokenizer = load_tokenizer(location)
        encoder = load_encoder(ispec.encoder, location, seed=ispec.seed)
        facts = _train(encoder, tokenizer, ispec.train, ispec.hparams, ispec.seed, ispec.encoder, ctx, stage, device,
                       "auto", progress, f"intermediate {ispec.system} seed {ispec.seed}", "intermediate")
        facts.pop("heads")
        tmp = stage.path / f"encoder.tmp-{os.getpid()}"
        save_encoder(encoder, tokenizer, tmp)
        if out.exists():  # left by a process killed between this rename and done.json
            shutil.rmtree(out)
        os.replace(tmp, out)
        stage.mark_done({**facts, "seconds": time.perf_counter() - t0, "started_at": started, "finished_at": env.now_iso(),
                         "device": env.describe_device(device), "system": ispec.system})
        stage.drop("checkpoint")
        stage.log("intermediate", "done")
        return out


def execute_run(spec: RunSpec, ctx: RunContext, progress: Progress | None = None) -> RunRecord:
    """Run (or finish) one run and return its record; its stages are reused when already done."""
    progress = progress or NullProgress()
    stage = StageDir(ctx.work, spec.run_id)
    info = stage.done()
    if info is None:
        with stage.lock():
            info = stage.done() or _compute_target(spec, ctx, stage, progress)
    else:
        stage.log("target", "cached")
    return build_record(spec, info, ctx)


def _compute_target(spec: RunSpec, ctx: RunContext, stage: StageDir, progress: Progress) -> dict:
    from claimcheck.replication.encoder import load_encoder, load_tokenizer
    from claimcheck.replication.evaluate import n_scored, predict_features

    t0, started = time.perf_counter(), env.now_iso()
    stage.path.mkdir(parents=True, exist_ok=True)
    device = _device(ctx, spec.encoder)
    seconds: dict[str, float] = {}
    files: dict[str, str] = {}
    base = model_location(spec.encoder.name, ctx)
    if spec.intermediate is not None:
        base = str(ensure_intermediate(spec.intermediate, ctx, progress))
        inter = StageDir(ctx.work, spec.intermediate.key).done() or {}
        seconds["intermediate"] = round(float(inter.get("seconds", 0.0)), 3)
        files.update(inter.get("data_files", {}))
    env.seed_everything(spec.seed, device)
    tokenizer = load_tokenizer(base)
    encoder = load_encoder(spec.encoder, base, seed=spec.seed).to(device)
    target, hp = spec.target, spec.target.hparams or TrainHParams()
    if target.train is None:  # retrieval: representations of the (intermediate-trained) encoder
        head = _make_head(target.task, encoder.config.hidden_size, spec.encoder, layer=spec.encoder.retrieval_layer).to(device)
    else:
        head, seconds["target_train"], trained_files = _finetuned(spec, ctx, encoder, tokenizer, hp, device, progress)
        files.update(trained_files)
    t2 = time.perf_counter()
    metrics = []
    for use in target.evals:
        loaded = _load(use, ctx)
        files.update(loaded.files)
        head.eval_language = use.language
        features = head.featurize(loaded.examples, tokenizer, hp.max_length)
        bar = progress.task(f"evaluate {target.task}-{use.language} {spec.system} seed {spec.seed}", len(features))
        preds = predict_features(encoder, head, features, pad_id=int(tokenizer.pad_token_id), device=device,
                                 precision=spec.precision, batch_size=ctx.eval_batch_size, on_batch=bar.advance)
        bar.close()
        n = n_scored(head, loaded.examples)
        for name, value in head.score(loaded.examples, features, preds).items():
            metrics.append({"task": target.task, "language": use.language, "metric": name, "split": target.split_role,
                            "value": round(float(value), 4), "n_examples": n})
    seconds["evaluate"] = round(time.perf_counter() - t2, 3)
    info = {
        "metrics": metrics,
        "stage_seconds": seconds,
        "data_files": files,
        "started_at": started,
        "finished_at": env.now_iso(),
        "seconds": round(time.perf_counter() - t0, 3),
        "device": env.describe_device(device),
        "dtype": env.training_dtype(device, spec.precision),
        "model_sha256": _model_identity(spec, ctx),
    }
    write_json_atomic(stage.path / "metrics.json", {"metrics": metrics})
    stage.mark_done(info)
    stage.log("target", "done", seconds=info["seconds"])
    return info


def _finetuned(spec: RunSpec, ctx: RunContext, encoder, tokenizer, hp: TrainHParams, device, progress: Progress):
    """The run's English target training -> (head, seconds, data files); ``encoder`` ends up trained.

    Kept under ``spec.finetune_key``, so runs with the same training share it (trained once, under a
    lock) until ``cleanup_run`` drops it; an interrupted training resumes from its checkpoint. Used
    (``StageDir.using``) while it is trained or read, so no other process drops it meanwhile."""
    import torch

    target = spec.target
    stage = StageDir(ctx.work, spec.finetune_key)
    trained = stage.path / "trained.pt"
    with stage.using(), stage.lock():
        if trained.exists():  # trained by an earlier run (or before an interruption): reuse it
            state = torch.load(trained, map_location=device, weights_only=False)
            head = _make_head(target.task, encoder.config.hidden_size, spec.encoder).to(device)
            encoder.load_state_dict(state["encoder"])
            head.load_state_dict(state["head"])
            stage.log("target_train", "cached", run=spec.run_id)
            return head, state["seconds"], state["data_files"]
        t1 = time.perf_counter()
        facts = _train(encoder, tokenizer, (target.train,), hp, spec.seed, spec.encoder, ctx, stage, device, spec.precision,
                       progress, f"target {target.task} {spec.system} seed {spec.seed}", "target_train", dev=target.dev,
                       head_task=target.task)
        head = facts["heads"][target.train.task]
        seconds = round(time.perf_counter() - t1, 3)
        tmp = trained.with_name(f"trained.pt.tmp-{os.getpid()}")
        stage.path.mkdir(parents=True, exist_ok=True)
        torch.save({"encoder": encoder.state_dict(), "head": head.state_dict(), "seconds": seconds,
                    "data_files": facts["data_files"]}, tmp)
        os.replace(tmp, trained)
        stage.drop("checkpoint")
        stage.log("target_train", "done", seconds=seconds, run=spec.run_id)
        return head, seconds, facts["data_files"]


def _model_identity(spec: RunSpec, ctx: RunContext) -> str:
    location = model_location(spec.encoder.name, ctx)
    digest = env.sha256_weights(location)
    if digest:
        return digest
    if spec.encoder.random_init:
        return f"random-init from config (seed {spec.seed})"
    return ""


def build_record(spec: RunSpec, info: dict, ctx: RunContext) -> RunRecord:
    static = env.static_provenance()
    provenance = Provenance(
        **static,
        device=info["device"],
        dtype=info["dtype"],
        started_at=info["started_at"],
        finished_at=info["finished_at"],
        stage_seconds=info["stage_seconds"],
        data_files=dict(sorted(info["data_files"].items())),
        model_sha256=info["model_sha256"],
    )
    return storable(RunRecord(
        run_id=spec.run_id,
        paper_id=spec.paper_id,
        system=spec.system,
        seed=spec.seed,
        preset=spec.preset,
        fidelity=spec.fidelity,
        deviations=list(spec.deviations),
        spec=spec.as_json(),
        metrics=[Metric(**m) for m in info["metrics"]],
        provenance=provenance,
    ))


def failed_record(spec: RunSpec, error: str) -> RunRecord:
    """An infrastructure failure: stored with its error text, never read as a result."""
    return storable(RunRecord(
        run_id=spec.run_id, paper_id=spec.paper_id, system=spec.system, seed=spec.seed, preset=spec.preset,
        fidelity=spec.fidelity, deviations=list(spec.deviations) or ["(failed run)"], spec=spec.as_json(),
        status="failed", error=error, provenance=Provenance(**env.static_provenance(), finished_at=env.now_iso()),
    ))


def storable(record: RunRecord) -> RunRecord:
    """``record`` as the run store can keep it: each lone surrogate in its texts written as ``visible``
    shows it (``\\xe9``). The engine's records hold what it met on this machine, and a file name that
    is not UTF-8 reaches Python with each byte that is not as a lone surrogate (``os.fsdecode``), so an
    error it records may hold one where a message was formatted with such a path (the trainer's
    ``RuntimeError: /data/caf\\udce9/.../state.pt was written while ...``, a library's), which the store's
    UTF-8 text cannot hold (and its JSON escape would not read back): the store would refuse the run,
    a finished one or the failure the runner goes on after. A record from a user's result file is not
    mended so: reading the file refuses it, naming the field."""
    import json

    from claimcheck.results.files import lone_surrogate
    from claimcheck.visible import visible_json

    data = record.model_dump()  # not as JSON: pydantic cannot write a key holding one so
    if lone_surrogate(data) is None:
        return record
    return RunRecord.model_validate(json.loads(visible_json(json.dumps(data, ensure_ascii=False))))


def cleanup_run(spec: RunSpec, ctx: RunContext, still_needed: Collection[str] = (), uses: StageUses | None = None) -> None:
    """After the record is stored: drop the run's fine-tuned weights (unless asked to keep them), except
    a fine-tune that runs still to come share (``still_needed``: their ``finetune_key``s) or that another
    process still uses. ``uses``: this process's uses (the runner holds one of each fine-tune of its plan
    from the start): this one is let go of, and the weights dropped only if no other process holds a use
    of them (``StageDir.drop_unused``); else the last of those drops them, when its runs are done."""
    key = spec.finetune_key
    if key is not None and key not in still_needed and uses is not None:
        uses.release(key)
    if ctx.keep_checkpoints:
        return
    StageDir(ctx.work, spec.run_id).drop("trained.pt", "checkpoint")  # where older versions kept them
    if key is not None and key not in still_needed:
        StageDir(ctx.work, key).drop_unused("trained.pt", "checkpoint")


def cleanup_stored_elsewhere(todo: Sequence[RunSpec], to_come: Mapping[str, int], ctx: RunContext, store,
                             uses: StageUses) -> None:
    """On the way out of a runner that stops before the end of its list (Ctrl-C, bad input, a store error):
    ``cleanup_run`` each fine-tune that runs of ``todo`` were still to use (``to_come``), when every run of
    ``todo`` that uses it is now stored as a result, by another process since the list was read. That
    process could not drop the weights while this one held a use of them, and no later ``replicate`` would:
    none plans a stored run. A fine-tune with a run of the list not stored (one not come to, one that
    failed) keeps its weights, for the command that resumes or retries it, as on the way to the end.

    Best effort, as the runner's own error goes on: an error reading the store here leaves the weights."""
    left = {key for key, n in to_come.items() if n > 0}
    for key in left:
        runs = [s for s in todo if s.finetune_key == key]
        try:
            if all(store.has_ok(s.run_id) for s in runs):
                cleanup_run(runs[-1], ctx, (), uses)
        except Exception:  # the error the runner stopped on is the one to report, not this one
            pass
