"""GPU probes (not claimcheck's loop; CUDA only): what a training step of the paper's model shape costs on
the card, to explain bench_train.py's MFU figures. Random weights, bf16 autocast, SDPA attention.

  python benchmarks/gpu_probe.py shapes
      fwd+bwd per batch width (batch 32), first time a width is seen vs again, with and without cuDNN
      attention, for mE5-small's shape (12 x 384) and XLM-R Large's (24 x 1024); then a profile of four
      first-seen XLM-R Large steps (top operators by CPU time).
  python benchmarks/gpu_probe.py compile eager,compile,reduce-overhead
      one full step of XLM-R Large's shape (fwd, bwd, fused AdamW) at a fixed width, all tokens real,
      eager vs torch.compile (default) vs torch.compile(mode="reduce-overhead", CUDA graphs), batch 32
      and 128 of 48 tokens: ms per step and MFU against the H100's dense bf16 peak (989 TFLOP/s).
  python benchmarks/gpu_probe.py loop BENCH_TRAIN_ARGUMENTS...
      claimcheck's own loop, set up as bench_train.py sets it up from the same arguments (e.g.
      --device cuda --shape xlmr-large --batch-size 512 ...): torch.profiler over steps 15-22 of a
      24-step run, the top operators by GPU time.
  python benchmarks/gpu_probe.py variants --json OUT.json [--variants V,V...] [--profile V,V...] BENCH_TRAIN_ARGUMENTS...
      changes to claimcheck's micro-step, applied by the probe, each run through bench_train's claimcheck
      path on the same schedule (same seed), in one process, after a discarded run that meets every batch
      width first. "base" is the loop as it is; a variant joins changes with "+": "fp32norm" (autocast's
      float32 LayerNorm instead of bf16_norms), "mask2d" (transformers' 2-D padding mask instead of
      run_encoder's 4-D one), "cudnn" (SDPA may use
      cuDNN's attention), "math" (SDPA's plain matrix-product attention only). Per run: ms per optimizer
      step (median, and the mean over the steady window), steady MFU, accuracy, the largest step, the
      per-step loss gap to the first reported run; --profile: GPU time per step by kind of kernel. Runs
      on a CPU too (--tiny --device cpu), as a self-check.
"""

import contextlib
import sys
import time

import torch
from transformers import AutoModel, XLMRobertaConfig

PEAK = 989e12  # H100 SXM dense bf16, FLOP/s
dev = torch.device("cuda")


def config(large: bool) -> XLMRobertaConfig:
    return XLMRobertaConfig(vocab_size=30000, hidden_size=1024 if large else 384, num_hidden_layers=24 if large else 12,
                            num_attention_heads=16 if large else 12, intermediate_size=4096 if large else 1536,
                            max_position_embeddings=514, type_vocab_size=1, pad_token_id=1)


def build(large: bool):
    with torch.device(dev):
        return AutoModel.from_config(config(large), attn_implementation="sdpa", add_pooling_layer=False).train()


# -- shapes -------------------------------------------------------------------------------------------------

def step(model, b, t):
    ids = torch.randint(5, 30000, (b, t), device=dev)
    mask = torch.ones(b, t, device=dev, dtype=torch.long)
    mask[: b // 2, t - 3 :] = 0
    with torch.autocast("cuda", dtype=torch.bfloat16):
        loss = model(input_ids=ids, attention_mask=mask).last_hidden_state.float().pow(2).mean()
    loss.backward()


def timed(model, b, t):
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    step(model, b, t)
    torch.cuda.synchronize()
    return (time.perf_counter() - t0) * 1000


def shapes() -> None:
    print("sdp backends: cudnn", torch.backends.cuda.cudnn_sdp_enabled(), "flash", torch.backends.cuda.flash_sdp_enabled(),
          "mem_efficient", torch.backends.cuda.mem_efficient_sdp_enabled(), "math", torch.backends.cuda.math_sdp_enabled())
    base = 30
    for large in (False, True):
        model = build(large)
        step(model, 8, 16)
        for cudnn in (True, False):
            torch.backends.cuda.enable_cudnn_sdp(cudnn)
            lengths = list(range(base, base + 8))  # widths this process has not seen yet
            base += 10
            first = [timed(model, 32, t) for t in lengths]
            again = [timed(model, 32, t) for t in lengths]
            print(f"{'large' if large else 'small'} cudnn_sdp={cudnn}: first-seen ms {[round(x, 1) for x in first]}; "
                  f"again {[round(x, 1) for x in again]}", flush=True)
        torch.backends.cuda.enable_cudnn_sdp(True)
        if large:
            from torch.profiler import ProfilerActivity, profile

            with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
                for t in range(base, base + 4):
                    step(model, 32, t)
                torch.cuda.synchronize()
            print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=18, max_name_column_width=60))
        del model
        torch.cuda.empty_cache()


