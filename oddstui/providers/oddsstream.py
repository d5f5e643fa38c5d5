"""OddsStream: the WebSocket stream where the plan has it (a new token per connection), else budgeted polling.

Polling spends the plan's budget evenly from X-RateLimit-Remaining and X-RateLimit-Reset, so a free
key (200 a day) never runs dry. A quote absent from a full poll is marked stale, not kept as live.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
import time
from collections.abc import Sequence

import httpx
import msgspec
import websockets

from oddstui.config import ProviderSettings
from oddstui.model import Fixture, FixtureUpserted, Quote, QuotesLocked, QuotesMarkedStale, QuotesPosted, StreamState
from oddstui.odds import OddsError, OddsFormat
from oddstui.providers.backoff import Backoff, parse_reset
from oddstui.providers.errors import AuthFailed, StreamFailed
from oddstui.providers.feed import Feed
from oddstui.providers.health import StreamReporter
from oddstui.providers.http import async_client

PROVIDER = "oddsstream"
STREAM = "oddsstream"
ERRORS = {
    "bad_request": "a query parameter was rejected",
    "unauthorized": "the API key is missing or invalid: set ODDSSTREAM_API_KEY",
    "live_not_on_plan": "live odds need the Pro+ Live plan",
    "websocket_not_on_plan": "the plan has no WebSocket stream: polling instead",
    "bookmaker_not_configured": "free plan: choose a bookmaker in the OddsStream dashboard",
    "bookmaker_forbidden": "free plan: only the bookmaker chosen in the dashboard is allowed",
    "not_found": "event not found",
    "key_limit_reached": "already at the 5-key cap",
    "rate_limit_exceeded": "request budget used up until the reset",
    "internal_error": "OddsStream server error",
    "service_unavailable": "OddsStream is temporarily unavailable",
}
PAGE_LIMIT = 500
MIN_POLL = 5.0
MAX_POLL = 900.0
RECONCILE_EVERY = 120.0
"""In WebSocket mode, a full poll this often confirms the stream's picture (and marks what it missed stale)."""


class PlanError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"OddsStream: {ERRORS.get(code, message)} (HTTP {status} {code})")
        self.status, self.code = status, code


def poll_interval(remaining: int | None, reset_at: float | None, now: float, reserve: int = 2) -> float:
    """Seconds until the next poll, so the remaining budget lasts until the reset."""
    if remaining is None or reset_at is None:
        return MIN_POLL
    left = remaining - reserve
    if left <= 0:
        return min(max(reset_at - now, MIN_POLL), 86_400.0)
    return min(max((reset_at - now) / left, MIN_POLL), MAX_POLL)


def fixture_id_of(row: dict) -> str:
    return str(
        row.get("event_id")
        or re.sub(r"[^a-z0-9]+", "-", f"{row['match_name']} {row['match_date'][:10]}".lower()).strip("-")
    )


def quote_key(row: dict, selection: str) -> str:
    return (
        f"{fixture_id_of(row)}:{row['bookmaker']}:{row.get('market') or row['market_type']}:"
        f"{row.get('period', 0)}:{selection}"
    )


def fixture_from_row(row: dict) -> Fixture:
    home, _, away = str(row["match_name"]).partition(" vs ")
    start = dt.datetime.fromisoformat(str(row["match_date"]).replace("Z", "+00:00")).timestamp()
    return Fixture(
        PROVIDER,
        fixture_id_of(row),
        str(row.get("sport", "")).lower(),
        str(row.get("competition", "")),
        home,
        away,
        start,
        is_live=bool(row.get("is_live")),
    )


def row_quote(row: dict, selection: str, price: float) -> Quote:
    if not isinstance(price, int | float) or not price > 1.0:
        raise OddsError("price must be a decimal above 1")
    return Quote(
        PROVIDER,
        quote_key(row, selection),
        fixture_id_of(row),
        str(row["bookmaker"]),
        str(row.get("market") or row["market_type"]),
        selection,
        float(price),
        raw_format=OddsFormat.DECIMAL,
        stream=STREAM,
        group=str(row.get("market_type")),
        is_live=bool(row.get("is_live")),
        deep_link=row.get("url"),
    )


