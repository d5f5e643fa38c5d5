"""`a` on a grid price: set a price alert on that selection, at a threshold prefilled from the price."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet

from oddstui.alert_rule import DEFAULT_MOVE, MAX_THRESHOLD, AlertKind, AlertRule
from oddstui.market_view import NOT_BOOKABLE, GridRow
from oddstui.model import Fixture, OddsFormat
from oddstui.odds import OddsError, format_price, to_decimal
from oddstui.ui.widgets.price_grid import row_label

KINDS = (
    (AlertKind.PRICE, "price at or better than"),
    (AlertKind.EV, "EV at least (%)"),
    (AlertKind.MOVE, "a line move, or a price move of (prob. points)"),
    (AlertKind.ARB, "any arbitrage in this game of at least (%)"),
)
DEFAULTS = {AlertKind.EV: "3", AlertKind.MOVE: f"{DEFAULT_MOVE:g}", AlertKind.ARB: "1"}
"""The threshold each kind starts at; a price alert starts at the price under the cursor."""


def parse_threshold(kind: AlertKind, text: str, fmt: OddsFormat) -> float:
    """The threshold typed, as a rule holds it (a price as decimal odds); ValueError says what is wrong."""
    text = text.strip()
    if kind is AlertKind.PRICE:
        try:
            if fmt is OddsFormat.PROBABILITY:
                decimal = to_decimal(float(text.rstrip("%")) / 100.0, fmt)
            else:
                decimal = to_decimal(text, fmt)
        except (OddsError, ValueError, ZeroDivisionError):
            example = format_price(2.5, fmt)
            raise ValueError(f"not a price in {fmt.value.replace('_', ' ')} odds (e.g. {example})") from None
        if decimal > MAX_THRESHOLD:
            longest = "0.01%" if fmt is OddsFormat.PROBABILITY else format_price(MAX_THRESHOLD, fmt)
            raise ValueError(f"too long a price: the longest is {longest}")
        return decimal
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = 0.0
    if not 0.0 < value <= 100.0:
        raise ValueError("give a number above 0, up to 100")
    return value


def rule_for(
    kind: AlertKind, threshold: float, fixture: Fixture, row: GridRow, book: str, only_book: bool
) -> AlertRule:
    """The rule for an alert set on one grid cell: its selection and line (and book, if only that book)."""
    provider, fixture_id, label = fixture.provider, fixture.fixture_id, fixture.name
    if kind is AlertKind.ARB:
        return AlertRule(kind, threshold, provider, fixture_id, label=label)
    quote = row.cells.get(book)
    if kind is AlertKind.MOVE:
        line = None if row.is_main else row.points  # a move alert follows the main line wherever it goes
    else:
        line = quote.points if quote is not None and only_book else row.points
    return AlertRule(
        kind,
        threshold,
        market=row.market,
        player=row.key[1],
        selection=row.selection,
        line=line,
        book=book if only_book else "",
        provider=provider,
        fixture_id=fixture_id,
        label=label,
    )


class AlertDialog(ModalScreen[AlertRule | None]):
    """Returns the alert to set, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    AlertDialog { align: center middle; }
    AlertDialog > Vertical { width: 66; max-width: 100%; height: auto; border: thick $primary; background: $surface;
                             padding: 0 1; }
    AlertDialog RadioSet { width: 100%; }
    AlertDialog #message { color: $error; }
    AlertDialog .hint { color: $text-muted; }
    """

    def __init__(self, fixture: Fixture, row: GridRow, book: str, fmt: OddsFormat) -> None:
        super().__init__()
        self.fixture, self.row, self.book, self.fmt = fixture, row, book, fmt
        self.quote = row.cells.get(book)
        self.kind = AlertKind.PRICE
        self.bookable = book not in NOT_BOOKABLE
        """False on a model's column (Copilot): no bet there, so the alert watches the best of any book."""

    def _price_now(self) -> str:
        return "" if self.quote is None else format_price(self.quote.decimal, self.fmt)

    def compose(self) -> ComposeResult:
        now = f" (now {self._price_now()})" if self.quote is not None else " (no price there now)"
        with Vertical():
            yield Label(Text(f"Alert on {row_label(self.row, self.quote)} at {self.book}{now}", style="bold"))
            yield Label(Text(f"{self.fixture.name} · {self.row.market}"), classes="hint")
            with RadioSet(id="kind"):
                for index, (_, text) in enumerate(KINDS):
                    yield RadioButton(text, value=index == 0)
            yield Input(self._price_now(), placeholder="threshold", id="threshold")
            if self.bookable:
                yield Checkbox(f"at {self.book} only (else the best of any book)", True, id="only-book")
            else:
                only = Checkbox(f"{self.book} is a model, not a book: the best of any book", False, id="only-book")
                only.disabled = True
                yield only
            yield Label("", id="message")
            yield Label("enter sets it · tab, then space picks a kind · escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#threshold", Input).focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.kind = KINDS[event.index][0]
        self.query_one("#threshold", Input).value = DEFAULTS.get(self.kind, self._price_now())
        self.query_one("#only-book", Checkbox).disabled = self.kind is AlertKind.ARB or not self.bookable
        self.query_one("#message", Label).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            threshold = parse_threshold(self.kind, event.value, self.fmt)
        except ValueError as error:
            self.query_one("#message", Label).update(Text(str(error)))
            return
        only_book = self.query_one("#only-book", Checkbox).value
        self.dismiss(rule_for(self.kind, threshold, self.fixture, self.row, self.book, only_book))

    def action_cancel(self) -> None:
        self.dismiss(None)
