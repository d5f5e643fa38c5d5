"""The OddsStream doc's own examples, verbatim, through the real client into the Store.

Examples are read from tests/contract/oddsstream/ (see README.md for where each comes from).
REST replies are served by httpx.MockTransport from those files; the client's request, decoding,
status mapping and reconnect verdicts are the real ones, and the events it puts on its Feed are
applied to a real Store.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
from pathlib import Path

import httpx
import pytest

from oddstui.config import ProviderSettings
from oddstui.model import StreamHealthChanged, StreamState
from oddstui.providers.feed import Feed
from oddstui.providers.oddsstream import OddsStreamClient, Scope
from oddstui.secret import Secret
from oddstui.store import Store

pytestmark = pytest.mark.timeout(20)
EXAMPLES = Path(__file__).parent / "oddsstream"
KEY = "os_live_" + "a" * 32
BASE = "https://api.oddsstream.io"


def example(name: str) -> str:
    return (EXAMPLES / name).read_text()


def client_for(handler, leagues=(), ws_url: str = "ws://127.0.0.1:9/api/stream") -> tuple[OddsStreamClient, Feed]:
    """The real client, its REST calls answered by `handler` (a MockTransport), its WebSocket at `ws_url`."""
    feed = Feed()
    settings = ProviderSettings("oddsstream", Secret(KEY), BASE, ws_url)
    client = OddsStreamClient(settings, feed, leagues=leagues, backoff_base=0.01, min_poll=0.01)
    client.http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler), headers={"X-Api-Key": KEY})
    return client, feed


def applied(feed: Feed, store: Store | None = None) -> Store:
    store = store or Store()
    for event in feed.drain():
        store.apply(event)
    return store


def health(feed_events: list) -> list[tuple[StreamState, str]]:
    return [(e.health.state, e.health.detail) for e in feed_events if isinstance(e, StreamHealthChanged)]


# --- Authentication: the curl example ------------------------------------------------


async def test_curl_example_request_shape():
    """`curl "https://api.oddsstream.io/api/odds" -H "X-Api-Key: ..."`: the key goes in that header only."""
    text = example("auth_curl.txt")
    url = re.search(r'curl "([^"]+)"', text).group(1)
    header, _, _ = re.search(r'-H "([^"]+)"', text).group(1).partition(":")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [], "meta": {"count": 0, "rate_limit_remaining": 10}})

    client, _ = client_for(handler)
    await client.poll_once()
    (request,) = seen
    assert str(request.url).startswith(url) and request.url.path == "/api/odds"
    assert request.headers[header] == KEY and KEY not in str(request.url)


# --- Response envelope -------------------------------------------------------------


async def test_envelope_example_closest_valid_reading():
    """The envelope as printed (`"data": [...]`) is not JSON; its closest reading is an empty data array."""
    text = example("response_envelope.txt")
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    body = text.replace("[...]", "[]")
    client, feed = client_for(lambda request: httpx.Response(200, content=body.encode()))
    await client.poll_once()
    store = applied(feed)
    assert store.quote_count() == 0 and client.polls == 1
    assert client.budget.remaining == 4987  # meta.rate_limit_remaining, when no header says otherwise


def notes_row(**changes) -> dict:
    """A row with exactly the fields NOTES.md lists for `/api/odds` (no doc example shows a whole row)."""
    fields = re.findall(r"(\w+)(?:\{[^}]*\})?", example("notes_odds_row_fields.txt").split("rows:", 1)[1].split(".")[0])
    values = {
        "bookmaker": "Pinnacle",
        "match_name": "Arsenal vs Chelsea",
        "competition": "EPL",
        "sport": "Football",
        "market_type": "moneyline",
        "period": 0,
        "is_live": False,
        "odds": {"Arsenal": 2.1, "Draw": 3.4, "Chelsea": 3.6},
        "match_date": "2026-12-05T15:00:00Z",
        "scraped_at": "2026-12-02T05:00:00Z",
        "url": "https://pinnacle.example/arsenal-chelsea",
        "liquidity": 25000,
    }
    assert set(fields) == set(values), fields
    return {name: values[name] for name in fields} | changes


def rows_reply(*rows: dict, remaining: int = 150) -> httpx.Response:
    return httpx.Response(
        200,
        json={"data": list(rows), "meta": {"count": len(rows), "rate_limit_remaining": remaining}},
        headers={"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": "1745160060"},
    )


async def test_envelope_with_a_row_of_every_documented_field():
    client, feed = client_for(lambda request: rows_reply(notes_row()))
    await client.poll_once()
    store = applied(feed)
    quotes = {q.key: q for q in store.quotes()}
    event = "epl-arsenal-vs-chelsea-20261205"
    assert {k: q.decimal for k, q in quotes.items()} == {
        f"{event}:Pinnacle:moneyline:0:Arsenal": 2.1,
        f"{event}:Pinnacle:moneyline:0:Draw": 3.4,
        f"{event}:Pinnacle:moneyline:0:Chelsea": 3.6,
    }
    quote = quotes[f"{event}:Pinnacle:moneyline:0:Arsenal"]
    assert (quote.book, quote.market, quote.selection, quote.limit) == ("Pinnacle", "Moneyline", "Arsenal", 25000.0)
    assert quote.deep_link == "https://pinnacle.example/arsenal-chelsea" and not quote.locked
    (fixture,) = store.all_fixtures()
    assert (fixture.home, fixture.away, fixture.league, fixture.sport) == ("Arsenal", "Chelsea", "EPL", "soccer")
    assert fixture.start == 1796482800.0


@pytest.mark.parametrize("absent", ["competition", "sport", "period", "is_live", "scraped_at", "url", "liquidity"])
async def test_each_field_the_examples_omit_is_optional(absent):
    row = notes_row()
    del row[absent]
    client, feed = client_for(lambda request: rows_reply(row))
    await client.poll_once()
    store = applied(feed)
    assert sorted(q.decimal for q in store.quotes()) == [2.1, 3.4, 3.6]
    assert store.stats("oddsstream").malformed == 0


async def test_match_date_null_keeps_every_row_of_the_event():
    """NOTES: match_date is "ISO-8601 string | null"; a null must not drop the event's rows."""
    assert "string | null" in example("notes_match_date.txt")
    rows = [
        notes_row(match_date=None),
        notes_row(match_date=None, bookmaker="Betclic", odds={"Arsenal": 2.05}),
    ]
    client, feed = client_for(lambda request: rows_reply(*rows))
    await client.poll_once()
    store = applied(feed)
    assert store.quote_count() == 4 and store.stats("oddsstream").malformed == 0
    (fixture,) = store.all_fixtures()
    assert fixture.fixture_id == "epl-arsenal-vs-chelsea" and (fixture.home, fixture.away) == ("Arsenal", "Chelsea")


