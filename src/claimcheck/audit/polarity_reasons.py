"""The wording of ``polarity``'s reasons (pure): what a row says against its claim, in plain words.

A conflict is one name both texts read in one dimension with no outcome in common: (key, the row's
spelling, dimension, the row's reading, its mentions, the claim's reading, its mentions). The reason
names the names that disagree alike and quotes the words that say so ("the row says XNLI loses
("hurts"), the claim that it gains ("gains")"); two names that trade readings are a swap of roles;
and a reason says which side alone negates.
"""

from __future__ import annotations

from claimcheck.audit.polarity_lexicon import CHANGE, DOWN, FLAT, STANDING, UP
from claimcheck.audit.polarity_mentions import Mention

_VERBS = {  # reading -> (plural, singular) verb phrase, per dimension
    CHANGE: {
        frozenset({UP}): ("gain", "gains"), frozenset({DOWN}): ("lose", "loses"), frozenset({FLAT}): ("stay unchanged", "stays unchanged"),
        frozenset({FLAT, DOWN}): ("do not gain", "does not gain"), frozenset({FLAT, UP}): ("do not lose", "does not lose"),
        frozenset({UP, DOWN}): ("change", "changes"),
    },
    STANDING: {
        frozenset({UP}): ("come out ahead", "comes out ahead"), frozenset({DOWN}): ("come out behind", "comes out behind"),
        frozenset({FLAT}): ("tie", "ties"), frozenset({FLAT, DOWN}): ("do not come out ahead", "does not come out ahead"),
        frozenset({FLAT, UP}): ("do not come out behind", "does not come out behind"), frozenset({UP, DOWN}): ("differ", "differs"),
    },
}  # fmt: skip
_NOUNS = {
    CHANGE: {frozenset({UP}): "a gain", frozenset({DOWN}): "a loss", frozenset({FLAT}): "no change",
             frozenset({FLAT, DOWN}): "no gain", frozenset({FLAT, UP}): "no loss", frozenset({UP, DOWN}): "a change"},
    STANDING: {frozenset({UP}): "ahead of the others", frozenset({DOWN}): "behind the others", frozenset({FLAT}): "level with the others",
               frozenset({FLAT, DOWN}): "not ahead of the others", frozenset({FLAT, UP}): "not behind the others",
               frozenset({UP, DOWN}): "not level with the others"},
}  # fmt: skip


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _quoted(mentions: tuple[Mention, ...]) -> str:
    return ", ".join(f'"{w}"' for w in dict.fromkeys(x.written for x in mentions))


def _negated_side(row: tuple[Mention, ...], claim: tuple[Mention, ...]) -> str:
    """'the row negates ("no gains"): ' when the row's side alone is negated (or the claim's)."""
    if any(x.negated for x in row) and not any(x.negated for x in claim):
        return f"the row negates ({_quoted(tuple(x for x in row if x.negated))}): "
    if any(x.negated for x in claim) and not any(x.negated for x in row):
        return f"the claim negates ({_quoted(tuple(x for x in claim if x.negated))}): "
    return ""


def _swap(conflicts: list[tuple]) -> str:
    """The reason for two names that trade readings in one dimension, or ""."""
    for i, (_, na, dim, ra, ma, ca, cma) in enumerate(conflicts):
        for _, nb, dim_b, rb, mb, cb, cmb in conflicts[i + 1 :]:
            if dim == dim_b and ra & cb and rb & ca:
                if ma == mb:  # one comparison ranks both
                    if any(x.negated for x in (*ma, *cma)):
                        continue  # "A does not outperform B" denies the claim's order rather than turning it round
                    side = {UP: "ahead of", DOWN: "behind", FLAT: "level with"}
                    return (f"roles swapped: the row ranks {na} {side[min(ra)]} {nb} ({_quoted(ma)}), "
                            f"the claim {na} {side[min(ca)]} {nb} ({_quoted(cma)})")
                verbs = _VERBS[dim]
                return (f"roles swapped: the row says {na} {verbs[ra][1]} ({_quoted(ma)}) and {nb} {verbs[rb][1]} "
                        f"({_quoted(mb)}); the claim says the reverse: {na} {verbs[ca][1]} ({_quoted(cma)}) and {nb} "
                        f"{verbs[cb][1]} ({_quoted(cmb)})")
    return ""


def conflict_reason(conflicts: list[tuple]) -> str:
    """The reason for the names the two texts read otherwise (``polarity``'s conflicts, not empty)."""
    if swap := _swap(conflicts):
        return swap
    first = conflicts[0]
    same = [c for c in conflicts if c[2] == first[2] and c[3] == first[3] and c[5] == first[5]]
    names = [c[1] for c in same]
    mentions = tuple(x for c in same for x in c[4])
    theirs = tuple(x for c in same for x in c[6])
    plural = len(names) > 1
    verbs = _VERBS[first[2]]
    pronoun = "they" if plural else "it"
    return (f"{_negated_side(mentions, theirs)}the row says {_and(names)} {verbs[first[3]][not plural]} ({_quoted(mentions)}), "
            f"the claim that {pronoun} {verbs[first[5]][0 if plural else 1]} ({_quoted(theirs)})")


def unnamed_reason(dim: str, reading: frozenset[str], mine: tuple[Mention, ...], their_reading: frozenset[str],
                   theirs: tuple[Mention, ...]) -> str:
    """The reason for a row whose own readings in a dimension, said of no name the claim reads,
    disagree with the claim's ("the row reads "hurts" (a loss) where the claim reads "gains" (a gain)")."""
    nouns = _NOUNS[dim]
    return (f"{_negated_side(mine, theirs)}the row reads {_quoted(mine)} ({nouns[reading]}) "
            f"where the claim reads {_quoted(theirs)} ({nouns[their_reading]})")
