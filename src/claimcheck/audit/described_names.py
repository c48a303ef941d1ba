"""Key terms that a claim's statement uses to describe a list of names, found where a row names
them all (pure).

"Intermediate training brings large gains on the two sentence-retrieval targets, BUCC and Tatoeba"
says what "sentence-retrieval targets" are: BUCC and Tatoeba. A row that names both ("BUCC and
Tatoeba improve greatly with intermediate training") speaks of the sentence-retrieval targets
whether or not it uses the words, so the key terms "sentence" and "retrieval" are found in it; so
are "question answering" in "Intermediate training helps XQuAD, MLQA and TyDiQA" against "the
question-answering targets (XQuAD, MLQA, TyDiQA-GoldP)".

A term describes a list when it stands in the noun phrase (a few words ending in a plural noun) that
the list is in apposition to: right before it ("<phrase>, <list>", "<phrase> (<list>)", "<phrase>:
<list>", the list then closing its clause: not "across the experiments: RoBERTa and BERT perform
alike", where the list opens a clause) or right after it ("<list>, the <phrase>", the phrase then
closing its clause). Lists are
``named_lists.name_lists``'s (two names or more joined by "and" / "or"), and two names or more
a parenthesis holds, joined by commas alone ("(XQuAD, MLQA, TyDiQA-GoldP)"). A row has the list when it
names every name of it (``model_aliases.same_name``: "TyDiQA" names "TyDiQA-GoldP"): one name alone
("TyDiQA improves") does not say it speaks of the whole set.

    >>> described("Large gains on the two sentence-retrieval targets, BUCC and Tatoeba.", ("BUCC", "retrieval"))
    {'retrieval': frozenset({'bucc', 'tatoeba'})}
    >>> names_all("bucc and tatoeba improve greatly", frozenset({"bucc", "tatoeba"}))
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from claimcheck.audit.model_aliases import model_key, same_name
from claimcheck.audit.named_lists import name_lists
from claimcheck.audit.normal_text import normalise
from claimcheck.audit.row_numbers import NUMBER_WORDS

MAX_PHRASE = 4  # words of the noun phrase a list is in apposition to

_WORD = r"[A-Za-z]+(?:-[A-Za-z]+)*"
# "<phrase> , <list>", "<phrase> (<list>)", "<phrase>: <list>", "<phrase> - <list>"
_PHRASE_BEFORE = re.compile(r"((?:" + _WORD + r"\s+){0," + str(MAX_PHRASE - 1) + r"}" + _WORD + r")\s*(?:[,(:]|[—–]|\s-)\s*$")
# "<list>, the <phrase>" closing its clause
_PHRASE_AFTER = re.compile(r"\s*(?:[,(:]|[—–]|\s-)\s*((?:" + _WORD + r"\s+){0," + str(MAX_PHRASE) + r"}" + _WORD + r")\s*(?:$|[,;:.)!?—–])")
_NOT_IN_PHRASE = frozenset(
    "the a an of on in to for with from by and or as at is are was were be been it its this that these those than "
    "then over under about between across after before into each every per which who whose while whereas but both "
    "all our their".split()
) | frozenset(NUMBER_WORDS)  # fmt: skip
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
# a list in apposition after its phrase closes its clause: "the two sentence-retrieval targets, BUCC and
# Tatoeba." and "(XQuAD, MLQA, TyDiQA-GoldP)", not "across the experiments: RoBERTa and BERT perform alike"
_CLOSES = re.compile(r"\s*(?:$|[,;:.!?)\]\u2014\u2013])")
_NAME = re.compile(r"[A-Za-z0-9][\w+]*(?:[-.][\w+]+)*(?:\s+v?\d+(?:\.\d+)*)?")
_ROW_WORD = re.compile(r"[a-z0-9][\w+]*(?:[-.][\w+]+)*")


def _plural(word: str) -> bool:
    w = word.lower().rsplit("-", 1)[-1]
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "ous"))


def _noun_phrase(words: list[str], from_end: bool) -> str | None:
    """The noun phrase among ``words``: the last words after any article, number or preposition
    (``from_end``), or the first ones up to a plural noun; None when it does not end in one."""
    if from_end:
        kept: list[str] = []
        for w in reversed(words):
            if w.lower() in _NOT_IN_PHRASE or w.isdigit():
                break
            kept.insert(0, w)
        return " ".join(kept) if kept and _plural(kept[-1]) else None
    kept = []
    for w in words:
        if w.lower() in _NOT_IN_PHRASE or w.isdigit():
            if kept:
                return None
            continue
        kept.append(w)
        if _plural(w):
            return " ".join(kept)
    return None


def _has_term(phrase: str, term: str) -> bool:
    words = [w for w in re.split(r"[\s\-]+", normalise(term)) if w]
    return bool(words) and bool(re.search(r"(?<!\w)" + r"[\s\-]+".join(map(re.escape, words)) + r"s?(?!\w)", normalise(phrase)))


def lists_of_names(statement: str) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, names) of each list of names: ``name_lists``'s, and a parenthesis of names."""
    found = list(name_lists(statement))
    for m in _PARENTHESIS.finditer(statement):
        parts = [p.strip() for p in re.split(r",|\b(?:and|or)\b", m.group(1))]
        if len(parts) >= 2 and all(_NAME.fullmatch(p) and any(c.isupper() for c in p) for p in parts):
            found.append((m.start(1), m.end(1), frozenset(normalise(p) for p in parts)))
    return found


@lru_cache(maxsize=1024)
def described_lists(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """(noun phrase, keys of the names) for each list of names that a noun phrase describes in
    ``text``: "the question-answering targets (XQuAD, MLQA, TyDiQA-GoldP)" gives
    ("question-answering targets", the three keys)."""
    out = []
    for start, end, names in lists_of_names(text):
        phrases = []
        if (m := _PHRASE_BEFORE.search(text[:start])) and _CLOSES.match(text, end):
            phrases.append(_noun_phrase(m.group(1).split(), from_end=True))
        if m := _PHRASE_AFTER.match(text, end):
            phrases.append(_noun_phrase(m.group(1).split(), from_end=False))
        keys = frozenset(k for n in names if (k := model_key(n)))
        out += [(phrase, keys) for phrase in phrases if phrase and keys]
    return tuple(out)


@lru_cache(maxsize=1024)
def described(statement: str, terms: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Each key term that describes a list of names in the statement -> the keys of those names
    (``model_key``); a term that is one of the list's names describes nothing."""
    out: dict[str, frozenset[str]] = {}
    for phrase, keys in described_lists(statement):
        for term in terms:
            key = model_key(term)
            if term not in out and not any(same_name(key, k) for k in keys) and _has_term(phrase, term):
                out[term] = keys
    return out


@lru_cache(maxsize=512)
def _row_keys(row_norm: str) -> frozenset[str]:
    return frozenset(k for w in _ROW_WORD.findall(row_norm) if (k := model_key(w)))


def names_all(row_norm: str, keys: frozenset[str]) -> bool:
    """Whether the row (normalised) names every one of the names with these keys."""
    mine = _row_keys(row_norm)
    return bool(keys) and all(any(same_name(k, m) for m in mine) for k in keys)


def found_by_names(row_norm: str, term: str, by_term: dict[str, frozenset[str]] | None) -> bool:
    """Whether the term describes a list of the statement (``described``) that the row names in full."""
    keys = (by_term or {}).get(term)
    return keys is not None and names_all(row_norm, keys)


def described_terms(statement: str, terms: Sequence[str]) -> dict[str, frozenset[str]]:
    """``described`` for a claim's statement and key terms."""
    return described(statement, tuple(terms))
