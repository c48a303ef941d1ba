"""The caps on the size of a PDF claimcheck reads, one named constant each, in one place (pure: no
imports), so the readers and the CLI's help (which must not import the readers) say the same.

Both are in MiB (binary), as every other cap of the audit is (8 MiB of a text report read, 64 MiB of
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


def mib(cap: int) -> str:
    """A cap as messages and help write it: ``"100 MiB"``."""
    return f"{cap / MIB:g} MiB"
