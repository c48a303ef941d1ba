"""Whether a synthesis row contradicts the registry claim it was matched to (pure): its numbers here,
its negations in ``negation`` and its model sizes in ``model_sizes``.

A row can match a claim on its key terms and wording and still say something else. Three signs are
checked once a row is matched:

- ``number_conflicts``: the row states a number (digits or a number word, "nine") that none of the
  claim's numbers can be, while a number the claim requires is missing from the row. Required are
  its ``reported`` values and the value its fact check expects (``derivation.params`` ``expect`` /
  ``count``): both are checked at load. Setup claims carry no ``reported`` number, so without the
  check's a row saying "12 intermediate tasks" would pass a claim of nine. The statement's own
  numbers only excuse a row number ("the two retrieval targets" is no count the claim is about, and a
  paraphrase may leave it out or say "2"), unless the row counts the same things: a row count whose
  counted phrase has the statement count's head noun and no word the statement's phrase lacks ("7
  tasks", "twelve intermediate tasks" against "all nine intermediate tasks"; not "9 XTREME targets"
  against "the two sentence-retrieval targets"), or that stands beside a list of the same names as
  the statement's count ("BUCC and Tatoeba, the three retrieval target tasks" against "the two
  sentence-retrieval targets, BUCC and Tatoeba"; ``named_lists``), must be that count. Numbers are
  compared as written intervals (``row_numbers.same_number``: "5", and "five" alike, agree with 5.4);
  a range agrees when it holds a claim number ("8-9 points"); an approximate number by what its
  qualifier allows (``row_numbers.approximately``: "over five points" and "about 5" agree with 5.4,
  "nearly 9" with 8.7 but not with 9.3, "over 5 points" not with 4.8).
- ``negation_conflict`` (``negation``): one side negates ("not", "no", "never", "neither", "does not", "fails
  to", ...) where the other does not. A negation counts only where it bears on what the other side
  talks about (a content word near it appears there; for a clause opening "no X ...", X), and not
  inside a relative clause or a phrase that describes a noun ("tasks that have no training data",
  "targets with no training data", "tasks for which no training set exists") or a parenthesis. Nor
  do idioms that bound rather than deny ("no fewer than", "never less than", "not only", "no
  doubt", "or not"), nor a comparison a quantifier negates ("no single task beats X" says X is
  best, and so does "it is not the case that any other task beats X"; "X does not outperform Y"
  still negates). A "without" counts only as the other side's answer to a negation, where asides
  are read ("fine-tuning directly, without the intermediate step, gives better results" denies what
  "intermediate training does not help" denies). A row cut off before its end is not blamed for lacking the claim's negation: it
  may sit in the part that was cut. This is the weakest of the three signs: ``audit`` makes it a warning, never an error.
- ``size_conflicts`` (``model_sizes``): the row names a size variant of a model ("XLM-R Base") that differs from the
  one the claim names ("XLM-R Large").

These are heuristics on English text: a finding says the row *may* state the opposite, for a reader
to check. Texts are read up to ``MAX_CHARS`` (a claim row is one sentence; the bound keeps the work
linear on hostile input).
"""

from __future__ import annotations

from claimcheck.claims.derivation_params import fact_check_numbers
from claimcheck.claims.models import Claim
from claimcheck.audit.counted_things import CUT, carries_distinction, count_spans, counted_phrase, same_things
from claimcheck.audit.key_terms import unit_agrees
from claimcheck.audit.named_lists import listed_names
from claimcheck.audit.normal_text import normalise
from claimcheck.audit.row_numbers import (
    NAMING,
    approximately,
    approximation,
    beside_metric,
    decimal_commas,
    in_range,
    number_ranges,
    number_spans,
    numbers_in,
    same_number,
    shifted,
    states_number,
    unit_at,
    WITH_UNIT,
)

MAX_CHARS = 2_000

# --------------------------------------------------------------------------------------------- numbers

_NAMING = NAMING  # "Table 3", "[12]", "GPT-2": numbers that name a thing (``row_numbers.NAMING``)
# "one" is too often a pronoun ("the next one", "one of the best") to be read as a count in a row
_PRONOUN_WORDS = {"one"}


def _check_forms(claim: Claim) -> list[list[str]]:
    """Each value the fact check expects or counts, in the forms a text may write it (0.7 also as 70)."""
    return [[f"{v:g}"] + ([f"{v * 100:g}"] if 0 < v <= 1 else []) for _, v in fact_check_numbers(claim.derivation.params)]


def claim_numbers(claim: Claim) -> list[str]:
    """The numbers a row must agree with, as written, each value once: the claim's reported values and
    the value its fact check expects or counts (both checked at load), a check's value written as the
    statement writes it ("nine" for 9; a check's 0.7 is the reported "70%")."""
    out: list[str] = list(claim.reported)
    statement = [w for w, _, _ in numbers_in(claim.statement)]
    for forms in _check_forms(claim):
        if not any(same_number(f, x) for f in forms for x in out):
            out.append(next((w for w in statement if any(same_number(w, f) for f in forms)), forms[0]))
    return out


