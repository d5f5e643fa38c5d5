"""Signals from a store's live quotes: +EV, arbitrage, middles, low hold; gone once a price is not live."""

import pytest

from oddstui.devig import DevigMethod
from oddstui.market_view import CONSENSUS
from oddstui.model import (
    FixtureStatus,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    Settlement,
    StreamHealth,
    StreamHealthChanged,
    StreamState,
)
from oddstui.signals import Scanner, ScanSettings, SignalKind, scan
from oddstui.store import Store
from tests.factories import american_quote, game

S = "p:odds"
SPREAD, TOTAL, ML = "Point Spread", "Total Points", "Moneyline"


def quote(book, market, selection, american, points=None, fixture_id="F1"):
    return american_quote(book, market, selection, american, points, fixture_id=fixture_id, stream=S)


def make_store(*quotes, status=FixtureStatus.UNPLAYED):
    store = Store()
    store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.LIVE)))
    store.upsert_fixture(S, None, game(home="Denver Nuggets", status=status))
    store.apply(QuotesPosted(S, None, list(quotes)))
    return store


def kinds(signals, kind):
    return [s for s in signals if s.kind is kind]


def demo_arb():
    """Fresh quotes each time: the store owns (and mutates) the quotes it is given."""
    return (
        quote("BookA", SPREAD, "Denver Nuggets", 149, -17.5),
        quote("BookA", SPREAD, "Miami Heat", -180, 17.5),
        quote("BookB", SPREAD, "Denver Nuggets", -140, -17.5),
        quote("BookB", SPREAD, "Miami Heat", 111, 17.5),
    )


def test_the_demo_arbitrage_is_found_with_its_stakes():
    # Denver -17.5 at +149 (BookA), Miami +17.5 at +111 (BookB): 1/2.49 + 1/2.11 = 0.875540
    # profit 1/0.875540 - 1 = 14.2153 %; stakes on 100: 45.8695 / 54.1305 (see test_edge)
    (arb,) = kinds(scan(make_store(*demo_arb())), SignalKind.ARB)
    assert arb.edge_pct == pytest.approx(14.2153, abs=1e-4)
    assert [(leg.selection, leg.book, leg.price_american) for leg in arb.legs] == [
        ("Miami Heat", "BookB", 111),
        ("Denver Nuggets", "BookA", 149),
    ]
    assert arb.split is not None and arb.split.stakes == pytest.approx((54.1305, 45.8695), abs=1e-4)
    assert arb.hold == pytest.approx(1 - 1 / 0.875540, abs=1e-6)
    # the signal recomputes from its own legs
    assert 100 / sum(1 / leg.price_decimal for leg in arb.legs) - 100 == pytest.approx(arb.edge_pct)


@pytest.mark.parametrize("how", ["locked", "settled", "stale", "stream down", "suspended fixture"])
def test_an_arbitrage_disappears_once_a_leg_is_not_live(how):
    store = make_store(*demo_arb())
    assert kinds(scan(store), SignalKind.ARB)
    leg = store.quote("p", demo_arb()[0].key)
    if how == "locked":
        store.apply(QuotesLocked(S, None, [quote("BookA", SPREAD, "Denver Nuggets", 149, -17.5)]))
    elif how == "settled":
        store.settle_quotes(S, None, "p", {leg.key: Settlement.WON})
    elif how == "stale":
        store.apply(QuotesMarkedStale(S, "p", [leg.key]))
    elif how == "stream down":
        store.apply(StreamHealthChanged(StreamHealth(S, "p", StreamState.RECONNECTING, "cut")))
    else:
        fixture = store.fixture(("p", "F1"))
        fixture.status = FixtureStatus.SUSPENDED
    assert kinds(scan(store), SignalKind.ARB) == []


def test_positive_ev_against_the_sharp_book():
    # Pinnacle Denver 1.80 / Miami 2.10: implied 0.555556 + 0.476190 = 1.031746
    # fair Miami 0.476190 / 1.031746 = 0.461538 (fair price 2.166667)
    # BookB Miami 2.30: EV = 0.461538 x 2.30 - 1 = +6.1538 %; quarter Kelly 0.25 x 0.061538 / 1.30 = 0.011834
    # BookA Denver 1.85: 0.538462 x 1.85 - 1 = -0.38 %: no signal
    store = make_store(
        quote("Pinnacle", ML, "Denver Nuggets", -125),
        quote("Pinnacle", ML, "Miami Heat", 110),
        quote("BookA", ML, "Denver Nuggets", -118),
        quote("BookB", ML, "Miami Heat", 130),
    )
    (ev,) = kinds(scan(store), SignalKind.EV)
    assert (ev.legs[0].book, ev.legs[0].selection) == ("BookB", "Miami Heat")
    assert ev.edge_pct == pytest.approx(6.1538, abs=1e-4)
    assert ev.fair_decimal == pytest.approx(2.166667, abs=1e-6) and ev.fair_source == "Pinnacle"
    assert ev.kelly == pytest.approx(0.011834, abs=1e-6)
    assert (1 / ev.fair_decimal) * ev.legs[0].price_decimal * 100 - 100 == pytest.approx(ev.edge_pct)


