"""OpticOdds: SSE odds (with fixture updates), results and Copilot streams, hydrated from REST snapshots.

Follows the SSE streaming guide: connections planned by sport with at most 5 books and 10 leagues
each, started staggered; resume with the entry id of the last applied event; backoff 1-60 s with
jitter and never below `retry:`; after a 429 no new connection for 15 s; 401/403 stops the stream.
The key goes in the X-Api-Key header, never in a URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from oddstui.config import ProviderSettings
from oddstui.model import (
    FixtureChange,
    FixtureChanged,
    FixtureStatus,
    FixtureUpserted,
    Quote,
    QuotesLocked,
    QuotesPosted,
    QuotesSettled,
    Score,
    ScoreUpdated,
    Settlement,
    StreamState,
    entry_order,
)
from oddstui.odds import OddsFormat
from oddstui.providers.backoff import Backoff, clamp_retry_field, parse_retry_after
from oddstui.providers.errors import AuthFailed, RateLimited, StreamFailed
from oddstui.providers.feed import Feed
from oddstui.providers.health import StreamReporter
from oddstui.providers.http import async_client
from oddstui.providers.opticodds_wire import (
    COPILOT,
    PRICE_EVENTS,
    PROVIDER,
    DecodeError,
    PriceEvent,
    ShapeError,
    fixture_from_json,
    json_decoder,
    odds_to_quotes,
    parse_time,
    price_event_decoder,
    wire_odds,
)
from oddstui.providers.sse import LineTooLong, iter_sse

MAX_BOOKS_PER_STREAM = 5
MAX_LEAGUES_PER_STREAM = 10
RATE_LIMIT_PAUSE = 15.0
MALFORMED = (KeyError, TypeError, ValueError, AttributeError)
"""What reading a payload of the wrong shape raises (OddsError and msgspec's errors are ValueErrors)."""
RESUME_HORIZON = 25.0
"""A last_entry_id older than this may not be replayed in full: re-hydrate instead."""
SPORT_OF_LEAGUE = {
    "NBA": "basketball",
    "NCAAB": "basketball",
    "NFL": "football",
    "NHL": "hockey",
    "MLB": "baseball",
    "EPL": "soccer",
    "ATP": "tennis",
}


@dataclass(frozen=True, slots=True)
class StreamPlan:
    """One SSE connection: what it streams and with which filters."""

    kind: str
    """'odds', 'results' or 'copilot'."""
    sport: str
    books: tuple[str, ...] = ()
    leagues: tuple[str, ...] = ()
    index: int = 0

    @property
    def name(self) -> str:
        return f"{PROVIDER}:{self.kind}:{self.sport}" + (f":{self.index}" if self.kind == "odds" else "")

    @property
    def path(self) -> str:
        return {
            "odds": f"/stream/odds/{self.sport}",
            "results": f"/stream/results/{self.sport}",
            "copilot": f"/stream/copilot/{self.sport}/odds",
        }[self.kind]


def _chunks(items: Sequence[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)] or [()]


def plan_streams(
    sports: Sequence[str], books: Sequence[str], leagues: Sequence[str] = (), copilot: bool = True
) -> list[StreamPlan]:
    """Odds connections per sport (at most 5 books and 10 leagues each), plus results and Copilot per sport."""
    books = [b for b in books if b != COPILOT]
    plans = []
    for sport in sports:
        sport_leagues = [lg for lg in leagues if SPORT_OF_LEAGUE.get(lg.upper(), sport) == sport]
        if leagues and not sport_leagues:
            continue
        index = 0
        for book_chunk in _chunks(books, MAX_BOOKS_PER_STREAM):
            for league_chunk in _chunks(sport_leagues, MAX_LEAGUES_PER_STREAM):
                plans.append(StreamPlan("odds", sport, book_chunk, league_chunk, index))
                index += 1
        plans.append(StreamPlan("results", sport, (), tuple(sport_leagues)))
        if copilot:
            plans.append(StreamPlan("copilot", sport, (), tuple(sport_leagues)))
    return plans


@dataclass
class _StreamState:
    plan: StreamPlan
    reporter: StreamReporter
    last_entry: str | None = None
    last_order: tuple[int, int] | None = None
    last_event_at: float = 0.0
    retry_floor: float = 0.0
    duplicates: int = 0
    hydrated: bool = False
    seen_fixtures: set[str] = field(default_factory=set)


class OpticOddsClient:
    """Streams OpticOdds into a Feed until cancelled."""

    def __init__(
        self,
        settings: ProviderSettings,
        feed: Feed,
        *,
        sports: Sequence[str],
        books: Sequence[str],
        leagues: Sequence[str] = (),
        copilot: bool = True,
        read_timeout: float = 20.0,
        backoff_base: float = 1.0,
        stagger: float = 0.05,
        odds_format: OddsFormat = OddsFormat.AMERICAN,
        rate_limit_pause: float = RATE_LIMIT_PAUSE,
    ) -> None:
        self.settings = settings
        self.feed = feed
        self.plans = plan_streams(sports, books, leagues, copilot)
        self.read_timeout = read_timeout
        self.backoff_base = backoff_base
        self.stagger = stagger
        self.odds_format = odds_format
        self.rate_limit_pause = rate_limit_pause
        self.streams: dict[str, _StreamState] = {}
        self.known_fixtures: set[str] = set()
        self._last_change: dict[str, tuple] = {}
        self._missing_fixtures: set[str] = set()
        self._fixture_wakeup = asyncio.Event()
        self._rate_limited_until = 0.0
        self._auth_failed = False
        self.http = async_client(
            settings.base_url,
            headers={"X-Api-Key": settings.api_key.reveal()},
            timeout=httpx.Timeout(10.0, read=read_timeout),
            limits=httpx.Limits(max_connections=None),
        )

    async def run(self) -> None:
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._fetch_missing_fixtures())
                for i, plan in enumerate(self.plans):
                    group.create_task(self._run_stream(plan, delay=i * self.stagger))
        finally:
            await self.http.aclose()

    # --- one connection ---------------------------------------------------------

    async def _run_stream(self, plan: StreamPlan, delay: float) -> None:
        state = self.streams[plan.name] = _StreamState(plan, StreamReporter(plan.name, PROVIDER, self.feed.put))
        reporter = state.reporter
        backoff = Backoff(self.backoff_base)
        reporter.state(StreamState.CONNECTING)  # every planned stream shows from the start, staggered or not
        await asyncio.sleep(delay)
        while not self._auth_failed:
            wait = self._rate_limited_until - time.monotonic()
            if wait > 0:
                reporter.state(StreamState.RATE_LIMITED, "streaming limit reached", retry_in=wait)
                await asyncio.sleep(wait)
            reporter.state(StreamState.CONNECTING)
            try:
                await self._connect(state, backoff)
                failure = "the server ended the stream"
            except AuthFailed as exc:
                self._auth_failed = True
                reporter.state(StreamState.AUTH_ERROR, str(exc))
                return
            except RateLimited as exc:
                self._rate_limited_until = max(self._rate_limited_until, time.monotonic() + exc.wait)
                continue
            except httpx.ReadTimeout:
                failure = f"no data or ping for {self.read_timeout:g} s"
                reporter.state(StreamState.STALE, failure)
            except (httpx.TransportError, StreamFailed, LineTooLong) as exc:
                failure = self.settings.api_key.scrub(str(exc) or type(exc).__name__)
            delay = backoff.next_delay(state.retry_floor)
            reporter.state(StreamState.RECONNECTING, failure, retry_in=delay)
            await asyncio.sleep(delay)

    def _params(self, state: _StreamState) -> list[tuple[str, str]]:
        plan = state.plan
        params = [("sportsbook", b) for b in plan.books] + [("league", lg) for lg in plan.leagues]
        if plan.kind == "odds" and plan.index == 0:  # one stream per sport is enough for status changes
            params.append(("include_fixture_updates", "true"))
        params.append(("odds_format", self.odds_format.value.upper()))
        resumable = state.last_entry and time.monotonic() - state.last_event_at < RESUME_HORIZON
        if resumable:
            params.append(("last_entry_id", state.last_entry))
        else:
            state.hydrated = False
        return params

    async def _connect(self, state: _StreamState, backoff: Backoff) -> None:
        plan, reporter = state.plan, state.reporter
        async with self.http.stream(
            "GET", plan.path, params=self._params(state), headers={"Accept": "text/event-stream"}
        ) as response:
            await self._check_status(response)
            if not response.headers.get("content-type", "").startswith("text/event-stream"):
                raise StreamFailed(f"expected an event stream, got {response.headers.get('content-type')!r}")
            async for sse in iter_sse(response):
                if sse.retry is not None:
                    state.retry_floor = clamp_retry_field(sse.retry)
                name = sse.event or "message"
                if name == "connected":
                    if not state.hydrated:  # live once the snapshot is in, not before
                        await self._hydrate(state)
                        state.hydrated = True
                    reporter.state(StreamState.LIVE)
                    continue
                if name == "ping" or not sse.data:
                    continue
                if self._handle(state, name, sse.data):
                    backoff.reset()
        raise StreamFailed("the server ended the stream")

    async def _check_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        await response.aread()
        message = _message(response)
        if status in (401, 403):
            raise AuthFailed(
                f"OpticOdds refused the API key (HTTP {status}: {message}). "
                "Fix: set a valid OPTICODDS_API_KEY or [opticodds] api_key"
            )
        if status == 429:
            wait = max(
                self.rate_limit_pause, parse_retry_after(response.headers.get("retry-after"), self.rate_limit_pause)
            )
            raise RateLimited(f"HTTP 429: {message}", wait)
        raise StreamFailed(f"HTTP {status}: {message}")

    # --- events -----------------------------------------------------------------

    def _handle(self, state: _StreamState, name: str, data: str) -> bool:
        """Apply one data event; True if it was new. Malformed ones are skipped and counted."""
        try:
            if name in PRICE_EVENTS:
                payload: PriceEvent | dict = price_event_decoder.decode(data)
                entry_id = payload.entry_id
            else:
                payload = json_decoder.decode(data)
                if not isinstance(payload, dict):
                    state.reporter.rejected(f"{name}: not a JSON object")
                    return False
                entry_id = payload.get("entry_id")
        except ShapeError as exc:
            state.reporter.rejected(f"{name}: unexpected shape ({exc})")
            return False
        except DecodeError:
            state.reporter.rejected(f"{name}: not valid JSON")
            return False
        if isinstance(entry_id, str):
            order = entry_order(entry_id)
            if order is not None and state.last_order is not None and order <= state.last_order:
                state.duplicates += 1
                return False
        else:
            entry_id, order = None, None
        stream = state.plan.name
        try:
            event = self._event(stream, name, payload, entry_id)
        except MALFORMED as exc:
            state.reporter.rejected(f"{name}: unexpected shape ({type(exc).__name__})")
            return False
        if event is None:
            state.reporter.rejected(f"unknown event {name[:40]!r}")
            return False
        for item in event:
            self.feed.put(item)
        if entry_id is not None:
            state.last_entry = entry_id
            state.last_order = order or state.last_order
        state.last_event_at = time.monotonic()
        return True

    def _event(self, stream: str, name: str, payload: PriceEvent | dict, entry_id: str | None) -> list | None:
        fmt = self.odds_format
        if isinstance(payload, PriceEvent):
            quotes = odds_to_quotes(payload.data, stream, fmt)
            if name.endswith("locked-odds"):
                return [QuotesLocked(stream, entry_id, quotes)]
            self._note_fixtures(quotes)
            return [QuotesPosted(stream, entry_id, quotes)]
        match name:
            case "copilot-settled-odds":
                settled = {item["id"]: Settlement.parse(item["settlement"]) for item in payload["data"]}
                return [QuotesSettled(stream, entry_id, PROVIDER, settled)]
            case "fixture-status":
                data = payload["data"]
                change = FixtureChange(
                    PROVIDER,
                    data["fixture_id"],
                    FixtureStatus.parse(data["old_status"]) if data.get("old_status") else None,
                    FixtureStatus.parse(data["new_status"]) if data.get("new_status") else None,
                    parse_time(data.get("old_start_date")),
                    parse_time(data.get("new_start_date")),
                    float(data.get("timestamp") or 0.0),
                )
                if change.fixture_id not in self.known_fixtures:
                    self._want_fixture(change.fixture_id)
                seen = (change.new_status, change.new_start)
                if self._last_change.get(change.fixture_id) == seen:
                    return []  # the odds and the Copilot streams both report it
                self._last_change[change.fixture_id] = seen
                return [FixtureChanged(stream, entry_id, change)]
            case "fixture-results":
                data = payload["data"]
                score = data.get("score") or {}
                home, away = score.get("home") or {}, score.get("away") or {}
                return [
                    ScoreUpdated(
                        stream,
                        entry_id,
                        PROVIDER,
                        data["fixture_id"],
                        Score(int(home.get("total") or 0), int(away.get("total") or 0), str(score.get("period") or "")),
                        bool(data["is_live"]) if "is_live" in data else None,
                    )
                ]
        return None

    # --- fixtures and snapshots ---------------------------------------------------

    def _note_fixtures(self, quotes: list[Quote]) -> None:
        for quote in quotes:
            if quote.fixture_id not in self.known_fixtures:
                self._want_fixture(quote.fixture_id)

    def _want_fixture(self, fixture_id: str) -> None:
        if fixture_id not in self._missing_fixtures:
            self._missing_fixtures.add(fixture_id)
            self._fixture_wakeup.set()

    async def _fetch_missing_fixtures(self) -> None:
        """Look up fixtures first seen in a stream (listed after hydration), in batches."""
        while True:
            await self._fixture_wakeup.wait()
            await asyncio.sleep(0.2)
            self._fixture_wakeup.clear()
            wanted = sorted(self._missing_fixtures - self.known_fixtures)[:50]
            if not wanted:
                continue
            with contextlib.suppress(httpx.HTTPError, StreamFailed, AuthFailed, RateLimited, ValueError):
                for item in await self._get("/fixtures", [("id", fid) for fid in wanted]):
                    self._upsert(f"{PROVIDER}:fixtures", item)
            self._missing_fixtures.difference_update(wanted)

    def _upsert(self, stream: str, item: dict) -> None:
        fixture = fixture_from_json(item)
        self.known_fixtures.add(fixture.fixture_id)
        self.feed.put(FixtureUpserted(stream, None, fixture))

    async def _get(self, path: str, params: list[tuple[str, str]]) -> list[dict]:
        response = await self.http.get(path, params=params)
        await self._check_status(response)
        try:
            data = json_decoder.decode(response.content)["data"]
        except (DecodeError, KeyError, TypeError):
            raise StreamFailed(f"{path}: the reply is not the documented JSON") from None
        if not isinstance(data, list):
            raise StreamFailed(f"{path}: unexpected response shape")
        return data

    async def _hydrate(self, state: _StreamState) -> None:
        """Load the current prices (and fixtures) before the stream's events are applied."""
        plan, stream = state.plan, state.plan.name
        leagues = [("league", lg) for lg in plan.leagues]
        if plan.kind == "results":
            path, params = "/fixtures", [("sport", plan.sport), *leagues]
        else:
            path = "/copilot/fixtures/odds" if plan.kind == "copilot" else "/fixtures/odds"
            params = [("sport", plan.sport), ("odds_format", self.odds_format.value.upper())]
            params += [("sportsbook", b) for b in plan.books] + leagues
        for item in await self._get(path, params):
            try:
                self._upsert(stream, item)
                quotes = odds_to_quotes(wire_odds(item.get("odds") or []), stream, self.odds_format)
            except MALFORMED as exc:
                state.reporter.rejected(f"snapshot fixture: unexpected shape ({type(exc).__name__})")
                continue
            if quotes:
                self.feed.put(QuotesPosted(stream, None, quotes))


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "error"
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or response.reason_phrase)[:200]
    return response.reason_phrase or "error"
