"""Resident memory of this process, read from /proc (Linux) or getrusage, and glibc's heap figures."""

from __future__ import annotations

import ctypes
import resource
import sys
from collections.abc import Callable
from dataclasses import dataclass


def rss_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class _Mallinfo2(ctypes.Structure):
    """glibc's `struct mallinfo2` (2.33 and later): every field a size_t."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks")
    ] + [("keepcost", ctypes.c_size_t)]


@dataclass(frozen=True, slots=True)
class CHeap:
    """glibc's heap in MB: bytes in use, bytes free but kept (all arenas), and bytes in mmapped blocks."""

    used: float
    free: float
    mmapped: float


def _mallinfo2() -> Callable[[], _Mallinfo2] | None:
    """glibc's `mallinfo2`, or None elsewhere (macOS, musl, Windows, glibc before 2.33)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return None
    function.restype = _Mallinfo2
    function.argtypes = []
    return function


_MALLINFO2 = _mallinfo2()


def c_heap() -> CHeap | None:
    """The C allocator's heap now (pymalloc's arenas are mmapped by CPython, outside it); None without glibc."""
    if _MALLINFO2 is None:
        return None
    info = _MALLINFO2()
    mb = 1024 * 1024
    return CHeap(info.uordblks / mb, info.fordblks / mb, info.hblkhd / mb)
