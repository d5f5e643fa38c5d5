"""Keyboard alert rules on disk: round trip; an unusable file set aside, never overwritten; a bad rule dropped whole."""

from __future__ import annotations

import json

import pytest

from oddstui.alert_book import AlertBook
from oddstui.alert_rule import AlertKind, AlertRule

PRICE = AlertRule(AlertKind.PRICE, 2.5, "opticodds", "F1", selection="Denver Nuggets", line=-3.5, book="FanDuel")
ARB = AlertRule(AlertKind.ARB, 1.5, "opticodds", "F1", label="Heat @ Nuggets")


def test_rules_round_trip_in_order_without_duplicates(tmp_path):
    book = AlertBook(tmp_path)
    assert book.add(PRICE) and book.add(ARB) and not book.add(PRICE)
    assert AlertBook(tmp_path).rules == [PRICE, ARB]
    book.delete(PRICE)
    again = AlertBook(tmp_path)
    assert again.rules == [ARB] and again.problem is None
    assert oct((tmp_path / "alerts.json").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    "content", [b"{not json", b'{"alerts": {"kind": "arb"}}', b"\xff\xfe garbage", b"[1, 2]", b"[" * 3000 + b"]" * 3000]
)
def test_an_unusable_file_is_set_aside_and_never_overwritten(tmp_path, content):
    (tmp_path / "alerts.json").write_bytes(content)
    book = AlertBook(tmp_path)
    assert book.rules == []
    assert book.problem and "alerts.json" in book.problem and "moved to" in book.problem
    [aside] = tmp_path.glob("alerts.json.corrupt-*")
    assert aside.read_bytes() == content
    book.add(ARB)
    assert AlertBook(tmp_path).rules == [ARB] and aside.read_bytes() == content


def test_a_rule_with_a_bad_field_is_dropped_whole_and_named_and_the_rest_load(tmp_path):
    items = [
        {"kind": "price", "threshold": 2.5, "book": 7},  # without its book it would watch every book
        {"kind": "steam", "threshold": 1.0},
        {"kind": "ev", "threshold": 3.0, "colour": "red"},
        "not an alert",
        {"kind": "arb", "threshold": 1.5},
    ]
    content = json.dumps({"alerts": items}).encode()
    (tmp_path / "alerts.json").write_bytes(content)
    book = AlertBook(tmp_path)
    assert book.rules == [AlertRule(AlertKind.ARB, 1.5)]
    problem = book.problem or ""
    assert "alerts[0].book" in problem and "alerts[1].kind" in problem and "alerts[2]" in problem
    assert "alerts[3]" in problem and "kept in alerts.json.original-" in problem
    [copy] = tmp_path.glob("alerts.json.original-*")
    assert copy.read_bytes() == content
