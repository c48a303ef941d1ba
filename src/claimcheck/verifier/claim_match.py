"""Resolving a synthesis row to a canonical claim: numbers and key terms first, text second.

For each registry claim three shares are computed on the row:

- ``numbers``: share of the claim's written numbers that the row states (7 == 7.0; "three" == 3;
  "8.66" states an 8.7, a count "9" does not: ``states_number``), each as the same kind of number
  where both texts say (``kinds_agree``: "100 languages" is no "100 epochs", "3 points" no count
  "three target tasks", "70 points" no "70% of the data");
- ``terms``: share of the claim's ``key_terms`` found in the row (word-bounded, plural and hyphen
  tolerant: "intermediate tasks" matches "intermediate-task"); a number term ("100", "three") only
  as the kind of number the statement makes it, so that it does not count a number the numbers
  share refused;
- ``text``: the best ``difflib`` similarity to the statement or to a known quotation
  (``reported_by``); a truncated row is compared with the same-length prefix.

The score is their weighted mean (numbers 0.35, key terms 0.35, text 0.30, renormalised over the
shares that exist). A row quoting a ``reported_by`` text verbatim (or its prefix, when cut) scores
1, and one at least ``NEAR_VERBATIM`` similar scores its similarity. A row stating a measure
(a decimal, "40 languages") scores 0 on numbers against a claim that reports none. A row matches
when its score reaches ``MATCH_THRESHOLD``. A truncated row that lacks the claim's numbers gets no
numbers share at all (they may sit in the part that was cut off). Failing a match, a row whose key terms
and text still reach it while it states other numbers is matched *with a number mismatch*: this
number-blind score takes the claim's count terms ("nine", "9") as one term that a count of the
same things fills ("12 tasks" for "nine intermediate tasks"; not "two retrieval tasks"), never a
measure ("10 points"), and its measure terms ("5.4", or "100" written "100 epochs") as one term
that only the measure with its decimal point moved fills, counting nothing, in a unit that agrees
("0.54" or "+54" for a 5.4-point gain; not "7.6 points", "54 tasks" or "54 epochs";
``blind_term_share``). The audit does not take this path where the ordinary best is a near miss
of another claim (``audit._near_miss``).
Everything else is an unknown claim, shown with its nearest candidate.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from claimcheck.claims.models import Claim
from claimcheck.verifier.audit_models import MatchScore
from claimcheck.verifier.intervals import Interval, decimals_of, written_interval
from claimcheck.verifier.model_aliases import registry_spelling

MATCH_THRESHOLD = 0.5
NEAR_VERBATIM = 0.9
WEIGHTS = {"numbers": 0.35, "terms": 0.35, "text": 0.30}
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_NUMBER = re.compile(
    r"(?<![\w.])[+−-]?(\d+(?:\.\d+)?)(\s*(?:%|percent\b|points?\b|pp\b|epochs?\b|steps?\b|languages?\b|layers?\b|parameters?\b))?"
    r"|\b(" + "|".join(_WORDS) + r")\b",
    re.I,
)
_UNIT_LIKE = re.compile(r"\s*(?:%|percent|points?|pp|epochs?|steps?|languages?|layers?|parameters?)", re.I)


# a decimal comma, as some locales write it ("a 5,4 point gain"): one or two digits after the comma, and
# no other number joined to it by a comma ("12,000" is a thousands group, "1,2,3" a list)
_DECIMAL_COMMA = re.compile(r"(?<![\d,])(\d{1,3}),(\d{1,2})(?![\d,])")


def decimal_commas(text: str) -> str:
    """The text with a decimal comma read as a point ("5,4" -> "5.4"); "12,000", "1,234" and "1,2,3"
    stay. The length stays the same, so positions in the text still hold."""
    return _DECIMAL_COMMA.sub(r"\1.\2", text) if "," in text else text


def normalise(text: str) -> str:
    t = decimal_commas(text).lower().replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-").replace("\u2014", "-")
    t = t.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    t = registry_spelling(t)
    return re.sub(r"\s+", " ", t).strip()


_RANGE_JOIN = re.compile(r"\s*(?:[-\u2013]|to|and|or)\s*", re.I)


def _number_spans(text: str) -> list[tuple[str, float, bool, int, int]]:
    """(as written, value, measure-like, start, end) for each number, years left out; the first number
    of a range ("5-6 points", "between 5 and 6 points") is measure-like when the second is. A decimal
    comma is a point ("5,4" is written "5.4": ``decimal_commas``)."""
    found = []
    text = decimal_commas(text)  # "5,4" is one number, 5.4
    for m in _NUMBER.finditer(text):
        if m.group(3):
            found.append((m.group(3), float(_WORDS[m.group(3).lower()]), bool(_UNIT_LIKE.match(text[m.end():])), m.start(), m.end()))
            continue
        written = m.group(1)
        value = float(written)
        if "." not in written and 1900 <= value <= 2100:
            continue
        found.append((written, value, "." in written or bool(m.group(2)), m.start(), m.end()))
    for i in range(len(found) - 2, -1, -1):
        w, v, measure, a, b = found[i]
        if not measure and found[i + 1][2] and _RANGE_JOIN.fullmatch(text[b : found[i + 1][3]]):
            found[i] = (w, v, True, a, b)
    return found


_RANGE = re.compile(r"\s*(?:[-\u2013]|to)\s*", re.I)
_BETWEEN = re.compile(r"\bbetween\s+$", re.I)


def number_ranges(text: str) -> list[tuple[str, str]]:
    """The ranges the text states, as their two written ends: "8-9 points", "5 to 6", "between 5
    and 6" (a plain "5 and 6" is two numbers)."""
    spans = _number_spans(text)
    out = []
    for (w1, _, _, a, b), (w2, _, _, c, _) in zip(spans, spans[1:]):
        gap = text[b:c]
        if _RANGE.fullmatch(gap) or (re.fullmatch(r"\s+and\s+", gap, re.I) and _BETWEEN.search(text[:a])):
            out.append((w1, w2))
    return out


