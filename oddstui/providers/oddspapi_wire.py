"""OddsPapi wire shapes -> plain values: frame decoding, fixtures, scores, odds outcomes, bookmaker flags.

Pure functions, no I/O. Each reads what the docs (docs.oddspapi.io, as in shared/providers/
oddspapi-docs.md) define, treats fields their tables list but their examples omit as optional,
and raises `WireError` (never quoting the payload) for anything it cannot read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import msgpack
import msgspec

from oddstui.model import Fixture, FixtureStatus, Score

PROVIDER = "oddspapi"
STATUS_BY_ID = {0: FixtureStatus.UNPLAYED, 1: FixtureStatus.LIVE}
"""The only status ids the docs define: 0 "Pre-Game" and 1 "Live" (Fixtures Channel examples)."""
MAX_FRAME = 4 * 1024 * 1024
T = TypeVar("T")
MAX_EPOCH_S = 10**11
"""Past any date in epoch seconds (year 5138): a larger `startTime` is milliseconds or garbage."""


class WireError(ValueError):
    """A payload the client cannot read; the message names the field, never its value."""


def decode_frame(raw: str | bytes) -> object:
    """Text is JSON; a binary frame is JSON when it holds JSON bytes, else MessagePack.

    The docs say binary mode sends data as MessagePack and control as JSON; the public overview
    says only `odds`/`oddsFutures` are MessagePack and the rest JSON, possibly in binary frames.
    A MessagePack map never starts with `{` or `[` (those bytes are small positive integers),
    so the first byte tells the two apart.
    """
    if isinstance(raw, str):
        return msgspec.json.decode(raw)
    if raw.lstrip()[:1] in (b"{", b"["):
        return msgspec.json.decode(raw)
    return msgpack.unpackb(raw, raw=False, strict_map_key=True)  # size capped by the socket's max_size


def _int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise WireError(f"{name} is not an integer")
    try:
        return int(value)
    except ValueError:
        raise WireError(f"{name} is not an integer") from None


def _flag(value: object, name: str) -> bool | None:
    """A `boolean | null` field: None when absent or null (unknown), never a guess."""
    if value is None or isinstance(value, bool):
        return value
    raise WireError(f"{name} is not a boolean")


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WireError(f"{name} is not a number")
    try:
        number = float(value)
    except OverflowError:
        raise WireError(f"{name} is out of range") from None
    if not math.isfinite(number):
        raise WireError(f"{name} is not finite")
    return number


def _epoch_seconds(value: object, name: str) -> float:
    seconds = _number(value, name)
    if not 0 <= seconds < MAX_EPOCH_S:
        raise WireError(f"{name} is not in epoch seconds")
    return seconds


def _price(value: object, name: str = "price") -> float:
    price = _number(value, name)
    if price <= 1.0:
        raise WireError("price is not a decimal above 1")
    return price


def _dict(value: object, name: str) -> dict:
    if not isinstance(value, dict):
        raise WireError(f"{name} is not an object")
    return value


def guessed_slug(book: str) -> str:
    """A bookmaker slug guessed from a name ("William Hill" -> "williamhill"), until the `/bookmakers` catalog says."""
    return re.sub(r"[^a-z0-9]+", "", book.lower())


def book_slugs(books: Sequence[str], catalog: dict[str, str]) -> list[str]:
    """The catalog's slug (slug -> bookmakerName) of each configured book, named by slug or by name, any case.

    A book the catalog does not list is left out: the login's `bookmakers` filter takes slugs (Auth: "stake"),
    and a login naming a bookmaker the key may not have fails (Troubleshooting: "bookmakers not allowed").
    """
    known = {name.lower(): slug for slug, name in catalog.items()} | {slug.lower(): slug for slug in catalog}
    return list(dict.fromkeys(known[book.lower()] for book in books if book.lower() in known))


def sport_of(numeric_id: int) -> int:
    """The sportId embedded as the first two digits of a marketId or outcomeId (Core Concepts)."""
    return int(str(numeric_id)[:2])


# --- fixtures and scores ----------------------------------------------------------


def resolve_status(status: dict, previous: FixtureStatus | None) -> tuple[FixtureStatus, bool]:
    """(status, known): ids the docs define, else a status name we know, else the last known status.

    `known` is False when neither the id nor the name could be read: the caller counts that.
    `status.live` true is documented as "currently live", so it stands for LIVE on its own.
    """
    status_id = status.get("statusId")
    if isinstance(status_id, int) and not isinstance(status_id, bool) and status_id in STATUS_BY_ID:
        return STATUS_BY_ID[status_id], True
    name = status.get("statusName")
    if isinstance(name, str) and name.strip():
        parsed = FixtureStatus.parse(name)
        if parsed is not FixtureStatus.INVALID or name.strip().lower() == "invalid":
            return parsed, True
    if status.get("live") is True:
        return FixtureStatus.LIVE, status_id is None and name is None
    return previous or FixtureStatus.UNPLAYED, status_id is None and name is None


def score_from_periods(scores: object, previous: Score | None) -> Score | None:
    """The score a `scores` map carries: `result` gives the totals, the latest other period names the period.

    Without `result`, the last known totals stay and only the period changes; with neither,
    there is nothing to apply (None). Never defaults a missing score to 0-0.
    """
    periods = _dict(scores, "scores")
    result = periods.get("result")
    latest, latest_at = "", ""
    for key, period in periods.items():
        if key == "result" or not isinstance(period, dict):
            continue
        updated = period.get("updatedAt")
        at = updated if isinstance(updated, str) else ""
        if not latest or at >= latest_at:
            latest, latest_at = str(key), at
    if isinstance(result, dict):
        home = _int(result.get("participant1Score"), "participant1Score")
        away = _int(result.get("participant2Score"), "participant2Score")
        return Score(home, away, latest or (previous.period if previous else ""))
    if result is not None:
        raise WireError("scores.result is not an object")
    if previous is None or not latest:
        return None
    return Score(previous.home, previous.away, latest)


def fixture_from_payload(payload: dict, previous: Fixture | None) -> tuple[Fixture, bool]:
    """A `fixtures` payload (or a /fixtures row) as a Fixture; the flag says whether its status was known."""
    fixture_id = payload.get("fixtureId")
    if not isinstance(fixture_id, str) or not fixture_id:
        raise WireError("fixtureId missing")
    status = payload.get("status") or {}
    _dict(status, "status")
    parts = _dict(payload.get("participants") or {}, "participants")
    sport = _dict(payload.get("sport") or {}, "sport")
    tournament = _dict(payload.get("tournament") or {}, "tournament")
    normalized, known = resolve_status(status, previous.status if previous else None)
    old_score = previous.score if previous else None
    scores = payload.get("scores")
    score = score_from_periods(scores, old_score) if scores else old_score
    external = {k: str(v) for k, v in _dict(payload.get("externalProviders") or {}, "externalProviders").items() if v}
    start = payload.get("startTime")
    live = status.get("live")
    return (
        Fixture(
            PROVIDER,
            fixture_id,
            str(sport.get("sportName") or "").lower() or (previous.sport if previous else ""),
            str(tournament.get("tournamentName") or "") or (previous.league if previous else ""),
            str(parts.get("participant1Name") or "") or (previous.home if previous else ""),
            str(parts.get("participant2Name") or "") or (previous.away if previous else ""),
            _epoch_seconds(start, "startTime") if start is not None else (previous.start if previous else 0.0),
            normalized,
            live if isinstance(live, bool) else normalized in (FixtureStatus.LIVE, FixtureStatus.HALF),
            score,
            external,
        ),
        known,
    )


# --- odds -------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """One odds entry as sent; `price` None only for a lock that carries no usable price."""

    outcome_id: int
    player_id: int
    price: float | None
    active: bool | None
    market_active: bool | None
    main_line: bool | None
    market_id: int | None
    limit: float | None
    changed_at: int

    @property
    def locked(self) -> bool:
        """Only `false` is a lock (Odds Channel: "treat active=false or marketActive=false as hard stops")."""
        return self.active is False or self.market_active is False


def outcome_from_wire(entry: object, outcome_id: object = None, player_id: object = None) -> Outcome:
    """An odds-channel outcome, or a REST `players` entry (ids then come from the map keys).

    A hard stop (`active` or `marketActive` false) must never be lost to a field beside it: on one,
    an unreadable price or optional field is unknown (a missing, 0 or 1 price locks the last price).
    """
    item = _dict(entry, "outcome")
    oid = _int(item.get("outcomeId", outcome_id), "outcomeId")
    raw_player = item.get("playerId", player_id)
    pid = 0 if raw_player is None else _int(raw_player, "playerId")
    locked = item.get("active") is False or item.get("marketActive") is False

    def field(read: Callable[[object, str], T], name: str) -> T | None:
        value = item.get(name)
        try:
            return None if value is None else read(value, name)
        except WireError:
            if locked:
                return None
            raise

    price = field(_price, "price")
    if price is None and not locked:
        raise WireError("price is not a number")
    changed = item.get("changedAt")
    return Outcome(
        oid,
        pid,
        price,
        field(_flag, "active"),
        field(_flag, "marketActive"),
        field(_flag, "mainLine"),
        field(_int, "marketId"),
        field(_number, "limit"),
        changed if isinstance(changed, int) and not isinstance(changed, bool) and 0 <= changed < 2**53 else 0,
    )


def snapshot_outcomes(book: dict) -> list[Outcome | WireError]:
    """Every priced entry of one book in a /fixtures/odds snapshot (marketId from its key); bad ones as errors.

    Shape (provider notes): `markets{marketId: {outcomes{outcomeId: {players{playerId: {price, ...}}}}}}`.
    """
    found: list[Outcome | WireError] = []
    for market_key, market in _dict(book.get("markets") or {}, "markets").items():
        try:
            market_id = _int(market_key, "marketId")
            outcomes = _dict(_dict(market, "market").get("outcomes") or {}, "outcomes")
        except WireError as exc:
            found.append(exc)
            continue
        for outcome_key, outcome in outcomes.items():
            try:
                players = _dict(_dict(outcome, "outcome").get("players") or {}, "players")
            except WireError as exc:
                found.append(exc)
                continue
            for player_key, entry in players.items():
                try:
                    parsed = outcome_from_wire(entry, outcome_key, player_key)
                    parsed.market_id = parsed.market_id or market_id
                    found.append(parsed)
                except WireError as exc:
                    found.append(exc)
    return found


# --- bookmakers channel -----------------------------------------------------------


@dataclass(slots=True, frozen=True)
class BookFlags:
    """A bookmaker's state for one fixture (Bookmakers Channel)."""

    has_odds: bool = True
    stale: bool = False
    suspended: bool = False

    @property
    def priced(self) -> bool:
        """False when the book offers no price one could take now."""
        return self.has_odds and not self.suspended


def book_flags(entry: object) -> BookFlags:
    """A book's flags; beside a stop (`suspended` true or `hasOdds` false) an unreadable flag is just unset."""
    item = _dict(entry, "bookmaker")
    stopped = item.get("suspended") is True or item.get("hasOdds") is False
    flags = {}
    for name in ("hasOdds", "staleOdds", "suspended"):
        try:
            flags[name] = _flag(item.get(name), name)
        except WireError:
            if not stopped:
                raise
            flags[name] = None
    return BookFlags(flags["hasOdds"] is not False, flags["staleOdds"] is True, flags["suspended"] is True)
