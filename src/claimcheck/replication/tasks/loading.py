"""Reading a task's examples: ``datasets.load_dataset`` over local XTREME-format files or the hub.

One loader for both: local files go through the packaged builders with ``data_files`` (``.xz`` files are
read as they are: ``datasets`` infers xz compression from the suffix, checked by a test), hub datasets
through their id and config. Every failure becomes a ``DataError`` that names the file.
Returns the examples and the sha256 of each file read (provenance).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from claimcheck.errors import DataError
from claimcheck.replication.environment import sha256_file
from claimcheck.replication.tasks.declaration import TaskDecl
from claimcheck.replication.tasks.formats import FORMATS



@dataclass(frozen=True)
class Loaded:
    examples: list[dict]
    files: dict[str, str]  # relative path (or hub id) -> sha256 (or "hub")


def check_cache_dir(cache_dir: Path) -> None:
    """A datasets cache folder whose path is not UTF-8 is refused, naming it: ``datasets`` reads its cache
    through pyarrow, which takes UTF-8 paths only, so every load stopped on it with a UnicodeEncodeError that
    read as the data file's problem ("cannot read as xnli_tsv"). ``run_context`` refuses such a home before
    any run; this is for a caller that builds its ``RunContext`` itself (a cluster's workers: the same home)."""
    from claimcheck.home import not_utf8_path

    why = not_utf8_path(cache_dir)
    if why is not None:
        raise DataError(f"the datasets cache folder is not a UTF-8 path ({why}): datasets reads its cache "
                        "through pyarrow, which takes UTF-8 paths only; set CLAIMCHECK_HOME to a folder whose path is UTF-8 "
                        "(the cache is $CLAIMCHECK_HOME/cache/datasets)", path=str(cache_dir))


def _read_rows(fmt_name: str, path: Path, cache_dir: Path) -> list[dict]:
    import datasets

    fmt = FORMATS[fmt_name]
    kwargs = dict(fmt.options)
    if fmt.columns:
        kwargs["column_names"] = list(fmt.columns)
        kwargs["features"] = datasets.Features({c: datasets.Value("string") for c in fmt.columns})
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    try:
        ds = datasets.load_dataset(fmt.builder, data_files={"rows": str(path)}, split="rows", cache_dir=str(cache_dir), **kwargs)
    except Exception as exc:  # datasets wraps parser/decompression errors in its own types
        cause = exc.__cause__ or exc.__context__ or exc
        raise DataError(f"cannot read as {fmt_name} ({type(cause).__name__}: {cause or exc})", path=str(path)) from None
    return ds.to_list()


def load_local(task: TaskDecl, split: str, lang: str, data_dir: Path, cache_dir: Path) -> Loaded:
    rel_paths = task.local_paths(split, lang)
    if not rel_paths:
        raise DataError(f"task {task.name!r} declares no local file for split {split!r}", field=f"{task.name}.{split}")
    fmt = task.format_for(split)
    rows, files = [], {}
    for rel in rel_paths:
        path = data_dir / rel
        if not path.is_file():
            raise DataError(f"missing data file for {task.name} {split} {lang}", path=str(path))
        files[rel] = sha256_file(path)
        rows.append(_read_rows(fmt, path, cache_dir))
    try:
        examples = FORMATS[fmt].to_examples(rows)
    except (KeyError, ValueError, IndexError, TypeError) as exc:
        raise DataError(f"rows do not fit format {fmt} ({type(exc).__name__}: {exc})", path=str(data_dir / rel_paths[0])) from None
    if not examples:
        raise DataError(f"no examples for {task.name} {split} {lang}", path=str(data_dir / rel_paths[0]))
    return Loaded(examples, files)


def load_hub(task: TaskDecl, split: str, lang: str, cache_dir: Path) -> Loaded:
    import datasets

    hub = task.hub
    if hub is None:
        raise DataError(f"task {task.name!r} has no hub source; pass --data-dir with local files", field=task.name)
    config = hub.config.format(lang=lang) if hub.config else None
    where = f"{hub.dataset}:{config or ''}:{hub.splits.get(split, split)}"
    try:
        ds = datasets.load_dataset(hub.dataset, config, split=hub.splits.get(split, split), cache_dir=str(cache_dir))
    except Exception as exc:
        raise DataError(f"cannot load from the hub ({type(exc).__name__}: {exc})", path=where) from None
    fmt = hub.format or task.format_for(split)
    try:
        examples = FORMATS[fmt].to_examples([ds.to_list()])
    except (KeyError, ValueError, IndexError, TypeError) as exc:
        raise DataError(f"hub rows do not fit format {fmt} ({exc})", path=where) from None
    return Loaded(examples, {where: "hub"})


def load_examples(
    task: TaskDecl,
    split: str,
    lang: str,
    *,
    data_dir: Path | None,
    cache_dir: Path,
    rows: tuple[int, int] | None = None,
    limit: int | None = None,
) -> Loaded:
    """Examples of one task split in one language: rows [start, stop) first, then the first ``limit``.

    With ``data_dir``, a split the task declares a local file for is read from it (a missing file is an
    error, never a quiet switch to the hub); a split with no local file comes from the hub, so one run
    can train an intermediate task from the hub and evaluate a target from local files.
    """
    if task.unavailable:
        raise DataError(f"task {task.name!r} cannot run: {task.unavailable}", field=task.name)
    local = data_dir is not None and (split in task.local or task.hub is None)
    check_cache_dir(cache_dir)
    loaded = load_local(task, split, lang, data_dir, cache_dir) if local else load_hub(task, split, lang, cache_dir)
    examples = loaded.examples
    if task.kind == "retrieval":
        if limit is not None:
            examples = [limit_retrieval(e, limit) for e in examples]
        return Loaded(examples, loaded.files)
    if rows is not None:
        examples = examples[rows[0] : rows[1]]
    if limit is not None:
        examples = examples[:limit]
    if golds_all_blank(task, examples):
        raise DataError(f"every gold answer of {task.name} {split} {lang} is {BLANK_GOLDS}", path=", ".join(loaded.files))
    return Loaded(examples, loaded.files)


BLANK_GOLDS = "blank, so it can be neither trained on nor scored (the XTREME kit's TyDiQA dev files hide their answers)"


def golds_all_blank(task: TaskDecl, examples: list[dict]) -> bool:
    """Extractive QA whose every gold answer is blank: scored, it would reward a model that answers
    nothing (EM counts empty predictions). SQuAD v2's blank golds are data (unanswerable questions)."""
    return task.kind == "extractive_qa" and not task.unanswerable and bool(examples) and not any(
        text.strip() for e in examples for text in e["answers"]["text"])


def local_file_problem(task: TaskDecl, split: str, path: Path) -> str:
    """What would stop a run from reading this declared local file ("" when nothing is seen), checked
    before any run starts: the file is missing, or, for extractive QA, it does not parse or every gold
    answer is blank. Read with the standard library (``json``, ``lzma``), through the same format function
    as ``load_local``, so planning needs no ``datasets``; other formats are only checked to exist."""
    from claimcheck.replication.plan import MISSING

    if not path.is_file():
        return MISSING
    fmt = FORMATS[task.format_for(split)]
    if task.kind != "extractive_qa" or fmt.builder != "json" or "field" not in fmt.options:
        return ""
    import json
    import lzma

    try:
        with (lzma.open if path.suffix == ".xz" else open)(path, "rt", encoding="utf-8") as f:
            examples = fmt.to_examples([json.load(f)[fmt.options["field"]]])
    except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError,
            AttributeError, IndexError) as exc:  # AttributeError: an article that is no mapping
        return f"cannot read as {task.format_for(split)} ({type(exc).__name__}: {exc})"
    if not examples:
        return "no examples"
    return f"every gold answer is {BLANK_GOLDS}" if golds_all_blank(task, examples) else ""