def in_range(claim_written: str, ranges: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """The stated range that holds the claim's number, if any ("8-9" holds 8.7; "5-6" holds 5.4)."""
    c = _interval(claim_written)
    for lo_w, hi_w in ranges:
        ends = (_interval(lo_w), _interval(hi_w))
        lo, hi = min(e.lo for e in ends), max(e.hi for e in ends)
        if lo <= c.hi and c.lo <= hi:
            return lo_w, hi_w
    return None


def numbers_in(text: str) -> list[tuple[str, float, bool]]:
    """(as written, value, measure-like) for each number; years (1900-2100) are left out.

    Measure-like: a decimal, or a number followed by a unit (%, points, epochs, languages ...), also
    through a range ("5-6 points": both).
    """
    return [(w, v, measure) for w, v, measure, _, _ in _number_spans(text)]


def _interval(written: str) -> Interval:
    """What a written number stands for, by statcheck's rule: "8.7" is [8.65, 8.75], and a number word
    is as precise as its digits ("five" is "5": [4.5, 5.5]; "nine" is [8.5, 9.5])."""
    w = written.strip().lstrip("+")
    if w.isalpha():
        return written_interval(str(_WORDS[w.lower()]))
    value = float(w.rstrip("%").replace("−", "-"))
    return written_interval(w) if math.isfinite(value) else Interval.point(value)  # 400 digits overflow to inf


def _fraction(written: str) -> bool:
    w = written.strip().lstrip("+")
    return "." in w and not w.endswith("%") and 0 < float(w) <= 1


def _intervals(a: str, b: str) -> tuple[Interval, Interval]:
    """Both numbers' intervals, a fraction read as a percentage against one ("0.7" and "70%")."""
    x, y = _interval(a), _interval(b)
    if b.strip().endswith("%") and _fraction(a):
        x = x.scale(100)
    elif a.strip().endswith("%") and _fraction(b):
        y = y.scale(100)
    return x, y


def same_number(a: str, b: str) -> bool:
    """Whether two written numbers can be the same value: their intervals share more than a bound
    ("8.66" and "8.749" are an 8.7; "8.8" only touches it at 8.75 and is another number; "five" and
    "5" are a 5.4). An exact number agrees with an interval that holds it; a fraction with its
    percentage (0.7, 70%)."""
    x, y = _intervals(a, b)
    lo, hi = max(x.lo, y.lo), min(x.hi, y.hi)
    if x.width == 0 or y.width == 0:
        return lo <= hi + 1e-9
    return hi - lo > 1e-9


def states_number(row_written: str, claim_written: str) -> bool:
    """Whether the row states the claim's number: the same value (7 == 7.0, "nine" == 9), or a number
    at least as precise that ``same_number`` accepts ("8.66" states 8.7; a count "9" does not, nor
    does "five" state 5.4: a number word has no decimals). A claim's number word is a count the
    statement writes out: only its value states it ("8.7" does not state "nine")."""
    row, claim = _intervals(row_written, claim_written)
    if abs(row.mid - claim.mid) < 1e-9:
        return True
    if claim_written.strip().isalpha():
        return False
    return decimals_of(row_written) >= decimals_of(claim_written) and same_number(row_written, claim_written)


# a word that makes the number after it an approximation or a bound ("over five points", "about 5",
# "~5"): "over" and "more than" only before a measure ("averaged over nine tasks" counts nothing less)
_APPROX = re.compile(
    r"(?:\b(?P<word>about|around|roughly|approximately|nearly|almost|over|more\s+than)\s+|(?P<tilde>[~\u223c\u2248])\s*)$", re.I
)
_AT_LEAST = {"over", "more than"}
_AT_MOST = {"nearly", "almost"}


def approximation(text: str, start: int, measure: bool) -> str | None:
    """The qualifier that makes the number at ``text[start]`` approximate: "over" (also "more than",
    for a measure only), "nearly" (also "almost") or "about" (also "around", "roughly",
    "approximately", "~"); None for a number stated plainly."""
    m = _APPROX.search(text, max(0, start - 20), start)
    if not m:
        return None
    word = "about" if m.group("tilde") else re.sub(r"\s+", " ", m.group("word").lower())
    if word in _AT_LEAST:
        return "over" if measure else None
    return "nearly" if word in _AT_MOST else "about"


def approximately(row_written: str, qualifier: str, claim_written: str) -> bool:
    """Whether the claim's number is consistent with an approximate row number.

    - "over N": a value of N or more, below N plus a unit of N's last non-zero digit ("over five
      points" and "over 5 points" for 5.4, not for 4.8 nor for 6.1; "over 70%" for 72%; "over 100
      epochs" for up to 200). The ceiling is a reading, not what "over" says: a writer with 6.1 in
      mind writes "over six", and a bound without one would agree with every larger number and
      draw a row to any claim above it (the 6.1-point v1 claim for "over five points").
    - "nearly N": a value up to N and at most a unit of N's last digit below it ("nearly nine" for
      8.7, not for 9.3).
    - "about N": a value within a unit of N's last digit either side, wider than its written
      precision ("about 5" for 4.1 to 5.9; "about 8" for 8.7, as a writer may cut a number rather
      than round it).

    A unit of the last digit is the width of the written interval (1 for "5", "five" and "70", 0.1
    for "5.4"); a fraction and its percentage are compared as one ("over 70%" and 0.72)."""
    row, claim = _intervals(row_written, claim_written)
    n, unit = row.mid, row.width
    if qualifier == "over":
        while unit < abs(n) and round(n / (unit * 10), 9).is_integer():
            unit *= 10  # a unit of the last non-zero digit: 10 for "70", 100 for "100"
        lo, hi = n, n + unit
    else:
        lo, hi = (n - unit, n) if qualifier == "nearly" else (n - unit, n + unit)
    return Interval(lo, hi).overlaps(claim)


# what a count counts ("nine intermediate tasks" -> intermediate | task): the words after the number up
# to its first plural noun, within a few words; words that leave the things counted the same, and
# words that end the noun phrase
_SAME_THINGS = {"different", "distinct", "separate", "individual", "such", "total", "all"}
_PHRASE_END = set(
    "the a an of on in to for with from by and or as at is are was were be been it its this that these those than "
    "then over under about between across after before into each every per which who whose while whereas but".split()
)  # fmt: skip
_SET_APART = {"other", "remaining", "rest", "further", "additional", "another", "extra", "first", "last", "new"}
_PICKED_FROM = re.compile(r"(?<!\ball )\b(?:of|among|out of)\s+(?:the\s+|all\s+)?$", re.I)
_PHRASE_WORD = re.compile(r"[a-z0-9]+|[^\sa-z0-9-]")


def _singular(w: str) -> str:
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "ous")) else w


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
        if not w.isalpha() or w in _PHRASE_END or w in _WORDS:
            return None
        if _singular(w) != w:
            return _singular(w), frozenset(_singular(m) for m in mods) - _SAME_THINGS
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


