"""Benchmark (not a test): claimcheck's training loop against the Hugging Face ``Trainer``.

Both paths fine-tune the same model (same tokenizer, same ``AutoModel`` encoder class, same initial
weights) with the same head on the same features, and both trained models are scored by the same
evaluation code, so only the training loop differs:

* claimcheck: ``claimcheck.replication.train.Trainer``, built as ``claimcheck replicate`` builds it
  (``pipeline._train``): dynamic padding, length-grouped micro-batches, fused AdamW with no decay on
  biases and LayerNorm over the used vocabulary only (``vocab_compaction``: the untouched embedding
  rows get their weight decay in closed form, the dense result), linear warm-up/decay, clipping, bf16
  autocast on a GPU with its LayerNorms in bf16 (``--fp32-norms``: autocast's float32) and attention
  without cuDNN (``--cudnn-attention``: with), resumable checkpoints in a temporary folder (every 50
  steps, at most once per 120 s, the ``RunContext`` defaults).
* Hugging Face: ``transformers.Trainer`` with ``TrainingArguments`` defaults (transformers 5.23:
  random sampler, ``DataCollatorWithPadding`` = dynamic padding, ``adamw_torch_fused``, linear
  schedule, fp32 unless ``--trainer-bf16``, save every 500 steps). Set equal, as hyper-parameters:
  learning rate, epochs, batch size (and gradient accumulation), max length (the features are
  shared), warm-up (the same number of steps), weight decay and seed. The model is ``encoder + PairClassificationHead`` wrapped in a
  small ``nn.Module`` whose ``forward`` returns ``{"loss", "logits"}``: claimcheck's own head module
  (mean pooling for mE5, dense-tanh-linear as RoBERTa's head), not ``BertForSequenceClassification``
  (whose pooler mE5 does not ship).

Data (default): the shared mE5-small (unpacked with ``../shared/tools/unpack_model.py``) and English
XNLI dev from ``../shared/data``: rows 1-1245 train, rows 1246-2490 are scored (disjoint premises).
Hyper-parameters: the proxy preset's XNLI target (3 epochs, batch 16, lr 3e-5, 128 tokens, 10 % warm-up).
``--tiny``: a random-init 2-layer BERT and generated NLI rows (the smoke kit's generators).

Reported: training examples/second of each path (wall time of building the trainer + ``train()``),
the ratio, tokens, English accuracy of each (they should agree within 0.5 points), the training loss of
each (per optimizer step in the JSON, per epoch on screen), and on CUDA the MFU: 6 x non-embedding
parameters x real (non-padding) tokens / seconds / the card's dense bf16 peak. The whole-run figures
include the start (building the trainer, the first steps); the *steady* figures time the steps after the
first tenth (at least 3 steps), from the end of one optimizer step to the end of the last. On CUDA one
untimed forward and backward pass runs first, so neither path pays for starting the GPU.

``--shape xlmr-large`` trains XLM-R Large's architecture (24 layers, hidden 1024, 16 heads, FFN 4096:
the paper's model) with random weights and the model's tokenizer, to measure throughput and MFU at
the paper's model size on a GPU; its accuracies mean nothing (no pre-trained weights).

``--matched`` takes batch order and dropout out of the comparison: the Trainer runs first, and
claimcheck's loop then replays the Trainer's own batches in the Trainer's order (``Trainer(schedule=)``),
with dropout off in both. What is left to differ is the loop's arithmetic (compact vocabulary, clipping,
schedule, optimizer), so the two loss curves should stay together and the accuracies agree. In the
default mode the two paths see different random batches and dropout masks, so one seed's accuracies
differ by training noise (a spread of about 2 points on this data; ``train_gaps.py`` pairs many seeds).

Run:
  python benchmarks/bench_train.py --tiny                                  # quick self-check, ~15 s
  python benchmarks/bench_train.py --model DIR [--threads 2] [--seeds 3] [--json out.json]
  python benchmarks/bench_train.py --model DIR --device cuda [--trainer-bf16]
  python benchmarks/bench_train.py --model DIR --device cuda --shape xlmr-large --batch-size 32 --trainer-bf16
  python benchmarks/bench_train.py --model DIR [--threads 2] --matched --seed 26   # same batches, no dropout
  python benchmarks/bench_train.py --model DIR --device cuda --shape xlmr-large --only claimcheck \
      --batch-size 512 --train-languages ar,bg,de,...,zh --no-checkpoints [--compile cudagraphs]

``--only PATH`` runs one path (no ratio or accuracy gap); ``--compile`` compiles claimcheck's encoder
(``Trainer(compile_mode=)``); ``--train-languages`` adds the same rows of other languages' XNLI dev
files to the training rows (translations of the English ones, none of them scored), so that
length-grouped batches pad less; ``--grad-accum`` sets the micro-batches per optimizer step.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import lzma
import math
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import torch
from torch import nn

from claimcheck.errors import InputError

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
AGREE_POINTS = 0.5
# dense (no sparsity) bf16 tensor-core peak per card, FLOP/s, from NVIDIA's data sheets; first match wins
BF16_PEAK = (
    ("H100 NVL", 835e12), ("H100 PCIe", 756e12), ("H100", 989e12), ("GH200", 989e12), ("H200", 989e12),
    ("A100", 312e12), ("L40S", 362e12), ("L4", 121e12),
)
# architectures --shape builds with random weights (XLM-R Large: the published xlm-roberta-large config)
SHAPES = {
    "xlmr-large": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16, "intermediate_size": 4096,
                   "max_position_embeddings": 514, "type_vocab_size": 1, "layer_norm_eps": 1e-5},
}
STEADY_SKIP = 0.1  # steady figures leave out this share of the first optimizer steps (at least 3)


@dataclass(frozen=True)
class Setup:
    model: str  # model directory
    encoder: object  # EncoderSpec (pooling, text prefix, random_init)
    hp: object  # TrainHParams
    train: list  # canonical pair examples
    evals: list
    device: torch.device
    label: str  # what ran, for the report


@dataclass
class PathResult:
    path: str  # "claimcheck" | "hf-trainer"
    seed: int
    examples: int  # training examples processed
    seconds: float
    real_tokens: int  # non-padding tokens processed in training
    padded_tokens: int  # tokens processed including padding
    steps: int
    accuracy: float  # English accuracy on the scored rows, points
    losses: list[float]  # mean training loss of each optimizer step
    step_ends: list[float] = field(default_factory=list)  # seconds from the start to the end of each optimizer step
    step_tokens: list[int] = field(default_factory=list)  # real tokens of each optimizer step
    step_examples: list[int] = field(default_factory=list)  # examples of each optimizer step

    @property
    def examples_per_second(self) -> float:
        return self.examples / self.seconds


# -- data and model -----------------------------------------------------------------------------------------

def save_tiny_kit(root: Path, n_rows: int, seed: int = 0) -> tuple[Path, Path]:
    """Generated XNLI-style rows (CRLF, xz, premise groups of 3) and a config-only tiny BERT model."""
    from claimcheck.replication.smoke import nli_rows, save_smoke_model

    rows = nli_rows(random.Random(seed), math.ceil(n_rows / 3))
    data = root / "data"
    (data / "xnli").mkdir(parents=True, exist_ok=True)
    with lzma.open(data / "xnli" / "dev-en.tsv.xz", "wb") as f:
        f.write("".join(f"{a}\t{b}\t{y}\r\n" for a, b, y in rows).encode("utf-8"))
    model = save_smoke_model(root / "model", [t for a, b, _ in rows for t in (a, b)])
    return data, model


def load_rows(data_dir: Path, rows: tuple[int, int], cache: Path, languages: tuple[str, ...] = ("en",)) -> list[dict]:
    """These rows of the XNLI dev file of each language, one language after another."""
    from claimcheck.replication.tasks import get_task
    from claimcheck.replication.tasks.loading import load_examples

    return [example for language in languages
            for example in load_examples(get_task("xnli"), "dev", language, data_dir=data_dir, cache_dir=cache, rows=rows).examples]


def build_setup(args, work: Path) -> Setup:
    from claimcheck.replication import environment as env
    from claimcheck.replication.presets import PROXY, SMOKE, XNLI_EVAL_ROWS, XNLI_TRAIN_ROWS
    from claimcheck.replication.spec import EncoderSpec

    preset = SMOKE if args.tiny else PROXY
    if args.tiny:
        n_train, n_eval = args.train_examples or 120, args.eval_examples or 120
        data, model = save_tiny_kit(work / "tiny", n_train + n_eval)
        train_rows, eval_rows = (0, n_train), (n_train, n_train + n_eval)
    else:
        data = Path(args.data_dir)
        if not (data / "xnli" / "dev-en.tsv.xz").is_file():
            raise InputError("no English XNLI dev file here (pass --data-dir, or --tiny)", path=str(data), field="--data-dir")
        model = args.model or unpack_shared_model(work)
        train_rows = (XNLI_TRAIN_ROWS[0], XNLI_TRAIN_ROWS[0] + (args.train_examples or 1245))
        eval_rows = (XNLI_EVAL_ROWS[0], XNLI_EVAL_ROWS[0] + (args.eval_examples or 1245))
    encoder = preset.model.encoder
    if args.shape:
        model = shaped_model(str(model), args.shape, work)
        encoder = EncoderSpec(f"{args.shape} (random weights)", pooling="cls", random_init=True)
    hp = preset.target("xnli").hparams
    changes = {"epochs": args.epochs, "batch_size": args.batch_size, "grad_accum": args.grad_accum,
               "max_length": args.max_length, "lr": args.lr}
    if args.tiny and args.epochs is None:
        changes["epochs"] = 15.0  # the tiny model needs more passes than the smoke preset's 2 to learn the rules
    hp = replace(hp, **{k: v for k, v in changes.items() if v is not None})
    device = env.choose_device(args.device)
    if device.type == "cpu":
        env.configure_cpu_threads(args.threads or (1 if args.tiny else None))
    cache = work / "datasets-cache"
    languages = tuple(args.train_languages.split(","))
    train, evals = load_rows(data, train_rows, cache, languages), load_rows(data, eval_rows, cache)
    what = "tiny random-init BERT, generated NLI rows" if args.tiny else f"{Path(model).name}, English XNLI dev"
    if args.shape:
        what = f"{args.shape} architecture, random weights (throughput only: its accuracy means nothing), " + what.split(", ", 1)[1]
    if languages != ("en",):
        what += f", training rows also from the {', '.join(languages)} dev files"
    label = f"{what}: train rows {train_rows[0] + 1}-{train_rows[0] + len(train) // len(languages)}, scored rows {eval_rows[0] + 1}-{eval_rows[0] + len(evals)}"
    return Setup(str(model), encoder, hp, train, evals, device, label)


def shaped_model(tokenizer_dir: str, shape: str, work: Path) -> str:
    """A model folder holding ``tokenizer_dir``'s tokenizer files and the config of ``shape`` (no weights,
    so the encoder is built with random ones), its vocabulary the tokenizer's."""
    import shutil

    from transformers import XLMRobertaConfig

    from claimcheck.replication.encoder import load_tokenizer

    tokenizer = load_tokenizer(tokenizer_dir)
    out = work / f"{shape}-random"
    out.mkdir(parents=True, exist_ok=True)
    for f in Path(tokenizer_dir).iterdir():  # everything but the model's own config and weights
        if f.is_file() and f.name != "config.json" and f.suffix not in (".safetensors", ".bin", ".pt"):
            shutil.copy2(f, out / f.name)
    ids = {f"{k}_id": getattr(tokenizer, f"{k}_id") for k in ("pad_token", "bos_token", "eos_token")}
    XLMRobertaConfig(vocab_size=len(tokenizer), **{k: v for k, v in ids.items() if v is not None}, **SHAPES[shape]).save_pretrained(out)
    return str(out)


