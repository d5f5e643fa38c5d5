"""OpticOdds on loopback: SSE odds, results and Copilot streams, REST snapshots, parlay pricing."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from oddstui.model import FixtureStatus, Settlement
from oddstui.odds import (
    OddsFormat,
    american_to_decimal,
    decimal_to_hong_kong,
    decimal_to_indonesian,
    decimal_to_malay,
    decimal_to_probability,
)
from oddstui.sim.hub import Entry, Hub
from oddstui.sim.limits import BurstPlan, SlidingWindow, key_is_valid
from oddstui.sim.market import (
    Market,
    PriceBatch,
    ScoreChange,
    SettledBatch,
    SimFixture,
    SimLine,
    StatusChange,
    snake,
)
from oddstui.sim.names import BOOKS_BY_NAME, COPILOT, LEAGUES

RETRY_MS = 5000
MAX_BOOKS = 5
MAX_SNAPSHOT_FIXTURES = 5
WIRE_STATUS = {FixtureStatus.POSTPONED: "delayed"}
DOC_FIXTURE_STATUS = (
    b'event: fixture-status\nid: 1724871720243-0\nretry: 5000\ndata: {"data": {"fixture_id": "FB0D30DCDD6C", '
    b'"game_id": "88067-26534-2024-35", "sport": "tennis", "league": "ATP", '
    b'"old_start_date": "2024-08-28T20:20:00+00:00", "new_start_date": "2024-08-28T20:30:00+00:00", '
    b'"old_status": null, "new_status": null, "fixture": {"id": "FB0D30DCDD6C", '
    b'"home_team_display": "Miomir Kecmanovic", "away_team_display": "Lorenzo Musetti", '
    b'"start_date": "2024-08-28T20:30:00+00:00"}, "timestamp": 1724871720.2406485}, '
    b'"entry_id": "1724871720243-0"}\n\n'
)
"""The SSE guide's start-time example, verbatim: sent first on some fixture-update connections."""
DOC_PING = b"event: ping\nretry: 5000\ndata: 2024-08-28T18:57:49Z\n\n"


@dataclass(frozen=True, slots=True)
class Variant:
    """Choices the docs leave open, made from the seed (and per event), so that a client guessing one fails."""

    seed: int

    def pick(self, n: int, *parts: object) -> int:
        """A deterministic choice among `n`, from the seed and `parts`."""
        return zlib.crc32(repr((self.seed, *parts)).encode()) % n

    @property
    def snapshot_by_fixture(self) -> int:
        """0: /fixtures/odds takes sport/league; else the status it refuses them with (400 or 422)."""
        return (0, 400, 422)[self.pick(3, "snapshot")]

    @property
    def doc_examples(self) -> bool:
        """Whether this server sends the guide's own example events (on some of its connections)."""
        return self.pick(2, "examples") == 1

    @property
    def copilot_for_every_sport(self) -> bool:
        """The Copilot stream is documented for basketball; whether other sports have one is left open."""
        return self.pick(2, "copilot-sports") == 1

    @property
    def long_copilot_ids(self) -> bool:
        """The parlay doc's 6-part ids (league included), or the stream doc's 5-part ones."""
        return self.pick(2, "copilot-ids") == 1


class CutConnection(Exception):
    """Raised inside a response body to drop the connection mid-event (a fault)."""


def wire_status(status: FixtureStatus) -> str:
    return WIRE_STATUS.get(status, status.value)


def odd_id(fx: SimFixture, book: str, line: SimLine) -> str:
    return f"{fx.game_id}:{snake(book)}:{snake(line.market)}:{snake(line.name)}"


def copilot_id(fx: SimFixture, line: SimLine, long: bool) -> str:
    """`1:-1:FIXTURE:market:selection` (stream doc) or `2:-1:league:FIXTURE:market:selection` (parlay doc)."""
    if long:
        return f"2:-1:{fx.league.lower()}:{fx.fixture_id}:{snake(line.market)}:{snake(line.name)}"
    return f"1:-1:{fx.fixture_id}:{snake(line.market)}:{snake(line.name)}"


