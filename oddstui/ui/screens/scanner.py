"""The scanner (`s`): every live +EV price, arbitrage, middle and low-hold market across all games, best edge first.

It follows the store with an incremental `Scanner` (only markets whose quotes changed are recomputed) on a timer
of its own. A tick works at most BUDGET seconds, so the app never stalls; a burst larger than that is caught up
in further slices CATCH_UP seconds apart, keys and the app's own refresh running in between (the status line
says how many markets wait). Signals come only from live prices.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from oddstui.book_codes import BookCodes
from oddstui.market_view import NOT_BOOKABLE, FixtureRef
from oddstui.model import OddsFormat
from oddstui.signals import Scanner, ScanSettings, Signal, SignalKind
from oddstui.store import Store
from oddstui.ui.input_priority import Deferrable, InputPriority
from oddstui.ui.screens.min_edge import MinEdgeScreen
from oddstui.ui.screens.picker import PickerScreen
from oddstui.ui.widgets.signal_table import KIND_LABELS, SignalTable

TICK = 0.05
"""Seconds between two refreshes: twenty a second, so a change is taken up within about 50 ms of the store's."""
BUDGET = 0.02
"""Seconds of recomputing per tick at most; markets left over wait for the next slice, oldest change first."""
CATCH_UP = 0.01
"""Seconds at least between two slices of work while markets wait (and at least as long as the slice took):
room for keys and the app's refresh."""
SHOW_EVERY = 0.05
"""Seconds at least between two listings of the table (each repaints the lines that changed)."""
NAMES_KEPT = 1_000
"""Game names remembered for the table at most: games come and go over a long run, so past this it starts over."""
KIND_NAMES = {
    SignalKind.EV: "+EV price",
    SignalKind.ARB: "arbitrage",
    SignalKind.MIDDLE: "middle",
    SignalKind.HOLD: "low hold",
}


@dataclass(slots=True)
class SignalFilter:
    """What the scanner lists; empty sets mean every one."""

    kinds: frozenset[SignalKind] = frozenset()
    leagues: frozenset[str] = frozenset()
    books: frozenset[str] = frozenset()
    """A signal with a leg at one of these books."""
    min_edge: float | None = None

    def passes(self, signal: Signal) -> bool:
        if self.kinds and signal.kind not in self.kinds:
            return False
        if self.leagues and signal.league not in self.leagues:
            return False
        if self.books and not any(leg.book in self.books for leg in signal.legs):
            return False
        return self.min_edge is None or signal.edge_pct >= self.min_edge

    def summary(self) -> str:
        kinds = ", ".join(KIND_LABELS[k] for k in SignalKind if k in self.kinds) or "all kinds"
        parts = [
            kinds,
            ", ".join(sorted(self.leagues)) or "all leagues",
            ", ".join(sorted(self.books)) or "all books",
        ]
        parts.append("any edge" if self.min_edge is None else f"edge ≥ {self.min_edge:g}%")
        return " · ".join(parts)


class ScanStatus(Widget):
    """What the scanner lists and how: a fixed height, so that a new text never lays the screen out again."""

    text: reactive[str] = reactive("Scanner: scanning…", layout=False)

    def render(self) -> RenderResult:
        return Text(self.text)


