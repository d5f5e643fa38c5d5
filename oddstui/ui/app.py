"""The dashboard app: workers stream providers into the Feed; a 10 Hz timer applies it to the store and redraws."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from oddstui.config import Settings
from oddstui.heap import freeze_start_up
from oddstui.model import OddsFormat
from oddstui.persist import SettingsFile, WatchlistBook
from oddstui.providers.copilot import ParlayClient, ParlayError, ParlayQuote
from oddstui.providers.feed import Feed
from oddstui.providers.runner import build_clients
from oddstui.store import EVICT_EVERY, Changes, Store
from oddstui.ui.screens.help import HelpScreen
from oddstui.ui.screens.picker import PickerScreen
from oddstui.ui.screens.search import SearchScreen
from oddstui.ui.screens.watchlists import WatchlistScreen
from oddstui.ui.themes import ThemeSet, load_themes, price_styles
from oddstui.ui.view import ViewState
from oddstui.ui.widgets.alerts import AlertsPanel
from oddstui.ui.widgets.fixture_list import FixtureList
from oddstui.ui.widgets.parlay_slip import Leg, ParlaySlip, SlipView
from oddstui.ui.widgets.price_grid import COPILOT, PriceGrid, row_label
from oddstui.ui.widgets.status_line import StatusLine, StreamGroup, group_name

REFRESH_SECONDS = 0.1
START_UP_SECONDS = 2.0
"""After this, what start-up made is frozen out of the garbage collector's full passes (once)."""
REPRICE_AFTER = 1.0
"""A leg's price moved: re-price the parlay after this quiet time."""
DEFAULT_THEME = "oddstui-dark"


class ParlayPriced(Message):
    def __init__(self, result: ParlayQuote | None, error: str | None) -> None:
        super().__init__()
        self.result, self.error = result, error


