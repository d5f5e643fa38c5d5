"""OddsPapi on loopback, written from the docs: the WebSocket gateway (login, four fixture channels,
JSON or binary, resume and replay, `snapshot_required`) and REST under `/{lang}/...`.

Where the docs leave a choice open, it varies per connection or per entry, seeded: whether binary
mode sends non-odds data as MessagePack (the doc) or as JSON bytes (the public overview), whether a
control frame is text or JSON bytes, whether the access notice rides in `login_ok` or comes alone,
which channels `replayChannels` lists (never `odds`, as in the doc's example), and, on some fresh
connections, the doc's own example frames, verbatim.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import msgpack
import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from oddstui.model import entry_order
from oddstui.odds import decimal_to_american
from oddstui.sim.hub import Hub
from oddstui.sim.limits import SlidingWindow, key_is_valid
from oddstui.sim.market import Market, SimFixture, SimLine
from oddstui.sim.names import BOOKS, LEAGUES
from oddstui.sim.oddspapi_examples import EXAMPLE_FRAMES
from oddstui.sim.oddspapi_render import (
    SPORT_NAMES,
    STATUS_NAMES,
    BookStates,
    MarketIds,
    fixture_payload,
    pick,
    render,
)

__all__ = ["STATUS_NAMES", "OddsPapiSim"]

CHANNELS = ("fixtures", "scores", "odds", "bookmakers")
MAX_CONNECTIONS = 5
LOGIN_TIMEOUT = 10.0
ODDS_ENDPOINTS = ("/fixtures/odds",)
FRAME_MODES = ("doc", "overview", "mixed")
"""Binary mode: "doc" sends all data as MessagePack and control as text JSON (Encoding section);
"overview" sends only odds as MessagePack and other data as JSON bytes (the public overview);
"mixed" sends other data as text JSON and control frames as JSON bytes."""
EXAMPLES = {name: msgspec.json.decode(text) for name, text in EXAMPLE_FRAMES.items()}


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
    mode: str = "doc"

    def wants_id(self, fixture_id: str) -> bool:
        """Filters by the sport and tournament a fixture id embeds (Core Concepts: fixtureId structure)."""
        sport, tournament = int(fixture_id[2:4]), int(fixture_id[4:10])
        if self.sport_ids and sport not in self.sport_ids:
            return False
        if self.tournament_ids and tournament not in self.tournament_ids:
            return False
        return not self.fixture_ids or fixture_id in self.fixture_ids

    def gate(self, channel: str, payload: dict) -> dict | None:
        """The payload as this login receives it (filters, bookmaker gating), or None."""
        if channel not in self.channels or not self.wants_id(payload["fixtureId"]):
            return None
        if self.bookmakers and channel in ("odds", "bookmakers"):
            books = {k: v for k, v in payload[channel].items() if k in self.bookmakers}
            if channel == "odds" and not books:
                return None  # "no matching bookmaker keys: filtered out"
            payload = payload | {channel: books}
        return payload


class OddsPapiSim:
    """The OddsPapi side of the simulator, mounted under /oddspapi."""

    def __init__(self, hub: Hub, resume_window_ms: int = 5000, max_lag: int = 20_000) -> None:
        self.hub = hub
        self.ids = MarketIds()
        self.states = BookStates(hub, hub.market.seed)
        self.resume_window_ms = resume_window_ms
        self.max_lag = max_lag
        self.vary_frames = True
        """False: every binary connection uses the doc's reading ("doc" mode) and no example frames."""
        self.connections: dict[str, int] = defaultdict(int)
        self.accepted = 0
        self.logins: list[dict] = []
        """Every login frame received, for tests (keys included: never printed)."""
        self.examples_sent: set[str] = set()
        self.snapshots_required = 0
        self.odds_limit = SlidingWindow(10, 1.0)
        self.other_limit = SlidingWindow(100, 60.0)

    @property
    def market(self) -> Market:
        return self.hub.market

    @property
    def seed(self) -> int:
        return self.market.seed

    def epoch(self) -> str:
        return UUID(int=(self.seed << 32) + self.hub.epoch).hex

    def replay_channels(self) -> list[str]:
        """`fixtures` and `scores`, as in the doc's example, and sometimes `bookmakers`; never `odds`."""
        extra = ["bookmakers"] if pick(self.seed, self.hub.epoch, "replay") % 2 else []
        return ["fixtures", "scores", *extra]

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

    def odds_id(self, fx: SimFixture, book_slug: str, line: SimLine) -> str:
        sport = fx.spec.papi_sport_id
        return f"{fx.papi_id}:{book_slug}:{self.ids.outcome_id(sport, line)}:{self.ids.player_id(line)}"

    def example_truth(self) -> dict:
        """What the doc's example frames sent so far make true, keyed as `ground_truth` keys the market."""
        quotes, fixtures = {}, {}
        for name in sorted(self.examples_sent):
            payload = EXAMPLES[name]["payload"]
            if name.startswith("channel-odds"):
                for book in payload["odds"].values():
                    for key, outcome in book.items():
                        locked = outcome["active"] is False or outcome["marketActive"] is False
                        quotes[key] = {"price_american": decimal_to_american(outcome["price"]), "locked": locked}
        for name in ("channel-fixtures", "channel-fixtures-scores-result"):
            payload = EXAMPLES[name]["payload"]
            fixtures[payload["fixtureId"]] = payload["status"]["statusName"]
        return {"quotes": quotes, "fixtures": fixtures}

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
            await self._fail(ws, "login_failed", "first message must be login, sent within 10 s", 4000)
            return
        login = self._parse_login(raw)
        if isinstance(login, str):
            # The docs name `login_failed` but give no close code, nor say whether a message comes first.
            variant = pick(self.seed, self.accepted, "login_failed") % 3 if self.vary_frames else 0
            await self._fail(ws, "login_failed", login, (4001, 1008, 1008)[variant], message_first=variant < 2)
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

    async def _fail(self, ws: WebSocket, kind: str, message: str, code: int, message_first: bool = True) -> None:
        with contextlib.suppress(Exception):
            if message_first:
                await ws.send_text(msgspec.json.encode({"type": kind, "message": message}).decode())
            await ws.close(code=code, reason=kind)

    def _parse_login(self, raw: Mapping[str, Any]) -> Login | str:
        text = raw.get("text") or (raw.get("bytes") or b"").decode("utf-8", "replace")
        try:
            msg = msgspec.json.decode(text)
        except msgspec.DecodeError:
            return "first message must be login"
        if not isinstance(msg, dict) or msg.get("type") != "login":
            return "first message must be login"
        self.logins.append(msg)
        key = msg.get("apiKey")
        if not isinstance(key, str) or not key_is_valid(key):
            return "invalid apiKey"
        channels = msg.get("channels") or list(CHANNELS)
        if not isinstance(channels, list) or not set(channels) & set(CHANNELS):
            return "no channels allowed or requested"
        receive = msg.get("receiveType", "json")
        if receive not in ("json", "binary"):
            return 'receiveType must be "json" or "binary"'
        last_seen = msg.get("lastSeenId") or {}
        mode = FRAME_MODES[(self.seed + self.accepted) % 3] if self.vary_frames else "doc"
        return Login(
            key,
            [c for c in channels if c in CHANNELS],
            receive == "binary",
            set(msg.get("sportIds") or ()),
            set(msg.get("tournamentIds") or ()),
            set(msg.get("fixtureIds") or ()),
            set(msg.get("bookmakers") or ()),
            msg.get("serverEpoch"),
            {k: v for k, v in last_seen.items() if isinstance(v, str)} if isinstance(last_seen, dict) else {},
            mode,
        )

    async def _send(self, ws: WebSocket, login: Login, message: dict, control: bool = False) -> None:
        """One frame, encoded as this connection's mode has it."""
        text = msgspec.json.encode(message)
        if not login.binary:
            await ws.send_text(text.decode())
        elif control:
            await (ws.send_bytes(text) if login.mode == "mixed" else ws.send_text(text.decode()))
        elif login.mode == "doc" or message.get("channel") == "odds":
            await ws.send_bytes(msgpack.packb(message))
        elif login.mode == "overview":
            await ws.send_bytes(text)
        else:
            await ws.send_text(text.decode())

    async def _serve(self, ws: WebSocket, login: Login, restart: asyncio.Event) -> None:
        hub = self.hub
        head = hub.head
        newest = hub.entries[-1].entry_id if hub.entries else "0-0"
        replay = self.replay_channels()
        access = {"live": True, "pregame": True}
        access_alone = self.vary_frames and pick(self.seed, self.accepted, "access") % 2 == 1
        login_ok = {
            "type": "login_ok",
            **({} if access_alone else {"access": access}),
            "channels": login.channels,
            "resume": {
                "serverEpoch": self.epoch(),
                "resumeWindowMs": self.resume_window_ms,
                "replayChannels": replay,
                "serverEntryIds": {ch: newest for ch in login.channels},
            },
        }
        await self._send(ws, login, login_ok, control=True)
        if access_alone:  # the doc shows the access notice as a bare object, not where it travels
            await self._send(ws, login, {"access": access}, control=True)
        cursors: dict[str, int] = {}
        if login.epoch is not None:
            cursors = await self._resume(ws, login, replay)
        elif self.vary_frames and pick(self.seed, self.accepted, "examples") % 2 == 0:
            await self._send_examples(ws, login)
        sender = asyncio.create_task(self._send_loop(ws, login, head, cursors, restart))
        receiver = asyncio.create_task(self._drain_client(ws))
        done, pending = await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            exc = task.exception()
            if isinstance(exc, _Close):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ws.close(code=exc.code, reason=exc.reason), 2)

    async def _send_examples(self, ws: WebSocket, login: Login) -> None:
        """The doc's example frames, verbatim, in entry order per channel, as this login's filters pass them."""
        ordered = sorted(EXAMPLES.items(), key=lambda kv: (kv[1]["channel"], entry_order(kv[1]["entryId"])))
        for name, frame in ordered:
            if login.gate(frame["channel"], frame["payload"]) != frame["payload"]:
                continue
            self.examples_sent.add(name)
            if login.binary and (login.mode == "doc" or frame["channel"] == "odds"):
                await ws.send_bytes(msgpack.packb(frame))
            elif login.binary and login.mode == "overview":
                await ws.send_bytes(EXAMPLE_FRAMES[name].encode())
            else:
                await ws.send_text(EXAMPLE_FRAMES[name])

    async def _resume(self, ws: WebSocket, login: Login, replay: list[str]) -> dict[str, int]:
        """Replay cursors (channel -> seq) for the replayable channels whose cursor is fresh enough.

        A cursor for a channel not in `replayChannels` is ignored; an old one, or any after a
        restart, gets `snapshot_required` for its channels.
        """
        hub = self.hub
        if login.epoch != self.epoch():
            await self._snapshot_required(ws, login, "server_restarted", login.channels)
            return {}
        now_ms = int(time.time() * 1000)
        too_old, cursors = [], {}
        for channel, cursor in login.last_seen.items():
            if channel not in replay or channel not in login.channels:
                continue
            seq = hub.seq_of(cursor)
            entry = hub.entry_at(seq) if seq is not None else None
            if entry is None or now_ms - entry.ms > self.resume_window_ms:
                too_old.append(channel)
            else:
                cursors[channel] = entry.seq
        if too_old:
            await self._snapshot_required(ws, login, "resume_window_exceeded", too_old)
        return cursors

    async def _snapshot_required(self, ws: WebSocket, login: Login, reason: str, channels: list[str]) -> None:
        self.snapshots_required += 1
        newest = self.hub.entries[-1].entry_id if self.hub.entries else "0-0"
        message = {
            "type": "snapshot_required",
            "reason": reason,
            "channels": channels,
            "serverEpoch": self.epoch(),
            "resumeWindowMs": self.resume_window_ms,
            "serverEntryIds": {ch: newest for ch in channels},
        }
        await self._send(ws, login, message, control=True)

    async def _send_loop(
        self, ws: WebSocket, login: Login, head: int, cursors: dict[str, int], restart: asyncio.Event
    ) -> None:
        """Replay what each resumed channel missed (up to the login's head), then stream everything live."""
        hub, faults = self.hub, self.hub.faults
        cursor = min([head, *cursors.values()])
        replaying = cursor < head
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
                for channel, payload in render(self.ids, self.states, entry, self.seed):
                    if entry.seq <= head and entry.seq <= cursors.get(channel, head):
                        continue  # before the login: only resumed channels replay, from their cursor
                    gated = login.gate(channel, payload)
                    if gated is None:
                        continue
                    message = {"channel": channel, "type": "UPDATE", "payload": gated}
                    await self._send(ws, login, message | {"ts": entry.ms, "entryId": entry.entry_id})
                    sent += 1
                    if faults.malformed_every and sent % faults.malformed_every == 0:
                        await self._send_malformed(ws, login, sent // faults.malformed_every)
                    if faults.cut_every and sent % faults.cut_every == 0:
                        raise _Close(1011, "cut")
                    if faults.stall_every and sent % faults.stall_every == 0:
                        await asyncio.sleep(faults.stall_seconds)
            if replaying and cursor >= head:
                replaying = False
                await self._send(ws, login, {"type": "resume_complete", "serverEpoch": self.epoch()}, control=True)

    @staticmethod
    async def _send_malformed(ws: WebSocket, login: Login, n: int) -> None:
        if login.binary and n % 2:
            await ws.send_bytes(msgpack.packb({"channel": "odds", "payload": {"x": 1}})[:-3])
        elif n % 3 == 0:
            await ws.send_text('{"channel": "odds", "payload": ')
        elif n % 4 == 0:
            await ws.send_text(msgspec.json.encode({"channel": "odds", "type": "DELETE", "payload": {}}).decode())
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
                "endpoint": request.url.path.partition(f"/{request.path_params['lang']}")[2],
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
        sport = request.query_params.get("sportId") or "11"  # "if neither is provided, the API uses sportId=11"
        rows = [
            {
                "tournamentId": s.papi_tournament_id,
                "tournamentName": s.league,
                "sportId": s.papi_sport_id,
                "categoryName": "International" if s.league in ("EPL", "ATP") else "USA",
            }
            for s in LEAGUES
            if str(s.papi_sport_id) == sport
        ]
        return refused or self._json(rows, headers)

    async def bookmakers(self, request: Request) -> Response:
        refused, headers = self._guard(request)
        return refused or self._json([{"slug": b.slug, "bookmakerName": b.name} for b in BOOKS], headers)

    async def markets(self, request: Request) -> Response:
        """Lookup mode: `marketIds` OR `sportId` OR `outcomeIds`; none of them is a validation error."""
        refused, headers = self._guard(request)
        if refused:
            return refused
        params = request.query_params
        if not any(params.get(name) for name in ("marketIds", "sportId", "outcomeIds")):
            return _validation_error("sportId", headers)
        sport = params.get("sportId")
        rows = [m for m in self.ids.names.values() if not sport or str(m["sportId"]) == sport]
        return self._json(rows, headers)

    async def fixtures(self, request: Request) -> Response:
        """Lookup mode: `fixtureIds` OR filters; with neither, the doc's 400 `invalid_filters`."""
        refused, headers = self._guard(request)
        if refused:
            return refused
        params = request.query_params
        ids = set(",".join(params.getlist("fixtureIds")).split(",")) - {""}
        if not ids and not any(params.get(name) for name in ("sportId", "tournamentId", "statusId")):
            return _papi_error(400, "Invalid filters.", "invalid_filters", headers)
        now_ms = int(time.time() * 1000)
        rows = [
            fixture_payload(fx, now_ms, self.seed, "rest")
            for fx in self.market.fixtures.values()
            if (not ids or fx.papi_id in ids)
            and (not params.get("sportId") or str(fx.spec.papi_sport_id) == params["sportId"])
            and (not params.get("tournamentId") or str(fx.spec.papi_tournament_id) == params["tournamentId"])
            and (ids or not fx.status.is_terminal)
        ]
        for name in ("channel-fixtures", "channel-fixtures-scores-result"):
            payload = EXAMPLES[name]["payload"]
            if (ids and payload["fixtureId"] in ids) or (
                not ids and str(payload["sport"]["sportId"]) == params.get("sportId")
            ):
                rows.append(payload)
        return self._json(rows, headers)

    async def fixture_odds(self, request: Request) -> Response:
        refused, headers = self._guard(request)
        if refused:
            return refused
        fixture_id = request.query_params.get("fixtureId")
        if not fixture_id:
            return _validation_error("fixtureId", headers)
        wanted = set(",".join(request.query_params.getlist("bookmakers")).split(",")) - {""}
        fx = next((f for f in self.market.fixtures.values() if f.papi_id == fixture_id), None)
        if fx is None:
            return self._example_odds(fixture_id, wanted, headers)
        book_odds = {}
        now_ms = int(time.time() * 1000)
        for book in BOOKS:
            if wanted and book.slug not in wanted:
                continue
            markets: dict[str, dict] = {}
            for line, price in self.market.current(fx, book):
                sport = fx.spec.papi_sport_id
                market = markets.setdefault(str(self.ids.market_id(sport, line)), {"outcomes": {}})
                outcome = market["outcomes"].setdefault(str(self.ids.outcome_id(sport, line)), {"players": {}})
                active = not price.locked and price.settlement is None
                entry: dict = {"price": price.decimal, "active": active, "changedAt": now_ms}
                choice = pick(self.seed, fixture_id, book.slug, line.index, "rest")
                if choice % 2:
                    entry["limit"] = 2000.0 if book.slug == "pinnacle" else 250.0
                if choice % 3 == 0:
                    entry |= {"marketActive": None if active else False, "mainLine": price.is_main}
                outcome["players"][str(self.ids.player_id(line))] = entry
            suspended = fx.status.is_terminal or self.states.is_suspended(fixture_id, book.slug)
            book_odds[book.slug] = {"suspended": suspended, "markets": markets}
        return self._json({"fixtureId": fixture_id, "bookmakerOdds": book_odds}, headers)

    def _example_odds(self, fixture_id: str, wanted: set[str], headers: dict[str, str]) -> Response:
        """The fixtures of the doc's odds examples hold the example's prices; any other id is unknown."""
        book_odds: dict = {}
        for name in ("channel-odds-traditional", "channel-odds-prediction-market"):
            payload = EXAMPLES[name]["payload"]
            if payload["fixtureId"] != fixture_id:
                continue
            for slug, outcomes in payload["odds"].items():
                if wanted and slug not in wanted:
                    continue
                markets = book_odds.setdefault(slug, {"suspended": False, "markets": {}})["markets"]
                for outcome in outcomes.values():
                    players = markets.setdefault("111", {"outcomes": {}})["outcomes"].setdefault(
                        str(outcome["outcomeId"]), {"players": {}}
                    )["players"]
                    players[str(outcome["playerId"])] = {
                        k: outcome[k] for k in ("price", "active", "changedAt", "limit") if k in outcome
                    }
        if not book_odds:
            return _papi_error(404, "fixture not found", "not_found", headers)
        return self._json({"fixtureId": fixture_id, "bookmakerOdds": book_odds}, headers)


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


def _validation_error(field_name: str, headers: dict[str, str]) -> Response:
    """The doc's 422 shape (FastAPI validation)."""
    body = {
        "error": 422,
        "message": "Validation error",
        "code": "validation_error",
        "details": [{"loc": ["query", field_name], "msg": "Field required", "type": "missing"}],
    }
    return Response(msgspec.json.encode(body), 422, headers=headers, media_type="application/json")
