"""OddsStream: the WebSocket stream where the plan has it (a new token per connection), else budgeted polling.

Every token request, connection and poll is paced by the plan's budget, read from X-RateLimit-Remaining
and X-RateLimit-Reset on every response, so a free key (200 requests and 30 WebSocket connections a day)
lasts the day. A quote absent from a full poll is marked stale, not kept as live.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import httpx
import msgspec
import websockets

from oddstui.config import ProviderSettings
from oddstui.model import Fixture, FixtureUpserted, Quote, QuotesLocked, QuotesMarkedStale, QuotesPosted, StreamState
from oddstui.providers.backoff import Backoff, parse_reset
from oddstui.providers.base import Fatal, Retry, Verdict, default_verdict, reconnect
from oddstui.providers.errors import AuthFailed, RateLimited, RequestRejected, StreamFailed, failure_for_status
from oddstui.providers.feed import Feed
from oddstui.providers.health import StreamReporter
from oddstui.providers.http import async_client, websocket_connect
from oddstui.providers.oddsstream_wire import (
    PROVIDER,
    SPORT_NAMES,
    STREAM,
    EventIndex,
    RowError,
    message_rows,
    parse_row,
    sport_name,
    token_of,
)

KEY_HINT = "set ODDSSTREAM_API_KEY to a key from oddsstream.io/dashboard/keys"
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
"""The doc's error table, one message per code."""
PAGE_LIMIT = 500
MIN_POLL = 5.0
"""The shortest pause between polls, however large the budget."""
RECONCILE_EVERY = 120.0
"""In WebSocket mode, a full poll this often (or less often, as the budget says) confirms the stream's picture."""
DAILY_WINDOW = 7_200.0
"""A rate window that resets further off than this (2 h; Pro windows are 1 h) is a daily one: the Free plan."""
FREE_WS_PER_DAY = 30
"""The doc's plan table: the Free plan has 30 WebSocket connections a day."""
NOT_JSON = (msgspec.DecodeError, RecursionError)
"""What decoding hostile bytes raises: RecursionError is msgspec's answer to deep nesting."""


class PlanError(AuthFailed):
    """A 401/403 the doc names by code: shown once, never retried (the client handles websocket_not_on_plan)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Budget:
    """The plan's request budget (from the rate-limit headers) and its WebSocket connections this window."""

    def __init__(self, min_poll: float = MIN_POLL) -> None:
        self.min_poll = min_poll
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.daily = False
        self.connections = 0
        """WebSocket connections opened in the current window."""

    def note(self, headers: httpx.Headers, now: float) -> None:
        remaining = headers.get("x-ratelimit-remaining", "").strip()
        if remaining.isdigit():
            self.remaining = int(remaining)
        reset = parse_reset(headers.get("x-ratelimit-reset"), now)
        if reset is None:  # parse_reset believes no window longer than a day, nor inf or NaN
            return
        if self.reset_at is not None and reset > self.reset_at + 1:
            self.connections = 0  # a new window
        self.reset_at = reset
        self.daily = self.daily or reset - now > DAILY_WINDOW

    def wait_for(self, cost: int, now: float) -> float:
        """The pause that pays for `cost` requests at the rate that makes the budget last until the reset."""
        if self.remaining is None or self.reset_at is None:
            return 0.0
        until_reset = max(self.reset_at - now, 0.0)
        left = self.remaining - cost
        return until_reset if left <= 0 else min(until_reset, cost * until_reset / left)

    def poll_pace(self, cost: int, now: float) -> float:
        """Seconds between polls of `cost` requests: the budget's pace, never below `min_poll`."""
        return max(self.min_poll, self.wait_for(cost, now))

    def ws_wait(self, now: float) -> float:
        """The pause before the next WebSocket connection: a daily plan spreads its 30 over the day."""
        if not self.daily or self.reset_at is None:
            return 0.0
        left = FREE_WS_PER_DAY - self.connections
        until_reset = max(self.reset_at - now, 0.0)
        return until_reset if left <= 0 else until_reset / left

    def summary(self) -> str:
        if self.remaining is None or self.reset_at is None:
            return "request budget unknown"
        reset = time.strftime("%H:%M UTC", time.gmtime(self.reset_at))
        return f"{self.remaining} requests left until {reset}"


