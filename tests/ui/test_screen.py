"""The screen's own flows (issue 13): slip sanity, status and errors, sizes, export, help, watchlists, themes."""

from __future__ import annotations

import csv
import json
import time

import pytest
from textual.widgets import Input

from oddstui.model import FixtureChange, FixtureStatus
from oddstui.store import start_change_text
from oddstui.ui.screens.help import HelpScreen
from oddstui.ui.screens.picker import PickerScreen
from oddstui.ui.screens.watchlists import WatchlistScreen
from oddstui.ui.widgets.price_grid import COPILOT
from tests.ui.conftest import make_app, rows_to, screen_ready, settle, wait_until
from tests.ui.test_keys import static_text

pytestmark = pytest.mark.timeout(60)


async def put_cursor_on(pilot, app, predicate) -> None:
    """Cursor on the first grid row matching `predicate`, on the first book column, with the grid focused."""
    grid = app.query_one("#grid")
    grid.focus()
    index = next(i for i, item in enumerate(grid.rows) if item.row is not None and predicate(item.row))
    grid.action_move(rows_to(grid, index), -grid.cursor_col)
    await wait_until(pilot, lambda: grid.cursor_row == index and grid.cursor_col == 0)


def open_main(market: str, selection_word: str | None = None):
    def matches(row) -> bool:
        word = selection_word is None or selection_word in row.selection.split()
        every_price_open = all(not quote.locked for quote in row.cells.values())
        return row.market == market and row.is_main and COPILOT in row.cells and every_price_open and word

    return matches


def has_open_moneyline(app, ref) -> bool:
    return any(open_main("Moneyline")(row) for row in app.store.grid(ref).rows)


def games_with_open_moneyline(app) -> list:
    """Listed games whose main moneyline is open at every book and at Copilot (a live game's may be decided)."""
    refs = [(f.provider, f.fixture_id) for f in app.store.fixtures(app.view.fixture_filter())]
    return [ref for ref in refs if has_open_moneyline(app, ref)]


async def settle_on_open_moneyline(pilot, app) -> None:
    """Settle, then show the first listed game whose main moneyline is open."""
    await settle(pilot, app, lambda: bool(games_with_open_moneyline(app)))
    ref = games_with_open_moneyline(app)[0]
    app.query_one("#fixtures").highlight(ref)
    for _ in range(20):
        await pilot.pause(0.1)
        if app.selected_ref == ref and any(
            item.row is not None and open_main("Moneyline")(item.row) for item in app.query_one("#grid").rows
        ):
            return
    raise AssertionError(f"the grid did not show {ref}")


