"""Draft paper files: what `claimcheck add` writes, how it compares with an existing file, and the
check that keeps drafts out of verification.

``build_draft(meta, extraction)`` turns extracted tables and candidate sentences into a
``PaperFile`` with ``paper.draft: true``: every table value becomes a ``ReportedCell`` whose
locator reads "Table N (label), row R, column C"; every candidate becomes a ``quantity`` claim with
``draft: true`` and derivation ``not_specified`` (registered by the verifier; it always answers
"not derivable"), located at its section. ``render_paper_yaml`` writes it as YAML that
``registry.load_paper_file`` reads back unchanged. ``diff_paper_files`` says which cells and claims
a new version adds, removes or changes. ``check_no_drafts`` is what `claimcheck validate` calls.
The command itself (read or fetch, draft, diff, save) is ``workflow_add.add_paper``.

Everything here is pure except ``save_paper_file`` (atomic write).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from claimcheck.atomic import save_text_atomic
from claimcheck.claims.models import Claim, ClaimKind, Derivation, Location, Paper, PaperFile, ReportedCell, Source
from claimcheck.claims.sign_note import sign_note
from claimcheck.claims.yaml_text import Dumper
from claimcheck.errors import RegistryError
from claimcheck.sources.candidates import Candidate
from claimcheck.sources.tables import Table

DRAFT_DERIVATION = "not_specified"
SOURCE_ID = "paper"
_METRICS = {
    "acc": "accuracy", "acc.": "accuracy", "accuracy": "accuracy", "f1": "f1", "em": "em",
    "exact match": "em", "bleu": "bleu", "rouge-l": "rouge-l", "rouge": "rouge", "mcc": "mcc",
    "precision": "precision", "recall": "recall", "spearman": "spearman", "pearson": "pearson",
    "perplexity": "perplexity", "ppl": "perplexity", "auc": "auc", "map": "map", "mrr": "mrr", "wer": "wer",
}
_LANGUAGES = set("af ar bg bn de el en es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr ms my nl pt "
                 "ru sw ta te th tl tr ur vi yo zh".split())


@dataclass(frozen=True)
class PaperMeta:
    id: str  # "2005.13013"
    version: str  # "v2" ("unknown" for a local file without one)
    title: str
    authors: list[str]
    year: int  # 0 when unknown (then listed in paper.not_found)
    locator: str  # "arXiv:2005.13013v2" or the file given
    venue: str = ""
    arxiv_id: str | None = None


@dataclass(frozen=True)
class Extraction:
    origin: str  # "latex" | "pdf-text" | "text"
    tables: list[Table]
    candidates: list[Candidate]
    not_found: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ build
def _metric_of(parts: list[str], part: str, caption: str) -> str:
    if part:
        return _METRICS.get(part.lower(), part)
    for text in parts:
        for word in re.findall(r"[A-Za-z][\w.-]*", text.lower()):
            if word in _METRICS:
                return _METRICS[word]
    words = re.findall(r"[A-Za-z][\w.-]*", caption.lower())
    found = {_METRICS[w] for w in words if w in _METRICS}
    return found.pop() if len(found) == 1 else "score"


def _split_of(*texts: str) -> str | None:
    joined = " ".join(texts).lower()
    for split, pattern in (("dev", r"\b(dev|development|validation|val)\b"), ("test", r"\btest"), ("train", r"\btrain(ing)? set\b(?!-)")):
        if re.search(pattern, joined):
            return split
    return None


# Header names of the XTREME tasks -> the ids derivations read (``verifier.table.XTREME_TASKS``); keys are
# lower-case with everything but letters and digits removed. Other names are kept as written.
_TASK_IDS = {
    "xnli": "xnli", "pawsx": "pawsx", "udpos": "udpos", "pos": "udpos", "panx": "panx", "ner": "panx",
    "wikiann": "panx", "xquad": "xquad", "mlqa": "mlqa", "tydiqa": "tydiqa", "tydiqagoldp": "tydiqa",
    "tydiqagp": "tydiqa", "bucc": "bucc2018", "bucc2018": "bucc2018", "tatoeba": "tatoeba",
}


def canonical_task(name: str) -> str:
    """The task id a table header names ("PAWS-X" -> "pawsx", "TyDiQA-GoldP" -> "tydiqa"), else the name."""
    return _TASK_IDS.get(re.sub(r"[^a-z0-9]", "", name.lower()), name)


def _task_in(caption: str) -> str | None:
    """The one XTREME task a caption names ("XQuAD results (EM / F1)" -> "xquad"), for tables whose
    columns name only metrics; None when it names none or several."""
    found = {_TASK_IDS[w] for w in (re.sub(r"[^a-z0-9]", "", t) for t in re.findall(r"[\w-]+", caption.lower())) if w in _TASK_IDS}
    return found.pop() if len(found) == 1 else None


def _cell(table: Table, value) -> tuple[ReportedCell, bool]:
    """A reported cell for one table value, and whether its split had to be assumed."""
    parts = value.column.split(" / ")
    language = next((p for p in reversed(parts) if p.lower() in _LANGUAGES), "avg")
    tasks = [p for p in parts if p != language and p.lower().strip("()") not in _METRICS]
    split = _split_of(table.caption, value.column, value.row)
    locator = table.locator(value)
    if value.written != value.number.text:
        locator += f'; printed "{value.written}"'
    locator += "; bold" if value.bold else ""
    locator += "; underlined" if value.underline else ""
    cell = ReportedCell(
        system=value.row, task=canonical_task(tasks[-1]) if tasks else _task_in(table.caption) or value.column, language=language.lower() if language != "avg" else "avg",
        metric=_metric_of(parts, value.part, table.caption), split=split or "test", value=value.number.text,
        source=SOURCE_ID, locator=locator,
    )
    return cell, split is None


def _slug(sentence: str, taken: set[str]) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+(?:\.[0-9]+)?", sentence.lower()) if w not in {"the", "a", "an", "of", "on"}]
    base = "draft-" + "-".join(words[:6]) if words else "draft-claim"
    slug, k = base, 2
    while slug in taken:
        slug, k = f"{base}-{k}", k + 1
    taken.add(slug)
    return slug


def _claim(meta: PaperMeta, c: Candidate, slug: str) -> Claim:
    refers = "; ".join(c.cells) if c.cells else "none found"
    return Claim(
        id=f"{meta.id}/{slug}",
        statement=c.sentence,
        kind=ClaimKind.quantity,
        version=meta.version,
        location=Location(section=c.section or "unknown", table=", ".join(c.tables)),
        reported=[n.text for n in c.numbers],
        derivation=Derivation(name=DRAFT_DERIVATION),
        draft=True,
        notes=f"found by `claimcheck add` (cues: {', '.join(c.cues)}); cells it seems to refer to: {refers}{sign_note(c)}",
    )


def build_draft(meta: PaperMeta, extraction: Extraction) -> PaperFile:
    """The draft paper file for an extraction (pure)."""
    note = "tables read from the LaTeX source"
    if extraction.origin != "latex":
        note = "tables read from a text layer: LOW confidence, check every cell against the PDF"
    cells, assumed = [], []
    for table in extraction.tables:
        for value in table.values:
            cell, guessed = _cell(table, value)
            cells.append(cell)
            if guessed and table.name not in assumed:
                assumed.append(table.name)
    not_found = list(extraction.not_found)
    not_found += [f"split of {name} (not stated in caption or headers; cells set to 'test', check)" for name in assumed]
    if meta.year == 0:
        not_found.append("year (not in the source; set to 0)")
    taken: set[str] = set()
    paper = Paper(
        id=meta.id, arxiv_id=meta.arxiv_id, version=meta.version, title=meta.title or meta.id,
        authors=meta.authors, venue=meta.venue, year=meta.year, draft=True, cells=cells, not_found=not_found,
        sources=[Source(id=SOURCE_ID, title=meta.title or meta.id, locator=meta.locator, reliability="primary", note=note)],
    )
    claims = [_claim(meta, c, _slug(c.sentence, taken)) for c in extraction.candidates]
    return PaperFile(paper=paper, claims=claims)


# ------------------------------------------------------------------------------------------- YAML
HEADER = """\
# DRAFT written by `claimcheck add` from {locator} ({origin}).
# cells: system = row header; task, language, metric and split are read from the headers and the
#   caption: check each against the paper, fix or delete it.
# claims: each is a sentence of the paper that states a number with a comparison or gain (draft: true,
#   derivation not_specified, reported = every number in it). For each: check it against the paper,
#   rewrite the statement in your own words, keep only the numbers it claims, choose kind and
#   derivation, then set draft: false; or delete it. Numbers are copied as written, without the sign
#   the words give them: "worse by 0.4" is drafted as 0.4 and a drop must be written -0.4 (such
#   claims say CHECK THE SIGN in their notes).
# `claimcheck validate` refuses this file until no claim is a draft and paper.draft is false.
"""


def render_paper_yaml(pf: PaperFile, origin: str = "") -> str:
    """YAML text of a paper file; numbers stay quoted strings, so precision survives a round trip."""
    data = pf.model_dump(mode="json", exclude_defaults=True)
    data["paper"]["draft"] = pf.paper.draft  # always visible, even once false
    # default_flow_style=None: one line per cell ({system: ..., value: '80.1', ...}), like the bundled files
    # Dumper: text either YAML schema would read as something else ("1e-4", "1:30", "yes") is quoted
    body = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)
    if not pf.paper.draft:
        return body
    return HEADER.format(locator=pf.paper.sources[0].locator if pf.paper.sources else pf.paper.id, origin=origin or "draft") + body


def save_paper_file(text: str, path: Path, *, new: bool = False) -> None:
    """Write a claim file atomically (never a half-written registry file); with ``new``, only if no
    file is there (``FileExistsError`` otherwise, and nothing is written)."""
    save_text_atomic(path, text, new=new)


# ------------------------------------------------------------------------------------------- diff
@dataclass(frozen=True)
class PaperDiff:
    paper_id: str
    old_version: str
    new_version: str
    cells_added: list[str]
    cells_removed: list[str]
    cells_changed: list[str]
    claims_added: list[str]
    claims_removed: list[str]
    claims_changed: list[str]

    @property
    def unchanged(self) -> bool:
        return self.old_version == self.new_version and not any(
            (self.cells_added, self.cells_removed, self.cells_changed, self.claims_added, self.claims_removed,
             self.claims_changed))


def _cell_key(cell: ReportedCell) -> tuple:
    table = cell.locator.split(", row ")[0].split(";")[0]
    label = re.search(r"\(([^)]*)\)", table)
    return (label.group(1) if label else table, cell.system, cell.task, cell.language, cell.metric, cell.split)


def _claim_change(old: Claim, new: Claim) -> str:
    bits = [f"{old.id.split('/', 1)[1]}" + (f" -> {new.id.split('/', 1)[1]}" if new.id != old.id else "")]
    if old.reported != new.reported:
        bits.append(f"reported {', '.join(old.reported) or '-'} -> {', '.join(new.reported) or '-'}")
    if old.statement != new.statement:
        bits.append("statement reworded")
    if old.location != new.location:
        def where(loc: Location) -> str:
            return ", ".join(x for x in (loc.section, loc.table, loc.quote_source and f"source {loc.quote_source}", loc.note) if x)
        bits.append(f"location {where(old.location)} -> {where(new.location)}")
    return ": ".join(bits[:1]) + (": " + "; ".join(bits[1:]) if len(bits) > 1 else "")


def diff_paper_files(old: PaperFile, new: PaperFile) -> PaperDiff:
    """Cells keyed by (table, system, task, language, metric, split); claims by id, then by wording."""
    old_cells = {_cell_key(c): c for c in old.paper.cells}
    new_cells = {_cell_key(c): c for c in new.paper.cells}
    show = lambda c: f"{c.locator.split(';')[0]} = {c.value}"  # noqa: E731
    changed_cells = [f"{new_cells[k].locator.split(';')[0]}: {old_cells[k].value} -> {new_cells[k].value}"
                     for k in new_cells if k in old_cells and old_cells[k].value != new_cells[k].value]
    old_claims = {c.id: c for c in old.claims}
    new_claims = {c.id: c for c in new.claims}
    changed = [_claim_change(old_claims[i], c) for i, c in new_claims.items()
               if i in old_claims and (old_claims[i].reported, old_claims[i].statement, old_claims[i].location)
               != (c.reported, c.statement, c.location)]
    gone = [c for i, c in old_claims.items() if i not in new_claims]
    came = [c for i, c in new_claims.items() if i not in old_claims]
    similar = lambda a, b: difflib.SequenceMatcher(None, a.statement, b.statement).ratio()  # noqa: E731
    for same_numbers, threshold in ((True, 0.5), (False, 0.6)):  # the same sentence in another version
        for c in list(came):
            pool = [o for o in gone if not same_numbers or o.reported == c.reported]
            best = max(pool, key=lambda o: similar(o, c), default=None)
            if best is not None and similar(best, c) >= threshold:
                changed.append(_claim_change(best, c))
                gone.remove(best)
                came.remove(c)
    return PaperDiff(
        paper_id=new.paper.id, old_version=old.paper.version, new_version=new.paper.version,
        cells_added=[show(new_cells[k]) for k in new_cells if k not in old_cells],
        cells_removed=[show(old_cells[k]) for k in old_cells if k not in new_cells],
        cells_changed=changed_cells,
        claims_added=[f"{c.id}: {c.statement}" for c in came],
        claims_removed=[f"{c.id}: {c.statement}" for c in gone],
        claims_changed=changed,
    )


def render_diff(diff: PaperDiff, limit: int = 40) -> str:
    """A readable summary of a ``PaperDiff`` (pure)."""
    def version(v: str) -> str:
        return "no stated version" if v in ("", "unknown") else v

    if diff.old_version == diff.new_version:
        lines = [f"paper {diff.paper_id}: the registry file and the source read now are both {version(diff.new_version)}"]
    else:
        lines = [f"paper {diff.paper_id}: the registry file has {version(diff.old_version)}, the source read now is {version(diff.new_version)}"]
    if diff.unchanged:
        return lines[0] + "\nno change: every cell and claim is the same"
    for title, groups in (("cells", (("+", diff.cells_added), ("-", diff.cells_removed), ("~", diff.cells_changed))),
                          ("claims", (("+", diff.claims_added), ("-", diff.claims_removed), ("~", diff.claims_changed)))):
        counts = ", ".join(f"{len(items)} {word}" for (_, items), word in zip(groups, ("added", "removed", "changed")))
        lines.append(f"{title}: {counts}")
        for sign, items in groups:
            lines += [f"  {sign} {item}" for item in items[:limit]]
            if len(items) > limit:
                lines.append(f"  {sign} ... and {len(items) - limit} more")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ check
def check_no_drafts(paper_file: PaperFile, path: Path | str) -> None:
    """Refuse a file that still holds drafts, and say how to confirm them (``RegistryError``)."""
    drafts = [(i, c.id) for i, c in enumerate(paper_file.claims) if c.draft]
    if drafts:
        first, ids = drafts[0][0], [cid for _, cid in drafts]
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        raise RegistryError(
            f"{len(ids)} draft claim(s) need a person's check before they can be verified: {shown}. For each one, "
            "read its sentence in the paper, rewrite the statement in your own words, keep the reported numbers it "
            "really claims, choose its kind and derivation, then set `draft: false` on it, or delete the claim",
            path=str(path), field=f"claims[{first}].draft",
        )
    if paper_file.paper.draft:
        raise RegistryError(
            "the paper is still a draft: its cells were extracted automatically. Check each cell's system, task, "
            "language, metric, split and value against the paper (fix or delete wrong ones), then set "
            "`draft: false` under `paper:`",
            path=str(path), field="paper.draft",
        )
