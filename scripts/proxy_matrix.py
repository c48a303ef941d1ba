"""The proxy replication matrix (issue 7) as one script, for a machine without network access (a GPU box).

Three steps:
  here:   python scripts/proxy_matrix.py pack [--shared ../shared] [--carry .carry]
          copies the mE5-small pack (44.5 MB), its unpack tool and exactly the data files the proxy
          preset reads into .carry/ (git-ignored), and prints the size (a device call carries 64 MiB).
  there:  python scripts/proxy_matrix.py run --out "$OUT" [--device cuda] [--seeds 3]
          [--train-examples N] [--eval-examples N] [--system ARM]... [--task TASK]...
          unpacks the model into .proxy-work/ (git-ignored, not carried, so it survives between
          calls on a warm machine), runs `claimcheck replicate all --preset proxy` with its store in
          .proxy-work/home (a later call resumes: split a long matrix by --system), and exports the
          finished runs to $OUT/proxy-runs.json.
  here:   claimcheck runs import proxy-runs.json   (provenance intact: revision, host, device, hashes)

`run` uses this checkout's code (`python -m claimcheck` with src/ on the path), so the package need
not be installed there; its dependencies must be (typer, rich, pydantic, pyyaml, torch,
transformers, datasets): it says which are missing. Exit codes: 0 every run finished, 1 some run
failed (the finished ones are exported), 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from claimcheck.replication.presets import PROXY  # noqa: E402
from claimcheck.replication.tasks import get_task  # noqa: E402

PACK = "me5-small-q4"
MODEL = "me5-small"
CARRY_LIMIT = 64 * 2**20  # what one device call may carry: the repository plus carried paths
NEEDED_MODULES = ("typer", "rich", "pydantic", "yaml", "torch", "transformers", "datasets")


def data_files(preset=PROXY) -> list[str]:
    """Every local data file the preset's arms and targets read (paths relative to the data folder)."""
    uses = [u for arm in preset.arms for u in arm.train]
    for target in preset.targets:
        uses += ([target.train] if target.train else []) + list(target.evals) + ([target.dev] if target.dev else [])
    return sorted({p for u in uses for p in get_task(u.task).local_paths(u.split, u.language)})


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def pack(shared: Path, carry: Path) -> int:
    sources = {"model pack": shared / "models" / PACK, "unpack tool": shared / "tools" / "unpack_model.py",
               "data folder": shared / "data"}
    for what, path in sources.items():
        if not path.exists():
            print(f"proxy_matrix: no {what} at {path} (pass --shared)", file=sys.stderr)
            return 2
    missing = [rel for rel in data_files() if not (shared / "data" / rel).is_file()]
    if missing:
        print(f"proxy_matrix: {len(missing)} data files missing under {shared / 'data'}, first: {missing[0]}", file=sys.stderr)
        return 2
    if (carry / PACK).exists():
        shutil.rmtree(carry / PACK)
    carry.mkdir(parents=True, exist_ok=True)
    shutil.copytree(sources["model pack"], carry / PACK)
    shutil.copy2(sources["unpack tool"], carry / "unpack_model.py")
    for rel in data_files():
        (carry / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shared / "data" / rel, carry / "data" / rel)
    carried = sum(_size(carry / p) for p in (PACK, "data")) + (carry / "unpack_model.py").stat().st_size
    print(f"packed {len(data_files())} data files and the model pack into {carry}: {carried / 2**20:.1f} MiB "
          f"(a device call carries {CARRY_LIMIT / 2**20:.0f} MiB with the repository)")
    shown = carry.relative_to(REPO) if carry.is_relative_to(REPO) else carry
    print(f"device call: carry [\"{shown}\"], command: python scripts/proxy_matrix.py run --out \"$OUT\"")
    return 2 if carried > CARRY_LIMIT else 0


def _claimcheck(args: list[str], home: Path) -> int:
    env = {**os.environ, "CLAIMCHECK_HOME": str(home), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    print("$ claimcheck " + " ".join(args), flush=True)
    return subprocess.run([sys.executable, "-m", "claimcheck", *args], env=env, check=False).returncode


def run(args: argparse.Namespace) -> int:
    missing = [m for m in NEEDED_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        print(f"proxy_matrix: this Python lacks {', '.join(missing)}; install them (pip install -e '.[replicate]')", file=sys.stderr)
        return 2
    carry, out, work = args.carry.resolve(), args.out.resolve(), args.work.resolve()
    model = Path(args.model).resolve() if args.model else work / MODEL
    if not args.model and not (model / "config.json").is_file():
        if not (carry / PACK).is_dir():
            print(f"proxy_matrix: no model pack at {carry / PACK}: run `pack` here and carry {carry}", file=sys.stderr)
            return 2
        subprocess.run([sys.executable, str(carry / "unpack_model.py"), str(carry / PACK), str(model)], check=True)
    out.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    store = home / "runs.sqlite"
    cmd = ["replicate", "all", "--preset", args.preset, "--seeds", str(args.seeds), "--model", str(model),
           "--data-dir", str(args.data_dir or carry / "data"), "--device", args.device, "--store", str(store)]
    for flag, values in (("--system", args.system), ("--task", args.task)):
        for v in values or ():
            cmd += [flag, v]
    for flag, value in (("--train-examples", args.train_examples), ("--eval-examples", args.eval_examples)):
        if value is not None:
            cmd += [flag, str(value)]
    code = _claimcheck(cmd, home)
    if code == 2:
        return 2
    exported = out / "proxy-runs.json"
    if _claimcheck(["runs", "export", "--store", str(store), "--out", str(exported)], home) != 0:
        return 1
    n = len(json.loads(exported.read_text(encoding="utf-8"))["runs"])
    print(f"exported {n} finished runs to {exported}; here: claimcheck runs import {exported.name}")
    return code


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="step", required=True)
    pk = sub.add_parser("pack", help="copy the model pack, unpack tool and needed data into --carry")
    pk.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    pk.add_argument("--carry", type=Path, default=REPO / ".carry")
    rn = sub.add_parser("run", help="unpack, replicate the matrix, export the runs to --out")
    rn.add_argument("--carry", type=Path, default=REPO / ".carry")
    rn.add_argument("--out", type=Path, required=True, help="folder for proxy-runs.json (on the device: $OUT)")
    rn.add_argument("--work", type=Path, default=REPO / ".proxy-work", help="unpacked model and run store (not carried)")
    rn.add_argument("--device", default="cuda", choices=["auto", "cpu", "cuda"])
    rn.add_argument("--seeds", type=int, default=3)
    rn.add_argument("--preset", default="proxy", help="proxy (default); smoke for a self-check")
    rn.add_argument("--model", help="an already unpacked model folder (default: unpack the carried pack)")
    rn.add_argument("--data-dir", type=Path, help="default: the carried data")
    rn.add_argument("--train-examples", type=int)
    rn.add_argument("--eval-examples", type=int)
    rn.add_argument("--system", action="append", help="only this arm (repeatable)")
    rn.add_argument("--task", action="append", help="only this target (repeatable)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return pack(args.shared.resolve(), args.carry.resolve()) if args.step == "pack" else run(args)


if __name__ == "__main__":
    sys.exit(main())
