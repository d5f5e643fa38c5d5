"""Line history on screen: `O` turns grid cells into 'open→now', `d` shows the row's history per book; a locked or
stale price never reads as live in either. A still simulator stepped tick by tick, a frozen clock, at 80x24."""

from __future__ import annotations

from itertools import pairwise

import msgspec
import pytest
from textual.app import App

from oddstui.history import LineHistory
from oddstui.market_view import GridRow
from oddstui.model import OddsFormat, Quote
from oddstui.odds import format_price
from oddstui.ui.widgets.history_pane import DROPPED, HistoryPane, book_history
from oddstui.ui.widgets.price_grid import HEADER_LINES
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_snapshots import advance_until, caught_up

pytestmark = pytest.mark.timeout(90)
SIZE = (80, 24)


def screen_lines(app) -> list[str]:
    """The screen as it is drawn, one string per line."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def grid_lines(app) -> list[str]:
    """The grid's price rows on screen, as drawn (frozen columns, then the book columns that fit)."""
    grid = app.query_one("#grid")
    return [grid.render_line(y).text for y in range(HEADER_LINES, grid.size.height)]


def moved_rows(app):
    """Rows of the grid on screen with at least two books whose price moved since first seen."""
    grid = app.query_one("#grid")
    history = app.store.history
    return [
        line.row
        for line in grid.rows
        if line.row is not None
        and sum(history.of(q) is not None and not q.locked for q in line.row.cells.values()) >= 2
    ]


async def moved(pilot, app, sim) -> None:
    """Step the market until the game on screen has a row where two books moved."""
    await advance_until(pilot, app, sim, lambda: bool(moved_rows(app)), ticks=120)


