"""``Model``: the base of claimcheck's frozen, validated record classes (claims, derivation parameters,
run records, verdicts), with pydantic at the edges only.

A class is written as a pydantic model is: annotated fields, ``Field(...)`` for defaults, constraints
and descriptions, ``field_validator`` and ``model_validator(mode="after")``; every class rejects
unknown fields and is frozen (DESIGN.md, habit 1). Validation, error messages and JSON Schema are
pydantic's: the first time a class is validated by pydantic (a file that is not in validated form, a
bad file, ``model_json_schema``, ``model_dump``), a pydantic model with the same name, fields,
validators, methods and config is built from the class (its *twin*, ``pydantic_twin``), the data is
validated by it, and the result is turned into an instance of this class. Errors are
``ValidationError`` (below), which carries pydantic's (``errors()``, ``str``).

Why: a process that only reads claimcheck's bundled data in validated form (``claimcheck verify all``)
never imports pydantic. Importing it and building its model machinery for the 41 classes took about
two fifths of that process's instructions (435 M of 1,066 M, callgrind; 733 M without it: README "What
the whole process is made of"). Data in validated form is built by ``plain_validate`` (``model_validate`` asks it first);
``tests/test_plain_validate.py`` compares the two paths, and ``tests/test_model.py`` this class's
behaviour with its twin's.

An instance keeps its field values in ``__dict__`` (in field order, as pydantic) and the fields the data
gave in ``model_fields_set``; equality and repr are pydantic's, an object is hashable where its values
are, and assignment raises ``dataclasses.FrozenInstanceError``.
"""

from __future__ import annotations

import sys
import types
import typing
from dataclasses import FrozenInstanceError
from typing import Annotated, Any, TypeVar

_M = TypeVar("_M", bound="Model")


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()  # a field's default when it has none

# the keyword arguments of ``Field`` that are passed on to pydantic's (with the default and its factory)
_FIELD_KEYWORDS = frozenset({"description", "ge", "gt", "le", "lt", "min_length", "max_length", "strict", "allow_inf_nan"})


class FieldInfo:
    """A field: its default (``REQUIRED`` for none), its default factory, and pydantic ``Field`` keywords
    (its type: ``resolved_hints``)."""

    __slots__ = ("default", "default_factory", "kwargs")

    def __init__(self, default: Any = REQUIRED, default_factory: Any = None, kwargs: dict | None = None) -> None:
        self.default = default
        self.default_factory = default_factory
        self.kwargs = kwargs or {}

    def is_required(self) -> bool:
        return self.default is REQUIRED and self.default_factory is None

    @property
    def description(self) -> str | None:
        return self.kwargs.get("description")

    def __repr__(self) -> str:
        return f"FieldInfo(default={self.default!r}, default_factory={self.default_factory!r}, {self.kwargs})"


def Field(default: Any = REQUIRED, *, default_factory: Any = None, **kwargs: Any) -> Any:  # noqa: N802 - pydantic's name
    """A field's default (or ``default_factory``), constraints (``ge``, ``gt``, ``le``, ``lt``,
    ``min_length``, ``max_length``, ``strict``, ``allow_inf_nan``) and ``description``, as pydantic's ``Field``."""
    unknown = kwargs.keys() - _FIELD_KEYWORDS
    if unknown:
        raise TypeError(f"Field() takes no {', '.join(sorted(unknown))}")
    if default is not REQUIRED and default_factory is not None:
        raise TypeError("Field() takes a default or a default_factory, not both")
    return FieldInfo(default, default_factory, kwargs)


