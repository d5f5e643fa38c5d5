"""OddsPapi on the simulator, driven by plain `websockets` + `msgpack` and httpx, and by the docs' own sample."""

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import msgpack
import pytest
import websockets

from tests.sim.conftest import KEY, serve

pytestmark = pytest.mark.timeout(30)
LOGIN = {"type": "login", "apiKey": KEY, "channels": ["fixtures", "scores", "odds"], "receiveType": "binary"}


def connect(url: str) -> websockets.connect:
    """A client that keeps reading while closing: with a full receive queue, its close would wait 10 s."""
    return websockets.connect(url, max_queue=None)


async def read(ws, count: int) -> tuple[list[dict], list[dict]]:
    """Read `count` frames: (control frames, sent as JSON text; data frames, sent as MessagePack)."""
    control, data = [], []
    while len(control) + len(data) < count:
        raw = await asyncio.wait_for(ws.recv(), 10)
        if isinstance(raw, str):
            control.append(json.loads(raw))
        else:
            data.append(msgpack.unpackb(raw, raw=False))
    return control, data


async def test_login_routes_control_as_json_and_data_as_msgpack(sim):
    async with connect(sim.urls()["oddspapi_ws"]) as ws:
        await ws.send(json.dumps(LOGIN))
        login_ok = json.loads(await ws.recv())
        assert login_ok["type"] == "login_ok" and login_ok["access"] == {"live": True, "pregame": True}
        assert {"serverEpoch", "resumeWindowMs", "replayChannels", "serverEntryIds"} <= set(login_ok["resume"])
        control, data = await read(ws, 30)
    assert not control and len(data) == 30
    odds = next(m for m in data if m["channel"] == "odds")
    assert odds["type"] == "UPDATE" and odds["entryId"].count("-") == 1
    book, outcomes = next(iter(odds["payload"]["odds"].items()))
    outcome = next(iter(outcomes.values()))
    assert outcome["bookmaker"] == book and outcome["price"] > 1
    assert str(outcome["outcomeId"]).startswith(str(outcome["marketId"])[:2])
    assert {"active", "marketActive", "mainLine", "changedAt"} <= set(outcome)


async def test_json_receive_type_sends_text_data(sim):
    async with connect(sim.urls()["oddspapi_ws"]) as ws:
        await ws.send(json.dumps(LOGIN | {"receiveType": "json", "channels": ["odds"], "bookmakers": ["pinnacle"]}))
        await ws.recv()
        frames = [json.loads(await asyncio.wait_for(ws.recv(), 10)) for _ in range(10)]
    assert all(f["channel"] == "odds" and set(f["payload"]["odds"]) == {"pinnacle"} for f in frames)


async def test_resume_replays_what_was_missed_then_completes(sim):
    url = sim.urls()["oddspapi_ws"]
    async with connect(url) as ws:
        await ws.send(json.dumps(LOGIN | {"channels": ["odds"]}))
        epoch = json.loads(await ws.recv())["resume"]["serverEpoch"]
        _, first = await read(ws, 40)
    cursor = first[9]["entryId"]
    async with connect(url) as ws:
        await ws.send(json.dumps(LOGIN | {"channels": ["odds"], "serverEpoch": epoch, "lastSeenId": {"odds": cursor}}))
        assert json.loads(await ws.recv())["type"] == "login_ok"
        control, replayed = [], []
        while not any(c["type"] == "resume_complete" for c in control):
            more_control, more_data = await read(ws, 1)
            control += more_control
            replayed += more_data
    ids = [m["entryId"] for m in replayed]
    assert ids[:30] == [m["entryId"] for m in first[10:40]]
    assert int(ids[0].split("-")[1]) > int(cursor.split("-")[1])