def unpack_shared_model(work: Path) -> str:
    """The shared mE5-small pack unpacked into ``work`` (the pack's own tool; it verifies checksums)."""
    import subprocess

    pack, tool = SHARED / "models" / "me5-small-q4", SHARED / "tools" / "unpack_model.py"
    if not pack.is_dir():
        raise InputError("no model: pass --model DIR (an unpacked mE5-small) or use --tiny", path=str(pack), field="--model")
    out = work / "me5-small"
    subprocess.run([sys.executable, str(tool), str(pack), str(out)], check=True, stdout=subprocess.DEVNULL)
    return str(out)


def fresh_model(setup: Setup, seed: int, *, dropout: bool = True):
    """Tokenizer, encoder and head with the weights both paths start from (a function of the seed);
    ``dropout=False`` sets every dropout probability to 0 (BERT's attention reads its module's ``p``)."""
    from claimcheck.replication.encoder import load_encoder, load_tokenizer
    from claimcheck.replication.heads.pair_classification import PairClassificationHead
    from claimcheck.replication.tasks import get_task

    tokenizer = load_tokenizer(setup.model)
    encoder = load_encoder(setup.encoder, setup.model, seed=seed)
    torch.manual_seed(seed)  # head initialisation, as pipeline._train does
    head = PairClassificationHead(get_task("xnli"), encoder.config.hidden_size, pooling=setup.encoder.pooling,
                                  text_prefix=setup.encoder.text_prefix)
    if not dropout:
        for module in (*encoder.modules(), *head.modules()):
            if isinstance(module, nn.Dropout):
                module.p = 0.0
    return tokenizer, encoder.to(setup.device), head.to(setup.device)


