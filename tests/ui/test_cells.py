"""A settled price is shown locked with its settlement, and two settlements never read alike."""

import pytest

from oddstui.model import OddsFormat, Quote
from oddstui.ui.cells import quote_cell


@pytest.mark.parametrize(
    ("word", "mark"),
    [
        ("Won", "WON"),
        ("lost", "LOST"),
        ("Push", "PUSH"),
        ("Void", "VOID"),
        ("Half Won", "½WON"),
        ("Half Lost", "½LST"),
        ("Cancelled", "CANC"),
    ],
)
def test_a_settlement_reads_as_itself_and_locked(word, mark):
    quote = Quote("opticodds", "k", "f", "Copilot", "Moneyline", "Lakers", 2.0, settlement=word)
    cell = quote_cell(quote, OddsFormat.AMERICAN, 0.0, stale=False, best=True)
    assert cell.text == f"🔒{mark}" and cell.role == "locked"
