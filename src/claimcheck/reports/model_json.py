"""A model (``claimcheck.model.Model``) as the JSON text ``json.dumps(json.loads(obj.model_dump_json()),
sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)`` gives, written by a plain walk over its fields.

Why: ``model_dump_json`` imports pydantic and builds its whole core schema and serializer for the
report (and its plugin loader, ``importlib.metadata`` and ``email``): about 120 M instructions of
``claimcheck verify all``'s 275 M of writing, for one dump, when this was written. The round trip
through ``json.loads`` and the pure-Python indenting encoder cost about 40 M more. This walk writes
the same bytes for about 5 M.

How it stays the same: the writer for each model is built from its fields' annotations (``str``,
``int``, ``float``, ``bool``, a ``str`` enum, ``X | None``, ``list[X]``, a fixed-length ``tuple[X, Y]``,
``dict[str, X]`` and nested models) and writes each value as pydantic's serializer for that
annotation writes it, read back by ``json.loads`` and written again by ``json.dumps``: keys sorted,
a finite float as ``repr`` (pydantic writes the shortest text that reads back as the same float), a
non-finite one as ``null`` (pydantic's ``ser_json_inf_nan='null'``), an enum member as its value, a
``str`` subclass by its characters. A value of another type than its annotation (which pydantic
serializes by inference, with a warning, so that ``True`` in an ``int`` field is ``1`` and ``1`` in a
``float`` field ``1.0``), a model subclass, a lone surrogate (which pydantic refuses), or a model with
anything that changes pydantic's output (``Annotated`` metadata, a field constraint) raises
``Unsupported``: the caller then asks pydantic, whose text is the reference.
``tests/test_model_json.py`` compares the two on the bundled report, the sample reports and
generated edge cases.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable
from enum import Enum
from itertools import repeat
from json.encoder import encode_basestring  # the C writer json.dumps uses for a str with ensure_ascii=False

from claimcheck.model import Model, ModelMeta, resolved_hints


class Unsupported(Exception):
    """The walk cannot promise pydantic's text for this value or model (see the module docstring)."""


# a writer appends the JSON text of one value to ``out``; ``nl`` is a newline and the indent of the
# line the value starts on (its items go one level deeper)
Writer = Callable[[object, list, str], None]

_SURROGATE = "[\ud800-\udfff]"  # compiled by ``re`` on first use: only a text beyond ASCII is searched
_WRITERS: dict[object, Writer] = {}  # per annotation (the models' plans are built once per process)
_BUILDING: set[type] = set()  # the model classes whose writers are being built


def model_json(obj: Model) -> str:
    """``obj``'s JSON text as ``json.dumps(json.loads(obj.model_dump_json()), sort_keys=True, indent=2,
    ensure_ascii=False)`` writes it (no trailing newline), or ``Unsupported``."""
    out: list[str] = []
    try:
        _writer(type(obj))(obj, out, "\n")
    except (TypeError, KeyError, AttributeError) as error:  # a value of another type than its annotation
        raise Unsupported(str(error)) from error
    text = "".join(out)
    if not text.isascii() and re.search(_SURROGATE, text):  # pydantic refuses a lone surrogate (not UTF-8)
        raise Unsupported("lone surrogate")
    return text


def _writer(tp: object) -> Writer:
    w = _WRITERS.get(tp)
    if w is None:
        w = _WRITERS[tp] = _build(tp)
    return w


def _mismatch(value: object) -> typing.NoReturn:
    raise TypeError(f"unexpected {type(value).__name__}")