class Strict:
    """``Annotated`` metadata: the value must already have the type (pydantic's ``Strict()``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Strict()"


class AfterValidator:
    """``Annotated`` metadata: a function the value goes through after its type is checked (pydantic's)."""

    __slots__ = ("func",)

    def __init__(self, func: Any) -> None:
        self.func = func


StrictFloat = Annotated[float, Strict()]  # a number: an int is taken too (3 -> 3.0), a bool or a text is not
StrictInt = Annotated[int, Strict()]


class ValidationInfo:
    """The type of a field validator's second argument (pydantic's ``ValidationInfo``: ``data``, ``context``,
    ``field_name``); for annotations only."""


class Decorated:
    """A validator, as ``field_validator`` or ``model_validator`` marks it: its function (a classmethod for a
    field validator), the fields it validates (none for a model validator) and its mode."""

    __slots__ = ("func", "fields", "mode")

    def __init__(self, func: Any, fields: tuple[str, ...], mode: str) -> None:
        self.func, self.fields, self.mode = func, fields, mode


def field_validator(*fields: str, mode: str = "after") -> Any:
    if mode != "after":
        raise TypeError("only 'after' field validators are supported")
    return lambda func: Decorated(func, fields, mode)


def model_validator(*, mode: str) -> Any:
    if mode != "after":
        raise TypeError("only 'after' model validators are supported")
    return lambda func: Decorated(func, (), mode)


class ValidationError(ValueError):
    """Data a model refused: pydantic's ``ValidationError`` (``pydantic_error``), its ``errors()`` and text."""

    def __init__(self, error: Any) -> None:
        super().__init__(str(error))
        self.pydantic_error = error

    def errors(self, **kwargs: Any) -> list[dict[str, Any]]:
        return self.pydantic_error.errors(**kwargs)

    def error_count(self) -> int:
        return self.pydantic_error.error_count()

    @property
    def title(self) -> str:
        return self.pydantic_error.title

    def __str__(self) -> str:
        return str(self.pydantic_error)


class ModelMeta(type):
    """Collects a class's fields, validators and config, its bases' first (as pydantic orders them)."""

    def __new__(mcls, name: str, bases: tuple, ns: dict[str, Any], **kwargs: Any) -> ModelMeta:
        own: dict[str, FieldInfo] = {}
        for field in ns.get("__annotations__", {}):
            if field in ("model_config", "model_fields") or field.startswith("_"):
                continue
            value = ns.pop(field, REQUIRED)
            own[field] = value if isinstance(value, FieldInfo) else FieldInfo(value)
        validators = {key: ns[key] for key, value in list(ns.items()) if isinstance(value, Decorated)}
        for key, dec in validators.items():
            ns[key] = dec.func  # the function stays callable on the class
        ns.setdefault("__slots__", ())
        cls = super().__new__(mcls, name, bases, ns, **kwargs)
        fields: dict[str, FieldInfo] = {}
        all_validators: dict[str, Decorated] = {}
        config: dict[str, Any] = {}
        for klass in reversed(cls.__mro__[1:]):
            if isinstance(klass, ModelMeta):
                fields.update(klass.model_fields)
                all_validators.update(klass.__validators__)
                config.update(klass.model_config)
        fields.update(own)
        all_validators.update(validators)
        config.update(ns.get("model_config", {}))
        if not config.keys() <= {"strict"}:
            raise TypeError(f"{name}: model_config takes only 'strict' (the models are frozen and refuse unknown fields)")
        cls.model_fields = fields
        cls.__validators__ = all_validators
        cls.model_config = config
        return cls


_new = object.__new__


class Model(metaclass=ModelMeta):
    """A frozen record that rejects unknown fields; see the module docstring."""

    # (set by ``ModelMeta``: ``model_fields``, name -> ``FieldInfo``; ``__validators__``, name -> ``Decorated``;
    # ``model_config``, whose one key is "strict": True, numbers must be numbers, as pydantic's strict mode)
    __slots__ = ("__dict__", "model_fields_set")

    def __init__(self, /, **data: Any) -> None:
        built = type(self).model_validate(data)
        set_dict(self, built.__dict__)
        set_fields_set(self, built.model_fields_set)

    @classmethod
    def model_validate(cls: type[_M], obj: Any, *, strict: bool | None = None, context: Any = None) -> _M:
        if type(obj) is cls:  # an instance is taken as it is (pydantic's revalidate_instances="never")
            return obj
        if strict is None and context is None:
            from claimcheck.plain_validate import validate_plain

            built = validate_plain(cls, obj)
            if built is not None:
                return built
        return pydantic_validate(cls, obj, strict=strict, context=context)

    @classmethod
    def model_validate_json(cls: type[_M], data: str | bytes, *, strict: bool | None = None, context: Any = None) -> _M:
        return _pydantic_call(cls, "model_validate_json", data, strict=strict, context=context)

    @classmethod
    def model_construct(cls: type[_M], _fields_set: set[str] | None = None, **values: Any) -> _M:
        """An instance with these values, the others their defaults, not validated (pydantic's ``model_construct``)."""
        fields = {}
        for name, info in cls.model_fields.items():
            if name in values:
                fields[name] = values[name]
            elif info.default_factory is not None:
                fields[name] = info.default_factory()
            elif info.default is not REQUIRED:
                fields[name] = info.default
        return build(cls, fields, set(values) & cls.model_fields.keys() if _fields_set is None else set(_fields_set))

    @classmethod
    def model_json_schema(cls, **kwargs: Any) -> dict[str, Any]:
        return pydantic_twin(cls).model_json_schema(**kwargs)

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        return to_pydantic(self).model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        return to_pydantic(self).model_dump_json(**kwargs)

    def model_copy(self: _M, *, update: dict[str, Any] | None = None, deep: bool = False) -> _M:
        """A copy, with ``update``'s values in place of the fields it names (not validated, as pydantic's)."""
        values = dict(self.__dict__)
        fields_set = set(self.model_fields_set)
        if update:
            values.update(update)
            fields_set.update(update)
        if deep:
            import copy

            values = copy.deepcopy(values)
        return build(type(self), values, fields_set)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"{type(self).__name__} is frozen: cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"{type(self).__name__} is frozen: cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Model):
            return type(other) is type(self) and self.__dict__ == other.__dict__
        return NotImplemented

    def __hash__(self) -> int:
        return hash(type(self)) + hash(tuple(self.__dict__.values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

    def __iter__(self) -> Any:
        yield from self.__dict__.items()

    def __reduce__(self) -> tuple:
        return build, (type(self), dict(self.__dict__), set(self.model_fields_set))


# The slots' setters, called directly: ``object.__setattr__`` looks each name up on the type first
set_dict = Model.__dict__["__dict__"].__set__
set_fields_set = Model.__dict__["model_fields_set"].__set__


def build(cls: type[_M], values: dict[str, Any], fields_set: set[str]) -> _M:
    """An instance of ``cls`` with these field values (all of them, in field order) and fields set,
    not validated: for values known to be in validated form."""
    obj = _new(cls)
    set_dict(obj, values)
    set_fields_set(obj, fields_set)
    return obj


def resolved_hints(cls: type[Model]) -> dict[str, Any]:
    """Each field's type, its annotation evaluated (``Annotated`` metadata kept)."""
    hints = _HINTS.get(cls)
    if hints is None:
        every = typing.get_type_hints(cls, include_extras=True)
        hints = _HINTS[cls] = {name: every[name] for name in cls.model_fields}
    return hints


_HINTS: dict[type, dict[str, Any]] = {}
_TWINS: dict[type, type] = {}  # class -> its pydantic twin
_OURS: dict[type, type] = {}  # twin -> class


def pydantic_twin(cls: type[Model]) -> Any:
    """The pydantic model that validates, dumps and describes ``cls`` (built once per process)."""
    twin = _TWINS.get(cls)
    if twin is not None:
        return twin
    import pydantic

    config = pydantic.ConfigDict(extra="forbid", frozen=True)
    if "strict" in cls.model_config:
        config["strict"] = cls.model_config["strict"]
    ns: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__, "__doc__": cls.__doc__,
                          "model_config": config}
    annotations = {}
    hints = resolved_hints(cls)
    for name, info in cls.model_fields.items():
        annotations[name] = _pydantic_type(hints[name])
        kwargs = dict(info.kwargs)
        if info.default_factory is not None:
            factory = info.default_factory
            kwargs["default_factory"] = pydantic_twin(factory) if isinstance(factory, ModelMeta) else factory
        elif info.default is not REQUIRED:
            kwargs["default"] = info.default
        if kwargs:
            ns[name] = pydantic.Field(**kwargs)
    ns["__annotations__"] = annotations
    for klass in reversed(cls.__mro__):  # the methods and properties a validator may use
        if isinstance(klass, ModelMeta) and klass is not Model:
            for key, value in klass.__dict__.items():
                if not key.startswith("__") and key not in cls.__validators__ and key not in annotations and key not in (
                        "model_fields", "model_config") and callable(getattr(value, "__get__", None)):
                    ns[key] = value
    for key, dec in cls.__validators__.items():
        if dec.fields:
            ns[key] = pydantic.field_validator(*dec.fields, mode=dec.mode)(dec.func)
        else:
            ns[key] = pydantic.model_validator(mode=dec.mode)(dec.func)
    twin = type(pydantic.BaseModel)(cls.__name__, (pydantic.BaseModel,), ns)
    _TWINS[cls] = twin
    _OURS[twin] = cls
    return twin


def _pydantic_type(tp: Any) -> Any:
    """``tp`` with every ``Model`` class in it replaced by its twin and this module's metadata by pydantic's."""
    if isinstance(tp, ModelMeta):
        return pydantic_twin(tp)
    origin = typing.get_origin(tp)
    if origin is None:
        return tp
    args = typing.get_args(tp)
    if origin is Annotated:
        return Annotated[(_pydantic_type(args[0]), *map(_pydantic_metadata, tp.__metadata__))]
    if origin is typing.Literal:
        return tp
    new = tuple(_pydantic_type(a) for a in args)
    if new == args:
        return tp
    if origin is typing.Union or origin is types.UnionType:
        return typing.Union[new]
    return origin[new if len(new) > 1 else new[0]]


def _pydantic_metadata(meta: Any) -> Any:
    import pydantic

    if isinstance(meta, Strict):
        return pydantic.Strict()
    if isinstance(meta, AfterValidator):
        return pydantic.AfterValidator(meta.func)
    return meta


def to_pydantic(obj: Model) -> Any:
    """``obj`` as an instance of its class's twin (the same values and fields set; not validated)."""
    twin = pydantic_twin(type(obj))
    values = dict(obj.__dict__)
    for name in _holding_models(type(obj)):
        values[name] = _walk(values[name], _twin_of)
    return twin.model_construct(_fields_set=set(obj.model_fields_set), **values)


def from_pydantic(obj: Any) -> Any:
    """A twin's instance (or lists, tuples and dicts of them) as instances of their classes."""
    return _walk(obj, _class_instance_of)


def _twin_of(value: Any) -> Any:
    return to_pydantic(value) if isinstance(value, Model) else None


def _class_instance_of(obj: Any) -> Any:
    cls = _OURS.get(type(obj))
    if cls is None:
        return None
    values = dict(obj.__dict__)
    for name in _holding_models(cls):
        values[name] = from_pydantic(values[name])
    return build(cls, values, set(obj.model_fields_set))


def _holding_models(cls: type[Model]) -> tuple[str, ...]:
    """The fields of ``cls`` whose type may hold a ``Model`` (the others' values are copied as they are:
    a run record's spec is a large mapping of plain values)."""
    names = _HOLDING.get(cls)
    if names is None:
        names = _HOLDING[cls] = tuple(name for name, tp in resolved_hints(cls).items() if _mentions_model(tp))
    return names


def _mentions_model(tp: Any) -> bool:
    if isinstance(tp, ModelMeta) or tp is Any:
        return True
    return typing.get_origin(tp) is not typing.Literal and any(map(_mentions_model, typing.get_args(tp)))


_HOLDING: dict[type, tuple[str, ...]] = {}


def _walk(value: Any, convert: Any) -> Any:
    """``value`` with ``convert(x)`` in place of each ``x`` in it (itself, or an item of its dicts, lists and
    tuples) for which that is not None."""
    done = convert(value)
    if done is not None:
        return done
    kind = type(value)
    if kind is list:
        return [_walk(v, convert) for v in value]
    if kind is tuple:
        return tuple(_walk(v, convert) for v in value)
    if kind is dict:
        return {k: _walk(v, convert) for k, v in value.items()}
    return value


def pydantic_validate(cls: type[_M], data: Any, **kwargs: Any) -> _M:
    """``cls.model_validate(data)`` by pydantic (its twin) always, never by ``plain_validate``: the reference
    the plain path is compared with."""
    return _pydantic_call(cls, "model_validate", _walk(data, _twin_of), **kwargs)


def _pydantic_call(cls: type[_M], method: str, data: Any, **kwargs: Any) -> _M:
    twin = pydantic_twin(cls)
    pydantic_error = sys.modules["pydantic"].ValidationError
    try:
        validated = getattr(twin, method)(data, **kwargs)
    except pydantic_error as error:
        raise ValidationError(error) from None
    return from_pydantic(validated)