def count_spans(text: str) -> list[tuple[str, float, int, int]]:
    """(as written, value, start, end) for each count of the text: a whole number that measures
    nothing, "one" left out (a pronoun as often as a count)."""
    return [(w, v, a, b) for w, v, measure, a, b in _number_spans(text) if not measure and "." not in w and w.lower() != "one"]


def counts_of(text: str) -> list[tuple[str, float, tuple[str, frozenset[str]] | None]]:
    """(as written, value, counted phrase) for each count of the text (``count_spans``)."""
    return [(w, v, counted_phrase(text, a, b)) for w, v, a, b in count_spans(text)]


def _digits(text: str) -> str:
    """Number words as digits ("nine" -> "9"), so a key term "9" and a row saying "nine" meet."""
    return re.sub(r"\b(" + "|".join(_WORDS) + r")\b", lambda m: str(_WORDS[m.group(1).lower()]), text, flags=re.I)


_COUNT_TERM = re.compile(r"\d+")  # a whole number: "9", also "nine" (read as digits)


def _term_words(term: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", _digits(normalise(term))) if w]


def _term_pattern(term: str) -> re.Pattern:
    """A key term as a pattern on a row's normalised text (number words as digits); a number that ends
    the term is its group "num"."""
    words = _term_words(term)

    def word(w: str, last: bool) -> str:
        if re.fullmatch(r"[\d.]+%?", w):  # a number: "7" must not match inside "7.0" or "8.7"
            return r"(?<!\d\.)" + ("(?P<num>" if last else "(?:") + re.escape(w) + r")(?!\.\d)"
        if not w.isalpha():
            return re.escape(w)
        base = w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        return re.escape(base) + r"(?:s|es)?"

    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(word(w, i == len(words) - 1) for i, w in enumerate(words)) + r"(?!\w)")


