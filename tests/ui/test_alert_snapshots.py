"""The alert dialog and the alert list at 80x24, on prices the test posts (fixed clock, UTC)."""

from __future__ import annotations

from oddstui.alert_rule import AlertKind, AlertRule
from tests.ui.test_alerts_ui import make_app, open_game


def test_alert_dialog_at_80x24(tmp_path, snap_compare):
    app, _, _ = make_app(tmp_path)

    async def run_before(pilot) -> None:
        await open_game(pilot, app)
        app.price_grid.focus()
        await pilot.pause(0.3)  # the grid laid out, its cursor drawn
        await pilot.press("right", "a")
        await pilot.pause(0.3)
        app.screen.query_one("#threshold").cursor_blink = False  # the same cursor in every run
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_alert_list_at_80x24(tmp_path, snap_compare):
    app, _, _ = make_app(tmp_path)
    app.alert_book.add(AlertRule(AlertKind.ARB, 1.5, "opticodds", "F1", label="Miami Heat @ Denver Nuggets"))
    app.alert_book.add(AlertRule(AlertKind.PRICE, 2.5, selection="Denver Nuggets", market="Moneyline", book="FanDuel"))

    async def run_before(pilot) -> None:
        await open_game(pilot, app)
        await pilot.pause(0.3)
        await pilot.press("A")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
