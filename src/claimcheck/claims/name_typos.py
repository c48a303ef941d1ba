"""Near misses of a name (pure): whether a name as written is a typo of a known one.

``spelled_otherwise`` finds the known name a name equals but for case and punctuation; ``typo_of``
the known names it is a near miss of (a slip of one character in its stem, two edits for longer
stems, never a different number or size); ``nearest`` the known names that merely look like it.
``claims.names`` uses them to tell a typo (a warning) from an unknown name (a note), and the source
tier to suggest the cell a missing name was likely meant to be.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _norm(name: str) -> str:
    """Lower case, letters and digits only: "XLMR", "xlm-r" and "XLM-R" are one name to a reader."""
    return re.sub(r"[\W_]+", "", name.casefold())


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _numbers(name: str) -> list[str]:
    """The numbers of a name as written: a decimal point is part of a number, not punctuation, so
    "OPT-13B" (13) and "OPT-1.3B" (1.3) are different models although ``_norm`` makes both "opt13b"."""
    return _NUMBER.findall(name)


def spelled_otherwise(name: str, cell_names: Iterable[str]) -> str | None:
    """The cell name ``name`` equals but for case and punctuation ("xnli" for the cells' "XNLI"), if
    any. Derivations match names exactly, so such a name finds no cell even when it is a name
    claimcheck knows (a catalogue task, a preset's arm): always worth a warning. A name the cells
    themselves use finds its cells, and numbers must be the same ("OPT-13B" is not "OPT-1.3B")."""
    cells = set(cell_names)
    if name in cells:
        return None
    wanted, numbers = _norm(name), _numbers(name)
    return next((c for c in sorted(cells) if _norm(c) == wanted and _numbers(c) == numbers), None)


def _edits(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


# Tokens that name a size or variant of one model: "mT5-XL" and "mT5-XXL", "BERT-base" and "BERT-large",
# "BLOOM-7B" and "BLOOM-3B", "bert-base-cased" and "bert-base-uncased", "MNLI-m" and "MNLI-mm" are
# different systems or tasks, however few letters apart.
_SIZE_WORDS = frozenset({"xs", "s", "m", "l", "xl", "xxl", "small", "base", "large", "tiny", "mini", "medium",
                         "huge", "giant", "xsmall", "xlarge", "xxlarge", "cased", "uncased", "mm"})
_SIZE_COUNT = re.compile(r"\d+(?:\.\d+)?[bm]")  # 7b, 1.3b, 560m
_TOKEN = re.compile(r"\d+(?:\.\d+)?[bm](?![^\W\d_])|\d+(?:\.\d+)?|[^\W\d_]+")  # "mT5-XL" -> mt, 5, xl; "BLOOM-7B" -> bloom, 7b


def _is_size(token: str) -> bool:
    return token in _SIZE_WORDS or _SIZE_COUNT.fullmatch(token) is not None


def _split_sizes(name: str) -> tuple[list[str], list[str]]:
    """(the tokens of ``name`` that are no size or variant, the ones that are), in order."""
    tokens = _TOKEN.findall(name.casefold())
    return [t for t in tokens if not _is_size(t)], [t for t in tokens if _is_size(t)]


def _one_slip(a: str, b: str) -> bool:
    """Whether normalised ``a`` and ``b`` (not equal) are one adjacent swap apart, or one inserted or
    dropped character apart anywhere but at the start, nor, when the shorter has fewer than six, at the
    end: "xnil"/"xnli", "pawx"/"pawsx", "tydqa"/"tydiqa", "xstilt"/"xstilts", but not "bert"/"mbert" (a
    prefix makes another model), "bloom"/"bloomz" (so does a suffix on a short name) nor "qnli"/"mnli"
    (a changed letter does)."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = sorted((a, b), key=len)
    last = len(long) if len(short) >= 6 else len(long) - 1
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1:] == short for i in range(1, last))


def _slip(a: str, b: str) -> bool:
    """The length rule for two normalised names (or stems) that differ: none below four letters and
    digits (the shorter), ``_one_slip`` from four to seven, up to two edits from eight on; at any
    length, never a changed or added first character ("mBERTLarge"/"BERTLarge", "mXLM-RoBERTa"/
    "XLM-RoBERTa": a prefix makes another model, however long the rest)."""
    n = min(len(a), len(b))
    if n < 4 or a[:1] != b[:1]:  # "B" is no typo of "A"
        return False
    if n < 8:
        return _one_slip(a, b)
    return _edits(a, b) <= 2


