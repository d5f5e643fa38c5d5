"""Steam: the sharp book shortens a price by min_move points and K other books follow within T seconds.

Worked example (defaults: 2.0 points, 2 followers, 60 s): Pinnacle moves Denver from -110 (52.38%) to
-125 (55.56%), +3.17 points; DraftKings -110 -> -120 (+2.17) and FanDuel -110 -> -118 (+1.74), both at
least half of 2.0, follow 10 s and 30 s later: steam on Denver, followed by DraftKings and FanDuel.
"""

import pytest

from oddstui.model import (
    Fixture,
    FixtureStatus,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    StreamHealth,
    StreamHealthChanged,
    StreamState,
)
from oddstui.steam import DEFAULT_STEAM, MARK_SECONDS, SteamDetector, SteamSettings, steam_text
from oddstui.store import Store
from tests.factories import american_quote

S = "p:odds"
ML = "Moneyline"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def quote(book, american, selection="Denver Nuggets", market=ML, points=None, in_play=False):
    return american_quote(book, market, selection, american, points, stream=S, is_live=in_play)


class Market:
    """A store with every book at -110 on Denver, a detector fed from its moves, and a clock to move on."""

    def __init__(self, settings: SteamSettings = DEFAULT_STEAM, books=("Pinnacle", "DraftKings", "FanDuel", "BetMGM")):
        self.clock = Clock()
        self.store = Store(clock=self.clock)
        self.store.track_moves()
        self.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.LIVE)))
        self.store.upsert_fixture(S, None, Fixture("p", "F1", "basketball", "NBA", "Miami Heat", "Denver Nuggets", 0))
        self.log = self.store.watch()
        self.log.drain()  # a new log says 'everything' first: from here on it names each quote
        self.store.apply(QuotesPosted(S, None, [quote(b, -110) for b in books]))
        self.detector = SteamDetector(settings)
        self.found = []

    def post(self, after: float, *quotes: Quote) -> list:
        self.clock.now += after
        self.store.apply(QuotesPosted(S, None, list(quotes)))
        return self.refresh()

    def refresh(self) -> list:
        """What PriceWatch does at each refresh: the store's moves and change log, to the detector."""
        changed, fixtures, everything = self.log.drain()
        moves = self.store.drain_moves()
        found = self.detector.observe(self.store, moves, changed, self.clock.now, everything, fixtures)
        self.found += found
        return found


def test_the_worked_example_fires_once_with_both_followers():
    market = Market()
    assert market.post(0, quote("Pinnacle", -125)) == []
    assert market.post(10, quote("DraftKings", -120)) == []
    [steam] = market.post(20, quote("FanDuel", -118))
    assert (steam.sharp_book, steam.selection, steam.market) == ("Pinnacle", "Denver Nuggets", ML)
    assert steam.followers == ("DraftKings", "FanDuel")
    assert round(steam.move_points, 2) == 3.17
    assert steam.ts == 1030.0 and steam.ref == ("p", "F1")
    text = steam_text(steam, "Miami Heat @ Denver Nuggets", lambda d: f"{d:.2f}")
    assert "steam on Denver Nuggets (Moneyline): Pinnacle 1.91 → 1.80 (+3.2 pts)" in text
    assert text.endswith("followed by DraftKings, FanDuel")
    assert market.post(5, quote("BetMGM", -125)) == [], "one alert per steam"
    assert market.detector.marked(market.clock.now) == {("p", "F1")}
    assert market.detector.marked(market.clock.now + MARK_SECONDS) == set()


def test_one_follower_short_of_k_does_not_fire():
    market = Market()
    market.post(0, quote("Pinnacle", -125))
    market.post(10, quote("DraftKings", -120))
    market.post(10, quote("FanDuel", -111))  # 0.24 points: jitter, not following
    market.post(10, quote("BetMGM", -105))  # the other way
    assert market.found == []


def test_followers_outside_the_window_do_not_count():
    market = Market()
    market.post(0, quote("Pinnacle", -125))
    market.post(10, quote("DraftKings", -120))
    assert market.post(51, quote("FanDuel", -118)) == [], "61 s after the sharp move"
    assert market.detector.markets <= 1


