"""Line history: openings kept, moves capped per price and in total, lock marks, eviction with the store."""

import math

import pytest

from oddstui.history import LineHistory, Move, NoHistory
from oddstui.model import Fixture, FixtureStatus, Quote
from oddstui.odds import american_to_decimal
from oddstui.store import Store
from tests.factories import american_quote

S = "opticodds:odds:basketball"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def price(american: int, key: str = "k1", points: float | None = None, fixture_id: str = "F1") -> Quote:
    spread = ("Pinnacle", "Point Spread", "Celtics", american, points)
    return american_quote(*spread, provider="opticodds", fixture_id=fixture_id, key=key, stream=S)


def game(status: FixtureStatus = FixtureStatus.UNPLAYED) -> Fixture:
    return Fixture("opticodds", "F1", "basketball", "NBA", "Boston Celtics", "Miami Heat", 1_000_000.0, status)


class Prices:
    """Moves prices as the store does: each new quote carries the history id of the quote it replaces."""

    def __init__(self, history: LineHistory) -> None:
        self.history = history
        self.latest: dict[str, Quote] = {}

    def move(self, key: str, american: int, ts: float, points: float | None = None) -> Quote:
        new = price(american, key=key, points=points)
        prev = self.latest.get(key)
        if prev is not None:
            new.history = self.history.record(prev, new, ts)
        self.latest[key] = new
        return new

    def of(self, key: str):
        return self.history.of(self.latest[key])


# --- the module on its own ------------------------------------------------------------


def test_the_first_move_opens_the_history_with_the_price_it_replaced():
    history = LineHistory()
    prices = Prices(history)
    prices.move("k1", -110, 0.0, points=-3.5)
    assert prices.of("k1") is None  # not moved yet: no history, no cost
    prices.move("k1", -125, 10.0, points=-3.5)
    now = prices.move("k1", -120, 20.0, points=-4.0)
    kept = prices.of("k1")
    assert (kept.open_decimal, kept.open_points, kept.open_locked) == (american_to_decimal(-110), -3.5, False)
    assert kept.trail == (
        Move(10.0, american_to_decimal(-125), -3.5, False),
        Move(20.0, american_to_decimal(-120), -4.0, False),
    )
    assert kept.moves == 2
    assert history.opening(now) == (american_to_decimal(-110), -3.5)
    assert history.opening(price(-120, key="never-moved")) is None


def test_a_price_keeps_its_last_moves_and_its_opening_however_many_it_makes():
    prices = Prices(LineHistory(per_price=4))
    for n, american in enumerate(range(-110, -121, -1)):  # opens at -110, then ten moves at t 0..9
        prices.move("k1", american, float(n - 1))
    kept = prices.of("k1")
    assert kept.open_decimal == american_to_decimal(-110)
    assert [m.ts for m in kept.trail] == [6.0, 7.0, 8.0, 9.0]  # the oldest folded away
    assert kept.trail[-1].decimal == american_to_decimal(-120)
    assert kept.moves == 10  # folded moves still count
    assert len(kept) == 4


def test_the_total_budget_expires_the_oldest_entries_across_every_price():
    history = LineHistory(per_price=10, total=5)
    prices = Prices(history)
    prices.move("k1", -110, -1.0)
    prices.move("k2", 150, -1.0)
    for n in range(4):  # four moves of k1 at t 0..3
        prices.move("k1", -111 - n, float(n))
    for n in range(3):  # then three of k2 at t 10..12
        prices.move("k2", 151 + n, 10.0 + n)
    assert history.entries == 5
    assert [m.ts for m in prices.of("k1").trail] == [2.0, 3.0]  # its two oldest went first
    assert [m.ts for m in prices.of("k2").trail] == [10.0, 11.0, 12.0]
    assert prices.of("k1").open_decimal == american_to_decimal(-110)  # the opening outlives its moves
    for n in range(20):
        prices.move("k2", 154 + n, 20.0 + n)
    assert history.entries == 5
    assert prices.of("k1").trail == ()
    assert prices.of("k1").moves == 4
    assert [m.ts for m in prices.of("k2").trail] == [35.0, 36.0, 37.0, 38.0, 39.0]


def test_a_price_shows_at_most_its_cap_while_the_ring_holds_more():
    prices = Prices(LineHistory(per_price=2, total=6))
    prices.move("k1", -110, -1.0)
    prices.move("k2", 150, -1.0)
    for n in range(5):
        prices.move("k1", -111 - n, float(n))
    for n in range(3):
        prices.move("k2", 151 + n, 10.0 + n)
    assert [m.ts for m in prices.of("k1").trail] == [3.0, 4.0]
    assert [m.ts for m in prices.of("k2").trail] == [11.0, 12.0]  # capped at 2, not starved


