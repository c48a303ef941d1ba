"""Edge cases of `list`, `show`, `validate`, `schema` and `report` as a user drives them, on inputs
the tests write: each refusal is one `error:` line naming the file or field (exit 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from claimcheck.cli import app
from paper_fixtures import PAPER


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_show_all_is_not_called_a_paper_id():
    result = _run("show", "all")
    assert result.exit_code == 2, result.output
    text = _one_line(result.output)
    assert "'all' is not a claim id" in text and "is a paper id" not in text
    assert "Traceback" not in result.output


def test_show_a_paper_id_with_a_trailing_slash_suggests_the_paper():
    result = _run("show", "2005.13013/")
    assert result.exit_code == 2, result.output
    assert "did you mean 2005.13013?" in _one_line(result.output)


def test_show_a_claim_id_with_a_trailing_slash_suggests_it_alone_first():
    result = _run("show", "2005.13013/xtreme-test-gain/")
    assert result.exit_code == 2, result.output
    assert "did you mean 2005.13013/xtreme-test-gain?" in _one_line(result.output)


def _two_systems(tmp_path: Path, cell_system: str, claim_system: str) -> Path:
    text = PAPER.replace("{system: A,", f"{{system: {cell_system!r},", 1).replace("system: B,", f"system: {claim_system!r},")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_strict_passes_names_that_differ_in_a_short_word(tmp_path):
    # "BERT + QNLI" is another system than the cells' "BERT + MNLI" (another intermediate task), not a typo of it
    path = _two_systems(tmp_path, "BERT + MNLI", "BERT + QNLI")
    result = _run("validate", "--strict", str(path))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "did you mean" not in result.output
    assert "note:" in result.output  # an unknown name is still told, as a note


def test_validate_still_warns_on_a_swap_in_a_word_of_four(tmp_path):
    path = _two_systems(tmp_path, "BERT + MNLI", "BERT + NMLI")
    result = _run("validate", "--strict", str(path))
    assert result.exit_code == 2, result.output
    assert "did you mean 'BERT + MNLI'?" in _one_line(result.output)


def test_a_folder_walk_passes_over_hidden_folders_and_files(tmp_path):
    (tmp_path / "p.yaml").write_text(PAPER, encoding="utf-8")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("name: CI\non: [push]\njobs: {b: {runs-on: ubuntu-latest}}\n", encoding="utf-8")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    result = _run("validate", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "ok: 1 file(s), 1 claims valid" in result.output
    listed = _run("list", "-r", str(tmp_path))
    assert listed.exit_code == 0, listed.output
    assert "1234.5678/gain" in listed.output


def test_a_hidden_file_named_itself_is_still_read(tmp_path):
    path = tmp_path / ".p.yaml"
    path.write_text(PAPER, encoding="utf-8")
    result = _run("validate", str(path))
    assert result.exit_code == 0, result.output


def _validate_error(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = _run("validate", str(path))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = _one_line(result.output)
    assert str(path) in line
    return line


def test_validate_an_empty_file_says_it_is_empty(tmp_path):
    assert "is empty" in _validate_error(tmp_path, "empty.yaml", "# nothing yet\n")


def test_validate_a_file_with_only_paper_names_the_field(tmp_path):
    line = _validate_error(tmp_path, "p.yaml", "paper:\n")
    assert "field 'paper'" in line and "is empty" in line and "instance of" not in line


def test_a_yaml_file_that_is_no_claim_file_is_called_so(tmp_path):
    (tmp_path / "p.yaml").write_text(PAPER, encoding="utf-8")
    (tmp_path / "docker-compose.yml").write_text("services:\n  web: {image: nginx}\n", encoding="utf-8")
    result = _run("validate", str(tmp_path))
    assert result.exit_code == 2, result.output
    line = _one_line(result.output)
    assert "docker-compose.yml" in line and "not a claim file" in line and "'services'" in line
    assert "Field required" not in line