def test_a_sharp_move_built_over_several_updates_counts_and_books_leading_do_not():
    market = Market()
    market.post(0, quote("DraftKings", -120), quote("FanDuel", -120))  # the soft books lead: not steam
    market.post(1, quote("Pinnacle", -115))  # +1.1 points
    assert market.found == []
    market.post(20, quote("Pinnacle", -121))  # +2.4 points within 60 s: a sharp move, waiting for followers
    assert market.found == []
    market.post(5, quote("DraftKings", -130), quote("BetMGM", -130))
    assert [s.followers for s in market.found] == [("BetMGM", "DraftKings")]


def test_k_and_t_and_the_size_are_settings():
    market = Market(SteamSettings(min_move=5.0, followers=1, window=10.0))
    market.post(0, quote("Pinnacle", -125))  # 3.2 points: below 5
    market.post(1, quote("DraftKings", -140))
    assert market.found == []
    market.post(30, quote("Pinnacle", -150))  # +4.4 more, but the first part left the window: 4.4 < 5
    assert market.found == []
    market.post(30, quote("Pinnacle", -110))
    market.post(1, quote("Pinnacle", -135))  # +5.1 from its lowest (-110) within 10 s
    assert market.post(9, quote("FanDuel", -135)) != []


def test_a_locked_or_stale_price_never_makes_steam():
    market = Market()
    market.store.apply(QuotesLocked(S, None, [quote("Pinnacle", -110)]))
    market.post(0, quote("Pinnacle", -125))  # re-opening from a lock: not a live move
    market.post(5, quote("DraftKings", -120), quote("FanDuel", -120))
    assert market.found == []

    market = Market()
    market.post(0, quote("Pinnacle", -125))
    market.store.apply(QuotesMarkedStale(S, "p", [quote("DraftKings", -110).key]))
    market.post(5, quote("DraftKings", -120))  # from a stale price
    market.post(5, quote("FanDuel", -120))
    assert market.found == []

    market = Market()
    market.post(0, quote("Pinnacle", -125))
    market.post(5, quote("DraftKings", -120))
    market.store.apply(QuotesLocked(S, None, [quote("Pinnacle", -125)]))
    market.post(5, quote("FanDuel", -120))
    assert market.found == [], "the sharp price is locked now"

    market = Market()
    market.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.RECONNECTING)))
    market.post(0, quote("Pinnacle", -125))
    market.post(5, quote("DraftKings", -120), quote("FanDuel", -120))
    assert market.found == [], "the stream is down: every price is stale"


def test_memory_is_bounded_by_the_window():
    market = Market(books=("Pinnacle",))
    for i in range(300):
        market.post(1, quote("Pinnacle", -110 - (i % 2) * 20, selection=f"Team {i}"))
    assert market.detector.markets <= 61


def test_disabled_steam_says_nothing():
    market = Market(SteamSettings(enabled=False))
    market.post(0, quote("Pinnacle", -125))
    market.post(5, quote("DraftKings", -120), quote("FanDuel", -120))
    assert market.found == []


def test_the_store_records_moves_only_when_asked_and_bounded():
    store = Store()
    store.apply(QuotesPosted(S, None, [quote("Pinnacle", -110)]))
    store.apply(QuotesPosted(S, None, [quote("Pinnacle", -120)]))
    assert store.drain_moves() == []
    store.track_moves(capacity=2)
    for american in (-125, -125, -130, -135):
        store.apply(QuotesPosted(S, None, [quote("Pinnacle", american)]))
    moves = store.drain_moves()  # the last 2 changes kept (-125 -> -130 -> -135): one price, from first to now
    assert [(a.american, b.american) for a, b in moves] == [(-125, -135)]
    assert store.drain_moves() == []
    store.apply(QuotesPosted(S, None, [quote("Pinnacle", -140)]))
    store.apply(QuotesLocked(S, None, [quote("Pinnacle", -150)]))
    assert store.drain_moves() == [], "locked since it moved: no move to pair"


