"""OpticOdds odd objects decoded and normalized: every field lands where it belongs."""

from __future__ import annotations

import msgspec
import pytest

from oddstui.model import Quote
from oddstui.odds import OddsFormat
from oddstui.providers.opticodds_wire import (
    odds_from_snapshot,
    odds_from_stream,
    parse_score,
    price_event_decoder,
    settlements_from,
)

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


def decode(odds: list[dict], fmt: OddsFormat = OddsFormat.AMERICAN):
    event = price_event_decoder.decode(msgspec.json.encode({"entry_id": "1-1", "data": odds}))
    return odds_from_stream(event.data, "opticodds:odds:basketball:0", fmt)


def decode_one(odd: dict) -> Quote:
    converted = decode([odd])
    assert not converted.rejected
    (quote,) = converted.quotes
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
        "history": -1,
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


@pytest.mark.parametrize(
    ("lie", "why"),
    [
        ({"points": "26.5"}, "points"),
        ({"price": "150.5"}, "price"),
        ({"price": "1e3"}, "price"),
        ({"price": True}, "price"),
        ({"id": 12345}, "id"),
        ({"is_live": "yes"}, "is_live"),
        ({"price": 50}, "valid american price"),
        ({"price": None}, "price"),
    ],
)
def test_an_odd_that_lies_about_its_types_is_skipped_and_the_rest_of_the_event_applies(lie, why):
    good = PLAYER_ODD | {"id": "FX1:draftkings:player_points:other"}
    converted = decode([PLAYER_ODD | lie, good])
    assert [q.key for q in converted.quotes] == [good["id"]]
    assert len(converted.rejected) == 1 and why in converted.rejected[0]
    assert "26.5" not in converted.rejected[0] and "150" not in converted.rejected[0]  # never the payload


def test_a_stream_odd_needs_its_fixture_id_a_snapshot_odd_takes_its_parents():
    bare = {k: v for k, v in PLAYER_ODD.items() if k != "fixture_id"}
    assert decode([bare]).quotes == [] and "fixture_id" in decode([bare]).rejected[0]
    (quote,) = odds_from_snapshot([bare], "PARENT", "s", OddsFormat.AMERICAN).quotes
    assert quote.fixture_id == "PARENT"
    (quote,) = odds_from_snapshot([PLAYER_ODD], "PARENT", "s", OddsFormat.AMERICAN).quotes
    assert quote.fixture_id == "FX1"
    converted = odds_from_snapshot([bare | {"is_live": "yes"}, bare], "P", "s", OddsFormat.AMERICAN)
    assert len(converted.quotes) == 1 and len(converted.rejected) == 1


def test_null_points_and_absent_optional_fields_are_accepted():
    quote = decode_one({k: v for k, v in PLAYER_ODD.items() if k not in ("limits", "deep_link")} | {"points": None})
    assert (quote.points, quote.limit, quote.deep_link) == (None, None, None)


def test_decimal_format_keeps_the_raw_price():
    (quote,) = decode([PLAYER_ODD | {"price": 1.87}], OddsFormat.DECIMAL).quotes
    assert (quote.decimal, quote.raw, quote.raw_format) == (1.87, 1.87, OddsFormat.DECIMAL)


def test_settlements_keep_the_providers_word_and_one_odd_value_never_drops_the_batch():
    raws = price_event_decoder.decode(
        msgspec.json.encode(
            {
                "data": [
                    {"id": "a", "settlement": "Won"},
                    {"id": "b", "settlement": "Half Won"},
                    {"id": "c", "settlement": "Void"},
                    {"id": "d", "settlement": 3},
                    {"id": "e"},
                    {"id": "f", "settlement": " "},
                ]
            }
        )
    ).data
    settled, rejected = settlements_from(raws)
    assert settled == {"a": "Won", "b": "Half Won", "c": "Void"}
    assert len(rejected) == 3


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ({"scores": {"home": {"total": 54}, "away": {"total": 50}}, "in_play": {"period": "3"}}, (54, 50, "3")),
        ({"scores": {"home": {"total": 54}, "away": {"total": 50}}}, (54, 50, "")),
        ({"home": {"total": 7}, "away": {"total": 3}, "period": 2}, (7, 3, "2")),
        ({"home": {"total": 7.0}, "away": {"total": 3}}, (7, 3, "")),
    ],
)
def test_score_nested_as_in_fixtures_results_or_flat(score, expected):
    parsed = parse_score(score)
    assert parsed is not None and (parsed.home, parsed.away, parsed.period) == expected


@pytest.mark.parametrize(
    "score",
    [
        None,
        {},
        {"scores": {}},
        {"scores": {"home": {"total": 1}}},
        {"home": {"total": "1"}, "away": {"total": 2}},
        {"home": {"total": True}, "away": {"total": 2}},
        {"home": {"total": 1.5}, "away": {"total": 2}},
        {"home": {"total": -1}, "away": {"total": 2}},
        {"home": {}, "away": {}},
        [1, 2],
    ],
)
def test_a_missing_or_malformed_score_is_never_read_as_0_0(score):
    assert parse_score(score) is None


def test_the_names_a_quote_keeps_are_held_once_by_every_update():
    """Two updates of one price, decoded apart, share the strings they keep rather than a copy each (the key is
    handed on by the store: tests/test_store.py)."""
    first, second = decode_one(PLAYER_ODD), decode_one(PLAYER_ODD | {"price": -120})
    for field in ("fixture_id", "book", "market", "selection", "player", "group", "deep_link"):
        assert getattr(first, field) is getattr(second, field), field


def test_the_numbers_a_quote_keeps_are_held_once_by_every_update():
    """Price, line and stake decoded apart are one object each, and keep their type (an American price stays an
    int); the odds of one event share one object for their time."""
    odd = PLAYER_ODD | {"timestamp": 1724871720.25, "limits": {"max_stake": 250.0}}
    first, second = decode_one(odd), decode_one(odd)
    for field in ("decimal", "raw", "points", "limit"):
        assert getattr(first, field) is getattr(second, field), field
    assert type(first.raw) is int
    converted = decode([odd, odd | {"id": "other", "timestamp": 1724871720.25}, odd | {"id": "third"}])
    one, two, three = converted.quotes
    assert one.ts is two.ts is three.ts and one.ts == 1724871720.25
