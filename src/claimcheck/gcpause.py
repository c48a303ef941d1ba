"""Pausing the cyclic garbage collector for a bounded burst of allocation.

Loading the registry and the run records, verifying and rendering
allocate hundreds of thousands of long-lived objects and make almost no reference cycles. With the
collector on, the young generations are scanned again and again as they fill, and every growth of
the old generation by a quarter triggers a full collection of everything. ``gc_paused`` switches
the collector off for such a burst; on the way out, what was allocated is moved to the oldest
generation in O(1) (``freeze`` then ``unfreeze``), where survivors end up anyway, instead of being
scanned once as one huge young generation. That step is skipped when the caller has frozen objects
of its own (``unfreeze`` would release them too). The collector's previous state is restored, so
pauses nest.

Only for work whose size the input bounds: a long training run must keep the collector on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