def _is_measure(claim: Claim, number: str) -> bool:
    """Whether a required number measures something (8.7 points, 40 languages, 70%) or counts (nine
    tasks): as the statement writes it, else by its form (a decimal or a percentage measures)."""
    written = next((m for w, _, m in numbers_in(claim.statement) if same_number(w, number)), None)
    return written if written is not None else ("." in number or number.endswith("%"))


def _row_numbers(text: str) -> list[tuple[str, bool, bool, str | None, str | None]]:
    """(as written, measure-like, a score, its qualifier, its unit) for each number of a text cleared
    of ``_NAMING``; a score is a number beside a metric's name ("82 F1", "an accuracy of 82":
    ``beside_metric``), a qualifier makes it approximate ("over five points": ``approximation``), a
    unit is the one written after it ("100 steps": ``row_numbers.unit_at``)."""
    return [(w, m, beside_metric(text, a), approximation(text, a, m), unit_at(text, a))
            for w, _, m, a, _ in number_spans(text) if w.lower() not in _PRONOUN_WORDS]


def number_conflicts(row_text: str, claim: Claim, truncated: bool = False) -> list[str]:
    """The numbers the row states that none of the claim's numbers can be, as written; empty when the
    row states every number the claim requires (it may add its own), or the claim requires none.

    A row number agrees with a required number (an approximate one as its qualifier allows: "over
    five points" with 5.4, ``row_numbers.approximately``), any form of the check's value (0.7 or 70), the ends
    of a range that holds one ("8-9" and 8.7), or a number of the statement written alike (a count
    for its count: "the two retrieval targets" excuses a "2", not "2 points"). A truncated row is not
    blamed for a number it lacks (it may sit in the part cut off): only a number of the same kind as
    a missing one (a count for a count, a measure for a measure) stands in its place, and so does one
    that is a missing number with its decimal point moved (``row_numbers.shifted``: "54 over the
    baseline" for 5.4; not a score, ``beside_metric``: "SQuAD (82 F1)" for 8.2), and a number it
    ends with stands in any missing number's place unless the cut may have shortened that one to it
    ("5" may be a cut "5.4"; "54" may not).

    Besides, a row count of the same things as a count of the statement (``count_conflicts``: "7
    tasks" against "all nine intermediate tasks") must be that count, required or not. Where the
    numbers missing are all counts and the row states such a count of the same things, that count is
    what stands in their place and the only number listed: "12 different intermediate tasks ...
    across 40 languages" states 12 for nine, and its 40 counts languages."""
    required = claim_numbers(claim)
    text = _NAMING.sub(" ", decimal_commas(row_text[:MAX_CHARS]))
    counted = count_conflicts(text, claim)
    row, ranges = _row_numbers(text), number_ranges(text)
    said = normalise(claim.statement[:MAX_CHARS])

    def in_its_unit(unit: str | None, c: str) -> bool:  # "100 steps" is not the statement's "100 epochs"
        return unit_agrees(said, c, unit)

    missing = [c for c in required
               if not any(states_number(w, c) and in_its_unit(unit, c) for w, *_, unit in row) and not in_range(c, ranges)]
    if not missing:
        return list(counted)
    kinds = {_is_measure(claim, c) for c in missing}
    if counted and kinds == {False}:  # a count of the same things stands in the place of the missing count: no other
        return list(counted)  # number can ("12 intermediate tasks ... across 40 languages" states 12 for nine, not 40)
    solid = [*required, *(f for forms in _check_forms(claim) for f in forms)]
    statement = [(w, m) for w, _, m in numbers_in(claim.statement)]
    agreeing = {w for c in solid if (pair := in_range(c, ranges)) for w in pair}
    last = _cut_number(text) if truncated else None

    # a count of things the statement does not count ("the two best intermediate tasks" beside "the three
    # single ... tasks") stands in the place of no missing measure: only of a missing count
    theirs = [p for _, p, _ in _counts(claim.statement[:MAX_CHARS]) if p]
    other_things = {w for w, p, _ in _counts(text) if p and p[0] != CUT and not any(same_things(p, q) for q in theirs)}

    def agrees(w: str, unit: str | None, qualifier: str | None, c: str) -> bool:  # "over five points" by its bound, "5" by its precision
        return in_its_unit(unit, c) and (approximately(w, qualifier, c) if qualifier else same_number(w, c))

    def excused(w: str, measure: bool, qualifier: str | None, unit: str | None) -> bool:
        if not measure and w in other_things and False not in kinds:
            return True
        return (w in agreeing or any(agrees(w, unit, qualifier, c) for c in solid)
                or any(m == measure and agrees(w, unit, qualifier, x) for x, m in statement))

    def of_a_missing_kind(w: str, measure: bool, scored: bool) -> bool:
        if not scored and any(shifted(w, c) for c in missing):  # "54" or "0.54" for 5.4 stands in its place, whatever its kind
            return True
        if w == last:  # its unit may be cut off, and so may the rest of its digits: "5" may be a cut "5.4"
            return not any(c.startswith(w) for c in missing)
        return measure in kinds

    return list(dict.fromkeys(w for w, measure, scored, qualifier, unit in row
                              if w in counted or (not excused(w, measure, qualifier, unit) and (not truncated or of_a_missing_kind(w, measure, scored)))))


