"""An alert about a game the client has not listed yet names it as the change does, and is renamed when it arrives."""

import json

from oddstui.model import Fixture, FixtureChange
from oddstui.sim.opticodds import DOC_FIXTURE_STATUS
from oddstui.store import Store
from tests.providers.test_opticodds_client import make_state


def doc_change() -> FixtureChange:
    """The guide's start-time change example, verbatim, through the client."""
    client, state = make_state()
    frame = DOC_FIXTURE_STATUS.decode().split("data: ", 1)[1].strip()
    assert client._handle(state, "fixture-status", frame)
    (event,) = client.feed.drain()
    return event.change


def test_the_docs_example_names_the_teams_and_league_not_the_id():
    change = doc_change()
    assert (change.league, change.away, change.home) == ("ATP", "Lorenzo Musetti", "Miomir Kecmanovic")
    store = Store()
    store.change_fixture("s", None, change)
    (alert,) = store.alerts()
    assert alert.text.startswith("Lorenzo Musetti @ Miomir Kecmanovic (ATP, not listed yet): start ")
    assert "FB0D30DCDD6C" not in alert.text


def test_a_change_without_teams_says_unlisted_game_and_is_renamed_when_the_game_arrives():
    payload = {"fixture_id": "E145B23767E0", "league": "WTA", "old_status": "unplayed", "new_status": "cancelled"}
    client, state = make_state()
    assert client._handle(state, "fixture-status", json.dumps({"data": payload, "entry_id": "1-1"}))
    (event,) = client.feed.drain()
    store = Store()
    store.apply(event)
    assert store.alerts()[0].text == "unlisted WTA game: unplayed → cancelled"
    store.drain_changes()
    game = Fixture("opticodds", "E145B23767E0", "tennis", "WTA", "Iga Swiatek", "Coco Gauff", 0.0)
    store.upsert_fixture("s", None, game)
    assert store.alerts()[0].text == "Coco Gauff @ Iga Swiatek: unplayed → cancelled"
    assert store.drain_changes().alerts
    store.change_fixture("s", None, FixtureChange("opticodds", "other", None, None, None, 60.0))
    assert store.alerts()[0].text.startswith("unlisted game: start now")
