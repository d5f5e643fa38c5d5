"""The alerts panel (Line API): newest first, wrapped to its width, each alert drawn once while it is listed."""

from __future__ import annotations

from textual.app import App, ComposeResult

import oddstui.ui.widgets.alerts as alerts
from oddstui.render_guard import PLACEHOLDER
from oddstui.store import Alert
from oddstui.ui.widgets.alerts import SHOWN, AlertsPanel


class PanelApp(App[None]):
    def compose(self) -> ComposeResult:
        yield AlertsPanel(id="alerts")


def alert(n: int, text: str = "") -> Alert:
    return Alert(1_700_000_000.0 + n, "status", text or f"game {n}: live")


async def test_alerts_are_listed_newest_first_and_wrapped_to_the_panel():
    app = PanelApp()
    async with app.run_test(size=(40, 12)) as pilot:
        panel = app.query_one(AlertsPanel)
        assert panel.text == "no alerts yet"
        long = alert(3, "Phoenix Suns @ Denver Nuggets: start moved to 21:30 tomorrow")
        panel.show([long, alert(2), alert(1)])
        await pilot.pause()
        lines = panel.text.splitlines()
        assert len(lines) >= 4 and all(len(line) <= panel.scrollable_content_region.width for line in lines)
        assert "Phoenix Suns" in lines[0] and "game 2: live" in lines[-2] and "game 1: live" in lines[-1]
        drawn = [panel.render_line(y).text.rstrip() for y in range(panel.size.height)]
        assert drawn[: len(lines)] == lines and not "".join(drawn[len(lines) :]).strip()


async def test_a_new_alert_draws_that_alert_alone_and_a_resize_draws_them_again(monkeypatch):
    app = PanelApp()
    async with app.run_test(size=(40, 12)) as pilot:
        panel = app.query_one(AlertsPanel)
        listed = [alert(n) for n in range(SHOWN, 0, -1)]
        panel.show(listed)
        await pilot.pause()
        wrapped: list[str] = []
        wrap = panel._wrap
        monkeypatch.setattr(panel, "_wrap", lambda text, width: wrapped.append(text.plain) or wrap(text, width))
        panel.show(listed)
        assert wrapped == []
        panel.show([alert(SHOWN + 1), *listed])
        assert len(wrapped) == 1 and wrapped[0].endswith(f"game {SHOWN + 1}: live")
        assert f"game {SHOWN + 1}: live" in panel.text.splitlines()[0] and "game 1: live" not in panel.text
        await pilot.resize_terminal(30, 12)
        await pilot.pause()
        assert len(wrapped) == 1 + SHOWN  # every listed alert at the new width


async def test_an_alert_that_cannot_be_drawn_shows_the_placeholder(monkeypatch):
    app = PanelApp()
    async with app.run_test(size=(40, 12)) as pilot:
        panel = app.query_one(AlertsPanel)

        def broken(a: Alert):
            if a.text == "bad":
                raise ValueError("cannot draw")
            return real(a)

        real = alerts.alert_line
        monkeypatch.setattr(alerts, "alert_line", broken)
        panel.show([alert(2, "bad"), alert(1)])
        await pilot.pause()
        assert panel.text.splitlines()[0] == PLACEHOLDER and "game 1: live" in panel.text
