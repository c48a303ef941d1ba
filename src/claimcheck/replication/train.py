"""The training loop: one encoder, one head per task, batches from one or several tasks.

* Dynamic padding: each micro-batch is padded to its own longest feature (``Head.collate``).
* Length-grouped batches: features are shuffled, cut into pools of ``length_group`` micro-batches, each
  pool sorted by length and cut into micro-batches, and the micro-batches shuffled again (little padding,
  still random order).
* Multi-task: the micro-batches of every task are pooled and shuffled together, so each task is sampled
  in proportion to its number of examples (proportional sampling); a batch holds one task only.
* AdamW (no decay on biases and LayerNorm weights), linear warm-up from 0 then linear decay to 0 (the
  rule of transformers' ``get_linear_schedule_with_warmup``, which its ``Trainer`` uses), gradient
  accumulation over ``grad_accum`` micro-batches, gradient clipping.
* bf16 autocast on a GPU (``environment.autocast``), float32 on a CPU. Under bf16 autocast the
  encoder's LayerNorms take and give bf16 (``bf16_norms``; ``bf16_norms=False`` keeps autocast's float32
  LayerNorm): the residual stream stays in bf16 and the casts back to bf16 disappear. On a GPU the
  loop's attention does not use cuDNN's kernels (``cudnn_attention=True`` allows them).
* Optional compilation of the encoder (``compile_mode``, ``COMPILE_MODES``; ``benchmarks/bench_train.py
  --compile``, not used by ``replicate``): ``torch.compile`` fuses its element-wise work into fewer
  kernels, and "cudagraphs" also replays each batch shape's kernels as one CUDA graph. The heads, the
  optimizer and dev evaluations stay eager. Measured on an H100 (README, "The same on a GPU, and MFU"):
  a step of a shape already seen took about a fifth less time than eager, but compiling took about two
  minutes and each new batch shape about 3 s to record, so the benchmark's short runs were slower.
* Only the used vocabulary is trained (``vocab_compaction``): the word-embedding rows of tokens that
  no training feature holds get AdamW's weight decay in closed form at the end, the dense result.
* The whole micro-batch schedule is fixed by the seed before the first step (or given: ``schedule=``
  replays another run's batches, e.g. the Hugging Face ``Trainer``'s in ``benchmarks/bench_train.py``),
  and a checkpoint (every ``checkpoint_every`` steps, at most once per ``checkpoint_seconds``) holds the
  model, optimizer, scheduler, step and RNG state: a run resumed from a checkpoint continues the same
  schedule and, on a CPU, ends with the same weights as a run that was never interrupted.
* Optional early stopping on English dev slices (mean of the heads' first metric).
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from claimcheck.replication.bf16_norms import bf16_norms as bf16_norms_in
from claimcheck.replication.encoder import run_encoder
from claimcheck.replication.environment import autocast, pad_multiple as default_pad_multiple, precision_dtype
from claimcheck.replication.heads.base import Feature, Head
from claimcheck.replication.spec import TrainHParams
from claimcheck.replication.vocab_compaction import VocabCompaction, compact_vocabulary, decay_product

MicroBatch = tuple[str, list[int]]  # (task name, feature indices)
# compile_mode -> torch.compile's mode (None: its default); "cudagraphs" is CUDA only
COMPILE_MODES = {"default": None, "cudagraphs": "reduce-overhead"}


@dataclass
class TrainResult:
    steps: int
    examples_seen: int
    seconds: float
    resumed_from_step: int
    stopped_early: bool = False
    best_dev: float | None = None


def length_grouped_batches(lengths: list[int], batch_size: int, group: int, rng: random.Random) -> list[list[int]]:
    """Indices cut into micro-batches of similar length, in random order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * max(1, group)
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def make_schedule(features: dict[str, list[Feature]], hp: TrainHParams, seed: int) -> list[MicroBatch]:
    """Every micro-batch of the training, in order (epochs may be fractional: the last one is cut)."""
    rng = random.Random(seed)
    per_epoch = sum(math.ceil(len(f) / hp.batch_size) for f in features.values())
    total = max(1, round(hp.epochs * per_epoch))
    schedule: list[MicroBatch] = []
    while len(schedule) < total:
        epoch: list[MicroBatch] = []
        for name in sorted(features):
            lengths = [len(f["input_ids"]) for f in features[name]]
            epoch += [(name, b) for b in length_grouped_batches(lengths, hp.batch_size, hp.length_group, rng)]
        rng.shuffle(epoch)  # proportional sampling across tasks
        schedule += epoch
    return schedule[:total]


