"""Paced REST calls: wait out an exhausted X-RateLimit window before asking; statuses mapped once."""

from __future__ import annotations

import asyncio
import time

import httpx

from oddstui.providers.backoff import parse_reset
from oddstui.providers.errors import failure_for_status


class PacedClient:
    """GETs that wait out an exhausted window; every status goes through `failure_for_status`.

    A 429 is raised as `RateLimited` rather than retried here, so the stream's health shows it.
    """

    def __init__(self, http: httpx.AsyncClient, name: str, max_wait: float = 60.0, key_hint: str = "") -> None:
        self.http = http
        self.name = name
        self.max_wait = max_wait
        self.key_hint = key_hint or f"check the {name} API key"
        self.remaining: int | None = None
        self.reset_at: float | None = None

    async def get(self, path: str, params: dict | list | None = None) -> httpx.Response:
        if self.remaining == 0 and self.reset_at is not None:
            await asyncio.sleep(min(max(self.reset_at - time.time(), 0.0), self.max_wait))
        response = await self.http.get(path, params=params)
        self._note_limits(response)
        failure = failure_for_status(response, self.name, self.key_hint, max_wait=self.max_wait)
        if failure is not None:
            raise failure
        return response

    def _note_limits(self, response: httpx.Response) -> None:
        remaining = response.headers.get("x-ratelimit-remaining", "").strip()
        if remaining.isascii() and remaining.isdigit():
            self.remaining = int(remaining)
        reset = parse_reset(response.headers.get("x-ratelimit-reset"), time.time())
        if reset is not None:
            self.reset_at = reset
