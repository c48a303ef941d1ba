"""Whether a row states the opposite direction of a claim (pure): direction words read with their negations.

A claim and a row can share every key term and still disagree on direction: "hurts BUCC and
Tatoeba" against "brings large gains on BUCC and Tatoeba", "performs worst" against "does best",
"underperforms" against "outperforms". The reading is done in steps, one module each:

- ``polarity_lexicon``: the direction words, in two dimensions (a change: "improves", "hurts",
  "unchanged"; a standing: "best", "worst", "outperforms", "trails"), and the words that bear on
  them;
- ``polarity_names``: the names of a text;
- ``polarity_mentions``: each direction word read with its negation, diminisher or stress, as the
  set of outcomes it allows ("does not improve": flat or down);
- ``polarity_reading``: which name each direction word is about (``read``, ``ranks``);
- ``polarity_reasons``: the wording of a disagreement.

``compare`` then reads a row against its claim:

- per name both texts read in the same dimension (names agree by their letters and digits, one
  may extend the other: "TyDiQA" is "TyDiQA-GoldP", "BUCC" is "BUCC2018"): readings that allow no
  common outcome disagree. Two names that trade readings ("XNLI improves, TyDiQA does not" against
  "TyDiQA improves, XNLI gains nothing") are a swap of roles, and the reason says so. Two standings
  of a name are held against each other only where they face a common name ("BERT behind RoBERTa"
  says nothing against "BERT ahead of XLNet"), and a standing against a claim said of part of the
  tasks only where the row speaks of all of them (``ranking_scope``);
- without a shared name, the texts' own readings, those that do not rank one thing against
  another (a comparison needs its names to say who wins), where each text's readings in the
  dimension agree among themselves: "performs worst" against "does best". Readings said of names
  the other text does not have are left out, unless it says they changed by the phrase this text
  lists them under (``group_phrases``): "hurts the question-answering targets" against "the
  question-answering targets (XQuAD, MLQA, TyDiQA-GoldP) improve".

``reversed_ranking`` reads a row against another claim of its paper, one it did not match: only the
standing of the names both rank ("XLNet beats BERT and RoBERTa" against "XLNet performs worst"), with
the same rule for a claim said of part of the tasks; words about no shared name say nothing there.

What ``compare`` found agreeing accounts for the negations attached to those mentions (the
"Neither" of "Neither MLM nor translated data beats English training", the "nothing" of "XNLI gains
nothing"): it returns both texts with those negations blanked, for the negation heuristic
(``negation.negation_conflict``) to read what is left. These are heuristics on English
text: a disagreement says the row *may* state the opposite, for a reader to check.

The names other modules use from the steps (``read``, ``ranks``, ``ranks_anything``, ``name_keys``,
the outcomes and dimensions) are importable from here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimcheck.audit.group_phrases import changed_groups
from claimcheck.audit.model_aliases import same_name
from claimcheck.audit.polarity_lexicon import ALL, CHANGE, DOWN, FLAT, STANDING, UP
from claimcheck.audit.polarity_mentions import CUT_WORDS, Mention
from claimcheck.audit.polarity_names import Name
from claimcheck.audit.polarity_reading import MAX_CHARS, Reading, name_keys, ranks, ranks_anything, read
from claimcheck.audit.polarity_reasons import conflict_reason, unnamed_reason
from claimcheck.audit.ranking_scope import apart

__all__ = [
    "ALL", "CHANGE", "CUT_WORDS", "DOWN", "FLAT", "MAX_CHARS", "STANDING", "UP", "Judgement", "Mention", "Name",
    "Reading", "compare", "name_keys", "ranks", "ranks_anything", "read", "reversed_ranking",
]  # fmt: skip


@dataclass(frozen=True)
class Judgement:
    """``compare``'s answer: why the row may state the opposite ("" when nothing disagrees), and both
    texts with the negations that agreeing mentions account for blanked out."""

    reason: str
    row_text: str
    statement: str


def _faced(mine: frozenset[str] | None, theirs: frozenset[str] | None) -> bool:
    """Whether two readings of a name's standing are read against a common name (None: all others)."""
    return mine is None or theirs is None or any(same_name(a, b) for a in mine for b in theirs)