async def test_o_shows_each_price_as_open_to_now_and_back(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await moved(pilot, app, sim)
        grid = app.query_one("#grid")
        assert not any("→" in line for line in grid_lines(app))
        await pilot.press("O")
        await wait_until(pilot, lambda: any("→" in line for line in grid_lines(app)))
        assert grid.show_open
        first = grid.columns[grid.first_col]
        quote = next(row.cells[first] for row in moved_rows(app) if first in row.cells)
        opening = app.store.history.opening(quote)
        assert opening is not None
        # The first book column on screen shows where its price opened, then where it is.
        expected = f"{format_price(opening[0], OddsFormat.AMERICAN)}→{format_price(quote.decimal, OddsFormat.AMERICAN)}"
        shown = grid_lines(app)
        assert any(expected in line for line in shown), (expected, shown)
        assert not any("…" in line for line in shown)  # widened, never cut mid-number
        assert "· open" in grid.render_line(0).text  # the title says so (cut to fit at 80 columns)
        await pilot.press("O")
        assert await wait_until(pilot, lambda: not any("→" in line for line in grid_lines(app)))


async def test_d_shows_the_rows_history_per_book_and_follows_the_cursor(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await moved(pilot, app, sim)
        grid = app.query_one("#grid")
        target = moved_rows(app)[0]
        priced = [i for i, line in enumerate(grid.rows) if line.row is not None]
        index = next(i for i in priced if grid.rows[i].row.key == target.key)
        grid.action_move(priced.index(index) - priced.index(grid.cursor_row), 0)
        await pilot.press("d")
        pane = app.query_one("#history")
        await wait_until(pilot, lambda: pane.display and "moves" in "\n".join(screen_lines(app)))
        assert pane.display and not app.query_one("#bottom").display
        text = "\n".join(screen_lines(app))
        assert target.label in text
        assert "moves" in text
        books = [b for b in grid.columns if b in target.cells]
        for book in books:  # one line per book: its code, open, now and moves as the history holds them
            quote = target.cells[book]
            history = app.store.history.of(quote)
            line = next(line for line in screen_lines(app) if f"│{grid.codes(book)} " in line)
            now = format_price(quote.decimal, OddsFormat.AMERICAN)
            opened = format_price(history.open_decimal if history else quote.decimal, OddsFormat.AMERICAN)
            figures = line.split()
            assert figures[-1] == str(history.moves if history else 0)
            assert opened in figures and (now in figures or quote.locked)
        # The grid's cursor row is still on screen above the pane.
        assert grid.scroll_offset.y <= grid.cursor_row < grid.scroll_offset.y + grid.size.height - HEADER_LINES
        await pilot.press("j")
        assert await wait_until(pilot, lambda: grid.selected[0].label in "\n".join(screen_lines(app)))
        await pilot.press("d")
        await wait_until(pilot, lambda: not pane.display and app.query_one("#bottom").display)
        assert not pane.display and app.query_one("#bottom").display


async def test_the_pane_updates_as_prices_move(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("d")
        grid = app.query_one("#grid")
        row = grid.selected[0]
        book = next(b for b in grid.columns if b in row.cells)
        await wait_until(pilot, lambda: any(f"│{grid.codes(book)} " in line for line in screen_lines(app)))

        def moves_shown() -> int:
            line = next(line for line in screen_lines(app) if f"│{grid.codes(book)} " in line)
            return int(line.split()[-1])

        before = moves_shown()
        quote = grid.selected[0].cells[book]
        await advance_until(
            pilot,
            app,
            sim,
            lambda: (h := app.store.history.of(grid.selected[0].cells[book])) is not None and h.moves > before,
        )
        await wait_until(pilot, lambda: moves_shown() == app.store.history.of(grid.selected[0].cells[book]).moves)
        assert moves_shown() == app.store.history.of(grid.selected[0].cells[book]).moves > before
        assert quote is not grid.selected[0].cells[book]


async def test_locked_and_stale_prices_never_read_as_live_in_history_mode(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await moved(pilot, app, sim)
        grid = app.query_one("#grid")
        row = moved_rows(app)[0]
        locked_book, stale_book = [b for b in grid.columns if app.store.history.of(row.cells.get(b)) if b in row.cells][
            :2
        ]
        locked, stale = row.cells[locked_book], row.cells[stale_book]
        app.store.lock_quotes(
            locked.stream,
            None,
            [msgspec.structs.replace(locked, decimal=locked.decimal + 0.1, raw=None, raw_format=OddsFormat.DECIMAL)],
        )
        app.store.mark_stale(stale.provider, [stale.key])
        await caught_up(pilot, app)
        await pilot.pause(0.3)
        priced = [i for i, line in enumerate(grid.rows) if line.row is not None]
        index = next(i for i in priced if grid.rows[i].row.key == row.key)
        grid.action_move(priced.index(index) - priced.index(grid.cursor_row), -grid.cursor_col)
        now_locked = format_price(locked.decimal + 0.1, OddsFormat.AMERICAN)
        await pilot.press("O", "d")
        await wait_until(
            pilot,
            lambda: (
                f"→🔒{now_locked}" in grid._row_strip(grid.cursor_row).text
                and any(f"│{grid.codes(locked_book)} " in line for line in screen_lines(app))
            ),
        )
        strip = grid._row_strip(grid.cursor_row).text
        assert f"→🔒{now_locked}" in strip
        assert f"→≈{format_price(stale.decimal, OddsFormat.AMERICAN)}" in strip
        lines = screen_lines(app)
        locked_line = next(line for line in lines if f"│{grid.codes(locked_book)} " in line)
        stale_line = next(line for line in lines if f"│{grid.codes(stale_book)} " in line)
        assert f"🔒{now_locked}" in locked_line
        assert f"≈{format_price(stale.decimal, OddsFormat.AMERICAN)}" in stale_line
        stats = [w for w in app.query("#history-lines .stats")]
        assert sum(w.has_class("not-live") for w in stats) == 2
        # The lock is not a move: the moves column still counts the history's moves.
        assert locked_line.split()[-1] == str(app.store.history.of(grid.selected[0].cells[locked_book]).moves)


async def test_help_lists_o_and_d_from_the_grids_bindings(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE):
        keys = dict(app.key_list())
        assert keys["O"].startswith("each price as where it opened → where it is now") and "(in the grid)" in keys["O"]
        assert keys["d"].startswith("the row's price history per book") and "(in the grid)" in keys["d"]


def wrapped_history():
    """A price that moved twice, then a busy one whose four moves pushed them out of the shared ring of four."""
    history = LineHistory(total=4)
    quiet = [Quote("p", "quiet", "F1", "FanDuel", "Moneyline", "Denver Nuggets", d) for d in (2.0, 2.1, 2.3)]
    for prev, new in pairwise(quiet):
        new.history = history.record(prev, new, 1.0)
    busy = [Quote("p", "busy", "F1", "DraftKings", "Moneyline", "Denver Nuggets", 1.5 + i / 10) for i in range(5)]
    for prev, new in pairwise(busy):
        new.history = history.record(prev, new, 2.0)
    return history, quiet[-1], busy[-1]


def test_a_price_whose_moves_left_the_ring_still_ends_at_the_price_held_now():
    history, quiet, _ = wrapped_history()
    kept = history.of(quiet)
    assert kept is not None and kept.trail == () and kept.moves == 2, "the ring wrapped: no move of it is left"
    line = book_history("FanDuel", quiet, kept, OddsFormat.DECIMAL, False, 0.0)
    assert line.decimals == [2.0, 2.3] and line.locked == [False, False]
    assert line.stats == ("2.00", "2.30", "2.30", "2.00", "2") and line.dropped


async def test_the_pane_says_when_older_moves_were_dropped():
    history, quiet, busy = wrapped_history()
    row = GridRow(
        "Moneyline",
        "Denver Nuggets",
        "Denver Nuggets",
        None,
        True,
        {"FanDuel": quiet},
        ("Moneyline", "", "Denver Nuggets", None),
    )
    app = App()
    async with app.run_test(size=SIZE) as pilot:
        pane = HistoryPane()
        await app.mount(pane)
        pane.display = True
        pane.show(row, ["FanDuel"], OddsFormat.DECIMAL, history.of, lambda q: False, 0.0)
        await pilot.pause()
        assert str(pane.query_one("#history-title").render()) == f"Denver Nuggets · {DROPPED}"
        row.cells["FanDuel"] = busy  # its last moves are all in the ring
        pane.show(row, ["FanDuel"], OddsFormat.DECIMAL, history.of, lambda q: False, 0.0)
        await pilot.pause()
        assert str(pane.query_one("#history-title").render()) == "Denver Nuggets"
