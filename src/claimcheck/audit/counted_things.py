"""What a count counts, and what kind of number a number is (pure).

A count's counted phrase is its head noun, singular, with the words before it that tell the things
apart (``counted_phrase``): two counts count the same things when ``same_things`` says so ("12
intermediate tasks" and "nine intermediate tasks"; not "two retrieval tasks"). ``number_kind``
reads a number as a measure or a count and its unit ("5.4-point", "100 epochs", "three target
tasks"), ``claim_number_kind`` a claim's number where its statement writes it, and ``kinds_agree``
says whether a row number can be a claim number by what each is. The numbers themselves are read by
``row_numbers``.

    >>> counted_phrase("across nine intermediate tasks", 7, 11)
    ('task', frozenset({'intermediate'}))
    >>> number_kind("trained for 100 epochs", 12, 15), number_kind("improves by 3", 12, 13)
    (('count', 'epoch'), (None, None))
    >>> kinds_agree(("measure", "point"), ("count", None))
    False
"""

from __future__ import annotations

import re
from itertools import takewhile

from claimcheck.audit.normal_text import PHRASE_END
from claimcheck.audit.row_numbers import NUMBER_WORDS, WITH_UNIT, interval, number_spans, singular

# what a count counts ("nine intermediate tasks" -> intermediate | task): the words after the number up
# to its first plural noun, within a few words (ended by a ``PHRASE_END`` word); words that leave the
# things counted the same
_SAME_THINGS = {"different", "distinct", "separate", "individual", "such", "total", "all"}
_SET_APART = {"other", "remaining", "rest", "further", "additional", "another", "extra", "first", "last", "new"}
_PICKED_FROM = re.compile(r"(?<!\ball )\b(?:of|among|out of)\s+(?:the\s+|all\s+)?$", re.I)
_PHRASE_WORD = re.compile(r"[a-z0-9]+|[^\sa-z0-9-]")


CUT = "…"  # the head of a counted phrase that the text's end cut off ("with 12 different English intermedi")


def counted_phrase(text: str, start: int, end: int) -> tuple[str, frozenset[str]] | None:
    """What the count at ``text[start:end]`` counts: (its head noun, singular; the words before it that
    tell the things apart), read from the words after the number ("of the" skipped: "two of the target
    tasks" counts target tasks) up to the first plural noun within four words; None when no plural
    noun follows at once, or a word before the number sets the things apart ("the other 6 tasks"), or
    the count is the set others are picked from ("of the nine intermediate tasks, SQuAD ...");
    ``CUT`` as its head when the text ends first."""
    before = re.findall(r"[a-z]+", text[max(0, start - 20) : start].lower())
    if before and before[-1] in _SET_APART:
        return None
    if _PICKED_FROM.search(text[max(0, start - 20) : start]):  # "of the nine intermediate tasks, SQuAD ...": the set picked from
        return None
    return _phrase_after(text, end)


def _phrase_after(text: str, end: int) -> tuple[str, frozenset[str]] | None:
    """The counted phrase read from the words after a number ending at ``text[end]`` (``counted_phrase``
    without its checks of the words before the number)."""
    words = _PHRASE_WORD.findall(text[end : end + 120].lower())
    if words[:1] == ["of"]:
        words = words[2:] if words[1:2] in (["the"], ["these"], ["those"], ["our"], ["its"], ["their"]) else words[1:]
    mods: list[str] = []
    for w in words[:5]:
        if not w.isalpha() or w in PHRASE_END or w in NUMBER_WORDS:
            return None
        if singular(w) != w:
            return singular(w), frozenset(singular(m) for m in mods) - _SAME_THINGS
        mods.append(w)
    return (CUT, frozenset()) if len(words) < 5 and not text[end + 120 :] else None


# words before a counted noun that tell nothing apart ("7 intermediate language understanding tasks" are
# "nine English intermediate tasks"), and words that pick some of the things out ("the three single
# English intermediate tasks that improve most" are not "nine intermediate tasks")
_NOT_DISTINGUISHING = {"language", "understanding", "nlu"}
_PICKING = {"single", "best", "top"}


