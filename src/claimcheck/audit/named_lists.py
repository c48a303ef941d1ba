"""Which named items a count stands beside, when a text spells them out (pure).

"BUCC and Tatoeba, the two sentence-retrieval targets" and "the two retrieval tasks (BUCC and
Tatoeba)" count the same things, whatever nouns they use: the names they list say which. A count is
read as naming a list when the list stands in apposition to its noun phrase, right before it ("<list>,
the N <noun phrase>") or right after it ("the N <noun phrase>, <list>", "(<list>)", ": <list>", "are
<list>", "were <list>", "namely <list>", "i.e. <list>", or the list with no mark in between). A name is a word with a capital letter ("BUCC", "Tatoeba", "mT5",
"PAWS-X"), a version ("v1.1") may follow it, and a list holds at least two names joined by "and" or
"or". A list introduced by "such as", "including" or "e.g." gives examples, not the whole set: it is
not read.

A comma is the weakest of the marks: "On BUCC and Tatoeba, the three seeds agree" and "Across the nine
tasks, SQuAD, MNLI and HellaSwag help most" put no list beside the count. So a comma joins the two
only where the first part does not stand in a phrase that opens its sentence with a preposition
("On the retrieval tasks BUCC and Tatoeba, the three seeds ..."), and where what follows the
second part ends the apposition (punctuation, the text's end, or a relative or prepositional word:
"..., the two targets that have no training data"). In doubt, no list is read: the caller then
compares counts by their nouns alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimcheck.audit.normal_text import normalise

# capitalised words that open a phrase rather than name a thing
_NOT_A_NAME = frozenset(
    "the a an this that these those both all each every our its their his her my your we it they in on at for from "
    "with of to by over under across among between during after before into onto per via since when while where if "
    "and or but as than then so".split()
)  # fmt: skip
# right before a list or a name: it gives examples ("tasks such as SQuAD, MNLI and QQP"), not the names meant
EXAMPLES = re.compile(r"\b(?:such\s+as|including|like|e\.g\.,?|for\s+example,?)\s*$", re.I)
# right before a name or a list: words that set it apart from what the text says of the names it means
# ("compared with XNLI", "unlike PAWS-X", "rather than UD-POS"; not "not only"), as a pattern for
# each reader to close in its own way
SET_APART_WORDS = (r"compared\s+(?:with|to)|besides|beside|unlike|apart\s+from|except(?:\s+for)?|other\s+than|rather\s+than"
                   r"|instead\s+of|as\s+opposed\s+to|versus|vs\.?|than|not(?!\s+only\b)")
_TOKEN = re.compile(r"[A-Za-z0-9](?:[\w+/-]|\.(?=\w))*|\S")  # a word (with its inner dots: "v1.1"), or one mark
_VERSION = re.compile(r"v?\d+(?:\.\d+)*")
_JOINS = {"and", "or", "&"}

# between a list and the count after it: "<list>, the", "<list> (the", "<list>: the"
_BEFORE_COUNT = re.compile(r"\s*(?P<mark>[,(:]|[—–]|\s-)\s*(?:(?:the|these|those|its|our|their|all|both)\s+)?", re.I)
# between a count's noun phrase and the list after it; "are", "were", "namely" and "i.e." say the list is
# the whole set ("the nine tasks are ANLI+, MNLI, ..."), "include" and "such as" would name examples
_BEFORE_LIST = re.compile(
    r"(?:\s*(?P<mark>[,(:]|[—–]|\s-)\s*(?:namely\s+|i\.e\.,?\s+)?|\s+(?:(?:are|were)\s+(?:namely\s+)?|namely\s+|i\.e\.,?\s+)?)",
    re.I,
)
# what may follow an apposition: the end, punctuation, a relative or prepositional word
_CLOSES = re.compile(
    r"\s*(?:$|[,;:.)!?—–]|(?:that|which|who|whose|where|with|without|in|of|from|for|on|among|across|within)\b)", re.I
)
_SENTENCE_START = re.compile(r"(?:^|[.;:!?]\s+|\n)\s*", re.M)
_PREPOSITION = re.compile(
    r"(?:in|on|at|for|from|with|of|to|by|over|under|across|among|amongst|between|during|after|before|within|throughout)\b"
    r"[^,]*$",
    re.I,
)
_PHRASE_WORD = re.compile(r"[ \t]*([A-Za-z]+(?:-[A-Za-z]+)*)")
_PHRASE_STOP = set(
    "the a an of on in to for with from by and or as at is are was were be been it its this that these those than "
    "then over under about between across after before into each every per which who whose while whereas but".split()
)  # fmt: skip


def _plural(word: str) -> bool:
    w = word.lower().rsplit("-", 1)[-1]
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "ous"))


def _phrase_end(text: str, end: int) -> int | None:
    """Where the noun phrase a count opens ends: after its first plural noun within five words
    ("three sentence retrieval target tasks"); None when none follows at once."""
    pos = end
    for _ in range(5):
        m = _PHRASE_WORD.match(text, pos)
        if not m or m.group(1).lower() in _PHRASE_STOP:
            return None
        if _plural(m.group(1)):
            return m.end()
        pos = m.end()
    return None


def _opens_with_preposition(text: str, start: int) -> bool:
    """Whether ``text[start:]`` stands in the phrase a preposition opens its sentence with, before
    the sentence's first comma ("On BUCC and Tatoeba, ...", "Across the nine tasks, ...")."""
    sentence = max((m.end() for m in _SENTENCE_START.finditer(text, 0, start)), default=0)
    return bool(_PREPOSITION.match(text[sentence:start]))


