"""The scanner screen (`s`): signals made through store events, its filters, enter into the grid, locks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from oddstui.config import ProviderSettings, Settings
from oddstui.model import (
    Fixture,
    FixtureUpserted,
    Quote,
    QuotesLocked,
    QuotesPosted,
    StreamHealth,
    StreamHealthChanged,
    StreamState,
)
from oddstui.signals import SignalKind
from oddstui.ui.app import OddsApp
from oddstui.ui.screens.min_edge import MinEdgeScreen
from oddstui.ui.screens.picker import PickerScreen
from oddstui.ui.screens.scanner import ScannerScreen
from oddstui.ui.themes import load_themes, theme_dirs
from oddstui.ui.widgets.signal_table import SignalTable
from tests.factories import american_quote
from tests.ui.conftest import screen_ready, wait_until

pytestmark = pytest.mark.timeout(60)
S = "t:odds"
FROZEN = 1_790_000_900.0
SPREAD, ML = "Point Spread", "Moneyline"


def quote(book: str, market: str, selection: str, american: int, points: float | None = None, fixture_id="F1"):
    return american_quote(book, market, selection, american, points, provider="t", fixture_id=fixture_id, stream=S)


def demo_arb() -> list[Quote]:
    """Denver -17.5 at +149 (BookA), Miami +17.5 at +111 (BookB): an arbitrage of 14.22 %."""
    return [
        quote("BookA", SPREAD, "Denver Nuggets", 149, -17.5),
        quote("BookA", SPREAD, "Miami Heat", -180, 17.5),
        quote("BookB", SPREAD, "Denver Nuggets", -140, -17.5),
        quote("BookB", SPREAD, "Miami Heat", 111, 17.5),
    ]


def other_game() -> list[Quote]:
    """A moneyline at three books: Utah +120 at BookC is +EV against the consensus (5.5 %), and the best prices
    hold 1 % (a low-hold market), no arbitrage."""
    return [
        quote("BookA", ML, "Utah Jazz", -105, fixture_id="F2"),
        quote("BookA", ML, "Orlando Magic", -125, fixture_id="F2"),
        quote("BookB", ML, "Utah Jazz", -110, fixture_id="F2"),
        quote("BookB", ML, "Orlando Magic", -125, fixture_id="F2"),
        quote("BookC", ML, "Utah Jazz", 120, fixture_id="F2"),
        quote("BookC", ML, "Orlando Magic", -160, fixture_id="F2"),
    ]


def quiet_app(tmp_path: Path) -> OddsApp:
    """The app with no provider: every event comes from the test, through the feed."""
    providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi", "oddsstream")}
    app = OddsApp(
        Settings(providers),
        clock=lambda: FROZEN,
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        themes=load_themes(theme_dirs()[:1]),
    )
    app.feed.put(StreamHealthChanged(StreamHealth(S, "t", StreamState.LIVE)))
    for fixture_id, league, home, away in (
        ("F1", "NBA", "Miami Heat", "Denver Nuggets"),
        ("F2", "WNBA", "Orlando Magic", "Utah Jazz"),
    ):
        app.feed.put(FixtureUpserted(S, None, Fixture("t", fixture_id, "basketball", league, home, away, FROZEN)))
    app.feed.put(QuotesPosted(S, None, demo_arb()))
    app.feed.put(QuotesPosted(S, None, other_game()))
    return app


def listed(app: OddsApp) -> list:
    return list(app.screen.query_one(SignalTable).signals)


def kinds(app: OddsApp) -> set[SignalKind]:
    return {s.kind for s in listed(app)}


def scanner_shows(app: OddsApp, condition) -> Callable[[], bool]:
    """The scanner is on top and `condition` holds."""
    return lambda: isinstance(app.screen, ScannerScreen) and condition()


async def open_scanner(pilot, app: OddsApp) -> ScannerScreen:
    """Once the app has taken in what the test put on the feed, `s`; returns the scanner once it lists signals."""
    await wait_until(pilot, lambda: not app.feed.pending and len(app.store.fixtures()) == 2)
    await pilot.press("s")
    await wait_until(pilot, scanner_shows(app, lambda: bool(listed(app))))
    assert isinstance(app.screen, ScannerScreen)
    return app.screen


async def test_s_opens_the_scanner_with_the_arbitrage_first(tmp_path):
    app = quiet_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_scanner(pilot, app)
        signals = listed(app)
        arb = signals[0]
        assert arb.kind is SignalKind.ARB and arb.edge_pct == pytest.approx(14.2153, abs=1e-4)
        assert [(leg.book, leg.price_american) for leg in arb.legs] == [
            ("BookA", 149),
            ("BookB", 111),
        ]  # away side first
        assert [s.edge_pct for s in signals] == sorted((s.edge_pct for s in signals), reverse=True)
        assert kinds(app) == {SignalKind.ARB, SignalKind.EV, SignalKind.HOLD}
        ev = next(s for s in signals if s.kind is SignalKind.EV)
        assert (
            ev.legs[0].book == "BookC" and ev.fair_source == "consensus" and ev.edge_pct == pytest.approx(5.5, abs=0.1)
        )
        line = screen.table.row_cells(arb, 79)
        assert line[:2] == ["ARB", "+14.22"] and "+111" in line[4] and "+149" in line[4]
        await pilot.press("s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, ScannerScreen))


async def test_the_kind_filter_and_the_minimum_edge_narrow_the_list(tmp_path):
    app = quiet_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_scanner(pilot, app)
        await pilot.press("t")  # kinds: +EV price, arbitrage, middle, low hold; tick +EV only
        assert await screen_ready(pilot, app, PickerScreen)
        await pilot.press("space", "enter")
        await wait_until(pilot, scanner_shows(app, lambda: kinds(app) == {SignalKind.EV}))
        assert kinds(app) == {SignalKind.EV}
        await pilot.press("t")
        assert await screen_ready(pilot, app, PickerScreen)
        await pilot.press("space", "down", "space", "enter")  # arbitrage only
        await wait_until(pilot, scanner_shows(app, lambda: kinds(app) == {SignalKind.ARB}))
        assert kinds(app) == {SignalKind.ARB}
        await pilot.press("t")
        assert await screen_ready(pilot, app, PickerScreen)
        await pilot.press("down", "space", "enter")  # none ticked: every kind
        await wait_until(pilot, scanner_shows(app, lambda: {SignalKind.ARB, SignalKind.EV} <= kinds(app)))
        assert {SignalKind.ARB, SignalKind.EV} <= kinds(app)
        await pilot.press("m")
        assert await screen_ready(pilot, app, MinEdgeScreen)
        await pilot.press(*"14", "enter")
        await wait_until(pilot, scanner_shows(app, lambda: [s.kind for s in listed(app)] == [SignalKind.ARB]))
        assert [s.kind for s in listed(app)] == [SignalKind.ARB]
        await pilot.press("m")
        assert await screen_ready(pilot, app, MinEdgeScreen)
        await pilot.press("backspace", "backspace", *"15", "enter")
        await wait_until(pilot, scanner_shows(app, lambda: listed(app) == []))
        assert listed(app) == []
        await pilot.press("l")  # leagues: NBA, WNBA; WNBA only with no minimum edge
        assert await screen_ready(pilot, app, PickerScreen)
        await pilot.press("down", "space", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ScannerScreen))
        await pilot.press("m")
        assert await screen_ready(pilot, app, MinEdgeScreen)
        await pilot.press("backspace", "backspace", "enter")
        await wait_until(pilot, scanner_shows(app, lambda: bool(listed(app))))
        assert listed(app) and {s.league for s in listed(app)} == {"WNBA"}


async def test_enter_opens_the_game_in_the_grid_with_the_price_selected(tmp_path):
    app = quiet_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_scanner(pilot, app)
        ev = next(i for i, s in enumerate(listed(app)) if s.kind is SignalKind.EV)
        chosen = listed(app)[ev]
        screen.table.action_move(ev)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.price_grid.has_focus and app.price_grid.selected is not None)
        assert not isinstance(app.screen, ScannerScreen)
        assert app.selected_ref == ("t", "F2")
        selected = app.price_grid.selected
        assert selected is not None
        row, book = selected
        assert book == chosen.legs[0].book == "BookC" and row.cells[book].key == chosen.legs[0].quote_key
        assert app.price_grid.has_focus


async def test_an_arbitrage_goes_from_the_screen_when_one_leg_locks(tmp_path):
    app = quiet_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_scanner(pilot, app)
        assert SignalKind.ARB in kinds(app)
        app.feed.put(QuotesLocked(S, None, [quote("BookB", SPREAD, "Miami Heat", 111, 17.5)]))
        await wait_until(pilot, lambda: SignalKind.ARB not in kinds(app))
        assert SignalKind.ARB not in kinds(app)
        app.feed.put(QuotesPosted(S, None, [quote("BookB", SPREAD, "Miami Heat", 111, 17.5)]))
        await wait_until(pilot, lambda: SignalKind.ARB in kinds(app))
        assert SignalKind.ARB in kinds(app)


async def test_help_lists_the_scanner_keys(tmp_path):
    app = quiet_app(tmp_path)
    keys = dict(app.key_list())
    assert "live +EV prices, arbitrages, middles and low-hold markets, all games" in keys.values()
    assert any("minimum" in text or "below an edge" in text for text in keys.values())
    assert any(text.endswith("(in the scanner)") for text in keys.values())


async def test_the_dashboard_behind_the_scanner_is_redrawn_when_it_closes(tmp_path):
    app = quiet_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: ("t", "F1") in app.fixture_list.lines.refs)
        app.fixture_list.lines.highlight(("t", "F1"))
        assert await wait_until(pilot, lambda: app.selected_ref == ("t", "F1"))
        await open_scanner(pilot, app)
        posted = quote("BookB", SPREAD, "Miami Heat", 125, 17.5)
        app.feed.put(QuotesPosted(S, None, [posted]))

        def miami_at_bookb() -> int | None:
            return {r.selection: r.cells["BookB"].american for r in app.price_grid.grid_data.rows}["Miami Heat"]

        await wait_until(pilot, lambda: app.store.quote("t", posted.key).american == 125)  # taken in
        await pilot.pause(0.2)  # two refreshes: time the grid would take to redraw if it did
        assert miami_at_bookb() == 111  # covered: the grid waits
        await pilot.press("escape")
        await wait_until(pilot, lambda: miami_at_bookb() == 125)
        assert miami_at_bookb() == 125


async def test_a_lost_stream_empties_the_scanner_and_says_so(tmp_path):
    app = quiet_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_scanner(pilot, app)
        assert listed(app)
        app.feed.put(StreamHealthChanged(StreamHealth(S, "t", StreamState.DOWN)))
        await wait_until(pilot, lambda: listed(app) == [])
        assert listed(app) == []
        assert screen.query_one("#scanner-status").text.startswith("⚠ not live: t:odds")


async def test_dashboard_keys_do_nothing_while_the_scanner_covers_the_dashboard(tmp_path):
    app = quiet_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        app.price_grid.focus()
        await open_scanner(pilot, app)
        legs, pinned, size = len(app.parlay_slip.legs), set(app.view.pinned), app.fixture_list.size_name
        await pilot.press("p", "f", "v", "L", "e")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ScannerScreen), "no dashboard key opened or closed a screen"
        assert (len(app.parlay_slip.legs), set(app.view.pinned), app.fixture_list.size_name) == (legs, pinned, size)
        assert not app.view.live_only
        await pilot.press("s")
        await pilot.pause(0.1)
        await pilot.press("f")
        await pilot.pause(0.1)
        assert set(app.view.pinned) != pinned, "back on the dashboard, f pins again"


async def test_a_game_listed_after_its_signal_gets_its_name(tmp_path):
    app = quiet_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_scanner(pilot, app)
        assert screen.table.game_name(("t", "F3")) == "F3", "no fixture yet: its id"
        app.feed.put(
            FixtureUpserted(S, None, Fixture("t", "F3", "basketball", "NBA", "Boston Celtics", "Utah Jazz", FROZEN))
        )
        await pilot.pause(0.3)
        assert screen.table.game_name(("t", "F3")) == "Utah Jazz @ Boston Celtics"


async def test_a_catch_up_due_after_the_scanner_closed_does_nothing(tmp_path):
    app = quiet_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: ("t", "F1") in app.fixture_list.lines.refs)
        await open_scanner(pilot, app)
        scanner_screen = app.screen
        assert isinstance(scanner_screen, ScannerScreen) and scanner_screen.scanner.attached
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, ScannerScreen))
        assert not scanner_screen.scanner.attached
        scanner_screen.tick()  # a timer due after the screen closed (Textual still calls it)
        scanner_screen._catch_up()
        await pilot.pause(0.1)
    assert app.return_code in (None, 0)


async def test_a_key_makes_the_periodic_work_wait_its_grace(tmp_path):
    app = quiet_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: ("t", "F1") in app.fixture_list.lines.refs)
        priority = app.input_priority
        before = priority.input_at
        await pilot.press("j")
        assert priority.input_at > before
        pressed = priority.input_at
        app.feed.put(QuotesPosted(S, None, [quote("BookB", SPREAD, "Miami Heat", 125, 17.5)]))
        await pilot.pause(0.3)
        assert priority.input_at == pressed  # data is not input
