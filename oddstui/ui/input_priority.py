"""A key press goes first: the app's periodic work waits briefly after one, so the key's redraw is not queued behind it.

At 5,000 updates/s the event loop is busy most of the time: the store's refresh, the scanner's tick and a full
garbage collection each take 10-60 ms, and a key travels through three turns of the loop (the app, the focused
widget, the screen's paint), each of which can land behind one of them. For GRACE seconds after a key or a
click, the periodic work is put off to its next turn. It never waits more than LONGEST_WAIT seconds since it
last ran, so holding a key down slows the prices on screen but never freezes them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

GRACE = 0.05
"""Seconds after a key press during which periodic work waits: long enough for its redraw, at 60 frames/s."""
LONGEST_WAIT = 0.25
"""Periodic work runs at least this often (seconds since it last ran), whatever the keys."""


class InputPriority:
    """When the last key or click came, and how long periodic work should let it go first."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._input_at = float("-inf")

    def input_arrived(self) -> None:
        self._input_at = self.clock()

    def wait(self, now: float, last_ran: float) -> float:
        """Seconds that work last run at `last_ran` should still wait at `now` (0: run now)."""
        left = self._input_at + GRACE - now
        if left <= 0 or now - last_ran >= LONGEST_WAIT:
            return 0.0
        return left


class Deferrable:
    """A periodic callback that gives way to input: call it from the timer; it runs `work` unless a key goes first.

    Put off, it runs once the key's grace is over (through `call_later`), not a whole timer period later.
    """

    def __init__(
        self,
        priority: InputPriority,
        work: Callable[[], object],
        call_later: Callable[[float, Callable[[], None]], object] | None = None,
    ) -> None:
        self._priority = priority
        self._work = work
        self._call_later = call_later
        self._last_ran = float("-inf")
        self._retry_set = False

    def __call__(self) -> None:
        now = self._priority.clock()
        wait = self._priority.wait(now, self._last_ran)
        if wait <= 0:
            self._last_ran = now
            self._work()
        elif self._call_later is not None and not self._retry_set:
            self._retry_set = True
            self._call_later(wait, self._retry)

    def _retry(self) -> None:
        self._retry_set = False
        self()
