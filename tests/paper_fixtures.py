"""A small claim file and a synthesis report that lists its claim, for tests that need them on disk.

``PAPER``: paper 1234.5678 with one cell (A on XNLI dev) and one gain claim (B over A on XNLI,
reported "1.0"); ``report(statement)``: a synthesis report whose claims table lists ``statement``
with a tick. (Older test files keep their own variants inline.) ``sparse_pdf(path, size)``: a PDF of
that size on no disk, for the caps on a PDF's size.
"""

PAPER = """
paper:
  id: "1234.5678"
  version: v1
  title: T
  authors: [A]
  year: 2020
  sources: [{id: t1, title: Table 1, locator: "Table 1", reliability: primary}]
  cells:
    - {system: A, task: xnli, metric: accuracy, split: dev, value: "70.0", source: t1, locator: "T1 r1"}
claims:
  - id: 1234.5678/gain
    statement: B gains a point over A.
    kind: quantity
    version: v1
    location: {section: Results}
    reported: ["1.0"]
    derivation: {name: mean_gain, params: {system: B, baseline: A, tasks: [xnli]}}
"""


def report(statement: str = "B gains a point over A.") -> str:
    return ("A synthesis\n\n1 Introduction\n\nThis paper examines one gain claim.\n\n5 Extracted Claims\n\n"
            f"Claim\tVerified\tConfidence\n{statement}\t\u2713\t0.9\n\nReferences\n\n- <http://arxiv.org/abs/1234.5678v1>\n")


def sparse_pdf(path, size: int) -> None:
    """A sparse file of ``size`` bytes (no disk used) that starts as a PDF and ends with an end marker,
    so that pypdf, when it is given the file, refuses it at once rather than scanning all of it."""
    tail = b"\nstartxref\n0\n%%EOF\n"
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(size - len(tail))
        fh.seek(0, 2)
        fh.write(tail)
    assert path.stat().st_size == size
