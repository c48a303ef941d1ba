"""Auditing synthesis reports against the claim registry (pure: values in, a scorecard out).

Per report (issue 3, sections 1-5):

1. resolution: each row is matched to a canonical claim (``claim_match``; the examined paper's own
   claim over another work's that wins by no more than ``EXAMINED_MARGIN``; for a row that ranks
   names, a claim that ranks them over one that only names them: ``ranking_preference``; no claim
   of a paper the row is not about: ``foreign_names``), unknown rows are kept,
   truncated rows marked, numbers, negation and model sizes compared with the claim's
   (``contradiction``), and so are its directions ("hurts" against "gains", "worst" against "best":
   ``polarity``), quotations of a superseded version flagged, and the registry's verdict is put
   beside the report's tick;
2. ticks without evidence: a tick with a confidence below ``LOW_CONFIDENCE``, or on a claim the
   registry cannot support (verdict in ``WEAK_VERDICTS``), or on an unknown row;
3. attribution (``attribution.py``): the work each claim really comes from, the references that
   hold none of the listed claims, and whether the examined paper is cited;
4. research-question coverage (``question.py``);
5. internal consistency: the report's own counts against its table and reference list, and
   (across reports, in ``audit_reports``) the confidence the same claim gets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from claimcheck.claims.models import Claim, Paper
from claimcheck.claims.names import KnownNames
from claimcheck.claims.registry import Registry
from claimcheck.sources.bibliography import Bibliography
from claimcheck.sources.synthesis import SynthesisReport
from claimcheck.sources.synthesis_table import ClaimRow
from claimcheck.verifier.audit_aggregate import aggregate, confidence_spreads, spread_finding
from claimcheck.verifier.attribution import check_attribution, resolve_examined, source_of
from claimcheck.verifier.audit_models import (
    AuditResult,
    Check,
    Finding,
    InputProblem,
    ReportInfo,
    RowAudit,
    Scorecard,
    Severity,
    VerdictView,
)
from claimcheck.verifier.claim_match import MATCH_THRESHOLD, rank_claims
from claimcheck.verifier.contradiction import (
    claim_numbers,
    count_conflicts,
    list_count_conflicts,
    number_conflicts,
    size_conflicts,
    statement_negation_conflict,
    unit_conflicts,
)
from claimcheck.verifier.counted_things import counts_of, same_things
from claimcheck.verifier.foreign_names import PaperMentions, about_its_papers
from claimcheck.verifier.name_substitution import PaperNames, substituted_names
from claimcheck.verifier.polarity import compare as compare_directions
from claimcheck.verifier.polarity import ranks, reversed_ranking
from claimcheck.verifier.question import FACETS, check_question
from claimcheck.verifier.ranking_preference import RANKING_MARGIN, may_be_preferred, passed_over, prefer_ranking
from claimcheck.verifier.row_numbers import in_range, number_ranges, numbers_in, same_number, states_number
from claimcheck.verifier.verdict import VerificationReport

LOW_CONFIDENCE = 0.5  # a tick stated with less than even confidence is a tick the report itself doubts
SHOWN_CLAIMS = 2  # a finding gives this many of the other claims a row may reverse with their reasons, the rest by id
WEAK_VERDICTS = {"unverified", "inconclusive", "contradicted", "disputed", "infra_failure"}


def verdict_views(report: VerificationReport | None) -> dict[str, VerdictView]:
    """The verifier's verdicts reduced to what a scorecard shows beside a tick."""
    if report is None:
        return {}
    views = {}
    for v in report.claims:
        summary = v.source.summary
        if v.replication.verdict not in ("not_run",):
            summary += f"; replication: {v.replication.summary}"
        views[v.claim_id] = VerdictView(
            overall=v.overall.value, source=v.source.verdict, replication=v.replication.verdict, summary=summary
        )
    return views


