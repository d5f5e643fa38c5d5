from functools import partial

import pytest

from oddstui.model import (
    FixtureChange,
    FixtureChanged,
    FixtureStatus,
    FixtureUpserted,
    FrameRejected,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    QuotesSettled,
    Score,
    ScoreUpdated,
    Settlement,
    StreamHealth,
    StreamHealthChanged,
    StreamState,
)
from oddstui.store import EVICT_EVERY, FixtureFilter, Store
from tests.factories import american_quote, game

S = "opticodds:odds:basketball"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def quote(key="k1", american=-110, book="Pinnacle", fixture_id="F1", selection="Celtics", market="Moneyline", **kw):
    """A Pinnacle moneyline price on OpticOdds' basketball stream unless told otherwise."""
    kw = {"group": "ml", "provider": "opticodds", "fixture_id": fixture_id, "key": key, "stream": S, **kw}
    return american_quote(book, market, selection, american, **kw)


fixture = partial(game, provider="opticodds", start=1_000_000.0)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(clock):
    store = Store(clock=clock, eviction_grace=60)
    store.apply(StreamHealthChanged(StreamHealth(S, "opticodds", StreamState.LIVE)))
    return store


def test_post_then_update_records_move(store, clock):
    store.apply(QuotesPosted(S, "1-0", [quote(american=-110)]))
    clock.now += 5
    store.apply(QuotesPosted(S, "1-1", [quote(american=+105)]))
    q = store.quote("opticodds", "k1")
    assert q.american == 105
    assert q.move == 1 and q.moved_at == clock.now
    store.apply(QuotesPosted(S, "1-2", [quote(american=-120)]))
    assert store.quote("opticodds", "k1").move == -1


def test_unchanged_price_keeps_last_move(store, clock):
    store.apply(QuotesPosted(S, "1-0", [quote(american=-110)]))
    store.apply(QuotesPosted(S, "1-1", [quote(american=-105)]))
    moved_at = store.quote("opticodds", "k1").moved_at
    clock.now += 3
    store.apply(QuotesPosted(S, "1-2", [quote(american=-105)]))
    q = store.quote("opticodds", "k1")
    assert (q.move, q.moved_at) == (1, moved_at)


def test_original_american_value_is_kept(store):
    store.apply(QuotesPosted(S, None, [quote(american=-111)]))
    q = store.quote("opticodds", "k1")
    assert q.american == -111 and q.raw == -111


def test_lock_then_new_price_unlocks(store):
    store.apply(QuotesPosted(S, "1-0", [quote(american=-110)]))
    store.apply(QuotesLocked(S, "1-1", [quote(american=-110)]))
    q = store.quote("opticodds", "k1")
    assert q.locked and not store.is_live_price(q)
    assert q.american == -110  # last known price kept, shown as locked
    store.apply(QuotesPosted(S, "1-2", [quote(american=-115)]))
    q = store.quote("opticodds", "k1")
    assert not q.locked and store.is_live_price(q)


def test_an_update_holds_the_key_the_store_already_has(store):
    """One copy of a price's key however many updates and locks replace it (decoders build a new copy each)."""
    store.apply(QuotesPosted(S, "1-0", [quote(key="".join(["k", "1"]))]))
    held = store.quote("opticodds", "k1").key
    for update in (
        QuotesPosted(S, "1-1", [quote(american=+105, key="".join(["k", "1"]))]),
        QuotesLocked(S, "1-2", [quote(american=+110, key="".join(["k", "1"]))]),
    ):
        assert update.quotes[0].key is not held
        store.apply(update)
        assert store.quote("opticodds", "k1").key is held


def test_lock_of_unknown_key_is_stored_locked(store):
    store.apply(QuotesLocked(S, "1-0", [quote(key="new")]))
    assert store.quote("opticodds", "new").locked


def test_settlement_locks_and_records_result(store):
    store.apply(QuotesPosted(S, "1-0", [quote()]))
    store.apply(QuotesSettled(S, "1-1", "opticodds", {"k1": Settlement.WON, "missing": Settlement.LOST}))
    q = store.quote("opticodds", "k1")
    assert q.settlement == "won" and q.locked


def test_duplicate_entry_ids_are_skipped_and_counted(store):
    assert store.apply(QuotesPosted(S, "100-1", [quote(american=-110)]))
    assert store.apply(QuotesPosted(S, "100-2", [quote(american=120)]))
    assert not store.apply(QuotesPosted(S, "100-1", [quote(american=-110)]))  # replayed
    assert not store.apply(QuotesPosted(S, "100-2", [quote(american=120)]))
    assert store.quote("opticodds", "k1").american == 120
    stats = store.stats(S)
    assert stats.events == 2 and stats.duplicates == 2


