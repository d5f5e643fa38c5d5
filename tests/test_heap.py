"""Free pages go back to the system on glibc (elsewhere a no-op that never fails); cycles are freed by the periodic
full collection."""

import gc
import platform
import sys
import weakref

from oddstui import heap


def test_the_c_allocator_is_asked_to_release_free_pages_where_it_can():
    if sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc":
        assert heap._TRIM is not None
    freed = bytearray(64 * 1024 * 1024)  # large enough for its own mapping, then given back
    del freed
    heap.release_free_memory()


class Node:
    """Half of a reference cycle: freed only by the garbage collector, never by reference counting."""

    def __init__(self) -> None:
        self.other: Node | None = None


def test_a_cycle_that_reached_the_oldest_generation_is_freed_by_the_periodic_full_collection():
    a, b = Node(), Node()
    a.other, b.other = b, a
    dead = weakref.ref(a)
    gc.collect(1)  # survives the young passes while alive: now in generation 2, where only a full pass looks
    del a, b
    assert dead() is not None
    heap.collect_cycles()
    assert dead() is None