def accuracy_of(encoder, head, tokenizer, setup: Setup) -> float:
    """Both paths are scored by claimcheck's evaluation code (length-sorted batches, same precision)."""
    from claimcheck.replication.evaluate import predict_features

    features = head.featurize(setup.evals, tokenizer, setup.hp.max_length)
    preds = predict_features(encoder, head, features, pad_id=int(tokenizer.pad_token_id), device=setup.device)
    return float(head.score(setup.evals, features, preds)["accuracy"])


def warm_up(setup: Setup) -> None:
    """One untimed forward and backward pass on a GPU, in bf16 autocast and in float32 (the CUDA context,
    cuBLAS, the kernels), so the first timed path does not pay for starting the GPU."""
    if setup.device.type != "cuda":
        return
    from claimcheck.replication.encoder import pad_id_of, run_encoder
    from claimcheck.replication.environment import autocast

    tokenizer, encoder, head = fresh_model(setup, 0)
    features = head.featurize(setup.train[: setup.hp.batch_size], tokenizer, setup.hp.max_length)
    batch = {k: v.to(setup.device) for k, v in head.collate(features, pad_id_of(tokenizer)).items()}
    for precision in ("auto", "fp32"):
        with autocast(setup.device, precision):
            loss = head.loss(head(run_encoder(encoder, batch, head.layer), batch), batch)
        loss.backward()
    _sync(setup.device)


