"""The parlay slip: legs with their live prices, and the Copilot price against the independent one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from oddstui.model import OddsFormat, Quote
from oddstui.odds import format_price
from oddstui.providers.copilot import ParlayQuote
from oddstui.ui.cells import price_text


@dataclass(slots=True)
class Leg:
    provider: str
    key: str
    """The quote the leg follows for moves and locks (its Copilot quote where there is one)."""
    odd_id: str
    """The id sent to the parlay endpoint: a Copilot id where one exists."""
    label: str


@dataclass(slots=True)
class SlipView:
    legs: list[tuple[Leg, Quote | None]]
    result: ParlayQuote | None
    error: str | None
    pricing: bool
    fmt: OddsFormat


def leg_text(leg: Leg, quote: Quote | None, fmt: OddsFormat, missing: bool) -> Text:
    text = Text(leg.label[:44])
    if quote is None:
        text.append("  gone", style="bold red")
    elif quote.locked or quote.settlement:
        text.append(f"  🔒{price_text(quote, fmt)} locked", style="bold yellow")
    else:
        text.append(f"  {price_text(quote, fmt)}", style="bold")
    if missing:
        text.append("  missing", style="bold red")
    return text


def summary(view: SlipView) -> Table | Text:
    if not view.legs:
        return Text("p on a price adds it here; x removes a leg, c clears", style="dim")
    if view.error:
        return Text(f"⚠ {view.error}", style="bold red")
    result = view.result
    if result is None:
        return Text("pricing…" if view.pricing else "not priced yet", style="dim")
    table = Table.grid(padding=(0, 1))
    table.add_column()
    table.add_column(justify="right")
    if result.error:
        table.add_row(Text("Copilot error", style="bold red"), Text(result.error[:60], style="red"))
    if result.missing_entries:
        table.add_row(Text("missing", style="bold red"), Text(f"{len(result.missing_entries)} leg(s)", style="red"))
    if result.decimal is not None and result.american is not None:
        american = int(result.american) if view.fmt is OddsFormat.AMERICAN else None
        table.add_row("Copilot parlay", Text(format_price(result.decimal, view.fmt, american), style="bold"))
    if result.independent_decimal is not None and not result.missing_entries:
        table.add_row("independent", format_price(result.independent_decimal, view.fmt))
    if result.correlation_effect is not None:
        effect = result.correlation_effect
        table.add_row("correlation", Text(f"{effect:+.1%}", style="green" if effect > 0 else "red"))
    if view.pricing:
        table.add_row("", Text("re-pricing…", style="dim"))
    return table


class ParlaySlip(Vertical):
    BINDINGS = [
        Binding("x,delete", "app.remove_leg", "Remove leg"),
        Binding("c", "app.clear_slip", "Clear slip"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]
    DEFAULT_CSS = """
    ParlaySlip { height: 1fr; }
    ParlaySlip #parlay-title { height: 1; padding: 0 1; background: $panel; }
    ParlaySlip OptionList { height: auto; max-height: 7; }
    ParlaySlip #parlay-summary { height: auto; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("Parlay slip", style="bold"), id="parlay-title")
        yield OptionList(id="legs")
        yield Static(id="parlay-summary")

    def show(self, view: SlipView) -> None:
        legs = self.query_one("#legs", OptionList)
        highlighted = legs.highlighted
        missing = set(view.result.missing_entries) if view.result else set()
        legs.set_options([Option(leg_text(leg, quote, view.fmt, leg.odd_id in missing)) for leg, quote in view.legs])
        if highlighted is not None and view.legs:
            legs.highlighted = min(highlighted, len(view.legs) - 1)
        self.query_one("#parlay-summary", Static).update(summary(view))

    @property
    def highlighted_leg(self) -> int | None:
        return self.query_one("#legs", OptionList).highlighted

    def action_cursor_down(self) -> None:
        self.query_one("#legs", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#legs", OptionList).action_cursor_up()
