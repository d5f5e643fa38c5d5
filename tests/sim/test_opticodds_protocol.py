"""OpticOdds on the simulator, driven by plain httpx and by the provider's own sample consumer."""

import json
import threading
import time

import httpx
import pytest

from tests.sim.conftest import KEY, serve

pytestmark = pytest.mark.timeout(30)


def sse_events(client: httpx.Client, url: str, params: dict, count: int) -> list[dict]:
    """Read `count` blocks from an SSE stream with raw httpx: [{event, id, retry, data}]."""
    events, block = [], {}
    with client.stream("GET", url, params=params, headers={"X-Api-Key": KEY}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if not line:
                if block:
                    events.append(block)
                    block = {}
                if len(events) >= count:
                    break
                continue
            field, _, value = line.partition(": ")
            block[field] = value
    return events


def test_auth_and_filters_are_enforced(sim):
    base = sim.urls()["opticodds"]
    assert httpx.get(f"{base}/stream/odds/basketball", params={"sportsbook": "Pinnacle"}).status_code == 401
    assert httpx.get(f"{base}/stream/odds/basketball", headers={"X-Api-Key": KEY}).status_code == 400
    six = ["Pinnacle", "DraftKings", "FanDuel", "BetMGM", "Caesars", "BetRivers"]
    response = httpx.get(f"{base}/stream/odds/basketball", params={"sportsbook": six}, headers={"X-Api-Key": KEY})
    assert response.status_code == 400 and "at most 5" in response.json()["message"]
    assert httpx.get(f"{base}/fixtures/odds", params={"sportsbook": "Pinnacle", "key": "bad-key"}).status_code == 401


def test_stream_frames_and_replay_by_last_entry_id(sim):
    url = sim.urls()["opticodds"] + "/stream/odds/basketball"
    params = {"sportsbook": ["Pinnacle", "DraftKings"], "include_fixture_updates": "true"}
    with httpx.Client(timeout=10) as client:
        first = sse_events(client, url, params, 40)
        assert first[0] == {"event": "connected", "retry": "5000", "data": "ok go"}
        data = [e for e in first if e["event"] in ("odds", "locked-odds", "fixture-status")]
        assert len(data) >= 20
        for event in data:
            assert event["retry"] == "5000"
            assert json.loads(event["data"])["entry_id"] == event["id"]
        odd = next(json.loads(e["data"])["data"][0] for e in data if e["event"] == "odds")
        assert odd["sportsbook"] in ("Pinnacle", "DraftKings") and odd["league"] in ("NBA", "NCAAB")
        assert {"id", "fixture_id", "market", "name", "price", "is_main", "is_live"} <= set(odd)
        resumed = sse_events(client, url, params | {"last_entry_id": data[4]["id"]}, 10)
        replayed = [e["id"] for e in resumed if "id" in e]
        assert replayed[:5] == [e["id"] for e in data[5:10]]


def test_filters_narrow_the_stream(sim):
    url = sim.urls()["opticodds"] + "/stream/odds/basketball"
    params = {
        "sportsbook": "FanDuel",
        "league": "NBA",
        "market": "Moneyline",
        "is_main": "true",
        "odds_format": "DECIMAL",
    }
    with httpx.Client(timeout=10) as client:
        events = [e for e in sse_events(client, url, params | {"last_entry_id": "0-0"}, 12) if e["event"] == "odds"]
    odds = [o for e in events for o in json.loads(e["data"])["data"]]
    assert odds and all(
        o["sportsbook"] == "FanDuel"
        and o["league"] == "NBA"
        and o["market"] == "Moneyline"
        and isinstance(o["price"], float)
        and o["price"] > 1
        for o in odds
    )


def test_snapshot_for_hydration(sim):
    response = httpx.get(
        sim.urls()["opticodds"] + "/fixtures/odds",
        headers={"X-Api-Key": KEY},
        params={"sport": "hockey", "sportsbook": ["Pinnacle", "Caesars"]},
    )
    fixtures = response.json()["data"]
    assert fixtures and all(f["league"]["name"] == "NHL" for f in fixtures)
    assert {o["sportsbook"] for f in fixtures for o in f["odds"]} == {"Pinnacle", "Caesars"}


def test_429_burst_then_recovers():
    server = serve(faults="429=2@1")
    try:
        url = server.urls()["opticodds"] + "/stream/results/basketball"
        with httpx.Client(timeout=5) as client:
            codes = []
            for _ in range(4):
                with client.stream("GET", url, headers={"X-Api-Key": KEY}) as response:
                    codes.append(response.status_code)
                    if response.status_code == 429:
                        assert int(response.headers["Retry-After"]) >= 1
        assert codes == [200, 429, 429, 200]
    finally:
        server.stop()


def copilot_ids(sim) -> list[dict]:
    response = httpx.get(
        sim.urls()["opticodds"] + "/copilot/fixtures/odds",
        headers={"X-Api-Key": KEY},
        params={"sport": "basketball", "league": "NBA"},
    )
    return [odd | {"fixture_id": fixture["id"]} for fixture in response.json()["data"] for odd in fixture["odds"]]


def decimal(american: float) -> float:
    return 1 + american / 100 if american > 0 else 1 + 100 / -american


def same_game_pairs(sim) -> list[tuple[dict, dict]]:
    """(moneyline, main spread of the same side) per fixture that has both open."""
    by_fixture: dict[str, list[dict]] = {}
    for odd in copilot_ids(sim):
        by_fixture.setdefault(odd["fixture_id"], []).append(odd)
    pairs = []
    for odds in by_fixture.values():
        for ml in (o for o in odds if o["market"] == "Moneyline"):
            spread = [o for o in odds if o["market"] == "Point Spread" and o["selection"] == ml["selection"]]
            pairs += [(ml, o) for o in spread if o["is_main"]][:1]
    return pairs


def test_parlay_same_game_is_correlated(sim):
    url = sim.urls()["opticodds"] + "/copilot/parlay/odds"
    for ml, spread in same_game_pairs(sim):  # the market runs: a leg may lock before it is priced
        body = httpx.get(url, params={"id": [ml["id"], spread["id"]]}, headers={"X-Api-Key": KEY}).json()["data"]
        if body["missing_entries"] is None:
            break
    assert body["error"] is None and body["missing_entries"] is None
    assert [leg["id"] for leg in body["legs"]] == [ml["id"], spread["id"]]
    independent = decimal(body["legs"][0]["price"]) * decimal(body["legs"][1]["price"])
    assert decimal(body["price"]) < independent * 0.99  # same-side ML + spread move together: shorter price
    posted = httpx.post(
        url, json={"entries": [{"id": ml["id"]}, {"id": spread["id"]}]}, headers={"X-Api-Key": KEY}
    ).json()["data"]
    assert [leg["id"] for leg in posted["legs"]] == [ml["id"], spread["id"]]  # prices may have moved since


def test_parlay_reports_missing_and_malformed(sim):
    url = sim.urls()["opticodds"] + "/copilot/parlay/odds"
    good = copilot_ids(sim)[0]["id"]
    missing = "1:-1:nba:FFFFFFFFFFFF:moneyline:nobody"
    body = httpx.get(url, params={"id": [good, missing]}, headers={"X-Api-Key": KEY}).json()["data"]
    assert body["missing_entries"] == [missing] and body["price"] is None
    body = httpx.get(url, params={"id": [good, "not-an-id"]}, headers={"X-Api-Key": KEY}).json()["data"]
    assert "invalid" in body["error"] and body["price"] is None


def test_provider_sample_consumer_works_unchanged(sim):
    """The SSE guide's Python consumer (requests + sseclient-py), with only its URL and key changed."""
    from oddstui.bench import opticodds_sample

    opticodds_sample.BASE_URL = sim.urls()["opticodds"]
    seen: list[dict] = []

    def on_odds(data: dict) -> None:
        seen.append(data)
        if len(seen) >= 5:
            raise KeyboardInterrupt  # the sample's own way to stop: "Stream stopped by user"

    thread = threading.Thread(
        target=opticodds_sample.stream_odds,
        args=("basketball", ["Pinnacle", "FanDuel"]),
        kwargs={"leagues": ["NBA"], "on_odds": on_odds},
        daemon=True,
    )
    thread.start()
    thread.join(timeout=20)
    assert not thread.is_alive() and len(seen) == 5
    assert all(odd["sportsbook"] in ("Pinnacle", "FanDuel") for event in seen for odd in event["data"])


def test_restart_fault_drops_the_stream_and_stall_fault_silences_it():
    server = serve(faults="stall=5:1.5", ping_interval=0.2)
    try:
        url = server.urls()["opticodds"] + "/stream/odds/basketball"
        gaps, last = [], None
        with (
            httpx.Client(timeout=10) as client,
            client.stream("GET", url, params={"sportsbook": "Pinnacle"}, headers={"X-Api-Key": KEY}) as response,
        ):
            for line in response.iter_lines():
                now = time.monotonic()
                if line.startswith("event:"):
                    gaps.append(now - last if last else 0.0)
                    last = now
                if len(gaps) > 12:
                    break
        assert max(gaps) >= 1.4  # no data and no pings during the stall, though pings are due every 0.2 s
        server.call(server.simulator.hub.restart)
        with (
            httpx.Client(timeout=10) as client,
            client.stream("GET", url, params={"sportsbook": "Pinnacle"}, headers={"X-Api-Key": KEY}) as response,
        ):
            lines = response.iter_lines()
            next(lines)
            server.call(server.simulator.hub.restart)
            with pytest.raises(httpx.RemoteProtocolError):
                for _ in lines:
                    pass
    finally:
        server.stop()


def test_where_the_docs_are_silent_the_simulator_varies(sim):
    """Optional odd fields present and absent, results scores nested and flat, the guide's own example events."""
    base = sim.urls()["opticodds"]
    with httpx.Client(timeout=10) as client:
        events = []
        for _ in range(3):  # the doc examples come with some connections, not all
            params = {"sportsbook": ["Pinnacle", "FanDuel"], "include_fixture_updates": "true", "last_entry_id": "0-0"}
            events += sse_events(client, base + "/stream/odds/basketball", params, 30)
        results = sse_events(client, base + "/stream/results/basketball", {"last_entry_id": "0-0"}, 60)
    odds = [o for e in events if e["event"] == "odds" for o in json.loads(e["data"])["data"]]
    for name in ("limits", "deep_link", "normalized_selection"):
        assert any(name in o for o in odds) and any(name not in o for o in odds), name
    moneylines = [o for o in odds if o["market"] == "Moneyline"]
    assert any("points" in o and o["points"] is None for o in moneylines) and any("points" not in o for o in moneylines)
    assert {"event": "ping", "retry": "5000", "data": "2024-08-28T18:57:49Z"} in events
    assert any(e["event"] == "fixture-status" and e.get("id") == "1724871720243-0" for e in events)
    scores = [json.loads(e["data"])["data"]["score"] for e in results if e["event"] == "fixture-results"]
    assert any("scores" in s and "in_play" in s for s in scores) and any("home" in s for s in scores)


def test_the_seed_chooses_snapshot_filters_and_copilot_id_forms():
    from oddstui.sim.opticodds import Variant

    variants = [Variant(seed) for seed in range(12)]
    assert {v.snapshot_by_fixture for v in variants} == {0, 400, 422}
    assert {v.long_copilot_ids for v in variants} == {True, False}


def test_settlements_sometimes_use_a_word_beyond_won_lost_push(sim):
    from oddstui.model import Settlement
    from oddstui.sim.hub import Entry
    from oddstui.sim.opticodds import OpticOddsSim

    market, variant = sim.simulator.market, sim.simulator.opticodds.variant
    words = {
        OpticOddsSim._settled(fx, line, Settlement.PUSH, Entry(1, "1-1", 1, None), variant)["settlement"]
        for fx in market.fixtures.values()
        for line in fx.lines
    }
    assert words == {"Push", "Void"}


def test_parlay_of_independent_legs_is_the_product_within_rounding(sim):
    odds = copilot_ids(sim)
    url = sim.urls()["opticodds"] + "/copilot/parlay/odds"
    for first, other in zip(odds, odds[len(odds) // 2 :], strict=False):  # a leg may lock before it is priced
        if first["fixture_id"] == other["fixture_id"]:
            continue
        body = httpx.get(url, params={"id": [first["id"], other["id"]]}, headers={"X-Api-Key": KEY}).json()["data"]
        if body["missing_entries"] is None:
            break
    assert body["missing_entries"] is None and len(body["legs"]) == 2
    product = decimal(body["legs"][0]["price"]) * decimal(body["legs"][1]["price"])
    assert abs(decimal(body["price"]) - product) <= 0.01 * product
