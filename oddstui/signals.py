"""Market signals from live prices: +EV prices, arbitrages, middles and low-hold markets. Pure: no I/O, no UI.

Signals are computed from the store's current quotes: `scan` in one full pass, `Scanner` incrementally (each
refresh recomputes only the markets whose quotes or fixture changed). A signal whose price goes locked, stale,
suspended or settled disappears at the next refresh: only `Store.is_live_price` prices and bookable books count.
Fair prices come from the grid (`market_view.build_grid`: the sharp books in order, else a consensus of at
least three live books), the one implementation of the fair source.

Edge, by kind, as % of the stake:
- ev: fair probability x decimal - 1;
- arb: the guaranteed profit, 1/(sum of 1/decimal) - 1;
- middle: the worst case, what the equal-return stakes lose when the result misses the window;
- hold: minus the market's best-price hold (a market at 1.5% hold has edge -1.5).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import msgspec

from oddstui.devig import DevigMethod
from oddstui.edge import QUARTER_KELLY, Middle, StakeSplit, equal_return_split, kelly_fraction, middle
from oddstui.market_view import (
    NOT_BOOKABLE,
    SHARP_BOOKS,
    FixtureRef,
    GridRow,
    LivePrice,
    Section,
    build_section,
    outcome_sets,
    over_under,
    pair_key,
)
from oddstui.model import Fixture, Quote
from oddstui.odds import OddsError, hold
from oddstui.store import CLOSED, ChangeLog, Store


class SignalKind(StrEnum):
    EV = "ev"
    ARB = "arb"
    MIDDLE = "middle"
    HOLD = "hold"


@dataclass(frozen=True, slots=True)
class ScanSettings:
    method: DevigMethod = DevigMethod.MULTIPLICATIVE
    sharp: tuple[str, ...] = SHARP_BOOKS
    stake: float = 100.0
    """The total stake split across an arbitrage's or a middle's legs."""
    unit: float = 1.0
    """Stakes are rounded to a multiple of this."""
    kelly_multiplier: float = QUARTER_KELLY
    low_hold: float = 0.02
    """A market whose best-price hold is at most this (and not below 0) is a low-hold signal."""
    middle_cost: float = 0.05
    """A middle is shown when a miss costs at most this share of the stake."""


class Leg(msgspec.Struct, frozen=True, gc=False):
    """One price of a signal. A msgspec struct, like a quote: built in C, and never tracked by the garbage
    collector (it holds only scalars)."""

    selection: str
    book: str
    points: float | None
    price_decimal: float
    price_american: int
    fair_decimal: float | None
    fair_source: str | None
    quote_key: str


class Signal(msgspec.Struct, frozen=True, gc=False):
    """A signal of one market. The struct itself (and each Leg) is never tracked by the garbage collector: what
    it holds never refers back to a signal, so it cannot be part of a cycle. What it holds still is where Python
    tracks it: the legs' tuple, and an arbitrage's or middle's StakeSplit and Middle with their tuples."""

    kind: SignalKind
    provider: str
    fixture_id: str
    league: str
    market: str
    player: str
    points: float | None
    """The line of the first leg."""
    legs: tuple[Leg, ...]
    edge_pct: float
    fair_decimal: float | None = None
    """For +EV: the fair price of the leg; the legs carry their own otherwise."""
    fair_source: str | None = None
    kelly: float | None = None
    """For +EV: the share of the bankroll to stake (the configured fraction of Kelly)."""
    hold: float | None = None
    """The market's best-price hold, for arbitrages and low-hold markets."""
    split: StakeSplit | None = None
    """For arbitrages and middles: stakes for the configured total, exact and rounded."""
    middle: Middle | None = None

    @property
    def ref(self) -> FixtureRef:
        return (self.provider, self.fixture_id)

    @property
    def key(self) -> tuple:
        """What the signal is about, whatever its prices: kind, fixture, market and each leg's side, book and line."""
        sides = tuple((leg.selection, leg.book, leg.points) for leg in self.legs)
        return (self.kind.value, self.provider, self.fixture_id, self.market, self.player, sides)


_Make = Callable[..., "Signal"]
"""Builds a signal of one section from its kind, its quotes (the legs), its edge and its kind's fields."""

MarketKey = tuple[str, str, str, str]
"""(provider, fixture_id, market, player): the unit the scanner recomputes (a period is a market of its own)."""


