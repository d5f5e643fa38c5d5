"""Every key, in one place."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("l", "league filter (multi-select)"),
    ("b", "book filter; its order is the grid's column order ([ and ] move a book)"),
    ("/", "search by team or player"),
    ("L", "live fixtures only"),
    ("m", "main lines only"),
    ("o", "cycle the odds format: American, decimal, probability, fractional, Hong Kong, Malay, Indonesian"),
    ("w", "watchlists: save the filters and pinned fixtures, load, rename, delete"),
    ("f", "pin or unpin the selected fixture"),
    ("P", "show pinned fixtures only"),
    ("p", "add the price under the cursor to the parlay slip"),
    ("x / c", "in the slip: remove the highlighted leg / clear the slip"),
    ("j / k, arrows", "move; left and right move between books in the grid"),
    ("tab / shift+tab", "move between panels"),
    ("ctrl+p", "command palette: every action, and themes"),
    ("?", "this help"),
    ("q", "quit"),
]
LEGEND = [
    ("🔒-110", "locked (suspended): never a live price"),
    ("≈-110", "stale: its stream is down, reconnecting or unconfirmed"),
    ("-105▲ / -115▼", "moved up / down in the last 2 seconds"),
    ("highlighted", "the best live price of the row; 'fair' is the no-vig price of the sharpest book"),
    ("● ★ !", "live, pinned, unread alert (in the fixture list)"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 96; height: auto; max-height: 90%; border: thick $primary;
                                  background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        keys = Table(title="Keys", expand=True, show_header=False)
        keys.add_column(style="bold", width=16)
        keys.add_column()
        for key, action in KEYS:
            keys.add_row(key, action)
        legend = Table(title="What the grid shows", expand=True, show_header=False)
        legend.add_column(style="bold", width=16)
        legend.add_column()
        for mark, meaning in LEGEND:
            legend.add_row(mark, meaning)
        with VerticalScroll():
            yield Static(keys)
            yield Static(legend)
