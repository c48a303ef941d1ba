"""A claimcheck home whose path holds a byte that is not UTF-8 (``/data/caf\\xe9``, as a Latin-1 system names
a folder; Python reads it with the byte as a lone surrogate). `replicate` keeps the datasets cache
(``<home>/cache/datasets``) and the smoke kit under the home, and the libraries reading them take UTF-8 paths
only: pyarrow, through which ``datasets`` reads its cache, stopped every run with a UnicodeEncodeError that
``load_local`` reported as the data file's ("cannot read as xnli_tsv (UnicodeEncodeError ...)", naming the
data file), and tokenizers, writing the smoke kit, with a traceback. Such a home is refused before anything
is written under it, naming it, the variable that placed it and what to do (exit 2); the loader names the
cache folder itself for a caller that builds its own ``RunContext``."""

from __future__ import annotations

import os

import pytest
import replication_fixtures
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.errors import DataError

smoke_kit = replication_fixtures.smoke_kit  # the fixture, under its name here

ONE_RUN = ["2005.13013/tydiqa-up-xnli-flat", "--seeds", "1", "--system", "XLM-R", "--task", "xnli", "--preset", "smoke",
           "--device", "cpu"]


def _not_utf8(tmp_path) -> str:
    """``<tmp_path>/caf\\xe9``, as Python reads that name: with the byte as U+DCE9."""
    return os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9")


@pytest.mark.parametrize("kit", ["given", "made under the home"])
def test_replicate_refuses_the_home_naming_it_and_what_to_do(tmp_path, monkeypatch, smoke_kit, kit):
    data, model = smoke_kit
    home = os.path.join(_not_utf8(tmp_path), "home")
    monkeypatch.setenv("CLAIMCHECK_HOME", home)
    given = ["--model", str(model), "--data-dir", str(data)] if kit == "given" else []
    result = CliRunner().invoke(app, ["replicate", *ONE_RUN, *given])
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and "Traceback" not in text and text.count("error:") == 1, text
    shown = f"{tmp_path}/caf\\xe9/home"  # the byte as its escape
    assert text.startswith(f"error: {shown}: field 'CLAIMCHECK_HOME': the claimcheck home is not a UTF-8 path (it holds "
                           "byte 0xe9, which is not UTF-8)"), text
    assert f"the datasets cache ({shown}/cache/datasets)" in text and "set CLAIMCHECK_HOME to a folder whose path is UTF-8" in text
    assert "cannot read as" not in text and "UnicodeEncodeError" not in text, text
    assert not os.path.exists(home)  # nothing written under it: no store, no cache, no kit


def test_plan_still_plans_with_such_a_home(tmp_path, monkeypatch):
    """`plan` reads no dataset and writes nothing under the home."""
    monkeypatch.setenv("CLAIMCHECK_HOME", os.path.join(_not_utf8(tmp_path), "home"))
    result = CliRunner().invoke(app, ["plan", *[a for a in ONE_RUN if a not in ("--device", "cpu")]])
    assert result.exit_code == 0 and "1 runs (1 to run" in " ".join(result.output.split()), result.output


def test_the_loader_names_the_cache_folder_not_the_data_file(tmp_path, smoke_kit):
    from claimcheck.replication.tasks.catalog import TASKS
    from claimcheck.replication.tasks.loading import load_examples

    data, _ = smoke_kit
    cache = os.path.join(_not_utf8(tmp_path), "cache", "datasets")
    with pytest.raises(DataError) as raised:
        load_examples(TASKS["xnli"], "dev", "en", data_dir=data, cache_dir=cache)
    error = raised.value
    assert error.path == cache and error.message.startswith(
        "the datasets cache folder is not a UTF-8 path (it holds byte 0xe9, which is not UTF-8): datasets reads its cache "
        "through pyarrow, which takes UTF-8 paths only; set CLAIMCHECK_HOME"), error.message
    # the same files with a UTF-8 cache folder are read as ever
    assert load_examples(TASKS["xnli"], "dev", "en", data_dir=data, cache_dir=tmp_path / "cache").examples


def test_home_variable_names_no_variable_when_home_is_unset():
    """With HOME unset, ``Path.home`` reads the password database: no variable placed the home."""
    from claimcheck.home import home_variable

    assert home_variable({"CLAIMCHECK_HOME": "/c", "XDG_DATA_HOME": "/x", "HOME": "/h"}) == "CLAIMCHECK_HOME"
    assert home_variable({"XDG_DATA_HOME": "/x", "HOME": "/h"}) == "XDG_DATA_HOME"
    assert home_variable({"XDG_DATA_HOME": "", "HOME": "/h"}) == "HOME"
    assert home_variable({"HOME": ""}) == "HOME"  # set, though empty: Path.home uses it
    assert home_variable({}) is None


def test_replicate_names_the_password_database_when_home_is_unset(tmp_path, monkeypatch, smoke_kit):
    """The home came from the password database (HOME, XDG_DATA_HOME and CLAIMCHECK_HOME all unset): the
    message says so, and names no variable the user never set."""
    import pwd
    from pathlib import Path

    data, model = smoke_kit
    user_home = _not_utf8(tmp_path)
    entry = pwd.getpwuid(os.getuid())
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: pwd.struct_passwd((*entry[:5], user_home, entry[6])))  # pw_dir
    for name in ("CLAIMCHECK_HOME", "XDG_DATA_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    assert str(Path.home()) == user_home  # the password database's entry, as claimcheck reads it
    result = CliRunner().invoke(app, ["replicate", *ONE_RUN, "--model", str(model), "--data-dir", str(data)])
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and "Traceback" not in text and text.count("error:") == 1, text
    shown = f"{tmp_path}/caf\\xe9/.local/share/claimcheck"
    assert text.startswith(f"error: {shown}: the claimcheck home is not a UTF-8 path (it holds byte 0xe9, which is not "
                           "UTF-8; HOME is unset, so it lies under this user's home folder as the password database "
                           "gives it)"), text
    assert "field 'HOME'" not in text and "set CLAIMCHECK_HOME to a folder whose path is UTF-8" in text, text


def test_no_home_folder_at_all_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    """HOME unset and no entry for this user in the password database (a container started as a user id it
    does not list): ``Path.home`` raises a RuntimeError naming nothing; a command that reads the default
    store says what to set instead (exit 2)."""
    import pwd

    def no_entry(uid):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    for name in ("CLAIMCHECK_HOME", "XDG_DATA_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, ["runs", "list"])
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and "Traceback" not in text and text.count("error:") == 1, (result.exception, text)
    assert text.startswith(f"error: cannot place the claimcheck home: HOME is unset, and the password database has no "
                           f"entry for this user (uid {os.getuid()}); set CLAIMCHECK_HOME (or HOME)"), text
