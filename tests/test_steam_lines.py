"""Steam by line moves, and moves that span a game's suspension.

Worked example (defaults: 0.5 points of line, 2 followers, 60 s): Pinnacle moves its main spread from Miami
Heat -3.5 to Heat -4.5 (the Heat asked to win by one point more: +1.0 point in the Heat's favour);
DraftKings and FanDuel move theirs the same way (+1.0 each, at least half of 0.5) 10 s and 30 s later: steam on
Miami Heat, followed by DraftKings and FanDuel. A total going up (220.5 to 221.5) is the same for the Over.
"""

from oddstui.model import (
    FixtureChange,
    FixtureChanged,
    FixtureStatus,
    Quote,
    QuotesLocked,
    QuotesPosted,
    StreamHealth,
    StreamHealthChanged,
    StreamState,
)
from oddstui.steam import DEFAULT_STEAM, LINE_SWAP_SECONDS, SteamSettings, steam_text
from tests.factories import american_quote
from tests.test_steam import Market, S
from tests.test_steam import quote as ml_quote

SPREAD, TOTAL = "Point Spread", "Total Points"
HEAT = "Miami Heat"
BOOKS = ("Pinnacle", "DraftKings", "FanDuel", "BetMGM")


def spread(book, points, american=-110, main=True, selection=HEAT) -> Quote:
    return american_quote(book, SPREAD, selection, american, points, stream=S, is_main=main)


def moved(book, old, new, american=-110, selection=None, market=SPREAD) -> list[Quote]:
    """The book's main flag moves from line `old` to line `new` (both posted, as a feed with alternates does)."""
    if market == TOTAL:
        over = selection or "Over"
        return [total(book, new, american, True, over), total(book, old, american, False, over)]
    return [spread(book, new, american, True, selection or HEAT), spread(book, old, american, False, selection or HEAT)]


def total(book, points, american=-110, main=True, selection="Over") -> Quote:
    return american_quote(book, TOTAL, selection, american, points, stream=S, is_main=main)


def spread_market(settings=DEFAULT_STEAM) -> Market:
    """Every book at Heat -3.5 main, -4.5 and -2.5 alternates, all at -110."""
    market = Market(settings, books=())
    alternates = [spread(b, p, main=False) for b in BOOKS for p in (-4.5, -2.5)]
    market.store.apply(QuotesPosted(S, None, [spread(b, -3.5) for b in BOOKS] + alternates))
    market.refresh()
    return market


def test_the_worked_example_fires_once_on_the_sharp_line_and_two_books_following_by_line():
    market = spread_market()
    assert market.post(0, *moved("Pinnacle", -3.5, -4.5)) == []
    assert market.post(10, *moved("DraftKings", -3.5, -4.5)) == []
    [steam] = market.post(20, *moved("FanDuel", -3.5, -4.5))
    assert (steam.sharp_book, steam.selection, steam.market) == ("Pinnacle", HEAT, SPREAD)
    assert (steam.line_from, steam.line_to, steam.followers) == (-3.5, -4.5, ("DraftKings", "FanDuel"))
    text = steam_text(steam, "Miami Heat @ Denver Nuggets", lambda d: f"{d:.2f}")
    assert text.endswith(
        "steam on Miami Heat (Point Spread): Pinnacle -3.5 → -4.5 (1.91 → 1.91), followed by DraftKings, FanDuel"
    )
    assert market.post(5, *moved("BetMGM", -3.5, -4.5)) == [], "one alert per steam"


def test_only_one_book_following_by_line_is_not_steam():
    market = spread_market()
    market.post(0, *moved("Pinnacle", -3.5, -4.5))
    market.post(10, *moved("DraftKings", -3.5, -4.5))
    market.post(10, *moved("FanDuel", -3.5, -4.5), *moved("FanDuel", -4.5, -3.5))  # and back within one refresh
    assert market.found == []


