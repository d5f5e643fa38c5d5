"""What a new user sees: no keys means the simulator, with the DEMO badge; saved state comes back."""

from __future__ import annotations

import pytest

from oddstui import config
from oddstui.ui.app import OddsApp
from oddstui.ui.launch import feed_for
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_keys import static_text

pytestmark = pytest.mark.timeout(60)


async def test_no_keys_runs_on_the_simulator_with_a_demo_badge(tmp_path):
    settings = config.load(tmp_path / "absent.toml", environ={})
    assert not settings.enabled
    server, settings = feed_for(settings, demo=False)
    assert server is not None and [p.name for p in settings.enabled] == ["opticodds"]
    try:
        app = OddsApp(settings, demo=True, data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
        async with app.run_test(size=(160, 48)) as pilot:
            # The demo market never stands still (`settle` waits for a still one): wait for live streams and prices.
            def live() -> bool:
                health = app.store.health()
                streams_live = health and all(h.state.value == "live" for h in health)
                return bool(streams_live and app.store.fixtures())

            assert await wait_until(pilot, live, timeout=15), [(h.stream, h.state.value) for h in app.store.health()]
            assert await wait_until(pilot, lambda: "DEMO" in static_text(app.query_one("#status")))
            assert any(app.store.is_live_price(q) for q in app.store.quotes())
    finally:
        server.stop()


def test_a_key_means_no_simulator(tmp_path):
    settings = config.load(tmp_path / "absent.toml", environ={"OPTICODDS_API_KEY": "k"})
    server, same = feed_for(settings, demo=False)
    assert server is None and same is settings


async def test_a_corrupt_watchlist_file_is_set_aside_with_a_notice(sim, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "watchlists.json").write_text("{half a file")
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot, app)
        notices = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("watchlists.json" in n and "moved to" in n for n in notices), notices
        await pilot.press("w")
        await pilot.pause(0.2)
        await pilot.press(*"fresh", "ctrl+s")
        await pilot.pause(0.2)
    assert [p.read_text() for p in data.glob("watchlists.json.corrupt-*")] == ["{half a file"]


async def test_odds_format_and_theme_come_back_after_a_restart(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        await pilot.press("o")
        app.theme = "oddstui-light"
        await pilot.pause(0.2)
    again = make_app(sim, tmp_path)
    async with again.run_test(size=(160, 48)) as pilot:
        await settle(pilot, again)
        assert again.fmt.value == "decimal" and again.theme == "oddstui-light"
