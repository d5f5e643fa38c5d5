"""OddsStreamClient: stream message shapes over a real loopback WebSocket, token replies, 4001, and the budget."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from http import HTTPStatus

import httpx
import pytest
from websockets.asyncio.server import ServerConnection, serve

from oddstui.config import ProviderSettings
from oddstui.model import QuotesMarkedStale, StreamHealthChanged, StreamState
from oddstui.providers.backoff import Backoff
from oddstui.providers.errors import StreamFailed
from oddstui.providers.feed import Feed
from oddstui.providers.oddsstream import FREE_WS_PER_DAY, Budget, OddsStreamClient
from oddstui.providers.oddsstream_wire import parse_row
from oddstui.secret import Secret
from oddstui.sim.oddsstream import Plan
from oddstui.store import Store
from tests.providers.conftest import start_sim

pytestmark = pytest.mark.timeout(30)
KEY = "os_live_" + "c" * 32
BASE = "https://api.oddsstream.io"


def row(selection: str, price: object, book: str = "Pinnacle", **changes) -> dict:
    base = {
        "bookmaker": book,
        "match_name": "Boston Celtics vs Miami Heat",
        "competition": "NBA",
        "sport": "Basketball",
        "market_type": "moneyline",
        "period": 0,
        "is_live": False,
        "odds": {selection: price},
        "match_date": "2026-12-05T00:30:00Z",
    }
    return base | changes


def make_client(handler, ws_url: str, **options) -> tuple[OddsStreamClient, Feed]:
    feed = Feed()
    client = OddsStreamClient(
        ProviderSettings("oddsstream", Secret(KEY), BASE, ws_url), feed, backoff_base=0.01, min_poll=0.01, **options
    )
    client.http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler), headers={"X-Api-Key": KEY})
    return client, feed


def into_store(feed: Feed) -> tuple[Store, list]:
    store, events = Store(), feed.drain()
    for event in events:
        store.apply(event)
    return store, events


async def test_every_message_form_applies_anything_else_is_counted_and_4001_gets_a_new_token():
    tokens = iter(["t1", "t2", "t3"])
    token_replies = [lambda t: {"token": t, "expires_in": 300}, lambda t: {"data": {"token": t, "expires_in": 300}}]
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/stream/token":
            token = next(tokens)
            asked.append(token)
            return httpx.Response(200, json=token_replies[len(asked) % 2 - 1](token))
        return httpx.Response(200, json={"data": [], "meta": {"count": 0, "rate_limit_remaining": 5000}})

    connected: list[str] = []
    second_done = asyncio.Event()

    async def server(ws: ServerConnection) -> None:
        connected.append(ws.request.path)
        if len(connected) == 1:
            for message in (
                row("Boston Celtics", 1.8),  # a bare /api/odds row
                {"type": "odds", "data": row("Miami Heat", 2.1)},  # a wrapped row
                [row("Boston Celtics", 1.75, book="Betclic"), row("Miami Heat", "2.2", book="Betclic")],  # an array
                {"type": "odds", "selection": "Miami Heat", "odds": 2.0, "bookmaker": "X", "match_name": "A vs B"},
                {"type": "heartbeat"},
                5,
            ):
                await ws.send(json.dumps(message))
            await ws.send('{"type": "odds", "data": ')
            await ws.send(json.dumps([row("Miami Heat", None)]))  # a suspension
            await ws.close(4001, "token expired")
            return
        await ws.send(json.dumps({"type": "odds", "data": [row("Boston Celtics", 1.9)]}))
        second_done.set()
        await ws.wait_closed()

    async with serve(server, "127.0.0.1", 0) as ws_server:
        port = ws_server.sockets[0].getsockname()[1]
        client, feed = make_client(handler, f"ws://127.0.0.1:{port}/api/stream", leagues=("NBA",))
        task = asyncio.create_task(client.run())
        await asyncio.wait_for(second_done.wait(), 10)
        await asyncio.sleep(0.1)
        assert not task.done()  # shape errors never ended the client
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    store, events = into_store(feed)
    assert [p.split("token=")[1].split("&")[0] for p in connected] == ["t1", "t2"] == asked
    assert all("competition=NBA" in p for p in connected)
    prices = {(q.book, q.selection): (q.decimal, q.locked) for q in store.quotes()}
    assert prices == {
        ("Pinnacle", "Boston Celtics"): (1.9, False),
        ("Pinnacle", "Miami Heat"): (2.1, True),  # the null price locked the last one seen
        ("Betclic", "Boston Celtics"): (1.75, False),
    }
    assert store.stats("oddsstream").malformed == 5  # "2.2" as text, selection form, heartbeat, 5, cut JSON
    details = [e.health.detail for e in events if isinstance(e, StreamHealthChanged)]
    assert any("4001" in d for d in details)
    assert {t for t in asyncio.all_tasks() if not t.done()} == {asyncio.current_task()}


def test_parse_row_is_a_stable_entry_point():
    parsed = parse_row(row("Boston Celtics", 1.8))
    assert [q.key for q in parsed.quotes] == [
        "nba-boston-celtics-vs-miami-heat-20261205:Pinnacle:moneyline:0:Boston Celtics"
    ]


def budget(remaining: int, reset_in: float, now: float) -> Budget:
    b = Budget()
    b.note(httpx.Headers({"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": str(int(now + reset_in))}), now)
    return b


def test_free_day_budget_spreads_requests_and_websocket_connections():
    now = 1_800_000_000.0
    free = budget(200, 86_400, now)
    assert free.daily and 60 / free.wait_for(1, now) <= 0.14  # the doc's 200 a day is 0.14 a minute
    assert free.ws_wait(now) == pytest.approx(86_400 / FREE_WS_PER_DAY, rel=0.01)
    free.connections = FREE_WS_PER_DAY
    assert free.ws_wait(now) == pytest.approx(86_400, rel=0.01)
    pro = budget(5_000, 3_000, now)
    assert not pro.daily and pro.ws_wait(now) == 0 and pro.wait_for(1, now) == pytest.approx(3_000 / 4_999)
    assert pro.poll_pace(1, now) == pro.min_poll


async def test_an_unreachable_websocket_on_a_free_key_retries_at_the_budgets_pace():
    """Each retry costs a token request and a poll: the pause before it pays for both."""
    now = time.time()

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"X-RateLimit-Remaining": "180", "X-RateLimit-Reset": str(int(now + 86_000))}
        return httpx.Response(200, json={"token": "t", "expires_in": 300}, headers=headers)

    client, _ = make_client(handler, "ws://127.0.0.1:9/api/stream")
    client.budget.min_poll = 5.0
    await client._token()
    verdict = client._verdict(OSError("connection refused"))
    assert verdict.floor >= 2 * 86_000 / 180 and "budget sets the pace" in verdict.reason
    assert 2 * 60 / verdict.floor <= 0.14


async def test_a_429_on_the_token_with_requests_left_means_the_websocket_allowance_is_spent():
    reset = int(time.time()) + 40_000

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"X-RateLimit-Remaining": "120", "X-RateLimit-Reset": str(reset)}
        body = {"error": {"code": "rate_limit_exceeded", "message": "30 WebSocket connections a day"}}
        return httpx.Response(429, json=body, headers=headers)

    client, _ = make_client(handler, "ws://127.0.0.1:9/api/stream")
    assert await client._token() is None
    assert client.ws_after == reset and not client._ws_allowed(time.time())


async def test_a_free_key_lasts_a_compressed_day_with_the_websocket_unreachable():
    """The simulator's free plan shrunk to 12 requests a 3-second 'day'; the client never meets a 429."""
    server = start_sim()
    server.simulator.oddsstream.set_plan(0, Plan("free", 12, 3.0, 30, False))
    try:
        feed = Feed()
        settings = ProviderSettings(
            "oddsstream", Secret("os_live_0" + "0" * 31), server.urls()["oddsstream"], "ws://127.0.0.1:9/api/stream"
        )
        client = OddsStreamClient(settings, feed, leagues=("NBA",), min_poll=0.05)
        client.backoff = Backoff(0.01, cap=0.05)  # the budget, not a long backoff, must keep the pace
        started = time.time()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(client.run(), 5.0)
        counts = server.simulator.oddsstream.counts
    finally:
        server.stop()
    store, _ = into_store(feed)
    windows = (time.time() - started) / 3.0
    assert counts["429"] == 0, counts
    assert counts["odds"] >= 3 and counts["token"] >= 2 and counts["odds"] + counts["token"] <= 12 * (windows + 1)
    assert store.quote_count() > 0


