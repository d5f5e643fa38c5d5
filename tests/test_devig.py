"""De-vig methods on worked examples; Shin against the `shin` package's documented example."""

import math

import pytest

from oddstui.devig import DevigMethod, fair_probabilities
from oddstui.odds import OddsError, american_to_decimal

JUICE = american_to_decimal(-110)  # 1 + 100/110 = 1.909090...
THREE_WAY = [2.6, 2.4, 4.3]


@pytest.mark.parametrize("method", list(DevigMethod))
def test_a_symmetric_market_is_even_money_whatever_the_method(method):
    # -110 / -110: implied 0.5238 each; every method gives back 0.5 / 0.5.
    assert fair_probabilities([JUICE, JUICE], method) == pytest.approx([0.5, 0.5], abs=1e-12)


@pytest.mark.parametrize("method", list(DevigMethod))
def test_probabilities_sum_to_one(method):
    assert sum(fair_probabilities(THREE_WAY, method)) == pytest.approx(1.0, abs=1e-12)


def test_multiplicative_divides_by_the_booksum():
    # implied 1/2.6 = 0.384615, 1/2.4 = 0.416667, 1/4.3 = 0.232558; sum 1.033840
    # fair = implied / 1.033840 = 0.372026, 0.403028, 0.224946
    assert fair_probabilities(THREE_WAY, DevigMethod.MULTIPLICATIVE) == pytest.approx(
        [0.372026, 0.403028, 0.224946], abs=1e-6
    )


def test_additive_takes_the_same_margin_off_every_outcome():
    # 1.5 / 2.8: implied 0.666667 + 0.357143 = 1.023810; margin 0.023810 / 2 = 0.011905 each
    # fair = 0.666667 - 0.011905 = 0.654762, 0.357143 - 0.011905 = 0.345238
    assert fair_probabilities([1.5, 2.8], DevigMethod.ADDITIVE) == pytest.approx([0.654762, 0.345238], abs=1e-6)


def test_additive_refuses_to_leave_a_long_shot_below_zero():
    # 1.05 / 1.05 / 500: implied 0.952381 x 2 + 0.002 = 1.906762; margin 0.906762 / 3 = 0.302254 each,
    # more than the long shot's 0.002: it would go below zero, so the method refuses.
    with pytest.raises(OddsError):
        fair_probabilities([1.05, 1.05, 500.0], DevigMethod.ADDITIVE)


def test_power_raises_every_implied_probability_to_one_exponent():
    # 1.5 / 2.8: find k with 0.666667^k + 0.357143^k = 1. k = 1.03786:
    # 0.666667^1.03786 = exp(1.03786 x -0.405465) = exp(-0.420816) = 0.65651
    # 0.357143^1.03786 = exp(1.03786 x -1.029619) = exp(-1.068600) = 0.34349; sum 1.00000
    fair = fair_probabilities([1.5, 2.8], DevigMethod.POWER)
    assert fair == pytest.approx([0.65651, 0.34349], abs=1e-5)
    k = [math.log(f) / math.log(1 / d) for f, d in zip(fair, [1.5, 2.8], strict=True)]
    assert k[0] == pytest.approx(k[1], rel=1e-9)
    assert k[0] == pytest.approx(1.03786, abs=1e-5)


def test_power_on_an_arbitrage_lowers_the_exponent_below_one():
    # 2.2 / 2.0: implied 0.454545 + 0.5 = 0.954545 < 1, so k < 1 lifts both to sum 1.
    fair = fair_probabilities([2.2, 2.0], DevigMethod.POWER)
    k = math.log(fair[0]) / math.log(1 / 2.2)
    assert sum(fair) == pytest.approx(1.0) and k < 1.0
    assert math.log(fair[1]) / math.log(0.5) == pytest.approx(k, rel=1e-9)


def test_shin_matches_the_shin_packages_documented_example():
    # README of the `shin` package (PyPI, 0.2.x):
    #   shin.calculate_implied_probabilities([2.6, 2.4, 4.3])
    #   [0.37299406033208965, 0.4047794109200184, 0.2222265287474275]   (z = 0.01694251276407055)
    expected = [0.37299406033208965, 0.4047794109200184, 0.2222265287474275]
    assert fair_probabilities(THREE_WAY, DevigMethod.SHIN) == pytest.approx(expected, abs=1e-10)


def test_shin_favours_the_favourite_less_than_multiplicative_takes_from_the_long_shot():
    # Shin moves probability from the long shot to the favourite, compared with multiplicative.
    shin = fair_probabilities(THREE_WAY, DevigMethod.SHIN)
    mult = fair_probabilities(THREE_WAY, DevigMethod.MULTIPLICATIVE)
    assert shin[2] < mult[2] and shin[1] > mult[1]


@pytest.mark.parametrize("method", list(DevigMethod))
@pytest.mark.parametrize("bad", [[2.0], [2.0, 1.0], [2.0, float("nan")], [2.0] * 4])
def test_a_value_that_is_not_a_market_is_refused(method, bad):
    with pytest.raises(OddsError):
        fair_probabilities(bad, method)


def test_method_parses_from_a_setting():
    assert DevigMethod.parse(" Shin ") is DevigMethod.SHIN
    with pytest.raises(ValueError, match="multiplicative, additive, power, shin"):
        DevigMethod.parse("magic")
