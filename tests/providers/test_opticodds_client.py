"""The OpticOdds client against small loopback servers: per-stream auth, snapshots, rehydration, planning."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from oddstui.config import ProviderSettings, Settings
from oddstui.model import FrameRejected, StreamHealthChanged, StreamState
from oddstui.odds import OddsFormat
from oddstui.providers import opticodds
from oddstui.providers.backoff import Backoff
from oddstui.providers.base import Fatal, Retry
from oddstui.providers.errors import AuthFailed, RateLimited
from oddstui.providers.feed import Feed
from oddstui.providers.health import StreamReporter
from oddstui.providers.opticodds import OpticOddsClient, StreamPlan, _StreamState
from oddstui.providers.runner import build_clients
from oddstui.secret import Secret
from oddstui.sim.app import SimOptions, SimServer, Simulator, free_port
from oddstui.store import Store

pytestmark = pytest.mark.timeout(30)
KEY = "oc-client-test-key"


class AppServer:
    """A Starlette app on a free loopback port, served by uvicorn from a thread."""

    def __init__(self, routes: list[Route]) -> None:
        self.port = free_port()
        config = uvicorn.Config(Starlette(routes=routes), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> AppServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v3"


def sse(name: str, payload: dict | str, retry: int = 50) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"event: {name}\nretry: {retry}\ndata: {data}\n\n".encode()


def odd(key: str, price: int, fixture: str = "FX1", **extra) -> dict:
    return {
        "id": key,
        "fixture_id": fixture,
        "sportsbook": "Pinnacle",
        "market": "Moneyline",
        "name": key,
        "price": price,
    }


def stream_of(*chunks: bytes, hold: float = 30.0) -> Callable[[], Response]:
    async def body() -> AsyncIterator[bytes]:
        yield sse("connected", "ok go")
        for chunk in chunks:
            yield chunk
        end = time.monotonic() + hold
        while time.monotonic() < end:
            await asyncio.sleep(0.1)
            yield b"event: ping\ndata: now\n\n"

    return lambda: StreamingResponse(body(), media_type="text/event-stream")


@dataclass
class Run:
    """A client run: its store (events applied as they come), health per stream, skipped frames."""

    client: OpticOddsClient
    store: Store = field(default_factory=Store)
    health: dict[str, list[tuple[StreamState, str]]] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)

    async def pump(self, seconds: float, until: Callable[[], bool] = lambda: False) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not until():
            await self.client.feed.wait(0.05)
            for event in self.client.feed.drain():
                if isinstance(event, StreamHealthChanged):
                    self.health.setdefault(event.health.stream, []).append((event.health.state, event.health.detail))
                if isinstance(event, FrameRejected):
                    self.rejected.append(event.reason)
                self.store.apply(event)

    def last(self, stream: str) -> StreamState:
        return self.health[stream][-1][0]


async def running(base_url: str, body: Callable[[Run], object], **options) -> Run:
    settings = ProviderSettings("opticodds", Secret(KEY), base_url)
    options = {"sports": ("basketball",), "books": ("Pinnacle",), "backoff_base": 0.05, "stagger": 0.01} | options
    run = Run(OpticOddsClient(settings, Feed(), **options))
    task = asyncio.create_task(run.client.run())
    try:
        await body(run)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return run


def counted(handler: Callable[[Request], Response], log: list[Request]) -> Callable:
    async def endpoint(request: Request) -> Response:
        log.append(request)
        return handler(request)

    return endpoint


def data(items: list) -> Callable[[Request], Response]:
    return lambda request: JSONResponse({"data": items})


async def test_a_key_refused_for_copilot_turns_copilot_off_and_odds_and_results_go_on():
    log: list[Request] = []
    routes = [
        Route("/api/v3/leagues", counted(data([{"id": "nba", "name": "NBA"}]), log)),
        Route("/api/v3/fixtures", counted(data([]), log)),
        Route("/api/v3/fixtures/odds", counted(data([]), log)),
        Route(
            "/api/v3/stream/odds/basketball",
            counted(lambda r: stream_of(sse("odds", {"data": [odd("A", 150)], "entry_id": "1-1"}))(), log),
        ),
        Route("/api/v3/stream/results/basketball", counted(lambda r: stream_of()(), log)),
        Route(
            "/api/v3/stream/copilot/basketball/odds",
            counted(lambda r: JSONResponse({"message": "requires an organization key"}, status_code=403), log),
        ),
    ]
    with AppServer(routes) as server:

        async def body(run: Run) -> None:
            await run.pump(3.0, until=lambda: run.store.quote("opticodds", "A") is not None and len(run.health) == 3)
            await run.pump(0.5)

        run = await running(server.url, body)
    copilot = run.health["opticodds:copilot:basketball"]
    off = [detail for state, detail in copilot if state is StreamState.DOWN]
    assert len(off) == 1 and "organization-level" in off[0] and "odds and results go on" in off[0]
    assert all(state is not StreamState.AUTH_ERROR for state, _ in copilot)  # `tail` stops on an auth error
    assert sum(r.url.path.endswith("/copilot/basketball/odds") for r in log) == 1  # never asked again
    assert run.last("opticodds:odds:basketball:0") is StreamState.LIVE
    assert run.last("opticodds:results:basketball") is StreamState.LIVE
    assert run.store.is_live_price(run.store.quote("opticodds", "A"))
    odds_requests = [r for r in log if r.url.path.endswith("/stream/odds/basketball")]
    assert [r.query_params.getlist("league") for r in odds_requests] == [["nba"]]
    assert odds_requests[0].query_params["odds_format"] == "AMERICAN" and KEY not in str(odds_requests[0].url)


async def test_a_snapshot_that_keeps_failing_backs_off_and_never_reconnects_the_stream():
    log: list[Request] = []
    failures = {"left": 4}

    def snapshot(request: Request) -> Response:
        if failures["left"]:
            failures["left"] -= 1
            return JSONResponse({"message": "busy"}, status_code=503)
        return JSONResponse({"data": [{"id": "FX1", "odds": [odd("B", 200)]}]})

    routes = [
        Route("/api/v3/leagues", counted(data([]), log)),
        Route("/api/v3/fixtures/odds", counted(snapshot, log)),
        Route(
            "/api/v3/stream/odds/basketball",
            counted(lambda r: stream_of(sse("odds", {"data": [odd("A", 150)], "entry_id": "1-1"}))(), log),
        ),
    ]
    with AppServer(routes) as server:

        async def body(run: Run) -> None:
            await run.pump(1.0, until=lambda: run.store.quote("opticodds", "A") is not None)
            assert run.store.is_stale(run.store.quote("opticodds", "A"))  # no snapshot yet: not live
            await run.pump(8.0, until=lambda: run.health["opticodds:odds:basketball:0"][-1][0] is StreamState.LIVE)

        run = await running(server.url, body, copilot=False, sports=("basketball",))
    snapshots = [r for r in log if r.url.path.endswith("/fixtures/odds")]
    streams = [r for r in log if "/stream/" in r.url.path]
    assert len(snapshots) == 5 and len(streams) == 1
    states = [s for s, _ in run.health["opticodds:odds:basketball:0"]]
    assert StreamState.STALE in states and states[-1] is StreamState.LIVE
    assert all(run.store.is_live_price(run.store.quote("opticodds", k)) for k in ("A", "B"))


async def test_rehydration_marks_prices_stale_until_the_snapshot_and_locks_what_it_no_longer_lists(monkeypatch):
    monkeypatch.setattr(opticodds, "RESUME_HORIZON", -1.0)  # every reconnect is one without resume
    log: list[Request] = []
    release = threading.Event()

    def stream(request: Request) -> Response:
        if sum(r.url.path.endswith("/stream/odds/basketball") for r in log) == 1:
            posted = sse("odds", {"data": [odd("A", 150), odd("B", 200), odd("C", 300)], "entry_id": "1-1"})
            return stream_of(posted, hold=0.3)()
        return stream_of(sse("odds", {"data": [odd("C", 333)], "entry_id": "9-1"}))()

    snapshots = [
        [{"id": "FX1", "odds": [odd("A", 150), odd("B", 200), odd("C", 300)]}],
        # after the outage: A moved, B was locked meanwhile (absent), C older than the stream's 333
        [{"id": "FX1", "odds": [odd("A", 160), {k: v for k, v in odd("C", 310).items() if k != "fixture_id"}]}],
    ]

    async def snapshot(request: Request) -> Response:
        log.append(request)
        n = sum(r.url.path.endswith("/fixtures/odds") for r in log)
        while n == 2 and not release.is_set():
            await asyncio.sleep(0.02)
        return JSONResponse({"data": snapshots[min(n, 2) - 1]})

    routes = [
        Route("/api/v3/leagues", counted(data([]), log)),
        Route("/api/v3/fixtures/odds", snapshot),
        Route("/api/v3/stream/odds/basketball", counted(stream, log)),
    ]
    with AppServer(routes) as server:

        async def body(run: Run) -> None:
            store = run.store
            await run.pump(5.0, until=lambda: (q := store.quote("opticodds", "C")) is not None and q.raw == 333)
            assert all(store.is_stale(store.quote("opticodds", k)) for k in "ABC")  # reconnected, snapshot pending
            release.set()
            await run.pump(5.0, until=lambda: run.last("opticodds:odds:basketball:0") is StreamState.LIVE)

        run = await running(server.url, body, copilot=False)
    streams = [r for r in log if r.url.path.endswith("/stream/odds/basketball")]
    assert len(streams) == 2 and "last_entry_id" not in streams[1].query_params
    store = run.store
    a, b, c = (store.quote("opticodds", k) for k in "ABC")
    assert a.raw == 160 and store.is_live_price(a)
    assert b.locked and not store.is_live_price(b)  # locked during the outage: never live again
    assert b.stale  # and the price it shows was the last seen, which the snapshot could not confirm
    assert c.raw == 333 and store.is_live_price(c)  # the stream moved on while the snapshot loaded: it wins


class RequestLog:
    """ASGI middleware recording every request's path and query (to check what the client asked for)."""

    def __init__(self, app) -> None:
        self.app = app
        self.requests: list[tuple[str, list[tuple[str, str]]]] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.requests.append((scope["path"], parse_qsl(scope["query_string"].decode())))
        await self.app(scope, receive, send)