async def test_websocket_not_on_plan_against_the_simulator_asks_for_a_token_once():
    server = start_sim()
    try:
        feed = Feed()
        settings = ProviderSettings(
            "oddsstream", Secret("os_live_4" + "0" * 31), server.urls()["oddsstream"], server.urls()["oddsstream_ws"]
        )
        client = OddsStreamClient(settings, feed, leagues=("NBA",), backoff_base=0.01, min_poll=0.05)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(client.run(), 1.5)
        counts = server.simulator.oddsstream.counts
    finally:
        server.stop()
    assert counts["token"] == 1 and counts["odds"] >= 2  # a Pro hour's budget paces polls at ~0.65 s
    assert not client.websocket and client.mode == "poll"
    _, events = into_store(feed)
    states = [e.health for e in events if isinstance(e, StreamHealthChanged)]
    assert states[-1].state is StreamState.LIVE and "no WebSocket on this plan" in states[-1].detail


async def test_a_token_endpoint_that_does_not_exist_means_polling_not_the_end():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/stream/token":
            return httpx.Response(404, json={"error": {"code": "not_found", "message": "no such route"}})
        return httpx.Response(200, json={"data": [row("Boston Celtics", 1.8)], "meta": {"count": 1}})

    client, feed = make_client(handler, "ws://127.0.0.1:9/api/stream")
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(client.run(), 0.3)
    store, _ = into_store(feed)
    assert not client.websocket and client.polls >= 2 and store.quote_count() == 1


