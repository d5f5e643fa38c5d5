"""Plain-JSON views of normalized events and of the store, for `oddstui tail` and state dumps.

Nothing here can hold an API key: quotes and fixtures never carry one.
"""

from __future__ import annotations

from oddstui.model import (
    Event,
    Fixture,
    FixtureChanged,
    FixtureUpserted,
    FrameRejected,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    QuotesSettled,
    ScoreUpdated,
    StreamHealthChanged,
)
from oddstui.store import Store


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
