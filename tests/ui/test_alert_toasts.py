"""Toasts for logged alerts: they go on once the log is full, and steam gets one toast per quiet period."""

from __future__ import annotations

import pytest

from oddstui.store import Alert
from oddstui.ui.app import STEAM_TOAST_EVERY
from tests.ui.conftest import wait_until
from tests.ui.test_alerts_ui import make_app

pytestmark = pytest.mark.timeout(60)


async def test_alerts_are_toasted_after_the_log_is_full(tmp_path):
    app, toasts, _ = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        capacity = app.store._alerts.maxlen or 0
        for i in range(capacity + 5):
            app.store.add_alert(Alert(float(i), "info", f"filler {i}"))
        await pilot.pause(0.3)
        app.store.add_alert(Alert(1.0, "connection", "odds stream lost", important=True))
        assert await wait_until(pilot, lambda: ("connection", "odds stream lost") in toasts)


async def test_steam_toasts_once_per_quiet_period_and_counts_the_rest(tmp_path):
    app, toasts, _ = make_app(tmp_path)
    now = [1_790_000_000.0]
    app.clock = lambda: now[0]
    async with app.run_test(size=(100, 30)) as pilot:
        for i in range(4):
            app.store.add_alert(Alert(now[0], "steam", f"steam {i}", important=True))
            await pilot.pause(0.25)
        assert [title for title, _ in toasts if title.startswith("steam")] == ["steam"], toasts
        assert len([a for a in app.store.alerts() if a.kind == "steam"]) == 4, "every steam is still logged"
        now[0] += STEAM_TOAST_EVERY
        app.store.add_alert(Alert(now[0], "steam", "steam 4", important=True))
        assert await wait_until(pilot, lambda: ("steam (+3 more in Alerts)", "steam 4") in toasts)