def test_books_moving_the_other_way_do_not_follow_and_the_other_side_is_no_steam():
    market = spread_market()
    market.post(0, *moved("Pinnacle", -3.5, -4.5))
    market.post(10, *moved("DraftKings", -3.5, -2.5), *moved("FanDuel", -3.5, -2.5))
    assert market.found == [], "the Heat asked less: the soft books moved against the sharp one"
    market = spread_market()
    market.post(0, *moved("Pinnacle", -3.5, -2.5))  # the Heat weaker: steam, if any, is on the other side
    market.post(10, *moved("DraftKings", -3.5, -2.5), *moved("FanDuel", -3.5, -2.5))
    assert market.found == []


def test_a_lock_between_the_old_line_and_the_new_is_a_suspension_not_a_move():
    market = spread_market()
    market.store.apply(QuotesLocked(S, None, [spread("Pinnacle", -3.5), spread("Pinnacle", -4.5, main=False)]))
    market.refresh()
    market.clock.now += LINE_SWAP_SECONDS + 1
    market.refresh()
    market.post(0, *moved("Pinnacle", -3.5, -4.5))  # re-opens a point further: not a live-to-live move
    market.post(5, *moved("DraftKings", -3.5, -4.5), *moved("FanDuel", -3.5, -4.5))
    assert market.found == []


def test_a_line_moved_by_locking_the_old_and_posting_the_new_is_a_move():
    # Without alternates (OpticOdds: 'locked-odds for the old main line, odds for the new main line').
    market = Market(books=())
    market.store.apply(QuotesPosted(S, None, [spread(b, -3.5) for b in BOOKS]))
    market.refresh()
    market.store.apply(QuotesLocked(S, None, [spread("Pinnacle", -3.5)]))
    market.refresh()  # the refresh fell between the two
    market.post(0.5, spread("Pinnacle", -4.5))
    for book in ("DraftKings", "FanDuel"):
        market.store.apply(QuotesLocked(S, None, [spread(book, -3.5)]))
        market.post(5, spread(book, -4.5))
    assert [(s.line_from, s.line_to) for s in market.found] == [(-3.5, -4.5)]


def test_totals_going_up_are_steam_on_the_over_and_followers_may_follow_by_price_at_any_line():
    market = Market(books=())
    market.store.apply(QuotesPosted(S, None, [total(b, 220.5, selection=s) for b in BOOKS for s in ("Over", "Under")]))
    market.refresh()
    market.post(
        0,
        *moved("Pinnacle", 220.5, 221.5, market=TOTAL),
        *moved("Pinnacle", 220.5, 221.5, selection="Under", market=TOTAL),
    )
    market.post(5, *moved("DraftKings", 220.5, 221.5, market=TOTAL))
    [steam] = market.post(5, total("FanDuel", 220.5, -125))  # the Over 1.2 points shorter at the old line
    assert (steam.selection, steam.line_from, steam.line_to, steam.followers) == (
        "Over",
        220.5,
        221.5,
        ("DraftKings", "FanDuel"),
    )


def test_a_sharp_price_move_may_be_followed_by_lines():
    market = spread_market()
    market.post(0, spread("Pinnacle", -3.5, -125))  # +3.2 points at the same line
    market.post(5, *moved("DraftKings", -3.5, -4.5), *moved("FanDuel", -3.5, -4.5))
    [steam] = market.found
    assert steam.line_from is None and steam.followers == ("DraftKings", "FanDuel")


def test_line_moves_are_measured_over_the_window_and_the_threshold_is_a_setting():
    market = spread_market(SteamSettings(min_line_move=1.5, followers=1))
    market.post(0, *moved("Pinnacle", -3.5, -4.5))  # 1 point: below 1.5
    market.post(1, *moved("DraftKings", -3.5, -4.5))
    assert market.found == []
    market.post(10, spread("Pinnacle", -5.0), spread("Pinnacle", -4.5, main=False))  # 1.5 from -3.5 within 60 s
    [steam] = market.post(10, *moved("FanDuel", -3.5, -4.5))
    assert (steam.line_from, steam.line_to) == (-3.5, -5.0)


