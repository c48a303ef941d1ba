"""What the replication tier reads, built once per verification and shared by every claim:

* ``SeedTables``: one observation table per (paper, seed) over every successful run, so a
  derivation on one seed's table sees only that seed's runs (gains are paired per seed);
* ``RunGroup``: one arm's runs, split into failed runs and successful runs by seed, with their
  fidelities and deviations.
"""

from __future__ import annotations

from collections import Counter

from claimcheck.results.records import Metric, Observation, RunRecord
from claimcheck.verifier.table import PRIMARY_METRIC, QA_TASKS, Table


def _protocol(record: RunRecord) -> tuple | None:
    """What makes two arms' scores on a target comparable: the same model, target training, evaluated
    slices (with their example counts) and precision, compared with ``==`` (dicts compare by content,
    whatever their key order). None when the record carries no spec."""
    spec = record.spec
    if not spec or "target" not in spec:
        return None
    return (spec.get("encoder"), spec["target"], spec.get("precision"))


def _add_protocol(protocols: dict[tuple[str, int, str], list[tuple[tuple, RunRecord]]], record: RunRecord) -> None:
    """Note ``record``'s protocol (it has one: a spec with a target) for each task it measured, in
    ``protocols`` by (paper, seed, task): the distinct protocols, each with its first run."""
    protocol = _protocol(record)
    for task in {m.task for m in record.metrics}:
        found = protocols.setdefault((record.paper_id, record.seed, task), [])
        if not any(protocol == known for known, _ in found):
            found.append((protocol, record))


def _run_everywhere(measured: dict[tuple[str, int], set[tuple[str, str, str]]],
                    systems: dict[tuple[str, int], set[str]]) -> dict[str, set[tuple[str, str, str]]]:
    """Per paper, the (system, task, split) triples an arm measured in every seed it has a run in
    (``measured`` and ``systems``: per (paper, seed), the triples measured and the arms with a run).

    Counted rather than compared seed set by seed set: a triple is everywhere when the number of
    seeds that measured it equals the number of seeds its arm ran in (each seed counts once, so the
    counts match only when the seeds do). ``Counter.update`` on a set runs in C, which matters with
    one arm per claim (tens of thousands of triples).
    """
    seeds_measuring: dict[str, Counter] = {}  # paper -> (system, task, split) -> seeds that measured it
    seeds_running: dict[str, Counter] = {}  # paper -> system -> seeds it has a run in
    for (paper_id, seed), triples in measured.items():
        seeds_measuring.setdefault(paper_id, Counter()).update(triples)
        seeds_running.setdefault(paper_id, Counter()).update(systems[(paper_id, seed)])
    return {paper_id: {triple for triple, n in counts.items() if n == seeds_running[paper_id][triple[0]]}
            for paper_id, counts in seeds_measuring.items()}


