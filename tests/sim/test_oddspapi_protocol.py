"""OddsPapi on the simulator, driven by plain `websockets` + `msgpack` and httpx, and by the docs' own sample.

The simulator follows the docs, and varies what they leave open: these tests check that both
shapes of each open choice really occur.
"""

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

from oddstui.model import FixtureStatus
from oddstui.sim.oddspapi_examples import EXAMPLE_FRAMES
from oddstui.sim.oddspapi_render import status_payload
from tests.sim.conftest import KEY, serve

pytestmark = pytest.mark.timeout(30)
LOGIN = {"type": "login", "apiKey": KEY, "channels": ["fixtures", "scores", "odds"], "receiveType": "binary"}
CONTRACT = Path(__file__).parents[1] / "contract" / "oddspapi"


def connect(url: str) -> websockets.connect:
    """A client that keeps reading while closing: with a full receive queue, its close would wait 10 s."""
    return websockets.connect(url, max_queue=None)


def decode(raw: str | bytes) -> tuple[dict, str]:
    """(message, how it came): text JSON, JSON bytes in a binary frame, or MessagePack."""
    if isinstance(raw, str):
        return json.loads(raw), "text"
    if raw[:1] == b"{":
        return json.loads(raw), "json-bytes"
    return msgpack.unpackb(raw, raw=False), "msgpack"


async def read(ws, count: int) -> tuple[list[dict], list[dict]]:
    """Read `count` frames: (control frames, data frames), whatever their encoding."""
    control, data = [], []
    while len(control) + len(data) < count:
        message, how = decode(await asyncio.wait_for(ws.recv(), 10))
        message["_how"] = how
        (data if "channel" in message else control).append(message)
    return control, data


async def test_login_ok_resume_block_and_odds_as_msgpack(sim):
    async with connect(sim.urls()["oddspapi_ws"]) as ws:
        await ws.send(json.dumps(LOGIN))
        login_ok, _ = decode(await ws.recv())
        assert login_ok["type"] == "login_ok"
        resume = login_ok["resume"]
        assert {"serverEpoch", "resumeWindowMs", "replayChannels", "serverEntryIds"} <= set(resume)
        assert {"fixtures", "scores"} <= set(resume["replayChannels"]) and "odds" not in resume["replayChannels"]
        _, data = await read(ws, 40)
    odds = [m for m in data if m["channel"] == "odds"]
    assert odds and all(m["_how"] == "msgpack" and m["type"] == "UPDATE" for m in odds)
    book, outcomes = next(iter(odds[-1]["payload"]["odds"].items()))
    outcome = next(iter(outcomes.values()))
    assert outcome["bookmaker"] == book and outcome["price"] > 1
    assert {"bookmaker", "outcomeId", "playerId", "active", "price", "marketActive", "changedAt"} <= set(outcome)


async def test_the_access_notice_comes_in_login_ok_or_alone(sim):
    """The doc shows `{"access": ...}` as a bare object: where it travels is open, so it varies."""
    seen = set()
    for _ in range(6):
        async with connect(sim.urls()["oddspapi_ws"]) as ws:
            await ws.send(json.dumps(LOGIN | {"channels": ["scores"]}))
            login_ok, _ = decode(await ws.recv())
            if "access" in login_ok:
                seen.add("in login_ok")
            else:
                notice, _ = decode(await ws.recv())
                assert notice == {"access": {"live": True, "pregame": True}}
                seen.add("alone")
    assert seen == {"in login_ok", "alone"}


async def test_binary_mode_varies_how_non_odds_data_and_control_frames_travel():
    server = serve(rate=20_000)
    seen: set[tuple[str, str]] = set()
    try:
        for _ in range(6):
            async with connect(server.urls()["oddspapi_ws"]) as ws:
                await ws.send(json.dumps(LOGIN | {"channels": ["fixtures", "scores"]}))
                control, data = await read(ws, 8)
                seen |= {("control", m["_how"]) for m in control} | {("data", m["_how"]) for m in data}
    finally:
        server.stop()
    assert {("data", "msgpack"), ("data", "json-bytes"), ("data", "text")} <= seen
    assert {("control", "text"), ("control", "json-bytes")} <= seen


