"""Failures a provider client reports, with messages safe to show (no keys, no payloads)."""

from __future__ import annotations


class StreamFailed(Exception):
    """A connection failed in a way worth a reconnect (after a backoff)."""


class AuthFailed(Exception):
    """401/403 or a refused login: shown once, never retried."""


class RateLimited(Exception):
    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait

