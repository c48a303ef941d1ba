"""The data files claimcheck writes as JSON (a result file from `runs export` or `runs remove --backup`,
the output of `runs show`, the run store's record, a replication stage's done.json and metrics.json)
write DEL, C1 controls, bidi controls and marks and U+2028/U+2029 as JSON escapes, as the reports'
JSON does (``visible.visible_json``): no terminal or editor showing the file acts on them, and read
back, every value is as it was. Ordinary text, non-ASCII letters included, is written as before."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from claimcheck.results.backup import save_records_json
from claimcheck.results.records import Metric, Provenance, RunRecord
from claimcheck.results.store import RunStore
from claimcheck.results.unreadable_runs import UnreadableRun
from claimcheck.visible import visible_json

# what no data file may hold raw: DEL and C1, the bidi embeddings, overrides, isolates and marks, U+2028/U+2029
RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
HIDDEN = "\x7f\x85\x9b\u061c\u200e\u200f\u202a\u202e\u2066\u2069\u2028\u2029"
ORDINARY = "Bäseline é 中文 😀 \"q\" back\\slash"


def _record(text: str, run_id: str = "r-aa01") -> RunRecord:
    """A record whose free texts (task, system, note, provenance) hold ``text``."""
    task = f"xnli{text}"
    return RunRecord(run_id=run_id, paper_id="2005.13013", system=f"MNLI{text}", seed=1, preset="proxy", fidelity="proxy",
                     deviations=[f"note {text}"], spec={"target": {"task": task}, f"key{text}": [text]},
                     metrics=[Metric(task=task, language="en", metric="accuracy", split="dev", value=71.0)],
                     provenance=Provenance(host=f"host{text}", packages={f"pkg{text}": f"1.0{text}"}))


def _cli(*args: object):
    from claimcheck.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def _stored_texts(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT record FROM runs")]


def test_the_store_writes_its_record_with_escapes_and_reads_back_the_same_values(tmp_path):
    store, record = tmp_path / "s.sqlite", _record(HIDDEN)
    with RunStore(store) as s:
        s.save(record)
    (text,) = _stored_texts(store)
    assert not RAW.search(text) and "\\u202e" in text and "\\u2028" in text and "\\u0085" in text, ascii(text)
    with RunStore(store, readonly=True) as s:
        assert s.get("r-aa01") == record and s.find_as_stored("r-aa") == [record]
    assert not _cli("runs", "remove", "r-aa01", "--store", store, "--backup", tmp_path / "b.json").exit_code  # still the same record
    backup = (tmp_path / "b.json").read_text(encoding="utf-8")
    assert not RAW.search(backup) and RunRecord.model_validate(json.loads(backup)["runs"][0]) == record


def test_runs_export_and_show_write_escapes_and_the_export_imports_back_the_same(tmp_path):
    store, out, record = tmp_path / "s.sqlite", tmp_path / "runs.json", _record(HIDDEN)
    with RunStore(store) as s:
        s.save(record)
    exported = _cli("runs", "export", "--store", store, "--out", out)
    assert exported.exit_code == 0, exported.output
    text = out.read_text(encoding="utf-8")
    assert not RAW.search(text) and "\\u202e" in text and "\\u061c" in text, ascii(text)
    for printed in (_cli("runs", "export", "--store", store).output, _cli("runs", "show", "r-aa", "--store", store).output):
        assert printed == text  # standard output and `runs show`: the same text, with the same escapes
    again = tmp_path / "again.sqlite"
    assert _cli("runs", "import", out, "--store", again).exit_code == 0
    with RunStore(again, readonly=True) as s:
        assert s.records() == [record]


def test_a_backup_of_a_record_that_does_not_validate_escapes_it_and_keeps_it_as_stored(tmp_path):
    stored = json.dumps({"run_id": "r-bad", "note": f"by hand{HIDDEN}"}, ensure_ascii=False)
    broken = UnreadableRun("r-bad", stored, "2005.13013", "MNLI", 1, "proxy", "ok", "xnli", field=None, message="x")
    path = tmp_path / "backup.json"
    save_records_json([broken, _record(HIDDEN, run_id="r-aa01")], path)
    text = path.read_text(encoding="utf-8")
    assert not RAW.search(text)
    runs = json.loads(text)["runs"]
    assert runs[0] == _record(HIDDEN).model_dump(mode="json") and runs[1] == json.loads(stored)


def test_a_stage_file_is_written_with_escapes_and_read_back_the_same(tmp_path):
    from claimcheck.replication.stages import StageDir, read_json, write_json_atomic

    payload = {"task": f"xnli{HIDDEN}", "notes": [HIDDEN, ORDINARY], f"key{HIDDEN}": 1.5}
    stage = StageDir(tmp_path / "work", "k1")
    stage.path.mkdir(parents=True)
    stage.mark_done(payload)
    write_json_atomic(stage.path / "metrics.json", payload)
    for path in (stage.done_file, stage.path / "metrics.json"):
        text = path.read_text(encoding="utf-8")
        assert not RAW.search(text) and "\\u2069" in text, ascii(text)
        assert read_json(path) == payload
    assert stage.done() == payload


def test_ordinary_text_is_written_byte_for_byte_as_before(tmp_path):
    """What the writers wrote before the escapes, for text with none of those characters: the same bytes."""
    from claimcheck.replication.stages import write_json_atomic
    from claimcheck.results.file_format import render_records_json

    record = _record(ORDINARY)
    data = record.model_dump(mode="json")
    assert render_records_json([record]) == json.dumps({"runs": [data]}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    store = tmp_path / "s.sqlite"
    with RunStore(store) as s:
        s.save(record)
    assert _stored_texts(store) == [json.dumps(data, sort_keys=True, ensure_ascii=False)]
    write_json_atomic(tmp_path / "done.json", {"task": ORDINARY, "tab\tnew\nline": "\x00\x1b"})  # C0: json.dumps escapes it
    assert (tmp_path / "done.json").read_text(encoding="utf-8") == json.dumps(
        {"task": ORDINARY, "tab\tnew\nline": "\x00\x1b"}, indent=2, sort_keys=True, ensure_ascii=False)


def test_keep_surrogates_leaves_a_lone_surrogate_as_it_is_never_another_value():
    """A data file must read back as written: the reports show a byte that was not UTF-8 as ``\\xff``
    text, which would change the value, so a data writer leaves it (its UTF-8 write then fails, as before)."""
    text = json.dumps({"a": f"x\udcff{HIDDEN}"}, ensure_ascii=False)
    kept = visible_json(text, keep_surrogates=True)
    assert "\udcff" in kept and not RAW.search(kept)
    assert json.loads(kept) == json.loads(text)
    assert visible_json(text) == kept.replace("\udcff", "\\\\xff")  # the reports' form: the same escapes but that one
