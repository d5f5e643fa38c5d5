"""Ask for the scanner's minimum edge, in percent."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class MinEdgeScreen(ModalScreen[str | None]):
    """Returns the text typed ('' clears the minimum), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    MinEdgeScreen { align: center top; }
    MinEdgeScreen > Vertical { width: 60; max-width: 100%; height: auto; margin-top: 3; border: thick $primary;
                               background: $surface; }
    """

    def __init__(self, current: float | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(" Minimum edge in % (enter applies, empty shows all, escape cancels)")
            value = "" if self.current is None else f"{self.current:g}"
            yield Input(value, placeholder="e.g. 1.5", type="number", id="min-edge")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
