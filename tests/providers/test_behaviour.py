"""Provider client behaviours beyond the final state: auth, backoff, key hygiene, bounded memory."""

from __future__ import annotations

import asyncio
import io
import json
import time

import pytest
import websockets

from oddstui.model import Quote, QuotesLocked, QuotesMarkedStale, QuotesPosted
from oddstui.providers.feed import MIN_BACKLOG, Feed
from oddstui.providers.oddspapi import OddsPapiClient
from oddstui.providers.oddsstream import Budget
from oddstui.providers.opticodds import OpticOddsClient, plan_streams
from oddstui.sim.app import SimOptions, SimServer, Simulator
from oddstui.sim.faults import FaultPlan
from oddstui.sim.market import PriceBatch
from oddstui.store import Store
from oddstui.tail import TailOptions, tail
from tests.providers.conftest import KEY, settings_for, start_sim

pytestmark = pytest.mark.timeout(60)


class RequestLog:
    """ASGI middleware that records every request's path, query string and headers."""

    def __init__(self, app) -> None:
        self.app = app
        self.requests: list[dict] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            self.requests.append(
                {
                    "path": scope["path"],
                    "query": scope["query_string"].decode(),
                    "headers": {k.decode(): v.decode() for k, v in scope["headers"]},
                }
            )
        await self.app(scope, receive, send)


def logged_sim(faults: str = "", **options) -> tuple[SimServer, RequestLog]:
    simulator = Simulator(
        SimOptions(
            seed=5,
            rate=2000,
            ping_interval=0.2,
            retry_ms=50,
            fixtures_per_league=2,
            faults=FaultPlan.parse(faults),
            **options,
        )
    )
    log = RequestLog(simulator.app())
    simulator.app = lambda: log  # type: ignore[method-assign]
    return SimServer(simulator).start(), log


@pytest.mark.parametrize("provider", ["opticodds", "oddspapi", "oddsstream"])
async def test_401_is_reported_once_and_never_retried(provider, tmp_path):
    server, log = logged_sim()
    bad_key = "revoked-" + ("os_live_c" + "0" * 31 if provider == "oddsstream" else "key")
    try:
        settings = settings_for(server, provider, key=bad_key, sports=("basketball",))
        err = io.StringIO()
        code = await tail(
            settings, TailOptions(seconds=3), out=io.StringIO(), err=err, cache_dir=tmp_path, backoff_base=0.01
        )
    finally:
        server.stop()
    assert code == 1
    auth_lines = [line for line in err.getvalue().splitlines() if "auth error" in line]
    assert len(auth_lines) == 1 and "key" in auth_lines[0].lower()
    if provider == "opticodds":
        streams = [r for r in log.requests if "/stream/" in r["path"]]
        assert len(streams) == 1  # the first stream's 401 stops every stream of the provider
    else:
        assert len(log.requests) == 1


async def test_key_never_appears_in_urls_output_errors_or_state(tmp_path):
    server, log = logged_sim("cut=25,malformed=10")
    state_file = tmp_path / "state.json"
    out, err = io.StringIO(), io.StringIO()
    try:
        settings = settings_for(server, "opticodds", sports=("basketball",))
        await tail(
            settings,
            TailOptions(seconds=3, state_file=state_file),
            out=out,
            err=err,
            cache_dir=tmp_path,
            backoff_base=0.05,
        )
    finally:
        server.stop()
    assert log.requests and all(KEY not in r["path"] + r["query"] for r in log.requests)
    assert all(r["headers"].get("x-api-key") == KEY for r in log.requests)
    assert "reconnecting" in err.getvalue() and out.getvalue()
    for text in (out.getvalue(), err.getvalue(), state_file.read_text()):
        assert KEY not in text
    assert KEY not in repr(settings) and KEY not in str(settings.providers["opticodds"])
    assert oct(state_file.stat().st_mode & 0o777) == "0o600"


async def test_slow_consumer_memory_is_bounded_by_the_market_not_the_firehose():
    server = start_sim(rate=50_000)
    feed = Feed()
    try:
        client = OpticOddsClient(
            settings_for(server, "opticodds").providers["opticodds"],
            feed,
            sports=("basketball",),
            books=("Pinnacle", "DraftKings"),
            copilot=False,
        )
        task = asyncio.create_task(client.run())
        await asyncio.sleep(4.0)  # nobody drains the feed meanwhile (the client plans and hydrates first)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    finally:
        server.stop()
    # The market over the run: every quote the two books priced, in games that finished and left meanwhile too.
    hub = server.simulator.hub
    assert hub.base_seq == 1  # the log still holds the whole run
    market_quotes = len(
        {
            (batch.fixture.fixture_id, batch.book.name, line.index)
            for batch in (entry.event for entry in hub.entries)
            if isinstance(batch, PriceBatch) and batch.fixture.sport == "basketball"
            if batch.book.name in ("Pinnacle", "DraftKings")
            for line, _ in batch.items
        }
    )
    assert feed.data_events > 200 and feed.quote_updates > 10 * market_quotes
    # What waits is the folded market plus a backlog no larger than it: never the firehose.
    assert feed.pending <= 2 * market_quotes + 3 * MIN_BACKLOG
    posted = [e for e in feed.drain() if isinstance(e, QuotesPosted)]
    assert sum(len(e.quotes) for e in posted) <= 2 * market_quotes + MIN_BACKLOG


