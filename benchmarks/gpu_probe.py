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
"""

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


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("shapes", "compile", "loop") or not torch.cuda.is_available():
        sys.exit("usage: python benchmarks/gpu_probe.py shapes | compile MODE[,MODE...] | loop BENCH_TRAIN_ARGS...   (needs a CUDA GPU)")
    torch.backends.cuda.matmul.allow_tf32 = True
    if sys.argv[1] == "loop":
        loop(sys.argv[2:])
    else:
        shapes() if sys.argv[1] == "shapes" else compiled(sys.argv[2] if len(sys.argv) > 2 else "eager,compile,reduce-overhead")
