"""Price math: format conversions, no-vig fair prices, hold, best price, parlays.

Decimal odds are the canonical form. Every function rejects values that are not
prices (decimal <= 1, American strictly between -100 and +100, NaN, inf) with
`OddsError`, so a bad value is never displayed.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from enum import StrEnum
from fractions import Fraction


class OddsFormat(StrEnum):
    """Price formats we parse and display (OpticOdds' `odds_format` values and fractional)."""

    AMERICAN = "american"
    DECIMAL = "decimal"
    PROBABILITY = "probability"
    FRACTIONAL = "fractional"
    HONG_KONG = "hong_kong"
    MALAY = "malay"
    INDONESIAN = "indonesian"

    @classmethod
    def parse(cls, value: str) -> OddsFormat:
        word = value.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(word)
        except ValueError:
            names = ", ".join(f.value for f in cls)
            raise ValueError(f"unknown odds format {value!r}; use one of: {names}") from None


class OddsError(ValueError):
    """A value that is not a valid price."""


def _finite(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OddsError(f"{what} must be a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise OddsError(f"{what} must be finite, got {value!r}")
    return value


def check_decimal(decimal: float) -> float:
    """Return `decimal` if it is a valid decimal price (finite and > 1)."""
    _finite(decimal, "decimal odds")
    if decimal <= 1.0:
        raise OddsError(f"decimal odds must be greater than 1, got {decimal!r}")
    return decimal


def check_american(american: float) -> float:
    _finite(american, "American odds")
    if -100 < american < 100:
        raise OddsError(f"American odds must be <= -100 or >= +100, got {american!r}")
    return american


def american_to_decimal(american: float) -> float:
    """+150 -> 2.5, -200 -> 1.5; both +100 and -100 are exactly 2.0."""
    check_american(american)
    if american > 0:
        return 1.0 + american / 100.0
    return 1.0 + 100.0 / -american


def decimal_to_american(decimal: float) -> int:
    """2.5 -> +150, 1.5 -> -200, 2.0 -> +100; rounded to the nearest whole number."""
    check_decimal(decimal)
    if decimal >= 2.0:
        return round((decimal - 1.0) * 100.0)
    american = round(-100.0 / (decimal - 1.0))
    return 100 if american == -100 else american


def decimal_to_probability(decimal: float) -> float:
    return 1.0 / check_decimal(decimal)


def probability_to_decimal(probability: float) -> float:
    _finite(probability, "probability")
    if not 0.0 < probability < 1.0:
        raise OddsError(f"probability must be between 0 and 1 exclusive, got {probability!r}")
    return 1.0 / probability


ODDS_AGAINST_LADDER: tuple[tuple[int, int], ...] = (
    (1, 1), (21, 20), (11, 10), (6, 5), (5, 4), (11, 8), (6, 4), (13, 8), (7, 4), (15, 8),
    (2, 1), (9, 4), (5, 2), (11, 4), (3, 1), (10, 3), (7, 2), (4, 1), (9, 2), (5, 1),
    (11, 2), (6, 1), (13, 2), (7, 1), (15, 2), (8, 1), (17, 2), (9, 1), (10, 1), (11, 1),
    (12, 1), (14, 1), (16, 1), (18, 1), (20, 1), (25, 1), (33, 1), (40, 1), (50, 1), (66, 1),
    (80, 1), (100, 1),
)  # fmt: skip
"""The traditional UK fractional ladder from evens up, as books write it (6/4, not 3/2)."""
FRACTIONAL_LADDER: tuple[tuple[int, int], ...] = (
    *sorted(((d, n) for n, d in ODDS_AGAINST_LADDER[1:]), key=lambda step: step[0] / step[1]),
    *ODDS_AGAINST_LADDER,
)
"""The whole ladder, shortest first: its odds-on side mirrors the odds-against one (4/6 and 6/4, 1/5 and 5/1)."""
QUOTE_ROUNDING = 0.0005
"""Half a unit in the third decimal place, where decimal quotes stop: 1.909 is the quote of 10/11 (1.90909…)."""


def ladder_fraction(decimal: float) -> tuple[int, int]:
    """The fraction a UK book would show: the longest ladder step not longer than the price, as (numerator,
    denominator): 2.0 -> (1, 1), 1.909 -> (10, 11), 2.5 -> (6, 4), 12.03 -> (11, 1).

    A shown price is never better for the bettor than the real one, except by the rounding of a decimal quote
    (`QUOTE_ROUNDING`). Beyond the ladder's top it is the whole n/1 at or below the price; below its bottom
    (1/100), the whole 1/n at or below it (1.004 -> 1/250).
    """
    profit = check_decimal(decimal) - 1.0
    if profit >= 100.0:
        return math.floor(profit + QUOTE_ROUNDING), 1
    if profit + QUOTE_ROUNDING < 0.01:
        return 1, math.ceil(round(1.0 / profit, 6))  # rounded: 1.005 - 1 is 0.00499999…
    index = bisect.bisect_right(FRACTIONAL_LADDER, profit + QUOTE_ROUNDING, key=lambda step: step[0] / step[1])
    return FRACTIONAL_LADDER[index - 1]


def fractional_to_decimal(fractional: Fraction | str) -> float:
    value = Fraction(fractional) if isinstance(fractional, str) else fractional
    if value <= 0:
        raise OddsError(f"fractional odds must be positive, got {fractional!s}")
    return 1.0 + float(value)


def decimal_to_hong_kong(decimal: float) -> float:
    return check_decimal(decimal) - 1.0


def hong_kong_to_decimal(hong_kong: float) -> float:
    _finite(hong_kong, "Hong Kong odds")
    return check_decimal(1.0 + hong_kong)


def decimal_to_malay(decimal: float) -> float:
    """Malay odds: the HK value up to 1, then -1/HK (negative)."""
    hong_kong = decimal_to_hong_kong(decimal)
    return hong_kong if hong_kong <= 1.0 else -1.0 / hong_kong


def malay_to_decimal(malay: float) -> float:
    _finite(malay, "Malay odds")
    if 0.0 < malay <= 1.0:
        return 1.0 + malay
    if -1.0 <= malay < 0.0:
        return 1.0 - 1.0 / malay
    raise OddsError(f"Malay odds must be in [-1, 0) or (0, 1], got {malay!r}")


def decimal_to_indonesian(decimal: float) -> float:
    """Indonesian odds: the HK value from 1 up, else -1/HK (negative)."""
    hong_kong = decimal_to_hong_kong(decimal)
    return hong_kong if hong_kong >= 1.0 else -1.0 / hong_kong


def indonesian_to_decimal(indonesian: float) -> float:
    _finite(indonesian, "Indonesian odds")
    if indonesian >= 1.0:
        return 1.0 + indonesian
    if indonesian <= -1.0:
        return 1.0 - 1.0 / indonesian
    raise OddsError(f"Indonesian odds must be <= -1 or >= 1, got {indonesian!r}")


def to_decimal(value: float | str, fmt: OddsFormat) -> float:
    """Parse a price sent in `fmt` into canonical decimal odds."""
    if fmt is OddsFormat.FRACTIONAL:
        return fractional_to_decimal(str(value))
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise OddsError(f"not a number: {value!r}") from None
    match fmt:
        case OddsFormat.AMERICAN:
            return american_to_decimal(value)
        case OddsFormat.DECIMAL:
            return check_decimal(value)
        case OddsFormat.PROBABILITY:
            return probability_to_decimal(value)
        case OddsFormat.HONG_KONG:
            return hong_kong_to_decimal(value)
        case OddsFormat.MALAY:
            return malay_to_decimal(value)
        case OddsFormat.INDONESIAN:
            return indonesian_to_decimal(value)
    raise OddsError(f"unsupported odds format {fmt!r}")


def format_price(decimal: float, fmt: OddsFormat, american: int | None = None) -> str:
    """Text for a price in `fmt`; pass the provider's own American value to show it unchanged."""
    match fmt:
        case OddsFormat.AMERICAN:
            value = decimal_to_american(decimal) if american is None else american
            return f"{value:+d}"
        case OddsFormat.DECIMAL:
            return f"{check_decimal(decimal):.2f}"
        case OddsFormat.PROBABILITY:
            return f"{decimal_to_probability(decimal) * 100:.1f}%"
        case OddsFormat.FRACTIONAL:
            numerator, denominator = ladder_fraction(decimal)
            return f"{numerator}/{denominator}"
        case OddsFormat.HONG_KONG:
            return f"{decimal_to_hong_kong(decimal):.2f}"
        case OddsFormat.MALAY:
            return f"{decimal_to_malay(decimal):+.2f}"
        case OddsFormat.INDONESIAN:
            return f"{decimal_to_indonesian(decimal):+.2f}"
    raise OddsError(f"unsupported odds format {fmt!r}")


def overround(decimals: Sequence[float]) -> float:
    """Sum of implied probabilities minus one: 0.0476… for -110/-110."""
    if len(decimals) < 2:
        raise OddsError("a market needs at least two outcomes")
    return sum(decimal_to_probability(d) for d in decimals) - 1.0


def hold(decimals: Sequence[float]) -> float:
    """The book's theoretical hold: 1 - 1/(sum of implied probabilities)."""
    return 1.0 - 1.0 / (1.0 + overround(decimals))


def no_vig_probabilities(decimals: Sequence[float]) -> list[float]:
    """Fair probabilities for a complete 2- or 3-way market (multiplicative method)."""
    if len(decimals) not in (2, 3):
        raise OddsError(f"no-vig needs a 2-way or 3-way market, got {len(decimals)} outcomes")
    implied = [decimal_to_probability(d) for d in decimals]
    total = sum(implied)
    return [p / total for p in implied]


def no_vig_prices(decimals: Sequence[float]) -> list[float]:
    """Fair decimal prices for a complete 2- or 3-way market."""
    return [1.0 / p for p in no_vig_probabilities(decimals)]


def best_price(decimals: Iterable[float | None]) -> int | None:
    """Index of the best (highest) valid decimal price, or None when there is none."""
    best_index: int | None = None
    best = 1.0
    for index, decimal in enumerate(decimals):
        if decimal is not None and decimal > best and math.isfinite(decimal):
            best_index, best = index, decimal
    return best_index


def parlay_decimal(legs: Iterable[float]) -> float:
    """Independent (uncorrelated) parlay price: the product of the legs' decimal prices."""
    price = 1.0
    count = 0
    for leg in legs:
        price *= check_decimal(leg)
        count += 1
    if count == 0:
        raise OddsError("a parlay needs at least one leg")
    return price