@pytest.mark.parametrize("seed", [1, 5])
async def test_snapshot_falls_back_to_fixture_ids_when_sport_and_league_are_refused(seed):
    simulator = Simulator(SimOptions(seed=seed, rate=2000, ping_interval=0.2, retry_ms=50, fixtures_per_league=2))
    assert simulator.opticodds.variant.snapshot_by_fixture in (400, 422)  # this seed's server wants fixture_id
    log = RequestLog(simulator.app())
    simulator.app = lambda: log  # type: ignore[method-assign]
    server = SimServer(simulator).start()
    try:
        settings = Settings({"opticodds": ProviderSettings("opticodds", Secret(KEY), server.urls()["opticodds"])})
        settings = replace(
            settings, sports=("basketball",), books=("Pinnacle", "FanDuel"), odds_format=OddsFormat.FRACTIONAL
        )
        (client,) = build_clients(settings, Feed(), backoff_base=0.05, stagger=0.01)
        assert client.wire_format is OddsFormat.AMERICAN  # the display format is not sent on the wire
        run = Run(client)
        task = asyncio.create_task(client.run())
        streams = ("opticodds:odds:basketball:0", "opticodds:copilot:basketball")
        await run.pump(10.0, until=lambda: all(s in run.health and run.last(s) is StreamState.LIVE for s in streams))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    finally:
        server.stop()
    assert all(run.last(s) is StreamState.LIVE for s in streams)
    snapshot_calls = [q for path, q in log.requests if path.endswith("/fixtures/odds")]
    by_sport = [q for q in snapshot_calls if ("sport", "basketball") in q]
    by_fixture = [[v for k, v in q if k == "fixture_id"] for q in snapshot_calls if ("sport", "basketball") not in q]
    assert len(by_sport) == 2  # refused once per path (/fixtures/odds, /copilot/fixtures/odds), then never asked
    assert by_fixture and all(1 <= len(ids) <= 5 for ids in by_fixture)
    assert all(("odds_format", "AMERICAN") in q for path, q in log.requests if "/stream/odds/" in path)
    game_to_fixture = {fx.game_id: fx.fixture_id for fx in simulator.market.fixtures.values()}
    quotes = list(run.store.quotes())
    assert quotes and all(
        q.fixture_id == (game_to_fixture[q.key.split(":")[0]] if q.book != "Copilot" else q.fixture_id) for q in quotes
    )
    assert all(q.fixture_id in q.key for q in quotes if q.book == "Copilot")


