import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddstui.odds import (
    FRACTIONAL_LADDER,
    QUOTE_ROUNDING,
    OddsError,
    OddsFormat,
    american_to_decimal,
    best_price,
    decimal_to_american,
    decimal_to_hong_kong,
    decimal_to_indonesian,
    decimal_to_malay,
    decimal_to_probability,
    format_price,
    fractional_to_decimal,
    hold,
    ladder_fraction,
    no_vig_prices,
    no_vig_probabilities,
    overround,
    parlay_decimal,
    to_decimal,
)

KNOWN = [
    # american, decimal, probability, fractional (as a UK book writes it), hong kong, malay, indonesian
    (100, 2.0, 0.5, (1, 1), 1.0, 1.0, 1.0),
    (-110, 1 + 100 / 110, 110 / 210, (10, 11), 100 / 110, 100 / 110, -1.1),
    (150, 2.5, 0.4, (6, 4), 1.5, -1 / 1.5, 1.5),
    (-200, 1.5, 2 / 3, (1, 2), 0.5, 0.5, -2.0),
    (250, 3.5, 1 / 3.5, (5, 2), 2.5, -0.4, 2.5),
    (-400, 1.25, 0.8, (1, 4), 0.25, 0.25, -4.0),
    (1000, 11.0, 1 / 11, (10, 1), 10.0, -0.1, 10.0),
]


@pytest.mark.parametrize(("american", "decimal", "prob", "frac", "hk", "malay", "indo"), KNOWN)
def test_known_conversions(american, decimal, prob, frac, hk, malay, indo):
    assert american_to_decimal(american) == pytest.approx(decimal, abs=1e-12)
    assert decimal_to_american(decimal) == american
    assert decimal_to_probability(decimal) == pytest.approx(prob)
    assert ladder_fraction(decimal) == frac
    assert decimal_to_hong_kong(decimal) == pytest.approx(hk)
    assert decimal_to_malay(decimal) == pytest.approx(malay)
    assert decimal_to_indonesian(decimal) == pytest.approx(indo)
    for fmt, value in [
        (OddsFormat.AMERICAN, american),
        (OddsFormat.PROBABILITY, prob),
        (OddsFormat.HONG_KONG, hk),
        (OddsFormat.MALAY, malay),
        (OddsFormat.INDONESIAN, indo),
        (OddsFormat.FRACTIONAL, f"{frac[0]}/{frac[1]}"),
    ]:
        assert to_decimal(value, fmt) == pytest.approx(decimal), fmt


def test_even_money_is_exact():
    assert american_to_decimal(100) == 2.0
    assert american_to_decimal(-100) == 2.0
    assert decimal_to_american(2.0) == 100
    assert format_price(2.0, OddsFormat.AMERICAN) == "+100"


@pytest.mark.parametrize("bad", [1.0, 0.5, -3.0, math.nan, math.inf, -math.inf])
def test_bad_decimal_rejected(bad):
    with pytest.raises(OddsError):
        decimal_to_american(bad)
    with pytest.raises(OddsError):
        format_price(bad, OddsFormat.DECIMAL)


@pytest.mark.parametrize("bad", [0, 99, -99, 50.5, math.nan, math.inf])
def test_bad_american_rejected(bad):
    with pytest.raises(OddsError):
        american_to_decimal(bad)


def test_bool_is_not_a_price():
    with pytest.raises(OddsError):
        american_to_decimal(True)


american_ints = st.one_of(
    st.integers(min_value=100, max_value=100_000), st.integers(min_value=-100_000, max_value=-101)
)


@given(american_ints)
def test_american_round_trip(american):
    assert decimal_to_american(american_to_decimal(american)) == american


@given(st.floats(min_value=1.0001, max_value=1000, allow_nan=False))
def test_every_format_round_trips_through_decimal(decimal):
    for fmt, fn in [
        (OddsFormat.PROBABILITY, decimal_to_probability),
        (OddsFormat.HONG_KONG, decimal_to_hong_kong),
        (OddsFormat.MALAY, decimal_to_malay),
        (OddsFormat.INDONESIAN, decimal_to_indonesian),
    ]:
        assert to_decimal(fn(decimal), fmt) == pytest.approx(decimal, rel=1e-9)


@given(st.floats(min_value=1.0001, max_value=1000, allow_nan=False))
def test_american_display_stays_within_rounding(decimal):
    american = decimal_to_american(decimal)
    assert american >= 100 or american <= -100
    assert american_to_decimal(american) == pytest.approx(decimal, rel=0.01)


def test_no_vig_two_way():
    juice = american_to_decimal(-110)
    assert no_vig_probabilities([juice, juice]) == pytest.approx([0.5, 0.5])
    assert no_vig_prices([juice, juice]) == pytest.approx([2.0, 2.0])
    assert overround([juice, juice]) == pytest.approx(0.047619, abs=1e-6)
    assert hold([juice, juice]) == pytest.approx(0.045455, abs=1e-6)


