"""Which of a claim's key terms a synthesis row has: the ``terms`` share of ``claim_match`` and its
number-blind form (pure).

A key term is found word-bounded and hyphen tolerant, its words in their plurals and simple
inflections (``term_forms``), a term written as another's initials where that one is found; a number
term ("100", "three") only in a unit and as the kind of number its statement gives it
(``unit_agrees``, ``_number_term_agrees``); a term that names a direction also as another direction
word of its kind (``direction_terms``), a term the statement uses for a list of names where the
row names them all, and the names of such a list where the row uses the term for them
(``described_names``). ``blind_term_share`` is the share a row stating other
numbers than its claim's is matched on (see its notes). Split from ``claim_match``, which combines
these shares with the numbers and the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from claimcheck.audit.counted_things import (
    CUT,
    claim_number_kind,
    counted_phrase,
    counts_of,
    kinds_agree,
    number_kind,
    same_things,
)
from claimcheck.audit.described_names import found_by_names
from claimcheck.audit.direction_terms import changes_a_shared_name, found_by_direction, grades_change, says_alike
from claimcheck.audit.group_phrases import changed_groups
from claimcheck.audit.model_aliases import model_key, same_name
from claimcheck.audit.normal_text import normalise
from claimcheck.audit.row_numbers import (
    beside_metric,
    interval,
    number_spans,
    same_quantity,
    shifted,
    states_number,
    unit_at,
    words_as_digits,
)
from claimcheck.audit.term_forms import partners, word_pattern

_COUNT_TERM = re.compile(r"\d+")  # a whole number: "9", also "nine" (read as digits)


@lru_cache(maxsize=4096)
def _term_words(term: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[\s\-]+", words_as_digits(normalise(term))) if w)


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern:
    """A key term as a pattern on a row's normalised text (number words as digits); a number that ends
    the term is its group "num"."""
    words = _term_words(term)
    name = any(c.isupper() for c in term)  # "BUCC", "English": the plural only (``term_forms``)

    def word(w: str, last: bool) -> str:
        if re.fullmatch(r"[\d.]+%?", w):  # a number: "7" must not match inside "7.0" or "8.7"
            return r"(?<!\d\.)" + ("(?P<num>" if last else "(?:") + re.escape(w) + r")(?!\.\d)"
        if not w.isalpha():
            return re.escape(w)
        return word_pattern(w, name)

    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(word(w, i == len(words) - 1) for i, w in enumerate(words)) + r"(?!\w)")


def unit_agrees(statement: str, written: str, row_unit: str | None) -> bool:
    """Whether a row number in ``row_unit`` (``unit_at``; None: none written) may be the statement's
    number ``written`` that ends a key term: the statement's unit where it gives one ("100" of "100
    epochs" is no "100 steps"; "70%" is "70 points"), no unit where the statement counts with it
    ("7" of "seven intermediate tasks" is no "7%" nor "7 epochs"). A row number without a unit, a
    number the statement writes as a measure without one ("a gain of 5.4"), or one the statement
    does not hold agrees."""
    if row_unit is None or not statement:
        return True
    if written.endswith("%"):
        return row_unit == "point"
    value = interval(written).mid
    for w, v, measure, a, _ in number_spans(statement):
        if abs(v - value) < 1e-9:
            unit = unit_at(statement, a)
            return unit == row_unit if unit is not None else measure
    return True


def _cut_inside(row_norm: str, term: str) -> bool:
    """A truncated row that ends with the start of the term ("... an order of magni")."""
    words = " ".join(_term_words(term))
    tail = row_norm[-len(words):] if words else ""
    return any(len(tail[i:]) >= 3 and words.startswith(tail[i:]) and (i == 0 or not tail[i - 1].isalnum()) for i in range(len(tail)))


def _term_found(row_digits: str, term: str, statement: str) -> bool:
    """Whether the term is in the row, a number that ends it in a unit that agrees with the
    statement's (``unit_agrees``: the "7" of "seven tasks" is not found in "7% of the data")."""
    for m in _term_pattern(term).finditer(row_digits):
        num = m.groupdict().get("num")
        if num is None or unit_agrees(statement, num, unit_at(row_digits, m.start("num"))):
            return True
    return False


