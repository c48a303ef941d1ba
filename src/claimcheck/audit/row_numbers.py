"""Numbers as a synthesis row writes them: digits, number words, ranges, qualifiers, units (pure).

A row writes a number in digits ("8.7", "+5.4", "70%"), as a word ("nine"), with a decimal comma
("5,4"), as a range ("8-9 points", "between 5 and 6") or with a qualifier ("over five points",
"about 5", "~5"). ``number_spans`` reads each with its place in the text, years left out, and
whether it is measure-like (a decimal, or a number with a unit: ``unit_at``). A written number
stands for an interval (``interval``: "8.7" is [8.65, 8.75], "five" is [4.5, 5.5]): ``same_number``
and ``states_number`` compare two written numbers by it, and ``approximately`` compares a claim's
number with what a row's qualifier allows. ``shifted`` tells a number with its decimal point moved
("54" for 5.4), and ``beside_metric`` a score that is none ("82 F1").

    >>> numbers_in("a 5,4-point gain on nine tasks in 2020")
    [('5.4', 5.4, True), ('nine', 9.0, False)]
    >>> states_number("8.66", "8.7"), states_number("9", "8.7"), same_number("five", "5.4")
    (True, False, True)
    >>> number_ranges("gains of 8-9 points"), approximate_numbers("over five points")
    ([('8', '9')], [('five', 'over')])
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

from claimcheck.verifier.intervals import Interval, decimals_of, written_interval

# number words as syntheses write counts and small measures ("nine tasks", "over five points"), with their values
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
# the units a number may be written with ("5.4 points", "70%", "100 epochs", "40 languages")
_UNITS = r"%|percent\b|points?\b|pp\b|epochs?\b|steps?\b|iterations?\b|updates?\b|languages?\b|layers?\b|parameters?\b"
_LENGTH = r"(?:training\s+(?=epoch|step|iteration|update))?"  # "100 training steps": a length of training in steps
_NUMBER = re.compile(
    r"(?<![\w.])[+−-]?(\d+(?:\.\d+)?)(\s*" + _LENGTH + r"(?:" + _UNITS + r"))?"
    r"|\b(" + "|".join(NUMBER_WORDS) + r")\b",
    re.I,
)
_UNIT_LIKE = re.compile(r"\s*" + _LENGTH + r"(?:" + _UNITS + r")", re.I)


# a decimal comma, as some locales write it ("a 5,4 point gain"): one or two digits after the comma, and
# no other number joined to it by a comma ("12,000" is a thousands group, "1,2,3" a list)
_DECIMAL_COMMA = re.compile(r"(?<![\d,])(\d{1,3}),(\d{1,2})(?![\d,])")


def decimal_commas(text: str) -> str:
    """The text with a decimal comma read as a point ("5,4" -> "5.4"); "12,000", "1,234" and "1,2,3"
    stay. The length stays the same, so positions in the text still hold."""
    return _DECIMAL_COMMA.sub(r"\1.\2", text) if "," in text else text


# "Table 3", "Section 2", "[12]", "GPT-3": numbers that name a thing, not a quantity
NAMING = re.compile(r"\b(?:table|tab\.|figure|fig\.|section|sec\.|appendix|eq\.|equation|chapter)\s*\d+|\[\d+(?:\s*[,–-]\s*\d+)*\]|[A-Za-z]-\d+", re.I)


def without_naming_numbers(text: str) -> str:
    """The text with the digits of the numbers that name a thing (``NAMING``: "GPT-3", "Table 3",
    "[12]") blanked out, each by a space, so that positions in the text still hold."""
    return NAMING.sub(lambda m: re.sub(r"\d", " ", m.group(0)), text)


_RANGE_JOIN = re.compile(r"\s*(?:[-\u2013]|to|and|or)\s*", re.I)


def number_spans(text: str) -> list[tuple[str, float, bool, int, int]]:
    """(as written, value, measure-like, start, end) for each number, years left out; the first number
    of a range ("5-6 points", "between 5 and 6 points") is measure-like when the second is. A decimal
    comma is a point ("5,4" is written "5.4": ``decimal_commas``)."""
    return list(_number_spans(text))


@lru_cache(maxsize=8192)  # a row and each claim statement are read once per claim compared, the same text each time
def _number_spans(text: str) -> tuple[tuple[str, float, bool, int, int], ...]:
    found = []
    text = decimal_commas(text)  # "5,4" is one number, 5.4
    for m in _NUMBER.finditer(text):
        if m.group(3):
            found.append((m.group(3), float(NUMBER_WORDS[m.group(3).lower()]), bool(_UNIT_LIKE.match(text[m.end():])), m.start(), m.end()))
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
    return tuple(found)


_RANGE = re.compile(r"\s*(?:[-\u2013]|to)\s*", re.I)
_BETWEEN = re.compile(r"\bbetween\s+$", re.I)


def number_ranges(text: str) -> list[tuple[str, str]]:
    """The ranges the text states, as their two written ends: "8-9 points", "5 to 6", "between 5
    and 6" (a plain "5 and 6" is two numbers)."""
    spans = number_spans(text)
    out = []
    for (w1, _, _, a, b), (w2, _, _, c, _) in zip(spans, spans[1:]):
        gap = text[b:c]
        if _RANGE.fullmatch(gap) or (re.fullmatch(r"\s+and\s+", gap, re.I) and _BETWEEN.search(text[:a])):
            out.append((w1, w2))
    return out


