"""Across reports: the confidence one claim (or one identical sentence) gets in different rows and
reports, and the canonical claims that recur, with their verdicts. Pure.

Confidences that differ by ``SPREAD_TOLERANCE`` or less (0.32 vs 0.33) are not a spread: the
syntheses jitter by a hundredth from run to run, and flagging that would bury the real findings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import PurePath

from claimcheck.claims.registry import Registry
from claimcheck.audit.models import Aggregate, ConfidenceSpread, Finding, RecurringClaim, Scorecard, VerdictView
from claimcheck.audit.claim_match import normalise

SPREAD_TOLERANCE = 0.1  # a spread is reported only when the highest and lowest confidence differ by more


def confidence_spreads(cards: Sequence[Scorecard], registry: Registry) -> list[ConfidenceSpread]:
    groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    texts: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for card in cards:
        for r in card.rows:
            if r.row.confidence is None:
                continue
            key = r.claim_id or "text:" + normalise(r.row.text)[:60]
            groups[key][card.report.label].append(r.row.confidence)
            texts[key].add(normalise(r.row.text))
            labels.setdefault(key, registry.claims[r.claim_id].statement if r.claim_id else r.row.text)
    spreads = []
    for key, per_report in groups.items():
        values = [v for vs in per_report.values() for v in vs]
        if round(max(values) - min(values), 9) > SPREAD_TOLERANCE:
            spreads.append(ConfidenceSpread(key=key, label=labels[key], same_text=len(texts[key]) == 1,
                                            values={k: sorted(v) for k, v in sorted(per_report.items())}))
    return sorted(spreads, key=lambda s: s.key)


def spread_finding(s: ConfidenceSpread, label: str) -> Finding:
    """The finding for one report: its own value(s), then the other reports grouped by value."""
    here = ", ".join(f"{v:.2f}" for v in s.values.get(label, []))
    by_value: dict[str, list[str]] = defaultdict(list)
    for other, vs in s.values.items():
        if other != label:
            by_value[", ".join(f"{v:.2f}" for v in vs)].append(PurePath(other).name)
    elsewhere = "; ".join(f"{value} in {', '.join(names)}" for value, names in sorted(by_value.items()))
    what = "the same sentence" if s.same_text else "the same claim (worded differently)"
    where = f"; elsewhere {elsewhere}" if elsewhere else " (within this report)"
    return Finding(code="confidence_spread", severity="warning", section="consistency", claim_id=None if s.key.startswith("text:") else s.key,
                   message=f"{what} ({s.key}) gets confidence {here} here{where}")


def aggregate(cards: Sequence[Scorecard], registry: Registry, verdicts: Mapping[str, VerdictView], spreads: list[ConfidenceSpread]) -> Aggregate:
    met: dict[str, dict] = {}
    for card in cards:
        for r in card.rows:
            if r.claim_id is None:
                continue
            m = met.setdefault(r.claim_id, {"reports": [], "rows": 0, "ticked": 0, "conf": []})
            if card.report.label not in m["reports"]:
                m["reports"].append(card.report.label)
            m["rows"] += 1
            m["ticked"] += r.row.verified is True
            if r.row.confidence is not None:
                m["conf"].append(r.row.confidence)
    claims = [
        RecurringClaim(claim_id=cid, statement=registry.claims[cid].statement, reports=m["reports"], rows=m["rows"], ticked=m["ticked"],
                       confidences=sorted(m["conf"]), verdict=verdicts.get(cid), located=registry.claims[cid].located)
        for cid, m in met.items()
    ]  # fmt: skip
    claims.sort(key=lambda c: (-len(c.reports), c.claim_id))
    codes: dict[str, int] = defaultdict(int)
    for card in cards:
        for f in card.findings:
            codes[f.code] += 1
    return Aggregate(
        reports=len(cards),
        rows=sum(len(c.rows) for c in cards),
        claims=claims,
        unknown_rows=sum(c.counts["unknown"] for c in cards),
        spreads=spreads,
        finding_counts=dict(sorted(codes.items())),
    )
