"""The parlay slip: its legs, their live prices, the Copilot price against the independent one, a stake and payout.

The slip owns its legs, its bindings and its pricing worker. The worker only posts `Priced`; the slip
re-prices once a leg's price has moved and settled for a moment, and shows a locked leg as locked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from oddstui.export import finite_price
from oddstui.market_view import market_kind, market_period, points_text, short_label
from oddstui.model import Fixture, OddsFormat, Quote
from oddstui.odds import OddsError
from oddstui.parlay_rules import first_conflict
from oddstui.providers.copilot import ParlayClient, ParlayError, ParlayQuote
from oddstui.render_guard import safe_text
from oddstui.short_names import short_teams, stat_name, surname
from oddstui.store import Store
from oddstui.ui.cells import decimal_text, price_text
from oddstui.ui.guard import failed_text

REPRICE_AFTER = 1.0
"""A leg's price moved: re-price the parlay after this quiet time."""
DEFAULT_STAKE = "10"


@dataclass(slots=True)
class Leg:
    provider: str
    key: str
    """The quote the leg follows for moves and locks: the cell the user added."""
    odd_id: str
    """The id sent to the parlay endpoint: the row's Copilot id where one exists."""
    game: str
    book: str
    label: str
    short_game: str = ""
    short_label: str = ""
    """The teams' short names, a prop's surname and stat: shown where the full ones would be cut."""


def leg_label(quote: Quote) -> str:
    """'Moneyline: Boston Celtics', 'Spread: Boston Celtics -3.5': the line only where the name lacks it."""
    line = points_text(quote.points)
    selection = quote.selection if line in quote.selection else f"{quote.selection} {line}"
    return f"{quote.market}: {selection}"


def short_leg_label(quote: Quote, fixture: Fixture | None) -> str:
    """A trader's shorthand: 'Thunder -3.5', 'Thunder ML', 'O 227.5' for the full game's main markets,
    'Tatum Points O 24.5' for a prop (surname and stat), else the market and the bet with the short names."""
    bet = short_label(leg_label(quote).removeprefix(f"{quote.market}: "), fixture)
    if quote.player:
        return f"{surname(quote.player)} {stat_name(quote.market)} {bet.replace(quote.player, '').strip()}"
    if market_period(quote.market) == (0, 0) and market_kind(quote.market) in (0, 1, 2):
        return f"{bet} ML" if market_kind(quote.market) == 0 and bet != "Draw" else bet
    return f"{quote.market}: {bet}"


def leg_text(leg: Leg, quote: Quote | None, fmt: OddsFormat, missing: bool, width: int) -> Text:
    """Two lines to `width`: the game and book; then the price (or why it has none) and the bet.

    The short names where the full ones would be cut; cut only if even those do not fit.
    """
    game = f"{leg.game} · {leg.book}"
    top = Text(
        safe_text(game) if cell_len(game) <= width else safe_text(f"{leg.short_game or leg.game} · {leg.book}"),
        style="dim",
    )
    bottom = Text()
    if quote is None:
        bottom.append("gone ", style="bold red")
    elif quote.locked or quote.settlement:
        bottom.append(f"🔒{price_text(quote, fmt)} locked ", style="bold yellow")
    else:
        bottom.append(f"{price_text(quote, fmt)} ", style="bold")
    if missing:
        bottom.append("not priced by Copilot ", style="bold red")
    bottom.append(
        safe_text(leg.label if bottom.cell_len + cell_len(leg.label) <= width else leg.short_label or leg.label)
    )
    for line in (top, bottom):
        line.truncate(width, overflow="ellipsis")
    return Text("\n").join((top, bottom))


def parse_stake(text: str) -> float | None:
    try:
        stake = float(text)
    except ValueError:
        return None
    return stake if stake > 0 else None