def _unit_agrees(statement: str, written: str, row_unit: str | None) -> bool:
    """Whether a row number in ``row_unit`` (``_unit_at``; None: none written) may be the statement's
    number ``written`` that ends a key term: the statement's unit where it gives one ("100" of "100
    epochs" is no "100 steps"; "70%" is "70 points"), no unit where the statement counts with it
    ("7" of "seven intermediate tasks" is no "7%" nor "7 epochs"). A row number without a unit, a
    number the statement writes as a measure without one ("a gain of 5.4"), or one the statement
    does not hold agrees."""
    if row_unit is None or not statement:
        return True
    if written.endswith("%"):
        return row_unit == "point"
    value = _interval(written).mid
    for w, v, measure, a, _ in _number_spans(statement):
        if abs(v - value) < 1e-9:
            unit = _unit_at(statement, a)
            return unit == row_unit if unit is not None else measure
    return True


def _cut_inside(row_norm: str, term: str) -> bool:
    """A truncated row that ends with the start of the term ("... an order of magni")."""
    words = " ".join(_term_words(term))
    tail = row_norm[-len(words):] if words else ""
    return any(len(tail[i:]) >= 3 and words.startswith(tail[i:]) and (i == 0 or not tail[i - 1].isalnum()) for i in range(len(tail)))


