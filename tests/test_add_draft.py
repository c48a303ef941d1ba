"""Draft paper files: built from the known paper, YAML round trip, diff between versions, draft refusal."""

from __future__ import annotations

import re

import pytest

from claimcheck.claims.draft import (
    DRAFT_DERIVATION,
    Extraction,
    PaperMeta,
    build_draft,
    check_no_drafts,
    diff_paper_files,
    render_diff,
    render_paper_yaml,
    save_paper_file,
)
from claimcheck.claims.registry import load_paper_file
from claimcheck.errors import RegistryError
from claimcheck.workflow_add import find_paper_file


import test_sources_paper as paper  # noqa: E402  (tests/ is on sys.path)
META = PaperMeta(id="2101.00001", version="v2", title="A Toy Study", authors=["Ada Lovelace", "Alan Turing"], year=2021,
                 locator="arXiv:2101.00001v2", arxiv_id="2101.00001")


def _extract(tex: str) -> Extraction:
    from claimcheck.sources.candidates import find_candidates
    from claimcheck.sources.latex import extract_latex_tables, latex_sections

    tables = extract_latex_tables(tex)
    return Extraction("latex", tables, find_candidates(latex_sections(tex), tables))


@pytest.fixture(scope="module")
def draft():
    return build_draft(META, _extract(paper.single_file_paper()))


def test_every_table_value_becomes_a_cell_with_a_locator(draft):
    cells = draft.paper.cells
    assert draft.paper.draft is True and len(cells) == len(paper.TRUTH_CELLS)
    assert all(re.match(r"^Table \d \(tab:\w+\), row .+, column .+", c.locator) for c in cells)
    by_locator = {c.locator.split(";")[0]: c for c in cells}
    em = by_locator["Table 1 (tab:dev), row SQuAD / plain, column QA (EM/F1) / XQuAD [EM]"]
    # the header's "XQuAD" becomes the task id the derivations read, so a drafted claim finds the cell
    assert (em.system, em.task, em.metric, em.split, em.value, em.language) == ("SQuAD / plain", "xquad", "em", "dev", "63.3", "avg")
    acc = by_locator["Table 1 (tab:dev), row MNLI / plain, column Classification (acc.) / XNLI"]
    assert (acc.metric, acc.value) == ("accuracy", "80.1")
    assert acc.locator.endswith('; printed "80.1±0.3"; bold')
    test = by_locator["Table 2 (tab:test), row XLM-R Large, column XNLI"]
    assert (test.split, test.value, test.metric) == ("test", "79.2%", "accuracy")


@pytest.mark.parametrize("header, task", [("XNLI", "xnli"), ("PAWS-X", "pawsx"), ("UD-POS", "udpos"), ("POS", "udpos"),
                                          ("PAN-X", "panx"), ("NER", "panx"), ("TyDiQA-GoldP", "tydiqa"), ("BUCC", "bucc2018"),
                                          ("Tatoeba", "tatoeba"), ("MLQA", "mlqa"), ("CommonsenseQA", "CommonsenseQA")])
def test_header_task_names_become_the_ids_derivations_read(header, task):
    from claimcheck.claims.draft import canonical_task
    from claimcheck.verifier.table import XTREME_TASKS

    assert canonical_task(header) == task
    assert task in XTREME_TASKS or task == header  # unknown names are kept as written


def test_unstated_split_is_listed_as_not_found(draft):
    hp = [c for c in draft.paper.cells if "tab:hparams" in c.locator]
    assert {c.value for c in hp} == {"32", "3"} and {c.metric for c in hp} == {"score"}
    assert any("split of Table 3 (tab:hparams)" in n for n in draft.paper.not_found)
    assert not any("tab:dev" in n or "tab:test" in n for n in draft.paper.not_found)


def test_candidates_become_draft_quantity_claims(draft):
    assert len(draft.claims) == len(paper.TRUTH_CLAIMS)
    for claim in draft.claims:
        assert claim.draft and claim.kind.value == "quantity" and claim.derivation.name == DRAFT_DERIVATION
        assert claim.id.startswith("2101.00001/draft-") and claim.version == "v2" and claim.location.section
    gain = next(c for c in draft.claims if c.statement.startswith("Multi-task training improves"))
    assert gain.reported == ["8.7"] and gain.location.section == "2.1 Results"
    mnli = next(c for c in draft.claims if c.statement.startswith("MNLI improves"))
    assert "Table 1 (tab:dev), row MNLI / plain, column Classification (acc.) / XNLI" in mnli.notes
    assert len({c.id for c in draft.claims}) == len(draft.claims)