def _sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


@contextlib.contextmanager
def _restored_torch_flags():
    """``seed_everything`` sets process-wide flags (deterministic kernels, TF32); keep them out of the
    other path."""
    saved = (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled(),
             torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(saved[0], warn_only=saved[1])
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved[2], saved[3]


# -- the two paths --------------------------------------------------------------------------------------------

def run_claimcheck(setup: Setup, seed: int, work: Path, *, checkpoints: bool = True,
                   batches: list[list[int]] | None = None, pad_multiple: int | None = None,
                   compile_mode: str | None = None, bf16_norms: bool | None = None,
                   cudnn_attention: bool = False) -> PathResult:
    """claimcheck's loop; ``batches`` (the Trainer's, in its order) replace its own schedule, with dropout off."""
    from claimcheck.replication import environment as env
    from claimcheck.replication.encoder import pad_id_of
    from claimcheck.replication.runners.base import RunContext
    from claimcheck.replication.train import Trainer

    ctx = RunContext(home=work)  # checkpoint cadence of `claimcheck replicate`
    with _restored_torch_flags():
        env.seed_everything(seed, setup.device)
        tokenizer, encoder, head = fresh_model(setup, seed, dropout=batches is None)
        features = head.featurize(setup.train, tokenizer, setup.hp.max_length)
        losses: list[float] = []
        ends: list[float] = []  # the loop reads step s's loss once step s+1 is queued; s is done by then

        def on_step(step: int, total: int, loss: float) -> None:
            losses.append(loss)
            ends.append(time.perf_counter() - t0)

        schedule = None if batches is None else [("xnli", b) for b in batches]
        _sync(setup.device)
        t0 = time.perf_counter()
        trainer = Trainer(encoder, {"xnli": head}, {"xnli": features}, hp=setup.hp, seed=seed, device=setup.device,
                          pad_id=pad_id_of(tokenizer), precision="auto",
                          checkpoint_dir=work / f"cc-{seed}" / "checkpoint" if checkpoints else None,
                          checkpoint_every=ctx.checkpoint_every, checkpoint_seconds=ctx.checkpoint_seconds,
                          on_step=on_step, schedule=schedule, pad_multiple=pad_multiple, compile_mode=compile_mode,
                          bf16_norms=bf16_norms, cudnn_attention=cudnn_attention)
        result = trainer.train()
        _sync(setup.device)
        seconds = time.perf_counter() - t0
        lengths = [[len(features[i]["input_ids"]) for i in idx] for _, idx in trainer.schedule]
        accuracy = accuracy_of(encoder, head, tokenizer, setup)
    padded = sum(len(b) * (max(b) + -max(b) % trainer.pad_multiple) for b in lengths)
    return PathResult("claimcheck", seed, result.examples_seen, seconds, sum(map(sum, lengths)),
                      padded, result.steps, accuracy, losses, ends,
                      *per_step(lengths, setup.hp.grad_accum))


def per_step(micro_lengths: list[list[int]], grad_accum: int) -> tuple[list[int], list[int]]:
    """Real tokens and examples of each optimizer step, from its micro-batches' feature lengths."""
    steps = [micro_lengths[i : i + grad_accum] for i in range(0, len(micro_lengths), grad_accum)]
    return [sum(map(sum, step)) for step in steps], [sum(map(len, step)) for step in steps]


class HFPairClassifier(nn.Module):
    """``encoder`` + claimcheck's head in the shape ``transformers.Trainer`` expects; it also records
    what it trains on (examples, real and padded tokens, each micro-batch's feature indices and loss),
    without a device sync."""

    def __init__(self, encoder, head):
        super().__init__()
        self.encoder, self.head = encoder, head
        self.examples, self.padded_tokens = 0, 0
        self.batches: list[torch.Tensor] = []  # feature indices of each training micro-batch, in order
        self.losses: list[torch.Tensor] = []  # each training micro-batch's loss, detached
        self.register_buffer("real_tokens", torch.zeros((), dtype=torch.long), persistent=False)

    def forward(self, input_ids, attention_mask, labels=None, index=None):  # [B, T], [B, T], [B], [B]
        batch = {"input_ids": input_ids, "attention_mask": attention_mask}
        # the encoder as transformers runs it (the 2-D mask), not claimcheck's run_encoder
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=self.head.layer is not None)
        hidden = out.last_hidden_state if self.head.layer is None else out.hidden_states[self.head.layer]
        logits = self.head(hidden, batch)  # [B, C]
        if self.training:
            self.examples += int(input_ids.shape[0])
            self.padded_tokens += int(input_ids.numel())
            self.real_tokens += attention_mask.sum()
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = self.head.loss(logits, {"label": labels})
        if self.training and index is not None:
            self.batches.append(index.detach())
            if labels is not None:
                self.losses.append(out["loss"].detach())
        return out


