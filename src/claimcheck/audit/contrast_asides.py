"""Contrast asides (pure): "multi-task training, not the best single task, does best".

A "not" phrase set off by commas after the subject contrasts it with another; the sentence still says
what its main clause says, of its subject. A phrase is no such aside when:
- it is closed by a sentence's end, not a second comma ("gains appear on TyDiQA, not XNLI." denies
  something of XNLI), or "but" follows ("not XLNet, but BERT performs worst");
- it opens the main clause after an introductory phrase ("However, not all targets gain, ...", "On the
  retrieval targets, not a single task brings gains, ..."), or holds a verb of its own;
- the main clause's subject comes after it ("Fine-tuned from MNLI, not SQuAD, XLNet performs best").

The negation check reads an aside as no negation of the main clause (unless it names the other side's
subject); the polarity reader gives a name inside it the main clause's reading, negated ("RoBERTa, not
XLNet, performs best": XLNet does not perform best), unless the clause has a degree the aside may deny
instead ("BUCC, not Tatoeba, gains the most").
"""

from __future__ import annotations

import re
from typing import NamedTuple

_CONTRAST_ASIDE = re.compile(r",\s*(?:and\s+|but\s+)?(?P<not>not)\s+(?!only\b)(?P<what>[^,;:.()]{1,80}),(?!\s*but\b)", re.I)
_OPENER = re.compile(
    r"^\s*(?:(?:on|in|for|after|before|with|among|across|at|by|from|during|under|of|over|within|without|unlike|compared)\b"
    r"|\w+ly\s*$|(?:however|moreover|instead|still|yet|also|thus|hence|therefore|overall|here|there|now|then|first|"
    r"finally|second|third|again|otherwise|meanwhile|indeed|in\s+fact|as\s+a\s+result|on\s+the\s+other\s+hand)\s*$)",
    re.I,
)
# a finite verb: in an aside, it makes the "not" a clause's own; in a statement, the first one ends its subject
FINITE_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|does|do|did|can|could|will|would|may|might|must|should|gains?|improves?|helps?|"
    r"brings?|gives?|gets?|shows?|sees?|yields?|starts?|uses?|remains?|stays?|benefits?|hurts?|drops?|performs?|"
    r"outperforms?|beats?)\b",
    re.I,
)
_NEW_SUBJECT = re.compile(r"\s*[A-Z]")  # after the aside, a capitalised word: the main clause's own subject


class Aside(NamedTuple):
    start: int  # at its opening comma
    end: int  # after its closing comma
    what: str  # what it sets apart: the words after "not"
    cue: tuple[int, int]  # the span of its "not"


def contrast_asides(text: str) -> list[Aside]:
    """The contrast asides of ``text`` (see the module's notes), in order."""
    out = []
    for m in _CONTRAST_ASIDE.finditer(text):
        before = text[: m.start()]
        opener = before[before.rfind(",") + 1 :]
        if _OPENER.match(opener) or FINITE_VERB.search(m.group("what")):
            continue  # the "not" opens the main clause
        if _NEW_SUBJECT.match(text, m.end()):
            continue  # "Fine-tuned from MNLI, not SQuAD, XLNet performs best": it belongs to an opening phrase
        out.append(Aside(m.start(), m.end(), m.group("what"), m.span("not")))
    return out
