"""Loading claim files: the bundled papers plus any user folders (``--registry DIR``).

Each ``*.yaml`` file holds one paper and its claims (``PaperFile``). Loading fails loudly with the
file, the field and the message; it never skips a file silently. A bundled file with a current
parsed copy is read from it (``claims.parsed_copy``); any other is parsed (``claims.yaml_text``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from claimcheck.claims.derivation_params import check_params, check_reported
from claimcheck.claims.models import Claim, Paper, PaperFile, number_error
from claimcheck.claims.parsed_copy import read_parsed_copy
from claimcheck.errors import RegistryError, UnknownClaimError, error_message, field_place
from claimcheck.model import ValidationError
from claimcheck.plain_record import NEW, FrozenRecord
from claimcheck.visible import CONTROL, visible

BUNDLED_PAPERS = Path(__file__).parent / "papers"
_BUNDLED = BUNDLED_PAPERS.resolve()


class Registry(FrozenRecord):
    """The papers and claims by id (a frozen record: ``plain_record``)."""

    _fields = ("papers", "claims", "files")

    def __init__(self, papers: dict[str, Paper], claims: dict[str, Claim], files: dict[str, Path] = NEW) -> None:
        # files: claim or paper id -> the file it came from (a new dict when not given)
        self._init(papers=papers, claims=claims, files={} if files is NEW else files)

    def claim(self, claim_id: str) -> Claim:
        try:
            return self.claims[claim_id]
        except KeyError:
            import difflib

            wanted = claim_id.lower()
            by_lower = {c.lower(): c for c in self.claims}
            slugs = {c.split("/", 1)[-1].lower(): c for c in self.claims}
            near = [by_lower[c] for c in difflib.get_close_matches(wanted, by_lower, n=3, cutoff=0.75)]
            near += [slugs[c] for c in difflib.get_close_matches(wanted.split("/")[-1], slugs, n=3, cutoff=0.75)]
            trimmed = claim_id.strip().strip("/")  # "2005.13013/" or " ID": a paper id, or a claim id, as copied
            if trimmed != claim_id and (trimmed in self.claims or trimmed in self.papers):
                near = [trimmed]
            near = list(dict.fromkeys(near))
            hint = f" (did you mean {', '.join(near[:3])}?)" if near else ""
            raise UnknownClaimError(f"no claim with id {claim_id!r}{hint}; `claimcheck list` shows them") from None

    def paper_of(self, claim: Claim) -> Paper:
        return self.papers[claim.paper_id]

    def select(self, ids: Iterable[str]) -> list[Claim]:
        ids = list(ids)
        if not ids or "all" in ids:  # "all" with ids still checks them: a typo is an error, not ignored
            for i in ids:
                if i != "all" and i not in self.papers:
                    self.claim(i)
            return list(self.claims.values())
        out: dict[str, Claim] = {}  # a claim named twice (or by its id and its paper's) is verified once
        for i in ids:
            if i in self.papers:  # a paper id selects all its claims
                out.update((c.id, c) for c in self.claims.values() if c.paper_id == i)
            else:
                claim = self.claim(i)
                out[claim.id] = claim
        return list(out.values())


def _explain(err: dict) -> str:
    msg = error_message(err)
    if (number := number_error(err)) is not None:  # text where a YAML number belongs ("0.5", "０.５")
        return number
    if err["type"] == "string_type" and isinstance(err.get("input"), (int, float)):
        value = err["input"]
        if isinstance(value, float) and not math.isfinite(value):
            return f"{value!r} is not a finite number"
        return f"{msg}: write numbers as quoted strings (e.g. '{value}') so their written precision is kept"
    if err["type"] == "extra_forbidden":
        return "unknown field (typo? `claimcheck schema` lists the allowed fields)"
    return msg


def _paper_with_claim_context(data: dict, loc: tuple) -> str:
    """Prefix a claims[i] location with that claim's id, when it has one."""
    if len(loc) >= 2 and loc[0] == "claims" and isinstance(loc[1], int):
        claims = data.get("claims") or []
        if loc[1] < len(claims) and isinstance(claims[loc[1]], dict) and claims[loc[1]].get("id"):
            return f"{field_place(loc)} (claim {claims[loc[1]]['id']})"
    return field_place(loc)


_CONTROL_ESCAPE = re.compile(r"\\[0abefvrxuUN]")  # the YAML escapes that can write a control character


def _may_hold_control(text: str) -> bool:
    """Whether a claim file's text holds a control character (``visible.CONTROL``), as it is or as a YAML
    escape: else its data holds none. An ASCII text (the bundled files) holds one exactly when, its tabs
    and line breaks left out, it is not ``isprintable`` (which is False for U+0000-U+001F and U+007F, the
    ASCII part of CONTROL): one C pass at a few instructions a character, where CONTROL's character
    class cost about 50 (1.7 M instructions for the two bundled files)."""
    if text.isascii():
        holds = not text.replace("\n", "").replace("\t", "").isprintable()
    else:
        holds = CONTROL.search(text) is not None
    return holds or ("\\" in text and _CONTROL_ESCAPE.search(text) is not None)