def run_hf_trainer(setup: Setup, seed: int, work: Path, *, bf16: bool = False,
                   dropout: bool = True) -> tuple[PathResult, list[list[int]]]:
    """The Trainer's run and its micro-batches (feature indices, in the order it trained on them)."""
    import datasets
    from transformers import Trainer, TrainerCallback, TrainingArguments

    tokenizer, encoder, head = fresh_model(setup, seed, dropout=dropout)
    features = head.featurize(setup.train, tokenizer, setup.hp.max_length)  # the same features
    rows = [{"input_ids": f["input_ids"], "attention_mask": [1] * len(f["input_ids"]), "label": f["label"], "index": i}
            for i, f in enumerate(features)]
    dataset = datasets.Dataset.from_list(rows)
    model = HFPairClassifier(encoder, head)
    hp = setup.hp
    steps = math.ceil(round(hp.epochs * math.ceil(len(rows) / hp.batch_size)) / hp.grad_accum)
    args = TrainingArguments(
        output_dir=str(work / f"hf-{seed}"),
        learning_rate=hp.lr,
        num_train_epochs=hp.epochs,
        per_device_train_batch_size=hp.batch_size,
        gradient_accumulation_steps=hp.grad_accum,
        warmup_steps=int(hp.warmup * steps),  # claimcheck's warm-up step count (train.build_optimizer)
        weight_decay=hp.weight_decay,  # a hyper-parameter: the same (the Trainer also spares biases and LayerNorm)
        seed=seed,
        use_cpu=setup.device.type == "cpu",
        bf16=bf16,
    )
    ends: list[float] = []

    class StepEnds(TrainerCallback):  # the Trainer reads each step's loss (its NaN filter): the step is done
        def on_step_end(self, args, state, control, **kwargs):
            ends.append(time.perf_counter() - t0)

    _sync(setup.device)
    t0 = time.perf_counter()
    trainer = Trainer(model=model, args=args, train_dataset=dataset, processing_class=tokenizer, callbacks=[StepEnds()])
    output = trainer.train()
    _sync(setup.device)
    seconds = time.perf_counter() - t0
    accuracy = accuracy_of(model.encoder, model.head, tokenizer, setup)
    batches = [b.tolist() for b in model.batches]
    micro = [float(x) for x in model.losses]
    k = hp.grad_accum  # the Trainer's micro-batches -> optimizer steps, as claimcheck reports its loss
    losses = [sum(micro[i : i + k]) / len(micro[i : i + k]) for i in range(0, len(micro), k)]
    step_tokens, step_examples = per_step([[len(features[i]["input_ids"]) for i in b] for b in batches], k)
    result = PathResult("hf-trainer", seed, model.examples, seconds, int(model.real_tokens), model.padded_tokens,
                        output.global_step, accuracy, losses, ends, step_tokens, step_examples)
    return result, batches


# -- FLOPs and the report -------------------------------------------------------------------------------------

def non_embedding_params(setup: Setup) -> int:
    """Parameters a token's forward/backward multiplies through: encoder minus embeddings, plus the head."""
    _, encoder, head = fresh_model(setup, 0)
    embed = sum(p.numel() for p in encoder.embeddings.parameters())
    return sum(p.numel() for p in encoder.parameters()) - embed + sum(p.numel() for p in head.parameters())


def bf16_peak(device_name: str) -> tuple[str, float] | None:
    for card, peak in BF16_PEAK:
        if card.lower() in device_name.lower():
            return card, peak
    return None


def mfu(params: int, tokens: int, seconds: float, peak: float) -> float:
    """Model FLOPs utilisation: 6 * N * D training FLOPs over the time, as a share of the peak."""
    return 6.0 * params * tokens / seconds / peak


def steps_per_epoch(setup: Setup) -> int:
    return max(1, math.ceil(math.ceil(len(setup.train) / setup.hp.batch_size) / setup.hp.grad_accum))


def epoch_means(losses: list[float], per_epoch: int) -> list[float]:
    """Mean training loss of each epoch (the last one may be cut short)."""
    chunks = [losses[i : i + per_epoch] for i in range(0, len(losses), per_epoch)]
    return [sum(c) / len(c) for c in chunks if c]


