"""The garbage collector's policy for a long run: start-up is frozen once, nothing made later ever is."""

from __future__ import annotations

import gc


def freeze_start_up() -> None:
    """Collect, then move what start-up left alive out of the collector's full passes, once.

    What is alive after start-up (modules, classes, functions, the app's widgets and styles) stays for the
    whole run; walking it made each full collection stall a frame. Freezing it once keeps those passes short,
    and since nothing made later is ever frozen, cyclic garbage the run makes is still collected. (A freeze
    on a timer pinned whatever cycles were alive at that moment, for good, once they died.)
    """
    gc.collect()
    gc.freeze()
