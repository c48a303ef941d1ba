"""Write the parsed copy of every bundled claim file (claimcheck.claims.parsed_copy).

Run it after editing a file in src/claimcheck/claims/papers/, and commit the copies with it:

    python scripts/parse_bundled.py           # writes <id>.yaml.parsed.json beside each <id>.yaml
    python scripts/parse_bundled.py --check   # only says which copies are stale or orphaned (exit 1 if any)

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
from claimcheck.claims.parsed_copy import SUFFIX, copy_path, copy_text  # noqa: E402
from claimcheck.claims.registry import BUNDLED_PAPERS, iter_claim_files, load_paper_file  # noqa: E402
from claimcheck.claims.yaml_text import parse_yaml  # noqa: E402
from claimcheck.errors import ClaimcheckError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a copy is missing or stale")
    args = ap.parse_args(argv)
    stale = []
    sources = list(iter_claim_files([BUNDLED_PAPERS]))
    for path in sources:
        try:
            text = path.read_text(encoding="utf-8")
            # the whole file must load from its YAML (not from the copy being replaced), not only parse
            load_paper_file(path, parsed_copy=False)
            wanted = copy_text(text, parse_yaml(text, path))
        except ClaimcheckError as exc:  # it names the file
            print(f"no parsed copy: {exc}", file=sys.stderr)
            return 2
        except (UnicodeDecodeError, ValueError) as exc:
            print(f"{path}: no parsed copy: {exc}", file=sys.stderr)
            return 2
        target = copy_path(path)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == wanted:
            continue
        stale.append(target)
        if not args.check:
            save_text_atomic(target, wanted)
    wanted_copies = {copy_path(p) for p in sources}
    orphans = sorted(p for p in BUNDLED_PAPERS.glob("*" + SUFFIX) if p not in wanted_copies)
    for orphan in orphans:  # a copy whose claim file was renamed or removed: it would ship for nothing
        print(f"{'a copy of no claim file' if args.check else 'removed, a copy of no claim file'}: {orphan}")
        if not args.check:
            orphan.unlink()
    for target in stale:
        print(f"{'stale' if args.check else 'written'}: {target}")
    if not stale and not orphans:
        print("every parsed copy is current")
    return 1 if args.check and (stale or orphans) else 0


if __name__ == "__main__":
    sys.exit(main())