async def test_json_receive_type_sends_text_and_gates_bookmakers(sim):
    async with connect(sim.urls()["oddspapi_ws"]) as ws:
        await ws.send(json.dumps(LOGIN | {"receiveType": "json", "channels": ["odds"], "bookmakers": ["pinnacle"]}))
        await ws.recv()
        frames = [json.loads(await asyncio.wait_for(ws.recv(), 10)) for _ in range(10)]
    assert all(f["channel"] == "odds" and set(f["payload"]["odds"]) == {"pinnacle"} for f in frames)


async def _collect(url: str, count: int, login: dict) -> list[dict]:
    async with connect(url) as ws:
        await ws.send(json.dumps(login))
        _, data = await read(ws, count)
    return data


async def test_optional_fields_and_nulls_both_occur(sim):
    """Fields the outcome table lists but the examples omit come and go; `marketActive`/`mainLine` may be null."""
    data = await _collect(sim.urls()["oddspapi_ws"], 150, LOGIN | {"channels": ["odds"], "receiveType": "json"})
    outcomes = [o for m in data for book in m["payload"]["odds"].values() for o in book.values()]
    assert any("marketId" in o for o in outcomes) and any("marketId" not in o for o in outcomes)
    assert {type(o.get("mainLine", "absent")).__name__ for o in outcomes} == {"bool", "NoneType", "str"}
    assert any(o["marketActive"] is None for o in outcomes)
    locked = [o for o in outcomes if o["active"] is False or o["marketActive"] is False]
    assert locked and any(o["active"] is True for o in locked)  # a closed market with an open outcome
    assert any("limit" not in o for o in outcomes) and any(o.get("limit") is None and "limit" in o for o in outcomes)


async def _collect_until(url: str, login: dict, enough, limit: int) -> list[dict]:
    """Data frames until `enough(frames)` holds or `limit` frames have come: the market's mix sets how many it takes."""
    async with connect(url) as ws:
        await ws.send(json.dumps(login))
        data: list[dict] = []
        while len(data) < limit and not enough(data):
            data += (await read(ws, 1))[1]
    return data


def _forty_statuses(data: list[dict]) -> bool:
    return sum(m["channel"] == "fixtures" for m in data) >= 40


async def test_status_ids_only_as_documented_and_scores_without_result():
    """Scores far outnumber status changes (books and scores move every tick), so read until 40 statuses came."""
    server = serve(rate=100_000, fixtures_per_league=1)
    try:
        login = LOGIN | {"channels": ["fixtures", "scores"]}
        data = await _collect_until(server.urls()["oddspapi_ws"], login, _forty_statuses, 5_000)
    finally:
        server.stop()
    statuses = [m["payload"]["status"] for m in data if m["channel"] == "fixtures"]
    for status in statuses:
        if status["statusName"] in ("Pre-Game", "Live") or status["statusId"] in (0, 1):
            assert status["statusId"] in (0, 1, None)
        else:
            assert status["statusId"] is None or status["statusId"] > 1
    assert any(s["statusName"] is None for s in statuses)
    assert any(s["statusId"] is None and s["statusName"] in ("Pre-Game", "Live") for s in statuses)
    scores = [m["payload"]["scores"] for m in data if m["channel"] == "scores"]
    assert any("result" not in s for s in scores) and any("result" in s for s in scores)


def test_undocumented_statuses_go_out_with_a_null_or_undocumented_id_and_their_name(sim):
    fx = next(iter(sim.simulator.market.fixtures.values()))
    old = fx.status
    try:
        fx.status = FixtureStatus.COMPLETED
        statuses = [status_payload(fx, 7, salt) for salt in range(40)]
    finally:
        fx.status = old
    assert {s["statusName"] for s in statuses} == {"Finished"}
    assert None in {s["statusId"] for s in statuses} and any((s["statusId"] or 0) > 1 for s in statuses)


def _closed(message: dict) -> bool:
    """A finished fixture's `bookmakers` frame: its books listed without odds, or none listed."""
    books = message["payload"]["bookmakers"]
    return not books or not any(b["hasOdds"] for b in books.values())


async def test_bookmakers_channel_suspends_lifts_and_closes():
    """A game lasts hundreds of suspensions and lifts, so read until the first one ends (bounded)."""
    server = serve(rate=100_000, fixtures_per_league=1)
    try:
        login = LOGIN | {"channels": ["bookmakers"], "receiveType": "json"}
        data = await _collect_until(server.urls()["oddspapi_ws"], login, lambda data: any(map(_closed, data)), 3_000)
    finally:
        server.stop()
    books = [b for m in data for b in m["payload"]["bookmakers"].values()]
    assert any(b["suspended"] for b in books) and any(not b["suspended"] and b["hasOdds"] for b in books)
    assert any(b["staleOdds"] for b in books)
    assert any(map(_closed, data))  # a finished fixture lists its books without odds, or not at all


