"""The dashboard app: workers stream providers into the Feed; a 10 Hz timer applies it to the store and redraws."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Unpack

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from oddstui.alert_book import AlertBook
from oddstui.alert_rule import AlertRule, describe
from oddstui.book_codes import BookCodes
from oddstui.config import Settings
from oddstui.export import grid_rows, write_export
from oddstui.heap import COLLECT_EVERY, RELEASE_EVERY, collect_cycles, freeze_start_up, release_free_memory
from oddstui.model import OddsFormat
from oddstui.odds import format_price
from oddstui.persist import SettingsFile, WatchlistBook
from oddstui.price_watch import PriceWatch
from oddstui.providers.copilot import ParlayClient
from oddstui.providers.feed import Feed
from oddstui.providers.runner import Tuning, build_clients
from oddstui.secret import scrub
from oddstui.short_names import short_teams
from oddstui.signals import ScanSettings, Signal
from oddstui.store import Alert, Changes, FixtureRef, Store
from oddstui.ui.input_priority import Deferrable, InputPriority
from oddstui.ui.screens.alert_dialog import AlertDialog
from oddstui.ui.screens.alert_rules import AlertRulesScreen
from oddstui.ui.screens.help import HelpScreen, binding_rows
from oddstui.ui.screens.picker import PickerScreen
from oddstui.ui.screens.scanner import ScannerScreen
from oddstui.ui.screens.search import SearchScreen
from oddstui.ui.screens.watchlists import WatchlistScreen
from oddstui.ui.themes import ThemeSet, load_themes
from oddstui.ui.view import FORMAT_CYCLE, ViewState
from oddstui.ui.widgets.alerts import AlertsPanel
from oddstui.ui.widgets.fixture_list import FixtureList
from oddstui.ui.widgets.history_pane import HistoryPane
from oddstui.ui.widgets.parlay_slip import ParlaySlip
from oddstui.ui.widgets.price_grid import COPILOT, PriceGrid
from oddstui.ui.widgets.signal_table import SignalTable
from oddstui.ui.widgets.status_line import StatusLine, blocked_reason

REFRESH_SECONDS = 0.1
USER_INPUT = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
"""The events that make the periodic work wait (`InputPriority`)."""
START_UP_SECONDS = 2.0
"""After this, what start-up made is frozen out of the garbage collector's full passes (once)."""
DEFAULT_THEME = "oddstui-dark"
NARROW_SCREEN = 130
"""Below this many columns the fixture list starts narrow, leaving the grid room for more books."""
STEAM_TOAST_EVERY = 20.0
"""Seconds between steam toasts: a busy slate's steam stays in the alerts panel and on the fixtures."""


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
        Binding("A", "alert_rules", "Alerts", show=False, tooltip="price alerts: list, delete (a on a price sets one)"),
        Binding(
            "s", "scanner", "Scanner", tooltip="live +EV prices, arbitrages, middles and low-hold markets, all games"
        ),
    ]

    fmt: reactive[OddsFormat] = reactive(OddsFormat.AMERICAN, init=False)
    """The odds format: one value, bound into every widget that shows prices."""

    DASHBOARD_ACTIONS = frozenset(b.action for b in Binding.make_bindings(BINDINGS)).difference(
        {"help", "quit", "cycle_format", "alert_rules"}
    )
    """App keys that act on the dashboard (p, f, e, v, L, ...): only while it is shown, not under the scanner."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action not in self.DASHBOARD_ACTIONS or len(self.screen_stack) == 1

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
        **tuning: Unpack[Tuning],
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
        self.input_priority = InputPriority()
        """Keys and clicks go first: the periodic work below waits briefly after one."""
        self._last_status = 0.0
        self._toasted_alerts = 0
        """`Store.alerts_added` when the last toasts were shown."""
        self._next_steam_toast = 0.0
        self._steam_untoasted = 0
        self.alert_book = AlertBook(data_dir)
        # Steam starts at the sharp books the grid's fair price comes from; EV alerts judge against that fair.
        self.price_watch = PriceWatch(
            self.store,
            self._alert_rules(),
            settings.steam,
            ScanSettings(sharp=settings.sharp_books, method=settings.devig),
        )
        self._covered = False
        """The scanner covered the dashboard since its last redraw."""

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
                yield PriceGrid(id="grid").data_bind(OddsApp.fmt)
                with Horizontal(id="bottom"):
                    yield ParlaySlip(self.store, self.parlay_client, self.clock, id="slip").data_bind(OddsApp.fmt)
                    with Vertical(id="alerts-box"):
                        yield Static("Alerts", id="alerts-title")
                        yield AlertsPanel(id="alerts")
                yield HistoryPane(id="history")
        yield Footer()

    def on_mount(self) -> None:
        # Held once: the refresh timer may still fire while the app tears its screens down.
        self.price_grid = self.query_one(PriceGrid)
        self.fixture_list = self.query_one(FixtureList)
        self.alerts_panel = self.query_one(AlertsPanel)
        self.status_line = self.query_one(StatusLine)
        self.parlay_slip = self.query_one(ParlaySlip)
        self.history_pane = self.query_one(HistoryPane)
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
        for problem in (
            *self.theme_set.errors,
            self.watchlists.problem,
            self.ui_settings.problem,
            self.alert_book.problem,
        ):
            if problem:
                self.notify(problem, title="Skipped", severity="warning", timeout=15)
        self._say_what_overrides_the_config(wanted)
        if self.size.width < NARROW_SCREEN:
            self.fixture_list.size_name = "narrow"
        grid = self.price_grid
        grid.is_stale = self.store.is_stale
        grid.clock = self.clock
        grid.codes = self.history_pane.codes = BookCodes(self.settings.book_codes)
        grid.opening = self.store.history.opening
        for client in build_clients(self.settings, self.feed, cache_dir=self.cache_dir, **self.tuning):
            self.run_worker(client.run(), group="providers", name=type(client).__name__, exit_on_error=False)
            self.store.on_evict(client.forget)
        priority, later = self.input_priority, self.set_timer
        # looked up at each call, so that a bench's timed stand-in is the one run
        refresh = Deferrable(priority, lambda: self.refresh_from_store(), later)
        self.set_interval(REFRESH_SECONDS, refresh)
        self.set_interval(self.store.evict_every, self.store.evict)
        self.set_interval(RELEASE_EVERY, Deferrable(priority, release_free_memory, later))
        self.set_interval(COLLECT_EVERY, Deferrable(priority, collect_cycles, later))
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

    async def on_event(self, event: events.Event) -> None:
        """Note each key, click and wheel turn as it comes in, so the periodic work lets it go first."""
        if isinstance(event, USER_INPUT) and not event.is_forwarded:
            self.input_priority.input_arrived()
        await super().on_event(event)

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
        watched = self.price_watch.run(changes, now, self._price_text)
        changes.alerts |= bool(watched.steam or watched.fired)
        changes.fixture_list |= watched.marks_changed
        if watched.fired:
            self.bell()
        if self._behind_scanner(changes):
            changes = Changes(alerts=changes.alerts, streams=changes.streams)
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
        if self.history_pane.display:
            self._show_history()
        if changes.alerts:
            self._show_alerts()
        if changes.streams or now - self._last_status >= 1.0 or forced is not None:
            self._last_status = now
            self.status_line.show_streams(now)
        self.parlay_slip.follow()

    def _price_text(self, decimal: float) -> str:
        return format_price(decimal, self.fmt)

    def _alert_rules(self) -> list[AlertRule]:
        """The rules in force: the config file's, then those set from the keyboard."""
        return [*self.settings.alerts, *self.alert_book.rules]

    def on_price_grid_alert_requested(self, event: PriceGrid.AlertRequested) -> None:
        """`a` on a price: the dialog; the alert it returns is kept, and judged from the next refresh."""
        fixture = self.store.fixture(self.selected_ref) if self.selected_ref else None
        if fixture is None:
            return

        def chosen(rule: AlertRule | None) -> None:
            if rule is None:
                return
            if not self.alert_book.add(rule) and rule not in self.alert_book.rules:
                self.notify(self.alert_book.problem or "the alert could not be saved", severity="error", timeout=8)
            self.price_watch.set_rules(self._alert_rules())
            self.price_watch.judge_soon((fixture.provider, fixture.fixture_id))
            self.notify(describe(rule, self._price_text), title="Alert set (A lists them)", timeout=4)

        self.push_screen(AlertDialog(fixture, event.row, event.book, self.fmt), chosen)

    def action_alert_rules(self) -> None:
        def changed() -> None:
            self.price_watch.set_rules(self._alert_rules())

        self.push_screen(AlertRulesScreen(self.alert_book, self.settings.alerts, self._price_text, changed))

    def _behind_scanner(self, changes: Changes) -> bool:
        """True while the scanner covers the dashboard: its list and grid wait, and are redrawn whole after."""
        if any(isinstance(screen, ScannerScreen) for screen in self.screen_stack):
            self._covered = True
            return True
        if self._covered:
            self._covered = False
            changes.everything = changes.fixture_list = True
        return False

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
        steam = self.price_watch.marked
        self.fixture_list.show(fixtures, self.view.pinned, unread, self.view.summary(), self.suspended, steam)
        if not fixtures and self.selected_ref is not None:
            self.selected_ref = None
            self._show_grid()

    def _show_grid(self) -> None:
        grid = self.price_grid
        ref = self.selected_ref
        fixture = self.store.fixture(ref) if ref else None
        if ref is None or fixture is None:
            grid.show(None, self._blank_reason())
            return
        books = [*self.view.books, COPILOT] if self.view.books else ()
        data = self.store.grid(
            ref, books, main_only=self.view.main_only, sharp=self.settings.sharp_books, method=self.settings.devig
        )
        if not self.view.books:  # every book: the configured order first (the sharp book leads), then the rest
            preferred = {book: i for i, book in enumerate(self.settings.books)}
            data.books.sort(key=lambda b: (preferred.get(b, len(preferred)), b.lower()))
        state = f" · {fixture.status.value}"
        if fixture.score is not None and fixture.is_live:
            state += f" {fixture.score.away}-{fixture.score.home}"
        short_names = " @ ".join(short_teams(fixture.away, fixture.home, fixture.sport, fixture.league))
        grid.show(data, fixture.name + state, short_title=short_names + state)

    def action_toggle_history(self) -> None:
        """Show the history of the grid row under the cursor in place of the slip and alerts, or put them back."""
        shown = not self.history_pane.display
        self.history_pane.display = shown
        self.query_one("#bottom").display = not shown
        if shown:
            self._show_history()

    def _show_history(self) -> None:
        """The pane follows the grid's cursor and its prices: it reads the store's history, nothing writes to it."""
        grid = self.price_grid
        selected = grid.selected
        row = selected[0] if selected is not None and not grid.show_hold else None
        self.history_pane.show(row, grid.columns, self.fmt, self.store.history.of, self.store.is_stale, self.clock())

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
        added = self.store.alerts_added
        fresh = [a for a in alerts[: added - self._toasted_alerts] if a.important]
        self._toasted_alerts = added
        for alert in [a for a in fresh if a.kind != "steam"][:3]:
            self.notify(alert.text, title=alert.kind, severity="error" if alert.kind == "connection" else "warning")
        self._toast_steam([a for a in fresh if a.kind == "steam"])

    def _toast_steam(self, steam: list[Alert]) -> None:
        """Steam gets one toast per `STEAM_TOAST_EVERY` seconds, naming how many more the alerts panel lists."""
        self._steam_untoasted += len(steam)
        now = self.clock()
        if not steam or now < self._next_steam_toast:
            return
        more = self._steam_untoasted - 1
        title = f"steam (+{more} more in Alerts)" if more else "steam"
        self.notify(steam[0].text, title=title, severity="warning")
        self._steam_untoasted = 0
        self._next_steam_toast = now + STEAM_TOAST_EVERY

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

        books = self._books_in_grid_order()
        self.push_screen(PickerScreen("Books", books, self.view.books, True, self._book_name), chosen)

    def _book_name(self, book: str) -> str:
        """'PIN   Pinnacle': the grid header's code, then the full name."""
        return f"{self.price_grid.codes(book):<5} {book}"

    def _books_in_grid_order(self) -> list[str]:
        """Every book, in the order the grid shows them: the chosen ones, else the configured order, then the rest."""
        order = [*self.view.books, *self.settings.books]
        rank = {book: i for i, book in reversed(list(enumerate(order)))}
        books = {b for b in (*self.store.books(), *self.view.books) if b != COPILOT}
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
        """The grid and the slip follow through their bindings; here the choice is only remembered."""
        self.ui_settings.settings.odds_format = fmt.value
        self.ui_settings.save()
        if isinstance(self.screen, ScannerScreen):
            self.screen.set_format(fmt)

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
        sections = [
            ("", self._bindings_of(self)),
            ("in the grid", [b for b in self._bindings_of(PriceGrid) if not b.action.startswith("move")]),
            ("in the slip", self._bindings_of(ParlaySlip)),
        ]
        table = [b for b in self._bindings_of(SignalTable) if b.show]  # its moves are the grid's, said once
        sections.append(("in the scanner", self._bindings_of(ScannerScreen) + table))
        return binding_rows(sections, self.get_key_display)

    @staticmethod
    def _bindings_of(node: object) -> list[Binding]:
        return [b for b in getattr(node, "BINDINGS", ()) if isinstance(b, Binding)]

    def action_help(self) -> None:
        books = self._books_in_grid_order() or list(self.settings.books)
        self.push_screen(HelpScreen(self.key_list(), [(self.price_grid.codes(b), b) for b in [*books, COPILOT]]))

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

    # --- scanner ----------------------------------------------------------------------

    def action_scanner(self) -> None:
        """The scanner screen; enter there opens the signal's game here, its price selected."""

        def chosen(signal: Signal | None) -> None:
            if signal is not None:
                self.show_signal(signal)

        settings = ScanSettings(method=self.settings.devig, sharp=self.settings.sharp_books)
        scanner = ScannerScreen(
            self.store, settings, self.fmt, self.price_grid.codes, input_priority=self.input_priority
        )
        self.push_screen(scanner, chosen)

    def show_signal(self, signal: Signal) -> None:
        """Open the signal's game in the grid with the cursor on its first leg's price."""
        self.selected_ref = signal.ref
        if signal.ref in self.fixture_list.lines.refs:
            self.fixture_list.lines.highlight(signal.ref)
        self._show_grid()
        leg = signal.legs[0]
        grid = self.price_grid
        grid.focus()
        if grid.select_quote(leg.book, leg.quote_key):
            return
        if leg.book not in grid.columns:
            self.notify(f"{leg.book} is not in the grid: the book filter (b) leaves it out", timeout=4)
        else:
            self.notify("that price has gone from the grid since", timeout=4)

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
