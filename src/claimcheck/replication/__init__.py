"""Replication: from a claim to stored, provenance-carrying runs.

    presets.py ─► plan.py ─► runners/ ─► pipeline.py ─► train.py / evaluate.py ─► results/store.py
    (protocols)  (claims →   (local;     (stages cached   (the loop; heads/   (SQLite, one
                  runs, cost) Ray later)  by sub-spec)     per task kind)       transaction/run)

Torch-free modules (safe to import from the CLI): spec, presets, plan, workflow, tasks (declarations),
heads/__init__ (the registry of head kinds), runners/base, stages. Everything else imports torch.
"""