def _term_hits(row_norm: str, terms: Sequence[str], truncated: bool, statement: str = "", reworded: bool = True,
               described: Mapping[str, frozenset[str]] | None = None) -> int:
    """How many of the terms the row has (``term_share``); ``reworded``: a direction term also in
    other words of its kind (``direction_terms``), and a term that describes names of the statement
    where the row names them all (``described``: ``described_names``)."""
    return len(_terms_found(row_norm, terms, truncated, statement, reworded, described))


def _terms_found(row_norm: str, terms: Sequence[str], truncated: bool, statement: str = "", reworded: bool = True,
                 described: Mapping[str, frozenset[str]] | None = None) -> list[str]:
    """The terms the row has (see ``_term_hits``)."""
    row_digits = words_as_digits(row_norm)
    found = {
        t
        for t in terms
        if (_term_found(row_digits, t, statement) and _number_term_agrees(row_norm, t, statement))
        or (truncated and _cut_inside(row_digits, t))
        or (reworded and (found_by_direction(row_norm, t, statement) or _found_by_names(row_norm, t, statement, described)))
    }
    paired = partners(tuple(terms))  # "QA" and "question answering": one found, both found
    return [t for t in terms if t in found or paired.get(t) in found]


def _found_by_names(row_norm: str, term: str, statement: str, described: Mapping[str, frozenset[str]] | None) -> bool:
    """Whether the term describes names of the statement that the row names in full (``described_names``),
    the row saying of them what kind of thing the statement says (``direction_terms.says_alike``: a
    change, where the statement states one): "BUCC and Tatoeba improve greatly" speaks of the
    sentence-retrieval targets' gains; "BUCC and Tatoeba use the model's representations directly"
    names them, and says nothing of gains."""
    return found_by_names(row_norm, term, described) and says_alike(row_norm, statement)


def _named_by_phrase(term: str, row_norm: str, statement: str, row_text: str, written_statement: str) -> bool:
    """Whether the term is one of the names the statement lists under a noun phrase that the row says
    changed (``group_phrases.changed_groups``), the statement saying a change of them too
    (``says_alike``): "sentence retrieval gets worse" speaks of BUCC and Tatoeba, the statement's
    "two sentence-retrieval targets, BUCC and Tatoeba" (the reverse of ``_found_by_names``)."""
    groups = changed_groups(row_text, written_statement)
    if not groups:  # most statements list no names under a phrase, and most rows use none
        return False
    key = model_key(term)
    return bool(key) and any(same_name(key, k) for k in groups) and says_alike(row_norm, statement)


def _number_term_agrees(row_norm: str, term: str, statement: str) -> bool:
    """Whether the row states a number key term ("100", "three", "70%") as the kind of number the
    statement makes it (``kinds_agree``: "100 languages" does not find the "100" of "100 epochs", nor
    "3 points" the "three" of "three target tasks"); any other term, or no statement, agrees."""
    written = " ".join(_term_words(term))
    if not statement or not _NUMBER_TERM.fullmatch(written):
        return True
    theirs = claim_number_kind(statement, written)
    value = interval(written).mid
    return any(
        abs(v - value) < 1e-9 and kinds_agree(number_kind(row_norm, a, b, measure), theirs)
        for _, v, measure, a, b in number_spans(row_norm)
    )


