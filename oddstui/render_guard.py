"""Rendering never raises: a value that cannot be shown becomes a placeholder, and is counted.

Decoders validate what they can, but a value can be well-typed and still not displayable: a price of
NaN, an epoch beyond the platform's clock, a name carrying terminal control codes. Every path that
formats data for a person (the screen, alert texts, exports) goes through here, and the status line
shows the count when it is not zero. Pure standard library, so the core may use it too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Hashable

PLACEHOLDER = "?"
"""Shown where a value cannot be formatted."""
REPLACEMENT = "\ufffd"
"""Shown in place of a character that must never reach a terminal."""
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls (escape sequences, newlines, bells) and the bidirectional marks, overrides and isolates
that would reorder what follows them on the line."""


class RenderErrors:
    """How many values could not be shown as sent; each distinct value is counted once.

    The last `memory` failures are remembered, so a bad value redrawn every frame counts once, and a
    stream of distinct bad values cannot grow the memory without bound.
    """

    def __init__(self, memory: int = 4096) -> None:
        self.count = 0
        self._memory = memory
        self._seen: dict[Hashable, None] = {}

    def record(self, what: Hashable) -> bool:
        """Count `what` unless it was counted lately; True when it is counted now."""
        if what in self._seen:
            return False
        self._seen[what] = None
        if len(self._seen) > self._memory:
            del self._seen[next(iter(self._seen))]
        self.count += 1
        return True


RENDER_ERRORS = RenderErrors()
"""The process's count: one dashboard per process, and the status line shows it."""


def placeholder(what: Hashable) -> str:
    """Count the value described by `what` (once) and return the placeholder to show in its place."""
    RENDER_ERRORS.record(what)
    return PLACEHOLDER


def safe_text(text: str) -> str:
    """`text` with every control or reordering character replaced (and counted); unchanged otherwise."""
    if _UNSAFE.search(text) is None:
        return text
    RENDER_ERRORS.record(("text", text))
    return _UNSAFE.sub(REPLACEMENT, text)


def clock_text(fmt: str, epoch: float) -> str:
    """`epoch` in local time as `time.strftime` formats it; the placeholder for a time no clock can show."""
    try:
        return time.strftime(fmt, time.localtime(epoch))
    except (OverflowError, OSError, ValueError):
        return placeholder(("time", repr(epoch)))
