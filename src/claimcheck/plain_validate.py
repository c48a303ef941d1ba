"""``cls.model_validate(data)`` done in Python for a ``claimcheck.model.Model`` and data already in
validated form, so that a process which only reads claimcheck's bundled data never imports pydantic.

Why: importing pydantic, building its model machinery and each model's validator took about two fifths
of `claimcheck verify all` (``claimcheck.model``). ``Model.model_validate`` asks this module first.

``validate_plain(cls, data)`` returns the instance the class's pydantic twin would validate ``data``
into, or None where it cannot be sure of that: the caller then validates with pydantic, which gives
the value or the error it always gave. It takes only data that validation would keep as it is (a
``str`` for a ``str`` field, an ``int`` for an ``int``, an ``int`` or ``float`` for a ``float``, a
value of an enum or literal, a plain ``list`` or ``dict``, an instance of a nested model's class),
fills the defaults (as they are: no validator sees a default, as pydantic's ``validate_default`` is
off), runs the model's own field and model validators and ``AfterValidator`` s, and checks the
numeric and length constraints. Anything else (an unknown or missing field, another type, a failing
validator, a feature it does not know) returns None. The objects it builds have the same fields in
the same order, the same values and types, and the same ``model_fields_set`` as validation gives
(``tests/test_plain_validate.py`` compares the two on the bundled data, on every claim file of the
tests, and on altered copies of them).
"""

from __future__ import annotations

import functools
import math
import types
import typing
from enum import Enum
from typing import Any

from claimcheck.model import AfterValidator, Model, ModelMeta, Strict, build, resolved_hints

_ALLOWED_CONFIG = {"strict"}  # what else a config says, this module does not emulate
_CONSTRAINTS = {"ge", "gt", "le", "lt", "min_length", "max_length", "allow_inf_nan"}
_IMMUTABLE_DEFAULTS = (type(None), str, int, float, bool, Enum)


class _Refused(Exception):
    """The data is not in validated form (or a validator refused it): pydantic decides."""


def _refuse(*_: object) -> typing.NoReturn:
    raise _Refused


class _Info:
    """What a validator that takes a ``ValidationInfo`` is given: ``model_validate`` without a context."""

    __slots__ = ("data", "field_name")
    context = None
    mode = "python"
    config = None

    def __init__(self, data: dict, field_name: str | None) -> None:
        self.data = data
        self.field_name = field_name


# per model class: its fields (name, kept, converter, the field's validators, required, default, default
# factory) and the model's "after" validators; None: not emulated
_PLANS: dict[type, tuple | None] = {}
# A field's plan holds the one type whose values the field keeps as they are (``kept``: ``_build`` calls no
# converter for one): str, int or bool for a field of exactly that type, float for a float, X for ``X | None``
# of such an X, and ``_Never`` (no value has that type) for any other field; and its converter (None for a
# field of exactly one type: another is refused), called for any other value. Telling the common case by one
# ``type(value) is kept``, where the field's kind was told first and a float or an optional number went
# through a call, saves ~3,000 instructions a metric of a run record (~9 M of `verify all`).


class _Never:
    """A type no value has: the ``kept`` type of a field whose every value goes through its converter."""


_MISSING = object()


def validate_plain(cls: type[Model], data: object) -> Model | None:
    """``cls.model_validate(data)`` for data in validated form; None where pydantic must decide."""
    try:
        return _build(cls, data)
    except _Refused:
        return None
    except Exception:  # a validator's own error (ValueError, AssertionError, ...): pydantic's to report
        return None


def _build(cls: type, data: object) -> Any:
    if type(data) is not dict:
        if type(data) is cls:  # an instance is kept as it is (pydantic's revalidate_instances="never")
            return data
        raise _Refused
    plan = _PLANS[cls] if cls in _PLANS else _plan_of(cls)
    if plan is None:  # not emulated
        raise _Refused
    values: dict[str, Any] = {}
    missing = 0
    for name, kept, convert, validators, required, default, factory in plan[0]:  # in the fields' order, as pydantic
        value = data.get(name, _MISSING)
        if type(value) is not kept:  # (a value of the type the field keeps as it is needs no call: the common case)
            if value is _MISSING:
                if required:
                    raise _Refused
                # a default is taken as it is: validation neither converts nor validates it (validate_default)
                values[name] = default if factory is None else factory()
                missing += 1
                continue
            if convert is None:  # a field of exactly one type (str, int, bool), given another
                raise _Refused
            value = convert(value)
        if validators:
            for func, takes_info in validators:
                value = func(value, _Info(dict(values), name)) if takes_info else func(value)
        values[name] = value
    # every key of data is a field (extra="forbid"): told by the count of the fields found, instead of
    # ``data.keys() <= fields`` (a generic comparison of a view with a set: 2,000 instructions a record)
    if len(data) != len(values) - missing:
        raise _Refused
    obj = build(cls, values, set(data))
    for func, takes_info in plan[1]:
        if (func(obj, _Info(values, None)) if takes_info else func(obj)) is not obj:
            raise _Refused
    return obj


