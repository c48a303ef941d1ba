"""A task declared as data: where its examples come from, which head trains it, which metric scores it.

No torch, no datasets here: ``claimcheck plan`` reads these declarations to list runs and costs.

A task names one *format* (how a file's rows become canonical examples, see ``tasks/formats.py``)
and, per split, where the rows live:

* ``hub``: a Hugging Face dataset id + config (``{lang}`` is filled in) + split, for users with network;
* ``local``: file paths relative to a data folder in the XTREME layout (``../shared/data``), one pattern
  per split, ``{lang}`` filled in; a list means several files concatenated (ANLI rounds).

Canonical example fields per head kind (what ``featurize`` of that head receives):

* ``pair_classification``: ``{"text_a": str, "text_b": str, "label": int}`` (index into ``labels``)
* ``multiple_choice``:     ``{"context": str, "question": str, "choices": list[str], "label": int}``
* ``extractive_qa``:       ``{"id": str, "title": str, "context": str, "question": str,
                             "answers": {"text": list[str], "answer_start": list[int]}}``
* ``token_classification``: ``{"tokens": list[str], "tags": list[str]}`` (tags are label strings)
* ``retrieval``:           one example per language: ``{"source_ids": list[str], "source": list[str],
                             "target_ids": list[str], "target": list[str], "gold": list[(source_id, target_id)]}``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

HeadKind = Literal["pair_classification", "multiple_choice", "extractive_qa", "token_classification", "retrieval"]
Role = Literal["target", "intermediate"]


@dataclass(frozen=True)
class HubSource:
    """A dataset on the Hugging Face hub (declared; needs network, never used by tests)."""

    dataset: str  # "facebook/xnli"
    config: str | None = None  # may contain "{lang}"
    splits: dict[str, str] = field(default_factory=dict)  # our split name -> hub split name
    format: str = ""  # rows format on the hub, when it differs from the local files' format
    note: str = ""


@dataclass(frozen=True)
class TaskDecl:
    """One task of the paper (target or intermediate), as data."""

    name: str  # canonical: "xnli", "pawsx", "tatoeba", "anli", "siqa" ...
    kind: HeadKind
    role: Role
    format: str  # key of tasks.formats.FORMATS: "xnli_tsv", "pawsx_tsv", "anli_jsonl", "squad_json" ...
    metrics: tuple[str, ...]  # what the evaluation reports: ("accuracy",), ("em", "f1"), ("f1",)
    languages: tuple[str, ...] = ("en",)  # evaluation languages (targets); ("en",) for intermediate tasks
    labels: tuple[str, ...] = ()  # class / tag names, in index order (classification, tagging)
    local: dict[str, str | tuple[str, ...]] = field(default_factory=dict)  # split -> path pattern(s) under data dir
    hub: HubSource | None = None
    train_task: str | None = None  # target trained on another task's English data (XNLI <- MNLI); None: itself
    train_split: str = "train"  # the English training split (targets and intermediate tasks)
    eval_split: str = "dev"  # the split evaluated in every language
    mean_tokens: int = 128  # rough tokens per example, used only by the cost estimate
    train_size: int | None = None  # approximate full English training size (cost estimate only)
    split_formats: dict[str, str] = field(default_factory=dict)  # split -> format, where it differs
    unavailable: str = ""  # non-empty: why this task cannot run anywhere (CCG: no public source)
    unanswerable: bool = False  # extractive QA with questions that have no answer (SQuAD v2): blank golds are data
    note: str = ""

    def format_for(self, split: str) -> str:
        return self.split_formats.get(split, self.format)

    def local_paths(self, split: str, lang: str = "en") -> tuple[str, ...]:
        """Relative paths of a split's files for one language (empty when not declared)."""
        pattern = self.local.get(split)
        if pattern is None:
            return ()
        patterns = (pattern,) if isinstance(pattern, str) else tuple(pattern)
        return tuple(p.format(lang=lang) for p in patterns)