def _clip(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


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
        return RowAudit(row=row, status="unknown", row_numbers=row_numbers, tick_reasons=_tick_reasons(row, None, None, False, False))
    everything = rank_claims(row.text, row.truncated, claims, candidate_floor(row))
    ranked, not_about = about_its_papers(everything, row.text, row.truncated, mentions or PaperMentions(registry))
    if not ranked:  # the row is about none of the papers: nearest, unknown
        runner = everything[1][0] if len(everything) > 1 else None
        return RowAudit(row=row, status="unknown", method=not_about, best=everything[0][0], runner_up=runner, row_numbers=row_numbers,
                        list_count_mismatch=list_count_conflicts(row.text), tick_reasons=_tick_reasons(row, None, None, False, False))
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
            now = registry.claims[current[0].claim_id]
            if _states_numbers_of(row.text, now) or number_conflicts(row.text, registry.claims[best.claim_id], row.truncated):
                differs = bool(number_conflicts(row.text, now, row.truncated))
                chosen, runner = current[0], best
                method = "key terms + text (numbers differ)" if differs else "key terms + text (the current version's numbers)"
    else:
        blind_best = max(ranked, key=lambda s: (s[1], s[0].score))
        fits_now = None  # the current claim of a superseded one the row reaches, when the row's numbers fit it
        for candidate in (_current_of(blind_best, ranked, registry), blind_best, ranked[0]):
            claim = registry.claims[candidate[0].claim_id]
            if _near_miss(best) and candidate[0].claim_id != best.claim_id:
                continue  # a claim the row nearly matches on its own terms is the likelier one: not another's count
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
            tick_reasons=_tick_reasons(row, None, None, False, False),
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
    renamed = substituted_names(row.text, claim, names or PaperNames(registry))
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
        claim_located=claim.located,
        superseded=superseded,
        claim_version=claim.version,
        current_claim_id=claim.superseded_by,
        verdict=verdict,
        source_work=work,
        source_label=label,
        tick_reasons=_tick_reasons(row, claim.id, verdict, bool(differing or others), superseded, claim.located, bool(negation or sizes),
                                   renamed, reversed_elsewhere, units, renamed_by_numbers=bool(claim.reported)),
    )


