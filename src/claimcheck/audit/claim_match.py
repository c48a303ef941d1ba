"""Resolving a synthesis row to a canonical claim: numbers and key terms first, text second.

For each registry claim three shares are computed on the row:

- ``numbers``: share of the claim's written numbers that the row states (7 == 7.0; "three" == 3;
  "8.66" states an 8.7, a count "9" does not: ``row_numbers.states_number``), each as the same kind
  of number where both texts say (``counted_things.kinds_agree``: "100 languages" is no "100
  epochs", "3 points" no count "three target tasks", "70 points" no "70% of the data"); for a
  claim whose numbers are all counts ("up to 40 languages"), each count the row makes of things
  its statement never names counts as one more number of the claim's the row does not state
  ("12 different intermediate tasks ... across 40 languages" states half of what the XTREME-scope
  claim would need: ``counted_things.counts_of_other_things``);
- ``terms``: share of the claim's ``key_terms`` found in the row (word-bounded, hyphen tolerant, in
  plurals and simple inflections: "intermediate tasks" matches "intermediate-task", "moderate"
  "moderately": ``term_forms``; "QA" where "question answering" is, and the reverse); a number
  term ("100", "three") only as the kind of number the statement makes it, so that it does not
  count a number the numbers share refused; a term that names a direction ("benefit", "outperforms") also as another
  direction word of its kind ("helps", "falls short of": ``direction_terms``), and a term the
  statement uses to describe a list of names ("sentence-retrieval targets, BUCC and Tatoeba") in a
  row that names them all (``described_names``); a degree word the statement grades its change
  with ("moderate" of "improve moderately") is not counted against a row that says which way a
  name of the statement changed without it (``direction_terms.grades_change``);
- ``text``: the best ``difflib`` similarity to the statement or to a known quotation
  (``reported_by``); a truncated row is compared with the same-length prefix.

The score is their weighted mean (numbers 0.35, key terms 0.35, text 0.30, renormalised over the
shares that exist). A row quoting a ``reported_by`` text verbatim (or its prefix, when cut) scores
1, and one at least ``NEAR_VERBATIM`` similar scores its similarity. A row stating a measure
(a decimal, "40 languages") scores 0 on numbers against a claim that reports none, unless all it
states besides counts in a unit ("40 languages", not "7.8 points") and it states the count the
statement makes, of the same things ("9 different intermediate tasks" for "nine English
intermediate tasks": ``states_its_count``); it then has no numbers share. A row matches
when its score reaches ``MATCH_THRESHOLD``. A truncated row that lacks the claim's numbers gets no
numbers share at all (they may sit in the part that was cut off). Failing a match, a row whose key terms
and text still reach it while it states other numbers is matched *with a number mismatch*: this
number-blind score takes the claim's count terms ("nine", "9") as one term that a count of the
same things fills ("12 tasks" for "nine intermediate tasks"; not "two retrieval tasks"), never a
measure ("10 points"), and its measure terms ("5.4", or "100" written "100 epochs") as one term
that only the measure with its decimal point moved fills, counting nothing, in a unit that agrees
("0.54" or "+54" for a 5.4-point gain; not "7.6 points", "54 tasks" or "54 epochs"), or the
measure itself in another unit of the same quantity ("100 steps" for "100 epochs";
``blind_term_share``). The audit does not take this path where the ordinary best is a near miss
of another claim (``resolve._near_miss``).
Everything else is an unknown claim, shown with its nearest candidate.

This module holds the scores; the text similarity is ``text_similarity``'s, the key-term shares
are ``key_terms``'s. The text as the shares read it (decimal commas, dashes, quotes and model spellings made one) is
``normal_text.normalise``, the numbers a row writes are read by ``row_numbers``, what its counts
count by ``counted_things``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from claimcheck.claims.models import Claim
from claimcheck.audit.models import MatchScore
from claimcheck.audit.counted_things import (
    carries_distinction,
    Kind,
    claim_number_kind,
    counts_of,
    counts_of_other_things,
    kinds_agree,
    number_kind,
    same_things,
)
from claimcheck.audit.described_names import described_terms
from claimcheck.audit.key_terms import blind_term_share, term_share
from claimcheck.audit.normal_text import normalise
from claimcheck.audit.row_numbers import (
    approximate_numbers,
    approximately,
    in_range,
    interval,
    number_ranges,
    number_spans,
    numbers_in,
    same_number,
    states_number,
    without_naming_numbers,
)
from claimcheck.audit.text_similarity import text_bound, text_similarity

MATCH_THRESHOLD = 0.5
NEAR_VERBATIM = 0.9
WEIGHTS = {"numbers": 0.35, "terms": 0.35, "text": 0.30}


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


def states_its_count(row_text: str, statement: str) -> bool:
    """Whether the row states a count the statement makes, of the same things and with a word that
    tells them apart (``counted_things.same_things``, ``carries_distinction``): "9 different
    intermediate tasks" for "nine English intermediate tasks", not a bare "9 tasks". Such a row
    speaks of what the claim counts, so a count in a unit it states besides ("across 40
    languages") is not held against a claim that reports no number; a score or a gain ("7.8
    points", "70%") still is: no count of the claim's accounts for a result."""
    theirs = [(v, p) for _, v, p in counts_of(statement) if p is not None]
    return bool(theirs) and any(
        abs(v - value) < 1e-9 and same_things(mine, p) and carries_distinction(mine, p)
        for _, v, mine in counts_of(row_text) if mine is not None for value, p in theirs
    )


def _combine(parts: dict[str, float | None]) -> float:
    have = {k: v for k, v in parts.items() if v is not None}
    total = sum(WEIGHTS[k] for k in have)
    return sum(WEIGHTS[k] * v for k, v in have.items()) / total if total else 0.0


@dataclass(frozen=True)
class _RowView:
    """What the shares read from a row, read once for all claims: its normalised text and numbers.
    A number that names a thing ("GPT-3", "Table 3": ``row_numbers.NAMING``) is no number of the
    row's: ``text`` and ``plain`` have its digits blanked; ``norm``, which text similarity reads, keeps them."""

    text: str
    truncated: bool
    norm: str
    plain: str  # ``norm`` without the numbers that name a thing, for the key terms
    spans: tuple
    ranges: tuple
    approximate: tuple
    kinds: tuple  # each number's kind (``number_kind``)
    measures: bool  # it states a measure-like number (8.7 points, 40 languages)
    scores: bool  # one of them measures rather than counts in a unit (8.7 points, 70%, 0.87; not 40 languages)


@lru_cache(maxsize=256)
def _row_view(written: str, truncated: bool) -> _RowView:
    row_text = without_naming_numbers(written)
    spans = tuple(number_spans(row_text))
    kinds = tuple(number_kind(row_text, a, b, measure) for _, _, measure, a, b in spans)
    return _RowView(row_text, truncated, normalise(written), normalise(row_text), spans, tuple(number_ranges(row_text)),
                    tuple(approximate_numbers(row_text)), kinds,
                    any(measure for _, _, measure, _, _ in spans),
                    any(measure and kind[0] != "count" for (_, _, measure, _, _), kind in zip(spans, kinds)))


@dataclass(frozen=True)
class _Parts:
    """The shares of one claim for one row but its text similarity."""

    numbers: float | None
    terms: float | None
    blind_terms: float | None


@lru_cache(maxsize=1024)
def _values_of(statement: str, reported: tuple[str, ...]) -> tuple[float, ...]:
    return tuple(interval(r).mid for r in reported) + tuple(v for _, v, _, _, _ in number_spans(statement))


@lru_cache(maxsize=1024)
def _kinds_of(statement: str, reported: tuple[str, ...]) -> tuple[Kind, ...]:
    return tuple(claim_number_kind(statement, r) for r in reported)


def _counts_only(claim: Claim) -> bool:
    """Whether every number the claim reports is a count ("up to 40 languages"), none a measure."""
    return all(kind[0] == "count" for kind in _kinds_of(claim.statement, tuple(claim.reported)))


def _claim_values(claim: Claim) -> tuple[float, ...]:
    """The values of the claim's reported numbers and of the numbers its statement writes."""
    return _values_of(claim.statement, tuple(claim.reported))


def _parts(row: _RowView, claim: Claim) -> _Parts:
    nums = number_share(
        [w for w, _, _, _, _ in row.spans],
        claim.reported,
        row.ranges,
        row.kinds,
        [claim_number_kind(claim.statement, r) for r in claim.reported],
        approximate=row.approximate,
    )
    if nums is None and row.measures and (row.scores or not states_its_count(row.text, claim.statement)):
        nums = 0.0  # the row quantifies something (8.7 points, 40 languages) that this claim does not
    if nums and _counts_only(claim):  # "40 languages" is part of what a row counts when it counts other things besides
        others = counts_of_other_things(row.text, claim.statement, _claim_values(claim))
        nums *= len(claim.reported) / (len(claim.reported) + others)
    if row.truncated and nums == 0.0 and not number_mismatch(row.text, claim):
        nums = None  # the numbers may sit in the part that was cut off: neither for nor against
    statement = normalise(claim.statement)
    return _Parts(nums, term_share(row.plain, claim.key_terms, row.truncated, statement,
                                   described=described_terms(claim.statement, claim.key_terms),
                                   written=(row.text, claim.statement)),
                  blind_term_share(row.plain, claim.key_terms, row.truncated, statement))


def _scored(claim: Claim, parts: _Parts, text: float, verbatim: bool) -> tuple[MatchScore, float, bool]:
    """The claim's (score with numbers, score without numbers, verbatim) given its text similarity;
    both scores never fall as ``text`` rises, so a bound of the text bounds them."""
    score = 1.0 if verbatim else _combine({"numbers": parts.numbers, "terms": parts.terms, "text": text})
    if text >= NEAR_VERBATIM:  # nearly the same sentence: the text decides, numbers are then compared
        score = max(score, text)
    blind = 1.0 if verbatim else _combine({"terms": parts.blind_terms, "text": text})
    ms = MatchScore(claim_id=claim.id, score=round(score, 3), numbers=parts.numbers, terms=parts.terms, text=round(text, 3))
    return ms, blind, verbatim


def _texts(claim: Claim) -> list[str]:
    return [claim.statement, *claim.reported_by]


def score_claim(row_text: str, truncated: bool, claim: Claim) -> tuple[MatchScore, float, bool]:
    """(score with numbers, score without numbers, verbatim quotation) of one claim for one row."""
    row = _row_view(row_text, truncated)
    text, verbatim = text_similarity(row.norm, truncated, _texts(claim))
    return _scored(claim, _parts(row, claim), text, verbatim)


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


def _rank_key(s: tuple[MatchScore, float, bool]) -> tuple[float, float, str]:
    return (-s[0].score, -s[1], s[0].claim_id)


def rank_claims(row_text: str, truncated: bool, claims: Sequence[Claim],
                floor: float | Callable[[Claim], float] | None = None) -> list[tuple[MatchScore, float, bool]]:
    """Every claim scored for the row (``score_claim``), best first: by score, then number-blind
    score, then id.

    With a ``floor`` (one for all claims, or each claim's own), only the claims that may matter are
    scored in full and returned: each whose score or number-blind score may reach its floor, and
    those that may be among the two best. The
    text similarity, most of the cost, is first bounded from above (``text_bound``) and computed
    only for those; since the scores never fall as the text similarity rises, a claim whose bounds
    stay below ``floor`` and below the second-best exact score can be neither. The claims returned
    carry the same scores, in the same order, as without a floor."""
    if floor is None:
        return sorted((score_claim(row_text, truncated, c) for c in claims), key=_rank_key)
    row = _row_view(row_text, truncated)
    bounded = []
    for c in claims:
        parts = _parts(row, c)
        text, verbatim = text_bound(row.norm, truncated, _texts(c))
        ms, blind, _ = _scored(c, parts, text, verbatim)
        bounded.append((ms.score, blind, c, parts, verbatim))
    bounded.sort(key=lambda b: -b[0])  # stable: the claims' own order among equal bounds
    exact: list[tuple[MatchScore, float, bool]] = []
    rest = []
    floor_of = floor if callable(floor) else (lambda c: floor)
    for score, blind, c, parts, verbatim in bounded:
        if score >= floor_of(c) or blind >= floor_of(c):
            exact.append(_exact(row, c, parts, verbatim))
        else:
            rest.append((score, c, parts, verbatim))
    exact.sort(key=_rank_key)
    for score, c, parts, verbatim in rest:  # bounds falling: stop once none may be among the two best
        if len(exact) >= 2 and score < exact[1][0].score:
            break
        exact.append(_exact(row, c, parts, verbatim))
        exact.sort(key=_rank_key)
    return exact


def _exact(row: _RowView, claim: Claim, parts: _Parts, verbatim: bool) -> tuple[MatchScore, float, bool]:
    if verbatim:
        return _scored(claim, parts, 1.0, True)
    text, verbatim = text_similarity(row.norm, row.truncated, _texts(claim))
    return _scored(claim, parts, text, verbatim)
