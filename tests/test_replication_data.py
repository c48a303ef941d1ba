"""Loading tasks from local XTREME-format files (written here), and clear errors for bad files."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest

from claimcheck.errors import DataError
from claimcheck.replication.tasks import TASKS
from claimcheck.replication.tasks.loading import limit_retrieval, load_examples


def _xz(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(path, "wb") as f:
        f.write(text.encode("utf-8"))


def _load(tmp_path, task, split="dev", lang="en", **kw):
    return load_examples(TASKS[task], split, lang, data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", **kw)


def test_xnli_tsv_with_crlf_quotes_and_rows(tmp_path):
    rows = [('He said "hi', "He spoke.", "entailment"), ("NA", "null", "neutral"), ("A", "B", "contradiction")]
    _xz(tmp_path / "data/xnli/dev-de.tsv.xz", "".join(f"{a}\t{b}\t{y}\r\n" for a, b, y in rows))
    loaded = _load(tmp_path, "xnli", lang="de")
    assert [e["label"] for e in loaded.examples] == [0, 1, 2]  # no "neutral\r" left over
    assert loaded.examples[0]["text_a"] == 'He said "hi'  # quoting off
    assert loaded.examples[1]["text_a"] == "NA" and loaded.examples[1]["text_b"] == "null"  # not read as missing
    assert list(loaded.files) == ["xnli/dev-de.tsv.xz"] and len(loaded.files["xnli/dev-de.tsv.xz"]) == 64
    assert [e["label"] for e in _load(tmp_path, "xnli", lang="de", rows=(1, 3)).examples] == [1, 2]
    assert len(_load(tmp_path, "xnli", lang="de", rows=(0, 3), limit=1).examples) == 1


def test_pawsx_dev_and_test_formats(tmp_path):
    _xz(tmp_path / "data/pawsx/dev-zh.tsv.xz", "a b\tb a\t1\r\nNS\tNS\t0\r\n")
    _xz(tmp_path / "data/pawsx/test-zh.tsv.xz", "id\tsentence1\tsentence2\tlabel\n10\tx\ty\t1\n")
    assert [(e["text_a"], e["label"]) for e in _load(tmp_path, "pawsx", lang="zh").examples] == [("a b", 1), ("NS", 0)]
    assert [(e["text_b"], e["label"]) for e in _load(tmp_path, "pawsx", "test", "zh").examples] == [("y", 1)]


def test_anli_rounds_are_concatenated(tmp_path):
    for r in (1, 2, 3):
        _xz(tmp_path / f"data/anli/dev-r{r}.jsonl.xz", json.dumps({"uid": str(r), "context": f"c{r}", "hypothesis": "h", "label": "cne"[r - 1]}) + "\n")
    assert [(e["text_a"], e["label"]) for e in _load(tmp_path, "anli").examples] == [("c1", 2), ("c2", 1), ("c3", 0)]


def test_conll_squad_siqa_formats(tmp_path):
    _xz(tmp_path / "data/udpos/dev-en.tsv.xz", "The\tDET\ncat\tNOUN\n\nRuns\tVERB\n")
    squad = {"data": [{"paragraphs": [{"context": "Paris is big.", "qas": [{"id": "q1", "question": "What?", "answers": [{"answer_start": 0, "text": "Paris"}]}]}]}]}
    _xz(tmp_path / "data/tydiqa/train-ko.json.xz", json.dumps(squad))
    _xz(tmp_path / "data/siqa/dev-en.jsonl.xz", json.dumps({"context": "c", "question": "q", "answerA": "a", "answerB": "b", "answerC": "c", "correct": "B"}) + "\n")
    assert _load(tmp_path, "udpos").examples == [{"tokens": ["The", "cat"], "tags": ["DET", "NOUN"]}, {"tokens": ["Runs"], "tags": ["VERB"]}]
    qa = _load(tmp_path, "tydiqa", "train", "ko").examples
    assert qa == [{"id": "q1", "title": "", "context": "Paris is big.", "question": "What?", "answers": {"text": ["Paris"], "answer_start": [0]}}]
    assert _load(tmp_path, "siqa").examples[0]["label"] == 1


def test_retrieval_files_and_limits(tmp_path):
    _xz(tmp_path / "data/tatoeba/test-de.de.txt.xz", "eins\nzwei\ndrei\n")
    _xz(tmp_path / "data/tatoeba/test-de.en.txt.xz", "one\ntwo\nthree\n")
    (tat,) = _load(tmp_path, "tatoeba", lang="de").examples
    assert tat["source"] == ["eins", "zwei", "drei"] and tat["gold"] == [("0", "0"), ("1", "1"), ("2", "2")]
    small = limit_retrieval(tat, 2)
    assert small["target"] == ["one", "two"] and len(small["gold"]) == 2
    _xz(tmp_path / "data/bucc2018/dev-zh-en.zh.xz", "zh-1\t甲\nzh-2\t乙\nzh-3\t丙\n")
    _xz(tmp_path / "data/bucc2018/dev-zh-en.en.xz", "en-1\tA\nen-2\tB\nen-3\tC\nen-4\tD\n")
    _xz(tmp_path / "data/bucc2018/dev-zh-en.gold.xz", "zh-3\ten-4\n")
    (bucc,) = _load(tmp_path, "bucc2018", lang="zh", limit=1).examples
    assert bucc["source_ids"] == ["zh-1", "zh-3"] and bucc["target_ids"] == ["en-1", "en-4"]  # gold pairs always kept
    assert bucc["gold"] == [("zh-3", "en-4")]


def test_missing_file_names_the_file(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(DataError) as info:
        _load(tmp_path, "xnli", lang="sw")
    assert "xnli/dev-sw.tsv.xz" in info.value.render() and "missing" in info.value.render()


def test_corrupt_xz_names_the_file(tmp_path):
    good = lzma.compress(("a\tb\tneutral\r\n" * 2000).encode())
    bad = tmp_path / "data/xnli/dev-en.tsv.xz"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataError) as info:
        _load(tmp_path, "xnli")
    assert str(bad) in info.value.render()


def test_wrong_columns_name_the_file(tmp_path):
    _xz(tmp_path / "data/xnli/dev-en.tsv.xz", "only one column\r\n")
    with pytest.raises(DataError) as info:
        _load(tmp_path, "xnli")
    assert "dev-en.tsv.xz" in info.value.render()


def test_unavailable_task_says_why(tmp_path):
    with pytest.raises(DataError, match="LDC"):
        load_examples(TASKS["ccg"], "train", "en", data_dir=tmp_path, cache_dir=tmp_path)


def test_hellaswag_rows_follow_jiant():
    """jiant: prompt = ctx_a, each choice = ctx_b + " " + ending (the hub row's ``ctx`` is not used)."""
    from claimcheck.replication.tasks.formats import hellaswag_rows

    row = {"ctx_a": "A man is sitting on a roof.", "ctx_b": "he", "ctx": "A man is sitting on a roof. he",
           "endings": ["is using wrap.", "starts pulling up roofing.", "is ripping level tiles.", "holds a rope."], "label": "3"}
    bare = {**row, "ctx_b": "", "ctx": row["ctx_a"], "label": 0}
    (ex, ex_bare) = hellaswag_rows([[row], [bare]])
    assert ex["context"] == "A man is sitting on a roof." and ex["question"] == ""
    assert ex["choices"] == ["he is using wrap.", "he starts pulling up roofing.", "he is ripping level tiles.", "he holds a rope."]
    assert ex["label"] == 3
    assert ex_bare["choices"] == row["endings"] and ex_bare["label"] == 0


def test_a_qa_slice_whose_gold_answers_are_all_blank_is_refused(tmp_path):
    """The XTREME kit's TyDiQA dev files carry "" as every answer: scored, a model that answers nothing
    would get the best EM. SQuAD v2's unanswerable questions are data, and one real answer is enough."""
    blank = {"data": [{"paragraphs": [{"context": "Paris is big.", "qas": [
        {"id": f"q{i}", "question": "What?", "answers": [{"answer_start": 0, "text": ""}]} for i in range(3)]}]}]}
    _xz(tmp_path / "data/tydiqa/dev-ko.json.xz", json.dumps(blank))
    with pytest.raises(DataError, match="every gold answer of tydiqa dev ko is blank") as err:
        _load(tmp_path, "tydiqa", "dev", "ko")
    assert "tydiqa/dev-ko.json.xz" in str(err.value)
    blank["data"][0]["paragraphs"][0]["qas"][2]["answers"] = [{"answer_start": 0, "text": "Paris"}]
    _xz(tmp_path / "data/tydiqa/dev-ko.json.xz", json.dumps(blank))
    assert len(_load(tmp_path, "tydiqa", "dev", "ko").examples) == 3
    with pytest.raises(DataError, match="is blank"):  # the slice read, not the file, is what counts
        _load(tmp_path, "tydiqa", "dev", "ko", limit=2)


def test_with_a_data_dir_a_split_without_a_local_file_comes_from_the_hub(tmp_path):
    """MNLI declares no local file: with --data-dir it is still read from the hub (offline here, so the
    hub's error names the dataset), while a declared local file that is missing is never replaced by the hub."""
    (tmp_path / "data").mkdir()
    with pytest.raises(DataError, match="cannot load from the hub") as err:
        _load(tmp_path, "mnli", "train")
    assert "nyu-mll/glue:mnli:train" in str(err.value)
    with pytest.raises(DataError, match="missing data file for xnli dev de"):
        _load(tmp_path, "xnli", "dev", "de")