class OddsStreamClient:
    """Streams or polls OddsStream into a Feed until cancelled."""

    def __init__(
        self,
        settings: ProviderSettings,
        feed: Feed,
        *,
        leagues: Sequence[str] = (),
        book: str | None = None,
        backoff_base: float = 1.0,
        reconcile_every: float = RECONCILE_EVERY,
    ) -> None:
        self.settings = settings
        self.feed = feed
        self.leagues = {lg.upper() for lg in leagues}
        self.book = book
        self.backoff = Backoff(backoff_base)
        self.reconcile_every = reconcile_every
        self.reporter = StreamReporter(STREAM, PROVIDER, feed.put)
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.mode = "unknown"
        self.live_keys: set[str] = set()
        self.seen_keys: dict[str, Quote] = {}
        """The last price of every key, so that a suspension can show what was suspended."""
        self.fixtures: set[str] = set()
        self.polls = 0
        self.http = async_client(settings.base_url, timeout=10.0, headers={"X-Api-Key": settings.api_key.reveal()})

    async def run(self) -> None:
        try:
            await self._loop()
        finally:
            await self.http.aclose()

    async def _loop(self) -> None:
        while True:
            try:
                token = await self._token()
                if token is None:
                    self.mode = "poll"
                    await self._poll_forever()
                else:
                    self.mode = "websocket"
                    await self.poll_once()
                    await self._stream(token)
                failure = "the stream ended"
            except AuthFailed as exc:
                self.reporter.state(StreamState.AUTH_ERROR, str(exc))
                return
            except PlanError as exc:
                if exc.status in (401, 403):
                    self.reporter.state(StreamState.AUTH_ERROR, str(exc))
                    return
                if exc.status == 429:
                    wait = poll_interval(0, self.reset_at, time.time())
                    self.reporter.state(StreamState.RATE_LIMITED, str(exc), retry_in=wait)
                    await asyncio.sleep(wait)
                    continue
                failure = str(exc)
            except websockets.ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd else 1006
                failure = "stream token refused (4001): fetching a new one" if code == 4001 else f"closed {code}"
            except (OSError, TimeoutError, websockets.InvalidHandshake, StreamFailed, httpx.HTTPError) as exc:
                failure = self.settings.api_key.scrub(str(exc) or type(exc).__name__)
            delay = self.backoff.next_delay()
            self.reporter.state(StreamState.RECONNECTING, failure, retry_in=delay)
            await asyncio.sleep(delay)

    async def _request(self, method: str, path: str, params: dict | None = None) -> dict:
        response = await self.http.request(method, path, params=params)
        remaining = response.headers.get("x-ratelimit-remaining", "")
        if remaining.strip().isdigit():
            self.remaining = int(remaining)
        self.reset_at = parse_reset(response.headers.get("x-ratelimit-reset"), time.time()) or self.reset_at
        try:
            body = msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            raise StreamFailed(f"OddsStream {path}: HTTP {response.status_code}, reply is not JSON") from None
        if response.status_code >= 400:
            error = body.get("error") if isinstance(body, dict) else None
            code = error.get("code", "") if isinstance(error, dict) else ""
            message = error.get("message", "") if isinstance(error, dict) else ""
            if response.status_code >= 500:
                raise StreamFailed(f"OddsStream: {ERRORS.get(code, message)} (HTTP {response.status_code})")
            raise PlanError(response.status_code, code, str(message)[:200])
        return body

    async def _token(self) -> str | None:
        """A single-use stream token, or None when the plan has no WebSocket."""
        try:
            body = await self._request("POST", "/api/stream/token")
        except PlanError as exc:
            if exc.code == "websocket_not_on_plan":
                return None
            raise
        return str(body["token"])

    async def poll_once(self) -> None:
        """One full poll: post every price and mark what is gone stale. One request per configured league."""
        posted: list[Quote] = []
        complete = True
        for league in sorted(self.leagues) or [None]:
            params: dict = {"limit": PAGE_LIMIT}
            if self.book:
                params["bookmaker"] = self.book
            if league:
                params["competition"] = league
            body = await self._request("GET", "/api/odds", params)
            rows = body.get("data")
            if not isinstance(rows, list):
                raise StreamFailed("OddsStream /api/odds: unexpected response shape")
            complete = complete and len(rows) < PAGE_LIMIT
            for row in rows:
                try:
                    posted += self._row_quotes(row)
                except (KeyError, TypeError, ValueError, AttributeError, OddsError):
                    self.reporter.rejected("odds row: unexpected shape")
        fresh = {q.key for q in posted}
        self.seen_keys.update((q.key, q) for q in posted)
        if posted:
            self.feed.put(QuotesPosted(STREAM, None, posted))
        gone = self.live_keys - fresh
        if gone and complete:  # a truncated page proves nothing about what it left out
            self.feed.put(QuotesMarkedStale(STREAM, PROVIDER, sorted(gone)), data=False)
        self.live_keys = fresh if complete else self.live_keys | fresh
        self.polls += 1
        self.reporter.state(StreamState.LIVE, self.mode)

    def _row_quotes(self, row: dict) -> list[Quote]:
        if self.leagues and str(row.get("competition", "")).upper() not in self.leagues:
            return []
        self._note_fixture(row)
        return [row_quote(row, selection, price) for selection, price in row["odds"].items()]

    def _note_fixture(self, row: dict) -> None:
        fixture_id = fixture_id_of(row)
        if fixture_id not in self.fixtures:
            self.fixtures.add(fixture_id)
            self.feed.put(FixtureUpserted(STREAM, None, fixture_from_row(row)))

    async def _poll_forever(self) -> None:
        while True:
            await self.poll_once()
            self.backoff.reset()
            requests = max(1, len(self.leagues))
            await asyncio.sleep(requests * poll_interval(self.remaining, self.reset_at, time.time(), reserve=requests))

    async def _stream(self, token: str) -> None:
        params = httpx.QueryParams({"token": token} | ({"bookmaker": self.book} if self.book else {}))
        async with websockets.connect(f"{self.settings.ws_url}?{params}", open_timeout=10, close_timeout=2) as ws:
            self.reporter.state(StreamState.LIVE, "websocket")
            reconcile = asyncio.create_task(self._reconcile_forever())
            try:
                async for raw in ws:
                    if self._message(raw):
                        self.backoff.reset()
            finally:
                reconcile.cancel()

    async def _reconcile_forever(self) -> None:
        while True:
            await asyncio.sleep(self.reconcile_every)
            with contextlib.suppress(StreamFailed, PlanError, httpx.HTTPError):
                await self.poll_once()

    def _message(self, raw: str | bytes) -> bool:
        try:
            message = msgspec.json.decode(raw)
            if not isinstance(message, dict) or message.get("type") != "odds":
                raise ValueError("not an odds message")
            if self.leagues and str(message.get("competition", "")).upper() not in self.leagues:
                return True
            self._note_fixture(message)
            selection, price = str(message["selection"]), message["odds"]
            if price is None:
                key = quote_key(message, selection)
                if key in self.seen_keys:  # a lock of a price never seen has nothing to show
                    self.feed.put(QuotesLocked(STREAM, None, [self.seen_keys[key]]))
                self.live_keys.discard(key)
            else:
                quote = row_quote(message, selection, price)
                self.feed.put(QuotesPosted(STREAM, None, [quote]))
                self.live_keys.add(quote.key)
                self.seen_keys[quote.key] = quote
        except (ValueError, KeyError, TypeError, AttributeError, OddsError):
            self.reporter.rejected("stream message: not valid JSON or unexpected shape")
            return False
        return True