def scan(store: Store, settings: ScanSettings = ScanSettings()) -> list[Signal]:
    """Every signal across the store's fixtures, best edge first: one full pass (what `Scanner` keeps up to date)."""
    signals: list[Signal] = []
    is_live = store.is_live_price
    for fixture in store.all_fixtures():
        ref = (fixture.provider, fixture.fixture_id)
        signals.extend(fixture_signals(ref, fixture, store.fixture_quotes(ref), is_live, settings))
    signals.sort(key=_by_edge)
    return signals


def _by_edge(signal: Signal) -> float:
    return -signal.edge_pct


class Scanner:
    """A store's signals kept up to date: each refresh recomputes only the markets whose quotes changed.

    It reads a change log of its own (`Store.watch`): a quote posted, locked, settled or marked stale makes
    its market dirty; a fixture whose status or details change, or that is evicted, makes all its markets
    dirty; a stream going down or coming back makes every market dirty. A quote's key names one selection of
    one market, as the store assumes. `close` stops the log.
    """

    def __init__(self, settings: ScanSettings = ScanSettings()) -> None:
        self.settings = settings
        self._store: Store | None = None
        self._log: ChangeLog | None = None
        self._members: dict[MarketKey, dict[str, None]] = {}
        """The keys of each market's quotes, in the order the store first saw them."""
        self._by_fixture: dict[FixtureRef, set[MarketKey]] = {}
        self._dirty: dict[MarketKey, None] = {}
        """Markets to recompute, oldest change first."""
        self._found: dict[MarketKey, list[Signal]] = {}
        self._sorted: list[Signal] | None = []
        self.recomputed = 0
        """Markets recomputed by the last refresh."""

    def attach(self, store: Store) -> None:
        """Follow `store` (from scratch: its every market is recomputed at the next refresh)."""
        if store is self._store:
            return
        self.close()
        self._store, self._log = store, store.watch()
        self._members, self._by_fixture, self._found, self._sorted = {}, {}, {}, []

    def close(self) -> None:
        if self._store is not None and self._log is not None:
            self._store.unwatch(self._log)
        self._store = self._log = None
        self._dirty = {}

    @property
    def attached(self) -> bool:
        """True while the scanner follows a store (between `attach` and `close`)."""
        return self._store is not None

    @property
    def pending(self) -> int:
        """Markets changed but not recomputed yet (a refresh with a budget may leave some)."""
        return len(self._dirty)

    def scan(self, store: Store) -> list[Signal]:
        """Every signal across the store's fixtures, best edge first, recomputing what changed since the last call."""
        self.attach(store)
        self.refresh()
        return self.signals()

    def signals(self) -> list[Signal]:
        """The current signals, best edge first; of markets still waiting to be recomputed, only those whose legs
        are all still live (`still_live`)."""
        if self._sorted is None:
            self._sorted = [signal for found in self._found.values() for signal in found]
            self._sorted.sort(key=_by_edge)
        dirty = self._dirty
        if not dirty:
            return list(self._sorted)
        return [
            s for s in self._sorted if (s.provider, s.fixture_id, s.market, s.player) not in dirty or self.still_live(s)
        ]

    def still_live(self, signal: Signal) -> bool:
        """False once a leg's price is no longer live (locked, stale, settled, gone) or its game is suspended or
        over, even before its market is recomputed: a refresh on a budget may leave it waiting."""
        store = self._store
        if store is None:
            return False
        fixture = store.fixture(signal.ref)
        if fixture is None or fixture.status in CLOSED:
            return False
        for leg in signal.legs:
            quote = store.quote(signal.provider, leg.quote_key)
            if quote is None or not store.is_live_price(quote):
                return False
        return True

    def refresh(self, budget: float | None = None) -> bool:
        """Recompute the changed markets, oldest change first, stopping after `budget` seconds (None: all of them).

        True when any signal appeared, changed or went.
        """
        store = self._store
        if store is None or self._log is None:
            raise RuntimeError("the scanner follows no store: attach one first")
        self._take_changes(store, self._log)
        deadline = None if budget is None else time.perf_counter() + budget
        found, dirty = self._found, self._dirty
        order = list(dirty)
        changed = False
        done = 0
        for key in order:
            signals = self._compute(store, key)
            done += 1
            if signals != found.get(key, []):
                changed = True
                if signals:
                    found[key] = signals
                else:
                    del found[key]
            if deadline is not None and time.perf_counter() >= deadline:
                break
        if done == len(order):
            dirty.clear()
        else:
            for key in order[:done]:
                del dirty[key]
        self.recomputed = done
        if changed:
            self._sorted = None
        return changed

    def _take_changes(self, store: Store, log: ChangeLog) -> None:
        quotes, fixtures, everything = log.drain()
        if everything:
            self._rebuild(store)
            return
        members, dirty = self._members, self._dirty
        for quote in quotes:
            key = (quote.provider, quote.fixture_id, quote.market, quote.player)
            keys = members.get(key)
            if keys is None:
                keys = self._join(key)
            keys[quote.key] = None
            dirty[key] = None
        for ref in fixtures:
            for key in self._by_fixture.pop(ref, ()):
                members.pop(key, None)
                dirty[key] = None
            for quote in store.fixture_quotes(ref):
                self._add(quote)

    def _join(self, key: MarketKey) -> dict[str, None]:
        """A market seen for the first time."""
        keys = self._members[key] = {}
        self._by_fixture.setdefault((key[0], key[1]), set()).add(key)
        return keys

    def _add(self, quote: Quote) -> None:
        key = (quote.provider, quote.fixture_id, quote.market, quote.player)
        keys = self._members.get(key)
        if keys is None:
            keys = self._join(key)
        keys[quote.key] = None
        self._dirty[key] = None

    def _rebuild(self, store: Store) -> None:
        """Every market again: those holding signals now, and every market of the store's quotes."""
        self._members, self._by_fixture = {}, {}
        self._dirty = dict.fromkeys(self._found)
        for quote in store.quotes():
            self._add(quote)

    def _compute(self, store: Store, key: MarketKey) -> list[Signal]:
        provider, fixture_id, market, player = key
        keys = self._members.get(key)
        fixture = store.fixture((provider, fixture_id))
        if not keys or fixture is None or fixture.status in CLOSED:
            return []
        get = store.provider_quotes(provider).get
        quotes = []
        for quote_key in keys:
            quote = get(quote_key)
            if quote is not None and quote.market == market and quote.player == player:
                quotes.append(quote)
        if not quotes:
            return []
        # the game is open (checked above): a price is live by its own flags and its stream's health
        live = store.is_live_in_open_game
        return market_signals((provider, fixture_id), fixture, market, player, quotes, live, self.settings)