def limit_retrieval(example: dict, limit: int) -> dict:
    """A smaller retrieval set. Parallel sets (Tatoeba: every source has its translation): the first
    ``limit`` pairs. Mining sets (BUCC): every sentence in a gold pair plus the first ``limit`` others
    of each side, so the gold pairs survive and the distractors shrink."""
    src_ids, tgt_ids, gold = example["source_ids"], example["target_ids"], example["gold"]
    if len(gold) == len(src_ids) == len(tgt_ids):
        keep = set(src_ids[:limit])
        keep_t = {t for s, t in gold if s in keep}
        gold_kept = [(s, t) for s, t in gold if s in keep]
    else:
        gold_s, gold_t = {s for s, _ in gold}, {t for _, t in gold}
        keep = gold_s | set([i for i in src_ids if i not in gold_s][:limit])
        keep_t = gold_t | set([t for t in tgt_ids if t not in gold_t][:limit])
        gold_kept = list(gold)
    src = [(i, x) for i, x in zip(src_ids, example["source"]) if i in keep]
    tgt = [(i, x) for i, x in zip(tgt_ids, example["target"]) if i in keep_t]
    return {
        "source_ids": [i for i, _ in src],
        "source": [x for _, x in src],
        "target_ids": [i for i, _ in tgt],
        "target": [x for _, x in tgt],
        "gold": gold_kept,
    }
