"""The caps on the size of a file claimcheck reads whole (a PDF, a paper's text, a LaTeX file) or
downloads from arXiv (its metadata, an e-print, a PDF), one named constant each, in one place (pure: no imports), so the readers and the CLI's help (which must
not import the readers) say the same.

All are in MiB (binary), as every other cap of the audit is (8 MiB of a text report read, 64 MiB of
it scanned), and every message and help text gives them so (``mib``).
"""

from __future__ import annotations

MIB = 1024 * 1024

# `claimcheck add --pdf` (and the PDF `add` fetches from arXiv when it has no source). A paper's PDF,
# figures and all, is a few MB, rarely a few tens: 100 MiB is generous, and a larger file is refused
# rather than read whole into memory (pypdf reads all of it before the first page).
ADD_PDF_MAX_BYTES = 100 * MIB

# a PDF report `claimcheck audit` reads (a file, or standard input): a synthesis is a few pages.
AUDIT_PDF_MAX_BYTES = 64 * MIB

# `claimcheck add --text`: a plain-text conversion of a paper is a few hundred KiB; a larger file is no
# conversion of a paper, and is refused rather than read whole into memory (or, from a pipe, without end).
ADD_TEXT_MAX_BYTES = 20 * MIB

# one LaTeX file of a paper's source (`claimcheck add --tex`, a file of its folder, a member of its
# tarball, or arXiv's e-print of one file): a larger one is not a paper's.
ADD_LATEX_MAX_BYTES = 20 * MIB
# all the .tex files of one LaTeX source (`--tex` FOLDER or tarball, arXiv's e-print) together: their text is
# held in memory (decoded, to find the main file and inline its inputs), so a source of many files, each
# under ADD_LATEX_MAX_BYTES, needs a cap of its own. A paper's .tex files make a few hundred KiB, those of the
# longest theses and surveys (generated tables, long appendices) a few MiB: 64 MiB, over three files at the
# cap of one, is generous, and still bounds what one source can take (the audit's scan cap is 64 MiB too).
ADD_LATEX_TOTAL_MAX_BYTES = 64 * MIB

# What `claimcheck add arxiv:ID` downloads: a body larger than its cap is refused as it arrives (when the
# server's Content-Length says so, before any of it is read; when it sends none, or a wrong one, at the
# first byte over the cap), and nothing of it is kept in the cache.
#
# The Atom feed of one paper, read whole into memory to be parsed: a title, an abstract of at most 1,920
# characters and the authors; the longest author lists (about 5,000 names, with affiliations) make well
# under 1 MiB.
ARXIV_ATOM_MAX_BYTES = 4 * MIB
# An e-print (the LaTeX source as arXiv serves it: a tarball, a .gz of one file). It is written to the
# cache as it arrives, never held in memory, and read back as a stream that keeps only the .tex files
# (each at most ADD_LATEX_MAX_BYTES), so this cap bounds the disk and the time a download takes, not the
# memory. arXiv accepts submissions of at most 50 MB (compressed), and grants larger ones by request
# (papers with their data, older exceptions): 1 GiB, twenty times that, still takes every paper's and
# stops a server that sends without end.
ARXIV_EPRINT_MAX_BYTES = 1024 * MIB
# A PDF arXiv serves (when it has no source, or its e-print is one) is read as `add --pdf` reads one:
# ADD_PDF_MAX_BYTES.


def mib(cap: int) -> str:
    """A cap as messages and help write it: ``"100 MiB"``."""
    return f"{cap / MIB:g} MiB"
