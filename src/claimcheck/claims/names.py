"""The names a claim's derivation parameters use, checked against the names its paper and claimcheck know.

The schema (``derivation_params``) checks that ``system: X-STILT`` is a string; only a comparison with
what is known says that the paper's cells call that system ``X-STILTs``. Without it the typo loads, the
claim comes out "not derivable, missing cells X-STILT / ..." and a replication plans an arm nobody can
run. The names known for a paper are:

* systems: those of its cells and the arms of the replication presets written for it (given by the
  caller: the presets live in ``claimcheck.replication``). A claim's own ``replication_arms`` are not
  known names: they are names to check, as its parameters are (a typo written both as ``system`` and
  in the arms would otherwise vouch for itself);
* tasks: those of its cells, and the task catalogue claimcheck can load (given by the caller);
* facts: the keys of its ``facts``.

A name outside these is one of two things, and ``check_names`` says which:

* ``warning``: it is a near miss of a known name (``name_typos.typo_of``: the same letters up to
  case and punctuation, or a slip of one character in the name's stem, two edits for longer stems,
  never a different number or size): almost surely a typo. The finding says "did you mean ...?".
* ``note``: it is unlike every known name. A paper may name a system whose numbers nobody has read
  (a results table that was not found) or a fact no source states: its claims are then honestly not
  derivable. The note says so and is never a failure.

Pure: values in, findings out. ``claimcheck validate`` prints them (``--strict`` fails on warnings).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from claimcheck.claims.derivation_params import DEFAULT_BASELINE, PARAMS
from claimcheck.claims.models import Paper, PaperFile
from claimcheck.claims.name_typos import nearest, spelled_otherwise, typo_of
from claimcheck.plain_record import FrozenRecord

NameKind = Literal["system", "task", "fact"]

# What each parameter names. Every parameter of every derivation is either here or in NOT_NAMES (a
# contract test holds both lists to ``derivation_params.PARAMS``), so a new name-valued parameter
# (a metric, a language) cannot be added without deciding how it is checked.
NAME_PARAMS: dict[str, NameKind] = {
    "system": "system",
    "baseline": "system",
    "expected": "system",
    "candidates": "system",
    "better": "system",
    "worse": "system",
    "systems": "system",
    "tasks": "task",
    "key": "fact",
}
# ``expect`` of direction_per_task maps task names to directions (its keys are checked as tasks);
# ``expect`` of a fact is the fact's value; ``also`` holds more fact checks (their ``key`` is checked).
NOT_NAMES = frozenset({"split", "ordered", "quorum", "no_gain_margin", "expect", "count", "includes", "also",
                       "work", "needs"})

_WHERE = {
    "system": "is named by none of the paper's cells or its replication presets' arms",
    "task": "is named by none of the paper's cells and is not in the task catalogue",
    "fact": "is not one of the paper's facts",
}
_CONSEQUENCE = {
    "system": "claims naming it are not derivable (no cells, no arm to run)",
    "task": "claims naming it are not derivable (no cells, no task to run)",
    "fact": "the claim is not derivable until the paper records it",
}
_SPELLED = "is spelled otherwise in the paper's cells, and derivations match names exactly"
_ARM_CONSEQUENCE = "no preset can run this arm, and no cell reports it"


# The records here are frozen records (``plain_record``: each dataclass cost ~4 M instructions to build).


class KnownNames(FrozenRecord):
    """The names a paper's claims may use, by kind."""

    _fields = ("systems", "tasks", "facts")

    def __init__(self, systems: frozenset[str], tasks: frozenset[str], facts: frozenset[str]) -> None:
        self._init(systems=systems, tasks=tasks, facts=facts)

    def of(self, kind: NameKind) -> frozenset[str]:
        return {"system": self.systems, "task": self.tasks, "fact": self.facts}[kind]


