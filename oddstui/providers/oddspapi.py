"""OddsPapi: the WebSocket gateway (login, four fixture channels, resume and replay) plus REST snapshots.

Each connection runs through the shared `reconnect` loop. Login asks for `fixtures`, `scores`,
`odds` and `bookmakers` in binary mode. Cursors are resent only for the channels `login_ok` lists
in `replayChannels`, and only while younger than its `resumeWindowMs`; every other channel (odds,
in the docs' example) is rebuilt from REST after each reconnect, its prices stale until then.
The first snapshot is retried with backoff, and the stream reports stale until it is in.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Iterable, Sequence
from pathlib import Path

import httpx
import msgpack
import websockets

from oddstui.config import ProviderSettings
from oddstui.model import (
    Fixture,
    FixtureUpserted,
    Quote,
    QuotesLocked,
    QuotesPosted,
    ScoreUpdated,
    StreamState,
    entry_order,
)
from oddstui.odds import OddsFormat
from oddstui.providers.backoff import Backoff
from oddstui.providers.base import Fatal, Retry, Verdict, reconnect
from oddstui.providers.errors import AuthFailed, RateLimited, RequestRejected, StreamFailed
from oddstui.providers.feed import Feed
from oddstui.providers.health import StreamReporter
from oddstui.providers.http import async_client, websocket_connect
from oddstui.providers.oddspapi_book import Held, PriceBook
from oddstui.providers.oddspapi_rest import KEY_HINT, MarketNames, PapiRest
from oddstui.providers.oddspapi_wire import (
    MAX_FRAME,
    PROVIDER,
    STATUS_BY_ID,
    BookFlags,
    Outcome,
    WireError,
    book_flags,
    book_slugs,
    decode_frame,
    fixture_from_payload,
    guessed_slug,
    outcome_from_wire,
    score_from_periods,
    snapshot_outcomes,
    sport_of,
)

STREAM = "oddspapi:ws"
log = logging.getLogger(__name__)
CHANNELS = ("fixtures", "scores", "odds", "bookmakers")
PRICE_CHANNELS = frozenset({"odds", "bookmakers"})
SPORT_IDS = {"soccer": 10, "basketball": 11, "tennis": 12, "baseball": 13, "football": 14, "hockey": 15}
CLOSE_FLOORS = {4003: 30.0, 4002: 5.0}
"""Minimum waits after these close codes: too many connections (max 5 per key group), and backpressure."""
TOO_MANY = "too_many_connections"
LOGIN_FAILED = "login_failed"
"""The Troubleshooting page's login errors; it gives no close code for `login_failed`, so its reason decides."""
LOGIN_HINT = f"{KEY_HINT}, and check that the key may use the configured books (`books` in the config file)"
"""`login_failed` means a missing/invalid key, no channel allowed, or bookmakers not allowed (Troubleshooting)."""
CURSOR_SLACK_MS = 3_600_000
"""An entryId stamped later than an hour from now is no cursor: kept, it would drop every later entry."""
SHAPE_ERRORS = (WireError, KeyError, TypeError, ValueError, AttributeError, OverflowError)


class _Ended(Exception):
    """The gateway ended the connection cleanly."""


