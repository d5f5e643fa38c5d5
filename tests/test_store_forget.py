"""Days-long runs in the core: eviction tells whoever keeps per-fixture state, nothing keyed by a fixture the
store no longer lists outlives it, and the line history's memory is fixed from its first move."""

from __future__ import annotations

import sys
from array import array

from oddstui.history import LineHistory
from oddstui.model import Fixture, FixtureChange, FixtureStatus
from oddstui.store import Store
from tests.factories import american_quote

S = "opticodds:odds:basketball"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def game(fixture_id: str, status: FixtureStatus = FixtureStatus.LIVE) -> Fixture:
    return Fixture("opticodds", fixture_id, "basketball", "NBA", "Boston Celtics", "Miami Heat", 1_000_000.0, status)


def test_each_eviction_pass_tells_its_listeners_which_fixtures_it_dropped():
    clock = Clock()
    store = Store(clock=clock, eviction_grace=60.0)
    told: list[list[tuple[str, str]]] = []
    store.on_evict(told.append)
    for fixture_id in ("F1", "F2", "F3"):
        store.upsert_fixture(S, None, game(fixture_id))
    for fixture_id in ("F1", "F2"):
        store.upsert_fixture(S, None, game(fixture_id, FixtureStatus.COMPLETED))
    clock.now += 30
    assert store.evict() == 0 and told == []  # nothing dropped, nobody told
    clock.now += 31
    assert store.evict() == 2
    assert [sorted(refs) for refs in told] == [[("opticodds", "F1"), ("opticodds", "F2")]]


def test_unread_marks_of_games_never_listed_go_with_the_alerts_that_name_them():
    store = Store(clock=Clock(), alert_capacity=5)
    for n in range(50):  # status changes of games the feed never lists
        change = FixtureChange("opticodds", f"U{n}", FixtureStatus.UNPLAYED, FixtureStatus.LIVE, None, None)
        store.change_fixture(S, None, change)
    store.upsert_fixture(S, None, game("F1"))
    store.change_fixture(S, None, FixtureChange("opticodds", "F1", FixtureStatus.LIVE, FixtureStatus.HALF, None, None))
    store.evict()
    unread = [n for n in range(50) if store.has_unread_alert(("opticodds", f"U{n}"))]
    assert len(unread) <= 5  # no more than the alert log can still describe
    assert store.has_unread_alert(("opticodds", "F1"))


def ring_bytes(history: LineHistory) -> int:
    return sum(sys.getsizeof(part) for part in vars(history).values() if isinstance(part, array))


def test_the_line_history_reserves_its_ring_at_the_first_move_and_never_grows_after():
    history = LineHistory(total=10_000)
    assert ring_bytes(history) < 1_000  # a store whose prices never move costs nothing
    prev = american_quote("Pinnacle", "Moneyline", "Celtics", -110, provider="opticodds", fixture_id="F1", key="k")
    now = american_quote("Pinnacle", "Moneyline", "Celtics", -120, provider="opticodds", fixture_id="F1", key="k")
    now.history = history.record(prev, now, 1.0)
    reserved = ring_bytes(history)
    assert reserved >= 10_000 * 32
    for n in range(30_000):  # the ring fills, then wraps: three times over
        prev, now = now, american_quote("Pinnacle", "Moneyline", "Celtics", -121 - n % 50, fixture_id="F1", key="k")
        now.history = history.record(prev, now, 2.0 + n)
    assert ring_bytes(history) == reserved and history.entries == 10_000
