"""Paced REST calls: honour 429 Retry-After and wait out an exhausted X-RateLimit window."""

from __future__ import annotations

import asyncio
import time

import httpx

from oddstui.providers.backoff import parse_reset, parse_retry_after
from oddstui.providers.errors import AuthFailed, StreamFailed


class PacedClient:
    def __init__(self, http: httpx.AsyncClient, name: str, max_wait: float = 60.0) -> None:
        self.http = http
        self.name = name
        self.max_wait = max_wait
        self.remaining: int | None = None
        self.reset_at: float | None = None

    async def get(self, path: str, params: dict | list | None = None, attempts: int = 5) -> httpx.Response:
        for _ in range(attempts):
            if self.remaining == 0 and self.reset_at is not None:
                await asyncio.sleep(min(max(self.reset_at - time.time(), 0.0), self.max_wait))
            response = await self.http.get(path, params=params)
            self._note_limits(response)
            if response.status_code == 429:
                await asyncio.sleep(parse_retry_after(response.headers.get("retry-after"), 1.0, self.max_wait))
                continue
            if response.status_code in (401, 403):
                raise AuthFailed(f"{self.name} refused the API key (HTTP {response.status_code})")
            if response.status_code >= 400:
                raise StreamFailed(f"{self.name} {path}: HTTP {response.status_code}")
            return response
        raise StreamFailed(f"{self.name} {path}: still rate limited after {attempts} attempts")

    def _note_limits(self, response: httpx.Response) -> None:
        remaining = response.headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.strip().isdigit():
            self.remaining = int(remaining)
        reset = parse_reset(response.headers.get("x-ratelimit-reset"), time.time())
        if reset is not None:
            self.reset_at = reset
