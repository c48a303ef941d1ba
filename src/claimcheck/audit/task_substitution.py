"""A row that names another of the paper's target tasks in place of one the claim's check reads (pure).

"PAN-X shows consistent improvements with many intermediate tasks, whereas XNLI does not see
benefits" matches a claim that TyDiQA-GoldP improves while XNLI gains nothing: the key terms mostly
agree, no number is given and nothing is negated. But the claim is checked on TyDiQA-GoldP and XNLI
(its derivation's tasks), and the row keeps XNLI and puts PAN-X where TyDiQA-GoldP was. The row is
read as naming PAN-X where the claim names TyDiQA-GoldP when:

- the claim's statement names at least two of the tasks its check reads (``claims.names.names_in_params``:
  the tasks of a gain, the tasks a per-task direction expects; a name of the statement agrees with a
  task by ``model_aliases.same_name``, so "TyDiQA-GoldP" is the task "tydiqa");
- the row names at least one of them, by its name or by the phrase the statement lists it under
  ("the sentence-retrieval targets, BUCC and Tatoeba": ``described_names``, ``group_phrases``), and
  lacks as many as it names other target tasks of the paper (``PaperNames.target_tasks``: the
  tasks it measures, not the intermediate tasks it trains on) that are neither among the claim's
  tasks nor named anywhere in its statement;
- no such name is given as an example ("tasks such as PAN-X"), and one set apart ("unlike PAWS-X",
  "rather than UD-POS") is not counted;
- each name put in does what the task it replaces does in the claim: ``polarity.read`` gives it,
  in the row, an outcome the claim's statement gives that task ("PAN-X shows consistent
  improvements" where "TyDiQA-GoldP improves"). A task the row names without saying what it did
  ("while for PAN-X the picture is mixed"), or that does something else ("TyDiQA-GoldP improves,
  much as MLQA does" against a claim whose XNLI gains nothing) is not put in place of anything.

Each name put in is paired with the first task it can replace, in the order they are written. A
row that names more or fewer other tasks than it lacks (a summary over other tasks, a partial
quote) is not read here.
"""

from __future__ import annotations

import re

from claimcheck.claims.models import Claim
from claimcheck.claims.names import names_in_params
from claimcheck.audit.described_names import described_lists
from claimcheck.audit.group_phrases import phrase_spans
from claimcheck.audit.model_aliases import model_key, same_name
from claimcheck.audit.named_lists import EXAMPLES, SET_APART_WORDS
from claimcheck.audit.paper_names import PaperNames
from claimcheck.audit.polarity import read

_WORD = re.compile(r"[A-Za-z0-9][\w+]*(?:[-.][\w+]+)*")
# just before a name: words that set it apart from what the row says of the claim's tasks
_SET_APART = re.compile(r"\b(?:" + SET_APART_WORDS + r")\s+(?:(?:the|on|for|in)\s+)?$", re.I)
_EXAMPLE_REACH = 40  # characters before a name searched for an "e.g." that makes it an example


def _checked_tasks(claim: Claim) -> set[str]:
    """The keys of the tasks the claim's check reads."""
    params = names_in_params(claim.derivation.name, claim.derivation.params)
    return {k for _, kind, name, _ in params if kind == "task" and (k := model_key(name))}


def _named_tasks(claim: Claim, tasks: set[str]) -> list[tuple[str, str]]:
    """(as the statement writes it, the task's key) for each of ``tasks`` (the claim's checked
    ones) that its statement names, in the statement's order."""
    out: dict[str, tuple[str, str]] = {}
    for word in _WORD.findall(claim.statement):
        key = model_key(word)
        task = next((t for t in tasks if key and same_name(key, t)), None)
        if task is not None and task not in out:
            out[task] = (word, task)
    return list(out.values())


def _readings(names: dict, key: str) -> dict[str, frozenset[str]]:
    """What ``polarity.read`` reads of the name with this key: dimension -> outcomes ({} for none)."""
    for k, (_, dims) in names.items():
        if same_name(k, key):
            return {dim: reading for dim, (reading, _) in dims.items()}
    return {}


def _same_role(mine: dict[str, frozenset[str]], theirs: dict[str, frozenset[str]]) -> bool:
    """Whether two readings share an outcome in a dimension both read."""
    return any(dim in theirs and reading & theirs[dim] for dim, reading in mine.items())


def substituted_tasks(row_text: str, claim: Claim, names: PaperNames) -> list[str]:
    """"PAN-X (the claim: TyDiQA-GoldP)" for each target task the row names in place of one the
    claim's check reads (see the module's notes); empty when there is none."""
    checked = _checked_tasks(claim)
    named = _named_tasks(claim, checked)
    if len(named) < 2:
        return []
    targets = names.target_tasks(claim.paper_id)
    in_statement = {k for w in _WORD.findall(claim.statement) if (k := model_key(w))}
    row_words = [(m.group(), m.start(), k) for m in _WORD.finditer(row_text) if (k := model_key(m.group()))]
    grouped = {k for phrase, keys in described_lists(claim.statement) if phrase_spans(row_text, phrase) for k in keys}
    kept = [(w, t) for w, t in named
            if model_key(w) in grouped or any(same_name(k, t) or same_name(k, model_key(w)) for _, _, k in row_words)]
    lacking = [(w, t) for w, t in named if (w, t) not in kept]
    if not kept or not lacking:
        return []
    extra: dict[str, str] = {}  # key -> as the row writes it, in the row's order
    for word, start, key in row_words:
        if key in extra or not any(same_name(key, t) for t in targets):
            continue
        if any(same_name(key, k) for k in in_statement | checked):
            continue  # one of the claim's tasks, or a name its statement holds in another role
        before = row_text[max(0, start - _EXAMPLE_REACH):start]
        if EXAMPLES.search(before):
            return []  # "tasks such as PAN-X" gives examples: the row is not naming what the claim names
        if _SET_APART.search(before):
            continue  # "unlike PAWS-X": a contrast, not one put in place
        extra[key] = word
    if len(extra) != len(lacking):
        return []
    mine, theirs = read(row_text).names, read(claim.statement).names
    out, left = [], list(lacking)
    for key, word in extra.items():  # each put in where a task the row leaves out stood: it does what that one did
        role = _readings(mine, key)
        match = next((x for x in left if _same_role(role, _readings(theirs, model_key(x[0])))), None)
        if match is None:
            return []
        left.remove(match)
        out.append(f"{word} (the claim: {match[0]})")
    return out