def same_things(row: tuple[str, frozenset[str]] | None, claim: tuple[str, frozenset[str]] | None) -> bool:
    """Whether a row's counted phrase names what the claim's counts: the same head noun, no word
    the claim's phrase lacks (but "language", "understanding" and "NLU", which tell nothing apart),
    and each word of the claim's phrase that picks some out ("single", "best", "top") ("7 tasks",
    "12 different intermediate tasks" and "7 intermediate language understanding tasks" are "nine
    intermediate tasks"; "two retrieval tasks", "two of the target tasks" and "9 XTREME targets"
    are not, nor is "nine intermediate tasks" "the three single intermediate tasks"). A phrase the
    text's end cut off may be any."""
    if row is not None and row[0] == CUT:
        return claim is not None
    return (row is not None and claim is not None and row[0] == claim[0]
            and row[1] - _NOT_DISTINGUISHING <= claim[1] and claim[1] & _PICKING <= row[1])


# words that tell none of a paper's task sets apart where all its training data is English (intermediate
# and target tasks alike): "7 English tasks" may be either
_OF_ALL_SETS = {"english"}


def carries_distinction(row: tuple[str, frozenset[str]] | None, claim: tuple[str, frozenset[str]] | None) -> bool:
    """Whether a row's counted phrase carries a word of the claim's that tells its things apart
    ("7 intermediate tasks" for "nine English intermediate tasks"; not a bare "7 tasks", "40 tasks"
    or "7 English tasks"), or the claim's phrase has none beside its noun ("two phases" for "three
    phases"). For a count checked against a claim the row did not match, where a bare noun may count
    anything."""
    if row is None or claim is None or row[0] == CUT:
        return False
    telling = claim[1] - _NOT_DISTINGUISHING - _OF_ALL_SETS
    return not claim[1] or bool(row[1] & telling)


def counts_of_other_things(text: str, statement: str, values: tuple[float, ...] = ()) -> int:
    """How many counts of the text count things its claim's statement does not speak of: a counted
    phrase with a word that tells its things apart (``carries_distinction``'s words: "12 different
    intermediate tasks" has "intermediate") that the statement does not write, of a value that is
    none of ``values`` (the claim's numbers). "12 different intermediate tasks ... across 40
    languages" states the 40 of "tasks covering up to 40 languages", and also counts what that
    statement never mentions; a bare "9 tasks" or "40 languages" may count anything, and counts
    nothing here."""
    words = {singular(w) for w in re.findall(r"[a-z0-9]+", statement.lower())}
    found = 0
    for _, value, phrase in counts_of(text):
        if phrase is None or phrase[0] == CUT or any(abs(value - v) < 1e-9 for v in values):
            continue
        telling = phrase[1] - _NOT_DISTINGUISHING - _OF_ALL_SETS
        found += bool(telling) and not telling <= words
    return found


def count_spans(text: str) -> list[tuple[str, float, int, int]]:
    """(as written, value, start, end) for each count of the text: a whole number that measures
    nothing, "one" left out (a pronoun as often as a count)."""
    return [(w, v, a, b) for w, v, measure, a, b in number_spans(text) if not measure and "." not in w and w.lower() != "one"]


def counts_of(text: str) -> list[tuple[str, float, tuple[str, frozenset[str]] | None]]:
    """(as written, value, counted phrase) for each count of the text (``count_spans``)."""
    return [(w, v, counted_phrase(text, a, b)) for w, v, a, b in count_spans(text)]


