"""The dashboard app: workers stream providers into the Feed; a 10 Hz timer applies it to the store and redraws."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from oddstui.book_codes import BookCodes
from oddstui.config import Settings
from oddstui.export import grid_rows, write_export
from oddstui.heap import RELEASE_EVERY, freeze_start_up, release_free_memory
from oddstui.model import OddsFormat
from oddstui.persist import SettingsFile, WatchlistBook
from oddstui.providers.copilot import ParlayClient
from oddstui.providers.feed import Feed
from oddstui.providers.runner import build_clients
from oddstui.secret import scrub
from oddstui.store import EVICT_EVERY, Changes, FixtureRef, Store
from oddstui.ui.screens.help import HelpScreen, binding_rows
from oddstui.ui.screens.picker import PickerScreen
from oddstui.ui.screens.search import SearchScreen
from oddstui.ui.screens.watchlists import WatchlistScreen
from oddstui.ui.themes import ThemeSet, load_themes
from oddstui.ui.view import FORMAT_CYCLE, ViewState
from oddstui.ui.widgets.alerts import AlertsPanel
from oddstui.ui.widgets.fixture_list import FixtureList
from oddstui.ui.widgets.parlay_slip import ParlaySlip
from oddstui.ui.widgets.price_grid import COPILOT, PriceGrid
from oddstui.ui.widgets.status_line import StatusLine, blocked_reason

REFRESH_SECONDS = 0.1
START_UP_SECONDS = 2.0
"""After this, what start-up made is frozen out of the garbage collector's full passes (once)."""
DEFAULT_THEME = "oddstui-dark"
NARROW_SCREEN = 130
"""Below this many columns the fixture list starts narrow, leaving the grid room for more books."""


