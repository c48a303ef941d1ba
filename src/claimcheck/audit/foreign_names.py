"""Names a row gives that a paper never mentions: a row naming two such things is not about that paper (pure).

"GPT-3 outperforms BERT on SuperGLUE" shares "BERT" and a ranking verb with a claim of 2210.01091
("BERT is the best model on the other three target tasks"), but speaks of a model and a benchmark
that paper never mentions: judging it against that claim (a tick, a direction read against BERT's
standing) would audit the row against a paper it is not about.

What a paper mentions is read from the registry alone: the names its cells, checks and replication
arms use and the model spellings (``paper_names.PaperNames``, without the task catalogue,
which knows every task of every paper), and the names written in its title, its facts (values and
quotes), its version notes, and its claims' statements, quotations (``reported_by``), key terms and
notes, superseded ones included (``polarity.name_keys``: a capitalised word that opens a sentence is
no name). Names agree by ``model_aliases.same_name`` ("TyDiQA" and "TyDiQA-GoldP").

One unknown name is left alone: it may be a spelling the registry lacks, a typo, or a word that
only looks like a name. Two or more (``MIN_FOREIGN``) are another study's, when the row says
something of one of them, a direction word bearing on it (``polarity.read``): "GPT-3" in "GPT-3 is
the best model on three of the six SuperGLUE tasks". Names the row only ranks its subject among are
not its subject: "XLNet performed worst among BERT, RoBERTa and XLNet" is about XLNet, whatever a
paper says of BERT and RoBERTa. A truncated row's last name may be cut ("... both outperform XL"):
it is not counted.

    >>> sorted(said_of("GPT-3 outperforms BERT on SuperGLUE."))
    ['bert', 'gpt3', 'superglue']
    >>> sorted(said_of("XLNet performed worst among BERT, RoBERTa and XLNet."))
    ['xlnet']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from claimcheck.claims.registry import Registry
from claimcheck.audit.model_aliases import model_key, same_name
from claimcheck.audit.paper_names import PaperNames, strings_in
from claimcheck.audit.polarity import MAX_CHARS, name_keys, read

MIN_FOREIGN = 2  # this many names a paper never mentions make a row another study's


class PaperMentions:
    """The names each paper of a registry mentions (see the module's notes), read once per paper."""

    def __init__(self, registry: Registry):
        self._registry = registry
        self._names = PaperNames(registry)
        self._keys: dict[str, frozenset[str]] = {}

    def _texts(self, paper_id: str) -> Iterator[str]:
        paper = self._registry.papers.get(paper_id)
        if paper is not None:
            yield paper.title
            for fact in paper.facts:
                yield from strings_in(fact.value)
                yield fact.quote
            for note in paper.version_notes:
                yield from (s for s in strings_in(note.model_dump()) if " " in s)
        for claim in self._registry.claims.values():
            if claim.paper_id == paper_id:
                yield claim.statement
                yield from claim.reported_by
                yield claim.notes or ""

    def _written(self, paper_id: str) -> frozenset[str]:
        if paper_id not in self._keys:
            keys = set().union(*(name_keys(t) for t in self._texts(paper_id) if t))
            keys |= {k for c in self._registry.claims.values() if c.paper_id == paper_id for t in c.key_terms if (k := model_key(t))}
            self._keys[paper_id] = frozenset(keys)
        return self._keys[paper_id]

    def paper_of(self, claim_id: str) -> str:
        return self._registry.claims[claim_id].paper_id

    def mentions(self, paper_id: str, key: str) -> bool:
        """Whether the paper mentions a name with this key (``model_aliases.model_key``)."""
        return any(same_name(key, k) for k in self._written(paper_id)) or self._names.knows(paper_id, key)


def said_of(row_text: str) -> frozenset[str]:
    """The keys of the names a direction word of the row bears on (``polarity.read``), less a
    capitalised word that only opens its sentence ("Evaluating", "Selecting"): no name, as
    ``name_keys`` has it, so not a name the paper never mentions."""
    reading = read(row_text[:MAX_CHARS])
    return frozenset(reading.names) - reading.initial


def foreign_names(row_text: str, truncated: bool, paper_id: str, mentions: PaperMentions) -> list[str]:
    """The names the row gives that the paper never mentions, as the row writes them, in order; empty
    when fewer than ``MIN_FOREIGN`` (one may be a spelling the registry lacks) or when the row says
    nothing of any of them (``said_of``)."""
    subjects = said_of(row_text)
    keys = {k for k in name_keys(row_text) | subjects if not mentions.mentions(paper_id, k)}
    words = _WORD.findall(row_text)
    if truncated and words:
        keys.discard(model_key(words[-1]))  # the cut may have shortened it ("... both outperform XL")
    if len(keys) < MIN_FOREIGN or not keys & subjects:
        return []
    written = {}
    for w in words:
        written.setdefault(model_key(w), w)
    return sorted((written.get(k, k) for k in keys), key=lambda w: row_text.find(w))


_WORD = re.compile(r"[A-Za-z0-9][\w+]*(?:[-.][\w+]+)*")


def about_its_papers(ranked: Sequence, row_text: str, truncated: bool, mentions: PaperMentions) -> tuple[list, str]:
    """The ranking (``claim_match.rank_claims``'s entries) without the claims of the papers the row is
    not about (``foreign_names``), and why its best claim was left out ("" when it was not: "not about
    2210.01091: it names GPT-3 and SuperGLUE, which that paper never mentions")."""
    foreign: dict[str, list[str]] = {}

    def paper_of(entry) -> str:
        return mentions.paper_of(entry[0].claim_id)

    def about(entry) -> bool:
        paper_id = paper_of(entry)
        if paper_id not in foreign:
            foreign[paper_id] = foreign_names(row_text, truncated, paper_id, mentions)
        return not foreign[paper_id]

    kept = [entry for entry in ranked if about(entry)]
    if not ranked or kept[:1] == list(ranked[:1]):
        return kept, ""
    names = foreign[paper_of(ranked[0])]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return kept, f"not about {paper_of(ranked[0])}: it names {listed}, which that paper never mentions"