# -- compile ------------------------------------------------------------------------------------------------

def run(mode: str, b: int, t: int, steps: int = 12) -> None:
    torch.manual_seed(0)
    model = build(True)
    n = sum(p.numel() for p in model.parameters()) - sum(p.numel() for p in model.embeddings.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=True)
    fwd = model if mode == "eager" else torch.compile(model, mode=None if mode == "compile" else mode)
    ids = torch.randint(5, 30000, (b, t), device=dev)
    mask = torch.ones(b, t, device=dev, dtype=torch.long)

    def one_step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = fwd(input_ids=ids, attention_mask=mask).last_hidden_state.float().pow(2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    t0 = time.perf_counter()
    for _ in range(3):
        one_step()
    torch.cuda.synchronize()
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(steps):
        one_step()
    torch.cuda.synchronize()
    per = (time.perf_counter() - t0) / steps
    print(f"{mode:>15} batch {b:>3} x {t} tokens: {per * 1000:7.1f} ms/step, MFU {6 * n * b * t / per / PEAK:6.1%}"
          f" (first 3 steps {warm:.1f} s)", flush=True)


def compiled(modes: str) -> None:
    for mode in modes.split(","):
        for b, t in ((32, 48), (128, 48)):
            run(mode, b, t)  # its model and optimizer go with it
            torch.cuda.empty_cache()


# -- claimcheck's loop -----------------------------------------------------------------------------------------

def loop(argv: list[str]) -> None:
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_train as bt

    from claimcheck.replication import environment as env
    from claimcheck.replication.encoder import pad_id_of
    from claimcheck.replication.train import Trainer

    args = bt.parse_args(argv)
    setup = bt.build_setup(args, Path(tempfile.mkdtemp(prefix="gpu-probe-")))
    env.seed_everything(0, setup.device)
    tokenizer, encoder, head = bt.fresh_model(setup, 0)
    features = head.featurize(setup.train, tokenizer, setup.hp.max_length)
    prof = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA],
                                  schedule=torch.profiler.schedule(wait=12, warmup=2, active=8, repeat=1))
    trainer = Trainer(encoder, {"xnli": head}, {"xnli": features}, hp=setup.hp, seed=0, device=setup.device,
                      pad_id=pad_id_of(tokenizer), pad_multiple=args.pad_multiple, compile_mode=args.compile_mode,
                      on_step=lambda step, total, loss: prof.step())
    trainer.schedule = trainer.schedule[: 24 * setup.hp.grad_accum]  # 24 optimizer steps
    trainer.total_steps = 24
    with prof:
        trainer.train()
    print(prof.key_averages().table(sort_by="device_time_total", row_limit=22, max_name_column_width=60))


# -- variants of the micro-step ------------------------------------------------------------------------------

CHANGES = ("fp32norm", "mask2d", "cudnn", "math")


def _changes(name: str) -> frozenset:
    """The changes a variant name ("base" or changes joined by "+") stands for; an unknown one is refused."""
    changes = frozenset(name.split("+")) - {"base"}
    unknown = sorted(changes - set(CHANGES))
    if unknown:
        sys.exit(f"gpu_probe.py variants: unknown change(s) {', '.join(unknown)} in {name!r} (use base or {', '.join(CHANGES)})")
    return changes


def _probe_trainer(features: frozenset):
    """claimcheck's Trainer (the class as it is, and the one with the named changes)."""
    from claimcheck.replication import train as train_module

    base = train_module.Trainer

    class ProbeTrainer(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "bf16_norms": False if "fp32norm" in features else None,
                                       "cudnn_attention": bool(features & {"cudnn", "math"})})

    return base, ProbeTrainer


def _run_encoder_2d(encoder, batch, layer):
    """``run_encoder`` as it was: the encoder gets transformers' 2-D padding mask."""
    out = encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], output_hidden_states=layer is not None)
    return out.last_hidden_state if layer is None else out.hidden_states[layer]


