"""Every key: read from the bindings themselves (the app's and each panel's), so the list exists once."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

NAVIGATION = [
    ("j / k, arrows", "move; left and right move between books in the grid"),
    ("tab / shift+tab", "move between panels"),
    ("ctrl+p", "command palette: every action, and themes"),
]
"""Keys Textual itself provides, which no binding of ours declares."""
MARK_WIDTH = 16
"""The first column: the widest key or mark, so none is cut."""
LEGEND = [
    ("🔒-110", "locked (suspended): never a live price"),
    ("≈-110", "stale: its stream is down, reconnecting or unconfirmed, or its game suspended or over"),
    ("-105▲ / -115▼", "moved up / down in the last 2 seconds"),
    ("-110→-125 ↗ ↘", "open → now (O): where the price opened this session, where it is; ↗/↘ alone where too narrow"),
    ("highlighted", "the best live price of the row"),
    ("fair", "the no-vig price; its usual source on the title line, another on its row ('cons': consensus)"),
    ("● ★ !", "live, pinned, unread alert (in the fixture list)"),
    (
        "⇈",
        "steam in the last 5 minutes (in the fixture list): a sharp book's price shortened by 2 points of "
        "implied probability or more (-110 to -120 is 2.2), or its main line moved half a point or more the "
        "same way (Heat -3.5 to -4.5, a total up for the Over), and 2 other books followed within 60 s by "
        "price or line; pre-game prices only (the defaults; [steam] in the config changes them)",
    ),
    (
        "price alerts",
        "a on a grid price sets one (price at or better, EV %, a line move, any arbitrage in the game); "
        "A lists them. Each fires once when its condition is met, with a toast and the bell, and again only "
        "after it stopped being met; never on a locked or stale price",
    ),
    ("🔒 all suspended", "every price of the game is locked (in the fixture list; 🔒 alone when narrow)"),
]


def binding_rows(
    sections: Iterable[tuple[str, Iterable[Binding]]], key_display: Callable[[Binding], str]
) -> list[tuple[str, str]]:
    """(key, what it does) for each binding with a description; where a panel's key works is named."""
    rows = []
    for where, bindings in sections:
        for binding in bindings:
            if not binding.description:
                continue
            meaning = binding.tooltip or binding.description
            keys = " / ".join(key_display(Binding(key, binding.action)) for key in binding.key.split(","))
            rows.append((keys, f"{meaning} ({where})" if where else meaning))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 100%; max-width: 100; height: auto; max-height: 100%;
                                  border: thick $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, keys: list[tuple[str, str]], books: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__()
        self.keys = keys
        self.books = list(books)
        """(short code, full name) of each book, in the grid's column order."""

    def compose(self) -> ComposeResult:
        keys = Table(title="Keys (escape closes)", expand=True, show_header=False)
        keys.add_column(style="bold", width=MARK_WIDTH, no_wrap=True)
        keys.add_column(ratio=1)
        for key, action in [*self.keys, *NAVIGATION]:
            keys.add_row(key, action)
        legend = Table(title="What the screen shows", expand=True, show_header=False)
        legend.add_column(style="bold", width=MARK_WIDTH, no_wrap=True)
        legend.add_column(ratio=1)
        for mark, meaning in LEGEND:
            legend.add_row(mark, meaning)
        with VerticalScroll():
            yield Static(keys)
            yield Static(legend)
            if self.books:
                yield Static(self._book_table())

    def _book_table(self) -> Table:
        """Each column header's code and the book's full name ([book_codes] in the config changes them)."""
        title = Text("Books (change a code under [book_codes] in the config)", style="italic")
        books = Table(title=title, expand=True, show_header=False)
        books.add_column(style="bold", width=MARK_WIDTH, no_wrap=True)
        books.add_column(ratio=1)
        for code, name in self.books:
            books.add_row(code, name)
        return books
