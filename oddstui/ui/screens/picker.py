"""A multi-select picker (leagues, books). For books, the list is in the grid's column order, and sets it."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, SelectionList

from oddstui.render_guard import safe_text


class PickerScreen(ModalScreen[list[str] | None]):
    """Returns the chosen items in list order, or None when cancelled. An empty choice means 'all'."""

    BINDINGS = [
        Binding("enter", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("a", "toggle_all", "All/none"),
        Binding("shift+up,[", "shift(-1)", "Move up"),
        Binding("shift+down,]", "shift(1)", "Move down"),
    ]
    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 56; max-width: 100%; height: auto; max-height: 80%; border: thick $primary;
                              background: $surface; }
    PickerScreen SelectionList { height: auto; max-height: 30; }
    PickerScreen Label { width: 100%; padding: 0 1; color: $text-muted; }
    """

    def __init__(
        self,
        title: str,
        items: list[str],
        chosen: list[str],
        reorderable: bool = False,
        describe: Callable[[str], str] = str,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.reorderable = reorderable
        self.describe = describe
        """How an item is shown: for books, the grid's short code and the full name."""
        self.items = list(items)
        """In the order given: for books, the grid's column order."""
        self.chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                f"{self.title_text}: space toggles, enter applies, none ticked means all"
                + ("; [ and ] reorder" if self.reorderable else ""),
                markup=False,
            )
            yield SelectionList[str](*self._options(self.chosen), id="picker")
        yield Footer()

    def _options(self, chosen: set[str]) -> list[tuple[Text, str, bool]]:
        return [(Text(safe_text(self.describe(item))), item, item in chosen) for item in self.items]

    @property
    def selection(self) -> SelectionList[str]:
        return self.query_one("#picker", SelectionList)

    def action_apply(self) -> None:
        selected = set(self.selection.selected)
        self.dismiss([item for item in self.items if item in selected])

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_toggle_all(self) -> None:
        if self.selection.selected:
            self.selection.deselect_all()
        else:
            self.selection.select_all()

    def action_shift(self, step: int) -> None:
        """Move the highlighted item up or down: the new order is the grid's column order."""
        if not self.reorderable:
            return
        index = self.selection.highlighted
        if index is None or not 0 <= index + step < len(self.items):
            return
        selected = set(self.selection.selected)
        self.items[index], self.items[index + step] = self.items[index + step], self.items[index]
        self.selection.clear_options()
        self.selection.add_options(self._options(selected))
        self.selection.highlighted = index + step