def test_dedupe_is_per_stream(store):
    other = "opticodds:odds:football"
    store.apply(QuotesPosted(S, "100-1", [quote()]))
    assert store.apply(QuotesPosted(other, "100-1", [quote(key="k2")]))


def test_opaque_entry_ids_dedupe_by_identity(store):
    assert store.apply(QuotesPosted(S, "abc", [quote()]))
    assert not store.apply(QuotesPosted(S, "abc", [quote()]))
    assert store.apply(QuotesPosted(S, "abd", [quote()]))


def test_fixture_change_updates_and_alerts(store, clock):
    store.apply(FixtureUpserted(S, None, fixture()))
    store.apply(
        FixtureChanged(S, "2-0", FixtureChange("opticodds", "F1", new_start=clock.now + 600, old_start=clock.now))
    )
    store.apply(
        FixtureChanged(S, "2-1", FixtureChange("opticodds", "F1", FixtureStatus.UNPLAYED, FixtureStatus.CANCELLED))
    )
    fx = store.fixture(("opticodds", "F1"))
    assert fx.status is FixtureStatus.CANCELLED and fx.start == clock.now + 600
    alerts = store.alerts()
    assert [a.kind for a in alerts] == ["cancelled", "start time"]
    assert "unplayed → cancelled" in alerts[0].text and alerts[0].important
    assert store.has_unread_alert(("opticodds", "F1"))
    store.mark_read(("opticodds", "F1"))
    assert not store.has_unread_alert(("opticodds", "F1"))


def test_upsert_with_new_status_alerts(store):
    store.apply(FixtureUpserted(S, None, fixture()))
    store.apply(FixtureUpserted(S, None, fixture(status=FixtureStatus.LIVE)))
    assert store.alerts()[0].kind == "live"


def test_score_update(store):
    store.apply(FixtureUpserted(S, None, fixture()))
    store.apply(ScoreUpdated(S, "3-0", "opticodds", "F1", Score(54, 50, "Q3"), is_live=True))
    fx = store.fixture(("opticodds", "F1"))
    assert fx.score == Score(54, 50, "Q3") and fx.is_live and fx.status is FixtureStatus.LIVE


def test_stream_down_makes_quotes_stale(store):
    store.apply(QuotesPosted(S, None, [quote()]))
    q = store.quote("opticodds", "k1")
    assert not store.is_stale(q)
    store.apply(StreamHealthChanged(StreamHealth(S, "opticodds", StreamState.RECONNECTING, "cut", retry_at=5.0)))
    assert store.is_stale(q) and not store.is_live_price(q)
    assert store.alerts()[0].kind == "connection"
    changes = store.drain_changes()
    assert changes.everything and changes.streams
    store.apply(StreamHealthChanged(StreamHealth(S, "opticodds", StreamState.LIVE)))
    assert not store.is_stale(q)


def test_marked_stale_until_new_price(store):
    store.apply(QuotesPosted(S, None, [quote()]))
    store.apply(QuotesMarkedStale(S, "opticodds", ["k1"]))
    assert store.is_stale(store.quote("opticodds", "k1"))
    store.apply(QuotesPosted(S, None, [quote()]))
    assert not store.is_stale(store.quote("opticodds", "k1"))


def test_malformed_frames_are_counted(store):
    store.apply(FrameRejected(S, "bad json"))
    store.apply(FrameRejected(S, "unknown event"))
    assert store.stats(S).malformed == 2


def test_changes_are_coalesced(store):
    store.drain_changes()
    for i in range(50):
        store.apply(QuotesPosted(S, None, [quote(american=100 + i)]))
    store.apply(QuotesPosted(S, None, [quote(key="k9", fixture_id="F2")]))
    changes = store.drain_changes()
    assert changes.fixtures == {("opticodds", "F1"), ("opticodds", "F2")}
    assert not store.drain_changes()


def test_eviction_after_grace(store, clock):
    store.apply(FixtureUpserted(S, None, fixture()))
    store.apply(FixtureUpserted(S, None, fixture("F2")))
    store.apply(QuotesPosted(S, None, [quote(), quote(key="k2", fixture_id="F2")]))
    store.apply(FixtureChanged(S, None, FixtureChange("opticodds", "F1", FixtureStatus.LIVE, FixtureStatus.COMPLETED)))
    clock.now += 30
    assert store.evict() == 0
    clock.now += 31
    assert store.evict() == 1
    assert store.fixture(("opticodds", "F1")) is None
    assert store.quote("opticodds", "k1") is None
    assert store.quote("opticodds", "k2") is not None
    assert store.quote_count() == 1


