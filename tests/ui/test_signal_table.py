"""The scanner table's market column: never a side or line cut mid-way at 80 columns."""

from __future__ import annotations

from rich.cells import cell_len

from oddstui.signals import Leg, Signal, SignalKind
from oddstui.ui.widgets.signal_table import SignalTable, layout


def ev_signal(market: str) -> Signal:
    leg = Leg("Over 9.5", "Caesars", 9.5, 2.97, 197, 2.70, "Pinnacle", "F1:CZR:total:over:9.5")
    return Signal(SignalKind.EV, "opticodds", "F1", "NHL", market, "", 9.5, (leg,), 10.11, 2.70, "Pinnacle")


def test_a_market_too_long_for_its_column_drops_the_side_and_line_the_legs_show():
    table = SignalTable()
    narrow = table.row_cells(ev_signal("Total Goals"), 79)
    assert narrow[3] == "Total Goals" and cell_len(narrow[3]) <= layout(79).market
    assert "O 9.5" in narrow[4], "the legs column still names the side and line"
    wide = table.row_cells(ev_signal("Total Goals"), 160)
    assert wide[3].endswith("9.5"), "where it fits, the market keeps its side and line"
