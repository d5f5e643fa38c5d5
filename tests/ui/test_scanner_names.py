"""The scanner screen over a days-long run: what it remembers per game stays bounded as games come and go."""

from __future__ import annotations

from oddstui.model import Fixture, FixtureStatus, OddsFormat
from oddstui.signals import ScanSettings
from oddstui.store import Store
from oddstui.ui.screens.scanner import NAMES_KEPT, ScannerScreen

S = "opticodds:odds:basketball"


def game(fixture_id: str) -> Fixture:
    return Fixture(
        "opticodds", fixture_id, "basketball", "NBA", "Boston Celtics", "Miami Heat", 1e6, FixtureStatus.LIVE
    )


def test_the_scanner_remembers_a_bounded_number_of_game_names_however_many_games_come_and_go():
    store = Store()
    screen = ScannerScreen(store, ScanSettings(), OddsFormat.AMERICAN)
    for n in range(3 * NAMES_KEPT):  # a game listed, named in the table, then gone
        store.upsert_fixture(S, None, game(f"F{n}"))
        assert screen._game_name(("opticodds", f"F{n}")) == "Miami Heat @ Boston Celtics"
    assert len(screen._names) <= NAMES_KEPT
