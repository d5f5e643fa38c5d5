"""OddsStream on loopback: REST with plan rate limits, stream tokens and the WebSocket stream.

Plans are chosen by key, `os_live_` + 32 hex digits: a first hex digit 0-3 is Free
(200 requests a day, 30 WebSocket connections a day, one bookmaker: Pinnacle),
4-7 Pro (5,500 an hour, no WebSocket), 8-b Pro+ RT (WebSocket), c-f Pro+ Live (live odds too).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from oddstui.sim.hub import Hub
from oddstui.sim.market import Market, PriceBatch, SimFixture, SimLine
from oddstui.sim.names import BOOKS

KEY_PATTERN = re.compile(r"os_live_[0-9a-f]{32}")
SPORTS = {
    "basketball": "Basketball",
    "football": "AmericanFootball",
    "hockey": "Hockey",
    "baseball": "Baseball",
    "soccer": "Football",
    "tennis": "Tennis",
}
MARKET_TYPES = {
    "ml": "moneyline",
    "spread": "spread",
    "total": "total",
    "team_total": "team_total",
    "prop": "player_prop",
}
FREE_BOOK = "Pinnacle"


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    limit: int
    window: float
    websocket: bool
    live: bool


FREE = Plan("free", 200, 86_400.0, True, False)
PRO = Plan("pro", 5_500, 3_600.0, False, False)
PRO_RT = Plan("pro+ rt", 5_500, 3_600.0, True, False)
PRO_LIVE = Plan("pro+ live", 5_500, 3_600.0, True, True)


def plan_for(key: str | None) -> Plan | None:
    if not key or not KEY_PATTERN.fullmatch(key):
        return None
    return (
        FREE,
        FREE,
        FREE,
        FREE,
        PRO,
        PRO,
        PRO,
        PRO,
        PRO_RT,
        PRO_RT,
        PRO_RT,
        PRO_RT,
        PRO_LIVE,
        PRO_LIVE,
        PRO_LIVE,
        PRO_LIVE,
    )[int(key[8], 16)]


def event_slug(fx: SimFixture) -> str:
    return re.sub(r"[^a-z0-9]+", "-", f"{fx.home} vs {fx.away} {fx.fixture_id}".lower()).strip("-")


class OddsStreamSim:
    """The OddsStream side of the simulator, mounted under /oddsstream."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.used: dict[str, int] = defaultdict(int)
        self.window_start: dict[str, float] = {}
        self.ws_used: dict[str, int] = defaultdict(int)
        self.tokens: dict[str, tuple[str, float]] = {}

    @property
    def market(self) -> Market:
        return self.hub.market

    def routes(self) -> list[Route | WebSocketRoute]:
        return [
            Route("/api/odds", self.odds),
            Route("/api/sports", self.sports),
            Route("/api/events/{slug}", self.event),
            Route("/api/stream/token", self.token, methods=["POST"]),
            WebSocketRoute("/api/stream", self.stream),
        ]

    # --- auth, plans and limits --------------------------------------------------

    def _guard(self, request: Request) -> tuple[Response | None, Plan | None, dict[str, str]]:
        key = request.headers.get("x-api-key")
        plan = plan_for(key)
        if plan is None or key is None:
            return _error(401, "unauthorized", "Missing or invalid X-Api-Key"), None, {}
        now = time.time()
        start = self.window_start.get(key)
        if start is None or now - start >= plan.window:
            start = self.window_start[key] = now if plan.window < 86_400 else _midnight_before(now)
            self.used[key] = 0
        reset = int(start + plan.window)
        if self.used[key] >= plan.limit:
            headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
            return _error(429, "rate_limit_exceeded", "Too many requests", headers), plan, headers
        self.used[key] += 1
        headers = {"X-RateLimit-Remaining": str(plan.limit - self.used[key]), "X-RateLimit-Reset": str(reset)}
        return None, plan, headers

    def _rows(self, plan: Plan, request: Request) -> list[dict] | Response:
        params = request.query_params
        book = params.get("bookmaker")
        if plan is FREE and book and book != FREE_BOOK:
            return _error(403, "bookmaker_forbidden", f"Free plan: your dashboard bookmaker is {FREE_BOOK}")
        live = params.get("is_live")
        if live == "true" and not plan.live:
            return _error(403, "live_not_on_plan", "Live odds require the Pro Live plan.")
        try:
            limit = int(params.get("limit", "100"))
        except ValueError:
            return _error(400, "bad_request", "limit must be a whole number")
        if not 1 <= limit <= 500:
            return _error(400, "bad_request", "limit must be between 1 and 500")
        sport = (params.get("sport") or "").lower()
        competition = params.get("competition")
        books = [b for b in BOOKS if (not book or b.name == book) and (plan is not FREE or b.name == FREE_BOOK)]
        rows = []
        for fx in self.market.fixtures.values():
            if (
                fx.status.is_terminal
                or (sport and SPORTS[fx.sport].lower() != sport)
                or (competition and fx.league != competition)
                or (live is not None and fx.is_live != (live == "true"))
                or (fx.is_live and not plan.live)
            ):
                continue
            for b in books:
                rows.extend(self._fixture_rows(fx, b.name))
        return rows[:limit]

    def _fixture_rows(self, fx: SimFixture, book: str) -> list[dict]:
        """One row per main-line market: suspended selections are left out of `odds`."""
        grouped: dict[tuple[str, str], dict] = {}
        for line, price in self.market.current(fx, next(b for b in BOOKS if b.name == book)):
            if not price.is_main or line.retired or price.settlement is not None:
                continue
            row = grouped.setdefault((line.market, line.group), self._row(fx, book, line))
            if not price.locked:
                row["odds"][line.name] = price.decimal
        return list(grouped.values())

    def _row(self, fx: SimFixture, book: str, line: SimLine) -> dict:
        return {
            "bookmaker": book,
            "match_name": f"{fx.home} vs {fx.away}",
            "event_id": event_slug(fx),
            "competition": fx.league,
            "sport": SPORTS[fx.sport],
            "market_type": MARKET_TYPES[line.kind],
            "market": line.market,
            "period": 0,
            "is_live": fx.is_live,
            "odds": {},
            "match_date": dt.datetime.fromtimestamp(fx.start, dt.UTC).isoformat(),
            "scraped_at": dt.datetime.fromtimestamp(time.time(), dt.UTC).isoformat(),
            "url": f"https://{book.lower()}.example/event/{event_slug(fx)}",
            "liquidity": 5000.0 if book == "Pinnacle" else None,
        }

    # --- REST -----------------------------------------------------------------

    async def odds(self, request: Request) -> Response:
        refused, plan, headers = self._guard(request)
        if refused or plan is None:
            return refused or _error(401, "unauthorized", "Missing or invalid X-Api-Key")
        rows = self._rows(plan, request)
        if isinstance(rows, Response):
            rows.headers.update(headers)
            return rows
        meta = {"count": len(rows), "rate_limit_remaining": int(headers["X-RateLimit-Remaining"])}
        return _json({"data": rows, "meta": meta}, headers)

    async def sports(self, request: Request) -> Response:
        refused, _, headers = self._guard(request)
        if refused:
            return refused
        rows = [{"sport": SPORTS[fx.sport], "competition": fx.league} for fx in self.market.fixtures.values()]
        unique = [dict(t) for t in dict.fromkeys(tuple(r.items()) for r in rows)]
        return _json(
            {
                "data": unique,
                "meta": {"count": len(unique), "rate_limit_remaining": int(headers["X-RateLimit-Remaining"])},
            },
            headers,
        )

    async def event(self, request: Request) -> Response:
        refused, plan, headers = self._guard(request)
        if refused or plan is None:
            return refused or _error(401, "unauthorized", "Missing or invalid X-Api-Key")
        slug = request.path_params["slug"]
        fx = next(
            (f for f in self.market.fixtures.values() if event_slug(f) == slug and not f.status.is_terminal), None
        )
        if fx is None:
            return _error(404, "not_found", "Event slug not found in active data", headers)
        rows = [r for b in BOOKS if plan is not FREE or b.name == FREE_BOOK for r in self._fixture_rows(fx, b.name)]
        body = {
            "event_id": slug,
            "match_name": f"{fx.home} vs {fx.away}",
            "competition": fx.league,
            "sport": SPORTS[fx.sport],
            "is_live": fx.is_live,
            "odds": rows,
        }
        return _json(
            {"data": body, "meta": {"count": 1, "rate_limit_remaining": int(headers["X-RateLimit-Remaining"])}}, headers
        )

    async def token(self, request: Request) -> Response:
        refused, plan, headers = self._guard(request)
        if refused or plan is None:
            return refused or _error(401, "unauthorized", "Missing or invalid X-Api-Key")
        if not plan.websocket:
            return _error(403, "websocket_not_on_plan", "WebSocket streaming is not on your plan.", headers)
        key = request.headers["x-api-key"]
        if plan is FREE and self.ws_used[key] >= 30:
            return _error(429, "rate_limit_exceeded", "Free plan: 30 WebSocket connections a day", headers)
        token = secrets.token_urlsafe(24)
        self.tokens[token] = (key, time.time() + 300)
        return _json({"token": token, "expires_in": 300}, headers)

    # --- WebSocket ------------------------------------------------------------

    async def stream(self, ws: WebSocket) -> None:
        token = ws.query_params.get("token", "")
        key, expires = self.tokens.pop(token, ("", 0.0))
        await ws.accept()
        if not key or expires < time.time():
            await ws.close(code=4001, reason="invalid or expired token")
            return
        self.ws_used[key] += 1
        plan = plan_for(key)
        params = ws.query_params
        hub, faults = self.hub, self.hub.faults
        if faults.accept_close_every and self.ws_used[key] % faults.accept_close_every == 0:
            await ws.close(code=1011)
            return
        cursor, sent = hub.head, 0
        try:
            while True:
                if not await hub.wait(cursor, 5.0):
                    continue
                for entry in hub.after(cursor):
                    cursor = entry.seq
                    event = entry.event
                    if not isinstance(event, PriceBatch) or event.book not in BOOKS:
                        continue
                    fx = event.fixture
                    if (
                        (params.get("bookmaker") and event.book.name != params["bookmaker"])
                        or (params.get("competition") and fx.league != params["competition"])
                        or (plan is FREE and event.book.name != FREE_BOOK)
                        or (fx.is_live and plan is not PRO_LIVE)
                    ):
                        continue
                    for line, price in event.items:
                        if not price.is_main or line.retired:
                            continue
                        message = self._row(fx, event.book.name, line) | {
                            "type": "odds",
                            "selection": line.name,
                            "odds": None if event.locked else price.decimal,
                        }
                        await ws.send_text(msgspec.json.encode(message).decode())
                        sent += 1
                        if faults.malformed_every and sent % faults.malformed_every == 0:
                            await ws.send_text('{"type": "odds", "odds": ')
                        if faults.cut_every and sent % faults.cut_every == 0:
                            await ws.close(code=1011)
                            return
                await asyncio.sleep(0)
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            return


def _midnight_before(now: float) -> float:
    day = dt.datetime.fromtimestamp(now, dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day.timestamp()


def _json(body: object, headers: dict[str, str]) -> Response:
    return Response(msgspec.json.encode(body), media_type="application/json", headers=headers)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    body: dict = {"error": {"code": code, "message": message}}
    if status == 403 and code.endswith("_on_plan"):
        body["error"]["upgrade_url"] = "https://oddsstream.io/pricing"
    return Response(msgspec.json.encode(body), status, headers=headers, media_type="application/json")