def unit_conflicts(row_text: str, claim: Claim) -> list[tuple[str, str]]:
    """(the row's, the statement's) number with its unit, as written, for each number the row
    states in another unit than the statement gives the same number ("100 steps" against "100
    epochs"); only numbers the claim requires (``claim_numbers``), and only where both write a
    unit."""
    text = decimal_commas(row_text[:MAX_CHARS])
    statement = decimal_commas(claim.statement[:MAX_CHARS])
    theirs = [(v, unit, WITH_UNIT.match(statement, a).group(0)) for _, v, _, a, _ in number_spans(statement)
              if (unit := unit_at(statement, a)) is not None]
    required = claim_numbers(claim)
    out: list[tuple[str, str]] = []
    for w, v, _, a, _ in number_spans(text):
        unit = unit_at(text, a)
        if unit is None or not any(states_number(w, c) for c in required):
            continue
        for value, their_unit, written in theirs:
            if abs(value - v) < 1e-9 and their_unit != unit and (pair := (WITH_UNIT.match(text, a).group(0), written)) not in out:
                out.append(pair)
    return out


def _cut_number(text: str) -> str | None:
    """The number a cut row ends with ("... an average improvement of 54"), as written, if any."""
    spans = number_spans(text)
    return spans[-1][0] if spans and not text[spans[-1][4] :].strip() else None


def _counts(text: str) -> list[tuple[str, tuple[str, frozenset[str]] | None, frozenset[str] | None]]:
    """(as written, counted phrase, the named items it stands beside) for each count of the text."""
    return [(w, counted_phrase(text, a, b), listed_names(text, a, b)) for w, _, a, b in count_spans(text)]


def count_conflicts(row_text: str, claim: Claim, distinct: bool = False) -> dict[str, str]:
    """Row count -> the statement's count of the same things it differs from ("7 tasks", "twelve
    intermediate tasks" against "all nine intermediate tasks"). Counts are compared only where the
    row's counted phrase names what the statement's counts (``counted_things.same_things``): "the 9 XTREME
    targets" or "two of the target tasks" count other things than "the two sentence-retrieval
    targets" or "nine intermediate tasks", and are no conflict. Or where both counts stand beside
    lists of the same names (``named_lists``), whatever their nouns: "BUCC and Tatoeba, the three
    sentence retrieval target tasks" counts "the two sentence-retrieval targets, BUCC and Tatoeba".
    ``distinct``: the row's phrase must also carry a word of the statement's that tells its things
    apart (``counted_things.carries_distinction``: "7 intermediate tasks", not a bare "7 tasks"), for a
    claim the row was not matched to."""
    theirs = [(w, phrase, names) for w, phrase, names in _counts(claim.statement[:MAX_CHARS]) if phrase or names]
    out: dict[str, str] = {}
    for w, phrase, names in _counts(row_text[:MAX_CHARS]):
        same = [x for x, p, n in theirs
                if (names and names == n)
                or (phrase and phrase[0] != CUT and same_things(phrase, p) and (not distinct or carries_distinction(phrase, p)))]  # a cut phrase may be anything
        if same and not any(same_number(w, x) for x in same) and w not in out:
            out[w] = same[0]
    return out


# what a count beside a list of names may count: items a synthesis enumerates ("the three models,
# XLM-R, mBERT and mT5"); not "scores" or "points", whose lists name sources or tables
_LISTED_ITEMS = frozenset(
    "task target model language dataset benchmark system method baseline phase stage variant setting encoder".split()
)


def list_count_conflicts(row_text: str) -> list[str]:
    """Counts the row itself contradicts: a count of items beside a list of a different number of
    names ("XLM-R and mBERT, the three models": 'three models, but 2 named (mbert, xlm-r)'). Pure;
    whichever of the two is wrong, the row cannot be right as written."""
    text = row_text[:MAX_CHARS]
    out = []
    for w, v, a, b in count_spans(text):
        phrase = counted_phrase(text, a, b)
        if not phrase or phrase[0] not in _LISTED_ITEMS:
            continue
        names = listed_names(text, a, b)
        if names and len(names) >= 2 and int(v) != len(names):
            noun = phrase[0] + ("" if int(v) == 1 else "s")
            out.append(f"{w} {noun}, but {len(names)} named ({', '.join(sorted(names))})")
    return out
