"""De-vig: a book's prices on every outcome of a market to fair probabilities. Pure: no I/O, no UI.

Four methods, chosen by a setting:
- multiplicative: each implied probability divided by their sum (the margin spread in proportion);
- additive: the same margin taken off every outcome (can fail on a long shot: its probability goes below 0);
- power: implied probabilities raised to the power k that makes them sum to 1 (favours favourites);
- Shin: Shin's (1992) insider-trading model; z, the insiders' share, solved so the probabilities sum to 1.
Power and Shin solve one unknown by bisection: monotone, dependency-free, and 60 halvings reach float precision.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from enum import StrEnum

from oddstui.odds import OddsError, decimal_to_probability, no_vig_probabilities

_HALVINGS = 60
"""Bisection steps: 2**-60 of the starting bracket is below a double's resolution for these unknowns."""


class DevigMethod(StrEnum):
    MULTIPLICATIVE = "multiplicative"
    ADDITIVE = "additive"
    POWER = "power"
    SHIN = "shin"

    @classmethod
    def parse(cls, value: str) -> DevigMethod:
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown de-vig method {value!r}; use one of: {names}") from None


def _implied(decimals: Sequence[float]) -> list[float]:
    if len(decimals) not in (2, 3):
        raise OddsError(f"de-vig needs a 2-way or 3-way market, got {len(decimals)} outcomes")
    return [decimal_to_probability(d) for d in decimals]


def _bisect(excess: Callable[[float], float], low: float, high: float) -> float:
    """The root of `excess`, which is increasing on [low, high] and changes sign there."""
    for _ in range(_HALVINGS):
        middle = (low + high) / 2.0
        if excess(middle) > 0.0:
            high = middle
        else:
            low = middle
    return (low + high) / 2.0


def multiplicative(decimals: Sequence[float]) -> list[float]:
    return no_vig_probabilities(decimals)


def additive(decimals: Sequence[float]) -> list[float]:
    implied = _implied(decimals)
    share = (sum(implied) - 1.0) / len(implied)
    fair = [p - share for p in implied]
    if min(fair) <= 0.0:
        raise OddsError("additive de-vig leaves an outcome without probability")
    return fair


def power(decimals: Sequence[float]) -> list[float]:
    implied = _implied(decimals)
    total = sum(implied)
    if math.isclose(total, 1.0, rel_tol=0.0, abs_tol=1e-15):
        return implied
    # sum(p**k) falls as k grows (every p < 1); with a margin k > 1, with an arbitrage (total < 1) k < 1.
    low, high = (1.0, 2.0) if total > 1.0 else (0.5, 1.0)
    while sum(p**high for p in implied) > 1.0:
        high *= 2.0
    while sum(p**low for p in implied) < 1.0:
        low /= 2.0
    k = _bisect(lambda k: 1.0 - sum(p**k for p in implied), low, high)
    fair = [p**k for p in implied]
    total = sum(fair)
    return [p / total for p in fair]


def _shin_probabilities(implied: Sequence[float], total: float, z: float) -> list[float]:
    """Shin's fair probabilities for insider share `z`: (sqrt(z² + 4(1-z)·π²/Π) - z) / (2(1-z))."""
    return [(math.sqrt(z * z + 4.0 * (1.0 - z) * p * p / total) - z) / (2.0 * (1.0 - z)) for p in implied]


def shin(decimals: Sequence[float]) -> list[float]:
    implied = _implied(decimals)
    total = sum(implied)
    if total <= 1.0:
        # No margin to explain: no insiders (z = 0), where Shin's formula reduces to multiplicative.
        return [p / total for p in implied]
    # The sum of Shin's probabilities falls from Π at z = 0 as z grows; z = 1 is the limit of the model.
    z = _bisect(lambda z: 1.0 - sum(_shin_probabilities(implied, total, z)), 0.0, 1.0 - 1e-12)
    fair = _shin_probabilities(implied, total, z)
    total_fair = sum(fair)
    return [p / total_fair for p in fair]


_METHODS: dict[DevigMethod, Callable[[Sequence[float]], list[float]]] = {
    DevigMethod.MULTIPLICATIVE: multiplicative,
    DevigMethod.ADDITIVE: additive,
    DevigMethod.POWER: power,
    DevigMethod.SHIN: shin,
}


def fair_probabilities(decimals: Sequence[float], method: DevigMethod = DevigMethod.MULTIPLICATIVE) -> list[float]:
    """Fair probabilities for every outcome of one market, in order; OddsError when a price is not one."""
    return _METHODS[method](decimals)