def summary(result: ParlayQuote | None, error: str | None, pricing: bool, fmt: OddsFormat, stake: str) -> Table | Text:
    """Copilot's combined price; 'independent', the product of Copilot's own leg prices; their ratio; the payout."""
    if error:
        return Text(safe_text(f"⚠ {error}"), style="bold red")
    if result is None:
        return Text("pricing…" if pricing else "not priced yet", style="dim")
    table = Table.grid(padding=(0, 1))
    table.add_column()
    table.add_column(justify="right")
    if result.error:
        table.add_row(Text("Copilot error", style="bold red"), Text(safe_text(result.error[:60]), style="red"))
    if result.missing_entries:
        table.add_row(Text("missing", style="bold red"), Text(f"{len(result.missing_entries)} leg(s)", style="red"))
    decimal = result.decimal
    if decimal is not None and result.american is not None:
        american = result.american if fmt is OddsFormat.AMERICAN else None
        table.add_row("Copilot", Text(decimal_text(decimal, fmt, american), style="bold"))
    if result.independent_decimal is not None and not result.missing_entries:
        table.add_row("independent", decimal_text(result.independent_decimal, fmt))
    if result.correlation_effect is not None and len(result.legs) > 1:
        effect = result.correlation_effect
        style = "dim" if abs(effect) < 0.005 else "green" if effect > 0 else "red"
        table.add_row("correlation", Text(f"{effect:+.1%}", style=style))
    amount = parse_stake(stake)
    if decimal is not None and amount is not None:
        table.add_row("pays", Text(f"{amount * decimal:,.2f}", style="bold"))
    if pricing:
        table.add_row("", Text("re-pricing…", style="dim"))
    return table