class NameFinding(FrozenRecord):
    """One name a claim uses that its paper does not know: ``level`` "warning" or "note", ``path`` the
    claim file, ``field`` as "claims[3].derivation.params.tasks[0]", ``suggestions`` the known names it
    is likely a typo of (warning) or nearest to (note), ``default`` whether the name is a default the
    claim did not write (``baseline``), ``arm`` whether it is one of the claim's ``replication_arms``,
    ``known`` whether claimcheck knows the name (a catalogue task, a preset's arm) and the cells spell it
    otherwise."""

    _fields = ("level", "path", "claim_id", "field", "kind", "name", "suggestions", "default", "arm", "known")

    def __init__(self, level: Literal["warning", "note"], path: str, claim_id: str, field: str, kind: NameKind, name: str,
                 suggestions: tuple[str, ...] = (), default: bool = False, arm: bool = False, known: bool = False) -> None:
        self._init(level=level, path=path, claim_id=claim_id, field=field, kind=kind, name=name, suggestions=suggestions,
                   default=default, arm=arm, known=known)

    @property
    def message(self) -> str:
        given = f"{self.kind} {self.name!r}" + (" (not given: the default)" if self.default else "")
        text = f"{given} {_SPELLED if self.known else _WHERE[self.kind]}"
        if self.level == "warning":
            return text + f"; did you mean {_either(self.suggestions)}?"
        nearest = f" (nearest known: {_either(self.suggestions)})" if self.suggestions else ""
        return f"{text}{nearest}; {_ARM_CONSEQUENCE if self.arm else _CONSEQUENCE[self.kind]}"

    def render(self) -> str:
        return f"{self.level}: {self.path}: claim {self.claim_id}: field '{self.field}': {self.message}"


class NameNote(FrozenRecord):
    """The notes about one unknown name in one file, printed as one line.

    A paper without presets or cells (a new paper, a copied file) names its arms in many claims and
    fields: ANLI+ in every candidates list and every replication_arms. Each of these notes says the same
    thing (nothing is wrong with the field; the paper just does not know the name), so they are told
    once per name, with the claims and the first field that name it. Warnings are never grouped: each
    is a field to correct.
    """

    _fields = ("findings",)

    def __init__(self, findings: tuple[NameFinding, ...]) -> None:  # same path, kind and name; level "note"; in file order
        self._init(findings=findings)

    def render(self) -> str:
        first = self.findings[0]
        if len(self.findings) == 1:
            return first.render()
        # a parameter's consequence ("claims naming it are not derivable (no cells, no arm to run)")
        # covers an arm's too; an arm's alone where only arms name it
        text = next((f for f in self.findings if not f.arm), first).message
        claims = list(dict.fromkeys(f.claim_id for f in self.findings))
        shown = ", ".join(claims[:3]) + (f" and {len(claims) - 3} more" if len(claims) > 3 else "")
        where = f"{len(self.findings)} fields of {len(claims)} claim{'s' if len(claims) != 1 else ''} ({shown})"
        return f"note: {first.path}: {text}; named in {where}, first claim {first.claim_id} field '{first.field}'"


def grouped(findings: Iterable[NameFinding]) -> list[NameFinding | NameNote]:
    """``findings`` as printed: each warning on its own, the notes about one name in one file as one
    ``NameNote`` (where the first of them was)."""
    order: list[NameFinding | tuple[str, str, str]] = []
    notes: dict[tuple[str, str, str], list[NameFinding]] = {}
    for f in findings:
        if f.level == "warning":
            order.append(f)
            continue
        key = (f.path, f.kind, f.name)
        if key not in notes:
            notes[key] = []
            order.append(key)
        notes[key].append(f)
    return [NameNote(tuple(notes[x])) if isinstance(x, tuple) else x for x in order]


def _either(names: Iterable[str]) -> str:
    return " or ".join(repr(n) for n in names)


def known_names(paper: Paper, preset_systems: Iterable[str] = (), catalogue_tasks: Iterable[str] = ()) -> KnownNames:
    """What ``paper``'s claims may name: see the module docstring. Its claims play no part."""
    return KnownNames(systems=frozenset({c.system for c in paper.cells} | set(preset_systems)),
                      tasks=frozenset({c.task for c in paper.cells} | set(catalogue_tasks)),
                      facts=frozenset(f.key for f in paper.facts))


