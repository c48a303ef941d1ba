"""A tiny random-init encoder and a tokenizer trained on the test's own text, for the head tests.

The default tokenizer mimics XLM-R's: SentencePiece-style word boundaries ("▁"), ``<s> A </s></s> B </s>``
pairs, <pad> id 1; a BERT-like WordPiece one is there too (the smoke preset's kind). The encoder is an
XLM-R configuration with 2 layers of width 32 and no dropout, so a few optimiser steps on a handful of
examples take about a second on CPU.
"""

from __future__ import annotations

WORDS = (
    "the river runs past old stone bridges while merchants sell bread cheese apples and wine "
    "in the market square every morning before the bells of the cathedral ring nine times "
    "unbelievably extraordinary internationalisation"
).split()


def tiny_tokenizer(texts, vocab_size: int = 150, kind: str = "sentencepiece"):
    """``sentencepiece``: XLM-R-like (BPE over "▁"-marked words, ``<s> A </s></s> B </s>``, <pad> id 1);
    ``wordpiece``: BERT-like (lower-cased, "##" continuations, ``[CLS] A [SEP] B [SEP]``, [PAD] id 0)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    if kind == "wordpiece":
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tok.normalizer = normalizers.BertNormalizer(lowercase=True)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.decoder = decoders.WordPiece()
        trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False)
        tok.train_from_iterator(list(texts), trainer)
        tok.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
        )
        return PreTrainedTokenizerFast(tokenizer_object=tok, cls_token="[CLS]", sep_token="[SEP]",
                                       pad_token="[PAD]", unk_token="[UNK]")
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    tok.train_from_iterator(list(texts), trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials,
                                                             show_progress=False))
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", sep_token="</s>",
                                   cls_token="<s>", pad_token="<pad>", unk_token="<unk>")


def tiny_encoder(vocab_size: int, seed: int = 0, pad_token_id: int = 1):
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel

    torch.manual_seed(seed)
    config = XLMRobertaConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=256, type_vocab_size=1, pad_token_id=pad_token_id,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    )
    return XLMRobertaModel(config, add_pooling_layer=False)


def train_steps(encoder, head, batch, steps: int = 40, lr: float = 3e-3) -> list[float]:
    """Full-batch AdamW steps on encoder + head; the loss after each step."""
    import torch

    encoder.train()
    head.train()
    opt = torch.optim.AdamW(list(encoder.parameters()) + list(head.parameters()), lr=lr)
    losses = []
    for _ in range(steps):
        hidden = encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        loss = head.loss(head(hidden, batch), batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def run_eval(encoder, head, batch) -> list:
    import torch

    encoder.eval()
    head.eval()
    with torch.no_grad():
        hidden = encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        return head.predict(head(hidden, batch), batch)
