"""Key terms that name a direction, found by any direction word of the same kind (pure).

Most key terms are names; a few say how things went: "benefit" (a change against where a thing
started), "outperforms" (a comparison), "worst" (a superlative). Syntheses reword these freely:
"helps", "gains" or "improves" for "benefit"; "beats" or "falls short of" for "outperforms".
Matched as written, such a term is missing from every paraphrase, and a row that names the same
tasks and says the same thing in other words stays below the match threshold.

Which way a row says things went is not the question here: ``polarity.compare`` reads that against
the matched claim, and a reversal must match its claim to be caught. Whether a row speaks of what
the claim is about is a question of topic, so a direction term is found in a row that has a
direction word (``polarity.read``) of the same kind, whichever way it points and whatever negation
bears on it: "does not help XNLI" speaks of benefit, "falls short of" compares as "outperforms"
does. The kinds are polarity's: a change ("improves", "hurts", "unchanged"), a comparison
("outperforms", "trails") and a superlative ("best", "worst"). A comparison does not find a
superlative: "RoBERTa and BERT outperform XLNet" ranks three names against each other, which
neither "the best model is RoBERTa or BERT" nor "XLNet performs worst" does, and the claims of a
paper that ranks the same models differ by little more than these words.

A key term is a direction term where its statement uses it as one (a direction word of the
statement covers it: "performs worst"), or, when the statement does not write it, where it reads as
one by itself ("benefit", "outperformed"). A superlative that only describes a noun ("the best
model per target task") ranks nothing, so it is found only as written.

    >>> term_kind("benefit", "tydiqa improves, while xnli gains nothing.")
    ('change', False)
    >>> term_kind("best", "using the best model per task gives a 5.4-point gain.") is None
    True
    >>> found_by_direction("mlm falls short of english training.", "outperforms", "english training outperforms mlm.")
    True
    >>> found_by_direction("bert outperforms xlnet.", "worst", "xlnet performs worst of the three models.")
    False
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimcheck.audit.group_phrases import changed_groups
from claimcheck.audit.model_aliases import same_name
from claimcheck.audit.polarity import CHANGE, read
from claimcheck.audit.term_forms import word_pattern


Kind = tuple[str, bool]  # (dimension, whether it compares): a change, a superlative, a comparison


def _kind(mention) -> Kind:
    return mention.dimension, mention.relational


@lru_cache(maxsize=4096)
def term_kind(term: str, statement: str = "") -> Kind | None:
    """The kind of direction word the key term is in its claim, or None when it is none (see the
    module's notes). ``statement``: the claim's statement, in the case of the term."""
    word = " ".join(term.split())
    if not word:
        return None
    at = re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", statement, re.I) if statement else None
    if at is not None:
        return next((_kind(x) for x in read(statement).mentions if x.start <= at.start() and at.end() <= x.end), None)
    alone = read(word).mentions
    return _kind(alone[0]) if len(alone) == 1 and (alone[0].start, alone[0].end) == (0, len(word)) else None


def found_by_direction(row_text: str, term: str, statement: str = "") -> bool:
    """Whether the row has a direction word of the kind the key term is (False for a term that is
    none)."""
    kind = term_kind(term, statement)
    return kind is not None and any(_kind(x) == kind for x in read(row_text).mentions)


def says_alike(row_text: str, statement: str) -> bool:
    """Whether the row has a direction word of a kind the statement has (a change for a change, a
    comparison for a comparison), whichever way it points; True where the statement has none."""
    theirs = {_kind(x) for x in read(statement).mentions}
    return not theirs or any(_kind(x) in theirs for x in read(row_text).mentions)


# words that say how much something changed ("moderately", "large gains", "a significant improvement")
_DEGREE = re.compile(
    r"(?:moderate|large|significant|substantial|slight|small|marginal|modest|strong|great|huge|big|considerable"
    r"|dramatic|notable|sizable|sizeable|sharp|minor|negligible|remarkable)(?:ly|y|ally)?"
)
# what may stand between a degree word and the change it grades: "improve only moderately", "the
# gains are very large"; any other word ("a large dataset helps") makes it a degree of something else
_BETWEEN = re.compile(r"\W*(?:(?:is|are|was|were|be|been|remains?|remained|stays?|stayed|only|very|quite|rather|fairly|more|most|so|too)\W+)*")


@lru_cache(maxsize=4096)
def grades_change(term: str, statement: str) -> bool:
    """Whether the key term is a degree word ("moderate", "large", "significant") that the statement
    uses to say how much a change went ("improve moderately", "large gains"), not a name ("XLM-R
    Large", written with a capital) nor a degree of anything else ("a large dataset"). A row that
    says which way the change went without saying how much ("hurts XQuAD, MLQA and TyDiQA") leaves
    the word out without speaking of something else: ``key_terms.term_share`` does not count it
    against the row."""
    word = " ".join(term.split())
    if not word or word != word.lower() or not _DEGREE.fullmatch(word) or not statement:
        return False
    changes = [x for x in read(statement).mentions if x.dimension == CHANGE]
    if not changes:
        return False
    for at in re.finditer(r"(?<![\w-])" + word_pattern(word) + r"(?![\w-])", statement, re.I):
        for x in changes:
            between = statement[at.end():x.start] if at.end() <= x.start else statement[x.end:at.start()] + " "
            if _BETWEEN.fullmatch(between):
                return True
    return False


@lru_cache(maxsize=4096)
def changes_a_shared_name(row_text: str, statement: str) -> bool:
    """Whether the row says which way a name changed that the statement also says changed (texts as
    written: names are read by their capitals): "hurts XQuAD, MLQA and TyDiQA" against "(XQuAD,
    MLQA, TyDiQA-GoldP) improve moderately", where the direction check has a name to hold the two
    readings against each other. A row that says such names changed by the phrase the statement
    lists them under ("hurts question answering", "the question-answering targets degrade":
    ``group_phrases``) says it too: the direction check reads the phrase as those names
    (``polarity.compare``). (Only this way round: a row that lists the names under a phrase the
    statement uses gets no allowance here.)"""
    row, claim = read(row_text), read(statement)
    theirs = [k for k, (_, dims) in claim.names.items() if CHANGE in dims and k not in claim.initial]
    if any(CHANGE in dims and key not in row.initial and any(same_name(key, k) for k in theirs)
           for key, (_, dims) in row.names.items()):
        return True
    return any(same_name(g, k) for g in changed_groups(row_text, statement) for k in theirs)
