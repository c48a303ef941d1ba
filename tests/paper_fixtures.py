"""A small claim file and a synthesis report that lists its claim, for tests that need them on disk.

``PAPER``: paper 1234.5678 with one cell (A on XNLI dev) and one gain claim (B over A on XNLI,
reported "1.0"); ``report(statement)``: a synthesis report whose claims table lists ``statement``
with a tick. (Older test files keep their own variants inline.) ``sparse_pdf(path, size)``: a PDF of
that size on no disk, for the caps on a PDF's size. ``size_lies(folder, size, first)``: a real file whose
size reads 0 and which holds more than ``size`` bytes, for a reader that must not trust a file's size.
"""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

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


# A process that maps the file named FIRST (in FOLDER) at a low address, so that the first line of its
# /proc/PID/maps names it, then COUNT times a file whose path is ~3,900 characters long, one line each.
_MAPPER = r"""
import ctypes, mmap, os, sys
folder, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
fd = os.open(os.path.join(folder, first), os.O_RDONLY)
libc.mmap(0x100000, mmap.PAGESIZE, mmap.PROT_READ, mmap.MAP_PRIVATE, fd, 0)  # a hint: where nothing is yet
fd = os.open(sys.argv[4], os.O_RDONLY)
maps = [mmap.mmap(fd, mmap.PAGESIZE, prot=mmap.PROT_READ) for _ in range(count)]  # pgoff 0 each: never merged
print("ready", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def size_lies(folder: Path, size: int, first: str = "first"):
    """The path of a regular file whose size (``stat``, ``fstat``) reads 0 but which holds more than
    ``size`` bytes, the first of them (within its first ~100) ``first``: ``/proc/PID/maps`` of a child
    process that maps a file of that name first, then one with a long path enough times (Linux; the
    test is skipped elsewhere, or where the kernel allows too few mappings). Each line of it is at
    least the long path and a line break, so no reading is needed to know it is long enough. The
    process ends when the block does."""
    import pytest

    if sys.platform != "linux" or not Path("/proc/self/maps").is_file():
        pytest.skip("needs Linux's /proc/PID/maps")
    deep = folder / "long"
    while len(str(deep)) < 3_800:
        deep /= "d" * min(250, 3_800 - len(str(deep)))
    deep.mkdir(parents=True)
    long_file = deep / "f"
    long_file.write_bytes(b"\0" * os.sysconf("SC_PAGE_SIZE"))
    (folder / first).write_bytes(b"\0" * os.sysconf("SC_PAGE_SIZE"))
    count = size // (len(str(long_file)) + 1) + 1
    try:
        allowed = int(Path("/proc/sys/vm/max_map_count").read_text())
    except (OSError, ValueError):
        allowed = 65_530
    if count + 1_000 > allowed:
        pytest.skip(f"needs {count} memory mappings; the kernel allows {allowed}")
    child = subprocess.Popen([sys.executable, "-c", _MAPPER, str(folder), first, str(count), str(long_file)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "ready\n"
        path = Path(f"/proc/{child.pid}/maps")
        with path.open("rb") as fh:
            if first.encode() not in fh.readline():  # the low address was taken: the file is still long
                pytest.skip("the kernel placed the first mapping elsewhere")
        assert path.is_file() and path.stat().st_size == 0
        yield path
    finally:
        child.stdin.close()
        child.stdout.close()
        child.wait(timeout=60)
