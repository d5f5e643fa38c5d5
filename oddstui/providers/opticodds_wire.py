"""OpticOdds wire format: typed decoding of odd objects and their normalization to quotes, scores and fixtures.

Everything is checked at the edge, one item at a time: an odd whose fields lie about their types
(a price sent as the string "150.5", an id sent as a number) is skipped and counted, and the rest
of its event still applies. Price events are decoded by msgspec with each odd kept raw, then each
odd decoded straight into a `WireOdd` struct; fields we do not use are skipped without being built.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from dataclasses import dataclass
from typing import Any

import msgspec

from oddstui.model import Fixture, FixtureStatus, Quote, Score
from oddstui.numbers import SharedNumbers
from oddstui.odds import OddsError, OddsFormat, to_decimal

PROVIDER = "opticodds"
COPILOT = "Copilot"
PRICE_EVENTS = frozenset({"odds", "locked-odds", "copilot-odds", "copilot-locked-odds"})
"""Events whose `data` is a list of odd objects."""
WIRE_FORMATS = frozenset({OddsFormat.AMERICAN, OddsFormat.DECIMAL})
"""The `odds_format` values we request: documented by the API and exact for our display (never FRACTIONAL)."""
FIXTURE_STATUSES = frozenset(s.value for s in FixtureStatus) - {FixtureStatus.POSTPONED.value}
"""OpticOdds' fixture status words (NOTES.md); any other word is not guessed at."""


class WireLimits(msgspec.Struct, gc=False):
    max_stake: float | None = None


class WireLink(msgspec.Struct, gc=False):
    desktop: str | None = None


class WireOdd(msgspec.Struct, gc=False):
    """The fields of an OpticOdds odd object that a quote keeps.

    `fixture_id` may be missing only in snapshot replies, where the parent fixture supplies it.
    """

    id: str
    market: str
    name: str
    price: int | float
    fixture_id: str = ""
    sportsbook: str | None = None
    selection: str | None = ""
    points: float | None = None
    is_main: bool | None = True
    is_live: bool | None = False
    timestamp: float | None = None
    player_id: str | None = None
    grouping_key: str | None = None
    limits: WireLimits | None = None
    deep_link: WireLink | None = None


class PriceEvent(msgspec.Struct, gc=False):
    """The payload of odds, locked-odds and their Copilot twins; each odd is checked on its own."""

    data: list[msgspec.Raw]
    entry_id: Any = None


class TypedPriceEvent(msgspec.Struct, gc=False):
    """A price event whose odds all decode as they are: the fast path, one decode for the whole event."""

    data: list[WireOdd]
    entry_id: Any = None


class WireSettled(msgspec.Struct, gc=False):
    """One item of a copilot-settled-odds event: the settlement is kept as the provider's word."""

    id: str
    settlement: str


class SettledEvent(msgspec.Struct, gc=False):
    data: list[msgspec.Raw]
    entry_id: Any = None


price_event_decoder = msgspec.json.Decoder(PriceEvent)
typed_event_decoder = msgspec.json.Decoder(TypedPriceEvent)
settled_event_decoder = msgspec.json.Decoder(SettledEvent)
odd_decoder = msgspec.json.Decoder(WireOdd)
settled_decoder = msgspec.json.Decoder(WireSettled)
json_decoder = msgspec.json.Decoder()
NUMBERS = SharedNumbers()
"""The prices, lines and stakes live quotes hold, one object per value (times are shared within an event only)."""
DecodeError = msgspec.DecodeError
ShapeError = msgspec.ValidationError


@dataclass(slots=True)
class Converted:
    """Quotes built from a list of odds, and why each skipped odd was skipped (never its payload)."""

    quotes: list[Quote]
    rejected: list[str]


def decode_price_event(data: str | bytes) -> TypedPriceEvent | PriceEvent:
    """A well-formed event in one typed decode; one with a bad odd is decoded again, odd by odd, so that
    only that odd is lost. Raises DecodeError or ShapeError for an event that is not a price event at all."""
    try:
        return typed_event_decoder.decode(data)
    except msgspec.ValidationError:
        return price_event_decoder.decode(data)


