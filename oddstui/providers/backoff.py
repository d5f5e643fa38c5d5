"""Reconnect delays: exponential with full jitter, floors from `retry:` and 429s, and Retry-After parsing."""

from __future__ import annotations

import email.utils
import random
import time


class Backoff:
    """Exponential backoff from `base` to `cap` seconds with jitter; `reset()` after a healthy connection."""

    def __init__(self, base: float = 1.0, cap: float = 60.0, rng: random.Random | None = None) -> None:
        self.base = base
        self.cap = cap
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self, floor: float = 0.0) -> float:
        """The wait before the next attempt: at least `floor`, growing with each failure."""
        ceiling = min(self.cap, self.base * 2**self.attempt)
        self.attempt += 1
        return max(floor, ceiling / 2 + self._rng.uniform(0, ceiling / 2))

    def reset(self) -> None:
        self.attempt = 0


def clamp_retry_field(value: int | None, cap_ms: int = 60_000) -> float:
    """The SSE `retry:` value in seconds, clamped to 0..cap (httpx-sse accepts '-1' and '+5')."""
    if value is None:
        return 0.0
    return min(max(value, 0), cap_ms) / 1000


def parse_retry_after(value: str | None, default: float, cap: float = 300.0) -> float:
    """Retry-After as seconds or an HTTP date, clamped to 0..cap; `default` if missing or unreadable."""
    if not value:
        return default
    text = value.strip()
    if text.isdigit():
        return min(float(text), cap)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return default
    return min(max(when.timestamp() - time.time(), 0.0), cap)


def parse_reset(value: str | None, now: float) -> float | None:
    """X-RateLimit-Reset as an absolute time: epoch seconds, epoch ms, or seconds from now."""
    if not value:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number > 1e12:
        return number / 1000
    if number > 1e9:
        return number
    return now + max(number, 0.0)