def opposite_reason(row_text: str, statement: str, truncated: bool = False) -> str:
    """Why the row may state the opposite of the claim ("" when nothing says so): its directions read
    against the claim's (``polarity.compare``: "hurts" against "gains", "worst" against "best", two
    names that trade readings), else a negation one side lacks (``contradiction``), read without the
    negations the directions already accounted for ("XNLI gains nothing" agrees with "XNLI stays
    unchanged"; "neither A nor B beats C" with "C outperforms A and B")."""
    judged = compare_directions(row_text, statement, truncated)
    return judged.reason or statement_negation_conflict(judged.row_text, judged.statement, truncated)


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
    a superseded version; claims of other papers are never read."""
    if claim.superseded_by or not ranks(row.text, row.truncated):
        return []
    out = []
    for other in registry.claims.values():
        if other.paper_id != claim.paper_id or other.id == claim.id or not may_be_preferred(other):
            continue
        if why := reversed_ranking(row.text, other.statement, row.truncated):
            out.append(f"{other.id}: {why}")
    return out


def _tick_reasons(row: ClaimRow, claim_id: str | None, verdict: VerdictView | None, mismatch: bool, superseded: bool,
                  located: bool = True, opposite: bool = False, renamed: Sequence[str] = (),
                  reversed_elsewhere: Sequence[str] = (), units: Sequence[tuple[str, str]] = (),
                  renamed_by_numbers: bool = True) -> list[str]:
    """Why a tick is not backed; ``units``: (the row's, the claim's) number with its unit, for a
    number the row gives in another unit than the claim ("100 steps" against "100 epochs");
    ``renamed_by_numbers``: whether the claim has numbers for ``renamed``'s names to stand beside
    (else they are the subject of its ranking)."""
    if row.verified is not True:
        return []
    reasons = []
    if row.confidence is not None and row.confidence < LOW_CONFIDENCE:
        reasons.append(f"ticked with a stated confidence of {row.confidence:.2f} (below {LOW_CONFIDENCE})")
    if claim_id is None:
        reasons.append("ticked, but it matches no claim in the registry: there is nothing it was checked against")
    elif verdict is not None and verdict.overall in WEAK_VERDICTS:
        reasons.append(
            f"registry verdict {verdict.overall} (source tier {verdict.source}, replication {verdict.replication}): {_clip(verdict.summary)}"
        )
    if units:  # the number itself agrees: its unit is what differs
        said = f"{_and(mine for mine, _ in units)} (the claim: {_and(theirs for _, theirs in units)})"
        reasons.append(f"ticked, but it gives {said}: the same number in another unit" + (
            "" if located else " than the one other reports quote (the paper's own text was not located)"))
    elif mismatch:
        reasons.append("ticked, but its number differs from the paper's" if located else
                       "ticked, but its number differs from the one other reports quote (the paper's own text was not located)")
    if opposite:
        reasons.append("ticked, but it may state the opposite of the registry claim (a direction, a negation or a model size differs)")
    if renamed:
        where = "beside the claim's numbers" if renamed_by_numbers else "as the subject of the claim's ranking"
        reasons.append(f"ticked, but it names {'; '.join(renamed)} {where}")
    if reversed_elsewhere:
        ids = [r.split(": ", 1)[0] for r in reversed_elsewhere]
        named = _and(ids) if len(ids) <= SHOWN_CLAIMS else f"{len(ids)} claims of the paper ({', '.join(ids[:SHOWN_CLAIMS])} and {len(ids) - SHOWN_CLAIMS} more)"
        reasons.append(f"ticked, but it may rank the names the other way round from {named}")
    if claim_id is not None and not located:
        reasons.append("ticked, but the paper's own sentence for it was not found in any source we could read: nothing "
                       "confirms the paper says it (a registry verdict judges the content)")
    if superseded:
        reasons.append("ticked, but it quotes a statement the paper no longer makes")
    return reasons


def _consistency(report: SynthesisReport) -> list[Check]:
    checks = []
    n_refs, n_rows = len(report.references), len(report.rows) + report.rows_dropped
    if report.papers_retrieved is not None:
        checks.append(Check(name="papers retrieved vs references listed", stated=str(report.papers_retrieved), observed=str(n_refs),
                            ok=report.papers_retrieved == n_refs,
                            message=f"says {report.papers_retrieved} papers were retrieved but lists {n_refs} reference(s)"))
    mentions = sorted(set(report.papers_retrieved_mentions))
    if len(mentions) > 1:
        checks.append(Check(name="papers retrieved, stated twice", stated=" and ".join(map(str, mentions)), observed="",
                            ok=False, message=f"states {' and '.join(map(str, mentions))} papers retrieved in different places"))
    if report.claims_extracted is not None:
        checks.append(Check(name="claims extracted vs table rows", stated=str(report.claims_extracted), observed=str(n_rows),
                            ok=report.claims_extracted == n_rows,
                            message=f"says {report.claims_extracted} claims were extracted; the table has {n_rows} row(s)"))
    if report.claims_verified is not None:
        ticked = sum(1 for r in report.rows if r.verified is True)
        checks.append(Check(name="claims verified vs ticked rows", stated=str(report.claims_verified), observed=str(ticked),
                            ok=report.claims_verified == ticked,
                            message=f"says {report.claims_verified} claims were verified; {ticked} row(s) carry a tick"))
    if report.quality_score is not None and report.quality_scale:
        checks.append(Check(name="quality score within its scale", stated=f"{report.quality_score:g}/{report.quality_scale:g}", observed="",
                            ok=0 <= report.quality_score <= report.quality_scale,
                            message=f"quality score {report.quality_score:g} lies outside 0-{report.quality_scale:g}"))
    return checks


def _reversed_claims(reversed_elsewhere: Sequence[str]) -> str:
    """The other claims a row may reverse, for a finding's message: each with its reason up to
    ``SHOWN_CLAIMS``; beyond that, how many there are, the first ones with their reasons and the rest
    by id (a full reversal of a paper's ranking reverses all its ranking claims; the row's
    ``other_claim_directions`` keeps every reason)."""
    if len(reversed_elsewhere) == 1:
        return f"another claim of the paper: {reversed_elsewhere[0]}"
    if len(reversed_elsewhere) <= SHOWN_CLAIMS:
        return "other claims of the paper: " + "; ".join(reversed_elsewhere)
    rest = [r.split(": ", 1)[0] for r in reversed_elsewhere[SHOWN_CLAIMS:]]
    return (f"{len(reversed_elsewhere)} other claims of the paper: " + "; ".join(reversed_elsewhere[:SHOWN_CLAIMS])
            + f"; also {_and(rest)}")


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _contradiction_severity(r: RowAudit) -> Severity:
    """A row whose number or model size contradicts its claim is an error when the paper's own
    sentence was located or the registry's check supports the claim from a source; otherwise (a
    statement recorded as other reports quote it, unconfirmed) two quoting texts disagree and neither
    is the paper's: a warning. A negation mismatch is always a warning (a heuristic on English text:
    "no fewer than nine" or "targets with no training data" agree)."""
    supported = r.verdict is not None and r.verdict.overall == "supported"
    return "error" if r.claim_located or supported else "warning"


def _row_findings(rows: list[RowAudit], registry: Registry | None = None) -> list[Finding]:
    """Each row's findings; ``registry``: the claims the rows matched, for a number stated in
    another unit than its claim's ("100 steps" against "100 epochs": ``unit_conflicts``)."""
    out: list[Finding] = []
    cut = [r.row for r in rows if r.row.truncated]
    if cut:
        lengths = sorted({len(r.text) for r in cut})
        span = f"{lengths[0]}" if len(lengths) == 1 else f"{lengths[0]}-{lengths[-1]}"
        out.append(Finding(code="truncated", severity="info", section="resolution",
                           message=f"{len(cut)} of {len(rows)} rows are cut off mid-sentence ({span} characters): row{'s' if len(cut) > 1 else ''} {', '.join(str(r.number) for r in cut)}"))
    for r in rows:
        n = r.row.number
        if r.list_count_mismatch:
            out.append(Finding(code="list_count_mismatch", severity="warning", section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {n} contradicts itself: {'; '.join(r.list_count_mismatch)}"))
        if r.status == "unknown":
            why = f"; {r.method}" if r.method else ""  # not about the nearest claim's paper
            near = f" (nearest: {r.best.claim_id}, score {r.best.score:.2f}{why})" if r.best else ""
            out.append(Finding(code="unknown_claim", severity="warning", section="resolution", row=n,
                               message=f"row {n} matches no claim in the registry{near}: \"{r.row.text[:80]}\""))
            continue
        severity = _contradiction_severity(r)
        if r.number_mismatch:
            where = "reports" if r.claim_located else "is recorded (as other reports quote it; not located in the paper) with"
            backed = " (a number the registry's check supports)" if not r.claim_located and severity == "error" else ""
            # the claim's numbers the row leaves out, those written in digits first ("7.0" rather than "three")
            missing = [c for c in r.claim_numbers if not any(states_number(w, c) for w in r.row_numbers)]
            missing = [c for c in missing if not c.isalpha()] or missing
            stated = ', '.join(r.differing_numbers or r.row_numbers)
            units = unit_conflicts(r.row.text, registry.claims[r.claim_id]) if registry and r.claim_id in registry.claims else []
            if units:  # the claim's number, its unit another: the number alone would read as agreeing
                message = (f"row {n} states {_and(mine for mine, _ in units)} where {r.claim_id} {where} "
                           f"{_and(theirs for _, theirs in units)}{backed}: the same number in another unit")
            elif missing:
                message = f"row {n} states {stated} where {r.claim_id} {where} {', '.join(missing)}{backed}"
            else:  # the row states all of the claim's numbers, and another count of the same things: none to name
                recorded = "" if r.claim_located else " (recorded as other reports quote it; not located in the paper)"
                message = f"row {n} states {stated} beside all of {r.claim_id}'s own numbers; the claim{recorded} has no {stated}{backed}"
            out.append(Finding(code="number_mismatch", severity=severity, section="resolution",
                               row=n, claim_id=r.claim_id, message=message))
        if r.negation_mismatch:
            out.append(Finding(code="negation_mismatch", severity="warning", section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {n} may state the opposite of {r.claim_id}: {r.negation_mismatch}"))
        if r.other_claim_counts:
            out.append(Finding(code="other_claim_count", severity="error" if r.other_claim_counts_backed else "warning",
                               section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {n} gives {'; '.join(r.other_claim_counts)}: a count another claim of the "
                                       "paper states otherwise"))
        if r.other_claim_directions:
            out.append(Finding(code="other_claim_direction", severity="warning", section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {n} may rank the names the other way round from {_reversed_claims(r.other_claim_directions)}"))
        if r.name_mismatch:
            pairs = [m.removesuffix(")").split(" (the claim: ") for m in r.name_mismatch]
            numbered = registry is None or r.claim_id not in registry.claims or bool(registry.claims[r.claim_id].reported)
            where = "beside the same numbers" if numbered else "as the subject of the same ranking (the claim has no numbers)"
            out.append(Finding(code="name_mismatch", severity=severity, section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {n} names {_and(a for a, _ in pairs)} where {r.claim_id} names "
                                       f"{_and(b for _, b in pairs)}, {where}"))
        if r.model_size_mismatch:
            out.append(Finding(code="model_size_mismatch", severity=severity, section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {n} names {'; '.join(r.model_size_mismatch)}, another size of the model than {r.claim_id}"))
        if r.superseded:
            now = f"; the pinned version says instead: {r.current_claim_id}" if r.current_claim_id else ""
            out.append(Finding(code="superseded_version", severity="error", section="resolution", row=n, claim_id=r.claim_id,
                               message=f"row {n} quotes the {r.claim_version} statement {r.claim_id}, superseded{now}"))
    for r in rows:
        if r.tick_reasons:
            out.append(Finding(code="tick_without_evidence", severity="warning", section="tick", row=r.row.number, claim_id=r.claim_id,
                               message=f"row {r.row.number}: " + "; ".join(r.tick_reasons)))
    return out


def audit_report(report: SynthesisReport, registry: Registry, verdicts: Mapping[str, VerdictView], bibliography: Bibliography,
                 names: PaperNames | None = None, mentions: PaperMentions | None = None) -> Scorecard:
    """The scorecard of one report (cross-report confidence spreads are added by ``audit_reports``)."""
    examined_id = resolve_examined(report.examined_paper, registry, bibliography)
    names = names or PaperNames(registry)
    mentions = mentions or PaperMentions(registry)
    rows = [resolve_row(r, registry, verdicts, bibliography, examined_id, names, mentions) for r in report.rows]
    attribution, attr_findings = check_attribution(report, rows, registry, bibliography)
    texts = [(r.row.number, r.row.text + (" " + registry.claims[r.claim_id].statement if r.claim_id else "")) for r in rows]
    examined = bibliography.lookup(attribution.examined_id)
    years = {f.introduced_by: e.year for f in FACETS if f.introduced_by and (e := bibliography.lookup(f.introduced_by)) and e.year}
    question = check_question(report.research_question, texts, examined_year=examined.year if examined else None, facet_years=years)
    checks = _consistency(report)

    findings = _row_findings(rows, registry) + attr_findings
    if question.verdict in ("not addressed", "partly addressed"):
        findings.append(Finding(code=f"question_{question.verdict.replace(' ', '_')}", severity="warning", section="question", message=question.message))
    findings += [Finding(code="question_facet_postdates", severity="info", section="question", message=f.note) for f in question.facets if f.note]
    findings += [Finding(code="count_mismatch", severity="warning", section="consistency", message=c.message) for c in checks if not c.ok]
    findings += [Finding(code="parser_note", severity="info", section="parser", message=n) for n in report.notes]

    info = ReportInfo(
        label=report.label, format=report.format, title=report.title, date=report.date, examined_paper=report.examined_paper,
        research_question=report.research_question, papers_retrieved=report.papers_retrieved,
        claims_extracted=report.claims_extracted, claims_verified=report.claims_verified,
        quality_score=report.quality_score, quality_scale=report.quality_scale,
        rows=len(report.rows), references=len(report.references), notes=list(report.notes),
    )  # fmt: skip
    counts = {
        "rows": len(rows),
        "matched": sum(r.status == "matched" for r in rows),
        "unknown": sum(r.status == "unknown" for r in rows),
        "truncated": sum(r.row.truncated for r in rows),
        "number_mismatch": sum(r.number_mismatch for r in rows),
        "negation_mismatch": sum(bool(r.negation_mismatch) for r in rows),
        "model_size_mismatch": sum(bool(r.model_size_mismatch) for r in rows),
        "other_claim_count": sum(bool(r.other_claim_counts) for r in rows),
        "list_count_mismatch": sum(bool(r.list_count_mismatch) for r in rows),
        "name_mismatch": sum(bool(r.name_mismatch) for r in rows),
        "other_claim_direction": sum(bool(r.other_claim_directions) for r in rows),
        "superseded": sum(r.superseded for r in rows),
        "ticked": sum(r.row.verified is True for r in rows),
        "ticks_without_evidence": sum(bool(r.tick_reasons) for r in rows),
        "misattributed": sum(f.code == "misattributed" for f in attr_findings),
        "references": len(report.references),
        "references_without_claims": sum(f.code == "reference_without_claims" for f in attr_findings),
        "checks_failed": sum(not c.ok for c in checks),
    }
    return Scorecard(report=info, rows=rows, attribution=attribution, question=question, checks=checks, findings=findings, counts=counts)


def audit_reports(
    reports: Sequence[SynthesisReport],
    registry: Registry,
    verdicts: Mapping[str, VerdictView],
    bibliography: Bibliography,
    problems: Sequence[InputProblem] = (),
    verdicts_from: str = "",
    known_names: Callable[[Paper], KnownNames] | None = None,
) -> AuditResult:
    """Scorecards for every report, the cross-report confidence spreads, and the aggregate.
    ``known_names``: the names ``claimcheck validate`` knows for a paper besides its registry entries
    (the task catalogue, the presets' arms), asked only for a name a row puts in place of a claim's."""
    names, mentions = PaperNames(registry, known_names), PaperMentions(registry)
    cards = [audit_report(r, registry, verdicts, bibliography, names, mentions) for r in reports]
    spreads = confidence_spreads(cards, registry)
    updated = []
    for card in cards:
        mine = [s for s in spreads if card.report.label in s.values]
        extra = [spread_finding(s, card.report.label) for s in mine]
        counts = {**card.counts, "confidence_spreads": len(mine)}
        updated.append(card.model_copy(update={"spreads": mine, "findings": card.findings + extra, "counts": counts}))
    return AuditResult(
        scorecards=updated,
        aggregate=aggregate(updated, registry, verdicts, spreads),
        problems=list(problems),
        registry_claims=len(registry.claims),
        verdicts_from=verdicts_from,
    )
