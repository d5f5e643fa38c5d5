"""Plain-JSON views of normalized events and of the store, for `oddstui tail` and state dumps; and the
screen's export (`e`): the grid on screen, or the parlay slip, as CSV and JSON files.

Nothing here can hold an API key: quotes and fixtures never carry one.
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
from collections.abc import Sequence
from pathlib import Path

from oddstui.model import (
    Event,
    Fixture,
    FixtureChanged,
    FixtureUpserted,
    FrameRejected,
    OddsFormat,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    QuotesSettled,
    ScoreUpdated,
    StreamHealthChanged,
)
from oddstui.odds import format_price
from oddstui.render_guard import placeholder
from oddstui.store import Grid, Store


def finite_price(value: float | None) -> float | None:
    """A price for an export, rounded; None for none, or for one that is not a finite number (no NaN in JSON)."""
    return round(value, 6) if value is not None and math.isfinite(value) else None


def quote_json(quote: Quote, stale: bool | None = None) -> dict:
    return {
        "provider": quote.provider,
        "key": quote.key,
        "fixture_id": quote.fixture_id,
        "book": quote.book,
        "market": quote.market,
        "selection": quote.selection,
        "points": quote.points,
        "price_american": quote.american,
        "price_decimal": round(quote.decimal, 6),
        "locked": quote.locked or quote.settlement is not None,
        "stale": quote.stale if stale is None else stale,
        "is_main": quote.is_main,
        "is_live": quote.is_live,
        "settlement": quote.settlement,
        "copilot_id": quote.copilot_id,
    }


def fixture_json(fixture: Fixture) -> dict:
    score = fixture.score
    return {
        "provider": fixture.provider,
        "fixture_id": fixture.fixture_id,
        "sport": fixture.sport,
        "league": fixture.league,
        "home": fixture.home,
        "away": fixture.away,
        "start": fixture.start,
        "status": fixture.status.value,
        "is_live": fixture.is_live,
        "score": None if score is None else {"home": score.home, "away": score.away, "period": score.period},
    }


def event_json(event: Event) -> dict:
    match event:
        case QuotesPosted() | QuotesLocked():
            kind = "quotes_locked" if isinstance(event, QuotesLocked) else "quotes_posted"
            return {"type": kind, "stream": event.stream, "quotes": [quote_json(q) for q in event.quotes]}
        case QuotesSettled():
            return {
                "type": "quotes_settled",
                "stream": event.stream,
                "provider": event.provider,
                "settlements": dict(event.settlements),
            }
        case FixtureUpserted():
            return {"type": "fixture", "stream": event.stream, "fixture": fixture_json(event.fixture)}
        case FixtureChanged():
            change = event.change
            return {
                "type": "fixture_changed",
                "stream": event.stream,
                "provider": change.provider,
                "fixture_id": change.fixture_id,
                "old_status": change.old_status.value if change.old_status else None,
                "new_status": change.new_status.value if change.new_status else None,
                "old_start": change.old_start,
                "new_start": change.new_start,
            }
        case ScoreUpdated():
            return {
                "type": "score",
                "stream": event.stream,
                "provider": event.provider,
                "fixture_id": event.fixture_id,
                "home": event.score.home,
                "away": event.score.away,
                "is_live": event.is_live,
            }
        case QuotesMarkedStale():
            return {"type": "quotes_stale", "stream": event.stream, "provider": event.provider, "keys": event.keys}
        case StreamHealthChanged():
            health = event.health
            return {
                "type": "health",
                "stream": health.stream,
                "provider": health.provider,
                "state": health.state.value,
                "detail": health.detail,
                "retry_at": health.retry_at,
            }
        case FrameRejected():
            return {"type": "frame_rejected", "stream": event.stream, "reason": event.reason}
    raise TypeError(f"not an event: {type(event).__name__}")


def state_json(store: Store) -> dict:
    """The store's final state: every quote (with its stale flag as the screen would show it) and fixture."""
    return {
        "quotes": [quote_json(q, stale=store.is_stale(q)) for q in store.quotes()],
        "fixtures": [fixture_json(f) for f in store.all_fixtures()],
    }


def grid_rows(grid: Grid, fixture: Fixture | None, fmt: OddsFormat) -> list[dict[str, object]]:
    """One row per grid row and book, as shown: the book's own line and price in `fmt`, and whether it was live,
    locked or stale (a main row's books may hang different lines)."""
    game = fixture.name if fixture is not None else grid.ref[1]
    rows: list[dict[str, object]] = []
    for row in grid.rows:
        for book in grid.books:
            quote = row.cells.get(book)
            if quote is None:
                continue
            try:
                shown = format_price(quote.decimal, fmt, quote.american if fmt is OddsFormat.AMERICAN else None)
            except (ArithmeticError, ValueError, TypeError):  # OddsError, NaN or inf in int(), a raw value's type
                shown = placeholder(("price", quote.provider, quote.key, repr(quote.decimal), repr(quote.raw), fmt))
            rows.append(
                {
                    "game": game,
                    "market": row.market,
                    "selection": row.selection,
                    "points": quote.points if quote.points is None or math.isfinite(quote.points) else None,
                    "main": row.is_main,
                    "book": book,
                    "price": shown,
                    "price_decimal": finite_price(quote.decimal),
                    "locked": quote.locked or quote.settlement is not None,
                    "stale": quote.stale,
                    "best": row.best_book == book,
                    "fair_decimal": finite_price(row.fair),
                }
            )
    return rows


def write_export(rows: Sequence[dict[str, object]], directory: Path, name: str, now: float) -> tuple[Path, Path]:
    """Write `rows` as `<name>-<time>.csv` and `.json` in `directory` (created if need be); returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{time.strftime('%Y%m%d-%H%M%S', time.localtime(now))}"
    columns = list(dict.fromkeys(key for row in rows for key in row))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    csv_path, json_path = directory / f"{stem}.csv", directory / f"{stem}.json"
    csv_path.write_text(text.getvalue(), encoding="utf-8")
    json_path.write_text(json.dumps(list(rows), indent=1) + "\n", encoding="utf-8")
    return csv_path, json_path