def test_feed_coalesces_to_the_latest_price_per_key():
    feed = Feed()
    for i in range(10_000):
        feed.put(QuotesPosted("s", None, [Quote("p", f"k{i % 10}", "f", "B", "M", "S", 1.5 + i / 1e5)]))
    events = feed.drain()
    assert sum(len(e.quotes) for e in events) <= 10 + MIN_BACKLOG
    store = Store()
    for event in events:
        store.apply(event)
    assert {store.quote("p", f"k{i}").decimal for i in range(10)} == {1.5 + (9_990 + i) / 1e5 for i in range(10)}
    assert feed.data_events == 10_000 and feed.pending == 0


def test_a_folded_stale_mark_is_never_undone_by_the_older_price_it_follows():
    """Prices, then a stale mark for some of them, then a newer price for one: what the store ends with."""
    feed = Feed()
    for i in range(10_000):
        feed.put(QuotesPosted("s", None, [Quote("p", f"k{i % 10}", "f", "B", "M", "S", 1.5 + i / 1e5)]))
    feed.put(QuotesMarkedStale("s", "p", ["k1", "k2", "unseen"]), data=False)
    for i in range(2 * MIN_BACKLOG):  # enough later prices of other keys that the mark itself is folded
        feed.put(QuotesPosted("s", None, [Quote("p", f"k{5 + i % 5}", "f", "B", "M", "S", 2.0)]))
    feed.put(QuotesPosted("s", None, [Quote("p", "k2", "f", "B", "M", "S", 3.0)]))
    store = Store()
    for event in feed.drain():
        store.apply(event)
    assert store.quote("p", "k1").stale, "the mark came after k1's last price"
    assert not store.quote("p", "k2").stale and store.quote("p", "k2").decimal == 3.0, "a newer price clears it"
    assert not store.quote("p", "k3").stale
    assert feed.pending == 0


def test_feed_passes_events_through_in_order_while_the_consumer_keeps_up():
    feed = Feed()
    events = [
        QuotesPosted("s", "1-1", [Quote("p", "k", "f", "B", "M", "S", 2.0)]),
        QuotesLocked("s", "1-2", [Quote("p", "k", "f", "B", "M", "S", 2.0)]),
    ]
    for event in events:
        feed.put(event)
    assert feed.drain() == events  # entry ids kept, so the store can still spot a replay


async def test_accept_then_close_and_4003_do_not_cause_a_reconnect_storm(tmp_path):
    server, _ = logged_sim("accept_close=1")
    try:
        client = OddsPapiClient(
            settings_for(server, "oddspapi").providers["oddspapi"], Feed(), cache_dir=tmp_path, backoff_base=0.25
        )
        task = asyncio.create_task(client.run())
        await asyncio.sleep(1.0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert 2 <= server.simulator.oddspapi.accepted <= 4  # backoff 0.25 s, 0.5 s, ...: not hundreds

        url = server.urls()["oddspapi_ws"]
        login = json.dumps({"type": "login", "apiKey": KEY, "channels": ["scores"]})
        held = []
        server.simulator.hub.faults = FaultPlan()
        for _ in range(5):
            ws = await websockets.connect(url)
            await ws.send(login)
            await ws.recv()
            held.append(ws)
        before = server.simulator.oddspapi.accepted
        feed = Feed()
        client = OddsPapiClient(
            settings_for(server, "oddspapi").providers["oddspapi"], feed, cache_dir=tmp_path, backoff_base=0.01
        )
        task = asyncio.create_task(client.run())
        await asyncio.sleep(1.0)  # a storm at this backoff would be dozens of attempts by now
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        for ws in held:
            await ws.close()
    finally:
        server.stop()
    assert server.simulator.oddspapi.accepted - before == 1  # 4003 holds the next attempt back 30 s
    health = [e.health for e in feed.drain() if hasattr(e, "health")]
    assert health[-1].state.value == "reconnecting" and "4003" in health[-1].detail
    assert health[-1].retry_at - time.time() > 25


def test_connection_plan_respects_books_and_leagues_per_stream():
    books = ["A", "B", "C", "D", "E", "F", "G"]
    leagues = [f"L{i}" for i in range(12)]
    plans = [p for p in plan_streams(["basketball"], books, {"basketball": leagues}) if p.kind == "odds"]
    assert len(plans) == 4 and all(len(p.books) <= 5 and len(p.leagues) <= 10 for p in plans)
    assert {b for p in plans for b in p.books} == set(books)


def test_free_plan_budget_lasts_the_day():
    now = 1_000_000.0
    budget = Budget()
    budget.remaining, budget.reset_at = 200, now + 86_400
    interval = budget.poll_pace(1, now)
    assert 86_400 / interval <= 200 and interval >= 400
    budget.remaining, budget.reset_at = 0, now + 600
    assert budget.poll_pace(1, now) == 600
    budget.remaining, budget.reset_at = 5000, now + 3600
    assert budget.poll_pace(1, now) == 5.0