async def test_snapshot_required_after_restart_and_outside_the_window():
    server = serve()
    try:
        url = server.urls()["oddspapi_ws"]
        async with connect(url) as ws:
            await ws.send(json.dumps(LOGIN))
            epoch = json.loads(await ws.recv())["resume"]["serverEpoch"]
            _, data = await read(ws, 5)
            server.call(server.simulator.hub.restart)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await read(ws, 10_000)
            assert closed.value.rcvd.code == 1012
        resume = LOGIN | {"serverEpoch": epoch, "lastSeenId": {"odds": data[-1]["entryId"]}}
        async with connect(url) as ws:
            await ws.send(json.dumps(resume))
            login_ok = json.loads(await ws.recv())
            assert login_ok["resume"]["serverEpoch"] != epoch
            required = json.loads(await ws.recv())
        assert required["type"] == "snapshot_required" and required["reason"] == "server_restarted"

        server.simulator.oddspapi.resume_window_ms = 200
        async with connect(url) as ws:
            await ws.send(json.dumps(LOGIN | {"channels": ["odds"]}))
            epoch = json.loads(await ws.recv())["resume"]["serverEpoch"]
            _, data = await read(ws, 3)
        await asyncio.sleep(0.5)
        async with connect(url) as ws:
            await ws.send(
                json.dumps(
                    LOGIN | {"channels": ["odds"], "serverEpoch": epoch, "lastSeenId": {"odds": data[-1]["entryId"]}}
                )
            )
            await ws.recv()
            required = json.loads(await ws.recv())
        assert required["reason"] == "resume_window_exceeded" and required["channels"] == ["odds"]
    finally:
        server.stop()


async def test_bad_login_closes_4001_and_a_sixth_connection_4003(sim):
    url = sim.urls()["oddspapi_ws"]
    async with connect(url) as ws:
        await ws.send(json.dumps(LOGIN | {"apiKey": "bad-key"}))
        assert json.loads(await ws.recv())["type"] == "login_failed"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd.code == 4001
    login = LOGIN | {"apiKey": "key-with-five", "channels": ["scores"]}
    sockets = []
    try:
        for _ in range(5):
            ws = await connect(url)
            sockets.append(ws)
            await ws.send(json.dumps(login))
            assert json.loads(await ws.recv())["type"] == "login_ok"
        async with connect(url) as sixth:
            await sixth.send(json.dumps(login))
            assert json.loads(await sixth.recv())["type"] == "too_many_connections"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await sixth.recv()
            assert closed.value.rcvd.code == 4003
    finally:
        for ws in sockets:
            await ws.close()


def test_rest_errors_limits_and_snapshot(sim):
    base = sim.urls()["oddspapi"]
    missing = httpx.get(f"{base}/en/fixtures")
    assert missing.status_code == 401 and missing.json() == {
        "error": 401,
        "message": "missing apiKey",
        "code": "missing_api_key",
    }
    fixtures = httpx.get(f"{base}/en/fixtures", params={"apiKey": "rest-key", "sportId": 11})
    assert fixtures.status_code == 200 and int(fixtures.headers["X-RateLimit-Remaining"]) >= 0
    fixture = fixtures.json()[0]
    assert fixture["fixtureId"].startswith("id") and fixture["externalProviders"]["opticoddsId"]
    codes = []
    with httpx.Client() as client:
        for _ in range(12):
            response = client.get(
                f"{base}/en/fixtures/odds", params={"apiKey": "rest-key", "fixtureId": fixture["fixtureId"]}
            )
            codes.append(response.status_code)
    assert codes[0] == 200 and codes[-1] == 429
    assert int(response.headers["Retry-After"]) == 1 and response.json()["code"] == "rate_limited"
    markets = httpx.get(f"{base}/en/markets", params={"apiKey": "rest-key"}).json()
    assert markets and all(
        str(o["outcomeId"]).startswith(str(m["marketId"])[:2]) for m in markets for o in m["outcomes"]
    )


def test_docs_python_sample_runs_unchanged_but_for_the_url(sim, tmp_path: Path):
    sample = (Path(__file__).parent / "oddspapi_sample.py").read_text()
    script = tmp_path / "sample.py"
    script.write_text(sample.replace("wss://v5.oddspapi.io/ws", sim.urls()["oddspapi_ws"]))
    process = subprocess.Popen([sys.executable, "-u", str(script)], stdout=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and sum(line.startswith("DATA:") for line in lines) < 3:
            lines.append(process.stdout.readline())
    finally:
        process.kill()
        process.wait()
    assert lines[0].startswith("CONTROL: {'type': 'login_ok'")
    assert sum(line.startswith("DATA: fixtures") or line.startswith("DATA: scores") for line in lines) >= 3
