"""Every task of Phang et al. 2020 as data: the nine XTREME targets and the intermediate tasks.

Local paths follow the offline kit's layout (``../shared/data``, one ``.xz`` file per split and language).
Hub ids are declared for users with network; they are not exercised by the tests (no network), so a
hub id here is a declaration to check, not a verified fact. ``train_size`` values are approximate public
sizes of the English training sets, used only by ``claimcheck plan``'s cost estimate.
Language lists follow XTREME's task-to-languages table.
"""

from __future__ import annotations

from claimcheck.replication.tasks.declaration import HubSource, TaskDecl
from claimcheck.replication.tasks.formats import NLI_LABELS

UPOS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X")
PANX_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")

_TARGETS = [
    TaskDecl(
        "xnli", "pair_classification", "target", "xnli_tsv", ("accuracy",),
        languages=tuple("ar bg de el en es fr hi ru sw th tr ur vi zh".split()),
        labels=NLI_LABELS,
        local={"dev": "xnli/dev-{lang}.tsv.xz"},
        hub=HubSource("facebook/xnli", "{lang}", {"dev": "validation", "test": "test"}, format="nli_rows"),
        train_task="mnli", mean_tokens=64,
    ),
    TaskDecl(
        "pawsx", "pair_classification", "target", "pawsx_tsv", ("accuracy",),
        languages=tuple("de en es fr ja ko zh".split()),
        labels=("not_paraphrase", "paraphrase"),
        local={"dev": "pawsx/dev-{lang}.tsv.xz", "test": "pawsx/test-{lang}.tsv.xz"},
        split_formats={"test": "pawsx_test_tsv"},
        hub=HubSource("google-research-datasets/paws-x", "{lang}", {"train": "train", "dev": "validation", "test": "test"}, format="paraphrase_rows"),
        mean_tokens=80, train_size=49_401,
    ),
    TaskDecl(
        "udpos", "token_classification", "target", "conll_tsv", ("f1",),
        languages=tuple("af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko mr nl pt ru ta te th tl tr ur vi yo zh".split()),
        labels=UPOS,
        local={"train": "udpos/train-{lang}.tsv.xz", "dev": "udpos/dev-{lang}.tsv.xz"},
        mean_tokens=40, train_size=21_253,
        note="no hub source declared: XTREME's hub configs name UD languages in full (udpos.English)",
    ),
    TaskDecl(
        "panx", "token_classification", "target", "conll_tsv", ("f1",),
        languages=tuple("af ar bg bn de el en es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr ms my nl pt ru sw ta te th tl tr ur vi yo zh".split()),
        labels=PANX_TAGS,
        local={"train": "panx/train-{lang}.tsv.xz", "dev": "panx/dev-{lang}.tsv.xz"},
        mean_tokens=24, train_size=20_000,
        note="no hub source declared (XTREME's PAN-X needs a manual download)",
    ),
    TaskDecl(
        "xquad", "extractive_qa", "target", "squad_json", ("em", "f1"),
        languages=tuple("ar de el en es hi ru th tr vi zh".split()),
        local={"dev": "xquad/test-{lang}.json.xz"},
        hub=HubSource("google/xquad", "xquad.{lang}", {"dev": "validation"}, format="squad_rows"),
        train_task="squad_v1", mean_tokens=384,
        note="XQuAD has one split; XTREME uses it as the test set, the kit names it test-xx",
    ),
    TaskDecl(
        "mlqa", "extractive_qa", "target", "squad_json", ("em", "f1"),
        languages=tuple("ar de en es hi vi zh".split()),
        local={"dev": "mlqa/dev-{lang}.json.xz"},
        hub=HubSource("facebook/mlqa", "mlqa.{lang}.{lang}", {"dev": "validation", "test": "test"}, format="squad_rows"),
        train_task="squad_v1", mean_tokens=384,
    ),
    TaskDecl(
        "tydiqa", "extractive_qa", "target", "squad_json", ("em", "f1"),
        languages=tuple("ar bn en fi id ko ru sw te".split()),
        local={"train": "tydiqa/train-{lang}.json.xz", "dev": "tydiqa/dev-{lang}.json.xz"},
        mean_tokens=384, train_size=3_696,
        note="the kit's dev files have blank answers (XTREME hides them); labelled train-ko/-sw can stand in",
    ),
    TaskDecl(
        "bucc2018", "retrieval", "target", "bucc_tsv", ("f1",),
        languages=("de", "fr", "ru", "zh"),
        local={"dev": ("bucc2018/dev-{lang}-en.{lang}.xz", "bucc2018/dev-{lang}-en.en.xz", "bucc2018/dev-{lang}-en.gold.xz")},
        mean_tokens=40,
        note="no training: mined from representations; the kit has zh-en dev only",
    ),
    TaskDecl(
        "tatoeba", "retrieval", "target", "tatoeba_txt", ("accuracy",),
        languages=tuple("af ar bg bn de el es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr nl pt ru sw ta te th tl tr ur vi zh".split()),
        local={"dev": ("tatoeba/test-{lang}.{lang}.txt.xz", "tatoeba/test-{lang}.en.txt.xz")},
        mean_tokens=20,
        note="no training: retrieval from representations; one split (XTREME calls it test)",
    ),
]