class ScannerScreen(Screen[Signal | None]):
    """Dismissed with the signal chosen by enter (the app opens its game), or None."""

    BINDINGS = [
        Binding("escape,s", "close", "Close", tooltip="close the scanner, back to the dashboard"),
        Binding("t", "pick_kinds", "Kinds", tooltip="which kinds (+EV, arbitrage, middle, low hold)"),
        Binding("l", "pick_leagues", "Leagues", tooltip="signals of these leagues only"),
        Binding("b", "pick_books", "Books", tooltip="signals with a leg at one of these books only"),
        Binding("m", "min_edge", "Min edge", tooltip="leave out signals below an edge, in %"),
    ]
    DEFAULT_CSS = """
    ScannerScreen #scanner-status { height: 2; padding: 0 1; background: $panel; }
    """

    def __init__(
        self,
        store: Store,
        settings: ScanSettings,
        fmt: OddsFormat,
        codes: BookCodes | None = None,
        signal_filter: SignalFilter | None = None,
        input_priority: InputPriority | None = None,
    ) -> None:
        super().__init__()
        self._ticks = Deferrable(input_priority or InputPriority(), self.tick, self.set_timer)
        """The periodic tick, which lets a key press go first."""
        self.store = store
        self.scanner = Scanner(settings)
        self.fmt = fmt
        self.codes = codes or BookCodes()
        self.filter = signal_filter or SignalFilter()
        self.on_refreshed: Callable[[float], None] | None = None
        """Called with the seconds taken by each tick that recomputed markets (the bench times the ticks)."""
        self._names: dict[FixtureRef, str] = {}
        self._catching_up = False
        self._unshown = False
        """Signals changed since the table last listed them."""
        self._shown_at = 0.0

    def compose(self) -> ComposeResult:
        yield ScanStatus(id="scanner-status")
        yield SignalTable(id="signals")
        yield Footer()

    @property
    def table(self) -> SignalTable:
        return self.query_one(SignalTable)

    def on_mount(self) -> None:
        table = self.table
        table.codes = self.codes
        table.game_name = self._game_name
        table.empty_text = "no signal matches: the market has none now, or the filters leave none (t, l, b, m)"
        self.scanner.attach(self.store)
        self.set_interval(TICK, self._ticks)
        self.tick()
        table.focus()

    def on_unmount(self) -> None:
        self.scanner.close()

    def _game_name(self, ref: FixtureRef) -> str:
        name = self._names.get(ref)
        if name is None:
            fixture = self.store.fixture(ref)
            if fixture is None:
                return ref[1]  # not listed yet: named once it is
            if len(self._names) >= NAMES_KEPT:
                self._names.clear()
            name = self._names[ref] = fixture.name
        return name

    def tick(self) -> None:
        """Recompute the markets that changed (within the budget); list them again when a signal changed."""
        if not self.scanner.attached:  # a timer due after the screen closed
            return
        started = time.perf_counter()
        pending = self.scanner.pending
        changed = self.scanner.refresh(BUDGET)
        # while markets wait, list again each time: a leg may have locked in one of them (`still_live`)
        self._unshown |= changed or bool(pending) or bool(self.scanner.pending)
        if self._unshown and started - self._shown_at >= SHOW_EVERY:
            self.show()
        took = time.perf_counter() - started
        if self.scanner.recomputed and self.on_refreshed is not None:
            self.on_refreshed(took)
        if (self.scanner.pending or self._unshown) and not self._catching_up:
            self._catching_up = True
            self.set_timer(max(CATCH_UP, took), self._catch_up)

    def _catch_up(self) -> None:
        self._catching_up = False
        self._ticks()

    def show(self) -> None:
        """List the signals passing the filters, and say what is listed."""
        self._unshown, self._shown_at = False, time.perf_counter()
        signals = self.scanner.signals()
        shown = [s for s in signals if self.filter.passes(s)]
        self.table.show(shown, self.fmt)
        waiting = f" · catching up: {self.scanner.pending:,} markets" if self.scanner.pending else ""
        down = [h.stream for h in self.store.health() if not h.state.is_healthy]
        lost = f"⚠ not live: {', '.join(down)} (no signal from its prices) · " if down else ""
        self.query_one(ScanStatus).text = (
            f"{lost}Scanner · {len(shown):,} of {len(signals):,} signals, best edge first · {self.filter.summary()} · "
            f"fair: {self.scanner.settings.method.value}{waiting}"
        )

    def set_format(self, fmt: OddsFormat) -> None:
        self.fmt = fmt
        self.show()

    # --- filters ----------------------------------------------------------------------

    def _pick(self, title: str, items: list[str], chosen: list[str], apply: Callable[[list[str]], None]) -> None:
        def done(picked: list[str] | None) -> None:
            if picked is not None:
                apply(picked)
                self.show()

        self.app.push_screen(PickerScreen(title, items, chosen), done)

    def action_pick_kinds(self) -> None:
        names = {KIND_NAMES[k]: k for k in SignalKind}

        def apply(picked: list[str]) -> None:
            self.filter.kinds = frozenset(names[name] for name in picked)

        chosen = [KIND_NAMES[k] for k in SignalKind if k in self.filter.kinds]
        self._pick("Kinds", list(names), chosen, apply)

    def action_pick_leagues(self) -> None:
        def apply(picked: list[str]) -> None:
            self.filter.leagues = frozenset(picked)

        self._pick("Leagues", self.store.leagues(), sorted(self.filter.leagues), apply)

    def action_pick_books(self) -> None:
        def apply(picked: list[str]) -> None:
            self.filter.books = frozenset(picked)

        books = [b for b in self.store.books() if b not in NOT_BOOKABLE]
        self._pick("Books", books, sorted(self.filter.books), apply)

    def action_min_edge(self) -> None:
        def done(text: str | None) -> None:
            if text is None:
                return
            if not text:
                self.filter.min_edge = None
            else:
                try:
                    value = float(text)
                except ValueError:
                    value = math.nan
                if not math.isfinite(value):
                    self.notify(f"not a number: {text!r}", severity="warning", timeout=3)
                    return
                self.filter.min_edge = value
            self.show()

        self.app.push_screen(MinEdgeScreen(self.filter.min_edge), done)

    def on_signal_table_chosen(self, event: SignalTable.Chosen) -> None:
        self.dismiss(event.signal)

    def action_close(self) -> None:
        self.dismiss(None)