def _closes(text: str, pos: int) -> bool:
    """Whether the apposition may end at ``pos``: something that ends it follows, or a word the
    text's end cut off."""
    return bool(_CLOSES.match(text, pos)) or bool(re.fullmatch(r"\s*[A-Za-z]+", text[pos:]))


def _is_name(word: str) -> bool:
    return word[0].isalnum() and any(c.isupper() for c in word) and word.lower() not in _NOT_A_NAME


@lru_cache(maxsize=256)
def _lists(text: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """(start, end, names) for each list of names in the text: two names or more, joined by commas and
    a last "and" / "or" ("BUCC and Tatoeba", "XNLI, PAWS-X, and MLQA"); a name may run over several
    words ("SQuAD v1.1", "XLM-R Large"). One pass over the words (no backtracking on long texts)."""
    found: list[tuple[int, int, frozenset[str]]] = []
    items: list[list[int]] = []  # [start, end] of each name of the list being read
    last_joined = 0  # index of its last name that "and" / "or" joined on (0: none yet)
    join: str | None = None  # the mark read since its last name: None, "," or "and"
    in_name = False

    def close() -> None:
        if last_joined:
            listed = items[: last_joined + 1]
            found.append((listed[0][0], listed[-1][1], frozenset(normalise(text[a:b]) for a, b in listed)))

    for m in _TOKEN.finditer(text):
        word = m.group(0)
        if _is_name(word) or (in_name and _VERSION.fullmatch(word)):
            if in_name:
                items[-1][1] = m.end()
            elif items and join:
                items.append([m.start(), m.end()])
                last_joined = len(items) - 1 if join == "and" else last_joined
            else:
                close()
                items, last_joined = [[m.start(), m.end()]], 0
            join, in_name = None, True
            continue
        in_name = False
        if word == "," and items and join is None:
            join = ","
        elif word.lower() in _JOINS and items and join in (None, ","):
            join = "and"
        else:
            close()
            items, last_joined, join = [], 0, None
    close()
    return tuple(found)


def name_lists(text: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """(start, end, names) for each list of two names or more in ``text`` ("SQuAD, MNLI, and QQP"),
    the names lower-cased, as ``listed_names`` reads them."""
    return _lists(text)


def listed_names(text: str, start: int, end: int) -> frozenset[str] | None:
    """The names of the list that the count at ``text[start:end]`` stands beside, lower-cased, or None
    when none stands beside it (see the module's notes)."""
    phrase_end = _phrase_end(text, end)
    if phrase_end is None:
        return None
    for list_start, list_end, names in _lists(text):
        if list_end <= start:  # before the count: "<list>, the N <phrase>"
            gap = _BEFORE_COUNT.fullmatch(text, list_end, start)
            if gap and (gap.group("mark") != "," or (not _opens_with_preposition(text, list_start) and _closes(text, phrase_end))):
                return names
        elif list_start >= phrase_end:  # after the phrase: "the N <phrase>, <list>"
            gap = _BEFORE_LIST.fullmatch(text, phrase_end, list_start)
            if gap and _closes(text, list_end) and (gap.group("mark") != "," or not _opens_with_preposition(text, start)):
                return names
            break
    return None
