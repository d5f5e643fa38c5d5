"""Fixture-status, connection, steam and price alerts, newest first."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from oddstui.render_guard import clock_text, safe_text
from oddstui.store import Alert
from oddstui.ui.guard import failed_text

SHOWN = 40
IMPORTANT = {"connection": "bold red", "steam": "bold magenta", "price alert": "bold green"}
"""The colour of an important alert, by kind (others: bold yellow)."""


def alert_line(alert: Alert) -> Text:
    text = Text(clock_text("%H:%M:%S ", alert.ts), style="dim")
    style = {"connection": "cyan", "status": "", "start": "yellow"}.get(alert.kind, "")
    if alert.important:
        style = IMPORTANT.get(alert.kind, "bold yellow")
    text.append(safe_text(alert.text), style=style)
    return text


class AlertsPanel(Static):
    DEFAULT_CSS = "AlertsPanel { height: 1fr; padding: 0 1; overflow-y: auto; }"

    def show(self, alerts: list[Alert]) -> None:
        if not alerts:
            self.update(Text("no alerts yet", style="dim"))
            return
        self.update(Text("\n").join(self._line(a) for a in alerts[:SHOWN]))

    def _line(self, alert: Alert) -> Text:
        try:
            return alert_line(alert)
        except Exception as exc:  # rendering never raises: the alert shows the placeholder, counted and logged
            return failed_text(self, exc)
