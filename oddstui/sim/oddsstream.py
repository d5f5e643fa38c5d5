"""OddsStream on loopback: REST with plan rate limits, stream tokens and the WebSocket stream.

Plans are chosen by key, `os_live_` + 32 hex digits: a first hex digit 0-3 is Free
(200 requests a day, 30 WebSocket connections a day, one bookmaker: Pinnacle),
4-7 Pro (5,500 an hour, no WebSocket), 8-b Pro+ RT (WebSocket), c-f Pro+ Live (live odds too).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from oddstui.sim.hub import Hub
from oddstui.sim.limits import FixedWindow
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
    """A row of the doc's plan table: requests per window, WebSocket connections per window (None: unlimited)."""

    name: str
    limit: int
    window: float
    websocket: int | None
    live: bool


FREE = Plan("free", 200, 86_400.0, 30, False)
PRO = Plan("pro", 5_500, 3_600.0, 0, False)
PRO_RT = Plan("pro+ rt", 5_500, 3_600.0, None, False)
PRO_LIVE = Plan("pro+ live", 5_500, 3_600.0, None, True)
TIERS = (FREE, PRO, PRO_RT, PRO_LIVE)


def tier_of(key: str | None) -> int | None:
    """The plan tier (0 free .. 3 Pro+ Live) a simulated key stands for, None for an invalid key."""
    if not key or not KEY_PATTERN.fullmatch(key):
        return None
    return int(key[8], 16) // 4


def plan_for(key: str | None) -> Plan | None:
    tier = tier_of(key)
    return None if tier is None else TIERS[tier]


def event_slug(fx: SimFixture) -> str:
    return re.sub(r"[^a-z0-9]+", "-", f"{fx.home} vs {fx.away} {fx.fixture_id}".lower()).strip("-")


