"""The one place that touches the machine: device, seeds, determinism, precision, provenance.

Training and evaluation code asks this module for a device, an autocast context and a seeded state,
and the pipeline asks it for the provenance a run record carries (package versions, git revision,
device, dtype, host, sha256 of the model weights).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import random
import re
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from claimcheck.errors import InputError

PACKAGES = ("claimcheck", "torch", "transformers", "datasets", "tokenizers", "numpy", "safetensors")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_SHA_CACHE: dict[tuple[str, int, int], str] = {}


def choose_device(requested: str = "auto"):
    """"auto": the GPU when there is one, else the CPU; "cuda" without a GPU, or "cuda:N" past the last
    GPU, is an input error (bad input, exit 2, not a failed run)."""
    import torch

    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not re.fullmatch(r"cpu|cuda(:[0-9]+)?", requested):  # as the CLI checks it: "cuda:x" is no device either
        raise InputError(f"unknown device {requested!r} (use cpu, cuda, cuda:N or auto)", field="--device")
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(f"--device {requested} was asked for but torch sees no GPU", field="--device")
    if requested.startswith("cuda:") and int(requested[5:]) >= (n := torch.cuda.device_count()):
        # else torch's "invalid device ordinal" inside the run: every run stored as failed, exit 1
        raise InputError(f"--device {requested}: torch sees {n} GPU{'s' if n > 1 else ''} (cuda:0 to cuda:{n - 1})",
                         field="--device")
    return torch.device(requested)


def seed_everything(seed: int, device) -> None:
    """Seed Python, numpy and torch; on a CPU also ask torch for deterministic kernels."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if device.type == "cpu":
        torch.use_deterministic_algorithms(True, warn_only=True)
    else:
        torch.backends.cuda.matmul.allow_tf32 = True  # bf16 autocast does the heavy lifting; TF32 for the rest
        torch.backends.cudnn.allow_tf32 = True


def configure_cpu_threads(threads: int | None) -> None:
    """Set torch's intra-op threads (None: leave torch's default, one per core). Tiny models (the smoke
    preset) run faster on one thread: synchronising threads costs more than their matrix products,
    ten times more on a busy 2-core machine."""
    import torch

    if threads is not None and threads > 0 and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def precision_dtype(device, precision: str = "auto") -> str:
    """What the run computes in: bf16 autocast on a GPU (when "auto" or "bf16"), float32 otherwise."""
    if precision == "fp32" or device.type != "cuda":
        return "float32"
    return "bfloat16 autocast"


def training_dtype(device, precision: str = "auto") -> str:
    """``precision_dtype`` as a run's provenance records it: under bf16 autocast the training loop also
    keeps its LayerNorms in bf16 (``bf16_norms``, the Trainer's default there)."""
    dtype = precision_dtype(device, precision)
    return dtype + ", bf16 LayerNorm in training" if dtype == "bfloat16 autocast" else dtype


def pad_multiple(device) -> int:
    """Width multiple a training batch's token axis is padded to: 8 on a GPU, 1 (the longest feature) on a CPU.

    Measured on an H100 (``benchmarks/bench_train.py``, README "Training speed"): each new batch width
    costs a GPU step its kernel set-up again (cuDNN builds an attention graph per shape: 0.2-2.4 s the
    first time, 35-80 ms after), and with one width per length a short fine-tuning keeps meeting new
    ones. Multiples of 8 leave a few widths; claimcheck's steady speed rose from 270 to 425 examples/s
    (XLM-R Large shape, batch 32) and from 244 to 372 (mE5-small, batch 16). On a CPU the padding would
    only add arithmetic, so CPU runs are unchanged."""
    return 8 if device.type == "cuda" else 1


def autocast(device, precision: str = "auto"):
    import torch

    if precision_dtype(device, precision) == "bfloat16 autocast":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def describe_device(device) -> str:
    import torch

    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    return f"cpu ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_revision() -> str:
    """The commit of the claimcheck checkout this code runs from ("" when not in a git checkout)."""
    here = Path(__file__).resolve().parent
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    if rev.returncode != 0:
        return ""
    return rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def sha256_file(path: Path) -> str:
    """sha256 of one file, cached per (path, size, mtime) for the life of the process."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _SHA_CACHE:
        h = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 22), b""):
                h.update(block)
        _SHA_CACHE[key] = h.hexdigest()
    return _SHA_CACHE[key]


def sha256_weights(model_dir: str | Path) -> str:
    """sha256 over the model's weight files (name + bytes, sorted); "" for a hub id not on disk."""
    path = Path(model_dir)
    files = sorted(p for name in WEIGHT_FILES for p in path.glob(name)) if path.is_dir() else []
    if not files:
        return ""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0" + sha256_file(f).encode())
    return h.hexdigest()


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


_STATIC: dict = {}


def static_provenance() -> dict:
    """What does not change between runs of one process, read once, when first asked. ``replicate``
    asks before its first run, so the git revision is that of the code the process loaded, even when
    the checkout moves on while its runs go on (a revision read at each run's end would relabel them)."""
    if not _STATIC:
        _STATIC.update({
            "packages": package_versions(),
            "git_revision": git_revision(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "host": socket.gethostname(),
        })
    return dict(_STATIC)
