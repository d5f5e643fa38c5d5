"""OddsPapi: the WebSocket gateway (MessagePack data, JSON control, resume and replay) plus REST snapshots.

Login carries channels and filters with `receiveType: "binary"`. The client keeps `serverEpoch` and
each channel's `lastSeenId` and resumes with them; on `snapshot_required` or a new epoch it marks the
fixtures' quotes stale and re-fetches their REST snapshot. Close codes 4003 and 4002 back off; a
refused login stops. Market and outcome names come from `/markets`, cached for an hour.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import msgpack
import msgspec
import websockets

from oddstui.config import ProviderSettings
from oddstui.model import (
    Fixture,
    FixtureStatus,
    FixtureUpserted,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    Score,
    ScoreUpdated,
    StreamState,
    entry_order,
)
from oddstui.odds import OddsError, OddsFormat
from oddstui.providers.backoff import Backoff
from oddstui.providers.errors import AuthFailed, StreamFailed
from oddstui.providers.feed import Feed
from oddstui.providers.health import StreamReporter
from oddstui.providers.http import async_client
from oddstui.providers.rest import PacedClient

PROVIDER = "oddspapi"
STREAM = "oddspapi:ws"
CHANNELS = ("fixtures", "scores", "odds", "bookmakers")
SPORT_IDS = {"soccer": 10, "basketball": 11, "tennis": 12, "baseball": 13, "football": 14, "hockey": 15}
STATUS_BY_ID = {
    0: FixtureStatus.UNPLAYED,
    1: FixtureStatus.LIVE,
    2: FixtureStatus.COMPLETED,
    3: FixtureStatus.CANCELLED,
    4: FixtureStatus.POSTPONED,
}
CLOSE_FLOORS = {4003: 30.0, 4002: 5.0}
"""Minimum waits after these close codes: too many connections, and a client that read too slowly."""
MARKETS_TTL = 3600.0
MAX_FRAME = 4 * 1024 * 1024


def fixture_from_payload(payload: dict) -> Fixture:
    status = payload.get("status") or {}
    parts = payload.get("participants") or {}
    sport = payload.get("sport") or {}
    tournament = payload.get("tournament") or {}
    status_id = status.get("statusId")
    normalized = STATUS_BY_ID.get(status_id) if isinstance(status_id, int) else None
    normalized = normalized or FixtureStatus.parse(status.get("statusName"))
    result = ((payload.get("scores") or {}).get("result")) or {}
    score = Score(int(result["participant1Score"]), int(result["participant2Score"])) if result else None
    external = {k: str(v) for k, v in (payload.get("externalProviders") or {}).items() if v}
    return Fixture(
        PROVIDER,
        str(payload["fixtureId"]),
        str(sport.get("sportName", "")).lower(),
        str(tournament.get("tournamentName", "")),
        str(parts.get("participant1Name", "")),
        str(parts.get("participant2Name", "")),
        float(payload.get("startTime") or 0),
        normalized,
        bool(status.get("live")),
        score,
        external,
    )


class MarketNames:
    """Market and outcome names from `/markets`, cached on disk and refreshed hourly."""

    def __init__(self, cache_file: Path | None) -> None:
        self.cache_file = cache_file
        self.markets: dict[int, dict] = {}
        self.outcomes: dict[int, str] = {}
        self.loaded_at = 0.0

    def load_cache(self) -> bool:
        if self.cache_file is None or not self.cache_file.exists():
            return False
        try:
            cached = json.loads(self.cache_file.read_text())
            self._index(cached["markets"])
            self.loaded_at = float(cached["loaded_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return time.time() - self.loaded_at < MARKETS_TTL

    def update(self, rows: list[dict]) -> None:
        self._index(rows)
        self.loaded_at = time.time()
        if self.cache_file is not None:
            with contextlib.suppress(OSError):
                self.cache_file.parent.mkdir(parents=True, exist_ok=True)
                self.cache_file.write_text(json.dumps({"loaded_at": self.loaded_at, "markets": rows}))

    def _index(self, rows: list[dict]) -> None:
        for row in rows:
            self.markets[int(row["marketId"])] = row
            for outcome in row.get("outcomes") or ():
                self.outcomes[int(outcome["outcomeId"])] = str(outcome["outcomeName"])

    @property
    def stale(self) -> bool:
        return time.time() - self.loaded_at >= MARKETS_TTL


class OddsPapiClient:
    """Streams OddsPapi into a Feed until cancelled."""

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
        self.sport_ids = sorted({SPORT_IDS[s] for s in sports if s in SPORT_IDS})
        self.bookmakers = [b.lower() for b in books]
        self.names = MarketNames(cache_dir / "oddspapi-markets.json" if cache_dir else None)
        self.backoff = Backoff(backoff_base)
        self.login_timeout = login_timeout
        self.reporter = StreamReporter(STREAM, PROVIDER, feed.put)
        self.epoch: str | None = None
        self.last_seen: dict[str, str] = {}
        self._orders: dict[str, tuple[int, int]] = {}
        self.fixtures: dict[str, Fixture] = {}
        self.keys_by_fixture: dict[str, set[str]] = {}
        self.book_names: dict[str, str] = {}
        self.duplicates = 0
        self._market_refresh_at = 0.0
        self.http = async_client(settings.base_url, timeout=10.0, params={"apiKey": settings.api_key.reveal()})
        self.rest = PacedClient(self.http, "OddsPapi")

    async def run(self) -> None:
        try:
            await self._loop()
        finally:
            await self.http.aclose()

    async def _loop(self) -> None:
        reporter = self.reporter
        while True:
            reporter.state(StreamState.CONNECTING)
            floor = 0.0
            try:
                await self._session()
                failure = "the gateway closed the connection"
            except AuthFailed as exc:
                reporter.state(StreamState.AUTH_ERROR, str(exc))
                return
            except websockets.ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd else 1006
                reason = exc.rcvd.reason if exc.rcvd else "no close frame"
                if code == 4001:
                    reporter.state(StreamState.AUTH_ERROR, "OddsPapi refused the login (4001): check ODDSPAPI_API_KEY")
                    return
                floor = CLOSE_FLOORS.get(code, 0.0)
                failure = f"closed {code} {reason}".strip()
            except (OSError, TimeoutError, websockets.InvalidHandshake, StreamFailed, httpx.HTTPError) as exc:
                failure = self.settings.api_key.scrub(str(exc) or type(exc).__name__)
            delay = self.backoff.next_delay(floor)
            reporter.state(StreamState.RECONNECTING, failure, retry_in=delay)
            await asyncio.sleep(delay)

    # --- the gateway --------------------------------------------------------------

    def _login(self) -> str:
        login: dict = {
            "type": "login",
            "apiKey": self.settings.api_key.reveal(),
            "channels": list(CHANNELS),
            "receiveType": "binary",
        }
        if self.sport_ids:
            login["sportIds"] = self.sport_ids
        if self.bookmakers:
            login["bookmakers"] = self.bookmakers
        if self.epoch is not None and self.last_seen:
            login["serverEpoch"] = self.epoch
            login["lastSeenId"] = dict(self.last_seen)
        return json.dumps(login)

    async def _session(self) -> None:
        async with websockets.connect(self.settings.ws_url, max_size=MAX_FRAME, open_timeout=10, close_timeout=2) as ws:
            await ws.send(self._login())
            reply = await asyncio.wait_for(ws.recv(), self.login_timeout)
            control = msgspec.json.decode(reply) if isinstance(reply, str) else {}
            if control.get("type") != "login_ok":
                if control.get("type") == "login_failed":
                    raise AuthFailed(f"OddsPapi refused the login: {str(control.get('message', ''))[:100]}")
                await asyncio.wait_for(ws.recv(), 5)  # the close code that follows says how long to wait
                raise StreamFailed(f"expected login_ok, got {str(control.get('type'))[:40]!r}")
            epoch = (control.get("resume") or {}).get("serverEpoch")
            first = self.epoch is None
            if not first and epoch != self.epoch:
                await self._resnapshot("server restarted")
            self.epoch = epoch
            self.reporter.state(StreamState.LIVE)
            if first:
                await self._refresh_markets(force=not self.names.load_cache())
                await self._snapshot()
            async for raw in ws:
                if self._frame(raw):
                    self.backoff.reset()

    def _frame(self, raw: str | bytes) -> bool:
        """Route one frame: MessagePack is data, JSON text is control (or data in json mode)."""
        try:
            if isinstance(raw, bytes):
                message = msgpack.unpackb(raw, raw=False, strict_map_key=True)  # size capped by max_size
            else:
                message = msgspec.json.decode(raw)
        except (ValueError, msgpack.UnpackException, TypeError):
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
        except (KeyError, TypeError, ValueError, AttributeError, OddsError) as exc:
            self.reporter.rejected(f"{str(message.get('channel'))[:20]}: unexpected shape ({type(exc).__name__})")
            return False

    def _control(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "snapshot_required":
            self.epoch = message.get("serverEpoch", self.epoch)
            channels = [c for c in message.get("channels") or CHANNELS if isinstance(c, str)]
            for channel in channels:
                self.last_seen.pop(channel, None)
                self._orders.pop(channel, None)
            why = f"snapshot required: {str(message.get('reason'))[:40]}"
            asyncio.get_running_loop().create_task(self._resnapshot(why, odds="odds" in channels))
        elif kind not in ("resume_complete", "pong"):
            self.reporter.rejected(f"unknown control message {str(kind)[:40]!r}")

    def _data(self, message: dict) -> bool:
        channel = message["channel"]
        if channel not in CHANNELS:
            self.reporter.rejected(f"unknown channel {str(channel)[:40]!r}")
            return False
        entry_id = message.get("entryId")
        order = entry_order(entry_id) if isinstance(entry_id, str) else None
        seen = self._orders.get(channel)
        if order is not None and seen is not None and order <= seen:
            self.duplicates += 1
            return False
        payload = message["payload"]
        if channel == "odds":
            self._odds(payload, entry_id)
        elif channel == "fixtures":
            fixture = fixture_from_payload(payload)
            self.fixtures[fixture.fixture_id] = fixture
            self.feed.put(FixtureUpserted(STREAM, None, fixture))
        elif channel == "scores":
            result = payload["scores"]["result"]
            self.feed.put(
                ScoreUpdated(
                    STREAM,
                    None,
                    PROVIDER,
                    str(payload["fixtureId"]),
                    Score(int(result["participant1Score"]), int(result["participant2Score"])),
                )
            )
        if order is not None:
            self._orders[channel] = order
            self.last_seen[channel] = entry_id
        return True

    def _odds(self, payload: dict, entry_id: str | None) -> None:
        fixture_id = str(payload["fixtureId"])
        posted, locked = [], []
        for slug, outcomes in payload["odds"].items():
            for odds_id, outcome in outcomes.items():
                quote = self._quote(fixture_id, slug, str(odds_id), outcome)
                (posted if outcome.get("active", True) and outcome.get("marketActive", True) else locked).append(quote)
        if posted:
            self.feed.put(QuotesPosted(STREAM, None, posted))
        if locked:
            self.feed.put(QuotesLocked(STREAM, None, locked))

    def _quote(self, fixture_id: str, slug: str, odds_id: str, outcome: dict) -> Quote:
        market_id = int(outcome["marketId"])
        outcome_id = int(outcome["outcomeId"])
        market = self.names.markets.get(market_id)
        if market is None:
            self._want_markets()
        name = self.names.outcomes.get(outcome_id, str(outcome_id))
        fixture = self.fixtures.get(fixture_id)
        if fixture is not None:
            name = {"1": fixture.home, "2": fixture.away, "X": "Draw"}.get(name, name)
        player = int(outcome.get("playerId") or 0)
        if player:
            name = f"Player {player} {name}"
        price = float(outcome["price"])
        if not price > 1.0 or price != price:
            raise OddsError("price must be a decimal above 1")
        self.keys_by_fixture.setdefault(fixture_id, set()).add(odds_id)
        return Quote(
            PROVIDER,
            odds_id,
            fixture_id,
            self.book_names.get(slug, slug.title()),
            market["marketName"] if market else f"Market {market_id}",
            name,
            price,
            raw_format=OddsFormat.DECIMAL,
            points=market.get("handicap") if market else None,
            group=str(market_id),
            player=f"Player {player}" if player else "",
            stream=STREAM,
            is_main=bool(outcome.get("mainLine", True)),
            is_live=fixture.is_live if fixture else False,
            ts=float(outcome.get("changedAt") or 0) / 1000,
            limit=outcome.get("limit"),
        )

    # --- REST ---------------------------------------------------------------------

    def _want_markets(self) -> None:
        if time.monotonic() >= self._market_refresh_at:
            self._market_refresh_at = time.monotonic() + 10.0
            asyncio.get_running_loop().create_task(self._refresh_markets(force=True))

    async def _refresh_markets(self, force: bool) -> None:
        with contextlib.suppress(httpx.HTTPError, StreamFailed, ValueError):
            books = (await self.rest.get("/en/bookmakers")).json()
            self.book_names = {b["slug"]: b["bookmakerName"] for b in books}
            if force or self.names.stale:
                params = {"sportId": ",".join(map(str, self.sport_ids))} if len(self.sport_ids) == 1 else None
                self.names.update((await self.rest.get("/en/markets", params)).json())

    async def _snapshot(self) -> None:
        """Fixtures and their odds from REST, for the configured sports."""
        rows = await self._snapshot_fixtures()
        for fixture_id in [r["fixtureId"] for r in rows if not self.fixtures[str(r["fixtureId"])].status.is_terminal]:
            params = {"fixtureId": fixture_id}
            if self.bookmakers:
                params["bookmakers"] = ",".join(self.bookmakers)
            body = (await self.rest.get("/en/fixtures/odds", params)).json()
            self._snapshot_odds(str(fixture_id), body.get("bookmakerOdds") or {})

    async def _snapshot_fixtures(self) -> list[dict]:
        """Fixtures (with scores) from REST, for the configured sports."""
        rows = []
        for sport_id in self.sport_ids or [None]:
            params = {"sportId": sport_id} if sport_id else None
            rows += (await self.rest.get("/en/fixtures", params)).json()
        for row in rows:
            fixture = fixture_from_payload(row)
            self.fixtures[fixture.fixture_id] = fixture
            self.feed.put(FixtureUpserted(STREAM, None, fixture))
        return rows

    def _snapshot_odds(self, fixture_id: str, book_odds: dict) -> None:
        posted, locked = [], []
        for slug, book in book_odds.items():
            for market_id, market in (book.get("markets") or {}).items():
                for outcome_id, outcome in (market.get("outcomes") or {}).items():
                    for player_id, price in (outcome.get("players") or {}).items():
                        odds_id = f"{fixture_id}:{slug}:{outcome_id}:{player_id}"
                        item = price | {"marketId": market_id, "outcomeId": outcome_id, "playerId": player_id}
                        try:
                            quote = self._quote(fixture_id, slug, odds_id, item)
                        except (KeyError, TypeError, ValueError, OddsError):
                            self.reporter.rejected("snapshot: unexpected outcome shape")
                            continue
                        active = price.get("active", True) and price.get("marketActive", True)
                        (posted if active and not book.get("suspended") else locked).append(quote)
        if posted:
            self.feed.put(QuotesPosted(STREAM, None, posted))
        if locked:
            self.feed.put(QuotesLocked(STREAM, None, locked))

    async def _resnapshot(self, why: str, odds: bool = True) -> None:
        """Rebuild from REST. Odds: every known quote reads stale until the fresh snapshot replaces it."""
        keys = [key for keys in self.keys_by_fixture.values() for key in keys] if odds else []
        if keys:
            self.feed.put(QuotesMarkedStale(STREAM, PROVIDER, keys), data=False)
        self.reporter.state(StreamState.LIVE, why)
        with contextlib.suppress(httpx.HTTPError, StreamFailed, ValueError):
            if odds:
                await self._snapshot()
            else:
                await self._snapshot_fixtures()
