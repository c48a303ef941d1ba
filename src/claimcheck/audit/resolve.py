"""Auditing a synthesis report, its rows: each row resolved to the claim it is about and compared with it (pure).

``resolve_row`` matches a row to a canonical claim (``claim_match``; the examined paper's own claim
over another work's that wins by no more than ``EXAMINED_MARGIN``; for a row that ranks names, a
claim that ranks them over one that only names them: ``ranking_preference``; no claim of a paper
the row is not about: ``foreign_names``), keeps an unknown row with its nearest claim, and for a
matched row compares numbers, counts, negation and model sizes with the claim's (``contradiction``),
its directions ("hurts" against "gains", "worst" against "best": ``opposite_reason``, from
``polarity``), the names it puts in place of the claim's (``name_substitution``), the counts and
rankings other claims of the paper state otherwise, and whether it quotes a superseded version. The
registry's verdict is put beside the row, and why its tick is not backed (``findings``).
``candidate_floor`` tells ``rank_claims`` which claims can change how a row resolves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from claimcheck.claims.models import Claim
from claimcheck.claims.registry import Registry
from claimcheck.sources.bibliography import Bibliography
from claimcheck.sources.synthesis_row import ClaimRow
from claimcheck.audit.attribution import source_of
from claimcheck.audit.findings import tick_reasons
from claimcheck.audit.models import RowAudit, VerdictView
from claimcheck.audit.claim_match import MATCH_THRESHOLD, rank_claims
from claimcheck.audit.contradiction import (
    claim_numbers,
    count_conflicts,
    list_count_conflicts,
    number_conflicts,
    unit_conflicts,
)
from claimcheck.audit.counted_things import counts_of, same_things
from claimcheck.audit.described_superlatives import selection_conflict
from claimcheck.audit.foreign_names import PaperMentions, about_its_papers
from claimcheck.audit.model_sizes import size_conflicts
from claimcheck.audit.name_substitution import substitution
from claimcheck.audit.negation import statement_negation_conflict
from claimcheck.audit.paper_names import PaperNames
from claimcheck.audit.polarity import compare as compare_directions
from claimcheck.audit.polarity import ranks, reversed_ranking
from claimcheck.audit.ranking_preference import RANKING_MARGIN, may_be_preferred, passed_over, prefer_ranking
from claimcheck.audit.row_numbers import in_range, number_ranges, numbers_in, same_number, states_number


def _method(best) -> str:
    parts = [
        name
        for name, share in (("numbers", best.numbers), ("key terms", best.terms), ("text", best.text))
        if share is not None and share >= 0.5
    ]
    return " + ".join(parts) or "weak overall similarity"


def _current_of(blind_best, ranked, registry: Registry):
    """The claim that supersedes the best (number-blind or ordinary), when there is one: a row stating
    another number than the superseded claim's does not quote that version ("twelve tasks" is neither
    v1's seven nor v2's nine), so the current claim is the one it is about, when it reaches it too."""
    later = registry.claims[blind_best[0].claim_id].superseded_by
    return next((s for s in ranked if later and s[0].claim_id == later), blind_best)


def _states_numbers_of(text: str, claim) -> bool:
    """Whether the row states every number ``claim`` requires (``claim_numbers``), or holds it in a
    range it states ("5-6 points" holds 5.4); a count of the statement must be a row count of the same
    things (``same_things``: "9 target tasks" is no "nine English intermediate tasks")."""
    wanted = claim_numbers(claim)
    if not wanted:
        return False
    row_numbers, ranges = [w for w, _, _ in numbers_in(text)], number_ranges(text)
    theirs, mine = counts_of(claim.statement), counts_of(text)

    def stated(c: str) -> bool:
        phrases = [p for w, _, p in theirs if p is not None and same_number(w, c)]
        if phrases:
            return any(states_number(w, c) and same_things(p, q) for w, _, p in mine for q in phrases)
        return any(states_number(w, c) for w in row_numbers) or bool(in_range(c, ranges))

    return all(stated(c) for c in wanted)


def _states_none_of(text: str, claim) -> bool:
    """Whether the claim requires numbers (``claim_numbers``) and the row states none of them, nor a
    range that holds one: a row that leaves out "6.1" or is cut off before it."""
    wanted = claim_numbers(claim)
    if not wanted:
        return False
    row_numbers, ranges = [w for w, _, _ in numbers_in(text)], number_ranges(text)
    return not any(any(states_number(w, c) for w in row_numbers) or in_range(c, ranges) for c in wanted)


NEAR_MISS = 0.05  # an ordinary score this close below the threshold ...
NEAR_MISS_TERMS = 0.5  # ... with at least this share of its key terms found


def _near_miss(best) -> bool:
    """Whether the ordinary best nearly matches (retrieval-gains at 0.48, three of its four key terms
    found): the number-blind path must not then hand the row to another claim."""
    return best.score >= MATCH_THRESHOLD - NEAR_MISS and (best.terms or 0) >= NEAR_MISS_TERMS


def candidate_floor(row: ClaimRow) -> Callable[[Claim], float]:
    """Per claim, the lowest score (or number-blind score) at which a claim other than the two best
    can change how the row resolves: a match, a number-blind match, a superseded claim's current
    version, the examined paper's claim all need ``MATCH_THRESHOLD``; for a row that ranks names, a
    claim that ranks or compares may lie ``RANKING_MARGIN`` below it (``ranking_preference``).
    ``rank_claims`` scores in full only the claims that may reach their floor (and the two best): a
    claim that cannot is the same to every decision here."""
    if not ranks(row.text, row.truncated):
        return lambda claim: MATCH_THRESHOLD
    return lambda claim: MATCH_THRESHOLD - RANKING_MARGIN if may_be_preferred(claim) else MATCH_THRESHOLD


EXAMINED_MARGIN = 0.05  # a claim of the examined paper this close below another work's best is the one a row is about


def _prefer_examined(ranked, registry: Registry, bibliography: Bibliography, examined_id: str | None):
    """The ranking with the examined paper's best claim first when the best is another work's (a claim
    of another paper, or a result the examined paper only cites) and wins by no more than
    ``EXAMINED_MARGIN`` while the examined paper's claim matches too: a report about that paper is
    more likely quoting it, and calling a row another work's claim (an error) needs a clear win.
    A verbatim quotation of the other work's claim keeps it."""
    if not examined_id or not ranked or ranked[0][2]:
        return ranked

    def own(s) -> bool:
        return source_of(registry.claims[s[0].claim_id], registry, bibliography)[0] == examined_id

    if own(ranked[0]):
        return ranked
    mine = next((s for s in ranked if own(s)), None)
    if mine is None or mine[0].score < MATCH_THRESHOLD or ranked[0][0].score - mine[0].score > EXAMINED_MARGIN + 1e-9:
        return ranked
    return [mine, *(s for s in ranked if s is not mine)]


