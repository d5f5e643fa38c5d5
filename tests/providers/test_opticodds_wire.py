"""OpticOdds odd objects decoded and normalized: every field lands where it belongs."""

from __future__ import annotations

import msgspec
import pytest

from oddstui.model import Quote
from oddstui.odds import OddsError, OddsFormat
from oddstui.providers.opticodds_wire import odds_to_quotes, price_event_decoder, wire_odds

PLAYER_ODD = {
    "id": "FX1:draftkings:player_points:jokic_over_26_5",
    "fixture_id": "FX1",
    "sportsbook": "DraftKings",
    "market": "Player Points",
    "name": "Nikola Jokic Over 26.5",
    "selection": "Nikola Jokic",
    "price": -115,
    "points": 26.5,
    "is_main": False,
    "is_live": True,
    "timestamp": 1729646525,
    "player_id": "P1",
    "grouping_key": "jokic:26.5",
    "limits": {"max_stake": 500},
    "deep_link": {"desktop": "https://book/x"},
    "sport": "basketball",
    "team_id": "",
}


def decode_one(odd: dict) -> Quote:
    event = price_event_decoder.decode(msgspec.json.encode({"entry_id": "1-1", "data": [odd]}))
    (quote,) = odds_to_quotes(event.data, "opticodds:odds:basketball:0", OddsFormat.AMERICAN)
    return quote


def test_every_field_of_a_player_prop_lands_in_its_place():
    quote = decode_one(PLAYER_ODD)
    assert msgspec.structs.asdict(quote) == {
        "provider": "opticodds",
        "key": PLAYER_ODD["id"],
        "fixture_id": "FX1",
        "book": "DraftKings",
        "market": "Player Points",
        "selection": "Nikola Jokic Over 26.5",
        "decimal": pytest.approx(1 + 100 / 115),
        "raw": -115,
        "raw_format": OddsFormat.AMERICAN,
        "points": 26.5,
        "group": "jokic:26.5",
        "player": "Nikola Jokic",
        "stream": "opticodds:odds:basketball:0",
        "is_main": False,
        "is_live": True,
        "locked": False,
        "stale": False,
        "ts": 1729646525.0,
        "limit": 500.0,
        "deep_link": "https://book/x",
        "copilot_id": None,
        "settlement": None,
        "move": 0,
        "moved_at": 0.0,
        "seq": 0,
    }
    assert quote.american == -115


def test_copilot_odd_defaults():
    """A Copilot odd has no sportsbook, may send nulls, and is priced by its own id."""
    odd = {
        "id": "1:-1:FX1:moneyline:denver",
        "fixture_id": "FX1",
        "market": "Moneyline",
        "name": "Denver",
        "price": 150,
        "selection": "",
        "player_id": "",
        "is_main": None,
        "is_live": None,
        "points": None,
    }
    quote = decode_one(odd)
    assert (quote.book, quote.copilot_id, quote.player) == ("Copilot", odd["id"], "")
    assert (quote.is_main, quote.is_live, quote.limit, quote.deep_link, quote.group) == (True, False, None, None, "")
    assert quote.decimal == 2.5


def test_a_mistyped_field_is_a_shape_error_and_an_impossible_price_an_odds_error():
    with pytest.raises(msgspec.ValidationError, match=r"data\[0\]\.points"):
        decode_one(PLAYER_ODD | {"points": "26.5"})
    with pytest.raises(msgspec.ValidationError, match="fixture_id"):
        decode_one({k: v for k, v in PLAYER_ODD.items() if k != "fixture_id"})
    with pytest.raises(OddsError):
        decode_one(PLAYER_ODD | {"price": 50})


def test_snapshot_dicts_are_checked_like_the_stream():
    (quote,) = odds_to_quotes(wire_odds([PLAYER_ODD]), "s", OddsFormat.AMERICAN)
    assert quote.points == 26.5
    with pytest.raises(msgspec.ValidationError):
        wire_odds([PLAYER_ODD | {"is_live": "yes"}])


def test_decimal_format_keeps_the_raw_price():
    (quote,) = odds_to_quotes(wire_odds([PLAYER_ODD | {"price": 1.87}]), "s", OddsFormat.DECIMAL)
    assert (quote.decimal, quote.raw, quote.raw_format) == (1.87, 1.87, OddsFormat.DECIMAL)
