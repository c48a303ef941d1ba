"""Benchmark (not a test): how often the audit wrongly flags a correct row worded otherwise than the seeds.

``bench_audit.py`` measures how often an altered row is caught; this measures the other side. The rows
of ``audit_paraphrases.json`` (beside this file) are correct rewordings of the bundled claims, three
to seven per claim: other word orders, synonyms, numbers written otherwise ("+8.7", "8.7 pts"), hedges,
the passive, task names spelled otherwise ("TyDi QA"), statements of what does not happen ("XNLI sees
no benefit"), and rows cut off mid-word as the seeds' are. A claim of a superseded version (v1) has
rows that quote that version: they should resolve to it and be called superseded, which is no false
alarm.

The rows of each paper are written into one synthesis report laid out as the seeds are
(``report_text``: a title, "This paper examines:", a tab-separated Claim / Verified / Confidence
table, the paper in the references) and audited as ``claimcheck audit`` audits it
(``audit_from_disk``: the registry verified, its verdicts beside the rows). Per paraphrase:

- ``intended``: it resolves to the claim it is listed under;
- ``other``: it resolves to another claim;
- ``unresolved``: it resolves to none;
- ``flagged`` (any of the three above that resolved): the scorecard says it contradicts the claim it
  resolved to (``RowAudit.contradicts``: a number, direction or negation, model size, another claim's
  count or ranking, or a name), each of which is a false alarm here; ``errors``: the rows with a
  finding of error level (a v1 row's ``superseded_version`` excepted).

Run:  python benchmarks/bench_audit_paraphrases.py [--show] [--json OUT] [--write DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

DATA = Path(__file__).resolve().parent / "audit_paraphrases.json"
_CONFIDENCES = ("0.34", "0.52", "0.61", "0.27", "0.45", "0.73", "0.38")


def load(path: Path = DATA) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def report_text(paper: dict, rows: list[str]) -> str:
    """A synthesis report holding ``rows``, laid out as the seeds are (plain text, tab-separated table)."""
    lines = [
        "", "", paper["title"], "", "Assignee Research", "", "July 1, 2026", "", "Abstract", "",
        "A machine-written synthesis, built for a benchmark: its claims table lists rewordings of one paper's claims.", "",
        "1 Introduction", "",
        f"This paper examines: {paper['examined']}. Research question: {paper['question']}", "",
        "2 Methodology", "",
        f"Systematic literature search yielded {len(paper['references'])} papers. Claims were extracted from source material.", "",
        "3 Results", "",
        f"{len(paper['references'])} papers retrieved. {len(rows)} claims extracted; {len(rows)} independently verified. "
        "Quality review score: 9.0/10.", "",
        "4 Extracted Claims", "",
        "Claim\tVerified\tConfidence",
        *(f"{text}\t✓\t{_CONFIDENCES[i % len(_CONFIDENCES)]}" for i, text in enumerate(rows)),
        "", "References", "",
        *(f"- <{ref}>" for ref in paper["references"]),
        "",
    ]  # fmt: skip
    return "\n".join(lines)


def reports(data: dict) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Per paper: its report's text and (intended claim, row text) of each row, in table order."""
    out = {}
    for paper_id, paper in data["papers"].items():
        listed = [(cid, text) for cid, texts in data["rows"].items() if cid.split("/", 1)[0] == paper_id for text in texts]
        out[paper_id] = (report_text(paper, [t for _, t in listed]), listed)
    return out


