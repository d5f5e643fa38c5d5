"""The heap's policy for a long run: start-up is frozen once, nothing made later ever is; freed pages go back."""

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
