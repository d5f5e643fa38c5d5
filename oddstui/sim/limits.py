"""Keys and rate limits of the simulated providers."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

INVALID_KEY_PREFIXES = ("bad", "invalid", "revoked")


def key_is_valid(key: str | None) -> bool:
    """The simulator accepts any key except empty ones and ones starting with bad/invalid/revoked."""
    return bool(key and not key.lower().startswith(INVALID_KEY_PREFIXES))


class SlidingWindow:
    """At most `limit` hits per `window` seconds for each key."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def hit(self, key: str) -> tuple[bool, int, float]:
        """Record a hit; returns (allowed, remaining, seconds until a slot frees)."""
        now = time.monotonic()
        hits = self._hits[key]
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False, 0, self.window - (now - hits[0])
        hits.append(now)
        return True, self.limit - len(hits), (self.window - (now - hits[0])) if hits else self.window


class BurstPlan:
    """The `429=N@M` fault: after every M accepted connections, the next N attempts get 429."""

    def __init__(self, count: int, every: int) -> None:
        self.count = count
        self.every = every
        self._accepted = 0
        self._pending = 0

    def refuse(self) -> bool:
        if not self.count:
            return False
        if self._pending:
            self._pending -= 1
            return True
        self._accepted += 1
        if self._accepted % self.every == 0:
            self._pending = self.count
        return False


class FixedWindow:
    """At most `limit` hits per key in each aligned window of `window` seconds (a day resets at UTC midnight).

    `clock` is injectable so that a test can run a compressed day.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._used: dict[str, tuple[float, int]] = {}

    def _current(self, key: str) -> tuple[float, int]:
        start = (self.clock() // self.window) * self.window
        window_start, used = self._used.get(key, (start, 0))
        return (start, 0) if window_start != start else (start, used)

    def hit(self, key: str) -> tuple[bool, int, float]:
        """Record a hit; returns (allowed, remaining, epoch of the reset)."""
        start, used = self._current(key)
        if used >= self.limit:
            return False, 0, start + self.window
        self._used[key] = (start, used + 1)
        return True, self.limit - used - 1, start + self.window

    def used(self, key: str) -> int:
        return self._current(key)[1]