async def test_connections_are_planned_from_the_sports_league_list_ten_leagues_each():
    leagues = [{"id": f"l{i}", "name": f"League {i}"} for i in range(23)] + [{"id": 7}, "junk"]
    routes = [Route("/api/v3/leagues", data(leagues))]
    with AppServer(routes) as server:
        settings = ProviderSettings("opticodds", Secret(KEY), server.url)
        every = OpticOddsClient(settings, Feed(), sports=("basketball",), books=("A", "B", "C", "D", "E", "F"))
        plan = await every._league_plan()
        mine = OpticOddsClient(settings, Feed(), sports=("basketball", "hockey"), books=("A",), leagues=("L3", "nope"))
        chosen = await mine._league_plan()
    odds_plans = [p for p in opticodds.plan_streams(every.sports, every.books, plan) if p.kind == "odds"]
    assert len(odds_plans) == 6 and all(len(p.leagues) <= 10 and len(p.books) <= 5 for p in odds_plans)
    assert sorted(lg for p in odds_plans for lg in p.leagues) == sorted([f"l{i}" for i in range(23)] * 2)
    assert sum(p.fixture_updates for p in odds_plans) == 3  # fixture updates once per league group
    assert chosen == {"basketball": ["L3"], "hockey": ["L3"]} and mine.sports == ("basketball", "hockey")


