"""A task name spelled as its own paper spells it ("TyDi QA") is the registry's name ("TyDiQA"): a
row that names it that way resolves to the claim that names it (``model_aliases``)."""

from __future__ import annotations

import pytest

from audit_fixtures import audit_row

from claimcheck.audit.normal_text import normalise
from claimcheck.claims.registry import load_registry


@pytest.fixture(scope="module")
def bundled():
    return load_registry()


@pytest.mark.parametrize("written", ["TyDi QA", "TyDi-QA", "TyDi QA-GoldP"])
def test_tydi_qa_reads_as_the_registrys_tydiqa(written):
    assert normalise(f"gains on {written} and XNLI").startswith("gains on tydiqa")


def test_a_row_naming_tydi_qa_resolves_to_the_tydiqa_claim(bundled):
    card = audit_row(bundled, "XNLI does not benefit from intermediate-task training, whereas TyDi QA improves with many "
                              "of the intermediate tasks.")
    assert card.rows[0].claim_id == "2005.13013/tydiqa-up-xnli-flat"
    assert not card.rows[0].contradicts
