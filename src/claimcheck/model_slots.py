"""The four slots a pydantic model instance keeps its state in (its field values, the fields set, the
extra and the private values), and their setters: shared by the two places that build model objects
without validating them, ``verifier.verdict.trusted`` (the verifier's own outputs) and
``plain_validate`` (data already in validated form).

``object.__setattr__(obj, name, value)`` sets the same slots, but first looks the name up on the type
and checks that no C-level ``__setattr__`` is jumped over: calling each slot descriptor's ``__set__``
directly builds an object in about two thirds of the instructions. Where pydantic keeps them
otherwise (no such descriptors), the setters are ``object.__setattr__``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

NAMES = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
# each slot's descriptor on BaseModel (None where pydantic has none by that name)
SLOTS: dict[str, Any] = {name: BaseModel.__dict__.get(name) for name in NAMES}


def slot_setters(slots: Any = BaseModel.__dict__) -> tuple:
    """The four setters, in ``NAMES`` order: each descriptor's bound ``__set__``, or
    ``object.__setattr__`` of that name where ``slots`` lacks one that sets."""
    if all(hasattr(slots.get(name), "__set__") for name in NAMES):
        return tuple(slots[name].__set__ for name in NAMES)
    return tuple((lambda obj, value, name=name: object.__setattr__(obj, name, value)) for name in NAMES)


set_dict, set_fields_set, set_extra, set_private = slot_setters()
