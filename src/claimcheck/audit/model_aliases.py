"""Spellings of one model or task name that syntheses use interchangeably: one table for the audit (pure).

``ALIASES`` maps each other spelling, in lower case, to the one the registry writes. Two readers use
it: ``claim_match.normalise`` rewrites the spellings inside a text, so that key terms and text
similarity see one name ("XLM-RoBERTa Large" reads "xlm-r large"); ``contradiction`` compares model
names as keys of letters and digits only ("XLM-R" -> "xlmr"), and ``model_key`` gives it the same
table in that form. A new spelling is added here once. Where names are compared as such keys
(``polarity``, ``name_substitution``), ``same_name`` says when two of them may name one thing
("TyDiQA" and "TyDiQA-GoldP").
"""

from __future__ import annotations

import re

ALIASES = {"xlm-roberta": "xlm-r", "xlm roberta": "xlm-r", "xlmr": "xlm-r", "tydi qa": "tydiqa", "tydi-qa": "tydiqa"}

# a spelling standing as a word of its own: no letter or digit on either side, no hyphen before it
_SPELLING = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ALIASES)) + r")(?![\w])")


def _letters_and_digits(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_KEYS = {_letters_and_digits(other): _letters_and_digits(written) for other, written in ALIASES.items()}


def registry_spelling(text: str) -> str:
    """``text`` (lower case) with each other spelling of a model replaced by the registry's."""
    return _SPELLING.sub(lambda m: ALIASES[m.group(0)], text)


def model_key(name: str) -> str:
    """A model name as letters and digits, another spelling read as the registry's ("XLM-RoBERTa"
    -> "xlmr")."""
    key = _letters_and_digits(name)
    return _KEYS.get(key, key)


def same_name(a: str, b: str) -> bool:
    """Whether two keys (``model_key``) may name one thing: equal, or one extends the other by what
    a synthesis leaves off ("tydiqa" and "tydiqagoldp", "bucc" and "bucc2018", "squad" and
    "squadv11"); a key of fewer than three characters only when equal."""
    short, long = sorted((a, b), key=len)
    return short == long or (len(short) >= 3 and long.startswith(short))
