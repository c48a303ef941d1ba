"""Which claim a row that ranks or compares names is about, when a claim that merely names them
scores higher (pure).

Key terms are mostly names. A row that ranks models ("XLNet outperforms BERT and RoBERTa",
"RoBERTa and BERT trail XLNet") shares them with a setup claim that lists the same models ("The
study compares BERT, RoBERTa and XLNet ...") as much as with the claims that rank them, and the
setup claim may score higher on those names alone. The row says who wins; the setup claim does not,
so its direction could never be read against the paper's (``polarity.compare``): a reversal would
pass unseen.

``prefer_ranking`` therefore puts first, when the best claim matches (reaches the threshold), is no
verbatim quotation and ranks nothing itself, the best-scoring claim that

- is of the same paper and current (not superseded),
- ranks or compares (``polarity.ranks_anything``: "beat", "performs worst", "the best model is"),
- names (in its statement or key terms) each key term of the best claim that is a name the row
  ranks (``polarity.ranks``): its key terms are otherwise the same names, and
- scores no more than ``RANKING_MARGIN`` below the best.

A row that restates much of the setup claim besides ("... on three NLP tasks, with and without
intermediate training") stays with it: the margin keeps the setup claim where it wins clearly.

A short ranking row may match nothing at all: "BERT outperforms XLNet" shares two of the setup
claim's four key terms and little of its text (0.37), and the ranking claims score lower still,
their other key terms ("similar", "trends", "consistently") being words it has no room for. Where
the best claim does not reach the threshold (and is no quotation), the row is put with a claim that

- is of the best claim's paper, current, and ranks or compares,
- itself ranks each name the row writes or ranks, two at the least, and not all alike (``_orders``):
  the row says nothing the claim does not speak to ("XLNet beats BERT on GLUE" names GLUE, which no
  claim ranks: it stays unknown), and the claim orders the names the row orders ("the best model is
  RoBERTa or BERT" puts both ahead, and says nothing of "RoBERTa outperforms BERT"),
- is not charged with a number it does not report (its numbers share is not 0: "BERT beats XLNet
  by 3 points" states a measure of its own), and
- scores no lower than ``RANKING_MARGIN`` below the threshold, nor more than that below the best,

so that its direction is read against the paper's, a reversal included.

The method column says what the claim passed over lacks (``passed_over``): a setup claim "only names
them"; a claim that ranks part of the row's names ("XLNet performs worst", passed over for "XLNet is
worse than BERT") "ranks XLNet but not BERT"; one that ranks them all alike ("the best model is
RoBERTa or BERT") "ranks them alike".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from claimcheck.claims.models import Claim
from claimcheck.audit.models import MatchScore
from claimcheck.audit.model_aliases import model_key, same_name
from claimcheck.audit.polarity import STANDING, name_keys, ranks, ranks_anything, read

RANKING_MARGIN = 0.3  # a ranking claim this far below a claim that only names the same things is still the likelier one

Ranked = Sequence[tuple[MatchScore, float, bool]]


def _names_all(wanted: frozenset[str], names: frozenset[str]) -> bool:
    return all(any(same_name(k, n) for n in names) for k in wanted)


def _names(claim: Claim) -> frozenset[str]:
    """What a claim names: the names of its statement and its key terms, as keys."""
    return name_keys(claim.statement) | frozenset(k for t in claim.key_terms if (k := model_key(t)))


def may_be_preferred(claim: Claim) -> bool:
    """Whether ``prefer_ranking`` may put the claim first: current, and ranking or comparing."""
    return not claim.superseded_by and ranks_anything(claim.statement)


def prefer_ranking(ranked: Ranked, row_text: str, truncated: bool, claims: Mapping[str, Claim], threshold: float,
                   margin: float = RANKING_MARGIN) -> tuple[list[tuple[MatchScore, float, bool]], bool]:
    """The ranking with a claim that ranks the row's names first, and whether one was moved there
    (see the module's notes). ``threshold``: the score the best claim must reach to match."""
    ranked = list(ranked)
    if not ranked or ranked[0][2]:
        return ranked, False
    best = claims[ranked[0][0].claim_id]
    row_ranks = ranks(row_text, truncated)
    if not row_ranks:
        return ranked, False
    if ranked[0][0].score < threshold:
        return _ranking_of_every_name(ranked, row_text, row_ranks, claims, threshold - margin, margin)
    if ranks_anything(best.statement):
        return ranked, False
    # the best claim's key terms that are names the row ranks ("BERT", "RoBERTa", "XLNet"; not "three")
    wanted = frozenset(k for t in best.key_terms if (k := model_key(t)) and any(same_name(k, r) for r in row_ranks))
    if not wanted:
        return ranked, False
    for entry in ranked[1:]:  # best first (``_prefer_examined`` moves only the first)
        if ranked[0][0].score - entry[0].score > margin + 1e-9:
            break
        other = claims[entry[0].claim_id]
        if other.paper_id == best.paper_id and may_be_preferred(other) and _names_all(wanted, _names(other)):
            return [entry, *(s for s in ranked if s is not entry)], True
    return ranked, False


def _ranking_of_every_name(ranked: list[tuple[MatchScore, float, bool]], row_text: str, row_ranks: frozenset[str],
                           claims: Mapping[str, Claim], floor: float, margin: float) -> tuple[list[tuple[MatchScore, float, bool]], bool]:
    """Where nothing matches: the ranking with a claim that ranks every name the row writes or ranks
    first, and whether one was moved there (see the module's notes)."""
    best = claims[ranked[0][0].claim_id]
    named = name_keys(row_text) | row_ranks
    if len(named) < 2:
        return ranked, False
    for entry in ranked:
        if entry[0].score < floor or ranked[0][0].score - entry[0].score > margin + 1e-9:
            break
        other = claims[entry[0].claim_id]
        if (other.paper_id == best.paper_id and may_be_preferred(other) and entry[0].numbers != 0.0
                and _orders(other.statement, named)):
            return [entry, *(s for s in ranked if s is not entry)], True
    return ranked, False


def _orders(statement: str, named: frozenset[str]) -> bool:
    """Whether the statement ranks each of the names (``polarity.read``: their standing) and not all
    of them alike: "RoBERTa and BERT ... both beat XLNet" orders BERT and XLNet, not RoBERTa and BERT."""
    standing = {key: dims[STANDING][0] for key, (_, dims) in read(statement).names.items() if STANDING in dims}
    found = [next((r for k, r in standing.items() if same_name(name, k)), None) for name in named]
    return None not in found and len(set(found)) > 1


_WORD = re.compile(r"[A-Za-z0-9][\w+]*(?:[-.][\w+]+)*")


def _where(text: str, key: str) -> tuple[int, str]:
    """Where ``text`` first writes the name with this key, and how (the key itself when it does not)."""
    return next(((m.start(), m.group(0)) for m in _WORD.finditer(text) if same_name(model_key(m.group(0)), key)), (len(text), key))


def _written(text: str, keys: Sequence[str]) -> str:
    """The names with these keys as ``text`` writes them, joined ("XLNet", "BERT and RoBERTa")."""
    words = [_where(text, k)[1] for k in keys]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def passed_over(claim: Claim, row_text: str, truncated: bool) -> str:
    """Why a ranking row was moved past ``claim``, which scored higher, as a clause for the method
    column: "which only names them" (it ranks nothing), "which ranks XLNet but not BERT" (part of the
    names the row writes or ranks), "which ranks none of them", "which ranks them alike"."""
    named = sorted(name_keys(row_text) | ranks(row_text, truncated), key=lambda k: _where(row_text, k))
    if not ranks_anything(claim.statement):
        return "which only names them" if _names_all(frozenset(named), _names(claim)) else "which ranks none of them"
    standing = {key: dims[STANDING][0] for key, (_, dims) in read(claim.statement).names.items() if STANDING in dims}
    ranked = [n for n in named if any(same_name(n, k) for k in standing)]
    missing = [n for n in named if n not in ranked]
    if not ranked:
        return "which ranks none of them"
    if missing:
        return f"which ranks {_written(row_text, ranked)} but not {_written(row_text, missing)}"
    return "which ranks them alike"
