"""Accuracy, XTREME's per-task number and the XTREME score (``evaluate.py``).

Per task: the mean over languages of the task's metric; QA tasks take (mean EM + mean F1) / 2; the
XTREME score is the plain mean of the nine per-task numbers. Values in points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from claimcheck.errors import InputError


def accuracy(preds: Sequence, labels: Sequence) -> float:
    """Share of positions where ``preds[i] == labels[i]``, in points (XNLI, PAWS-X, multiple choice)."""
    if len(preds) != len(labels):
        raise ValueError(f"{len(preds)} predictions for {len(labels)} labels")
    if not labels:
        raise ValueError("accuracy of an empty evaluation set is undefined")
    return 100.0 * sum(p == g for p, g in zip(preds, labels)) / len(labels)


XTREME_LANGUAGES: dict[str, tuple[str, ...]] = {
    "pawsx": tuple("de en es fr ja ko zh".split()),
    "xnli": tuple("ar bg de el en es fr hi ru sw th tr ur vi zh".split()),
    "udpos": tuple("af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko mr nl pt ru ta te th tl tr ur vi "
                   "yo zh".split()),
    "panx": tuple("ar he vi id jv ms tl eu ml ta te af nl en de el bn hi mr ur fa fr it pt es bg ru ja ka ko th "
                  "sw yo my zh kk tr et fi hu".split()),
    "bucc2018": tuple("de fr ru zh".split()),
    "tatoeba": tuple("ar he vi id jv tl eu ml ta te af nl de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw "
                     "zh kk tr et fi hu".split()),
    "xquad": tuple("en es de el ru tr ar vi th zh hi".split()),
    "mlqa": tuple("en es de ar hi vi zh".split()),
    "tydiqa": tuple("en ar bn fi id ko ru sw te".split()),
}
QA_TASKS = frozenset({"xquad", "mlqa", "tydiqa"})
TASK_METRIC = {"xnli": "accuracy", "pawsx": "accuracy", "tatoeba": "accuracy",
               "udpos": "f1", "panx": "f1", "bucc2018": "f1",
               "xquad": "em+f1", "mlqa": "em+f1", "tydiqa": "em+f1"}


def _lang_mean(task: str, metrics: Mapping[str, Mapping[str, float]], name: str) -> float:
    values = []
    for lang, row in metrics.items():
        value = row.get(name, row.get("exact_match")) if name == "em" else row.get(name)
        if value is None:
            raise InputError(f"{task}: language {lang!r} has no {name!r} value (has: {', '.join(row)})", field=name)
        values.append(float(value))
    return sum(values) / len(values)


def task_score(task: str, metrics: Mapping[str, Mapping[str, float]], *, require_all_languages: bool = False) -> float:
    """XTREME's per-task number from ``{language: {metric: value}}``: the mean over languages of the task's
    metric; for QA the mean of (mean EM, mean F1). ``require_all_languages`` insists on XTREME's full list."""
    if task not in TASK_METRIC:
        raise InputError(f"unknown XTREME task {task!r} (known: {', '.join(TASK_METRIC)})", field="task")
    if not metrics:
        raise InputError(f"{task}: no languages to average", field="metrics")
    if require_all_languages:
        missing = [lang for lang in XTREME_LANGUAGES[task] if lang not in metrics]
        if missing:
            raise InputError(f"{task}: XTREME averages over languages that are missing here: {', '.join(missing)}",
                             field="metrics")
    if task in QA_TASKS:
        return (_lang_mean(task, metrics, "em") + _lang_mean(task, metrics, "f1")) / 2
    return _lang_mean(task, metrics, TASK_METRIC[task])


def xtreme_score(task_scores: Mapping[str, float]) -> float:
    """The XTREME score: the plain mean of the nine per-task numbers (``evaluate.py``'s ``all_task``)."""
    missing = sorted(set(TASK_METRIC) - set(task_scores))
    extra = sorted(set(task_scores) - set(TASK_METRIC))
    if missing or extra:
        raise InputError(f"the XTREME score needs exactly the nine tasks; missing: {missing or 'none'}, "
                         f"unknown: {extra or 'none'}", field="task_scores")
    return sum(task_scores.values()) / len(task_scores)
