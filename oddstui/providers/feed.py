"""The bounded hand-off between provider clients and whoever applies events to the store.

Events pass through in arrival order while the consumer keeps up. Once the backlog holds more
quotes than the market it has already folded, it is folded: prices coalesce to the latest per key
and scores to the latest per fixture, so memory stays bounded by about twice the size of the market
however slow the consumer is. Other events (fixture changes, health) keep their order and are few.
A stale mark keeps its place after the prices it follows: a fold never lets an older price undo it.
A game that ends (or is called off) takes its folded prices with it, so games that come and go while
the consumer is stalled do not pile up: its locks become a stale mark, so no price of it turns live.
"""

from __future__ import annotations

import asyncio
from collections import deque

from oddstui.model import (
    Event,
    FixtureChanged,
    FixtureUpserted,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    ScoreUpdated,
)

MIN_BACKLOG = 64
"""Quotes (or events) that may wait unfolded before the feed has seen how large the market is."""


class Feed:
    def __init__(self, max_other: int = 50_000) -> None:
        self._backlog: list[Event] = []
        self._backlog_quotes = 0
        self._fold_at = MIN_BACKLOG
        """The most distinct keys a fold has held: the backlog may grow to the size of the market."""
        self._prices: dict[tuple[str, str], tuple[Quote, bool]] = {}
        self._scores: dict[tuple[str, str], ScoreUpdated] = {}
        self._stale_after: dict[tuple[str, str], set[str]] = {}
        """Keys marked stale after their folded price, per (stream, provider): drained after the prices."""
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
            self.quote_updates += len(event.quotes)
            self._backlog_quotes += len(event.quotes)
        self._backlog.append(event)
        if self._backlog_quotes > self._fold_at or len(self._backlog) > MIN_BACKLOG:
            self._fold()
        self._ready.set()

    def _fold(self) -> None:
        """Coalesce the backlog into the latest price per key and score per fixture."""
        prices = self._prices
        departed: set[tuple[str, str]] = set()
        for event in self._backlog:
            if isinstance(event, QuotesPosted | QuotesLocked):
                locked = isinstance(event, QuotesLocked)
                for quote in event.quotes:
                    prices[(quote.provider, quote.key)] = (quote, locked)
                    if self._stale_after:
                        self._stale_after.get((quote.stream, quote.provider), set()).discard(quote.key)
            elif isinstance(event, QuotesMarkedStale):
                self._fold_stale(event)
            elif isinstance(event, ScoreUpdated):
                self._scores[(event.provider, event.fixture_id)] = event
            else:
                self._keep(event)
                if isinstance(event, FixtureChanged | FixtureUpserted):
                    _note_departure(event, departed)
        if departed:
            self._drop_departed(departed)
        self._backlog = []
        self._backlog_quotes = 0
        self._fold_at = max(self._fold_at, len(self._prices))

    def _fold_stale(self, event: QuotesMarkedStale) -> None:
        """Keys with a folded price are marked after it; the rest keep the event's place among the others."""
        folded = [key for key in event.keys if (event.provider, key) in self._prices]
        if folded:
            self._stale_after.setdefault((event.stream, event.provider), set()).update(folded)
        if len(folded) < len(event.keys):
            rest = [key for key in event.keys if (event.provider, key) not in self._prices]
            self._keep(QuotesMarkedStale(event.stream, event.provider, rest))

    def _drop_departed(self, departed: set[tuple[str, str]]) -> None:
        """Games that ended leave the fold: their prices are dropped, and their locks queued as a stale mark."""
        locked: dict[tuple[str, str], list[str]] = {}
        for key, (quote, is_lock) in list(self._prices.items()):
            if (quote.provider, quote.fixture_id) in departed:
                del self._prices[key]
                if is_lock:
                    locked.setdefault((quote.stream, quote.provider), []).append(quote.key)
        for (stream, provider), keys in locked.items():
            self._keep(QuotesMarkedStale(stream, provider, keys))

    def _keep(self, event: Event) -> None:
        """Queue a non-price event in order, dropping the oldest once the consumer is too far behind."""
        if len(self._other) >= self._max_other:
            self._other.popleft()
            self.dropped += 1
        self._other.append(event)

    @property
    def pending(self) -> int:
        """Events and quotes waiting for the consumer."""
        stale = sum(len(keys) for keys in self._stale_after.values())
        return (
            len(self._prices) + len(self._scores) + len(self._other) + len(self._backlog) + self._backlog_quotes + stale
        )

    def drain(self) -> list[Event]:
        """Everything put since the last drain: what was folded (one price batch per stream and kind), then the rest."""
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
        events += [
            QuotesMarkedStale(stream, provider, sorted(keys))
            for (stream, provider), keys in self._stale_after.items()
            if keys
        ]
        self._stale_after = {}
        events += self._backlog
        self._backlog = []
        self._backlog_quotes = 0
        self._ready.clear()
        return events

    async def wait(self, timeout: float | None = None) -> bool:
        """Wait until something is pending; False on timeout."""
        if self.pending:
            return True
        try:
            async with asyncio.timeout(timeout):
                await self._ready.wait()
        except TimeoutError:
            return False
        return True


def _note_departure(event: FixtureChanged | FixtureUpserted, departed: set[tuple[str, str]]) -> None:
    """Add a game that ended or was called off to `departed`; take one that is back on (a status undone) off it."""
    if isinstance(event, FixtureChanged):
        status, ref = event.change.new_status, (event.change.provider, event.change.fixture_id)
    else:
        status, ref = event.fixture.status, (event.fixture.provider, event.fixture.fixture_id)
    if status is not None and status.is_terminal:
        departed.add(ref)
    elif status is not None:
        departed.discard(ref)
