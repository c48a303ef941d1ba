"""The XTREME metrics, computed the way the benchmark's own scripts compute them. Values in points (0-100).

* ``qa``: SQuAD v1.1 (XQuAD, TyDiQA-GoldP), MLQA's language-aware script (MLQA), SQuAD v2 as jiant runs it;
* ``tagging``: seqeval 0.0.12 chunk F1 (PAN-X entities, UD-POS tags, as XTREME reports both);
* ``retrieval``: BUCC margin mining + threshold search, Tatoeba nearest-neighbour accuracy;
* ``xtreme``: accuracy, the per-task number, the XTREME score.

Pure Python; numpy is imported only inside the retrieval functions that take embeddings.
"""

from claimcheck.replication.metrics.qa import (
    MLQA_LANGUAGES,
    normalize_mlqa_answer,
    normalize_squad_answer,
    squad_em_f1,
    squad_v2_em_f1,
)
from claimcheck.replication.metrics.retrieval import bucc_f1, bucc_mine_candidates, tatoeba_accuracy
from claimcheck.replication.metrics.tagging import entity_f1, pos_f1, seqeval_chunks, seqeval_f1
from claimcheck.replication.metrics.xtreme import (
    QA_TASKS,
    TASK_METRIC,
    XTREME_LANGUAGES,
    accuracy,
    task_score,
    xtreme_score,
)

__all__ = [
    "MLQA_LANGUAGES", "QA_TASKS", "TASK_METRIC", "XTREME_LANGUAGES",
    "accuracy", "bucc_f1", "bucc_mine_candidates", "entity_f1", "normalize_mlqa_answer",
    "normalize_squad_answer", "pos_f1", "seqeval_chunks", "seqeval_f1", "squad_em_f1", "squad_v2_em_f1",
    "task_score", "tatoeba_accuracy", "xtreme_score",
]
