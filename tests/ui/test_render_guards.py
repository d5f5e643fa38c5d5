"""Rendering never raises: values that pass decoding but cannot be shown become a placeholder, and are counted.

The hostile values go in as normalized events through the app's feed, as a provider would put them.
"""

from __future__ import annotations

import io
import json
import math
import time

import pytest
from rich.console import Console

from oddstui.config import ProviderSettings, Settings
from oddstui.model import (
    Fixture,
    FixtureChange,
    FixtureChanged,
    FixtureStatus,
    FixtureUpserted,
    OddsFormat,
    Quote,
    QuotesPosted,
    Score,
    ScoreUpdated,
)
from oddstui.render_guard import PLACEHOLDER, RENDER_ERRORS, REPLACEMENT
from oddstui.ui.app import OddsApp
from oddstui.ui.themes import load_themes, theme_dirs
from tests.ui.conftest import wait_until

pytestmark = pytest.mark.timeout(60)

STREAM = "opticodds:odds:basketball"
YEAR_9999 = 253_402_257_599.0
"""Fri 31 Dec 9999 11:59:59 UTC: a clock can still show it."""
BEYOND_ANY_CLOCK = 1e20


def fixture(
    fixture_id: str, home: str = "Boston Celtics", away: str = "Miami Heat", start: float = 1e9, live: bool = True
) -> Fixture:
    status = FixtureStatus.LIVE if live else FixtureStatus.UNPLAYED
    return Fixture("opticodds", fixture_id, "basketball", "NBA", home, away, start, status, live)


def quote(fixture_id: str, key: str, decimal: float, book: str = "Pinnacle", **fields) -> Quote:
    fields.setdefault("market", "Moneyline")
    fields.setdefault("selection", "Boston Celtics")
    return Quote("opticodds", f"{fixture_id}:{key}", fixture_id, book, decimal=decimal, stream=STREAM, **fields)


def static_text(widget) -> str:
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def grid_lines(app: OddsApp) -> list[str]:
    grid = app.price_grid
    return [grid.render_line(y).text for y in range(grid.size.height)]


def row_of(app: OddsApp, key: str) -> str:
    """The grid line of the row holding the quote `key`, as drawn."""
    grid = app.price_grid
    index = next(
        i for i, line in enumerate(grid.rows) if line.row and any(q.key == key for q in line.row.cells.values())
    )
    return grid._row_strip(index).text


def make_app(tmp_path) -> OddsApp:
    providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi", "oddsstream")}
    return OddsApp(
        Settings(providers),
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        themes=load_themes(theme_dirs()[:1]),
    )


async def test_hostile_prices_show_the_placeholder_in_every_format_and_are_counted(tmp_path):
    app = make_app(tmp_path)
    before = RENDER_ERRORS.count
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed.put(FixtureUpserted(STREAM, None, fixture("RG-P")))
        app.feed.put(
            QuotesPosted(
                STREAM,
                None,
                [
                    quote("RG-P", "nan", math.nan),
                    quote("RG-P", "inf", math.inf, selection="Miami Heat"),
                    quote("RG-P", "raw", 1.9, book="DraftKings", raw=math.nan, raw_format=OddsFormat.AMERICAN),
                    quote("RG-P", "huge", 1e308, book="DraftKings", selection="Miami Heat"),
                    quote("RG-P", "ok", 1.8, book="FanDuel"),
                    quote("RG-P", "pts", 1.9, book="FanDuel", market="Spread", points=math.inf),
                    quote("RG-P", "big", 1.9, book="FanDuel", market="Spread", selection="Miami Heat", points=1e300),
                ],
            )
        )
        await pilot.pause(0.3)
        app.fixture_list.lines.highlight(("opticodds", "RG-P"))
        await pilot.pause(0.2)
        assert app.selected_ref == ("opticodds", "RG-P")
        nan_row, inf_row = row_of(app, "RG-P:nan"), row_of(app, "RG-P:inf")
        assert PLACEHOLDER in nan_row and "nan" not in nan_row.lower()
        assert PLACEHOLDER in inf_row and "inf" not in inf_row.lower()
        assert "-125" in nan_row  # the good price on the same row is still shown
        assert "+1e+300" in row_of(app, "RG-P:big")  # huge, but a number: shown as it is
        assert PLACEHOLDER in row_of(app, "RG-P:pts") and "inf" not in row_of(app, "RG-P:pts")
        counted = RENDER_ERRORS.count
        assert counted > before
        for _ in range(len(OddsFormat)):  # every format, the hold view, and back
            await pilot.press("o")
            await pilot.pause(0.05)
            assert PLACEHOLDER in row_of(app, "RG-P:nan")
            assert all(len(line) == app.price_grid.size.width for line in grid_lines(app))
        await pilot.press("h", "h", "e")
        await pilot.pause(0.3)
        shown = lambda: f"render errors {RENDER_ERRORS.count - before}" in static_text(app.status_line)  # noqa: E731
        assert await wait_until(pilot, shown, timeout=3.0)  # the status line redraws every second
        assert RENDER_ERRORS.count > counted  # each format's failures are values of their own
        redrawn = RENDER_ERRORS.count
        app.price_grid.restyle_stale()
        await pilot.pause(0.2)
        assert RENDER_ERRORS.count == redrawn  # a value drawn again is not counted again
    assert app.return_code in (None, 0)
    exported = json.loads(next((tmp_path / "data").rglob("grid-*.json")).read_text())  # strict JSON: no NaN
    assert {row["price_decimal"] for row in exported if row["book"] == "Pinnacle"} == {None}


