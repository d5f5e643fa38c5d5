"""What a price alert watches (its kind, threshold and scope), and the steam settings. Pure data, shared by
the config, the rules file and the evaluators (`price_alerts`, `steam`); light to import, as every command
reads the config.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated

import msgspec

from oddstui.odds import OddsFormat, format_price

Price = Callable[[float], str]
"""Text for a decimal price, in the format on screen."""


class AlertKind(StrEnum):
    PRICE = "price"
    EV = "ev"
    ARB = "arb"
    MOVE = "move"


DEFAULT_MOVE = 2.0
"""A move alert's default: two points of implied probability (-110 to -120 is 2.2)."""


MAX_THRESHOLD = 10_000.0
"""The highest threshold a rule holds: for a price alert, decimal odds of 10000 (+999900)."""


class AlertRule(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """One alert. Empty scope fields match anything; names match whatever their case."""

    kind: AlertKind
    threshold: Annotated[float, msgspec.Meta(ge=-100.0, le=MAX_THRESHOLD)]
    provider: str = ""
    fixture_id: str = ""
    league: str = ""
    market: str = ""
    player: str = ""
    selection: str = ""
    """The selection without its line ('Denver Nuggets', 'Over')."""
    line: float | None = None
    """The line; none means each book's main line."""
    book: str = ""
    """One book; empty means the best price of any book (each book, for a move)."""
    label: str = ""
    """What the selection was when the alert was set from the grid, e.g. 'Heat @ Nuggets'."""


class SteamSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The `[steam]` table of the config."""

    min_move: Annotated[float, msgspec.Meta(gt=0, le=50)] = 2.0
    """Points of implied probability the sharp book's price must shorten by."""
    min_line_move: Annotated[float, msgspec.Meta(gt=0, le=50)] = 0.5
    """Points of handicap or total the sharp book's main line must move by, in the selection's favour."""
    followers: Annotated[int, msgspec.Meta(ge=1, le=20)] = 2
    """Other books that must follow."""
    window: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 60.0
    """Seconds within which the sharp move builds up, and within which the followers follow."""
    live_games: bool = False
    """Judge in-play prices too: off by default, as they move with the game itself (a score moves every book)."""
    enabled: bool = True


DEFAULT_STEAM = SteamSettings()


def american(decimal: float) -> str:
    return format_price(decimal, OddsFormat.AMERICAN)


def describe(rule: AlertRule, price: Price = american) -> str:
    """'price ≥ +150 · Denver Nuggets -17.5 · FanDuel · Heat @ Nuggets' for the rules screen."""
    condition = {
        AlertKind.PRICE: f"price ≥ {safe_price(price, rule.threshold)}",
        AlertKind.EV: f"EV ≥ {rule.threshold:g}%",
        AlertKind.ARB: f"arbitrage ≥ {rule.threshold:g}%",
        AlertKind.MOVE: f"line move, or price by {rule.threshold:g} pts",
    }[rule.kind]
    from oddstui.market_view import line_text  # here: the config, which every command reads, needs none of it

    what = " ".join(filter(None, (rule.player, rule.selection, line_text(rule.selection, rule.line))))
    scope = [what, rule.market, rule.book or ("any book" if rule.kind is not AlertKind.ARB else ""), rule.label]
    scope += [rule.league, (rule.fixture_id and not rule.label and f"fixture {rule.fixture_id}") or ""]
    return " · ".join([condition, *filter(None, scope)])


def safe_price(price: Price, decimal: float) -> str:
    """The price as `price` writes it, or the bare number where that format cannot."""
    try:
        return price(decimal)
    except ValueError:
        return f"{decimal:g}"
