"""LaTeX details, one construct at a time: spans, rules, marks, markup, \\input, comments."""

from __future__ import annotations

import pytest

from claimcheck.errors import InputError
from claimcheck.sources.latex import extract_latex_tables, latex_sections
from claimcheck.sources.latex_files import load_latex_bytes, load_latex_source
from claimcheck.sources.texmarkup import clean_latex, strip_comments


def _doc(body: str, preamble: str = "") -> str:
    return f"\\documentclass{{article}}\n{preamble}\n\\begin{{document}}\n{body}\n\\end{{document}}\n"


def _cells(tex: str) -> set[tuple]:
    return {(t.name, v.row, v.column_label, v.number.text) for t in extract_latex_tables(tex) for v in t.values}


def test_negative_multirow_fills_the_rows_above():
    tex = _doc(r"""\begin{table}\begin{tabular}{llc}\toprule Group & Model & Acc \\ \midrule
 & base & 70.0 \\ \multirow{-2}{*}{Small} & tuned & 71.5 \\ \bottomrule\end{tabular}\caption{x}\end{table}""")
    assert _cells(tex) == {("Table 1", "Small / base", "Acc", "70.0"), ("Table 1", "Small / tuned", "Acc", "71.5")}


def test_hline_table_without_booktabs_and_escaped_ampersand():
    tex = _doc(r"""\begin{table}\begin{tabular}{|l|c|}\hline Q\&A model & F1 \\ \hline BiDAF & 77.3 \\ \hline
\end{tabular}\caption{QA}\label{t:qa}\end{table}""")
    assert _cells(tex) == {("Table 1 (t:qa)", "BiDAF", "F1", "77.3")}


def test_table_without_header_rule_uses_wordy_leading_rows():
    tex = _doc(r"""\begin{tabular}{lcc} Model & Dev & Test \\ A & 1.5 & 2.5 \\ B & 3.5 & 4.5 \end{tabular}""")
    assert _cells(tex) == {("Unnumbered table 1", r, c, v) for r, c, v in
                           [("A", "Dev", "1.5"), ("A", "Test", "2.5"), ("B", "Dev", "3.5"), ("B", "Test", "4.5")]}


def test_tabularx_tabular_star_and_two_tabulars_in_one_float():
    tex = _doc(r"""\begin{table*}
\begin{tabularx}{\textwidth}{lX} Model & BLEU \\ \midrule T5 & 30.1 \\ \end{tabularx}
\begin{tabular*}{0.5\textwidth}{@{\extracolsep{\fill}}lc} Model & ROUGE-L \\ \midrule T5 & 40.2 \\ \end{tabular*}
\caption{Two parts}\label{tab:two}\end{table*}""")
    assert _cells(tex) == {("Table 1 (tab:two), part 1", "T5", "BLEU", "30.1"), ("Table 1 (tab:two), part 2", "T5", "ROUGE-L", "40.2")}


def test_numbering_skips_figures_and_uncaptioned_floats():
    tex = _doc(r"""\begin{figure}\caption{fig}\end{figure}
\begin{table}\begin{tabular}{lc} M & A \\ \midrule x & 1.0 \\ \end{tabular}\caption{first}\end{table}
\begin{table}\begin{tabular}{lc} M & A \\ \midrule y & 2.0 \\ \end{tabular}\end{table}
\begin{table}\begin{tabular}{lc} M & A \\ \midrule z & 3.0 \\ \end{tabular}\caption{second}\end{table}""")
    assert [t.name for t in extract_latex_tables(tex)] == ["Table 1", "Unnumbered table 2", "Table 2"]


def test_makecell_color_and_siunitx_like_markup():
    tex = _doc(r"""\begin{table}\begin{tabular}{lc}\toprule \makecell{Target\\task} & \textcolor{blue}{Acc.} \\ \midrule
\cellcolor{gray!20}\textsc{Mnli} & \textcolor{red}{\textbf{84.5}} \\ \bottomrule\end{tabular}\caption{c}\end{table}""")
    (table,) = extract_latex_tables(tex)
    (value,) = table.values
    assert (value.row, value.column, value.number.text, value.bold) == ("Mnli", "Acc.", "84.5", True)


def test_superscript_digits_are_marks_not_digits():
    tex = _doc(r"""\begin{table}\begin{tabular}{lc} M & A \\ \midrule x & 54.9$^1$ \\ y & 55.0\textsuperscript{2} \\
\end{tabular}\caption{c}\end{table}""")
    values = {v.row: (v.number.text, v.marks) for v in extract_latex_tables(tex)[0].values}
    assert values == {"x": ("54.9", ("1",)), "y": ("55.0", ("2",))}


def test_comments_are_removed_but_escaped_percent_stays():
    assert strip_comments("85.2\\% % a comment\nnext") == "85.2\\% \nnext"
    assert strip_comments("a \\\\% comment") == "a \\\\"
    assert clean_latex(r"85.2\% of~\textbf{all} \emph{cases} --- done") == "85.2% of all cases — done"


def test_refs_resolve_to_table_and_section_numbers():
    tex = _doc(r"""\section{Intro}\label{sec:intro}
See Table~\ref{tab:a} and \autoref{tab:a} in Section~\ref{sec:res}; also \ref{missing}.
\section{Results}\label{sec:res}
\begin{table}\begin{tabular}{lc} M & A \\ \midrule x & 1.0 \\ \end{tabular}\caption{c}\label{tab:a}\end{table}""")
    intro = latex_sections(tex)[0]
    assert intro.title == "1 Intro"
    assert intro.text == "See Table 1 and Table 1 in Section 2; also ??."


def test_appendix_sections_are_lettered_and_starred_ones_unnumbered():
    tex = _doc(r"""\section{Main} Text one. \section*{Limitations} Text two. \appendix \section{Details} Text three.""")
    assert [s.title for s in latex_sections(tex)] == ["1 Main", "Limitations", "A Details"]


def test_input_cycles_and_missing_files_do_not_hang(tmp_path):
    (tmp_path / "main.tex").write_text(_doc("\\input{a}\\input{nothere}"))
    (tmp_path / "a.tex").write_text("A says \\input{main} hello")
    assert "A says" in load_latex_source(tmp_path)


def test_unusable_sources_are_input_errors(tmp_path):
    (tmp_path / "notes.tex").write_text("no document here")
    with pytest.raises(InputError, match="no .tex file with"):
        load_latex_source(tmp_path)
    with pytest.raises(InputError, match="corrupt gzip"):
        load_latex_bytes(b"\x1f\x8b\x08\x00garbage", "e-print")
    with pytest.raises(InputError, match="is a PDF"):
        load_latex_bytes(b"%PDF-1.4 ...", "e-print")
    with pytest.raises(InputError, match="no such LaTeX"):
        load_latex_source(tmp_path / "missing")


def test_title_macros_are_expanded():
    from claimcheck.sources.latex import latex_title

    tex = "\\newcommand{\\ours}{Widget}\n\\title{\\ours: Better Widgets} % a comment\n\\begin{document}\\end{document}"
    assert latex_title(tex) == "Widget: Better Widgets"


def test_authors_expand_macros_and_ignore_comments():
    from claimcheck.sources.latex import latex_authors

    tex = "\\newcommand{\\me}{Ada Lovelace}\n\\author{\\me \\and % Old Coauthor \\and\nBob Smith}\n"
    assert latex_authors(tex) == ["Ada Lovelace", "Bob Smith"]