async def test_a_null_match_date_row_joins_its_dated_event():
    rows = [notes_row(), notes_row(match_date=None, bookmaker="Betclic", odds={"Arsenal": 2.05})]
    client, feed = client_for(lambda request: rows_reply(*rows))
    await client.poll_once()
    store = applied(feed)
    (fixture,) = store.all_fixtures()
    assert fixture.start == 1796482800.0  # the undated row did not wipe the start time
    assert store.quote_count() == 4 and store.stats("oddsstream").malformed == 0
    assert {q.fixture_id for q in store.quotes()} == {"epl-arsenal-vs-chelsea-20261205"}


async def test_prices_that_lie_about_their_type_are_skipped_and_counted_per_selection():
    odds = {"Arsenal": "2.10", "Draw": "1e3", "Chelsea": True, "Other": 0.5, "Fine": 1.95}
    client, feed = client_for(lambda request: rows_reply(notes_row(odds=odds)))
    await client.poll_once()
    store = applied(feed)
    assert [(q.selection, q.decimal) for q in store.quotes()] == [("Fine", 1.95)]
    assert store.stats("oddsstream").malformed == 4
    row = notes_row(odds={"Arsenal": math.nan, "Draw": math.inf, "Chelsea": 2.5})
    client._apply_row(row, Scope())  # NaN cannot travel in JSON; a decoder that lets it in is caught here
    store = applied(feed, store)
    assert store.stats("oddsstream").malformed == 6
    assert any(q.selection == "Chelsea" and q.decimal == 2.5 for q in store.quotes())


# --- Rate-limit headers --------------------------------------------------------------


async def test_rate_limit_header_example_sets_the_budget():
    headers = dict(line.split(": ", 1) for line in example("rate_limit_headers.txt").splitlines())
    reply = httpx.Response(200, json={"data": [], "meta": {"count": 0, "rate_limit_remaining": 187}}, headers=headers)
    client, _ = client_for(lambda request: reply)
    await client.poll_once()
    assert client.budget.remaining == 187 and client.budget.reset_at == 1745160060.0


