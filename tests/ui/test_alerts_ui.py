"""Price alerts from the keyboard (`a` on a price, `A` to list and delete) and steam, on prices the test posts."""

from __future__ import annotations

import json
import re

import pytest

from oddstui.alert_rule import AlertKind, AlertRule
from oddstui.config import ProviderSettings, Settings
from oddstui.market_view import GridRow
from oddstui.model import Fixture, FixtureStatus, FixtureUpserted, OddsFormat, Quote, QuotesLocked, QuotesPosted
from oddstui.ui.app import OddsApp
from oddstui.ui.screens.alert_dialog import AlertDialog, parse_threshold, rule_for
from oddstui.ui.screens.alert_rules import AlertRulesScreen
from oddstui.ui.themes import load_themes, theme_dirs
from oddstui.ui.widgets.fixture_list import STEAM_MARK
from tests.factories import american_quote
from tests.ui.conftest import screen_ready, wait_until

pytestmark = pytest.mark.timeout(60)
STREAM = "opticodds:odds:basketball"
REF = ("opticodds", "F1")
BOOKS = ("Pinnacle", "DraftKings", "FanDuel", "BetMGM")


def quote(book: str, american: int, selection: str = "Denver Nuggets") -> Quote:
    key = f"F1:{book}:ml:{selection}"
    return american_quote(book, "Moneyline", selection, american, provider="opticodds", key=key, stream=STREAM)


def make_app(tmp_path) -> tuple[OddsApp, list[tuple[str, str]], list[int]]:
    """The app with no provider: the test posts every event. Returns it, the toasts it raised, and its bells."""
    providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi", "oddsstream")}
    app = OddsApp(
        Settings(providers),
        clock=lambda: 1_790_000_000.0,
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        themes=load_themes(theme_dirs()[:1]),
    )
    toasts: list[tuple[str, str]] = []
    bells: list[int] = []
    notify = app.notify

    def recording_notify(message, *, title="", **kwargs):
        toasts.append((title, message))
        notify(message, title=title, **kwargs)

    app.notify = recording_notify  # type: ignore[method-assign]
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    return app, toasts, bells


async def open_game(pilot, app: OddsApp) -> None:
    game = Fixture(
        "opticodds", "F1", "basketball", "NBA", "Denver Nuggets", "Miami Heat", 1.79e9, FixtureStatus.LIVE, True
    )
    app.feed.put(FixtureUpserted(STREAM, None, game))
    app.feed.put(
        QuotesPosted(STREAM, None, [quote(b, -110) for b in BOOKS] + [quote(b, -110, "Miami Heat") for b in BOOKS])
    )
    assert await wait_until(pilot, lambda: REF in app.fixture_list.lines.refs)
    app.fixture_list.lines.highlight(REF)
    assert await wait_until(pilot, lambda: app.selected_ref == REF and bool(app.price_grid.rows))


def alert_texts(app: OddsApp, kind: str) -> list[str]:
    return [a.text for a in app.store.alerts() if a.kind == kind]


async def test_a_on_a_price_sets_an_alert_that_fires_once_then_A_lists_and_deletes_it(tmp_path):
    app, toasts, bells = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_game(pilot, app)
        grid = app.price_grid
        grid.focus()
        while grid.selected[1] != "FanDuel" or grid.selected[0].selection != "Denver Nuggets":
            await pilot.press("right" if grid.selected[0].selection == "Denver Nuggets" else "j")
        await pilot.press("a")
        assert await screen_ready(pilot, app, AlertDialog)
        dialog = app.screen
        assert isinstance(dialog, AlertDialog)
        assert dialog.query_one("#threshold").value == "-110", "prefilled with the price under the cursor"
        await pilot.press(*["backspace"] * 4, *"+120", "enter")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, AlertDialog))
        [rule] = app.price_watch.rules
        assert (rule.kind.value, rule.book, rule.selection, rule.threshold) == (
            "price",
            "FanDuel",
            "Denver Nuggets",
            2.2,
        )
        saved = json.loads((tmp_path / "data" / "alerts.json").read_text())
        assert saved["alerts"][0]["book"] == "FanDuel" and saved["alerts"][0]["threshold"] == 2.2

        app.feed.put(QuotesPosted(STREAM, None, [quote("DraftKings", 130)]))  # another book: not this alert
        app.feed.put(QuotesLocked(STREAM, None, [quote("FanDuel", 125)]))  # locked: never an alert
        await pilot.pause(0.3)
        assert alert_texts(app, "price alert") == [] and bells == []
        app.feed.put(QuotesPosted(STREAM, None, [quote("FanDuel", 125)]))
        assert await wait_until(pilot, lambda: bool(alert_texts(app, "price alert")))
        [fired] = alert_texts(app, "price alert")
        assert fired == "Miami Heat @ Denver Nuggets: Denver Nuggets at FanDuel +125, at or better than +120"
        assert ("price alert", fired) in toasts and bells == [1]
        assert await wait_until(pilot, lambda: "at FanDuel +125" in app.alerts_panel.text)
        app.feed.put(QuotesPosted(STREAM, None, [quote("FanDuel", 130)]))
        await pilot.pause(0.3)
        assert len(alert_texts(app, "price alert")) == 1 and bells == [1], "once per crossing"

        await pilot.press("A")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, AlertRulesScreen) and app.screen.focused is not None
        )
        listing = app.screen.query_one("#rules")
        assert "price ≥ +120 · Denver Nuggets · Moneyline · FanDuel" in str(listing.get_option_at_index(0).prompt)
        await pilot.press("d")
        assert await wait_until(pilot, lambda: "d again deletes it" in str(app.screen.query_one("#message").render()))
        assert app.price_watch.rules == [rule], "the first press only asks"
        assert "d again deletes it" in str(app.screen.query_one("#message").render())
        await pilot.press("d")
        assert await wait_until(pilot, lambda: app.price_watch.rules == [])
        assert app.price_watch.rules == [] and json.loads((tmp_path / "data" / "alerts.json").read_text()) == {
            "alerts": []
        }
        await pilot.press("escape")