_PART_OF = re.compile(r"\s+(?:out\s+)?of\s+(?:the\s+)?(?:\d+|" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_POINT_UNITS = {"point": "point", "pp": "point", "%": "%", "percent": "%"}
Phrase = tuple[str, frozenset[str]]  # a counted phrase (``counted_phrase``)
# ("measure" or "count", its unit, or for a count of other things what it counts, or None), or (None, None): the text does not say
Kind = tuple[str | None, str | Phrase | None]
# "three kinds of NLP task" counts NLP tasks; a "target" of a paper is one of its target tasks
_SORT_OF = re.compile(r"[\s-]+(?:[a-z]+\s+){0,2}?(?:kinds?|types?|sorts?|categor(?:y|ies)|variet(?:y|ies))\s+of\s+"
                      r"((?:[a-z][a-z0-9]*[\s-]+){0,2}[a-z][a-z0-9]*)", re.I)


_TASK_DATA = {"dataset", "benchmark"}


def _what_is_counted(text: str, end: int, phrase: Phrase) -> Phrase:
    """A counted phrase as two counts of it are compared (``kinds_agree``): "kinds of NLP task"
    read as the "NLP task" it names, a "target" as a "target task", a "dataset" (a "data set", a
    "benchmark") as the task it holds."""
    head, mods = phrase
    if m := _SORT_OF.match(text, end):
        words = list(takewhile(lambda w: w not in PHRASE_END, re.findall(r"[a-z0-9]+", m.group(1).lower())))
        if words:
            head, mods = singular(words[-1]), frozenset(singular(w) for w in words[:-1])
    if head == "target":
        head, mods = "task", mods | {"target"}
    elif head in _TASK_DATA or (head == "set" and "data" in mods):  # a task is named by its data: "nine intermediate datasets"
        head = "task"
    return head, frozenset(mods)


def number_kind(text: str, start: int, end: int, measure: bool = False) -> Kind:
    """What the number at ``text[start:end]`` is, and its unit: a measure in points or percent
    ("5.4-point", "3 points", "70%"), a measure of no stated unit (a decimal, "8.7"; ``measure``:
    the first end of a range whose second has a unit), a count in a unit ("100 languages", "100
    epochs", "40 typologically diverse languages"), a count of other things with what it counts
    ("nine intermediate tasks", "three of the six target tasks", "three kinds of NLP task":
    ``_what_is_counted``), or (None, None) where the text does not say (a bare whole number,
    "improves by 3")."""
    m = WITH_UNIT.match(text, start)
    if m:
        unit = singular(m.group(1).lower())
        if unit in _POINT_UNITS:
            return "measure", _POINT_UNITS[unit]
        if not (m.group(1).lower() == unit and (phrase := _phrase_after(text, end)) and phrase[0] not in (unit, CUT)):
            return "count", unit
        # "three language models" counts models: the unit's word, written singular, describes the noun after it
    if "." in text[start:end] or measure:
        return "measure", None
    at = end
    phrase = _phrase_after(text, at)
    part = _PART_OF.match(text, end)
    if phrase is None and part:  # "three of the six target tasks": a count too
        at = part.end()
        phrase = _phrase_after(text, at)
    if phrase is None or phrase[0] == CUT:
        return None, None
    if WITH_UNIT.fullmatch("1 " + phrase[0]) and phrase[0] not in _POINT_UNITS:
        return "count", phrase[0]
    return "count", _what_is_counted(text, at, phrase)


def claim_number_kind(statement: str, written: str) -> Kind:
    """The kind of a claim's number ``written`` ("3", "100", "70%"), read where its statement
    writes the same value ("the other three target tasks": a count; "100 epochs"; "70% of the
    data": percent; a count of no stated things where it writes the value twice as counts of
    different things); from the written number alone where the statement has none."""
    w = written.strip().lstrip("+")
    if w.endswith("%"):
        return "measure", "%"
    value = interval(w).mid
    kinds = [number_kind(statement, a, b, measure) for _, v, measure, a, b in number_spans(statement) if abs(v - value) < 1e-9]
    if len({k for k, _ in kinds}) == 1 and len({u for _, u in kinds}) > 1 and all(isinstance(u, tuple) for _, u in kinds):
        return "count", None  # "three models on three kinds of NLP task": a count, of either
    if kinds:
        return kinds[0]
    return ("measure", None) if "." in w else (None, None)


def kinds_agree(row: Kind, claim: Kind) -> bool:
    """Whether a row number can be a claim number of the same value by what each is, where both
    say: a count is no measure ("3 points" is not the count "three target tasks"), two units
    differ ("100 languages" is not "100 epochs"; "70 points" is not "70% of the data", but a gain in
    points the other way round is: syntheses write "5.4%" for a 5.4-point gain as often as not), and
    two counts of other things count things of the same name, their head nouns (``_what_is_counted``:
    "three stages" or "three language models" is not "the other three target tasks"; "three tasks",
    "three targets" and "three question answering targets" are)."""
    (rk, ru), (ck, cu) = row, claim
    if rk is None or ck is None:
        return True
    if rk != ck:
        return False
    if isinstance(ru, tuple) or isinstance(cu, tuple):  # counts of things: of the same things, where both say what
        # the words before the noun are not compared: a paraphrase names the things otherwise ("the three
        # question answering targets"); nor is a count in a unit ("up to 40 tasks" for "40 languages")
        return not (isinstance(ru, tuple) and isinstance(cu, tuple)) or ru[0] == cu[0]
    return ru is None or cu is None or ru == cu or (ru, cu) == ("%", "point")