def parse_copilot_id(cid: str) -> tuple[str, str, str] | None:
    """(fixture id, market, selection) of a Copilot id of either documented form."""
    parts = cid.split(":")
    if len(parts) not in (5, 6) or not parts[0].isdigit() or not parts[1].lstrip("-").isdigit():
        return None
    return parts[-3], parts[-2], parts[-1]


def format_wire_price(american: int, fmt: OddsFormat) -> float | int:
    decimal = american_to_decimal(american)
    match fmt:
        case OddsFormat.DECIMAL:
            return round(decimal, 4)
        case OddsFormat.PROBABILITY:
            return round(decimal_to_probability(decimal), 6)
        case OddsFormat.HONG_KONG:
            return round(decimal_to_hong_kong(decimal), 4)
        case OddsFormat.MALAY:
            return round(decimal_to_malay(decimal), 4)
        case OddsFormat.INDONESIAN:
            return round(decimal_to_indonesian(decimal), 4)
    return american


def selection_of(line: SimLine) -> str:
    if line.kind == "total":
        return ""
    if line.kind in ("team_total", "prop"):
        return line.player or line.team
    return line.selection


def render_odd(
    fx: SimFixture,
    book: str,
    line: SimLine,
    american: int,
    is_main: bool,
    fmt: OddsFormat,
    ts: float,
    variant: Variant,
    salt: object = 0,
) -> dict:
    """An odd object as the guide's table lists it; optional fields (the ones its example omits, and
    `limits`/`deep_link`) present or absent, `points` null or absent on lines without one, per odd."""
    odd = {
        "id": odd_id(fx, book, line),
        "fixture_id": fx.fixture_id,
        "game_id": fx.game_id,
        "sport": fx.sport,
        "league": fx.league,
        "sportsbook": book,
        "market": line.market,
        "market_id": snake(line.market),
        "name": line.name,
        "selection": selection_of(line),
        "normalized_selection": snake(line.name),
        "selection_line": line.selection_line,
        "is_main": is_main,
        "is_live": fx.is_live,
        "price": format_wire_price(american, fmt),
        "points": line.points,
        "timestamp": ts,
        "player_id": snake(line.player).upper() if line.player else "",
        "team_id": snake(line.team).upper() if line.team else "",
        "grouping_key": line.group,
        "limits": {"max_stake": 250.0 if book != "Pinnacle" else 2000.0},
        "deep_link": {"desktop": f"https://{snake(book)}.example/{fx.fixture_id}"},
        "sportsbook_id": snake(book),
        "league_id": fx.league.lower(),
    }
    choice = variant.pick(16, fx.fixture_id, line.index, book, salt)
    for bit, name in enumerate(("normalized_selection", "limits", "deep_link", "market_id")):
        if choice >> bit & 1:
            del odd[name]
    if odd["points"] is None and choice & 1:
        del odd["points"]
    if book == COPILOT.name:
        cid = copilot_id(fx, line, variant.long_copilot_ids)
        odd["id"] = cid
        odd["odd_id"] = f"{fx.fixture_id}:{snake(line.market)}:{snake(line.name)}"
        odd["version_id"] = -1
        for name in ("sportsbook", "sportsbook_id", "limits", "deep_link"):
            odd.pop(name, None)
    return odd


def fixture_json(fx: SimFixture) -> dict:
    return {
        "id": fx.fixture_id,
        "game_id": fx.game_id,
        "start_date": _iso(fx.start),
        "home_team_display": fx.home,
        "away_team_display": fx.away,
        "status": wire_status(fx.status),
        "is_live": fx.is_live,
        "sport": {"id": fx.sport, "name": fx.sport.title()},
        "league": {"id": fx.league.lower(), "name": fx.league},
    }


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat()


