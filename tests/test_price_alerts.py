"""Price alerts fire once per crossing, re-arm when the condition goes false, and hold through a lock."""

import random

import pytest

from oddstui.alert_rule import AlertKind, AlertRule, describe
from oddstui.bench.scan import fixture_quotes
from oddstui.model import (
    Fixture,
    FixtureChange,
    FixtureChanged,
    FixtureStatus,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    StreamHealth,
    StreamHealthChanged,
    StreamState,
)
from oddstui.odds import american_to_decimal
from oddstui.price_alerts import PriceAlerts, _arbitrage_possible
from oddstui.signals import ScanSettings, SignalKind, market_signals
from oddstui.store import Store
from tests.factories import american_quote

S = "p:odds"
REF = ("p", "F1")
SPREAD, ML = "Point Spread", "Moneyline"


def quote(book, american, selection="Denver Nuggets", market=ML, points=None, key=None, fixture_id="F1"):
    return american_quote(book, market, selection, american, points, fixture_id=fixture_id, key=key or None, stream=S)


class Market:
    def __init__(self, *rules: AlertRule) -> None:
        self.store = Store()
        self.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.LIVE)))
        for fixture_id, league in (("F1", "NBA"), ("F2", "NFL")):
            fixture = Fixture("p", fixture_id, "basketball", league, "Denver Nuggets", "Miami Heat", 0.0)
            self.store.upsert_fixture(S, None, fixture)
        self.alerts = PriceAlerts(rules)

    def post(self, *quotes: Quote) -> list[str]:
        self.store.apply(QuotesPosted(S, None, list(quotes)))
        return self.judge()

    def judge(self, refs=(REF,)) -> list[str]:
        """Every alert on the fixtures, each market of them judged (what a refresh does with what changed)."""
        firings = self.alerts.evaluate(self.store, refs) + self.alerts.evaluate_markets(self.store, (), refs)
        return [f.text for f in firings]


def test_price_at_or_better_fires_once_per_crossing_and_holds_through_a_lock():
    rule = AlertRule(AlertKind.PRICE, american_to_decimal(150), selection="Denver Nuggets", market=ML, book="FanDuel")
    market = Market(rule)
    assert market.post(quote("FanDuel", 140), quote("DraftKings", 170)) == [], "another book's price is not watched"
    [fired] = market.post(quote("FanDuel", 150))
    assert fired == "Miami Heat @ Denver Nuggets: Denver Nuggets at FanDuel +150, at or better than +150"
    assert market.post(quote("FanDuel", 160)) == [], "still true: no second alert"
    market.store.apply(QuotesLocked(S, None, [quote("FanDuel", 160)]))
    assert market.judge() == []
    assert market.post(quote("FanDuel", 155)) == [], "a suspension does not re-arm it"
    market.store.apply(QuotesMarkedStale(S, "p", [quote("FanDuel", -110).key]))
    assert market.judge() == []
    assert market.post(quote("FanDuel", 145)) == [], "false: re-armed"
    assert len(market.post(quote("FanDuel", 151))) == 1, "a second crossing fires again"


def test_nothing_fires_nor_rearms_while_the_game_is_suspended_even_with_prices_unlocked():
    rule = AlertRule(AlertKind.PRICE, american_to_decimal(150), selection="Denver Nuggets", book="FanDuel")
    market = Market(rule)
    assert len(market.post(quote("FanDuel", 160))) == 1
    market.store.apply(FixtureChanged(S, None, FixtureChange("p", "F1", FixtureStatus.LIVE, FixtureStatus.SUSPENDED)))
    assert market.post(quote("FanDuel", 100)) == [], "held: not re-armed"
    assert market.post(quote("FanDuel", 170)) == []
    market.store.apply(FixtureChanged(S, None, FixtureChange("p", "F1", FixtureStatus.SUSPENDED, FixtureStatus.LIVE)))
    assert market.judge() == [], "true before the suspension, true after: no crossing"
    assert market.post(quote("FanDuel", 100)) == [] and len(market.post(quote("FanDuel", 155))) == 1