def _control_character(data: object) -> tuple[tuple, str] | None:
    """Where a string of the parsed file holds a control character (``visible.CONTROL``; a YAML
    escape such as "\\e" writes one), and the character: (location, character), else None. Walked
    with a stack, not recursion: a file may nest deeper than Python's recursion limit."""
    stack: list[tuple[tuple, object]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            found = CONTROL.search(value)
            if found:
                return loc, found.group()
            continue
        items = list(value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ())
        for key, _ in items:
            if isinstance(key, str) and (found := CONTROL.search(key)):
                return (*loc, key), found.group()
        stack.extend(((*loc, key), item) for key, item in reversed(items))  # reversed: the first in the file comes first
    return None


def _cell_given_twice(paper: Paper) -> tuple[int, int] | None:
    """The first cell that one source gives a second, different value (its index, and the index of
    the first), else None. Checked where files are loaded, not by the model: a draft that ``add``
    extracts from two tables of one paper may hold such a pair, for its reader to resolve."""
    given: dict[tuple, int] = {}
    for i, cell in enumerate(paper.cells):
        first = given.setdefault((cell.system, cell.task, cell.language, cell.metric, cell.split, cell.source), i)
        if first != i and float(paper.cells[first].value) != float(cell.value):
            return i, first
    return None


def _not_utf8(data: bytes) -> str:
    """Why a claim file that is not UTF-8 is refused, naming the encoding its byte-order mark gives
    (UTF-16 and UTF-32 are text, but a claim file is read, diffed and parsed as UTF-8 only)."""
    from claimcheck.text_bytes import byte_order_mark

    found = byte_order_mark(data)
    if found in ("UTF-16", "UTF-32"):
        return f"is {found} text (it starts with a {found} byte-order mark): a claim file is UTF-8; save it as UTF-8"
    return "not UTF-8 text: a claim file is UTF-8"


def load_paper_file(path: Path, *, one_value_per_cell: bool = True, parsed_copy: bool = True) -> PaperFile:
    """Read and validate one claim file. ``one_value_per_cell=False`` lets a cell given two values
    pass (``_cell_given_twice``), for ``add`` to diff an earlier draft that still holds such a pair.
    ``parsed_copy=False``: parse a bundled file's YAML even where its parsed copy is current."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RegistryError(_not_utf8(exc.object), path=str(path)) from None
    except OSError as exc:
        raise RegistryError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    # a bundled file's parsed copy: no YAML parser to start (claims.parsed_copy); never a user's file's
    data = read_parsed_copy(path, text) if parsed_copy and path.resolve().parent == _BUNDLED else None
    if data is None:
        from claimcheck.claims.yaml_text import parse_yaml  # imported here: `verify all` reads only parsed copies

        if "\x00" in text:  # valid UTF-8, but ASCII text in UTF-16 without a byte-order mark reads so
            raise RegistryError("holds NUL characters: not UTF-8 text (UTF-16 without a byte-order mark?); a claim file is "
                                "UTF-8: save it as UTF-8", path=str(path))
        data = parse_yaml(text, path)
    if not isinstance(data, dict):
        if data is None:  # an empty file, or only comments
            raise RegistryError("is empty: a claim file holds a mapping with 'paper' and 'claims' at the top", path=str(path))
        raise RegistryError("expected a mapping with 'paper' and 'claims' at the top", path=str(path))
    if "paper" not in data and "claims" not in data:  # a docker-compose.yml or a workflow beside the claim files
        keys = ", ".join(repr(k) for k in list(data)[:3]) + (", ..." if len(data) > 3 else "")
        raise RegistryError(f"not a claim file: no 'paper' or 'claims' at the top (it has {visible(keys)}); a folder given to "
                            "claimcheck is read whole (every *.yaml and *.yml): keep other YAML files out of it", path=str(path))
    if data.get("paper") is None and "paper" in data:  # "paper:" with nothing under it
        raise RegistryError("is empty: it holds the paper's id, version, title, authors, year, sources and cells "
                            "(`claimcheck schema` shows them)", path=str(path), field="paper")
    # only where one can be: written as it is, or as a YAML escape ("\e", "\x1b", "\u202e")
    control = _control_character(data) if _may_hold_control(text) else None
    if control is not None:
        loc, char = control
        raise RegistryError(f"control character {visible(char)} in the text: claim files are shown on terminals, where it "
                            "could hide or reorder what is printed around it", path=str(path), field=_paper_with_claim_context(data, loc))
    # data in validated form (a bundled file's parsed copy, most claim files) is built without pydantic
    # (``claimcheck.model``): `verify all` never imports it
    try:
        pf = PaperFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise RegistryError(_explain(err), path=str(path), field=_paper_with_claim_context(data, err["loc"])) from None
    conflict = _cell_given_twice(pf.paper) if one_value_per_cell else None
    if conflict is not None:
        i, first = conflict
        cell, other = pf.paper.cells[i], pf.paper.cells[first]
        # the verifier reads the first only, so the order of the lines would decide the verdict
        raise RegistryError(f"gives {cell.system} / {cell.task} / {cell.language} / {cell.metric} / {cell.split} from source "
                            f"{cell.source!r} as {cell.value}, but cells[{first}] ({other.locator}) gives it as {other.value}: one "
                            "source prints one value per cell (two sources that disagree are two cells, each with its own source)",
                            path=str(path), field=f"paper.cells[{i}]")
    for i, claim in enumerate(pf.claims):
        if claim.paper_id != pf.paper.id:
            raise RegistryError(
                f"claim id {claim.id!r} must start with the file's paper id '{pf.paper.id}/'",
                path=str(path),
                field=f"claims[{i}].id",
            )
    return pf


def iter_claim_files(dirs: Iterable[Path]) -> Iterator[Path]:
    for d in dirs:
        if d.is_file():
            yield d
        elif d.is_dir():
            # a hidden folder or file (.github/workflows/ci.yml, .pre-commit-config.yaml) is no claim file
            found = [p for p in sorted(d.rglob("*.yaml")) + sorted(d.rglob("*.yml"))
                     if p.is_file() and not any(part.startswith(".") for part in p.relative_to(d).parts)]
            if not found:  # a mistyped folder must not read as "no user claims"
                raise RegistryError("no claim files (*.yaml) in this folder", path=str(d))
            yield from found
        else:
            raise RegistryError("not a regular file or a folder" if d.exists() else "no such registry file or folder", path=str(d))


def build_registry(
    files: Iterable[tuple[Path, PaperFile]],
    known_derivations: set[str] | None = None,
) -> Registry:
    """Merge paper files; duplicate ids, unknown derivation names and parameters a derivation does not
    take (``derivation_params``) fail with the file and field named. A file given twice (or a bundled
    file given again) is read once."""
    papers: dict[str, Paper] = {}
    claims: dict[str, Claim] = {}
    origin: dict[str, Path] = {}
    read: set[Path] = set()
    for path, pf in files:
        resolved = path.resolve()
        if resolved in read:
            continue
        read.add(resolved)
        if pf.paper.id in papers:
            raise RegistryError(
                f"paper id {pf.paper.id!r} is already defined in {origin[pf.paper.id]}", path=str(path), field="paper.id"
            )
        papers[pf.paper.id] = pf.paper
        origin[pf.paper.id] = path
        for i, claim in enumerate(pf.claims):
            if claim.id in claims:
                raise RegistryError(
                    f"duplicate claim id {claim.id!r} (first defined in {origin[claim.id]})",
                    path=str(path),
                    field=f"claims[{i}].id",
                )
            if known_derivations is not None and claim.derivation.name not in known_derivations:
                raise RegistryError(
                    f"unknown derivation {claim.derivation.name!r}; known: {', '.join(sorted(known_derivations))}",
                    path=str(path),
                    field=f"claims[{i}].derivation.name",
                )
            problem = check_params(claim.derivation.name, claim.derivation.params)
            if problem is not None:
                where, msg = problem
                raise RegistryError(msg, path=str(path), field=f"claims[{i}].derivation.params" + (f".{where}" if where else ""))
            problem_count = check_reported(claim.derivation.name, claim.derivation.params, claim.reported)
            if problem_count is not None:
                raise RegistryError(problem_count, path=str(path), field=f"claims[{i}].reported")
            claims[claim.id] = claim
            origin[claim.id] = path
    for cid, claim in claims.items():
        if claim.superseded_by and claim.superseded_by not in claims:
            raise RegistryError(
                f"superseded_by {claim.superseded_by!r} names no claim", path=str(origin[cid]), field="superseded_by"
            )
        if claim.superseded_by and (claim.superseded_by == cid or claims[claim.superseded_by].paper_id != claim.paper_id):
            raise RegistryError(f"superseded_by {claim.superseded_by!r} must name another claim of the same paper "
                                "(a later version's statement)", path=str(origin[cid]), field="superseded_by")
    return Registry(papers=papers, claims=claims, files=origin)


def load_registry(extra_dirs: Iterable[Path] = (), *, include_bundled: bool = True) -> Registry:
    """The bundled papers plus user folders, with derivation names checked."""
    from claimcheck.verifier.derive import DERIVATIONS  # pure; the names are checked

    dirs = ([BUNDLED_PAPERS] if include_bundled else []) + [Path(d) for d in extra_dirs]
    files = [(p, load_paper_file(p)) for p in iter_claim_files(dirs)]
    return build_registry(files, known_derivations=set(DERIVATIONS))