def _plan_of(cls: type) -> tuple | None:
    try:
        plan = _make_plan(cls)
    except Exception:  # _Refused, or a pydantic whose internals differ from what this module reads
        plan = None
    _PLANS[cls] = plan
    return plan


def _takes_info(func: Any) -> bool:
    """Whether an "after" validator takes a ``ValidationInfo`` besides the value, told as pydantic
    tells it: by its number of positional parameters (the first counted even with a default; a bound
    classmethod's ``cls`` not counted)."""
    bound = getattr(func, "__self__", None) is not None
    plain = func.__func__ if bound else func
    code = getattr(plain, "__code__", None)
    if code is None:
        raise _Refused
    count = code.co_argcount - bound
    positional = max(count - len(plain.__defaults__ or ()), min(count, 1))
    if positional not in (1, 2):
        raise _Refused
    return positional == 2


def _make_plan(cls: type) -> tuple:
    if not isinstance(cls, ModelMeta) or cls is Model:
        raise _Refused
    config = cls.model_config
    if not config.keys() <= _ALLOWED_CONFIG:
        raise _Refused
    strict = bool(config.get("strict", False))
    hints = resolved_hints(cls)
    fields: dict[str, list] = {}
    for name, info in cls.model_fields.items():
        kwargs = {k: v for k, v in info.kwargs.items() if k != "description"}
        field_strict = bool(kwargs.pop("strict")) if "strict" in kwargs else strict  # a field's own word wins, as pydantic's
        if not kwargs.keys() <= _CONSTRAINTS:
            raise _Refused
        convert = _converter(hints[name], list(kwargs.items()), field_strict)
        if convert in (str, int, bool):  # exactly that type, kept; anything else refused
            kept, convert = convert, None
        elif isinstance(convert, type):  # a nested model, built from a mapping
            kept, convert = _Never, functools.partial(_build, convert)
        else:
            kept = _KEEPS.get(convert, _Never)
        required = info.is_required()
        default, factory = None, None
        if not required:
            if info.default_factory is not None:
                factory = _factory(info.default_factory)
            elif isinstance(info.default, _IMMUTABLE_DEFAULTS):
                default = info.default
            else:
                raise _Refused
        fields[name] = [name, kept, convert, [], required, default, factory]
    model_validators = []
    for dec in cls.__validators__.values():
        if dec.mode != "after":
            raise _Refused
        if not dec.fields:
            model_validators.append((dec.func, _takes_info(dec.func)))
            continue
        if not set(dec.fields) <= fields.keys():
            raise _Refused
        func = dec.func.__get__(None, cls)  # a classmethod, bound as pydantic calls it
        for name in dec.fields:
            fields[name][3].append((func, _takes_info(func)))
    entries = tuple((name, kept, convert, tuple(validators), required, default, factory)
                    for name, kept, convert, validators, required, default, factory in fields.values())
    return entries, tuple(model_validators)


def _factory(factory: Any) -> Any:
    if factory in (list, dict):
        return factory
    if isinstance(factory, ModelMeta):  # Field(default_factory=Tolerance): Tolerance()
        return lambda: _build(factory, {})
    raise _Refused


def _converter(annotation: Any, metadata: list, strict: bool) -> Any:
    """How validation leaves a value of this type: ``str``, ``int`` or ``bool`` (kept, if of exactly that
    type), a model class (built from a mapping), or a function that returns the value as validation
    leaves it; each refuses anything else (``_Refused``)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *more = typing.get_args(annotation)
        strict = strict or any(isinstance(m, Strict) for m in more)
        return _converter(inner, [m for m in more if not isinstance(m, Strict)] + metadata, strict)
    base = _type_converter(annotation, origin, strict)
    if not metadata:
        return base
    return _constrained(_function(base), annotation, metadata)


def _function(convert: Any) -> Any:
    """``_converter``'s answer as a function."""
    if convert in (str, int, bool):
        return _exact(convert)
    if isinstance(convert, type):
        return lambda value: _build(convert, value)
    return convert


def _constrained(base: Any, annotation: Any, metadata: list) -> Any:
    """``base`` followed by the field's ``AfterValidator`` s or its constraints, each a (keyword, bound) pair
    of ``Field``."""
    after = [m for m in metadata if isinstance(m, AfterValidator)]
    if after:  # a validator with constraints beside it: their order matters to pydantic; not emulated
        if len(after) != len(metadata):
            raise _Refused
        funcs = [(m.func, _takes_info(m.func)) for m in after]

        def validated(value: Any) -> Any:
            value = base(value)
            for func, takes_info in funcs:
                value = func(value, _Info({}, None)) if takes_info else func(value)
            return value

        return validated
    checks = []
    lengths = {"min_length", "max_length"}
    for meta in metadata:
        kind, bound = meta if type(meta) is tuple else (None, None)
        if kind == "ge":
            checks.append(lambda v, b=bound: v >= b)
        elif kind == "gt":
            checks.append(lambda v, b=bound: v > b)
        elif kind == "le":
            checks.append(lambda v, b=bound: v <= b)
        elif kind == "lt":
            checks.append(lambda v, b=bound: v < b)
        elif kind == "min_length":
            checks.append(lambda v, n=bound: len(v) >= n)
        elif kind == "max_length":
            checks.append(lambda v, n=bound: len(v) <= n)
        elif kind == "allow_inf_nan" and bound is False and annotation is float:
            checks.append(math.isfinite)
        else:
            raise _Refused
    if annotation not in (int, float) and any(kind not in lengths for kind, _ in metadata):
        raise _Refused  # a bound on something other than a number
    if annotation in (int, float) and any(kind in lengths for kind, _ in metadata):
        raise _Refused

    def constrained(value: Any) -> Any:
        value = base(value)
        for check in checks:
            if not check(value):
                raise _Refused
        return value

    return constrained