def test_price_on_any_book_takes_the_best_live_price_and_never_a_locked_one():
    rule = AlertRule(AlertKind.PRICE, american_to_decimal(150), selection="denver nuggets")
    market = Market(rule)
    market.store.apply(QuotesLocked(S, None, [quote("FanDuel", 200)]))
    assert market.post(quote("DraftKings", 140)) == [], "the locked +200 is not a price"
    [fired] = market.post(quote("DraftKings", 155))
    assert "at DraftKings +155" in fired
    assert market.post(quote("BetMGM", 165)) == [], "the same selection, still true"


def test_a_book_that_made_an_any_book_alert_true_holds_it_while_locked():
    rule = AlertRule(AlertKind.PRICE, american_to_decimal(150), selection="Denver Nuggets")
    market = Market(rule)
    assert market.post(quote("DraftKings", 120)) == []
    assert len(market.post(quote("FanDuel", 160))) == 1
    market.store.apply(QuotesLocked(S, None, [quote("FanDuel", 160)]))
    assert market.judge() == [], "DraftKings +120 is live, but FanDuel's suspension re-arms nothing"
    assert market.post(quote("FanDuel", 160)) == [], "reopened where it was: no second alert"
    assert market.post(quote("FanDuel", 140)) == [], "false now: re-armed"
    assert len(market.post(quote("FanDuel", 155))) == 1


def test_an_ev_alert_is_held_while_the_book_that_made_it_true_is_locked():
    rule = AlertRule(AlertKind.EV, 4.0, selection="Denver Nuggets", market=ML)
    market = Market(rule)
    assert (
        market.post(*two_way("Pinnacle", -110, -110), *two_way("FanDuel", 104, -125), *two_way("BetMGM", 100, -120))
        == []
    )
    assert len(market.post(quote("FanDuel", 110))) == 1
    market.store.apply(QuotesLocked(S, None, [quote("FanDuel", 110)]))
    assert market.judge() == [], "BetMGM +100 is no EV, but FanDuel is only suspended"
    assert market.post(quote("FanDuel", 110)) == [], "reopened: the same crossing"


def test_a_stream_going_down_neither_fires_nor_rearms():
    rule = AlertRule(AlertKind.PRICE, 2.0, selection="Denver Nuggets", book="FanDuel")
    market = Market(rule)
    assert len(market.post(quote("FanDuel", 110))) == 1
    market.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.RECONNECTING)))
    assert market.post(quote("FanDuel", -150)) == []
    assert market.post(quote("FanDuel", 120)) == []
    market.store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.LIVE)))
    assert market.judge() == [], "it never went false while live"


def two_way(book, home, away, points=None, market=ML):
    return [
        quote(book, home, "Denver Nuggets", market, points),
        quote(book, away, "Miami Heat", market, None if points is None else -points),
    ]


def test_ev_uses_the_grids_fair_price_and_fires_once_per_crossing():
    # Pinnacle -110/-110: fair 2.00 each side. FanDuel +104 (2.04) is +2.0% EV; +110 (2.10) is +5.0%.
    rule = AlertRule(AlertKind.EV, 4.0, selection="Denver Nuggets", market=ML)
    market = Market(rule)
    assert market.post(*two_way("Pinnacle", -110, -110), *two_way("FanDuel", 104, -125)) == []
    [fired] = market.post(quote("FanDuel", 110))
    assert "Denver Nuggets at FanDuel +110 is +5.0% EV (fair +100 Pinnacle), alert at 4%" in fired
    assert market.post(quote("FanDuel", 112)) == []
    assert market.post(*two_way("Pinnacle", -120, 100)) == [], "fair moved to 1.917: +112 is +10.2%, still true"
    assert market.post(quote("FanDuel", -110)) == [], "-0.4%: false now"
    assert len(market.post(quote("FanDuel", 130))) == 1


