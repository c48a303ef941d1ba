"""Who a text's direction words are about (pure): ``read`` gives each name of the text a reading.

Each name of a clause (``polarity_names``) is given the mention (``polarity_mentions``) nearest it:
one it reaches without crossing a comma first, if any; not across ", and" that opens a new clause.
So "XNLI improves, whereas TyDiQA does not" gives the two names opposite readings. A comparison
ranks the names before it against those after it ("A outperforms B": A up, B down; "A is
outperformed by B": the other way round); a name after a comparison and behind a preposition that
opens a modifier ("... outperforms English training with MLM") is not ranked by it, nor is a name
after a superlative and past "among" or a comma ("performs worst among BERT and XLNet"), nor a name
whose possessive the superlative follows ("BERT's most useful task is MNLI": MNLI), nor a name
right behind "on" or "over" after a superlative that has a named subject ("SQuAD improves most on
plain XLM-R Large": SQuAD; "the gains are largest on BUCC": BUCC), nor a name in a phrase that
opens the clause before a comma ("On the XTREME benchmark, the new models beat XLM-R": XTREME is
where, not who). A name in a
contrast aside gets the reading denied ("RoBERTa, not XLNet, performs best": XLNet not best;
``contrast_asides``).

A name's readings in one dimension must agree among themselves, else that dimension is not read for
it. A name's standing is read against the names across its comparisons ("RoBERTa beats BERT": BERT
against RoBERTa), a superlative's against all others (``Reading.against``).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache

from claimcheck.audit.contrast_asides import contrast_asides
from claimcheck.audit.named_lists import name_lists
from claimcheck.audit.polarity_lexicon import (
    ALL,
    AMONG,
    COORDINATED,
    DEGREE,
    DOWN,
    FLAT,
    KIND,
    MENTION,
    MODIFIER,
    NEW_CLAUSE,
    ON_SCOPE,
    ON_WHAT,
    OPENING_PHRASE,
    PASSIVE_AFTER,
    PASSIVE_BEFORE,
    POSSESSIVE,
    PUNCTUATION,
    STANDING,
    UP,
)
from claimcheck.audit.polarity_mentions import Mention, clauses, mentions_of, negate
from claimcheck.audit.polarity_names import names_of

MAX_CHARS = 2_000


@dataclass(frozen=True)
class Reading:
    """A text's mentions, and per name key the (dimension -> reading, mentions) it was given."""

    mentions: tuple[Mention, ...]
    names: dict[str, tuple[str, dict[str, tuple[frozenset[str], tuple[Mention, ...]]]]]  # key -> (written, dim -> ...)
    initial: frozenset[str]  # the keys read only from a capitalised word that opens its sentence
    # key -> the names its standing is read against: those across its comparisons ("RoBERTa beats
    # BERT": bert for roberta); None for all others (a superlative, or a comparison whose other side
    # names no one: "... but trails RoBERTa")
    against: dict[str, frozenset[str] | None] = field(default_factory=dict)


def _invert(reading: frozenset[str]) -> frozenset[str]:
    swap = {UP: DOWN, DOWN: UP, FLAT: FLAT}
    return frozenset(swap[r] for r in reading)


def _possessed(text: str, end: int, mention: Mention) -> bool:
    """Whether ``mention`` is a superlative right after the possessive of the name ending at ``end``
    ("BERT's most useful task", "RoBERTa’s best score", "Transformers’ best score", or of the word after it:
    "the XLNet models’ best score"): it ranks what the name owns, not the name. Not
    a verb's degree ("BERT's improved most": "has improved")."""
    if mention.dimension != STANDING or mention.relational:
        return False
    owner = POSSESSIVE.match(text, end)
    if owner is None or owner.end() != mention.start:
        return False
    word = MENTION.search(text, mention.start)
    return word is not None and word.start() == mention.start and KIND[word.lastgroup][2] == "superlative"


def _passive(text: str, mention: Mention) -> bool:
    """"A is outperformed by B": the comparison ranks B over A."""
    return bool(PASSIVE_BEFORE.search(text[max(0, mention.start - 40) : mention.start])) and bool(
        PASSIVE_AFTER.match(text[mention.end : mention.end + 30])
    )