def resolve_row(row: ClaimRow, registry: Registry, verdicts: Mapping[str, VerdictView], bibliography: Bibliography,
                examined_id: str | None = None, names: PaperNames | None = None, mentions: PaperMentions | None = None) -> RowAudit:
    """The row resolved to a claim (or unknown) and compared with it. ``names``: what each paper
    knows, for a name the row puts in place of the claim's (``name_substitution``; by default the
    registry's own names); ``mentions``: the names each paper mentions, for a row about another
    study (``foreign_names``)."""
    claims = list(registry.claims.values())
    row_numbers = [w for w, _, _ in numbers_in(row.text)]
    if not claims:
        return RowAudit(row=row, status="unknown", row_numbers=row_numbers, tick_reasons=tick_reasons(row, None, None, False, False))
    everything = rank_claims(row.text, row.truncated, claims, candidate_floor(row))
    ranked, not_about = about_its_papers(everything, row.text, row.truncated, mentions or PaperMentions(registry))
    if not ranked:  # the row is about none of the papers: nearest, unknown
        runner = everything[1][0] if len(everything) > 1 else None
        return RowAudit(row=row, status="unknown", method=not_about, best=everything[0][0], runner_up=runner, row_numbers=row_numbers,
                        list_count_mismatch=list_count_conflicts(row.text), tick_reasons=tick_reasons(row, None, None, False, False))
    ranked = _prefer_examined(ranked, registry, bibliography, examined_id)
    ranked, ranking = prefer_ranking(ranked, row.text, row.truncated, registry.claims, MATCH_THRESHOLD)
    best, _, verbatim = ranked[0]
    runner = ranked[1][0] if len(ranked) > 1 else None
    chosen, method = None, ""
    if best.score >= MATCH_THRESHOLD or ranking:
        chosen = best
        method = "quoted text" if verbatim else _method(best)
        if ranking:  # it ranks the names the row ranks, where the claim that scored higher only names them
            why = passed_over(registry.claims[runner.claim_id], row.text, row.truncated)
            method = f"{method} + a ranking of the row's names (over {runner.claim_id}, {why})"
        current = _current_of(ranked[0], ranked, registry)
        if not verbatim and current is not ranked[0] and max(current[0].score, current[1]) >= MATCH_THRESHOLD:
            # a superseded claim matched: the row quotes that version only if it states its numbers and not
            # just the current version's ("nine tasks, evaluated on 7 targets" has a 7 but is about v2's nine;
            # "12 tasks" is neither v1's seven nor v2's nine): otherwise the current claim is the one it is about
            # A row that states none of the old version's numbers (one cut off before them, one that leaves
            # them out) does not show that it quotes that version either: the current one is what it is about
            now, old = registry.claims[current[0].claim_id], registry.claims[best.claim_id]
            silent = _states_none_of(row.text, old)
            if _states_numbers_of(row.text, now) or number_conflicts(row.text, old, row.truncated) or silent:
                differs = bool(number_conflicts(row.text, now, row.truncated))
                chosen, runner = current[0], best
                method = ("key terms + text (numbers differ)" if differs else "key terms + text (the current version's numbers)"
                          if _states_numbers_of(row.text, now) or not silent else "key terms + text (none of the old version's numbers)")
    else:
        blind_best = max(ranked, key=lambda s: (s[1], s[0].score))
        fits_now = None  # the current claim of a superseded one the row reaches, when the row's numbers fit it
        for candidate in (_current_of(blind_best, ranked, registry), blind_best, ranked[0]):
            claim = registry.claims[candidate[0].claim_id]
            if _near_miss(best) and candidate[0].claim_id not in (best.claim_id, registry.claims[best.claim_id].superseded_by):
                # a claim the row nearly matches on its own terms is the likelier one: not another's count. Its
                # current version is no other claim: a near-miss of v1's seven tasks that states 12 is about v2's nine
                continue
            if candidate[1] >= MATCH_THRESHOLD and number_conflicts(row.text, claim, row.truncated):
                later = claim.superseded_by
                if later and later in registry.claims and not number_conflicts(row.text, registry.claims[later], row.truncated):
                    # its numbers fit the current version ("nine tasks ... 7.8 points" is no v1 seven, "about 5
                    # points" no v1 6.1): the row does not quote the old one; another claim may be its own
                    fits_now = fits_now or next((s for s in ranked if s[0].claim_id == later), None)
                    continue
                chosen = candidate[0]
                method = "key terms + text (numbers differ)"
                runner = best if best.claim_id != chosen.claim_id else runner
                break
        if chosen is None and fits_now is not None and max(fits_now[0].score, fits_now[1]) >= MATCH_THRESHOLD:
            chosen, method = fits_now[0], "key terms + text (the current version's numbers)"
            runner = best if best.claim_id != chosen.claim_id else runner
    if chosen is None:
        return RowAudit(
            row=row,
            status="unknown",
            method=not_about,
            best=everything[0][0] if not_about else best,
            runner_up=runner,
            row_numbers=row_numbers,
            list_count_mismatch=list_count_conflicts(row.text),
            tick_reasons=tick_reasons(row, None, None, False, False),
        )
    claim = registry.claims[chosen.claim_id]
    pinned = registry.papers[claim.paper_id].version if claim.paper_id in registry.papers else claim.version
    superseded = bool(claim.superseded_by) or claim.version != pinned
    verdict = verdicts.get(claim.id)
    work, label = source_of(claim, registry, bibliography)
    differing = number_conflicts(row.text, claim, row.truncated)
    units = unit_conflicts(row.text, claim) if differing else []
    negation = opposite_reason(row.text, claim.statement, row.truncated)
    reversed_elsewhere = _other_claim_directions(row, claim, registry)
    sizes = size_conflicts(row.text, claim)
    renamed, renamed_basis = substitution(row.text, claim, names or PaperNames(registry))
    others = _other_claim_counts(row, claim, registry, verdicts)
    return RowAudit(
        row=row,
        status="matched",
        claim_id=claim.id,
        method=method,
        best=chosen,
        runner_up=runner,
        row_numbers=row_numbers,
        claim_numbers=list(dict.fromkeys([*claim_numbers(claim), *count_conflicts(row.text, claim).values()])),
        number_mismatch=bool(differing),
        differing_numbers=differing,
        negation_mismatch=negation,
        model_size_mismatch=sizes,
        other_claim_counts=[f"{w} ({cid}: {theirs})" for w, cid, theirs, _ in others],
        other_claim_counts_backed=any(backed for *_, backed in others),
        other_claim_directions=reversed_elsewhere,
        list_count_mismatch=list_count_conflicts(row.text),
        name_mismatch=renamed,
        name_mismatch_basis=renamed_basis,
        claim_located=claim.located,
        superseded=superseded,
        claim_version=claim.version,
        current_claim_id=claim.superseded_by,
        verdict=verdict,
        source_work=work,
        source_label=label,
        tick_reasons=tick_reasons(row, claim.id, verdict, bool(differing or others), superseded, claim.located, bool(negation or sizes),
                                   renamed, reversed_elsewhere, units, renamed_basis=renamed_basis),
    )


