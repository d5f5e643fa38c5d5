"""The incremental scanner equals a full rescan after any sequence of store events (fixed seeds)."""

from __future__ import annotations

import itertools
import random

import pytest

from oddstui.model import (
    Fixture,
    FixtureChange,
    FixtureChanged,
    FixtureStatus,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    QuotesSettled,
    StreamHealth,
    StreamHealthChanged,
    StreamState,
)
from oddstui.signals import Scanner, ScanSettings, Signal, SignalKind, scan
from oddstui.store import Store

STREAMS = ("p:odds", "p:props")
BOOKS = ("Pinnacle", "BookA", "BookB", "BookC")
FIXTURES = ("F1", "F2", "F3")
TEAMS = {"F1": ("Denver Nuggets", "Miami Heat"), "F2": ("Utah Jazz", "Orlando Magic"), "F3": ("Boston", "Chicago")}
STATUSES = (FixtureStatus.UNPLAYED, FixtureStatus.LIVE, FixtureStatus.SUSPENDED, FixtureStatus.COMPLETED)


def selections(fixture_id: str) -> list[tuple[str, str, str, float | None, bool, str]]:
    """(stream, market, selection, points, is_main, player) of every price a book hangs on a fixture."""
    home, away = TEAMS[fixture_id]
    rows: list[tuple[str, str, str, float | None, bool, str]] = [
        ("p:odds", "Moneyline", away, None, True, ""),
        ("p:odds", "Moneyline", home, None, True, ""),
    ]
    for line in (-3.5, -2.5, -1.5):
        rows += [
            ("p:odds", "Point Spread", home, line, line == -2.5, ""),
            ("p:odds", "Point Spread", away, -line, line == -2.5, ""),
        ]
    for total in (219.5, 220.5, 221.5):
        rows += [
            ("p:odds", "Total Points", "Over", total, total == 220.5, ""),
            ("p:odds", "Total Points", "Under", total, total == 220.5, ""),
        ]
    player = f"{away} Guard"
    rows += [
        ("p:props", "Player Points", f"{player} Over", 20.5, True, player),
        ("p:props", "Player Points", f"{player} Under", 20.5, True, player),
    ]
    return rows


def make_quote(rng: random.Random, fixture_id: str, book: str, row: tuple) -> Quote:
    stream, market, selection, points, is_main, player = row
    # prices near even money, wide enough apart across books that arbitrages, middles and +EV all occur
    decimal = round(rng.uniform(1.70, 2.30), 3)
    key = f"{fixture_id}:{book}:{market}:{selection}:{points}"
    return Quote(
        "p",
        key,
        fixture_id,
        book,
        market,
        selection,
        decimal,
        points=points,
        player=player,
        stream=stream,
        is_main=is_main,
    )


def fixture(fixture_id: str, status: FixtureStatus = FixtureStatus.UNPLAYED, league: str = "NBA") -> Fixture:
    home, away = TEAMS[fixture_id]
    return Fixture("p", fixture_id, "basketball", league, home, away, 0.0, status)


def same(incremental: list[Signal], full: list[Signal]) -> bool:
    """Equal signals, and both best edge first (equal edges may come in either order)."""
    ordered = all(a.edge_pct >= b.edge_pct for a, b in itertools.pairwise(incremental))
    return ordered and sorted(map(repr, incremental)) == sorted(map(repr, full))


def random_step(rng: random.Random, store: Store, clock: list[float]) -> None:
    """One event of any kind the store applies, on random quotes and fixtures."""
    fixture_id = rng.choice(FIXTURES)
    every = [(fixture_id, book, row) for book in BOOKS for row in selections(fixture_id)]
    known = [q for q in store.fixture_quotes(("p", fixture_id))]
    kind = rng.choices(
        ("post", "lock", "stale", "settle", "status", "upsert", "health", "evict"), (12, 3, 2, 1, 1, 1, 1, 1)
    )[0]
    if kind == "post" or not known:
        picked = rng.sample(every, rng.randint(1, 6))
        store.apply(QuotesPosted(picked[0][2][0], None, [make_quote(rng, *p) for p in picked]))
    elif kind == "lock":
        chosen = rng.sample(known, min(len(known), rng.randint(1, 3)))
        locks = [make_quote(rng, q.fixture_id, q.book, _row_of(q)) for q in chosen]
        store.apply(QuotesLocked(chosen[0].stream, None, locks))
    elif kind == "stale":
        store.apply(QuotesMarkedStale("p:odds", "p", [q.key for q in rng.sample(known, min(len(known), 3))]))
    elif kind == "settle":
        store.apply(QuotesSettled("p:odds", None, "p", {rng.choice(known).key: "won"}))
    elif kind == "status":
        store.apply(FixtureChanged("p:odds", None, FixtureChange("p", fixture_id, None, rng.choice(STATUSES))))
    elif kind == "upsert":
        store.upsert_fixture("p:odds", None, fixture(fixture_id, rng.choice(STATUSES), rng.choice(("NBA", "WNBA"))))
    elif kind == "health":
        state = rng.choice((StreamState.LIVE, StreamState.DOWN, StreamState.RECONNECTING))
        store.apply(StreamHealthChanged(StreamHealth(rng.choice(STREAMS), "p", state)))
    else:
        clock[0] += 1000.0  # past the grace period: finished fixtures go, with their quotes
        store.evict()