def test_ev_is_never_built_on_a_locked_sharp_price():
    rule = AlertRule(AlertKind.EV, 1.0, selection="Denver Nuggets")
    market = Market(rule)
    market.store.apply(QuotesPosted(S, None, two_way("Pinnacle", -110, -110)))
    market.store.apply(QuotesLocked(S, None, two_way("Pinnacle", -110, -110)))
    assert market.post(quote("FanDuel", 130)) == [], "no live sharp price and no consensus of three: no fair"


def test_any_arbitrage_fires_once_and_is_held_while_a_leg_is_locked():
    # Denver -17.5 +149 at BookA and Miami +17.5 +111 at BookB: 1/2.49 + 1/2.11 = 0.8755, a 14.2% arbitrage.
    rule = AlertRule(AlertKind.ARB, 2.0)
    market = Market(rule)
    market.store.apply(QuotesPosted(S, None, two_way("BookA", 149, -180, -17.5, SPREAD)))
    [fired] = market.post(*two_way("BookB", -200, 111, -17.5, SPREAD))
    assert fired.startswith("Miami Heat @ Denver Nuggets: arbitrage 14.22% (Point Spread): ")
    assert "Denver Nuggets -17.5 BookA +149" in fired and "Miami Heat +17.5 BookB +111" in fired
    assert market.post(quote("BookA", 150, points=-17.5, market=SPREAD)) == [], "the same arbitrage"
    market.store.apply(QuotesLocked(S, None, [quote("BookB", 111, "Miami Heat", SPREAD, 17.5)]))
    assert market.judge() == []
    assert market.post(quote("BookB", 111, "Miami Heat", SPREAD, 17.5)) == [], "held through the lock"
    assert market.post(quote("BookB", -300, "Miami Heat", SPREAD, 17.5)) == [], "gone: re-armed"
    assert len(market.post(quote("BookB", 111, "Miami Heat", SPREAD, 17.5))) == 1


def test_arbitrage_below_the_threshold_or_out_of_scope_does_not_fire():
    market = Market(AlertRule(AlertKind.ARB, 15.0), AlertRule(AlertKind.ARB, 1.0, league="NFL"))
    market.store.apply(QuotesPosted(S, None, two_way("BookA", 149, -180, -17.5, SPREAD)))
    assert market.post(*two_way("BookB", -200, 111, -17.5, SPREAD)) == []


def test_a_move_fires_on_a_line_change_or_a_price_move_of_n_points_then_judges_from_there():
    rule = AlertRule(AlertKind.MOVE, 2.0, selection="Denver Nuggets", market=SPREAD, book="FanDuel")
    market = Market(rule)
    key = "fd-main"  # one key for the main line, whose line moves (as some feeds send it)
    assert market.post(quote("FanDuel", -110, market=SPREAD, points=-3.5, key=key)) == [], "the reference"
    assert market.post(quote("FanDuel", -115, market=SPREAD, points=-3.5, key=key)) == [], "1.1 points"
    [fired] = market.post(quote("FanDuel", -120, market=SPREAD, points=-3.5, key=key))
    assert fired.endswith("Denver Nuggets (Point Spread) at FanDuel moved: -110 → -120 (2.2 pts)")
    assert market.post(quote("FanDuel", -122, market=SPREAD, points=-3.5, key=key)) == [], "from -120 now"
    [fired] = market.post(quote("FanDuel", -110, market=SPREAD, points=-4.0, key=key))
    assert fired.endswith("moved: line -3.5 → -4")
    market.store.apply(QuotesLocked(S, None, [quote("FanDuel", -150, market=SPREAD, points=-4.0, key=key)]))
    assert market.judge() == [], "never on a locked price"