def test_forget_drops_the_histories_and_their_ids_serve_again():
    history = LineHistory(per_price=5, total=5)
    prices = Prices(history)
    for n in range(6):
        prices.move("gone", -110 - n, float(n))
    gone = prices.latest["gone"]
    history.forget([gone])
    assert history.of(gone) is None and history.opening(gone) is None
    assert len(history) == 0
    for n in range(6):
        prices.move("new", 120 + n, 10.0 + n)
    assert prices.latest["new"].history == gone.history  # the id serves again...
    assert history.of(gone) is None  # ...and a quote still holding it does not see another price's history
    assert len(prices.of("new")) == 5 and prices.of("new").open_decimal == american_to_decimal(120)
    assert history.entries == 5


def test_caps_must_be_positive():
    with pytest.raises(ValueError):
        LineHistory(per_price=0)


# --- recorded by the store ---------------------------------------------------------------


def test_the_store_records_moves_but_not_repeats():
    store = Store(clock=Clock())
    store.post_quotes(S, None, [price(-110)])
    store.post_quotes(S, None, [price(-110)])
    assert store.history.of(store.quote("opticodds", "k1")) is None  # nothing moved: no history, no cost
    store.post_quotes(S, None, [price(-125)])
    store.post_quotes(S, None, [price(-125)])
    kept = store.history.of(store.quote("opticodds", "k1"))
    assert kept is not None and kept.moves == 1 and len(kept) == 1
    assert store.history.opening(store.quote("opticodds", "k1")) == (american_to_decimal(-110), None)


def test_a_store_without_history_records_nothing_however_its_prices_move():
    store = Store(clock=Clock(), history=NoHistory())
    for batch in ([price(-110)], [price(-125, points=-3.5)]):
        store.post_quotes(S, None, batch)
    store.lock_quotes(S, None, [price(-130)])
    store.post_quotes(S, None, [price(-130)])
    kept = store.quote("opticodds", "k1")
    assert kept.history == -1 and store.history.of(kept) is None and store.history.opening(kept) is None
    assert len(store.history) == 0 and store.history.entries == 0


def test_a_line_move_at_the_same_price_is_a_move():
    store = Store(clock=Clock())
    store.post_quotes(S, None, [price(-110, points=-3.5)])
    store.post_quotes(S, None, [price(-110, points=-4.0)])
    kept = store.history.of(store.quote("opticodds", "k1"))
    assert kept.moves == 1
    assert kept.trail[0].points == -4.0


def test_locks_are_marked_in_the_trail_but_are_not_moves():
    clock = Clock()
    store = Store(clock=clock)
    store.post_quotes(S, None, [price(-110)])
    clock.now += 5
    store.lock_quotes(S, None, [price(-110)])
    clock.now += 5
    store.lock_quotes(S, None, [price(-110)])  # locked again at the same price: nothing new
    clock.now += 5
    store.post_quotes(S, None, [price(-110)])  # reopened where it was
    clock.now += 5
    store.lock_quotes(S, None, [price(-130)])  # a move folded into a lock
    kept = store.history.of(store.quote("opticodds", "k1"))
    assert [(m.ts - 1_000_000.0, m.locked) for m in kept.trail] == [(5.0, True), (15.0, False), (20.0, True)]
    assert kept.moves == 1
    decimals, locked = kept.series()
    assert decimals == [american_to_decimal(-110)] * 3 + [american_to_decimal(-130)]
    assert locked == [False, True, False, True]
    assert all(not math.isnan(m.decimal) for m in kept.trail)


def test_an_evicted_fixture_takes_its_histories_with_it():
    clock = Clock()
    store = Store(clock=clock, eviction_grace=60.0)
    store.upsert_fixture(S, None, game())
    store.post_quotes(S, None, [price(-110, fixture_id="F1"), price(150, key="k2", fixture_id="F1")])
    store.post_quotes(S, None, [price(-120, fixture_id="F1"), price(160, key="k2", fixture_id="F1")])
    assert len(store.history) == 2
    store.upsert_fixture(S, None, game(FixtureStatus.COMPLETED))
    clock.now += 61
    assert store.evict() == 1
    assert len(store.history) == 0 and store.quote("opticodds", "k1") is None
    # The same key priced again (a replayed id) starts afresh: nothing of the evicted history shows through.
    store.post_quotes(S, None, [price(-130, fixture_id="F1")])
    store.post_quotes(S, None, [price(-140, fixture_id="F1")])
    again = store.history.of(store.quote("opticodds", "k1"))
    assert again.open_decimal == american_to_decimal(-130)
    assert [m.decimal for m in again.trail] == [american_to_decimal(-140)] and again.moves == 1