class OddsApp(App[None]):
    TITLE = "oddstui"
    CSS_PATH = "oddstui.tcss"
    BINDINGS = [
        Binding("l", "pick_leagues", "Leagues"),
        Binding("b", "pick_books", "Books"),
        Binding("slash", "search", "Search"),
        Binding("L", "toggle_live", "Live only"),
        Binding("m", "toggle_main", "Main lines"),
        Binding("o", "cycle_format", "Odds format"),
        Binding("w", "watchlists", "Watchlists"),
        Binding("f", "toggle_pin", "Pin"),
        Binding("P", "toggle_pinned_only", "Pinned only", show=False),
        Binding("p", "add_leg", "Add leg"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        demo: bool = False,
        theme: str | None = None,
        clock: Callable[[], float] = time.time,
        data_dir: Path | None = None,
        cache_dir: Path | None = None,
        themes: ThemeSet | None = None,
        **tuning: float,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.demo = demo
        self.clock = clock
        self.store = Store(clock=clock)
        self.feed = Feed()
        self.cache_dir = cache_dir
        self.tuning = tuning
        self.watchlists = WatchlistBook(data_dir)
        self.ui_settings = SettingsFile(data_dir)
        self.view = self._initial_view()
        self.theme_set = themes if themes is not None else load_themes()
        self.requested_theme = theme
        self.selected_ref: tuple[str, str] | None = None
        self.legs: list[Leg] = []
        self.parlay: ParlayQuote | None = None
        self.parlay_error: str | None = None
        self.parlay_pricing = False
        self.priced_seqs: dict[str, int] = {}
        self.reprice_at: float | None = None
        self.parlay_client = (
            ParlayClient(settings.providers["opticodds"]) if settings.providers["opticodds"].enabled else None
        )
        self._rates: dict[str, tuple[float, int, float]] = {}
        self._last_status = 0.0
        self._toasted_alerts = 0

    # --- set-up -----------------------------------------------------------------

    def _initial_view(self) -> ViewState:
        saved = self.ui_settings.settings
        view = ViewState(list(saved.leagues), list(saved.books), "", saved.live_only, saved.main_only)
        try:
            view.fmt = OddsFormat.parse(saved.odds_format) if saved.odds_format else self.settings.odds_format
        except ValueError:
            view.fmt = self.settings.odds_format
        if saved.last_watchlist and saved.last_watchlist in self.watchlists.lists:
            view.load_watchlist(self.watchlists.lists[saved.last_watchlist])
        return view

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        with Horizontal(id="main"):
            yield FixtureList(id="fixture-list")
            with Vertical(id="centre"):
                yield PriceGrid(id="grid")
                with Horizontal(id="bottom"):
                    yield ParlaySlip(id="slip")
                    with Vertical(id="alerts-box"):
                        yield Static("Alerts", id="alerts-title")
                        yield AlertsPanel(id="alerts")
        yield Footer()

    def on_mount(self) -> None:
        # Held once: the refresh timer may still fire while the app tears its screens down.
        self.price_grid = self.query_one(PriceGrid)
        self.fixture_list = self.query_one(FixtureList)
        self.alerts_panel = self.query_one(AlertsPanel)
        self.status_line = self.query_one(StatusLine)
        self.parlay_slip = self.query_one(ParlaySlip)
        for theme in self.theme_set.themes.values():
            self.register_theme(theme)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        wanted = self.requested_theme or self.ui_settings.settings.theme or self.settings.theme
        if wanted not in self.available_themes:
            if self.requested_theme:
                self.notify(
                    f"no theme named {wanted!r}; available: {', '.join(sorted(self.theme_set.themes))}",
                    severity="warning",
                )
            wanted = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = wanted
        self._theme_changed(self.current_theme)
        for problem in (*self.theme_set.errors, self.watchlists.problem, self.ui_settings.problem):
            if problem:
                self.notify(problem, title="Skipped", severity="warning", timeout=15)
        grid = self.price_grid
        grid.is_stale = self.store.is_stale
        grid.clock = self.clock
        for client in build_clients(self.settings, self.feed, cache_dir=self.cache_dir, **self.tuning):
            self.run_worker(client.run(), group="providers", name=type(client).__name__, exit_on_error=False)
        self.set_interval(REFRESH_SECONDS, self.refresh_from_store)
        self.set_interval(EVICT_EVERY, self.store.evict)
        self.refresh_from_store(Changes(everything=True, fixture_list=True, alerts=True, streams=True))
        grid.focus()
        self.set_timer(START_UP_SECONDS, freeze_start_up)

    def _theme_changed(self, theme: Theme) -> None:
        self.price_grid.set_styles(price_styles(self.get_css_variables()))
        if theme.name != self.ui_settings.settings.theme and theme.name in self.theme_set.themes:
            self.ui_settings.settings.theme = theme.name
            self.ui_settings.save()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one handler for worker failures: shown once, never silently lost."""
        if event.state is WorkerState.ERROR and event.worker.group == "providers":
            error = event.worker.error
            detail = self.settings.enabled[0].api_key.scrub(str(error)) if self.settings.enabled else str(error)
            self.notify(
                f"{event.worker.name} stopped: {type(error).__name__}: {detail}"[:300],
                title="Provider error",
                severity="error",
                timeout=30,
            )

    async def on_unmount(self) -> None:
        if self.parlay_client is not None:
            await self.parlay_client.aclose()

    # --- the refresh cadence ------------------------------------------------------------

    def refresh_from_store(self, forced: Changes | None = None) -> None:
        """Apply what the providers delivered, then redraw only what changed."""
        for event in self.feed.drain():
            self.store.apply(event)
        if self.selected_ref is not None:  # an alert about the game on screen is read as it arrives
            self.store.mark_read(self.selected_ref)
        changes = self.store.drain_changes()
        if forced is not None:
            changes.everything |= forced.everything
            changes.fixture_list |= forced.fixture_list
            changes.alerts |= forced.alerts
        now = self.clock()
        if changes.fixture_list or changes.everything:
            self._show_fixtures()
        grid = self.price_grid
        if self.selected_ref is not None and (changes.everything or self.selected_ref in changes.fixtures):
            self._show_grid()
        elif changes.streams:
            grid.restyle_stale()
        grid.tick()
        if changes.alerts:
            self._show_alerts()
        if changes.streams or now - self._last_status >= 1.0 or forced is not None:
            self._show_status(now)
        self._follow_legs(now)

    def _show_fixtures(self) -> None:
        fixtures = self.store.fixtures(self.view.fixture_filter())
        unread = {
            (f.provider, f.fixture_id) for f in fixtures if self.store.has_unread_alert((f.provider, f.fixture_id))
        }
        self.fixture_list.show(fixtures, self.view.pinned, unread, self.view.summary())
        if not fixtures and self.selected_ref is not None:
            self.selected_ref = None
            self._show_grid()

    def _show_grid(self) -> None:
        grid = self.price_grid
        ref = self.selected_ref
        fixture = self.store.fixture(ref) if ref else None
        if ref is None or fixture is None:
            grid.show(None, "no fixture selected", self.view.fmt)
            return
        books = [*self.view.books, COPILOT] if self.view.books else ()
        data = self.store.grid(ref, books, main_only=self.view.main_only)
        if not self.view.books:  # every book: the configured order first (the sharp book leads), then the rest
            preferred = {book: i for i, book in enumerate(self.settings.books)}
            data.books.sort(key=lambda b: (preferred.get(b, len(preferred)), b.lower()))
        title = f"{fixture.away} @ {fixture.home} · {fixture.status.value}"
        if fixture.score is not None and fixture.is_live:
            title += f" {fixture.score.away}-{fixture.score.home}"
        grid.show(data, title, self.view.fmt)

    def _show_alerts(self) -> None:
        alerts = self.store.alerts()
        self.alerts_panel.show(alerts)
        fresh = [a for a in alerts[: max(0, len(alerts) - self._toasted_alerts)] if a.important]
        self._toasted_alerts = len(alerts)
        for alert in fresh[:3]:
            self.notify(alert.text, title=alert.kind, severity="error" if alert.kind == "connection" else "warning")

    def _show_status(self, now: float) -> None:
        self._last_status = now
        groups: dict[str, StreamGroup] = {}
        for health in self.store.health():
            stats = self.store.stats(health.stream)
            last_time, last_events, rate = self._rates.get(health.stream, (now, stats.events, 0.0))
            if now - last_time >= 1.0:
                rate = (stats.events - last_events) / (now - last_time)
                last_time, last_events = now, stats.events
            self._rates[health.stream] = (last_time, last_events, rate)
            name = group_name(health.stream)
            groups.setdefault(name, StreamGroup(name)).add(health, stats, rate)
        self.status_line.show(sorted(groups.values(), key=lambda g: g.name), self.demo, now)

    def on_fixture_list_selected(self, event: FixtureList.Selected) -> None:
        self.selected_ref = event.ref
        if event.ref is not None and self.store.has_unread_alert(event.ref):
            self.store.mark_read(event.ref)
        self._show_grid()

    # --- filters ----------------------------------------------------------------------

    def _filters_changed(self, save: bool = True) -> None:
        if save:
            saved = self.ui_settings.settings
            saved.leagues, saved.books = list(self.view.leagues), list(self.view.books)
            saved.live_only, saved.main_only = self.view.live_only, self.view.main_only
            saved.odds_format = self.view.fmt.value
            self.ui_settings.save()
        self._show_fixtures()
        self._show_grid()

    def action_pick_leagues(self) -> None:
        def chosen(leagues: list[str] | None) -> None:
            if leagues is not None:
                self.view.leagues = leagues
                self._filters_changed()

        self.push_screen(PickerScreen("Leagues", self.store.leagues(), self.view.leagues), chosen)

    def action_pick_books(self) -> None:
        def chosen(books: list[str] | None) -> None:
            if books is not None:
                self.view.books = books
                self._filters_changed()

        books = [b for b in self.store.books() if b != COPILOT]
        self.push_screen(PickerScreen("Books", books, self.view.books, reorderable=True), chosen)

    def action_search(self) -> None:
        def chosen(text: str | None) -> None:
            if text is not None:
                self.view.text = text
                self._filters_changed(save=False)

        self.push_screen(SearchScreen(self.view.text), chosen)

    def action_toggle_live(self) -> None:
        self.view.live_only = not self.view.live_only
        self._filters_changed()

    def action_toggle_main(self) -> None:
        self.view.main_only = not self.view.main_only
        self._filters_changed()

    def action_toggle_pinned_only(self) -> None:
        self.view.pinned_only = not self.view.pinned_only
        self._filters_changed(save=False)

    def action_cycle_format(self) -> None:
        fmt = self.view.next_format()
        self.notify(f"odds format: {fmt.value.replace('_', ' ')}", timeout=2)
        self._filters_changed()
        self._show_slip()

    def action_toggle_pin(self) -> None:
        ref = self.fixture_list.selected
        if ref is None:
            return
        self.view.pinned.symmetric_difference_update({ref})
        self._show_fixtures()

    def action_watchlists(self) -> None:
        def chosen(name: str | None) -> None:
            if name is not None and name in self.watchlists.lists:
                self.view.load_watchlist(self.watchlists.lists[name])
                self.ui_settings.settings.last_watchlist = name
                self.notify(f"watchlist {name!r}", timeout=2)
                self._filters_changed()

        self.push_screen(WatchlistScreen(self.watchlists, self.view.to_watchlist), chosen)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action not in ("quit",):
                yield SystemCommand(
                    f"{binding.description} ({binding.key})",
                    binding.description,
                    lambda action=binding.action: self.run_action(action),
                )

    # --- parlay -----------------------------------------------------------------------

    def action_add_leg(self) -> None:
        selected = self.price_grid.selected
        fixture = self.store.fixture(self.selected_ref) if self.selected_ref else None
        if selected is None or fixture is None:
            self.notify("select a price in the grid first", severity="warning", timeout=3)
            return
        row, book = selected
        copilot = row.cells.get(COPILOT)
        quote = copilot or row.cells.get(book)
        if quote is None:
            self.notify(f"{book} has no price on this row", severity="warning", timeout=3)
            return
        odd_id = quote.copilot_id or quote.key
        if any(leg.odd_id == odd_id for leg in self.legs):
            self.notify("already on the slip", timeout=2)
            return
        self.legs.append(Leg(quote.provider, quote.key, odd_id, f"{row.market}: {row_label(row)}"))
        self._reprice()

    def action_remove_leg(self) -> None:
        index = self.parlay_slip.highlighted_leg
        if self.legs:
            del self.legs[index if index is not None and index < len(self.legs) else -1]
            self._reprice()

    def action_clear_slip(self) -> None:
        self.legs.clear()
        self._reprice()

    def _reprice(self) -> None:
        self.parlay, self.parlay_error, self.reprice_at = None, None, None
        if not self.legs:
            self.parlay_pricing = False
        elif self.parlay_client is None:
            self.parlay_error = "parlay pricing needs an OpticOdds key (Copilot)"
        else:
            self.parlay_pricing = True
            self.priced_seqs = {
                leg.key: q.seq for leg in self.legs if (q := self.store.quote(leg.provider, leg.key)) is not None
            }
            self.price_parlay([leg.odd_id for leg in self.legs])
        self._show_slip()

    @work(group="parlay", exclusive=True, exit_on_error=False)
    async def price_parlay(self, ids: list[str]) -> None:
        """Runs in a worker and only posts its result."""
        assert self.parlay_client is not None
        try:
            result = await self.parlay_client.price(ids)
        except ParlayError as exc:
            self.post_message(ParlayPriced(None, str(exc)))
            return
        self.post_message(ParlayPriced(result, None))

    def on_parlay_priced(self, message: ParlayPriced) -> None:
        self.parlay, self.parlay_error, self.parlay_pricing = message.result, message.error, False
        self._show_slip()

    def _follow_legs(self, now: float) -> None:
        """Re-price once a leg's price has moved and settled for a moment; a locked leg is shown locked."""
        if not self.legs or self.parlay_pricing:
            return
        moved = any(
            (q := self.store.quote(leg.provider, leg.key)) is not None and q.seq != self.priced_seqs.get(leg.key)
            for leg in self.legs
        )
        if moved and self.reprice_at is None:
            self.reprice_at = now + REPRICE_AFTER
            self._show_slip()
        elif self.reprice_at is not None and now >= self.reprice_at:
            self._reprice()

    def _show_slip(self) -> None:
        legs = [(leg, self.store.quote(leg.provider, leg.key)) for leg in self.legs]
        self.parlay_slip.show(SlipView(legs, self.parlay, self.parlay_error, self.parlay_pricing, self.view.fmt))
