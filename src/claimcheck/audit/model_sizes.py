"""Model size variants a synthesis row names differently from its registry claim (pure; see
``contradiction``): "XLM-R Base" in a row against "XLM-R Large" in the claim.
"""

from __future__ import annotations

import re

from claimcheck.claims.models import Claim
from claimcheck.audit.contradiction import MAX_CHARS
from claimcheck.audit.model_aliases import model_key

_SIZES = ("base", "large", "small", "tiny", "mini", "medium", "xl", "xxl", "huge", "giant")
_NAME = r"[A-Za-z][\w.+]{0,40}(?:-[A-Za-z0-9][\w.+]{0,40}){0,4}"  # a model name: XLM-R, RoBERTa, mT5, GPT-2
_SIZE_AFTER = re.compile(rf"(?<![\w.+-])({_NAME}?)(\s+\(|\s+|-)(" + "|".join(_SIZES) + r")\b\)?", re.I)
_SIZE_BEFORE = re.compile(r"\b(" + "|".join(_SIZES) + rf")\s+({_NAME})(?![\w.+])", re.I)


def _model_key(token: str, hyphened: bool = False) -> str | None:
    """A key for a model name ("XLM-R" -> "xlmr"), or None for an ordinary word ("The", "gains")."""
    named = any(c.isupper() for c in token[1:]) or any(c.isdigit() for c in token)
    if not (named or (hyphened and len(token) > 1)):
        return None  # BERT, XLM-R, RoBERTa, mT5, GPT-2 have an inner capital or a digit; "The" has not
    return model_key(token) or None


def model_sizes(text: str) -> dict[str, dict[str, str]]:
    """model key -> {size: the model as written} for each "<model> <size>" ("XLM-R Large",
    "XLM-R (large)", "bert-base") or "<size> <model>" ("the Large XLM-R") in ``text``."""
    out: dict[str, dict[str, str]] = {}
    for m in _SIZE_AFTER.finditer(text):  # "bert-base" names a model even in lower case
        if (key := _model_key(m.group(1), hyphened=m.group(2) == "-")) and key not in _SIZES:
            out.setdefault(key, {})[m.group(3).lower()] = f"{m.group(1)} {m.group(3)}"
    for m in _SIZE_BEFORE.finditer(text):
        if (key := _model_key(m.group(2))) and key not in _SIZES:
            out.setdefault(key, {}).setdefault(m.group(1).lower(), f"{m.group(1)} {m.group(2)}")
    return out


def size_conflicts(row_text: str, claim: Claim) -> list[str]:
    """"XLM-R Base (the claim: XLM-R Large)" for each model the row and the claim both size, differently."""
    checked = " ".join(str(v) for v in (claim.derivation.params.get("expect"),) if isinstance(v, str))
    theirs = model_sizes(f"{claim.statement} {checked}")
    out = []
    for key, sizes in model_sizes(row_text[:MAX_CHARS]).items():
        if key in theirs and not set(sizes) & set(theirs[key]):
            out.append(f"{', '.join(sizes.values())} (the claim: {', '.join(theirs[key].values())})")
    return out
