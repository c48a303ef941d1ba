"""The direction words of a text, each read with what bears on it (pure): a ``Mention`` per word.

A mention's reading is the set of outcomes it allows. A negation bearing on the word ("does not see
benefits", "fails to hurt", "no gains", "gains nothing", "neither A nor B beats C", "no single task
beats C") leaves the outcomes the word excludes: "does not improve" allows flat or down, "does not
hurt" flat or up. A diminisher ("small gains", "marginal improvement", "the gains on X are small")
adds flat to the word's own; a denied one ("the gains are not small") stresses the word instead: its
"not" is recorded among the mention's cues but does not negate it. A comparison with the starting
point ("no better than the baseline", "lower than without intermediate training") is a change, not
a rank. Idioms that bound rather than deny ("not only", "no fewer than") are no negations.

A superlative counts only where it is said of the subject ("performs worst", "was the best", "gives
the best results"), not where it describes a noun ("the best single task"). A change verb graded by
"most" or "least" ("the tasks that improve most", "helps the least") gives two mentions: a standing,
and, unless a negation bears on it, the verb's own change. In a truncated row a
word followed by fewer than ``CUT_WORDS`` words is not read: a "nothing" or a "than" may have been
cut off after it. Clauses (``clauses``) end at ";", a full stop, "whereas", "while", "but" (not
"but also"), "although", "though" and "yet"; a negation reaches no further than its clause.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from claimcheck.audit.polarity_lexicon import (
    AGAINST_START,
    ALL,
    BOUNDARY,
    CHANGE,
    COPULA,
    CUE_AFTER,
    CUE_BEFORE,
    DENIED,
    DIMINISHED_AFTER,
    DIMINISHER,
    EQUATIVE,
    FLAT,
    GIVES,
    KIND,
    MENTION,
    NEITHER,
    NO_SUBJECT,
    NOR,
    NOT_ANY,
    OUTCOME,
    OWN_VERB,
    PAST_OR_CONCEDED,
    STANDING,
    VERB_CHANGE,
)
from claimcheck.audit.polarity_names import names_of

CUT_WORDS = 3  # a truncated row's mention needs this many words after it to be read


@dataclass(frozen=True)
class Mention:
    """One direction word of a text, as read."""

    dimension: str
    reading: frozenset[str]
    start: int
    end: int
    written: str  # the word with the negation that bears on it ("does not see benefits")
    negated: bool
    relational: bool  # ranks the names before it against those after it
    cues: tuple[tuple[int, int], ...]  # spans of the negations read into it


def negate(reading: frozenset[str]) -> frozenset[str]:
    return ALL - reading if len(reading) == 1 else ALL


def clauses(text: str) -> list[int]:
    """Where each clause starts (sorted; the first is 0)."""
    return [0] + [m.end() for m in BOUNDARY.finditer(text)]


def _negation(text: str, clause_start: int, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the negation that bears on the mention at ``text[start:end]``, if any."""
    before = text[clause_start:start]
    for m in reversed(list(CUE_BEFORE.finditer(before))):
        gap = before[m.end() :]
        if re.search(r"[,:()]", gap) or len(gap.split()) > 3 or any(not n.initial for n in names_of(gap)):
            break
        return [(clause_start + m.start(), clause_start + m.end())]
    if after := CUE_AFTER.match(text, end):
        return [(after.start() + len(after.group(0)) - len(after.group(0).lstrip()), after.end())]
    # a negated subject ("neither A nor B beats C", "no single task beats C", "not ... any other task
    # beats C") negates the verb it is the subject of: none other may stand between them; not where the
    # verb compares ("no other task helps as much as SQuAD" says SQuAD helps most)
    if _EQUATIVE.match(text, end):
        return []
    neither = [m for m in NEITHER.finditer(before)]
    if neither and (nor := NOR.search(before, neither[-1].end())) and _subject_of(before[nor.end() :], apposition=False):
        return [(clause_start + neither[-1].start(), clause_start + neither[-1].end()),
                (clause_start + nor.start(), clause_start + nor.end())]
    if (m := NO_SUBJECT.match(before)) and _subject_of(before[m.end() :]):
        return [(clause_start + m.end() - len(m.group(0).split()[-1]), clause_start + m.end())]
    if (m := NOT_ANY.search(before)) and _subject_of(before[m.end() :], apposition=False):
        return [(clause_start + m.start(), clause_start + m.start() + 3)]
    return []


# a change compared with another's after a negated subject: "helps as much as", "gains more than"
_EQUATIVE = re.compile(r"\s+(?:(?:quite|nearly|almost)\s+)?(?:" + EQUATIVE + r")\b", re.I)


