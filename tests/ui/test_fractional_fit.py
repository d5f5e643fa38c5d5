"""Fractional odds at 80x24: UK ladder prices leave room for three book columns; the narrow list never cuts a name."""

from __future__ import annotations

import json
import re

import pytest

from oddstui.model import OddsFormat
from oddstui.odds import FRACTIONAL_LADDER, QUOTE_ROUNDING, fractional_to_decimal
from tests.ui.conftest import make_app, settle
from tests.ui.test_keys import grid_text

pytestmark = pytest.mark.timeout(60)

LADDER = {f"{n}/{d}" for n, d in FRACTIONAL_LADDER}


async def test_at_80x24_fractional_shows_ladder_prices_in_three_book_columns_and_exports_exact_ones(sim, tmp_path):
    app = make_app(sim, tmp_path, odds_format=OddsFormat.FRACTIONAL)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        grid = app.query_one("#grid")
        assert grid.fmt is OddsFormat.FRACTIONAL and len(grid.columns) > 3
        assert grid.visible_columns >= 3  # as in American; exact fractions ('143/100') left room for two
        assert all(grid.codes(book) in grid._header().text for book in grid.columns[:3])
        shown = re.findall(r"\d+/\d+", grid_text(app))
        assert shown and set(shown) <= LADDER

        lines = app.query_one("#fixtures")
        listed = [lines.text_of(ref) for ref in lines.refs if ref is not None]
        assert listed and not any("…" in text for text in listed)  # a code where a name does not fit

        await pilot.press("e")
        await pilot.pause(0.3)
        rows = json.loads(sorted((tmp_path / "data" / "exports").glob("grid-*.json"))[0].read_text())
        decimals = {round(q.decimal, 6) for row in grid.grid_data.rows for q in row.cells.values()}
        assert rows and all(r["price"] in LADDER and r["price_decimal"] in decimals for r in rows)
        assert all(fractional_to_decimal(r["price"]) <= r["price_decimal"] + QUOTE_ROUNDING for r in rows)
        assert any(fractional_to_decimal(r["price"]) != r["price_decimal"] for r in rows)  # the export is exact