async def test_resume_replays_only_replay_channels_then_completes():
    server = serve(rate=20_000)
    try:
        url = server.urls()["oddspapi_ws"]
        login = LOGIN | {"channels": ["fixtures", "scores", "odds"], "receiveType": "json"}
        async with connect(url) as ws:
            await ws.send(json.dumps(login))
            epoch = json.loads(await ws.recv())["resume"]["serverEpoch"]
            _, first = await read(ws, 400)
        scores = [m for m in first if m["channel"] == "scores"]
        odds = [m for m in first if m["channel"] == "odds"]
        cursors = {"scores": scores[0]["entryId"], "odds": odds[0]["entryId"]}
        async with connect(url) as ws:
            await ws.send(json.dumps(login | {"serverEpoch": epoch, "lastSeenId": cursors}))
            assert json.loads(await ws.recv())["type"] == "login_ok"
            control, replayed = [], []
            while not any(c.get("type") == "resume_complete" for c in control):
                more_control, more_data = await read(ws, 1)
                control += more_control
                replayed += more_data
    finally:
        server.stop()
    replayed_scores = [m["entryId"] for m in replayed if m["channel"] == "scores"]
    assert replayed_scores[: len(scores) - 1] == [m["entryId"] for m in scores[1:]]
    first_ids = {m["entryId"] for m in odds}
    assert not [m for m in replayed if m["channel"] == "odds" and m["entryId"] in first_ids]  # odds never replays


async def test_snapshot_required_after_restart_and_outside_the_window():
    server = serve()
    try:
        url = server.urls()["oddspapi_ws"]
        server.simulator.oddspapi.vary_frames = False
        async with connect(url) as ws:
            await ws.send(json.dumps(LOGIN))
            epoch = json.loads(await ws.recv())["resume"]["serverEpoch"]
            _, data = await read(ws, 5)
            server.call(server.simulator.hub.restart)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await read(ws, 10_000)
            assert closed.value.rcvd.code == 1012
        resume = LOGIN | {"serverEpoch": epoch, "lastSeenId": {"fixtures": data[-1]["entryId"]}}
        async with connect(url) as ws:
            await ws.send(json.dumps(resume))
            login_ok = json.loads(await ws.recv())
            assert login_ok["resume"]["serverEpoch"] != epoch
            required = json.loads(await ws.recv())
        assert required["type"] == "snapshot_required" and required["reason"] == "server_restarted"

        server.simulator.oddspapi.resume_window_ms = 200
        async with connect(url) as ws:
            await ws.send(json.dumps(LOGIN | {"channels": ["fixtures", "scores"]}))
            epoch = json.loads(await ws.recv())["resume"]["serverEpoch"]
            _, data = await read(ws, 3)
        await asyncio.sleep(0.5)
        cursor = {data[-1]["channel"]: data[-1]["entryId"]}
        async with connect(url) as ws:
            await ws.send(
                json.dumps(LOGIN | {"channels": ["fixtures", "scores"], "serverEpoch": epoch, "lastSeenId": cursor})
            )
            await ws.recv()
            required = json.loads(await ws.recv())
        assert required["reason"] == "resume_window_exceeded" and required["channels"] == list(cursor)
    finally:
        server.stop()


async def test_doc_example_frames_go_out_verbatim_on_some_fresh_connections():
    server = serve()
    try:
        texts = set()
        for _ in range(4):
            async with connect(server.urls()["oddspapi_ws"]) as ws:
                await ws.send(json.dumps({"type": "login", "apiKey": KEY}))  # the doc's minimal login
                await ws.recv()
                for _ in range(12):
                    raw = await asyncio.wait_for(ws.recv(), 10)
                    texts.add(raw if isinstance(raw, str) else raw.decode())
    finally:
        server.stop()
    assert set(EXAMPLE_FRAMES.values()) <= texts
    assert server.simulator.oddspapi.examples_sent == set(EXAMPLE_FRAMES)


def test_embedded_examples_equal_the_contract_files():
    for name, text in EXAMPLE_FRAMES.items():
        assert (CONTRACT / f"{name}.json").read_text() == text, name


