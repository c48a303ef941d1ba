"""The sign a drafted number may have lost: "drops by 0.4" is drafted as 0.4, as written.

A gain is read by its sign, so a drop must be written -0.4; but a minus added here could be wrong
("the error drops by 0.4" is a gain). So ``sign_note`` only flags a number written without a sign next
to a word that speaks of a decrease, for the person who confirms the draft:

    "Accuracy drops by 0.4 points."      -> CHECK THE SIGN: 0.4 ...; write -0.4
    "Dropout of 0.1 improves F1 by 0.5." -> nothing (a setting, then a gain)

Pure: a candidate sentence in, a note (or "") out. ``claims.draft`` puts it in the claim's notes.
"""

from __future__ import annotations

import re

from claimcheck.sources.candidates import Candidate

# words that speak of a decrease: a number next to them is written without the sign they give it
# ("dropout" and "lowercase" are nouns of a setting, not a decrease)
_DECREASE = re.compile(
    r"\b(underperform\w*|decreas\w*|drop(?!out)\w*|reduc\w*|fell|fall\w*|lag\w*|trail\w*|worse|worst|"
    r"lower(?!cas)\w*|degrad\w*|hurt\w*|declin\w*|deteriorat\w*|below|behind|down|los(?:e|es|t|ing)|less)\b",
    re.IGNORECASE,
)
# ... unless they do not: "lower-resource", "worst-case", "the worst case", "Table 2 below", "as shown below"
_COMPOUND_OR_CASE = re.compile(r"-\w|\s+case\b", re.IGNORECASE)
_ENDS_PHRASE = re.compile(r"\s*(?:[,.;:)]|$)")
# ... nor does "lower" naming a part: "the lower layers", "the lower bound"
_PART_AFTER = re.compile(r"\s+(?:layers?|bounds?|half|halves|levels?|parts?|panels?|rows?|triangular)\b", re.IGNORECASE)
_REFERENCE_BEFORE = re.compile(r"\b(?:tables?|fig(?:ure)?s?\.?|sections?|sec\.|shown|see|described|listed|given|reported|defined)"
                               r"(?:\s+\S+){0,2}\s*$", re.IGNORECASE)
# where a clause ends (a decimal point does not end one, nor does the comma of a list: "by 0.4, 0.6 and
# 1.1", "on MNLI, QNLI and SST-2")
_CLAUSE_END = re.compile(r"[;:]|[,.](?!\d)|\b(?:but|whereas|while|except|although|though)\b", re.IGNORECASE)
_LIST_COMMA = re.compile(r",(?=\s*(?:[-+]?\d|[A-Z][\w.-]*(?:\s*\([^)]*\))?\s*(?:,|\b(?:and|or)\b)))")
# a gain, or another verb joined by "and", speaks of something else: "Dropping NSP improves accuracy by
# 0.5", "We reduce the size by 40% and improve accuracy by 2.1", "drops by 0.4 and stays at 90.2"
_GAIN = re.compile(r"\b(?:improv\w*|increas\w*|gain\w*|boost\w*|outperform\w*|rais(?:e|es|ed|ing)|exceed\w*|surpass\w*|"
                   r"beat\w*|benefit\w*|enhanc\w*|help\w*|yield\w*|lead\w*\s+to|higher|better|rise|rises|rose)\b(?!-\w)",
                   re.IGNORECASE)
_AND_VERB = re.compile(r"\band\s+(?:\w+ly\s+)?(?:is|are|was|were|has|have|had|[a-z]+(?<!e)ed|"
                       r"(?:remain|stay|reach|achieve|obtain|get|take|use|require|match|keep|make|show|give|set|run|train)s?)\b")
# what may stand between a number and the decrease word after it that speaks of it: "a 0.4-point drop",
# "0.4 lower", "1.2 points below", "0.4 points less accurate"; not "0.3 points with a reduced learning
# rate", "10% of the data reduces"
_GAP = re.compile(r"[\s-]*(?:(?!(?:with|when|using|for|on|in|at|after|by|of|and|or|than|to|from)\b)[\w.%]+[\s-]+){0,2}",
                  re.IGNORECASE)
