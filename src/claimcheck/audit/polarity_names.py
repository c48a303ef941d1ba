"""The names of a text as ``polarity`` reads them (pure).

A name is a word with an inner capital or a digit, or a capitalised word ("XNLI", "TyDiQA-GoldP",
"English"); consecutive names are joined into one ("XLM-R Large", "SQuAD v1.1"), and each gets its
key (``model_aliases.model_key``). A capitalised word that opens its sentence without another mark
("Training", "Multi-task") is kept but marked ``initial``: a name only where another text has it
as one. Numbers with their unit ("5.4-point"), versions standing alone ("v1") and function words are
no names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimcheck.audit.model_aliases import model_key

_TOKEN = re.compile(r"[A-Za-z0-9][\w+]*(?:[-.'’][\w+]+)*")
_NOT_A_NAME = frozenset(
    "the a an this that these those both all each every our its their his her my your we it they in on at for from "
    "with of to by over under across among between during after before into per via since when while where if "
    "and or but as than then so i neither nor no none not".split()
)  # fmt: skip
_VERSION = re.compile(r"v?\d+(?:\.\d+)*$")


@dataclass(frozen=True)
class Name:
    written: str
    key: str
    start: int
    end: int
    initial: bool = False  # a capitalised word opening its sentence: a name only where the other text has it as one


def names_of(text: str) -> list[Name]:
    """The names of a text, consecutive ones joined ("XLM-R Large", "SQuAD v1.1", "TyDi QA")."""
    sentence_starts = {0} | {m.end() for m in re.finditer(r"[.;:!?]\s+|\n", text)}
    out: list[Name] = []
    for m in _TOKEN.finditer(text):
        word = re.sub(r"['’]s$", "", m.group(0))
        first = m.start() in sentence_starts or not text[: m.start()].strip()
        marked = any(c.isupper() for c in word[1:]) or (any(c.isdigit() for c in word) and any(c.isalpha() for c in word))
        # not a number with its unit ("5.4-point") nor a version standing alone ("(v1)")
        is_name = word.lower() not in _NOT_A_NAME and not word[0].isdigit() and not _VERSION.match(word) and (marked or word[0].isupper())
        initial = is_name and first and not marked
        joined = out and not out[-1].initial and text[out[-1].end : m.start()] == " " and (is_name or _VERSION.match(word))
        if joined:  # "XLM-R Large", "SQuAD v1.1"; not "Plain English"
            last = out[-1]
            written = text[last.start : m.start() + len(word)]
            out[-1] = Name(written, model_key(written), last.start, m.start() + len(word))
        elif is_name:
            out.append(Name(word, model_key(word), m.start(), m.start() + len(word), initial))
    return [n for n in out if n.key]
