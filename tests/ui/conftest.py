"""The dashboard on a simulator that only moves when a test steps it: fixed seed, frozen clock, UTC."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from oddstui.config import ProviderSettings, Settings
from oddstui.secret import Secret
from oddstui.sim.app import SimOptions, SimServer, Simulator
from oddstui.ui.app import REFRESH_SECONDS, OddsApp
from oddstui.ui.themes import load_themes, theme_dirs
from tests.conftest import eventually

START = 1_790_000_000.0
FROZEN = START + 900.0
KEY = "ui-test-key"
STAGGER = 0.0
"""Seconds between the OpticOdds client's stream openings; see `stream_start`."""


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "staggered: open the streams staggered, as the client does by default")


@pytest.fixture(autouse=True)
def stream_start(request, monkeypatch):
    """Every stream opens at once (a loopback simulator has no connection rate to spread), which saves most of a
    second a test; under the `staggered` mark they open as the client does by default, since the snapshots were
    recorded so and the order prices arrive in shows on screen (which cell the cursor starts on)."""
    if request.node.get_closest_marker("staggered"):
        monkeypatch.setattr(sys.modules[__name__], "STAGGER", 0.05)


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


@pytest.fixture
def sim():
    """A still market: nothing happens until the test calls step(n)."""
    server = SimServer(
        Simulator(
            SimOptions(seed=3, run=False, start_time=START, warmup_ticks=64, fixtures_per_league=2, ping_interval=0.5)
        )
    ).start()
    yield server
    server.stop()


def step(server: SimServer, ticks: int = 1) -> None:
    for _ in range(ticks):
        server.call(server.simulator.hub.step)


def settings_for(server: SimServer, key: str = KEY, **fields) -> Settings:
    providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi", "oddsstream")}
    providers["opticodds"] = ProviderSettings("opticodds", Secret(key), server.urls()["opticodds"])
    return Settings(providers, **fields)


def make_app(server: SimServer, tmp_path: Path, theme: str | None = None, **settings) -> OddsApp:
    """The app on `server` (OpticOdds only); a silent stream counts as lost after 2 s."""
    return OddsApp(
        settings_for(server, **settings),
        theme=theme,
        clock=lambda: FROZEN,
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        themes=load_themes(theme_dirs()[:1]),
        backoff_base=0.05,
        read_timeout=2.0,
        stagger=STAGGER,
    )


async def settle(pilot, app: OddsApp, condition: Callable[[], bool] | None = None, timeout: float = 10.0) -> None:
    """Wait until every stream is live, a fixture with prices is on screen and `condition` holds.

    A stream goes live once its snapshot is in, and the simulator stands still: so once every stream is live
    and the app has applied all the feed held, with nothing new for two refreshes, nothing more is coming.
    """
    deadline = time.monotonic() + timeout
    seen, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        health = app.store.health()
        events = sum(app.store.stats(h.stream).events for h in health)
        if events != seen or app.feed.pending:  # still taking in the snapshot: the first game may lack its prices
            seen, quiet_since = events, time.monotonic()
            continue
        ready = health and all(h.state.value == "live" for h in health) and app.store.fixtures()
        ready = ready and time.monotonic() - quiet_since >= 2 * REFRESH_SECONDS
        if ready:
            # The first listed game with prices, whatever arrived first (the list keeps its highlight on the
            # first fixture that arrived): the same game on every run.
            priced = [(f.provider, f.fixture_id) for f in app.store.fixtures(app.view.fixture_filter())]
            priced = [ref for ref in priced if app.store.grid(ref).rows]
            if not priced:
                continue
            if app.selected_ref != priced[0]:
                app.query_one("#fixtures").highlight(priced[0])
                continue
        if ready and (condition is None or condition()):
            await pilot.pause(2 * REFRESH_SECONDS)  # the screen drawn after the last refresh
            return
    raise AssertionError(f"the app did not settle: {[(h.stream, h.state.value) for h in app.store.health()]}")


async def wait_until(pilot, condition: Callable[[], object], timeout: float = 5.0, step: float = 0.05) -> bool:
    """Pause until `condition` holds, at most `timeout` seconds; whether it held (the caller asserts what it needs)."""
    return await eventually(condition, timeout, step, pilot.pause)


async def screen_ready(pilot, app: OddsApp, kind: type) -> bool:
    """Wait until a `kind` screen is on top with a widget focused, ready for keys; whether it came."""
    return await wait_until(pilot, lambda: isinstance(app.screen, kind) and app.screen.focused is not None)


def env_without_keys() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}


def rows_to(grid, index: int) -> int:
    """How many price rows the cursor must move to reach line `index` (market titles are skipped)."""
    priced = [i for i, item in enumerate(grid.rows) if item.row is not None]
    return priced.index(index) - priced.index(grid.cursor_row)
