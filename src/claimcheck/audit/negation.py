"""Negations a synthesis row and its registry claim do not share (pure; see ``contradiction``).

A negation counts only where it bears on what the other side talks about, and not in an aside that
describes a noun, an idiom that bounds rather than denies, or a comparison a quantifier negates.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import takewhile

from claimcheck.claims.models import Claim
from claimcheck.audit.contradiction import MAX_CHARS
from claimcheck.audit.contrast_asides import FINITE_VERB, contrast_asides
from claimcheck.audit.normal_text import PHRASE_END, normalise
from claimcheck.audit.polarity_lexicon import EQUATIVE, MENTION
from claimcheck.audit.row_numbers import words_as_digits

# "without" (and "rather than", "instead of") only counts where asides are read (``strict=False``:
# strict reading drops it with its phrase, ``_NOUN_ASIDE``): "fine-tuning directly, without the
# intermediate step, gives better results" denies what "intermediate training does not help" denies
_CUE = re.compile(
    r"\b(?:not|no|never|neither|nor|none|nothing|nobody|cannot|without|rather\s+than|instead\s+of|\w+n[’']t|fail(?:s|ed)?\s+to|"
    r"unable\s+to)\b",
    re.I,
)
# idioms that bound or stress, not deny: "no fewer than nine" is at least nine
_NOT_A_NEGATION = re.compile(
    r"\b(?:(?:no|never)\s+(?:fewer|less|worse|later)\s+than|not\s+only|not\s+least|no\s+less|no\s+doubt|or\s+not)\b", re.I
)
# "targets with no training data", "tasks for which no training set exists": the negation describes a noun
# (and "rather than", "instead of", which likewise count only where asides are read, and only where they deny
# what the other side denies: "all weights are updated rather than freezing any layer" says what "no layer is
# frozen" says; "frozen rather than updated" does not)
_NOUN_ASIDE = re.compile(
    r"\b(?:with\s+no|without|rather\s+than|instead\s+of|(?:for|in|of)\s+which\s+(?:no|none|there\s+is\s+no))\b[^,;:.]*", re.I
)
# a comparison negated by a quantifier restates an order ("no single task beats X", "neither alternative
# outperforms X", "no single task matches X", "no other task helps as much as X" say X does best; "no
# single model wins everywhere" that the best depends on the task): not told from the opposite. "X does
# not outperform Y", "X does not win", are negations.
_QUANTIFIERS = {"no", "none", "nothing", "nobody", "neither", "nor"}
_ANY = re.compile(r"\b(?:any|another|other|single)\b", re.I)  # "it is not the case that any other target beats X"
_COMPARISON = re.compile(r"\b(?:beats?|wins?|won|outperform\w*|exceeds?|surpass\w*|better|worse|match(?:es|ed)?|rivals?|equals?|"
                         + EQUATIVE + r")\b", re.I)
# a clause opening with "no X" denies X, whatever its verb is about ("no target-language data is used")
_VERB = re.compile(r"^(?:is|are|was|were|be|been|has|have|had|can|could|will|would|may|might|should|exists?|seems?)$", re.I)
_RELATIVE = re.compile(
    r"\b(?:that|which|who|whose|whom)\s+(?:have|has|had|is|are|was|were|do|does|did|can|could|will|would|may|might|"
    r"should|contain|contains|use|uses|used|require|requires|need|needs)\b[^,;:.]*",
    re.I,
)
# a relative clause without its "that", on the object of a preposition the main clause governs ("BERT
# comes out ahead in the three tasks RoBERTa does not win, ..."): a plural noun right before a name and
# its negated "do". A sentence that opens with the phrase ("On the three tasks RoBERTa does not win")
# says it of RoBERTa, and keeps it
_CONTACT_RELATIVE = re.compile(
    r"(?<=\w )(?:in|on|for|across|of|at|over|from|to|with)\s+(?:the|those|these|all|every)\s+(?:[\w-]+\s+){0,3}?"
    r"[a-z][\w-]*s\s+(?:(?:that|which)\s+)?(?P<clause>[A-Z][\w+-]*\s+(?:does|do|did)\s*(?:not\b|n[’']t\b)[^,;:.]*)"
)
_PAREN = re.compile(r"\([^()]*\)")
# An aside that contrasts the subject with another ("multi-task training, not the best single task, does
# best": ``contrast_asides``) is no negation of the main clause, unless it names what the other side's
# subject names, or a number the other side states ("RoBERTa, not XLNet, performs worst" against "XLNet
# performs worst"; "trained, not for 100 epochs, ..."): then it denies the other side.
_CAPITALISED = re.compile(r"\b[A-Z][\w+-]*")
_CLAUSE_END = re.compile(r"[;:!?]|[,.](?!\d)|\b(?:whereas|while|but|although|though)\b", re.I)
_STOP = set(
    "the a an of on in to for with from by and or as at is are was were be been being do does did has have had it its "
    "this that these those we our they their there which who whose whom than then also more most any all each every "
    "can could will would may might should shall into over under about between across after before such so very much "
    "many some one same other others".split()
)  # fmt: skip


def _words(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[a-z0-9+]+", words_as_digits(normalise(text))):
        if w in _STOP or (len(w) < 3 and not w.isdigit()):
            continue
        out.add(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return out


def _subject_words(other: str) -> set[str]:
    """The content words of the capitalised names in ``other``'s subject: the text before its first
    verb or direction word ("After intermediate training, RoBERTa is the best model": After,
    intermediate, training, RoBERTa)."""
    ends = [m.start() for m in (FINITE_VERB.search(other), MENTION.search(other)) if m]
    head = other[: min(ends)] if ends else other
    return {w for name in _CAPITALISED.findall(head) for w in _words(name)}


def _drop_contrasts(text: str, other: str) -> str:
    subject = _subject_words(other)
    numbers = {w for w in _words(other) if w.isdigit()}
    out, at = [], 0
    for aside in contrast_asides(text):
        if any(_words(name) & subject for name in _CAPITALISED.findall(aside.what)) or _words(aside.what) & numbers:
            continue  # it denies the other side's subject or number
        out += [text[at : aside.start], ","]
        at = aside.end
    return "".join([*out, text[at:]])


def _clean(text: str, strict: bool, other: str = "") -> str:
    """The text without the registry's notes on where a quoting text breaks off; ``strict`` also
    drops the asides (parentheses, relative clauses, with or without their "that":
    ``_CONTACT_RELATIVE``, a contrast set off by commas) whose negation describes or sets apart a
    noun, not the claim."""
    text = _NOT_A_NEGATION.sub(" ", re.sub(r"[;,]?\s*the quoting text [^.;]*", "", text, flags=re.I))
    if not strict:
        return text
    text = _CONTACT_RELATIVE.sub(lambda m: m.group(0)[: m.start("clause") - m.start()] + " ", _drop_contrasts(text, other))
    return _NOUN_ASIDE.sub(" ", _RELATIVE.sub(" ", _PAREN.sub(" ", text)))


def _denied(after: list[str]) -> list[str]:
    """The words after a "no" from the head of the noun phrase it opens: "no target-language data is
    used" denies data, and its "target" bears on no "targets" of the other side. Only where a verb or
    a word that ends a noun phrase (``normal_text.PHRASE_END``: a preposition, a conjunction, a
    determiner) ends the phrase within five words (``after`` as it is otherwise: "with no layer
    freezing" may end anywhere)."""
    for i, w in enumerate(after[:5]):
        if i and (_VERB.match(w) or FINITE_VERB.fullmatch(w) or w.lower() in PHRASE_END):
            return after[i - 1 :]
    return after


_HAVE = re.compile(r"(?:have|has|had|having)", re.I)
_INSTEAD = re.compile(r"(?:rather\s+than|instead\s+of)", re.I)


_REACH = 200  # how far after a cue its clause is read (characters)


def _negated_words(text: str) -> set[str]:
    """The content words of what ``text`` denies: the few words after each of its negations, in its
    clause ("no layer is frozen": layer, frozen), read within ``_REACH`` characters of the cue."""
    text = _clean(text, True)
    ends = [c.start() for c in _CLAUSE_END.finditer(text)]
    out: set[str] = set()
    for m in _CUE.finditer(text):
        k = bisect_left(ends, m.end())  # the first clause end at or after the cue's end
        nxt = ends[k] if k < len(ends) else len(text)
        out |= _words(" ".join(text[m.end() : min(nxt, m.end() + _REACH)].split()[:4]))
    return out


def negations(text: str, other: str, *, strict: bool = True) -> list[str]:
    """The negations in ``text`` that bear on ``other``: each cue (with a little context) whose clause
    shares a content word with ``other``. ``strict=False`` also counts those in asides."""
    text = _clean(text, strict, other)
    theirs = _words(other)
    ends = [(c.start(), c.end()) for c in _CLAUSE_END.finditer(text)]
    found = []
    denied_there: set[str] | None = None  # what ``other`` denies, read once where a "rather than" needs it
    for m in _CUE.finditer(text):
        k = bisect_left(ends, (m.start(), -1))  # the first clause end at or after the cue
        clause_start = ends[k - 1][1] if k else 0
        nxt = next((a for a, _ in ends[k:] if a >= m.end()), len(text))
        before = text[clause_start : m.start()].split()[-3:]
        clause = text[m.end() : min(nxt, m.end() + _REACH)].split()
        after = clause[:8]  # a negation's reach: the rest of its clause, briefly
        if (cmp := _COMPARISON.search(" ".join(after))) and (
            m.group(0).lower() in _QUANTIFIERS or _ANY.search(" ".join(after)[: cmp.start()])
        ):
            continue  # "no single task beats X" says X is best; "X does not outperform Y" denies it
        if m.group(0).lower() == "no":  # "no X-ing data is ...": the data bears on the other side, not the X
            after = _denied(after)
            if before and _HAVE.fullmatch(before[-1]):  # "BUCC and Tatoeba have no training data": what they lack bears, not they
                before = []
                if after == clause and 1 < len(clause) <= 5:  # the clause ends the phrase ("have no training data, yet ..."): its head
                    after = after[-1:]
        if not before and m.group(0).lower() == "no":  # "no X is ...": X alone bears on the other side
            after = list(takewhile(lambda w: not _VERB.match(w), after))
        if _INSTEAD.fullmatch(m.group(0)):  # "rather than freezing any layer" denies what "no layer is frozen" denies
            if denied_there is None:
                denied_there = _negated_words(other)
            if _words(" ".join(after)) & denied_there:
                found.append(m.group(0))
            continue
        if _words(" ".join(before + after)) & theirs:
            found.append(" ".join([*before[-2:], m.group(0)]).strip())
    return found


_STEM = re.compile(r"(?:ing|ed|es|e)$")


def _stems(words: set[str]) -> set[str]:
    """The words without an ending that tells forms of one verb apart ("updated", "updates" and
    "updating" are one), so that what one side says and what the other denies meet."""
    return {_STEM.sub("", w) if len(w) > 5 else w for w in words}


def _contrast_sides(text: str) -> list[tuple[set[str], set[str], str, str]]:
    """Each "A rather than B" (or "instead of") of ``text``, as (the words of A, the words of B, A and B
    as written): A is the last two words before the cue in its clause, or in the clause before when a
    comma sets the cue off ("frozen, rather than updated,"); B the first three words after it, in its
    clause. A cue that opens its clause ("Rather than being updated, the layers were frozen") puts B
    first and A in the clause after it."""
    text = _clean(text, False)
    ends = [(c.start(), c.end()) for c in _CLAUSE_END.finditer(text)]
    out = []
    for m in re.finditer(_INSTEAD.pattern, text, re.I):
        k = bisect_left(ends, (m.start(), -1))
        clause_start = ends[k - 1][1] if k else 0
        nxt = next((a for a, _ in ends[k:] if a >= m.end()), len(text))
        before = text[clause_start : m.start()].split()[-2:]
        if not before and k and text[ends[k - 1][0]] == ",":  # "frozen, rather than updated": A before the comma
            start = ends[k - 2][1] if k > 1 else 0
            if len(ahead := text[start : ends[k - 1][0]].split()) > 1:  # not an opener ("However, rather than ...")
                before = ahead[-2:]
        after = [w for w in text[m.end() : nxt].split() if w.lower() not in ("being", "been", "be")][:3]
        if not before and nxt < len(text) and text[nxt] == ",":  # "Rather than B, A ...": A is the clause after
            later = next((a for a, _ in ends if a > nxt), len(text))
            before = text[nxt + 1 : later].split()[:8]
        said, denied = _words(" ".join(before)), _words(" ".join(after))
        if said and denied:  # shown as its last word said and its first word denied
            out.append((said, denied, next(w for w in reversed(before) if _words(w)), next(w for w in after if _words(w))))
    return out


def _swapped_contrast(text: str, other: str) -> tuple[str, str] | None:
    """An "A rather than B" of ``text`` that turns round what ``other`` says and denies: ``other``
    denies A and says B ("frozen rather than updated" against "all weights are updated; no layer is
    frozen"), as (A, B) written. "Updated rather than frozen" says what ``other`` says; nothing is
    read where ``other`` denies nothing, or denies B too."""
    sides = _contrast_sides(text)
    if not sides:
        return None
    denied = _stems(_negated_words(other))
    if not denied:
        return None
    said = _stems(_words(_clean(other, False))) - denied
    for mine, not_mine, a, b in sides:
        mine, not_mine = _stems(mine), _stems(not_mine)
        if (mine & denied) - said and not_mine & said and not not_mine & denied:
            return a, b
    return None


def negation_conflict(row_text: str, claim: Claim, truncated: bool = False) -> str:
    """Why the row may state the opposite of the claim ("" when both negate or neither does). One
    side's negation must stand in its main clause, and the other side may have none even in an aside:
    in doubt, nothing is flagged."""
    return statement_negation_conflict(row_text, claim.statement, truncated)


def statement_negation_conflict(row_text: str, statement: str, truncated: bool = False) -> str:
    """``negation_conflict`` against a statement given as text (one whose negations another reading
    has already accounted for may come with them blanked out: ``polarity.compare``)."""
    statement, row_text = statement[:MAX_CHARS], row_text[:MAX_CHARS]
    if (row_neg := negations(row_text, statement)) and not negations(statement, row_text, strict=False):
        return f'the row negates ("{row_neg[0]}") where the claim does not'
    if not truncated and (claim_neg := negations(statement, row_text)) and not negations(row_text, statement, strict=False):
        return f'the claim negates ("{claim_neg[0]}") where the row does not'
    if swapped := _swapped_contrast(row_text, statement):  # "frozen rather than updated" against "updated; no layer is frozen"
        return f'the row says "{swapped[0]}" rather than "{swapped[1]}", where the claim denies the one and says the other'
    if not truncated and (swapped := _swapped_contrast(statement, row_text)):
        return f'the claim says "{swapped[0]}" rather than "{swapped[1]}", where the row denies the one and says the other'
    return ""
