"""File formats: how the rows a ``datasets`` builder reads become canonical examples.

A format names the ``datasets`` packaged builder ("csv", "json", "text") with its options, and a pure
function from the rows of each file (one list per file, in declared order) to examples. The same
functions serve the hub (rows from ``load_dataset(hub_id, config)``) where the hub rows have the same
fields. All XTREME files quirks live here:

* XNLI / PAWS-X dev TSVs end lines in CRLF: pandas' C parser drops the ``\\r`` (checked by a test);
* quoting is off (``quoting=3``): sentences contain unbalanced quotes;
* every column is read as a string (``"NA"``/``"null"`` stay text; PAWS-X ``NS`` rows are kept);
* CoNLL-style tagging files (``word\\tTAG``, blank line between sentences) are read line by line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Rows = list[dict[str, Any]]

NLI_LABELS = ("entailment", "neutral", "contradiction")
ANLI_CODES = {"e": "entailment", "n": "neutral", "c": "contradiction"}


@dataclass(frozen=True)
class Format:
    builder: str  # datasets packaged builder
    columns: tuple[str, ...] = ()  # csv: column names (all read as strings)
    options: dict[str, Any] = field(default_factory=dict)  # extra load_dataset kwargs
    to_examples: Callable[[Sequence[Rows]], list[dict]] = lambda files: [r for f in files for r in f]


def _label_index(value: Any, labels: Sequence[str], where: str) -> int:
    value = str(value).strip()
    if value in labels:
        return labels.index(value)
    if value.isdigit() and int(value) < len(labels):
        return int(value)
    raise ValueError(f"{where}: label {value!r} is not one of {list(labels)}")


def nli_tsv(files: Sequence[Rows]) -> list[dict]:
    """XNLI XTREME TSV: premise, hypothesis, label word (hub rows: label index; -1 = no gold label, skipped)."""
    return [
        {"text_a": r["premise"], "text_b": r["hypothesis"], "label": _label_index(r["label"], NLI_LABELS, "nli")}
        for f in files
        for r in f
        if str(r["label"]).strip() != "-1"
    ]


def paraphrase_tsv(files: Sequence[Rows]) -> list[dict]:
    """PAWS-X XTREME TSV (s1, s2, 0/1) or original test TSV (id, sentence1, sentence2, label)."""
    return [
        {"text_a": r["sentence1"], "text_b": r["sentence2"], "label": _label_index(r["label"], ("0", "1"), "pawsx")}
        for f in files
        for r in f
    ]


def anli_jsonl(files: Sequence[Rows]) -> list[dict]:
    return [
        {"text_a": r["context"], "text_b": r["hypothesis"], "label": NLI_LABELS.index(ANLI_CODES[r["label"]])}
        for f in files
        for r in f
    ]


def siqa_jsonl(files: Sequence[Rows]) -> list[dict]:
    return [
        {
            "context": r["context"],
            "question": r["question"],
            "choices": [r["answerA"], r["answerB"], r["answerC"]],
            "label": "ABC".index(r["correct"].strip()),
        }
        for f in files
        for r in f
    ]


def squad_json(files: Sequence[Rows]) -> list[dict]:
    """SQuAD v1.1 JSON (``data`` field): one example per question."""
    out = []
    for f in files:
        for article in f:
            title = article.get("title") or ""
            for para in article["paragraphs"]:
                for qa in para["qas"]:
                    answers = qa.get("answers") or []
                    out.append(
                        {
                            "id": str(qa["id"]),
                            "title": title,
                            "context": para["context"],
                            "question": qa["question"],
                            "answers": {
                                "text": [a["text"] for a in answers],
                                "answer_start": [int(a["answer_start"]) for a in answers],
                            },
                        }
                    )
    return out


def conll_lines(files: Sequence[Rows]) -> list[dict]:
    """``word\\tTAG`` lines, a blank line between sentences."""
    out, tokens, tags = [], [], []
    for f in files:
        for r in f + [{"text": ""}]:
            line = r["text"].rstrip("\r")
            if not line.strip():
                if tokens:
                    out.append({"tokens": tokens, "tags": tags})
                tokens, tags = [], []
                continue
            word, _, tag = line.rpartition("\t")
            tokens.append(word)
            tags.append(tag)
    return out


def tatoeba_lines(files: Sequence[Rows]) -> list[dict]:
    """Two files: xx lines, en lines; line i of one translates line i of the other. Lines are kept as the
    file has them; the retrieval head embeds each one stripped (``heads.retrieval.embedded_text``)."""
    xx, en = ([r["text"].rstrip("\r") for r in f] for f in files)
    if len(xx) != len(en):
        raise ValueError(f"tatoeba: {len(xx)} source lines but {len(en)} English lines")
    ids = [str(i) for i in range(len(xx))]
    return [{"source_ids": ids, "source": xx, "target_ids": ids, "target": en, "gold": [(i, i) for i in ids]}]


def bucc_lines(files: Sequence[Rows]) -> list[dict]:
    """Three files: ``id\\tsentence`` for xx, for en, and gold ``xx-id\\ten-id`` pairs. Sentences are kept
    as the file has them (mining tells exact texts apart, as XTREME's ``text_load_unify`` does); the
    retrieval head embeds each one stripped (``heads.retrieval.embedded_text``)."""
    src, tgt, gold = ([r["text"].rstrip("\r").split("\t", 1) for r in f if r["text"].strip()] for f in files)
    return [
        {
            "source_ids": [i for i, _ in src],
            "source": [s for _, s in src],
            "target_ids": [i for i, _ in tgt],
            "target": [s for _, s in tgt],
            "gold": [(a, b) for a, b in gold],
        }
    ]


# -- hub rows (declared for users with network; field names as the hub datasets publish them) --------------


def qqp_rows(files: Sequence[Rows]) -> list[dict]:
    return [{"text_a": r["question1"], "text_b": r["question2"], "label": int(r["label"])} for f in files for r in f]


def squad_rows(files: Sequence[Rows]) -> list[dict]:
    keys = ("id", "title", "context", "question", "answers")
    return [{k: r.get(k, "") for k in keys} for f in files for r in f]


def hellaswag_rows(files: Sequence[Rows]) -> list[dict]:
    """As jiant builds HellaSwag: the prompt is ``ctx_a`` and each choice is ``ctx_b + " " + ending``
    (``ctx_b`` is the start of the sentence the ending completes, so it belongs with each choice; the
    hub's ``ctx`` is ``ctx_a`` and ``ctx_b`` joined). An empty ``ctx_b`` adds no leading space."""
    return [
        {
            "context": r["ctx_a"],
            "question": "",
            "choices": [f"{r['ctx_b']} {e}" if r["ctx_b"] else e for e in r["endings"]],
            "label": int(r["label"]),
        }
        for f in files
        for r in f
    ]


def cosmosqa_rows(files: Sequence[Rows]) -> list[dict]:
    return [
        {"context": r["context"], "question": r["question"], "choices": [r[f"answer{i}"] for i in range(4)], "label": int(r["label"])}
        for f in files
        for r in f
    ]


def commonsenseqa_rows(files: Sequence[Rows]) -> list[dict]:
    return [
        {
            "context": "",
            "question": r["question"],
            "choices": list(r["choices"]["text"]),
            "label": list(r["choices"]["label"]).index(r["answerKey"]),
        }
        for f in files
        for r in f
    ]


def siqa_rows(files: Sequence[Rows]) -> list[dict]:
    return [
        {
            "context": r["context"],
            "question": r["question"],
            "choices": [r["answerA"], r["answerB"], r["answerC"]],
            "label": int(r["label"]) - 1,
        }
        for f in files
        for r in f
    ]


TSV = {"sep": "\t", "quoting": 3, "header": None, "keep_default_na": False, "na_filter": False}

FORMATS: dict[str, Format] = {
    "xnli_tsv": Format("csv", ("premise", "hypothesis", "label"), TSV, nli_tsv),
    "pawsx_tsv": Format("csv", ("sentence1", "sentence2", "label"), TSV, paraphrase_tsv),
    "pawsx_test_tsv": Format("csv", ("id", "sentence1", "sentence2", "label"), {**TSV, "skiprows": 1}, paraphrase_tsv),
    "anli_jsonl": Format("json", (), {}, anli_jsonl),
    "siqa_jsonl": Format("json", (), {}, siqa_jsonl),
    "squad_json": Format("json", (), {"field": "data"}, squad_json),
    "conll_tsv": Format("text", (), {}, conll_lines),
    "tatoeba_txt": Format("text", (), {}, tatoeba_lines),
    "bucc_tsv": Format("text", (), {}, bucc_lines),
    # hub rows: the builder is the hub dataset itself
    "nli_rows": Format("hub", (), {}, nli_tsv),
    "paraphrase_rows": Format("hub", (), {}, paraphrase_tsv),
    "qqp_rows": Format("hub", (), {}, qqp_rows),
    "squad_rows": Format("hub", (), {}, squad_rows),
    "hellaswag_rows": Format("hub", (), {}, hellaswag_rows),
    "cosmosqa_rows": Format("hub", (), {}, cosmosqa_rows),
    "commonsenseqa_rows": Format("hub", (), {}, commonsenseqa_rows),
    "siqa_rows": Format("hub", (), {}, siqa_rows),
}