def term_share(row_norm: str, terms: Sequence[str], truncated: bool = False, statement: str = "",
               reworded: bool = True, described: Mapping[str, frozenset[str]] | None = None,
               written: tuple[str, str] | None = None) -> float | None:
    """Share of the key terms found in the row; given the claim's (normalised) ``statement``, a
    number term only in a unit that agrees with the one the statement gives it (``unit_agrees``)
    and as the kind of number the statement makes it (``_number_term_agrees``). A term that names a
    direction ("benefit", "outperforms", "worst") is found in any direction word of its kind
    ("helps", "falls short of": ``direction_terms``), and a term the statement uses to describe a
    list of names ("sentence-retrieval targets, BUCC and Tatoeba") in a row that names them all
    (``described``, from ``described_names.described_terms``), unless ``reworded`` is False. A word
    of a term is found in its plural and simple inflections ("moderately" for "moderate":
    ``term_forms``), and a term written as another's initials where that one is ("QA", "question
    answering").

    Given ``written``, the row and the statement as written, a degree word the statement grades its
    change with ("moderate" of "improve moderately", "large" of "large gains":
    ``direction_terms.grades_change``) does not count against a row that says which way a name of
    the statement changed ("hurts XQuAD", "TyDiQA improves") without saying how much
    (``direction_terms.changes_a_shared_name``): the row leaves out a nuance, not the topic, and its
    direction is read against the claim's, so "Intermediate training hurts XQuAD, MLQA and TyDiQA"
    reaches the question-answering claim and is flagged as its opposite; so does a row that speaks of
    those names by the phrase the statement lists them under ("hurts the question-answering
    targets"). Found, the word counts like any other; a row with no change of a shared name or of
    such a group (or whose change word is said of another name of its own: "hurts question
    answering on XTREME"), whose direction the check could not hold against the claim's names, gets
    no such allowance, nor does the number-blind share (``reworded`` False)."""
    if not terms:
        return None
    found = _terms_found(row_norm, terms, truncated, statement, reworded, described)
    waived = 0
    if reworded and written is not None and len(found) < len(terms):
        named = {t for t in terms if t not in found and _named_by_phrase(t, row_norm, statement, *written)}
        if named:  # paired as _terms_found pairs its terms ("QA" with "question answering")
            paired = partners(tuple(terms))
            found = [t for t in terms if t in found or t in named or paired.get(t) in named]
    if reworded and written is not None and len(found) < len(terms):
        missing = [t for t in terms if t not in found and grades_change(t, statement)]
        waived = len(missing) if missing and changes_a_shared_name(*written) else 0
    return len(found) / (len(terms) - waived) if len(terms) > waived else None


_NUMBER_TERM = re.compile(r"\d+(?:\.\d+)?%?")  # a key term that is a number: "5.4", "100", "70%"


def _term_unit(statement: str, written: str) -> str | None:
    """The unit the statement gives a number key term ("5.4" of "a 5.4-point gain" -> "point")."""
    if written.endswith("%"):
        return "point"
    value = float(written)
    return next((unit_at(statement, a) for _, v, _, a, _ in number_spans(statement) if abs(v - value) < 1e-9), None)


def _measured(row_norm: str, written: Sequence[str], units: set[str | None]) -> bool:
    """Whether the row states one of a claim's measures ``written`` in one of ``units`` (None: no
    unit) with its decimal point moved (``shifted``: "0.54", "+54", "54 points" or a cut "54" for
    5.4; not "7.6 points" nor "20 points", which are other numbers, not the claim's misread), as a
    number that counts nothing ("54 tasks" counts) in a unit that agrees where both have one, and
    no score (``beside_metric``: "82 F1" is no shifted 8.2)."""
    for w, _, measure, a, b in number_spans(row_norm):
        if not any(shifted(w, x) for x in written) or beside_metric(row_norm, a):
            continue
        phrase = None if measure else counted_phrase(row_norm, a, b)
        unit = unit_at(row_norm, a)
        if (phrase is None or phrase[0] == CUT) and (unit is None or None in units or unit in units):
            return True
    return False


