"""Whether a ranking is said of part of the tasks or of all of them (pure).

"After intermediate training, RoBERTa is the best model on three of the six target tasks" and "BERT
is the best model on the other three" rank RoBERTa and BERT both ways, and both hold: each ranking
is said of its own part of the tasks. A text ranks on ``part`` of them when it says "three of the
six", "the other three", "the remaining two", "the rest", "depending on the task", "on some / most
/ several / certain" tasks; it ranks on the ``whole`` when it says "every", "all", "each", "always",
"consistently", "without exception", "across the board".

``polarity`` reads a ranking said of a part against a row only where the row says its ranking holds
on the whole, or names the same definite part ("the other three" in both texts): "RoBERTa beats
BERT and XLNet" (on its three tasks, or said loosely) does not turn round "BERT is the best model on
the other three target tasks"; "RoBERTa beats BERT in every experiment" and "BERT is the weakest
model on the other three target tasks" do (``apart``). An indefinite part ("three of the six") in
both texts may be two different parts.
"""

from __future__ import annotations

import re

_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_PART = re.compile(
    rf"\b(?:{_NUMBER}\s+(?:out\s+)?of\s+(?:the\s+)?{_NUMBER}|(?:other|remaining)\s+{_NUMBER}|the\s+rest"
    r"|depending\s+on|(?:on|in|for)\s+(?:some|most|several|certain|a\s+few)|half\s+of)\b",
    re.I,
)
_DEFINITE = re.compile(rf"\b(?:other|remaining)\s+{_NUMBER}\b|\bthe\s+rest\b", re.I)
_WHOLE = re.compile(r"\b(?:every|all|each|always|consistently|without\s+exception|across\s+the\s+board)\b", re.I)


def part(text: str) -> bool:
    """Whether ``text`` says its ranking holds on part of the tasks (see the module's notes)."""
    return bool(_PART.search(text))


def whole(text: str) -> bool:
    """Whether ``text`` says its ranking holds on all of them (see the module's notes)."""
    return bool(_WHOLE.search(text))


def apart(row: str, statement: str) -> bool:
    """Whether the statement's ranking may hold on another part of the tasks than the row's: it is
    said of a part, the row is not said of the whole, and the two do not name the same definite part."""
    if not part(statement) or whole(row):
        return False
    theirs = {" ".join(m.group(0).lower().split()) for m in _DEFINITE.finditer(statement)}
    return not theirs & {" ".join(m.group(0).lower().split()) for m in _DEFINITE.finditer(row)}