def fixture_signals(
    ref: FixtureRef,
    fixture: Fixture | None,
    quotes: Iterable[Quote],
    is_live: LivePrice,
    settings: ScanSettings = ScanSettings(),
) -> list[Signal]:
    """The signals of one fixture from its current quotes; none for a suspended or finished fixture."""
    if fixture is not None and fixture.status in CLOSED:
        return []
    markets: dict[tuple[str, str], list[Quote]] = {}
    for quote in quotes:
        markets.setdefault((quote.market, quote.player), []).append(quote)
    signals: list[Signal] = []
    for (market, player), market_quotes in markets.items():
        signals.extend(market_signals(ref, fixture, market, player, market_quotes, is_live, settings))
    return signals


def market_signals(
    ref: FixtureRef,
    fixture: Fixture | None,
    market: str,
    player: str,
    quotes: list[Quote],
    is_live: LivePrice,
    settings: ScanSettings,
) -> list[Signal]:
    """The signals of one market (of one player, for props) of a fixture, from its quotes at every book."""
    section = build_section(market, player, quotes, fixture, settings.sharp, is_live, False, settings.method, False)
    league = fixture.league if fixture is not None else ""
    return _section_signals(ref, league, fixture, section, is_live, settings)


def _section_signals(
    ref: FixtureRef,
    league: str,
    fixture: Fixture | None,
    section: Section,
    is_live: LivePrice,
    settings: ScanSettings,
) -> list[Signal]:
    market, player = section.key
    fairs: dict[int, GridRow] = {}
    priced: list[tuple[Quote, GridRow, float]] = []
    """Quotes on their row's line, with the row and its fair probability."""
    best: dict[str, dict[float | None, Quote]] = {}
    for row in (*section.rows, *section.alternates):
        fair, row_points = row.fair, row.points
        by_line: dict[float | None, Quote] | None = None
        for quote in row.cells.values():
            if quote.book in NOT_BOOKABLE or not is_live(quote):
                continue
            points, decimal = quote.points, quote.decimal
            if fair is not None and points == row_points and id(quote) not in fairs:
                fairs[id(quote)] = row
                priced.append((quote, row, 1.0 / fair))
            if by_line is None:
                by_line = best.setdefault(row.selection, {})
            held = by_line.get(points)
            if held is None or decimal > held.decimal or (decimal == held.decimal and quote.book < held.book):
                by_line[points] = quote

    def leg(quote: Quote) -> Leg:
        row = fairs.get(id(quote))
        fair = None if row is None else row.fair
        source = None if row is None else row.fair_source
        return Leg(quote.selection, quote.book, quote.points, quote.decimal, quote.american, fair, source, quote.key)

    def signal(kind: SignalKind, legs: Sequence[Quote], edge: float, **extra: Any) -> Signal:
        return Signal(
            kind, ref[0], ref[1], league, market, player, legs[0].points, tuple(leg(q) for q in legs), edge, **extra
        )

    signals = [_ev_signal(signal, row, q, settings) for q, row, probability in priced if probability * q.decimal > 1.0]
    for members in outcome_sets(best, fixture):
        if len(members) not in (2, 3):
            continue
        ou = all(over_under(s) is not None for s in members)
        lines: dict[float | None, list[Quote | None]] = {}
        for index, selection in enumerate(members):
            for points, quote in best[selection].items():
                pair = pair_key(points, index, len(members), ou)
                lines.setdefault(pair, [None] * len(members))[index] = quote
        for line in lines.values():
            if all(q is not None for q in line):
                signals.extend(_line_signal(signal, [q for q in line if q is not None], settings))
        if len(members) == 2:
            signals.extend(_middles(signal, [best[s] for s in members], ou, settings))
    return [s for s in signals if s is not None]


