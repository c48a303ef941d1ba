"""The forms in which a key term's words are found in a row: plurals and simple inflections (pure).

A key term is written once ("moderate", "consistently", "outperformed"); a synthesis writes the same
word in the form its sentence needs: "improve moderately", "is consistent", "outperforms". Each
word of a term is therefore found in these forms:

- any word: itself and its plural ("task" / "tasks", "trends" / "trend");
- an adjective by its ending (-ate, -ent but not -ment, -ant, -al, -ar, -ive, -ous, -ful, -ic, -ble): also its
  adverb in -ly ("moderate" / "moderately", "significant" / "significantly", "considerable" /
  "considerably"), and an adverb in -ly also its adjective ("consistently" / "consistent");
- a word written as a verb form (-ed, -ing): also the verb's other forms ("outperformed" /
  "outperforms" / "outperforming", "updated" / "update", "depending" / "depends", "fine-tuning" /
  "fine-tuned").

A few words that name the same thing are found as each other, in their own forms (``_SAME_WORDS``:
"phases" / "stages", "larger" / "bigger", "dataset" / "data"); never a name's.

Nothing else: an inflection is given only where the written form says which kind of word it is, so
a noun does not find a verb that shares its letters ("target" is not found in "targeted", "weights"
not in "weighted", "layers" not in "layered"), and an adjective not a participle of a verb spelled
alike ("moderate" is not found in "a moderated learning rate"). Short words (fewer than five
letters: "best", "rest", "all", "next") and names (a word written with a capital letter: "BUCC",
"English", "Large") take the plural only, so that "all" does not find "ally" nor "best" "bested".

A term written as the initials of another key term of the same claim ("QA" beside "question
answering") is one concept with it: ``partners`` pairs them, and a row that has one has the other.

    >>> bool(re.fullmatch(word_pattern("moderate"), "moderately")), bool(re.fullmatch(word_pattern("moderate"), "moderated"))
    (True, False)
    >>> bool(re.fullmatch(word_pattern("outperformed"), "outperforms")), bool(re.fullmatch(word_pattern("target"), "targeted"))
    (True, False)
    >>> partners(("question answering", "QA", "moderate"))
    {'QA': 'question answering', 'question answering': 'QA'}
"""

from __future__ import annotations

import re
from functools import lru_cache

MIN_INFLECTED = 5  # shorter words take the plural only ("best", "rest", "all")

_ADJECTIVE = re.compile(r"(?:ate|(?<!m)ent|ant|al|ar|ive|ous|ful|ic|ble)$")  # not a noun in -ment
_VERB_FORM = re.compile(r"(?:ed|ing)$")


def _plural(word: str) -> str:
    base = word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
    return re.escape(base) + r"(?:s|es)?"


def _adverb(adjective: str) -> str:
    """The adjective and its adverb: "-ble" -> "-bly", "-ic" -> "-ically", else "-ly"."""
    if adjective.endswith("ble"):
        return re.escape(adjective[:-1]) + r"(?:e|y)"
    if adjective.endswith("ic"):
        return re.escape(adjective) + r"(?:|ally)"
    return re.escape(adjective) + r"(?:ly)?"


# words that name one thing, each found where a row writes the other (in its own forms): a setup's
# "phases" are its "stages", a "larger" dataset a "bigger" one, a "dataset" the task's "data". Lower
# case only: "XLM-R Large" is a name
_SAME_WORDS = {"phase": "stage", "phases": "stages", "large": "big", "larger": "bigger", "largest": "biggest",
               "dataset": "data", "datasets": "data"}
_SAME_WORDS |= {v: k for k, v in _SAME_WORDS.items() if k != "datasets"}


def word_pattern(word: str, name: bool = False) -> str:
    """A regular expression for one word of a key term (lower case as the row is read), in the forms
    it is found in (see the module's notes); ``name``: the term writes it with a capital letter."""
    if not name and word in _SAME_WORDS:
        return "(?:" + _word_pattern(word, name) + "|" + _word_pattern(_SAME_WORDS[word], name) + ")"
    return _word_pattern(word, name)


def _word_pattern(word: str, name: bool) -> str:
    if name or len(word) < MIN_INFLECTED or not word.isalpha():
        return _plural(word)
    if word.endswith("ly") and _ADJECTIVE.search(word[:-2]):
        return _adverb(word[:-2])
    if _ADJECTIVE.search(word):  # many of these endings make nouns too ("retrieval", "alternative"): their plural stays
        return "(?:" + _adverb(word) + "|" + _plural(word) + ")"
    if _VERB_FORM.search(word):
        stem = word[:-2] if word.endswith("ed") else word[:-3]
        if len(stem) >= 3:
            return re.escape(stem) + r"(?:e|es|ed|ing|s)?"
    return _plural(word)


def _initials(term: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s\-]+", term.strip()) if w).lower()


@lru_cache(maxsize=1024)  # the same claims' key terms for every row
def partners(terms: tuple[str, ...]) -> dict[str, str]:
    """Each key term written as the initials of another ("QA" for "question answering"), and that
    one, paired both ways; terms of one word or that pair with more than one are left alone."""
    out: dict[str, str] = {}
    for short in terms:
        if not re.fullmatch(r"[A-Z]{2,}", short.strip()):
            continue
        spelled = [t for t in terms if t is not short and len(re.split(r"[\s\-]+", t.strip())) > 1 and _initials(t) == short.strip().lower()]
        if len(spelled) == 1:
            out[short], out[spelled[0]] = spelled[0], short
    return out
