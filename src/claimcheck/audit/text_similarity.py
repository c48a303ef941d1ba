"""How alike a row's text is to a claim's texts (pure): ``difflib``'s ratio, and a cheap upper bound of it.

``text_similarity`` is the best ``SequenceMatcher`` ratio of the (normalised) row against any of a
claim's texts, its statement or a known quotation, and whether one of them is quoted verbatim (a
truncated row is also compared with the same-length prefix of a longer text). ``text_bound`` bounds
it from above at a fraction of the cost, through the longest common subsequence computed on bit
sets (``common_subsequence``): ``claim_match`` computes the exact ratio only for the claims whose
bound may still reach the match floor or beat the best so far.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from functools import lru_cache

from claimcheck.audit.normal_text import normalise


def _best_of(row_norm: str, truncated: bool, texts: Sequence[str], score: Callable[[str, str], float]) -> tuple[float, bool]:
    """The best ``score`` of the row against any of ``texts`` (and against the start of a longer text
    when the row was cut), and whether one of them is quoted verbatim (then 1.0 at once)."""
    best = 0.0
    for t in texts:
        tn = normalise(t)
        if not tn:
            continue
        if row_norm == tn or (truncated and len(row_norm) >= 40 and tn.startswith(row_norm)):
            return 1.0, True
        value = score(row_norm, tn)
        if truncated and len(tn) > len(row_norm):
            value = max(value, score(row_norm, tn[: len(row_norm)]))
        best = max(best, value)
    return best, False


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def text_similarity(row_norm: str, truncated: bool, texts: Sequence[str]) -> tuple[float, bool]:
    """Best similarity to any of ``texts``, and whether one of them is quoted verbatim."""
    return _best_of(row_norm, truncated, texts, _ratio)


@lru_cache(maxsize=4096)  # the same claim texts are bounded for every row
def _char_masks(text: str) -> dict[str, int]:
    """Per character, the bit set of the positions where ``text`` has it."""
    masks: dict[str, int] = {}
    for i, ch in enumerate(text):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    return masks


def common_subsequence(a: str, b: str) -> int:
    """The length of the longest common subsequence of ``a`` and ``b``, column by column on bit sets
    (Hyyrö's bit-parallel form of the dynamic programme: one addition and a few masks per character
    of ``a``)."""
    masks, full = _char_masks(b), (1 << len(b)) - 1
    v = full
    for ch in a:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return len(b) - v.bit_count()


def _bound(a: str, b: str) -> float:
    """An upper bound of ``SequenceMatcher(None, a, b).ratio()``: its matching blocks run in order
    through both texts, a common subsequence, so they hold at most the longest one's characters."""
    total = len(a) + len(b)
    return 2.0 * common_subsequence(a, b) / total if total else 1.0


def text_bound(row_norm: str, truncated: bool, texts: Sequence[str]) -> tuple[float, bool]:
    """An upper bound of ``text_similarity`` that costs a fraction of it, and whether a text is quoted
    verbatim, exactly as ``text_similarity`` says (a verbatim quotation bounds at its exact 1)."""
    return _best_of(row_norm, truncated, texts, _bound)
