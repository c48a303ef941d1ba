"""Matching derived values with reported numbers when a claim does not say which number is whose.

``rank_pairs`` pairs them by rank (largest with largest); ``overlap_matching`` finds any assignment in
which every reported interval meets its own derived interval; ``ordinal`` names a rank in text.
"""

from __future__ import annotations

from collections.abc import Sequence


def rank_pairs(values: Sequence[float], reported: Sequence) -> list[tuple[int, int]]:
    """(value index, reported index) pairs of a ``Derived.unordered`` comparison: the largest value
    with the largest reported number, and so on (``values``: one number per system, e.g. the mean of
    its gains over seeds, so that a replication ranks systems once rather than in every seed)."""
    by_value = sorted(range(len(values)), key=lambda i: -values[i])
    by_reported = sorted(range(len(reported)), key=lambda j: -reported[j].mid)
    return list(zip(by_value, by_reported))


def overlap_matching(values: Sequence, reported: Sequence) -> list[tuple[int, int]] | None:
    """(value index, reported index) pairs giving every reported interval its own value interval that
    it meets, or None when no such assignment exists (bipartite matching by augmenting paths). The
    source tier's "could it hold?" for numbers whose owners the claim does not name: ranking by
    midpoint alone would call "2.5, 2.0" against gains [1.995, 2.105] and [1.45, 2.55] a miss."""
    owner: dict[int, int] = {}  # value index -> reported index

    def place(j: int, seen: set[int]) -> bool:
        for i, v in enumerate(values):
            if i not in seen and reported[j].overlaps(v):
                seen.add(i)
                if i not in owner or place(owner[i], seen):
                    owner[i] = j
                    return True
        return False

    if not all(place(j, set()) for j in range(len(reported))):
        return None
    return sorted(owner.items(), key=lambda p: p[1])


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
