"""The words ``polarity`` reads, as patterns (pure data): direction words, and the words that bear on them.

Outcomes are ``UP``, ``FLAT`` and ``DOWN``; a direction word (``LEXICON``) gives one of them in one
of two dimensions:

- ``CHANGE``: how a thing fares against where it started: "improves", "gains", "helps", "higher",
  "gets better" (up); "hurts", "degrades", "drops", "loses", "lower", "gets worse" (down);
  "unchanged", "unaffected", "flat", "no change" (flat);
- ``STANDING``: how a thing ranks against others: "best", "strongest", "state-of-the-art" (up),
  "worst", "weakest", "below-average" (down), said of the thing itself; and the comparisons "outperforms", "beats", "better than",
  "exceeds" (up), "underperforms", "trails", "lags behind", "worse than" (down), which rank what
  stands before the word against what stands after it.

The other patterns are the words around a direction word that change how it is read (used by
``polarity_mentions``): negations before and after it, negated subjects ("neither ... nor", "no
single task"), diminishers ("small gains") and their denial ("not small"), a comparison with the
starting point ("no better than the baseline"), the copulas and verbs of an outcome that say a
superlative of the subject ("performs worst", "gives the best results"); and those that decide whom
a direction word is about (used by ``polarity_reading``): clause boundaries, the passive, a
preposition that opens a modifier, "among", a new coordinated clause.
"""

from __future__ import annotations

import re

UP, FLAT, DOWN = "up", "flat", "down"
ALL = frozenset({UP, FLAT, DOWN})
CHANGE, STANDING = "change", "standing"

# (group name, pattern, dimension, direction, kind); kind: "relational" ranks the names before it
# against those after; "superlative" only counts where it is said of the subject; "verb_superlative" (a
# change verb graded by most/least) is said of its subject by its verb; "plain" otherwise.
# Longer phrases first: the first alternative that matches at a position wins ("lower than" is a
# comparison, "lower" a change).
# "gets worse", "became much better": a thing turning worse or better than it was is a change; with
# "than" after it ("gets worse than RoBERTa") it stays a comparison
_BECOME = r"(?:get|gets|got|gotten|getting|become|becomes|became|becoming|grow|grows|grew|grown|growing)\s+(?:(?!(?:no|not|never|any)\b)\w+\s+)?"
# "the most effective task", "BERT's least helpful one", "its most useful", "least useful of all": a
# superlative spelt with most/least, before "of"/"among"/"across" (group "of_most") or after a determiner
# (group "det_most"): "the", "its", "their", "our" or a possessive ("BERT's", "RoBERTa’s", the plural "the
# models’", "the tasks'"; not "it's", "that's": "it is"), with any run of whitespace between ("the  most useful",
# a line break). Not "at least helpful", "at  most useful", nor "most useful benchmarks" (the majority of them).
# A lookbehind has a fixed width, so what stands before the word is checked where the pattern matched
# (``_Checked``), as it is for every word guarded against "at" (groups "at_..."; "at best", "at  worst")
_OF_USE = r"(?:effective|successful|helpful|useful|beneficial)"
_MOST = r"(?:(?P<of_{0}>{0})\s+" + _OF_USE + r"(?=\s+(?:of|among|across)\b)|(?<=\s)(?P<det_{0}>{0})\s+" + _OF_USE + r")"
# what must end the text before a "det_" superlative (its trailing whitespace stripped): a determiner, a
# possessive ("BERT's") or a plural one ("the models’"); an "of_" or "at_" word must not follow "at"
_DETERMINER_END = re.compile(
    r"(?<![\w'’-])(?:the|its|their|our|(?!(?:it|that|there|here|what|who|he|she|let|where|how)['’]s$)[\w-]*\w['’]s"
    r"|[\w-]*\ws['’])$", re.I)
_AT_END = re.compile(r"(?<![\w-])at$", re.I)
_WORD_BEFORE = 80  # how far back the word before a checked word is looked for
# "the tasks that improve most", "MNLI helps the least", "XNLI drops most": a change verb whose degree
# ranks its subject, read as a change and as a standing (``VERB_CHANGE``). The degree must end the verb
# phrase or open a modifier ("improves most on XTREME", "most of all", "the most of the nine tasks"),
# not a noun phrase ("improves most targets", "improves most of the tasks": the majority of them)
# the change verbs (the verb forms of "up" and "down" below)
_UP_VERB = r"(?:improv(?:e|es|ed|ing)|gain(?:s|ed|ing)?|help(?:s|ed|ing)?|benefit(?:s|ed|ing|ted|ting)?|boost(?:s|ed|ing)?)"
_DOWN_VERB = (r"(?:hurt(?:s|ing)?|harm(?:s|ed|ing)?|degrad(?:e|es|ed|ing)|drop(?:s|ped|ping)?|declin(?:e|es|ed|ing)"
              r"|decreas(?:e|es|ed|ing)|suffer(?:s|ed|ing)?|los(?:e|es|ing)|lost)")