@pytest.mark.parametrize("name", ["quickstart-login", "auth-login", "auth-login-filters", "auth-login-bookmakers"])
async def test_every_doc_login_example_is_answered_with_login_ok(sim, name):
    login = json.loads((CONTRACT / f"{name}.json").read_text()) | {"apiKey": KEY}
    async with connect(sim.urls()["oddspapi_ws"]) as ws:
        await ws.send(json.dumps(login))
        reply, _ = decode(await ws.recv())
    assert reply["type"] == "login_ok"


async def test_bad_login_fails_in_varied_ways_and_a_sixth_connection_closes_4003(sim):
    """`login_failed` has no documented close code or message: 4001 or 1008, with a message or the reason alone."""
    url = sim.urls()["oddspapi_ws"]
    seen = set()
    for _ in range(8):
        async with connect(url) as ws:
            await ws.send(json.dumps(LOGIN | {"apiKey": "bad-key"}))
            messages = []
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    messages.append(json.loads(await ws.recv())["type"])
            assert messages in ([], ["login_failed"]) and closed.value.rcvd.reason == "login_failed"
            seen.add((closed.value.rcvd.code, bool(messages)))
    assert seen == {(4001, True), (1008, True), (1008, False)}
    login = LOGIN | {"apiKey": "key-with-five", "channels": ["scores"]}
    sockets = []
    try:
        for _ in range(5):
            ws = await connect(url)
            sockets.append(ws)
            await ws.send(json.dumps(login))
            assert decode(await ws.recv())[0]["type"] == "login_ok"
        async with connect(url) as sixth:
            await sixth.send(json.dumps(login))
            assert json.loads(await sixth.recv())["type"] == "too_many_connections"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await sixth.recv()
            assert closed.value.rcvd.code == 4003
    finally:
        for ws in sockets:
            await ws.close()


def test_rest_errors_limits_lookup_modes_and_snapshot(sim):
    base = sim.urls()["oddspapi"]
    missing = httpx.get(f"{base}/en/fixtures")
    assert missing.status_code == 401 and missing.json() == json.loads(
        (CONTRACT / "errors-401-missing.json").read_text()
    )
    no_filter = httpx.get(f"{base}/en/fixtures", params={"apiKey": "rest-key"})
    assert no_filter.json() == json.loads((CONTRACT / "errors-400.json").read_text())
    assert httpx.get(f"{base}/en/markets", params={"apiKey": "rest-key"}).status_code == 422
    fixtures = httpx.get(f"{base}/en/fixtures", params={"apiKey": "rest-key", "sportId": 11})
    assert fixtures.status_code == 200 and int(fixtures.headers["X-RateLimit-Remaining"]) >= 0
    fixture = fixtures.json()[0]
    assert fixture["fixtureId"].startswith("id11") and fixture["externalProviders"]["opticoddsId"]
    codes = []
    with httpx.Client() as client:
        for _ in range(12):
            response = client.get(
                f"{base}/en/fixtures/odds", params={"apiKey": "rest-key", "fixtureId": fixture["fixtureId"]}
            )
            codes.append(response.status_code)
    assert codes[0] == 200 and codes[-1] == 429
    limited = response.json()
    assert int(response.headers["Retry-After"]) == 1 and limited["code"] == "rate_limited"
    assert limited["endpoint"] == "/fixtures/odds"
    time.sleep(1.1)
    snapshot = httpx.get(f"{base}/en/fixtures/odds", params={"apiKey": "rest-key", "fixtureId": fixture["fixtureId"]})
    book = next(iter(snapshot.json()["bookmakerOdds"].values()))
    market_id, market = next(iter(book["markets"].items()))
    outcome_id, outcome = next(iter(market["outcomes"].items()))
    assert isinstance(book["suspended"], bool) and outcome_id.startswith(market_id[:2])
    assert {"price", "active", "changedAt"} <= set(next(iter(outcome["players"].values())))
    markets = httpx.get(f"{base}/en/markets", params={"apiKey": "rest-key", "sportId": 11}).json()
    assert markets and all(str(o["outcomeId"]).startswith("11") for m in markets for o in m["outcomes"])


def test_docs_python_sample_runs_unchanged_but_for_the_url(sim, tmp_path: Path):
    """The sample reads text as JSON and binary as MessagePack: the doc's reading, which "doc" mode serves."""
    sim.simulator.oddspapi.vary_frames = False
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
        sim.simulator.oddspapi.vary_frames = True
    assert lines[0].startswith("CONTROL: {'type': 'login_ok'")
    assert sum(line.startswith("DATA: fixtures") or line.startswith("DATA: scores") for line in lines) >= 3