def _build(tp: object) -> Writer:  # noqa: C901 - one branch per annotation kind
    if tp is str:
        def write_str(v, out, nl):  # a str subclass (a str enum member) is written by its characters, as pydantic does
            out.append(encode_basestring(v))  # a TypeError for anything but a str
        return write_str
    if tp is bool:
        def write_bool(v, out, nl):
            if v is True:
                out.append("true")
            elif v is False:
                out.append("false")
            else:
                _mismatch(v)
        return write_bool
    if tp is int:
        def write_int(v, out, nl):
            if type(v) is not int:  # a bool or an int subclass: pydantic's text may differ
                _mismatch(v)
            out.append(int.__repr__(v))
        return write_int
    if tp is float:
        def write_float(v, out, nl):
            if type(v) is not float:  # an int in a float field is 1.0 in pydantic's text: asked of pydantic
                _mismatch(v)
            out.append(float.__repr__(v) if v - v == 0.0 else "null")  # nan and inf as null
        return write_float
    if isinstance(tp, type) and issubclass(tp, Enum):
        texts = {member: encode_basestring(member.value) for member in tp}
        if not all(type(member.value) is str for member in tp):
            raise Unsupported(f"{tp.__name__}: an enum with values other than str")

        def write_enum(v, out, nl):
            out.append(texts[v] if type(v) is tp else _mismatch(v))
        return write_enum
    if isinstance(tp, ModelMeta):
        return _model_writer(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = _writer(args[0] if args[1] is type(None) else args[1])

        def write_optional(v, out, nl):
            if v is None:
                out.append("null")
            else:
                inner(v, out, nl)
        return write_optional
    if origin is list and len(args) == 1:
        return _list_writer(args[0])
    if origin is tuple and args and Ellipsis not in args:
        items = [_writer(a) for a in args]

        def write_tuple(v, out, nl):
            if type(v) is not tuple or len(v) != len(items):
                _mismatch(v)
            _write_array(zip(items, v), out, nl)
        return write_tuple
    if origin is dict and len(args) == 2 and args[0] is str:
        value = _writer(args[1])

        def write_dict(v, out, nl):
            if type(v) is not dict:
                _mismatch(v)
            if not v:
                out.append("{}")
                return
            inner = nl + "  "
            sep = "{" + inner
            for k in sorted(v):  # sort_keys; exact str keys only (a subclass could sort otherwise)
                if type(k) is not str:
                    _mismatch(k)
                out.append(sep + encode_basestring(k) + ": ")
                value(v[k], out, inner)
                sep = "," + inner
            out.append(nl + "}")
        return write_dict
    raise Unsupported(f"annotation {tp!r}")


def _list_writer(item_tp: object) -> Writer:
    if item_tp is str:
        def write_strs(v, out, nl):  # one join: the lists of run ids are most of a report's values
            if type(v) is not list:
                _mismatch(v)
            if not v:
                out.append("[]")
                return
            inner = nl + "  "
            out.append("[" + inner + ("," + inner).join(map(encode_basestring, v)) + nl + "]")
        return write_strs
    item = _writer(item_tp)

    def write_list(v, out, nl):
        if type(v) is not list:
            _mismatch(v)
        if not v:
            out.append("[]")
            return
        _write_array(zip(repeat(item), v), out, nl)
    return write_list


def _write_array(items: Iterable[tuple[Writer, object]], out: list, nl: str) -> None:
    """A JSON array of at least one item, as ``json.dumps(indent=2)`` writes it: each (writer, value)
    on a line of its own, one level deeper than ``nl``."""
    inner = nl + "  "
    sep = "[" + inner
    for write, x in items:
        out.append(sep)
        write(x, out, inner)
        sep = "," + inner
    out.append(nl + "]")


def _model_writer(cls: type[Model]) -> Writer:
    """The writer of one model class: its fields in sorted order, each as its annotation says; a model
    whose JSON pydantic would shape otherwise (see the module docstring) is ``Unsupported``."""
    hints = resolved_hints(cls)
    for name, field in cls.model_fields.items():
        if set(field.kwargs) - {"description"} or typing.get_origin(hints[name]) is typing.Annotated:
            raise Unsupported(f"{cls.__name__}.{name}: metadata or a constraint")
    fields = hints
    if cls in _BUILDING:  # a model that holds itself (none does)
        raise Unsupported(f"{cls.__name__}: a model that holds itself")
    _BUILDING.add(cls)
    try:  # (name, its key text, its writer, or None for a str field: written in the loop, without a call)
        plan = tuple((name, encode_basestring(name) + ": ",
                      None if fields[name] is str else _writer(fields[name]))
                     for name in sorted(fields))
    finally:
        _BUILDING.discard(cls)
    count = len(plan)
    if not count:
        raise Unsupported(f"{cls.__name__}: no fields")  # json.dumps writes {} (no model here has none)

    def write_model(v, out, nl):
        if type(v) is not cls:  # a subclass: pydantic writes the annotation's fields, maybe with warnings
            _mismatch(v)
        values = v.__dict__
        if len(values) != count:
            _mismatch(v)
        inner = nl + "  "
        sep = "{" + inner
        for name, key, w in plan:
            if w is None:
                out.append(sep + key + encode_basestring(values[name]))
            else:
                out.append(sep + key)
                w(values[name], out, inner)
            sep = "," + inner
        out.append(nl + "}")
    return write_model