@dataclass(slots=True)
class StreamFilter:
    kind: str
    """'odds', 'results' or 'copilot'."""
    sport: str
    books: frozenset[str]
    leagues: frozenset[str]
    fixture_ids: frozenset[str]
    markets: frozenset[str]
    is_main: bool | None
    is_live: bool | None
    fmt: OddsFormat
    fixture_updates: bool

    def wants_fixture(self, fx: SimFixture) -> bool:
        if fx.sport != self.sport:
            return False
        if self.leagues and fx.league.lower() not in self.leagues:
            return False
        return not self.fixture_ids or fx.fixture_id in self.fixture_ids

    def wants_line(self, fx: SimFixture, line: SimLine, is_main: bool) -> bool:
        if self.markets and line.market.lower() not in self.markets:
            return False
        if self.is_main is not None and is_main != self.is_main:
            return False
        return self.is_live is None or fx.is_live == self.is_live


def _bool_param(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    return value.lower() == "true"


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status, headers=headers)


class OpticOddsSim:
    """The OpticOdds side of the simulator, mounted under /opticodds/api/v3."""

    def __init__(self, hub: Hub, ping_interval: float = 5.0, retry_ms: int = RETRY_MS) -> None:
        self.hub = hub
        self.variant = Variant(hub.market.seed)
        self.connections = 0
        self.retry_ms = retry_ms
        self.ping_interval = ping_interval
        self.stream_limit = SlidingWindow(250, 15.0)
        self.bursts = BurstPlan(hub.faults.burst_429, hub.faults.burst_429_every)

    @property
    def market(self) -> Market:
        return self.hub.market

    def routes(self) -> list[Route]:
        return [
            Route("/stream/odds/{sport}", self.stream_odds),
            Route("/stream/results/{sport}", self.stream_results),
            Route("/stream/copilot/{sport}/odds", self.stream_copilot),
            Route("/fixtures/odds", self.fixtures_odds),
            Route("/copilot/fixtures/odds", self.copilot_fixtures_odds),
            Route("/fixtures", self.fixtures),
            Route("/leagues", self.leagues),
            Route("/copilot/parlay/odds", self.parlay, methods=["GET", "POST"]),
        ]

    # --- auth and limits ------------------------------------------------------

    @staticmethod
    def _key(request: Request) -> str | None:
        return request.headers.get("x-api-key") or request.query_params.get("key")

    def _check_stream(self, request: Request) -> Response | None:
        key = self._key(request)
        if not key_is_valid(key):
            return _error(401, "Invalid or missing API key")
        allowed, _, wait = self.stream_limit.hit(key or "")
        if not allowed or self.bursts.refuse():
            return _error(
                429,
                "Too many requests: streaming limit is 250 per 15 seconds",
                {"Retry-After": str(max(1, math.ceil(wait))) if not allowed else "1"},
            )
        return None

    def _filter(self, request: Request, kind: str) -> StreamFilter | Response:
        params = request.query_params
        books = [b for b in params.getlist("sportsbook") if b]
        if kind == "odds":
            if not books:
                return _error(400, "sportsbook is required (1 to 5 values)")
            if len(books) > MAX_BOOKS:
                return _error(400, f"at most {MAX_BOOKS} sportsbooks per request, got {len(books)}")
            unknown = [b for b in books if b not in BOOKS_BY_NAME or b == COPILOT.name]
            if unknown:
                return _error(400, f"unknown sportsbook: {', '.join(unknown)}")
        try:
            fmt = OddsFormat.parse(params.get("odds_format", "AMERICAN"))
        except ValueError as exc:
            return _error(400, str(exc))
        if fmt is OddsFormat.FRACTIONAL:
            return _error(400, "odds_format FRACTIONAL is not supported")
        return StreamFilter(
            kind,
            request.path_params["sport"],
            frozenset(books) if kind == "odds" else frozenset({COPILOT.name}),
            frozenset(x.lower() for x in params.getlist("league")),
            frozenset(params.getlist("fixture_id")),
            frozenset(x.lower() for x in params.getlist("market")),
            _bool_param(params.get("is_main")),
            _bool_param(params.get("is_live")),
            fmt,
            params.get("include_fixture_updates", "false").lower() == "true",
        )

    # --- streams --------------------------------------------------------------

    async def stream_odds(self, request: Request) -> Response:
        return await self._stream(request, "odds")

    async def stream_results(self, request: Request) -> Response:
        return await self._stream(request, "results")

    async def stream_copilot(self, request: Request) -> Response:
        if request.path_params["sport"] != "basketball" and not self.variant.copilot_for_every_sport:
            return _error(404, "Not Found")
        return await self._stream(request, "copilot")

    async def _stream(self, request: Request, kind: str) -> Response:
        refused = self._check_stream(request)
        if refused is not None:
            return refused
        flt = self._filter(request, kind)
        if isinstance(flt, Response):
            return flt
        self.connections += 1
        last = request.query_params.get("last_entry_id")
        start = self.hub.head
        if last:
            seq = self.hub.seq_of(last)
            if seq is None:
                return _error(400, "last_entry_id is not a valid entry id")
            start = min(seq, self.hub.head)
        return StreamingResponse(
            self._events(flt, start, salt=self.connections),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def _events(self, flt: StreamFilter, cursor: int, salt: int) -> AsyncIterator[bytes]:
        hub, faults = self.hub, self.hub.faults
        restart = hub.restart_signal()
        sent = 0
        try:
            yield f"event: connected\nretry: {self.retry_ms}\ndata: ok go\n\n".encode()
            if self.variant.doc_examples and self.variant.pick(2, "doc-examples", salt):
                yield DOC_PING + (DOC_FIXTURE_STATUS if flt.fixture_updates else b"")
            last_sent = time.monotonic()
            while True:
                if restart.is_set():
                    raise CutConnection
                # Pings keep time even when the market is busy but nothing passes this stream's filters.
                if not await hub.wait(cursor, self.ping_interval) or time.monotonic() - last_sent >= self.ping_interval:
                    yield f"event: ping\nretry: {self.retry_ms}\ndata: {_iso(self.market.now)[:19]}Z\n\n".encode()
                    last_sent = time.monotonic()
                    continue
                chunk: list[bytes] = []
                for entry in hub.after(cursor):
                    cursor = entry.seq
                    frame = self._render(flt, entry)
                    if frame is None:
                        continue
                    sent += 1
                    if faults.cut_every and sent % faults.cut_every == 0:
                        yield b"".join(chunk) + frame[: len(frame) // 2]
                        raise CutConnection
                    chunk.append(frame)
                    if faults.malformed_every and sent % faults.malformed_every == 0:
                        chunk.append(_malformed(sent // faults.malformed_every, self.retry_ms))
                    if faults.stall_every and sent % faults.stall_every == 0:
                        yield b"".join(chunk)
                        chunk = []
                        await asyncio.sleep(faults.stall_seconds)
                if chunk:
                    yield b"".join(chunk)
                    last_sent = time.monotonic()
        finally:
            hub.forget(restart)

    def _render(self, flt: StreamFilter, entry: Entry) -> bytes | None:
        event = entry.event
        name: str
        if isinstance(event, PriceBatch):
            if flt.kind == "results" or event.book.name not in flt.books or not flt.wants_fixture(event.fixture):
                return None
            fx = event.fixture
            ts = entry.ms / 1000
            data = [
                render_odd(
                    fx, event.book.name, line, price.american, price.is_main, flt.fmt, ts, self.variant, entry.seq
                )
                for line, price in event.items
                if flt.wants_line(fx, line, price.is_main)
            ]
            if not data:
                return None
            name = "locked-odds" if event.locked else "odds"
            if flt.kind == "copilot":
                name = "copilot-" + name
            payload = {"data": data, "entry_id": entry.entry_id, "type": name}
        elif isinstance(event, StatusChange):
            if not flt.wants_fixture(event.fixture):
                return None
            if flt.kind == "results":
                name, payload = "fixture-results", self._results(event.fixture, entry, self.variant)
            elif flt.fixture_updates:
                name, payload = "fixture-status", self._status(event, entry)
            else:
                return None
        elif isinstance(event, ScoreChange):
            if flt.kind != "results" or not flt.wants_fixture(event.fixture):
                return None
            name, payload = "fixture-results", self._results(event.fixture, entry, self.variant)
        elif isinstance(event, SettledBatch):
            if flt.kind != "copilot" or not flt.wants_fixture(event.fixture):
                return None
            name = "copilot-settled-odds"
            payload = {
                "data": [
                    self._settled(event.fixture, line, result, entry, self.variant) for line, result in event.items
                ],
                "entry_id": entry.entry_id,
                "type": name,
            }
        else:
            return None
        return (
            f"event: {name}\nid: {entry.entry_id}\nretry: {self.retry_ms}\ndata: ".encode()
            + msgspec.json.encode(payload)
            + b"\n\n"
        )

    @staticmethod
    def _status(event: StatusChange, entry: Entry) -> dict:
        fx = event.fixture
        return {
            "data": {
                "fixture_id": fx.fixture_id,
                "game_id": fx.game_id,
                "sport": fx.sport,
                "league": fx.league,
                "old_status": wire_status(event.old_status) if event.old_status else None,
                "new_status": wire_status(event.new_status) if event.new_status else None,
                "old_start_date": _iso(event.old_start) if event.old_start is not None else None,
                "new_start_date": _iso(event.new_start) if event.new_start is not None else None,
                "fixture": {
                    "id": fx.fixture_id,
                    "game_id": fx.game_id,
                    "home_team_display": fx.home,
                    "away_team_display": fx.away,
                    "start_date": _iso(fx.start),
                },
                "timestamp": entry.ms / 1000,
            },
            "entry_id": entry.entry_id,
        }

    @staticmethod
    def _results(fx: SimFixture, entry: Entry, variant: Variant) -> dict:
        """The guide: "The score format matches the /fixtures/results endpoint" (totals under
        `scores.home.total`, period under `in_play.period`); the flat shape some of the time."""
        return {
            "data": {
                "fixture_id": fx.fixture_id,
                "sport": fx.sport,
                "league": fx.league,
                "is_live": fx.is_live,
                "status": wire_status(fx.status),
                "score": score_json(fx, variant.pick(2, "score", entry.seq) == 1),
                "player_results": [],
            },
            "entry_id": entry.entry_id,
        }

    @staticmethod
    def _settled(fx: SimFixture, line: SimLine, result: Settlement, entry: Entry, variant: Variant) -> dict:
        """The Copilot doc: "Won", "Lost", "Push", etc.; a push is sometimes sent as "Void"."""
        cid = copilot_id(fx, line, variant.long_copilot_ids)
        word = result.value.title()
        if result is Settlement.PUSH and variant.pick(2, "void", cid):
            word = "Void"
        return {
            "fixture_id": fx.fixture_id,
            "game_id": fx.game_id,
            "id": cid,
            "odd_id": f"{fx.fixture_id}:{snake(line.market)}:{snake(line.name)}",
            "league": fx.league,
            "market": line.market,
            "name": line.name,
            "sport": fx.sport,
            "settlement": word,
            "settled_at": _iso(entry.ms / 1000),
            "timestamp": entry.ms / 1000,
            "player_id": "",
            "team_id": "",
            "version_id": -1,
        }

    # --- REST -----------------------------------------------------------------

    def _rest_auth(self, request: Request) -> Response | None:
        if not key_is_valid(self._key(request)):
            return _error(401, "Invalid or missing API key")
        return None

    async def fixtures_odds(self, request: Request) -> Response:
        return self._snapshot(request, copilot=False)

    async def copilot_fixtures_odds(self, request: Request) -> Response:
        return self._snapshot(request, copilot=True)

    def _snapshot(self, request: Request, copilot: bool) -> Response:
        """A fixture snapshot with odds. Whether sport/league filters are taken or only `fixture_id`
        (up to 5, as the public OpenAPI lists) is the seed's choice; odds lack `fixture_id` now and then."""
        refused = self._rest_auth(request)
        if refused is not None:
            return refused
        params = request.query_params
        books = [COPILOT.name] if copilot else params.getlist("sportsbook")
        if not copilot and not 1 <= len(books) <= MAX_BOOKS:
            return _error(400, "sportsbook is required (1 to 5 values)")
        ids = params.getlist("fixture_id")
        if len(ids) > MAX_SNAPSHOT_FIXTURES:
            return _error(400, f"at most {MAX_SNAPSHOT_FIXTURES} fixture_id values")
        strict = self.variant.snapshot_by_fixture
        if strict and not ids:
            return _error(strict, "fixture_id is required")
        try:
            fmt = OddsFormat.parse(params.get("odds_format", "AMERICAN"))
        except ValueError as exc:
            return _error(400, str(exc))
        if fmt is OddsFormat.FRACTIONAL:
            return _error(400, "odds_format FRACTIONAL is not supported")
        flt = StreamFilter(
            "odds",
            params.get("sport", ""),
            frozenset(books),
            frozenset(x.lower() for x in params.getlist("league")),
            frozenset(ids),
            frozenset(x.lower() for x in params.getlist("market")),
            _bool_param(params.get("is_main")),
            _bool_param(params.get("is_live")),
            fmt,
            False,
        )
        data = []
        ts = self.hub.entries[-1].ms / 1000 if self.hub.entries else self.market.now
        for fx in self._fixtures(flt):
            odds = []
            for book in books:
                for line, price in self.market.current(fx, BOOKS_BY_NAME[book]):
                    if not price.locked and price.settlement is None and flt.wants_line(fx, line, price.is_main):
                        odd = render_odd(fx, book, line, price.american, price.is_main, fmt, ts, self.variant, "snap")
                        if self.variant.pick(3, "snapshot-fixture-id", odd["id"]) == 0:
                            del odd["fixture_id"]
                        odds.append(odd)
            data.append(self.fixture_json(fx) | {"odds": odds})
        return Response(msgspec.json.encode({"data": data}), media_type="application/json")

    def _fixtures(self, flt: StreamFilter) -> list[SimFixture]:
        return [
            fx
            for fx in self.market.fixtures.values()
            if (not flt.sport or fx.sport == flt.sport)
            and (not flt.leagues or fx.league.lower() in flt.leagues)
            and (not flt.fixture_ids or fx.fixture_id in flt.fixture_ids)
            and (flt.fixture_ids or not fx.status.is_terminal)
        ]

    def fixture_json(self, fx: SimFixture) -> dict:
        """A `/fixtures` item; its `result` in the results schema, nested or flat by the seed."""
        return fixture_json(fx) | {"result": score_json(fx, self.variant.pick(2, "fixture-result", fx.fixture_id) == 1)}

    async def fixtures(self, request: Request) -> Response:
        refused = self._rest_auth(request)
        if refused is not None:
            return refused
        params = request.query_params
        ids = frozenset(params.getlist("id") + params.getlist("fixture_id"))
        flt = StreamFilter(
            "odds",
            params.get("sport", ""),
            frozenset(),
            frozenset(x.lower() for x in params.getlist("league")),
            ids,
            frozenset(),
            None,
            None,
            OddsFormat.AMERICAN,
            False,
        )
        return Response(
            msgspec.json.encode({"data": [self.fixture_json(fx) for fx in self._fixtures(flt)]}),
            media_type="application/json",
        )

    async def leagues(self, request: Request) -> Response:
        """`/leagues?sport=`: the league list a client plans its connections from (10 leagues each)."""
        refused = self._rest_auth(request)
        if refused is not None:
            return refused
        sport = request.query_params.get("sport", "")
        data = [
            {"id": spec.league.lower(), "name": spec.league, "sport": {"id": spec.sport, "name": spec.sport.title()}}
            for spec in LEAGUES
            if not sport or spec.sport == sport
        ]
        return JSONResponse({"data": data})

    async def parlay(self, request: Request) -> Response:
        refused = self._rest_auth(request)
        if refused is not None:
            return refused
        if request.method == "POST":
            try:
                body = msgspec.json.decode(await request.body())
                ids = [str(entry["id"]) for entry in body["entries"]]
            except (msgspec.DecodeError, KeyError, TypeError):
                return _error(400, 'body must be {"entries": [{"id": ...}, ...]}')
        else:
            ids = request.query_params.getlist("id")
        if not ids:
            return _error(400, "at least one id is required")
        return JSONResponse({"data": price_parlay(self.market, ids, self.variant)})


def score_json(fx: SimFixture, flat: bool) -> dict:
    """A score as `/fixtures/results` gives it (`scores.home.total`, `in_play.period`), or flat."""
    home, away = {"total": fx.home_score}, {"total": fx.away_score}
    if flat:
        return {"home": home, "away": away, "period": fx.live_tick}
    return {"scores": {"home": home, "away": away}, "in_play": {"period": str(fx.live_tick)}}


def _malformed(n: int, retry_ms: int) -> bytes:
    """A frame a client must skip: bad JSON, or an event name it does not know."""
    if n % 2:
        return f'event: odds\nretry: {retry_ms}\ndata: {{"data": [{{"id": "broken\n\n'.encode()
    return f'event: odds-v9\nretry: {retry_ms}\ndata: {{"data": []}}\n\n'.encode()


# --- parlay pricing ----------------------------------------------------------------


def _correlation(fx: SimFixture, a: SimLine, b: SimLine) -> float:
    """How two legs of one game move together: same side of ML and spread strongly, and so on."""
    kinds = {a.kind, b.kind}
    same_team = a.team and a.team == b.team
    if kinds == {"ml", "spread"}:
        return 0.75 if a.side == b.side else -0.75
    if kinds == {"ml"} or kinds == {"spread"}:
        return -0.9 if a.side != b.side else 0.9
    if kinds == {"total", "team_total"}:
        return 0.55 if a.side == b.side else -0.55
    if kinds <= {"ml", "spread", "team_total", "prop"} and same_team:
        over = a if a.kind in ("team_total", "prop") else b
        return 0.3 if over.side > 0 else -0.3
    if "total" in kinds and "prop" in kinds:
        return 0.2 if a.side == b.side else -0.2
    return 0.0


def _fair(market: Market, fx: SimFixture, line: SimLine) -> float:
    return market.fair_probability(fx, line, fx.margin, fx.total)


def price_parlay(market: Market, ids: list[str], variant: Variant) -> dict:
    """Price legs by Copilot id. Legs of different games multiply (the doc's "standard parlay
    calculations"); legs of one game are correlated, so their price is not the plain product."""
    legs, missing, found = [], [], []
    for cid in ids:
        parts = parse_copilot_id(cid)
        if parts is None:
            return {"error": f"invalid copilot odd id: {cid!r}", "missing_entries": None, "legs": [], "price": None}
        hit = market.find_line(*parts)
        price = market.prices.get((parts[0], COPILOT.name, hit[1].index)) if hit else None
        if hit is None or price is None or price.locked or price.settlement is not None:
            missing.append(cid if variant.pick(2, "missing-shape") else {"id": cid})
            continue
        legs.append({"id": cid, "price": float(price.american)})
        found.append((hit, price.decimal))
    if missing:
        return {"error": None, "missing_entries": missing, "legs": legs, "price": None}
    decimal = 1.0
    for _, leg_decimal in found:
        decimal *= leg_decimal
    for i, ((fx_a, a), _) in enumerate(found):
        for (fx_b, b), _ in found[i + 1 :]:
            if fx_a is fx_b:
                pa, pb = _fair(market, fx_a, a), _fair(market, fx_b, b)
                rho = _correlation(fx_a, a, b)
                decimal /= max(0.05, 1 + rho * math.sqrt((1 - pa) * (1 - pb) / (pa * pb)))
    decimal = max(1.01, decimal)
    american = round((decimal - 1) * 100) if decimal >= 2 else round(-100 / (decimal - 1))
    return {"error": None, "missing_entries": None, "legs": legs, "price": float(american)}
