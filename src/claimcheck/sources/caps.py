"""The caps on the size of a file claimcheck reads whole (a PDF, a paper's text, a LaTeX file), one
named constant each, in one place (pure: no imports), so the readers and the CLI's help (which must
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


def mib(cap: int) -> str:
    """A cap as messages and help write it: ``"100 MiB"``."""
    return f"{cap / MIB:g} MiB"