async def test_steam_shows_in_the_alerts_with_a_toast_and_marks_the_fixture(tmp_path):
    app, toasts, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_game(pilot, app)
        assert STEAM_MARK not in app.fixture_list.lines.text_of(REF)
        app.feed.put(QuotesPosted(STREAM, None, [quote("Pinnacle", -125), quote("Pinnacle", 105, "Miami Heat")]))
        await pilot.pause(0.3)
        app.feed.put(QuotesPosted(STREAM, None, [quote("DraftKings", -120)]))
        await pilot.pause(0.3)
        assert alert_texts(app, "steam") == [], "one follower of two"
        app.feed.put(QuotesPosted(STREAM, None, [quote("FanDuel", -118)]))
        assert await wait_until(pilot, lambda: bool(alert_texts(app, "steam")))
        [steam] = alert_texts(app, "steam")
        assert steam.startswith(
            "Miami Heat @ Denver Nuggets: steam on Denver Nuggets (Moneyline): Pinnacle -110 → -125"
        )
        assert steam.endswith("followed by DraftKings, FanDuel")
        assert ("steam", steam) in toasts
        assert await wait_until(pilot, lambda: app.fixture_list.lines.text_of(REF).startswith(f"●{STEAM_MARK}"))


@pytest.mark.parametrize(
    ("kind", "text", "fmt", "expected"),
    [
        (AlertKind.PRICE, "+150", OddsFormat.AMERICAN, 2.5),
        (AlertKind.PRICE, "-200", OddsFormat.AMERICAN, 1.5),
        (AlertKind.PRICE, "2.50", OddsFormat.DECIMAL, 2.5),
        (AlertKind.PRICE, "40.0%", OddsFormat.PROBABILITY, 2.5),
        (AlertKind.PRICE, "3/2", OddsFormat.FRACTIONAL, 2.5),
        (AlertKind.EV, "3", OddsFormat.AMERICAN, 3.0),
        (AlertKind.ARB, "1.5%", OddsFormat.DECIMAL, 1.5),
    ],
)
def test_the_threshold_is_read_in_the_odds_format_on_screen(kind, text, fmt, expected):
    assert parse_threshold(kind, text, fmt) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kind", "text", "fmt", "message"),
    [
        (AlertKind.PRICE, "+50", OddsFormat.AMERICAN, "not a price in american odds (e.g. +150)"),
        (AlertKind.PRICE, "0.9", OddsFormat.DECIMAL, "not a price in decimal odds (e.g. 2.50)"),
        (AlertKind.PRICE, "", OddsFormat.FRACTIONAL, "not a price in fractional odds"),
        (AlertKind.EV, "lots", OddsFormat.AMERICAN, "above 0"),
        (AlertKind.MOVE, "0", OddsFormat.AMERICAN, "above 0"),
        (AlertKind.PRICE, "+2000000", OddsFormat.AMERICAN, "too long a price: the longest is +999900"),
        (AlertKind.PRICE, "20000", OddsFormat.DECIMAL, "the longest is 10000.00"),
        (AlertKind.PRICE, "0.001%", OddsFormat.PROBABILITY, "the longest is 0.01%"),
    ],
)
def test_a_threshold_that_is_not_one_is_refused_with_the_reason(kind, text, fmt, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_threshold(kind, text, fmt)


def test_the_rule_takes_the_cells_selection_line_and_book():
    game = Fixture("opticodds", "F1", "basketball", "NBA", "Denver Nuggets", "Miami Heat", 0.0)
    cell = Quote("opticodds", "k", "F1", "FanDuel", "Point Spread", "Denver Nuggets", 2.49, points=-17.5)
    row = GridRow(
        "Point Spread",
        "Denver Nuggets",
        "Denver Nuggets",
        -17.0,
        True,
        {"FanDuel": cell},
        ("Point Spread", "", "Denver Nuggets", None),
        True,
    )
    assert rule_for(AlertKind.PRICE, 2.6, game, row, "FanDuel", True) == AlertRule(
        AlertKind.PRICE,
        2.6,
        "opticodds",
        "F1",
        market="Point Spread",
        selection="Denver Nuggets",
        line=-17.5,
        book="FanDuel",
        label="Miami Heat @ Denver Nuggets",
    )
    assert rule_for(AlertKind.EV, 3.0, game, row, "FanDuel", False).line == -17.0, "any book: the row's line"
    assert rule_for(AlertKind.MOVE, 2.0, game, row, "FanDuel", True).line is None, "a move follows the main line"
    assert rule_for(AlertKind.ARB, 1.0, game, row, "FanDuel", True) == AlertRule(
        AlertKind.ARB, 1.0, "opticodds", "F1", label="Miami Heat @ Denver Nuggets"
    )


async def test_the_dialog_switches_kind_refuses_a_bad_threshold_and_cancels(tmp_path):
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_game(pilot, app)
        app.price_grid.focus()
        await pilot.press("a")
        assert await screen_ready(pilot, app, AlertDialog)
        dialog = app.screen
        assert isinstance(dialog, AlertDialog)
        threshold, only_book = dialog.query_one("#threshold"), dialog.query_one("#only-book")
        await pilot.press("shift+tab", "down", "enter")  # the kinds: EV
        assert await wait_until(pilot, lambda: dialog.kind is AlertKind.EV)
        assert (dialog.kind, threshold.value, only_book.disabled) == (AlertKind.EV, "3", False)
        await pilot.press("down", "down", "enter")  # arbitrage: the whole game, whatever the book
        assert await wait_until(pilot, lambda: dialog.kind is AlertKind.ARB)
        assert (dialog.kind, threshold.value, only_book.disabled) == (AlertKind.ARB, "1", True)
        threshold.focus()
        threshold.value = "lots"
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: "above 0" in str(dialog.query_one("#message").render()))
        assert app.screen is dialog and "above 0" in str(dialog.query_one("#message").render())
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is not dialog)
        assert app.screen is not dialog and app.price_watch.rules == []
        assert not (tmp_path / "data" / "alerts.json").exists()


