"""Days-long runs: a provider client forgets every fixture the store evicts, so what it keeps per fixture
goes back to its size before once those games have started, finished and been evicted."""

from __future__ import annotations

import asyncio
import functools
import io
import json
import time

import httpx

from oddstui import store as store_module
from oddstui import tail as tail_module
from oddstui.model import FixtureStatus
from oddstui.providers.opticodds import OpticOddsClient
from oddstui.providers.runner import build_clients
from oddstui.store import Store
from oddstui.tail import TailOptions, tail
from tests.contract.test_oddspapi_contract import Harness
from tests.providers.conftest import settings_for, start_sim
from tests.providers.test_oddspapi_client import books_frame, odds_frame, outcome
from tests.providers.test_oddsstream_client import make_client, row
from tests.providers.test_opticodds_client import make_state, odd

GAMES = 20


class Clock:
    def __init__(self) -> None:
        self.now = 1_766_000_000.0

    def __call__(self) -> float:
        return self.now


def evicting_store(client: object) -> tuple[Store, Clock]:
    clock = Clock()
    store = Store(clock=clock, eviction_grace=60.0)
    store.on_evict(client.forget)  # type: ignore[attr-defined]
    return store, clock


def test_opticodds_forgets_the_games_the_store_evicted():
    client, state = make_state()
    store, clock = evicting_store(client)

    def kept() -> list[int]:
        per_fixture = (client._live, client._last_change, client.known_fixtures, client._missing_fixtures)
        return [len(part) for part in per_fixture] + [len(state.held)]

    client.streams[state.plan.name] = state
    before = kept()
    for n in range(GAMES):
        game = f"F{n}"
        odds = [odd(f"{game}-home", 150, fixture=game), odd(f"{game}-away", -170, fixture=game)]
        assert client._handle(state, "odds", json.dumps({"data": odds, "entry_id": f"{n + 1}-1"}))
        client._upsert("s", {"id": game, "status": "live", "is_live": True}, time.monotonic())  # the REST look-up
        score = {"fixture_id": game, "score": {"home": {"total": 3}, "away": {"total": 1}}, "is_live": True}
        assert client._handle(state, "fixture-results", json.dumps({"data": score}))
        change = {"fixture_id": game, "old_status": "live", "new_status": "completed"}
        assert client._handle(state, "fixture-status", json.dumps({"data": change, "entry_id": f"{n + 1}-2"}))
    client._want_fixture("F-never-listed")  # asked for, then listed by a snapshot before the look-up ran
    client.known_fixtures.add("F-never-listed")
    for event in client.feed.drain():
        store.apply(event)
    assert all(size >= GAMES for size in kept()[:3]) and kept()[4] == 2 * GAMES
    clock.now += 61
    assert store.evict() == GAMES
    client.known_fixtures.discard("F-never-listed")
    client._missing_fixtures.discard("F-never-listed")
    assert kept() == before


async def test_opticodds_drops_a_wanted_fixture_once_a_snapshot_listed_it():
    client, _ = make_state()
    client._want_fixture("F1")
    client.known_fixtures.add("F1")  # a snapshot listed it before the look-up ran

    async def no_lookup(path: str, params: list) -> list:
        raise AssertionError("a listed fixture is not looked up")

    client._get = no_lookup  # type: ignore[method-assign]
    lookups = asyncio.create_task(client._fetch_missing_fixtures())
    await asyncio.sleep(0.3)  # one round
    lookups.cancel()
    assert client._missing_fixtures == set()


