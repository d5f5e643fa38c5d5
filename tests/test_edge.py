"""EV, Kelly, arbitrage stake splits and middles, against hand calculation."""

import pytest

from oddstui.edge import (
    arbitrage_pct,
    equal_return_split,
    expected_value,
    kelly_fraction,
    middle,
    round_to_unit,
)
from oddstui.odds import OddsError, american_to_decimal


def test_expected_value_is_fair_probability_times_price_minus_one():
    # 0.55 x 2.00 - 1 = +0.10 (+10 %); 0.50 x 1.909091 (-110) - 1 = -0.045455
    assert expected_value(0.55, 2.0) == pytest.approx(0.10)
    assert expected_value(0.5, american_to_decimal(-110)) == pytest.approx(-0.045455, abs=1e-6)


def test_kelly_is_capped_by_the_configured_fraction():
    # full Kelly = (p d - 1) / (d - 1) = 0.10 / 1.0 = 0.10; a quarter of it 0.025, a half 0.05
    assert kelly_fraction(0.55, 2.0) == pytest.approx(0.025)
    assert kelly_fraction(0.55, 2.0, multiplier=0.5) == pytest.approx(0.05)
    assert kelly_fraction(0.55, 2.0, multiplier=1.0) == pytest.approx(0.10)
    # 0.40 x 3.0 - 1 = 0.20; full Kelly 0.20 / 2.0 = 0.10; quarter 0.025
    assert kelly_fraction(0.40, 3.0) == pytest.approx(0.025)
    # no edge, no stake
    assert kelly_fraction(0.5, 1.9) == 0.0
    with pytest.raises(ValueError):
        kelly_fraction(0.55, 2.0, multiplier=1.5)


def test_two_way_arbitrage_from_the_demo():
    # Denver -17.5 at +149 (2.49) and Miami +17.5 at +111 (2.11):
    # 1/2.49 = 0.401606, 1/2.11 = 0.473934, sum 0.875540
    # payout on 100 = 100 / 0.875540 = 114.2153; profit 14.2153 = 14.22 %
    # stakes 100 x 0.401606 / 0.875540 = 45.8695 and 100 x 0.473934 / 0.875540 = 54.1305
    # (check: 45.8695 x 2.49 = 114.215 = 54.1305 x 2.11)
    decimals = [american_to_decimal(149), american_to_decimal(111)]
    assert arbitrage_pct(decimals) == pytest.approx(14.2153, abs=1e-4)
    split = equal_return_split(decimals, 100.0)
    assert split.stakes == pytest.approx((45.8695, 54.1305), abs=1e-4)
    assert split.payout == pytest.approx(114.2153, abs=1e-4)
    assert split.profit == pytest.approx(14.2153, abs=1e-4)
    # rounded to whole units: 46 and 54; returns 46 x 2.49 = 114.54, 54 x 2.11 = 113.94
    # the sure return is the smaller, 113.94: profit 13.94, the rounding costs 0.2753
    assert split.rounded_stakes == (46.0, 54.0)
    assert split.rounded_payout == pytest.approx(113.94)
    assert split.rounded_profit == pytest.approx(13.94)


def test_three_way_arbitrage_rounded_to_fives():
    # 3.0 / 3.6 / 4.2: 0.333333 + 0.277778 + 0.238095 = 0.849206
    # payout 100 / 0.849206 = 117.7570; stakes 39.2523, 32.7103, 28.0374 (each x its price = 117.757)
    split = equal_return_split([3.0, 3.6, 4.2], 100.0, unit=5.0)
    assert split.stakes == pytest.approx((39.2523, 32.7103, 28.0374), abs=1e-4)
    assert split.payout == pytest.approx(117.7570, abs=1e-4)
    # to fives: 40, 35, 30 (total 105); returns 120, 126, 126: sure return 120, profit 120 - 105 = 15
    assert split.rounded_stakes == (40.0, 35.0, 30.0)
    assert split.rounded_payout == pytest.approx(120.0)
    assert split.rounded_profit == pytest.approx(15.0)


def test_no_arbitrage_at_a_normal_market():
    # -110 / -110: 0.523810 x 2 = 1.047619; 1 / 1.047619 - 1 = -4.5455 %
    assert arbitrage_pct([american_to_decimal(-110)] * 2) == pytest.approx(-4.5455, abs=1e-4)


def test_rounding_to_a_unit():
    assert round_to_unit(45.8695, 1.0) == 46.0
    assert round_to_unit(32.5, 5.0) == 35.0
    assert round_to_unit(12.34, 0.1) == pytest.approx(12.3)
    with pytest.raises(ValueError):
        round_to_unit(10.0, 0.0)


def test_a_totals_middle():
    # Over 220.5 at 1.91 (book A) and Under 222.5 at 1.91 (book B), 100 staked:
    # equal-return stakes 50 / 50; a miss returns 50 x 1.91 = 95.50: costs 4.50
    # a total of 221 or 222 wins both: 95.50 x 2 - 100 = +91.00
    window = middle(1.91, 220.5, 1.91, 222.5, 100.0)
    assert (window.low, window.high) == (220.5, 222.5)
    assert window.hits == (221, 222)
    assert window.pushes == ()
    assert window.split.stakes == pytest.approx((50.0, 50.0))
    assert -window.split.profit == pytest.approx(4.5)
    assert window.hit_profit == pytest.approx(91.0)


def test_a_spread_middle_with_whole_number_lines():
    # Miami +7 at 2.00 and Denver -4 at 1.80: Denver's margin m; Miami wins for m < 7, Denver for m > 4.
    # Window (4, 7): 5 and 6 win both; 4 and 7 push one bet and win the other.
    # stakes: 1/1.8 = 0.555556, 1/2.0 = 0.5, sum 1.055556: 100 x 0.555556 / 1.055556 = 52.6316 on Denver,
    # 100 x 0.5 / 1.055556 = 47.3684 on Miami; a miss returns 52.6316 x 1.8 = 94.7368: costs 5.2632;
    # a hit returns 94.7368 x 2 - 100 = 89.4737
    window = middle(1.80, 4.0, 2.00, 7.0, 100.0)
    assert window.hits == (5, 6)
    assert window.pushes == (4, 7)
    assert window.split.stakes == pytest.approx((52.6316, 47.3684), abs=1e-4)
    assert -window.split.profit == pytest.approx(5.2632, abs=1e-4)
    assert window.hit_profit == pytest.approx(89.4737, abs=1e-4)


def test_no_window_no_middle():
    with pytest.raises(ValueError):
        middle(1.91, 222.5, 1.91, 220.5, 100.0)


@pytest.mark.parametrize("bad", [[2.0], [2.0, 1.0], [2.0, float("inf")]])
def test_a_value_that_is_not_a_price_is_refused(bad):
    with pytest.raises(OddsError):
        equal_return_split(bad, 100.0)
