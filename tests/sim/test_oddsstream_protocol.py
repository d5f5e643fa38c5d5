"""OddsStream on the simulator, driven by plain httpx and `websockets`: envelope, plans, limits, token flow.

Where the docs are silent the simulator varies its choice by seed; these tests prove each variant occurs.
"""

import asyncio
import json
import time

import httpx
import pytest
import websockets

from oddstui.sim.oddsstream import Plan
from tests.sim.conftest import serve

pytestmark = pytest.mark.timeout(30)
FREE, PRO, PRO_RT, PRO_LIVE = (f"os_live_{digit}{'0' * 31}" for digit in "048c")
DOCUMENTED = {
    "bookmaker",
    "match_name",
    "competition",
    "sport",
    "market_type",
    "period",
    "is_live",
    "odds",
    "match_date",
    "scraped_at",
    "url",
    "liquidity",
}
REQUIRED = {"bookmaker", "match_name", "competition", "sport", "market_type", "period", "is_live", "odds"}


def get(sim, path: str, key: str | None, **params) -> httpx.Response:
    headers = {"X-Api-Key": key} if key else {}
    return httpx.get(sim.urls()["oddsstream"] + path, headers=headers, params=params)


def test_envelope_rate_headers_and_rows_with_documented_fields_only(sim):
    response = get(sim, "/api/odds", PRO, limit=500)
    body = response.json()
    assert response.status_code == 200 and body["meta"]["count"] == len(body["data"]) <= 500
    remaining = int(response.headers["X-RateLimit-Remaining"])
    assert body["meta"]["rate_limit_remaining"] == remaining and int(response.headers["X-RateLimit-Reset"]) > 0
    rows = body["data"]
    assert all(REQUIRED <= set(row) <= DOCUMENTED for row in rows)
    for optional in ("scraped_at", "url", "liquidity"):
        present = [optional in row for row in rows]
        assert any(present) and not all(present), optional  # varied: a client must accept both shapes
    dates = [row["match_date"] for row in rows]
    assert None in dates and any(isinstance(d, str) for d in dates)
    separators = {" vs " in row["match_name"] for row in rows}
    assert separators == {True, False}  # "Home vs Away" or "Home - Away": the docs never show a match_name
    prices = [p for row in rows for p in row["odds"].values()]
    assert all(p is None or p > 1 for p in prices)
    assert int(get(sim, "/api/sports", PRO).headers["X-RateLimit-Remaining"]) == remaining - 1


def test_documented_errors(sim):
    assert get(sim, "/api/odds", None).json() == {
        "error": {"code": "unauthorized", "message": "Missing or invalid X-Api-Key"}
    }
    forbidden = get(sim, "/api/odds", FREE, bookmaker="FanDuel")
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "bookmaker_forbidden"
    live = get(sim, "/api/odds", PRO, is_live="true").json()["error"]
    assert live["code"] == "live_not_on_plan" and live["upgrade_url"]
    assert get(sim, "/api/odds", PRO, limit=501).json()["error"]["code"] == "bad_request"
    assert get(sim, "/api/events/no-such-event", PRO).status_code == 404
    token = httpx.post(sim.urls()["oddsstream"] + "/api/stream/token", headers={"X-Api-Key": PRO})
    assert token.status_code == 403 and token.json()["error"]["code"] == "websocket_not_on_plan"


def test_free_plan_runs_dry_at_200_a_day(sim):
    key = f"os_live_1{'0' * 31}"
    with httpx.Client(base_url=sim.urls()["oddsstream"], headers={"X-Api-Key": key}) as client:
        remaining = [client.get("/api/sports").headers["X-RateLimit-Remaining"] for _ in range(200)]
        refused = client.get("/api/sports")
    assert remaining[0] == "199" and remaining[-1] == "0"
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limit_exceeded"
    reset = int(refused.headers["X-RateLimit-Reset"])
    assert reset % 86_400 == 0 and 0 < reset - time.time() <= 86_400  # the day resets at UTC midnight


def test_a_compressed_free_day_resets_its_budget():
    server = serve()
    server.simulator.oddsstream.set_plan(0, Plan("free", 3, 1.0, 30, False))
    try:
        with httpx.Client(base_url=server.urls()["oddsstream"], headers={"X-Api-Key": FREE}) as client:
            codes = [client.get("/api/sports").status_code for _ in range(4)]
            if codes[-1] == 200:  # the window turned between the calls: the fourth must be refused now
                codes = [client.get("/api/sports").status_code for _ in range(4)]
            time.sleep(1.05)
            after = client.get("/api/sports")
    finally:
        server.stop()
    assert codes[-1] == 429 and after.status_code == 200


def test_free_plan_websocket_connections_are_capped_per_day():
    server = serve()
    server.simulator.oddsstream.set_plan(0, Plan("free", 200, 86_400.0, 2, False))
    base, ws_url = server.urls()["oddsstream"], server.urls()["oddsstream_ws"]

    async def connect_three() -> list[int]:
        codes = []
        async with httpx.AsyncClient(headers={"X-Api-Key": FREE}) as client:
            for _ in range(3):
                reply = await client.post(f"{base}/api/stream/token")
                codes.append(reply.status_code)
                if reply.status_code == 200:
                    body = reply.json()
                    token = body.get("token") or body["data"]["token"]
                    async with websockets.connect(f"{ws_url}?token={token}"):
                        pass
        return codes

    try:
        codes = asyncio.run(connect_three())
    finally:
        server.stop()
    assert codes == [200, 200, 429]


async def test_token_replies_and_stream_messages_take_every_undocumented_form(sim):
    base = sim.urls()["oddsstream"]
    shapes, messages = set(), []
    async with httpx.AsyncClient() as client:
        for _ in range(6):
            body = (await client.post(f"{base}/api/stream/token", headers={"X-Api-Key": PRO_RT})).json()
            shapes.add("enveloped" if "data" in body else "bare")
            token = body.get("token") or body["data"]["token"]
            assert (body.get("expires_in") or body["data"]["expires_in"]) == 300
    assert shapes == {"bare", "enveloped"}
    url = f"{sim.urls()['oddsstream_ws']}?token={token}&competition=NBA"
    async with websockets.connect(url, max_queue=None) as ws:
        messages = [json.loads(await asyncio.wait_for(ws.recv(), 10)) for _ in range(60)]
    forms = {"array" if isinstance(m, list) else "wrapped" if "data" in m else "row" for m in messages}
    assert forms == {"array", "wrapped", "row"}
    rows = [r for m in messages for r in (m if isinstance(m, list) else [m.get("data", m)])]
    assert all(r["competition"] == "NBA" and not r["is_live"] and REQUIRED <= set(r) <= DOCUMENTED for r in rows)
    assert all(len(r["odds"]) == 1 and all(p is None or p > 1 for p in r["odds"].values()) for r in rows)
    async with websockets.connect(url) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd.code == 4001  # a token is single use