_DEGREE_ENDS = (r"(?:\s*(?:[,;:.)]|$)|\s+(?:on|over|in|across|among|amongst|when|from|for|with|after|by|relative|compared"
                r"|overall|of\s+all)\b)")
_VERB_DEGREE = r"\s+(?:the\s+{0}(?={1}|\s+of\b)|{0}(?={1}))"
LEXICON = [
    ("verb_most_up", _UP_VERB + _VERB_DEGREE.format("most", _DEGREE_ENDS), STANDING, UP, "verb_superlative"),
    ("verb_least_up", _UP_VERB + _VERB_DEGREE.format("least", _DEGREE_ENDS), STANDING, DOWN, "verb_superlative"),
    ("verb_most_down", _DOWN_VERB + _VERB_DEGREE.format("most", _DEGREE_ENDS), STANDING, DOWN, "verb_superlative"),
    ("rel_up", r"outperform(?:s|ed|ing)?|beat(?:s|ing|en)?|exceed(?:s|ed|ing)?|surpass(?:es|ed|ing)?"
               r"|(?:better|higher|stronger|greater)\s+than|superior\s+to|ahead\s+of", STANDING, UP, "relational"),
    ("rel_down", r"underperform(?:s|ed|ing)?|trail(?:s|ed|ing)?|lag(?:s|ged|ging)?\s+behind"
                 r"|(?:fall|falls|fell|falling)\s+(?:behind|short\s+of)|(?:worse|lower|weaker)\s+than|inferior\s+to",
     STANDING, DOWN, "relational"),
    # "state-of-the-art" and "above/below-average" rank the way a superlative does, and count where one would:
    # "achieves state-of-the-art performance", "is below average" (not "state-of-the-art models")
    ("sup_up", r"(?P<at_best>best|strongest|highest|top[-\s]performing)|state[-\s]of[-\s]the[-\s]art|above[-\s]average"
               r"|" + _MOST.format("most"), STANDING, UP, "superlative"),  # not "at best"
    ("sup_down", r"(?P<at_worst>worst|weakest|lowest)|below[-\s]average|" + _MOST.format("least"), STANDING, DOWN, "superlative"),
    ("flat", r"unchanged|unaffected|flat|stagnant|stagnat(?:es|ed|ing|ion)|(?:stays?|stayed|remains?|remained)\s+(?:the\s+)?same"
             r"|(?:no|not\s+any)\s+(?:significant\s+|noticeable\s+|measurable\s+|real\s+)?(?:change|effect)"
             r"|(?:does|do|did)\s+not\s+change", CHANGE, FLAT, "plain"),
    ("up", _UP_VERB + r"|improvements?|helpful|beneficial|increas(?:e|es|ed|ing)"
           r"|enhanc(?:e|es|ed|ing|ement|ements)|positive\s+transfer|higher|" + _BECOME + r"better(?!\s+than\b)", CHANGE, UP, "plain"),
    ("down", _DOWN_VERB + r"|harmful|degradation|deteriorat(?:e|es|ed|ing|ion)|worsen(?:s|ed|ing)?|negative\s+transfer|lower(?:s|ed|ing)?|" + _BECOME + r"worse(?!\s+than\b)",
     CHANGE, DOWN, "plain"),
]
_MENTION = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?P<{g}>{p})" for g, p, *_ in LEXICON) + r")(?![\w])", re.I)


# the groups of a checked pattern and what must end the text before them: a determiner (group "det_...") or,
# for the words guarded against "at" (groups "of_..." and "at_..."), anything but "at"
_CHECKS = (("det_", _DETERMINER_END, True), ("of_", _AT_END, False), ("at_", _AT_END, False))


def _stands(m: re.Match, text: str) -> bool:
    """Whether a match of a checked pattern holds: a group named "det_..." only after a determiner, one
    named "of_..." or "at_..." not after "at", whatever whitespace stands between ("at  best", "at\nonce")."""
    for group, start in ((g, m.start(g)) for g, v in m.groupdict().items() if v is not None):
        prefix, pattern, wanted = next(((p, e, w) for p, e, w in _CHECKS if group.startswith(p)), (None, None, None))
        if prefix is None:
            continue
        before = text[:start].rstrip()
        if (pattern.search(before, max(0, len(before) - _WORD_BEFORE)) is not None) != wanted:
            return False
    return True