def _in_another_unit(row_norm: str, measures: dict[str, str | None]) -> bool:
    """Whether the row states one of a claim's measures (written -> the unit its statement gives it)
    as the same number in another unit of the same quantity ("100 steps" for "100 epochs":
    ``row_numbers.same_quantity``; not "100 languages")."""
    for w, _, _, a, _ in number_spans(row_norm):
        unit = unit_at(row_norm, a)
        if any(theirs != unit and same_quantity(theirs, unit) and states_number(w, x) for x, theirs in measures.items()):
            return True
    return False


def blind_term_share(row_norm: str, terms: Sequence[str], truncated: bool = False, statement: str = "") -> float | None:
    """The key-term share blind to the claim's numbers, so that a row stating other numbers still
    reaches its claim, to be matched with a number mismatch.

    Its count terms ("nine", "9") are one term, found when the row states a count of its own of the
    same things (``same_things``: "12 intermediate tasks" for "nine English intermediate tasks",
    not "two retrieval tasks" or "two of the target tasks"). A row that states no such count does
    not find it: a claim left with one generic term ("intermediate tasks") must not score a full
    share on it and draw every row that says it ("gains of 10 points"). Where the statement names no
    counted thing, any count fills the term.

    Its other number terms, measures ("5.4" of a "5.4-point" gain, "100" of "100 epochs"), are one
    term too, found when the row states one of them or one of them with its decimal point moved,
    counting nothing, in a unit that agrees (``_measured``: "0.54", "+54" or "54 points" for the
    5.4-point gain; not "54 tasks", nor "54 epochs"). Any other number is not the claim's measure
    misread but another measure, likely of another claim ("7.6 points" of XLM-R over mBERT, "20
    points" behind humans): it does not fill the term, so a row about XTREME's best average does not
    reach the 5.4-point gain claim on its words alone. A measure with fewer than two significant
    digits ("100") has no shifted form: only the number itself fills it. So does the measure itself
    in another unit of the same quantity ("100 steps" for "100 epochs": ``_in_another_unit``), the
    claim's number with its unit misstated.

    Its words are found only as written (in their inflections), a direction term not in other words
    of its kind nor a term through the names it describes (``term_share``'s ``reworded``): a row
    matched on this share is called wrong on its numbers, and the claim's own words are the evidence
    that it speaks of the claim ("improves the average by 2.3 points over mBERT" has XTREME's "best"
    and "average", not the gain claim's "improvement")."""
    spans = [(int(v), measure, a, b) for w, v, measure, a, b in number_spans(statement) if "." not in w]
    theirs = {v: counted_phrase(statement, a, b) for v, measure, a, b in spans if not measure}
    written = {t: n for t in terms if _NUMBER_TERM.fullmatch(n := " ".join(_term_words(t)))}
    counts = [int(n) for n in written.values() if _COUNT_TERM.fullmatch(n)]
    counts = [v for v in counts if v in theirs or not any(v == x and measure for x, measure, _, _ in spans)]
    measures = [t for t, n in written.items() if not (_COUNT_TERM.fullmatch(n) and int(n) in counts)]
    worded = [t for t in terms if t not in written]  # every number term is a count or a measure
    if not counts and not measures:
        return term_share(row_norm, terms, truncated, statement, reworded=False)
    found = _term_hits(row_norm, worded, truncated, statement, reworded=False)
    if counts:
        phrases = [p for v in counts if (p := theirs.get(v))]
        found += any(not phrases or any(same_things(phrase, p) for p in phrases) for _, _, phrase in counts_of(row_norm))
    if measures:
        units = {_term_unit(statement, written[t]) for t in measures}
        found += (_term_hits(row_norm, measures, truncated, statement, reworded=False) > 0 or _measured(row_norm, [written[t] for t in measures], units)
                  or _in_another_unit(row_norm, {written[t]: _term_unit(statement, written[t]) for t in measures}))
    return found / (len(worded) + bool(counts) + bool(measures))