def test_yaml_round_trips_through_the_registry_loader(draft, tmp_path):
    path = tmp_path / "2101.00001.yaml"
    text = render_paper_yaml(draft, "latex")
    save_paper_file(text, path)
    assert text.startswith("# DRAFT written by `claimcheck add` from arXiv:2101.00001v2 (latex)")
    assert load_paper_file(path) == draft
    assert "value: '80.0'" in text or 'value: "80.0"' in text  # numbers stay strings
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_check_no_drafts_explains_how_to_confirm(draft, tmp_path):
    path = tmp_path / "x.yaml"
    with pytest.raises(RegistryError) as info:
        check_no_drafts(draft, path)
    message = str(info.value)
    assert message.startswith(f"{path}: field 'claims[0].draft': 8 draft claim(s)")
    assert "set `draft: false`" in message and "delete the claim" in message and "own words" in message

    confirmed = draft.model_copy(update={"claims": [c.model_copy(update={"draft": False}) for c in draft.claims]})
    with pytest.raises(RegistryError, match=r"field 'paper.draft': the paper is still a draft"):
        check_no_drafts(confirmed, path)

    done = confirmed.model_copy(update={"paper": confirmed.paper.model_copy(update={"draft": False})})
    assert check_no_drafts(done, path) is None
    assert check_no_drafts(done.model_copy(update={"claims": []}), path) is None


def test_diff_between_versions_names_moved_cells_and_claims():
    v1_tex = (paper.single_file_paper()
              .replace("we obtain a 5.4 point improvement", "we obtain a 6.1 point improvement")
              .replace("All nine & plain & 80.0$^*$", "All nine & plain & 80.2$^*$")
              .replace("Translate-train & \\multicolumn{2}{c|}{n/a} & $-$0.4 \\\\\n", "")
              .replace("On PAWS-X, SQuAD outperforms the baseline by 1.5 points.\n", ""))
    old = build_draft(PaperMeta(**{**META.__dict__, "version": "v1"}), _extract(v1_tex))
    new = build_draft(META, _extract(paper.single_file_paper()))
    diff = diff_paper_files(old, new)
    assert (diff.old_version, diff.new_version) == ("v1", "v2") and not diff.unchanged
    assert diff.cells_changed == ["Table 1 (tab:dev), row Multi-task / All nine / plain, column Classification (acc.) / XNLI: 80.2 -> 80.0"]
    assert diff.cells_added == ["Table 2 (tab:test), row Translate-train, column Δ Avg = -0.4"] and diff.cells_removed == []
    assert len(diff.claims_added) == 1 and "SQuAD outperforms the baseline by 1.5" in diff.claims_added[0]
    assert diff.claims_removed == []
    assert diff.claims_changed == ["draft-using-our-best-intermediate-task-for: reported 6.1 -> 5.4; statement reworded"]
    text = render_diff(diff)
    assert "registry file has v1, the source read now is v2" in text
    assert "cells: 1 added, 0 removed, 1 changed" in text and "claims: 1 added, 0 removed, 1 changed" in text


def test_diff_of_identical_files_says_no_change(draft):
    diff = diff_paper_files(draft, draft)
    assert diff.unchanged and "no change" in render_diff(diff)


def test_find_paper_file_by_name_or_by_content(tmp_path, draft):
    assert find_paper_file(tmp_path / "absent", "2101.00001") is None
    (tmp_path / "broken.yaml").write_text("paper: [unclosed")
    save_paper_file(render_paper_yaml(draft), tmp_path / "sub" / "toy-study.yaml")
    assert find_paper_file(tmp_path, "2101.00001") == tmp_path / "sub" / "toy-study.yaml"
    save_paper_file(render_paper_yaml(draft), tmp_path / "2101.00001.yaml")
    assert find_paper_file(tmp_path, "2101.00001") == tmp_path / "2101.00001.yaml"


