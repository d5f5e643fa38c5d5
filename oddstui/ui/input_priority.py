"""A key press goes first: the app's periodic work waits briefly after one, so the key's redraw is not queued behind it.

At 5,000 updates/s the event loop is busy most of the time: the store's refresh, the scanner's tick and a full
garbage collection each take 10-60 ms, and a key travels through three turns of the loop (the app, the focused
widget, the screen's paint), each of which can land behind one of them. For GRACE seconds after a key, a click
or a wheel turn, the periodic work is put off, and runs as the grace ends. Work put off for LONGEST_WAIT seconds
runs whatever the keys, so holding a key down slows what the screen shows (a lock, a suspension or a lost
connection may then show up to about 0.3 s late) but never freezes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

GRACE = 0.05
"""Seconds after a key press during which periodic work waits: long enough for its redraw, at 60 frames/s."""
LONGEST_WAIT = 0.2
"""Seconds that periodic work may be put off in all, whatever the keys."""


class InputPriority:
    """When the last key, click or wheel turn came: periodic work waits out its grace."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.input_at = float("-inf")
        """When the last input came (`clock` time)."""

    def input_arrived(self) -> None:
        """A key, a click or a wheel turn came now."""
        self.input_at = self.clock()

    def grace_left(self, now: float) -> float:
        """Seconds of the last input's grace still to run at `now` (0: none)."""
        return max(0.0, self.input_at + GRACE - now)


class Deferrable:
    """A periodic callback that gives way to input: call it from the timer; it runs `work` unless a key goes first.

    Put off, it runs as the grace ends (through `call_later`), not a whole timer period later; put off for
    LONGEST_WAIT in all, it runs at its next call whatever the keys.
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
        self._put_off_at: float | None = None
        """When the work was first put off, since it last ran."""
        self._retry_set = False

    def __call__(self) -> None:
        now = self._priority.clock()
        left = self._priority.grace_left(now)
        if left > 0 and (self._put_off_at is None or now - self._put_off_at < LONGEST_WAIT):
            if self._put_off_at is None:
                self._put_off_at = now
            if self._call_later is not None and not self._retry_set:
                self._retry_set = True
                self._call_later(left, self._retry)
            return
        self._put_off_at = None
        self._work()

    def _retry(self) -> None:
        self._retry_set = False
        self()
