"""A small bundled bibliography: names for the arXiv ids that syntheses cite.

``bibliography.yaml`` beside this file lists each paper with where its identification was read;
an id nothing could be read about stays ``unidentified`` (we never fill titles in from memory).
The audit names references by title and year from here, and says "unidentified" otherwise.

Online arXiv metadata look-up is not implemented: no ``claimcheck.sources.arxiv`` client existed when
this was written, and the audit must run offline. Callers can add entries from their own YAML files
(same format) through ``load_bibliography(extra=...)``. Every file is read as a claim file is
(``claims.yaml_text.parse_yaml``: YAML 1.2 core scalars, a key given twice refused), so an author
named ``No`` or a ``source`` dated ``2021-03-04`` stays the text written, not ``False`` or a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from claimcheck.claims.yaml_text import parse_yaml
from claimcheck.errors import InputError, error_message, field_place

BUNDLED_BIBLIOGRAPHY = Path(__file__).parent / "bibliography.yaml"
_ARXIV_IN_TEXT = re.compile(r"(\d{4}\.\d{4,5})")


class BibEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    arxiv_id: str
    status: Literal["identified", "uncertain", "unidentified"]
    title: str = ""
    short: str = ""  # "Phang et al. 2020"
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    venue: str = ""
    topic: str = ""
    source: str = ""  # where the identification was read
    note: str = ""

    @field_validator("arxiv_id", mode="before")
    @classmethod
    def _id_as_text(cls, v: object) -> object:
        """An unquoted ``2005.13013`` is a YAML number (``2005.13010`` would even lose its last digit): refused,
        asking for quotes, rather than turned back into a text that may not be the id written."""
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            raise ValueError(f"an unquoted arXiv id is read as a number (here {v!r}): write it in quotes (arxiv_id: \"2005.13013\")")
        return v

    def label(self) -> str:
        """'Qi et al. 2023, "Cross-Lingual Consistency of ..."', or an honest 'unidentified'."""
        if self.status == "identified" and self.title:
            who = self.short or (self.authors[0] if self.authors else "")
            return f'{who}, "{self.title}"' if who else f'"{self.title}" ({self.year})'
        if self.status == "uncertain":
            return f"arXiv {self.arxiv_id} (identity uncertain: {self.note})" if self.note else f"arXiv {self.arxiv_id} (identity uncertain)"
        return f"arXiv {self.arxiv_id} (unidentified)"


class _BibFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entries: list[BibEntry]


def _norm_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


class Bibliography(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entries: dict[str, BibEntry] = Field(default_factory=dict)

    def lookup(self, arxiv_id: str | None) -> BibEntry | None:
        return self.entries.get(arxiv_id) if arxiv_id else None

    def describe(self, arxiv_id: str) -> BibEntry:
        """The entry, or an ``unidentified`` placeholder for an id the bibliography does not hold."""
        return self.entries.get(arxiv_id) or BibEntry(arxiv_id=arxiv_id, status="unidentified", source="not in the bundled bibliography")

    def find_title(self, title: str) -> BibEntry | None:
        """The identified entry whose title equals ``title`` (case, punctuation and spacing ignored)."""
        want = _norm_title(title)
        if not want:
            return None
        for e in self.entries.values():
            if e.title and _norm_title(e.title) == want:
                return e
        return None

    def find_work(self, text: str) -> BibEntry | None:
        """The entry a free-text attribution names: by arXiv id in the text, else by its short name."""
        m = _ARXIV_IN_TEXT.search(text or "")
        if m and m.group(1) in self.entries:
            return self.entries[m.group(1)]
        low = (text or "").lower()
        for e in self.entries.values():
            if e.short and e.short.lower() in low:
                return e
        return None


def _load_file(path: Path) -> list[BibEntry]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("cannot read bibliography: not UTF-8 text", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read bibliography: {exc.strerror or exc}", path=str(path)) from None
    data = parse_yaml(text, path)  # as a claim file: YAML 1.2 core scalars, a key given twice refused; one-line errors
    try:
        return _BibFile.model_validate(data).entries
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(error_message(err), path=str(path), field=field_place(err["loc"])) from None


def load_bibliography(extra: Iterable[Path] = ()) -> Bibliography:
    """The bundled bibliography, then user files (a later entry for the same id replaces an earlier one)."""
    entries: dict[str, BibEntry] = {}
    for path in [BUNDLED_BIBLIOGRAPHY, *extra]:
        for e in _load_file(Path(path)):
            entries[e.arxiv_id] = e
    return Bibliography(entries=entries)
