"""Which way a sentence says things went, and for whom: direction words read with their negations (pure).

A claim and a row can share every key term and still disagree on direction: "hurts BUCC and
Tatoeba" against "brings large gains on BUCC and Tatoeba", "performs worst" against "does best",
"underperforms" against "outperforms". This module reads the direction words of a text
(``_LEXICON``) along two dimensions:

- ``change``: how a thing fares against where it started: "improves", "gains", "helps", "higher"
  (up); "hurts", "degrades", "drops", "loses", "lower" (down); "unchanged", "flat", "no change"
  (flat);
- ``standing``: how a thing ranks against others: "best", "strongest" (up), "worst", "weakest"
  (down), said of the thing itself; and the comparisons "outperforms", "beats", "better than",
  "exceeds" (up), "underperforms", "trails", "lags behind", "worse than" (down), which rank what
  stands before the word against what stands after it ("A outperforms B": A up, B down; "A is
  outperformed by B": the other way round).

A reading is the set of outcomes a mention allows. A negation bearing on the word ("does not see
benefits", "fails to hurt", "no gains", "gains nothing", "neither A nor B beats C", "no single task
beats C") leaves the outcomes the word excludes: "does not improve" allows flat or down, "does not
hurt" flat or up; a diminisher ("small gains", "marginal improvement", "the gains on X are
small") adds flat to the word's own, and a denied one ("the gains are not small") stresses the word
instead: its "not" is read, but as no negation. A comparison with the starting point ("no better than the baseline", "lower than without
intermediate training") is a change, not a rank. So "unchanged", "no benefit", "does not improve" and "flat" agree, and "does not hurt" agrees
with "gains". Idioms that bound rather than deny ("not only", "no fewer than") are not negations.

Who a mention is about: each name of its clause (a word with an inner capital or a digit, or a
capitalised word that does not open its sentence: "XNLI", "TyDiQA-GoldP", "English", "XLM-R
Large"), given to the mention nearest it (one it reaches without crossing a comma first, if any;
not across ", and" that opens a new clause). Clauses end at ";", a full stop, "whereas", "while",
"but" (not "but also"), "although", "though" and "yet", so "XNLI improves, whereas TyDiQA does
not" gives the two names opposite readings. A name after a comparison and behind a preposition
that starts a modifier ("... outperforms English training with MLM") is not ranked by it.

``compare`` then reads a row against its claim:

- per name both texts read in the same dimension (names agree by their letters and digits, one
  may extend the other: "TyDiQA" is "TyDiQA-GoldP", "BUCC" is "BUCC2018"): readings that allow no
  common outcome disagree. Two names that trade readings ("XNLI improves, TyDiQA does not" against
  "TyDiQA improves, XNLI gains nothing") are a swap of roles, and the reason says so. A standing is
  read against the names across its comparisons ("RoBERTa beats BERT": BERT behind RoBERTa), a
  superlative's against all others: two standings of a name are held against each other only where
  they face a common name ("BERT behind RoBERTa" says nothing against "BERT ahead of XLNet");
- without a shared name, the text's own readings, those that do not rank one thing against
  another (a comparison needs its names to say who wins) and, for a superlative, only where it is
  said of the subject ("performs worst", "was the best", "gives the best results": what gives the
  best outcome does best; not "the best single task", nor "improves on the best results").

A text's readings of one name (or one dimension) must agree among themselves, else they are not
read. A truncated row's mention followed by fewer than ``CUT_WORDS`` words is not read: a
"nothing" or a "than" may have been cut off after it.

``reversed_ranking`` reads a row against another claim of its paper, one it did not match: only the
standing of the names both rank ("XLNet beats BERT and RoBERTa" against "XLNet performs worst"), and
a claim said of part of the tasks only against a row said of all of them (``ranking_scope``; so does
``compare`` for a standing); words about no shared name say nothing there.

What ``compare`` found agreeing accounts for the negations attached to those mentions (the
"Neither" of "Neither MLM nor translated data beats English training", the "nothing" of "XNLI gains
nothing"): it returns both texts with those negations blanked, for the negation heuristic
(``contradiction.negation_conflict``) to read what is left. These are heuristics on English
text: a disagreement says the row *may* state the opposite, for a reader to check.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from claimcheck.verifier.model_aliases import model_key, same_name
from claimcheck.verifier.named_lists import name_lists
from claimcheck.verifier.ranking_scope import apart

MAX_CHARS = 2_000
CUT_WORDS = 3  # a truncated row's mention needs this many words after it to be read

UP, FLAT, DOWN = "up", "flat", "down"
ALL = frozenset({UP, FLAT, DOWN})
CHANGE, STANDING = "change", "standing"

# (group name, pattern, dimension, direction, kind); kind: "relational" ranks the names before it
# against those after; "superlative" only counts where it is said of the subject; "plain" otherwise.
# Longer phrases first: the first alternative that matches at a position wins ("lower than" is a
# comparison, "lower" a change).
_LEXICON = [
    ("rel_up", r"outperform(?:s|ed|ing)?|beat(?:s|ing|en)?|exceed(?:s|ed|ing)?|surpass(?:es|ed|ing)?"
               r"|(?:better|higher|stronger|greater)\s+than|superior\s+to|ahead\s+of", STANDING, UP, "relational"),
    ("rel_down", r"underperform(?:s|ed|ing)?|trail(?:s|ed|ing)?|lag(?:s|ged|ging)?\s+behind"
                 r"|(?:fall|falls|fell|falling)\s+(?:behind|short\s+of)|(?:worse|lower|weaker)\s+than|inferior\s+to",
     STANDING, DOWN, "relational"),
    ("sup_up", r"(?<!\bat\s)(?:best|strongest|highest|top[-\s]performing)", STANDING, UP, "superlative"),  # not "at best"
    ("sup_down", r"(?<!\bat\s)(?:worst|weakest|lowest)", STANDING, DOWN, "superlative"),
    ("flat", r"unchanged|flat|stagnant|stagnat(?:es|ed|ing|ion)|(?:stays?|stayed|remains?|remained)\s+(?:the\s+)?same"
             r"|(?:no|not\s+any)\s+(?:significant\s+|noticeable\s+|measurable\s+|real\s+)?(?:change|effect)"
             r"|(?:does|do|did)\s+not\s+change", CHANGE, FLAT, "plain"),
    ("up", r"improv(?:e|es|ed|ing|ement|ements)|gain(?:s|ed|ing)?|help(?:s|ed|ing|ful)?"
           r"|benefit(?:s|ed|ing|ted|ting)?|beneficial|boost(?:s|ed|ing)?|increas(?:e|es|ed|ing)"
           r"|enhanc(?:e|es|ed|ing|ement|ements)|positive\s+transfer|higher", CHANGE, UP, "plain"),
    ("down", r"hurt(?:s|ing)?|harm(?:s|ed|ing|ful)?|degrad(?:e|es|ed|ing|ation)|drop(?:s|ped|ping)?"
             r"|declin(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|deteriorat(?:e|es|ed|ing|ion)|worsen(?:s|ed|ing)?"
             r"|los(?:e|es|ing)|lost|suffer(?:s|ed|ing)?|negative\s+transfer|lower(?:s|ed|ing)?", CHANGE, DOWN, "plain"),
]
_MENTION = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?P<{g}>{p})" for g, p, *_ in _LEXICON) + r")(?![\w])", re.I)
_KIND = {g: (dim, direction, kind) for g, _, dim, direction, kind in _LEXICON}

_BOUNDARY = re.compile(r";|\.(?=\s|$)|\b(?:whereas|while|although|though|yet)\b|\bbut\b(?!\s+also\b)", re.I)
# a negation within a few words before the mention ("does not see benefits", "fails to hurt", "no
# significant gains", "without hurting"); not "not only", "not least", "no fewer/less than"
_CUE_BEFORE = re.compile(
    r"\b(?:(?<!\bor\s)not(?!\s+(?:only|least|just)\b)|no(?!\s+(?:fewer|less|later|doubt)\b)|never|cannot|without|\w+n[’']t"
    r"|fail(?:s|ed|ing)?\s+to|unable\s+to)\b",
    re.I,
)
# "gains nothing", "helps neither XNLI nor PAWS-X", "the gains vanish"
_CUE_AFTER = re.compile(
    r"\s+(?:nothing|none|neither|no(?!\s+(?:fewer|less|later)\b)|(?:\w+\s+)?(?:vanish|disappear)(?:es|s|ed|ing)?)\b", re.I
)
_NEITHER = re.compile(r"\bneither\b", re.I)
_NOR = re.compile(r"\bnor\b", re.I)
# a clause opening "no single task ...", "none of ...", "neither alternative ..."
_NO_SUBJECT = re.compile(r"\s*(?:and\s+|so\s+)?(?:no|none|neither)\b", re.I)
_NOT_ANY = re.compile(r"\bnot\b[^;]*?\b(?:any|another|other|single)\b", re.I)  # "it is not the case that any other task beats X"
# after a plain mention: "gains are negligible", "the improvement is small"
_SMALL = r"(?:small|slight|marginal|negligible|minor|little|limited|modest|minimal|insignificant)\b"
_DIMINISHED_AFTER = re.compile(
    r"\s+(?:(?:\w+\s+){0,2}?" + _SMALL  # "gains are negligible"
    + r"|[^,;:.()]{0,60}?\b(?:is|are|was|were|remains?|remained|stays?|stayed|seems?|seemed)\s+(?:\w+\s+)?" + _SMALL + ")",  # "the gains on BUCC and Tatoeba are small"
    re.I,
)
# a diminisher denied stresses the word instead ("the gains are not small"): the reading stays as it is
_DENIED = re.compile(r"\b(?:not|never|no|\w+n[’']t)\b", re.I)
# a comparison whose other side is the starting point ("no better than the baseline", "worse than
# without intermediate training") says how the thing fares against where it started: a change
_AGAINST_START = re.compile(
    r"\s+(?:(?:the|its|their|a|an|plain|untrained)\s+)?(?:baseline|base\s+model|starting\s+point|original\s+model"
    r"|(?:training\s+)?without\b)",
    re.I,
)
_DIMINISHER = re.compile(
    r"\b(?:small|slight(?:ly)?|marginal(?:ly)?|negligible|minor|little|limited|modest(?:ly)?|minimal(?:ly)?|insignificant)"
    r"(?:\s+[\w-]+)?\s*$",
    re.I,
)
_COPULA = re.compile(
    r"\b(?:is|are|was|were|be|been|being|performs?|performed|performing|does|do|did|comes?|came|ranks?|ranked|remains?"
    r"|remained|emerges?|emerged|proves?|proved|works?|worked)\b",
    re.I,
)
# a superlative of the outcome its subject gives: "gives the best results", "achieves the lowest
# scores" (not "the best single task", nor "improves on the best results")
_GIVES = re.compile(
    r"\b(?:gives?|gave|giving|yields?|yielded|yielding|achieves?|achieved|achieving|obtains?|obtained|obtaining"
    r"|delivers?|delivered|delivering|produces?|produced|producing|leads?\s+to|led\s+to|reach(?:es|ed|ing)?"
    r"|ha[sd]|have|shows?|showed)\s+(?:the\s+)?(?:(?:very|overall)\s+)?$",
    re.I,
)
_OUTCOME = re.compile(r"\s+(?:(?:overall|average|mean)\s+)?(?:results?|performance|scores?|accuracy|outcomes?)\b", re.I)
_OWN_VERB = re.compile(r"\b(?:is|are|was|were|be|been|being|does|do|did|has|have|had)\s+(?:\w+ly\s+)?$", re.I)
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being|gets?|got)\s+(?:\w+\s+)?$", re.I)
_PASSIVE_AFTER = re.compile(r"^\s+(?:\w+\s+)?by\b", re.I)
# after a comparison, a preposition that starts a modifier of its object: names behind it are not ranked
_MODIFIER = re.compile(r"\b(?:with|without|using|via|through|across|in|for|during|at|when|after|before|under|from|depending)\b", re.I)

# after a superlative, what its subject is ranked among ("worst among BERT, RoBERTa and XLNet", "the best of ...")
_AMONG = re.compile(r"\b(?:among|amongst|of|between|out\s+of)\b", re.I)

# between a name and a direction word, a new coordinated clause ("TyDiQA improves ..., and XNLI, the
# classic target, sees ..."): the name is the subject of another verb
_NEW_CLAUSE = re.compile(r",\s*(?:and|or)\b", re.I)
# a comparison that opens a coordinated predicate ("better than MLM and better than translated data"):
# the name before the "and" is not its subject
_COORDINATED = re.compile(r"(?:\band|\bor|,)\s*(?:also\s+|even\s+)?$", re.I)

_PUNCTUATION = re.compile(r"[,:()]")
_TOKEN = re.compile(r"[A-Za-z0-9][\w+]*(?:[-.'’][\w+]+)*")
_NOT_A_NAME = frozenset(
    "the a an this that these those both all each every our its their his her my your we it they in on at for from "
    "with of to by over under across among between during after before into per via since when while where if "
    "and or but as than then so i neither nor no none not".split()
)  # fmt: skip
_VERSION = re.compile(r"v?\d+(?:\.\d+)*$")


@dataclass(frozen=True)
class Mention:
    """One direction word of a text, as read."""

    dimension: str
    reading: frozenset[str]
    start: int
    end: int
    written: str  # the word with the negation that bears on it ("does not see benefits")
    negated: bool
    relational: bool  # ranks the names before it against those after it
    cues: tuple[tuple[int, int], ...]  # spans of the negations read into it


@dataclass(frozen=True)
class Name:
    written: str
    key: str
    start: int
    end: int
    initial: bool = False  # a capitalised word opening its sentence: a name only where the other text has it as one


@dataclass(frozen=True)
class Reading:
    """A text's mentions, and per name key the (dimension -> reading, mentions) it was given."""

    mentions: tuple[Mention, ...]
    names: dict[str, tuple[str, dict[str, tuple[frozenset[str], tuple[Mention, ...]]]]]  # key -> (written, dim -> ...)
    initial: frozenset[str]  # the keys read only from a capitalised word that opens its sentence
    # key -> the names its standing is read against: those across its comparisons ("RoBERTa beats
    # BERT": bert for roberta); None for all others (a superlative, or a comparison whose other side
    # names no one: "... but trails RoBERTa")
    against: dict[str, frozenset[str] | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Judgement:
    """``compare``'s answer: why the row may state the opposite ("" when nothing disagrees), and both
    texts with the negations that agreeing mentions account for blanked out."""

    reason: str
    row_text: str
    statement: str


def _negate(reading: frozenset[str]) -> frozenset[str]:
    return ALL - reading if len(reading) == 1 else ALL


def _invert(reading: frozenset[str]) -> frozenset[str]:
    swap = {UP: DOWN, DOWN: UP, FLAT: FLAT}
    return frozenset(swap[r] for r in reading)


def _names(text: str) -> list[Name]:
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


def _clauses(text: str) -> list[int]:
    """Where each clause starts (sorted; the first is 0)."""
    return [0] + [m.end() for m in _BOUNDARY.finditer(text)]


def _negation(text: str, clause_start: int, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the negation that bears on the mention at ``text[start:end]``, if any."""
    before = text[clause_start:start]
    for m in reversed(list(_CUE_BEFORE.finditer(before))):
        gap = before[m.end() :]
        if re.search(r"[,:()]", gap) or len(gap.split()) > 3 or any(not n.initial for n in _names(gap)):
            break
        return [(clause_start + m.start(), clause_start + m.end())]
    if after := _CUE_AFTER.match(text, end):
        return [(after.start() + len(after.group(0)) - len(after.group(0).lstrip()), after.end())]
    # a negated subject ("neither A nor B beats C", "no single task beats C", "not ... any other task
    # beats C") negates the verb it is the subject of: none other may stand between them
    neither = [m for m in _NEITHER.finditer(before)]
    if neither and (nor := _NOR.search(before, neither[-1].end())) and _subject_of(before[nor.end() :], apposition=False):
        return [(clause_start + neither[-1].start(), clause_start + neither[-1].end()),
                (clause_start + nor.start(), clause_start + nor.end())]
    if (m := _NO_SUBJECT.match(before)) and _subject_of(before[m.end() :]):
        return [(clause_start + m.end() - len(m.group(0).split()[-1]), clause_start + m.end())]
    if (m := _NOT_ANY.search(before)) and _subject_of(before[m.end() :], apposition=False):
        return [(clause_start + m.start(), clause_start + m.start() + 3)]
    return []


def _subject_of(gap: str, apposition: bool = True) -> bool:
    """Whether the words between a negated subject and a direction word may be the rest of that
    subject: no verb of its own ("No target-language data is used, and ... improves"), no direction
    word, and no comma unless ``apposition`` allows one ("Neither alternative, MLM or translation,
    beats ...")."""
    gap = _OWN_VERB.sub("", gap)  # "Neither BUCC nor Tatoeba is hurt": the verb of the negated subject itself
    return (not _COPULA.search(gap) and not _MENTION.search(gap) and len(gap.split()) <= 15
            and (apposition or not re.search(r"[,:()]", gap)))


def _predicated(text: str, clause_start: int, start: int, end: int) -> bool:
    """Whether a superlative is said of the subject: a copula or "performs"/"does" within three words
    before it ("performs worst", "was consistently the best"), one after its noun ("the best model
    is RoBERTa"), or the outcome the subject gives ("gives the best results", "achieves the lowest
    scores": what gives the best results does best)."""
    before = text[clause_start:start].split()[-3:]
    after = text[end : end + 60].split()[:3]
    if _GIVES.search(text[clause_start:start]) and _OUTCOME.match(text, end):
        return True
    return bool(_COPULA.search(" ".join(before))) or any(_COPULA.fullmatch(w) for w in after[1:3])


def _mentions(text: str, truncated: bool) -> list[Mention]:
    starts = _clauses(text)
    out = []
    for m in _MENTION.finditer(text):
        group = m.lastgroup
        dim, direction, kind = _KIND[group]
        clause_start = starts[bisect_right(starts, m.start()) - 1]
        if truncated and len(text[m.end() :].split()) < CUT_WORDS:
            continue  # "... gains" may have been "... gains nothing"
        if kind == "superlative" and not _predicated(text, clause_start, m.start(), m.end()):
            continue  # "the best single task" describes a noun: it says nothing of the text's subject
        if kind == "relational" and _AGAINST_START.match(text, m.end()):
            dim, kind = CHANGE, "plain"  # "XNLI is no better than the baseline": XNLI does not gain
        reading = frozenset({direction})
        stressed: list[tuple[int, int]] = []  # the "not" of "not small": read and accounted for, but no negation
        if kind == "plain" and direction != FLAT:
            after = _DIMINISHED_AFTER.match(text, m.end())
            if after and _MENTION.search(after.group(0)):
                after = None  # the diminisher belongs to another direction word
            if after and (denied := _DENIED.search(after.group(0))):
                stressed = [(after.start() + denied.start(), after.start() + denied.end())]  # "gains are not small"
            elif after or _DIMINISHER.search(text[clause_start : m.start()]):
                reading = reading | {FLAT}  # "small gains", "a marginal drop", "gains are negligible"
        cues = [] if group == "flat" else _negation(text, clause_start, m.start(), m.end())
        if cues:
            reading = _negate(reading)
        if reading == ALL:
            continue
        out.append(Mention(dim, reading, m.start(), m.end(), _written(text, [*cues, (m.start(), m.end())]), bool(cues),
                           kind == "relational", tuple(cues + stressed)))
    return out


def _written(text: str, spans: list[tuple[int, int]]) -> str:
    """A mention as a reason quotes it: its word and negations with the words between them, or "…"
    for more than three ("Neither … nor … beats")."""
    spans = sorted(spans)
    out = " ".join(text[slice(*spans[0])].split())
    for (_, end), (start, stop) in zip(spans, spans[1:]):
        between = text[end:start].split()
        out += (" " + " ".join(between) if len(between) <= 3 else " …") + " " + " ".join(text[start:stop].split())
    return out.replace("  ", " ").strip()


def _passive(text: str, mention: Mention) -> bool:
    """"A is outperformed by B": the comparison ranks B over A."""
    return bool(_PASSIVE_BEFORE.search(text[max(0, mention.start - 40) : mention.start])) and bool(
        _PASSIVE_AFTER.match(text[mention.end : mention.end + 30])
    )


@lru_cache(maxsize=4096)
def read(text: str, truncated: bool = False) -> Reading:
    """The mentions of ``text`` and the readings its names get (see the module's notes)."""
    text = text[:MAX_CHARS]
    mentions = _mentions(text, truncated)
    starts = _clauses(text)
    found: dict[str, tuple[str, dict[str, list]]] = {}
    sides: list[tuple[str, Mention, bool]] = []  # (name key, comparison, whether the name stands after it)
    all_names = _names(text)
    initial = frozenset(n.key for n in all_names if n.initial) - {n.key for n in all_names if not n.initial}
    lists = name_lists(text)
    for name in all_names:
        clause = bisect_right(starts, name.start) - 1
        lo, hi = starts[clause], starts[clause + 1] if clause + 1 < len(starts) else len(text)
        # a name in a list ("SQuAD, MNLI, and HellaSwag") stands where its list stands
        a, b = next(((s, e) for s, e, _ in lists if s <= name.start and name.end <= e), (name.start, name.end))
        near = [x for x in mentions if lo <= x.start < hi and not (x.start <= name.start < x.end)
                and not _NEW_CLAUSE.search(text[b : x.start] if x.start >= b else text[x.end : a])
                and not (x.relational and x.start >= name.end and _COORDINATED.search(text[name.end : x.start]))]
        if not near:
            continue
        # the nearest direction word, one the name reaches without crossing a comma first ("a 5.4 point
        # improvement on XTREME, lowering the gap": XTREME is what improves)
        gap = {x: (bool(_PUNCTUATION.search(text[x.end : name.start] if name.start >= x.end else text[name.end : x.start])),
                   name.start - x.end if name.start >= x.end else x.start - name.end) for x in near}
        closest = min(gap.values())
        for x in (x for x in near if gap[x] == closest):
            reading = x.reading
            if not x.relational and x.dimension == STANDING and name.start >= x.end and (
                _AMONG.search(text[x.end : name.start]) or _PUNCTUATION.search(text[x.end : name.start])
            ):
                continue  # "performed worst among BERT, RoBERTa and XLNet", "gives the worst results, behind English training"
            if x.relational:
                after = name.start >= x.end
                if after and _MODIFIER.search(text[x.end : name.start]):
                    continue  # "outperforms English training with MLM": MLM is not what it outperforms
                if after != _passive(text, x):
                    reading = _invert(reading)
                sides.append((name.key, x, after))
            entry = found.setdefault(name.key, (name.written, {}))
            entry[1].setdefault(x.dimension, []).append((reading, x))
    names = {}
    for key, (written, dims) in found.items():
        kept = {}
        for dim, pairs in dims.items():
            together = frozenset.intersection(*(r for r, _ in pairs))
            if together:  # readings of one name that contradict each other are not read
                kept[dim] = (together, tuple(dict.fromkeys(x for _, x in pairs)))
        if kept:
            names[key] = (written, kept)
    return Reading(tuple(mentions), names, initial, _against(names, sides))


def _against(names: dict, sides: list[tuple[str, Mention, bool]]) -> dict[str, frozenset[str] | None]:
    """Per name read in standing, the names across its comparisons, or None for all others (see ``Reading``)."""
    out: dict[str, frozenset[str] | None] = {}
    for key, (_, dims) in names.items():
        if STANDING not in dims:
            continue
        faced: set[str] | None = set()
        for x in dims[STANDING][1]:
            mine = [after for k, y, after in sides if k == key and y is x]
            across = {k for k, y, after in sides if y is x and k != key and mine and after != mine[0]}
            if not across:  # a superlative, or a comparison with no one named across
                faced = None
                break
            faced |= across
        out[key] = frozenset(faced) if faced else None
    return out


def _faced(mine: frozenset[str] | None, theirs: frozenset[str] | None) -> bool:
    """Whether two readings of a name's standing are read against a common name (None: all others)."""
    return mine is None or theirs is None or any(same_name(a, b) for a in mine for b in theirs)


def ranks(text: str, truncated: bool = False) -> frozenset[str]:
    """The keys of the names ``text`` ranks ("XLNet outperforms BERT": xlnet and bert; "XLNet
    performs worst": xlnet), read as ``read`` reads them: a comparison or a superlative said of the
    name, in whatever direction."""
    return frozenset(key for key, (_, dims) in read(text, truncated).names.items() if STANDING in dims)


def ranks_anything(text: str) -> bool:
    """Whether ``text`` ranks or compares at all: a comparison ("beat", "better than") or a
    superlative said of its subject ("performs worst", "the best model is")."""
    return any(x.dimension == STANDING for x in read(text).mentions)


def name_keys(text: str) -> frozenset[str]:
    """The keys (``model_key``) of the names ``text`` writes, a capitalised word opening a sentence
    left out ("The", "Training")."""
    return frozenset(n.key for n in _names(text[:MAX_CHARS]) if not n.initial)


_VERBS = {  # reading -> (plural, singular) verb phrase, per dimension
    CHANGE: {
        frozenset({UP}): ("gain", "gains"), frozenset({DOWN}): ("lose", "loses"), frozenset({FLAT}): ("stay unchanged", "stays unchanged"),
        frozenset({FLAT, DOWN}): ("do not gain", "does not gain"), frozenset({FLAT, UP}): ("do not lose", "does not lose"),
        frozenset({UP, DOWN}): ("change", "changes"),
    },
    STANDING: {
        frozenset({UP}): ("come out ahead", "comes out ahead"), frozenset({DOWN}): ("come out behind", "comes out behind"),
        frozenset({FLAT}): ("tie", "ties"), frozenset({FLAT, DOWN}): ("do not come out ahead", "does not come out ahead"),
        frozenset({FLAT, UP}): ("do not come out behind", "does not come out behind"), frozenset({UP, DOWN}): ("differ", "differs"),
    },
}  # fmt: skip
_NOUNS = {
    CHANGE: {frozenset({UP}): "a gain", frozenset({DOWN}): "a loss", frozenset({FLAT}): "no change",
             frozenset({FLAT, DOWN}): "no gain", frozenset({FLAT, UP}): "no loss", frozenset({UP, DOWN}): "a change"},
    STANDING: {frozenset({UP}): "ahead of the others", frozenset({DOWN}): "behind the others", frozenset({FLAT}): "level with the others",
               frozenset({FLAT, DOWN}): "not ahead of the others", frozenset({FLAT, UP}): "not behind the others",
               frozenset({UP, DOWN}): "not level with the others"},
}  # fmt: skip


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _quoted(mentions: tuple[Mention, ...]) -> str:
    return ", ".join(f'"{w}"' for w in dict.fromkeys(x.written for x in mentions))


def _negated_side(row: tuple[Mention, ...], claim: tuple[Mention, ...]) -> str:
    """'the row negates ("no gains"): ' when the row's side alone is negated (or the claim's)."""
    if any(x.negated for x in row) and not any(x.negated for x in claim):
        return f"the row negates ({_quoted(tuple(x for x in row if x.negated))}): "
    if any(x.negated for x in claim) and not any(x.negated for x in row):
        return f"the claim negates ({_quoted(tuple(x for x in claim if x.negated))}): "
    return ""


def _swap(conflicts: list[tuple]) -> str:
    """The reason for two names that trade readings in one dimension, or ""."""
    for i, (_, na, dim, ra, ma, ca, cma) in enumerate(conflicts):
        for _, nb, dim_b, rb, mb, cb, cmb in conflicts[i + 1 :]:
            if dim == dim_b and ra & cb and rb & ca:
                if ma == mb:  # one comparison ranks both
                    if any(x.negated for x in (*ma, *cma)):
                        continue  # "A does not outperform B" denies the claim's order rather than turning it round
                    side = {UP: "ahead of", DOWN: "behind", FLAT: "level with"}
                    return (f"roles swapped: the row ranks {na} {side[min(ra)]} {nb} ({_quoted(ma)}), "
                            f"the claim {na} {side[min(ca)]} {nb} ({_quoted(cma)})")
                verbs = _VERBS[dim]
                return (f"roles swapped: the row says {na} {verbs[ra][1]} ({_quoted(ma)}) and {nb} {verbs[rb][1]} "
                        f"({_quoted(mb)}); the claim says the reverse: {na} {verbs[ca][1]} ({_quoted(cma)}) and {nb} "
                        f"{verbs[cb][1]} ({_quoted(cmb)})")
    return ""


def _blank(text: str, spans: set[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _cue_spans(mentions) -> set[tuple[int, int]]:
    spans = {c for x in mentions for c in x.cues}
    spans |= {(x.start, x.end) for x in mentions if re.search(r"\b(?:no|not)\b", x.written, re.I) and not x.cues}
    return spans


def _about_other_names(text: Reading, other: Reading) -> set[Mention]:
    """The mentions of ``text`` said only of names ``other`` does not have ("TyDiQA improves" beside
    a claim about XNLI alone): they say nothing of what ``other`` is about."""
    shared, unshared = set(), set()
    for key, (_, dims) in text.names.items():
        known = any(same_name(key, k) for k in other.names)
        if not known and key in text.initial:
            continue  # "Multi-task ..." opening the sentence is likely no name at all
        for _, mentions in dims.values():
            (shared if known else unshared).update(mentions)
    return unshared - shared


def _shared_names(row: Reading, claim: Reading, dimensions=(CHANGE, STANDING)):
    """Per name both texts read in one of ``dimensions``: (conflicts, the row's agreeing mentions, the
    claim's agreeing mentions, the dimensions read of shared names); a conflict is (key, the row's
    spelling, dimension, the row's reading, its mentions, the claim's reading, its mentions)."""
    conflicts, agreed_row, agreed_claim, shared_dims = [], set(), set(), set()
    for key, (written, dims) in row.names.items():
        their_key, theirs = next(((k, v) for k, v in claim.names.items() if same_name(key, k) and not (key in row.initial and k in claim.initial)),
                                 ("", None))
        if theirs is None:
            continue  # a sentence's capitalised first word ("Training") is a name only where the other text has it as one
        for dim, (reading, mentions) in dims.items():
            if dim not in theirs[1] or dim not in dimensions:
                continue
            if dim == STANDING and not _faced(row.against.get(key), claim.against.get(their_key)):
                continue  # "RoBERTa beats BERT" and "BERT beats XLNet": BERT is ranked against different names
            shared_dims.add(dim)
            their_reading, their_mentions = theirs[1][dim]
            if reading & their_reading:
                agreed_row.update(mentions)
                agreed_claim.update(their_mentions)
            else:
                conflicts.append((key, written, dim, reading, mentions, their_reading, their_mentions))
    return conflicts, agreed_row, agreed_claim, shared_dims


def _conflict_reason(conflicts: list[tuple]) -> str:
    """The reason for the names the two texts read otherwise (``_shared_names``'s conflicts, not empty)."""
    if swap := _swap(conflicts):
        return swap
    first = conflicts[0]
    same = [c for c in conflicts if c[2] == first[2] and c[3] == first[3] and c[5] == first[5]]
    names = [c[1] for c in same]
    mentions = tuple(x for c in same for x in c[4])
    theirs = tuple(x for c in same for x in c[6])
    plural = len(names) > 1
    verbs = _VERBS[first[2]]
    pronoun = "they" if plural else "it"
    return (f"{_negated_side(mentions, theirs)}the row says {_and(names)} {verbs[first[3]][not plural]} ({_quoted(mentions)}), "
            f"the claim that {pronoun} {verbs[first[5]][0 if plural else 1]} ({_quoted(theirs)})")


def reversed_ranking(row_text: str, statement: str, truncated: bool = False) -> str:
    """Why the row ranks the names both texts rank the other way round ("" when it does not): the
    standing of a name both read against a common name (``compare``'s per-name reading, comparisons
    and superlatives only; a superlative is read against all others) disagrees. "XLNet beats BERT but
    trails RoBERTa" reverses "XLNet performs worst" whatever it says of RoBERTa; "RoBERTa beats BERT"
    reverses nothing in "RoBERTa and BERT both beat XLNet" (BERT is ranked against other names). A
    statement said of part of the tasks ("BERT is best on the other three target tasks", "the best
    model is RoBERTa or BERT depending on the task": ``ranking_scope``) is read only against a row
    that says its ranking holds on all of them. The texts' words about no shared name are not read."""
    row_text, statement = row_text[:MAX_CHARS], statement[:MAX_CHARS]
    if apart(row_text, statement):
        return ""
    row, claim = read(row_text, truncated), read(statement)
    conflicts, _, _, _ = _shared_names(row, claim, dimensions=(STANDING,))
    return _conflict_reason(conflicts) if conflicts else ""


def compare(row_text: str, statement: str, truncated: bool = False) -> Judgement:
    """Whether the row's directions disagree with the claim's (see the module's notes)."""
    row_text, statement = row_text[:MAX_CHARS], statement[:MAX_CHARS]
    row, claim = read(row_text, truncated), read(statement)
    conflicts, agreed_row, agreed_claim, shared_dims = _shared_names(row, claim)
    # a ranking said of part of the tasks holds beside another part's ("BERT beats RoBERTa on three of
    # the six target tasks" beside "RoBERTa is the best model on three of the six"): only a row said of
    # all of them turns it round
    partial = apart(row_text, statement)
    conflicts = [c for c in conflicts if not (partial and c[2] == STANDING)]
    if conflicts:
        return Judgement(_conflict_reason(conflicts), row_text, statement)
    elsewhere_row, elsewhere_claim = _about_other_names(row, claim), _about_other_names(claim, row)
    for dim in (CHANGE, STANDING):
        mine = tuple(x for x in row.mentions if x.dimension == dim and not x.relational and x not in elsewhere_row)
        their = tuple(x for x in claim.mentions if x.dimension == dim and not x.relational and x not in elsewhere_claim)
        if not mine or not their:
            continue
        reading = frozenset.intersection(*(x.reading for x in mine))
        their_reading = frozenset.intersection(*(x.reading for x in their))
        if not reading or not their_reading:
            continue  # the text reads both ways ("performs worst, improving by 8.7 points" is read per dimension)
        if reading & their_reading:  # "hurts no retrieval target: BUCC and Tatoeba both improve" and "gains": its "no" is read
            agreed_row.update(mine)
            agreed_claim.update(their)
            continue
        if dim in shared_dims or (partial and dim == STANDING):
            continue  # the names the dimension concerns were compared, and agreed: the text's other words are not held against them
        nouns = _NOUNS[dim]
        reason = (f"{_negated_side(mine, their)}the row reads {_quoted(mine)} ({nouns[reading]}) "
                  f"where the claim reads {_quoted(their)} ({nouns[their_reading]})")
        return Judgement(reason, row_text, statement)
    return Judgement("", _blank(row_text, _cue_spans(agreed_row)), _blank(statement, _cue_spans(agreed_claim)))
