"""Which things a text selects by a superlative that describes them, read against the claim's (pure).

"Using the best intermediate-task model for each target task gives a 5.4-point improvement" ranks
nothing: "best" describes the models that were used, so ``polarity`` (which reads a superlative
only where it is said of the subject: "performs worst", "gives the best results") reads no
standing in it. A row that keeps everything else and says "our worst performing models for each
target task yield an average improvement of 5.4" still speaks of other models: the ones at the
other end.

A described superlative is a superlative of ``polarity_lexicon`` ("best", "worst", "strongest",
"top-performing", ...) that ``polarity_mentions.predicated`` does not read as said of the subject,
followed within two words by the noun it describes, one of ``HEADS`` ("model", "task", "system",
"checkpoint", "configuration", "setting", "run", singular or plural). "Performing" ("scoring",
"ranked", "rated") and hyphenated words may stand between ("worst performing models",
"worst-performing models", "best intermediate-task model"); "of" or "among" may not ("worst of the
three models" is said of its subject). "One" stands for the last such noun before it ("keeping the best one" after "the worst
models" is read as "the best model").

Only the subject of the text's first clause is read: the words before the superlative hold no
clause boundary, copula, verb of an outcome or direction word ("Using the best model for each target
task gives ..."). The subject says which things the text is about; a superlative further on may
describe something else the text compares them with or adds ("does best, a step above the best
single task" against "does best, and even the worst single task helps" is no conflict), and a
superlative the subject sets apart ("Rather than the worst model, ...", "Discarding the worst
models, ...") does not say what the text is about.

``selection_conflict`` names the row's and the claim's described superlatives of a noun both
describe when no reading of the row's agrees with one of the claim's: "the best and the worst
models" agrees with either.
"""

from __future__ import annotations

import re

from claimcheck.audit.polarity_lexicon import BOUNDARY, COPULA, KIND, MENTION, STANDING
from claimcheck.audit.named_lists import SET_APART_WORDS
from claimcheck.audit.polarity_mentions import CUT_WORDS, predicated

HEADS = ("model", "task", "system", "checkpoint", "configuration", "setting", "run")
_HEAD = re.compile(r"(?:[-\s](?:performing|scoring|ranked|rated))?\s+((?:(?!(?:of|among|amongst|between|than)\b)[\w-]+\s+){0,2}?)"
                   r"(" + "|".join(HEADS) + r"|one)s?\b", re.I)
_NOUN = re.compile(r"\b(" + "|".join(HEADS) + r")s?\b", re.I)  # what "the best one" stands for: the last such noun before it
# before a superlative in the subject: words that set its things apart from what the text is about
# ("Rather than the worst model, picking the best one ...", "Discarding the worst models ...")
_SET_APART = re.compile(r"\b(?:" + SET_APART_WORDS + r"|without|discard(?:s|ed|ing)?|exclud(?:e|es|ed|ing)|drop(?:s|ped|ping)?"
                        r"|remov(?:e|es|ed|ing)|ignor(?:e|es|ed|ing))\s+(?:[\w-]+\s+){0,3}$", re.I)  # within three words
# a verb of an outcome ("gives", "yields", ...): with a copula, a direction word or a clause boundary before
# a superlative, it stands past the subject of the text's first clause
_VERB = re.compile(r"\b(?:gives?|gave|yields?|yielded|achieves?|achieved|obtains?|obtained|delivers?|delivered|produces?|produced"
                   r"|leads?|led|reach(?:es|ed)?|ha[sd]|have|shows?|showed|brings?|brought)\b", re.I)
_RANKED_PERFORMING = re.compile(r"\b(?:best|worst|strongest|weakest|highest|lowest|poorest|top)[-\s](?:performing|scoring|ranked|rated)\b",
                                re.I)
_COORDINATED = re.compile(r"\s+(?:and|or|to)\s+(?:the\s+)?", re.I)  # "the best and the worst", "best to worst"


def described(text: str, truncated: bool = False) -> dict[str, list[tuple[str, str]]]:
    """Each noun of ``HEADS`` a superlative describes in ``text`` -> (direction, the phrase as
    written) for each such superlative, in order; one coordinated with the next shares its noun
    ("the best and the worst models"). In a truncated text, a superlative whose noun may have been
    cut is left out."""
    found = []  # (direction, start, end) of each superlative in the subject, not said of it
    for m in MENTION.finditer(text):
        dim, direction, kind = KIND[m.lastgroup]
        if kind != "superlative" or dim != STANDING or not _in_subject(text, m.start()) or predicated(text, 0, m.start(), m.end()):
            continue
        found.append((direction, m.start(), m.end()))
    out: dict[str, list[tuple[str, str]]] = {}
    heads: list[re.Match | None] = [None] * len(found)
    for i in range(len(found) - 1, -1, -1):
        direction, start, end = found[i]
        head = _HEAD.match(text, end)
        if head is None and i + 1 < len(found) and _COORDINATED.fullmatch(text, end, found[i + 1][1]):
            head = heads[i + 1]
        heads[i] = head
    for (direction, start, _), head in zip(found, heads):
        if head is None or (truncated and len(text[head.end():].split()) < CUT_WORDS):
            continue
        if _SET_APART.search(text, max(0, start - 80), start):
            continue  # "rather than the worst model": not the things the text is about
        noun = head.group(2).lower()
        if noun == "one":  # "the best one": the noun it stands for, else nothing to compare
            before = _NOUN.findall(text, 0, start)
            if not before:
                continue
            noun = before[-1].lower()
        out.setdefault(noun, []).append((direction, " ".join(text[start:head.end()].split())))
    return out


def _in_subject(text: str, start: int) -> bool:
    """Whether ``start`` stands in the subject of the text's first clause: no clause boundary, copula,
    verb of an outcome or direction word before it."""
    before = _RANKED_PERFORMING.sub(" ", text[:start])  # the "performing" of "worst-performing models" is no verb
    if BOUNDARY.search(before) or COPULA.search(before) or _VERB.search(before):
        return False
    return all(KIND[m.lastgroup][2] == "superlative" for m in MENTION.finditer(before))  # "the best and the worst models"


def selection_conflict(row_text: str, statement: str, truncated: bool = False) -> str:
    """Why the row may speak of other things than the claim, selected from the other end ("" when
    nothing says so): 'the row speaks of the "worst performing models", the claim of the "best
    intermediate-task model"'."""
    mine, theirs = described(row_text, truncated), described(statement)
    for noun, readings in mine.items():
        claimed = theirs.get(noun)
        if not claimed or {d for d, _ in readings} & {d for d, _ in claimed}:
            continue
        return f'the row speaks of the "{readings[0][1]}", the claim of the "{claimed[0][1]}"'
    return ""
