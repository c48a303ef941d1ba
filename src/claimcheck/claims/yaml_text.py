"""Parsing a claim file's YAML: the safe loader, with a key given twice refused, and every way the
text can fail to parse turned into a ``RegistryError`` naming the file (and the line, where YAML
says one).

Within the package only ``claims.registry`` imports this, and only for a file it does not read from a
parsed copy (``claims.parsed_copy``), so ``claimcheck verify all`` on the bundled papers never starts PyYAML.
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


@cache
def _loader() -> type:
    """libyaml's C loader when PyYAML was built with it (same safe semantics, ~10x faster), refusing
    a key given twice in one mapping (YAML would keep the last silently: a second ``year:`` or
    ``reported:`` would replace the first unseen)."""

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

    return Loader


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
        return yaml.load(text, Loader=_loader())  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RegistryError(f"invalid YAML{where}: {problem}", path=str(path)) from None
    except RecursionError:
        raise RegistryError("invalid YAML: nested too deeply", path=str(path)) from None
    except ValueError as exc:  # a value YAML's own constructors refuse: an impossible date ("2020-13-45"), or an
        # integer longer than Python converts (sys.get_int_max_str_digits(): 4300 digits by default)
        too_long = "integer string conversion" in str(exc)
        problem = f"an integer of more than {sys.get_int_max_str_digits()} digits" if too_long else f"a value YAML cannot read ({exc})"
        raise RegistryError(f"invalid YAML: {problem}", path=str(path)) from None