def opposite_reason(row_text: str, statement: str, truncated: bool = False) -> str:
    """Why the row may state the opposite of the claim ("" when nothing says so): its directions read
    against the claim's (``polarity.compare``: "hurts" against "gains", "worst" against "best", two
    names that trade readings), else the things a superlative describes selected from the other end
    (``described_superlatives``: "our worst performing models" against "the best model for each
    target task"), else a negation one side lacks (``contradiction``), read without the
    negations the directions already accounted for ("XNLI gains nothing" agrees with "XNLI stays
    unchanged"; "neither A nor B beats C" with "C outperforms A and B")."""
    judged = compare_directions(row_text, statement, truncated)
    return (judged.reason or selection_conflict(row_text, statement, truncated)
            or statement_negation_conflict(judged.row_text, judged.statement, truncated))


def _other_claim_counts(row: ClaimRow, claim, registry: Registry, verdicts: Mapping[str, VerdictView]) -> list[tuple[str, str, str, bool]]:
    """Counts in the row that a setup claim of the same paper (current version) states otherwise, for a
    row matched elsewhere ("... XLM-R Large with 12 intermediate tasks" matches the base-model claim,
    but the paper's nine tasks still stand): (row count, claim id, its count, whether that claim is
    located or supported, which makes the finding an error). The row's count must carry what tells
    the claim's things apart, or stand beside the same names (``count_conflicts(distinct=True)``):
    "evaluated on 7 tasks" or "40 tasks" may count anything, not the nine intermediate tasks."""
    out: list[tuple[str, str, str, bool]] = []
    if claim.superseded_by:  # a row quoting an old version is flagged as such; its counts are that version's
        return out
    for other in registry.claims.values():
        if other.paper_id != claim.paper_id or other.id == claim.id or other.superseded_by or other.kind.value != "setup":
            continue
        for w, theirs in count_conflicts(row.text, other, distinct=True).items():
            view = verdicts.get(other.id)
            out.append((w, other.id, theirs, other.located or (view is not None and view.overall == "supported")))
    return out