class SeedTables:
    """One observation table per (paper, seed) over every successful run, built once per verification
    and shared by all claims (each derivation looks up only the systems it names).

    Gains compare arms on one target, so their runs must follow one protocol. When runs of one target
    in one seed differ in it (say, one arm evaluated on 100 examples and the baseline on 2,000), that
    target's cells are refused in that seed, naming two of the runs, instead of compared.

    Derivations on replication data use the tasks and candidates that were run; a task an arm ran in
    only some of its seeds counts as not run in all of them, so every seed averages the same tasks (a
    matrix resumed piece by piece is often uneven). An arm run in fewer seeds than others is not
    hidden here: a ranking is judged over the seeds that ran every candidate (``replication_runs``).

    Each run's metrics are read once, into (system, task, metric, split) cells per (paper, seed); a
    cell measured by one metric row (the usual case: one run, one language) goes into its table as
    a value, without an ``Observation`` (``Table.of_runs``), which is most of the building cost with
    tens of thousands of runs."""

    def __init__(self, records: list[RunRecord]):
        self._finish(*_collect(records, None))

    def _finish(self, cells: dict[tuple[str, int], dict], systems: dict[tuple[str, int], set[str]],
                protocols: dict[tuple[str, int, str], list[tuple[tuple, RunRecord]]]) -> None:
        """Everything but the pass over the runs (``__init__``, or ``gather`` with the arms' groups):
        ``cells``, ``systems`` and ``protocols`` as ``__init__`` collects them."""
        refused: dict[tuple[str, int], dict[str, str]] = {}
        for (paper_id, seed, task), found in protocols.items():
            if len(found) > 1:
                (_, a), (_, b) = found[:2]
                refused.setdefault((paper_id, seed), {})[task] = (
                    f"the {task} runs of seed {seed} followed different protocols ({a.system} {a.run_id} and "
                    f"{b.system} {b.run_id} differ in model, training or evaluated examples), so their scores are "
                    "not comparable: verify one configuration at a time (`claimcheck runs remove`, a separate "
                    "--store, or --no-bundled-results)")
        # each (paper, seed)'s table is built when first read (``get``): a gain read from the arms' rows
        # (``_arm_row``) reads none, and building one costs about 4,500 instructions a run metric
        self._tables: dict[tuple[str, int], Table] = {}
        self._cells, self._refused, self._systems = cells, refused, systems
        # per paper, what its arms ran in every one of their seeds (``_run_everywhere``), and per (paper,
        # seed) the (system, task, split) it measured: only a table reads them (``_build``), so they are
        # collected with the paper's first table, not here (with one arm per claim, tens of thousands of
        # triples counted and compared: about 40 M instructions for 50,000 runs, for no table built)
        self._everywhere: dict[str, set[tuple[str, str, str]]] = {}
        self._measured: dict[tuple[str, int], set[tuple[str, str, str]]] = {}
        self._keys: dict[str, list[tuple[str, int]]] = {}  # per paper, its keys of ``cells`` in their order
        simple: dict[str, dict[int, dict | None]] = {}  # per paper and seed: the seed's cells, None where it refuses a task
        for key, seed_cells in cells.items():
            paper_id = key[0]
            by_seed = simple.get(paper_id)
            if by_seed is None:
                by_seed = simple[paper_id] = {}
                self._keys[paper_id] = [key]
            else:
                self._keys[paper_id].append(key)
            by_seed[key[1]] = None if key in refused else seed_cells
        self._seeds: dict[str, list[int]] = {}  # per paper, the seeds of its tables, in order
        self._simple: dict[str, list] = {}  # per paper, ``simple``'s entries in the order of ``_seeds`` (``_arm_row``)
        for paper_id, by_seed in simple.items():
            self._seeds[paper_id] = order = sorted(by_seed)
            self._simple[paper_id] = [by_seed[seed] for seed in order]
        self._rows: dict[tuple[str, str, str, str], list | None] = {}  # ``_arm_row``'s, by (paper, arm, task, split)

    def get(self, paper_id: str, seed: int) -> Table:
        table = self._tables.get((paper_id, seed)) or self._build((paper_id, seed))
        table.used.clear()
        return table

    def get_all(self, paper_id: str, seeds: list[int]) -> list[Table]:
        """``[self.get(paper_id, seed) for seed in seeds]`` in one call (a replication reads every seed)."""
        tables, out = self._tables, []
        for seed in seeds:
            table = tables.get((paper_id, seed)) or self._build((paper_id, seed))
            table.used.clear()
            out.append(table)
        return out

    def _build(self, key: tuple[str, int]) -> Table:
        """The table of ``key`` (a KeyError for a (paper, seed) without runs), built once."""
        seed_cells = self._cells[key]
        everywhere = self._everywhere.get(key[0])
        if everywhere is None:
            everywhere = self._paper_everywhere(key[0])
        table = self._tables[key] = _seed_table(seed_cells, self._refused.get(key), everywhere, self._measured[key])
        return table

    def _paper_everywhere(self, paper_id: str) -> set[tuple[str, str, str]]:
        """``paper_id``'s triples run everywhere (``_run_everywhere``), with each of its seeds' measured
        triples (``_measured``), collected from its cells (in their order) and remembered."""
        measured = {key: {(system, task, split) for system, task, _, split in self._cells[key]} for key in self._keys[paper_id]}
        self._measured.update(measured)
        everywhere = self._everywhere[paper_id] = _run_everywhere(measured, self._systems)[paper_id]
        return everywhere

    def of(self, paper_id: str, seeds: list[int]) -> PaperSeeds:
        """The tables of ``paper_id``'s ``seeds`` (in order), each read (and its ``used`` cleared) only when asked for."""
        return PaperSeeds(self, paper_id, seeds)

    def _arm_row(self, paper_id: str, arm: str, task: str, split: str) -> list[float] | None:
        """``arm``'s value of ``task`` on ``split`` in each of the paper's seeds (``_seeds``), where every
        one of those tables would answer ``Table.simple_gain`` from it: the cell of the task's metric,
        measured once, in a table that has the task as run and refuses nothing (not a QA task, whose
        score reads two metrics). None where some seed's table would not (the tables must answer).
        Remembered in ``_rows`` (``PaperSeeds.rows`` reads it there first): an arm's row serves every
        claim that names the arm.

        "Has the task as run" (the triple in the seed's measured triples and in the paper's
        ``_run_everywhere``) needs no check here: a row is only given when every seed of the paper has
        the cell, so the triple was measured in every seed, hence in every seed the arm has a run in."""
        row: list[float] | None = None
        if task not in QA_TASKS:
            cell = (arm, task, PRIMARY_METRIC.get(task, "accuracy"), split)
            row = []
            for found in self._simple[paper_id]:
                pairs = found.get(cell) if found is not None else None
                if pairs is None or len(pairs) != 1:  # not had, or not measured once (``_seed_table``)
                    row = None
                    break
                row.append(0.0 + pairs[0][1].__dict__["value"])  # as Table.of_runs keeps it
        self._rows[(paper_id, arm, task, split)] = row
        return row


