"""Betting edges from prices: expected value, Kelly stakes, arbitrage and middle stake splits. Pure: no I/O, no UI.

Prices are decimal odds; probabilities are fair (de-vigged) ones. Every function rejects a value that is
not a price with `OddsError`, so no edge is ever computed on garbage.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from oddstui.odds import OddsError, check_decimal

QUARTER_KELLY = 0.25
"""The default Kelly multiplier: a quarter of the full Kelly stake, as most bettors size."""


def _probability(probability: float) -> float:
    if not (isinstance(probability, (int, float)) and 0.0 < probability < 1.0):
        raise OddsError(f"a probability must be between 0 and 1 exclusive, got {probability!r}")
    return probability


def expected_value(probability: float, decimal: float) -> float:
    """Expected profit per unit staked: fair probability x decimal - 1 (0.05 is +5 %)."""
    return _probability(probability) * check_decimal(decimal) - 1.0


def kelly_fraction(probability: float, decimal: float, multiplier: float = QUARTER_KELLY) -> float:
    """Share of the bankroll to stake: `multiplier` x full Kelly (p·d - 1)/(d - 1); 0 without an edge."""
    if not 0.0 < multiplier <= 1.0:
        raise ValueError(f"the Kelly multiplier must be in (0, 1], got {multiplier!r}")
    full = expected_value(probability, decimal) / (decimal - 1.0)
    return max(0.0, full * multiplier)


def implied_sum(decimals: Sequence[float]) -> float:
    """Σ 1/decimal over one price per outcome: below 1 the prices together guarantee a profit."""
    if len(decimals) < 2:
        raise OddsError("a market needs at least two outcomes")
    return sum(1.0 / check_decimal(d) for d in decimals)


@dataclass(frozen=True, slots=True)
class StakeSplit:
    """Stakes on every outcome of one market that return the same whichever outcome wins."""

    stakes: tuple[float, ...]
    payout: float
    """What comes back whichever outcome wins (stake included)."""
    profit: float
    """payout - total stake: positive for an arbitrage, minus the cost for a middle that misses."""
    rounded_stakes: tuple[float, ...]
    """The stakes rounded to the betting unit."""
    rounded_payout: float
    """The smallest payout of the rounded stakes: the return one can count on once rounded."""
    rounded_profit: float
    """rounded_payout - the rounded stakes' total: the rounding's effect is rounded_profit - profit."""


def round_to_unit(amount: float, unit: float) -> float:
    """`amount` rounded to the nearest multiple of `unit` (halves away from zero)."""
    if not (math.isfinite(unit) and unit > 0.0):
        raise ValueError(f"the stake unit must be positive, got {unit!r}")
    return math.floor(amount / unit + 0.5) * unit


def equal_return_split(decimals: Sequence[float], total: float, unit: float = 1.0) -> StakeSplit:
    """Split `total` so every outcome returns the same: stake_i = total x (1/d_i) / Σ 1/d."""
    if not (math.isfinite(total) and total > 0.0):
        raise ValueError(f"the total stake must be positive, got {total!r}")
    book_sum = implied_sum(decimals)
    stakes = tuple(total / d / book_sum for d in decimals)
    payout = total / book_sum
    rounded = tuple(round_to_unit(s, unit) for s in stakes)
    rounded_payout = min(s * d for s, d in zip(rounded, decimals, strict=True))
    return StakeSplit(stakes, payout, payout - total, rounded, rounded_payout, rounded_payout - sum(rounded))


def arbitrage_pct(decimals: Sequence[float]) -> float:
    """The guaranteed profit as a % of the total stake: (1/Σ 1/d - 1) x 100; negative when no arbitrage."""
    return (1.0 / implied_sum(decimals) - 1.0) * 100.0


@dataclass(frozen=True, slots=True)
class Middle:
    """Two bets that both win when the result lands strictly inside (low, high)."""

    low: float
    high: float
    hits: tuple[int, ...]
    """The whole-number results inside the window, where both bets win."""
    pushes: tuple[int, ...]
    """Whole-number lines at the window's edge: one bet wins, the other is refunded."""
    split: StakeSplit
    """Equal-return stakes: a miss costs -split.profit whichever side wins."""
    hit_profit: float
    """What the exact stakes make when both bets win."""


def middle(
    low_leg: float, low_line: float, high_leg: float, high_line: float, total: float, unit: float = 1.0
) -> Middle:
    """A middle: `low_leg` wins above `low_line` (an Over), `high_leg` below `high_line` (an Under).

    For spreads, measure the result as side B's winning margin: side A at handicap +a wins below a,
    side B at handicap b wins above -b, so low_line = -b and high_line = a.
    """
    if not low_line < high_line:
        raise ValueError(f"a middle needs a window: {low_line} is not below {high_line}")
    split = equal_return_split((low_leg, high_leg), total, unit)
    hits = tuple(range(math.floor(low_line) + 1, math.ceil(high_line)))
    pushes = tuple(int(line) for line in (low_line, high_line) if float(line).is_integer())
    hit_profit = split.stakes[0] * low_leg + split.stakes[1] * high_leg - total
    return Middle(low_line, high_line, hits, pushes, split, hit_profit)