def measure(data: dict) -> dict:
    from claimcheck.claims.registry import load_registry
    from claimcheck.workflow_audit import audit_from_disk

    registry = load_registry()
    out: dict = {"rows": [], "groups": {}}
    with tempfile.TemporaryDirectory() as tmp:
        built = reports(data)
        for paper_id, (text, _) in built.items():
            (Path(tmp) / f"paraphrases_{paper_id}.txt").write_text(text, encoding="utf-8")
        result = audit_from_disk([Path(tmp)])
        cards = {Path(c.report.label).name: c for c in result.scorecards}
        for paper_id, (_, listed) in built.items():
            card = cards[f"paraphrases_{paper_id}.txt"]
            assert len(card.rows) == len(listed), f"{paper_id}: {len(card.rows)} rows read of {len(listed)}"
            for (intended, text), r in zip(listed, card.rows, strict=True):
                assert r.row.text == text, (r.row.text, text)
                claim = registry.claims[intended]
                found = [f for f in card.findings if f.row == r.row.number and f.section == "resolution"
                         and f.code not in ("truncated",)]
                errors = [f for f in found if f.severity == "error"
                          and not (f.code == "superseded_version" and r.claim_id == intended)]
                resolution = ("unresolved" if r.claim_id is None else "intended" if r.claim_id == intended else "other")
                group = f"{paper_id} ({claim.version}{', superseded' if claim.superseded_by else ''})"
                out["rows"].append({
                    "group": group, "claim": intended, "text": text, "truncated": r.row.truncated,
                    "resolved": r.claim_id, "resolution": resolution, "flagged": r.contradicts, "errors": bool(errors),
                    "findings": [f"{f.severity.upper()} {f.code}: {f.message}" for f in found],
                    "nearest": r.best.claim_id if r.best else None, "score": round(r.best.score, 3) if r.best else None,
                })  # fmt: skip
    for row in out["rows"]:
        entry = out["groups"].setdefault(row["group"], dict.fromkeys(("rows", "intended", "other", "unresolved", "flagged", "errors"), 0))
        entry["rows"] += 1
        entry[row["resolution"]] += 1
        entry["flagged"] += row["flagged"]
        entry["errors"] += row["errors"]
    out["total"] = {k: sum(g[k] for g in out["groups"].values()) for k in ("rows", "intended", "other", "unresolved", "flagged", "errors")}
    out["clean"] = sum(r["resolution"] == "intended" and not r["flagged"] and not r["errors"] for r in out["rows"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="the paraphrases (default: audit_paraphrases.json beside this file)")
    ap.add_argument("--show", action="store_true", help="list each paraphrase that is not resolved to its claim unflagged")
    ap.add_argument("--show-all", action="store_true", help="list every paraphrase with its outcome")
    ap.add_argument("--json", type=Path, help="write every row's outcome here")
    ap.add_argument("--write", type=Path, metavar="DIR", help="also write the reports audited into DIR")
    args = ap.parse_args(argv)
    data = load(args.data)
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        for paper_id, (text, _) in reports(data).items():
            (args.write / f"paraphrases_{paper_id}.txt").write_text(text, encoding="utf-8")
    result = measure(data)
    t = result["total"]
    print(f"{t['rows']} correct paraphrases of {len(data['rows'])} claims; resolved to their claim and unflagged: {result['clean']}")
    print(f"{'claims':<30} {'rows':>5} {'intended':>9} {'other':>6} {'unresolved':>11} {'flagged':>8} {'errors':>7}")
    for name, g in [*result["groups"].items(), ("total", t)]:
        print(f"{name:<30} {g['rows']:>5} {g['intended']:>9} {g['other']:>6} {g['unresolved']:>11} {g['flagged']:>8} {g['errors']:>7}")
    if args.show or args.show_all:
        for r in result["rows"]:
            clean = r["resolution"] == "intended" and not r["flagged"] and not r["errors"]
            if clean and not args.show_all:
                continue
            what = r["resolution"] + (" + flagged" if r["flagged"] else "") + (" + error" if r["errors"] else "")
            where = f" -> {r['resolved']}" if r["resolution"] == "other" else (
                f" (nearest {r['nearest']}, {r['score']})" if r["resolution"] == "unresolved" else "")
            print(f"\n{what} [{r['claim']}]{where}: {r['text']}")
            for f in r["findings"]:
                if not f.startswith("WARNING unknown_claim"):
                    print(f"    {f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
