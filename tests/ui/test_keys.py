"""Every key flow, driven by Pilot on the simulator."""

from __future__ import annotations

import io

import httpx
import pytest
from rich.console import Console

from oddstui.sim.market import StatusChange
from oddstui.ui.cells import quote_cell
from oddstui.ui.screens.help import HelpScreen
from oddstui.ui.screens.picker import PickerScreen
from oddstui.ui.screens.search import SearchScreen
from oddstui.ui.screens.watchlists import WatchlistScreen
from oddstui.ui.widgets.price_grid import COPILOT
from tests.ui.conftest import KEY, make_app, rows_to, screen_ready, settle, step, wait_until

pytestmark = pytest.mark.timeout(60)


def listed(app) -> list[tuple[str, str]]:
    return [(f.provider, f.fixture_id) for f in app.store.fixtures(app.view.fixture_filter())]


def static_text(widget) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def grid_text(app) -> str:
    grid = app.query_one("#grid")
    return "\n".join(grid._row_strip(i).text for i in range(len(grid.rows)))


async def test_league_and_book_filters(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        leagues = app.store.leagues()
        await pilot.press("l")
        assert await screen_ready(pilot, app, PickerScreen)
        await pilot.press("space", "enter")  # tick the first league
        await wait_until(pilot, lambda: "leagues: " + leagues[0] in static_text(app.query_one("#filter")))
        assert app.view.leagues == [leagues[0]]
        assert {app.store.fixture(ref).league for ref in listed(app)} == {leagues[0]}
        assert "leagues: " + leagues[0] in static_text(app.query_one("#filter"))

        await pilot.press("b")
        assert await screen_ready(pilot, app, PickerScreen)
        await pilot.press("space", "down", "space", "enter")  # the first two books of the picker
        await wait_until(pilot, lambda: app.query_one("#grid").columns == [*app.view.books, COPILOT])
        assert len(app.view.books) == 2
        assert app.query_one("#grid").columns == [*app.view.books, COPILOT]


async def test_book_order_sets_the_columns(sim, tmp_path):
    """The picker lists the books in the grid's column order; moving one there moves the column."""
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        books = [b for b in app.query_one("#grid").columns if b != COPILOT]
        await pilot.press("b")
        assert await screen_ready(pilot, app, PickerScreen)
        assert app.screen.items[: len(books)] == books
        await pilot.press("space", "down", "space", "[", "enter")  # tick two, then move the second up
        await wait_until(pilot, lambda: app.query_one("#grid").columns == [books[1], books[0], COPILOT])
        assert app.view.books == [books[1], books[0]]
        assert app.query_one("#grid").columns == [books[1], books[0], COPILOT]


async def test_search_by_team(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        team = app.store.fixtures()[0].home
        await pilot.press("slash")
        assert await screen_ready(pilot, app, SearchScreen)
        await pilot.press(*team.split()[-1], "enter")
        await wait_until(pilot, lambda: len(listed(app)) < len(app.store.fixtures()))
        assert listed(app) and all(
            team.split()[-1].lower() in (app.store.fixture(r).home + app.store.fixture(r).away).lower()
            for r in listed(app)
        )
        assert len(listed(app)) < len(app.store.fixtures())
        await pilot.press("slash")
        assert await screen_ready(pilot, app, SearchScreen)
        await pilot.press(*["backspace"] * 20, "enter")  # an empty search clears the filter
        await wait_until(pilot, lambda: len(listed(app)) == len(app.store.fixtures()))
        assert len(listed(app)) == len(app.store.fixtures())


async def test_watchlist_survives_a_restart(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        await pilot.press("L")  # live only
        assert await wait_until(pilot, lambda: app.view.live_only)
        pinned = app.query_one("#fixture-list").selected
        await pilot.press("f")
        await pilot.press("w")
        assert await screen_ready(pilot, app, WatchlistScreen)
        await pilot.press(*"evening", "ctrl+s")
        assert await wait_until(pilot, lambda: app.view.watchlist == "evening")
    restarted = make_app(sim, tmp_path)
    async with restarted.run_test(size=(160, 48)) as pilot:
        await settle(pilot, restarted)
        assert restarted.view.watchlist == "evening" and restarted.view.live_only
        assert restarted.view.pinned == {pinned}
        assert "★" in restarted.query_one("#fixtures").text_of(pinned)
        await pilot.press("L")  # change the filter, then load the watchlist back from the list
        assert await wait_until(pilot, lambda: not restarted.view.live_only)
        await pilot.press("w")
        assert await screen_ready(pilot, restarted, WatchlistScreen)
        await pilot.press("tab", "enter")
        assert await wait_until(pilot, lambda: restarted.view.live_only)


async def test_odds_format_cycles(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        grid = app.query_one("#grid")
        row, book = grid.selected
        quote = row.cells[book]
        american = quote_cell(quote, grid.fmt, 0, False, False).text
        await pilot.press("o")
        await wait_until(pilot, lambda: f"{quote.decimal:.2f}" in grid._row_strip(grid.cursor_row).text)
        assert grid.fmt.value == "decimal"
        assert f"{quote.decimal:.2f}" in grid._row_strip(grid.cursor_row).text
        await pilot.press("o")
        await wait_until(pilot, lambda: "%" in grid._row_strip(grid.cursor_row).text)
        assert grid.fmt.value == "probability" and "%" in grid._row_strip(grid.cursor_row).text
        await pilot.press(*["o"] * 5)
        await wait_until(pilot, lambda: american in grid._row_strip(grid.cursor_row).text)
        assert grid.fmt.value == "american" and american in grid._row_strip(grid.cursor_row).text


async def test_parlay_with_a_same_game_pair(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        grid = app.query_one("#grid")

        def open_row(market: str, same_team_as: str | None = None) -> int | None:
            """The line of the first main row of `market` with an open Copilot price."""
            for index, item in enumerate(grid.rows):
                row = item.row
                if (
                    row is not None
                    and row.market == market
                    and COPILOT in row.cells
                    and not row.cells[COPILOT].locked
                    and (same_team_as is None or row.selection.startswith(same_team_as))
                    and row.is_main
                ):
                    return index
            return None

        async def to_fixture_with(*markets: str) -> None:
            """Down the fixture list to a game offering every one of `markets` (a decided game locks its result)."""
            for _ in range(len(listed(app))):
                if all(open_row(m) is not None for m in markets):
                    return
                before = app.selected_ref
                app.query_one("#fixtures").action_move(1)
                await wait_until(pilot, lambda shown=before: app.selected_ref != shown)
            raise AssertionError(f"no game with open {markets}")

        async def go_to(market: str, same_team_as: str | None = None) -> str:
            index = open_row(market, same_team_as)
            if index is None:
                raise AssertionError(f"no open {market} row")
            grid.action_move(rows_to(grid, index), grid.columns.index(COPILOT) - grid.cursor_col)
            legs = len(app.query_one("#slip").legs)
            await pilot.press("p")
            assert await wait_until(pilot, lambda: len(app.query_one("#slip").legs) == legs + 1)
            return grid.rows[index].row.selection

        await to_fixture_with("Moneyline", "Point Spread")
        first = app.selected_ref
        team = await go_to("Moneyline")
        await go_to("Point Spread", same_team_as=team)
        app.query_one("#fixtures").action_move(1)  # another fixture for a third leg
        await wait_until(pilot, lambda: app.selected_ref != first)
        await to_fixture_with("Moneyline")
        assert app.selected_ref != first
        await go_to("Moneyline")
        slip = app.query_one("#slip")
        await wait_until(pilot, lambda: not slip.pricing and (slip.result or slip.error) is not None)
        assert len(slip.legs) == 3 and slip.result is not None and slip.error is None
        ids = [leg.odd_id for leg in slip.legs]
        expected = httpx.get(
            sim.urls()["opticodds"] + "/copilot/parlay/odds", params={"id": ids}, headers={"X-Api-Key": KEY}
        ).json()["data"]
        assert slip.result.american == expected["price"]
        assert slip.result.correlation_effect is not None and abs(slip.result.correlation_effect) > 0.01
        summary = static_text(app.query_one("#parlay-summary"))
        assert "Copilot" in summary and "independent" in summary and "correlation" in summary and "pays" in summary
        app.query_one("#legs").focus()
        await pilot.press("x")
        assert await wait_until(pilot, lambda: len(slip.legs) == 2)
        await pilot.press("c")
        assert await wait_until(pilot, lambda: slip.legs == [])


async def test_a_lock_appears_and_clears(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        locked_key = None
        for _ in range(100):
            step(sim)
            await pilot.pause(0.15)
            # A suspension of a live game (every price locked for a few ticks), seen on a main spread row: a
            # replaced main line or a decided market stays locked for good, so neither would do.
            locked = [
                quote
                for fixture in app.store.fixtures()
                if fixture.status.value == "live" and app.store.is_fully_suspended(("opticodds", fixture.fixture_id))
                for section in app.store.grid(("opticodds", fixture.fixture_id)).sections
                for row in section.rows
                if row.market == "Point Spread" and (quote := row.cells.get("Pinnacle")) is not None and quote.locked
            ]
            if locked:
                locked_key = locked[0].key
                app.selected_ref = ("opticodds", locked[0].fixture_id)
                app._show_grid()
                break
        assert locked_key is not None, "no lock in 200 ticks"
        assert "🔒" in grid_text(app)
        assert all(
            quote_cell(q, app.fmt, 0, False, True).text.startswith("🔒")
            for q in app.store.fixture_quotes(app.selected_ref)
            if q.locked
        )
        for _ in range(300):
            step(sim)
            await pilot.pause(0.02)
            quote = app.store.quote("opticodds", locked_key)
            if quote is not None and not quote.locked:
                break
        await pilot.pause(0.3)
        assert not app.store.quote("opticodds", locked_key).locked


async def test_an_alert_arrives(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        change = None
        hub = sim.simulator.hub
        for _ in range(400):
            first = hub.next_seq
            step(sim)
            change = next(
                (
                    e.event
                    for e in hub.entries
                    if e.seq >= first  # this tick's events only
                    and isinstance(e.event, StatusChange)
                    and e.event.new_status is not None  # not a new start time
                ),
                None,
            )
            if change is not None:
                break
        assert change is not None
        fixture = change.fixture
        for _ in range(50):  # the store may still be taking in the ticks stepped above
            await pilot.pause(0.2)
            alerts = app.alerts_panel.text
            if fixture.home in alerts and change.new_status.value in alerts:
                break
        assert fixture.home in alerts and change.new_status.value in alerts, (fixture.home, change.new_status, alerts)
        ref = ("opticodds", fixture.fixture_id)
        assert app.store.has_unread_alert(ref) == (app.selected_ref != ref)  # the game on screen is read


async def test_a_lost_connection_shows_and_prices_go_stale(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        sim.stop()
        await wait_until(pilot, lambda: all(h.state.value != "live" for h in app.store.health()), timeout=8.0)
        await wait_until(pilot, lambda: "≈" in grid_text(app) and "connecting" in static_text(app.query_one("#status")))
        status = static_text(app.query_one("#status"))
        assert "reconnecting" in status or "connecting" in status
        assert "≈" in grid_text(app)
        assert not any(q for q in app.store.quotes() if app.store.is_live_price(q))


async def test_help_and_quit(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        assert await screen_ready(pilot, app, HelpScreen)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.press("q")
        assert await wait_until(pilot, lambda: not app.is_running)


def priced_rows(grid) -> list[int]:
    return [i for i, line in enumerate(grid.rows) if line.row is not None]


async def cursor_on(pilot, grid, predicate) -> None:
    """Walk the cursor with j/k to the first row that matches, as a user would."""
    rows = priced_rows(grid)
    target = next(i for i in rows if predicate(grid.rows[i]))
    grid.focus()
    steps = rows.index(target) - rows.index(grid.cursor_row)
    await pilot.press(*(["j"] * steps if steps > 0 else ["k"] * -steps))
    await pilot.pause(0.1)


def screen_lines(grid) -> list[str]:
    return [grid.render_line(y).text for y in range(grid.size.height)]


async def test_alternates_fold_open_with_x_hold_is_on_h_and_the_cursor_shows_on_best(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        grid = app.query_one("#grid")
        assert all(line.row is None or line.row.is_main for line in grid.rows), "alternates start folded"
        await cursor_on(pilot, grid, lambda line: line.section.alternates and line.row.is_main)
        row, _ = grid.selected
        section = grid.rows[grid.cursor_row].section
        before = len(grid.rows)
        await pilot.press("x")
        await pilot.pause(0.1)
        assert len(grid.rows) == before + len(section.alternates)
        assert grid.selected[0].key == row.key, "the cursor stays on its row"
        assert any(line.row is not None and not line.row.is_main for line in grid.rows)
        await pilot.press("x")
        await pilot.pause(0.1)
        assert len(grid.rows) == before and grid.selected[0].key == row.key

        await cursor_on(pilot, grid, lambda line: bool(line.row.holds))
        row, _ = grid.selected
        book_hold = next(iter(row.holds.values()))
        await pilot.press("h")
        await pilot.pause(0.1)
        assert "hold" in screen_lines(grid)[0] and grid.selected[0].key == row.key
        assert f"{book_hold * 100:.1f}%" in grid._row_strip(grid.cursor_row).text
        await pilot.press("h")
        await pilot.pause(0.1)
        assert "%" not in grid._row_strip(grid.cursor_row).text

        await cursor_on(pilot, grid, lambda line: line.row.best_book in grid.columns)
        row, book = grid.selected
        steps = grid.columns.index(row.best_book) - grid.columns.index(book)
        await pilot.press(*(["right"] * steps if steps > 0 else ["left"] * -steps))
        await pilot.pause(0.1)
        segments = list(grid._row_strip(grid.cursor_row))
        marker = next(i for i, s in enumerate(segments) if s.text == "▸")
        cell = segments[marker + 1]
        assert cell.style.reverse and cell.style.underline
        plain_best = grid.get_component_rich_style("price-grid--best", partial=True)
        assert cell.style.bgcolor == plain_best.bgcolor and cell.style != plain_best


async def test_book_columns_scroll_and_the_cursor_stays_on_screen_at_80x24(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        grid = app.query_one("#grid")
        grid.focus()
        assert grid.visible_columns < len(grid.columns), "at 80 columns not every book fits"
        for _ in range(len(grid.columns) + 2):
            await pilot.press("right")
            await pilot.pause(0.05)
            assert grid.first_col <= grid.cursor_col < grid.first_col + grid.visible_columns
            cursor_line = grid.cursor_row + 2 - grid.scroll_offset.y
            assert "▸" in screen_lines(grid)[cursor_line][grid.frozen_width :], "the cursor cell is drawn"
        assert grid.cursor_col == len(grid.columns) - 1 and grid.first_col > 0
        header = screen_lines(grid)[1]
        assert grid.codes(grid.columns[-1]) in header and "best" in header and "fair" in header
        await pilot.press("p")
        await pilot.pause(0.1)
        assert app.parlay_slip.legs, "p adds the cell under the cursor, which is on screen"
        for _ in range(len(grid.columns)):
            await pilot.press("left")
        await pilot.pause(0.05)
        assert grid.cursor_col == 0 and grid.first_col == 0


async def test_the_cursor_keeps_its_row_across_fixtures_and_a_suspended_game_says_so(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        grid = app.query_one("#grid")
        fixtures = app.query_one("#fixtures")
        await cursor_on(pilot, grid, lambda line: line.row.market.startswith("Total") and line.row.selection == "Under")
        market = grid.selected[0].market
        for _ in range(3):
            before = app.selected_ref
            fixtures.action_move(1)
            await wait_until(pilot, lambda shown=before: app.selected_ref != shown)
            if not priced_rows(grid):  # a game suspended when the feed began: no open price yet, nothing to select
                assert grid.selected is None
                continue
            row, _ = grid.selected
            same_market = [line.row for line in grid.rows if line.row is not None and line.row.market == market]
            if any(r.selection == "Under" for r in same_market):
                assert (row.market, row.selection) == (market, "Under")
            elif same_market:
                assert row.market == market
            else:
                assert grid.cursor_row == priced_rows(grid)[0]

        assert "SUSPENDED" not in screen_lines(grid)[0]
        quotes = app.store.fixture_quotes(app.selected_ref)
        app.store.lock_quotes(quotes[0].stream, None, quotes)
        assert app.store.is_fully_suspended(app.selected_ref)
        await wait_until(pilot, lambda: "ALL PRICES SUSPENDED" in screen_lines(grid)[0])
        assert "ALL PRICES SUSPENDED" in screen_lines(grid)[0]
        assert not any(line.row.best_book or line.row.fair for line in grid.rows if line.row is not None)
        for _ in range(7):  # every odds format: the lock mark and the whole price fit in every cell
            shown = grid.fmt
            await pilot.press("o")
            assert await wait_until(pilot, lambda shown=shown: grid.fmt is not shown)
            cells = [grid._row_strip(i).text[grid.frozen_width :] for i in priced_rows(grid)]
            assert all("🔒" in text and "…" not in text for text in cells), grid.fmt
