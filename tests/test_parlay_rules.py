"""Legs that cannot win together are named; legs that can are let through."""

from __future__ import annotations

import pytest

from oddstui.model import Quote
from oddstui.parlay_rules import conflict
from tests.factories import american_quote


def quote(market: str, selection: str, points: float | None = None, fixture: str = "g1", book: str = "DK") -> Quote:
    """An even-money price: only the market, selection, line and game matter to the rules."""
    return american_quote(book, market, selection, 100, points, provider="opticodds", fixture_id=fixture)


@pytest.mark.parametrize(
    ("new", "held"),
    [
        (quote("Moneyline", "Lakers"), quote("Moneyline", "Celtics")),
        (quote("1X2", "Draw"), quote("1X2", "Arsenal")),
        (quote("Total Points", "Over", 220.5), quote("Total Points", "Under", 220.5)),
        (quote("Total Points", "Under", 210.5), quote("Total Points", "Over", 220.5)),
        (quote("Total Games", "Under 21.5", 21.5), quote("Total Games", "Over 23.5", 23.5)),
        (quote("Point Spread", "Carlos Alcaraz -4.5", -4.5), quote("Point Spread", "Novak Djokovic +4.5", 4.5)),
        (quote("Player Points", "LeBron James Under", 25.5), quote("Player Points", "LeBron James Over", 25.5)),
        (quote("Point Spread", "Lakers", -3.5), quote("Point Spread", "Celtics", 3.5)),
        (quote("Point Spread", "Lakers", -7.5), quote("Point Spread", "Celtics", 3.5)),
        (quote("Moneyline", "Lakers", book="FD"), quote("Moneyline", "Lakers", book="DK")),
        (quote("Total Games", "Under 21.5"), quote("Total Games", "Over 21.5")),  # the line only in the name
    ],
)
def test_legs_that_cannot_both_win_are_refused_with_a_reason(new, held):
    reason = conflict(new, held)
    assert reason and ("cannot" in reason or "already" in reason)


@pytest.mark.parametrize(
    ("new", "held"),
    [
        (quote("Moneyline", "Lakers"), quote("Moneyline", "Celtics", fixture="g2")),
        (quote("Total Points", "Over", 220.5), quote("Total Points", "Under", 230.5)),
        (quote("Total Games", "Over 21.5", 21.5), quote("Total Games", "Under 23.5", 23.5)),
        (quote("Player Points", "LeBron James Over", 25.5), quote("Player Points", "Anthony Davis Under", 25.5)),
        (quote("Team Total", "Lakers Over", 110.5), quote("Team Total", "Celtics Under", 105.5)),
        (quote("Point Spread", "Lakers", -3.5), quote("Point Spread", "Celtics", 7.5)),
        (quote("Point Spread", "Lakers", -3.5), quote("Point Spread", "Lakers", -7.5)),
        (quote("Point Spread", "Lakers -3.5", -3.5), quote("Point Spread", "Lakers -7.5", -7.5)),  # line in the name
        (quote("Player Points", "Joel Embiid 76ers Over", 30.5), quote("Player Points", "Tyrese Maxey Under", 20.5)),
        (quote("Anytime Scorer", "Haaland"), quote("Anytime Scorer", "Saka")),
        (quote("Moneyline", "Lakers"), quote("Point Spread", "Celtics", 3.5)),
    ],
)
def test_legs_that_can_both_win_are_allowed(new, held):
    assert conflict(new, held) is None
