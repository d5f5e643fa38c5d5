"""Fixture-status, connection, steam and price alerts, newest first."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from oddstui.store import Alert

SHOWN = 40
IMPORTANT = {"connection": "bold red", "steam": "bold magenta", "price alert": "bold green"}
"""The colour of an important alert, by kind (others: bold yellow)."""


def alert_line(alert: Alert) -> Text:
    text = Text(time.strftime("%H:%M:%S ", time.localtime(alert.ts)), style="dim")
    style = {"connection": "cyan", "status": "", "start": "yellow"}.get(alert.kind, "")
    if alert.important:
        style = IMPORTANT.get(alert.kind, "bold yellow")
    text.append(alert.text, style=style)
    return text


class AlertsPanel(Static):
    DEFAULT_CSS = "AlertsPanel { height: 1fr; padding: 0 1; overflow-y: auto; }"

    def show(self, alerts: list[Alert]) -> None:
        if not alerts:
            self.update(Text("no alerts yet", style="dim"))
            return
        self.update(Text("\n").join(alert_line(a) for a in alerts[:SHOWN]))
