"""The names a paper knows, for the audit's name checks (pure): ``PaperNames``.

A paper knows the systems and tasks its cells name, the names its claims' checks and replication
arms use, the model spellings of ``model_aliases``, and what the caller adds (the task catalogue and
the presets' arms, which the audit does not import). Names are compared as keys
(``model_aliases.model_key``: letters and digits, "XLM-RoBERTa" read as "xlmr").

Its *target tasks* are narrower: the tasks its cells are measured on and the tasks its claims'
checks read (``claims.names.names_in_params``, the defaults included: a gain over the XTREME score
with no tasks given reads the nine XTREME tasks). The catalogue is left out of them: it holds the
intermediate tasks as well, which a paper trains on rather than measures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from claimcheck.claims.models import Claim, Paper
from claimcheck.claims.names import KnownNames, names_in_params
from claimcheck.claims.registry import Registry
from claimcheck.audit.model_aliases import ALIASES, model_key, same_name


def strings_in(value) -> Iterable[str]:
    """Every string inside a value (a derivation's parameters, a fact; lists, tuples and mappings included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from strings_in(k)
            yield from strings_in(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings_in(v)


def param_values(params: Mapping) -> Iterable[str]:
    """The strings a derivation's parameters hold, which is where it writes names: not the
    parameters' own names ("expected", "candidates", those of the checks under "also") nor a fact's
    key ("training_phases"), which would make "Training", a sentence's first word, pass for a name
    the paper knows. The keys of a mapping value stay ("expect": {"xnli": "flat"} names XNLI)."""
    for k, v in params.items():
        if k == "key":
            continue
        if k == "also" and isinstance(v, list):
            for check in v:
                yield from (param_values(check) if isinstance(check, Mapping) else strings_in(check))
        else:
            yield from strings_in(v)


class PaperNames:
    """The names a paper knows, as keys (``model_aliases.model_key``). Its registry entries are read
    at once; ``more`` (the names ``claimcheck validate`` knows besides: the task catalogue, the
    presets' arms, which the audit does not import) is asked only when a name is not among them,
    once per paper."""

    def __init__(self, registry: Registry, more: Callable[[Paper], KnownNames] | None = None):
        self._registry = registry
        self._more = more
        self._keys: dict[str, set[str]] = {}
        self._asked: set[str] = set()
        self._targets: dict[str, frozenset[str]] = {}

    def _own(self, paper_id: str) -> set[str]:
        if paper_id not in self._keys:
            names: set[str] = set(ALIASES) | set(ALIASES.values())
            paper = self._registry.papers.get(paper_id)
            if paper is not None:
                names |= {c.system for c in paper.cells} | {c.task for c in paper.cells}
            for claim in self._registry.claims.values():
                if claim.paper_id == paper_id:
                    names |= set(param_values(claim.derivation.params)) | set(claim.replication_arms)
            self._keys[paper_id] = {k for n in names if (k := model_key(n))}
        return self._keys[paper_id]

    def claims(self, paper_id: str) -> list[Claim]:
        """The paper's current claims (none superseded)."""
        return [c for c in self._registry.claims.values() if c.paper_id == paper_id and not c.superseded_by]

    def knows(self, paper_id: str, key: str) -> bool:
        """Whether the paper knows a name with this key (or one it extends, or that extends it)."""
        keys = self._own(paper_id)
        if any(same_name(key, k) for k in keys):
            return True
        paper = self._registry.papers.get(paper_id)
        if self._more is None or paper is None or paper_id in self._asked:
            return False
        self._asked.add(paper_id)
        more = self._more(paper)
        keys |= {k for n in (*more.systems, *more.tasks) if (k := model_key(n))}
        return any(same_name(key, k) for k in keys)

    def target_tasks(self, paper_id: str) -> frozenset[str]:
        """The keys of the tasks the paper measures (see the module's notes)."""
        found = self._targets.get(paper_id)
        if found is None:
            tasks: set[str] = set()
            paper = self._registry.papers.get(paper_id)
            if paper is not None:
                tasks |= {c.task for c in paper.cells}
            for claim in self._registry.claims.values():
                if claim.paper_id == paper_id:
                    tasks |= {name for _, kind, name, _ in names_in_params(claim.derivation.name, claim.derivation.params) if kind == "task"}
            found = self._targets[paper_id] = frozenset(k for t in tasks if (k := model_key(t)))
        return found
