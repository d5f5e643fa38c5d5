"""Line history: each price's opening value and a bounded trail of its moves, with times.

Pure Python, no I/O and no UI. The store calls `record` only when a price, its line or its lock changed,
so a price that never moves costs nothing here. Memory stays bounded on days-long runs: each price keeps at
most `per_price` entries (its oldest fold away; the opening value stays), and all prices together at most
`total` (the oldest entries across every price go first). `forget` drops the histories of evicted quotes.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from collections.abc import Iterable
from typing import NamedTuple

from oddstui.model import Quote

MOVES_PER_PRICE = 48
"""Entries a price keeps; older ones fold away, counted in `moves`."""
TOTAL_MOVES = 1_000_000
"""Entries kept across every price: about 32 bytes each (three floats and a place in the expiry order)."""
_WIDTH = 3
"""An entry is three floats: the time, the decimal price (negative while locked), the line (NaN without one)."""


class Move(NamedTuple):
    """One entry of a trail: a price or line change, or a lock starting or ending."""

    ts: float
    decimal: float
    points: float | None
    locked: bool


def _points(value: float) -> float | None:
    return None if math.isnan(value) else value


class PriceHistory:
    """One price's opening value, its last moves (oldest first) and how many moves it made in all."""

    __slots__ = ("entries", "moves", "open_decimal", "open_locked", "open_points", "refs")

    def __init__(self, decimal: float, points: float | None, locked: bool) -> None:
        self.open_decimal = decimal
        self.open_points = points
        self.open_locked = locked
        self.entries = array("d")
        self.moves = 0
        """Price or line changes since the opening, folded ones included (lock marks are not moves)."""
        self.refs = 0
        """Entries appended and not yet expired by the total budget: never fewer than those held."""

    def trail(self) -> list[Move]:
        """The entries held, oldest first."""
        entries = self.entries
        return [
            Move(entries[i], abs(entries[i + 1]), _points(entries[i + 2]), entries[i + 1] < 0)
            for i in range(0, len(entries), _WIDTH)
        ]

    def series(self) -> tuple[list[float], list[bool]]:
        """Decimal prices from the opening to the last entry, and whether each was locked (for a chart)."""
        trail = self.trail()
        return [self.open_decimal, *(m.decimal for m in trail)], [self.open_locked, *(m.locked for m in trail)]

    def __len__(self) -> int:
        return len(self.entries) // _WIDTH


class LineHistory:
    """Every price's history, by provider and quote key, under a cap per price and a total budget."""

    def __init__(self, per_price: int = MOVES_PER_PRICE, total: int = TOTAL_MOVES) -> None:
        if per_price < 1 or total < 1:
            raise ValueError("history caps must be at least 1")
        self.per_price = per_price
        self.total = total
        self._tables: dict[str, dict[str, PriceHistory]] = {}
        self._order: deque[PriceHistory] = deque()
        """One reference per entry appended, oldest first: the total budget expires from the left."""

    def table(self, provider: str) -> dict[str, PriceHistory]:
        """The provider's histories by quote key: fetched once per batch on the store's hot path."""
        table = self._tables.get(provider)
        if table is None:
            table = self._tables[provider] = {}
        return table

    def record(self, table: dict[str, PriceHistory], prev: Quote, quote: Quote, now: float) -> None:
        """`quote` replaces `prev` with another price, line or lock: append it; the first time, `prev` opens."""
        history = table.get(quote.key)
        if history is None:
            history = table[quote.key] = PriceHistory(prev.decimal, prev.points, prev.locked)
        if quote.decimal != prev.decimal or quote.points != prev.points:
            history.moves += 1
        entries = history.entries
        entries.extend(
            (now, -quote.decimal if quote.locked else quote.decimal, math.nan if quote.points is None else quote.points)
        )
        if len(entries) > self.per_price * _WIDTH:
            del entries[:_WIDTH]
        history.refs += 1
        order = self._order
        order.append(history)
        if len(order) > self.total:
            self._expire(len(order) - self.total)

    def _expire(self, count: int) -> None:
        """Drop the `count` oldest entries across every price (some may already have folded away)."""
        popleft = self._order.popleft
        for _ in range(count):
            history = popleft()
            history.refs -= 1
            if len(history.entries) > history.refs * _WIDTH:
                del history.entries[:_WIDTH]

    def of(self, quote: Quote) -> PriceHistory | None:
        """The quote's history; None while its price has not moved since it was first seen."""
        table = self._tables.get(quote.provider)
        return None if table is None else table.get(quote.key)

    def opening(self, quote: Quote) -> tuple[float, float | None] | None:
        """(decimal, line) the quote opened at, when it has moved since; else None."""
        history = self.of(quote)
        return None if history is None else (history.open_decimal, history.open_points)

    def forget(self, provider: str, keys: Iterable[str]) -> None:
        """Drop the histories of quotes the store evicted; their places in the expiry order drain harmlessly."""
        table = self._tables.get(provider)
        if not table:
            return
        for key in keys:
            history = table.pop(key, None)
            if history is not None:
                del history.entries[:]

    def __len__(self) -> int:
        """How many prices have a history."""
        return sum(len(table) for table in self._tables.values())

    @property
    def entries(self) -> int:
        """Entries held across every price (at most `total`)."""
        return sum(len(history) for table in self._tables.values() for history in table.values())
