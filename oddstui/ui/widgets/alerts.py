"""Fixture-status, connection, steam and price alerts, newest first.

A Line API widget: each alert is wrapped into strips once, at the panel's width, and kept while it is listed,
so a new alert costs the drawing of that alert alone. (As a `Static`, the whole panel was wrapped and drawn
again for every alert: on a busy slate, up to 35 ms inside the paint that a key press was waiting for.)
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from oddstui.render_guard import clock_text, safe_text
from oddstui.store import Alert
from oddstui.ui.guard import failed_text

SHOWN = 40
IMPORTANT = {"connection": "bold red", "steam": "bold magenta", "price alert": "bold green"}
"""The colour of an important alert, by kind (others: bold yellow)."""
EMPTY = "no alerts yet"
"""What the panel says before the first alert."""


def alert_line(alert: Alert) -> Text:
    text = Text(clock_text("%H:%M:%S ", alert.ts), style="dim")
    style = {"connection": "cyan", "status": "", "start": "yellow"}.get(alert.kind, "")
    if alert.important:
        style = IMPORTANT.get(alert.kind, "bold yellow")
    text.append(safe_text(alert.text), style=style)
    return text


class AlertsPanel(ScrollView, can_focus=False):
    """The newest `SHOWN` alerts, each wrapped to the panel's width."""

    DEFAULT_CSS = """
    AlertsPanel { height: 1fr; padding: 0 1; overflow-x: hidden; scrollbar-gutter: stable; scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._alerts: list[Alert] = []
        self._wrapped: dict[Alert, list[Strip]] = {}
        """The strips of each listed alert, at `_width`."""
        self._width = 0
        self._lines: list[Strip] = []

    @property
    def text(self) -> str:
        """What the panel last laid out, as plain text, a line per screen line."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    def show(self, alerts: list[Alert]) -> None:
        shown = alerts[:SHOWN]
        if shown == self._alerts and self._lines:
            return
        self._alerts = shown
        self._lay_out()

    def on_resize(self) -> None:
        """Wrap every listed alert again at the new width."""
        self._lay_out()

    def notify_style_update(self) -> None:
        """The theme or CSS changed: the strips carry the old colours."""
        super().notify_style_update()
        self._wrapped.clear()
        if self.is_mounted:
            self._lay_out()

    def _lay_out(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._wrapped.clear()
            self._width = width
        if width <= 0:
            return
        wrapped: dict[Alert, list[Strip]] = {}
        lines: list[Strip] = []
        for alert in self._alerts:
            strips = wrapped.get(alert) or self._wrapped.get(alert) or self._wrap(self._text(alert), width)
            wrapped[alert] = strips
            lines.extend(strips)
        self._wrapped = wrapped
        self._lines = lines or self._wrap(Text(EMPTY, style="dim"), width)
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def _text(self, alert: Alert) -> Text:
        try:
            return alert_line(alert)
        except Exception as exc:  # rendering never raises: the alert shows the placeholder, counted and logged
            return failed_text(self, exc)

    def _wrap(self, text: Text, width: int) -> list[Strip]:
        console, base = self.app.console, self.rich_style
        strips = []
        for line in text.wrap(console, width, overflow="fold"):
            segments = Segment.apply_style(list(line.render(console)), base)
            strips.append(Strip(segments, line.cell_len).crop_extend(0, width, base))
        return strips

    def render_line(self, y: int) -> Strip:
        line = y + self.scroll_offset.y
        if line < len(self._lines):
            return self._lines[line]
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)
