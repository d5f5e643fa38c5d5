"""Reconnect delays: exponential with full jitter, floors from `retry:` and 429s, and Retry-After parsing."""

from __future__ import annotations

import email.utils
import math
import random
import time
from datetime import UTC

MAX_FLOOR = 900.0
"""The longest any server-given floor (`retry:`, Retry-After) may hold a reconnect back."""


class Backoff:
    """Exponential backoff from `base` to `cap` seconds with jitter; `reset()` after a healthy connection."""

    def __init__(self, base: float = 1.0, cap: float = 60.0, rng: random.Random | None = None) -> None:
        self.base = base
        self.cap = cap
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self, floor: float = 0.0) -> float:
        """The wait before the next attempt: at least `floor` (kept within 0..MAX_FLOOR), growing with each failure."""
        floor = min(max(floor, 0.0), MAX_FLOOR) if math.isfinite(floor) else MAX_FLOOR
        ceiling = min(self.cap, self.base * 2**self.attempt)
        self.attempt += 1
        return max(floor, ceiling / 2 + self._rng.uniform(0, ceiling / 2))

    def reset(self) -> None:
        self.attempt = 0


def clamp_retry_field(value: int | None, cap_ms: int = 60_000) -> float:
    """The SSE `retry:` value in seconds, clamped to 0..cap; `iter_sse` has already dropped non-digit values."""
    if value is None:
        return 0.0
    return min(max(value, 0), cap_ms) / 1000


def parse_retry_after(value: str | None, default: float, cap: float = 300.0) -> float:
    """Retry-After as delay-seconds or an HTTP date, clamped to 0..cap; `default` if missing or unreadable.

    Only ASCII digits count as seconds (`-5`, `1e9`, `NaN` are unreadable); a date in the past is 0.
    """
    text = (value or "").strip()
    if not text:
        return default
    if text.isascii() and text.isdigit():
        return min(float(text), cap)
    try:
        when = email.utils.parsedate_to_datetime(text)
        seconds = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp() - time.time()
    except (TypeError, ValueError, OverflowError, IndexError):
        return default
    return min(max(seconds, 0.0), cap)


MAX_RESET_AHEAD = 90_000.0
"""The furthest ahead a rate-limit window may reset: the longest documented window is a day (plus clock skew)."""


def parse_reset(value: str | None, now: float) -> float | None:
    """X-RateLimit-Reset as an absolute time: epoch seconds, epoch ms, or seconds from now.

    None when missing, unreadable, not a finite number, or further ahead than any plan's window
    (a made-up window would set a pace no plan has).
    """
    try:
        number = float((value or "").strip())
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    if number > 1e12:
        number /= 1000
    elif number <= 1e9:
        number += now
    return number if number - now <= MAX_RESET_AHEAD else None
