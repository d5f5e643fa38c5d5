"""A game with no price yet (suspended when the stream began, or not offered yet) says so instead of a blank grid."""

from __future__ import annotations

from oddstui.model import FixtureUpserted
from oddstui.ui.widgets.price_grid import NO_PRICES
from tests.factories import game
from tests.ui.conftest import make_app, settle, wait_until


def under_headers(grid) -> str:
    return grid.render_line(2).text


async def test_a_game_without_any_price_yet_says_it_may_be_suspended(sim, tmp_path):
    """A game suspended when the stream began has no price to show: no doc gives suspended prices at snapshot."""
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        grid = app.query_one("#grid")
        shown = app.store.fixture(app.selected_ref)
        stream = app.store.fixture_quotes(app.selected_ref)[0].stream
        bare = game("BARE", shown.league, "Home Team", "Away Team", provider=shown.provider, start=shown.start)
        app.store.apply(FixtureUpserted(stream, None, bare))
        ref = (bare.provider, bare.fixture_id)
        assert await wait_until(pilot, lambda: ref in app.query_one("#fixtures").refs)
        app.query_one("#fixtures").highlight(ref)
        assert await wait_until(pilot, lambda: app.selected_ref == ref and NO_PRICES.strip() in under_headers(grid))
        assert "Away Team @ Home Team" in grid.render_line(0).text and not grid.rows
