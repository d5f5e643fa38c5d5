"""The last line of defence for drawing: whatever a widget fails to draw shows the placeholder, is counted, and logged.

The formatting of each value is guarded where it happens (`oddstui.render_guard`); this catches the rest, so
a bug met by one strange value costs one line of the screen, never the dashboard.
"""

from __future__ import annotations

import logging

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from oddstui.render_guard import PLACEHOLDER, RENDER_ERRORS

log = logging.getLogger(__name__)


def count_failure(widget: Widget, exc: Exception) -> None:
    """Count a failure to draw (each distinct one once); the first of each kind goes to the log with its traceback."""
    if RENDER_ERRORS.record((type(widget).__name__, type(exc).__name__, str(exc)[:200])):
        log.warning("%s could not draw: shown as %r", type(widget).__name__, PLACEHOLDER, exc_info=exc)


def failed_line(widget: Widget, exc: Exception, width: int) -> Strip:
    """A line that could not be drawn: the placeholder, counted."""
    count_failure(widget, exc)
    return Strip([Segment(PLACEHOLDER, widget.rich_style)], 1).extend_cell_length(width, widget.rich_style)


def failed_text(widget: Widget, exc: Exception) -> Text:
    """Content that could not be built: the placeholder, counted."""
    count_failure(widget, exc)
    return Text(PLACEHOLDER, style="bold yellow")
