"""The not-derivable path of the source tier, cut for speed (a missing cell's key built without the
NamedTuple's Python __new__, NotDerivable's message, render_missing as a loop): the same values as
the plain construction they replace."""

from claimcheck.verifier.source_tier import render_missing
from claimcheck.verifier.table import CellKey, NotDerivable, Table


def test_missing_key_is_the_namedtuple_it_replaces():
    missing: list[CellKey] = []
    assert Table([]).task_score("S", "xnli", "dev", missing) is None
    assert missing == [CellKey("S", "xnli", "accuracy", "dev")]
    key = missing[0]
    assert type(key) is CellKey and key.system == "S" and key.metric == "accuracy"
    assert key._asdict() == CellKey("S", "xnli", "accuracy", "dev")._asdict()


def test_not_derivable_message_and_order():
    keys = [CellKey("b", "xnli", "accuracy", "dev"), CellKey("a", "xnli", "accuracy", "dev"), CellKey("a", "xnli", "accuracy", "dev")]
    exc = NotDerivable(keys)
    assert exc.missing == sorted(set(keys)) and str(exc) == "2 cells missing" and exc.args == ("2 cells missing",)
    assert str(NotDerivable(reason="why")) == "why"


def test_render_missing_groups_as_before():
    keys = [CellKey("S", "tydiqa", "f1", "dev"), CellKey("B", "xnli", "accuracy", "test"), CellKey("S", "xnli", "*", "dev"),
            CellKey("B", "xnli", "accuracy", "dev")]
    groups: dict = {}
    for s, t, m, sp in keys:
        groups.setdefault((s, sp), []).append(f"{t} {m}".replace(" *", ""))
    expected = [f"{s} ({sp}): {', '.join(items)}" for (s, sp), items in sorted(groups.items())]
    assert render_missing(keys) == expected == ["B (dev): xnli accuracy", "B (test): xnli accuracy", "S (dev): tydiqa f1, xnli"]
