"""OpticOdds: SSE odds (with fixture updates), results and Copilot streams, hydrated from REST snapshots.

Follows the SSE streaming guide: connections planned by sport from its league list, at most 5 books
and 10 leagues each, started staggered; resume with the entry id of the last applied event, or
re-hydrate from a snapshot (the stream's prices read as stale until it is in); one reconnect loop
(`base.reconnect`) per connection, never below `retry:`; after a 429 no new connection for 15 s.
Auth is per stream kind: a key refused for Copilot (which needs an organization-level key) turns
Copilot off and the odds and results streams go on. The key goes in the X-Api-Key header, never in a URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import operator
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from oddstui.config import ProviderSettings
from oddstui.model import (
    FixtureChange,
    FixtureChanged,
    FixtureStatus,
    FixtureUpserted,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    QuotesSettled,
    Score,
    ScoreUpdated,
    StreamState,
    entry_order,
)
from oddstui.odds import OddsFormat
from oddstui.providers.backoff import Backoff, clamp_retry_field
from oddstui.providers.base import Fatal, Retry, Verdict, default_verdict, reconnect
from oddstui.providers.errors import (
    AuthFailed,
    RateLimited,
    RequestRejected,
    StreamFailed,
    failure_for_status,
    server_message,
)
from oddstui.providers.feed import Feed
from oddstui.providers.health import StreamReporter
from oddstui.providers.http import async_client
from oddstui.providers.opticodds_wire import (
    COPILOT,
    PRICE_EVENTS,
    PROVIDER,
    WIRE_FORMATS,
    Converted,
    DecodeError,
    ShapeError,
    decode_price_event,
    fixture_from_json,
    json_decoder,
    odds_from_snapshot,
    odds_from_stream,
    parse_score,
    parse_status,
    parse_time,
    settled_event_decoder,
    settlements_from,
)
from oddstui.providers.sse import iter_sse

log = logging.getLogger("oddstui.providers.opticodds")

MAX_BOOKS_PER_STREAM = 5
MAX_LEAGUES_PER_STREAM = 10
MAX_FIXTURES_PER_SNAPSHOT = 5
"""`fixture_id` values per `/fixtures/odds` call when it refuses sport/league filters (public OpenAPI)."""
RATE_LIMIT_PAUSE = 15.0
RESUME_HORIZON = 25.0
"""A last_entry_id older than this may not be replayed in full (NOTES.md: about 30 s): re-hydrate instead."""
Query = list[tuple[str, str | int | float | bool | None]]
"""Query parameters, repeated keys allowed (httpx's own type for them)."""
KEY_HINT = "set a valid OPTICODDS_API_KEY or [opticodds] api_key"
MALFORMED = (KeyError, TypeError, ValueError, AttributeError)
_KEY = operator.attrgetter("key")
_FIXTURE_ID = operator.attrgetter("fixture_id")
"""What reading a payload of the wrong shape raises (msgspec's errors are ValueErrors)."""


@dataclass(frozen=True, slots=True)
class StreamPlan:
    """One SSE connection: what it streams and with which filters."""

    kind: str
    """'odds', 'results' or 'copilot'."""
    sport: str
    books: tuple[str, ...] = ()
    leagues: tuple[str, ...] = ()
    index: int = 0
    fixture_updates: bool = False
    """Ask for fixture-status events: once per league group, on its first odds connection."""

    @property
    def name(self) -> str:
        suffix = f":{self.index}" if self.kind == "odds" or self.index else ""
        return f"{PROVIDER}:{self.kind}:{self.sport}{suffix}"

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
    sports: Sequence[str], books: Sequence[str], leagues: Mapping[str, Sequence[str]], copilot: bool = True
) -> list[StreamPlan]:
    """Connections per sport, at most 5 books and 10 leagues each: odds, results and Copilot.

    `leagues` maps a sport to the leagues to stream; a sport it lacks is streamed whole (one connection).
    """
    books = [b for b in books if b != COPILOT]
    plans = []
    for sport in sports:
        groups = _chunks(list(leagues.get(sport, ())), MAX_LEAGUES_PER_STREAM)
        index = 0
        for group in groups:
            for n, book_chunk in enumerate(_chunks(books, MAX_BOOKS_PER_STREAM)):
                plans.append(StreamPlan("odds", sport, book_chunk, group, index, fixture_updates=n == 0))
                index += 1
        kinds = ("results", "copilot") if copilot else ("results",)
        for kind in kinds:
            plans.extend(StreamPlan(kind, sport, (), group, i) for i, group in enumerate(groups))
    return plans


