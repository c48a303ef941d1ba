"""``negation._negated_words`` reads a bounded window after each cue: the same words as before on
ordinary rows, and no more than the window on a long one (it once sliced and split the whole rest of
the text for every cue)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from claimcheck.audit import negation
from claimcheck.audit.contradiction import MAX_CHARS
from claimcheck.claims.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]


def _old_negated_words(text: str) -> set[str]:
    """The function as it was before its window (the reference)."""
    text = negation._clean(text, True)
    out: set[str] = set()
    for m in negation._CUE.finditer(text):
        end = negation._CLAUSE_END.search(text, m.end())
        out |= negation._words(" ".join(text[m.end() : end.start() if end else len(text)].split()[:4]))
    return out


def _ordinary_texts() -> list[str]:
    data = json.loads((ROOT / "benchmarks" / "audit_paraphrases.json").read_text(encoding="utf-8"))
    rows = [row for listed in data["rows"].values() for row in listed]
    statements = [claim.statement for claim in load_registry().claims.values()]
    texts = [t[:MAX_CHARS] for t in rows + statements if isinstance(t, str)]
    return texts + [
        "No layer is frozen; all model weights are updated rather than freezing any layer.",
        "Intermediate training does not help, and it never hurts, whereas no target-language data is used.",
        "Neither MLM nor translation beats SQuAD, which cannot be said of tasks without labels (not 1.5 points).",
    ]


def test_ordinary_rows_read_as_before():
    texts = _ordinary_texts()
    assert len(texts) > 100 and any(_old_negated_words(t) for t in texts)
    for text in texts:
        assert negation._negated_words(text) == _old_negated_words(text), text


class _Reads(str):
    """A text that records the length of every slice taken of it."""

    lengths: list[int] = []

    def __getitem__(self, key):
        part = super().__getitem__(key)
        _Reads.lengths.append(len(part))
        return part


@pytest.fixture
def reads(monkeypatch):
    clean = negation._clean
    _Reads.lengths = []
    monkeypatch.setattr(negation, "_clean", lambda text, strict, other="": _Reads(clean(text, strict, other)))
    return _Reads.lengths


def test_a_long_text_is_read_within_the_window_after_each_cue(reads):
    text = "no " * 6_666 + "layer frozen"
    assert len(text) > 20_000
    assert negation._negated_words(text) == {"layer", "frozen"}
    assert reads and max(reads) <= negation._REACH


def test_words_beyond_the_window_are_not_read(reads):
    far = "no " + "x" * (negation._REACH + 50) + " layer frozen"
    assert not negation._negated_words(far) & {"layer", "frozen"}
    assert max(reads) <= negation._REACH
    assert {"layer", "frozen"} <= _old_negated_words(far)  # the whole rest, as it was
    near = "no " + "x" * 100 + " layer frozen"
    assert {"layer", "frozen"} <= negation._negated_words(near)


def test_what_the_other_side_denies_is_read_once_per_call(monkeypatch):
    calls = []
    real = negation._negated_words
    monkeypatch.setattr(negation, "_negated_words", lambda text: calls.append(text) or real(text))
    row = "All weights are updated rather than freezing any layer, instead of freezing a layer, rather than frozen layers."
    assert negation.negations(row, "No layer is frozen.", strict=False)
    assert len(calls) == 1
    assert re.fullmatch(r"No layer is frozen\.", calls[0])
