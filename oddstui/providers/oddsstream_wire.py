"""OddsStream wire decoding: `/api/odds` rows, stream messages and token replies, validated at the edge.

Pure functions and one small index, no I/O. The documented row fields are `bookmaker, match_name,
competition, sport, market_type, period, is_live, odds{selection: decimal}, match_date, scraped_at,
url, liquidity`; no doc example shows a row, so every field but the row's identity (bookmaker,
match_name, market_type, odds) is optional, and `match_date` is nullable (the public reference).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from oddstui.model import Fixture, Quote
from oddstui.odds import OddsFormat

PROVIDER = "oddsstream"
STREAM = "oddsstream"
MARKET_NAMES = {
    "moneyline": "Moneyline",
    "spread": "Spread",
    "total": "Total",
    "btts": "Both Teams to Score",
    "double_chance": "Double Chance",
    "draw_no_bet": "Draw No Bet",
    "3way_handicap": "European Handicap",
    "total_games": "Total Games",
    "games_handicap": "Games Handicap",
    "team_total": "Team Total",
    "player_prop": "Player Prop",
    "yes_no": "Yes/No",
}
"""The doc's market_type table; an unlisted type keeps its own name."""
SPORT_NAMES = {
    "basketball": "Basketball",
    "football": "AmericanFootball",
    "hockey": "Hockey",
    "baseball": "Baseball",
    "soccer": "Football",
    "tennis": "Tennis",
}
"""Our sport ids (OpticOdds') -> OddsStream's sport names, from the doc's competition table."""
SPORT_IDS = {name.lower(): sport for sport, name in SPORT_NAMES.items()}


def sport_name(sport: str) -> str:
    """The OddsStream name of one of our sport ids, for the case-insensitive `sport` filter; others as given."""
    return SPORT_NAMES.get(sport.lower(), sport)


def sport_id(name: str) -> str:
    """Our sport id for an OddsStream sport name ("Football" is soccer); an unlisted sport, lower-cased."""
    return SPORT_IDS.get(name.lower(), name.lower())


class RowError(ValueError):
    """A row (or message) whose shape is not a documented one; the message never quotes the payload."""


@dataclass(slots=True)
class ParsedRow:
    """One `/api/odds` row: its event, its prices, the selections it suspends, and the prices it refused."""

    fixture: Fixture
    dated: bool
    quotes: list[Quote] = field(default_factory=list)
    suspended_keys: list[str] = field(default_factory=list)
    """Quote keys of selections whose price is null: no price now, so a known price is locked."""
    bad_prices: list[str] = field(default_factory=list)
    """Selections whose price lies about its type (string, bool, NaN, not above 1): skipped and counted."""