def _other_claim_directions(row: ClaimRow, claim, registry: Registry) -> list[str]:
    """The current claims of the same paper that rank or compare (``may_be_preferred``) names the row
    ranks the other way round, whatever claim the row matched (``polarity.reversed_ranking``): "XLNet
    beats BERT and RoBERTa on three NLP tasks, with and without intermediate training" matches the
    setup claim that lists the three models, and still reverses the claims that XLNet performs worst
    and that RoBERTa and BERT both beat it. Each as "<claim id>: <why>". A row flagged as a possible
    opposite of its own claim is still read against the others: "XLNet is better than BERT and worse
    than RoBERTa" swaps XLNet and BERT in similar-trends, and also puts XLNet ahead of BERT where
    xlnet-worst has it behind every other model. Nothing for a row that ranks nothing or a row quoting
    a superseded version; claims of other papers are never read. A background claim (the state of
    the art as another work gave it) is read only where the row names whom it ranks its names
    against: "the best per-task intermediate models beat XLM-R Large" does not reverse "XLM-R Large
    was the strongest published model", while "mBERT beats XLM-R Large" does."""
    if claim.superseded_by or not ranks(row.text, row.truncated):
        return []
    out = []
    for other in registry.claims.values():
        if other.paper_id != claim.paper_id or other.id == claim.id or not may_be_preferred(other):
            continue
        if why := reversed_ranking(row.text, other.statement, row.truncated, named_only=other.kind.value == "background"):
            out.append(f"{other.id}: {why}")
    return out
