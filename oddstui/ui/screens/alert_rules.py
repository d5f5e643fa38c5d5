"""`A`: every price alert in force, from the config file and from the keyboard; `d` twice deletes one set here."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList

from oddstui.alert_book import AlertBook
from oddstui.alert_rule import AlertRule, Price, describe


class AlertRulesScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,A", "close", "Close"),
        Binding("d,delete", "delete", "Delete (twice)"),
    ]
    DEFAULT_CSS = """
    AlertRulesScreen { align: center middle; }
    AlertRulesScreen > Vertical { width: 100; max-width: 100%; height: auto; max-height: 90%;
                                  border: thick $primary; background: $surface; }
    AlertRulesScreen OptionList { height: auto; max-height: 20; }
    AlertRulesScreen Label { width: 100%; padding: 0 1; color: $text-muted; }
    """

    def __init__(
        self, book: AlertBook, configured: Sequence[AlertRule], price: Price, changed: Callable[[], None]
    ) -> None:
        super().__init__()
        self.book = book
        self.configured = list(configured)
        self.price = price
        self.changed = changed
        """Called after a delete: the app takes the rules in force again."""
        self.rules: list[tuple[AlertRule, bool]] = []
        """Each rule listed, and whether it was set from the keyboard (and can be deleted here)."""
        self.armed: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                "Price alerts: `a` on a price in the grid sets one; [[alerts]] in the config file sets more.\n"
                "d twice deletes the highlighted one; escape closes.",
                markup=False,
            )
            yield OptionList(id="rules")
            yield Label("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self._refresh("")

    def _refresh(self, message: str) -> None:
        self.rules = [(rule, True) for rule in self.book.rules]
        self.rules += [(rule, False) for rule in self.configured if rule not in self.book.rules]
        listing = self.query_one("#rules", OptionList)
        listing.clear_options()
        listing.add_options(
            Text(("set here · " if mine else "config · ") + describe(rule, self.price)) for rule, mine in self.rules
        )
        if self.rules:
            listing.highlighted = 0
        else:
            listing.add_option(Text("no price alerts yet", style="dim"))
        listing.focus()
        self.query_one("#message", Label).update(Text(message))

    def action_delete(self) -> None:
        """The first press names the alert; a second press on the same one deletes it."""
        index = self.query_one("#rules", OptionList).highlighted
        if index is None or index >= len(self.rules):
            return
        rule, mine = self.rules[index]
        if not mine:
            self.query_one("#message", Label).update(
                Text("this alert comes from the config file: remove its [[alerts]] table there (oddstui config path)")
            )
            return
        if self.armed != index:
            self.armed = index
            self.query_one("#message", Label).update(Text(f"delete “{describe(rule, self.price)}”? d again deletes it"))
            return
        self.armed = None
        saved = self.book.delete(rule)
        self.changed()
        self._refresh(f"deleted “{describe(rule, self.price)}”" if saved else self.book.problem or "")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.armed is not None and event.option_index != self.armed:
            self.armed = None
            self.query_one("#message", Label).update("")

    def action_close(self) -> None:
        self.dismiss(None)
