"""Benchmark summary (not a test): the accuracy gap of claimcheck's loop against the HF Trainer over
the seeds of several ``bench_train.py --json`` files, with its 95 % interval. Files of ``--matched``
runs (the same batches, no dropout) and of default runs measure different things and are not mixed.

Run:  python benchmarks/train_gaps.py seeds0-2.json seed3.json seed4.json ...
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys

from claimcheck.verifier.stats import seeds_to_resolve, t_quantile

AGREE_POINTS = 0.5


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help="JSON files written by bench_train.py --json")
    args = ap.parse_args()
    acc: dict[int, dict[str, float]] = {}
    modes: dict[bool, str] = {}
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            payload = json.load(f)
        matched = bool(payload.get("meta", {}).get("matched", False))
        modes.setdefault(matched, path)
        if len(modes) > 1:
            print(f"train_gaps: {modes[True]} holds --matched runs and {modes[False]} default runs; "
                  "summarise each kind on its own", file=sys.stderr)
            sys.exit(2)
        for run in payload["runs"]:
            acc.setdefault(run["seed"], {})[run["path"]] = run["accuracy"]
    seeds = sorted(s for s, a in acc.items() if {"claimcheck", "hf-trainer"} <= a.keys())
    if len(seeds) < 2:
        raise SystemExit("need at least two seeds run on both paths")
    gaps = [acc[s]["claimcheck"] - acc[s]["hf-trainer"] for s in seeds]
    for s, g in zip(seeds, gaps):
        print(f"seed {s}: claimcheck {acc[s]['claimcheck']:.2f}, Trainer {acc[s]['hf-trainer']:.2f}, gap {g:+.2f}")
    n, mean, sd = len(gaps), statistics.mean(gaps), statistics.stdev(gaps)
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    kind = "matched batches, no dropout" if True in modes else "default runs"
    print(f"{n} seeds ({kind}): claimcheck {statistics.mean(acc[s]['claimcheck'] for s in seeds):.2f}, "
          f"Trainer {statistics.mean(acc[s]['hf-trainer'] for s in seeds):.2f}; mean gap {mean:+.2f}, sd {sd:.2f}, "
          f"95% CI [{mean - half:+.2f}, {mean + half:+.2f}]")
    need = seeds_to_resolve(sd, AGREE_POINTS - abs(mean), 0.95, current=n)  # the CI inside +-AGREE_POINTS
    shown = "yes" if abs(mean) + half < AGREE_POINTS else f"no; about {need} seeds at this mean and spread" if need else "no"
    print(f"agreement within {AGREE_POINTS} points shown at 95 %: {shown}")


if __name__ == "__main__":
    main()
