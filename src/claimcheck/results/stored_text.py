"""Text in the run store that is not as claimcheck writes it: bytes that are not UTF-8, lone surrogates.

SQLite keeps whatever text it is given, so another program may have stored bytes that are not UTF-8 in
a record or a run id. Such text is read with each byte that is not UTF-8 as a lone surrogate
(``surrogateescape``: 0xe9 is ``\\udce9``), so that no byte is lost:

* ``lenient_text`` reads a text column so, once one is not UTF-8; ``record_text`` says what is wrong
  with a stored record so read, and ``not_utf8_kept`` what a backup keeps of it;
* ``id_is``, ``prefix_is`` and ``prefix_args`` pick a run whose id (or prefix) holds lone surrogates by
  its bytes, and ``id_note`` says what such an id, given as an argument, holds;
* a record holding a lone surrogate is not stored (``lone_surrogate_error``): the store's UTF-8 text
  cannot hold it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from claimcheck.errors import StoreError
from claimcheck.results.records import SURROGATE, surrogate_cause

LONE_SURROGATE = re.compile(SURROGATE)  # json.dumps writes a pair as the one character it is

# a run id that starts with the prefix as written (see ``RunStore.find``)
_PREFIX = "run_id >= ? AND substr(run_id, 1, ?) = ? ORDER BY run_id"


class _NotUtf8(str):
    """A text read from the store whose bytes are not UTF-8 (``lenient_text``)."""

    __slots__ = ()


def lenient_text(raw: bytes) -> str:
    """A text column as ``StoreFile._fetch`` reads it once one is not UTF-8: UTF-8 as it is; other bytes
    as a ``_NotUtf8``, each byte that is not UTF-8 a lone surrogate (``surrogateescape``: 0xe9 is
    ``\\udce9``), so no byte is lost, the run's id and columns can be shown (``visible`` writes such a
    byte as ``\\xe9``) and its record is known for what it is (``record_text``)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _NotUtf8(raw.decode("utf-8", "surrogateescape"))


def record_text(value: object) -> tuple[str, tuple[str | None, str, int] | None]:
    """A stored record's text, and (field, what is wrong, the first byte that is not UTF-8) when its
    bytes are not UTF-8 (written by another program: claimcheck writes UTF-8 text), else None.
    ``value`` is the record column as read: text, a ``_NotUtf8`` (``lenient_text``) or a BLOB. Text that is not UTF-8 holds each byte that is
    not as a lone surrogate (0xe9 as ``\\udce9``), the rest as it was: a backup writes that as the
    JSON escape. The field is the first that holds such a byte, when the rest is JSON."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw, how = bytes(value), "a BLOB of bytes"
    elif isinstance(value, _NotUtf8):
        raw, how = value.encode("utf-8", "surrogateescape"), "text"
    else:
        return str(value), None
    try:
        return raw.decode("utf-8"), None  # a BLOB of UTF-8 text: read as the text it is
    except UnicodeDecodeError as exc:
        text, first = raw.decode("utf-8", "surrogateescape"), exc.start
    field = None
    try:
        from claimcheck.results.files import lone_surrogate

        found = lone_surrogate(json.loads(text))
        field = found[0] if found else None
    except (ValueError, RecursionError):  # not JSON even so: the record as a whole
        pass
    return text, (field, f"the record is not UTF-8: byte 0x{raw[first]:02x} at offset {first} (stored as {how} by another "
                         "program; claimcheck writes UTF-8)", raw[first])


def not_utf8_kept(byte: int) -> str:
    """What a backup keeps of a stored record that is not UTF-8, whose first such byte is ``byte``."""
    return (f"each byte that is not UTF-8 as a JSON escape (0x{byte:02x} as \\udc{byte:02x}), to be mended before "
            "`runs import` takes it back")


def id_is(run_id: str, column: str = "run_id") -> tuple[str, object]:
    """The SQL condition, and its parameter, that picks the stored run ``run_id`` (or the runs of a paper,
    ``column="paper_id"``: `runs list --paper $'x\\xff'` as well). A text holding a lone
    surrogate, which sqlite3 cannot send as text ("surrogates not allowed"), by its bytes (``_id_bytes``):
    a run id that is not UTF-8 as the store reads it (``lenient_text``), or as Python reads an argument
    holding such a byte (`runs remove $'r-aa\\xff'`), picks the run stored with those bytes."""
    if run_id.isascii() or not LONE_SURROGATE.search(run_id):  # isascii is O(1): the engine's ids are not scanned
        return f"{column} = ?", run_id
    return f"CAST({column} AS BLOB) = ?", _id_bytes(run_id)


def _id_bytes(text: str) -> bytes | None:
    """The bytes of a run id holding lone surrogates: each one of U+DC80 to U+DCFF the byte it stands for
    (``surrogateescape``, as the store and Python's argument decoding read a byte that is not UTF-8).
    None for one holding another surrogate (half of a UTF-16 pair, from Python only): no stored id reads
    as that, and a comparison with NULL picks no row."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return None


def prefix_is(prefix: str) -> str:
    """The SQL condition (and order) of ``RunStore.find``: ``_PREFIX``, or for a prefix holding a lone
    surrogate the same on the id's bytes (``_id_bytes``; ``substr`` of a BLOB counts bytes)."""
    if prefix.isascii() or not LONE_SURROGATE.search(prefix):
        return _PREFIX
    return _PREFIX.replace("run_id >=", "CAST(run_id AS BLOB) >=").replace("substr(run_id,", "substr(CAST(run_id AS BLOB),")


def prefix_args(prefix: str) -> tuple:
    """The parameters of ``prefix_is(prefix)``."""
    key = prefix if prefix_is(prefix) is _PREFIX else _id_bytes(prefix)
    return key, None if key is None else len(key), key


def id_note(run_id: str) -> str:
    """What a message about a run id given as an argument adds when it holds a lone surrogate (a byte that
    was not UTF-8, as Python reads an argument holding one), else "": no id claimcheck gives a run holds
    one, and ``runs list`` shows a stored id that is not UTF-8 with the byte as its escape (``\\xff``)."""
    if run_id.isascii() or not (found := LONE_SURROGATE.search(run_id)):
        return ""
    return (f" (it holds U+{ord(found.group()):04X}, a lone surrogate: {surrogate_cause(ord(found.group()))}; the ids "
            "claimcheck gives runs are r- and hex digits, and `claimcheck runs list` shows a stored id that is not UTF-8 "
            "with each such byte as \\xNN)")


def lone_surrogate_error(store: Path, run_id: str, data: dict) -> StoreError:
    """A record holding a lone surrogate, which the store's UTF-8 text cannot hold (sqlite3 would stop on
    it, "surrogates not allowed", naming neither the run nor the field), nor as its JSON escape
    (``\\udcff``: read back, pydantic's parser refuses the record). The engine stores none (a byte of a
    file name that was not UTF-8, in an error text it records, becomes ``\\xff``: ``pipeline.storable``),
    and a result file holding one is refused when it is read, naming the file and the field; a record
    that reaches the store with one all the same (made in Python) is refused, naming the run and the
    field, and nothing is written."""
    from claimcheck.results.files import lone_surrogate

    field, what = lone_surrogate(data) or (None, "")
    code = int(m.group(1), 16) if (m := re.search(r"\\u([0-9a-fA-F]{4})", what)) else 0xDCFF
    return StoreError(f"cannot store run {run_id!r}: it holds \\u{code:04x}, a lone surrogate ({surrogate_cause(code)}), which the run "
                      "store's UTF-8 text cannot hold; nothing was written", path=str(store), field=field)
