"""Parsing a claim file's YAML: the safe loader, with a key given twice refused, plain scalars read by
the YAML 1.2 core schema (``CORE_RESOLVERS``), and every way the text can fail to parse turned into a
``RegistryError`` naming the file (and the line, where YAML says one).

PyYAML resolves plain scalars by YAML 1.1, which reads much of what people write as something else:
``1:30`` as the integer 90 (base 60), ``010`` as 8 (octal), ``1_000`` as 1000, ``yes``/``no``/``on``/
``off`` as booleans and ``2020-05-27`` as a date. Claim files keep names, key terms and written numbers
as the text given, so a claim file is read by the 1.2 core schema instead: only ``true``/``false``,
``null``/``~``/nothing, integers (decimal: ``010`` is ten; ``0o`` octal, ``0x`` hexadecimal), decimal
floats and ``.inf``/``.nan`` are anything but text. ``Dumper`` writes drafts that either schema reads
back as written.

``claims.registry`` imports this only for a file it does not read from a parsed copy
(``claims.parsed_copy``), so ``claimcheck verify all`` on the bundled papers never starts PyYAML; the
others that do (``claims.draft``, ``workflow_add``) are `add` and `validate`'s.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from claimcheck.errors import RegistryError

_MAX_DEPTH = 1000  # a claim file nests a few levels; libyaml crashes the process on ~10^5 ("[[[[...")
_BRACKET = re.compile(r"[\[\]{}]")


# The YAML 1.2 core schema's tags for plain scalars (yaml.org/spec/1.2.2, section 10.3.2), with the characters
# each may start with; the merge key ("<<") is kept from YAML 1.1: claim files use anchors with it
_INT = r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
_FLOAT = r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
CORE_RESOLVERS = (
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    ("tag:yaml.org,2002:int", re.compile(rf"^(?:{_INT})$"), list("-+0123456789")),
    ("tag:yaml.org,2002:float", re.compile(rf"^(?:{_FLOAT})$"), list("-+.0123456789")),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"]),
)


def _with_core_resolvers(cls: type, *, keep: bool) -> None:
    """Give ``cls`` (a loader or dumper class) the core schema's resolvers: in place of YAML 1.1's, or
    (``keep``) besides them."""
    if not keep:
        cls.yaml_implicit_resolvers = {}
    for tag, regexp, first in CORE_RESOLVERS:
        cls.add_implicit_resolver(tag, regexp, first)


def _construct_int(loader, node) -> int:
    """An integer of the core schema: decimal (``010`` is ten), ``0o`` octal or ``0x`` hexadecimal."""
    text = loader.construct_scalar(node)
    if text[:2] in ("0o", "0x"):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


@cache
def _loader() -> type:
    """libyaml's C loader when PyYAML was built with it (same safe semantics, ~10x faster), reading
    plain scalars by the YAML 1.2 core schema (``CORE_RESOLVERS``), refusing a key given twice in one
    mapping (YAML would keep the last silently: a second ``year:`` or ``reported:`` would replace the
    first unseen)."""

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":  # "<<: *defaults": its keys may be overridden here
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    if key in seen:
                        raise yaml.constructor.ConstructorError(None, None, f"key {key!r} appears twice in one mapping",
                                                                key_node.start_mark)
                    seen.add(key)
                except TypeError:  # an unhashable key: the base loader names that problem
                    break
            return super().construct_mapping(node, deep)

    _with_core_resolvers(Loader, keep=False)
    Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    return Loader


class Dumper(yaml.SafeDumper):
    """The safe dumper, quoting a string that either YAML 1.1 or the 1.2 core schema would read as
    something else (``"1e-4"``, a float to the core schema, is text to YAML 1.1; ``"1:30"`` the
    reverse), so a draft reads back as written by ``parse_yaml`` and by other YAML tools alike."""


_with_core_resolvers(Dumper, keep=True)


def load_yaml(text: str) -> Any:
    """The data ``text`` holds, read as a claim file is (``parse_yaml``); ``yaml.YAMLError`` (or
    ``ValueError``, ``RecursionError``) when it is not YAML the safe loader reads."""
    return yaml.load(text, Loader=_loader())  # noqa: S506 (a safe loader)


def _nested_too_deeply(text: str) -> bool:
    """Whether flow brackets nest deeper than ``_MAX_DEPTH`` (brackets in quoted text count too, so
    this may err on the safe side); counted only when there are that many brackets at all."""
    if text.count("[") + text.count("{") <= _MAX_DEPTH:
        return False
    depth = 0
    for m in _BRACKET.finditer(text):
        depth += 1 if m.group() in "[{" else -1
        if depth > _MAX_DEPTH:
            return True
    return False


def parse_yaml(text: str, path: Path) -> Any:
    """The data ``text`` (the claim file ``path``) holds; a ``RegistryError`` naming ``path`` when it is not YAML
    the safe loader reads."""
    if _nested_too_deeply(text):
        raise RegistryError(f"invalid YAML: brackets nested more than {_MAX_DEPTH} deep", path=str(path))
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RegistryError(f"invalid YAML{where}: {problem}", path=str(path)) from None
    except RecursionError:
        raise RegistryError("invalid YAML: nested too deeply", path=str(path)) from None
    except ValueError as exc:  # a value YAML's own constructors refuse: an integer longer than Python converts
        # (sys.get_int_max_str_digits(): 4300 digits by default)
        too_long = "integer string conversion" in str(exc)
        problem = f"an integer of more than {sys.get_int_max_str_digits()} digits" if too_long else f"a value YAML cannot read ({exc})"
        raise RegistryError(f"invalid YAML: {problem}", path=str(path)) from None