def in_range(claim_written: str, ranges: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """The stated range that holds the claim's number, if any ("8-9" holds 8.7; "5-6" holds 5.4)."""
    c = interval(claim_written)
    for lo_w, hi_w in ranges:
        ends = (interval(lo_w), interval(hi_w))
        lo, hi = min(e.lo for e in ends), max(e.hi for e in ends)
        if lo <= c.hi and c.lo <= hi:
            return lo_w, hi_w
    return None


def numbers_in(text: str) -> list[tuple[str, float, bool]]:
    """(as written, value, measure-like) for each number; years (1900-2100) are left out.

    Measure-like: a decimal, or a number followed by a unit (%, points, epochs, languages ...), also
    through a range ("5-6 points": both).
    """
    return [(w, v, measure) for w, v, measure, _, _ in number_spans(text)]


def interval(written: str) -> Interval:
    """What a written number stands for, by statcheck's rule: "8.7" is [8.65, 8.75], and a number word
    is as precise as its digits ("five" is "5": [4.5, 5.5]; "nine" is [8.5, 9.5])."""
    w = written.strip().lstrip("+")
    if w.isalpha():
        return written_interval(str(NUMBER_WORDS[w.lower()]))
    value = float(w.rstrip("%").replace("−", "-"))
    return written_interval(w) if math.isfinite(value) else Interval.point(value)  # 400 digits overflow to inf


def _fraction(written: str) -> bool:
    w = written.strip().lstrip("+")
    return "." in w and not w.endswith("%") and 0 < float(w) <= 1


def _intervals(a: str, b: str) -> tuple[Interval, Interval]:
    """Both numbers' intervals, a fraction read as a percentage against one ("0.7" and "70%")."""
    x, y = interval(a), interval(b)
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
    if not math.isfinite(row.lo) or not math.isfinite(row.hi):  # 400 digits overflow to inf: no number's neighbour
        return False
    n, unit = row.mid, row.width
    if qualifier == "over":
        while unit < abs(n) and round(n / (unit * 10), 9).is_integer():
            unit *= 10  # a unit of the last non-zero digit: 10 for "70", 100 for "100"
        lo, hi = n, n + unit
    else:
        lo, hi = (n - unit, n) if qualifier == "nearly" else (n - unit, n + unit)
    return Interval(lo, hi).overlaps(claim)


def singular(w: str) -> str:
    """A plural noun as its singular ("tasks" -> "task", "epochs" -> "epoch"); "class" and "various" stay."""
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "ous")) else w


_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)


@lru_cache(maxsize=8192)  # a row's text is read this way once per key term of every claim
def words_as_digits(text: str) -> str:
    """Number words as digits ("nine" -> "9"), so a key term "9" and a row saying "nine" meet."""
    return _NUMBER_WORD.sub(lambda m: str(NUMBER_WORDS[m.group(1).lower()]), text)


# a number (digits or a word) with the unit written after it: "5.4-point", "70%", "100 epochs", "three languages"
WITH_UNIT = re.compile(r"[+−-]?(?:\d+(?:\.\d+)?|[a-z]+)[\s-]*" + _LENGTH + "(" + _UNITS + ")", re.I)
_POINTS = {"%", "percent", "pp", "point"}  # syntheses write a gain in points as "%" as often as not
# units that measure one quantity, so that a row may give a claim's number in the wrong one of them: how
# long training ran ("100 steps" for "100 epochs"); a gain in points is one unit already (``unit_at``)
_QUANTITY = {"epoch": "training length", "step": "training length", "iteration": "training length", "update": "training length"}


def same_quantity(a: str | None, b: str | None) -> bool:
    """Whether two units (``unit_at``) measure one quantity: equal, or both lengths of training
    ("step" and "epoch"); "language" and "epoch" do not ("100 languages" is no misstated "100
    epochs")."""
    return a is not None and b is not None and (a == b or (a in _QUANTITY and _QUANTITY[a] == _QUANTITY.get(b)))


def unit_at(text: str, start: int) -> str | None:
    """The unit of the number that starts at ``text[start]`` ("5.4-point" -> "point"; "%", "pp"
    and "percent" are points too), if any."""
    m = WITH_UNIT.match(text, start)
    unit = singular(m.group(1).lower()) if m else None
    return "point" if unit in _POINTS else unit


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


def approximate_numbers(text: str) -> list[tuple[str, str]]:
    """(as written, qualifier) for each approximate number of the text ("over five points": ("five",
    "over"); ``approximation``)."""
    return [(w, q) for w, _, measure, a, _ in number_spans(text) if (q := approximation(text, a, measure))]