def test_a_stream_going_down_forgets_the_lines():
    market = spread_market()
    market.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.RECONNECTING)))
    market.refresh()
    market.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.LIVE)))
    market.post(0, *moved("Pinnacle", -3.5, -4.5))
    market.post(5, *moved("DraftKings", -3.5, -4.5), *moved("FanDuel", -3.5, -4.5))
    assert market.found == [] and market.detector.lines == 3, "the lines after the outage are the new baseline"


def suspend(market: Market, old: FixtureStatus, new: FixtureStatus) -> None:
    market.store.apply(FixtureChanged(S, None, FixtureChange("p", "F1", old, new)))


def test_a_price_from_a_suspension_never_pairs_with_one_after_it():
    for refresh_between in (False, True):
        market = Market()
        suspend(market, FixtureStatus.UNPLAYED, FixtureStatus.SUSPENDED)
        market.store.apply(QuotesPosted(S, None, [ml_quote("Pinnacle", -115)]))  # posted while suspended
        if refresh_between:
            assert market.refresh() == []
        suspend(market, FixtureStatus.SUSPENDED, FixtureStatus.UNPLAYED)
        market.refresh()
        market.post(1, ml_quote("Pinnacle", -130))  # -115 to -130 is 2.9 points, but -115 was never live
        market.post(5, ml_quote("DraftKings", -120), ml_quote("FanDuel", -120))
        assert market.found == [], f"refresh between: {refresh_between}"


def test_a_suspension_breaks_a_sharp_move_building_over_several_updates():
    market = Market()
    market.post(0, ml_quote("Pinnacle", -115))  # +1.1 points
    suspend(market, FixtureStatus.UNPLAYED, FixtureStatus.SUSPENDED)
    market.refresh()
    suspend(market, FixtureStatus.SUSPENDED, FixtureStatus.UNPLAYED)
    market.post(1, *(ml_quote(book, -115) for book in BOOKS))  # every book re-posted after it
    market.post(1, ml_quote("Pinnacle", -121))  # +1.2 after it: 2.3 in all, but across the suspension
    market.post(5, ml_quote("DraftKings", -125), ml_quote("FanDuel", -125))
    assert market.found == []


def test_a_lock_breaks_a_sharp_move_building_over_several_updates():
    market = Market()
    market.post(0, ml_quote("Pinnacle", -115))
    market.store.apply(QuotesLocked(S, None, [ml_quote("Pinnacle", -115)]))
    market.post(1, ml_quote("Pinnacle", -115))  # re-opens where it was
    market.post(1, ml_quote("Pinnacle", -121))
    market.post(5, ml_quote("DraftKings", -120), ml_quote("FanDuel", -120))
    assert market.found == []


def test_a_line_across_a_suspension_is_no_move():
    market = spread_market()
    suspend(market, FixtureStatus.UNPLAYED, FixtureStatus.SUSPENDED)
    market.store.apply(QuotesPosted(S, None, moved("Pinnacle", -3.5, -4.5)))
    suspend(market, FixtureStatus.SUSPENDED, FixtureStatus.UNPLAYED)
    market.refresh()  # suspended and reopened within one refresh, a point further
    market.post(5, *moved("DraftKings", -3.5, -4.5), *moved("FanDuel", -3.5, -4.5))
    assert market.found == []


def test_the_store_drops_a_move_spanning_a_suspension():
    market = Market()
    store = market.store
    store.apply(QuotesPosted(S, None, [ml_quote("Pinnacle", -115)]))
    [(before, now)] = store.drain_moves()
    assert (before.american, now.american) == (-110, -115)
    suspend(market, FixtureStatus.UNPLAYED, FixtureStatus.SUSPENDED)
    store.apply(QuotesPosted(S, None, [ml_quote("Pinnacle", -120)]))
    suspend(market, FixtureStatus.SUSPENDED, FixtureStatus.UNPLAYED)
    store.apply(QuotesPosted(S, None, [ml_quote("Pinnacle", -125)]))
    assert store.drain_moves() == [], "-115 before, -120 during, -125 after: no pair is live to live"
    store.apply(QuotesPosted(S, None, [ml_quote("Pinnacle", -130)]))
    [(before, now)] = store.drain_moves()
    assert (before.american, now.american) == (-125, -130)