def loss_gaps(results: list[PathResult]) -> list[dict]:
    """Per seed, how far claimcheck's per-step training loss is from the Trainer's."""
    out = []
    for seed in sorted({r.seed for r in results}):
        pair = {r.path: r for r in results if r.seed == seed}
        cc, hf = pair.get("claimcheck"), pair.get("hf-trainer")
        if cc is None or hf is None or not cc.losses or len(cc.losses) != len(hf.losses):
            continue
        diffs = [abs(a - b) for a, b in zip(cc.losses, hf.losses)]
        worst = max(range(len(diffs)), key=diffs.__getitem__)
        out.append({"seed": seed, "max_abs": diffs[worst], "at_step": worst + 1, "mean_abs": sum(diffs) / len(diffs),
                    "first_step_abs": diffs[0]})
    return out


def steady_window(r: PathResult) -> tuple[int, int, float] | None:
    """(real tokens, examples, seconds) of the steps after the first tenth (at least 3), timed from the end
    of the last step left out; None when the run has too few timed steps."""
    n = len(r.step_ends)
    skip = max(3, math.ceil(STEADY_SKIP * n))
    if not n == len(r.step_tokens) == len(r.step_examples) or n - skip < 2:
        return None
    span = r.step_ends[-1] - r.step_ends[skip - 1]
    if span <= 0:
        return None
    return sum(r.step_tokens[skip:]), sum(r.step_examples[skip:]), span


def summarise(results: list[PathResult], params: int, peak: tuple[str, float] | None, per_epoch: int = 0) -> dict:
    """Each path's figures; the comparison when both ran (``--only`` runs one)."""
    out = {}
    for path in ("claimcheck", "hf-trainer"):
        rs = [r for r in results if r.path == path]
        if not rs:
            continue
        seconds = sum(r.seconds for r in rs)
        s = {"examples_per_second": sum(r.examples for r in rs) / seconds, "seconds": seconds,
             "accuracy": sum(r.accuracy for r in rs) / len(rs), "real_tokens": sum(r.real_tokens for r in rs),
             "padded_tokens": sum(r.padded_tokens for r in rs)}
        s["padding_share"] = 1 - s["real_tokens"] / s["padded_tokens"]
        if per_epoch and all(r.losses for r in rs):  # mean over the seeds of each epoch's mean loss
            curves = [epoch_means(r.losses, per_epoch) for r in rs]
            s["loss_per_epoch"] = [sum(c[e] for c in curves) / len(curves) for e in range(min(map(len, curves)))]
        s["flops_per_second"] = 6.0 * params * s["real_tokens"] / seconds
        if peak is not None:
            s["mfu"] = mfu(params, s["real_tokens"], seconds, peak[1])
        windows = [w for w in map(steady_window, rs) if w is not None]
        if windows and len(windows) == len(rs):
            tokens, examples, span = (sum(w[i] for w in windows) for i in range(3))
            s["steady"] = {"seconds": span, "real_tokens": tokens, "examples_per_second": examples / span,
                           "flops_per_second": 6.0 * params * tokens / span}
            if peak is not None:
                s["steady"]["mfu"] = mfu(params, tokens, span, peak[1])
        out[path] = s
    if len(out) < 2:
        return out
    cc, hf = out["claimcheck"], out["hf-trainer"]
    out["speed_ratio"] = cc["examples_per_second"] / hf["examples_per_second"]
    out["accuracy_gap"] = cc["accuracy"] - hf["accuracy"]
    out["accuracies_agree"] = abs(out["accuracy_gap"]) <= AGREE_POINTS
    out["loss_gaps"] = loss_gaps(results)
    return out


