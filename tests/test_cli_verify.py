"""The verify / show / report commands on a small user registry: drafts, exit codes, bad outputs."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app

PAPER = """
paper:
  id: "1234.5678"
  version: v1
  title: T
  authors: [A]
  year: 2020
  draft: {paper_draft}
  sources: [{{id: t1, title: Table 1, locator: "Table 1", reliability: primary}}]
  cells:
    - {{system: A, task: xnli, metric: accuracy, split: dev, value: "70.0", source: t1, locator: "T1 r1"}}
    - {{system: B, task: xnli, metric: accuracy, split: dev, value: "71.0", source: t1, locator: "T1 r2"}}
claims:
  - id: 1234.5678/gain
    statement: B beats A by five points.
    kind: quantity
    version: v1
    location: {{section: Results}}
    reported: ["5.0"]
    derivation: {{name: mean_gain, params: {{system: B, baseline: A, tasks: [xnli]}}}}
    draft: {claim_draft}
"""


def _registry(tmp_path: Path, *, paper_draft: bool = False, claim_draft: bool = False) -> Path:
    folder = tmp_path / "claims"
    folder.mkdir(exist_ok=True)
    (folder / "1234.5678.yaml").write_text(
        PAPER.format(paper_draft=str(paper_draft).lower(), claim_draft=str(claim_draft).lower()), encoding="utf-8")
    return folder


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _verify_json(tmp_path: Path, folder: Path) -> tuple[int, dict]:
    out = tmp_path / "report.json"
    result = _run("report", "1234.5678/gain", "-r", str(folder), "--no-bundled-results", "--format", "json", "--out", str(out))
    assert result.exit_code in (0, 1), result.output
    claim = next(c for c in json.loads(out.read_text(encoding="utf-8"))["claims"] if c["claim_id"] == "1234.5678/gain")
    verify = _run("verify", "1234.5678/gain", "-r", str(folder), "--no-bundled-results", "--no-write")
    return verify.exit_code, claim


def test_a_confirmed_contradicted_claim_exits_1(tmp_path):
    code, claim = _verify_json(tmp_path, _registry(tmp_path))
    assert code == 1
    assert (claim["overall"], claim["overall_rule"], claim["draft"]) == ("contradicted", "R1", False)


@pytest.mark.parametrize("which", ["paper_draft", "claim_draft"])
def test_a_draft_is_shown_but_never_counted(tmp_path, which):
    folder = _registry(tmp_path, **{which: True})
    code, claim = _verify_json(tmp_path, folder)
    assert code == 0
    assert claim["source"]["verdict"] == "inconsistent"  # the tier still says what it found
    assert (claim["overall"], claim["overall_rule"], claim["draft"]) == ("unverified", "R0", True)
    strict = _run("verify", "all", "-r", str(folder), "--no-bundled-results", "--no-write", "--strict")
    assert "draft" in strict.output
    md = tmp_path / "r.md"
    assert _run("report", "1234.5678/gain", "-r", str(folder), "--no-bundled-results", "--format", "md", "--out", str(md)).exit_code == 0
    assert "draft: not confirmed" in md.read_text(encoding="utf-8")


def test_an_unwritable_output_exits_2_naming_it_and_keeps_what_is_there(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me", encoding="utf-8")
    for args in (["report", "--format", "md", "--out", str(tmp_path)],  # a folder where a file belongs
                 ["report", "--format", "md", "--out", str(blocker / "r.md")],
                 ["verify", "all", "--out", str(blocker / "reports")]):
        result = _run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and str(tmp_path) in " ".join(result.output.split())
    assert blocker.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("block", ["a folder", "a symlink loop"])
def test_what_is_in_the_way_of_one_report_file_leaves_the_others_as_they_were(tmp_path, block):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "report.md").write_text("the last run's", encoding="utf-8")
    if block == "a folder":  # the last file written: the first two must not be new beside it
        (out / "report.json").mkdir()
    else:
        (out / "report.json").symlink_to("report.json")
    result = _run("verify", "all", "--out", str(out))
    assert result.exit_code == 2 and "report.json" in " ".join(result.output.split()), result.output
    assert (out / "report.md").read_text(encoding="utf-8") == "the last run's" and not (out / "report.html").exists()


def test_report_out_follows_a_symlink_and_writes_a_fifo_in_place(tmp_path):
    folder = _registry(tmp_path)
    (tmp_path / "kept").mkdir()
    link = tmp_path / "latest.json"
    link.symlink_to(Path("kept") / "report.json")
    result = _run("report", "all", "-r", str(folder), "--no-bundled-results", "--format", "json", "--out", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and "claims" in json.loads((tmp_path / "kept" / "report.json").read_text(encoding="utf-8"))
    fifo = tmp_path / "pipe"  # stands for /dev/null, which a test must not touch
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = _run("report", "1234.5678/gain", "-r", str(folder), "--no-bundled-results", "--format", "md", "--out", str(fifo))  # fits the pipe
        assert result.exit_code == 0, result.output
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        assert os.read(reader, 1 << 16).startswith(b"# ")
    finally:
        os.close(reader)


def test_show_refuses_a_paper_id_and_suggests_near_claim_ids():
    paper = _run("show", "2005.13013")
    assert paper.exit_code == 2 and "is a paper id" in paper.output and "claimcheck verify 2005.13013" in paper.output
    typo = _run("show", "2005.13013/multitask-gian")
    assert typo.exit_code == 2 and "did you mean 2005.13013/multitask-gain" in typo.output
    unrelated = _run("show", "nope/x")
    assert unrelated.exit_code == 2 and "did you mean" not in unrelated.output


def test_a_claim_named_twice_is_verified_once(tmp_path):
    result = _run("report", "2005.13013/multitask-gain", "2005.13013/multitask-gain", "2005.13013", "--format", "json")
    ids = [c["claim_id"] for c in json.loads(result.stdout)["claims"]]
    assert len(ids) == len(set(ids)) and "2005.13013/multitask-gain" in ids


@pytest.mark.parametrize("what", ["claims", "derivations", "results", "report"])
def test_schema_prints_json_schema(what):
    result = _run("schema", what)
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    if what == "derivations":  # one parameter schema per registered derivation, unknown keys refused
        from claimcheck.verifier.derive import DERIVATIONS

        assert set(schema) == set(DERIVATIONS)
        assert schema["mean_gain"]["required"] == ["system"] and schema["mean_gain"]["additionalProperties"] is False
    elif what == "results":  # a result file: one record, a list, or {"runs": [...]} (tests/test_result_file_reading.py)
        assert schema["$defs"]["RunRecord"]["type"] == "object" and len(schema["anyOf"]) == 3
    else:
        assert schema["type"] == "object" and schema["properties"]
    assert _run("schema", "claimz").exit_code == 2


def test_list_keeps_claim_ids_whole_on_a_narrow_terminal():
    result = CliRunner().invoke(app, ["list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    from claimcheck.claims.registry import load_registry

    for claim_id in load_registry().claims:
        assert claim_id in result.stdout, claim_id


def _record(run_id: str, system: str, seed: int, value: float, split: str = "dev") -> dict:
    return {"run_id": run_id, "paper_id": "1234.5678", "system": system, "seed": seed, "preset": "t", "fidelity": "full",
            "metrics": [{"task": "xnli", "language": "en", "metric": "accuracy", "split": split, "value": value}]}


@pytest.mark.parametrize("shape, place, field", [
    (lambda rec: [rec], "([0])", "[0].run_id"),  # a list of records
    (lambda rec: rec, "(its one record)", "run_id"),  # a file of one record
])
def test_a_run_id_used_twice_is_named_where_it_sits_in_each_file(tmp_path, shape, place, field):
    from claimcheck.errors import ResultFileError
    from claimcheck.results.files import load_result_paths

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(shape(_record("r-1", "A", 1, 70.0))), encoding="utf-8")
    b.write_text(json.dumps(shape(_record("r-1", "B", 1, 75.0))), encoding="utf-8")
    with pytest.raises(ResultFileError) as caught:
        load_result_paths([a, b])
    assert f"a.json {place}" in caught.value.message and caught.value.field == field and caught.value.path == str(b)


def test_two_different_records_under_one_run_id_are_refused_naming_both(tmp_path):
    folder = _registry(tmp_path)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"runs": [_record("r-1", "A", 1, 70.0)]}), encoding="utf-8")
    b.write_text(json.dumps({"runs": [_record("r-1", "B", 1, 75.0)]}), encoding="utf-8")
    result = _run("verify", "all", "-r", str(folder), "--no-bundled-results", "--no-write", "--results", str(a), "--results", str(b))
    assert result.exit_code == 2 and "'r-1' is also used by a different record" in result.output, result.output
    assert "a.json" in result.output and "b.json" in result.output
    # both places named as every other error in a result file names a record's field
    flat = " ".join(result.output.split())
    assert "a.json (runs[0])" in flat and "runs[0].run_id" in flat and "record 0" not in flat, result.output
    same = tmp_path / "same.json"  # the same record twice is read once
    same.write_text(json.dumps({"runs": [_record("r-1", "A", 1, 70.0), _record("r-1", "A", 1, 70.0)]}), encoding="utf-8")
    assert _run("verify", "all", "-r", str(folder), "--no-bundled-results", "--no-write", "--results", str(same)).exit_code in (0, 1)


@pytest.mark.parametrize("record, field, message", [
    (_record("r-1", "A", 1, 70.0, split="tst"), "runs[0].metrics[0].split", "is not one of 'dev', 'test', 'train'"),
    (_record("r-1", "A", 1, -500.0), "runs[0].metrics[0].value", "not in points"),
    (_record("r-1", "A", 1, 0.71 + 100), "runs[0].metrics[0].value", "not in points"),
])
def test_a_metric_off_the_scale_or_split_is_refused(tmp_path, record, field, message):
    folder, f = _registry(tmp_path), tmp_path / "r.json"
    f.write_text(json.dumps({"runs": [record]}), encoding="utf-8")
    result = _run("verify", "all", "-r", str(folder), "--no-bundled-results", "--no-write", "--results", str(f))
    assert result.exit_code == 2 and field in result.output and message in result.output, result.output


def test_a_file_record_that_differs_from_the_stored_one_is_said_not_silently_dropped(tmp_path):
    from claimcheck.results.collect import collect_records
    from claimcheck.results.records import RunRecord
    from claimcheck.results.store import open_store

    store = tmp_path / "runs.sqlite"
    with open_store(store) as s:
        s.save(RunRecord.model_validate(_record("r-1", "A", 1, 70.0)))
    f = tmp_path / "r.json"
    f.write_text(json.dumps({"runs": [_record("r-1", "A", 1, 72.0), _record("r-2", "B", 1, 75.0)]}), encoding="utf-8")
    got = collect_records([f], store, include_bundled=False)
    assert sorted(r.metrics[0].value for r in got.records) == [70.0, 75.0]  # the store wins, as documented
    assert "1 of them differ from the stored run of the same id, and the stored one is used" in got.sources[1], got.sources


def test_a_store_written_before_the_scale_check_stays_readable(tmp_path):
    """The range and split are checked where records come in; a stored record from an older version
    must not lock every command out of its own store."""
    from claimcheck.results.records import RunRecord
    from claimcheck.results.store import open_store

    store = tmp_path / "runs.sqlite"
    with open_store(store) as s:
        s.save(RunRecord.model_validate(_record("r-old", "A", 1, 150.0)))
    assert _run("runs", "list", "--store", str(store)).exit_code == 0
    assert _run("verify", "all", "--store", str(store), "--no-write").exit_code in (0, 1)
    removed = _run("runs", "remove", "--system", "A", "--store", str(store), "--backup", str(tmp_path / "bk.json"))
    assert removed.exit_code == 0, removed.output


def test_a_name_between_colons_in_a_path_is_printed_as_written(tmp_path):
    # rich would turn ":warning:" into an emoji; the message must name the folder as the user wrote it
    folder = tmp_path / ":warning:"
    folder.mkdir()
    result = _run("validate", str(folder))
    assert result.exit_code == 2
    assert f"{folder}: no claim files" in " ".join(result.output.split())


def test_text_in_square_brackets_is_printed_as_written_never_read_as_markup(tmp_path):
    """A statement, an output path or a backup path may hold "[dev]" or "[/cite]": rich markup would
    drop the first and stop the command with a MarkupError on the second (after ``runs remove`` had
    already removed the runs)."""
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "1234.5678.yaml").write_text(
        PAPER.format(paper_draft="false", claim_draft="false").replace("B beats A by five points.", "B beats A on [dev] [/cite]."),
        encoding="utf-8")
    listed = _run("list", "-r", str(folder))
    assert listed.exit_code == 0, listed.output
    assert "B beats A on [dev] [/cite]." in " ".join(listed.output.split())
    out = tmp_path / "r[/b]" / "report[red].md"
    reported = _run("report", "1234.5678/gain", "-r", str(folder), "--no-bundled-results", "--out", str(out))
    assert reported.exit_code == 0 and out.is_file(), reported.output
    assert f"written: {out}" in " ".join(reported.output.split())
    store = tmp_path / "store.sqlite"
    records = tmp_path / "runs.json"
    records.write_text(json.dumps({"runs": [
        {"run_id": f"r-{seed}", "paper_id": "1234.5678", "system": "A[/x]", "seed": seed, "preset": "paper", "fidelity": "full",
         "metrics": [{"task": "xnli", "language": "en", "metric": "accuracy", "split": "dev", "value": 70.0}]}
        for seed in (1, 2)]}), encoding="utf-8")
    assert _run("runs", "import", str(records), "--store", str(store)).exit_code == 0
    listed_runs = _run("runs", "list", "--store", str(store))
    assert listed_runs.exit_code == 0 and "A[/x]" in listed_runs.output, listed_runs.output
    backup = tmp_path / "bk[/b].json"
    removed = _run("runs", "remove", "--system", "A[/x]", "--store", str(store), "--backup", str(backup))
    assert removed.exit_code == 0, removed.output
    assert f"2 runs removed; their records are in {backup}" in " ".join(removed.output.split())
    assert f"runs import '{backup}' --store {store}`" in " ".join(removed.output.split())  # back where they came from


@pytest.mark.parametrize(("args", "message"), [
    (("validate", "/dev/null"), "/dev/null: not a regular file or a folder"),
    (("audit", "/dev/null"), "/dev/null: not a regular file (a device, a pipe?)"),
    (("runs", "list", "--store", "{tmp}"), "not a run store: a store is one SQLite file"),
])  # fmt: skip
def test_a_path_that_exists_but_is_the_wrong_kind_is_not_called_missing(tmp_path, args, message):
    result = _run(*(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert "no such" not in result.output


def test_plan_refuses_more_seeds_than_the_verifier_ever_asks_for():
    result = _run("plan", "all", "--seeds", "1001")  # 10^8 planned for hours before
    assert result.exit_code == 2 and "less than or equal to 1000" in result.output