def test_the_devig_method_is_a_setting():
    quotes = (
        quote("Pinnacle", ML, "Denver Nuggets", -125),
        quote("Pinnacle", ML, "Miami Heat", 110),
        quote("BookB", ML, "Miami Heat", 130),
    )
    store = make_store(*quotes)
    mult = kinds(scan(store), SignalKind.EV)[0].fair_decimal
    shin = kinds(scan(store, ScanSettings(method=DevigMethod.SHIN)), SignalKind.EV)[0].fair_decimal
    # Shin gives the underdog less than multiplicative does: a longer fair price
    assert shin > mult


def test_consensus_needs_three_live_books():
    books = ("BookA", "BookC", "BookD")
    quotes = [q for b in books for q in (quote(b, ML, "Denver Nuggets", -110), quote(b, ML, "Miami Heat", -110))]
    offer = quote("BookB", ML, "Miami Heat", 115)
    # three books at -110/-110: consensus fair 2.00; BookB +115 (2.15): EV 0.5 x 2.15 - 1 = +7.5 %
    (ev,) = kinds(scan(make_store(*quotes, offer)), SignalKind.EV)
    assert ev.fair_source == CONSENSUS and ev.edge_pct == pytest.approx(7.5)
    # with two books left live there is no fair price, so no EV
    store = make_store(*quotes, offer)
    store.apply(QuotesLocked(S, None, quotes[:2]))
    assert kinds(scan(store), SignalKind.EV) == []


def test_a_totals_middle_across_books():
    # Over 220.5 at BookA -110 (1.909091), Under 222.5 at BookB -110: stakes 50/50, a miss costs
    # 100 - 50 x 1.909091 = 4.5455 (edge -4.5455 %); 221 and 222 win both
    store = make_store(
        quote("BookA", TOTAL, "Over", -110, 220.5),
        quote("BookA", TOTAL, "Under", -110, 220.5),
        quote("BookB", TOTAL, "Over", -110, 222.5),
        quote("BookB", TOTAL, "Under", -110, 222.5),
    )
    (mid,) = kinds(scan(store), SignalKind.MIDDLE)
    assert [(leg.selection, leg.book, leg.points) for leg in mid.legs] == [
        ("Over", "BookA", 220.5),
        ("Under", "BookB", 222.5),
    ]
    assert mid.middle is not None and mid.middle.hits == (221, 222)
    assert mid.edge_pct == pytest.approx(-4.5455, abs=1e-4)


def test_a_spread_middle_across_books():
    # Miami +7.5 at BookA -110, Denver -5.5 at BookB -110: Denver by 6 or 7 wins both
    store = make_store(
        quote("BookA", SPREAD, "Miami Heat", -110, 7.5),
        quote("BookA", SPREAD, "Denver Nuggets", -110, -7.5),
        quote("BookB", SPREAD, "Miami Heat", -110, 5.5),
        quote("BookB", SPREAD, "Denver Nuggets", -110, -5.5),
    )
    (mid,) = kinds(scan(store), SignalKind.MIDDLE)
    assert {(leg.selection, leg.book, leg.points) for leg in mid.legs} == {
        ("Miami Heat", "BookA", 7.5),
        ("Denver Nuggets", "BookB", -5.5),
    }
    assert mid.middle is not None and (mid.middle.low, mid.middle.high, mid.middle.hits) == (5.5, 7.5, (6, 7))


def test_low_hold_markets_and_sorting_by_edge():
    # best prices +105 (2.05) and -105 (1.952381): 0.487805 + 0.512195 = 1.000000: hold 0 -> edge 0
    # the arbitrage above it sorts first
    store = make_store(
        *demo_arb(),
        quote("BookA", ML, "Denver Nuggets", 105),
        quote("BookA", ML, "Miami Heat", -125),
        quote("BookB", ML, "Denver Nuggets", -125),
        quote("BookB", ML, "Miami Heat", -105),
    )
    signals = scan(store)
    assert [s.kind for s in signals] == [SignalKind.ARB, SignalKind.HOLD]
    assert signals[1].hold == pytest.approx(0.0, abs=1e-6)
    assert scan(store, ScanSettings(low_hold=-0.01))[1:] == []


def test_a_rescan_recomputes_only_changed_markets_and_drops_a_stale_leg_at_once():
    store = make_store(*demo_arb(), quote("BookA", ML, "Denver Nuggets", -110))
    store.upsert_fixture(S, None, game("F2", home="Utah Jazz", away="Orlando Magic"))
    store.apply(QuotesPosted(S, None, [quote("BookA", ML, "Utah Jazz", -110, fixture_id="F2")]))
    scanner = Scanner()
    assert [s.kind for s in scanner.scan(store)] == [SignalKind.ARB] and scanner.recomputed == 3
    assert [s.kind for s in scanner.scan(store)] == [SignalKind.ARB] and scanner.recomputed == 0
    store.apply(QuotesMarkedStale(S, "p", [demo_arb()[3].key]))
    assert scanner.scan(store) == [] and scanner.recomputed == 1
    store.apply(QuotesPosted(S, None, [quote("BookB", SPREAD, "Miami Heat", 111, 17.5)]))
    assert [s.kind for s in scanner.scan(store)] == [SignalKind.ARB] and scanner.recomputed == 1
