"""Screens as SVG snapshots: seed 3, a still simulator stepped tick by tick, a frozen clock, UTC."""

from __future__ import annotations

import time

import pytest

from oddstui.model import FixtureStatus
from oddstui.ui.widgets.price_grid import COPILOT
from tests.ui.conftest import make_app, settle, step, wait_until

pytestmark = [pytest.mark.timeout(90), pytest.mark.staggered]
SIZE = (160, 48)


async def caught_up(pilot, app, quiet: float = 0.25, timeout: float = 5.0) -> None:
    """Wait until the store has taken everything the simulator sent: no new event for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        events = sum(app.store.stats(h.stream).events for h in app.store.health())
        if events != seen:
            seen, since = events, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
    raise AssertionError("the store did not catch up with the simulator")


async def advance_until(pilot, app, sim, condition, ticks: int = 300) -> None:
    """Step the market one tick at a time, letting each tick land, until `condition()` holds."""
    for _ in range(ticks):
        if condition():
            return
        step(sim)
        await caught_up(pilot, app, quiet=0.12)
    raise AssertionError(f"no such market state in {ticks} ticks")


async def select_fixture(pilot, app, ref) -> None:
    """Highlight a fixture in the list, as the arrow keys would."""
    app.query_one("#fixtures").highlight(ref)
    await pilot.pause(0.2)


async def cursor_to(pilot, app, predicate) -> None:
    """Put the grid cursor on the first row that matches, and give the grid focus."""
    grid = app.query_one("#grid")
    priced = [i for i, item in enumerate(grid.rows) if item.row is not None]
    index = next(i for i in priced if predicate(grid.rows[i].row))
    grid.focus()
    grid.action_move(priced.index(index) - priced.index(grid.cursor_row), 0)
    await pilot.pause(0.2)


def after_settling(app, *steps: tuple[str, ...]):
    """A run_before: wait for the app to settle, then press each step's keys and let the screen catch up."""

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        for keys in steps:
            await pilot.press(*keys)
            await pilot.pause(0.2)

    return run_before


def test_main_screen(sim, tmp_path, snap_compare):
    app = make_app(sim, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=after_settling(app))


def test_light_theme(sim, tmp_path, snap_compare):
    app = make_app(sim, tmp_path, theme="oddstui-light")

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        assert app.theme == "oddstui-light"

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_locked_row(sim, tmp_path, snap_compare):
    """A main line suspended in a live game: the lock mark and colour, never a live-looking price."""
    app = make_app(sim, tmp_path)

    def locked_main():
        """A Pinnacle price locked on a main row of a live game (a replaced main line folds away: not that)."""
        for fixture in app.store.fixtures():
            if not fixture.is_live:
                continue
            for section in app.store.grid((fixture.provider, fixture.fixture_id)).sections:
                for row in section.rows:
                    quote = row.cells.get("Pinnacle")
                    if quote is not None and quote.locked:
                        return quote
        return None

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await advance_until(pilot, app, sim, lambda: locked_main() is not None)
        quote = locked_main()
        await select_fixture(pilot, app, (quote.provider, quote.fixture_id))
        await cursor_to(
            pilot, app, lambda row: row.cells.get("Pinnacle") is not None and row.cells["Pinnacle"].key == quote.key
        )
        assert "🔒" in app.query_one("#grid")._row_strip(app.query_one("#grid").cursor_row).text

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_alerts_panel(sim, tmp_path, snap_compare):
    """A game going live: the alert, newest first, and the unread mark in the fixture list."""
    app = make_app(sim, tmp_path)

    def went_live() -> bool:
        return any("live" in alert.text for alert in app.store.alerts() if alert.kind != "connection")

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await advance_until(pilot, app, sim, went_live)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_parlay_panel_with_an_error(sim, tmp_path, snap_compare):
    """A same-game slip offered a suspended Copilot price: refused inline with the reason; the open leg is priced."""
    app = make_app(sim, tmp_path)

    def open_and_locked():
        """A live game with an open Copilot price and a suspended one on a main line."""
        for fixture in app.store.fixtures():
            prices = [
                row.cells.get(COPILOT)
                for row in app.store.grid((fixture.provider, fixture.fixture_id)).rows
                if row.cells.get(COPILOT) is not None and row.cells[COPILOT].is_main
            ]
            open_ = [q for q in prices if not q.locked]
            locked = [q for q in prices if q.locked]
            if fixture.is_live and open_ and locked:
                return open_[0], locked[0]
        return None

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await advance_until(pilot, app, sim, lambda: open_and_locked() is not None)
        open_, locked = open_and_locked()
        await select_fixture(pilot, app, (locked.provider, locked.fixture_id))
        grid = app.query_one("#grid")
        grid.expanded.add((locked.market, locked.player))  # a main line replaced by a new one folds under it
        app._show_grid()
        for quote in (open_, locked):
            await cursor_to(
                pilot,
                app,
                lambda row, key=quote.key: row.cells.get(COPILOT) is not None and row.cells[COPILOT].key == key,
            )
            grid.action_move(0, grid.columns.index(COPILOT) - grid.cursor_col)  # p adds the cell under the cursor
            await pilot.pause(0.1)
            await pilot.press("p")
        slip = app.parlay_slip
        await wait_until(pilot, lambda: slip.result is not None)
        assert [leg.key for leg in slip.legs] == [open_.key] and slip.result is not None
        assert "locked" in str(slip.reason.render())
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_league_picker(sim, tmp_path, snap_compare):
    app = make_app(sim, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=after_settling(app, ("l",), ("space", "down")))


def test_book_picker(sim, tmp_path, snap_compare):
    app = make_app(sim, tmp_path)
    steps = (("b",), ("down", "space", "down", "space", "["))
    assert snap_compare(app, terminal_size=SIZE, run_before=after_settling(app, *steps))


def test_watchlist_picker(sim, tmp_path, snap_compare):
    app = make_app(sim, tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot, app, lambda: any(f.status is FixtureStatus.LIVE for f in app.store.fixtures()))
        await pilot.press("L", "f", "w", *"live games", "ctrl+s")
        await pilot.pause(0.2)
        await pilot.press("L", "w")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_search(sim, tmp_path, snap_compare):
    app = make_app(sim, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=after_settling(app, ("slash", *"lak")))


def test_help_screen(sim, tmp_path, snap_compare):
    app = make_app(sim, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=after_settling(app, ("question_mark",)))


def open_basketball_game(app):
    """The first basketball game with open prices: a full grid of markets, props and alternates."""
    for fixture in app.store.fixtures():
        ref = (fixture.provider, fixture.fixture_id)
        if fixture.sport == "basketball" and any(row.best_book for row in app.store.grid(ref).rows):
            return ref
    raise AssertionError("no basketball game with open prices")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=["80x24", "120x40", "200x60"])
def test_grid_at_every_size(sim, tmp_path, snap_compare, size):
    """Frozen selection, best and fair; book columns scrolled to the cursor; at 200x60 a ladder unfolded."""
    app = make_app(sim, tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await select_fixture(pilot, app, open_basketball_game(app))
        app.query_one("#grid").focus()
        await pilot.press("down", "down", "down", *["right"] * 5)
        if size[0] >= 200:
            await pilot.press("x")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