def _ev_signal(signal: _Make, row: GridRow, quote: Quote, settings: ScanSettings) -> Signal | None:
    """A +EV signal when the price beats the row's fair price (the leg carries that fair price and its source)."""
    if row.fair is None:
        return None
    probability = 1.0 / row.fair
    value = probability * quote.decimal - 1.0
    if value <= 0.0:
        return None
    try:
        kelly = kelly_fraction(probability, quote.decimal, settings.kelly_multiplier)
    except OddsError:
        return None
    return signal(
        SignalKind.EV, [quote], value * 100.0, fair_decimal=row.fair, fair_source=row.fair_source, kelly=kelly
    )


def _line_signal(signal: _Make, line: list[Quote], settings: ScanSettings) -> list[Signal]:
    """An arbitrage when the best prices of one line hold below zero at two books or more; else a low hold."""
    decimals = [q.decimal for q in line]
    try:
        best_hold = hold(decimals)
    except OddsError:
        return []
    if best_hold < 0.0 and len({q.book for q in line}) > 1:
        split = equal_return_split(decimals, settings.stake, settings.unit)
        return [signal(SignalKind.ARB, line, split.profit / settings.stake * 100.0, hold=best_hold, split=split)]
    if 0.0 <= best_hold <= settings.low_hold:
        return [signal(SignalKind.HOLD, line, -best_hold * 100.0, hold=best_hold)]
    return []


def _middles(signal: _Make, sides: list[dict[float | None, Quote]], ou: bool, settings: ScanSettings) -> list[Signal]:
    """Pairs of lines, one per side at different books, that both win for a result inside their window.

    Totals: Over a and Under b win together for a < result < b. Spreads: A at +a and B at b win together
    when B's winning margin lies in (-b, a).
    """
    found: list[Signal] = []
    first, second = sides
    for points_a, quote_a in first.items():
        for points_b, quote_b in second.items():
            if points_a is None or points_b is None or quote_a.book == quote_b.book:
                continue
            if ou:
                over, under = (quote_a, quote_b) if over_under(quote_a.selection) == 0 else (quote_b, quote_a)
                low, high, low_leg, high_leg = over.points, under.points, over, under
            else:
                low, high, low_leg, high_leg = -points_b, points_a, quote_b, quote_a
            if low is None or high is None or not low < high:
                continue
            if 1.0 - 1.0 / (1.0 / low_leg.decimal + 1.0 / high_leg.decimal) > settings.middle_cost:
                continue  # a miss would cost more than allowed: 1 - 1/(sum of 1/decimal) of the stake
            try:
                window = middle(low_leg.decimal, low, high_leg.decimal, high, settings.stake, settings.unit)
            except (OddsError, ValueError):
                continue
            if -window.split.profit <= settings.middle_cost * settings.stake:
                edge = window.split.profit / settings.stake * 100.0
                found.append(signal(SignalKind.MIDDLE, [low_leg, high_leg], edge, split=window.split, middle=window))
    return found
