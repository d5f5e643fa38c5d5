"""The history pane at 80x24, with the grid in 'open→now': seed 3, a still simulator stepped tick by tick, UTC."""

from __future__ import annotations

import pytest

from tests.ui.conftest import make_app, rows_to, settle
from tests.ui.test_history_ui import moved, moved_rows

pytestmark = [pytest.mark.timeout(90), pytest.mark.staggered]


def test_history_pane_at_80x24(sim, tmp_path, snap_compare):
    app = make_app(sim, tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await moved(pilot, app, sim)
        grid = app.query_one("#grid")
        target = moved_rows(app)[0]
        grid.focus()
        index = next(i for i, line in enumerate(grid.rows) if line.row is not None and line.row.key == target.key)
        grid.action_move(rows_to(grid, index), -grid.cursor_col)
        await pilot.press("O", "d")
        await pilot.pause(0.5)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
