"""Benchmark (not a test): how often the audit catches a synthesis row altered against its claim.

Every row of every report given (by default the five real syntheses in ../shared/seeds) is audited
as written, and then in altered forms, one kind of alteration at a time. Each alteration is a slip a
synthesis makes and the audit is meant to catch:

- ``number``: the first decimal number raised by 2 ("8.7" -> "10.7");
- ``count``: the first count word or digit count of things raised ("nine" -> "twelve", "9 tasks" ->
  "12 tasks");
- ``direction``: the first direction word turned round ("improves" -> "degrades", "outperforms" ->
  "underperforms", "best" -> "worst", "large improvements" -> "large drops");
- ``negation``: the first main verb negated ("yields" -> "does not yield", "is" -> "is not");
- ``model size``: "Large" after a model name made "Base" ("XLM-R Large" -> "XLM-R Base");
- ``name``: the first task or model name of the two bundled papers replaced by another one of the
  same paper ("HellaSwag" -> "QQP", "RoBERTa" -> "XLNet").

For each alteration and each row it applies to, the outcome of the altered row:
- ``re-resolved``: it resolves to another claim than the row as written, or to none;
- ``flagged``: it resolves to the same claim and the scorecard says it contradicts it
  (``RowAudit.contradicts``: a number, direction or negation, model size, count, ranking or name
  differs; not necessarily the one altered);
- ``missed``: it resolves to the same claim as the row as written, and nothing is flagged.

A row already flagged as written is left out of its alterations and counted apart. The audit runs
without verdicts (``audit_report`` with none), since only its matching and comparisons are measured.
This measures the heuristics on these reports and these six alterations only; other wordings can
slip past them.

Run:  python benchmarks/bench_audit.py [REPORT_OR_FOLDER ...] [--show-missed] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

_COUNTS = {"two": "four", "three": "five", "four": "six", "five": "seven", "six": "eight", "seven": "ten", "eight": "eleven",
           "nine": "twelve", "ten": "fifteen"}
_COUNT_WORD = re.compile(r"\b(" + "|".join(_COUNTS) + r")\b", re.I)
_DIGIT_COUNT = re.compile(r"\b(\d{1,2})(\s+(?:different\s+|English\s+|intermediate\s+|target\s+)*(?:tasks?|languages|models|phases|datasets|targets)\b)")
_DECIMAL = re.compile(r"(?<![\w.])(\d+)\.(\d+)(?![\w.])")
# the first of these in a row is turned round (longer forms first)
_ANTONYMS = [
    ("improvements", "drops"), ("improvement", "drop"), ("improves", "degrades"), ("improved", "degraded"),
    ("improving", "degrading"), ("improve", "degrade"), ("outperforms", "underperforms"), ("outperformed", "underperformed"),
    ("outperform", "underperform"), ("benefits", "harms"), ("benefit", "harm"), ("helps", "hurts"), ("help", "hurt"),
    ("gains", "losses"), ("best", "worst"), ("worst", "best"), ("better", "worse"), ("higher", "lower"),
    ("increases", "decreases"), ("state-of-the-art", "below-average"),
]
_DIRECTION = re.compile(r"\b(" + "|".join(re.escape(a) for a, _ in _ANTONYMS) + r")\b", re.I)
# the first of these verbs is negated
# (verbs that are nouns too, "use" and "study", only after "we": "The study investigates" has no verb "study")
_VERBS = [("is", "is not"), ("are", "are not"), ("was", "was not"), ("were", "were not"), ("yields", "does not yield"),
          ("yield", "do not yield"), ("improves", "does not improve"), ("outperforms", "does not outperform"),
          ("performs", "does not perform"), ("brings", "does not bring"), ("gives", "does not give"), ("shows", "does not show"),
          ("we use", "we do not use"), ("we follow", "we do not follow"), ("we study", "we do not study"),
          ("include", "do not include"), ("achieves", "does not achieve"), ("aims", "does not aim"),
          ("investigates", "does not investigate"), ("performed", "did not perform"), ("outperformed", "did not outperform")]
_VERB = re.compile(r"\b(" + "|".join(re.escape(v) for v, _ in _VERBS) + r")\b", re.I)
_SIZE = re.compile(r"\b(XLM-R|XLM-RoBERTa|RoBERTa|BERT)(\s+)Large\b")
_NAMES = {"HellaSwag": "QQP", "MNLI": "QQP", "SQuAD": "CCG", "BUCC": "PAWS-X", "Tatoeba": "UD-POS", "TyDiQA": "PAN-X",
          "XNLI": "MLQA", "RoBERTa": "XLNet", "BERT": "XLNet", "XLNet": "RoBERTa", "IMDB": "SST-2"}
_NAME = re.compile(r"\b(" + "|".join(sorted(_NAMES, key=len, reverse=True)) + r")\b(?![-\w])")


def _number(text: str) -> str | None:
    m = _DECIMAL.search(text)
    if not m:
        return None
    return text[: m.start()] + f"{int(m.group(1)) + 2}.{m.group(2)}" + text[m.end():]


def _count(text: str) -> str | None:
    if m := _COUNT_WORD.search(text):
        word = m.group(1)
        new = _COUNTS[word.lower()]
        return text[: m.start()] + (new.capitalize() if word[0].isupper() else new) + text[m.end():]
    if m := _DIGIT_COUNT.search(text):
        return text[: m.start()] + str(int(m.group(1)) + 3) + m.group(2) + text[m.end():]
    return None


def _swap(pattern: re.Pattern, table: dict[str, str]) -> Callable[[str], str | None]:
    def alter(text: str) -> str | None:
        m = pattern.search(text)
        if not m:
            return None
        word = m.group(1)
        new = table.get(word) or table[word.lower()]
        if word[0].isupper() and not new[0].isupper():
            new = new[0].upper() + new[1:]
        return text[: m.start(1)] + new + text[m.end(1):]
    return alter


def _size(text: str) -> str | None:
    m = _SIZE.search(text)
    return text[: m.start()] + f"{m.group(1)}{m.group(2)}Base" + text[m.end():] if m else None


ALTERATIONS: dict[str, Callable[[str], str | None]] = {
    "number": _number,
    "count": _count,
    "direction": _swap(_DIRECTION, dict(_ANTONYMS)),
    "negation": _swap(_VERB, dict(_VERBS)),
    "model size": _size,
    "name": _swap(_NAME, _NAMES),
}


def _reports(paths: list[Path]):
    from claimcheck.sources.synthesis_file import load_synthesis
    from claimcheck.workflow_audit import expand_report_paths

    return [load_synthesis(f) for f in expand_report_paths(paths)]


def measure(paths: list[Path]) -> dict:
    """Per alteration: rows it applied to and their outcomes, with each row's texts and claims."""
    from claimcheck.claims.registry import load_registry
    from claimcheck.sources.bibliography import load_bibliography
    from claimcheck.audit.engine import audit_report
    from claimcheck.audit.foreign_names import PaperMentions
    from claimcheck.audit.paper_names import PaperNames
    from claimcheck.workflow import known_paper_names

    registry, bibliography = load_registry(), load_bibliography()
    names, mentions = PaperNames(registry, known_paper_names), PaperMentions(registry)

    def audit(report):
        return audit_report(report, registry, {}, bibliography, names=names, mentions=mentions).rows

    out: dict = {"reports": [], "rows": 0, "flagged_as_written": [], "alterations": {}}
    for report in _reports(paths):
        out["reports"].append(report.label)
        written = audit(report)
        out["rows"] += len(written)
        clean = {r.row.number: r for r in written if not r.contradicts}
        out["flagged_as_written"] += [f"{report.label} row {r.row.number}: {r.row.text}" for r in written if r.contradicts]
        for kind, alter in ALTERATIONS.items():
            altered = {n: alter(r.row.text) for n, r in clean.items()}
            altered = {n: t for n, t in altered.items() if t and t != clean[n].row.text}
            if not altered:
                continue
            rows = [r.model_copy(update={"text": altered[r.number]}) if r.number in altered else r for r in report.rows]
            audited = {r.row.number: r for r in audit(report.model_copy(update={"rows": rows}))}
            entry = out["alterations"].setdefault(kind, {"applied": 0, "flagged": 0, "re-resolved": 0, "missed": 0, "rows": []})
            for n, text in altered.items():
                before, after = clean[n], audited[n]
                outcome = ("re-resolved" if after.claim_id != before.claim_id
                           else "flagged" if after.contradicts else "missed")
                entry["applied"] += 1
                entry[outcome] += 1
                entry["rows"].append({"report": report.label, "row": n, "written": before.row.text, "altered": text,
                                      "claim": before.claim_id, "claim_after": after.claim_id, "outcome": outcome})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, help="reports or folders of them (default: ../shared/seeds)")
    ap.add_argument("--show-missed", action="store_true", help="list each missed alteration")
    ap.add_argument("--json", type=Path, help="write every row's outcome here")
    args = ap.parse_args(argv)
    paths = args.paths or [SEEDS]
    if not all(p.exists() for p in paths):
        print(f"no such report or folder: {', '.join(str(p) for p in paths if not p.exists())}", file=sys.stderr)
        return 2
    result = measure(paths)
    print(f"{len(result['reports'])} reports, {result['rows']} rows; flagged as written: {len(result['flagged_as_written'])}")
    print(f"{'alteration':<12} {'applied':>8} {'flagged':>8} {'re-resolved':>12} {'missed':>7}")
    for kind, e in result["alterations"].items():
        print(f"{kind:<12} {e['applied']:>8} {e['flagged']:>8} {e['re-resolved']:>12} {e['missed']:>7}")
    if args.show_missed:
        for kind, e in result["alterations"].items():
            for r in e["rows"]:
                if r["outcome"] == "missed":
                    print(f"missed ({kind}) {r['report']} row {r['row']} [{r['claim']}]: {r['altered']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