def odds_from_stream(items: list[WireOdd] | list[msgspec.Raw], stream: str, fmt: OddsFormat) -> Converted:
    """Quotes from the odds of one price event, decoded or raw; a bad odd is skipped, the others still count."""
    rejected = []
    decoded: list[WireOdd] = []
    for item in items:
        if isinstance(item, WireOdd):  # a typed event: every item is decoded (the fast path)
            decoded = items  # type: ignore[assignment]
            break
        try:
            decoded.append(odd_decoder.decode(item))
        except msgspec.DecodeError as exc:
            rejected.append(f"odd skipped: {_shape(exc)}")
    odds = [odd for odd in decoded if odd.fixture_id]
    rejected += ["odd skipped: no fixture_id"] * (len(decoded) - len(odds))
    converted = odds_to_quotes(odds, stream, fmt)
    converted.rejected[:0] = rejected
    return converted


def odds_from_snapshot(items: Any, parent_fixture: str, stream: str, fmt: OddsFormat) -> Converted:
    """Quotes from a snapshot fixture's `odds`; an odd without `fixture_id` takes its parent fixture's."""
    if not isinstance(items, list):
        return Converted([], ["snapshot odds: not a list"])
    odds, rejected = [], []
    for item in items:
        try:
            odd = msgspec.convert(item, WireOdd)
        except msgspec.ValidationError as exc:
            rejected.append(f"snapshot odd skipped: {_shape(exc)}")
            continue
        if not odd.fixture_id:
            odd.fixture_id = parent_fixture
        odds.append(odd)
    converted = odds_to_quotes(odds, stream, fmt)
    converted.rejected[:0] = rejected
    return converted


def _shape(exc: Exception) -> str:
    """msgspec's message names the field and the expected type, never the value."""
    return str(exc).split("\n", 1)[0][:120]


def odds_to_quotes(odds: list[WireOdd], stream: str, fmt: OddsFormat) -> Converted:
    """Normalized quotes from decoded odds; one whose price is impossible is skipped and reported.

    The hot path of ingest: one loop per event rather than a call per odd, and whole American
    prices converted inline. What a quote keeps for as long as it lives is shared rather than copied into
    each quote, which is most of what a live quote holds: the names that recur across prices and games
    (fixture, book, market, selection, player, group, link) are interned, the numbers (price, line,
    stake) are taken from `NUMBERS`, and odds of one event that share a time share one object for it.
    Its key, one per price, is not interned: an id per price churns the interpreter's table of interned
    strings (which never shrinks between resizes, and grew the process by 1.9 MB at one on a long run);
    the store hands each update the key it already holds instead.
    """
    american = fmt is OddsFormat.AMERICAN
    quotes: list[Quote] = []
    rejected: list[str] = []
    append = quotes.append
    isfinite = math.isfinite
    intern = sys.intern
    share = NUMBERS.share
    last_ts = 0.0
    for odd in odds:
        if not odd.id:
            rejected.append("odd skipped: empty id")
            continue
        price = odd.price
        if american and type(price) is int and (price >= 100 or price <= -100):
            decimal = share(1.0 + price / 100.0 if price >= 100 else 1.0 - 100.0 / price)
        else:
            try:
                decimal = share(to_decimal(price, fmt))
            except OddsError:
                rejected.append(f"odd skipped: price is not a valid {fmt.value} price")
                continue
        book = odd.sportsbook or COPILOT
        odd_id = odd.id
        limits = odd.limits
        link = odd.deep_link
        stake = limits.max_stake if limits is not None else None
        ts = odd.timestamp
        if ts is None or not isfinite(ts):
            ts = 0.0
        elif ts == last_ts:
            ts = last_ts  # the odds of one event mostly share a time: one object for them
        else:
            last_ts = ts
        # Positional, in field order: msgspec builds a struct from positional arguments about four
        # times faster than from keywords. tests/providers/test_opticodds_wire.py checks every field.
        append(
            Quote(
                PROVIDER,
                odd_id,
                intern(odd.fixture_id),
                intern(book),
                intern(odd.market),
                intern(odd.name),
                decimal,
                share(price),
                fmt,  # raw, raw_format
                share(odd.points) if odd.points is None or isfinite(odd.points) else None,
                intern(odd.grouping_key or ""),  # points, group
                intern(odd.selection or "") if odd.player_id else "",  # player
                stream,
                odd.is_main is not False,
                odd.is_live is True,  # stream, is_main, is_live
                False,
                False,
                ts,  # locked, stale, ts
                share(stake) if stake is not None and isfinite(stake) else None,  # limit
                intern(link.desktop) if link is not None and link.desktop is not None else None,  # deep_link
                odd_id if book == COPILOT else None,  # copilot_id
            )
        )
    return Converted(quotes, rejected)