def _term_found(row_digits: str, term: str, statement: str) -> bool:
    """Whether the term is in the row, a number that ends it in a unit that agrees with the
    statement's (``_unit_agrees``: the "7" of "seven tasks" is not found in "7% of the data")."""
    for m in _term_pattern(term).finditer(row_digits):
        num = m.groupdict().get("num")
        if num is None or _unit_agrees(statement, num, _unit_at(row_digits, m.start("num"))):
            return True
    return False


def _term_hits(row_norm: str, terms: Sequence[str], truncated: bool, statement: str = "") -> int:
    row_digits = _digits(row_norm)
    return sum(
        1
        for t in terms
        if (_term_found(row_digits, t, statement) and _number_term_agrees(row_norm, t, statement))
        or (truncated and _cut_inside(row_digits, t))
    )


def _number_term_agrees(row_norm: str, term: str, statement: str) -> bool:
    """Whether the row states a number key term ("100", "three", "70%") as the kind of number the
    statement makes it (``kinds_agree``: "100 languages" does not find the "100" of "100 epochs", nor
    "3 points" the "three" of "three target tasks"); any other term, or no statement, agrees."""
    written = " ".join(_term_words(term))
    if not statement or not _NUMBER_TERM.fullmatch(written):
        return True
    theirs = claim_number_kind(statement, written)
    value = _interval(written).mid
    return any(
        abs(v - value) < 1e-9 and kinds_agree(number_kind(row_norm, a, b, measure), theirs)
        for _, v, measure, a, b in _number_spans(row_norm)
    )


def term_share(row_norm: str, terms: Sequence[str], truncated: bool = False, statement: str = "") -> float | None:
    """Share of the key terms found in the row; given the claim's (normalised) ``statement``, a
    number term only in a unit that agrees with the one the statement gives it (``_unit_agrees``)
    and as the kind of number the statement makes it (``_number_term_agrees``)."""
    if not terms:
        return None
    return _term_hits(row_norm, terms, truncated, statement) / len(terms)


_NUMBER_TERM = re.compile(r"\d+(?:\.\d+)?%?")  # a key term that is a number: "5.4", "100", "70%"
_WITH_UNIT = re.compile(
    r"[+−-]?(?:\d+(?:\.\d+)?|[a-z]+)[\s-]*(%|percent\b|points?\b|pp\b|epochs?\b|steps?\b|languages?\b|layers?\b|parameters?\b)",
    re.I,
)
_POINTS = {"%", "percent", "pp", "point"}  # syntheses write a gain in points as "%" as often as not


def _unit_at(text: str, start: int) -> str | None:
    """The unit of the number that starts at ``text[start]`` ("5.4-point" -> "point"; "%", "pp"
    and "percent" are points too), if any."""
    m = _WITH_UNIT.match(text, start)
    unit = _singular(m.group(1).lower()) if m else None
    return "point" if unit in _POINTS else unit


def _term_unit(statement: str, written: str) -> str | None:
    """The unit the statement gives a number key term ("5.4" of "a 5.4-point gain" -> "point")."""
    if written.endswith("%"):
        return "point"
    value = float(written)
    return next((_unit_at(statement, a) for _, v, _, a, _ in _number_spans(statement) if abs(v - value) < 1e-9), None)


_PART_OF = re.compile(r"\s+(?:out\s+)?of\s+(?:the\s+)?(?:\d+|" + "|".join(_WORDS) + r")\b", re.I)
_POINT_UNITS = {"point": "point", "pp": "point", "%": "%", "percent": "%"}
Kind = tuple[str | None, str | None]  # ("measure" or "count", its unit or None), or (None, None): the text does not say