@contextlib.contextmanager
def _applied(features: frozenset):
    """The changes that act outside the Trainer's arguments: "mask2d" (the loop's ``run_encoder`` swapped
    for ``_run_encoder_2d``) and "math" (SDPA's plain matrix-product attention only; the loop's own
    choice of kernels is off for it, see ``_probe_trainer``)."""
    from claimcheck.replication import train as train_module

    b = torch.backends.cuda
    saved = (b.cudnn_sdp_enabled(), b.flash_sdp_enabled(), b.mem_efficient_sdp_enabled(), b.math_sdp_enabled())
    run_encoder = train_module.run_encoder
    if "math" in features:
        b.enable_cudnn_sdp(False)
        b.enable_flash_sdp(False)
        b.enable_mem_efficient_sdp(False)
    if "mask2d" in features:
        train_module.run_encoder = _run_encoder_2d
    try:
        yield
    finally:
        train_module.run_encoder = run_encoder
        b.enable_cudnn_sdp(saved[0])
        b.enable_flash_sdp(saved[1])
        b.enable_mem_efficient_sdp(saved[2])
        b.enable_math_sdp(saved[3])


def variants(argv: list[str]) -> None:
    import argparse
    import json
    import statistics
    import tempfile
    from dataclasses import asdict
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_train as bt

    from claimcheck.replication import train as train_module

    p = argparse.ArgumentParser(prog="gpu_probe.py variants")
    p.add_argument("--json", required=True)
    p.add_argument("--variants", default="base,fp32norm+mask2d+cudnn,cudnn,fp32norm,base,fp32norm+mask2d+cudnn")
    p.add_argument("--profile", default="")
    p.add_argument("--compile-variant", help="also this variant with --compile MODE (a long first step)")
    p.add_argument("--no-warm", action="store_true", help="no discarded first run")
    ours, rest = p.parse_known_args(argv)
    args = bt.parse_args(rest)
    for name in [*ours.variants.split(","), *ours.profile.split(","), ours.compile_variant or ""]:
        if name:
            _changes(name)  # every name checked before anything runs
    work = Path(tempfile.mkdtemp(prefix="gpu-probe-"))
    setup = bt.build_setup(args, work)
    params = bt.non_embedding_params(setup)
    cuda = setup.device.type == "cuda"
    peak = bt.bf16_peak(torch.cuda.get_device_name(setup.device)) if cuda else None
    out = {"argv": argv, "label": setup.label, "hp": asdict(setup.hp), "params": params, "peak": peak,
           "torch": torch.__version__, "device": torch.cuda.get_device_name(setup.device) if cuda else "cpu", "runs": []}
    bt.warm_up(setup)

    def save():
        Path(ours.json).write_text(json.dumps(out, indent=1))

    def one(name: str, compile_mode: str | None = None) -> dict:
        features = _changes(name)
        base, probe = _probe_trainer(features)
        train_module.Trainer = probe
        try:
            with _applied(features):
                r = bt.run_claimcheck(setup, args.seed, work, checkpoints=False, pad_multiple=args.pad_multiple,
                                      compile_mode=compile_mode)
        finally:
            train_module.Trainer = base
        steps = [b - a for a, b in zip([0.0, *r.step_ends], r.step_ends)]
        window = bt.steady_window(r)
        row = {"variant": name + (f" compile={compile_mode}" if compile_mode else ""), "seconds": r.seconds,
               "examples_per_second": r.examples_per_second, "accuracy": r.accuracy,
               "median_step_ms": 1000 * statistics.median(steps[3:] or steps),
               "max_step_ms": 1000 * max(steps), "padding_share": 1 - r.real_tokens / r.padded_tokens,
               "step_ms": [round(1000 * x, 2) for x in steps], "step_tokens": r.step_tokens, "losses": r.losses}
        if out["runs"]:  # the per-step training losses against the first reported run's (same batches, same seed)
            first = out["runs"][0]["losses"]
            gaps = [abs(a - b) for a, b in zip(first, r.losses)]
            row["loss_gap_to_first"] = {"max": max(gaps), "mean": sum(gaps) / len(gaps)} if gaps else None
        if window is not None:
            tokens, examples, span = window
            row["steady_ms_per_step"] = 1000 * span / (len(steps) - max(3, -(-len(steps) // 10)))
            if peak:
                row["steady_mfu"] = bt.mfu(params, tokens, span, peak[1])
                row["whole_mfu"] = bt.mfu(params, r.real_tokens, r.seconds, peak[1])
                per = [bt.mfu(params, n, dt, peak[1]) for n, dt in zip(r.step_tokens, steps)]
                row["median_step_mfu"] = statistics.median(per[3:] or per)
        print(f"{row['variant']:<32} median step {row['median_step_ms']:7.1f} ms  steady {row.get('steady_ms_per_step', 0):7.1f} ms"
              f"  steady MFU {row.get('steady_mfu', 0):6.1%}  median-step MFU {row.get('median_step_mfu', 0):6.1%}"
              f"  max step {row['max_step_ms']:8.1f} ms  accuracy {row['accuracy']:.2f}"
              + (f"  loss gap to first run: max {row['loss_gap_to_first']['max']:.2e}" if row.get("loss_gap_to_first") else ""),
              flush=True)
        return row

    if not ours.no_warm:
        one("base+cudnn" if any("cudnn" in v for v in ours.variants.split(",")) else "base")  # meets every batch width first, not reported
    for name in filter(None, ours.variants.split(",")):
        out["runs"].append(one(name))
        save()
    for name in filter(None, ours.profile.split(",")):
        out.setdefault("profiles", {})[name] = _profile_variant(setup, args, name)
        save()
    if ours.compile_variant:
        out["runs"].append(one(ours.compile_variant, args.compile_mode or "default"))
        save()


def _profile_variant(setup, args, name: str) -> dict:
    """GPU time per optimizer step by kind of kernel over steps 13-20 of a 20-step run of the variant."""
    from torch.profiler import ProfilerActivity, profile, schedule

    import bench_train as bt

    from claimcheck.replication import environment as env
    from claimcheck.replication.encoder import pad_id_of

    env.seed_everything(args.seed, setup.device)
    tokenizer, encoder, head = bt.fresh_model(setup, args.seed)
    features = head.featurize(setup.train, tokenizer, setup.hp.max_length)
    prof = profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA], schedule=schedule(wait=10, warmup=2, active=8))
    changes = _changes(name)
    _, probe = _probe_trainer(changes)
    trainer = probe(encoder, {"xnli": head}, {"xnli": features}, hp=setup.hp, seed=args.seed, device=setup.device,
                    pad_id=pad_id_of(tokenizer), pad_multiple=args.pad_multiple, on_step=lambda s, t, l: prof.step())
    trainer.schedule = trainer.schedule[: 21 * setup.hp.grad_accum]
    trainer.total_steps = 21
    with prof, _applied(changes):
        trainer.train()
    kinds: dict[str, float] = {}
    for e in prof.key_averages():  # each kernel's time counts once, for the operator that launched it
        if e.device_type != torch.autograd.DeviceType.CPU or e.self_device_time_total <= 0:
            continue
        n = e.key.lower()
        kind = ("matmul" if any(x in n for x in ("mm", "matmul", "linear")) else
                "attention" if "attention" in n or "sdp" in n else
                "layer_norm" if "layer_norm" in n else
                "cast/copy" if any(x in n for x in ("copy", "_to_copy")) else
                "optimizer" if any(x in n for x in ("adam", "foreach")) else
                "dropout" if "dropout" in n or "bernoulli" in n else
                "gelu" if "gelu" in n else "other")
        kinds[kind] = kinds.get(kind, 0.0) + e.self_device_time_total / 1e3 / 8
    busy = sum(kinds.values())
    steps = [e for e in prof.events() if e.name.startswith("ProfilerStep") and e.device_type == torch.autograd.DeviceType.CPU]
    span = sum(e.time_range.elapsed_us() for e in steps) / 1e3 / max(1, len(steps))
    top = prof.key_averages().table(sort_by="device_time_total", row_limit=16, max_name_column_width=50)
    print(f"profile {name}: per step GPU busy {busy:.1f} ms of {span:.1f} ms; "
          + ", ".join(f"{k} {v:.1f}" for k, v in sorted(kinds.items(), key=lambda x: -x[1])), flush=True)
    print(top, flush=True)
    return {"busy_ms_per_step": busy, "span_ms_per_step": span,
            "ms_per_step_by_kind": kinds, "table": top}


if __name__ == "__main__":
    commands = ("shapes", "compile", "loop", "variants")
    if len(sys.argv) < 2 or sys.argv[1] not in commands or (sys.argv[1] != "variants" and not torch.cuda.is_available()):
        sys.exit("usage: python benchmarks/gpu_probe.py shapes | compile MODE[,MODE...] | loop BENCH_TRAIN_ARGS... | "
                 "variants --json OUT.json [...] BENCH_TRAIN_ARGS...   (needs a CUDA GPU; variants also runs on a CPU)")
    torch.backends.cuda.matmul.allow_tf32 = True
    if sys.argv[1] == "variants":
        variants(sys.argv[2:])
    elif sys.argv[1] == "loop":
        loop(sys.argv[2:])
    else:
        shapes() if sys.argv[1] == "shapes" else compiled(sys.argv[2] if len(sys.argv) > 2 else "eager,compile,reduce-overhead")