def test_the_main_lines_remembered_are_capped(monkeypatch):
    monkeypatch.setattr("oddstui.steam.MAX_LINES", 10)
    market = Market(books=())
    for i in range(30):
        market.post(1, spread("Pinnacle", -3.5, selection=f"Team {i}"))
    assert market.detector.lines == 10


def test_a_move_never_spans_a_lost_connection():
    market = Market()
    market.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.RECONNECTING)))
    market.refresh()
    market.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.LIVE)))
    market.post(0, ml_quote("Pinnacle", -125))  # the snapshot after the reconnect: -110 was before the outage
    market.post(5, ml_quote("DraftKings", -120), ml_quote("FanDuel", -120))
    assert market.found == []
    market.post(5, ml_quote("Pinnacle", -140))  # from -125, after it: a live move
    market.post(5, ml_quote("DraftKings", -135), ml_quote("FanDuel", -135))
    assert len(market.found) == 1


def test_the_first_move_after_a_reconnect_counts_from_the_snapshot_taken_while_coming_back():
    """A client takes its snapshot before it reports the stream live again: that price is after the outage."""
    market = Market()
    market.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.RECONNECTING)))
    market.refresh()
    market.post(0, *(ml_quote(book, -115) for book in BOOKS))  # the snapshot, while still reconnecting
    market.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.LIVE)))
    market.refresh()
    market.post(1, ml_quote("Pinnacle", -130))
    market.post(5, ml_quote("DraftKings", -125), ml_quote("FanDuel", -125))
    assert len(market.found) == 1 and market.found[0].sharp_book == "Pinnacle"


def test_a_book_with_several_lines_flagged_main_moves_only_when_its_nearest_even_line_does():
    # OddsPapi flags main any line first seen with mainLine null: each book has -5.5 and -3.5 flagged main.
    # After start-up (or a stream coming back) the log names no quote; re-pricing lines moves no line.
    market = Market(books=())
    lines = [spread(b, p, a) for b in BOOKS[:3] for p, a in ((-5.5, -110), (-3.5, -200))]
    market.store.apply(QuotesPosted(S, None, lines))
    market.log.mark_everything()
    market.refresh()
    for book in BOOKS[:3]:
        market.post(1, spread(book, -3.5, -205))
    for book in BOOKS[:3]:
        market.post(1, spread(book, -5.5, -111))
    assert market.found == [], "nobody moved a line: the main line is the one nearest even money, -5.5, throughout"


def test_a_sharp_line_move_never_spans_a_lock_of_its_main_line():
    market = Market(SteamSettings(min_line_move=1.0), books=())
    alternates = [spread(b, p, main=False) for b in BOOKS[:3] for p in (-3.0, -3.5)]
    market.store.apply(QuotesPosted(S, None, [spread(b, -2.5) for b in BOOKS[:3]] + alternates))
    market.refresh()
    market.post(1, *moved("Pinnacle", -2.5, -3.0))  # +0.5: under 1.0
    market.clock.now += 1
    market.store.apply(QuotesLocked(S, None, [spread("Pinnacle", -3.0)]))
    market.refresh()
    market.clock.now += 10  # a 10 s lock: the line starts afresh when it re-opens
    market.post(0, spread("Pinnacle", -3.0))
    market.post(1, *moved("Pinnacle", -3.0, -3.5))  # +0.5 since the re-open
    market.post(1, *moved("DraftKings", -2.5, -3.5), *moved("FanDuel", -2.5, -3.5))
    assert market.found == []