def _checked(schedule: list[MicroBatch], features: dict[str, list[Feature]]) -> list[MicroBatch]:
    """A given schedule, refused when it names a task without features or an index out of range."""
    for task, indices in schedule:
        if task not in features:
            raise ValueError(f"schedule names task {task!r}, which has no features (tasks: {sorted(features)})")
        bad = [i for i in indices if not 0 <= i < len(features[task])]
        if bad or not indices:
            raise ValueError(f"schedule batch for {task!r} holds {bad or 'no'} indices; it has {len(features[task])} features")
    return [(task, list(indices)) for task, indices in schedule]


def build_optimizer(params: list[tuple[str, nn.Parameter]], hp: TrainHParams, total_steps: int):
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight", "norm.weight")
    groups = [
        {"params": [p for n, p in params if not n.endswith(no_decay)], "weight_decay": hp.weight_decay},
        {"params": [p for n, p in params if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    # fused=True: one kernel for all tensors; on CPU ~5x faster per step than the default loop over
    # tensors for mE5's 76 M parameters (benchmarks/bench_train.py), same update rule.
    optimizer = torch.optim.AdamW(groups, lr=hp.lr, fused=True)
    warmup = int(hp.warmup * total_steps)

    def factor(step: int) -> float:  # linear warm-up from 0 to lr, then linear decay to 0, as transformers'
        if step < warmup:  # get_linear_schedule_with_warmup: optimizer step s runs at lr * factor(s)
            return step / max(1, warmup)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _atomic_save(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    torch.save(obj, tmp)
    os.replace(tmp, path)


class Trainer:
    """Trains ``encoder`` + ``heads`` on features of one or several tasks; resumable from ``checkpoint_dir``."""

    def __init__(
        self,
        encoder: nn.Module,
        heads: dict[str, Head],
        features: dict[str, list[Feature]],
        *,
        hp: TrainHParams,
        seed: int,
        device: torch.device,
        pad_id: int,
        precision: str = "auto",
        checkpoint_dir: Path | None = None,
        checkpoint_every: int = 50,
        checkpoint_seconds: float = 0.0,
        dev_score: Callable[[], float] | None = None,
        on_step: Callable[[int, int, float], None] | None = None,
        compact_vocab: bool = True,
        schedule: list[MicroBatch] | None = None,
        pad_multiple: int | None = None,
        compile_mode: str | None = None,
        bf16_norms: bool | None = None,
        cudnn_attention: bool = False,
    ):
        self.encoder, self.heads, self.features = encoder, nn.ModuleDict(heads), features
        self.hp, self.seed, self.device, self.pad_id, self.precision = hp, seed, device, pad_id, precision
        # token axis padded to a multiple of this (1: to the longest feature); None: the device's default
        self.pad_multiple = default_pad_multiple(device) if pad_multiple is None else pad_multiple
        if compile_mode is not None and compile_mode not in COMPILE_MODES:
            raise ValueError(f"unknown compile mode {compile_mode!r} (use {', '.join(COMPILE_MODES)} or None)")
        if compile_mode == "cudagraphs" and device.type != "cuda":
            raise ValueError(f"compile mode 'cudagraphs' needs a CUDA device, not {device}")
        self.compile_mode = compile_mode
        # LayerNorm in bf16 while training (None: whenever the loop autocasts to bf16, i.e. on a GPU)
        autocasting = precision_dtype(device, precision) == "bfloat16 autocast"
        self.bf16_norms = autocasting if bf16_norms is None else bool(bf16_norms) and autocasting
        self.cudnn_attention = cudnn_attention  # on a GPU: may SDPA pick cuDNN's attention kernels while training
        self._forward_encoder: nn.Module = encoder  # what the micro-steps call: the encoder, or it compiled
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every, self.checkpoint_seconds = max(1, checkpoint_every), checkpoint_seconds
        self.dev_score = dev_score if hp.early_stopping else None
        self.on_step = on_step or (lambda step, total, loss: None)
        self.schedule = make_schedule(features, hp, seed) if schedule is None else _checked(schedule, features)
        self.total_steps = math.ceil(len(self.schedule) / hp.grad_accum)
        self.compaction: VocabCompaction | None = None
        if compact_vocab:
            ids = (f["input_ids"] for task_features in features.values() for f in task_features)
            self.compaction = compact_vocabulary(self.encoder, ids, pad_id)
        self._build_optimizer()
        self._applied = 0  # optimizer steps the weights reflect (for the untouched rows' decay)

    def _build_optimizer(self) -> None:
        named = list(self.encoder.named_parameters()) + [(f"heads.{n}", p) for n, p in self.heads.named_parameters()]
        self.optimizer, self.scheduler = build_optimizer(named, self.hp, self.total_steps)

    def _decay(self, steps: int) -> float:
        """What ``steps`` AdamW steps did to a word-embedding row that never had a gradient."""
        weight = self.compaction.compact.weight
        group = next(g for g in self.optimizer.param_groups if any(p is weight for p in g["params"]))
        factor = self.scheduler.lr_lambdas[0]  # optimizer step s runs at initial_lr * factor(s)
        return decay_product(group["initial_lr"], group["weight_decay"], (factor(s) for s in range(steps)))

    def _dev_score(self, steps: int) -> float:
        if self.compaction is None:
            return self.dev_score()
        with self.compaction.expanded(self.encoder, self._decay(steps)):
            return self.dev_score()

    # -- checkpoints ---------------------------------------------------------------------------------------
    def _state(self, step: int, best: float | None, bad_evals: int) -> dict:
        return {
            "step": step,
            "encoder": self.encoder.state_dict(),
            "heads": self.heads.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if self.device.type == "cuda" else None,
            "best": best,
            "bad_evals": bad_evals,
            "vocab_used": len(self.compaction.used) if self.compaction is not None else None,
        }

    def _resume(self) -> tuple[int, float | None, int]:
        path = self.checkpoint_dir / "state.pt" if self.checkpoint_dir else None
        if path is None or not path.exists():
            return 0, None, 0
        state = torch.load(path, map_location=self.device, weights_only=False)
        used = len(self.compaction.used) if self.compaction is not None else None
        if state.get("vocab_used") is not None and state["vocab_used"] != used:
            raise RuntimeError(f"{path} was written while training a {state['vocab_used']}-token vocabulary, "
                               f"this run trains {used or 'the full vocabulary'}: delete the checkpoint to start over")
        if self.compaction is not None and state.get("vocab_used") is None:  # written by a dense trainer
            self.compaction.restore(self.encoder, 1.0)
            self.compaction = None
            self._build_optimizer()
        self.encoder.load_state_dict(state["encoder"])
        self.heads.load_state_dict(state["heads"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng"].cpu())
        if state.get("cuda_rng") is not None and self.device.type == "cuda":
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        return state["step"], state["best"], state["bad_evals"]

    def _save(self, step: int, best: float | None, bad_evals: int) -> None:
        if self.checkpoint_dir is not None:
            _atomic_save(self._state(step, best, bad_evals), self.checkpoint_dir / "state.pt")

    # -- the loop ------------------------------------------------------------------------------------------
    def _micro_step(self, task: str, indices: list[int], scale: float) -> torch.Tensor:
        """Forward and backward of one micro-batch; its loss, detached and not yet read (reading it would
        wait for the GPU)."""
        head = self.heads[task]
        batch = head.padded_to_multiple(head.collate([self.features[task][i] for i in indices], self.pad_id),
                                        self.pad_multiple, self.pad_id)
        batch = {k: v.to(self.device, non_blocking=True) for k, v in batch.items()}
        inputs = batch if self.compaction is None else {**batch, "input_ids": self.compaction.map_ids(batch["input_ids"])}
        if self.compile_mode == "cudagraphs":  # a new use of the graphs: the last micro-step's outputs are spent
            torch.compiler.cudagraph_mark_step_begin()
        with autocast(self.device, self.precision):
            hidden = run_encoder(self._forward_encoder, inputs, head.layer)  # [B, T, H]
            loss = head.loss(head(hidden, batch), batch)
        (loss * scale).backward()
        return loss.detach()

    def _compile(self) -> list:
        """Compile the encoder as it now is (compacted, resumed) for the micro-steps; the hooks to remove
        when training ends.

        Shapes are dynamic from the start, so a second batch width does not compile the encoder again
        ("cudagraphs" still records one graph per width). With CUDA graphs, a parameter's gradient is
        an output of the backward graph, and autograd keeps that very tensor as ``.grad`` when it had
        none: the next micro-batch's replay would overwrite it, so gradient accumulation would silently
        keep only the last micro-batch (pytorch/pytorch#169545). A hook on each parameter hands autograd
        a copy instead, when a step has more than one micro-batch."""
        if self.compile_mode is None:
            self._forward_encoder = self.encoder
            return []
        self._forward_encoder = torch.compile(self.encoder, mode=COMPILE_MODES[self.compile_mode], dynamic=True)
        if self.compile_mode != "cudagraphs" or self.hp.grad_accum == 1:
            return []
        return [p.register_hook(torch.clone) for p in self.encoder.parameters() if p.requires_grad]

    def train(self) -> TrainResult:
        start_step, best, bad_evals = self._resume()
        self._applied = start_step
        norms = bf16_norms_in(self.encoder) if self.bf16_norms else contextlib.nullcontext()
        hooks: list = []
        try:
            with norms, self._attention_kernels():
                hooks = self._compile()
                return self._loop(start_step, best, bad_evals)
        finally:  # the encoder never stays compacted, even when training fails
            for hook in hooks:
                hook.remove()
            self._forward_encoder = self.encoder
            if self.compaction is not None:
                self.compaction.restore(self.encoder, self._decay(self._applied))
                self.compaction = None

    def _attention_kernels(self):
        """On a GPU, unless ``cudnn_attention``: SDPA without cuDNN's kernels while training (flash, or
        memory-efficient attention for a padded batch). Measured on an H100 (README, "The same on a GPU, and
        MFU"): cuDNN sets up each batch width the first time it meets it (0.2-2.4 s), and even on widths
        it has seen, its backward pass for these short sequences was slower: a step of XLM-R Large's
        shape at batch 512 took 141 ms without it against 150-153 ms with it."""
        if self.device.type != "cuda" or self.cudnn_attention:
            return contextlib.nullcontext()
        from torch.nn.attention import SDPBackend, sdpa_kernel

        return sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH])

    def _report(self, step: int, losses: list[torch.Tensor]) -> None:
        """Read one step's loss (the mean of its micro-batches'), stop on a non-finite one, and pass it on."""
        loss = sum(float(x) for x in losses) / len(losses)
        if not math.isfinite(loss):
            raise FloatingPointError(f"training loss became {loss} at step {step}")
        self.on_step(step, self.total_steps, loss)

    def _loop(self, start_step: int, best: float | None, bad_evals: int) -> TrainResult:
        self.encoder.train()
        self.heads.train()
        t0, seen, stopped = time.perf_counter(), 0, False
        last_save = t0
        best_path = self.checkpoint_dir / "best.pt" if self.checkpoint_dir else None
        best_state = None
        pending: tuple[int, list[torch.Tensor]] | None = None  # the last step's losses, read one step later
        for step in range(start_step, self.total_steps):
            micro = self.schedule[step * self.hp.grad_accum : (step + 1) * self.hp.grad_accum]
            losses = [self._micro_step(task, idx, 1.0 / len(micro)) for task, idx in micro]
            seen += sum(len(idx) for _, idx in micro)
            params = [p for group in self.optimizer.param_groups for p in group["params"]]
            torch.nn.utils.clip_grad_norm_(params, self.hp.max_grad_norm)
            self.optimizer.step()
            self.scheduler.step()
            self.optimizer.zero_grad(set_to_none=True)
            self._applied = step + 1
            # On a GPU, reading a loss waits for its step to finish. The previous step's loss is read once
            # this step's work is queued, so the GPU is not left idle while Python prepares the next batch.
            # Before a dev evaluation, a checkpoint and at the end, this step's loss is read as well, so
            # a non-finite loss still stops the run before anything is scored or saved.
            if pending is not None:
                self._report(*pending)
            pending = (step + 1, losses)
            done = step + 1 == self.total_steps
            evaluate = self.dev_score is not None and ((step + 1) % self.hp.eval_every == 0 or done)
            due = (step + 1) % self.checkpoint_every == 0 and time.perf_counter() - last_save >= self.checkpoint_seconds
            if done or evaluate or due:
                self._report(*pending)
                pending = None
            if evaluate:
                score = self._dev_score(step + 1)
                self.encoder.train()
                self.heads.train()
                if best is None or score > best:
                    best, bad_evals = score, 0
                    best_state = {
                        "step": step + 1,
                        "encoder": {k: v.detach().clone() for k, v in self.encoder.state_dict().items()},
                        "heads": {k: v.detach().clone() for k, v in self.heads.state_dict().items()},
                    }
                    if best_path is not None:
                        _atomic_save(best_state, best_path)
                else:
                    bad_evals += 1
                    if bad_evals >= self.hp.patience:
                        stopped = True
            if not done and not stopped and due:
                self._save(step + 1, best, bad_evals)
                last_save = time.perf_counter()
            if stopped:
                break
        if self.dev_score is not None:  # keep the best dev checkpoint
            if best_state is None and best_path is not None and best_path.exists():
                best_state = torch.load(best_path, map_location=self.device, weights_only=False)
            if best_state is not None:
                self.encoder.load_state_dict(best_state["encoder"])
                self.heads.load_state_dict(best_state["heads"])
                self._applied = best_state.get("step", self._applied)
        return TrainResult(self.total_steps, seen, time.perf_counter() - t0, start_step, stopped, best)