def _blank(text: str, spans: set[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _cue_spans(mentions) -> set[tuple[int, int]]:
    spans = {c for x in mentions for c in x.cues}
    spans |= {(x.start, x.end) for x in mentions if re.search(r"\b(?:no|not)\b", x.written, re.I) and not x.cues}
    return spans


def _about_other_names(text: Reading, other: Reading, described: frozenset[str] = frozenset()) -> set[Mention]:
    """The mentions of ``text`` said only of names ``other`` does not have ("TyDiQA improves" beside
    a claim about XNLI alone): they say nothing of what ``other`` is about. Names ``other`` says
    changed by the phrase ``text`` lists them under (``described``: ``group_phrases``) count as its own."""
    shared, unshared = set(), set()
    for key, (_, dims) in text.names.items():
        known = key in described or any(same_name(key, k) for k in other.names)
        if not known and key in text.initial:
            continue  # "Multi-task ..." opening the sentence is likely no name at all
        for _, mentions in dims.values():
            (shared if known else unshared).update(mentions)
    return unshared - shared


def _shared_names(row: Reading, claim: Reading, dimensions=(CHANGE, STANDING), named_only: bool = False):
    """Per name both texts read in one of ``dimensions``: (conflicts, the row's agreeing mentions, the
    claim's agreeing mentions, the dimensions read of shared names); a conflict is (key, the row's
    spelling, dimension, the row's reading, its mentions, the claim's reading, its mentions).
    ``named_only``: a standing the row reads against no name it gives is left out."""
    conflicts, agreed_row, agreed_claim, shared_dims = [], set(), set(), set()
    for key, (written, dims) in row.names.items():
        their_key, theirs = next(((k, v) for k, v in claim.names.items() if same_name(key, k) and not (key in row.initial and k in claim.initial)),
                                 ("", None))
        if theirs is None:
            continue  # a sentence's capitalised first word ("Training") is a name only where the other text has it as one
        for dim, (reading, mentions) in dims.items():
            if dim not in theirs[1] or dim not in dimensions:
                continue
            if dim == STANDING and not _faced(row.against.get(key), claim.against.get(their_key)):
                continue  # "RoBERTa beats BERT" and "BERT beats XLNet": BERT is ranked against different names
            if dim == STANDING and named_only and row.against.get(key) is None:
                continue
            shared_dims.add(dim)
            their_reading, their_mentions = theirs[1][dim]
            if reading & their_reading:
                agreed_row.update(mentions)
                agreed_claim.update(their_mentions)
            else:
                conflicts.append((key, written, dim, reading, mentions, their_reading, their_mentions))
    return conflicts, agreed_row, agreed_claim, shared_dims


def reversed_ranking(row_text: str, statement: str, truncated: bool = False, named_only: bool = False) -> str:
    """Why the row ranks the names both texts rank the other way round ("" when it does not): the
    standing of a name both read against a common name (``compare``'s per-name reading, comparisons
    and superlatives only; a superlative is read against all others) disagrees. "XLNet beats BERT but
    trails RoBERTa" reverses "XLNet performs worst" whatever it says of RoBERTa; "RoBERTa beats BERT"
    reverses nothing in "RoBERTa and BERT both beat XLNet" (BERT is ranked against other names). A
    statement said of part of the tasks ("BERT is best on the other three target tasks", "the best
    model is RoBERTa or BERT depending on the task": ``ranking_scope``) is read only against a row
    that says its ranking holds on all of them. The texts' words about no shared name are not read.
    ``named_only``: a name the row ranks against no one it names ("the intermediate models beat
    XLM-R Large") is not read either, as against a claim about the systems of another time ("XLM-R
    Large was the strongest published model"), which the row's unnamed systems need not be among."""
    row_text, statement = row_text[:MAX_CHARS], statement[:MAX_CHARS]
    if apart(row_text, statement):
        return ""
    row, claim = read(row_text, truncated), read(statement)
    conflicts, _, _, _ = _shared_names(row, claim, dimensions=(STANDING,), named_only=named_only)
    return conflict_reason(conflicts) if conflicts else ""


def compare(row_text: str, statement: str, truncated: bool = False) -> Judgement:
    """Whether the row's directions disagree with the claim's (see the module's notes)."""
    row_text, statement = row_text[:MAX_CHARS], statement[:MAX_CHARS]
    row, claim = read(row_text, truncated), read(statement)
    conflicts, agreed_row, agreed_claim, shared_dims = _shared_names(row, claim)
    # a ranking said of part of the tasks holds beside another part's ("BERT beats RoBERTa on three of
    # the six target tasks" beside "RoBERTa is the best model on three of the six"): only a row said of
    # all of them turns it round
    partial = apart(row_text, statement)
    conflicts = [c for c in conflicts if not (partial and c[2] == STANDING)]
    if conflicts:
        return Judgement(conflict_reason(conflicts), row_text, statement)
    elsewhere_row = _about_other_names(row, claim, changed_groups(statement, row_text))
    elsewhere_claim = _about_other_names(claim, row, changed_groups(row_text, statement))
    for dim in (CHANGE, STANDING):
        mine = tuple(x for x in row.mentions if x.dimension == dim and not x.relational and x not in elsewhere_row)
        their = tuple(x for x in claim.mentions if x.dimension == dim and not x.relational and x not in elsewhere_claim)
        if not mine or not their:
            continue
        reading = frozenset.intersection(*(x.reading for x in mine))
        their_reading = frozenset.intersection(*(x.reading for x in their))
        if not reading or not their_reading:
            continue  # the text reads both ways ("performs worst, improving by 8.7 points" is read per dimension)
        if reading & their_reading:  # "hurts no retrieval target: BUCC and Tatoeba both improve" and "gains": its "no" is read
            agreed_row.update(mine)
            agreed_claim.update(their)
            continue
        if dim in shared_dims or (partial and dim == STANDING):
            continue  # the names the dimension concerns were compared, and agreed: the text's other words are not held against them
        return Judgement(unnamed_reason(dim, reading, mine, their_reading, their), row_text, statement)
    return Judgement("", _blank(row_text, _cue_spans(agreed_row)), _blank(statement, _cue_spans(agreed_claim)))
