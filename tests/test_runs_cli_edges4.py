"""Edges of the `runs` commands, run through the real commands on files the tests write: the help says
each `--status` default, and `runs export --out` refuses to replace claimcheck's bundled results."""

from __future__ import annotations

from typer.testing import CliRunner

from claimcheck.cli import app


def _run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def _status_help(command: str) -> str:
    result = _run("runs", command, "--help")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    return text[text.index("--status") : text.index("--help", text.index("--status"))]


def test_runs_list_help_says_its_status_default_is_every_run():
    assert "[default: all]" in _status_help("list")


def test_runs_export_help_says_its_status_default_is_ok():
    assert "[default: ok]" in _status_help("export")


def test_runs_list_with_no_status_lists_every_run_as_all_does(tmp_path):
    from claimcheck.results.collect import collect_records
    from claimcheck.results.store import open_store

    records = collect_records().records
    store = tmp_path / "runs.sqlite"
    with open_store(store) as s:
        assert s.save_many(records) > 0
    default, everything = _run("runs", "list", "--store", str(store)), _run("runs", "list", "--store", str(store), "--status", "all")
    assert default.exit_code == 0 and everything.exit_code == 0, default.output + everything.output
    assert default.output == everything.output


# -- runs export --out: never into claimcheck's shipped data ----------------------------------------------

def _export(tmp_path, out: str):
    """`runs export --out out` with an empty home (so no store of the user's is read)."""
    return CliRunner().invoke(app, ["runs", "export", "--out", out], env={"COLUMNS": "200", "CLAIMCHECK_HOME": str(tmp_path / "home")})


def _refused_as_shipped(result, out: str) -> None:
    message = " ".join(result.output.split())
    assert result.exit_code == 2, message
    assert "Traceback" not in message and "--out" in message and "shipped data" in message and out in message, message
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_runs_export_refuses_to_replace_the_bundled_results_file(tmp_path):
    from claimcheck.results.files import BUNDLED_RESULTS

    bundled = sorted(BUNDLED_RESULTS.glob("*.json"))
    assert bundled
    kept = {p: p.read_bytes() for p in bundled}
    try:
        for path in bundled:
            result = _export(tmp_path, str(path))
            _refused_as_shipped(result, str(path))
            assert path.read_bytes() == kept[path]
    finally:  # without the refusal the export would have replaced shipped data: put it back
        for path, data in kept.items():
            if path.read_bytes() != data:
                path.write_bytes(data)


def test_runs_export_refuses_a_new_file_in_the_bundled_folder_and_by_another_spelling(tmp_path):
    from claimcheck.results.files import BUNDLED_RESULTS

    before = sorted(p.name for p in BUNDLED_RESULTS.iterdir())
    link = tmp_path / "shipped"
    link.symlink_to(BUNDLED_RESULTS, target_is_directory=True)
    outs = [str(BUNDLED_RESULTS / "claimcheck-test-new-runs.json"), str(BUNDLED_RESULTS / "nested" / ".." / "x.json"),
            str(link / "claimcheck-test-linked.json")]
    try:
        for out in outs:
            _refused_as_shipped(_export(tmp_path, out), out)
    finally:
        for name in ("claimcheck-test-new-runs.json", "x.json", "claimcheck-test-linked.json"):
            (BUNDLED_RESULTS / name).unlink(missing_ok=True)
    assert sorted(p.name for p in BUNDLED_RESULTS.iterdir()) == before


def test_runs_export_still_writes_beside_the_bundled_folder(tmp_path):
    out = tmp_path / "bundled" / "phang2020-proxy-runs.json"  # the same names, elsewhere
    out.parent.mkdir()
    result = _export(tmp_path, str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("{")
