"""OddsPapi's bookmaker filter takes the catalog's slugs (Auth: `"bookmakers": ["stake", "pinnacle"]`), not names."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from oddstui.config import ProviderSettings
from oddstui.providers.feed import Feed
from oddstui.providers.oddspapi import OddsPapiClient
from oddstui.providers.oddspapi_rest import PapiRest
from oddstui.providers.oddspapi_wire import book_slugs
from oddstui.secret import Secret
from tests.providers.test_oddspapi_client import Gateway, login_ok

pytestmark = pytest.mark.timeout(30)
CATALOG = [
    {"slug": "pinnacle", "bookmakerName": "Pinnacle"},
    {"slug": "caesars-sportsbook", "bookmakerName": "Caesars"},
    {"slug": "williamhill", "bookmakerName": "William Hill"},
    {"slug": "stake"},
]
"""A `/bookmakers` reply; a slug need not be its name lower-cased, and a name is optional."""


def test_configured_books_map_to_catalog_slugs_by_name_or_slug_and_unknown_ones_are_left_out():
    catalog = {row["slug"]: row.get("bookmakerName", row["slug"]) for row in CATALOG}
    books = ["Caesars", "william hill", "STAKE", "pinnacle", "Nowhere Bet", "Pinnacle"]
    assert book_slugs(books, catalog) == ["caesars-sportsbook", "williamhill", "stake", "pinnacle"]


async def test_the_login_filters_by_the_catalogs_slugs_read_before_it():
    asked: list[str] = []

    def respond(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(200, json=CATALOG if request.url.path == "/en/bookmakers" else [])

    gateway = Gateway([json.dumps(login_ok([]))])
    async with websockets.serve(gateway.handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        settings = ProviderSettings("oddspapi", Secret("books-test-key"), "http://t", f"ws://127.0.0.1:{port}")
        client = OddsPapiClient(settings, Feed(), sports=("basketball",), books=("Caesars", "Pinnacle", "Nowhere"))
        client.http = httpx.AsyncClient(base_url="http://t", transport=httpx.MockTransport(respond))
        client.rest = PapiRest(client.http)
        task = asyncio.create_task(client.run())
        for _ in range(100):
            await asyncio.sleep(0.02)
            if gateway.logins:
                break
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert asked[0] == "/en/bookmakers"  # before the login, which must name its bookmakers at once
    assert gateway.logins[0]["bookmakers"] == ["caesars-sportsbook", "pinnacle"]


def test_without_the_catalog_the_login_guesses_slugs_from_the_names():
    settings = ProviderSettings("oddspapi", Secret("books-test-key"), "http://t", "ws://127.0.0.1:9")
    client = OddsPapiClient(settings, Feed(), books=("William Hill", "BetMGM"))
    assert json.loads(client._login())["bookmakers"] == ["williamhill", "betmgm"]