def _row_of(quote: Quote) -> tuple:
    return (quote.stream, quote.market, quote.selection, quote.points, quote.is_main, quote.player)


def new_store(clock: list[float]) -> Store:
    store = Store(clock=lambda: clock[0], eviction_grace=500.0)
    for stream in STREAMS:
        store.apply(StreamHealthChanged(StreamHealth(stream, "p", StreamState.LIVE)))
    for fixture_id in FIXTURES[:2]:  # F3 gets prices before the store knows the fixture
        store.upsert_fixture("p:odds", None, fixture(fixture_id))
    return store


@pytest.mark.parametrize("seed", range(6))
def test_incremental_signals_equal_a_full_rescan_after_random_events(seed):
    rng = random.Random(seed)
    clock = [1000.0]
    store = new_store(clock)
    scanner = Scanner(ScanSettings(low_hold=0.03, middle_cost=0.1))
    seen: set[SignalKind] = set()
    for step in range(300):
        random_step(rng, store, clock)
        if step == 150:
            store.upsert_fixture("p:odds", None, fixture("F3"))
        if rng.random() < 0.3:
            incremental = scanner.scan(store)
            assert same(incremental, scan(store, scanner.settings)), f"seed {seed}, step {step}"
            seen.update(s.kind for s in incremental)
    assert same(scanner.scan(store), scan(store, scanner.settings))
    assert seen == set(SignalKind), "the random market should show every kind of signal"


def test_a_refresh_on_a_budget_catches_up_over_several_calls_and_then_equals_a_full_rescan():
    rng = random.Random(11)
    clock = [1000.0]
    store = new_store(clock)
    store.upsert_fixture("p:odds", None, fixture("F3"))
    scanner = Scanner()
    scanner.attach(store)
    for _ in range(60):
        random_step(rng, store, clock)
    calls = 0
    scanner.refresh(budget=0.0)  # one market per call: the oldest change first
    while scanner.pending:
        calls += 1
        assert scanner.recomputed == 1
        scanner.refresh(budget=0.0)
    assert calls > 2
    assert same(scanner.signals(), scan(store))


def test_only_the_changed_market_is_recomputed_and_nothing_when_nothing_changed():
    rng = random.Random(5)
    clock = [1000.0]
    store = new_store(clock)
    for fixture_id in FIXTURES[:2]:
        store.apply(
            QuotesPosted(
                "p:odds",
                None,
                [make_quote(rng, fixture_id, b, r) for b in BOOKS for r in selections(fixture_id) if r[0] == "p:odds"],
            )
        )
    scanner = Scanner()
    scanner.scan(store)
    assert scanner.recomputed == 6  # moneyline, spread and total of two games
    assert not scanner.refresh() and scanner.recomputed == 0
    spread = next(q for q in store.fixture_quotes(("p", "F2")) if q.market == "Point Spread")
    store.apply(QuotesPosted("p:odds", None, [make_quote(rng, "F2", spread.book, _row_of(spread))]))
    scanner.refresh()
    assert scanner.recomputed == 1


def test_a_closed_scanner_stops_its_change_log():
    store = new_store([0.0])
    scanner = Scanner()
    scanner.scan(store)
    assert len(store._logs) == 1
    scanner.close()
    assert store._logs == []


def test_a_signal_whose_leg_locks_is_no_longer_live_before_its_market_is_recomputed():
    rng = random.Random(2)
    store = new_store([1000.0])
    scanner = Scanner(ScanSettings(low_hold=0.05, middle_cost=0.1))
    for _ in range(40):
        fixture_id = rng.choice(FIXTURES[:2])
        picked = [(fixture_id, b, r) for b in BOOKS for r in selections(fixture_id) if r[0] == "p:odds"]
        store.apply(QuotesPosted("p:odds", None, [make_quote(rng, *p) for p in picked]))
    signal = scanner.scan(store)[0]
    assert scanner.still_live(signal)
    leg = signal.legs[0]
    locked = next(q for q in store.fixture_quotes(signal.ref) if q.key == leg.quote_key)
    store.apply(QuotesLocked("p:odds", None, [make_quote(rng, signal.fixture_id, leg.book, _row_of(locked))]))
    assert not scanner.still_live(signal)  # no refresh yet
    store.apply(QuotesPosted("p:odds", None, [make_quote(rng, signal.fixture_id, leg.book, _row_of(locked))]))
    assert scanner.still_live(signal)
    store.apply(FixtureChanged("p:odds", None, FixtureChange("p", signal.fixture_id, None, FixtureStatus.SUSPENDED)))
    assert not scanner.still_live(signal)
