"""OddsStream on the simulator, driven by plain httpx and `websockets`: envelope, plans, limits, token flow."""

import asyncio
import json

import httpx
import pytest
import websockets

pytestmark = pytest.mark.timeout(30)
FREE, PRO, PRO_RT, PRO_LIVE = (f"os_live_{digit}{'0' * 31}" for digit in "048c")


def get(sim, path: str, key: str | None, **params) -> httpx.Response:
    headers = {"X-Api-Key": key} if key else {}
    return httpx.get(sim.urls()["oddsstream"] + path, headers=headers, params=params)


def test_envelope_and_rate_headers(sim):
    response = get(sim, "/api/odds", PRO, competition="NBA", limit=20)
    body = response.json()
    assert response.status_code == 200 and body["meta"]["count"] == len(body["data"]) <= 20
    remaining = int(response.headers["X-RateLimit-Remaining"])
    assert body["meta"]["rate_limit_remaining"] == remaining and int(response.headers["X-RateLimit-Reset"]) > 0
    row = body["data"][0]
    assert {
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
    } <= set(row)
    assert row["competition"] == "NBA" and all(price > 1 for price in row["odds"].values())
    assert int(get(sim, "/api/sports", PRO).headers["X-RateLimit-Remaining"]) == remaining - 1
    event = get(sim, f"/api/events/{row['event_id']}", PRO).json()["data"]
    assert isinstance(event, dict) and event["odds"]


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


async def test_token_is_single_use_and_the_stream_sends_one_message_per_selection(sim):
    base = sim.urls()["oddsstream"]
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{base}/api/stream/token", headers={"X-Api-Key": PRO_RT})
    token = response.json()
    assert token["expires_in"] == 300
    url = f"{sim.urls()['oddsstream_ws']}?token={token['token']}&competition=NBA"
    async with websockets.connect(url, max_queue=None) as ws:
        messages = [json.loads(await asyncio.wait_for(ws.recv(), 10)) for _ in range(10)]
    assert all(m["type"] == "odds" and m["competition"] == "NBA" and not m["is_live"] for m in messages)
    assert all(m["odds"] is None or m["odds"] > 1 for m in messages) and all(m["selection"] for m in messages)
    async with websockets.connect(url) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd.code == 4001
