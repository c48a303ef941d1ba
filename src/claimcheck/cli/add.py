"""Commands: add (draft a claim file for a new paper from arXiv, LaTeX, a PDF or a text file)."""

# No `from __future__ import annotations` here: see cli/__init__.py (typer re-evaluates string annotations).

from pathlib import Path
from typing import Annotated

import typer

from claimcheck.cli.app import app, err, expected_errors, given, out
from claimcheck.sources.caps import ADD_LATEX_MAX_BYTES, ADD_LATEX_TOTAL_MAX_BYTES, ADD_PDF_MAX_BYTES, ADD_TEXT_MAX_BYTES, ARXIV_EPRINT_MAX_BYTES, mib


@app.command("add")
@expected_errors
def add(
    source: Annotated[str | None, typer.Argument(parser=given("the source", str, "give arxiv:ID, or a local file with --tex, --pdf or --text"),
                                                 help="arxiv:ID or arxiv:IDvN (metadata, and the source unless a local one is given: "
                                                      f"an e-print of at most {mib(ARXIV_EPRINT_MAX_BYTES)}, or a PDF of at most "
                                                      f"{mib(ADD_PDF_MAX_BYTES)}).")] = None,
    registry: Annotated[Path, typer.Option("--registry", "-r", parser=given("--registry"), metavar="<path>",
                                           help="Claim folder the draft goes into (one in claimcheck's shipped data, but its bundled claims folder "
                                                "itself, is refused).")] = Path("claims"),
    offline: Annotated[bool, typer.Option("--offline", help="Use only the download cache; make no request.")] = False,
    pdf: Annotated[Path | None, typer.Option("--pdf", parser=given("--pdf"), metavar="<path>",
                                             help=f"Read a local PDF of at most {mib(ADD_PDF_MAX_BYTES)} (text layer; low-confidence tables).")] = None,
    tex: Annotated[Path | None, typer.Option("--tex", parser=given("--tex"), metavar="<path>",
                                             help=f"Read a local LaTeX folder, tarball, .gz or .tex file (each .tex file at most {mib(ADD_LATEX_MAX_BYTES)}, {mib(ADD_LATEX_TOTAL_MAX_BYTES)} of .tex in all).")] = None,
    text: Annotated[Path | None, typer.Option("--text", parser=given("--text"), metavar="<path>",
                                              help=f"Read a plain-text conversion of the paper, of at most {mib(ADD_TEXT_MAX_BYTES)}.")] = None,
    paper_id: Annotated[str | None, typer.Option("--id", parser=given("--id", str, "give the paper id, or leave out --id to take it from the file name"),
                                                 metavar="<str>", help="Paper id for a local source (default: the file name).")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", parser=given("--out"), metavar="<path>",
                                                  help="Write the draft to this new file instead of REGISTRY/<id>.yaml (an existing file, or one in claimcheck's "
                                                       "shipped data but a new paper's claim file in its bundled claims, is refused).")] = None,
) -> None:
    """Draft a claim file: metadata, every table as reported cells, and candidate claims.

    The draft is marked `draft: true`; `claimcheck validate` refuses it until a person has checked
    each cell and claim. If the paper already has a file in the registry, the file is left alone
    and the changes (new version, cells and claims added, removed or changed) are shown instead.
    Downloads are cached under $CLAIMCHECK_HOME/cache/arxiv; CLAIMCHECK_ARXIV_API and
    CLAIMCHECK_ARXIV_FILES point at other endpoints (a mirror, a test server).

    Example: claimcheck add arxiv:2005.13013v2 --registry claims
    """
    from claimcheck.atomic import is_descriptor
    from claimcheck.cli.plain import not_shipped_data
    from claimcheck.workflow_add import AddRequest, add_paper, render_add_outcome

    if out_file is not None and not is_descriptor(out_file):  # before any request
        # a draft in the bundled results would stop every `verify` (no result file); the bibliography exists.
        # A new claim file in the bundled claim files is a developer's draft of a paper to bundle: let through
        not_shipped_data(out_file, new_claim_file=True)
    elif out_file is None:  # the draft goes into --registry: the same places refused, the bundled claims' folder itself let through
        not_shipped_data(registry, option="--registry", new_claim_file=True, into=True)
    request = AddRequest(arxiv=source, pdf=pdf, tex=tex, text=text, registry=registry, offline=offline,
                         paper_id=paper_id, out=out_file)
    summary = render_add_outcome(add_paper(request))
    # with --out /dev/stdout the draft is the output: the summary goes to stderr, not into the YAML
    (err if out_file is not None and is_descriptor(out_file) else out).print(summary, markup=False, soft_wrap=True)  # paths stay whole