# --- Error format and error table ------------------------------------------------------


async def run_briefly(client: OddsStreamClient, feed: Feed, seconds: float = 0.4) -> list:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(client.run(), seconds)
    return feed.drain()


async def test_error_example_is_shown_once_with_its_code_message():
    body = example("error_live_not_on_plan.json")
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(403, content=body.encode(), headers={"content-type": "application/json"})

    client, feed = client_for(handler)
    events = await run_briefly(client, feed)
    states = health(events)
    assert states[-1] == (
        StreamState.AUTH_ERROR,
        "OddsStream: live odds need the Pro+ Live plan (HTTP 403 live_not_on_plan)",
    )
    assert calls == ["/api/stream/token"]  # shown once, never retried


def error_table() -> list[tuple[int, str, str]]:
    rows = []
    for line in example("error_codes.txt").splitlines()[1:]:
        status, code, when = re.fullmatch(r"(\d{3})([a-z_]+?)([A-Z].*)", line).groups()
        rows.append((int(status), code, when))
    return rows


EXPECTED_STATE = {
    400: StreamState.DOWN,
    401: StreamState.AUTH_ERROR,
    403: StreamState.AUTH_ERROR,
    404: StreamState.DOWN,
    409: StreamState.DOWN,
    429: StreamState.RATE_LIMITED,
    500: StreamState.RECONNECTING,
    503: StreamState.RECONNECTING,
}


@pytest.mark.parametrize(("status", "code", "when"), error_table())
async def test_every_documented_error_code(status, code, when):
    """Each row of the error table, as an `{error: {code, message}}` body on the first poll."""
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/api/stream/token":
            body = {"error": {"code": "websocket_not_on_plan", "message": "no WebSocket"}}
            return httpx.Response(403, json=body, headers={"X-RateLimit-Remaining": "50"})
        return httpx.Response(status, json={"error": {"code": code, "message": when}}, headers={"Retry-After": "1"})

    client, feed = client_for(handler)
    states = health(await run_briefly(client, feed))
    state, detail = states[-1] if states[-1][0] is not StreamState.CONNECTING else states[-2]
    assert state is EXPECTED_STATE[status], states
    assert f"HTTP {status} {code}" in detail and KEY not in detail
    if state in (StreamState.AUTH_ERROR, StreamState.DOWN):
        assert calls == ["/api/stream/token", "/api/odds"]  # fatal: one try, no loop
    else:
        assert calls.count("/api/odds") >= 1 and calls.count("/api/stream/token") == 1


async def test_websocket_not_on_plan_stops_token_requests_and_polls():
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/api/stream/token":
            return httpx.Response(403, json={"error": {"code": "websocket_not_on_plan", "message": "x"}})
        return rows_reply(notes_row(), remaining=5000)

    client, feed = client_for(handler)
    events = await run_briefly(client, feed, 0.3)
    assert calls.count("/api/stream/token") == 1 and calls.count("/api/odds") >= 3
    assert health(events)[-1][0] is StreamState.LIVE and "no WebSocket on this plan" in health(events)[-1][1]


# --- Market types and periods: the doc's tables -------------------------------------------


def table_codes(name: str, pattern: str) -> list[str]:
    """First-cell codes of a doc table as the page prints it (cells run together), header row skipped."""
    header = 1 if name == "market_types.txt" else 2  # the period table has a sentence above its header
    return [re.match(pattern, line).group(1) for line in example(name).splitlines()[header:]]


async def test_every_documented_market_type_and_period_reaches_the_store_as_its_own_market():
    types = table_codes("market_types.txt", r"([a-z0-9_]+)[A-Z]")
    periods = [int(p) for p in table_codes("period_values.txt", r"(\d)")]
    assert len(types) == 12 and periods == [0, 1, 2, 3]
    rows = [notes_row(market_type=t, period=p, odds={"Yes": 1.9}) for t in types for p in periods]
    client, feed = client_for(lambda request: rows_reply(*rows))
    await client.poll_once()
    store = applied(feed)
    quotes = list(store.quotes())
    assert store.stats("oddsstream").malformed == 0 and len({q.key for q in quotes}) == 48
    assert {(q.group, q.key.split(":")[-2]) for q in quotes} == {(t, str(p)) for t in types for p in periods}
    assert len({q.market for q in quotes}) == 48  # each type and period is shown as a market of its own