def test_eviction_on_a_timer_runs_one_pass_per_interval(store, clock):
    store.eviction_grace = 600.0  # a pass every EVICT_EVERY (30 s)
    assert store.evict_every == EVICT_EVERY
    store.apply(FixtureUpserted(S, None, fixture(status=FixtureStatus.COMPLETED)))
    store.apply(QuotesPosted(S, None, [quote()]))
    assert store.evict_due() == 0  # a pass: nothing over its grace yet
    clock.now += 590
    assert store.evict_due() == 0  # a pass at 590 s: still in its grace
    clock.now += 20
    assert store.evict_due() == 0  # the grace is over, but the next pass is not due until 620 s
    assert store.fixture(("opticodds", "F1")) is not None
    clock.now += 10
    assert store.evict_due() == 1
    assert store.fixture(("opticodds", "F1")) is None and store.quote_count() == 0
    assert store.drain_changes().fixture_list


def test_a_short_grace_gets_eviction_passes_a_tenth_of_it_apart(store, clock):
    store.eviction_grace = 60.0
    assert store.evict_every == 6.0
    store.apply(FixtureUpserted(S, None, fixture(status=FixtureStatus.COMPLETED)))
    store.apply(QuotesPosted(S, None, [quote()]))
    assert store.evict_due() == 0
    clock.now += 61
    assert store.evict_due() == 1  # gone within a tenth of the grace after it was due, not up to 30 s later
    store.eviction_grace = 0.5
    assert store.evict_every == 1.0  # never more often than once a second


def test_fixtures_their_source_stopped_listing_are_evicted_after_the_grace(store, clock):
    store.apply(FixtureUpserted(S, None, fixture("F1")))
    store.apply(FixtureUpserted(S, None, fixture("F2")))
    posted = [quote("a", fixture_id="F1"), quote("b", fixture_id="F2"), quote("c", fixture_id="F2")]
    posted.append(quote("d", fixture_id="F3"))  # quotes of a fixture never listed
    store.apply(QuotesPosted(S, None, posted))
    store.apply(QuotesMarkedStale(S, "opticodds", ["a", "b", "d"]))  # F2 still has a fresh quote
    assert store.evict() == 0
    clock.now += 30
    store.apply(QuotesPosted(S, None, [quote("a", american=120, fixture_id="F1")]))  # F1 is back
    assert store.evict() == 0
    clock.now += 31
    assert store.evict() == 1  # F3: stale for 61 s
    assert store.quote("opticodds", "d") is None
    assert store.fixture(("opticodds", "F1")) is not None and store.fixture(("opticodds", "F2")) is not None
    store.apply(QuotesMarkedStale(S, "opticodds", ["a"]))
    assert store.evict() == 0
    clock.now += 60
    assert store.evict() == 1
    assert store.fixture(("opticodds", "F1")) is None and store.quote("opticodds", "a") is None
    assert store.quote_count() == 2


def test_fixture_back_from_terminal_is_not_evicted(store, clock):
    store.apply(FixtureUpserted(S, None, fixture(status=FixtureStatus.CANCELLED)))
    store.apply(FixtureUpserted(S, None, fixture(status=FixtureStatus.UNPLAYED)))
    clock.now += 1000
    assert store.evict() == 0


def test_alert_log_is_a_ring():
    store = Store(alert_capacity=3)
    store.apply(FixtureUpserted(S, None, fixture()))
    for i in range(10):
        store.apply(FixtureChanged(S, None, FixtureChange("opticodds", "F1", new_start=float(i))))
    assert len(store.alerts()) == 3


def test_fixture_filters(store):
    store.apply(FixtureUpserted(S, None, fixture("F1", "NBA", "Boston Celtics", "Miami Heat")))
    store.apply(FixtureUpserted(S, None, fixture("F2", "NHL", "Boston Bruins", "Toronto Maple Leafs")))
    store.apply(FixtureUpserted(S, None, fixture("F3", "NBA", "Denver Nuggets", "Utah Jazz")))
    store.apply(
        QuotesPosted(
            S, None, [quote(fixture_id="F1", book="FanDuel"), quote(key="p", fixture_id="F3", player="Nikola Jokic")]
        )
    )
    store.apply(ScoreUpdated(S, None, "opticodds", "F2", Score(1, 0), is_live=True))

    def ids(**kw):
        return [f.fixture_id for f in store.fixtures(FixtureFilter(**kw))]

    assert ids() == ["F1", "F3", "F2"]
    assert ids(leagues=frozenset({"NHL"})) == ["F2"]
    assert ids(books=frozenset({"FanDuel"})) == ["F1"]
    assert ids(text="boston") == ["F1", "F2"]
    assert ids(text="jokic") == ["F3"]
    assert ids(live_only=True) == ["F2"]
    assert ids(pinned=frozenset({("opticodds", "F3")}), pinned_only=True) == ["F3"]
    assert store.leagues() == ["NBA", "NHL"]