@lru_cache(maxsize=4096)
def read(text: str, truncated: bool = False) -> Reading:
    """The mentions of ``text`` and the readings its names get (see the module's notes)."""
    text = text[:MAX_CHARS]
    mentions = mentions_of(text, truncated)
    starts = clauses(text)
    found: dict[str, tuple[str, dict[str, list]]] = {}
    sides: list[tuple[str, Mention, bool]] = []  # (name key, comparison, whether the name stands after it)
    all_names = names_of(text)
    initial = frozenset(n.key for n in all_names if n.initial) - {n.key for n in all_names if not n.initial}
    lists = name_lists(text)
    asides = contrast_asides(text)
    for name in all_names:
        # "RoBERTa and BERT, not XLNet, perform best": the main clause's reading, denied, with the aside's
        # "not" as its negation (so a claim that agrees accounts for that "not")
        aside = next((a for a in asides if a.start < name.start and name.end <= a.end), None)
        clause = bisect_right(starts, name.start) - 1
        lo, hi = starts[clause], starts[clause + 1] if clause + 1 < len(starts) else len(text)
        # a name in a list ("SQuAD, MNLI, and HellaSwag") stands where its list stands
        a, b = next(((s, e) for s, e, _ in lists if s <= name.start and name.end <= e), (name.start, name.end))
        near = [x for x in mentions if lo <= x.start < hi and not (x.start <= name.start < x.end)
                and not NEW_CLAUSE.search(text[b : x.start] if x.start >= b else text[x.end : a])
                and not (x.relational and x.start >= name.end and COORDINATED.search(text[name.end : x.start]))
                and not _possessed(text, name.end, x)]
        if not near:
            continue
        # the nearest direction word, one the name reaches without crossing a comma first ("a 5.4 point
        # improvement on XTREME, lowering the gap": XTREME is what improves)
        gap = {x: (bool(PUNCTUATION.search(text[x.end : name.start] if name.start >= x.end else text[name.end : x.start])),
                   name.start - x.end if name.start >= x.end else x.start - name.end) for x in near}
        closest = min(gap.values())
        for x in (x for x in near if gap[x] == closest):
            reading = x.reading
            if not x.relational and x.dimension == STANDING and name.start >= x.end and (
                AMONG.search(text[x.end : name.start]) or PUNCTUATION.search(text[x.end : name.start])
                or (ON_WHAT.match(text, x.end) and any(lo <= n.start and n.end <= x.start and not n.initial for n in all_names))
            ):
                # "performed worst among BERT, RoBERTa and XLNet", "gives the worst results, behind English
                # training"; "SQuAD improves most on plain XLM-R Large": the superlative ranks its named
                # subject, not what it is measured on ("the gains are largest on BUCC" and "Training helps
                # most on BUCC", with no name before it but a capitalised first word, still rank BUCC)
                continue
            if aside is not None:
                if x.relational or DEGREE.search(text[lo : x.start] + " " + text[x.end : hi]) or (
                        x.dimension != STANDING and DEGREE.search(text, x.start, x.end)):
                    # "XLNet, not BERT, outperforms RoBERTa" says nothing of BERT against RoBERTa; "BUCC, not
                    # Tatoeba, gains the most" may deny only the degree (Tatoeba's standing, not its gain)
                    continue
                reading = negate(reading)
                if reading == ALL:
                    continue  # "RoBERTa, not XLNet, does not perform best": denied twice, read as nothing
                x = replace(x, reading=reading, negated=not x.negated, cues=(*x.cues, aside.cue),
                            written=f"not {' '.join(aside.what.split())}: {x.written}")
            if x.relational:
                after = name.start >= x.end
                if after and MODIFIER.search(text[x.end : name.start]):
                    continue  # "outperforms English training with MLM": MLM is not what it outperforms
                scope = ON_SCOPE.search(text, x.end, name.start) if after else None
                if scope and any(n.key != name.key and x.end <= n.start and n.end <= scope.start() and not n.initial
                                 for n in all_names):
                    continue  # "beats XLM-R Large on XTREME": XTREME is where, not whom, it beats
                if not after and OPENING_PHRASE.match(text, lo, name.start) and PUNCTUATION.search(text[name.end : x.start]):
                    continue  # "On the XTREME benchmark, the new models beat XLM-R": XTREME is not what beats it
                if after != _passive(text, x):
                    reading = _invert(reading)
                sides.append((name.key, x, after))
            entry = found.setdefault(name.key, (name.written, {}))
            entry[1].setdefault(x.dimension, []).append((reading, x))
    names = {}
    for key, (written, dims) in found.items():
        kept = {}
        for dim, pairs in dims.items():
            together = frozenset.intersection(*(r for r, _ in pairs))
            if together:  # readings of one name that contradict each other are not read
                kept[dim] = (together, tuple(dict.fromkeys(x for _, x in pairs)))
        if kept:
            names[key] = (written, kept)
    return Reading(tuple(mentions), names, initial, _against(names, sides))


def _against(names: dict, sides: list[tuple[str, Mention, bool]]) -> dict[str, frozenset[str] | None]:
    """Per name read in standing, the names across its comparisons, or None for all others (see ``Reading``)."""
    out: dict[str, frozenset[str] | None] = {}
    for key, (_, dims) in names.items():
        if STANDING not in dims:
            continue
        faced: set[str] | None = set()
        for x in dims[STANDING][1]:
            mine = [after for k, y, after in sides if k == key and y is x]
            across = {k for k, y, after in sides if y is x and k != key and mine and after != mine[0]}
            if not across:  # a superlative, or a comparison with no one named across
                faced = None
                break
            faced |= across
        out[key] = frozenset(faced) if faced else None
    return out


def ranks(text: str, truncated: bool = False) -> frozenset[str]:
    """The keys of the names ``text`` ranks ("XLNet outperforms BERT": xlnet and bert; "XLNet
    performs worst": xlnet), read as ``read`` reads them: a comparison or a superlative said of the
    name, in whatever direction."""
    return frozenset(key for key, (_, dims) in read(text, truncated).names.items() if STANDING in dims)


def ranks_anything(text: str) -> bool:
    """Whether ``text`` ranks or compares at all: a comparison ("beat", "better than") or a
    superlative said of its subject ("performs worst", "the best model is")."""
    return any(x.dimension == STANDING for x in read(text).mentions)


def name_keys(text: str) -> frozenset[str]:
    """The keys (``model_key``) of the names ``text`` writes, a capitalised word opening a sentence
    left out ("The", "Training")."""
    return frozenset(n.key for n in names_of(text[:MAX_CHARS]) if not n.initial)