def names_in_params(derivation: str, params: Mapping[str, Any]) -> Iterator[tuple[str, NameKind, str, bool]]:
    """(path under ``params``, kind, name, whether it is a default) for each name a derivation's
    parameters use, the defaults included: the baseline when a derivation that takes one is given
    none, and the nine XTREME tasks when one that takes ``tasks`` is given none (as
    ``verifier.derive.task_list`` reads them: a paper whose cells say "PAWS-X" has no cell for the
    default "pawsx")."""
    yield from _written_names(derivation, params)
    model = PARAMS.get(derivation)
    if model is None:
        return
    if "baseline" in model.model_fields and "baseline" not in params:
        yield "baseline", "system", DEFAULT_BASELINE, True
    if "tasks" in model.model_fields and not params.get("tasks"):
        from claimcheck.verifier.table import XTREME_TASKS  # the derivations' default; a light module

        yield from (("tasks", "task", task, True) for task in XTREME_TASKS)


def _written_names(derivation: str, params: Mapping[str, Any]) -> Iterator[tuple[str, NameKind, str, bool]]:
    for key, value in params.items():
        if key == "expect" and derivation == "direction_per_task" and isinstance(value, Mapping):
            yield from ((f"expect.{task}", "task", task, False) for task in value if isinstance(task, str))
        elif key == "also" and isinstance(value, list):
            for i, check in enumerate(value):
                if isinstance(check, Mapping):
                    yield from ((f"also[{i}].{where}", kind, name, False)
                                for where, kind, name, _ in _written_names(derivation, check))
        elif key in NAME_PARAMS:
            kind = NAME_PARAMS[key]
            if isinstance(value, str):
                yield key, kind, value, False
            elif isinstance(value, list):
                yield from ((f"{key}[{i}]", kind, v, False) for i, v in enumerate(value) if isinstance(v, str))


def check_names(paper_file: PaperFile, path: Path | str, *, preset_systems: Iterable[str] = (),
                catalogue_tasks: Iterable[str] = ()) -> list[NameFinding]:
    """Every name in the file's derivation parameters and ``replication_arms`` that its paper does not
    know, in file order: one finding per (claim, name) among the parameters, and one per arm (an arm
    is a field of its own to correct, even when a parameter repeats the name)."""
    known = known_names(paper_file.paper, preset_systems, catalogue_tasks)
    in_cells = {"system": {c.system for c in paper_file.paper.cells}, "task": {c.task for c in paper_file.paper.cells}}
    findings: list[NameFinding] = []

    def find(claim_id: str, field: str, kind: NameKind, name: str, default: bool = False, arm: bool = False) -> None:
        pool = known.of(kind)
        cell = spelled_otherwise(name, in_cells.get(kind, ()))
        close = (cell,) if cell else typo_of(name, pool)
        findings.append(NameFinding(level="warning" if close else "note", path=str(path), claim_id=claim_id, field=field,
                                    kind=kind, name=name, suggestions=close[:3] or nearest(name, pool),
                                    default=default, arm=arm, known=bool(cell) and name in pool))

    for i, claim in enumerate(paper_file.claims):
        seen: set[tuple[str, str]] = set()
        for where, kind, name, default in names_in_params(claim.derivation.name, claim.derivation.params):
            if (name in known.of(kind) and not spelled_otherwise(name, in_cells.get(kind, ()))) or (kind, name) in seen:
                continue
            seen.add((kind, name))
            find(claim.id, f"claims[{i}].derivation.params.{where}", kind, name, default=default)
        arms_seen: set[str] = set()
        for j, name in enumerate(claim.replication_arms):
            if (name in known.systems and not spelled_otherwise(name, in_cells["system"])) or name in arms_seen:
                continue
            arms_seen.add(name)
            find(claim.id, f"claims[{i}].replication_arms[{j}]", "system", name, arm=True)
    return findings