async def test_hostile_names_and_times_never_reach_the_terminal_raw(tmp_path):
    app = make_app(tmp_path)
    before = RENDER_ERRORS.count
    hostile = fixture("RG-N", home="Bos\x1b[31m\nton\x07", away="中文\u200be\u0301 \u202eHeat")
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed.put(FixtureUpserted(STREAM, None, hostile))
        app.feed.put(FixtureUpserted(STREAM, None, fixture("RG-9999", start=YEAR_9999, live=False)))
        app.feed.put(FixtureUpserted(STREAM, None, fixture("RG-FAR", start=BEYOND_ANY_CLOCK)))
        app.feed.put(ScoreUpdated(STREAM, None, "opticodds", "RG-N", Score(10**30, 7), is_live=True))
        app.feed.put(
            QuotesPosted(STREAM, None, [quote("RG-N", "x", 1.9, book="B\x1bK", selection="Bos\x1b[31m\nton\x07")])
        )
        await pilot.pause(0.3)
        lines = app.fixture_list.lines
        names = lines.text_of(("opticodds", "RG-N"))
        assert "\x1b" not in names and "\x07" not in names and "\u202e" not in names
        assert names.count("\n") == 1  # two lines, however many newlines the name carried
        assert REPLACEMENT in names and "中文" in names
        assert time.strftime("%a %d", time.localtime(YEAR_9999)) in lines.text_of(("opticodds", "RG-9999"))
        assert f"     {PLACEHOLDER}  live" in lines.text_of(("opticodds", "RG-FAR"))
        drawn = [lines.render_line(y).text for y in range(lines.size.height)]
        assert all("\x1b" not in line and "\n" not in line for line in drawn)
        lines.highlight(("opticodds", "RG-N"))
        await pilot.pause(0.2)
        screen = grid_lines(app)
        assert all(not any(c in line for c in "\x1b\x07\n\u202e") for line in screen)
        assert REPLACEMENT in screen[0]  # the title names the game
        change = FixtureChange("opticodds", "RG-N", old_start=1e9, new_start=BEYOND_ANY_CLOCK)
        app.feed.put(FixtureChanged(STREAM, None, change))
        await pilot.pause(0.3)
        alerts = app.alerts_panel.text
        assert f"→ {PLACEHOLDER}" in alerts and "\x1b" not in alerts
        await pilot.press("p")  # the slip shows the leg's names cleaned too
        await pilot.pause(0.2)
        slip = app.parlay_slip
        assert slip.legs and all("\x1b" not in str(option.prompt) for option in slip.leg_list.options)
        shown = lambda: f"render errors {RENDER_ERRORS.count - before}" in static_text(app.status_line)  # noqa: E731
        assert await wait_until(pilot, shown, timeout=3.0)  # the status line redraws every second
    assert RENDER_ERRORS.count > before
    assert app.return_code in (None, 0)


async def test_a_line_that_cannot_be_drawn_shows_the_placeholder_and_the_app_goes_on(tmp_path, monkeypatch):
    """The backstop: a bug met while drawing one line costs that line, counted, never the dashboard."""
    RENDER_ERRORS.record(("a value an earlier dashboard of this process could not show", tmp_path))
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed.put(FixtureUpserted(STREAM, None, fixture("RG-B")))
        app.feed.put(QuotesPosted(STREAM, None, [quote("RG-B", "a", 1.9)]))
        await pilot.pause(1.2)
        assert "render errors" not in static_text(app.status_line)  # this dashboard's count only
        app.fixture_list.lines.highlight(("opticodds", "RG-B"))
        await pilot.pause(0.2)
        before = RENDER_ERRORS.count

        def broken(index: int):
            raise RuntimeError("RG-B cannot be drawn")

        monkeypatch.setattr(app.price_grid, "_row_strip", broken)
        app.price_grid.restyle_stale()
        await pilot.pause(0.2)
        lines = grid_lines(app)
        assert any(line.startswith(PLACEHOLDER) for line in lines[2:])
        assert RENDER_ERRORS.count == before + 1  # once, however many frames drew it
        await pilot.press("j", "o")
        await pilot.pause(0.2)
    assert app.return_code in (None, 0)
