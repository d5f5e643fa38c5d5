"""OddsStream honours the configured sports: the doc's `sport` filter (a name, case-insensitive) and our sport ids."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

from oddstui.config import DEFAULT_SPORTS, ProviderSettings, Settings
from oddstui.providers.feed import Feed
from oddstui.providers.oddsstream import OddsStreamClient
from oddstui.providers.runner import build_clients
from oddstui.secret import Secret
from oddstui.store import Store
from tests.providers.conftest import start_sim

pytestmark = pytest.mark.timeout(30)
KEY = "os_live_" + "8" * 32  # the simulator's Pro+ RT plan: WebSocket, no live odds
BASE = "https://api.oddsstream.io"


def row(sport: str | None, competition: str, match_name: str) -> dict:
    base = {"bookmaker": "Pinnacle", "match_name": match_name, "competition": competition, "market_type": "moneyline"}
    base["odds"] = {match_name.split(" vs ")[0]: 1.9}
    return base | ({"sport": sport} if sport is not None else {})


ROWS = [
    row("Basketball", "NBA", "Boston Celtics vs Miami Heat"),
    row("Football", "EPL", "Arsenal vs Chelsea"),
    row("AmericanFootball", "NFL", "Buffalo Bills vs Miami Dolphins"),
    row(None, "NHL", "Boston Bruins vs Toronto Maple Leafs"),
]


async def polled(**options) -> tuple[list[httpx.QueryParams], Store]:
    """One poll against a server that filters as the doc says: what each request asked for, and the store after."""
    asked: list[httpx.QueryParams] = []

    def handler(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        asked.append(params)
        rows = [
            r
            for r in ROWS
            if params.get("competition", r["competition"]) == r["competition"]
            if "sport" not in r or params.get("sport", r["sport"]).lower() == r["sport"].lower()
        ]
        return httpx.Response(200, json={"data": rows, "meta": {"count": len(rows)}})

    feed = Feed()
    client = OddsStreamClient(ProviderSettings("oddsstream", Secret(KEY), BASE), feed, **options)
    client.http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handler))
    await client.poll_once()
    store = Store()
    for event in feed.drain():
        store.apply(event)
    return asked, store


def leagues_and_sports(store: Store) -> set[tuple[str, str]]:
    return {(f.league, f.sport) for f in store.all_fixtures()}


async def test_a_poll_asks_per_configured_sport_by_its_oddsstream_name_and_maps_names_to_our_ids():
    asked, store = await polled(sports=("soccer", "basketball"))
    assert [params["sport"] for params in asked] == ["Basketball", "Football"]  # soccer is "Football" there
    # a row without its sport (optional: no doc example shows a row) takes the sport its request asked for
    assert leagues_and_sports(store) == {("EPL", "soccer"), ("NBA", "basketball"), ("NHL", "basketball")}


async def test_every_sport_is_one_request_without_a_filter_and_a_row_of_another_sport_is_dropped():
    asked, store = await polled(sports=DEFAULT_SPORTS)
    assert len(asked) == 1 and "sport" not in asked[0]
    assert leagues_and_sports(store) == {("EPL", "soccer"), ("NBA", "basketball"), ("NFL", "football"), ("NHL", "")}
    asked, store = await polled(sports=("basketball",), leagues=("NBA", "EPL"))
    assert [params["competition"] for params in asked] == ["EPL", "NBA"] and all("sport" not in p for p in asked)
    assert leagues_and_sports(store) == {("NBA", "basketball")}  # EPL is soccer, not a configured sport


def test_the_runner_passes_the_configured_sports_to_oddsstream():
    providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi")}
    providers["oddsstream"] = ProviderSettings("oddsstream", Secret(KEY), BASE)
    (client,) = build_clients(Settings(providers, sports=("hockey",)), Feed())
    assert isinstance(client, OddsStreamClient) and client.sports == {"hockey"}
    assert client._stream_scope().params() == {"sport": "Hockey"}  # the WebSocket takes the same filters


async def test_the_snapshot_and_stream_are_filtered_by_the_one_configured_sport_against_the_simulator():
    server = start_sim()
    try:
        urls = server.urls()
        feed = Feed()
        settings = ProviderSettings("oddsstream", Secret(KEY), urls["oddsstream"], urls["oddsstream_ws"])
        client = OddsStreamClient(settings, feed, sports=("soccer",), backoff_base=0.01, reconcile_every=60.0)
        task = asyncio.create_task(client.run())
        for _ in range(100):  # until the stream has spoken after the snapshot
            await asyncio.sleep(0.05)
            if client.mode == "websocket" and feed.quote_updates > len(client.seen_keys):
                break
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        server.stop()
    assert client.budget.connections >= 1
    store = Store()
    for event in feed.drain():
        store.apply(event)
    assert store.quote_count() > 0
    assert {f.sport for f in store.all_fixtures()} == {"soccer"}  # sent as "Football", filtered by the server