def _other_word(a: str, b: str) -> bool:
    """Whether names of two or more words (``_TOKEN``), word for word alike but for some, differ in a
    short word (four letters or fewer) by a changed letter: "BERT + QNLI"/"BERT + MNLI", "XLM-R
    CoLA"/"XLM-R CoPA", "Intermediate + MLM"/"Intermediate + NLI" name other tasks or systems, as
    "QNLI"/"MNLI" do alone, though the whole names are long enough for ``_slip`` to allow two edits.
    A swap within a word of four ("NMLI" for "MNLI") or an added or dropped letter stays a slip; under
    four letters a swap is another name too ("SST"/"STS")."""
    ta, tb = _TOKEN.findall(a.casefold()), _TOKEN.findall(b.casefold())
    if len(ta) < 2 or len(ta) != len(tb):
        return False
    for x, y in zip(ta, tb):
        if x == y or len(x) != len(y) or len(x) > 4:
            continue
        if len(x) == 4 and _one_slip(x, y):  # an adjacent swap
            continue
        return True
    return False


def _near_miss(a: str, b: str) -> bool:
    """The near-miss rule (``typo_of``) for two names as written."""
    if _numbers(a) != _numbers(b):
        return False  # GPT-3/GPT-4, SQuADv1.1/SQuADv2.0, OPT-13B/OPT-1.3B: other models, not typos
    na, nb = _norm(a), _norm(b)
    if na == nb:  # case and punctuation only: "XLMR" for "XLM-R"
        return True
    if _other_word(a, b):
        return False  # "BERT + QNLI"/"BERT + MNLI": another word, not a slip
    (stem_a, sizes_a), (stem_b, sizes_b) = _split_sizes(a), _split_sizes(b)
    if sizes_a == sizes_b:  # the same size: the rule holds for what is left ("BART"/"BERT" in "-large")
        return _slip("".join(stem_a), "".join(stem_b))
    if stem_a == stem_b or stem_a[:1] != stem_b[:1]:
        return False  # mT5-XL/mT5-XXL, bert-base-cased/-uncased; or another family besides
    return _slip(na, nb)  # a misspelled size: "RoBERTa-larg" for "RoBERTa-large"


def typo_of(name: str, known: Iterable[str]) -> tuple[str, ...]:
    """The known names ``name`` is a near miss of (nearest first); empty when it is none's.

    Names whose numbers differ are never near misses (a decimal point is part of a number:
    "OPT-13B"/"OPT-1.3B"). Otherwise a near miss is the same letters and digits up to case and
    punctuation, or a slip. The size and variant tokens (``xl``, ``base``, ``cased``, ``mm``, ``7b``, ...)
    decide where the slip is looked for: when both names have the same ones, they are set aside and
    the rule holds for the rest, the stem ("BART-large"/"BERT-large" are "bart"/"bert"); when only
    they differ, the names are other models ("mT5-XL"/"mT5-XXL"); when they differ and so does the
    stem, a slip of the whole names with the same first token ("RoBERTa-larg"/"RoBERTa-large"). The
    slip: for a shorter stem of 4 to 7 letters and digits, one adjacent swap or one inserted or
    dropped character that is not the first (nor, below 6, the last: "BLOOM"/"BLOOMZ" are two
    models, "X-STILT"/"X-STILTs" a typo); from 8 on, up to two edits, none of them at the first
    character. Shorter stems differ only in case and punctuation. Names of several words that differ
    by a changed letter in a word of four letters or fewer are other names ("BERT + QNLI"/"BERT +
    MNLI": ``_other_word``), however long the rest.
    """
    near = [k for k in known if _near_miss(name, k)]
    if not near:
        return ()
    import difflib  # here: `verify all` finds no near miss in the bundled claims, and need not import it

    wanted = _norm(name)
    scored = [(_edits(wanted, _norm(k)), -difflib.SequenceMatcher(None, wanted, _norm(k)).ratio(), k) for k in near]
    return tuple(k for *_, k in sorted(scored))


def nearest(name: str, known: Iterable[str], n: int = 2) -> tuple[str, ...]:
    """Up to ``n`` known names that look like ``name`` (difflib, case and punctuation ignored)."""
    import difflib

    by_norm: dict[str, str] = {}
    for k in sorted(known):
        by_norm.setdefault(_norm(k), k)
    return tuple(by_norm[m] for m in difflib.get_close_matches(_norm(name), by_norm, n=n, cutoff=0.6))
