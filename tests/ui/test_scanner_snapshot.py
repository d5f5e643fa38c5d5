"""The scanner screen at 80x24 as an SVG snapshot: signals made through store events, frozen clock."""

from __future__ import annotations

import pytest

from tests.ui.test_scanner_screen import open_scanner, quiet_app

pytestmark = [pytest.mark.timeout(60), pytest.mark.staggered]


def test_the_scanner_fits_80_columns(tmp_path, snap_compare):
    app = quiet_app(tmp_path)

    async def run_before(pilot) -> None:
        await open_scanner(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
