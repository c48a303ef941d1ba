"""A row that lists a claim's names with one of them replaced by another known name (pure): beside its
numbers, beside the phrase it lists them under, as the subject of its ranking, or among the target
tasks its check reads (``task_substitution``, asked last).

"Intermediate-task training on SQuAD, MNLI, and QQP yields improvements of 8.2, 7.5, and 7.0
points" states a claim about "SQuAD, MNLI and HellaSwag ... by 8.2, 7.5 and 7.0 points" with the
wrong third task: the numbers agree, the key terms mostly do, and nothing is negated. The row is
read as naming QQP where the claim names HellaSwag when:

- the claim reports numbers and the row states at least one of them (the list stands beside the
  claim's numbers: a list of names there says whose numbers they are);
- a list of the row ("A, B and C": ``named_lists.name_lists``) and a list of the claim's statement
  have as many names, share at least one, and each differs by as many names as it lacks (names
  agree by their letters and digits, one may extend the other: ``model_aliases.same_name``, so
  "SQuAD v1.1" is "SQuAD");
- every name the row puts in is a name the paper knows (``PaperNames``: its cells' systems and
  tasks, the names its claims' checks and replication arms use, the model spellings of
  ``model_aliases``, and what the caller adds: the task catalogue, the presets' arms) and one the
  claim's statement does not hold elsewhere. An unknown word ("SWAG", a typo) is left alone: it may
  be another spelling of the claim's name. A list of examples ("tasks such as A, B and C") is not
  read.

The names are paired in the order they are written ("QQP (the claim: HellaSwag)").

A list given as the group the claim names by a phrase is read the same way, with no numbers needed:
the claim lists its names under a noun phrase ("the two sentence-retrieval targets, BUCC and
Tatoeba", "the question-answering targets (XQuAD, MLQA, TyDiQA-GoldP)": ``described_names``), and
the row lists as many names right beside that phrase ("PAWS-X and Tatoeba, the two sentence
retrieval target tasks"; a few determiners or a count between, no other word), with the same rules
for the names put in: "PAWS-X (the claim: BUCC)".

A ranking's subject is read the same way: "XLNet is the best model on three of the six target
tasks" states the numbers of "RoBERTa is the best model on three of the six target tasks" with
another model ranked. When the claim ranks one name (``polarity.ranks``: a superlative or a
comparison said of it) and the row, beside one of the claim's numbers, ranks one other name the same
way (both ahead, or both behind: a ranking turned round is ``polarity``'s to read), a name the paper
knows, that the statement does not hold elsewhere, and the row does not name the claim's, the row
names that model where the claim names its own ("XLNet (the claim: RoBERTa)"), unless another
current claim of the paper ranks that name the same way beside a number the row states ("BERT is best
on three of the six target tasks" matched to RoBERTa's claim is BERT's other three, not a
substitute).

A ranking claim that reports no numbers ("XLNet performs worst of the three models in every
experiment") has none for the row to state: its subject is read the same way whatever numbers the
row gives, where the claim's subject is itself a name the paper knows (not a capitalised first word
such as "Training"). "RoBERTa performs worst of the three models in every
experiment" names RoBERTa where the claim names XLNet; another claim of the paper that ranks RoBERTa
the same way (with no numbers, or beside one the row states) still makes it no substitute.
"""

from __future__ import annotations

import re

from claimcheck.claims.models import Claim
from claimcheck.audit.described_names import described_lists, lists_of_names
from claimcheck.audit.group_phrases import phrase_spans
from claimcheck.audit.model_aliases import model_key, same_name
from claimcheck.audit.named_lists import EXAMPLES, SET_APART_WORDS, name_lists
from claimcheck.audit.paper_names import PaperNames
from claimcheck.audit.polarity import STANDING, name_keys, ranks, read
from claimcheck.audit.row_numbers import numbers_in, states_number
from claimcheck.audit.task_substitution import substituted_tasks

MAX_CHARS = 2_000

_JOIN = re.compile(r",|\b(?:and|or)\b|&")
_WORD = re.compile(r"[A-Za-z0-9][\w+]*(?:[-.][\w+]+)*")


