"""Extraction recall and precision on a small LaTeX paper whose tables and claims are known.

The paper (written below, split over files joined with \\input) has the markup real papers use:
booktabs rules, \\multicolumn group headers, a \\multirow label, bold/underline/custom-macro bold,
± spreads, EM/F1 pairs, footnote marks, \\%, a commented-out row, a group row, a caption-less
hyperparameter value written 1e-5. TRUTH_CELLS lists every value a person would copy from its
tables; TRUTH_CLAIMS every sentence that states a number with a comparison or gain.

A second paper, HELDOUT_TEX, was written in a different style after the extractor was built and
measured once before any change: cells recall 1.000 / precision 1.000 (18 values), claims recall
0.600 / precision 0.750 (the cues "underperforms" and "rises" were missing; "SST-2" gave a stray 2).
The cue list and the number pattern were then fixed; the test keeps it from regressing.

Other test files load this module by path (see ``load_sibling``) to reuse the paper.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest

MAIN_TEX = r"""\documentclass[11pt]{article}
\usepackage{booktabs,multirow}
\newcommand{\best}[1]{\textbf{#1}}
\newcommand{\xlmr}{XLM-R}
\title{Intermediate Training Helps Zero-Shot Transfer: A Toy Study}
\author{Ada Lovelace\thanks{Equal contribution.} \and Alan Turing \\ Some University}
\begin{document}
\maketitle
\begin{abstract}
Intermediate-task training on English data helps cross-lingual transfer.
Using our best intermediate task for each target task, we obtain a 5.4 point improvement over the \xlmr{} baseline. % test set
\end{abstract}

\input{sections/intro}

\section{Experiments}
\label{sec:exp}
We fine-tune for 3 epochs with a learning rate of 1e-5 and a batch size of 32, following \citet{phang2020}.
We use a higher learning rate of 2e-5 for small tasks and a lower one for larger tasks.
The nine intermediate tasks contain between 10,000 and 400,000 examples each.
Development results are in Table~\ref{tab:dev} and test results in Table~\ref{tab:test}.

\input{tables/dev}

\subsection{Results}
MNLI improves XNLI accuracy by 0.9 points over the baseline (80.1 vs.\ 79.2).
SQuAD as the intermediate task yields the best TyDiQA F1 of 76.0, a gain of 10.9 points.
On PAWS-X, SQuAD outperforms the baseline by 1.5 points.
Multi-task training improves the average by 8.7 points\footnote{Averaged over three seeds; one seed diverged in 2020 in 5 runs.}.
Adding MLM does not help: XNLI accuracy drops from 80.1 to 79.6 (Table~\ref{tab:dev}).
We report the mean of 3 random restarts for each model.
Table~\ref{tab:test} lists models released in 2020.
Our model has 550M parameters and was trained on 8 GPUs.
%We see a 99.9 point gain that we later retracted.

\begin{table}[t]
\centering
\small
\begin{tabular}{|l|r|r|r|}
\hline
Model & XNLI & POS & $\Delta$ Avg \\
\hline
\xlmr{} Large & 79.2\% & 73.8\% & -- \\
\hline
X-STILTs\footnotemark & 80.0\% & 74.9\textsuperscript{a} & $+$1.3 \\
Translate-train & \multicolumn{2}{c|}{n/a} & $-$0.4 \\
\hline
\end{tabular}
\caption{Test results (accuracy, \%). $\Delta$ Avg is the change of the average over \xlmr{} Large.}
\label{tab:test}
\end{table}

\begin{table}[h]
\centering
\begin{tabular}{lr}
\toprule
Hyperparameter & Value \\
\midrule
Learning rate & 1e-5 \\
Batch size & 32 \\
Epochs & 3 \\
\bottomrule
\end{tabular}
\caption{Training set-up shared by all runs.}
\label{tab:hparams}
\end{table}

\section{Conclusion}
Overall, intermediate training yields a 3.1\% relative gain on PAWS-X, see Section~\ref{sec:exp}.
\end{document}
"""

INTRO_TEX = r"""\section{Introduction}
\label{sec:intro}
Zero-shot cross-lingual transfer trains a model on English data and evaluates it on other languages \citep{hu2020xtreme}.
Prior work found that English intermediate training outperforms multilingual MLM by 1.2 points on average \citep{phang2020}.
"""

DEV_TABLE_TEX = r"""\begin{table*}[t]
\centering
\begin{tabular}{@{}llcccc@{}}
\toprule
 & & \multicolumn{2}{c}{Classification (acc.)} & \multicolumn{2}{c}{QA (EM/F1)} \\
\cmidrule(lr){3-4}\cmidrule(lr){5-6}
Intermediate & Variant & XNLI & PAWS-X & XQuAD & TyDiQA \\
\midrule
\xlmr{} & -- & 79.2 & 86.4 & 60.8/76.6 & 45.0/65.1 \\
\midrule
\multirow{2}{*}{MNLI} & plain & \textbf{80.1}$\pm$0.3 & 87.2 & 63.0/78.1 & 54.9/70.2$^{\dagger}$ \\
 & +MLM & 79.6 & \underline{87.5} & 62.1/77.3 & 53.2/69.0 \\
SQuAD & plain & 79.9 & {\bf 87.9} & \best{63.3}/\best{78.7} & \underline{59.5}/\underline{76.0} \\
\midrule
\multicolumn{6}{l}{\textit{Multi-task}} \\
All nine & plain & 80.0$^*$ & 87.6 & 63.1/78.4 & 58.0/75.2 \\
% Old & plain & 11.1 & 22.2 & 33.3/44.4 & 55.5/66.6 \\
\bottomrule
\end{tabular}
\caption{Development-set results: accuracy for XNLI and PAWS-X, EM/F1 for QA.
$^\dagger$One seed diverged. $^*$Mean of 3 seeds.}
\label{tab:dev}
\end{table*}
"""

_CLS, _QA = "Classification (acc.)", "QA (EM/F1)"
_ROWS = {
    "XLM-R": ("79.2", "86.4", "60.8", "76.6", "45.0", "65.1"),
    "MNLI / plain": ("80.1", "87.2", "63.0", "78.1", "54.9", "70.2"),
    "MNLI / +MLM": ("79.6", "87.5", "62.1", "77.3", "53.2", "69.0"),
    "SQuAD / plain": ("79.9", "87.9", "63.3", "78.7", "59.5", "76.0"),
    "Multi-task / All nine / plain": ("80.0", "87.6", "63.1", "78.4", "58.0", "75.2"),
}
_COLS = [(f"{_CLS} / XNLI", ""), (f"{_CLS} / PAWS-X", ""), (f"{_QA} / XQuAD", "EM"), (f"{_QA} / XQuAD", "F1"),
         (f"{_QA} / TyDiQA", "EM"), (f"{_QA} / TyDiQA", "F1")]
# (table number, row header, column header, part, value as written)
TRUTH_CELLS = {("1", row, col, part, v) for row, vals in _ROWS.items() for (col, part), v in zip(_COLS, vals)} | {
    ("2", "XLM-R Large", "XNLI", "", "79.2%"),
    ("2", "XLM-R Large", "POS", "", "73.8%"),
    ("2", "X-STILTs", "XNLI", "", "80.0%"),
    ("2", "X-STILTs", "POS", "", "74.9"),
    ("2", "X-STILTs", "Δ Avg", "", "+1.3"),
    ("2", "Translate-train", "Δ Avg", "", "-0.4"),
    ("3", "Batch size", "Value", "", "32"),
    ("3", "Epochs", "Value", "", "3"),
}
# sentence start -> (section, numbers it states)
TRUTH_CLAIMS = {
    "Using our best intermediate task": ("Abstract", ["5.4"]),
    "Prior work found that English": ("1 Introduction", ["1.2"]),
    "MNLI improves XNLI accuracy": ("2.1 Results", ["0.9", "80.1", "79.2"]),
    "SQuAD as the intermediate task": ("2.1 Results", ["76.0", "10.9"]),
    "On PAWS-X, SQuAD outperforms": ("2.1 Results", ["1.5"]),
    "Multi-task training improves": ("2.1 Results", ["8.7"]),
    "Adding MLM does not help": ("2.1 Results", ["80.1", "79.6"]),
    "Overall, intermediate training": ("3 Conclusion", ["3.1%"]),
}
RECALL_MIN, PRECISION_MIN = 0.9, 0.9

HELDOUT_TEX = r"""\documentclass{article}
\usepackage{multirow,graphicx}
\newcommand{\ours}{\textsc{Ours}}
\title{A Held-Out Paper}
\author{B. Writer}
\begin{document}
\maketitle
\begin{abstract}
We present \ours, which reduces the error rate by 12\% relative to the strongest baseline.
\end{abstract}
\section{Method}
Our encoder has 12 layers and 768 hidden units, and we sample 16 examples per batch over 3 runs.
All models are better than the random baseline of 50.0 (see Table~\ref{t:main}).
\section{Results}
\ours{} achieves a 2.3-point absolute gain on SST-2 over BERT.
On MRPC, \ours{} is 1.8 points higher than RoBERTa.
Distillation underperforms full training by 0.5 on average.
Accuracy on QNLI rises from 90.1 to 91.4 (+1.3) when we add the auxiliary loss.
Training takes 4.5 hours on one GPU.
\begin{table}[t]
\centering
\setlength{\tabcolsep}{3pt}
\resizebox{\linewidth}{!}{
\begin{tabular}{l|ccc|c}
\hline\hline
\multirow{2}{*}{\textbf{Model}} & \multicolumn{3}{c|}{\textbf{GLUE dev}} & \multirow{2}{*}{\textbf{Avg}} \\
\cline{2-4}
 & SST-2 & MRPC & QNLI & \\
\hline
BERT & 92.7 & 86.7 & 91.7 & 90.4 \\
RoBERTa & $94.8_{\pm 0.2}$ & 88.1 & $92.8_{\pm0.1}$ & 91.9 \\
\ours & $\mathbf{95.0}$ & {\bf 89.9} & \textbf{93.1} & \textbf{92.7} \\
\hline\hline
\end{tabular}}
\caption{Main results on GLUE dev (accuracy, \%).}
\label{t:main}
\end{table}

\begin{table}[t]
\centering
\begin{tabular}{lrr}
\hline
Setting & EM & F1 \\
\hline
Full & 81.2 & 88.5 \\
Distilled & 80.6 & 88.1 \\
\quad w/o aux. loss & 79.9\% & 87.4\% \\
\hline
\end{tabular}
\caption{SQuAD v1.1 dev results.}
\label{t:squad}
\end{table}
\end{document}
"""
_GLUE = {"BERT": ("92.7", "86.7", "91.7", "90.4"), "RoBERTa": ("94.8", "88.1", "92.8", "91.9"),
         "Ours": ("95.0", "89.9", "93.1", "92.7")}
HELDOUT_CELLS = {("1", row, col, "", v) for row, vals in _GLUE.items()
                 for col, v in zip(("GLUE dev / SST-2", "GLUE dev / MRPC", "GLUE dev / QNLI", "Avg"), vals)} | {
    ("2", "Full", "EM", "", "81.2"), ("2", "Full", "F1", "", "88.5"), ("2", "Distilled", "EM", "", "80.6"),
    ("2", "Distilled", "F1", "", "88.1"), ("2", "w/o aux. loss", "EM", "", "79.9%"), ("2", "w/o aux. loss", "F1", "", "87.4%"),
}
HELDOUT_CLAIMS = ["We present Ours, which reduces", "Ours achieves a 2.3-point", "On MRPC, Ours is 1.8",
                  "Distillation underperforms", "Accuracy on QNLI rises"]


def paper_files() -> dict[str, str]:
    return {"main.tex": MAIN_TEX, "sections/intro.tex": INTRO_TEX, "tables/dev.tex": DEV_TABLE_TEX,
            "unused.tex": "\\section{Not included}\nThis file improves nothing by 99.9 points.\n"}


def write_paper_dir(root: Path) -> Path:
    for name, text in paper_files().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def paper_tarball() -> bytes:
    """The paper as arXiv serves an e-print: a gzipped tar."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, text in paper_files().items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(buf.getvalue(), mtime=0)  # same bytes on every call


def single_file_paper() -> str:
    """The paper with its \\input files pasted in (for arXiv's gzipped single-file e-prints)."""
    return MAIN_TEX.replace("\\input{sections/intro}", INTRO_TEX).replace("\\input{tables/dev}", DEV_TABLE_TEX)


def found_cells(tables) -> set[tuple]:
    return {(t.number, v.row, v.column, v.part, v.number.text) for t in tables for v in t.values}


def recall_precision(found: set, truth: set) -> tuple[float, float]:
    hit = len(found & truth)
    return hit / len(truth), (hit / len(found) if found else 0.0)


def claim_hits(candidates) -> tuple[int, int]:
    """(truth claims found, candidates that are truth claims)."""
    matched = {k for k in TRUTH_CLAIMS for c in candidates if c.sentence.startswith(k)}
    good = sum(any(c.sentence.startswith(k) for k in TRUTH_CLAIMS) for c in candidates)
    return len(matched), good


# ------------------------------------------------------------------------------------------ tests
@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    from claimcheck.sources.candidates import find_candidates
    from claimcheck.sources.latex import extract_latex_tables, latex_sections
    from claimcheck.sources.latex_files import load_latex_source

    tex = load_latex_source(write_paper_dir(tmp_path_factory.mktemp("paper")))
    tables = extract_latex_tables(tex)
    return tex, tables, find_candidates(latex_sections(tex), tables)


def test_table_cells_recall_and_precision(extracted):
    _, tables, _ = extracted
    found = found_cells(tables)
    recall, precision = recall_precision(found, TRUTH_CELLS)
    missing, extra = sorted(TRUTH_CELLS - found), sorted(found - TRUTH_CELLS)
    print(f"cells: recall {recall:.3f} precision {precision:.3f} ({len(TRUTH_CELLS)} true, {len(found)} found)")
    assert recall >= RECALL_MIN, f"missing: {missing}"
    assert precision >= PRECISION_MIN, f"spurious: {extra}"


def test_no_value_comes_from_comments_spreads_or_marks(extracted):
    _, tables, _ = extracted
    values = {v.number.text for t in tables for v in t.values}
    assert not values & {"11.1", "22.2", "33.3", "44.4", "0.3", "1e-5"}, "commented row, ± spread or sci-notation leaked"


def test_tables_are_numbered_labelled_and_captioned(extracted):
    _, tables, _ = extracted
    assert [(t.number, t.label) for t in tables] == [("1", "tab:dev"), ("2", "tab:test"), ("3", "tab:hparams")]
    assert tables[0].caption.startswith("Development-set results")
    assert tables[0].section == "2 Experiments" and tables[1].section == "2.1 Results"
    assert all(t.confidence == "high" for t in tables)


def test_cell_markup_is_recorded(extracted):
    _, tables, _ = extracted
    dev = {(v.row, v.column, v.part): v for v in tables[0].values}
    mnli_xnli = dev[("MNLI / plain", f"{_CLS} / XNLI", "")]
    assert mnli_xnli.bold and mnli_xnli.spread == "0.3" and mnli_xnli.written == "80.1±0.3"
    assert dev[("MNLI / plain", f"{_QA} / TyDiQA", "F1")].marks == ("†",)
    assert dev[("SQuAD / plain", f"{_QA} / XQuAD", "F1")].bold  # bold through the \best macro
    assert dev[("SQuAD / plain", f"{_QA} / TyDiQA", "EM")].underline
    assert dev[("Multi-task / All nine / plain", f"{_CLS} / XNLI", "")].marks == ("*",)
    test = {(v.row, v.column): v for v in tables[1].values}
    assert test[("X-STILTs", "POS")].marks == ("a",) and test[("X-STILTs", "XNLI")].number.unit == "%"


def test_locator_names_table_label_row_and_column(extracted):
    _, tables, _ = extracted
    value = next(v for v in tables[0].values if v.row == "SQuAD / plain" and v.part == "F1" and "TyDiQA" in v.column)
    assert tables[0].locator(value) == "Table 1 (tab:dev), row SQuAD / plain, column QA (EM/F1) / TyDiQA [F1]"


def test_candidate_claims_recall_and_precision(extracted):
    _, _, candidates = extracted
    matched, good = claim_hits(candidates)
    recall, precision = matched / len(TRUTH_CLAIMS), good / max(1, len(candidates))
    print(f"claims: recall {recall:.3f} precision {precision:.3f} ({len(TRUTH_CLAIMS)} true, {len(candidates)} found)")
    assert recall >= RECALL_MIN, [c.sentence for c in candidates]
    assert precision >= PRECISION_MIN, [c.sentence for c in candidates if not any(c.sentence.startswith(k) for k in TRUTH_CLAIMS)]


def test_candidates_carry_section_numbers_and_cells(extracted):
    _, _, candidates = extracted
    by_start = {k: c for c in candidates for k in TRUTH_CLAIMS if c.sentence.startswith(k)}
    for start, (section, numbers) in TRUTH_CLAIMS.items():
        assert by_start[start].section == section, start
        assert [n.text for n in by_start[start].numbers] == numbers, start
    mnli = by_start["MNLI improves XNLI accuracy"]
    assert "Table 1 (tab:dev), row MNLI / plain, column Classification (acc.) / XNLI" in mnli.cells
    assert "Table 1 (tab:dev), row XLM-R, column Classification (acc.) / XNLI" in mnli.cells
    assert by_start["Adding MLM does not help"].tables[0] == "Table 1 (tab:dev)"
    assert "[cite]" in by_start["Prior work found that English"].sentence


def test_title_authors_and_refs(extracted):
    from claimcheck.sources.latex import latex_authors, latex_title

    tex, _, candidates = extracted
    assert latex_title(tex) == "Intermediate Training Helps Zero-Shot Transfer: A Toy Study"
    assert latex_authors(tex) == ["Ada Lovelace", "Alan Turing"]
    conclusion = next(c for c in candidates if c.section == "3 Conclusion")
    assert "see Section 2." in conclusion.sentence


@pytest.mark.parametrize("form", ["tarball", "gz-single", "tex-file", "plain-tar"])
def test_same_tables_from_every_source_form(tmp_path, form, extracted):
    from claimcheck.sources.latex import extract_latex_tables
    from claimcheck.sources.latex_files import load_latex_bytes, load_latex_source

    if form == "tarball":
        path = tmp_path / "paper.tar.gz"
        path.write_bytes(paper_tarball())
        tex = load_latex_source(path)
    elif form == "gz-single":
        tex = load_latex_bytes(gzip.compress(single_file_paper().encode()), "e-print")
    elif form == "plain-tar":
        tex = load_latex_bytes(gzip.decompress(paper_tarball()), "e-print")
    else:
        tex = load_latex_source(write_paper_dir(tmp_path) / "main.tex")
    assert found_cells(extract_latex_tables(tex)) == found_cells(extracted[1])


def test_heldout_paper_recall_and_precision():
    from claimcheck.sources.candidates import find_candidates
    from claimcheck.sources.latex import extract_latex_tables, latex_sections

    tables = extract_latex_tables(HELDOUT_TEX)
    cell_recall, cell_precision = recall_precision(found_cells(tables), HELDOUT_CELLS)
    candidates = find_candidates(latex_sections(HELDOUT_TEX), tables)
    matched = sum(any(c.sentence.startswith(k) for c in candidates) for k in HELDOUT_CLAIMS)
    good = sum(any(c.sentence.startswith(k) for k in HELDOUT_CLAIMS) for c in candidates)
    claim_recall, claim_precision = matched / len(HELDOUT_CLAIMS), good / max(1, len(candidates))
    print(f"held-out: cells {cell_recall:.3f}/{cell_precision:.3f}, claims {claim_recall:.3f}/{claim_precision:.3f}")
    assert cell_recall >= RECALL_MIN and cell_precision >= PRECISION_MIN
    assert claim_recall >= RECALL_MIN and claim_precision >= 0.8  # one borderline sentence ("better than ... 50.0")
    roberta = next(v for v in tables[0].values if v.row == "RoBERTa" and v.column.endswith("SST-2"))
    assert roberta.spread == "0.2"  # a subscript spread, $94.8_{\\pm 0.2}$
    assert tables[0].values[-1].bold and tables[0].caption == "Main results on GLUE dev (accuracy, %)."
