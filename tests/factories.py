"""Builders of model objects for the core's tests: a price as a bettor reads it (American), and a game."""

from __future__ import annotations

from typing import Any

from oddstui.model import Fixture, FixtureStatus, OddsFormat, Quote
from oddstui.odds import american_to_decimal


def american_quote(
    book: str,
    market: str,
    selection: str,
    american: int,
    points: float | None = None,
    *,
    provider: str = "p",
    fixture_id: str = "F1",
    key: str | None = None,
    **fields: Any,
) -> Quote:
    """A quote sent in American odds; its key defaults to one per fixture, book, market, selection and line."""
    return Quote(
        provider,
        key if key is not None else f"{fixture_id}:{book}:{market}:{selection}:{points}",
        fixture_id,
        book,
        market,
        selection,
        american_to_decimal(american),
        raw=american,
        raw_format=OddsFormat.AMERICAN,
        points=points,
        **fields,
    )


def game(
    fixture_id: str = "F1",
    league: str = "NBA",
    home: str = "Boston Celtics",
    away: str = "Miami Heat",
    *,
    provider: str = "p",
    sport: str = "basketball",
    start: float = 0.0,
    status: FixtureStatus = FixtureStatus.UNPLAYED,
) -> Fixture:
    """A fixture; an NBA game unless told otherwise."""
    return Fixture(provider, fixture_id, sport, league, home, away, start, status)