def test_no_vig_three_way_sums_to_one():
    probs = no_vig_probabilities([2.5, 3.4, 2.9])
    assert sum(probs) == pytest.approx(1.0)
    assert probs[0] > probs[2] > probs[1]


def test_no_vig_needs_two_or_three_outcomes():
    with pytest.raises(OddsError):
        no_vig_prices([2.0])
    with pytest.raises(OddsError):
        no_vig_prices([4.0, 4.0, 4.0, 4.0])


def test_best_price_skips_missing():
    assert best_price([1.9, None, 2.05, 2.0]) == 2
    assert best_price([None, None]) is None


def test_parlay_independent_price():
    assert parlay_decimal([2.0, 2.0, 2.0]) == 8.0
    assert parlay_decimal([american_to_decimal(-110), american_to_decimal(-110)]) == pytest.approx(3.6446, abs=1e-4)
    with pytest.raises(OddsError):
        parlay_decimal([])
    with pytest.raises(OddsError):
        parlay_decimal([2.0, 0.9])


def test_format_price_every_format():
    assert format_price(2.5, OddsFormat.AMERICAN) == "+150"
    assert format_price(1.5, OddsFormat.AMERICAN) == "-200"
    assert format_price(2.5, OddsFormat.DECIMAL) == "2.50"
    assert format_price(2.5, OddsFormat.PROBABILITY) == "40.0%"
    assert format_price(2.5, OddsFormat.FRACTIONAL) == "6/4"
    assert format_price(2.5, OddsFormat.HONG_KONG) == "1.50"
    assert format_price(2.5, OddsFormat.MALAY) == "-0.67"
    assert format_price(1.5, OddsFormat.INDONESIAN) == "-2.00"
    assert format_price(1.9, OddsFormat.AMERICAN, american=-111) == "-111"


def test_odds_format_parse():
    assert OddsFormat.parse("HONG_KONG") is OddsFormat.HONG_KONG
    with pytest.raises(ValueError, match="use one of"):
        OddsFormat.parse("roman")


@pytest.mark.parametrize(
    ("decimal", "shown"),
    [
        (2.0, "1/1"),  # evens is written 1/1: every fractional cell reads back as a fraction
        (1.909, "10/11"),  # the 3-decimal quote of 10/11 (1.90909…)
        (american_to_decimal(-110), "10/11"),
        (1.91, "10/11"),
        (1.95, "10/11"),  # between steps: the step below, never evens
        (1.333, "1/3"),
        (1.33, "3/10"),  # a 2-decimal quote below 1/3 is not shown as 1/3
        (2.5, "6/4"),
        (2.75, "7/4"),
        (4.333, "10/3"),
        (12.03, "11/1"),
        (65.0, "50/1"),
        (101.0, "100/1"),
        (150.5, "149/1"),  # beyond the ladder: whole n/1, rounded down
        (1.01, "1/100"),
        (1.005, "1/200"),  # below the ladder: whole 1/n, never shorter than the price
        (1.004, "1/250"),
    ],
)
def test_fractional_shows_the_uk_ladder_step_at_or_below_the_price(decimal, shown):
    assert format_price(decimal, OddsFormat.FRACTIONAL) == shown


def test_the_ladder_is_ordered_and_its_odds_on_side_mirrors_the_odds_against_side():
    values = [n / d for n, d in FRACTIONAL_LADDER]
    assert values == sorted(values) and len(set(values)) == len(values)
    steps = set(FRACTIONAL_LADDER)
    assert all((d, n) in steps for n, d in steps)
    assert {(4, 6), (8, 13), (8, 11), (10, 11), (11, 10), (6, 4), (13, 8), (100, 1), (1, 100)} <= steps


@given(st.floats(min_value=1.0001, max_value=5000, allow_nan=False))
def test_a_shown_fraction_is_never_better_than_the_price_and_is_the_longest_such_step(decimal):
    numerator, denominator = ladder_fraction(decimal)
    shown = fractional_to_decimal(f"{numerator}/{denominator}")
    assert shown <= decimal + QUOTE_ROUNDING
    longer = [1 + n / d for n, d in FRACTIONAL_LADDER if 1 + n / d > shown]
    assert not longer or longer[0] > decimal + QUOTE_ROUNDING
    assert len(f"{numerator}/{denominator}") <= 5 or decimal >= 1001.0 or decimal < 1.001


@given(st.floats(min_value=1.0001, max_value=500), st.floats(min_value=1.0001, max_value=500))
def test_a_longer_price_never_shows_a_shorter_fraction(low, high):
    """Best and fair stay in the same order on screen: rounding down keeps prices' order (ties allowed)."""
    low, high = min(low, high), max(low, high)
    shown_low, shown_high = ladder_fraction(low), ladder_fraction(high)
    assert shown_low[0] / shown_low[1] <= shown_high[0] / shown_high[1]
