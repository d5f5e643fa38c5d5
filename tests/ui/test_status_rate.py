"""A stream's events/s on the status line: measured over a window, so a feed arriving in bursts never reads 0/s."""

from __future__ import annotations

from oddstui.store import Store
from oddstui.ui.widgets.status_line import RATE_WINDOW, StatusLine


def test_a_bursty_stream_reads_its_average_rate_not_zero_between_bursts():
    line = StatusLine(Store(), demo=False)
    rates = []
    events = 0
    for tenth in range(200):  # 20 s at the app's redraw cadence; 100 events land every 2 s
        if tenth % 20 == 0:
            events += 100
        rates.append(line._rate("opticodds:odds:basketball:0", events, tenth / 10))
    settled = rates[int(RATE_WINDOW * 10) + 20 :]
    assert min(settled) >= 35 and max(settled) <= 70  # 50/s on average, never 0/s between bursts


def test_a_stream_that_stops_falls_to_zero_within_the_window():
    line = StatusLine(Store(), demo=False)
    for second in range(10):
        line._rate("s", second * 40, float(second))
    assert line._rate("s", 9 * 40, 9 + RATE_WINDOW + 1) == 0.0
