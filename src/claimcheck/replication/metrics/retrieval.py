"""Retrieval scores: BUCC bitext mining F1 (with its threshold search) and Tatoeba accuracy.

Re-implemented from XTREME's ``third_party/utils_retrieve.py`` (LASER's ``mine_bitext`` with the ratio
margin, ``bucc_optimize``, ``bucc_extract``) and ``run_retrieval.py`` (Tatoeba ``similarity_search``).
numpy is imported inside the functions that take embeddings. Values in points.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence


def _unit_rows(x):
    """Rows scaled to unit length (zero rows stay zero, as faiss.normalize_L2 leaves them)."""
    import numpy as np

    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def _top_k(queries, base, k: int, block: int = 1024):
    """Cosine k-nearest neighbours of every query row in ``base``: (sims [n, k], idx [n, k]), best first."""
    import numpy as np

    sims = np.empty((len(queries), k), dtype=np.float32)
    idx = np.empty((len(queries), k), dtype=np.int64)
    for lo in range(0, len(queries), block):
        s = queries[lo : lo + block] @ base.T  # [b, n_base]
        if k < s.shape[1]:
            part = np.argpartition(-s, k - 1, axis=1)[:, :k]  # [b, k] the k best, unordered
        else:
            part = np.tile(np.arange(s.shape[1]), (len(s), 1))
        part_s = np.take_along_axis(s, part, axis=1)
        order = np.lexsort((part, -part_s), axis=1)  # by similarity, ties by index
        idx[lo : lo + block] = np.take_along_axis(part, order, axis=1)
        sims[lo : lo + block] = np.take_along_axis(part_s, order, axis=1)
    return sims, idx


def bucc_mine_candidates(
    src_emb,
    tgt_emb,
    src_ids: Sequence[Hashable],
    tgt_ids: Sequence[Hashable],
    *,
    src_texts: Sequence[str] | None = None,
    tgt_texts: Sequence[str] | None = None,
    k: int = 4,
) -> list[tuple[Hashable, Hashable, float]]:
    """Candidate pairs as XTREME mines them for BUCC: ``[(src_id, tgt_id, margin_score)]``, best first.

    ``src_emb`` [n_src, H] and ``tgt_emb`` [n_tgt, H] are sentence vectors (any scale; cosine is used).
    Score of a pair = cos(x, y) / mean(mean cos of x's k nearest targets, mean cos of y's k nearest
    sources) (the ratio margin). Each source proposes its best target and each target its best source;
    the proposals are taken greedily by score with each sentence used once; scores <= 0 are dropped.
    With texts given, identical sentences are mined once, in the order they first occur, with the vector
    of their *last* occurrence (XTREME's ``unique_embeddings``), and a sentence that occurs more than once
    gets no id (XTREME's ``read_sent2id``), so pairs involving it are left out. Mining tells sentences
    apart by their exact text, ids by their text stripped of surrounding whitespace (``read_sent2id``
    strips every line): "a" and "a " are mined as two sentences, and neither gets an id.
    """
    import numpy as np

    def unify(emb, ids, texts):
        if texts is None:
            return _unit_rows(emb), [[i] for i in ids]
        rows: dict[str, int] = {}
        count: Counter = Counter(t.strip() for t in texts)  # read_sent2id: sentences = [l.strip() for l in f]
        vector_row, owners = [], []
        for r, t in enumerate(texts):
            if t not in rows:
                rows[t] = len(vector_row)
                vector_row.append(r)
                owners.append([ids[r]] if count[t.strip()] == 1 else [])
            else:
                vector_row[rows[t]] = r  # {unique: row for row, unique in enumerate(inds)}: the last row wins
        return _unit_rows(np.asarray(emb)[vector_row]), owners

    x, x_ids = unify(src_emb, src_ids, src_texts)
    y, y_ids = unify(tgt_emb, tgt_ids, tgt_texts)
    x2y_sim, x2y_idx = _top_k(x, y, min(k, len(y)))
    y2x_sim, y2x_idx = _top_k(y, x, min(k, len(x)))
    x_mean, y_mean = x2y_sim.mean(axis=1), y2x_sim.mean(axis=1)  # [n_x], [n_y]
    fwd = x2y_sim / ((x_mean[:, None] + y_mean[x2y_idx]) / 2)  # [n_x, k] margin scores
    bwd = y2x_sim / ((y_mean[:, None] + x_mean[y2x_idx]) / 2)  # [n_y, k]
    fwd_best = x2y_idx[np.arange(len(x)), fwd.argmax(axis=1)]
    bwd_best = y2x_idx[np.arange(len(y)), bwd.argmax(axis=1)]
    pairs = list(zip(range(len(x)), fwd_best.tolist())) + list(zip(bwd_best.tolist(), range(len(y))))
    scores = np.concatenate([fwd.max(axis=1), bwd.max(axis=1)])
    seen_x: set[int] = set()
    seen_y: set[int] = set()
    out: list[tuple[Hashable, Hashable, float]] = []
    for p in np.argsort(-scores, kind="stable").tolist():
        i, j = pairs[p]
        if i in seen_x or j in seen_y:
            continue
        seen_x.add(i)
        seen_y.add(j)
        if scores[p] > 0:
            out.extend((a, b, float(scores[p])) for a in x_ids[i] for b in y_ids[j])
    return out


def bucc_f1(
    candidates: Iterable[tuple[Hashable, Hashable, float]],
    gold: Iterable[tuple[Hashable, Hashable]],
    threshold: float | None = None,
) -> dict[str, float]:
    """BUCC F1 of mined candidates against gold pairs: ``{"f1", "precision", "recall", "threshold"}``.

    With ``threshold=None`` the threshold is chosen on ``gold`` as ``bucc_optimize`` does: walk the
    candidates from the highest score down, and at the first best F1 put the threshold halfway to the
    next score (at the last candidate, where XTREME's code would fail, its own score). Pairs scoring at
    least the threshold are extracted, so candidates tied with the cut-off are all in. Duplicate pairs
    keep their highest score. With no correct candidate the threshold stays 0 and F1 is 0.
    """
    gold_set = set(gold)
    if not gold_set:
        raise ValueError("BUCC F1 needs at least one gold pair")
    best_score: dict[tuple, float] = {}
    for src, tgt, score in candidates:
        key = (src, tgt)
        best_score[key] = max(score, best_score.get(key, score))
    if threshold is None:
        ranked = sorted(best_score.items(), key=lambda kv: -kv[1])
        threshold, best_f1, correct = 0.0, 0.0, 0
        for n, (pair, score) in enumerate(ranked, start=1):
            correct += pair in gold_set
            if correct:
                p, r = correct / n, correct / len(gold_set)
                f = 2 * p * r / (p + r)
                if f > best_f1:
                    best_f1 = f
                    threshold = (score + ranked[n][1]) / 2 if n < len(ranked) else score
    extracted = {pair for pair, score in best_score.items() if score >= threshold}
    correct = len(extracted & gold_set)
    if correct == 0:
        return {"f1": 0.0, "precision": 0.0, "recall": 0.0, "threshold": float(threshold)}
    p, r = correct / len(extracted), correct / len(gold_set)
    return {"f1": 100 * 2 * p * r / (p + r), "precision": 100 * p, "recall": 100 * r, "threshold": float(threshold)}


def tatoeba_accuracy(src_emb, eng_emb) -> float:
    """Tatoeba accuracy, in points: row i of ``src_emb`` [n, H] (the non-English sentence) and row i of
    ``eng_emb`` [n, H] (its English translation) form a pair. Every English sentence retrieves its
    nearest non-English sentence by cosine (XTREME's ``similarity_search``); correct when it is row i.
    Ties go to the lower index."""
    x, y = _unit_rows(src_emb), _unit_rows(eng_emb)
    if x.shape != y.shape or not len(x):
        raise ValueError(f"Tatoeba needs two aligned, non-empty embedding tables; got {x.shape} and {y.shape}")
    import numpy as np

    hits = 0
    for lo in range(0, len(y), 1024):
        nearest = (y[lo : lo + 1024] @ x.T).argmax(axis=1)  # [b] index of the closest non-English row
        hits += int((nearest == np.arange(lo, lo + len(nearest))).sum())
    return 100.0 * hits / len(y)