def _items(text: str, start: int, end: int) -> list[tuple[str, str]]:
    """(as written, key) for each name of the list at ``text[start:end]``, in order."""
    out = []
    for part in _JOIN.split(text[start:end]):
        written = part.strip()
        if written and (key := model_key(written)):
            out.append((written, key))
    return out


def substituted_names(row_text: str, claim: Claim, names: PaperNames) -> list[str]:
    """"QQP (the claim: HellaSwag)" for each name the row puts in place of one of the claim's (see
    the module's notes); empty when there is none."""
    return substitution(row_text, claim, names)[0]


def substitution(row_text: str, claim: Claim, names: PaperNames) -> tuple[list[str], str]:
    """``substituted_names`` with what the row's names stand in for the claim's by: "numbers" (a
    list, or a ranking's subject, beside the claim's numbers), "group" (a list beside the phrase the
    claim lists its names under), "ranking" (the subject of the ranking of a claim with no numbers),
    "tasks" (a target task in place of one the claim's check reads: ``task_substitution``); ([], "")
    when nothing is put in."""
    row_text, statement = row_text[:MAX_CHARS], claim.statement[:MAX_CHARS]
    in_statement = {model_key(w) for w in _WORD.findall(statement)} - {""}
    if claim.reported and any(states_number(w, c) for w, _, _ in numbers_in(row_text) for c in claim.reported):
        theirs = [_items(statement, a, b) for a, b, _ in name_lists(statement)]
        out: list[str] = []
        for a, b, _ in name_lists(row_text):
            if EXAMPLES.search(row_text[:a]):
                continue  # "tasks such as SQuAD, MNLI and QQP" names examples, not whose numbers these are
            mine = _items(row_text, a, b)
            for listed in theirs:
                if swapped := _swapped(mine, listed, in_statement, names, claim.paper_id):
                    out += swapped
                    break
        if out:
            return list(dict.fromkeys(out)), "numbers"
    if grouped := _substituted_group(row_text, claim, in_statement, names):
        return grouped, "group"
    if not claim.reported or any(states_number(w, c) for w, _, _ in numbers_in(row_text) for c in claim.reported):
        if ranked := _substituted_subject(row_text, claim, in_statement, names):
            # beside the claim's numbers when it has some, as a list there is; else the ranking alone
            return ranked, "numbers" if claim.reported else "ranking"
    if tasks := substituted_tasks(row_text, claim, names):
        return tasks, "tasks"
    return [], ""


def _swapped(mine: list[tuple[str, str]], listed: list[tuple[str, str]], in_statement: set[str], names: PaperNames,
             paper_id: str) -> list[str]:
    """"QQP (the claim: HellaSwag)" for each name of the row's list ``mine`` put in place of one of the
    claim's list ``listed``: as many names, at least one shared, every name put in known to the paper
    and held nowhere else in the statement; empty otherwise."""
    if len(listed) != len(mine) or len(mine) < 2:
        return []
    extra = [(w, k) for w, k in mine if not any(same_name(k, x) for _, x in listed)]
    missing = [(w, k) for w, k in listed if not any(same_name(k, x) for _, x in mine)]
    if not extra or len(extra) != len(missing) or len(extra) == len(mine):
        return []
    if any(any(same_name(k, x) for x in in_statement) for _, k in extra):
        return []  # the statement names it elsewhere: another role, not a substitute
    if not all(names.knows(paper_id, k) for _, k in extra):
        return []
    return [f"{w} (the claim: {x})" for (w, _), (x, _) in zip(extra, missing)]


# between a list and the phrase it stands beside: "PAWS-X and Tatoeba, the two sentence retrieval
# targets", "the sentence-retrieval targets, BUCC and Tatoeba", "the question-answering targets (XQuAD, ...)"
_PHRASE_AFTER_LIST = re.compile(
    r"\s*(?:,|\(|:|\u2014|\u2013|\s-)?\s*(?:(?:the|all|both|its|their|these|those|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+){0,2}",
    re.I)
