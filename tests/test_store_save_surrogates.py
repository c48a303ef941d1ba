"""A record holding a lone surrogate (a byte of a file name that was not UTF-8, as Python reads one) on
its way into the run store. SQLite text is UTF-8, which cannot hold it: before, ``RunStore.save`` stopped
with sqlite3's UnicodeEncodeError ("surrogates not allowed"), naming neither the run nor the field, and a
replicate whose failed run recorded such an error text stopped with that traceback.

* A record made by a caller (a user's values) is refused, naming the store, the run and the field, and
  nothing is written. (A result file holding one never gets that far: reading it refuses it, naming the
  file and the field, see test_results_lone_surrogates.)
* A record the engine made (what it met on this machine: an error naming a path) is stored, the byte
  written as ``\\xff``, as every output shows it, and read back as it was stored."""

from __future__ import annotations

import os

import pytest

from claimcheck.errors import StoreError
from claimcheck.results.records import Metric, RunRecord
from claimcheck.results.store import RunStore

BYTE = os.fsdecode(b"\xff")  # "\udcff"


def _record(run_id: str = "r-aa01", **fields) -> RunRecord:
    values = dict(run_id=run_id, paper_id="2005.13013", system="MNLI", seed=1, preset="proxy", fidelity="proxy",
                  deviations=["test record"], spec={"target": {"task": "xnli"}},
                  metrics=[Metric(task="xnli", language="en", metric="accuracy", split="dev", value=70.0)])
    return RunRecord(**{**values, **fields})


@pytest.mark.parametrize("fields, field", [
    ({"deviations": ["test record", f"data from /data/caf{BYTE}"]}, "deviations[1]"),
    ({"spec": {"target": {"task": "xnli"}, f"k{BYTE}": 1}}, "spec.k\\udcff"),
    ({"status": "failed", "error": "OSError: \ud800", "metrics": []}, "error"),
])
def test_a_record_holding_one_is_refused_naming_the_run_and_field(tmp_path, fields, field):
    path = tmp_path / "runs.sqlite"
    with RunStore(path) as store:
        with pytest.raises(StoreError) as raised:
            store.save_many([_record("r-bb01"), _record(**fields)])  # one transaction: neither is written
        assert store.count() == 0
        assert store.save(_record("r-bb01"))  # the store goes on
    error = raised.value
    assert (error.path, error.field) == (str(path), field)
    assert "cannot store run 'r-aa01': it holds \\u" in error.message and "nothing was written" in error.message
    surrogate = "\\ud800, a lone surrogate (half of a UTF-16 pair" if field == "error" else \
        "\\udcff, a lone surrogate (no character: byte 0xff of a text that was not UTF-8"
    assert surrogate in error.message
    str(error).encode("utf-8")  # the message itself can be printed


def test_a_failed_run_whose_error_names_a_path_that_is_not_utf8_is_stored(tmp_path):
    """The engine's own record: a run failed with an error naming a path whose bytes are not UTF-8, as a
    message formatted with the path (the trainer's refusal of a checkpoint, a library's) has it; the
    runners record it with ``failed_record``, and the store keeps it, the byte shown as \\xff."""
    from claimcheck.replication.pipeline import failed_record
    from claimcheck.replication.plan import Need, build_plan
    from claimcheck.replication.presets import SMOKE

    (spec,) = [r.spec for r in build_plan([Need("XLM-R", ("xnli",))], SMOKE, 1).runs]
    error = (f"RuntimeError: /home/ana/caf{BYTE}/work/{spec.finetune_key}/checkpoint/state.pt was written while training "
             "a 12345-token vocabulary")
    record = failed_record(spec, error)
    assert record.status == "failed" and record.error == error.replace(BYTE, "\\xff")
    with RunStore(tmp_path / "runs.sqlite") as store:
        assert store.save(record)
        assert store.records() == [record]  # read back as stored
