"""Watchlists: save the current filters and pinned fixtures under a name; load, rename, delete (asked twice)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList

from oddstui.persist import Watchlist, WatchlistBook


class WatchlistScreen(ModalScreen[str | None]):
    """Returns the name of a watchlist to load, or None."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("ctrl+s", "save", "Save as typed", priority=True),
        Binding("ctrl+r", "rename", "Rename as typed", priority=True),
        Binding("ctrl+d", "delete", "Delete (twice)", priority=True),
    ]
    DEFAULT_CSS = """
    WatchlistScreen { align: center middle; }
    WatchlistScreen > Vertical { width: 64; max-width: 100%; height: auto; max-height: 80%; border: thick $primary;
                                 background: $surface; }
    WatchlistScreen OptionList { height: auto; max-height: 16; }
    WatchlistScreen Label { width: 100%; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, book: WatchlistBook, current: Callable[[str], Watchlist]) -> None:
        super().__init__()
        self.book = book
        self.current = current
        self.armed: str | None = None
        """The watchlist a first ctrl+d asked to delete; a second ctrl+d on it deletes it."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                "Type a name, then ctrl+s saves the current filters and pins under it.\n"
                "On a watchlist: enter loads, ctrl+r renames it to the name typed, ctrl+d twice deletes.",
                markup=False,
            )
            yield Input(placeholder="watchlist name", id="name")
            yield OptionList(*map(Text, self.book.names()), id="lists")
            yield Label("", id="message")
        yield Footer()

    def _refresh(self, message: str, highlight: str | None = None) -> None:
        """Redraw the names, keeping the highlight on `highlight` (or the one highlighted before)."""
        keep = highlight or self.highlighted
        lists = self.query_one("#lists", OptionList)
        lists.clear_options()
        names = self.book.names()
        lists.add_options(map(Text, names))
        if keep in names:
            lists.highlighted = names.index(keep)
        self.query_one("#message", Label).update(Text(message))

    @property
    def typed(self) -> str:
        return self.query_one("#name", Input).value.strip()

    @property
    def highlighted(self) -> str | None:
        lists = self.query_one("#lists", OptionList)
        if lists.highlighted is None or not lists.option_count:
            return None
        return str(lists.get_option_at_index(lists.highlighted).prompt)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.prompt))

    def action_save(self) -> None:
        name = self.typed or self.highlighted
        if not name:
            self._refresh("type a name first")
            return
        self.book.save(self.current(name))
        self.dismiss(name)

    def action_rename(self) -> None:
        old, new = self.highlighted, self.typed
        if not old or not new:
            self._refresh("highlight a watchlist and type its new name")
            return
        if new in self.book.lists:
            self._refresh(f"a watchlist named {new!r} already exists")
            return
        self.book.rename(old, new)
        self.armed = None
        self._refresh(f"renamed {old!r} to {new!r}", highlight=new)

    def action_delete(self) -> None:
        """The first press names the watchlist it would delete; a second press on the same one deletes it."""
        name = self.highlighted
        if not name:
            return
        if self.armed != name:
            self.armed = name
            self.query_one("#message", Label).update(Text(f"delete {name!r}? ctrl+d again deletes it"))
            return
        self.armed = None
        self.book.delete(name)
        self._refresh(f"deleted {name!r}")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.armed is not None and str(event.option.prompt) != self.armed:
            self.armed = None
            self.query_one("#message", Label).update("")

    def action_close(self) -> None:
        self.dismiss(None)