@pytest.mark.parametrize(("sentence", "flagged"), [
    ("Removing the adapter drops accuracy by 0.4 points on XNLI.", ["0.4"]),
    ("Our model improves XNLI by 2.3 points on average, except POS, where it trails by 0.4.", ["0.4"]),  # not the gain
    ("We observe a 0.4-point drop, from 79.1 to 78.7.", ["0.4"]),  # not the scores of the range
    ("Performance is 1.2 points below the baseline on PAWS-X compared with mBERT.", ["1.2"]),
    ("The model lags behind XLM-R by 3.1 points on average.", ["3.1"]),
    ("Accuracy is 2% lower than the baseline.", ["2%"]),
    ("As shown in Table 2 below, our model improves XNLI accuracy by 2.3 points.", []),  # a place in the paper
    ("As shown below, our model improves XNLI accuracy by 2.3 points.", []),
    ("Our model improves accuracy by 1.8 points on lower-resource languages.", []),  # a compound
    ("Even in the worst case, intermediate training improves the score by 0.7 points.", []),
    ("The gap falls to -1.2 points on PAWS-X compared with mBERT.", []),  # the sign is written
    ("Our model improves F1 by 2.5 points over the baseline.", []),  # a gain: nothing to decide
    ("Dropout of 0.1 improves accuracy by 0.5 points.", []),  # a noun of a setting
    ("The smallest model improves by 3.4 points.", []),
    ("Dropping the NSP loss improves accuracy by 0.5 points.", []),  # the gain verb ends the decrease's span
    ("We reduce the model size by 40% and improve accuracy by 2.1 points.", ["40%"]),
    ("Multi-task training underperforms single-task training (81.2 vs 82.0).", []),  # scores in parentheses
    ("Accuracy drops by 0.4, 0.6 and 1.1 points on MNLI, QNLI and SST-2.", ["0.4", "0.6", "1.1"]),  # a list
    ("Accuracy goes down by 0.4 points on SST-2.", ["0.4"]),  # words that were no candidate cue before
    ("The model loses 0.4 points on SST-2 without NSP.", ["0.4"]),
    ("Without NSP, it is 0.4 points less accurate on SST-2.", ["0.4"]),
])  # fmt: skip
def test_an_unsigned_number_next_to_a_decrease_is_flagged_not_guessed(sentence, flagged):
    from claimcheck.sources.candidates import Section, find_candidates

    (candidate,) = find_candidates([Section("4 Results", sentence)])
    (claim,) = build_draft(META, Extraction("text", [], [candidate])).claims
    assert claim.reported == [n.text for n in candidate.numbers]  # kept as written, never negated
    if not flagged:
        assert "CHECK THE SIGN" not in claim.notes
        return
    note = claim.notes.split("CHECK THE SIGN: ", 1)[1]
    assert note.startswith(f"{', '.join(flagged)} stand"), note
    assert f"write {', '.join('-' + n for n in flagged)}, since" in note


