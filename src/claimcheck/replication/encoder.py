"""The shared encoder: loading (pretrained, from a stage checkpoint, or random-init from a config),
running it for a head, and saving it as a stage checkpoint.

Weights load with SDPA attention (PyTorch's fused scaled-dot-product kernels) and without the pooler:
no head here reads the pooler, and mE5 ships none (it would be random).
"""

from __future__ import annotations

import os
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.replication.spec import EncoderSpec


def _offline_if_local(location: str) -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # claimcheck draws its own progress bars
    hf_logging.set_verbosity_error()  # "pooler MISSING" and similar load reports are expected here
    if Path(location).exists():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory never needs the network


def load_tokenizer(location: str):
    from transformers import AutoTokenizer

    _offline_if_local(location)
    try:
        return AutoTokenizer.from_pretrained(location)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot load a tokenizer: {exc}", path=location, field="--model") from None


def load_encoder(spec: EncoderSpec, location: str, *, seed: int):
    """The encoder at ``location`` (a directory or hub id); random-init from its config when
    ``spec.random_init`` (weights then depend on ``seed`` only)."""
    import torch
    from transformers import AutoConfig, AutoModel

    _offline_if_local(location)
    kwargs = {"attn_implementation": "sdpa", "add_pooling_layer": False}
    try:
        if spec.random_init and not (Path(location) / "model.safetensors").exists():
            config = AutoConfig.from_pretrained(location)
            torch.manual_seed(seed)
            return AutoModel.from_config(config, **kwargs)
        return AutoModel.from_pretrained(location, **kwargs)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot load the encoder: {exc}", path=location, field="--model") from None


def pad_id_of(tokenizer) -> int:
    if tokenizer.pad_token_id is None:
        raise InputError("the tokenizer defines no padding token", field="--model")
    return int(tokenizer.pad_token_id)


def attention_mask_for(encoder, mask):
    """The mask to hand ``encoder`` for a [B, T] padding mask (1 = token).

    On a GPU with SDPA attention: the [B, 1, T, T] boolean mask transformers would build from it. Given
    the 2-D mask, transformers first checks whether any token is padding (``padding_mask.all()``, to
    drop the mask when none is), and reading that answer makes Python wait for the GPU to finish all
    queued work in every forward pass. A 4-D mask is used as it is. Elsewhere (a CPU, another attention
    implementation) the 2-D mask is returned unchanged."""
    if not mask.is_cuda or mask.dim() != 2 or getattr(encoder.config, "_attn_implementation", None) != "sdpa":
        return mask
    return expanded_mask(mask)


def expanded_mask(mask):
    """[B, T] padding mask (1 = token) -> the [B, 1, T, T] boolean mask (True = may attend) that
    transformers' SDPA path builds from it (a broadcast view: every query row sees the same keys)."""
    b, t = mask.shape
    return mask.bool()[:, None, None, :].expand(b, 1, t, t)


def run_encoder(encoder, batch, layer: int | None):
    """Hidden states [B, T, H] of one layer (None = last) for a padded batch."""
    out = encoder(
        input_ids=batch["input_ids"],
        attention_mask=attention_mask_for(encoder, batch["attention_mask"]),
        output_hidden_states=layer is not None,
    )
    return out.last_hidden_state if layer is None else out.hidden_states[layer]


def save_encoder(encoder, tokenizer, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    encoder.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
