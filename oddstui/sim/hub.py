"""The simulator's event log: the market's events with entry ids, fanned out to every connection."""

from __future__ import annotations

import asyncio
import bisect
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from oddstui.sim.faults import NO_FAULTS, FaultPlan
from oddstui.sim.market import Market, MarketEvent, PriceBatch

PUMP_SLICE = 0.01
"""Longest the pump steps the market before it lets connections send (a firehose must not starve them)."""
RETENTION_MS = 120_000
"""How far back the log can be replayed (real services keep seconds: about 30 s at OpticOdds)."""


@dataclass(slots=True)
class Entry:
    seq: int
    entry_id: str
    ms: int
    event: MarketEvent


class Hub:
    """Runs the market at a rate and keeps a bounded, replayable log of its events."""

    def __init__(
        self,
        market: Market,
        *,
        rate: float = 200.0,
        capacity: int = 200_000,
        retention_ms: int = RETENTION_MS,
        faults: FaultPlan = NO_FAULTS,
    ) -> None:
        self.market = market
        self.rate = rate
        self.faults = faults
        self.capacity = capacity
        self.retention_ms = retention_ms
        self.entries: list[Entry] = []
        self.base_seq = 1
        """Seq of entries[0]."""
        self.next_seq = 1
        self.epoch = 0
        """Bumped by a simulated restart."""
        self.paused = False
        self._last_ms = 0
        self._wakeup = asyncio.Event()
        self._restart_listeners: list[asyncio.Event] = []

    # --- writing --------------------------------------------------------------

    def step(self) -> int:
        """Advance the market one tick and publish all it made at once; returns how many price updates it made."""
        return self._publish(self.market.step())

    def _publish(self, events: Iterable[MarketEvent]) -> int:
        """Append `events` to the log in order and wake the connections; returns how many price updates they hold."""
        updates = 0
        now_ms = max(self._last_ms, int(time.time() * 1000))
        self._last_ms = now_ms
        for event in events:
            self.entries.append(Entry(self.next_seq, f"{now_ms}-{self.next_seq}", now_ms, event))
            self.next_seq += 1
            if isinstance(event, PriceBatch):
                updates += len(event.items)
            if self.faults.restart_every and self.next_seq % self.faults.restart_every == 0:
                self.restart()
        self._trim(now_ms)
        self._wakeup.set()
        self._wakeup = asyncio.Event()
        return updates

    def _trim(self, now_ms: int) -> None:
        """Keep the log bounded in length and in age, so that a days-long run holds a steady amount of it.

        Trimmed in chunks (beyond twice the capacity, or a tenth past the retention) rather than per step.
        """
        entries = self.entries
        drop = len(entries) - self.capacity if len(entries) > 2 * self.capacity else 0
        if entries and entries[0].ms < now_ms - self.retention_ms * 11 // 10:
            drop = max(drop, bisect.bisect_left(entries, now_ms - self.retention_ms, key=lambda e: e.ms))
        if drop:
            del entries[:drop]
            self.base_seq += drop

    def restart(self) -> None:
        """A simulated server restart: every connection drops, and the epoch changes."""
        self.epoch += 1
        for listener in self._restart_listeners:
            listener.set()

    def restart_signal(self) -> asyncio.Event:
        """An event set at the next restart; call `forget` when the connection ends."""
        signal = asyncio.Event()
        self._restart_listeners.append(signal)
        return signal

    def forget(self, signal: asyncio.Event) -> None:
        self._restart_listeners.remove(signal)

    async def run(self, stop_after: int | None = None) -> None:
        """Pump the market at `rate` price updates per second until cancelled.

        One market tick reprices every game at once (about 6,000 updates over 200 games). Published whole,
        the board would move in one wave and then stand still until the next; a real feed moves a game at a
        time, all the time. So the pump releases a tick's events in their order, as fast as the rate allows.
        """
        started = time.perf_counter()
        produced = 0
        backlog: deque[MarketEvent] = deque()
        while stop_after is None or produced < stop_after:
            if self.paused:
                await asyncio.sleep(0.05)
                started, produced = time.perf_counter(), 0
                continue
            now = time.perf_counter()
            target = (now - started) * self.rate
            released: list[MarketEvent] = []
            while (
                produced < target
                and (stop_after is None or produced < stop_after)
                and time.perf_counter() - now < PUMP_SLICE
            ):
                if not backlog:
                    backlog.extend(self.market.step())
                    continue  # a tick with nothing in it still takes its time from the slice
                event = backlog.popleft()
                released.append(event)
                if isinstance(event, PriceBatch):
                    produced += len(event.items)
            if released:
                self._publish(released)
            await asyncio.sleep(0.02 if produced >= target else 0)
        if backlog:  # the market has moved the whole tick: sent whole, its state is what it has sent
            self._publish(backlog)

    # --- reading --------------------------------------------------------------

    @property
    def head(self) -> int:
        """Seq of the newest entry (0 before any)."""
        return self.next_seq - 1

    def seq_of(self, entry_id: str) -> int | None:
        _, sep, seq = entry_id.rpartition("-")
        return int(seq) if sep and seq.isdigit() else None

    def after(self, seq: int, limit: int = 2000) -> list[Entry]:
        """Entries with a seq above `seq` (from the oldest retained one if `seq` is older)."""
        start = max(0, seq + 1 - self.base_seq)
        return self.entries[start : start + limit]

    def entry_at(self, seq: int) -> Entry | None:
        index = seq - self.base_seq
        return self.entries[index] if 0 <= index < len(self.entries) else None

    async def wait(self, seq: int, timeout: float) -> bool:
        """Wait until an entry beyond `seq` exists; False on timeout."""
        if self.head > seq:
            return True
        try:
            await asyncio.wait_for(self._wakeup.wait(), timeout)
        except TimeoutError:
            return False
        return True