def test_rules_out_of_scope_cost_nothing_and_a_gone_fixture_is_forgotten():
    rule = AlertRule(AlertKind.PRICE, 2.0, provider="p", fixture_id="F2")
    market = Market(rule)
    assert market.post(quote("FanDuel", 300)) == []
    market.store.apply(QuotesPosted(S, None, [quote("FanDuel", 300, fixture_id="F2")]))
    assert len(market.judge([("p", "F2")])) == 1
    done = Fixture("p", "F2", "basketball", "NFL", "Denver Nuggets", "Miami Heat", 0.0, FixtureStatus.COMPLETED)
    market.store.upsert_fixture(S, None, done)
    market.store.evict(now=1e12)
    assert market.judge([("p", "F2")]) == [] and market.alerts._active == {}


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (
            AlertRule(AlertKind.PRICE, 2.5, selection="Denver Nuggets", line=-3.5, market=SPREAD, book="FanDuel"),
            "price ≥ +150 · Denver Nuggets -3.5 · Point Spread · FanDuel",
        ),
        (AlertRule(AlertKind.EV, 3.0, league="NBA"), "EV ≥ 3% · any book · NBA"),
        (AlertRule(AlertKind.ARB, 1.5, label="Heat @ Nuggets"), "arbitrage ≥ 1.5% · Heat @ Nuggets"),
        (AlertRule(AlertKind.MOVE, 2.0, selection="Over"), "line move, or price by 2 pts · Over · any book"),
    ],
)
def test_each_rule_describes_itself(rule, text):
    assert describe(rule) == text


@pytest.mark.parametrize("pause", ["lock", "suspension"])
def test_a_move_alert_holds_its_reference_through_a_lock_and_a_suspension_alike(pause):
    # FanDuel Denver -3.5 at -110 is the reference. It pauses (its price locked, or the game suspended) and
    # posts -150 and -125 meanwhile; it re-opens at -125: judged once, against -110, never against -150.
    rule = AlertRule(AlertKind.MOVE, 2.0, selection="Denver Nuggets", market=SPREAD, book="FanDuel")
    market = Market(rule)
    fd = [quote("FanDuel", -110, market=SPREAD, points=-3.5)]
    assert market.post(*fd) == []
    change = FixtureChanged(S, None, FixtureChange("p", "F1", FixtureStatus.UNPLAYED, FixtureStatus.SUSPENDED))
    market.store.apply(QuotesLocked(S, None, fd) if pause == "lock" else change)
    for american in (-150, -125):
        meanwhile = quote("FanDuel", american, market=SPREAD, points=-3.5)
        market.store.apply((QuotesLocked if pause == "lock" else QuotesPosted)(S, None, [meanwhile]))
        assert market.judge() == [], "nothing made while paused is judged"
    if pause == "lock":
        [fired] = market.post(quote("FanDuel", -125, market=SPREAD, points=-3.5))
    else:
        market.store.apply(
            FixtureChanged(S, None, FixtureChange("p", "F1", FixtureStatus.SUSPENDED, FixtureStatus.UNPLAYED))
        )
        [fired] = market.judge()
    assert fired.endswith("at FanDuel moved: -110 → -125 (3.2 pts)")
    assert market.post(quote("FanDuel", -127, market=SPREAD, points=-3.5)) == [], "judged from -125 now"


def test_a_market_is_skipped_for_arbitrage_only_where_market_signals_finds_none():
    """The cheap check never says 'no arbitrage' where the signals find one, and says it for most markets."""
    rng = random.Random(3)
    store = Store()
    skipped = with_arb = 0
    for index in range(30):
        fixture, quotes = fixture_quotes(index, 2, rng)
        for quote in quotes:  # books far apart: many lines cross into an arbitrage
            quote.decimal = max(1.01, quote.decimal * rng.uniform(0.96, 1.04))
        store.upsert_fixture("bench:odds", None, fixture)
        store.post_quotes("bench:odds", None, quotes)
        ref = (fixture.provider, fixture.fixture_id)
        markets: dict[tuple[str, str], list[Quote]] = {}
        for quote in store.fixture_quotes(ref):
            markets.setdefault((quote.market, quote.player), []).append(quote)
        for (name, player), market_quotes in markets.items():
            found = market_signals(ref, fixture, name, player, market_quotes, store.is_live_price, ScanSettings())
            arb = any(s.kind is SignalKind.ARB for s in found)
            possible = _arbitrage_possible(market_quotes, fixture, store.is_live_price)
            assert possible or not arb, (name, player)
            skipped += not possible
            with_arb += arb
    assert with_arb > 10 and skipped > 30
