"""A text as the audit's matching reads it: one case, one kind of dash, quote and space (pure).

Kept apart from ``claim_match`` so that the modules it builds on (``named_lists``, and through it
``polarity``) can read text the same way without importing the matcher.

    >>> normalise("An 8,7\u2013point  gain")
    'an 8.7-point gain'
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimcheck.audit.model_aliases import registry_spelling
from claimcheck.audit.row_numbers import decimal_commas


@lru_cache(maxsize=8192)  # the same claim statements and key terms are normalised for every row
def normalise(text: str) -> str:
    """Lower case, one kind of dash, quote and space, decimal commas as points, model aliases spelled
    as the registry spells them (pure)."""
    t = decimal_commas(text).lower().replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-").replace("\u2014", "-")
    t = t.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    t = registry_spelling(t)
    return re.sub(r"\s+", " ", t).strip()


# the words that end a noun phrase read from its start ("nine intermediate tasks", "no target-language
# data"): determiners, pronouns, copulas, prepositions and conjunctions, none of which stands inside one
# (``counted_things``: what a count counts; ``negation``: the head of what a "no" denies)
PHRASE_END = frozenset(
    "the a an of on in to for with from by and or as at is are was were be been it its this that these those than "
    "then over under about between across after before into during each every per which who whose while whereas but".split()
)  # fmt: skip