def number_kind(text: str, start: int, end: int, measure: bool = False) -> Kind:
    """What the number at ``text[start:end]`` is, and its unit: a measure in points or percent
    ("5.4-point", "3 points", "70%"), a measure of no stated unit (a decimal, "8.7"; ``measure``:
    the first end of a range whose second has a unit), a count in a unit ("100 languages", "100
    epochs", "40 typologically diverse languages"), a count of other things ("nine intermediate
    tasks", "three of the six target tasks": no unit, the things counted are not compared), or
    (None, None) where the text does not say (a bare whole number, "improves by 3")."""
    m = _WITH_UNIT.match(text, start)
    if m:
        unit = _singular(m.group(1).lower())
        return ("measure", _POINT_UNITS[unit]) if unit in _POINT_UNITS else ("count", unit)
    if "." in text[start:end] or measure:
        return "measure", None
    phrase = _phrase_after(text, end)
    part = _PART_OF.match(text, end)
    if phrase is None and part:  # "three of the six target tasks": a count too
        phrase = _phrase_after(text, part.end())
    if phrase is None or phrase[0] == CUT:
        return None, None
    return "count", phrase[0] if _WITH_UNIT.fullmatch("1 " + phrase[0]) and phrase[0] not in _POINT_UNITS else None


def claim_number_kind(statement: str, written: str) -> Kind:
    """The kind of a claim's number ``written`` ("3", "100", "70%"), read where its statement
    writes the same value ("the other three target tasks": a count; "100 epochs"; "70% of the
    data": percent); from the written number alone where the statement has none."""
    w = written.strip().lstrip("+")
    if w.endswith("%"):
        return "measure", "%"
    value = _interval(w).mid
    for _, v, measure, a, b in _number_spans(statement):
        if abs(v - value) < 1e-9:
            return number_kind(statement, a, b, measure)
    return ("measure", None) if "." in w else (None, None)


def kinds_agree(row: Kind, claim: Kind) -> bool:
    """Whether a row number can be a claim number of the same value by what each is, where both
    say: a count is no measure ("3 points" is not the count "three target tasks"), and two units
    differ ("100 languages" is not "100 epochs"; "70 points" is not "70% of the data", but a gain in
    points the other way round is: syntheses write "5.4%" for a 5.4-point gain as often as not)."""
    (rk, ru), (ck, cu) = row, claim
    if rk is None or ck is None:
        return True
    if rk != ck:
        return False
    return ru is None or cu is None or ru == cu or (ru, cu) == ("%", "point")


def _significant(written: str) -> str:
    return re.sub(r"\D", "", written).strip("0")


def shifted(row_written: str, claim_written: str) -> bool:
    """Whether a row number is the claim's with its decimal point moved ("54", "0.54" or "540" for
    5.4): the same significant digits, at least two of them, and another value."""
    if row_written.strip().isalpha() or claim_written.strip().isalpha():
        return False
    digits = _significant(row_written)
    return len(digits) >= 2 and digits == _significant(claim_written) and not same_number(row_written, claim_written)


# what a score is written with: a number beside one ("82 F1", "(EM: 71)", "an accuracy of 82", "82%")
# is the score itself, not a gain with its decimal point moved ("82 F1" is no shifted 8.2)
_METRICS = r"f1|em|exact[\s-]match|acc(?:uracy)?|(?:sp)?bleu|rouge(?:-\w+)?|chrf\+*|mrr|auc|precision|recall|perplexity|ppl"
_METRIC_AFTER = re.compile(r"[+−-]?\d+(?:\.\d+)?\s*(?:%|percent\b|(?:" + _METRICS + r")\b)", re.I)
_METRIC_BEFORE = re.compile(r"\b(?:" + _METRICS + r"|score)(?:\s*[:=]|\s+(?:of|is|was|at))?\s*[(\[]?\s*$", re.I)


def beside_metric(text: str, start: int) -> bool:
    """Whether the number that starts at ``text[start]`` is directly followed or preceded by a
    metric's name ("82 F1", "82%", "82 accuracy"; "F1 82", "EM: 71", "an accuracy of 82", "a score
    of 54"): it is a score, never read as another number with its decimal point moved. "54 points",
    "a gain of 54" and "the score by 0.54" are not beside one."""
    return bool(_METRIC_AFTER.match(text, start) or _METRIC_BEFORE.search(text, max(0, start - 40), start))