def test_after_a_websocket_session_a_daily_plan_polls_until_its_next_connection_is_due():
    now = time.time()
    client, _ = make_client(lambda request: httpx.Response(500), "ws://127.0.0.1:9/api/stream")
    client.budget = budget(150, 86_000, now)
    client.mode = "websocket"
    verdict = client._verdict(OSError("closed"))
    assert client.ws_after - now == pytest.approx(86_000 / FREE_WS_PER_DAY, rel=0.01)
    assert not client._ws_allowed(now + 60)
    assert verdict.floor == pytest.approx(86_000 / 149, rel=0.02)  # the next session polls: one request's worth


@pytest.mark.parametrize("date", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
async def test_a_match_date_out_of_range_reads_as_null_and_ends_neither_the_poll_nor_the_stream(date):
    """fromisoformat accepts these, but their UTC day is outside datetime's range."""
    reply = {"data": [row("Boston Celtics", 1.8, match_date=date), row("Miami Heat", 2.1)], "meta": {"count": 2}}
    client, feed = make_client(lambda request: httpx.Response(200, json=reply), "ws://127.0.0.1:9/api/stream")
    await client.poll_once()
    assert client._message(json.dumps(row("Boston Celtics", 1.7, book="Betclic", match_date=date)))
    store, _ = into_store(feed)
    assert store.quote_count() == 3 and store.stats("oddsstream").malformed == 0


async def test_deeply_nested_json_is_counted_in_the_stream_and_a_retryable_failure_in_a_reply():
    """msgspec raises RecursionError, not DecodeError, past its nesting limit; 2 KB of brackets is enough."""
    nested = "[" * 5000 + "]" * 5000
    client, feed = make_client(lambda request: httpx.Response(200, content=nested.encode()), "ws://127.0.0.1:9/x")
    assert not client._message(nested)
    with pytest.raises(StreamFailed, match="not JSON"):
        await client.poll_once()
    store, _ = into_store(feed)
    assert store.stats("oddsstream").malformed == 1


async def test_a_websocket_handshake_refused_with_403_is_not_retried_it_means_polling():
    """4001 is the documented token refusal; a 401/403 on the handshake is the plan's or a proxy's answer."""
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path == "/api/stream/token":
            return httpx.Response(200, json={"token": "t", "expires_in": 300})
        return httpx.Response(200, json={"data": [row("Boston Celtics", 1.8)], "meta": {"count": 1}})

    def refuse(connection, request):
        return connection.respond(HTTPStatus.FORBIDDEN, "no stream on this plan\n")

    async with serve(lambda ws: ws.wait_closed(), "127.0.0.1", 0, process_request=refuse) as ws_server:
        port = ws_server.sockets[0].getsockname()[1]
        client, feed = make_client(handler, f"ws://127.0.0.1:{port}/api/stream")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(client.run(), 0.5)
    store, events = into_store(feed)
    assert asked.count("/api/stream/token") == 1 and asked.count("/api/odds") >= 3
    assert not client.websocket and store.quote_count() == 1
    last = [e.health for e in events if isinstance(e, StreamHealthChanged)][-1]
    assert last.state is StreamState.LIVE and "no WebSocket" in last.detail


async def test_an_unreachable_websocket_on_a_daily_plan_waits_its_connection_spacing_polling_meanwhile():
    """Without the spacing every retry paid a token besides its poll, halving a free key's poll rate all day."""
    now = time.time()

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"X-RateLimit-Remaining": "180", "X-RateLimit-Reset": str(int(now + 86_000))}
        if request.url.path == "/api/stream/token":
            return httpx.Response(200, json={"token": "t", "expires_in": 300}, headers=headers)
        return httpx.Response(200, json={"data": [row("Boston Celtics", 1.8)], "meta": {"count": 1}}, headers=headers)

    client, _ = make_client(handler, "ws://127.0.0.1:9/api/stream")
    with pytest.raises(OSError):
        await client._session()
    assert client.polls == 1  # the market stays fresh while the WebSocket is unreachable
    assert client.ws_after - now == pytest.approx(86_000 / FREE_WS_PER_DAY, rel=0.01)
    verdict = client._verdict(OSError("connection refused"))
    assert verdict.floor == pytest.approx(86_000 / 179, rel=0.02)  # the next session polls: no token in its cost


