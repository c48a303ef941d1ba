"""A group that a text says changed, named by the phrase another text lists the group's names under (pure).

A claim lists names under a noun phrase: "The question-answering targets (XQuAD, MLQA, TyDiQA-GoldP)
improve moderately" (``described_names.described_lists``). A row may speak of the same group by the
phrase alone, and say that it changed: "Intermediate training hurts the question-answering targets",
"hurts question answering", "Sentence retrieval gets worse". Such a row speaks of the listed names.

The phrase must be what the change word is about, standing right beside it, and the change word
must not be read for another name of the text ("hurts question answering on XNLI" says something
of XNLI):
- as its object: "hurts (the | performance on) question answering";
- as its subject: "the question-answering targets degrade", "sentence retrieval gets worse", where
  no preposition stands before the phrase.

A phrase that only sets the scene does not count:
- "intermediate training on question answering data hurts the other targets";
- "compared with question answering, sentence retrieval declines";
- "question-answering tasks degrade", where "tasks" may be the intermediate tasks.

A generic head noun (targets, tasks, benchmarks, datasets, settings) may be left out when two words or
more remain: "question answering" for "question-answering targets". The last word may be singular or
plural.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimcheck.audit.described_names import described_lists
from claimcheck.audit.model_aliases import same_name
from claimcheck.audit.polarity_lexicon import CHANGE
from claimcheck.audit.polarity_reading import read

_GENERIC_HEADS = frozenset("targets tasks benchmarks datasets settings".split())
_DASHES = "\\-\u2010\u2011\u2013\u2014"
# between a change word and the phrase it is said of: "hurts the", "gains on", "hurts performance on"
_OBJECT_GAP = re.compile(r"\s+(?:(?:the|all|its|their|both|performance|results?|scores?|accuracy|on|in|for|across)\s+){0,4}", re.I)
# between the phrase and its change word: "the question-answering targets degrade", "... all improve", "... get worse"
_SUBJECT_GAP = re.compile(r"\s+(?:(?:all|both|also|only|then|consistently|clearly|each|is|are|was|were)\s+){0,3}", re.I)
# a word before the phrase that makes it part of a modifier rather than a subject
_PREPOSITION = re.compile(r"(?:^|\W)(?:on|with|using|from|than|unlike|to|by|of|for|in|over|after|before|via|like)\s*$", re.I)


def _words(phrase: str) -> list[str]:
    return [w for w in re.split(rf"[\s{_DASHES}]+", phrase.lower()) if w]


@lru_cache(maxsize=1024)
def _pattern(phrase: str) -> re.Pattern | None:
    """The phrase, hyphens and spaces alike, its last word singular or plural, and, with a generic
    head noun and two words or more besides, the phrase without it."""
    words = _words(phrase)
    if not words:
        return None
    forms = [words]
    if len(words) >= 3 and words[-1] in _GENERIC_HEADS:
        forms.append(words[:-1])
    alternatives = []
    for form in forms:
        *rest, last = form
        stem = last[:-1] if len(last) > 3 and last.endswith("s") and not last.endswith("ss") else last
        alternatives.append(rf"[\s{_DASHES}]+".join([*map(re.escape, rest), re.escape(stem) + "s?"]))
    return re.compile(rf"(?<![\w{_DASHES}])(?:{'|'.join(alternatives)})(?![\w{_DASHES}])", re.I)


def phrase_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where ``text`` uses the phrase (see the module's notes on its forms)."""
    pattern = _pattern(phrase)
    return [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []


@lru_cache(maxsize=4096)
def changed_groups(text: str, lister: str) -> frozenset[str]:
    """The keys of the names ``lister`` lists under a noun phrase that ``text`` uses as the subject or
    object of one of its change words (see the module's notes); empty when there are none."""
    groups = described_lists(lister)
    if not groups:
        return frozenset()
    reading = read(text)
    changes = [x for x in reading.mentions if x.dimension == CHANGE and not x.relational]
    if not changes:
        return frozenset()
    out: set[str] = set()
    for phrase, keys in groups:
        # change words read for a name of the text outside the group are about that name
        elsewhere = {x for key, (_, dims) in reading.names.items() if CHANGE in dims and key not in reading.initial
                     and not any(same_name(key, k) for k in keys) for x in dims[CHANGE][1]}
        for a, b in phrase_spans(text, phrase):
            for x in changes:
                if x in elsewhere:
                    continue
                if x.end <= a and _OBJECT_GAP.fullmatch(text, x.end, a):
                    out |= keys
                elif b <= x.start and _SUBJECT_GAP.fullmatch(text, b, x.start) and not _PREPOSITION.search(text, 0, a):
                    out |= keys
    return frozenset(out)