def _measured(row_norm: str, written: Sequence[str], units: set[str | None]) -> bool:
    """Whether the row states one of a claim's measures ``written`` in one of ``units`` (None: no
    unit) with its decimal point moved (``shifted``: "0.54", "+54", "54 points" or a cut "54" for
    5.4; not "7.6 points" nor "20 points", which are other numbers, not the claim's misread), as a
    number that counts nothing ("54 tasks" counts) in a unit that agrees where both have one, and
    no score (``beside_metric``: "82 F1" is no shifted 8.2)."""
    for w, _, measure, a, b in _number_spans(row_norm):
        if not any(shifted(w, x) for x in written) or beside_metric(row_norm, a):
            continue
        phrase = None if measure else counted_phrase(row_norm, a, b)
        unit = _unit_at(row_norm, a)
        if (phrase is None or phrase[0] == CUT) and (unit is None or None in units or unit in units):
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
    digits ("100") has no shifted form: only the number itself fills it."""
    spans = [(int(v), measure, a, b) for w, v, measure, a, b in _number_spans(statement) if "." not in w]
    theirs = {v: counted_phrase(statement, a, b) for v, measure, a, b in spans if not measure}
    written = {t: n for t in terms if _NUMBER_TERM.fullmatch(n := " ".join(_term_words(t)))}
    counts = [int(n) for n in written.values() if _COUNT_TERM.fullmatch(n)]
    counts = [v for v in counts if v in theirs or not any(v == x and measure for x, measure, _, _ in spans)]
    measures = [t for t, n in written.items() if not (_COUNT_TERM.fullmatch(n) and int(n) in counts)]
    worded = [t for t in terms if t not in written]  # every number term is a count or a measure
    if not counts and not measures:
        return term_share(row_norm, terms, truncated, statement)
    found = _term_hits(row_norm, worded, truncated, statement)
    if counts:
        phrases = [p for v in counts if (p := theirs.get(v))]
        found += any(not phrases or any(same_things(phrase, p) for p in phrases) for _, _, phrase in counts_of(row_norm))
    if measures:
        units = {_term_unit(statement, written[t]) for t in measures}
        found += _term_hits(row_norm, measures, truncated, statement) > 0 or _measured(row_norm, [written[t] for t in measures], units)
    return found / (len(worded) + bool(counts) + bool(measures))


def number_share(
    row_numbers: Sequence[str],
    reported: Sequence[str],
    ranges: Sequence[tuple[str, str]] = (),
    row_kinds: Sequence[Kind] = (),
    reported_kinds: Sequence[Kind] = (),
    *,
    approximate: Sequence[tuple[str, str]] = (),
) -> float | None:
    """Share of the claim's numbers the row states, holds in a range it states ("5-6 points"), or
    agrees with as an approximate number of the row, given as (written, qualifier) pairs ("over five
    points" for 5.4: ``approximately``). Given the kinds of both sides' numbers (``number_kind``,
    ``claim_number_kind``), a row number states a claim number only where they agree (``kinds_agree``:
    "100 languages" is no "100 epochs", "3 points" no count "three", "70 points" no "70%")."""
    if not reported:
        return None
    row_kinds = list(row_kinds) or [(None, None)] * len(row_numbers)
    reported_kinds = list(reported_kinds) or [(None, None)] * len(reported)
    return sum(
        1
        for r, ck in zip(reported, reported_kinds)
        if any(states_number(w, r) and kinds_agree(rk, ck) for w, rk in zip(row_numbers, row_kinds))
        or in_range(r, ranges)
        or any(approximately(w, q, r) for w, q in approximate)
    ) / len(reported)


def approximate_numbers(text: str) -> list[tuple[str, str]]:
    """(as written, qualifier) for each approximate number of the text ("over five points": ("five",
    "over"); ``approximation``)."""
    return [(w, q) for w, _, measure, a, _ in _number_spans(text) if (q := approximation(text, a, measure))]


def text_similarity(row_norm: str, truncated: bool, texts: Sequence[str]) -> tuple[float, bool]:
    """Best similarity to any of ``texts``, and whether one of them is quoted verbatim."""
    best, verbatim = 0.0, False
    for t in texts:
        tn = normalise(t)
        if not tn:
            continue
        if row_norm == tn or (truncated and len(row_norm) >= 40 and tn.startswith(row_norm)):
            return 1.0, True
        ratio = SequenceMatcher(None, row_norm, tn, autojunk=False).ratio()
        if truncated and len(tn) > len(row_norm):
            ratio = max(ratio, SequenceMatcher(None, row_norm, tn[: len(row_norm)], autojunk=False).ratio())
        best = max(best, ratio)
    return best, verbatim


def _combine(parts: dict[str, float | None]) -> float:
    have = {k: v for k, v in parts.items() if v is not None}
    total = sum(WEIGHTS[k] for k in have)
    return sum(WEIGHTS[k] * v for k, v in have.items()) / total if total else 0.0


def score_claim(row_text: str, truncated: bool, claim: Claim) -> tuple[MatchScore, float, bool]:
    """(score with numbers, score without numbers, verbatim quotation) of one claim for one row."""
    row_norm = normalise(row_text)
    spans = _number_spans(row_text)
    nums = number_share(
        [w for w, _, _, _, _ in spans],
        claim.reported,
        number_ranges(row_text),
        [number_kind(row_text, a, b, measure) for _, _, measure, a, b in spans],
        [claim_number_kind(claim.statement, r) for r in claim.reported],
        approximate=approximate_numbers(row_text),
    )
    if nums is None and any(measure for _, _, measure in numbers_in(row_text)):
        nums = 0.0  # the row quantifies something (8.7 points, 40 languages) that this claim does not
    if truncated and nums == 0.0 and not number_mismatch(row_text, claim):
        nums = None  # the numbers may sit in the part that was cut off: neither for nor against
    terms = term_share(row_norm, claim.key_terms, truncated, normalise(claim.statement))
    text, verbatim = text_similarity(row_norm, truncated, [claim.statement, *claim.reported_by])
    score = 1.0 if verbatim else _combine({"numbers": nums, "terms": terms, "text": text})
    if text >= NEAR_VERBATIM:  # nearly the same sentence: the text decides, numbers are then compared
        score = max(score, text)
    blind = 1.0 if verbatim else _combine({"terms": blind_term_share(row_norm, claim.key_terms, truncated, normalise(claim.statement)), "text": text})
    ms = MatchScore(claim_id=claim.id, score=round(score, 3), numbers=nums, terms=terms, text=round(text, 3))
    return ms, blind, verbatim


def differing_numbers(row_text: str, claim: Claim) -> list[str]:
    """The measure-like numbers the row states in place of the claim's, as written; empty when the
    claim's written numbers are all there (or the row states no measure of its own). A row number
    whose written interval meets a claim number's is no mismatch ("8.66" or "8.749" against "8.7"),
    nor the ends of a range that holds one ("8-9 points" against "8.7")."""
    if not claim.reported:
        return []
    row, ranges = numbers_in(row_text), number_ranges(row_text)
    if all(any(states_number(w, r) for w, _, _ in row) or in_range(r, ranges) for r in claim.reported):
        return []
    agreeing = {w for r in claim.reported if (pair := in_range(r, ranges)) for w in pair}
    return list(dict.fromkeys(w for w, _, measure in row
                              if measure and w not in agreeing and not any(same_number(w, r) for r in claim.reported)))


def number_mismatch(row_text: str, claim: Claim) -> bool:
    """The row states a measure-like number where the claim's written number is absent."""
    return bool(differing_numbers(row_text, claim))


def rank_claims(row_text: str, truncated: bool, claims: Sequence[Claim]) -> list[tuple[MatchScore, float, bool]]:
    scored = [score_claim(row_text, truncated, c) for c in claims]
    return sorted(scored, key=lambda s: (-s[0].score, -s[1], s[0].claim_id))