@dataclass
class _StreamState:
    plan: StreamPlan
    reporter: StreamReporter
    backoff: Backoff = field(default_factory=Backoff)
    last_entry: str | None = None
    """The resume cursor: the newest entry id applied (an older one, such as a doc example's, never rewinds it)."""
    last_entry_order: tuple[int, int] | None = None
    last_event_at: float = 0.0
    retry_floor: float = 0.0
    last_order: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Per event name, the newest ordered entry id applied: (event name, entry_id) is the dedupe key."""
    recent: dict[tuple[str, str], None] = field(default_factory=dict)
    """Entry ids of another shape, deduped by exact match (bounded)."""
    duplicates: int = 0
    held: dict[str, Quote] = field(default_factory=dict)
    """This stream's live (posted, not locked) quotes, to lock those a fresh snapshot no longer lists."""
    touched: set[str] | None = None
    """While a snapshot loads: keys the stream changed since it opened (the stream is newer, so it wins)."""


@dataclass
class _Live:
    """What the streams last said about a fixture, and when: a REST reply asked for before it is older."""

    at: float
    status: FixtureStatus | None = None
    start: float | None = None
    score: Score | None = None
    is_live: bool | None = None


class _Disabled(Exception):
    """This stream kind was refused the key by another stream: stop without asking again."""


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
        wire_format: OddsFormat = OddsFormat.AMERICAN,
        rate_limit_pause: float = RATE_LIMIT_PAUSE,
    ) -> None:
        if wire_format not in WIRE_FORMATS:
            raise ValueError(f"OpticOdds wire format must be AMERICAN or DECIMAL, not {wire_format.value}")
        self.settings = settings
        self.feed = feed
        self.sports = tuple(sports)
        self.books = tuple(books)
        self.leagues = tuple(leagues)
        self.copilot = copilot
        self.plans: list[StreamPlan] = []
        self.read_timeout = read_timeout
        self.backoff_base = backoff_base
        self.stagger = stagger
        self.wire_format = wire_format
        self.rate_limit_pause = rate_limit_pause
        self.streams: dict[str, _StreamState] = {}
        self.known_fixtures: set[str] = set()
        self._last_change: dict[str, tuple] = {}
        self._live: dict[str, _Live] = {}
        self._missing_fixtures: set[str] = set()
        self._fixture_wakeup = asyncio.Event()
        self._rate_limited_until = 0.0
        self._refused: dict[str, str] = {}
        """Stream kind -> the stream that was refused the key; 'odds' means the key itself is refused."""
        self._key_checked = asyncio.Event()
        """Set once the first connection has an answer: the others wait, so a bad key costs one request."""
        self._snapshot_by_fixture: set[str] = set()
        """Snapshot paths that refused sport/league filters: asked by fixture_id from then on."""
        self.http = async_client(
            settings.base_url,
            headers={"X-Api-Key": settings.api_key.reveal()},
            timeout=httpx.Timeout(10.0, read=read_timeout),
            limits=httpx.Limits(max_connections=None),
        )

    async def run(self) -> None:
        try:
            self.plans = plan_streams(self.sports, self.books, await self._league_plan(), self.copilot)
            async with asyncio.TaskGroup() as group:
                group.create_task(self._fetch_missing_fixtures())
                for i, plan in enumerate(self.plans):
                    group.create_task(self._run_stream(plan, delay=i * self.stagger, first=i == 0))
        finally:
            await self.http.aclose()

    # --- planning -----------------------------------------------------------------

    async def _league_plan(self) -> dict[str, list[str]]:
        """Leagues per sport from `/leagues?sport=`: the configured ones, or all of them, 10 to a connection.

        A sport whose league list cannot be read streams the configured leagues, or the whole sport.
        """
        plan: dict[str, list[str]] = {}
        wanted = {lg.lower(): lg for lg in self.leagues}
        for sport in self.sports:
            try:
                listed = await self._leagues_of(sport)
            except (httpx.HTTPError, AuthFailed, RateLimited, RequestRejected, StreamFailed) as exc:
                log.warning("opticodds: no league list for %s (%s)", sport, type(exc).__name__)
                if wanted:
                    plan[sport] = list(self.leagues)
                continue
            if not wanted:
                plan[sport] = [league for league, _ in listed]
                continue
            mine = [wanted[key] for league, name in listed for key in (league.lower(), name.lower()) if key in wanted]
            if mine:
                plan[sport] = list(dict.fromkeys(mine))
        if wanted:
            self.sports = tuple(s for s in self.sports if s in plan)
        return plan

    async def _leagues_of(self, sport: str) -> list[tuple[str, str]]:
        """(id, name) of each league of `sport`; items of another shape are skipped."""
        leagues = []
        for item in await self._get("/leagues", [("sport", sport)]):
            if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
                name = item.get("name")
                leagues.append((item["id"], name if isinstance(name, str) else item["id"]))
        return leagues

    # --- one connection ---------------------------------------------------------

    async def _run_stream(self, plan: StreamPlan, delay: float, first: bool) -> None:
        reporter = StreamReporter(plan.name, PROVIDER, self.feed.put)
        state = self.streams[plan.name] = _StreamState(plan, reporter, Backoff(self.backoff_base))
        reporter.state(StreamState.CONNECTING)  # every planned stream shows from the start, staggered or not
        await asyncio.sleep(delay)
        if not first:
            await self._key_checked.wait()
        await reconnect(
            lambda: self._session(state),
            reporter,
            state.backoff,
            process_exception=lambda exc: self._verdict(state, exc),
            before_attempt=lambda: self._rate_limit_pause(state),
        )

    async def _rate_limit_pause(self, state: _StreamState) -> None:
        """After a 429 on any connection, no new connection for the pause (the guide: at least 15 s)."""
        wait = self._rate_limited_until - time.monotonic()
        if wait > 0:
            state.reporter.state(StreamState.RATE_LIMITED, "streaming limit reached", retry_in=wait)
            await asyncio.sleep(wait)

    def _verdict(self, state: _StreamState, exc: BaseException | None) -> Verdict:
        self._key_checked.set()
        kind = state.plan.kind
        if isinstance(exc, _Disabled):
            return Fatal(str(exc), StreamState.DOWN)
        if isinstance(exc, AuthFailed):
            refused = self._refused.get("odds") or self._refused.get(kind)
            if refused:
                return Fatal(f"stopped: the key was refused (see {refused})", StreamState.DOWN)
            self._refused[kind] = state.plan.name
            # a key without Copilot is the plan's limit, not a bad key: shown as down, and the provider goes on
            return Fatal(str(exc), StreamState.DOWN if kind == "copilot" else StreamState.AUTH_ERROR)
        if isinstance(exc, RateLimited):
            pause = max(self.rate_limit_pause, exc.wait)
            self._rate_limited_until = max(self._rate_limited_until, time.monotonic() + pause)
            return Retry(str(exc), pause, StreamState.RATE_LIMITED)
        verdict = default_verdict(exc)
        if isinstance(verdict, Retry):  # its prices read stale while it is not live: say what happens next
            shown = StreamState.RECONNECTING if verdict.state is StreamState.STALE else verdict.state
            return Retry(verdict.reason, max(verdict.floor, state.retry_floor), shown)
        return verdict

    def _params(self, state: _StreamState, resume: str | None) -> Query:
        plan = state.plan
        params: Query = [("sportsbook", b) for b in plan.books]
        params += [("league", lg) for lg in plan.leagues]
        if plan.fixture_updates:
            params.append(("include_fixture_updates", "true"))
        if plan.kind == "odds":  # the Copilot doc lists no odds_format: its prices are American
            params.append(("odds_format", self.wire_format.value.upper()))
        if resume is not None:
            params.append(("last_entry_id", resume))
        return params

    def _resume_id(self, state: _StreamState) -> str | None:
        if state.last_entry and time.monotonic() - state.last_event_at < RESUME_HORIZON:
            return state.last_entry
        return None

    async def _session(self, state: _StreamState) -> None:
        plan, reporter = state.plan, state.reporter
        refused = self._refused.get("odds") or self._refused.get(plan.kind)
        if refused:
            raise _Disabled(f"stopped: the key was refused (see {refused})")
        resume = self._resume_id(state)
        async with self.http.stream(
            "GET", plan.path, params=self._params(state, resume), headers={"Accept": "text/event-stream"}
        ) as response:
            await self._check_stream_status(state, response)
            if not response.headers.get("content-type", "").startswith("text/event-stream"):
                raise StreamFailed(f"expected an event stream, got {response.headers.get('content-type')!r}")
            self._key_checked.set()
            try:
                async with asyncio.TaskGroup() as group:
                    if resume is None:
                        state.touched = set()
                        reporter.state(StreamState.CONNECTING, "loading the snapshot")
                        group.create_task(self._snapshot_loop(state))
                    else:
                        reporter.state(StreamState.LIVE)
                    await self._read(state, response)
            except BaseExceptionGroup as failed:
                raise failed.exceptions[0] from None
            finally:
                state.touched = None

    async def _read(self, state: _StreamState, response: httpx.Response) -> None:
        retry = None
        async for sse in iter_sse(response):
            if sse.retry is not None and sse.retry != retry:  # sent with every event: clamped once per value
                retry = sse.retry
                state.retry_floor = clamp_retry_field(retry)
            name = sse.event
            if name in ("connected", "ping") or not sse.data:
                continue
            if self._handle(state, name, sse.data):
                state.backoff.reset()
        raise StreamFailed("the server ended the stream")

    async def _check_stream_status(self, state: _StreamState, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        await response.aread()
        failure = failure_for_status(response, "OpticOdds", KEY_HINT, self.rate_limit_pause)
        if state.plan.kind == "copilot" and response.status_code == 404:
            failure = RequestRejected(
                f"OpticOdds has no Copilot stream for {state.plan.sport} (HTTP 404; the docs show basketball)", 404
            )
        if isinstance(failure, AuthFailed) and state.plan.kind == "copilot":
            failure = AuthFailed(
                f"Copilot is off: OpticOdds refused this key for Copilot (HTTP {response.status_code}: "
                f"{server_message(response)}). Copilot needs an organization-level key; odds and results go on"
            )
        if failure is not None:
            raise failure

    # --- events -----------------------------------------------------------------

    def _handle(self, state: _StreamState, name: str, data: str) -> bool:
        """Apply one data event; True if it was new. Malformed ones are skipped and counted, never raised."""
        reporter = state.reporter
        try:
            if name in PRICE_EVENTS:
                payload: Any = decode_price_event(data)
                entry_id = payload.entry_id
            elif name == "copilot-settled-odds":
                payload = settled_event_decoder.decode(data)
                entry_id = payload.entry_id
            else:
                payload = json_decoder.decode(data)
                if not isinstance(payload, dict):
                    reporter.rejected(f"{name[:40]}: not a JSON object")
                    return False
                entry_id = payload.get("entry_id")
        except ShapeError as exc:
            reporter.rejected(f"{name[:40]}: unexpected shape ({str(exc)[:120]})")
            return False
        except (DecodeError, RecursionError):  # msgspec raises RecursionError past its nesting limit
            reporter.rejected(f"{name[:40]}: not valid JSON")
            return False
        if not isinstance(entry_id, str) or not entry_id:
            entry_id = None
        order = None if entry_id is None else entry_order(entry_id)
        if entry_id is not None and self._seen(state, name, entry_id, order):
            state.duplicates += 1
            return False
        try:
            events = self._events(state, name, payload)
        except MALFORMED as exc:
            reporter.rejected(f"{name[:40]}: unexpected shape ({type(exc).__name__})")
            return False
        if events is None:
            reporter.rejected(f"unknown event {name[:40]!r}")
            return False
        for event in events:
            self.feed.put(event)
        if entry_id is not None and (order is None or state.last_entry_order is None or order > state.last_entry_order):
            state.last_entry, state.last_entry_order = entry_id, order
        state.last_event_at = time.monotonic()
        return True

    @staticmethod
    def _seen(state: _StreamState, name: str, entry_id: str, order: tuple[int, int] | None) -> bool:
        """Whether (event name, entry_id) was applied before; records it. The Copilot doc reuses one
        entry_id for a locked and a settled event, so the name is part of the key. `order` is the id's."""
        if order is not None:
            last = state.last_order.get(name)
            if last is not None and order <= last:
                return True
            state.last_order[name] = order
            return False
        key = (name, entry_id)
        if key in state.recent:
            return True
        state.recent[key] = None
        if len(state.recent) > 4096:
            del state.recent[next(iter(state.recent))]
        return False

    def _report(self, state: _StreamState, name: str, rejected: list[str]) -> None:
        for reason in rejected:
            state.reporter.rejected(f"{name[:40]}: {reason}")

    def _events(self, state: _StreamState, name: str, payload: Any) -> list | None:
        """Normalized events for one payload. Entry ids stay here: the client dedupes on (name, entry_id)."""
        stream = state.plan.name
        if name in PRICE_EVENTS:
            fmt = OddsFormat.AMERICAN if name.startswith("copilot-") else self.wire_format
            converted: Converted = odds_from_stream(payload.data, stream, fmt)
            self._report(state, name, converted.rejected)
            quotes = converted.quotes
            if not quotes:
                return []
            keys = list(map(_KEY, quotes))
            if state.touched is not None:
                state.touched.update(keys)
            if name.endswith("locked-odds"):
                for key in keys:
                    state.held.pop(key, None)
                return [QuotesLocked(stream, None, quotes)]
            state.held.update(zip(keys, quotes, strict=True))
            self._note_fixtures(quotes)
            return [QuotesPosted(stream, None, quotes)]
        if name == "copilot-settled-odds":
            settled, rejected = settlements_from(payload.data)
            self._report(state, name, rejected)
            for key in settled:
                state.held.pop(key, None)
                if state.touched is not None:
                    state.touched.add(key)
            return [QuotesSettled(stream, None, PROVIDER, settled)] if settled else []
        if name == "fixture-status":
            return self._fixture_status(state, payload["data"])
        if name == "fixture-results":
            return self._fixture_results(state, payload["data"])
        return None

    def _fixture_status(self, state: _StreamState, data: Any) -> list:
        fixture_id = data["fixture_id"]
        if not isinstance(fixture_id, str) or not fixture_id:
            raise TypeError("fixture_id")
        statuses = []
        for key in ("old_status", "new_status"):
            try:
                statuses.append(parse_status(data.get(key)))
            except ValueError:
                state.reporter.rejected(f"fixture-status: {key} is not a documented status; left unchanged")
                statuses.append(None)
        timestamp = data.get("timestamp")
        change = FixtureChange(
            PROVIDER,
            fixture_id,
            statuses[0],
            statuses[1],
            parse_time(data.get("old_start_date")),
            parse_time(data.get("new_start_date")),
            float(timestamp) if isinstance(timestamp, int | float) and not isinstance(timestamp, bool) else 0.0,
            *_named_game(data),
        )
        if change.new_status is None and change.new_start is None:
            return []
        if fixture_id not in self.known_fixtures:
            self._want_fixture(fixture_id)
        seen = (change.new_status, change.new_start)
        if self._last_change.get(fixture_id) == seen:
            return []  # several odds streams may report it
        self._last_change[fixture_id] = seen
        live = self._seen_live(fixture_id)
        live.status = change.new_status or live.status
        live.start = change.new_start if change.new_start is not None else live.start
        return [FixtureChanged(state.plan.name, None, change)]

    def _fixture_results(self, state: _StreamState, data: Any) -> list:
        fixture_id = data["fixture_id"]
        if not isinstance(fixture_id, str) or not fixture_id:
            raise TypeError("fixture_id")
        score = parse_score(data.get("score"))
        if score is None:
            state.reporter.rejected("fixture-results: no readable score (scores.home.total / home.total)")
            return []
        is_live = data.get("is_live")
        live = self._seen_live(fixture_id)
        live.score = score
        live.is_live = is_live if isinstance(is_live, bool) else live.is_live
        return [
            ScoreUpdated(
                state.plan.name, None, PROVIDER, fixture_id, score, is_live if isinstance(is_live, bool) else None
            )
        ]

    def _seen_live(self, fixture_id: str) -> _Live:
        live = self._live.get(fixture_id)
        if live is None:
            live = self._live[fixture_id] = _Live(time.monotonic())
        live.at = time.monotonic()
        return live

    # --- fixtures and snapshots ---------------------------------------------------

    def forget(self, refs: Iterable[tuple[str, str]]) -> None:
        """Drop what is kept about fixtures the store evicted: a long run holds only the games it shows."""
        gone = {fixture_id for provider, fixture_id in refs if provider == PROVIDER}
        if not gone:
            return
        for fixture_id in gone:
            self._live.pop(fixture_id, None)
            self._last_change.pop(fixture_id, None)
        self.known_fixtures -= gone
        self._missing_fixtures -= gone
        for state in self.streams.values():
            for key in [key for key, quote in state.held.items() if quote.fixture_id in gone]:
                del state.held[key]

    def _note_fixtures(self, quotes: list[Quote]) -> None:
        for fixture_id in set(map(_FIXTURE_ID, quotes)).difference(self.known_fixtures):
            self._want_fixture(fixture_id)

    def _want_fixture(self, fixture_id: str) -> None:
        if fixture_id not in self._missing_fixtures:
            self._missing_fixtures.add(fixture_id)
            self._fixture_wakeup.set()

    async def _fetch_missing_fixtures(self) -> None:
        """Look up fixtures first seen in a stream (listed after hydration), a few ids per call."""
        while True:
            await self._fixture_wakeup.wait()
            await asyncio.sleep(0.2)
            self._fixture_wakeup.clear()
            wanted = sorted(self._missing_fixtures - self.known_fixtures)[:50]
            asked = time.monotonic()
            for start in range(0, len(wanted), MAX_FIXTURES_PER_SNAPSHOT):
                batch = wanted[start : start + MAX_FIXTURES_PER_SNAPSHOT]
                with contextlib.suppress(httpx.HTTPError, StreamFailed, AuthFailed, RateLimited, RequestRejected):
                    for item in await self._get("/fixtures", [("id", fid) for fid in batch]):
                        with contextlib.suppress(*MALFORMED):
                            self._upsert(f"{PROVIDER}:fixtures", item, asked)
            self._missing_fixtures.difference_update(wanted)
            self._missing_fixtures -= self.known_fixtures  # listed meanwhile, by a snapshot

    def _upsert(self, stream: str, item: Any, asked: float) -> None:
        """Add a fixture from a REST reply asked for at `asked`; what a stream said since then stands."""
        fixture = fixture_from_json(item)
        live = self._live.get(fixture.fixture_id)
        if live is not None and live.at >= asked:
            if live.status is not None:
                fixture.status = live.status
                fixture.is_live = live.status in (FixtureStatus.LIVE, FixtureStatus.HALF)
            fixture.start = live.start if live.start is not None else fixture.start
            fixture.score = live.score or fixture.score
            fixture.is_live = live.is_live if live.is_live is not None else fixture.is_live
        self.known_fixtures.add(fixture.fixture_id)
        self.feed.put(FixtureUpserted(stream, None, fixture))

    async def _get(self, path: str, params: Query) -> list:
        response = await self.http.get(path, params=params)
        failure = failure_for_status(response, "OpticOdds", KEY_HINT, self.rate_limit_pause)
        if failure is not None:
            raise failure
        try:
            data = json_decoder.decode(response.content)["data"]
        except (DecodeError, KeyError, TypeError):
            raise StreamFailed(f"{path}: the reply is not the documented JSON") from None
        if not isinstance(data, list):
            raise StreamFailed(f"{path}: the reply's data is not a list")
        return data

    async def _snapshot_loop(self, state: _StreamState) -> None:
        """Load the snapshot, backing off while it fails; the stream stays open and is live once it is in."""
        backoff = Backoff(self.backoff_base)
        while True:
            asked = time.monotonic()
            try:
                items = await self._snapshot(state.plan)
                break
            except AuthFailed:
                raise
            except (httpx.HTTPError, StreamFailed, RateLimited, RequestRejected) as exc:
                floor = exc.wait if isinstance(exc, RateLimited) else 0.0
                delay = backoff.next_delay(floor)
                reason = str(exc) or type(exc).__name__
                state.reporter.state(StreamState.STALE, f"snapshot failed ({reason})", retry_in=delay)
                await asyncio.sleep(delay)
        self._apply_snapshot(state, items, asked)
        state.touched = None
        state.reporter.state(StreamState.LIVE)

    async def _snapshot(self, plan: StreamPlan) -> list:
        """The fixtures (with their odds) a stream covers: by sport and league, or by fixture_id if refused."""
        leagues = [("league", lg) for lg in plan.leagues]
        if plan.kind == "results":
            return await self._get("/fixtures", [("sport", plan.sport), *leagues])
        path = "/copilot/fixtures/odds" if plan.kind == "copilot" else "/fixtures/odds"
        common = [("sportsbook", b) for b in plan.books]
        if plan.kind == "odds":
            common.append(("odds_format", self.wire_format.value.upper()))
        if path not in self._snapshot_by_fixture:
            try:
                return await self._get(path, [("sport", plan.sport), *leagues, *common])
            except RequestRejected as exc:
                if exc.status not in (400, 422):
                    raise
                self._snapshot_by_fixture.add(path)
        ids = []
        for item in await self._get("/fixtures", [("sport", plan.sport), *leagues]):
            with contextlib.suppress(*MALFORMED):
                fixture = fixture_from_json(item)
                if not fixture.status.is_terminal:
                    ids.append(fixture.fixture_id)
        items = []
        for start in range(0, len(ids), MAX_FIXTURES_PER_SNAPSHOT):
            batch = [("fixture_id", fid) for fid in ids[start : start + MAX_FIXTURES_PER_SNAPSHOT]]
            items += await self._get(path, [*batch, *common])
        return items

    def _apply_snapshot(self, state: _StreamState, items: list, asked: float) -> None:
        """Post the snapshot's prices (where the stream has not moved on since it opened), then lock every
        price this stream held that the snapshot no longer lists: off the board or suspended, never live, and
        marked stale, since the price it was suspended at may have moved unseen."""
        plan, stream = state.plan, state.plan.name
        touched = state.touched or set()
        fmt = self.wire_format if plan.kind == "odds" else OddsFormat.AMERICAN
        listed: set[str] = set()
        fresh: list[Quote] = []
        for item in items:
            try:
                self._upsert(stream, item, asked)
            except MALFORMED as exc:
                state.reporter.rejected(f"snapshot fixture skipped ({type(exc).__name__})")
            if plan.kind == "results" or not isinstance(item, dict):
                continue
            parent = item["id"] if isinstance(item.get("id"), str) else ""
            converted = odds_from_snapshot(item.get("odds") or [], parent, stream, fmt)
            self._report(state, "snapshot", converted.rejected)
            for quote in converted.quotes:
                if not quote.fixture_id:
                    state.reporter.rejected("snapshot: odd skipped: no fixture_id here or on its fixture")
                    continue
                listed.add(quote.key)
                if quote.key not in touched:
                    fresh.append(quote)
        if fresh:
            self.feed.put(QuotesPosted(stream, None, fresh))
            for quote in fresh:
                state.held[quote.key] = quote
        gone = [q for key, q in state.held.items() if key not in listed and key not in touched]
        for quote in gone:
            del state.held[quote.key]
        if gone:  # locked at the last price seen, which the snapshot cannot confirm: stale as well
            self.feed.put(QuotesLocked(stream, None, gone))
            self.feed.put(QuotesMarkedStale(stream, PROVIDER, [q.key for q in gone]), data=False)


def _named_game(data: Mapping[str, Any]) -> tuple[str, str, str]:
    """(league, home, away) as a fixture-status event names them; '' for each it omits or mistypes."""
    fixture = data.get("fixture")
    fixture = fixture if isinstance(fixture, Mapping) else {}

    def text(value: object) -> str:
        return value.strip() if isinstance(value, str) else ""

    return text(data.get("league")), text(fixture.get("home_team_display")), text(fixture.get("away_team_display"))
