"""Free pages go back to the system on glibc; elsewhere the call is a no-op that never fails."""

import platform
import sys

from oddstui import heap


def test_the_c_allocator_is_asked_to_release_free_pages_where_it_can():
    if sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc":
        assert heap._TRIM is not None
    freed = bytearray(64 * 1024 * 1024)  # large enough for its own mapping, then given back
    del freed
    heap.release_free_memory()
