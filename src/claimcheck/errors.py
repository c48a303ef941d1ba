"""The one family of expected failures.

Library code raises these; only the ``cli`` package turns them into messages and exit codes. Anything
that is not a ``ClaimcheckError`` is a bug and keeps its traceback.
"""

from __future__ import annotations


class ClaimcheckError(Exception):
    """An expected failure with a message a user can act on."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None):
        self.message = message
        self.path = path
        self.field = field
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path and self.field:
            where = f"{self.path}: field '{self.field}': "
        elif self.path:
            where = f"{self.path}: "
        elif self.field:
            where = f"field '{self.field}': "
        return f"{where}{self.message}"


def field_place(loc: tuple) -> str:
    """Where a field sits, as every input error writes it: keys joined by dots, list indexes in
    brackets (``claims[3].derivation.params.tasks[0]``), from a pydantic error's ``loc`` or any path of
    keys and indexes."""
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts[-1:] = [f"{parts[-1]}[{p}]"] if parts else [f"[{p}]"]
        else:
            parts.append(str(p))
    return ".".join(parts)


def error_message(err: dict) -> str:
    """pydantic's message for the validation error ``err``, without the "Value error, " it puts before
    the message of a ValueError a validator raised (the message is written for the reader as it is)."""
    return err["msg"].removeprefix("Value error, ") if err["type"] == "value_error" else err["msg"]


class InputError(ClaimcheckError):
    """A file or argument the user gave is malformed (exit 2)."""


class RegistryError(InputError):
    """A claim or paper file is invalid, or two files disagree (duplicate id...)."""


class UnknownClaimError(InputError):
    """A claim id that no registry holds."""


class ResultFileError(InputError):
    """A run-record file is malformed."""


class OutputError(InputError):
    """A file cannot be written where the user asked (a missing permission, a folder in the way)."""


class StoreError(ClaimcheckError):
    """The run store cannot be opened or written."""


class DataError(InputError):
    """A dataset file is missing or corrupt."""


class NetworkError(ClaimcheckError):
    """A remote source could not be reached after retries."""