class OddsStreamSim:
    """The OddsStream side of the simulator, mounted under /oddsstream.

    Where the docs are silent it varies its choice, deterministically by the market's seed: a stream
    message is a bare `/api/odds` row, a `{"type": "odds", "data": row}` wrapper or an array of rows;
    a token reply is bare or enveloped; `match_date` is null for some events; `match_name` is
    `Home vs Away` or `Home - Away`; `url`, `scraped_at` and
    `liquidity` are present or absent; a suspended selection is null or left out of a polled row.
    """

    def __init__(self, hub: Hub, clock: Callable[[], float] = time.time) -> None:
        self.hub = hub
        self.clock = clock
        self.plans = list(TIERS)
        """The plan table by tier; a test may shrink a plan (and its window) to run a compressed day."""
        self._requests: dict[int, FixedWindow] = {}
        self._connections: dict[int, FixedWindow] = {}
        self.tokens: dict[str, tuple[str, float]] = {}
        self.rng = random.Random(hub.market.seed * 7919 + 3)
        self.connections_opened = 0
        self.counts: Counter[str] = Counter()
        """Requests by endpoint, and the ones refused with 429 (tests prove a budget lasts with these)."""

    @property
    def market(self) -> Market:
        return self.hub.market

    def set_plan(self, tier: int, plan: Plan) -> None:
        """Replace one plan of the table (tests: 200 requests a 'day' of a few seconds)."""
        self.plans[tier] = plan
        self._requests.pop(tier, None)
        self._connections.pop(tier, None)

    def routes(self) -> list[Route | WebSocketRoute]:
        return [
            Route("/api/odds", self.odds),
            Route("/api/sports", self.sports),
            Route("/api/events/{slug}", self.event),
            Route("/api/stream/token", self.token, methods=["POST"]),
            WebSocketRoute("/api/stream", self.stream),
        ]

    # --- auth, plans and limits --------------------------------------------------

    def _quota(self, table: dict[int, FixedWindow], tier: int, limit: int) -> FixedWindow:
        if tier not in table:
            table[tier] = FixedWindow(limit, self.plans[tier].window, self.clock)
        return table[tier]

    def _guard(self, request: Request) -> tuple[Response | None, Plan | None, dict[str, str]]:
        key = request.headers.get("x-api-key")
        tier = tier_of(key)
        if tier is None or key is None:
            return _error(401, "unauthorized", "Missing or invalid X-Api-Key"), None, {}
        plan = self.plans[tier]
        endpoint = request.url.path.rpartition("/api/")[2].split("/")[0]
        self.counts["token" if endpoint == "stream" else endpoint] += 1
        allowed, remaining, reset = self._quota(self._requests, tier, plan.limit).hit(key)
        headers = {"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": str(int(reset))}
        if not allowed:
            self.counts["429"] += 1
            return _error(429, "rate_limit_exceeded", "Too many requests", headers), plan, headers
        return None, plan, headers

    def _is_free(self, plan: Plan) -> bool:
        return plan is self.plans[0]

    def _rows(self, plan: Plan, request: Request) -> list[dict] | Response:
        params = request.query_params
        book = params.get("bookmaker")
        if self._is_free(plan) and book and book != FREE_BOOK:
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
        books = [b for b in BOOKS if (not book or b.name == book) and (not self._is_free(plan) or b.name == FREE_BOOK)]
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
        """One row per main-line market; a suspended selection is null or left out (the docs are silent)."""
        grouped: dict[tuple[str, str], dict] = {}
        for line, price in self.market.current(fx, next(b for b in BOOKS if b.name == book)):
            if not price.is_main or line.retired or price.settlement is not None:
                continue
            row = grouped.setdefault((line.market, line.group), self._row(fx, book, line))
            if not price.locked:
                row["odds"][line.name] = price.decimal
            elif self.rng.random() < 0.5:
                row["odds"][line.name] = None
        return list(grouped.values())

    def undated(self, fx: SimFixture) -> bool:
        """Events whose match_date is null (the public reference: "ISO-8601 string | null"), fixed per seed."""
        return random.Random(f"{self.market.seed}:{fx.fixture_id}").random() < 0.3

    def match_name(self, fx: SimFixture) -> str:
        """`Home vs Away` or `Home - Away`, fixed per event and seed: no doc shows a match_name."""
        dash = random.Random(f"{self.market.seed}:{fx.fixture_id}:name").random() < 0.3
        return f"{fx.home}{' - ' if dash else ' vs '}{fx.away}"

    def _row(self, fx: SimFixture, book: str, line: SimLine) -> dict:
        """An `/api/odds` row with the documented fields; the optional ones come and go."""
        row: dict = {
            "bookmaker": book,
            "match_name": self.match_name(fx),
            "competition": fx.league,
            "sport": SPORTS[fx.sport],
            "market_type": MARKET_TYPES[line.kind],
            "period": 0,
            "is_live": fx.is_live,
            "odds": {},
            "match_date": None if self.undated(fx) else dt.datetime.fromtimestamp(fx.start, dt.UTC).isoformat(),
        }
        rng = self.rng
        if rng.random() < 0.7:
            row["scraped_at"] = dt.datetime.fromtimestamp(time.time(), dt.UTC).isoformat()
        if rng.random() < 0.7:
            row["url"] = f"https://{book.lower()}.example/event/{event_slug(fx)}"
        if book == "Pinnacle" and rng.random() < 0.7:
            row["liquidity"] = 5000.0
        elif rng.random() < 0.3:
            row["liquidity"] = None
        return row

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
        books = [b for b in BOOKS if not self._is_free(plan) or b.name == FREE_BOOK]
        rows = [r for b in books for r in self._fixture_rows(fx, b.name)]
        body = {
            "event_id": slug,
            "match_name": self.match_name(fx),
            "competition": fx.league,
            "sport": SPORTS[fx.sport],
            "is_live": fx.is_live,
            "odds": rows,
        }
        return _json(
            {"data": body, "meta": {"count": 1, "rate_limit_remaining": int(headers["X-RateLimit-Remaining"])}}, headers
        )

    async def token(self, request: Request) -> Response:
        """A stream token, `{token, expires_in: 300}` bare or in the `{data, meta}` envelope (the docs differ)."""
        refused, plan, headers = self._guard(request)
        if refused or plan is None:
            return refused or _error(401, "unauthorized", "Missing or invalid X-Api-Key")
        if plan.websocket == 0:
            return _error(403, "websocket_not_on_plan", "WebSocket streaming is not on your plan.", headers)
        key = request.headers["x-api-key"]
        tier = self.plans.index(plan)
        if plan.websocket is not None and self._quota(self._connections, tier, plan.websocket).used(key) >= (
            plan.websocket
        ):
            message = f"{plan.websocket} WebSocket connections a day on this plan"
            return _error(429, "rate_limit_exceeded", message, headers)
        token = secrets.token_urlsafe(24)
        self.tokens[token] = (key, time.time() + 300)
        reply = {"token": token, "expires_in": 300}
        if self.rng.random() < 0.5:
            meta = {"rate_limit_remaining": int(headers["X-RateLimit-Remaining"])}
            return _json({"data": reply, "meta": meta}, headers)
        return _json(reply, headers)

    # --- WebSocket ------------------------------------------------------------

    def _message(self, rows: list[dict]) -> object:
        """One stream message: a bare row, a wrapped row or an array (the docs say only "one per change")."""
        form = self.rng.randrange(3)
        if form == 0 and len(rows) == 1:
            return rows[0]
        if form == 1 and len(rows) == 1:
            return {"type": "odds", "data": rows[0]}
        return rows

    async def stream(self, ws: WebSocket) -> None:
        token = ws.query_params.get("token", "")
        key, expires = self.tokens.pop(token, ("", 0.0))
        await ws.accept()
        tier = tier_of(key)
        if tier is None or expires < time.time():
            await ws.close(code=4001, reason="invalid or expired token")
            return
        plan = self.plans[tier]
        if plan.websocket is not None:
            self._quota(self._connections, tier, plan.websocket).hit(key)
        self.connections_opened += 1
        params = ws.query_params
        hub, faults = self.hub, self.hub.faults
        if faults.accept_close_every and self.connections_opened % faults.accept_close_every == 0:
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
                        or (params.get("sport") and SPORTS[fx.sport].lower() != params["sport"].lower())
                        or (self._is_free(plan) and event.book.name != FREE_BOOK)
                        or (fx.is_live and not plan.live)
                    ):
                        continue
                    rows = []
                    for line, price in event.items:
                        if not price.is_main or line.retired:
                            continue
                        row = self._row(fx, event.book.name, line)
                        row["odds"] = {line.name: None if event.locked or price.locked else price.decimal}
                        rows.append(row)
                    for chunk in [rows] if self.rng.random() < 0.5 else [[r] for r in rows]:
                        if not chunk:
                            continue
                        await ws.send_text(msgspec.json.encode(self._message(chunk)).decode())
                        sent += 1
                        if faults.malformed_every and sent % faults.malformed_every == 0:
                            await ws.send_text('{"type": "odds", "data": ')
                        if faults.cut_every and sent % faults.cut_every == 0:
                            await ws.close(code=1011)
                            return
                await asyncio.sleep(0)
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            return


def _json(body: object, headers: dict[str, str]) -> Response:
    return Response(msgspec.json.encode(body), media_type="application/json", headers=headers)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    body: dict = {"error": {"code": code, "message": message}}
    if status == 403 and code.endswith("_on_plan"):
        body["error"]["upgrade_url"] = "https://oddsstream.io/pricing"
    return Response(msgspec.json.encode(body), status, headers=headers, media_type="application/json")
