"""``FrozenRecord``: the base of a few small frozen record classes that every `claimcheck verify`
builds (``cli.verify_run.VerifyArgs``, ``claims.registry.Registry``, ``results.collect.CollectedRecords``),
written without ``@dataclass``.

Why: ``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__`` and ``__delattr__`` as source text and compiles it when the class is defined, about
4 M instructions per class (callgrind), 0.3 % of a `verify all --no-write` each (``results.files.ResultFiles``
is a plain class for the same reason). A subclass names its fields in ``_fields``, in order, and
writes its ``__init__`` with ``_init``; equality, hash, repr and immutability are those of a frozen
dataclass of the same fields (``tests/test_plain_record.py`` compares them).
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any


NEW: Any = object()  # the default of an argument that is a new empty list or dict when not given (a default_factory)


class FrozenRecord:
    _fields: tuple[str, ...] = ()

    def _init(self, **values: Any) -> None:
        """Set the fields (``__init__`` of a subclass calls it once, with every field)."""
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields) + ")"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