async def test_without_a_league_list_the_configured_leagues_or_the_whole_sport_are_streamed():
    settings = ProviderSettings("opticodds", Secret(KEY), f"http://127.0.0.1:{free_port()}/api/v3")
    client = OpticOddsClient(settings, Feed(), sports=("basketball",), books=("A",))
    assert await client._league_plan() == {}
    plans = opticodds.plan_streams(("basketball", "hockey"), ("A",), {})
    assert [(p.kind, p.sport, p.leagues) for p in plans] == [
        ("odds", "basketball", ()),
        ("results", "basketball", ()),
        ("copilot", "basketball", ()),
        ("odds", "hockey", ()),
        ("results", "hockey", ()),
        ("copilot", "hockey", ()),  # documented for basketball only: a 404 turns it off (see below)
    ]


def make_state(kind: str = "odds") -> tuple[OpticOddsClient, _StreamState]:
    settings = ProviderSettings("opticodds", Secret(KEY), "http://127.0.0.1:9/api/v3")
    client = OpticOddsClient(settings, Feed(), sports=("basketball",), books=("Pinnacle",))
    plan = StreamPlan(kind, "basketball", ("Pinnacle",))
    return client, _StreamState(plan, StreamReporter(plan.name, "opticodds", client.feed.put), Backoff())


async def test_retry_floor_and_the_shared_429_pause():
    client, state = make_state()
    state.retry_floor = 5.0
    verdict = client._verdict(state, None)
    assert isinstance(verdict, Retry) and verdict.floor == 5.0
    verdict = client._verdict(state, RateLimited("slow down", 1.0))
    assert isinstance(verdict, Retry) and verdict.floor == 15.0 and verdict.state is StreamState.RATE_LIMITED
    other = StreamReporter("other", "opticodds", client.feed.put)
    client.rate_limit_pause, client._rate_limited_until = 0.1, time.monotonic() + 0.1
    await client._rate_limit_pause(_StreamState(state.plan, other, Backoff()))
    health = [e.health for e in client.feed.drain() if isinstance(e, StreamHealthChanged)]
    assert health[-1].state is StreamState.RATE_LIMITED and health[-1].stream == "other"


def test_auth_is_per_stream_kind():
    client, odds_state = make_state("odds")
    _, copilot_state = make_state("copilot")
    copilot_state.plan = StreamPlan("copilot", "basketball")
    assert isinstance(client._verdict(copilot_state, AuthFailed("Copilot is off")), Fatal)
    assert client._refused == {"copilot": "opticodds:copilot:basketball"}
    verdict = client._verdict(odds_state, AuthFailed("refused"))
    assert isinstance(verdict, Fatal) and verdict.state is StreamState.AUTH_ERROR
    again = client._verdict(copilot_state, AuthFailed("refused"))
    assert isinstance(again, Fatal) and again.state is StreamState.DOWN  # reported once, by the first stream


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("odds", "null"),
        ("odds", "[]"),
        ("odds", '{"data": {"id": 1}}'),
        ("odds", '{"data": [1, "x", null, {"id": "k"}], "entry_id": 5}'),
        ("locked-odds", '{"data": [{"id": "k", "fixture_id": "F", "market": "M", "name": "N", "price": 1e400}]}'),
        ("copilot-settled-odds", '{"data": [{"id": "k", "settlement": ["Won"]}], "entry_id": "1-1"}'),
        ("fixture-status", '{"data": [], "entry_id": "1-1"}'),
        ("fixture-status", '{"data": {"fixture_id": 5}}'),
        ("fixture-status", '{"data": {"fixture_id": "F", "new_status": "exploded", "new_start_date": "soon"}}'),
        ("fixture-status", '{"data": {"fixture_id": "F", "new_status": "exploded"}}'),
        ("fixture-results", '{"data": {"fixture_id": "F", "score": {"home": {"total": "3"}, "away": {}}}}'),
        ("fixture-results", '{"data": "F"}'),
        ("message", '{"data": []}'),
        ("odds-v9", "{}"),
    ],
)
def test_junk_is_skipped_and_counted_never_raised(name, data):
    client, state = make_state()
    assert client._handle(state, name, data) in (True, False)
    events = client.feed.drain()
    assert any(isinstance(e, FrameRejected) for e in events) or not events
    assert not any(isinstance(e, StreamHealthChanged) for e in events)
    store = Store()
    for event in events:
        store.apply(event)
    assert all(not store.is_live_price(q) or q.decimal > 1 for q in store.quotes())


