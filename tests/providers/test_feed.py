"""The Feed while its consumer is stalled: games that end leave the fold, and none of their prices turns live."""

from __future__ import annotations

from oddstui.model import (
    FixtureChange,
    FixtureChanged,
    FixtureStatus,
    FixtureUpserted,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
)
from oddstui.providers.feed import MIN_BACKLOG, Feed
from oddstui.store import Store
from tests.factories import game

KEYS_PER_GAME = 40


def prices(fixture_id: str, decimal: float = 1.9) -> list[Quote]:
    return [
        Quote("p", f"{fixture_id}:{i}", fixture_id, "B", "M", f"S{i}", decimal, stream="s")
        for i in range(KEYS_PER_GAME)
    ]


def ended(fixture_id: str, status: FixtureStatus = FixtureStatus.COMPLETED) -> FixtureChanged:
    return FixtureChanged("s", None, FixtureChange("p", fixture_id, FixtureStatus.LIVE, status))


def test_games_that_come_and_go_while_the_consumer_is_stalled_do_not_pile_up():
    """Five games on at a time, 200 played in all: what waits is the games still on, not every game ever priced."""
    feed = Feed()
    for n in range(200):
        feed.put(FixtureUpserted("s", None, game(f"G{n}", provider="p")))
        for tick in range(3):
            feed.put(QuotesPosted("s", None, prices(f"G{n}", 1.9 + tick / 100)))
        if n >= 5:
            feed.put(ended(f"G{n - 5}"))
    on_now = 5 * KEYS_PER_GAME
    assert feed.pending <= 2 * on_now + 2 * 200 + 3 * MIN_BACKLOG  # the folded games still on, the fixture events
    drained = feed.drain()
    held = {q.fixture_id for e in drained if isinstance(e, QuotesPosted) for q in e.quotes}
    assert held <= {f"G{n}" for n in range(190, 200)}  # at most the last fold's backlog beside the five still on
    assert {f"G{n}" for n in range(195, 200)} <= held


def test_a_departed_games_lock_still_reaches_the_store_as_a_stale_mark():
    """The store held a live price; the game's lock and end were folded together: the price must not stay live."""
    store, feed = Store(), Feed()
    store.apply(FixtureUpserted("s", None, game("G1", provider="p")))
    store.apply(QuotesPosted("s", None, prices("G1")))
    feed.put(QuotesLocked("s", None, prices("G1")))
    feed.put(QuotesPosted("s", None, prices("G2")))
    feed.put(ended("G1"))
    for i in range(2 * MIN_BACKLOG):  # enough later prices that all of it is folded
        feed.put(QuotesPosted("s", None, prices("G2", 2.0 + i / 1000)))
    events = feed.drain()
    assert not any(q.fixture_id == "G1" for e in events if isinstance(e, QuotesPosted | QuotesLocked) for q in e.quotes)
    assert any(isinstance(e, QuotesMarkedStale) and "G1:0" in e.keys for e in events)
    for event in events:
        store.apply(event)
    assert not any(store.is_live_price(q) for q in store.fixture_quotes(("p", "G1")))
    assert all(store.is_live_price(q) for q in store.fixture_quotes(("p", "G2")))


def test_a_game_called_off_then_back_on_keeps_its_prices():
    feed = Feed()
    feed.put(ended("G1", FixtureStatus.CANCELLED))
    feed.put(FixtureChanged("s", None, FixtureChange("p", "G1", FixtureStatus.CANCELLED, FixtureStatus.UNPLAYED)))
    for i in range(2 * MIN_BACKLOG):
        feed.put(QuotesPosted("s", None, prices("G1", 2.0 + i / 1000)))
    posted = [q for e in feed.drain() if isinstance(e, QuotesPosted) for q in e.quotes]
    assert {q.key for q in posted} == {f"G1:{i}" for i in range(KEYS_PER_GAME)}