def test_oddspapi_forgets_the_games_the_store_evicted():
    h = Harness()
    h.store, clock = evicting_store(h.client)
    book = h.client.book

    def kept() -> list[int]:
        parts = (h.client.fixtures, book.held, book.by_fixture, book.flags, book.flags_stamp, book.closed, book.pending)
        return [len(part) for part in parts]

    h.snapshot_done()
    before = kept()
    for n in range(GAMES):
        game = f"id{n:016d}"
        h.send(odds_frame({"stake": [outcome(111), outcome(112)]}, entry=n + 1, fixture=game))
        h.send(books_frame({"stake": {}}, entry=n + 1, fixture=game))
        h.client.book.pending.add(game)  # waiting for its snapshot when it ended
        for entry, status in (
            (2 * n + 1, {"live": True, "statusId": 1}),
            (2 * n + 2, {"live": False, "statusId": None, "statusName": "Finished"}),
        ):
            h.send(fixture_frame(game, status, entry))
    assert h.store.fixture(("oddspapi", "id0000000000000000")).status.is_terminal
    assert kept()[1] == 2 * GAMES and all(size >= GAMES for size in kept())
    clock.now += 61
    assert h.store.evict() == GAMES
    assert kept() == before


def fixture_frame(fixture: str, status: dict, entry: int) -> dict:
    payload = {
        "fixtureId": fixture,
        "status": status,
        "sport": {"sportId": 11, "sportName": "Basketball"},
        "tournament": {"tournamentId": 132, "tournamentName": "NBA", "categoryName": "USA"},
        "startTime": 1766426400,
        "participants": {"participant1Name": "Home", "participant2Name": "Away"},
    }
    return {"channel": "fixtures", "type": "UPDATE", "payload": payload, "entryId": f"1766427343630-{entry}"}


def test_oddsstream_forgets_the_games_the_store_evicted():
    client, feed = make_client(lambda request: httpx.Response(500), "ws://127.0.0.1:9/api/stream")
    store, clock = evicting_store(client)

    def kept() -> list[int]:
        parts = (client.fixtures, client.live_keys, client.seen_keys, client.streamed_at, client.events._dated)
        return [len(part) for part in parts]

    before = kept()
    for n in range(GAMES):
        match = f"Team {n} vs Other {n}"
        assert client._message(json.dumps(row("Home", 1.8, match_name=match)))
        assert client._message(json.dumps(row("Away", None, match_name=match)))  # suspended: locked
    for event in feed.drain():
        store.apply(event)
    assert all(size >= GAMES for size in kept())
    store.mark_stale("oddsstream", [quote.key for quote in store.quotes()])  # no longer listed by a poll
    store.evict()
    clock.now += 61
    assert store.evict() == GAMES
    assert kept() == before


async def test_tail_against_the_simulator_leaves_no_trace_of_the_games_it_evicted(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "EVICT_EVERY", 0.05)
    monkeypatch.setattr(tail_module, "Store", functools.partial(Store, eviction_grace=0.3))
    clients: list[OpticOddsClient] = []

    def build(*args: object, **kwargs: object) -> list:
        built = build_clients(*args, **kwargs)  # type: ignore[arg-type]
        clients.extend(built)  # type: ignore[arg-type]
        return built

    monkeypatch.setattr(tail_module, "build_clients", build)
    server = start_sim(run=False, warmup_ticks=200)  # each league's first game is in its last minutes
    market = server.simulator.market
    stop = asyncio.Event()
    try:
        settings = settings_for(server, "opticodds", sports=("basketball", "hockey", "soccer", "tennis"))
        options = TailOptions(seconds=30, quiet=True)
        running = asyncio.create_task(
            tail(
                settings,
                options,
                out=io.StringIO(),
                err=io.StringIO(),
                cache_dir=tmp_path,
                stop=stop,
                backoff_base=0.05,
            )
        )
        await asyncio.sleep(1.0)  # connected, snapshot in
        finished: set[str] = set()
        for _ in range(60):
            server.call(server.simulator.hub.step)
            finished |= {fx.opticodds_id for fx in market.fixtures.values() if fx.status is FixtureStatus.COMPLETED}
            await asyncio.sleep(0.02)
        assert finished, "no game finished while tail ran"
        await asyncio.sleep(1.0)  # over the grace period, and a few eviction passes
        [client] = clients
        kept = client.known_fixtures | client._live.keys() | client._last_change.keys()
        held = {quote.fixture_id for state in client.streams.values() for quote in state.held.values()}
        stop.set()
        await running
    finally:
        server.stop()
    assert client.known_fixtures, "the client listed no game at all"
    assert not finished & (kept | held)