class OddsPapiClient:
    """Streams OddsPapi into a Feed until cancelled or refused."""

    def __init__(
        self,
        settings: ProviderSettings,
        feed: Feed,
        *,
        sports: Sequence[str] = (),
        books: Sequence[str] = (),
        cache_dir: Path | None = None,
        backoff_base: float = 1.0,
        login_timeout: float = 10.0,
    ) -> None:
        self.settings = settings
        self.feed = feed
        self.sport_ids = sorted({SPORT_IDS[s] for s in sports if s in SPORT_IDS}) or sorted(SPORT_IDS.values())
        self.books = tuple(books)
        self.bookmakers = [guessed_slug(book) for book in books]
        """The login's and snapshots' bookmaker filter: slugs, as the `/bookmakers` catalog names them once read."""
        self.names = MarketNames(cache_dir / "oddspapi-markets.json" if cache_dir else None)
        self.names.load_cache()
        self.backoff = Backoff(backoff_base)
        self.rest_backoff = Backoff(backoff_base)
        self.login_timeout = login_timeout
        self.reporter = StreamReporter(STREAM, PROVIDER, feed.put)
        self.book = PriceBook()
        self.fixtures: dict[str, Fixture] = {}
        self.book_names: dict[str, str] = {}
        self.epoch: str | None = None
        self.replay_channels: frozenset[str] = frozenset()
        self.resume_window_ms = 0
        self.last_seen: dict[str, str] = {}
        self._orders: dict[str, tuple[int, int]] = {}
        self.connections = 0
        self.logged_in = False
        self.duplicates = 0
        self.unknown_status_ids = 0
        self.scores_without_totals = 0
        self._fatal: Exception | None = None
        self._want_fixtures = True
        self._want_sports: set[int] = set()
        self._names_loaded = False
        self._wake = asyncio.Event()
        self._login_seen = asyncio.Event()
        self.http = async_client(settings.base_url, timeout=10.0, params={"apiKey": settings.api_key.reveal()})
        self.rest = PapiRest(self.http)

    async def run(self) -> None:
        try:
            await reconnect(self._session, self.reporter, self.backoff, self._verdict)
        finally:
            await self.http.aclose()

    @staticmethod
    def _verdict(exc: BaseException | None) -> Verdict | None:
        """OddsPapi's close codes; everything else takes the shared default."""
        if isinstance(exc, websockets.ConnectionClosed) and exc.rcvd is not None:
            code, reason = exc.rcvd.code, exc.rcvd.reason
            if code == 4001 or reason.strip() == LOGIN_FAILED:
                return Fatal(f"OddsPapi refused the login (close {f'{code} {reason}'.strip()}). Fix: {LOGIN_HINT}")
            if code in CLOSE_FLOORS or reason.strip() == TOO_MANY:
                return Retry(f"closed {code} {reason}".strip(), CLOSE_FLOORS.get(code, CLOSE_FLOORS[4003]))
        return None

    # --- one connection -------------------------------------------------------------

    async def _session(self) -> None:
        if self.books and not self._names_loaded and self.connections == 0:
            await self._load_names()  # the login filters bookmakers by slug: learn them first, once
        async with websocket_connect(self.settings.ws_url, max_size=MAX_FRAME, open_timeout=10, close_timeout=2) as ws:
            self.logged_in = False
            self._prepare_resume()
            self._login_seen = asyncio.Event()
            await ws.send(self._login())
            try:
                async with asyncio.TaskGroup() as group:
                    group.create_task(self._rest_worker())
                    await self._receive(ws)
                    raise _Ended
            except BaseExceptionGroup as failures:
                first = failures.exceptions[0]
                if isinstance(first, _Ended):
                    return
                raise first from None

    async def _receive(self, ws: websockets.ClientConnection) -> None:
        self._fatal = None
        try:
            async with asyncio.timeout(self.login_timeout):
                while not self.logged_in:
                    self._frame(await ws.recv())
                    self._raise_fatal()
        except TimeoutError:
            raise StreamFailed(f"no login_ok within {self.login_timeout:g} s") from None
        async for raw in ws:
            if self._frame(raw):
                self.backoff.reset()
            self._raise_fatal()

    def _raise_fatal(self) -> None:
        if self._fatal is not None:
            raise self._fatal

    def _prepare_resume(self) -> None:
        """Before a reconnect: keep cursors only where replay can work; rebuild every other channel from REST."""
        self.connections += 1
        if self.connections == 1:
            return
        now_ms = time.time() * 1000
        resumable = set()
        for channel, entry_id in list(self.last_seen.items()):
            order = entry_order(entry_id)
            fresh = order is not None and now_ms - order[0] <= self.resume_window_ms
            if channel in self.replay_channels and fresh:
                resumable.add(channel)
            else:
                self._forget_cursor(channel)
        lost = set(CHANNELS) - resumable
        self._resnapshot(lost)

    def _login(self) -> str:
        login: dict = {
            "type": "login",
            "apiKey": self.settings.api_key.reveal(),
            "channels": list(CHANNELS),
            "receiveType": "binary",
            "sportIds": self.sport_ids,
        }
        if self.bookmakers:
            login["bookmakers"] = self.bookmakers
        if self.epoch is not None:
            login["serverEpoch"] = self.epoch
            cursors = {ch: eid for ch, eid in self.last_seen.items() if ch in self.replay_channels}
            if cursors:
                login["lastSeenId"] = cursors
        return json.dumps(login)

    def _forget_cursor(self, channel: str) -> None:
        self.last_seen.pop(channel, None)
        self._orders.pop(channel, None)

    def _resnapshot(self, channels: set[str]) -> None:
        """Rebuild these channels from REST: prices read stale until their fixture's snapshot is in."""
        if channels & {"fixtures", "scores"}:
            self._want_fixtures = True
        if channels & PRICE_CHANNELS and not self.book.pending_all:
            self.book.pending_all = True
            self._emit(*self.book.render())
        self._wake.set()
        self._report()

    def _report(self, detail: str = "", retry_in: float | None = None) -> None:
        if not self.logged_in:
            return
        if self._want_fixtures or self.book.pending_all or self.book.pending:
            self.reporter.state(StreamState.STALE, detail or "waiting for the REST snapshot", retry_in)
        else:
            self.reporter.state(StreamState.LIVE)

    # --- frames -----------------------------------------------------------------------

    def _frame(self, raw: str | bytes) -> bool:
        """One raw frame in: events to the feed, anything unreadable skipped and counted. True for applied data."""
        try:
            message = decode_frame(raw)
        except (ValueError, msgpack.UnpackException, TypeError, RecursionError):
            self.reporter.rejected("undecodable frame")
            return False
        if not isinstance(message, dict):
            self.reporter.rejected("frame is not a map")
            return False
        if "channel" not in message:
            self._control(message)
            return False
        try:
            return self._data(message)
        except SHAPE_ERRORS as exc:
            self.reporter.rejected(f"{str(message.get('channel'))[:20]}: unexpected shape ({type(exc).__name__})")
            return False

    def _control(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "login_ok":
            self._login_ok(message)
        elif kind == "snapshot_required":
            channels = message.get("channels")
            wanted = {c for c in channels if isinstance(c, str)} if isinstance(channels, list) else set(CHANNELS)
            for channel in wanted:
                self._forget_cursor(channel)
            epoch = message.get("serverEpoch")
            self.epoch = epoch if isinstance(epoch, str) else self.epoch
            self._resnapshot(wanted & set(CHANNELS))
        elif kind == LOGIN_FAILED:
            reason = str(message.get("message") or message.get("reason") or "")[:100]
            self._fatal = AuthFailed(f"OddsPapi refused the login (login_failed: {reason}). Fix: {LOGIN_HINT}")
        elif kind is None and isinstance(message.get("access"), dict):
            return  # the access notice (WebSocket Authentication): in `login_ok` or, as the doc shows it, alone
        elif kind not in ("resume_complete", TOO_MANY, "pong"):
            self.reporter.rejected(f"unknown control message {str(kind)[:40]!r}")

    def _login_ok(self, message: dict) -> None:
        resume = message.get("resume")
        resume = resume if isinstance(resume, dict) else {}
        epoch = resume.get("serverEpoch")
        if isinstance(epoch, str):
            if self.epoch is not None and epoch != self.epoch:
                for channel in list(self.last_seen):
                    self._forget_cursor(channel)
                self._resnapshot(set(CHANNELS))
            self.epoch = epoch
        replay = resume.get("replayChannels")
        self.replay_channels = (
            frozenset(c for c in replay if isinstance(c, str)) if isinstance(replay, list) else frozenset()
        )
        window = resume.get("resumeWindowMs")
        self.resume_window_ms = window if isinstance(window, int) and not isinstance(window, bool) else 0
        self.logged_in = True
        self._login_seen.set()
        self._report()

    def _data(self, message: dict) -> bool:
        channel = message["channel"]
        if channel not in CHANNELS:
            self.reporter.rejected(f"unknown channel {str(channel)[:40]!r}")
            return False
        if message.get("type") != "UPDATE":
            self.reporter.rejected(f"{channel}: message type is not UPDATE")
            return False
        entry_id = message.get("entryId")
        order = entry_order(entry_id) if isinstance(entry_id, str) else None
        if order is not None and order[0] > time.time() * 1000 + CURSOR_SLACK_MS:
            self.reporter.rejected(f"{channel}: entryId from the future, not kept as a cursor")
            order = None
        seen = self._orders.get(channel)
        if order is not None and seen is not None and order <= seen:
            self.duplicates += 1
            return False
        payload = message["payload"]
        if not isinstance(payload, dict):
            raise WireError("payload is not an object")
        {"odds": self._odds, "fixtures": self._fixture, "scores": self._scores, "bookmakers": self._books}[channel](
            payload
        )
        if order is not None and isinstance(entry_id, str):
            self._orders[channel] = order
            self.last_seen[channel] = entry_id
        return True

    def _fixture(self, payload: dict) -> None:
        previous = self.fixtures.get(str(payload.get("fixtureId")))
        fixture, known = fixture_from_payload(payload, previous)
        self._note_status(payload, known)
        self._upsert(fixture)

    def _note_status(self, payload: dict, known: bool) -> None:
        status = payload.get("status") or {}
        status_id = status.get("statusId")
        if isinstance(status_id, int) and status_id not in STATUS_BY_ID:
            self.unknown_status_ids += 1
        if not known:
            self.reporter.rejected("fixtures: unknown status; kept the last known one")

    def forget(self, refs: Iterable[tuple[str, str]]) -> None:
        """Drop what is kept about fixtures the store evicted: a long run holds only the games it shows."""
        gone = {fixture_id for provider, fixture_id in refs if provider == PROVIDER}
        for fixture_id in gone:
            self.fixtures.pop(fixture_id, None)
        self.book.forget(gone)

    def _upsert(self, fixture: Fixture) -> None:
        fixture_id = fixture.fixture_id
        self.fixtures[fixture_id] = fixture
        self.feed.put(FixtureUpserted(STREAM, None, fixture))
        was_closed = fixture_id in self.book.closed
        if fixture.status.is_terminal != was_closed:
            (self.book.closed.add if fixture.status.is_terminal else self.book.closed.discard)(fixture_id)
            self._emit(*self.book.render(fixture_id=fixture_id))

    def _scores(self, payload: dict) -> None:
        fixture_id = payload["fixtureId"]
        if not isinstance(fixture_id, str):
            raise WireError("fixtureId missing")
        fixture = self.fixtures.get(fixture_id)
        score = score_from_periods(payload["scores"], fixture.score if fixture else None)
        if score is None:
            self.scores_without_totals += 1  # a period with no totals known yet: nothing to show
            return
        if fixture is not None:
            fixture.score = score
        self.feed.put(ScoreUpdated(STREAM, None, PROVIDER, fixture_id, score))

    def _books(self, payload: dict) -> None:
        fixture_id = payload["fixtureId"]
        books = payload["bookmakers"]
        if not isinstance(fixture_id, str) or not isinstance(books, dict):
            raise WireError("fixtureId or bookmakers missing")
        flags: dict[str, BookFlags] = {}
        for slug, entry in books.items():
            try:
                flags[str(slug)] = book_flags(entry)
            except WireError as exc:
                self.reporter.rejected(f"bookmakers: {exc}")
                flags[str(slug)] = self.book.flags.get((fixture_id, str(slug)), BookFlags())
        self.book.set_books(fixture_id, flags, self.book.tick(), set(self.bookmakers))
        self._emit(*self.book.render(fixture_id=fixture_id))

    def _odds(self, payload: dict) -> None:
        fixture_id = payload["fixtureId"]
        odds = payload["odds"]
        if not isinstance(fixture_id, str) or not isinstance(odds, dict):
            raise WireError("fixtureId or odds missing")
        stamp = self.book.tick()
        keys: list[str] = []
        for slug, entries in odds.items():
            if not isinstance(entries, dict):
                self.reporter.rejected("odds: a bookmaker's entries are not a map")
                continue
            for entry in entries.values():
                try:
                    key = self._hold(fixture_id, str(slug), outcome_from_wire(entry), stamp)
                except WireError as exc:
                    self.reporter.rejected(f"odds: skipped one outcome ({exc})")
                    continue
                keys.append(key)
        self._emit(*self.book.render(keys))

    # --- prices ---------------------------------------------------------------------------

    def _hold(self, fixture_id: str, slug: str, outcome: Outcome, stamp: int) -> str:
        """Record one outcome's state; returns its key (`{fixtureId}:{bookmaker}:{outcomeId}:{playerId}`)."""
        key = f"{fixture_id}:{slug}:{outcome.outcome_id}:{outcome.player_id}"
        previous = self.book.held.get(key)
        price = outcome.price if outcome.price is not None else previous.quote.decimal if previous else None
        if price is None:
            raise WireError("a lock for a price never seen")
        market_id = outcome.market_id or self.names.market_of(outcome.outcome_id)
        if market_id is None or market_id not in self.names.markets:
            self._want_markets(sport_of(outcome.outcome_id))
        main = outcome.main_line if outcome.main_line is not None else previous.quote.is_main if previous else True
        limit = outcome.limit if outcome.limit is not None or previous is None else previous.quote.limit
        quote = Quote(
            PROVIDER,
            key,
            fixture_id,
            self.book_names.get(slug, slug.title()),
            "",
            "",
            price,
            raw_format=OddsFormat.DECIMAL,
            stream=STREAM,
            is_main=main,
            is_live=self._is_live(fixture_id),
            ts=outcome.changed_at / 1000,
            limit=limit,
        )
        self._name(quote, outcome.outcome_id, outcome.player_id, market_id)
        flags = self.book.flags.get((fixture_id, slug))
        if flags is not None and not flags.has_odds and not outcome.locked:
            self.book.flags[(fixture_id, slug)] = BookFlags(True, flags.stale, flags.suspended)
        self.book.keep(Held(quote, outcome.locked, slug, stamp))
        return key

    def _is_live(self, fixture_id: str) -> bool:
        fixture = self.fixtures.get(fixture_id)
        return fixture.is_live if fixture else False

    def _name(self, quote: Quote, outcome_id: int, player_id: int, market_id: int | None) -> None:
        """Market, selection, line and group from the `/markets` index; numbered placeholders until it loads."""
        market = self.names.markets.get(market_id) if market_id is not None else None
        quote.market = str(market["marketName"]) if market else f"Market {market_id or '?'}"
        name = self.names.outcomes.get(outcome_id, str(outcome_id))
        fixture = self.fixtures.get(quote.fixture_id)
        if fixture is not None:
            name = {"1": fixture.home, "2": fixture.away, "X": "Draw"}.get(name, name)
        quote.selection = f"Player {player_id} {name}" if player_id else name
        quote.player = f"Player {player_id}" if player_id else ""
        handicap = market.get("handicap") if market else None
        quote.points = float(handicap) if isinstance(handicap, int | float) else None
        quote.group = str(market_id) if market_id is not None else f"outcome:{outcome_id}"

    def _emit(self, posted: list[Quote], locked: list[Quote]) -> None:
        if posted:
            self.feed.put(QuotesPosted(STREAM, None, posted))
        if locked:
            self.feed.put(QuotesLocked(STREAM, None, locked))

    # --- REST -------------------------------------------------------------------------------

    def _want_markets(self, sport_id: int) -> None:
        if sport_id not in self.names.loaded and sport_id not in self._want_sports:
            self._want_sports.add(sport_id)
            self._wake.set()

    async def _rest_worker(self) -> None:
        """Snapshots and metadata once logged in, as asked for; a failed round is retried with backoff."""
        await self._login_seen.wait()
        self._wake.set()
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self._rest_round()
            except (StreamFailed, RateLimited, httpx.TransportError, httpx.DecodingError, *SHAPE_ERRORS) as exc:
                floor = exc.wait if isinstance(exc, RateLimited) else 0.0
                delay = self.rest_backoff.next_delay(floor)
                reason = self.settings.api_key.scrub(str(exc) or type(exc).__name__)[:120]
                self._report(f"snapshot failed ({reason})", retry_in=delay)
                await asyncio.sleep(delay)
                self._wake.set()
                continue
            self.rest_backoff.reset()
            self._report()

    async def _rest_round(self) -> None:
        if not self._names_loaded:
            await self._load_names()
        for sport_id in sorted(self._want_sports):
            await self._optional(self._load_markets(sport_id))
        if self._want_fixtures:
            for sport_id in self.sport_ids:
                try:
                    rows = await self.rest.pages("/fixtures", {"sportId": sport_id})
                except RequestRejected:  # this sport's filter refused (400/422): the others go on
                    self.reporter.rejected(f"/fixtures refused sportId {sport_id}")
                    continue
                for row in rows:
                    try:
                        fixture, known = fixture_from_payload(row, self.fixtures.get(str(row.get("fixtureId"))))
                    except SHAPE_ERRORS:
                        self.reporter.rejected("/fixtures: skipped one row of unexpected shape")
                        continue
                    self._note_status(row, known)
                    self._upsert(fixture)
            self._want_fixtures = False
        if self.book.pending_all:
            held = set(self.book.by_fixture) - self.book.closed
            self.book.pending = held | {f for f, fx in self.fixtures.items() if not fx.status.is_terminal}
            self.book.pending_all = False
            waiting = self.book.pending
            self._emit(*self.book.render([k for k, h in self.book.held.items() if h.quote.fixture_id not in waiting]))
        for fixture_id in sorted(self.book.pending):
            await self._snapshot_odds(fixture_id)

    async def _optional(self, call: Awaitable[None]) -> None:
        """Metadata: names help, but their failure (other than auth) never holds prices back."""
        try:
            await call
        except (StreamFailed, RateLimited, RequestRejected, httpx.HTTPError, *SHAPE_ERRORS):
            return

    async def _load_names(self) -> None:
        try:
            rows = await self.rest.get("/bookmakers")
        except (StreamFailed, RateLimited, RequestRejected, httpx.HTTPError, *SHAPE_ERRORS):
            return
        if isinstance(rows, list):
            for row in rows:
                if isinstance(row, dict) and isinstance(row.get("slug"), str):
                    self.book_names[row["slug"]] = str(row.get("bookmakerName") or row["slug"])
        self._names_loaded = True
        if self.books and self.book_names:
            self.bookmakers = book_slugs(self.books, self.book_names)
            if not self.bookmakers:
                log.warning("oddspapi: no configured book is in the /bookmakers catalog: streaming every book")

    async def _load_markets(self, sport_id: int) -> None:
        self.names.update(sport_id, await self.rest.get("/markets", {"sportId": sport_id}))
        self._want_sports.discard(sport_id)
        for key, held in self.book.held.items():
            if held.quote.group.startswith("outcome:") or held.quote.market.startswith("Market "):
                parts = key.rsplit(":", 2)
                outcome_id, player_id = int(parts[1]), int(parts[2])
                self._name(held.quote, outcome_id, player_id, self.names.market_of(outcome_id))
        self._emit(*self.book.render())

    async def _snapshot_odds(self, fixture_id: str) -> None:
        """One fixture's odds from `/fixtures/odds`; the stream's newer prices and flags win over it."""
        stamp = self.book.tick()
        params: dict = {"fixtureId": fixture_id}
        if self.bookmakers:
            params["bookmakers"] = ",".join(self.bookmakers)
        try:
            body = await self.rest.get("/fixtures/odds", params)
        except RequestRejected:
            body = {}  # the fixture is gone (404) or refused: nothing to rebuild it from
        book_odds = body.get("bookmakerOdds") if isinstance(body, dict) else None
        book_odds = book_odds if isinstance(book_odds, dict) else {}
        if self.book.flags_stamp.get(fixture_id, 0) < stamp:
            flags = {}
            for slug, book in book_odds.items():
                suspended = book.get("suspended") if isinstance(book, dict) else None
                flags[str(slug)] = BookFlags(suspended=suspended is True)
            self.book.set_books(fixture_id, flags, stamp, set(self.bookmakers))
        for slug, book in book_odds.items():
            if not isinstance(book, dict):
                self.reporter.rejected("snapshot: a bookmaker is not an object")
                continue
            for outcome in snapshot_outcomes(book):
                if isinstance(outcome, WireError):
                    self.reporter.rejected(f"snapshot: skipped one outcome ({outcome})")
                    continue
                key = f"{fixture_id}:{slug}:{outcome.outcome_id}:{outcome.player_id}"
                held = self.book.held.get(key)
                if held is not None and held.stamp > stamp:
                    continue  # the stream set it after this snapshot was asked for
                try:
                    self._hold(fixture_id, str(slug), outcome, stamp)
                except WireError as exc:
                    self.reporter.rejected(f"snapshot: skipped one outcome ({exc})")
        self.book.pending.discard(fixture_id)
        self._emit(*self.book.render(fixture_id=fixture_id))