class OddsApp(App[None]):
    TITLE = "oddstui"
    CSS_PATH = "oddstui.tcss"
    BINDINGS = [
        # Help and quit first: the footer is cut on the right at 80 columns, and these must stay on it.
        Binding("question_mark", "help", "Help", tooltip="every key, and what the marks on screen mean"),
        Binding("q", "quit", "Quit", tooltip="leave oddstui"),
        Binding("l", "pick_leagues", "Leagues", tooltip="league filter (multi-select)"),
        Binding("b", "pick_books", "Books", tooltip="book filter; its order is the grid's column order ([ ] move)"),
        Binding("slash", "search", "Search", tooltip="search fixtures by team or player"),
        Binding("L", "toggle_live", "Live", tooltip="live fixtures only, or all"),
        Binding("m", "toggle_main", "Main", tooltip="main lines only, or alternates too"),
        Binding("o", "cycle_format", "Odds", tooltip="odds format: American, decimal, probability, fractional, …"),
        Binding("p", "add_leg", "Add leg", tooltip="add the price under the cursor to the parlay slip"),
        Binding("w", "watchlists", "Lists", tooltip="watchlists: save the filters and pins, load, rename, delete"),
        Binding("f", "toggle_pin", "Pin", tooltip="pin or unpin the selected fixture"),
        Binding("P", "toggle_pinned_only", "Pinned only", show=False, tooltip="pinned fixtures only, or all"),
        Binding("v", "cycle_fixture_list", "Fixtures", tooltip="fixture list: wide, narrow or hidden"),
        Binding("e", "export", "Export", tooltip="write the grid on screen (or the slip, if focused) to CSV and JSON"),
    ]

    fmt: reactive[OddsFormat] = reactive(OddsFormat.AMERICAN, init=False)
    """The odds format: one value, bound into every widget that shows prices."""

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
        self.set_reactive(OddsApp.fmt, self._initial_format())
        self.theme_set = themes if themes is not None else load_themes()
        self.requested_theme = theme
        self.selected_ref: FixtureRef | None = None
        self.suspended: set[FixtureRef] = set()
        """Listed fixtures whose every price is locked: marked in the fixture list."""
        self.parlay_client = (
            ParlayClient(settings.providers["opticodds"]) if settings.providers["opticodds"].enabled else None
        )
        self._last_status = 0.0
        self._toasted_alerts = 0

    # --- set-up -----------------------------------------------------------------

    def _initial_view(self) -> ViewState:
        saved = self.ui_settings.settings
        view = ViewState(list(saved.leagues), list(saved.books), "", saved.live_only, saved.main_only)
        if saved.last_watchlist and saved.last_watchlist in self.watchlists.lists:
            view.load_watchlist(self.watchlists.lists[saved.last_watchlist])
        return view

    def _initial_format(self) -> OddsFormat:
        """The remembered format wins over the config's (said once at start-up, and by `config check`)."""
        saved = self.ui_settings.settings.odds_format
        try:
            return OddsFormat.parse(saved) if saved else self.settings.odds_format
        except ValueError:
            return self.settings.odds_format

    def compose(self) -> ComposeResult:
        yield StatusLine(self.store, self.demo, id="status")
        with Horizontal(id="main"):
            yield FixtureList(id="fixture-list")
            with Vertical(id="centre"):
                yield PriceGrid(id="grid")
                with Horizontal(id="bottom"):
                    yield ParlaySlip(self.store, self.parlay_client, self.clock, id="slip").data_bind(OddsApp.fmt)
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
        self._say_what_overrides_the_config(wanted)
        if self.size.width < NARROW_SCREEN:
            self.fixture_list.size_name = "narrow"
        grid = self.price_grid
        grid.is_stale = self.store.is_stale
        grid.clock = self.clock
        grid.codes = BookCodes(self.settings.book_codes)
        for client in build_clients(self.settings, self.feed, cache_dir=self.cache_dir, **self.tuning):
            self.run_worker(client.run(), group="providers", name=type(client).__name__, exit_on_error=False)
        self.set_interval(REFRESH_SECONDS, self.refresh_from_store)
        self.set_interval(EVICT_EVERY, self.store.evict)
        self.set_interval(RELEASE_EVERY, release_free_memory)
        self.refresh_from_store(Changes(everything=True, fixture_list=True, alerts=True, streams=True))
        grid.focus()
        self.set_timer(START_UP_SECONDS, freeze_start_up)

    def _say_what_overrides_the_config(self, theme: str) -> None:
        """The remembered theme and odds format win over the config file's: say so rather than ignore it."""
        overridden = []
        if theme != self.settings.theme and not self.requested_theme:
            overridden.append(f"theme {theme!r}")
        if self.fmt is not self.settings.odds_format:
            overridden.append(f"odds format {self.fmt.value!r}")
        if overridden:
            self.notify(
                f"{' and '.join(overridden)} remembered from the last session, over the config file "
                "(`oddstui config check` shows both)",
                title="Settings",
                timeout=8,
            )

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self.ui_settings.settings.theme and theme.name in self.theme_set.themes:
            self.ui_settings.settings.theme = theme.name
            self.ui_settings.save()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one handler for worker failures: shown once, never silently lost."""
        if event.state is WorkerState.ERROR and event.worker.group == "providers":
            error = event.worker.error
            detail = scrub(str(error))  # every configured key, not only the first provider's
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
        if changes.fixture_list or changes.everything or self._suspension_changed(changes.fixtures):
            self._show_fixtures()
        grid = self.price_grid
        if self.selected_ref is not None and (changes.everything or self.selected_ref in changes.fixtures):
            self._show_grid()
        elif changes.streams:
            grid.restyle_stale()
            if self.selected_ref is None or not grid.rows:
                self._show_grid()  # the reason a blank grid gives may have changed
        grid.tick()
        if changes.alerts:
            self._show_alerts()
        if changes.streams or now - self._last_status >= 1.0 or forced is not None:
            self._last_status = now
            self.status_line.show_streams(now)
        self.parlay_slip.follow()

    def _suspension_changed(self, changed: set[FixtureRef]) -> bool:
        """Re-check 'every price suspended' for the fixtures whose quotes changed; True if a mark flips."""
        flipped = False
        for ref in changed:
            suspended = self.store.all_suspended(ref)
            if suspended != (ref in self.suspended):
                self.suspended.symmetric_difference_update({ref})
                flipped = True
        return flipped

    def _show_fixtures(self) -> None:
        fixtures = self.store.fixtures(self.view.fixture_filter())
        refs = [(f.provider, f.fixture_id) for f in fixtures]
        unread = {ref for ref in refs if self.store.has_unread_alert(ref)}
        self.suspended = {ref for ref in refs if self.store.all_suspended(ref)}
        self.fixture_list.show(fixtures, self.view.pinned, unread, self.view.summary(), self.suspended)
        if not fixtures and self.selected_ref is not None:
            self.selected_ref = None
            self._show_grid()

    def _show_grid(self) -> None:
        grid = self.price_grid
        ref = self.selected_ref
        fixture = self.store.fixture(ref) if ref else None
        if ref is None or fixture is None:
            grid.show(None, self._blank_reason(), self.fmt)
            return
        books = [*self.view.books, COPILOT] if self.view.books else ()
        data = self.store.grid(ref, books, main_only=self.view.main_only)
        if not self.view.books:  # every book: the configured order first (the sharp book leads), then the rest
            preferred = {book: i for i, book in enumerate(self.settings.books)}
            data.books.sort(key=lambda b: (preferred.get(b, len(preferred)), b.lower()))
        title = f"{fixture.away} @ {fixture.home} · {fixture.status.value}"
        if fixture.score is not None and fixture.is_live:
            title += f" {fixture.score.away}-{fixture.score.home}"
        if ref in self.suspended:
            title += " · every price suspended"
        grid.show(data, title, self.fmt)

    def _blank_reason(self) -> str:
        """What the grid says when it has nothing to show: why no stream delivers, or what to do."""
        reason = blocked_reason(self.store)
        if reason is not None:
            return reason
        if not self.store.all_fixtures():
            return "waiting for the first fixtures (the status line shows each stream)"
        return "no fixture matches the filters (l leagues, b books, / search, L live only)"

    def _show_alerts(self) -> None:
        alerts = self.store.alerts()
        self.alerts_panel.show(alerts)
        fresh = [a for a in alerts[: max(0, len(alerts) - self._toasted_alerts)] if a.important]
        self._toasted_alerts = len(alerts)
        for alert in fresh[:3]:
            self.notify(alert.text, title=alert.kind, severity="error" if alert.kind == "connection" else "warning")

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

        self.push_screen(PickerScreen("Books", self._books_in_grid_order(), self.view.books, reorderable=True), chosen)

    def _books_in_grid_order(self) -> list[str]:
        """Every book, in the order the grid shows them: the chosen ones, else the configured order, then the rest."""
        order = [*self.view.books, *self.settings.books]
        rank = {book: i for i, book in reversed(list(enumerate(order)))}
        books = [b for b in self.store.books() if b != COPILOT]
        return sorted(books, key=lambda b: (rank.get(b, len(order)), b.lower()))

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
        index = FORMAT_CYCLE.index(self.fmt) if self.fmt in FORMAT_CYCLE else -1
        self.fmt = FORMAT_CYCLE[(index + 1) % len(FORMAT_CYCLE)]
        self.notify(f"odds format: {self.fmt.value.replace('_', ' ')}", timeout=2)

    def watch_fmt(self, fmt: OddsFormat) -> None:
        self.ui_settings.settings.odds_format = fmt.value
        self.ui_settings.save()
        self._show_grid()

    def action_cycle_fixture_list(self) -> None:
        size = self.fixture_list.cycle_size()
        if size == "hidden" and self.fixture_list.lines.has_focus:
            self.price_grid.focus()
        self.notify(f"fixture list: {size} (v changes it)", timeout=2)

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

    def key_list(self) -> list[tuple[str, str]]:
        """Every key from the bindings themselves: the app's, then each panel's with the panel named."""
        sections = [("", self._bindings_of(self)), ("in the slip", self._bindings_of(ParlaySlip))]
        return binding_rows(sections, self.get_key_display)

    @staticmethod
    def _bindings_of(node: object) -> list[Binding]:
        return [b for b in getattr(node, "BINDINGS", ()) if isinstance(b, Binding)]

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.key_list()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, then every action of ours: its name, and what it does (not the name again)."""
        yield from super().get_system_commands(screen)
        for binding in self._bindings_of(self):
            if binding.action != "quit":  # Textual's own commands include quit
                yield SystemCommand(
                    binding.description,
                    f"{binding.tooltip} (key {self.get_key_display(binding)})",
                    lambda action=binding.action: self.run_action(action),
                )

    # --- export -----------------------------------------------------------------------

    def action_export(self) -> None:
        """The slip when it has focus and legs, else the grid on screen; written to the data dir, path shown."""
        directory = self.ui_settings.file.path.parent / "exports"
        slip = self.parlay_slip
        if slip.has_focus_within and slip.legs:
            rows, name = slip.rows(), "slip"
        elif self.selected_ref is not None and (grid := self.price_grid.grid_data) is not None:
            rows, name = grid_rows(grid, self.store.fixture(self.selected_ref), self.fmt), "grid"
        else:
            self.notify("nothing to export: no grid on screen", severity="warning", timeout=3)
            return
        try:
            csv_path, json_path = write_export(rows, directory, name, self.clock())
        except OSError as exc:
            self.notify(f"cannot write to {directory}: {exc.strerror or exc}", severity="error", timeout=8)
            return
        self.notify(f"{len(rows)} rows → {csv_path}\nand {json_path.name}", title="Exported", timeout=8)

    # --- parlay -----------------------------------------------------------------------

    def action_add_leg(self) -> None:
        """The price under the grid's cursor goes to the slip, which refuses legs that cannot win together."""
        selected = self.price_grid.selected
        fixture = self.store.fixture(self.selected_ref) if self.selected_ref else None
        if selected is None or fixture is None:
            self.notify("select a price in the grid first", severity="warning", timeout=3)
            return
        row, book = selected
        quote = row.cells.get(book)
        if quote is None:
            self.notify(f"{book} has no price on this row", severity="warning", timeout=3)
            return
        copilot = row.cells.get(COPILOT)
        self.parlay_slip.add(quote, copilot.copilot_id if copilot else None, fixture.name)  # refusals shown inline