def test_grid_best_and_fair(store):
    quotes = [
        quote("a1", -110, "Pinnacle", selection="Celtics"),
        quote("a2", -110, "Pinnacle", selection="Heat"),
        quote("b1", -105, "FanDuel", selection="Celtics"),
        quote("b2", -125, "FanDuel", selection="Heat"),
        quote("c1", +100, "DraftKings", selection="Celtics"),
        quote("c2", -130, "DraftKings", selection="Heat"),
    ]
    store.apply(QuotesPosted(S, None, quotes))
    store.apply(QuotesLocked(S, None, [quote("c1", +100, "DraftKings", selection="Celtics")]))
    grid = store.grid(("opticodds", "F1"))
    assert grid.books == ["DraftKings", "FanDuel", "Pinnacle"]
    celtics = next(r for r in grid.rows if r.selection == "Celtics")
    # DraftKings' +100 is locked, so the best live price is FanDuel's -105
    assert celtics.best_book == "FanDuel"
    assert celtics.fair == pytest.approx(2.0)
    ordered = store.grid(("opticodds", "F1"), books=["Pinnacle", "FanDuel"])
    assert ordered.books == ["Pinnacle", "FanDuel"]
    assert set(ordered.rows[0].cells) <= {"Pinnacle", "FanDuel"}


def test_grid_fair_never_falls_back_to_an_arbitrary_book(store):
    store.apply(
        QuotesPosted(
            S,
            None,
            [
                quote("a1", -110, "Pinnacle", selection="A"),
                quote("a2", -110, "Pinnacle", selection="B"),
                quote("b1", +120, "FanDuel", selection="A"),
                quote("b2", -140, "FanDuel", selection="B"),
            ],
        )
    )
    store.apply(QuotesLocked(S, None, [quote("a1", -110, "Pinnacle", selection="A")]))
    row = next(r for r in store.grid(("opticodds", "F1")).rows if r.selection == "A")
    assert row.fair is None  # the sharp book is locked and one other book is no consensus
    assert not store.is_fully_suspended(("opticodds", "F1"))


def test_grid_main_only(store):
    main = quote("m", points=-3.5, market="Spread", group="s")
    alt = quote("a", points=-5.5, market="Spread", group="s2")
    alt.is_main = False
    store.apply(QuotesPosted(S, None, [main, alt]))
    assert len(store.grid(("opticodds", "F1")).rows) == 2
    assert [r.points for r in store.grid(("opticodds", "F1"), main_only=True).rows] == [-3.5]


def test_a_lock_carries_its_price_when_the_feed_folded_the_last_post_into_it():
    from oddstui.providers.feed import Feed

    store, feed = Store(clock=lambda: 100.0), Feed()
    store.post_quotes("s", None, [Quote("p", "k", "f", "B", "M", "S", 2.0)])
    feed.put(QuotesPosted("s", "1-2", [Quote("p", "k", "f", "B", "M", "S", 2.5)]))
    feed.put(QuotesLocked("s", "1-3", [Quote("p", "k", "f", "B", "M", "S", 2.5)]))
    for event in feed.drain():
        store.apply(event)
    quote = store.quote("p", "k")
    assert quote.locked and quote.decimal == 2.5 and quote.move == 1
    assert not store.is_live_price(quote)


@pytest.mark.parametrize("status", [FixtureStatus.SUSPENDED, FixtureStatus.COMPLETED, FixtureStatus.CANCELLED])
def test_a_suspended_or_finished_games_unlocked_prices_are_never_live(status):
    store = Store()
    store.apply(FixtureUpserted(S, None, game(provider="opticodds", status=FixtureStatus.LIVE)))
    prices = [quote("a", -110), quote("b", -105, book="DraftKings"), quote("c", -108, book="FanDuel")]
    store.apply(QuotesPosted(S, None, [*prices, quote("h", -110, selection="Heat")]))
    assert store.grid(("opticodds", "F1")).rows[0].best_book is not None
    store.apply(FixtureChanged(S, None, FixtureChange("opticodds", "F1", FixtureStatus.LIVE, status)))
    held = store.quote("opticodds", "a")
    assert held is not None and not held.locked, "the feed left the price unlocked"
    assert store.is_stale(held) and not store.is_live_price(held), "shown stale, never live"
    row = store.grid(("opticodds", "F1")).rows[0]
    assert row.best_book is None and row.fair is None, "no best or fair built on them"