# numbers that are not the change: a count of a setting ("8 GPUs", "128 tokens", "3x"), "7 of the 9 tasks"
_UNIT_AFTER = re.compile(r"\s*(?:x\b|×|(?:gpu|tpu|step|token|layer|epoch|example|seed|language|task|run)s?\b)", re.IGNORECASE)
_COUNT_OF = re.compile(r"\s+of\s+(?:the\s+|all\s+)?\d", re.IGNORECASE)
_OF_COUNT = re.compile(r"\d\s+of\s+(?:the\s+|all\s+)?$", re.IGNORECASE)
# a bound or a level, not a change: "stays below 1%", "falls under 50%", "less than 0.1"
_BOUND_BEFORE = re.compile(r"\b(?:below|under|(?:less|lower|fewer)\s+than|at\s+most|no\s+more\s+than)\s*$", re.IGNORECASE)


def _clause_ends(sentence: str) -> list[int]:
    """Where the clauses of ``sentence`` end (not at the comma of a list)."""
    return [m.start() for m in _CLAUSE_END.finditer(sentence) if not _LIST_COMMA.match(sentence, m.start())]


def _decrease_spans(sentence: str) -> list[tuple[str, int, int, int]]:
    """(word, from, at, to): each decrease word (at ``at``) and the stretch of its clause it speaks
    about: the rest of its clause after it, up to a gain word or "and" + a verb (to ``to``), and a
    number just before it (``_GAP``) but after the clause's start and any gain word (from ``from``)."""
    spans, ends = [], _clause_ends(sentence)
    for m in _DECREASE.finditer(sentence):
        word = m.group(1).lower()
        if _COMPOUND_OR_CASE.match(sentence, m.end()) or (word == "lower" and _PART_AFTER.match(sentence, m.end())):
            continue
        if word == "below" and (_ENDS_PHRASE.match(sentence, m.end()) or _REFERENCE_BEFORE.search(sentence[: m.start()])):
            continue  # "Table 2 below", "as shown below": a place in the paper
        after = min([e for e in ends if e >= m.end()]
                    + [g.start() for g in (_GAIN.search(sentence, m.end()), _AND_VERB.search(sentence, m.end())) if g]
                    + [len(sentence)])
        before = max([e + 1 for e in ends if e < m.start()] + [g.end() for g in _GAIN.finditer(sentence[: m.start()])]
                     + [0])
        spans.append((word, before, m.start(), after))
    return spans


_CHANGE_UNITS = frozenset({"points", "pp", "percentage points"})


def _not_a_change(sentence: str, n) -> bool:
    """Whether ``n`` is no change the words could make negative: signed, an end of a range ("from
    79.1 to 78.7"), a bound or a level ("stays below 1%", "less than 0.1"), in parentheses ("(81.2 vs 82.0)": scores; but "(0.4 points)" is a change), a count
    ("7 of the 9", "8 GPUs")."""
    before = sentence[: n.start]
    if n.text.startswith(("-", "+")) or re.search(r"\b(?:from|to)\s*$", before, re.IGNORECASE) or _BOUND_BEFORE.search(before):
        return True
    if before.count("(") > before.count(")") and n.unit not in _CHANGE_UNITS:
        return True
    return bool(_COUNT_OF.match(sentence, n.end) or _OF_COUNT.search(before) or _UNIT_AFTER.match(sentence, n.end))


def sign_note(c: Candidate) -> str:
    """A warning for a number written without a sign next to words that speak of a decrease ("drops
    by 0.4", "a 0.4-point drop"): the draft keeps "0.4" as written (a minus could be wrong: "the error
    drops by 0.4" is a gain), and the person checking it decides. Numbers elsewhere in the sentence
    ("improves by 2.3 ... except POS, where it trails by 0.4": only the 0.4; "Dropping NSP improves
    accuracy by 0.5": none), the ends of a range ("from 79.1 to 78.7"), scores in parentheses and
    counts ("8 GPUs", "7 of the 9 tasks") are left alone. Empty when there is nothing to decide."""
    spans = _decrease_spans(c.sentence)
    words, numbers = [], []
    for n in c.numbers:
        if _not_a_change(c.sentence, n):
            continue
        near = [w for w, a, at, b in spans if at <= n.start < b
                or (a <= n.start and n.end <= at and _GAP.fullmatch(c.sentence, n.end, at))]
        if near:
            numbers.append(n.text)
            words += near
    if not numbers:
        return ""
    words = list(dict.fromkeys(words))
    return (f"; CHECK THE SIGN: {', '.join(numbers)} {'stands' if len(numbers) == 1 else 'stand'} without a sign next to "
            f"{', '.join(words)}: if {'it is a drop' if len(numbers) == 1 else 'they are drops'}, write "
            f"{', '.join('-' + n for n in numbers)}, since gains are read by their sign")