def test_a_stream_row_without_competition_takes_the_one_league_the_stream_was_filtered_by():
    """`competition` is optional (the examples show no row); a poll fills it from its filter, so must the stream."""
    client, feed = make_client(lambda request: httpx.Response(500), "ws://127.0.0.1:9/api/stream", leagues=("nba",))
    bare = row("Boston Celtics", 1.8)
    del bare["competition"]
    assert client._message(json.dumps(bare))
    store, _ = into_store(feed)
    assert store.quote_count() == 1 and [f.league for f in store.all_fixtures()] == ["NBA"]


async def test_a_complete_poll_forgets_the_prices_it_marks_stale_so_a_days_long_run_stays_bounded():
    rows = [[row("Boston Celtics", 1.8, match_date=f"2026-12-{day:02d}T00:30:00Z")] for day in range(1, 29)]
    replies = iter(rows)
    client, feed = make_client(
        lambda request: httpx.Response(200, json={"data": next(replies), "meta": {}}), "ws://127.0.0.1:9/x"
    )
    store = Store()
    for _ in rows:
        await client.poll_once()
        for event in feed.drain():  # a consumer that keeps up: the Feed's fold is not under test here
            store.apply(event)
    assert len(client.seen_keys) == len(client.live_keys) == 1
    assert sum(not q.stale for q in store.quotes()) == 1


async def test_a_poll_reply_older_than_a_stream_lock_does_not_bring_the_price_back_live():
    """A reconcile poll runs beside the stream: a lock that arrives while its request is in flight is newer."""
    in_flight = asyncio.Event()
    release = asyncio.Event()

    async def slow_reply(request: httpx.Request) -> httpx.Response:
        in_flight.set()
        await release.wait()
        return httpx.Response(200, json={"data": [row("Boston Celtics", 1.8)], "meta": {"count": 1}})

    client, feed = make_client(slow_reply, "ws://127.0.0.1:9/api/stream")
    assert client._message(json.dumps(row("Boston Celtics", 1.8)))
    poll = asyncio.create_task(client.poll_once())
    await in_flight.wait()
    client._message(json.dumps(row("Boston Celtics", None)))  # suspended while the poll is in flight
    client._message(json.dumps(row("Miami Heat", 2.1)))  # first priced while the poll is in flight
    release.set()
    await poll
    store, _ = into_store(feed)
    quotes = {q.selection: q for q in store.quotes()}
    assert quotes["Boston Celtics"].locked and not store.is_live_price(quotes["Boston Celtics"])
    assert store.is_live_price(quotes["Miami Heat"])  # the older reply's silence about it proves nothing


async def test_a_complete_poll_marks_stale_a_locked_line_it_no_longer_lists():
    """A ladder pulls a far line: the stream locks it, then a complete poll lists it no more; it is gone, not locked."""
    replies = iter([[row("Boston Celtics", 1.8)], [row("Miami Heat", 2.1)], [row("Miami Heat", 2.1)]])
    client, feed = make_client(
        lambda request: httpx.Response(200, json={"data": next(replies), "meta": {}}), "ws://127.0.0.1:9/x"
    )
    await client.poll_once()
    assert client._message(json.dumps(row("Boston Celtics", None)))  # locked over the stream only
    store, _ = into_store(feed)
    await client.poll_once()
    for event in feed.drain():
        store.apply(event)
    quotes = {q.selection: q for q in store.quotes()}
    assert quotes["Boston Celtics"].stale and not store.is_live_price(quotes["Boston Celtics"])
    assert store.is_live_price(quotes["Miami Heat"])
    assert set(client.seen_keys) == set(client.live_keys) == {quotes["Miami Heat"].key}  # the pulled line is forgotten
    await client.poll_once()  # and not marked stale again and again
    assert not [e for e in feed.drain() if isinstance(e, QuotesMarkedStale)]


@pytest.mark.parametrize("reset", ["inf", "nan", "1e30", "9999999999999"])
def test_a_rate_limit_reset_that_is_not_a_time_in_the_next_day_is_ignored(reset):
    """A reset of inf would make every pause endless (asyncio.sleep(inf)); no plan's window is over a day."""
    now = 1_800_000_000.0
    b = budget(150, 3_000, now)
    b.note(httpx.Headers({"X-RateLimit-Remaining": "149", "X-RateLimit-Reset": reset}), now)
    assert b.reset_at == int(now + 3_000) and math.isfinite(b.wait_for(1, now))
