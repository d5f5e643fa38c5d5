"""Line history: each price's opening value and a bounded trail of its moves, with times.

Pure Python, no I/O and no UI. The store calls `record` only when a price, its line or its lock changed,
so a price that never moves costs nothing here. Memory stays bounded on days-long runs, in flat arrays
rather than an object per price or per move:

- every move goes into one ring of `total` entries shared by all prices: when it is full, the oldest entry
  across every price is overwritten, so the whole history never holds more than `total` moves. The ring is
  reserved whole when the first price moves, so its memory is fixed from then on: filled over the run
  instead, it grew the process for the first quarter hour of a busy slate (a steady market, a growing heap);
- each price links its entries newest first and shows at most its last `per_price`; its opening value is
  kept apart, so it outlives its moves;
- a price is known by an id that its quote carries (`Quote.history`, handed on by the store to each quote
  that replaces it), so recording a move looks nothing up;
- `forget` drops the prices the store evicted; their ids are reused and their entries become unreachable.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from oddstui.model import Quote

MOVES_PER_PRICE = 48
"""The most moves one price shows; older ones fold away (still counted in `moves`)."""
TOTAL_MOVES = 1_000_000
"""Entries in the ring shared by every price: 32 bytes each (time, price, line, link), 32 MB in all."""
NONE = -1
"""No entry: a price whose moves all left the ring."""
NAN = math.nan
"""The line of a price without one."""


class Move(NamedTuple):
    """One entry of a trail: a price or line change, or a lock starting or ending."""

    ts: float
    decimal: float
    points: float | None
    locked: bool


@dataclass(slots=True, frozen=True)
class PriceHistory:
    """What one price did: where it opened, its last moves (oldest first) and how many moves it made in all."""

    open_decimal: float
    open_points: float | None
    open_locked: bool
    moves: int
    """Price or line changes since the opening, folded ones included (lock marks are not moves)."""
    trail: tuple[Move, ...]

    def series(self) -> tuple[list[float], list[bool]]:
        """Decimal prices from the opening to the last move, and whether each was locked (for a chart)."""
        return (
            [self.open_decimal, *(m.decimal for m in self.trail)],
            [self.open_locked, *(m.locked for m in self.trail)],
        )

    def __len__(self) -> int:
        return len(self.trail)


def _line(value: float) -> float | None:
    return None if math.isnan(value) else value


class LineHistory:
    """Every price's history, by provider and quote key, under a cap per price and a total budget."""

    def __init__(self, per_price: int = MOVES_PER_PRICE, total: int = TOTAL_MOVES) -> None:
        if per_price < 1 or total < 1:
            raise ValueError("history caps must be at least 1")
        self.per_price = per_price
        self.total = total
        self._free: list[int] = []
        # Per price, by id: the opening (decimal, negative while locked; line, NaN for none), the hash of its
        # key (an id is reused after `forget`), and side by side the newest entry's sequence number and the
        # number of moves.
        self._open = array("d")
        self._open_points = array("d")
        self._key_hash = array("q")
        self._state = array("q")
        # The ring, by sequence number modulo `total`: time, decimal (negative while locked), line, and the
        # sequence number of the same price's entry before it.
        self._ts = array("d")
        self._price = array("d")
        self._points = array("d")
        self._before = array("q")
        self._seq = 0

    def record(self, prev: Quote, quote: Quote, now: float) -> int:
        """`quote` replaces `prev` with another price, line or lock: append it (the first time, `prev` opens).

        Returns the price's id, for the store to hand on in `quote.history`.
        """
        price_id = prev.history
        if price_id < 0:
            price_id = self._open_price(prev)
        state = self._state
        head = 2 * price_id
        points = quote.points
        if quote.decimal != prev.decimal or points != prev.points:
            state[head + 1] += 1
        seq = self._seq
        self._seq = seq + 1
        slot = seq % self.total
        self._ts[slot] = now
        self._price[slot] = -quote.decimal if quote.locked else quote.decimal
        self._points[slot] = NAN if points is None else points
        self._before[slot] = state[head]
        state[head] = seq
        return price_id

    def _open_price(self, quote: Quote) -> int:
        """A new price id, opening at `quote` (the first one reserves the ring)."""
        if not self._ts:
            self._ts, self._price, self._points = (array("d", [0.0]) * self.total for _ in range(3))
            self._before = array("q", [NONE]) * self.total
        decimal = -quote.decimal if quote.locked else quote.decimal
        line = NAN if quote.points is None else quote.points
        if self._free:
            price_id = self._free.pop()
            self._open[price_id], self._open_points[price_id] = decimal, line
            self._key_hash[price_id] = hash(quote.key)
            self._state[2 * price_id], self._state[2 * price_id + 1] = NONE, 0
            return price_id
        self._open.append(decimal)
        self._open_points.append(line)
        self._key_hash.append(hash(quote.key))
        self._state.extend((NONE, 0))
        return len(self._open) - 1

    def _id(self, quote: Quote) -> int | None:
        """The quote's price id, unless it has none or it was forgotten (and perhaps reused) since."""
        price_id = quote.history
        if price_id < 0 or price_id >= len(self._open) or self._key_hash[price_id] != hash(quote.key):
            return None
        return price_id

    def of(self, quote: Quote) -> PriceHistory | None:
        """The quote's history; None while its price has not moved since it was first seen."""
        price_id = self._id(quote)
        if price_id is None:
            return None
        trail: list[Move] = []
        first = self._seq - self.total  # the oldest entry still in the ring; those before were overwritten
        seq = self._state[2 * price_id]
        while seq != NONE and seq >= first and len(trail) < self.per_price:
            slot = seq % self.total
            price = self._price[slot]
            trail.append(Move(self._ts[slot], abs(price), _line(self._points[slot]), price < 0))
            seq = self._before[slot]
        trail.reverse()
        opened, moves = self._open[price_id], self._state[2 * price_id + 1]
        return PriceHistory(abs(opened), _line(self._open_points[price_id]), opened < 0, moves, tuple(trail))

    def opening(self, quote: Quote) -> tuple[float, float | None] | None:
        """(decimal, line) the quote opened at, when it has moved since; else None."""
        price_id = self._id(quote)
        if price_id is None:
            return None
        return abs(self._open[price_id]), _line(self._open_points[price_id])

    def forget(self, quotes: Iterable[Quote]) -> None:
        """Drop the histories of quotes the store evicted; their ids are reused, their entries left to expire."""
        for quote in quotes:
            price_id = self._id(quote)
            if price_id is not None:
                self._key_hash[price_id] = 0
                self._state[2 * price_id] = NONE
                self._free.append(price_id)

    def __len__(self) -> int:
        """How many prices have a history."""
        return len(self._open) - len(self._free)

    @property
    def entries(self) -> int:
        """Ring entries in use (at most `total`), including those no price shows any more."""
        return min(self._seq, self.total)


class NoHistory(LineHistory):
    """A history that records nothing, for headless runs that never show one: every quote keeps no id."""

    def __init__(self) -> None:
        super().__init__(per_price=1, total=1)

    def record(self, prev: Quote, quote: Quote, now: float) -> int:
        return NONE