def settlements_from(raws: list[msgspec.Raw]) -> tuple[dict[str, str], list[str]]:
    """{odd id: the provider's settlement word}, and why each skipped item was skipped."""
    settled: dict[str, str] = {}
    rejected: list[str] = []
    for raw in raws:
        try:
            item = settled_decoder.decode(raw)
        except msgspec.DecodeError as exc:
            rejected.append(f"settlement skipped: {_shape(exc)}")
            continue
        word = item.settlement.strip()
        if not word:
            rejected.append("settlement skipped: empty settlement")
            continue
        settled[item.id] = word
    return settled, rejected


def _total(side: Any) -> int | None:
    total = side.get("total") if isinstance(side, dict) else None
    if isinstance(total, bool) or not isinstance(total, int | float) or not math.isfinite(total):
        return None
    if total != int(total) or total < 0:
        return None
    return int(total)


def _period(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value)


def parse_score(score: Any) -> Score | None:
    """A score in the `/fixtures/results` shape (`scores.home.total`, `in_play.period`) or the flat one
    (`home.total`, `period`); None when neither holds two whole totals. Never defaults to 0-0."""
    if not isinstance(score, dict):
        return None
    nested = score.get("scores")
    sides = nested if isinstance(nested, dict) else score
    home, away = _total(sides.get("home")), _total(sides.get("away"))
    if home is None or away is None:
        return None
    in_play = score.get("in_play")
    period = in_play.get("period") if isinstance(in_play, dict) else score.get("period")
    return Score(home, away, _period(period))


def parse_time(value: Any) -> float | None:
    """An ISO 8601 time or epoch seconds; None when absent. Raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("a time cannot be a boolean")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("a time must be finite")
        return float(value)
    if not isinstance(value, str):
        raise ValueError("a time must be a string or a number")
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def parse_status(value: Any) -> FixtureStatus | None:
    """A fixture status word OpticOdds documents; None for null. Raises ValueError for an unknown word."""
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().lower() not in FIXTURE_STATUSES:
        raise ValueError("unknown fixture status")
    return FixtureStatus(value.strip().lower())


def _text(item: dict, key: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string")
    return value


def fixture_from_json(item: Any) -> Fixture:
    """A fixture from a `/fixtures` or snapshot item; raises KeyError/TypeError/ValueError on a bad shape."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
        raise TypeError("a fixture needs a string id")
    league = item.get("league") or {}
    sport = item.get("sport") or {}
    status = item.get("status")
    is_live = item.get("is_live") is True
    return Fixture(
        PROVIDER,
        item["id"],
        str(sport.get("id", "")) if isinstance(sport, dict) else str(sport),
        str(league.get("name", "")) if isinstance(league, dict) else str(league),
        _text(item, "home_team_display"),
        _text(item, "away_team_display"),
        parse_time(item.get("start_date")) or 0.0,
        parse_status(status) or FixtureStatus.UNPLAYED,
        is_live,
        parse_score(item.get("result")),
        {"opticodds": item["id"]},
    )