async def test_a_sport_without_a_copilot_stream_turns_only_its_copilot_off():
    log: list[Request] = []
    routes = [
        Route("/api/v3/leagues", counted(data([]), log)),
        Route("/api/v3/fixtures", counted(data([]), log)),
        Route("/api/v3/fixtures/odds", counted(data([]), log)),
        Route("/api/v3/stream/odds/hockey", counted(lambda r: stream_of()(), log)),
        Route("/api/v3/stream/results/hockey", counted(lambda r: stream_of()(), log)),
        Route("/api/v3/stream/copilot/hockey/odds", counted(lambda r: JSONResponse({}, status_code=404), log)),
    ]
    with AppServer(routes) as server:

        async def body(run: Run) -> None:
            await run.pump(3.0, until=lambda: len(run.health) == 3 and run.last("opticodds:odds:hockey:0").is_healthy)
            await run.pump(0.3)

        run = await running(server.url, body, sports=("hockey",))
    (state, detail), *_ = [h for h in run.health["opticodds:copilot:hockey"] if h[0] is not StreamState.CONNECTING]
    assert state is StreamState.DOWN and "no Copilot stream for hockey" in detail
    assert sum(r.url.path.endswith("/copilot/hockey/odds") for r in log) == 1
    assert run.last("opticodds:odds:hockey:0") is StreamState.LIVE


def test_a_rest_reply_asked_for_before_a_stream_change_does_not_undo_it():
    client, state = make_state()
    asked = time.monotonic()
    change = {"fixture_id": "F", "old_status": "live", "new_status": "half", "new_start_date": None}
    assert client._handle(state, "fixture-status", json.dumps({"data": change, "entry_id": "5-1"}))
    client._upsert("s", {"id": "F", "status": "live", "is_live": True, "start_date": "2024-08-28T20:20:00Z"}, asked)
    store = Store()
    for event in client.feed.drain():
        store.apply(event)
    fixture = store.fixture(("opticodds", "F"))
    assert fixture.status.value == "half" and fixture.is_live
    client._upsert("s", {"id": "F", "status": "completed", "is_live": False}, time.monotonic())  # asked after
    for event in client.feed.drain():
        store.apply(event)
    assert store.fixture(("opticodds", "F")).status.value == "completed"


async def test_a_quick_reconnect_resumes_from_the_last_entry_id_without_a_new_snapshot():
    log: list[Request] = []

    def stream(request: Request) -> Response:
        first = sum(r.url.path.endswith("/stream/odds/basketball") for r in log) == 1
        event = sse("odds", {"data": [odd("A", 150)], "entry_id": "7-3" if first else "8-1"})
        return stream_of(event, hold=0.3 if first else 30)()

    routes = [
        Route("/api/v3/leagues", counted(data([]), log)),
        Route("/api/v3/fixtures/odds", counted(data([{"id": "FX1", "odds": [odd("A", 150)]}]), log)),
        Route("/api/v3/stream/odds/basketball", counted(stream, log)),
    ]
    with AppServer(routes) as server:

        async def body(run: Run) -> None:
            name = "opticodds:odds:basketball:0"
            await run.pump(5.0, until=lambda: (s := run.client.streams.get(name)) is not None and s.last_entry == "8-1")

        await running(server.url, body, copilot=False)
    streams = [r for r in log if r.url.path.endswith("/stream/odds/basketball")]
    assert [r.query_params.get("last_entry_id") for r in streams] == [None, "7-3"]
    assert sum(r.url.path.endswith("/fixtures/odds") for r in log) == 1