def _exact(kind: type) -> Any:
    def convert(value: Any) -> Any:
        if type(value) is not kind:
            raise _Refused
        return value

    return convert


def _float(value: Any) -> float:  # (a float is kept: _KEEPS)
    kind = type(value)
    if kind is float:
        return value
    if kind is int and -(2**53) <= value <= 2**53:  # an int is taken and made a float (in strict mode too)
        return float(value)
    raise _Refused


# a converter that returns a value of one type as it is: that type (the field's ``kept``, see ``_Never``)
_KEEPS: dict[Any, type] = {_float: float}


def _none(value: Any) -> None:
    if value is not None:
        raise _Refused
    return None


def _any(value: Any) -> Any:
    return value


def _type_converter(annotation: Any, origin: Any, strict: bool) -> Any:
    if annotation is Any:
        return _any
    if annotation in (str, int, bool):
        return annotation
    if annotation is float:
        return _float
    if annotation is type(None) or annotation is None:
        return _none
    if isinstance(annotation, ModelMeta):
        return annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _enum(annotation, strict)
    if origin is typing.Literal:
        literals = typing.get_args(annotation)

        def literal(value: Any) -> Any:
            for lit in literals:
                if type(value) is type(lit) and value == lit:
                    return value
            raise _Refused

        return literal
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        if len(args) != 2 or type(None) not in args:  # only X | None: pydantic's smart unions are not emulated
            raise _Refused
        other = _converter(next(a for a in args if a is not type(None)), [], strict)
        if other in (str, int, bool):
            optional = lambda value: value if value is None or type(value) is other else _refuse()  # noqa: E731
            _KEEPS[optional] = other
            return optional
        other = _function(other)
        return lambda value: None if value is None else other(value)
    # The items and keys of one type are checked by the set of their types (``{*map(type, value)} <= {str}``,
    # in C), not by a Python test per item: ~400 instructions an item (~3 M of `verify all`, whose run
    # records hold a list of deviations and three mappings each).
    if annotation is list or origin is list:  # a new list, as validation makes
        args = typing.get_args(annotation)
        item = _converter(args[0], [], strict) if args else _any
        if item is _any:
            return lambda value: list(value) if type(value) is list else _refuse()
        if item in (str, int, bool):
            only = {item}
            return lambda value: list(value) if type(value) is list and {*map(type, value)} <= only else _refuse()
        if isinstance(item, type):
            return lambda value: [_build(item, v) for v in value] if type(value) is list else _refuse()
        return lambda value: [item(v) for v in value] if type(value) is list else _refuse()
    if annotation is dict or origin is dict:  # a new dict, as validation makes
        args = typing.get_args(annotation)
        key, val = (_converter(args[0], [], strict), _converter(args[1], [], strict)) if args else (_any, _any)
        if key is _any and val is _any:
            return lambda value: dict(value) if type(value) is dict else _refuse()
        if key is str and val in (str, int, bool):
            keys, vals = {str}, {val}
            return lambda value: (dict(value) if type(value) is dict and {*map(type, value)} <= keys
                                  and {*map(type, value.values())} <= vals else _refuse())
        # keys of exactly one type and values a converter keeps as they are (a float: ``_KEEPS``) make a copy as
        # they are; any other mapping, one converted key and value at a time
        kept_keys = {key} if key in (str, int, bool) else None
        kept_values = {_KEEPS[val]} if val in _KEEPS else None
        key, val = _function(key), _function(val)

        def mapping(value: Any) -> dict:
            if type(value) is not dict:
                _refuse()
            if kept_keys and kept_values and {*map(type, value)} <= kept_keys and {*map(type, value.values())} <= kept_values:
                return dict(value)
            return {key(k): val(v) for k, v in value.items()}

        return mapping
    raise _Refused


def _enum(enum: type[Enum], strict: bool) -> Any:
    def convert(value: Any) -> Any:
        if type(value) is enum:
            return value
        if strict or type(value) not in (str, int):  # strict (python mode): only a member
            raise _Refused
        return enum(value)  # a value: its member (ValueError for another: refused)

    return convert