async def test_the_slip_refuses_legs_that_cannot_win_together(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle_on_open_moneyline(pilot, app)
        slip = app.query_one("#slip")
        fixture = app.store.fixture(app.selected_ref)
        await put_cursor_on(pilot, app, open_main("Moneyline"))
        await pilot.press("p")
        assert await wait_until(pilot, lambda: len(slip.legs) == 1)
        leg = slip.legs[0]
        assert leg.game == fixture.name and leg.book == app.query_one("#grid").columns[0]
        shown = str(slip.query_one("#legs").get_option_at_index(0).prompt)
        assert fixture.name in shown and leg.book in shown

        grid = app.query_one("#grid")
        first_index = grid.cursor_row
        first = grid.selected[0]
        other = next(
            i
            for i, item in enumerate(grid.rows)
            if item.row is not None and item.row.market == "Moneyline" and item.row is not first
        )
        grid.action_move(rows_to(grid, other), 0)
        await pilot.press("p")
        await wait_until(pilot, lambda: "refused" in static_text(slip.query_one("#slip-reason")))
        assert len(slip.legs) == 1
        reason = static_text(slip.query_one("#slip-reason"))
        assert "refused" in reason and "both cannot win" in reason

        grid.action_move(rows_to(grid, first_index), 1)  # the same selection at another book: the same bet twice
        await pilot.press("p")
        await wait_until(pilot, lambda: "already on the slip" in static_text(slip.query_one("#slip-reason")))
        assert len(slip.legs) == 1 and "already on the slip" in static_text(slip.query_one("#slip-reason"))

        def subject(selection: str) -> str:
            return " ".join(w for w in selection.split() if w not in ("Over", "Under") and not w[-1:].isdigit())

        sides: dict[tuple, int] = {}
        for i, item in enumerate(grid.rows):
            row = item.row
            if row is None or not row.cells.get(grid.columns[0]):
                continue
            for side in ("Over", "Under"):
                if side in row.selection.split():
                    sides.setdefault((row.market, row.points, subject(row.selection), side), i)
        over = next(key for key in sides if key[3] == "Over" and (*key[:3], "Under") in sides)
        grid.action_move(rows_to(grid, sides[over]), -grid.cursor_col)
        await pilot.press("p")
        assert await wait_until(pilot, lambda: len(slip.legs) == 2)
        grid.action_move(rows_to(grid, sides[(*over[:3], "Under")]), -grid.cursor_col)
        await pilot.press("p")
        await wait_until(pilot, lambda: "cannot both win" in static_text(slip.query_one("#slip-reason")))
        assert len(slip.legs) == 2
        assert "over" in static_text(slip.query_one("#slip-reason")) and "cannot both win" in static_text(
            slip.query_one("#slip-reason")
        )


async def test_stake_shows_payout_and_the_format_is_bound_into_the_slip(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle_on_open_moneyline(pilot, app)
        slip = app.query_one("#slip")
        await put_cursor_on(pilot, app, open_main("Moneyline"))
        await pilot.press("p")
        await wait_until(pilot, lambda: slip.result is not None)
        assert slip.result is not None and slip.result.decimal is not None
        stake = slip.query_one("#stake", Input)
        stake.value = "25"
        payout = f"{25 * slip.result.decimal:,.2f}"
        await wait_until(pilot, lambda: payout in static_text(slip.query_one("#parlay-summary")))
        assert payout in static_text(slip.query_one("#parlay-summary"))
        await pilot.press("o")
        await wait_until(pilot, lambda: f"{slip.result.decimal:.2f}" in static_text(slip.query_one("#parlay-summary")))
        assert slip.fmt is app.fmt and app.fmt.value == "decimal"
        assert f"{slip.result.decimal:.2f}" in static_text(slip.query_one("#parlay-summary"))


async def test_legs_of_different_games_show_no_correlation_effect(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle_on_open_moneyline(pilot, app)
        slip = app.query_one("#slip")
        for ref in games_with_open_moneyline(app)[:3]:
            app.query_one("#fixtures").highlight(ref)
            await wait_until(pilot, lambda shown=ref: app.selected_ref == shown)
            await put_cursor_on(pilot, app, open_main("Moneyline"))
            await pilot.press("p")
        await wait_until(pilot, lambda: slip.result is not None)
        assert slip.result is not None and slip.result.correlation_effect is not None
        assert len(slip.legs) == 3 and abs(slip.result.correlation_effect) < 0.01


async def test_a_refused_key_says_why_in_the_status_line_and_the_grid(sim, tmp_path):
    app = make_app(sim, tmp_path, key="revoked-key")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: any(h.state.value == "auth error" for h in app.store.health()))
        await wait_until(
            pilot,
            lambda: "auth error" in static_text(app.query_one("#status")) and "refused" in app.query_one("#grid").title,
        )
        status = static_text(app.query_one("#status"))
        assert "auth error" in status and "connecting" not in status
        assert "\n" not in status.strip()
        title = app.query_one("#grid").title
        assert "auth error" in title and "refused" in title


async def test_the_status_line_condenses_to_one_line(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        status = app.query_one("#status")
        text = static_text(status).rstrip("\n")
        assert status.size.height == 1 and "\n" not in text
        assert len(text.rstrip()) <= 78 and "…" not in text
        assert all(word in text for word in ("copilot", "odds", "results", "live"))
        await pilot.resize_terminal(200, 60)
        await wait_until(pilot, lambda: "OpticOdds odds" in static_text(status))
        assert "OpticOdds odds" in static_text(status) and status.size.height == 1


async def test_the_fixture_list_narrows_and_hides_with_a_key(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        listing = app.query_one("#fixture-list")
        grid = app.query_one("#grid")
        wide, grid_width = listing.size.width, grid.size.width
        await pilot.press("v")
        await wait_until(pilot, lambda: listing.size.width < wide and grid.size.width > grid_width)
        assert listing.size_name == "narrow" and listing.size.width < wide and grid.size.width > grid_width
        await pilot.press("v")
        await wait_until(pilot, lambda: not listing.display and grid.has_focus)
        assert listing.size_name == "hidden" and not listing.display and grid.has_focus
        await pilot.press("v")
        await wait_until(pilot, lambda: listing.size.width == wide)
        assert listing.size_name == "wide" and listing.size.width == wide


async def test_at_80_columns_the_list_starts_narrow_and_the_footer_keeps_help_and_quit(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.query_one("#fixture-list").size_name == "narrow"
        footer_keys = [key for key in app.query("FooterKey") if key.region.right <= 80 and key.region.width]
        assert {"?", "q"} <= {key.key_display for key in footer_keys}
        await pilot.press("question_mark")
        assert await screen_ready(pilot, app, HelpScreen)
        await wait_until(pilot, lambda: app.screen.query_one("VerticalScroll").region.width > 0)
        box = app.screen.query_one("VerticalScroll")
        assert box.region.x >= 0 and box.region.right <= 80


async def test_help_and_the_palette_read_the_bindings(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        keys = dict(app.key_list())
        assert keys["?"].startswith("every key") and keys["e"].startswith("write the grid")
        assert any("in the slip" in meaning for meaning in keys.values())
        commands = list(app.get_system_commands(app.screen))
        ours = {c.title: c.help for c in commands if c.title in {"Help", "Export", "Leagues"}}
        assert set(ours) == {"Help", "Export", "Leagues"}
        assert all("(" not in title and title not in ours[title] for title in ours)
        assert not any("question_mark" in c.title for c in commands)


async def test_export_writes_the_grid_and_the_slip_and_says_where(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle_on_open_moneyline(pilot, app)
        await pilot.press("e")
        exports = tmp_path / "data" / "exports"
        await wait_until(pilot, lambda: len(list(exports.glob("grid-*"))) == 2 and app._notifications)
        written = sorted(exports.glob("grid-*"))
        assert [p.suffix for p in written] == [".csv", ".json"]
        rows = json.loads(written[1].read_text())
        grid = app.query_one("#grid")
        assert {r["book"] for r in rows} <= set(grid.columns) and len(rows) >= len(grid.rows)
        cells = {
            (row.market, book, quote.points, round(quote.decimal, 6))
            for row in grid.grid_data.rows
            for book, quote in row.cells.items()
        }
        assert all((r["market"], r["book"], r["points"], r["price_decimal"]) in cells for r in rows)  # each book's line
        assert next(iter(csv.DictReader(written[0].open())))["game"] == app.store.fixture(app.selected_ref).name
        assert any(str(written[0]) in str(n.message) for n in app._notifications)

        await put_cursor_on(pilot, app, open_main("Moneyline"))
        await pilot.press("p")
        assert await wait_until(pilot, lambda: app.query_one("#slip").legs)
        app.query_one("#legs").focus()
        await pilot.press("e")
        await wait_until(pilot, lambda: list(exports.glob("slip-*.json")))
        slip_rows = json.loads(sorted(exports.glob("slip-*.json"))[0].read_text())
        assert slip_rows[0]["game"] == app.store.fixture(app.selected_ref).name


async def test_watchlist_delete_after_rename_asks_and_acts_on_the_renamed_one(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        for name in ("alpha", "beta"):
            await pilot.press("w", *name, "ctrl+s")
            assert await wait_until(pilot, lambda saved=name: saved in app.watchlists.lists)
        await pilot.press("w")
        assert await screen_ready(pilot, app, WatchlistScreen)
        await pilot.press("tab", "down")  # highlight 'beta'
        await wait_until(pilot, lambda: app.screen.highlighted == "beta")
        screen = app.screen
        assert screen.highlighted == "beta"
        screen.query_one("#name", Input).value = "zeta"
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.highlighted == "zeta")
        assert screen.highlighted == "zeta"
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: "ctrl+d again" in str(screen.query_one("#message").render()))
        assert set(app.watchlists.lists) == {"alpha", "zeta"}
        assert "ctrl+d again" in str(screen.query_one("#message").render())
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: set(app.watchlists.lists) == {"alpha"})
        assert set(app.watchlists.lists) == {"alpha"}


async def test_picker_hints_keep_their_brackets(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("b")
        assert await screen_ready(pilot, app, PickerScreen)
        hint = str(app.screen.query_one("Label").render())
        assert "[ and ] reorder" in hint


async def test_a_theme_change_redraws_the_fixture_list(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        lines = app.query_one("#fixtures")
        dark = lines.render_line(lines.size.height - 1)
        app.theme = "oddstui-light"
        await wait_until(pilot, lambda: lines.render_line(lines.size.height - 1) != dark)
        light = lines.render_line(lines.size.height - 1)
        assert [s.style.bgcolor for s in light][-1] != [s.style.bgcolor for s in dark][-1]
        assert [s.style.bgcolor for s in light][-1] == lines.rich_style.bgcolor


async def test_a_config_theme_and_format_overridden_by_remembered_ones_are_named(sim, tmp_path):
    first = make_app(sim, tmp_path)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot, first)
        await pilot.press("o")
        assert await wait_until(pilot, lambda: first.fmt.value == "decimal")
    again = make_app(sim, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: again._notifications)
        notes = [str(n.message) for n in again._notifications]
        assert any("odds format 'decimal'" in n and "config" in n for n in notes)


def test_start_time_alerts_show_the_minutes_or_the_date():
    base = time.mktime((2026, 3, 1, 19, 30, 0, 0, 0, -1))
    assert start_change_text(base, base + 45 * 60) == "start 19:30 → 20:15 (45 min later)"
    assert start_change_text(base, base + 25) == "start 19:30 → 19:30 (25 s later)"
    moved = start_change_text(base, base + 24 * 3600)
    assert moved.startswith("start Sun 01 19:30 → Mon 02 19:30") and "24 h 0 min later" in moved
    assert FixtureChange and FixtureStatus  # the alert path itself is driven in test_keys.test_an_alert_arrives