class ParlaySlip(VerticalScroll):
    BINDINGS = [
        Binding("x,delete", "remove_leg", "Remove leg", tooltip="remove the highlighted leg"),
        Binding("c", "clear", "Clear slip", tooltip="remove every leg"),
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
    ]
    DEFAULT_CSS = """
    ParlaySlip { height: 1fr; scrollbar-size-vertical: 1; }
    ParlaySlip #parlay-title { height: 1; padding: 0 1; background: $panel; }
    ParlaySlip #slip-reason { height: auto; padding: 0 1; color: $error; }
    ParlaySlip #slip-reason:disabled { display: none; }
    ParlaySlip OptionList { height: auto; max-height: 8; border: none; padding: 0; }
    ParlaySlip OptionList:focus { border: none; background-tint: $primary 8%; }
    ParlaySlip #parlay-summary { height: auto; padding: 0 1; }
    ParlaySlip #stake-row { height: 1; padding: 0 1; }
    ParlaySlip #stake-row Label { width: auto; }
    ParlaySlip #stake { width: 12; height: 1; border: none; padding: 0; }
    """

    fmt: reactive[OddsFormat] = reactive(OddsFormat.AMERICAN, init=False)

    class Priced(Message):
        def __init__(self, result: ParlayQuote | None, error: str | None) -> None:
            super().__init__()
            self.result, self.error = result, error

    def __init__(
        self, store: Store, client: ParlayClient | None, clock: Callable[[], float], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.client = client
        self.clock = clock
        self.legs: list[Leg] = []
        self.result: ParlayQuote | None = None
        self.error: str | None = None
        self.pricing = False
        self.priced_seqs: dict[str, int] = {}
        self.reprice_at: float | None = None
        # Held, not queried: the app's refresh timer may redraw the slip while the screen is torn down.
        self.reason = Static("", id="slip-reason", disabled=True)
        self.leg_list = OptionList(id="legs")
        self.stake = Input(DEFAULT_STAKE, type="number", id="stake", compact=True)
        self.summary = Static(id="parlay-summary")

    def compose(self) -> ComposeResult:
        yield Static(Text("Parlay slip", style="bold"), id="parlay-title")
        yield self.reason
        yield self.leg_list
        with Horizontal(id="stake-row"):
            yield Label("stake ")
            yield self.stake
        yield self.summary

    def on_mount(self) -> None:
        self.redraw()

    # --- legs -------------------------------------------------------------------------

    def add(self, quote: Quote, copilot_id: str | None, game: str) -> str | None:
        """Add the price `quote` as a leg; returns why it was refused, or None. The reason is shown inline."""
        held = [q for leg in self.legs if (q := self.store.quote(leg.provider, leg.key)) is not None]
        reason = first_conflict(quote, held)
        if quote.locked or quote.settlement is not None:
            reason = f"{quote.book}'s price is locked (suspended): it cannot be bet now"
        elif not self.store.is_live_price(quote):
            reason = f"{quote.book}'s price is stale: its stream is not live"
        odd_id = copilot_id or quote.copilot_id or quote.key
        if reason is None and any(leg.odd_id == odd_id for leg in self.legs):
            reason = "already on the slip"
        self._show_reason(reason)
        if reason is None:
            fixture = self.store.fixture((quote.provider, quote.fixture_id))
            teams = short_teams(fixture.away, fixture.home, fixture.sport, fixture.league) if fixture else ()
            short_game = " @ ".join(teams) or game
            label, short = leg_label(quote), short_leg_label(quote, fixture)
            self.legs.append(Leg(quote.provider, quote.key, odd_id, game, quote.book, label, short_game, short))
            self.reprice()
        return reason

    def _show_reason(self, reason: str | None) -> None:
        self.reason.update(Text(f"refused: {reason}") if reason else "")
        self.reason.disabled = reason is None

    def action_remove_leg(self) -> None:
        index = self.leg_list.highlighted
        if self.legs:
            del self.legs[index if index is not None and index < len(self.legs) else -1]
            self._show_reason(None)
            self.reprice()

    def action_clear(self) -> None:
        self.legs.clear()
        self._show_reason(None)
        self.reprice()

    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.leg_list.action_cursor_down()
        else:
            self.leg_list.action_cursor_up()

    # --- pricing ----------------------------------------------------------------------

    def reprice(self) -> None:
        self.result, self.error, self.reprice_at = None, None, None
        if not self.legs:
            self.pricing = False
        elif self.client is None:
            self.error = "parlay pricing needs an OpticOdds key (Copilot)"
        else:
            self.pricing = True
            self.priced_seqs = {
                leg.key: q.seq for leg in self.legs if (q := self.store.quote(leg.provider, leg.key)) is not None
            }
            self.price([leg.odd_id for leg in self.legs])
        self.redraw()

    @work(group="parlay", exclusive=True, exit_on_error=False)
    async def price(self, ids: list[str]) -> None:
        """Runs in a worker and only posts its result."""
        assert self.client is not None
        try:
            result = await self.client.price(ids)
        except ParlayError as exc:
            self.post_message(self.Priced(None, str(exc)))
            return
        self.post_message(self.Priced(result, None))

    def on_parlay_slip_priced(self, message: ParlaySlip.Priced) -> None:
        message.stop()
        self.result, self.error, self.pricing = message.result, message.error, False
        self.redraw()

    def follow(self) -> None:
        """Called on each refresh: re-price once a leg's price has moved and settled; show moves and locks."""
        if not self.legs or self.pricing:
            return
        now = self.clock()
        moved = any(
            (q := self.store.quote(leg.provider, leg.key)) is not None and q.seq != self.priced_seqs.get(leg.key)
            for leg in self.legs
        )
        if moved and self.reprice_at is None:
            self.reprice_at = now + REPRICE_AFTER
            self.redraw()
        elif self.reprice_at is not None and now >= self.reprice_at:
            self.reprice()

    # --- drawing ----------------------------------------------------------------------

    def watch_fmt(self) -> None:
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.redraw()

    def redraw(self) -> None:
        if not self.is_mounted:
            return
        legs = self.leg_list
        highlighted = legs.highlighted
        missing = set(self.result.missing_entries) if self.result else set()
        width = max(12, self.scrollable_content_region.width - 1)
        legs.set_options([Option(self._leg_text(leg, leg.odd_id in missing, width)) for leg in self.legs])
        if highlighted is not None and self.legs:
            legs.highlighted = min(highlighted, len(self.legs) - 1)
        legs.display = bool(self.legs)
        content: Table | Text
        if not self.legs:
            content = Text("p on a price adds it here; x removes a leg, c clears", style="dim")
        else:
            try:
                content = summary(self.result, self.error, self.pricing, self.fmt, self.stake.value)
            except Exception as exc:  # rendering never raises: the summary shows the placeholder, counted and logged
                content = failed_text(self, exc)
        self.summary.update(content)

    def _leg_text(self, leg: Leg, missing: bool, width: int) -> Text:
        try:
            return leg_text(leg, self.store.quote(leg.provider, leg.key), self.fmt, missing, width)
        except Exception as exc:  # rendering never raises: the leg shows the placeholder, counted and logged
            return failed_text(self, exc)

    def rows(self) -> list[dict[str, object]]:
        """The slip as plain rows, for export: one per leg, then the combined prices."""
        rows: list[dict[str, object]] = []
        for leg in self.legs:
            quote = self.store.quote(leg.provider, leg.key)
            rows.append(
                {
                    "game": leg.game,
                    "book": leg.book,
                    "bet": leg.label,
                    "price_decimal": None if quote is None else finite_price(quote.decimal),
                    "locked": quote is None or quote.locked or quote.settlement is not None,
                    "copilot_id": leg.odd_id,
                }
            )
        result = self.result
        if result is not None:
            try:
                combined = result.decimal
            except OddsError:  # the endpoint's combined price is not a price
                combined = None
            for name, value in (("Copilot parlay", combined), ("independent", result.independent_decimal)):
                rows.append({"game": "", "book": "", "bet": name, "price_decimal": finite_price(value)})
        return rows
