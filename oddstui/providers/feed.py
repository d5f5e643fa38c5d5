"""The bounded hand-off between provider clients and whoever applies events to the store.

Prices coalesce to the latest per key and scores to the latest per fixture, so memory
stays bounded by the size of the market however slow the consumer is; other events
(fixture changes, health) keep their order and are few.
"""

from __future__ import annotations

import asyncio
from collections import deque

from oddstui.model import Event, Quote, QuotesLocked, QuotesPosted, ScoreUpdated


class Feed:
    def __init__(self, max_other: int = 50_000) -> None:
        self._prices: dict[tuple[str, str], tuple[Quote, bool]] = {}
        self._scores: dict[tuple[str, str], ScoreUpdated] = {}
        self._other: deque[Event] = deque()
        self._max_other = max_other
        self._ready = asyncio.Event()
        self.data_events = 0
        """Data events put so far (price, fixture and score events; not health)."""
        self.quote_updates = 0
        """Prices and locks put so far, one per quote."""
        self.dropped = 0
        """Non-price events dropped because the consumer fell too far behind."""

    def put(self, event: Event, data: bool = True) -> None:
        if data:
            self.data_events += 1
        if isinstance(event, QuotesPosted | QuotesLocked):
            locked = isinstance(event, QuotesLocked)
            self.quote_updates += len(event.quotes)
            prices = self._prices
            for quote in event.quotes:
                prices[(quote.provider, quote.key)] = (quote, locked)
        elif isinstance(event, ScoreUpdated):
            self._scores[(event.provider, event.fixture_id)] = event
        else:
            if len(self._other) >= self._max_other:
                self._other.popleft()
                self.dropped += 1
            self._other.append(event)
        self._ready.set()

    @property
    def pending(self) -> int:
        return len(self._prices) + len(self._scores) + len(self._other)

    def drain(self) -> list[Event]:
        """Everything put since the last drain, prices coalesced into one batch per stream and kind."""
        events: list[Event] = list(self._other)
        self._other.clear()
        events += self._scores.values()
        self._scores = {}
        batches: dict[tuple[str, bool], list[Quote]] = {}
        for quote, locked in self._prices.values():
            batches.setdefault((quote.stream, locked), []).append(quote)
        self._prices = {}
        for (stream, locked), quotes in batches.items():
            events.append(QuotesLocked(stream, None, quotes) if locked else QuotesPosted(stream, None, quotes))
        self._ready.clear()
        return events

    async def wait(self, timeout: float | None = None) -> bool:
        """Wait until something is pending; False on timeout."""
        if self.pending:
            return True
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            return False
        return True