def render(summary: dict, results: list[PathResult], meta: dict) -> str:
    lines = [f"bench_train: {meta['label']}", f"  device {meta['device']}; hyper-parameters {meta['hp']}",
             f"  non-embedding parameters {meta['params']:,}; seeds {meta['seeds']}", ""]
    head = f"  {'path':<19}{'ex/s':>10}{'seconds':>10}{'tokens':>11}{'padding':>9}{'GFLOP/s':>10}{'accuracy':>10}"
    lines += [head + ("     MFU" if meta.get("peak") else "")]
    ran = [path for path in ("claimcheck", "hf-trainer") if path in summary]
    for path in ran:
        s = summary[path]
        row = (f"  {path:<19}{s['examples_per_second']:>10.2f}{s['seconds']:>10.1f}{s['real_tokens']:>11,}"
               f"{s['padding_share']:>8.0%} {s['flops_per_second'] / 1e9:>10.1f}{s['accuracy']:>10.2f}")
        lines.append(row + (f"{s['mfu']:>8.1%}" if "mfu" in s else ""))
    for path in ran:
        if "steady" in summary[path]:
            st = summary[path]["steady"]
            row = (f"  {path + ' steady':<19}{st['examples_per_second']:>10.2f}{st['seconds']:>10.1f}{st['real_tokens']:>11,}"
                   f"{'':>9} {st['flops_per_second'] / 1e9:>10.1f}{'':>10}")
            lines.append(row + (f"{st['mfu']:>8.1%}" if "mfu" in st else ""))
    if len(ran) == 1:
        lines += ["", f"  only {ran[0]} ran (--only): no comparison"]
    else:
        lines += ["", f"  speed ratio claimcheck / Trainer: {summary['speed_ratio']:.2f}x",
                  f"  accuracy gap {summary['accuracy_gap']:+.2f} points: "
                  + ("agree" if summary["accuracies_agree"] else "DO NOT agree") + f" within {AGREE_POINTS} points"]
    lines += loss_lines(summary, meta)
    if len(ran) == 2:
        lines.append(
              "  Trainer set: lr, epochs, batch size, grad accumulation, warm-up steps, weight decay, seed; the rest its defaults:"
              " adamw_torch_fused over every parameter (claimcheck: fused AdamW over the used vocabulary), random batches"
              + (" (claimcheck: the Trainer's own batches, replayed), dropout off in both," if meta.get("matched")
                 else " (claimcheck: length-grouped),")
              + (" bf16" if meta.get("trainer_bf16") else " fp32 (claimcheck: bf16 autocast on a GPU)"))
    if meta.get("compile_mode"):
        lines.append(f"  claimcheck's encoder compiled: --compile {meta['compile_mode']}")
    if meta.get("claimcheck_cudnn_attention"):
        lines.append("  claimcheck's attention may use cuDNN's kernels, on a GPU (--cudnn-attention)")
    if meta.get("fp32_norms"):
        lines.append("  claimcheck's LayerNorms in float32 under bf16 autocast, on a GPU (--fp32-norms)")
    if meta.get("peak"):
        lines.append(f"  MFU against {meta['peak'][0]} dense bf16 peak {meta['peak'][1] / 1e12:.0f} TFLOP/s (6 x N x real tokens)")
    if len(results) > 2:
        lines += ["", "  per seed:"] + [f"    seed {r.seed} {r.path:<11} {r.examples_per_second:8.2f} ex/s  acc {r.accuracy:.2f}" for r in results]
    return "\n".join(lines)


