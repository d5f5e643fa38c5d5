"""What a trader sees at 80 columns, and the values bound into the widgets: format, sharp books, book names."""

from __future__ import annotations

import pytest

from oddstui.model import Fixture, FixtureChange, OddsFormat, Quote
from oddstui.ui.screens.help import HelpScreen
from oddstui.ui.screens.picker import PickerScreen
from oddstui.ui.widgets.parlay_slip import Leg, leg_text, short_leg_label
from tests.ui.conftest import make_app, screen_ready, settle, wait_until
from tests.ui.test_keys import grid_text, static_text
from tests.ui.test_screen import open_main, put_cursor_on, settle_on_open_moneyline

pytestmark = pytest.mark.timeout(60)


def label_column(grid) -> list[str]:
    """The selection column of every price row, as drawn."""
    return [grid._row_strip(i).text[: grid._label_width] for i, line in enumerate(grid.rows) if line.row is not None]


async def test_at_80x24_three_book_columns_fit_beside_whole_short_names(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        grid = app.query_one("#grid")
        assert app.query_one("#fixture-list").size_name == "narrow"
        assert grid.visible_columns >= min(3, len(grid.columns)) and len(grid.columns) > 3
        header = grid._header().text
        assert all(grid.codes(book) in header for book in grid.columns[:3])
        fixture = app.store.fixture(app.selected_ref)
        labels = label_column(grid)
        assert labels and not any("…" in label for label in labels)
        assert not any(fixture.home in label or fixture.away in label for label in labels)  # the short names
        lines = app.query_one("#fixtures")
        listed = lines.text_of(app.selected_ref)
        assert "…" not in listed.splitlines()[0] and fixture.home not in listed  # ticker: short names
        await pilot.press("v", "v")  # hidden, then wide: the wide list is one key away
        await wait_until(pilot, lambda: " @ " in lines.text_of(app.selected_ref).splitlines()[0])
        assert app.query_one("#fixture-list").size_name == "wide"
        top = lines.text_of(app.selected_ref).splitlines()[0]
        assert " @ " in top and "…" not in top  # the full names where they fit, else the short ones


async def test_an_alert_about_an_unlisted_game_is_renamed_when_it_is_listed(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        change = FixtureChange("opticodds", "NOT-YET", None, None, None, app.clock() + 3600, league="NBA")
        app.store.change_fixture("test", None, change)
        app.refresh_from_store()
        panel = app.alerts_panel.text
        assert "unlisted NBA game: start now" in " ".join(panel.split()) and "NOT-YET" not in panel
        game = Fixture("opticodds", "NOT-YET", "basketball", "NBA", "Denver Nuggets", "Phoenix Suns", app.clock())
        app.store.upsert_fixture("test", None, game)
        app.refresh_from_store()
        panel = " ".join(app.alerts_panel.text.split())
        assert "Phoenix Suns @ Denver Nuggets: start now" in panel and "unlisted" not in panel


async def test_the_format_is_one_reactive_bound_into_the_grid_and_the_slip(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_on_open_moneyline(pilot, app)
        grid, slip = app.query_one("#grid"), app.query_one("#slip")
        await put_cursor_on(pilot, app, open_main("Moneyline"))
        await pilot.press("p")
        assert await wait_until(pilot, lambda: slip.legs)
        row, book = grid.selected
        quote = row.cells[book]
        american = str(slip.query_one("#legs").get_option_at_index(0).prompt)
        app.fmt = OddsFormat.DECIMAL  # the app's value only: nothing pushes it by hand
        await wait_until(pilot, lambda: f"{quote.decimal:.2f}" in grid_text(app))
        assert grid.fmt is OddsFormat.DECIMAL and slip.fmt is OddsFormat.DECIMAL
        assert f"{quote.decimal:.2f}" in grid_text(app)
        decimal = str(slip.query_one("#legs").get_option_at_index(0).prompt)
        assert decimal != american and f"{quote.decimal:.2f}" in decimal
        app.fmt = OddsFormat.PROBABILITY
        await wait_until(pilot, lambda: "%" in grid._row_strip(grid.cursor_row).text)
        assert "%" in grid._row_strip(grid.cursor_row).text and "%" in grid._best_text(row, 0.0)


async def test_configured_sharp_books_source_the_fair_column_in_their_order(sim, tmp_path):
    app = make_app(sim, tmp_path, sharp_books=("Bookie X", "draftkings", "Pinnacle"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        grid = app.query_one("#grid")
        sources = {line.row.fair_source for line in grid.rows if line.row is not None and line.row.fair is not None}
        assert "DraftKings" in sources and "Pinnacle" not in sources
        shown = grid._title_strip(160).text + grid_text(app)
        assert "fair: DK" in shown if grid.fair_source == "DraftKings" else " DK" in grid_text(app)


async def test_help_and_the_book_picker_show_codes_with_full_names(sim, tmp_path):
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        assert await screen_ready(pilot, app, HelpScreen)
        keys = dict(app.key_list())
        in_grid = [meaning for meaning in keys.values() if meaning.endswith("(in the grid)")]
        assert any("alternate lines" in m for m in in_grid) and any("hold" in m for m in in_grid)
        assert not any(meaning.startswith("Down") for meaning in keys.values())  # arrows: under navigation
        text = "\n".join(static_text(s) for s in app.screen.query("Static"))
        lines = [line for line in text.splitlines() if "Pinnacle" in line or "DraftKings" in line]
        assert any("PIN" in line and "Pinnacle" in line for line in lines)
        assert any("DK" in line and "DraftKings" in line for line in lines)
        await pilot.press("escape", "b")
        assert await screen_ready(pilot, app, PickerScreen)
        picker = app.screen.selection
        prompts = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        assert prompts[0].split() == [app.query_one("#grid").codes(app.screen.items[0]), *app.screen.items[0].split()]
        assert "PIN   Pinnacle" in prompts


def test_a_leg_too_long_for_the_slip_takes_surname_stat_and_short_teams():
    game = Fixture("p", "F", "basketball", "NBA", "Oklahoma City Thunder", "Boston Celtics", 0.0)
    prop = Quote("p", "k", "F", "BetMGM", "Player Points", "Jayson Tatum Over", 1.9, points=24.5, player="Jayson Tatum")
    leg = Leg("p", "k", "k", game.name, "BetMGM", "Player Points: Jayson Tatum Over 24.5", "Celtics @ Thunder")
    leg.short_label = short_leg_label(prop, game)
    assert leg.short_label == "Tatum Points O 24.5"
    narrow = leg_text(leg, prop, OddsFormat.DECIMAL, False, 28).plain
    assert narrow.splitlines() == ["Celtics @ Thunder · BetMGM", "1.90 Tatum Points O 24.5"]
    wide = leg_text(leg, prop, OddsFormat.DECIMAL, False, 80).plain
    assert "Boston Celtics @ Oklahoma City Thunder" in wide and "Player Points: Jayson Tatum Over 24.5" in wide
    spread = Quote("p", "s", "F", "BetMGM", "Point Spread", "Oklahoma City Thunder", 1.9, points=-3.5)
    assert short_leg_label(spread, game) == "Thunder -3.5"
    winner = Quote("p", "m", "F", "BetMGM", "Moneyline", "Boston Celtics", 1.9)
    assert short_leg_label(winner, game) == "Celtics ML"
    half = Quote("p", "h", "F", "BetMGM", "1st Half Total Points", "Under", 1.9, points=110.5)
    assert short_leg_label(half, game) == "1st Half Total Points: U 110.5"


async def test_a_changed_line_is_repainted_where_it_is_on_screen_when_scrolled(sim, tmp_path):
    """The grid and the list redraw a changed line at its place on screen, not at its place shifted by the scroll."""
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        grid, lines = app.query_one("#grid"), app.query_one("#fixtures")
        long_game = next(ref for ref in lines.refs if ref and folded_lines(app.store.grid(ref)) > 14)
        lines.highlight(long_game)
        await wait_until(pilot, lambda: app.selected_ref == long_game)
        grid.focus()
        await pilot.press("end")  # the grid's last row
        assert await wait_until(pilot, lambda: grid.scroll_offset.y > 0)
        assert_repainted_in_place(grid, lambda: grid._invalidate(grid.cursor_row), "▌")
        lines.action_move(100000)  # the list's last fixture
        assert await wait_until(pilot, lambda: lines.scroll_offset.y > 0)
        last_word = lines.text_of(lines.selected).split()[-1]
        assert_repainted_in_place(lines, lambda: lines._invalidate_entry(lines.highlighted), last_word)


def folded_lines(grid) -> int:
    """Lines the grid shows with every market's alternates folded: its title, then its main rows."""
    return sum(1 + len(section.rows) for section in grid.sections)


def assert_repainted_in_place(widget, invalidate, marker: str) -> None:
    """The regions `invalidate` marks for repainting are the screen lines that draw the changed line."""
    painted: list = []
    widget.refresh = lambda *regions, **_: painted.extend(regions)
    invalidate()
    del widget.refresh
    assert painted and any(marker in widget.render_line(region.y).text for region in painted)