def test_a_follower_line_move_never_spans_a_lock_of_its_main_line():
    market = spread_market(SteamSettings(min_line_move=1.0))  # a follower moves 0.5
    market.post(0, *moved("Pinnacle", -3.5, -4.5))
    market.post(1, *moved("DraftKings", -3.5, -4.5))
    market.post(1, *moved("FanDuel", -3.5, -3.75))  # +0.25: not yet following
    market.clock.now += 1
    market.store.apply(QuotesLocked(S, None, [spread("FanDuel", -3.75)]))
    market.refresh()
    market.clock.now += 10
    market.post(0, spread("FanDuel", -3.75))
    market.post(1, *moved("FanDuel", -3.75, -4.0))  # +0.25 since the re-open
    assert market.found == []
    market.post(1, *moved("FanDuel", -4.0, -4.25))  # +0.5 since the re-open: it follows
    assert len(market.found) == 1


def test_an_evicted_fixture_leaves_no_steam_state_behind():
    market = spread_market()
    market.post(0, *moved("Pinnacle", -3.5, -4.5))  # a sharp line move waiting for followers
    assert market.detector.lines == len(BOOKS) and market.detector.markets == 1
    suspend(market, FixtureStatus.UNPLAYED, FixtureStatus.COMPLETED)
    market.clock.now += market.store.eviction_grace
    assert market.store.evict() == 1
    market.refresh()
    assert (market.detector.lines, market.detector.markets) == (0, 0)


def test_a_fixture_evicted_while_the_log_names_nothing_leaves_no_main_line_behind():
    market = spread_market()
    market.post(0, *moved("Pinnacle", -3.5, -4.5))
    suspend(market, FixtureStatus.UNPLAYED, FixtureStatus.COMPLETED)
    market.clock.now += market.store.eviction_grace
    market.log.mark_everything()  # the log overflowed: it will name no evicted fixture
    assert market.store.evict() == 1
    market.refresh()
    assert market.detector.lines == 0 and market.detector._mains == {}


def flap(market: Market, stream: str, provider: str, *after_it: Quote) -> None:
    """The stream goes down, is seen down by a refresh, and comes back; `after_it` are posted right after."""
    market.store.apply(StreamHealthChanged(StreamHealth(stream, provider, StreamState.RECONNECTING)))
    market.refresh()
    market.store.apply(StreamHealthChanged(StreamHealth(stream, provider, StreamState.LIVE)))
    market.store.apply(QuotesPosted(stream, None, list(after_it)))


def test_another_providers_stream_flapping_leaves_steam_building():
    market = Market()
    market.store.apply(StreamHealthChanged(StreamHealth("q:odds", "q", StreamState.LIVE)))
    market.refresh()
    market.post(0, ml_quote("Pinnacle", -125))
    flap(market, "q:odds", "q")
    market.post(5, ml_quote("DraftKings", -120), ml_quote("FanDuel", -120))
    assert len(market.found) == 1


def test_the_first_line_move_after_a_reconnect_counts_from_the_snapshot():
    market = spread_market()
    # the snapshot after the reconnect lands in the refresh that sees the stream back: the log names none of it
    flap(market, S, "p", *[spread(b, -3.5) for b in BOOKS])
    market.refresh()
    market.post(1, *moved("Pinnacle", -3.5, -4.5))
    market.post(5, *moved("DraftKings", -3.5, -4.5), *moved("FanDuel", -3.5, -4.5))
    assert [(s.line_from, s.line_to) for s in market.found] == [(-3.5, -4.5)]


def test_a_book_unflagging_its_main_line_moves_to_the_other_line_it_flags_main():
    market = Market(books=())
    books = BOOKS[:3]
    market.store.apply(QuotesPosted(S, None, [spread(b, p, a) for b in books for p, a in ((-3.5, -110), (-5.5, 150))]))
    market.refresh()
    for book in books:
        market.post(1, spread(book, -3.5, main=False))  # -5.5 is now its only main line
    assert [(s.sharp_book, s.line_from, s.line_to) for s in market.found] == [("Pinnacle", -3.5, -5.5)]