def test_a_move_never_spans_a_lock_within_one_drain():
    store = Store()
    store.apply(QuotesPosted(S, None, [quote("Pinnacle", -110)]))
    store.track_moves()
    store.apply(QuotesPosted(S, None, [quote("Pinnacle", -115)]))
    store.apply(QuotesLocked(S, None, [quote("Pinnacle", -115)]))
    store.apply(QuotesPosted(S, None, [quote("Pinnacle", -140)]))  # reopened elsewhere: no live-to-live move
    assert store.drain_moves() == []
    store.apply(QuotesPosted(S, None, [quote("Pinnacle", -150)]))
    store.apply(QuotesLocked(S, None, [quote("Pinnacle", -150)]))
    store.apply(QuotesPosted(S, None, [quote("Pinnacle", -160)]))
    store.apply(QuotesPosted(S, None, [quote("Pinnacle", -170)]))
    [(before, now)] = store.drain_moves()
    assert (before.american, now.american) == (-160, -170), "only the move after the lock"


def test_steam_does_not_start_on_a_price_that_locked_and_reopened_between_refreshes():
    market = Market()
    market.store.apply(QuotesPosted(S, None, [quote("Pinnacle", -111)]))
    market.store.apply(QuotesLocked(S, None, [quote("Pinnacle", -111)]))
    market.post(0, quote("Pinnacle", -130))  # live, locked and reopened 4 points shorter within one refresh
    market.post(5, quote("DraftKings", -120), quote("FanDuel", -120))
    assert market.found == []


@pytest.mark.parametrize("status", [FixtureStatus.SUSPENDED, FixtureStatus.COMPLETED])
def test_a_game_suspended_or_over_makes_no_steam_though_its_prices_stay_open(status):
    market = Market()
    game = Fixture("p", "F1", "basketball", "NBA", "Miami Heat", "Denver Nuggets", 0, status)
    market.store.upsert_fixture(S, None, game)
    market.post(0, quote("Pinnacle", -125))
    market.post(5, quote("DraftKings", -120), quote("FanDuel", -120))
    assert market.found == [], "its feed left the prices unlocked: no steam starts"
    market = Market()
    market.post(0, quote("Pinnacle", -125))
    market.store.upsert_fixture(S, None, game)
    market.post(5, quote("DraftKings", -120), quote("FanDuel", -120))
    assert market.found == [], "nor follows"


def test_in_play_prices_make_no_steam_unless_asked():
    for live_games, expected in ((False, 0), (True, 1)):
        market = Market(SteamSettings(live_games=live_games))
        market.post(0, quote("Pinnacle", -125, in_play=True))
        market.post(5, quote("DraftKings", -120, in_play=True), quote("FanDuel", -120, in_play=True))
        assert len(market.found) == expected


def test_another_sharp_book_moving_is_not_a_follower():
    market = Market(books=("Pinnacle", "Circa Sports", "DraftKings", "FanDuel"))
    market.post(0, quote("Pinnacle", -125))
    market.post(5, quote("Circa Sports", -125), quote("DraftKings", -120))
    assert market.found == [], "Circa Sports is sharp: it leads, it does not follow"
    market.post(5, quote("FanDuel", -120))
    assert [s.followers for s in market.found] == [("DraftKings", "FanDuel")]


def test_a_price_keeps_its_last_moves_inside_the_window_only():
    from oddstui.steam import MAX_MOVES_PER_PRICE, _add_move, _trim_window

    window: dict[str, list] = {"k": [], "old": []}
    for ts in range(MAX_MOVES_PER_PRICE + 10):
        _add_move(window["k"], (float(ts), 2.0))
    _add_move(window["old"], (1.0, 2.0))
    assert [m[0] for m in window["k"]] == [float(ts) for ts in range(10, MAX_MOVES_PER_PRICE + 10)]
    _trim_window(window, since=20.0)
    assert list(window) == ["k"] and window["k"][0][0] == 20.0 and window["k"][-1][0] == MAX_MOVES_PER_PRICE + 9