@dataclass(frozen=True, slots=True)
class Scope:
    """What one `/api/odds` request, or the stream, is filtered by: a competition code, a sport id, or neither."""

    league: str | None = None
    sport: str | None = None

    def params(self) -> dict[str, str]:
        """The doc's common query parameters: `competition` (exact code) and `sport` (a name, case-insensitive)."""
        params = {}
        if self.league:
            params["competition"] = self.league
        if self.sport:
            params["sport"] = sport_name(self.sport)
        return params


class OddsStreamClient:
    """Streams or polls OddsStream into a Feed until cancelled or refused."""

    def __init__(
        self,
        settings: ProviderSettings,
        feed: Feed,
        *,
        sports: Sequence[str] = (),
        leagues: Sequence[str] = (),
        book: str | None = None,
        backoff_base: float = 1.0,
        reconcile_every: float = RECONCILE_EVERY,
        min_poll: float = MIN_POLL,
    ) -> None:
        self.settings = settings
        self.feed = feed
        self.sports = {sport.lower() for sport in sports}
        """Our sport ids; empty: every sport."""
        self.leagues = {lg.upper() for lg in leagues}
        self.book = book
        self.backoff = Backoff(backoff_base)
        self.reconcile_every = reconcile_every
        self.reporter = StreamReporter(STREAM, PROVIDER, feed.put)
        self.budget = Budget(min_poll)
        self.websocket = True
        """False after a 403 websocket_not_on_plan: no more token requests."""
        self.ws_after = 0.0
        """Wall time before which no WebSocket connection is tried (the daily connections are spread out)."""
        self.mode = "unknown"
        self.events = EventIndex()
        self.fixtures: dict[str, Fixture] = {}
        self.live_keys: set[str] = set()
        self.seen_keys: dict[str, Quote] = {}
        """The last price of every key, so that a suspension can show what was suspended."""
        self.streamed_at: dict[str, float] = {}
        """When the stream last spoke about a key (monotonic); a poll reply sent before that is older news."""
        self.polls = 0
        self.last_poll = -math.inf
        self.http = async_client(settings.base_url, timeout=10.0, headers={"X-Api-Key": settings.api_key.reveal()})

    async def run(self) -> None:
        try:
            await reconnect(self._session, self.reporter, self.backoff, self._verdict)
        finally:
            await self.http.aclose()

    # --- sessions and verdicts ----------------------------------------------------

    def _scopes(self) -> list[Scope]:
        """One request per configured league, else per configured sport (one for all when they are all it lists)."""
        if self.leagues:
            return [Scope(league=league) for league in sorted(self.leagues)]
        if self.sports and not set(SPORT_NAMES) <= self.sports:
            return [Scope(sport=sport) for sport in sorted(self.sports)]
        return [Scope()]

    def _poll_cost(self) -> int:
        return len(self._scopes())

    def _stream_scope(self) -> Scope:
        """What the stream is filtered by: the one scope a poll asks for, if there is exactly one."""
        scopes = self._scopes()
        return scopes[0] if len(scopes) == 1 else Scope()

    def _ws_allowed(self, now: float) -> bool:
        return self.websocket and now >= self.ws_after

    async def _session(self) -> None:
        """One connection: the WebSocket (token, connect, snapshot, stream) when allowed, else polls."""
        if self._ws_allowed(time.time()):
            token = await self._token()
            if token is not None:
                await self._stream(token)
                return
        await self._poll_until_websocket()

    def _verdict(self, exc: BaseException | None) -> Verdict | None:
        """Classify a session's end, never retrying sooner than the budget allows."""
        if isinstance(exc, BaseExceptionGroup):
            inner = exc.exceptions[0]
            return self._verdict(inner) or default_verdict(inner)
        now = time.time()
        if self.mode == "websocket":
            self.ws_after = now + self.budget.ws_wait(now)
        cost = self._poll_cost() + (1 if self._ws_allowed(now) else 0)
        floor = self.budget.wait_for(cost, now)
        verdict: Verdict
        if exc is None:
            verdict = Retry("the stream ended" if self.mode == "websocket" else "trying the WebSocket again")
        elif isinstance(exc, websockets.ConnectionClosed) and exc.rcvd is not None and exc.rcvd.code == 4001:
            verdict = Retry("stream token refused (4001): a new token for the next connection")
        else:
            verdict = default_verdict(exc)
        self.mode = "unknown"
        if isinstance(verdict, Fatal):
            return verdict
        if floor > verdict.floor and floor > MIN_POLL:
            reason = f"{verdict.reason}; {self.budget.summary()}, so the budget sets the pace"
            return Retry(reason, floor, verdict.state)
        return Retry(verdict.reason, max(floor, verdict.floor), verdict.state)

    # --- REST -----------------------------------------------------------------

    async def _request(self, method: str, path: str, params: dict | None = None) -> object:
        response = await self.http.request(method, path, params=params)
        self.budget.note(response.headers, time.time())
        failure = self._failure(response)
        if failure is not None:
            raise failure
        try:
            body = msgspec.json.decode(response.content)
        except NOT_JSON:
            raise StreamFailed(f"OddsStream {path}: HTTP {response.status_code}, reply is not JSON") from None
        meta = body.get("meta") if isinstance(body, dict) else None
        remaining = meta.get("rate_limit_remaining") if isinstance(meta, dict) else None
        if self.budget.remaining is None and isinstance(remaining, int) and not isinstance(remaining, bool):
            self.budget.remaining = max(remaining, 0)
        return body

    def _failure(self, response: httpx.Response) -> Exception | None:
        """The shared status mapping, with the doc's message for each `{error: {code, message}}` code."""
        failure = failure_for_status(response, "OddsStream", KEY_HINT)
        if failure is None:
            return None
        code = _error_code(response)
        text = f"OddsStream: {ERRORS[code]} (HTTP {response.status_code} {code})" if code in ERRORS else str(failure)
        if isinstance(failure, RateLimited):
            wait = failure.wait
            if self.budget.remaining == 0 and self.budget.reset_at is not None:
                wait = max(self.budget.reset_at - time.time(), wait)
            return RateLimited(text, wait)
        if isinstance(failure, AuthFailed):
            return PlanError(text, code)
        if isinstance(failure, RequestRejected):
            return RequestRejected(text, failure.status)
        return StreamFailed(text)

    async def _token(self) -> str | None:
        """A single-use stream token; None when the plan has no WebSocket or its connections are used up."""
        try:
            body = await self._request("POST", "/api/stream/token")
        except PlanError as exc:
            if exc.code != "websocket_not_on_plan":
                raise
            self.websocket = False
            self.reporter.state(StreamState.CONNECTING, str(exc))
            return None
        except RequestRejected as exc:
            # the public docs put the token on another host than the doc here: polling beats ending the provider
            self.websocket = False
            self.reporter.state(StreamState.CONNECTING, f"{exc}: polling instead")
            return None
        except RateLimited:
            if not self.budget.remaining:
                raise
            # requests are left, so what ran out is the plan's WebSocket connections: poll until the reset
            self.ws_after = self.budget.reset_at or time.time() + DAILY_WINDOW
            return None
        try:
            return token_of(body)
        except RowError as exc:
            raise StreamFailed(f"OddsStream: {exc}") from None

    async def poll_once(self) -> None:
        """One full poll: post every price and mark what is gone stale. One request per scope (league or sport).

        A complete poll marks stale every known key, live or locked, that it does not list (a pulled line may
        have been locked over the stream only), except keys the stream spoke about since the poll began.
        """
        listed: set[str] = set()
        complete = True
        started = time.monotonic()
        for scope in self._scopes():
            params: dict = {"limit": PAGE_LIMIT, **scope.params()}
            if self.book:
                params["bookmaker"] = self.book
            sent = time.monotonic()
            body = await self._request("GET", "/api/odds", params)
            rows = body.get("data") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise StreamFailed("OddsStream /api/odds: the reply has no data array")
            complete = complete and len(rows) < PAGE_LIMIT
            for row in rows:
                try:
                    listed.update(self._apply_row(row, scope, sent))
                except RowError as exc:
                    self.reporter.rejected(f"odds row: {exc}")
        self.streamed_at = {key: at for key, at in self.streamed_at.items() if at >= started}
        # the replies predate what the stream said since they were asked for
        gone = (self.live_keys | self.seen_keys.keys()) - listed - self.streamed_at.keys()
        if gone and complete:  # a truncated page proves nothing about what it left out
            self.feed.put(QuotesMarkedStale(STREAM, PROVIDER, sorted(gone)), data=False)
            self.live_keys -= gone
            for key in gone:  # a stale price has nothing left to lock: forgetting it keeps a long run bounded
                self.seen_keys.pop(key, None)
        self.polls += 1
        self.last_poll = time.monotonic()

    async def _poll_until_websocket(self) -> None:
        """Poll at the budget's pace; return when it is time to try the WebSocket (never, without one)."""
        self.mode = "poll"
        while True:
            await self.poll_once()
            self.backoff.reset()
            now = time.time()
            pace = self.budget.poll_pace(self._poll_cost(), now)
            self.reporter.state(StreamState.LIVE, self._poll_detail(pace, now))
            if self._ws_allowed(now + pace):
                return
            await asyncio.sleep(pace)

    def _poll_detail(self, pace: float, now: float) -> str:
        why = (
            "no WebSocket on this plan or host"
            if not self.websocket
            else "WebSocket connections are spread over the day"
        )
        detail = f"polling ({why})"
        if pace > self.budget.min_poll:
            detail += f" every {pace:.0f}s: {self.budget.summary()}, so the budget sets the pace"
        return detail

    # --- rows -------------------------------------------------------------------

    def _apply_row(self, row: object, scope: Scope, sent: float | None = None) -> set[str]:
        """Post one row's prices (and lock its null ones); the keys it lists. RowError if its identity is unusable.

        `sent` is when a poll's request went out (None for a stream message): a key the stream has spoken
        about since then is left as the stream has it, so a lock during the request is not undone.
        """
        parsed = parse_row(row, self.events.resolve(row) if isinstance(row, dict) else None)
        fixture = parsed.fixture
        fixture.league = fixture.league or scope.league or ""
        fixture.sport = fixture.sport or scope.sport or ""
        if self.leagues and fixture.league not in self.leagues:
            return set()
        if self.sports and fixture.sport and fixture.sport not in self.sports:
            return set()  # a row without its sport passed the request's filter: nothing says it is another
        for _ in parsed.bad_prices:
            self.reporter.rejected("odds row: a price that is not a decimal number above 1")
        self._note_fixture(fixture, parsed.dated)
        quotes, suspended = parsed.quotes, parsed.suspended_keys
        if sent is None:
            now = time.monotonic()
            self.streamed_at.update(dict.fromkeys([*(q.key for q in quotes), *suspended], now))
        else:
            quotes = [q for q in quotes if self.streamed_at.get(q.key, -math.inf) < sent]
            suspended = [key for key in suspended if self.streamed_at.get(key, -math.inf) < sent]
        if quotes:
            self.feed.put(QuotesPosted(STREAM, None, quotes))
            self.seen_keys.update((q.key, q) for q in quotes)
            self.live_keys.update(q.key for q in quotes)
        locked = []
        for key in suspended:
            self.live_keys.discard(key)
            if key in self.seen_keys:  # a lock of a price never seen has nothing to show
                locked.append(msgspec.structs.replace(self.seen_keys[key]))
        if locked:
            self.feed.put(QuotesLocked(STREAM, None, locked))
        return {q.key for q in parsed.quotes} | set(parsed.suspended_keys)

    def forget(self, refs: Iterable[tuple[str, str]]) -> None:
        """Drop what is kept about fixtures the store evicted: a long run holds only the games it shows."""
        gone = {fixture_id for provider, fixture_id in refs if provider == PROVIDER}
        if not gone:
            return
        for fixture_id in gone:
            self.fixtures.pop(fixture_id, None)
        self.events.forget(gone)

        def kept(key: str) -> bool:
            return key.split(":", 1)[0] not in gone  # a key starts with its fixture id, a slug: no colon in it

        self.live_keys = set(filter(kept, self.live_keys))
        self.seen_keys = {key: quote for key, quote in self.seen_keys.items() if kept(key)}
        self.streamed_at = {key: at for key, at in self.streamed_at.items() if kept(key)}

    def _note_fixture(self, fixture: Fixture, dated: bool) -> None:
        """Upsert a new event, or one whose start time or live flag this row tells better."""
        old = self.fixtures.get(fixture.fixture_id)
        if old is not None:
            if not dated:
                fixture.start = old.start
            if (old.start, old.is_live) == (fixture.start, fixture.is_live):
                return
        self.fixtures[fixture.fixture_id] = fixture
        self.feed.put(FixtureUpserted(STREAM, None, fixture))

    # --- WebSocket ------------------------------------------------------------

    async def _stream(self, token: str) -> None:
        params = {"token": token, **self._stream_scope().params()}
        if self.book:
            params["bookmaker"] = self.book
        url = f"{self.settings.ws_url}?{httpx.QueryParams(params)}"
        try:
            ws = await websocket_connect(url, open_timeout=10, close_timeout=2)
        except (OSError, TimeoutError, websockets.InvalidHandshake) as exc:
            status = exc.response.status_code if isinstance(exc, websockets.InvalidStatus) else None
            if status in (401, 403):
                # the documented token refusal is a 4001 close; a refused handshake is the plan's or a proxy's answer
                self.websocket = False
                self.reporter.state(StreamState.CONNECTING, f"the WebSocket handshake was refused (HTTP {status})")
                await self._poll_until_websocket()
                return
            now = time.time()
            self.ws_after = now + self.budget.ws_wait(now)  # a daily plan polls until its next connection is due
            if time.monotonic() - self.last_poll >= self.budget.poll_pace(self._poll_cost(), now):
                await self.poll_once()  # keeps the market fresh while the WebSocket is unreachable
            raise
        self.mode = "websocket"
        self.budget.connections += 1
        async with ws, asyncio.TaskGroup() as group:
            await self.poll_once()  # the snapshot, taken with the stream open so that no change falls between
            self.reporter.state(StreamState.LIVE, "websocket")
            reconcile = group.create_task(self._reconcile_forever())
            try:
                while True:
                    if self._message(await ws.recv()):
                        self.backoff.reset()
            finally:
                reconcile.cancel()

    async def _reconcile_forever(self) -> None:
        while True:
            pace = self.budget.poll_pace(self._poll_cost(), time.time())
            await asyncio.sleep(max(self.reconcile_every, 2 * pace))
            try:
                await self.poll_once()
            except (StreamFailed, RateLimited, httpx.HTTPError):
                continue  # the stream goes on; the next reconcile tries again

    def _message(self, raw: str | bytes) -> bool:
        """Apply one stream message (a row, a wrapped row, or an array of rows); True if a row applied."""
        try:
            rows = message_rows(msgspec.json.decode(raw))
        except NOT_JSON:
            self.reporter.rejected("stream message: not valid JSON")
            return False
        except RowError as exc:
            self.reporter.rejected(f"stream message: {exc}")
            return False
        applied = False
        for row in rows:
            try:
                self._apply_row(row, self._stream_scope())
                applied = True
            except RowError as exc:
                self.reporter.rejected(f"stream row: {exc}")
        return applied


def _error_code(response: httpx.Response) -> str:
    """The `error.code` of an OddsStream error body, or ''."""
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else ""
