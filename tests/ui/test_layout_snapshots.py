"""The whole screen at the sizes people use: seed 3, a still simulator, a frozen clock, UTC.

A same-game leg is on the slip (game, book, stake and payout shown); at 80x24 the fixture list starts narrow.
"""

from __future__ import annotations

import pytest

from oddstui.ui.widgets.price_grid import COPILOT
from tests.ui.conftest import make_app, rows_to, settle, wait_until

pytestmark = [pytest.mark.timeout(90), pytest.mark.staggered]


def open_moneyline(row) -> bool:
    every_price_open = all(not quote.locked for quote in row.cells.values())
    return row.market == "Moneyline" and COPILOT in row.cells and every_price_open


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=["80x24", "120x40", "200x60"])
def test_screen_at_every_size(sim, tmp_path, snap_compare, size):
    app = make_app(sim, tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        # The first listed game whose moneyline is open (a live game may have its result decided, so locked).
        listed = [(f.provider, f.fixture_id) for f in app.store.fixtures(app.view.fixture_filter())]
        ref = next(ref for ref in listed if any(open_moneyline(r) for r in app.store.grid(ref).rows))
        app.query_one("#fixtures").highlight(ref)
        await pilot.pause(0.3)
        assert app.selected_ref == ref
        grid = app.query_one("#grid")
        grid.focus()
        index = next(i for i, item in enumerate(grid.rows) if item.row is not None and open_moneyline(item.row))
        grid.action_move(rows_to(grid, index), -grid.cursor_col)
        await pilot.press("p")
        slip = app.query_one("#slip")
        await wait_until(pilot, lambda: slip.result is not None)
        assert slip.result is not None
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_help_fits(sim, tmp_path, snap_compare, size):
    app = make_app(sim, tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