def _subject_of(gap: str, apposition: bool = True) -> bool:
    """Whether the words between a negated subject and a direction word may be the rest of that
    subject: no verb of its own ("No target-language data is used, and ... improves"), no direction
    word, and no comma unless ``apposition`` allows one ("Neither alternative, MLM or translation,
    beats ...")."""
    gap = OWN_VERB.sub("", gap)  # "Neither BUCC nor Tatoeba is hurt": the verb of the negated subject itself
    return (not COPULA.search(gap) and not MENTION.search(gap) and len(gap.split()) <= 15
            and (apposition or not re.search(r"[,:()]", gap)))


_AT_ONCE = re.compile(r"\bat\s+once\b", re.I)


def predicated(text: str, clause_start: int, start: int, end: int) -> bool:
    """Whether a superlative is said of the subject: a copula or "performs"/"does" within three words
    before it ("performs worst", "was consistently the best"), one after its noun ("the best model
    is RoBERTa"), or the outcome the subject gives ("gives the best results", "achieves the lowest
    scores": what gives the best results does best)."""
    before = _AT_ONCE.sub(" ", text[clause_start:start]).split()[-3:]  # "is at once the best": "at once" is no word between
    after = text[end : end + 60].split()[:3]
    if GIVES.search(text[clause_start:start]) and OUTCOME.match(text, end):
        return True
    return bool(COPULA.search(" ".join(before))) or any(COPULA.fullmatch(w) for w in after[1:3])


def mentions_of(text: str, truncated: bool) -> list[Mention]:
    starts = clauses(text)
    out = []
    for m in MENTION.finditer(text):
        group = m.lastgroup
        dim, direction, kind = KIND[group]
        clause_start = starts[bisect_right(starts, m.start()) - 1]
        if truncated and len(text[m.end() :].split()) < CUT_WORDS:
            continue  # "... gains" may have been "... gains nothing"
        if kind == "superlative" and not predicated(text, clause_start, m.start(), m.end()):
            continue  # "the best single task" describes a noun: it says nothing of the text's subject
        if kind == "superlative" and PAST_OR_CONCEDED.search(text, clause_start, m.start()):
            continue  # "once state-of-the-art", "despite being the best": not the subject's standing now
        if kind == "relational" and AGAINST_START.match(text, m.end()):
            dim, kind = CHANGE, "plain"  # "XNLI is no better than the baseline": XNLI does not gain
        reading = frozenset({direction})
        if kind == "verb_superlative":  # "improves most": a standing, and the verb's change unless denied
            cues = _negation(text, clause_start, m.start(), m.end())
            written = _written(text, [*cues, (m.start(), m.end())])
            out.append(Mention(STANDING, negate(reading) if cues else reading, m.start(), m.end(), written, bool(cues), False, tuple(cues)))
            if not cues:  # "does not improve most" may still improve
                out.append(Mention(CHANGE, frozenset({VERB_CHANGE[group]}), m.start(), m.end(), written, False, False, ()))
            continue
        stressed: list[tuple[int, int]] = []  # the "not" of "not small": read and accounted for, but no negation
        if kind == "plain" and direction != FLAT:
            after = DIMINISHED_AFTER.match(text, m.end())
            if after and MENTION.search(after.group(0)):
                after = None  # the diminisher belongs to another direction word
            if after and (denied := DENIED.search(after.group(0))):
                stressed = [(after.start() + denied.start(), after.start() + denied.end())]  # "gains are not small"
            elif after or DIMINISHER.search(text[clause_start : m.start()]):
                reading = reading | {FLAT}  # "small gains", "a marginal drop", "gains are negligible"
        cues = [] if group == "flat" else _negation(text, clause_start, m.start(), m.end())
        if cues:
            reading = negate(reading)
        if reading == ALL:
            continue
        out.append(Mention(dim, reading, m.start(), m.end(), _written(text, [*cues, (m.start(), m.end())]), bool(cues),
                           kind == "relational", tuple(cues + stressed)))
    return out


def _written(text: str, spans: list[tuple[int, int]]) -> str:
    """A mention as a reason quotes it: its word and negations with the words between them, or "…"
    for more than three ("Neither … nor … beats")."""
    spans = sorted(spans)
    out = " ".join(text[slice(*spans[0])].split())
    for (_, end), (start, stop) in zip(spans, spans[1:]):
        between = text[end:start].split()
        out += (" " + " ".join(between) if len(between) <= 3 else " …") + " " + " ".join(text[start:stop].split())
    return out.replace("  ", " ").strip()