# before a list: words that make it something the group is compared with, not the group itself
_SET_APART = re.compile(r"\b(?:" + SET_APART_WORDS + r")\s*$", re.I)
_PHRASE_BEFORE_LIST = re.compile(r"\s*(?:,|\(|:|\u2014|\u2013|\s-)\s*", re.I)


def _substituted_group(row_text: str, claim: Claim, in_statement: set[str], names: PaperNames) -> list[str]:
    """"PAWS-X (the claim: BUCC)" when the row lists, right beside the phrase the statement lists its
    names under, as many names with one put in place of the claim's (see the module's notes); empty
    otherwise."""
    statement = claim.statement[:MAX_CHARS]
    out: list[str] = []
    for phrase, keys in described_lists(statement):
        spans = phrase_spans(row_text, phrase)
        if not spans:
            continue
        listed = list(dict.fromkeys((w, k) for w in _WORD.findall(statement) if (k := model_key(w)) in keys))
        for a, b, _ in lists_of_names(row_text):
            if _SET_APART.search(row_text, 0, a):
                continue  # "compared with XNLI and Tatoeba, the two sentence-retrieval targets ..." sets them apart
            if not any((s >= b and _PHRASE_AFTER_LIST.fullmatch(row_text, b, s)) or (e <= a and _PHRASE_BEFORE_LIST.fullmatch(row_text, e, a))
                       for s, e in spans):
                continue
            out += _swapped(_items(row_text, a, b), listed, in_statement, names, claim.paper_id)
    return list(dict.fromkeys(out))


def _substituted_subject(row_text: str, claim: Claim, in_statement: set[str], names: PaperNames) -> list[str]:
    """"XLNet (the claim: RoBERTa)" when the row ranks one name in place of the one the claim ranks
    (see the module's notes); empty otherwise."""
    statement, paper_id = claim.statement[:MAX_CHARS], claim.paper_id
    theirs = ranks(statement)
    if len(theirs) != 1 or len(mine := ranks(row_text)) != 1:
        return []
    (their_key,), (my_key,) = theirs, mine
    if same_name(my_key, their_key) or any(same_name(my_key, k) for k in in_statement):
        return []  # its own subject, or a name the statement holds in another role
    if not names.knows(paper_id, their_key) and (not claim.reported or their_key not in name_keys(statement)):
        # an unknown subject is a name only beside numbers, and never as a capitalised first word ("Training on all nine ...")
        return []
    if any(same_name(their_key, k) for k in name_keys(row_text)) or not names.knows(paper_id, my_key):
        return []  # the row names the claim's subject too, or an unknown word that may be its spelling
    if not _standing(row_text, my_key) & _standing(statement, their_key):
        return []  # another ranking ("XLNet has the lowest scores" beside "BERT is the best"): polarity's to read
    for other in names.claims(paper_id):
        if other.id != claim.id and _ranks_alike(row_text, my_key, other):
            return []  # another claim of the paper ranks it so beside these numbers ("BERT is best on three of the six")
    return [f"{_written(row_text, my_key)} (the claim: {_written(statement, their_key)})"]


def _ranks_alike(row_text: str, key: str, other: Claim) -> bool:
    """Whether ``other`` ranks the one name the row ranks, the same way, beside a number of its the row states."""
    statement = other.statement[:MAX_CHARS]
    ranked = ranks(statement)
    if len(ranked) != 1 or not same_name(key, next(iter(ranked))) or not _standing(row_text, key) & _standing(statement, next(iter(ranked))):
        return False
    return not other.reported or any(states_number(w, c) for w, _, _ in numbers_in(row_text) for c in other.reported)


def _standing(text: str, key: str) -> frozenset[str]:
    """The standing ``polarity.read`` gives the name with this key in ``text``."""
    _, dims = read(text).names[key]
    return dims[STANDING][0]


def _written(text: str, key: str) -> str:
    """The name with this key as ``text`` writes it."""
    return next((w for w in _WORD.findall(text) if model_key(w) == key), key)