SIGNS = [  # (sentence, the numbers CHECK THE SIGN names): sentences `claimcheck add` may meet
    # a decrease word that is no decrease of the number
    ("Dropout of 0.1 improves accuracy by 0.5 points.", []),
    ("Lowercased inputs improve accuracy by 0.3 points.", []),
    ("The smallest model improves by 3.4 points.", []),
    # a gain verb, or "and" + a verb, ends the decrease's span
    ("Dropping the NSP loss improves accuracy by 0.5 points.", []),
    ("Reducing the sequence length to 128 tokens improves accuracy by 0.5 points.", []),
    ("Lowering the learning rate to 1e-5 improves accuracy by 0.5 points.", []),
    ("Lower learning rates (1e-5) improve accuracy by 0.8 points.", []),
    ("Fine-tuning with a reduced learning rate of 1e-5 yields gains of 0.8 points.", []),
    ("We reduce the model size by 40% and improve accuracy by 2.1 points.", ["40%"]),
    ("Accuracy drops by 0.4 and stays at 90.2.", ["0.4"]),
    ("Accuracy drops on higher-resource languages by 0.4 points.", ["0.4"]),  # a compound is no gain word
    ("It improves by 0.3 points with a reduced learning rate.", []),  # too far before the word
    ("Using 10% of the data reduces accuracy by only 1.3 points.", ["1.3"]),
    # scores in parentheses, counts, and numbers of a setting are no change
    ("Multi-task training underperforms single-task training (81.2 vs 82.0).", []),
    ("Results are lower for Swahili (65.2) than for English (88.1).", []),
    ("SST-2 accuracy drops 0.4 points (96.4 vs. 96.8).", ["0.4"]),
    ("Accuracy drops on MNLI (0.4 points).", ["0.4"]),  # in parentheses, but a change in points
    ("Performance drops on 7 of the 9 target tasks by 1.3 points.", ["1.3"]),
    ("Scores decline for 7 of the 9 target tasks.", []),
    ("Latency is reduced by 3x on 8 GPUs.", []),
    ("We see a drop of 0.6 points on RTE when using 8 GPUs.", ["0.6"]),
    ("Accuracy declines by 0.6 points after 100 epochs on 3 seeds.", ["0.6"]),
    # lists of numbers and of names do not end the clause
    ("Accuracy drops by 0.4, 0.6 and 1.1 points on MNLI, QNLI and SST-2.", ["0.4", "0.6", "1.1"]),
    ("Accuracy drops on MNLI, QNLI and SST-2 by 0.4, 0.6 and 1.1 points.", ["0.4", "0.6", "1.1"]),
    ("Accuracy drops by 0.4 (MNLI), 0.6 (QNLI) and 1.1 (SST-2) points.", ["0.4", "0.6", "1.1"]),
    # more words for a decrease
    ("Accuracy goes down by 0.4 points on SST-2.", ["0.4"]),
    ("The model loses 0.4 points on SST-2 without NSP.", ["0.4"]),
    ("The model lost 0.4 points on SST-2 without NSP.", ["0.4"]),
    ("Without NSP, it is 0.4 points less accurate on SST-2.", ["0.4"]),
    # as before
    ("Removing NSP drops accuracy by 0.4 points on SST-2.", ["0.4"]),
    ("We see a 0.6-point drop on RTE.", ["0.6"]),
    ("It is 0.4 points behind RoBERTa.", ["0.4"]),
    ("Accuracy is 1.2 points worse on average; on RTE, it is 3.1 points worse.", ["1.2", "3.1"]),
    ("It improves by 2.3 points on MNLI, except POS, where it trails by 0.4.", ["0.4"]),
    ("Accuracy decreases from 90.2% to 89.1% (Table 3).", []),
    ("With a batch size reduced to 256, accuracy improves by 0.3.", []),
    ("On XNLI the gain is 2.1 points, on TyDiQA the model drops 0.7 points.", ["0.7"]),
    # a bound or a level after "below", "under", "less than": no change to sign
    ("The error rate stays below 1% on every task.", []),
    ("Accuracy falls below 60% on Swahili.", []),
    ("Accuracy drops under 50% without pretraining.", []),
    ("The loss is less than 0.1 after 3 epochs.", []),
    ("Accuracy drops by 0.4 points, to below 60%.", ["0.4"]),
    # "lower" naming a part, not a decrease
    ("Freezing the lower layers keeps 60% of the gain.", []),
    ("The lower bound of the interval is 0.3 points.", []),
]


@pytest.mark.parametrize(("sentence", "flagged"), SIGNS)
def test_sign_note_names_every_unsigned_change_next_to_a_decrease_and_nothing_else(sentence, flagged):
    """``sign_note`` on a candidate as `claimcheck add` makes it (some of these sentences have no
    comparison cue of their own: the note is checked directly)."""
    from claimcheck.claims.sign_note import sign_note
    from claimcheck.sources.candidates import Candidate, stated_numbers

    note = sign_note(Candidate(sentence=sentence, section="4", numbers=tuple(stated_numbers(sentence)), cues=()))
    if not flagged:
        assert note == ""
        return
    assert note.startswith(f"; CHECK THE SIGN: {', '.join(flagged)} {'stands' if len(flagged) == 1 else 'stand'} "), note
    assert f"write {', '.join('-' + n for n in flagged)}, since gains are read by their sign" in note