class PaperSeeds:
    """One paper's tables of ``seeds`` (``SeedTables.of``), read lazily: ``tables[i]`` is
    ``SeedTables.get`` of the i-th seed and iterating gives ``SeedTables.get_all`` of them, while
    ``rows`` gives two arms' values of a task in every seed at once where no table is needed to read
    them (``seed_values.derive_seeds``)."""

    __slots__ = ("_tables", "_paper_id", "seeds")

    def __init__(self, tables: SeedTables, paper_id: str, seeds: list[int]):
        self._tables, self._paper_id, self.seeds = tables, paper_id, seeds

    def __len__(self) -> int:
        return len(self.seeds)

    def __getitem__(self, i: int) -> Table:
        return self._tables.get(self._paper_id, self.seeds[i])

    def __iter__(self):
        return iter(self._tables.get_all(self._paper_id, self.seeds))

    def rows(self, system: str, baseline: str, task: str, split: str) -> tuple[list[float], list[float]] | None:
        """(``system``'s values of ``task``, ``baseline``'s), one per seed, where the seeds are every seed
        of the paper and each table would read both as one value measured once (``Table.simple_gain``:
        every table has the task as run by both arms); else None."""
        tables, paper_id = self._tables, self._paper_id
        if self.seeds != tables._seeds[paper_id]:
            return None
        known = tables._rows  # read here first: the baseline's row serves every claim of the paper
        s = known.get((paper_id, system, task, split), _UNKNOWN)
        if s is _UNKNOWN:
            s = tables._arm_row(paper_id, system, task, split)
        if s is None:
            return None
        b = known.get((paper_id, baseline, task, split), _UNKNOWN)
        if b is _UNKNOWN:
            b = tables._arm_row(paper_id, baseline, task, split)
        return (s, b) if b is not None else None


_UNKNOWN = object()  # a row not yet in ``SeedTables._rows``


def _seed_table(cells: dict[tuple[str, str, str, str], list[tuple[RunRecord, Metric]]], refused: dict[str, str] | None,
                run_everywhere: set[tuple[str, str, str]], measured: set[tuple[str, str, str]]) -> Table:
    """One (paper, seed)'s table: a cell measured once by its value, the others by their observations
    (as ``record_observations`` gives them), which ``Table`` averages over languages or refuses."""
    once: dict[tuple[str, str, str, str], float] = {}
    repeated: list[Observation] = []
    for cell, pairs in cells.items():
        if len(pairs) == 1:
            once[cell] = pairs[0][1].value
        else:
            for r, m in pairs:
                repeated.append(Observation(r.system, m.task, m.language, m.metric, m.split, r.seed, m.value, m.value, m.value,
                                            f"run:{r.run_id}"))
    return Table.of_runs(once, repeated, refused, run_everywhere, measured)


