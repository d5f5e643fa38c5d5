"""OddsPapi on loopback: the WebSocket gateway (JSON or MessagePack, resume and replay) and REST."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from uuid import UUID

import msgpack
import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from oddstui.model import FixtureStatus
from oddstui.sim.hub import Entry, Hub
from oddstui.sim.limits import SlidingWindow, key_is_valid
from oddstui.sim.market import Market, PriceBatch, ScoreChange, SimFixture, SimLine, StatusChange
from oddstui.sim.names import BOOKS, LEAGUES

CHANNELS = ("fixtures", "scores", "odds", "bookmakers")
REPLAY_CHANNELS = list(CHANNELS)
MAX_CONNECTIONS = 5
LOGIN_TIMEOUT = 10.0
STATUS_NAMES = {
    FixtureStatus.UNPLAYED: (0, "Pre-Game"),
    FixtureStatus.LIVE: (1, "Live"),
    FixtureStatus.HALF: (1, "Live"),
    FixtureStatus.COMPLETED: (2, "Finished"),
    FixtureStatus.CANCELLED: (3, "Cancelled"),
    FixtureStatus.POSTPONED: (4, "Postponed"),
}
SPORT_NAMES = {10: "Soccer", 11: "Basketball", 12: "Tennis", 13: "Baseball", 14: "American Football", 15: "Ice Hockey"}
ODDS_ENDPOINTS = ("/fixtures/odds",)


class MarketIds:
    """marketId and outcomeId as OddsPapi builds them: sportId digits + an incrementing number.

    Each line value is its own market; the first outcome's id equals the market id.
    """

    def __init__(self) -> None:
        self._next: dict[int, int] = defaultdict(lambda: 1)
        self.markets: dict[tuple[int, str, float | None], int] = {}
        self.names: dict[int, dict] = {}
        self.players: dict[str, int] = {}

    def market_id(self, sport_id: int, line: SimLine) -> int:
        points = line.points
        if line.kind == "spread" and points is not None and line.side < 0:
            points = -points  # a spread market is named by the home side's line: home -3.5 pairs with away +3.5
        key = (sport_id, line.market, points)
        market_id = self.markets.get(key)
        if market_id is None:
            number = self._next[sport_id]
            self._next[sport_id] += 10
            market_id = self.markets[key] = int(f"{sport_id}{number:04d}")
            self.names[market_id] = {
                "marketId": market_id,
                "marketName": line.market,
                "sportId": sport_id,
                "handicap": points,
                "playerProp": line.kind == "prop",
                "outcomes": [],
            }
        return market_id

    def outcome_id(self, sport_id: int, fx: SimFixture, line: SimLine) -> int:
        market_id = self.market_id(sport_id, line)
        offset = {1: 0, -1: 1, 0: 2}[line.side]
        outcome = market_id + offset
        entry = self.names[market_id]
        if not any(o["outcomeId"] == outcome for o in entry["outcomes"]):
            generic = {"ml": {1: "1", -1: "2", 0: "X"}, "spread": {1: "1", -1: "2"}}.get(
                line.kind, {1: "Over", -1: "Under"}
            )
            entry["outcomes"].append({"outcomeId": outcome, "outcomeName": generic[line.side]})
            entry["outcomes"].sort(key=lambda o: o["outcomeId"])
        return outcome

    def player_id(self, line: SimLine) -> int:
        if not line.player:
            return 0
        return self.players.setdefault(line.player, 1000 + len(self.players))


def fixture_payload(fx: SimFixture) -> dict:
    status_id, status_name = STATUS_NAMES.get(fx.status, (5, fx.status.value.title()))
    spec = fx.spec
    return {
        "fixtureId": fx.papi_id,
        "status": {"live": fx.is_live, "statusId": status_id, "statusName": status_name},
        "sport": {"sportId": spec.papi_sport_id, "sportName": SPORT_NAMES[spec.papi_sport_id]},
        "tournament": {"tournamentId": spec.papi_tournament_id, "tournamentName": spec.league, "categoryName": "USA"},
        "season": {"seasonId": None, "seasonName": None},
        "startTime": int(fx.start),
        "trueStartTime": None,
        "trueEndTime": None,
        "participants": {
            "participant1Id": 10_000 + spec.teams.index(fx.home),
            "participant1Name": fx.home,
            "participant1Abbr": None,
            "participant1RotNr": None,
            "participant2Id": 10_000 + spec.teams.index(fx.away),
            "participant2Name": fx.away,
            "participant2Abbr": None,
            "participant2RotNr": None,
        },
        "scores": score_payload(fx) if fx.is_live or fx.status is FixtureStatus.COMPLETED else {},
        "expectedPeriods": None,
        "periodLength": None,
        "externalProviders": {"opticoddsId": fx.opticodds_id, "betradarId": None, "pinnacleId": None},
    }


def score_payload(fx: SimFixture) -> dict:
    return {
        "result": {
            "period": "result",
            "participant1Score": fx.home_score,
            "participant2Score": fx.away_score,
            "updatedAt": None,
        }
    }


@dataclass(slots=True)
class Login:
    key: str
    channels: list[str]
    binary: bool
    sport_ids: set[int]
    tournament_ids: set[int]
    fixture_ids: set[str]
    bookmakers: set[str]
    epoch: str | None
    last_seen: dict[str, str] = field(default_factory=dict)

    def wants(self, fx: SimFixture) -> bool:
        if self.sport_ids and fx.spec.papi_sport_id not in self.sport_ids:
            return False
        if self.tournament_ids and fx.spec.papi_tournament_id not in self.tournament_ids:
            return False
        return not self.fixture_ids or fx.papi_id in self.fixture_ids


class OddsPapiSim:
    """The OddsPapi side of the simulator, mounted under /oddspapi."""

    def __init__(self, hub: Hub, resume_window_ms: int = 5000, max_lag: int = 20_000) -> None:
        self.hub = hub
        self.ids = MarketIds()
        self.resume_window_ms = resume_window_ms
        self.max_lag = max_lag
        self.connections: dict[str, int] = defaultdict(int)
        self.accepted = 0
        self.odds_limit = SlidingWindow(10, 1.0)
        self.other_limit = SlidingWindow(100, 60.0)

    @property
    def market(self) -> Market:
        return self.hub.market

    def epoch(self) -> str:
        return UUID(int=(self.market.seed << 32) + self.hub.epoch).hex

    def routes(self) -> list[Route | WebSocketRoute]:
        return [
            WebSocketRoute("/ws", self.gateway),
            Route("/{lang}/sports", self.sports),
            Route("/{lang}/tournaments", self.tournaments),
            Route("/{lang}/bookmakers", self.bookmakers),
            Route("/{lang}/markets", self.markets),
            Route("/{lang}/fixtures", self.fixtures),
            Route("/{lang}/fixtures/odds", self.fixture_odds),
        ]

    # --- rendering --------------------------------------------------------------

    def odds_id(self, fx: SimFixture, book_slug: str, line: SimLine) -> str:
        sport = fx.spec.papi_sport_id
        return f"{fx.papi_id}:{book_slug}:{self.ids.outcome_id(sport, fx, line)}:{self.ids.player_id(line)}"

    def outcome(
        self, fx: SimFixture, book_slug: str, line: SimLine, decimal: float, active: bool, main: bool, changed_at: int
    ) -> dict:
        sport = fx.spec.papi_sport_id
        return {
            "bookmaker": book_slug,
            "outcomeId": self.ids.outcome_id(sport, fx, line),
            "playerId": self.ids.player_id(line),
            "marketId": self.ids.market_id(sport, line),
            "active": active,
            "price": decimal,
            "marketActive": active,
            "mainLine": main,
            "limit": 2000.0 if book_slug == "pinnacle" else 250.0,
            "changedAt": changed_at,
        }

    def data_messages(self, login: Login, entry: Entry) -> list[dict]:
        """The gateway's messages for one market event, as this login filters them."""
        event = entry.event
        messages = []
        if isinstance(event, PriceBatch):
            fx = event.fixture
            slug = event.book.slug
            if event.book not in BOOKS or not login.wants(fx):
                return []
            if login.bookmakers and slug not in login.bookmakers:
                return []
            if "odds" in login.channels:
                odds = {
                    self.odds_id(fx, slug, line): self.outcome(
                        fx, slug, line, price.decimal, not event.locked, price.is_main, entry.ms
                    )
                    for line, price in event.items
                }
                messages.append(self._envelope("odds", {"fixtureId": fx.papi_id, "odds": {slug: odds}}, entry))
        elif isinstance(event, StatusChange):
            if "fixtures" in login.channels and login.wants(event.fixture):
                messages.append(self._envelope("fixtures", fixture_payload(event.fixture), entry))
            if "bookmakers" in login.channels and login.wants(event.fixture) and event.fixture.status.is_terminal:
                messages.append(self._envelope("bookmakers", self._bookmakers(event.fixture, login), entry))
        elif isinstance(event, ScoreChange) and "scores" in login.channels and login.wants(event.fixture):
            payload = {"fixtureId": event.fixture.papi_id, "scores": score_payload(event.fixture)}
            messages.append(self._envelope("scores", payload, entry))
        return messages

    def _bookmakers(self, fx: SimFixture, login: Login) -> dict:
        books = {
            b.slug: {
                "bookmaker": b.slug,
                "bookmakerFixtureId": None,
                "fixturePath": None,
                "hasOdds": False,
                "staleOdds": False,
                "suspended": True,
                "participantsRotated": False,
                "meta": None,
                "updatedAt": None,
            }
            for b in BOOKS
            if not login.bookmakers or b.slug in login.bookmakers
        }
        return {"fixtureId": fx.papi_id, "bookmakers": books}

    @staticmethod
    def _envelope(channel: str, payload: dict, entry: Entry) -> dict:
        return {"channel": channel, "type": "UPDATE", "payload": payload, "ts": entry.ms, "entryId": entry.entry_id}

    # --- the gateway ------------------------------------------------------------

    async def gateway(self, ws: WebSocket) -> None:
        await ws.accept()
        self.accepted += 1
        faults = self.hub.faults
        if faults.accept_close_every and self.accepted % faults.accept_close_every == 0:
            await ws.close(code=1011)
            return
        try:
            raw = await asyncio.wait_for(ws.receive(), LOGIN_TIMEOUT)
        except TimeoutError:
            await self._fail(ws, "login_timeout", "first message must be login, sent within 10 s", 4000)
            return
        login = self._parse_login(raw)
        if isinstance(login, str):
            await self._fail(ws, "login_failed", login, 4001)
            return
        if self.connections[login.key] >= MAX_CONNECTIONS:
            await self._fail(ws, "too_many_connections", "max 5 connections per apiKey group", 4003)
            return
        self.connections[login.key] += 1
        restart = self.hub.restart_signal()
        try:
            await self._serve(ws, login, restart)
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            pass
        finally:
            self.connections[login.key] -= 1
            self.hub.forget(restart)

    async def _fail(self, ws: WebSocket, kind: str, message: str, code: int) -> None:
        with contextlib.suppress(Exception):
            await ws.send_text(msgspec.json.encode({"type": kind, "message": message}).decode())
            await ws.close(code=code, reason=kind)

    def _parse_login(self, raw: dict) -> Login | str:
        text = raw.get("text") or (raw.get("bytes") or b"").decode("utf-8", "replace")
        try:
            msg = msgspec.json.decode(text)
        except msgspec.DecodeError:
            return "first message must be login"
        if not isinstance(msg, dict) or msg.get("type") != "login":
            return "first message must be login"
        key = msg.get("apiKey")
        if not isinstance(key, str) or not key_is_valid(key):
            return "invalid apiKey"
        channels = msg.get("channels") or list(CHANNELS)
        if not isinstance(channels, list) or not set(channels) <= set(CHANNELS):
            return f"unknown channel; available: {', '.join(CHANNELS)}"
        receive = msg.get("receiveType", "json")
        if receive not in ("json", "binary"):
            return 'receiveType must be "json" or "binary"'
        last_seen = msg.get("lastSeenId") or {}
        return Login(
            key,
            channels,
            receive == "binary",
            set(msg.get("sportIds") or ()),
            set(msg.get("tournamentIds") or ()),
            set(msg.get("fixtureIds") or ()),
            set(msg.get("bookmakers") or ()),
            msg.get("serverEpoch"),
            {k: v for k, v in last_seen.items() if isinstance(v, str)},
        )

    async def _serve(self, ws: WebSocket, login: Login, restart: asyncio.Event) -> None:
        hub = self.hub
        head = hub.head
        server_ids = {ch: hub.entries[-1].entry_id if hub.entries else "0-0" for ch in login.channels}
        await ws.send_text(
            msgspec.json.encode(
                {
                    "type": "login_ok",
                    "access": {"live": True, "pregame": True},
                    "channels": login.channels,
                    "resume": {
                        "serverEpoch": self.epoch(),
                        "resumeWindowMs": self.resume_window_ms,
                        "replayChannels": REPLAY_CHANNELS,
                        "serverEntryIds": server_ids,
                    },
                }
            ).decode()
        )
        cursor = head
        if login.epoch is not None:
            cursor = await self._resume(ws, login, head)
        sender = asyncio.create_task(self._send_loop(ws, login, cursor, restart))
        receiver = asyncio.create_task(self._drain_client(ws))
        done, pending = await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        for task in done:
            exc = task.exception()
            if isinstance(exc, _Close):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ws.close(code=exc.code, reason=exc.reason), 2)

    async def _resume(self, ws: WebSocket, login: Login, head: int) -> int:
        """Replay from the client's cursors, or ask for a snapshot when that is not possible."""
        hub = self.hub
        if login.epoch != self.epoch():
            await self._snapshot_required(ws, "server_restarted", login.channels)
            return head
        now_ms = int(time.time() * 1000)
        too_old, seqs = [], []
        for channel in login.channels:
            cursor = login.last_seen.get(channel)
            if cursor is None:
                continue  # no cursor: this channel just streams live
            seq = hub.seq_of(cursor)
            entry = hub.entry_at(seq) if seq is not None else None
            if entry is None or now_ms - entry.ms > self.resume_window_ms:
                too_old.append(channel)
            else:
                seqs.append(seq)
        if too_old:
            await self._snapshot_required(ws, "resume_window_exceeded", too_old)
        return min(seqs) if seqs else head

    async def _snapshot_required(self, ws: WebSocket, reason: str, channels: list[str]) -> None:
        hub = self.hub
        await ws.send_text(
            msgspec.json.encode(
                {
                    "type": "snapshot_required",
                    "reason": reason,
                    "channels": channels,
                    "serverEpoch": self.epoch(),
                    "resumeWindowMs": self.resume_window_ms,
                    "serverEntryIds": {ch: hub.entries[-1].entry_id if hub.entries else "0-0" for ch in channels},
                }
            ).decode()
        )

    async def _send_loop(self, ws: WebSocket, login: Login, cursor: int, restart: asyncio.Event) -> None:
        hub, faults = self.hub, self.hub.faults
        replaying = cursor < hub.head and login.epoch == self.epoch()
        seen = {ch: hub.seq_of(eid) or 0 for ch, eid in login.last_seen.items()} if replaying else {}
        sent = 0
        while True:
            if restart.is_set():
                raise _Close(1012, "service restart")
            if hub.head - cursor > self.max_lag:
                raise _Close(4002, "client_backpressure")
            if not replaying and not await hub.wait(cursor, 5.0):
                continue
            entries = hub.after(cursor)
            for entry in entries:
                cursor = entry.seq
                for message in self.data_messages(login, entry):
                    if entry.seq <= seen.get(message["channel"], 0):
                        continue
                    sent += 1
                    if login.binary:
                        await ws.send_bytes(msgpack.packb(message))
                    else:
                        await ws.send_text(msgspec.json.encode(message).decode())
                    if faults.malformed_every and sent % faults.malformed_every == 0:
                        await self._send_malformed(ws, login, sent // faults.malformed_every)
                    if faults.cut_every and sent % faults.cut_every == 0:
                        raise _Close(1011, "cut")
                    if faults.stall_every and sent % faults.stall_every == 0:
                        await asyncio.sleep(faults.stall_seconds)
            if replaying and len(entries) == 0:
                replaying = False
                done = {"type": "resume_complete", "serverEpoch": self.epoch()}
                await ws.send_text(msgspec.json.encode(done).decode())

    @staticmethod
    async def _send_malformed(ws: WebSocket, login: Login, n: int) -> None:
        if login.binary and n % 2:
            await ws.send_bytes(msgpack.packb({"channel": "odds", "payload": {"x": 1}})[:-3])
        elif n % 3 == 0:
            await ws.send_text('{"channel": "odds", "payload": ')
        else:
            await ws.send_text(msgspec.json.encode({"channel": "oddsV9", "type": "UPDATE", "payload": {}}).decode())

    @staticmethod
    async def _drain_client(ws: WebSocket) -> None:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return

    # --- REST -------------------------------------------------------------------

    def _guard(self, request: Request) -> tuple[Response | None, dict[str, str]]:
        key = request.query_params.get("apiKey")
        if not key:
            return _papi_error(401, "missing apiKey", "missing_api_key"), {}
        if not key_is_valid(key):
            return _papi_error(401, "invalid apiKey", "invalid_api_key"), {}
        odds = request.url.path.endswith(ODDS_ENDPOINTS)
        window = self.odds_limit if odds else self.other_limit
        allowed, remaining, wait = window.hit(key)
        headers = {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(int(time.time() + wait)),
        }
        if not allowed:
            retry = max(1, math.ceil(wait))
            body = {
                "error": 429,
                "message": "rate limit exceeded",
                "code": "rate_limited",
                "limit": window.limit,
                "windowSec": int(window.window),
                "retryAfterSec": retry,
                "method": "GET",
            }
            return Response(
                msgspec.json.encode(body), 429, headers | {"Retry-After": str(retry)}, media_type="application/json"
            ), headers
        return None, headers

    def _json(self, body: object, headers: dict[str, str]) -> Response:
        return Response(msgspec.json.encode(body), media_type="application/json", headers=headers)

    async def sports(self, request: Request) -> Response:
        refused, headers = self._guard(request)
        return refused or self._json([{"sportId": k, "sportName": v} for k, v in SPORT_NAMES.items()], headers)

    async def tournaments(self, request: Request) -> Response:
        refused, headers = self._guard(request)
        sport = request.query_params.get("sportId")
        rows = [
            {
                "tournamentId": s.papi_tournament_id,
                "tournamentName": s.league,
                "sportId": s.papi_sport_id,
                "categoryName": "International" if s.league in ("EPL", "ATP") else "USA",
            }
            for s in LEAGUES
            if not sport or str(s.papi_sport_id) == sport
        ]
        return refused or self._json(rows, headers)

    async def bookmakers(self, request: Request) -> Response:
        refused, headers = self._guard(request)
        return refused or self._json([{"slug": b.slug, "bookmakerName": b.name} for b in BOOKS], headers)

    async def markets(self, request: Request) -> Response:
        refused, headers = self._guard(request)
        sport = request.query_params.get("sportId")
        rows = [m for m in self.ids.names.values() if not sport or str(m["sportId"]) == sport]
        return refused or self._json(rows, headers)

    async def fixtures(self, request: Request) -> Response:
        refused, headers = self._guard(request)
        if refused:
            return refused
        params = request.query_params
        ids = set(",".join(params.getlist("fixtureIds")).split(",")) - {""}
        rows = [
            fixture_payload(fx)
            for fx in self.market.fixtures.values()
            if (not ids or fx.papi_id in ids)
            and (not params.get("sportId") or str(fx.spec.papi_sport_id) == params["sportId"])
            and (not params.get("tournamentId") or str(fx.spec.papi_tournament_id) == params["tournamentId"])
            and (ids or not fx.status.is_terminal)
        ]
        return self._json(rows, headers)

    async def fixture_odds(self, request: Request) -> Response:
        refused, headers = self._guard(request)
        if refused:
            return refused
        fixture_id = request.query_params.get("fixtureId")
        if not fixture_id:
            return _papi_error(422, "Validation error", "validation_error", headers)
        fx = next((f for f in self.market.fixtures.values() if f.papi_id == fixture_id), None)
        if fx is None:
            return _papi_error(404, "fixture not found", "not_found", headers)
        wanted = set(",".join(request.query_params.getlist("bookmakers")).split(",")) - {""}
        book_odds = {}
        for book in BOOKS:
            if wanted and book.slug not in wanted:
                continue
            markets: dict[str, dict] = {}
            for line, price in self.market.current(fx, book):
                sport = fx.spec.papi_sport_id
                market = markets.setdefault(str(self.ids.market_id(sport, line)), {"outcomes": {}})
                outcome = market["outcomes"].setdefault(str(self.ids.outcome_id(sport, fx, line)), {"players": {}})
                active = not price.locked and price.settlement is None
                outcome["players"][str(self.ids.player_id(line))] = {
                    "price": price.decimal,
                    "active": active,
                    "marketActive": active,
                    "mainLine": price.is_main,
                    "limit": 2000.0 if book.slug == "pinnacle" else 250.0,
                    "changedAt": int(time.time() * 1000),
                }
            book_odds[book.slug] = {"suspended": fx.status.is_terminal, "markets": markets}
        return self._json(fixture_payload(fx) | {"bookmakerOdds": book_odds}, headers)


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _papi_error(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        msgspec.json.encode({"error": status, "message": message, "code": code}),
        status,
        headers=headers,
        media_type="application/json",
    )
