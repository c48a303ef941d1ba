"""Sequence-labelling F1 for PAN-X and UD-POS, as seqeval 0.0.12 computes it.

XTREME's ``evaluate.py`` (and jiant, which Phang et al. used and which pins ``seqeval==0.0.12``) calls
``seqeval.metrics.f1_score`` on the tag sequences of both tasks. Its chunking is re-implemented here so
the number does not depend on the installed seqeval: version 1.x takes a prefix-less tag's type from
the text after its first character ("CCONJ" and "SCONJ" both become "CONJ"), 0.0.12 from the whole tag.
"""

from __future__ import annotations

from collections.abc import Sequence

def _chunk_ends(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    if prev_tag in ("E", "S"):
        return True
    if prev_tag in ("B", "I") and tag in ("B", "S", "O"):
        return True
    return prev_tag not in ("O", ".") and prev_type != type_


def _chunk_starts(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    if tag in ("B", "S"):
        return True
    if prev_tag in ("E", "S", "O") and tag in ("E", "I"):
        return True
    return tag not in ("O", ".") and prev_type != type_


def seqeval_chunks(seqs: Sequence[Sequence[str]]) -> set[tuple[str, int, int]]:
    """The chunks seqeval 0.0.12 finds: ``{(type, start, end)}`` over the sentences joined with "O".

    A label's first character is its tag (B/I/E/S/O, anything else is "inside") and its type is the
    text after the last "-", or the whole label when it has no "-". So for IOB2 an ``I-`` after ``O``
    opens an entity and a type change ends one; for prefix-less POS tags ("NOUN") a run of equal
    tags is one chunk, and a tag starting with "S" (SCONJ, SYM) is a single-token chunk.
    """
    flat: list[str] = []
    for seq in seqs:
        flat.extend(seq)
        flat.append("O")
    chunks: set[tuple[str, int, int]] = set()
    prev_tag, prev_type, begin = "O", "", 0
    for i, label in enumerate(flat + ["O"]):
        tag, type_ = label[0], label.split("-")[-1]
        if _chunk_ends(prev_tag, tag, prev_type, type_):
            chunks.add((prev_type, begin, i - 1))
        if _chunk_starts(prev_tag, tag, prev_type, type_):
            begin = i
        prev_tag, prev_type = tag, type_
    return chunks


def _check_aligned(true_seqs: Sequence[Sequence[str]], pred_seqs: Sequence[Sequence[str]]) -> None:
    if len(true_seqs) != len(pred_seqs):
        raise ValueError(f"{len(pred_seqs)} predicted sentences for {len(true_seqs)} gold sentences")
    for i, (t, p) in enumerate(zip(true_seqs, pred_seqs)):
        if len(t) != len(p):
            raise ValueError(f"sentence {i}: {len(p)} predicted tags for {len(t)} words")


def seqeval_f1(true_seqs: Sequence[Sequence[str]], pred_seqs: Sequence[Sequence[str]]) -> dict[str, float]:
    """Micro precision/recall/F1 over seqeval 0.0.12 chunks, in points (0 when undefined)."""
    _check_aligned(true_seqs, pred_seqs)
    gold, pred = seqeval_chunks(true_seqs), seqeval_chunks(pred_seqs)
    correct = len(gold & pred)
    p = correct / len(pred) if pred else 0.0
    r = correct / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"precision": 100.0 * p, "recall": 100.0 * r, "f1": 100.0 * f}


def entity_f1(true_seqs: Sequence[Sequence[str]], pred_seqs: Sequence[Sequence[str]]) -> float:
    """PAN-X: entity-level micro F1 on IOB2 tags, seqeval's default (non-strict) mode."""
    return seqeval_f1(true_seqs, pred_seqs)["f1"]


def pos_f1(true_seqs: Sequence[Sequence[str]], pred_seqs: Sequence[Sequence[str]]) -> float:
    """UD-POS as XTREME reports it: the same seqeval F1 applied to bare UPOS tags.

    This is not token accuracy: runs of equal tags count as one chunk (see ``seqeval_chunks``).
    """
    return seqeval_f1(true_seqs, pred_seqs)["f1"]
