"""Source tier: re-derive a claim from the reported cells, with interval arithmetic, no compute.

When sources disagree on a cell (two leaderboard copies), the derivation runs once per *view*: each
source in turn takes precedence, the others fill the gaps. The verdict is that of the first
derivable view in order of reliability (primary, secondary, low); the others are shown beside it,
and a disagreement between views is said in the summary.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from claimcheck.claims.models import Claim, ClaimKind, Paper, Reliability
from claimcheck.claims.name_typos import spelled_otherwise, typo_of
from claimcheck.claims.names import KnownNames, known_names
from claimcheck.results.records import Observation
from claimcheck.verifier.derive import Context, Derived, attempt_derivation
from claimcheck.verifier.implied import implied_missing_mean
from claimcheck.verifier.intervals import Interval, written_interval
from claimcheck.verifier.ranking import overlap_matching, rank_pairs
from claimcheck.verifier.table import CellKey, Table, paper_observations
from claimcheck.verifier.verdict import CellUse, SourceVerdict, TierResult, ViewResult, span, trusted

_RELIABILITY_RANK = {Reliability.primary: 0, Reliability.secondary: 1, Reliability.low: 2}
_LOW = Reliability.low.value
# read once: an Enum class attribute (and a member's .value) is a slow lookup in Python 3.11
_NOT_DERIVABLE, _NOT_DERIVABLE_VALUE = SourceVerdict.not_derivable, SourceVerdict.not_derivable.value


def reported_intervals(claim: Claim) -> list[Interval]:
    return [written_interval(v, claim.tolerance.extra) for v in claim.reported]


TABLE_FREE = {"fact", "cited_claim", "unavailable_source", "not_specified"}
GAIN_DIRECTION = {"mean_gain", "xtreme_gain"}  # with no number, the claim is a gain above zero
EPS = 1e-9  # interval ends this close to zero count as touching it (float noise is not a verdict)


def _views(paper: Paper) -> list[tuple[str, list[str]]]:
    """(label, source order) per source that has cells, most reliable first."""
    ordered = sorted(paper.sources, key=lambda s: _RELIABILITY_RANK[s.reliability])
    have = {c.__dict__["source"] for c in paper.cells}  # read once (a pydantic attribute is a slow lookup), not per source
    with_cells = [s for s in ordered if s.id in have]
    if not with_cells:
        return [("no reported cells", [s.id for s in ordered])]
    views = []
    for s in with_cells:
        rest = [o.id for o in ordered if o.id != s.id]
        views.append((f"{s.id} first", [s.id] + rest))
    return views


def judge(claim: Claim, derived: Derived) -> SourceVerdict:
    """Compare a derived value with what the claim reports (interval semantics: 'could it hold?')."""
    if derived.fact_ok is not None:
        return SourceVerdict.consistent if derived.fact_ok else SourceVerdict.inconsistent
    if derived.effects:
        by_task: dict[str, list] = defaultdict(list)
        for e in derived.effects:
            by_task[e.task].append(e)
        verdict = SourceVerdict.consistent
        for checks in by_task.values():
            ok = sum(1 for e in checks if _effect_possible(e.expect, e.gain, derived.no_gain_margin))
            if ok / len(checks) >= derived.quorum - 1e-9:
                continue
            if any(e.expect != "no_gain" for e in checks):  # an expected rise or fall that does not happen
                return SourceVerdict.direction_error
            verdict = SourceVerdict.inconsistent  # "no gain", but a gain beyond the margin: a size miss
        return verdict
    if derived.margin is not None and derived.margin.hi < -EPS:  # touching zero counts as meeting it, as in overlaps
        return SourceVerdict.direction_error
    verdict = SourceVerdict.consistent
    reported = reported_intervals(claim)
    if not reported and claim.derivation.name in GAIN_DIRECTION and derived.values:
        # a gain claimed without a number claims its direction: above zero
        return SourceVerdict.direction_error if derived.values[0].hi < -EPS else verdict
    if derived.unordered:  # any assignment of numbers to systems that fits; else by rank, largest with largest
        if overlap_matching(derived.values, reported) is not None:
            return verdict
        pairs = [(reported[j], derived.values[i]) for i, j in rank_pairs([v.mid for v in derived.values], reported)]
    else:
        pairs = list(zip(reported, derived.values))
    for rep, got in pairs:
        if rep.overlaps(got):
            continue
        if rep.sign() != 0 and got.sign() != 0 and rep.sign() != got.sign():
            return SourceVerdict.direction_error
        verdict = SourceVerdict.inconsistent
    return verdict


def _effect_possible(expect: str, gain: Interval, no_gain_margin: float) -> bool:
    if expect == "up":
        return gain.hi > -EPS
    if expect == "down":
        return gain.lo < EPS
    return gain.lo < no_gain_margin + EPS  # no_gain: possibly below the margin


class PaperSources:
    """What the source tier reads of one paper, independent of the claim: the facts, the views over
    the reported cells (de-duplicated, each with its table) and the lookups behind ``CellUse``.

    ``verify`` builds one per paper and shares it across that paper's claims; a view's table records
    the cells a derivation used, so it is cleared before each use.
    """

    def __init__(self, paper: Paper, known: Callable[[Paper], KnownNames] | None = None):
        self.paper = paper
        # how to learn the names ``claimcheck validate`` counts as known for the paper (``claims.names``):
        # its cells, and, when the caller gives them, its presets' arms and the task catalogue (those
        # live in ``claimcheck.replication``, which the verifier does not import). Asked only when a
        # missing name looks like a typo, so a verification without one never loads them.
        self._known_of = known or known_names
        self._known: KnownNames | None = None
        self._hints: dict[tuple[str, str], str | None] = {}
        self.ctx = Context(facts={f.key: f.value for f in paper.facts}, fact_quotes={f.key: f.quote for f in paper.facts})
        self._cell_views: list[tuple[str, Table]] | None = None
        self._observed: dict[int, Observation] = {}  # each cell's observation, built once for every view (paper_observations)
        self._all_cells: Table | None = None
        self._fact_sources = {}
        for f in paper.facts:
            self._fact_sources.setdefault(f.key, f.source)
        self._cells_by_origin = {f"cell:{c.source}:{c.locator}": c for c in paper.cells}
        self.given = {CellKey(c.system, c.task, c.metric, c.split) for c in paper.cells}  # by any source
        self._written: dict[tuple, str] = {}
        for c in paper.cells:  # the first cell of an origin with the same identity wins
            self._written.setdefault((f"cell:{c.source}:{c.locator}", c.system, c.task, c.language, c.metric), c.value)
        self._reliability: dict[str, str] = {}
        for src in paper.sources:
            self._reliability.setdefault(src.id, src.reliability.value)
        self._uses: dict[Observation, CellUse] = {}
        self.systems = frozenset(c.system for c in paper.cells)
        self.tasks = frozenset(c.task for c in paper.cells)

    def typo_hints(self, missing: Iterable[CellKey]) -> list[str]:
        """For a missing cell whose system (or task) no cell of the paper names but one of them nearly
        does (``typo_of``): "no cell names system 'X-STILT'; did you mean 'X-STILTs'?" (a typo in the
        claim file). A name in ``known`` (what ``claimcheck validate`` knows: a preset's arm, a
        catalogue task, when the caller gave them) gets no hint, so a hint goes with a ``validate``
        warning about the same name."""
        if not self.systems and not self.tasks:  # no cells: no name to suggest
            return []
        hints, missing = [], list(missing)
        for kind, names, cells in (("system", {k.system for k in missing}, self.systems),
                                   ("task", {k.task for k in missing}, self.tasks)):
            for name in sorted(names - cells):
                hint = self._hints.get((kind, name), False)
                if hint is False:  # each name is judged once per paper
                    near = typo_of(name, cells)
                    ok = near and (spelled_otherwise(name, cells) or name not in self.known.of(kind))
                    hint = self._hints[(kind, name)] = f"no cell names {kind} {name!r}; did you mean {near[0]!r}?" if ok else None
                if hint:
                    hints.append(hint)
        return hints

    @property
    def known(self) -> KnownNames:
        if self._known is None:
            self._known = self._known_of(self.paper)
        return self._known

    def views(self, claim: Claim) -> list[tuple[str, Table]]:
        """(label, table) per view of the claim that differs from the views before it (see ``_views``)."""
        return self.views_of(claim.derivation.name, claim.derivation.params)

    def views_of(self, name: str, params: dict) -> list[tuple[str, Table]]:
        """``views`` of a claim of derivation ``name`` with ``params`` (``check_source`` reads them once).

        The list of cell views is the paper's own, returned as it is with each table cleared (no new
        list and pair per claim, about 2,000 instructions): the caller only iterates over it."""
        if name in TABLE_FREE:
            fact_source = self._fact_sources.get(params.get("key"))
            if self._all_cells is None:
                self._all_cells = Table(paper_observations(self.paper, [], self._observed))
            return [(self._fact_label(fact_source), _fresh(self._all_cells))]
        if self._cell_views is None:
            self._cell_views = []
            seen_sets: set[frozenset] = set()
            for label, order in _views(self.paper):
                rows = paper_observations(self.paper, order, self._observed)
                fingerprint = frozenset((o.system, o.task, o.language, o.metric, o.split, o.lo, o.hi) for o in rows)
                if fingerprint in seen_sets:
                    continue
                seen_sets.add(fingerprint)
                self._cell_views.append((label, Table(rows)))
        for _, table in self._cell_views:
            used = table.used
            if used:  # (a view no derivation read cells of is left as it is: no call)
                used.clear()
        return self._cell_views

    def _fact_label(self, source: str | None) -> str:
        """A fact's view is named by its source; one that is not the paper's own text says how reliable it is."""
        if source is None:
            return "paper text"
        rel = self._reliability.get(source, "")
        return f"source {source}" if rel in ("primary", "") else f"source {source} ({rel}: not the paper itself)"

    def cell_uses(self, rows: list[Observation]) -> list[CellUse]:
        """The cells behind ``rows`` (first occurrence of each), as written in the paper."""
        out, seen = [], set()
        for o in rows:
            key = (o.origin, o.system, o.task, o.language, o.metric, o.split)
            if key in seen:
                continue
            seen.add(key)
            use = self._uses.get(o)
            if use is None:
                cell = self._cells_by_origin.get(o.origin)
                written = self._written.get(key[:5], "")
                rel = self._reliability.get(o.origin.split(":")[1], "")
                use = self._uses[o] = trusted(CellUse, dict(system=o.system, task=o.task, language=o.language, metric=o.metric, split=o.split,
                                              value=written or (cell.value if cell else f"{o.value:g}"), origin=o.origin, reliability=rel))
            out.append(use)
        return out


def _fresh(table: Table) -> Table:
    table.used.clear()
    return table


def render_missing(missing: list[CellKey]) -> list[str]:
    """Missing cells grouped by system and split: 'MNLI (dev): xnli accuracy, tydiqa em, tydiqa f1'.

    The groups in order of (system, split), each with its cells in the order given. Every not-derivable
    claim renders its cells, mostly a NotDerivable's (sorted, so each group's cells come together and
    the groups in order): those are written in one pass, without a dict of groups and its sort (about a
    third of the instructions); cells in any other order are grouped as before (``_render_groups``)."""
    out = []
    group = None  # (system, split) of the group written last
    items: list[str] = []
    for system, task, metric, split in missing:  # each key unpacked as the tuple it is
        item = f"{task} {metric}"
        if " *" in item:  # a metric "*" (any) is not written
            item = item.replace(" *", "")
        key = (system, split)
        if key == group:
            items.append(item)
            continue
        if group is not None:
            if key < group:  # not in order: grouped as before
                return _render_groups(missing)
            out.append(f"{group[0]} ({group[1]}): {', '.join(items)}")
        group, items = key, [item]
    if group is not None:
        out.append(f"{group[0]} ({group[1]}): {', '.join(items)}")
    return out


def _render_groups(missing: list[CellKey]) -> list[str]:
    """``render_missing`` of cells in any order."""
    groups: dict[tuple[str, str], list[str]] = {}
    for system, task, metric, split in missing:
        item = f"{task} {metric}".replace(" *", "")
        found = groups.get((system, split))
        if found is None:
            groups[(system, split)] = [item]
        else:
            found.append(item)
    out = []  # a loop, not a comprehension: no function object built and called
    for (system, split), items in sorted(groups.items()):
        out.append(f"{system} ({split}): {', '.join(items)}")
    return out


def check_source(claim: Claim, paper: Paper, shared: PaperSources | None = None) -> TierResult:
    """Judge ``claim`` on ``paper``'s cells (``shared``: the paper's PaperSources, reused across claims)."""
    if shared is None:
        shared = PaperSources(paper)
    ctx = shared.ctx
    # the claim's fields read as items of its dict, each once: an attribute of a pydantic model is a
    # slower lookup (about 600 instructions, see engine.verify_claim), and every claim reads a dozen
    fields = claim.__dict__
    derivation = fields["derivation"].__dict__
    name, params, reported = derivation["name"], derivation["params"], fields["reported"]
    views: list[ViewResult] = []
    # The verdict objects are built without validation (``verdict.trusted``): every field below is
    # already of its type (str, float bounds, SourceVerdict members, lists built here)
    # reported_intervals(claim) zipped with the written numbers, as one loop (no two comprehensions per claim)
    spans = []
    if reported:
        extra = fields["tolerance"].__dict__["extra"]
        for v in reported:
            iv = written_interval(v, extra)
            spans.append(span(f"reported {v}", iv[0], iv[1], "reported"))
        claimed = written_interval(reported[0], extra)  # reported_intervals(claim)[0], for _implied
    reasons: list[str] = []
    reasons_implied: list[str] = []
    missing_keys: list[list[CellKey]] = []
    n_derived = 0
    implies = reported and name in _IMPLIED_FOR  # a gain claim with a number may have an implied value (_implied)
    for label, table in shared.views_of(name, params):
        # a NotDerivable returned, not raised: most views of most claims lack a cell (attempt_derivation)
        derived = attempt_derivation(name, table, params, ctx)
        if derived.__class__ is not Derived:
            missing, reason = derived.missing, derived.reason
            missing_keys.append(missing)
            if reason:
                lines = [reason]
                reasons.append(reason)
            else:
                lines = []
            if shared.given:
                elsewhere = [k for k in missing if k in shared.given]
                if elsewhere:  # a view takes a task's metrics in one language from one source (paper_observations)
                    lines.append(f"not combined across sources: {'; '.join(render_missing(elsewhere))} "
                                 "(another source gives these, but not with the rest of the task's metrics)")
            implied = _implied(name, params, claimed, table, missing) if implies else None
            if implied:
                iv, implied_lines = implied
                lines += implied_lines
                reasons_implied.append(f"for {reported[0]} to hold they would have to average {iv.render(2)}")
                spans.append(span(f"implied ({label})", iv.lo, iv.hi, "implied"))
            if table.used:
                cells = shared.cell_uses(table.used)
                if implied:
                    weak = [f"{c.system}/{c.task}" for c in cells if c.reliability == _LOW]
                    if weak:
                        lines.append(f"the implied value depends on low-reliability cells: {', '.join(weak)}")
            else:
                cells = []
            views.append(trusted(ViewResult, {"label": label, "verdict": _NOT_DERIVABLE, "lines": lines,
                                              "cells": cells, "missing": render_missing(missing)}))
            continue
        n_derived += 1
        verdict = judge(claim, derived)
        cells = shared.cell_uses(table.used)
        weak = [f"{c.system}/{c.task}" for c in cells if c.reliability == _LOW] if cells else []
        lines = derived.lines + ([f"depends on low-reliability cells: {', '.join(weak)}"] if weak else [])
        views.append(trusted(ViewResult, {"label": label, "verdict": verdict, "lines": lines, "cells": cells}))
        for lab, iv in zip(derived.labels, derived.values):
            spans.append(span(f"{lab} ({label})", iv.lo, iv.hi, "derived"))
        if derived.margin is not None:
            spans.append(span(f"order margin ({label})", derived.margin.lo, derived.margin.hi, "derived"))
    if n_derived:  # the common case, every view not derivable, skips what follows (about 2,500 instructions)
        derivable = [v for v in views if v.verdict is not _NOT_DERIVABLE]
        # a view that needs a low-reliability cell is shown, never decisive on its own (models.Reliability)
        decisive = [v for v in derivable if not any(c.reliability == _LOW for c in v.cells)]
        if not decisive:
            first = derivable[0]
            weak = sorted({f"{c.system}/{c.task}" for c in first.cells if c.reliability == _LOW})
            summary = (f"not derivable from reliable sources: it would be {first.verdict._value_} under {first.label}, "
                       f"but only with low-reliability cells ({', '.join(weak)}), which never decide alone")
            return trusted(TierResult, dict(verdict=_NOT_DERIVABLE_VALUE, summary=summary, lines=list(first.lines),
                                            views=views, spans=spans))
        first = decisive[0]
        summary = f"{first.verdict._value_} under {first.label}"  # _value_: .value (replication_judge)
        if len(decisive) > 1 and len({v.verdict for v in decisive}) > 1:
            summary += "; the sources disagree: " + ", ".join(f"{v.label}: {v.verdict._value_}" for v in decisive[1:])
        return trusted(TierResult, {"verdict": first.verdict._value_, "summary": summary, "lines": list(first.lines), "views": views,
                                    "spans": spans})
    if reasons:
        summary = f"not derivable: {reasons[0]}"
    else:
        missing = views[0].missing if views else []
        if len(missing) > 2:
            n_cells = sum(len(group.split(": ", 1)[1].split(", ")) for group in missing)
            summary = (f"not derivable: {n_cells} cells missing for {len(missing)} systems; first: {missing[0]}")
        else:
            summary = "not derivable: missing " + "; ".join(missing)
        if reasons_implied:
            summary += "; " + reasons_implied[0]
        if shared.systems or shared.tasks:  # (typo_hints has nothing to say for a paper without cells)
            hints = shared.typo_hints(k for exc_missing in missing_keys for k in exc_missing)
            if hints:
                summary += " (" + "; ".join(hints) + ")"
    if fields["attributed_to"] and fields["kind"] is ClaimKind.background:
        summary += f" (background: {fields['attributed_to']}'s claim)"
    # dict displays, not dict(...), for the objects every claim builds: no call with keywords to gather
    return trusted(TierResult, {"verdict": _NOT_DERIVABLE_VALUE, "summary": summary, "views": views, "spans": spans})


_IMPLIED_FOR = ("xtreme_gain", "mean_gain")  # the gain derivations an implied value is worked out for


def _implied(name: str, params: dict, claimed: Interval, table: Table, missing: list[CellKey]) -> tuple[Interval, list[str]] | None:
    """For a gain claim (``name`` in ``_IMPLIED_FOR``) whose view misses only the system's cells
    (``missing``), the value the missing cells must take for the first reported number (``claimed``,
    as written, with the claim's tolerance) to hold."""
    system = params["system"]
    for k in missing:  # a loop, not any(generator): every not-derivable gain claim asks
        if k[0] != system:  # k.system, read as the tuple item it is
            return None
    params = dict(params)
    params.setdefault("split", "test" if name == "xtreme_gain" else "dev")  # the split the gain itself reads
    got = implied_missing_mean(table, params, claimed)
    if got is None:
        return None
    iv, tasks, lines = got
    return iv, ["implied value (not a found number): " + lines[-1]] + lines[:-1]