class _Checked:
    """A compiled pattern whose matches are checked by ``_stands`` (a lookbehind has a fixed width, so
    "at  most useful of all" or "at\n  best" passes one), found as the pattern finds them (``finditer``,
    ``search``). A match that does not hold is passed over, and the search goes on from its next
    character, as the pattern's own would have: no other alternative matches where a checked group
    starts ("most", "best", "once"), and "helpful" of "most helpful" is still a word."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        end = len(text) if endpos is None else endpos
        while (m := self.pattern.search(text, pos, end)) is not None:
            if not _stands(m, text):
                pos = m.start() + 1
                continue
            yield m
            pos = m.end()

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        return next(self.finditer(text, pos, endpos), None)


MENTION = _Checked(_MENTION)
KIND = {g: (dim, direction, kind) for g, _, dim, direction, kind in LEXICON}
# the change a verb superlative also says: "improves least" still improves
VERB_CHANGE = {"verb_most_up": UP, "verb_least_up": UP, "verb_most_down": DOWN}

BOUNDARY = re.compile(r";|\.(?=\s|$)|\b(?:whereas|while|although|though|yet)\b|\bbut\b(?!\s+also\b)", re.I)
# a negation within a few words before the mention ("does not see benefits", "fails to hurt", "no
# significant gains", "without hurting"); not "not only", "not least", "no fewer/less than"
CUE_BEFORE = re.compile(
    r"\b(?:(?<!\bor\s)not(?!\s+(?:only|least|just)\b)|no(?!\s+(?:fewer|less|later|doubt)\b)|never|cannot|without|\w+n[’']t"
    r"|fail(?:s|ed|ing)?\s+to|unable\s+to)\b",
    re.I,
)
# "gains nothing", "helps neither XNLI nor PAWS-X", "the gains vanish"
CUE_AFTER = re.compile(
    r"\s+(?:nothing|none|neither|no(?!\s+(?:fewer|less|later)\b)|(?:\w+\s+)?(?:vanish|disappear)(?:es|s|ed|ing)?)\b", re.I
)
NEITHER = re.compile(r"\bneither\b", re.I)
NOR = re.compile(r"\bnor\b", re.I)
# a clause opening "no single task ...", "none of ...", "neither alternative ..."
NO_SUBJECT = re.compile(r"\s*(?:and\s+|so\s+)?(?:no|none|neither)\b", re.I)
NOT_ANY = re.compile(r"\bnot\b[^;]*?\b(?:any|another|other|single)\b", re.I)  # "it is not the case that any other task beats X"
# a comparison that, under a negated subject, puts what follows it first ("no other task helps as much as
# SQuAD", "no single task gains more than multi-task training" say SQuAD, multi-task training, do best): a
# pattern's source, read after a direction word (``polarity_mentions``) and after a negation (``negation``)
EQUATIVE = r"as\s+(?:much|strongly|well|far|greatly|good|large|big|high)\s+as|more\s+than"
# after a plain mention: "gains are negligible", "the improvement is small"
_SMALL = r"(?:small|slight|marginal|negligible|minor|little|limited|modest|minimal|insignificant)\b"
DIMINISHED_AFTER = re.compile(
    r"\s+(?:(?:\w+\s+){0,2}?" + _SMALL  # "gains are negligible"
    + r"|[^,;:.()]{0,60}?\b(?:is|are|was|were|remains?|remained|stays?|stayed|seems?|seemed)\s+(?:\w+\s+)?" + _SMALL + ")",  # "the gains on BUCC and Tatoeba are small"
    re.I,
)
# a diminisher denied stresses the word instead ("the gains are not small"): the reading stays as it is
DENIED = re.compile(r"\b(?:not|never|no|\w+n[’']t)\b", re.I)
# a comparison whose other side is the starting point ("no better than the baseline", "worse than
# without intermediate training") says how the thing fares against where it started: a change
AGAINST_START = re.compile(
    r"\s+(?:(?:the|its|their|a|an|plain|untrained)\s+)?(?:baseline|base\s+model|starting\s+point|original\s+model"
    r"|(?:training\s+)?without\b)",
    re.I,
)
DIMINISHER = re.compile(
    r"\b(?:small|slight(?:ly)?|marginal(?:ly)?|negligible|minor|little|limited|modest(?:ly)?|minimal(?:ly)?|insignificant)"
    r"(?:\s+[\w-]+)?\s*$",
    re.I,
)
COPULA = re.compile(
    r"\b(?:is|are|was|were|be|been|being|performs?|performed|performing|does|do|did|comes?|came|ranks?|ranked|remains?"
    r"|remained|emerges?|emerged|proves?|proved|works?|worked)\b",
    re.I,
)
# a superlative of the outcome its subject gives: "gives the best results", "achieves the lowest
# scores" (not "the best single task", nor "improves on the best results")
GIVES = re.compile(
    r"\b(?:gives?|gave|giving|yields?|yielded|yielding|achieves?|achieved|achieving|obtains?|obtained|obtaining"
    r"|delivers?|delivered|delivering|produces?|produced|producing|leads?\s+to|led\s+to|reach(?:es|ed|ing)?"
    r"|ha[sd]|have|shows?|showed)\s+(?:the\s+)?(?:(?:very|overall)\s+)?$",
    re.I,
)
# a degree in the clause of a contrast aside: the aside may deny it rather than the direction ("BUCC, not
# Tatoeba, gains the most"; "... improves by more than 10 points"). A scope ("in every experiment") is no
# such degree: the claim's own scope is often the same.
DEGREE = re.compile(
    r"\b(?:most|more|less|least|largest|biggest|greatest|smallest|significant(?:ly)?|substantial(?:ly)?|greatly|"
    r"considerabl[ey]|marked(?:ly)?|slight(?:ly)?|by\s+(?:more|less|over|about|up\s+to|\d))\b",
    re.I,
)
# right before a superlative: a standing the subject had, or has in spite of the rest ("XLNet, once
# state-of-the-art, performs worst", "despite being the best model in 2019"): not what the text says of it now
# ("at once the best": both at one time), checked as ``MENTION`` is
PAST_OR_CONCEDED = _Checked(re.compile(
    r"\b(?:despite|in\s+spite\s+of|(?P<at_once>once)|formerly|previously|originally)\s+(?:(?:being|been|considered|the|a|an)\s+){0,3}$", re.I))
OUTCOME = re.compile(r"\s+(?:(?:overall|average|mean)\s+)?(?:results?|performance|scores?|accuracy|outcomes?)\b", re.I)
OWN_VERB = re.compile(r"\b(?:is|are|was|were|be|been|being|does|do|did|has|have|had)\s+(?:\w+ly\s+)?$", re.I)
PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being|gets?|got)\s+(?:\w+\s+)?$", re.I)
PASSIVE_AFTER = re.compile(r"^\s+(?:\w+\s+)?by\b", re.I)
# after a comparison, a preposition that starts a modifier of its object: names behind it are not ranked
MODIFIER = re.compile(r"\b(?:with|without|using|via|through|across|in|for|during|at|when|after|before|under|from|depending)\b", re.I)

# after a superlative, what its subject is ranked among ("worst among BERT, RoBERTa and XLNet", "the best of ...")
AMONG = re.compile(r"\b(?:among|amongst|of|between|out\s+of)\b", re.I)

# from a clause's start to a name: an opening adverbial phrase ("On the XTREME benchmark, ..."), whose
# name a comparison after the comma does not rank (it says where, not who)
OPENING_PHRASE = re.compile(r"\s*(?:on|in|across|for|at|over|under|within)\b[^,:;()]*\Z", re.I)

# right after a superlative, the preposition of what its named subject is measured on or against
# ("SQuAD improves most on plain XLM-R Large", "BERT does best on XNLI"): the baseline or the task
ON_WHAT = re.compile(r"\s+(?:on|over|upon|above)\b", re.I)

# right before a name after a comparison, the preposition of where the comparison holds, once its object is
# named ("mBERT beats XLM-R Large on XTREME": XTREME is the task, not beaten; "improves on BERT": BERT is)
ON_SCOPE = re.compile(r"\b(?:on|upon)\s+(?:the\s+)?\Z", re.I)

# between a name and a direction word, a new coordinated clause ("TyDiQA improves ..., and XNLI, the
# classic target, sees ..."): the name is the subject of another verb
NEW_CLAUSE = re.compile(r",\s*(?:and|or)\b", re.I)
# a comparison that opens a coordinated predicate ("better than MLM and better than translated data"):
# the name before the "and" is not its subject
COORDINATED = re.compile(r"(?:\band|\bor|,)\s*(?:also\s+|even\s+)?$", re.I)

PUNCTUATION = re.compile(r"[,:()]")
# between a name and a superlative that follows it: the name owns the thing ranked ("BERT's most useful task
# is MNLI", "RoBERTa’s best score", the plural "Transformers’ best score"), or names the one that does ("the
# XLNet models’ most useful task", "the RoBERTa run's best score"); it is not ranked itself
POSSESSIVE = re.compile(r"(?:\s+[\w-]*\w)?(?:['’]s|(?<=s)['’])\s+")
