"""The heap's policy for a long run: start-up is frozen once, nothing made later ever is; a full collection
every COLLECT_EVERY keeps each pass short; freed pages go back.

Why a full collection on a timer (CPython 3.11, Modules/gcmodule.c): the collector runs a full pass only once
generation 2 has been counted past its threshold *and* the objects promoted into it since the last full pass
(`long_lived_pending`) exceed a quarter of what that pass left there (`long_lived_total`; `gc.freeze` leaves it
at the size before the freeze). The dashboard's cyclic garbage is mostly Textual's strips (a strip caches
itself, so a line drawn and then replaced is a cycle of a strip, its seven caches and their dicts): one that
outlives the young passes reaches generation 2 and waits there for a full pass. Measured at 5,000 updates/s
(`bench ui` with `gc.callbacks`): left to that trigger a full pass came every 2-5 s and took 13-40 ms of CPU
(100 ms and more of wall time on a busy machine), and the key press that met one waited for it. A pass every
COLLECT_EVERY takes 3-10 ms with the grid (generation 2 holds about 20,000 objects, the start-up's 100,000 are
frozen) and 17-38 ms with the scanner open (about 30,000: most of a pass is walking what is alive, not the
garbage). Each resets `long_lived_pending`, so the automatic full pass, which also needs more than ten young
passes since the last full one, hardly ever comes. Nothing is pinned and no threshold is raised: cyclic garbage
is collected sooner than before, never later.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable


def freeze_start_up() -> None:
    """Collect, then move what start-up left alive out of the collector's full passes, once.

    What is alive after start-up (modules, classes, functions, the app's widgets and styles) stays for the
    whole run; walking it made each full collection stall a frame. Freezing it once keeps those passes short,
    and since nothing made later is ever frozen, cyclic garbage the run makes is still collected. (A freeze
    on a timer pinned whatever cycles were alive at that moment, for good, once they died.)
    """
    gc.collect()
    gc.freeze()


COLLECT_EVERY = 1.0
"""Seconds between the app's own full collections: about 1% of a CPU with the grid, 2-3% with the scanner open."""


def collect_cycles() -> None:
    """A full collection now (the app calls it every COLLECT_EVERY): short, since it finds one second's cycles."""
    gc.collect()


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None where the C library has none (macOS, musl, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # the C library the interpreter already runs on
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


RELEASE_EVERY = 10.0
"""Seconds between handing free pages back: a pass costs a few milliseconds."""


def release_free_memory() -> None:
    """Give the C allocator's free pages back to the system (glibc; elsewhere there is nothing to do).

    A steady market frees as much as it allocates, but glibc keeps what is freed in the middle of its
    heap (event payloads, growing tables) unless asked: without this the resident size creeps up
    through the first quarter hour of a run before it levels off. The app calls it every RELEASE_EVERY.
    """
    if _TRIM is not None:
        _TRIM(0)