def loss_lines(summary: dict, meta: dict) -> list[str]:
    lines = []
    for path in ("claimcheck", "hf-trainer"):
        if "loss_per_epoch" in summary.get(path, {}):
            lines.append(f"  training loss per epoch, {path:<11} " + "  ".join(f"{x:.4f}" for x in summary[path]["loss_per_epoch"]))
    for g in summary.get("loss_gaps", []):
        lines.append(f"  seed {g['seed']}: per-step loss difference mean {g['mean_abs']:.2e}, largest {g['max_abs']:.2e}"
                     f" (step {g['at_step']}), first step {g['first_step_abs']:.2e}")
    if meta.get("matched"):
        lines.insert(0, "  matched: claimcheck trained on the Trainer's own batches, in its order; dropout off in both")
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tiny", action="store_true", help="tiny random-init model and generated data (self-check)")
    p.add_argument("--model", help="unpacked mE5-small directory (default: unpack ../shared/models/me5-small-q4 to a temp dir)")
    p.add_argument("--data-dir", default=str(SHARED / "data"), help="XTREME-layout data folder (default ../shared/data)")
    p.add_argument("--train-examples", type=int, help="first N of the training rows (default 1245; tiny 120)")
    p.add_argument("--eval-examples", type=int, help="first N of the scored rows (default 1245; tiny 120)")
    p.add_argument("--epochs", type=float, help="default: the proxy preset's 3 (tiny: 15)")
    p.add_argument("--batch-size", type=int, help="default: the preset's (proxy 16, tiny 8)")
    p.add_argument("--grad-accum", type=int, help="micro-batches per optimizer step (default: the preset's, 1)")
    p.add_argument("--max-length", type=int, help="tokens per feature (default: proxy 128, tiny 48)")
    p.add_argument("--lr", type=float, help="default: the preset's (proxy 3e-5, tiny 2e-3)")
    p.add_argument("--threads", type=int, help="torch intra-op threads on a CPU (default: torch's; tiny 1)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--seeds", type=int, default=1, help="repeat over seeds seed..seed+N-1, alternating which path runs first")
    p.add_argument("--matched", action="store_true",
                   help="claimcheck replays the Trainer's batches in its order, dropout off in both (see above)")
    p.add_argument("--no-checkpoints", action="store_true", help="claimcheck path without its resumable checkpoints (replicate writes them)")
    p.add_argument("--trainer-bf16", action="store_true", help="CUDA: TrainingArguments(bf16=True) instead of the fp32 default")
    p.add_argument("--peak-tflops", type=float, help="CUDA: the card's dense bf16 peak, when not in the built-in table")
    p.add_argument("--pad-multiple", type=int, help="claimcheck: pad each batch's token axis to a multiple of this "
                   "(default: replicate's, 8 on a GPU and 1 on a CPU)")
    p.add_argument("--no-cudnn-attention", action="store_true", help="CUDA, both paths, process-wide: attention without "
                   "cuDNN's kernels (claimcheck's loop leaves them out anyway unless --cudnn-attention)")
    p.add_argument("--train-languages", default="en", help="train on the training rows of these XNLI dev files, "
                   "comma-separated (default en; more rows make length-grouped batches pad less, for --shape throughput)")
    p.add_argument("--cudnn-attention", action="store_true",
                   help="claimcheck on a GPU: let SDPA use cuDNN's attention (Trainer(cudnn_attention=True))")
    p.add_argument("--fp32-norms", action="store_true",
                   help="claimcheck on a GPU: autocast's float32 LayerNorm, not bf16 (Trainer(bf16_norms=False))")
    p.add_argument("--compile", dest="compile_mode", choices=["default", "cudagraphs"],
                   help="claimcheck: compile the encoder (torch.compile; cudagraphs: CUDA only, also CUDA graphs)")
    p.add_argument("--only", choices=["claimcheck", "hf-trainer"], help="run this path alone (no comparison)")
    p.add_argument("--shape", choices=sorted(SHAPES), help="train this architecture with random weights and the model's "
                   "tokenizer (throughput and MFU at the paper's model size; accuracy means nothing)")
    p.add_argument("--json", help="also write the results as JSON to this file")
    args = p.parse_args(argv)
    if args.tiny and args.train_languages != "en":
        p.error("--tiny has English rows only: --train-languages cannot be given with it")
    if args.matched and args.only:
        p.error("--matched compares the two paths: it cannot run with --only")
    if args.cudnn_attention and args.no_cudnn_attention:
        p.error("--cudnn-attention and --no-cudnn-attention contradict each other")
    if args.compile_mode == "cudagraphs" and args.device != "cuda":
        p.error("--compile cudagraphs needs --device cuda")
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        work = Path(tmp)
        setup = build_setup(args, work)
        if args.no_cudnn_attention:
            torch.backends.cuda.enable_cudnn_sdp(False)
        warm_up(setup)
        gc.collect()
        # claimcheck's loop as the arguments set it
        loop = {"checkpoints": not args.no_checkpoints, "pad_multiple": args.pad_multiple, "compile_mode": args.compile_mode,
                "bf16_norms": False if args.fp32_norms else None, "cudnn_attention": args.cudnn_attention}
        results: list[PathResult] = []
        for k in range(args.seeds):
            seed = args.seed + k
            if args.matched:  # the Trainer first: claimcheck replays its batches
                hf, batches = run_hf_trainer(setup, seed, work, bf16=args.trainer_bf16, dropout=False)
                gc.collect()
                results += [hf, run_claimcheck(setup, seed, work, batches=batches, **loop)]
                gc.collect()
                continue
            order = ("claimcheck", "hf-trainer") if k % 2 == 0 else ("hf-trainer", "claimcheck")
            for path in order if args.only is None else (args.only,):
                if path == "claimcheck":
                    results.append(run_claimcheck(setup, seed, work, **loop))
                else:
                    results.append(run_hf_trainer(setup, seed, work, bf16=args.trainer_bf16)[0])
                gc.collect()
        params = non_embedding_params(setup)
    peak = None
    if setup.device.type == "cuda":
        name = torch.cuda.get_device_name(setup.device)
        peak = (name, args.peak_tflops * 1e12) if args.peak_tflops else bf16_peak(name)
        if peak is None:
            print(f"note: no bf16 peak known for {name!r}; pass --peak-tflops for MFU", file=sys.stderr)
    summary = summarise(results, params, peak, steps_per_epoch(setup))
    from claimcheck.replication import environment as env

    meta = {"label": setup.label, "device": env.describe_device(setup.device), "hp": asdict(setup.hp), "params": params,
            "seeds": args.seeds, "matched": args.matched, "steps_per_epoch": steps_per_epoch(setup), "peak": peak,
            "trainer_bf16": args.trainer_bf16, "checkpoints": not args.no_checkpoints, "shape": args.shape,
            "pad_multiple": args.pad_multiple or env.pad_multiple(setup.device), "compile_mode": args.compile_mode,
            "only": args.only, "cudnn_attention": not args.no_cudnn_attention, "fp32_norms": args.fp32_norms,
            "claimcheck_cudnn_attention": args.cudnn_attention,
            "argv": sys.argv[1:] if argv is None else argv, "packages": env.package_versions()}
    print(render(summary, results, meta))
    payload = {"meta": meta, "summary": summary, "runs": [asdict(r) for r in results]}
    if args.json:
        Path(args.json).write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return payload


if __name__ == "__main__":
    from claimcheck.errors import ClaimcheckError

    try:
        main()
    except ClaimcheckError as exc:  # e.g. --device cuda without a GPU, a model folder that does not load
        print(f"bench_train: {exc}", file=sys.stderr)
        sys.exit(2)