def valid_price(value: object) -> float | None:
    """A decimal price above 1 sent as a JSON number, else None (strings, bools, NaN and infinities are lies)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    price = float(value)
    return price if math.isfinite(price) and price > 1.0 else None


def _text(row: dict, name: str, required: bool = False) -> str:
    value = row.get(name)
    if isinstance(value, str) and value.strip():
        return value.strip()
    if required:
        raise RowError(f"row field {name} missing or not text")
    return ""


def parse_date(value: object) -> float | None:
    """An ISO-8601 match_date as epoch seconds; None for null, an unreadable value or a UTC day out of range."""
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).timestamp()
    except (ValueError, OverflowError):
        return None


def utc_day(start: float) -> str:
    """The `yyyymmdd` UTC day of a parsed match_date: the dated part of an event id."""
    return dt.datetime.fromtimestamp(start, dt.UTC).strftime("%Y%m%d")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def event_base_of(row: dict) -> str:
    """The date-free part of an event id: competition and match name (both stable across bookmakers)."""
    return slug(f"{_text(row, 'competition')} {_text(row, 'match_name', required=True)}")


def parse_row(row: object, fixture_id: str | None = None) -> ParsedRow:
    """Validate one row; raises RowError when its identity is unusable. Bad prices are listed, not raised.

    `fixture_id` overrides the derived id (the client's index resolves rows with a null match_date).
    """
    if not isinstance(row, dict):
        raise RowError("row is not an object")
    book = _text(row, "bookmaker", required=True)
    match_name = _text(row, "match_name", required=True)
    market_type = _text(row, "market_type", required=True)
    odds = row.get("odds")
    if not isinstance(odds, dict):
        raise RowError("row odds is not an object")
    period = row.get("period", 0)
    if period is None:
        period = 0
    if isinstance(period, bool) or not isinstance(period, int) or period < 0:
        raise RowError("row period is not a whole number")
    start = parse_date(row.get("match_date"))
    base = event_base_of(row)
    fixture_id = fixture_id or (f"{base}-{utc_day(start)}" if start is not None else base)
    home, sep, away = match_name.partition(" vs ")
    if not sep:
        home, _, away = match_name.partition(" - ")
    is_live = row.get("is_live") is True
    fixture = Fixture(
        PROVIDER,
        fixture_id,
        sport_id(_text(row, "sport")),
        _text(row, "competition").upper(),
        home.strip(),
        away.strip(),
        start if start is not None else 0.0,
        is_live=is_live,
    )
    parsed = ParsedRow(fixture, start is not None)
    market = MARKET_NAMES.get(market_type, market_type) + (f" P{period}" if period else "")
    url = row.get("url") if isinstance(row.get("url"), str) else None
    liquidity = row.get("liquidity")
    if isinstance(liquidity, bool) or not isinstance(liquidity, int | float) or not 0 <= liquidity < math.inf:
        liquidity = None  # Pinnacle only, and nullable
    for selection, value in odds.items():
        if value is None:
            parsed.suspended_keys.append(quote_key(fixture_id, book, market_type, period, selection))
            continue
        price = valid_price(value)
        if price is None:
            parsed.bad_prices.append(selection)
            continue
        parsed.quotes.append(
            Quote(
                PROVIDER,
                quote_key(fixture_id, book, market_type, period, selection),
                fixture_id,
                book,
                market,
                selection,
                price,
                raw_format=OddsFormat.DECIMAL,
                group=market_type,
                stream=STREAM,
                is_live=is_live,
                limit=float(liquidity) if liquidity is not None else None,
                deep_link=url,
            )
        )
    return parsed


def quote_key(fixture_id: str, book: str, market_type: str, period: int, selection: str) -> str:
    return f"{fixture_id}:{book}:{market_type}:{period}:{selection}"


def message_rows(message: object) -> list[object]:
    """The rows one stream message carries: a bare row, `{"type": ..., "data": row | [rows]}`, or `[rows]`.

    The docs say only "one message per selection change"; anything else raises RowError.
    """
    if isinstance(message, list):
        return list(message)
    if not isinstance(message, dict):
        raise RowError("message is neither an object nor an array")
    if "odds" in message:
        return [message]
    data = message.get("data")
    if isinstance(data, list):
        return list(data)
    if isinstance(data, dict):
        return [data]
    raise RowError("message holds no odds row")


def token_of(body: object) -> str:
    """The token of a bare `{token, expires_in}` or an enveloped `{data: {token, expires_in}}` reply.

    `expires_in` is not needed: a token is used at once, and a new one is asked for every connection.
    """
    if isinstance(body, dict) and isinstance(body.get("data"), dict) and "token" not in body:
        body = body["data"]
    if not isinstance(body, dict):
        raise RowError("token reply is not an object")
    token = body.get("token")
    if not isinstance(token, str) or not token.strip():
        raise RowError("token reply holds no token")
    return token


class EventIndex:
    """Event ids that stay put when some rows of an event lack match_date.

    A dated row's event is `<competition-match>-<yyyymmdd>`. A row with a null date joins the one
    dated event of the same competition and match name when there is exactly one, else the date-free id.
    """

    def __init__(self) -> None:
        self._dated: dict[str, set[str]] = {}

    def resolve(self, row: dict) -> str | None:
        """The id a null-date row joins (None to let the row's own id stand); records dated events."""
        if not isinstance(row, dict):
            return None
        start = parse_date(row.get("match_date"))
        try:
            base = event_base_of(row)
        except RowError:
            return None
        if start is not None:
            self._dated.setdefault(base, set()).add(f"{base}-{utc_day(start)}")
            return None
        known = self._dated.get(base, set())
        return next(iter(known)) if len(known) == 1 else None

    def forget(self, fixture_ids: set[str]) -> None:
        """Drop the dated events the store evicted; a match name with none left goes too."""
        for base in [base for base, dated in self._dated.items() if dated & fixture_ids]:
            self._dated[base] -= fixture_ids
            if not self._dated[base]:
                del self._dated[base]
