"""Write the parsed copy of every bundled claim file (claimcheck.claims.parsed_copy).

Run it after editing a file in src/claimcheck/claims/papers/, and commit the copies with it:

    python scripts/parse_bundled.py           # writes <id>.parsed.json beside each <id>.yaml
    python scripts/parse_bundled.py --check   # only says which copies are stale (exit 1 if any)

A claim file that does not load (bad YAML, a field the models refuse) gets no copy: the script
says why and exits 2, as `claimcheck validate` would. Exit 0: every copy is current.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
if str(SRC) not in sys.path:  # this checkout's claimcheck, installed or not
    sys.path.insert(0, str(SRC))

from claimcheck.atomic import save_text_atomic  # noqa: E402
from claimcheck.claims.parsed_copy import copy_path, copy_text  # noqa: E402
from claimcheck.claims.registry import BUNDLED_PAPERS, iter_claim_files, load_paper_file  # noqa: E402
from claimcheck.claims.yaml_text import parse_yaml  # noqa: E402
from claimcheck.errors import ClaimcheckError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a copy is missing or stale")
    args = ap.parse_args(argv)
    stale = []
    for path in iter_claim_files([BUNDLED_PAPERS]):
        text = path.read_text(encoding="utf-8")
        try:
            load_paper_file(path)  # the whole file must load, not only parse
            wanted = copy_text(text, parse_yaml(text, path))
        except (ClaimcheckError, ValueError) as exc:
            print(f"{path}: no parsed copy: {exc}", file=sys.stderr)
            return 2
        target = copy_path(path)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == wanted:
            continue
        stale.append(target)
        if not args.check:
            save_text_atomic(target, wanted)
    for target in stale:
        print(f"{'stale' if args.check else 'written'}: {target}")
    if not stale:
        print("every parsed copy is current")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
