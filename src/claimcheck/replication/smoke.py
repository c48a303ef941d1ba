"""The smoke kit: tiny generated data in the offline kit's XTREME layout, and a tiny model to train.

``save_smoke_kit(root)`` writes, deterministically:

* ``root/data``: xz-compressed files laid out as ``../shared/data`` (XNLI/PAWS-X TSV with CRLF line
  ends, ANLI JSONL, Tatoeba line-aligned text, BUCC id/sentence files with gold pairs) for English and
  two made-up "languages" (``de``, ``zh``: each English word respelled by a fixed rule);
* ``root/model``: a BERT config (2 layers, hidden 32) and a WordPiece tokenizer trained, in-process with
  the ``tokenizers`` library, on the generated text. No weights: the encoder is built from the config,
  its random weights fixed by the run's seed.

The labels follow simple rules (an entailed hypothesis repeats the premise's words, a contradiction
negates it, a paraphrase swaps two words), so a model can learn something in a few seconds.
"""

from __future__ import annotations

import json
import lzma
import random
from pathlib import Path

WORDS = (
    "cat dog bird fish horse mouse tree river house city road car boat train school book song game door "
    "window garden market friend mother father child teacher doctor farmer king queen sun moon star rain "
    "snow wind fire water stone bread apple milk tea coffee red blue green small big old new fast slow"
).split()
VERBS = "sees likes finds takes makes wants keeps needs helps loves".split()
CONFIG = {
    "architectures": ["BertModel"],
    "model_type": "bert",
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 64,
    "type_vocab_size": 1,
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "layer_norm_eps": 1e-12,
    "initializer_range": 0.02,
}


def respell(sentence: str, lang: str) -> str:
    """A made-up translation: every word respelled by a fixed rule per language."""
    if lang == "en":
        return sentence
    if lang == "de":
        return " ".join(w[::-1] + "en" for w in sentence.split())
    if lang == "zh":
        return " ".join("x" + w[1:] + w[0] for w in sentence.split())
    raise ValueError(lang)


def _sentence(rng: random.Random, n: int = 5) -> str:
    words = rng.sample(WORDS, n)
    return f"{words[0]} {rng.choice(VERBS)} " + " ".join(words[1:])


def _write_xz(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(path, "wb") as f:
        f.write(text.encode("utf-8"))


def nli_rows(rng: random.Random, n_premises: int) -> list[tuple[str, str, str]]:
    rows = []
    for _ in range(n_premises):
        p = _sentence(rng, 6)
        words = p.split()
        rows += [
            (p, " ".join(words[:4]), "entailment"),
            (p, "no " + " ".join(words[:4]), "contradiction"),
            (p, _sentence(rng, 4), "neutral"),
        ]
    return rows


def paraphrase_rows(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    rows = []
    for i in range(n):
        s = _sentence(rng, 6).split()
        if i % 2 == 0:
            j = rng.randrange(2, len(s) - 1)
            t = s[:j] + [s[j + 1], s[j]] + s[j + 2 :]
            rows.append((" ".join(s), " ".join(t), "1"))
        else:
            rows.append((" ".join(s), _sentence(rng, 6), "0"))
    return rows


def save_smoke_data(data_dir: Path, seed: int = 0) -> Path:
    rng = random.Random(seed)
    nli = nli_rows(rng, 20)  # 60 rows, premise groups of 3 as in XNLI
    paws = paraphrase_rows(rng, 60)
    for lang in ("en", "de"):
        _write_xz(data_dir / f"xnli/dev-{lang}.tsv.xz",
                  "".join(f"{respell(a, lang)}\t{respell(b, lang)}\t{y}\r\n" for a, b, y in nli))
        _write_xz(data_dir / f"pawsx/dev-{lang}.tsv.xz",
                  "".join(f"{respell(a, lang)}\t{respell(b, lang)}\t{y}\r\n" for a, b, y in paws))
    for r in (1, 2, 3):
        rows = [{"uid": f"r{r}-{i}", "context": a, "hypothesis": b, "label": y[0], "tag": f"r{r}_dev"}
                for i, (a, b, y) in enumerate(nli_rows(rng, 4))]
        _write_xz(data_dir / f"anli/dev-r{r}.jsonl.xz", "".join(json.dumps(x) + "\n" for x in rows))
    pairs = [_sentence(rng, 5) for _ in range(30)]
    _write_xz(data_dir / "tatoeba/test-de.de.txt.xz", "".join(respell(s, "de") + "\n" for s in pairs))
    _write_xz(data_dir / "tatoeba/test-de.en.txt.xz", "".join(s + "\n" for s in pairs))
    en = [_sentence(rng, 5) for _ in range(40)]
    zh_src = en[:10] + [_sentence(rng, 5) for _ in range(20)]  # 10 translations among 30 sentences
    order = list(range(len(zh_src)))
    rng.shuffle(order)
    zh_ids = {k: f"zh-{pos + 1:09d}" for pos, k in enumerate(order)}
    _write_xz(data_dir / "bucc2018/dev-zh-en.zh.xz",
              "".join(f"{zh_ids[k]}\t{respell(zh_src[k], 'zh')}\n" for k in order))
    _write_xz(data_dir / "bucc2018/dev-zh-en.en.xz", "".join(f"en-{i + 1:09d}\t{s}\n" for i, s in enumerate(en)))
    _write_xz(data_dir / "bucc2018/dev-zh-en.gold.xz", "".join(f"{zh_ids[k]}\ten-{k + 1:09d}\n" for k in range(10)))
    return data_dir


def _all_text(data_dir: Path) -> list[str]:
    lines = []
    for path in sorted(data_dir.rglob("*.xz")):
        with lzma.open(path, "rt", encoding="utf-8") as f:
            lines += [line.strip() for line in f]
    return lines


def save_smoke_model(model_dir: Path, texts: list[str], vocab_size: int = 400) -> Path:
    """A config-only BERT model directory with a WordPiece tokenizer trained on ``texts``."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    tok.decoder = decoders.WordPiece()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]", model_max_length=CONFIG["max_position_embeddings"],
    )
    model_dir.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(model_dir)
    config = {**CONFIG, "vocab_size": tok.get_vocab_size(), "pad_token_id": tok.token_to_id("[PAD]")}
    (model_dir / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return model_dir


def save_smoke_kit(root: Path, seed: int = 0) -> tuple[Path, Path]:
    """Write (or reuse) the smoke data and model under ``root``; returns (data_dir, model_dir)."""
    data_dir, model_dir = root / "data", root / "model"
    if not (model_dir / "config.json").exists():
        save_smoke_data(data_dir, seed)
        save_smoke_model(model_dir, _all_text(data_dir))
    return data_dir, model_dir