async def test_a_on_the_copilot_column_sets_an_alert_on_the_best_of_any_book(tmp_path):
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(100, 24)) as pilot:
        await open_game(pilot, app)
        app.feed.put(QuotesPosted(STREAM, None, [quote("Copilot", -105)]))
        grid = app.price_grid
        assert await wait_until(pilot, lambda: "Copilot" in grid.columns)
        grid.focus()
        while grid.selected[1] != "Copilot":
            await pilot.press("right")
        await pilot.press("a")
        await pilot.pause(0.2)
        dialog = app.screen
        assert isinstance(dialog, AlertDialog)
        only_book = dialog.query_one("#only-book")
        assert (only_book.value, only_book.disabled) == (False, True), "Copilot is no book to bet at"
        await pilot.press("shift+tab", "down", "up", "enter")  # another kind and back: still not that book
        await pilot.pause(0.1)
        assert only_book.disabled
        dialog.query_one("#threshold").focus()
        await pilot.press(*["backspace"] * 4, *"+120", "enter")
        await pilot.pause(0.2)
        [rule] = app.price_watch.rules
        assert (rule.kind, rule.book, rule.threshold) == (AlertKind.PRICE, "", 2.2), rule
        app.feed.put(QuotesPosted(STREAM, None, [quote("BetMGM", 125, rule.selection)]))
        assert await wait_until(pilot, lambda: bool(alert_texts(app, "price alert")))
        assert f"{rule.selection} at BetMGM +125" in alert_texts(app, "price alert")[0]
