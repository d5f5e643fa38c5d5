"""`oddstui tail` and `oddstui parlay` as a user runs them, and the parlay client's retry rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest

from oddstui.config import ProviderSettings
from oddstui.providers.copilot import ParlayClient, ParlayError
from oddstui.secret import Secret
from tests.providers.conftest import KEY, start_sim

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def sim():
    server = start_sim(rate=500)
    yield server
    server.stop()


def env_for(sim, tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    return env | {
        "OPTICODDS_API_KEY": KEY,
        "OPTICODDS_BASE_URL": sim.urls()["opticodds"],
        "XDG_CONFIG_HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path),
        "COLUMNS": "160",
    }


def test_tail_prints_json_lines_and_writes_the_state(sim, tmp_path):
    state = tmp_path / "state.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "oddstui",
            "tail",
            "--sport",
            "basketball",
            "--book",
            "Pinnacle",
            "--count",
            "20",  # the snapshot's lines and the first updates: enough for every kind of line this test reads
            "--state",
            str(state),
        ],
        env=env_for(sim, tmp_path),
        capture_output=True,
        text=True,
        timeout=45,
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"fixture", "quotes_posted"} <= {e["type"] for e in events}
    assert "[opticodds:odds:basketball:0] live" in result.stderr
    dump = json.loads(state.read_text())
    quote = dump["quotes"][0]
    assert {
        "provider",
        "key",
        "fixture_id",
        "book",
        "market",
        "selection",
        "points",
        "price_american",
        "price_decimal",
        "locked",
        "stale",
        "is_main",
        "is_live",
    } <= set(quote)
    assert {q["book"] for q in dump["quotes"]} <= {"Pinnacle", "Copilot"}
    assert {"provider", "fixture_id", "sport", "league", "home", "away", "start", "status"} <= set(dump["fixtures"][0])
    assert KEY not in result.stdout + result.stderr + state.read_text()


def copilot_fixtures(sim) -> list[dict]:
    """Copilot snapshot by sport, or by fixture_id if the server refuses sport (the OpenAPI lists only ids)."""
    base, headers = sim.urls()["opticodds"], {"X-Api-Key": KEY}
    response = httpx.get(base + "/copilot/fixtures/odds", headers=headers, params={"sport": "basketball"})
    if response.status_code == 200:
        return response.json()["data"]
    ids = [
        f["id"] for f in httpx.get(base + "/fixtures", headers=headers, params={"sport": "basketball"}).json()["data"]
    ]
    fixtures = []
    for start in range(0, len(ids), 5):
        params = {"fixture_id": ids[start : start + 5]}
        fixtures += httpx.get(base + "/copilot/fixtures/odds", headers=headers, params=params).json()["data"]
    return fixtures


def same_game_ids(sim) -> list[str]:
    for fixture in copilot_fixtures(sim):
        odds = fixture["odds"]
        ml = next((o for o in odds if o["market"] == "Moneyline"), None)
        spread = next(
            (
                o
                for o in odds
                if ml and o["market"] == "Point Spread" and o["is_main"] and o["selection"] == ml["selection"]
            ),
            None,
        )
        if ml and spread:
            return [ml["id"], spread["id"]]
    raise AssertionError("no fixture with a moneyline and a main spread")


def test_parlay_command_prints_legs_price_and_correlation(sim, tmp_path):
    ids = same_game_ids(sim)
    result = subprocess.run(
        [sys.executable, "-m", "oddstui", "parlay", *ids],
        env=env_for(sim, tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = result.stdout
    assert ids[0] in text and ids[1] in text
    assert "Copilot parlay price" in text and "independent (product of legs)" in text
    effect = next(line for line in text.splitlines() if "correlation effect" in line)
    assert "-" in effect.split("correlation effect")[1]  # same-side moneyline and spread shorten the price


def test_parlay_command_shows_missing_legs(sim, tmp_path):
    missing = "1:-1:nba:FFFFFFFFFFFF:moneyline:nobody"
    result = subprocess.run(
        [sys.executable, "-m", "oddstui", "parlay", same_game_ids(sim)[0], missing],
        env=env_for(sim, tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1 and "missing" in result.stdout and "not priced" in result.stdout


async def test_parlay_client_retries_a_5xx_once_and_never_a_4xx():
    calls: list[int] = []

    def answer(status: int):
        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(status)
            if status == 200 and len(calls) == 1:
                return httpx.Response(502, json={"message": "bad gateway"})
            return httpx.Response(
                status,
                json={"message": "nope"}
                if status >= 400
                else {
                    "data": {
                        "legs": [{"id": "a", "price": 120.0}],
                        "price": 120.0,
                        "error": None,
                        "missing_entries": None,
                    }
                },
            )

        return handler

    settings = ProviderSettings("opticodds", Secret("k-123"), "http://parlay.test")
    for status, expected_calls in ((200, 2), (400, 1), (503, 2)):
        calls.clear()
        client = ParlayClient(settings)
        client.http = httpx.AsyncClient(base_url=settings.base_url, transport=httpx.MockTransport(answer(status)))
        if status == 200:
            quote = await client.price(["a"])
            assert quote.american == 120.0 and quote.correlation_effect == pytest.approx(0.0)
        else:
            with pytest.raises(ParlayError) as raised:
                await client.price(["a"])
            assert str(status) in str(raised.value) and "k-123" not in str(raised.value)
        assert len(calls) == expected_calls
        await client.aclose()
