"""Presets: the protocols a replication can follow, as pure data.

* ``paper``   — Phang et al.'s protocol as far as it is documented: XLM-R Large, the paper's intermediate
  tasks and XTREME targets from the hub. The paper's hyper-parameters were not found; the values are
  jiant's XTREME guide values (recorded as a deviation).
* ``reduced`` — the same tasks on XLM-R Base with capped example counts (fidelity "reduced").
* ``proxy``   — issue 7's offline protocol: the unpacked mE5-small on ``../shared/data``, with every
  substitution recorded as a deviation (fidelity "proxy").
* ``smoke``   — a tiny random-init model and tiny generated data in the kit's layout: what CI runs.

A preset lists *arms* (the paper's systems: the baseline "XLM-R" without an intermediate stage, and one
arm per intermediate task or mix) and *targets* (an English training slice and the evaluated slices).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from claimcheck.replication.spec import DataUse, EncoderSpec, TrainHParams

PAPER_ID = "2005.13013"
BASELINE = "XLM-R"


@dataclass(frozen=True)
class ModelDecl:
    encoder: EncoderSpec
    params: int  # non-embedding parameters: what the FLOPs estimate counts (6 * params * tokens)
    needs_path: bool = False  # a local model the user points to with --model PATH (not downloadable)
    note: str = ""


@dataclass(frozen=True)
class ArmPlan:
    system: str  # the paper's system this arm stands for
    train: tuple[DataUse, ...]  # () for the baseline
    deviations: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetPlan:
    task: str
    evals: tuple[DataUse, ...]
    train: DataUse | None = None
    hparams: TrainHParams | None = None
    deviations: tuple[str, ...] = ()
    dev: DataUse | None = None  # English dev slice for early stopping (when hparams.early_stopping)


@dataclass(frozen=True)
class Preset:
    name: str
    fidelity: str
    model: ModelDecl
    arms: tuple[ArmPlan, ...]
    targets: tuple[TargetPlan, ...]
    intermediate_hparams: TrainHParams
    deviations: tuple[str, ...] = ()
    needs_data_dir: bool = False  # reads local files only (--data-dir)
    description: str = ""
    paper_id: str = PAPER_ID

    def arm(self, system: str) -> ArmPlan | None:
        return next((a for a in self.arms if a.system == system), None)

    def target(self, task: str) -> TargetPlan | None:
        return next((t for t in self.targets if t.task == task), None)


def _evals(task: str, split: str, langs: str, rows: tuple[int, int] | None = None, limit: int | None = None):
    return tuple(DataUse(task, split, lang, rows, limit) for lang in langs.split())


def _limit(use: DataUse, n: int | None) -> DataUse:
    return use if n is None else dataclasses.replace(use, limit=n)


def with_limits(
    preset: Preset, train_examples: int | None = None, eval_examples: int | None = None, *, record: bool = True
) -> Preset:
    """The preset with every training slice limited to its first ``train_examples`` examples and every
    evaluated slice to its first ``eval_examples`` (replacing the preset's own counts). Example counts are
    parameters of the protocol: they enter the run hashes and the recorded deviations."""
    if train_examples is None and eval_examples is None:
        return preset
    arms = tuple(dataclasses.replace(a, train=tuple(_limit(u, train_examples) for u in a.train)) for a in preset.arms)
    targets = tuple(
        dataclasses.replace(
            t,
            train=_limit(t.train, train_examples) if t.train else None,
            evals=tuple(_limit(u, eval_examples) for u in t.evals),
        )
        for t in preset.targets
    )
    note = f"example counts set for this run: training slices first {train_examples}, evaluated slices first {eval_examples}"
    extra = (note,) if record else ()
    return dataclasses.replace(preset, arms=arms, targets=targets, deviations=preset.deviations + extra)


# -- paper ------------------------------------------------------------------------------------------------

_JIANT = "hyper-parameters are jiant's XTREME guide values; the paper's own values were not found"
_CLS = TrainHParams(epochs=2, batch_size=4, grad_accum=8, lr=1e-5, max_length=256, early_stopping=True)
_QA = TrainHParams(epochs=2, batch_size=4, grad_accum=4, lr=1e-5, max_length=384, early_stopping=True)
_TAG = TrainHParams(epochs=10, batch_size=4, grad_accum=8, lr=1e-5, max_length=256, early_stopping=True)
# Early stopping reads English dev rows that are also scored here (the test labels are not public)
_SELECTED_ON_SCORED = "early stopping on the first 500 English dev rows, which are also among the rows scored"
_SELECTED_ON_SQUAD = ("early stopping on the first 500 SQuAD v1.1 dev questions; XQuAD's English set is drawn from "
                      "SQuAD v1.1 dev, so some of them may be scored too")

_PAPER_TARGETS = (
    TargetPlan("xnli", _evals("xnli", "dev", "ar bg de el en es fr hi ru sw th tr ur vi zh"), DataUse("mnli", "train"), _CLS,
               dev=DataUse("mnli", "dev", limit=500)),
    TargetPlan("pawsx", _evals("pawsx", "dev", "de en es fr ja ko zh"), DataUse("pawsx", "train"), dataclasses.replace(_CLS, epochs=5),
               dev=DataUse("pawsx", "dev", "en", limit=500),
               deviations=(_SELECTED_ON_SCORED + " (and PAWS-X's other languages translate those rows)",)),
    TargetPlan("udpos", _evals("udpos", "dev", "af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko mr nl pt ru ta te th tl tr ur vi yo zh"), DataUse("udpos", "train"), _TAG,
               dev=DataUse("udpos", "dev", "en", limit=500), deviations=(_SELECTED_ON_SCORED,)),
    TargetPlan("panx", _evals("panx", "dev", "af ar bg bn de el en es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr ms my nl pt ru sw ta te th tl tr ur vi yo zh"), DataUse("panx", "train"), _TAG,
               dev=DataUse("panx", "dev", "en", limit=500), deviations=(_SELECTED_ON_SCORED,)),
    TargetPlan("xquad", _evals("xquad", "dev", "ar de el en es hi ru th tr vi zh"), DataUse("squad_v1", "train"), _QA,
               dev=DataUse("squad_v1", "dev", limit=500), deviations=(_SELECTED_ON_SQUAD,)),
    TargetPlan("mlqa", _evals("mlqa", "dev", "ar de en es hi vi zh"), DataUse("squad_v1", "train"), _QA, dev=DataUse("squad_v1", "dev", limit=500)),
    TargetPlan("tydiqa", _evals("tydiqa", "dev", "ar bn en fi id ko ru sw te"), DataUse("tydiqa", "train"),
               dataclasses.replace(_QA, early_stopping=False),
               deviations=("TyDiQA-GoldP trained without early stopping: no labelled English dev set is declared for it",)),
    TargetPlan("bucc2018", _evals("bucc2018", "dev", "de fr ru zh"), hparams=TrainHParams(max_length=512)),
    TargetPlan("tatoeba", _evals("tatoeba", "dev", "af ar bg bn de el es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr nl pt ru sw ta te th tl tr ur vi zh"), hparams=TrainHParams(max_length=512)),
)

_PAPER_ARMS = (
    ArmPlan(BASELINE, ()),
    ArmPlan("ANLI+", (DataUse("snli", "train"), DataUse("mnli", "train"), DataUse("anli", "train"))),
    ArmPlan("MNLI", (DataUse("mnli", "train"),)),
    ArmPlan("QQP", (DataUse("qqp", "train"),)),
    ArmPlan("SQuADv1.1", (DataUse("squad_v1", "train"),)),
    ArmPlan("SQuADv2", (DataUse("squad_v2", "train"),)),
    ArmPlan("HellaSwag", (DataUse("hellaswag", "train"),)),
    ArmPlan("CCG", (DataUse("ccg", "train"),)),
    ArmPlan("CosmosQA", (DataUse("cosmosqa", "train"),)),
    ArmPlan("CommonsenseQA", (DataUse("commonsenseqa", "train"),)),
    ArmPlan(
        "Multi-task",
        tuple(DataUse(t, "train") for t in ("snli", "mnli", "anli", "qqp", "squad_v1", "squad_v2", "hellaswag", "ccg", "cosmosqa", "commonsenseqa")),
    ),
)

PAPER = Preset(
    name="paper",
    fidelity="full",
    model=ModelDecl(EncoderSpec("xlm-roberta-large", pooling="cls", retrieval_layer=14), params=302_000_000),
    arms=_PAPER_ARMS,
    targets=_PAPER_TARGETS,
    intermediate_hparams=TrainHParams(epochs=3, batch_size=4, grad_accum=8, lr=1e-5, max_length=256),
    deviations=(_JIANT, "retrieval layer 14 of 24 as in XTREME/jiant; the paper's layer was not found"),
    description="XLM-R Large, nine intermediate tasks, nine XTREME targets (needs the hub and GPUs)",
)

REDUCED = with_limits(
    dataclasses.replace(
        PAPER,
        name="reduced",
        fidelity="reduced",
        # hidden_states[8]: XTREME's --specific_layer 7, which counts transformer layers after the
        # embeddings (as the paper preset's 14 is XTREME's LAYER=13 for Large)
        model=ModelDecl(EncoderSpec("xlm-roberta-base", pooling="cls", retrieval_layer=8), params=85_000_000),
        deviations=PAPER.deviations
        + (
            "XLM-R Base instead of XLM-R Large (retrieval from hidden state 8 of 12, XTREME's layer 7 for Base)",
            "training sets capped at 20,000 examples per task; evaluation sets capped at 2,000 per language",
        ),
        description="the paper's tasks on XLM-R Base with capped example counts",
    ),
    train_examples=20_000,
    eval_examples=2_000,
    record=False,
)

# -- proxy (issue 7) ----------------------------------------------------------------------------------------

XNLI_TRAIN_ROWS = (0, 1245)  # premises 1-415 (rows 1-1245): English rows used for training
XNLI_EVAL_ROWS = (1245, 2490)  # premises 416-830: evaluated in every language, never trained on
PAWSX_TRAIN_ROWS = (0, 1000)
PAWSX_EVAL_ROWS = (1000, 2000)

_XNLI_TRAIN = DataUse("xnli", "dev", "en", XNLI_TRAIN_ROWS)
_PAWSX_TRAIN = DataUse("pawsx", "dev", "en", PAWSX_TRAIN_ROWS)
_ANLI = DataUse("anli", "dev", "en", limit=2000)
_TYDIQA_EN = DataUse("tydiqa", "train", "en", limit=2000)
_SIQA = DataUse("siqa", "dev", "en")
_PROXY_HP = TrainHParams(epochs=3, batch_size=16, grad_accum=1, lr=3e-5, max_length=128)  # XNLI pairs: ~44 tokens
_PROXY_QA_HP = dataclasses.replace(_PROXY_HP, max_length=256)
# Tagging learns from per-token labels that are mostly "O" (PAN-X) or a few frequent tags: at 3 epochs
# and 3e-5, 200 English sentences leave PAN-X at 0 F1 for every arm (the head never leaves "O"), which
# measures nothing. 10 epochs at 1e-4 reach about 60 F1 on English and German with the baseline.
_PROXY_TAG_HP = dataclasses.replace(_PROXY_HP, epochs=10, lr=1e-4)
_TAG_HP_NOTE = "tagging trained 10 epochs at lr 1e-4 (at 3 epochs and 3e-5, 200 sentences leave PAN-X at 0 F1)"
_EVAL_N = 500

_PROXY_ARMS = (
    ArmPlan(BASELINE, ()),
    ArmPlan("MNLI", (_XNLI_TRAIN,), ("MNLI substitute: English XNLI dev rows 1-1245 (premises 1-415)",)),
    ArmPlan("ANLI+", (_ANLI, _XNLI_TRAIN), ("ANLI+ substitute: ANLI R1-R3 dev (first 2,000) + English XNLI dev rows 1-1245, no SNLI/MNLI/ANLI train",)),
    ArmPlan("QQP", (_PAWSX_TRAIN,), ("QQP substitute: English PAWS-X dev rows 1-1000",)),
    ArmPlan("SQuADv1.1", (_TYDIQA_EN,), ("SQuAD v1.1 substitute: TyDiQA-GoldP English train (first 2,000 questions)",)),
    ArmPlan("HellaSwag", (_SIQA,), ("HellaSwag substitute: SocialIQA dev (multiple choice, 3 answers)",)),
    ArmPlan(
        "Multi-task",
        (_XNLI_TRAIN, _ANLI, _PAWSX_TRAIN, _TYDIQA_EN, _SIQA),
        ("multi-task over the proxy substitutes (XNLI-en half, ANLI dev, PAWS-X-en half, TyDiQA-en, SocialIQA), not the paper's nine tasks",),
    ),
)

_PROXY_TARGETS = (
    TargetPlan(
        "xnli", _evals("xnli", "dev", "ar bg de el en es fr hi ru sw th tr ur vi zh", XNLI_EVAL_ROWS, _EVAL_N), _XNLI_TRAIN, _PROXY_HP,
        ("XNLI trained on English XNLI dev rows 1-1245 instead of MNLI; evaluated on rows 1246-2490 of every language (first 500)",),
    ),
    TargetPlan(
        "pawsx", _evals("pawsx", "dev", "de en es fr ja ko zh", PAWSX_EVAL_ROWS, _EVAL_N), _PAWSX_TRAIN, _PROXY_HP,
        ("PAWS-X trained on English dev rows 1-1000 instead of the train set; evaluated on dev rows 1001-2000 (first 500), NS rows kept",),
    ),
    TargetPlan(
        "tydiqa", _evals("tydiqa", "train", "ko sw", None, _EVAL_N), _TYDIQA_EN, _PROXY_QA_HP,
        ("TyDiQA-GoldP evaluated on the labelled ko and sw train files (the kit's dev answers are blank), first 500 questions; 2 of 9 languages",),
    ),
    TargetPlan(
        "tatoeba", _evals("tatoeba", "dev", "af ar bg bn de el es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr nl pt ru sw ta te th tl tr ur vi zh", None, _EVAL_N),
        hparams=TrainHParams(max_length=128),
        deviations=("Tatoeba retrieval among the first 500 pairs per language (fewer where the file is shorter), last layer mean-pooled",),
    ),
    TargetPlan(
        "bucc2018", _evals("bucc2018", "dev", "zh", None, 2000), hparams=TrainHParams(max_length=128),
        deviations=("BUCC zh-en dev only, mined among the gold pairs plus the first 2,000 other sentences of each side; threshold chosen on the same dev set",),
    ),
    TargetPlan("udpos", _evals("udpos", "dev", "ar de en es fi fr he hi id it ja ko nl pt ru tr vi zh", None, _EVAL_N), DataUse("udpos", "train", "en", limit=2000), _PROXY_TAG_HP,
               ("UD-POS: first 2,000 English training sentences; 18 dev languages, first 500 sentences (the kit keeps 1,000)", _TAG_HP_NOTE)),
    TargetPlan("panx", _evals("panx", "dev", "ar de en es fi fr he hi id it ja ko nl pt ru tr vi zh", None, _EVAL_N), DataUse("panx", "train", "en", limit=2000), _PROXY_TAG_HP,
               ("PAN-X: first 2,000 English training sentences; 18 dev languages, first 500 sentences", _TAG_HP_NOTE)),
    TargetPlan("xquad", _evals("xquad", "dev", "ar de el en es hi ru th tr vi zh", None, _EVAL_N), _TYDIQA_EN, _PROXY_QA_HP,
               ("XQuAD trained on TyDiQA-GoldP English train instead of SQuAD v1.1; first 500 questions per language",)),
    TargetPlan("mlqa", _evals("mlqa", "dev", "ar de en es hi vi zh", None, _EVAL_N), _TYDIQA_EN, _PROXY_QA_HP,
               ("MLQA trained on TyDiQA-GoldP English train instead of SQuAD v1.1; first 500 questions per language",)),
)

PROXY = Preset(
    name="proxy",
    fidelity="proxy",
    model=ModelDecl(
        EncoderSpec("me5-small-q4", pooling="mean", text_prefix="query: "),
        params=21_300_000,
        needs_path=True,
        note="unpack ../shared/models/me5-small-q4 with ../shared/tools/unpack_model.py and pass --model OUTDIR",
    ),
    arms=_PROXY_ARMS,
    targets=_PROXY_TARGETS,
    intermediate_hparams=_PROXY_HP,
    deviations=(
        "model: multilingual-e5-small (4-bit weights dequantized, vocabulary pruned to the kit's text) instead of XLM-R Large; "
        "it was contrastively trained on NLI/QA/paraphrase data, so intermediate-task gains may be smaller or confounded",
        "mean pooling with the 'query: ' prefix (mE5 has no pooler); retrieval from the last layer",
        "hyper-parameters chosen for small data (3 epochs, batch 16, lr 3e-5, 128 tokens; QA 256), not the paper's",
        "English training data are dev/train slices of the offline kit; the paper's training sets are not available offline",
    ),
    needs_data_dir=True,
    description="issue 7's offline protocol: mE5-small on ../shared/data (every substitution recorded)",
)

# -- smoke ------------------------------------------------------------------------------------------------

_SMOKE_HP = TrainHParams(epochs=2, batch_size=8, grad_accum=1, lr=2e-3, warmup=0.1, max_length=48, length_group=4)

SMOKE = Preset(
    name="smoke",
    fidelity="proxy",
    model=ModelDecl(
        EncoderSpec("smoke-tiny-bert", pooling="mean", random_init=True),
        params=25_000,
        note="built from a config (2 layers, hidden 32) with a tokenizer trained on the generated text",
    ),
    arms=(
        ArmPlan(BASELINE, ()),
        ArmPlan("MNLI", (DataUse("xnli", "dev", "en", (0, 30)),), ("MNLI substitute: generated NLI rows",)),
        ArmPlan("ANLI+", (DataUse("anli", "dev"), DataUse("xnli", "dev", "en", (0, 30))), ("ANLI+ substitute: generated NLI rows",)),
        ArmPlan("QQP", (DataUse("pawsx", "dev", "en", (0, 30)),), ("QQP substitute: generated paraphrase rows",)),
        ArmPlan("Multi-task", (DataUse("anli", "dev"), DataUse("xnli", "dev", "en", (0, 30)), DataUse("pawsx", "dev", "en", (0, 30))),
                ("multi-task over the generated substitutes",)),
    ),
    targets=(
        TargetPlan("xnli", _evals("xnli", "dev", "en de", (30, 60)), DataUse("xnli", "dev", "en", (0, 30)), _SMOKE_HP),
        TargetPlan("pawsx", _evals("pawsx", "dev", "en de", (30, 60)), DataUse("pawsx", "dev", "en", (0, 30)), _SMOKE_HP),
        TargetPlan("tatoeba", _evals("tatoeba", "dev", "de"), hparams=TrainHParams(max_length=48)),
        TargetPlan("bucc2018", _evals("bucc2018", "dev", "zh"), hparams=TrainHParams(max_length=48)),
    ),
    intermediate_hparams=_SMOKE_HP,
    deviations=("smoke test: a tiny random-init model on generated data; its numbers mean nothing about the paper",),
    needs_data_dir=True,
    description="tiny random-init model + generated data in the kit's layout (what CI runs)",
)

PRESETS: dict[str, Preset] = {p.name: p for p in (PAPER, REDUCED, PROXY, SMOKE)}


def preset_systems(paper_id: str) -> set[str]:
    """Every system some preset written for ``paper_id`` can run (its arms); empty for a paper without one."""
    return {arm.system for preset in PRESETS.values() if preset.paper_id == paper_id for arm in preset.arms}