class RunGroup:
    """Runs of one or more arms, sorted the way the replication tier reads them: failed runs, and
    successful runs by seed (each in record order), with their fidelities and deviations, and the ids of
    the successful runs (read once here: every claim of the arm names its runs, and a field of a
    pydantic record is a slow attribute to read), also by seed (``run_ids``, read when first asked for).

    ``verify`` gathers one group per (paper, system) and shares it across claims, so each claim
    reads its arms' groups instead of scanning their records again."""

    __slots__ = ("failed", "by_seed", "fidelities", "deviations", "_run_ids", "ok_ids")

    def __init__(self, records: list[RunRecord]):
        self.failed: list[RunRecord] = []
        self.by_seed: dict[int, list[RunRecord]] = {}
        self.fidelities: set[str] = set()
        self.deviations: set[str] = set()
        self._run_ids: dict[int, list[str]] | None = None
        self.ok_ids: list[str] = []  # every successful run's id, in record order (a claim that uses every seed names these)
        by_seed, fidelities, deviations, ok_ids = self.by_seed, self.fidelities, self.deviations, self.ok_ids
        for r in records:
            fields = r.__dict__  # the record's fields, each read as a dict item rather than a pydantic attribute
            if fields["status"] != "ok":
                self.failed.append(r)
                continue
            fidelities.add(fields["fidelity"])
            if fields["deviations"]:
                deviations.update(fields["deviations"])
            seed, run_id = fields["seed"], fields["run_id"]
            ok_ids.append(run_id)
            group = by_seed.get(seed)
            if group is None:
                by_seed[seed] = [r]
            else:
                group.append(r)

    @property
    def run_ids(self) -> dict[int, list[str]]:
        """The ids of the successful runs by seed, as ``by_seed`` holds the runs, built when first read:
        only a claim that uses some of its arms' seeds reads them (built as the runs were gathered,
        they cost about 1,200 instructions a run for every arm, read or not)."""
        found = self._run_ids
        if found is None:
            found = self._run_ids = {seed: [r.__dict__["run_id"] for r in runs] for seed, runs in self.by_seed.items()}
        return found

    @classmethod
    def _empty(cls) -> RunGroup:
        """A group of no runs (``gather`` fills it run by run, as ``__init__`` would)."""
        group = cls.__new__(cls)
        group.failed, group.by_seed, group.fidelities, group.deviations, group._run_ids, group.ok_ids = [], {}, set(), set(), None, []
        return group


def gather(records: list[RunRecord]) -> tuple[dict[tuple[str, str], RunGroup], SeedTables]:
    """What ``verify`` shares across claims, from one pass over every run record (failed ones too):
    the runs of each (paper, system) as ``RunGroup`` of them (in record order), and ``SeedTables`` of
    the successful runs.

    The same as building them apart (``test_verifier_gather``), but each record's dict and fields are
    read once instead of three times (an index by arm, the tables, each arm's group): about 7,000
    instructions a run less, a third of what they cost apart."""
    groups: dict[tuple[str, str], RunGroup] = {}
    cells, systems, protocols = _collect(records, groups)
    tables = SeedTables.__new__(SeedTables)
    tables._finish(cells, systems, protocols)
    return groups, tables


def _collect(records: list[RunRecord], groups: dict[tuple[str, str], RunGroup] | None) -> tuple[dict, dict, dict]:
    """The one pass over the runs that ``SeedTables`` and ``gather`` make: per (paper, seed), the
    (system, task, metric, split) cells with the (run, metric) pairs that measured them, the arms with
    a run, and per (paper, seed, task) the distinct protocols (first run of each).

    With ``groups`` (``gather``) each run also goes into its (paper, system)'s ``RunGroup``, as
    ``RunGroup.__init__`` would add it, and a failed run goes only there (the tables are of the
    successful runs). Without, a failed run still counts its arm as having a run in its seed, as
    ``SeedTables(records)`` always did.

    Each field is read as an item of the record's dict: a pydantic model's attribute goes through its
    class's __getattr__ hook (about 440 instructions against 220, for tens of thousands of runs)."""
    cells: dict[tuple[str, int], dict[tuple[str, str, str, str], list[tuple[RunRecord, Metric]]]] = {}
    systems: dict[tuple[str, int], set[str]] = {}
    protocols: dict[tuple[str, int, str], list[tuple[tuple, RunRecord]]] = {}
    empty = RunGroup._empty
    for r in records:
        fields = r.__dict__
        paper_id, system, seed = fields["paper_id"], fields["system"], fields["seed"]
        ok = fields["status"] == "ok"
        if groups is not None:
            group = groups.get((paper_id, system))
            if group is None:
                group = groups[(paper_id, system)] = empty()
            if not ok:
                group.failed.append(r)
                continue
            group.fidelities.add(fields["fidelity"])
            if fields["deviations"]:
                group.deviations.update(fields["deviations"])
            group.ok_ids.append(fields["run_id"])
            runs = group.by_seed.get(seed)
            if runs is None:
                group.by_seed[seed] = [r]
            else:
                runs.append(r)
        key = (paper_id, seed)
        seed_cells = cells.get(key)
        if seed_cells is None:
            seed_cells = cells[key] = {}
            systems[key] = {system}
        else:
            systems[key].add(system)
        if not ok:  # a failed run measured nothing (record_observations)
            continue
        for m in fields["metrics"]:
            metric = m.__dict__
            cell = (system, metric["task"], metric["metric"], metric["split"])
            pairs = seed_cells.get(cell)
            if pairs is None:
                seed_cells[cell] = [(r, m)]
            else:
                pairs.append((r, m))
        spec = fields["spec"]
        if spec and "target" in spec:
            _add_protocol(protocols, r)
    return cells, systems, protocols
