"""Steam on a line move reaches the screen: the alerts panel, a toast and the fixture's mark."""

from __future__ import annotations

import pytest

from oddstui.model import QuotesPosted
from oddstui.ui.widgets.fixture_list import STEAM_MARK
from tests.factories import american_quote
from tests.ui.conftest import wait_until
from tests.ui.test_alerts_ui import REF, STREAM, alert_texts, make_app, open_game

pytestmark = pytest.mark.timeout(60)


def heat(book: str, points: float, main: bool = True):
    """Miami Heat on the spread at -110."""
    return american_quote(
        book, "Point Spread", "Miami Heat", -110, points, provider="opticodds", stream=STREAM, is_main=main
    )


def main_at(app, book: str, points: float) -> bool:
    """The store holds the book's main line at `points`: the refresh that applied it also judged it for steam."""
    return any(q.book == book and q.points == points and q.is_main for q in app.store.quotes())


def line_move(book: str) -> QuotesPosted:
    """The book's main flag moves from Heat -3.5 to Heat -4.5."""
    return QuotesPosted(STREAM, None, [heat(book, -4.5), heat(book, -3.5, main=False)])


async def test_a_sharp_line_move_followed_by_two_books_shows_as_steam(tmp_path):
    app, toasts, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_game(pilot, app)
        books = ("Pinnacle", "DraftKings", "FanDuel")
        app.feed.put(QuotesPosted(STREAM, None, [heat(b, p, p == -3.5) for b in books for p in (-3.5, -4.5)]))
        assert await wait_until(pilot, lambda: all(main_at(app, b, -3.5) for b in books))
        for book in ("Pinnacle", "DraftKings"):
            app.feed.put(line_move(book))
            assert await wait_until(pilot, lambda: main_at(app, book, -4.5))  # noqa: B023 (awaited here)
        assert alert_texts(app, "steam") == [], "one follower of two"
        app.feed.put(line_move("FanDuel"))
        assert await wait_until(pilot, lambda: bool(alert_texts(app, "steam")))
        [steam] = alert_texts(app, "steam")
        assert steam == (
            "Miami Heat @ Denver Nuggets: steam on Miami Heat (Point Spread): Pinnacle -3.5 → -4.5 (-110 → -110), "
            "followed by DraftKings, FanDuel"
        )
        assert ("steam", steam) in toasts
        assert await wait_until(pilot, lambda: STEAM_MARK in app.fixture_list.lines.text_of(REF))