_INTERMEDIATE = [
    TaskDecl(
        "anli", "pair_classification", "intermediate", "anli_jsonl", ("accuracy",), labels=NLI_LABELS,
        local={"dev": ("anli/dev-r1.jsonl.xz", "anli/dev-r2.jsonl.xz", "anli/dev-r3.jsonl.xz"),
               "test": ("anli/test-r1.jsonl.xz", "anli/test-r2.jsonl.xz", "anli/test-r3.jsonl.xz")},
        hub=HubSource("facebook/anli", None, {"train": "train_r1+train_r2+train_r3", "dev": "dev_r1+dev_r2+dev_r3"}, format="nli_rows"),
        mean_tokens=110, train_size=162_865,
        note="the paper's ANLI+ arm trains SNLI + MNLI + ANLI R1-R3 together",
    ),
    TaskDecl(
        "snli", "pair_classification", "intermediate", "nli_rows", ("accuracy",), labels=NLI_LABELS,
        hub=HubSource("stanfordnlp/snli", None, {"train": "train", "dev": "validation"}),
        mean_tokens=40, train_size=550_152,
    ),
    TaskDecl(
        "mnli", "pair_classification", "intermediate", "nli_rows", ("accuracy",), labels=NLI_LABELS,
        hub=HubSource("nyu-mll/glue", "mnli", {"train": "train", "dev": "validation_matched"}),
        mean_tokens=64, train_size=392_702,
    ),
    TaskDecl(
        "qqp", "pair_classification", "intermediate", "qqp_rows", ("accuracy",), labels=("not_duplicate", "duplicate"),
        hub=HubSource("nyu-mll/glue", "qqp", {"train": "train", "dev": "validation"}),
        mean_tokens=48, train_size=363_846,
    ),
    TaskDecl(
        "squad_v1", "extractive_qa", "intermediate", "squad_rows", ("em", "f1"),
        hub=HubSource("rajpurkar/squad", None, {"train": "train", "dev": "validation"}),
        mean_tokens=384, train_size=87_599,
    ),
    TaskDecl(
        "squad_v2", "extractive_qa", "intermediate", "squad_rows", ("em", "f1"),
        hub=HubSource("rajpurkar/squad_v2", None, {"train": "train", "dev": "validation"}),
        mean_tokens=384, train_size=130_319, unanswerable=True,
    ),
    TaskDecl(
        "hellaswag", "multiple_choice", "intermediate", "hellaswag_rows", ("accuracy",),
        hub=HubSource("Rowan/hellaswag", None, {"train": "train", "dev": "validation"}),
        mean_tokens=4 * 100, train_size=39_905,
    ),
    TaskDecl(
        "ccg", "token_classification", "intermediate", "conll_tsv", ("accuracy",),
        unavailable="CCGbank is licensed through the LDC; there is no public copy to load",
        mean_tokens=40, train_size=38_015,
    ),
    TaskDecl(
        "cosmosqa", "multiple_choice", "intermediate", "cosmosqa_rows", ("accuracy",),
        hub=HubSource("allenai/cosmos_qa", None, {"train": "train", "dev": "validation"}),
        mean_tokens=4 * 150, train_size=25_262,
    ),
    TaskDecl(
        "commonsenseqa", "multiple_choice", "intermediate", "commonsenseqa_rows", ("accuracy",),
        hub=HubSource("tau/commonsense_qa", None, {"train": "train", "dev": "validation"}),
        mean_tokens=5 * 30, train_size=9_741,
    ),
    TaskDecl(
        "siqa", "multiple_choice", "intermediate", "siqa_jsonl", ("accuracy",),
        local={"dev": "siqa/dev-{lang}.jsonl.xz"},
        hub=HubSource("allenai/social_i_qa", None, {"train": "train", "dev": "validation"}, format="siqa_rows"),
        mean_tokens=3 * 50, train_size=33_410,
        note="SocialIQA is not one of the paper's nine; the proxy uses it in place of HellaSwag",
    ),
]

TASKS: dict[str, TaskDecl] = {t.name: t for t in _TARGETS + _INTERMEDIATE}
TARGET_TASKS: tuple[str, ...] = tuple(t.name for t in _TARGETS)
