"""'open→now' cells and the sparkline's lock marks, as pure functions."""

import io

import pytest
from rich.color import Color
from rich.console import Console
from rich.style import Style
from textual.renderables.sparkline import Sparkline as SparklineRenderable

from oddstui.model import OddsFormat, Quote
from oddstui.odds import american_to_decimal
from oddstui.ui.cells import quote_cell, since_open_cell
from oddstui.ui.widgets.history_pane import _LockMarks, bar_buckets

WIDE = 40


def quote(american: int, points: float | None = None, locked: bool = False, settlement: str | None = None) -> Quote:
    return Quote(
        "opticodds",
        "k",
        "f",
        "Pinnacle",
        "Point Spread",
        "Celtics",
        american_to_decimal(american),
        raw=american,
        raw_format=OddsFormat.AMERICAN,
        points=points,
        locked=locked,
        settlement=settlement,
    )


def cell(q: Quote, opening, room: int = WIDE, stale: bool = False, line: str = "", open_line: str = ""):
    now = quote_cell(q, OddsFormat.AMERICAN, 0.0, stale, best=False, line=line)
    return since_open_cell(now, q, opening, OddsFormat.AMERICAN, open_line, room)


def test_open_then_now():
    shown = cell(quote(-125), (american_to_decimal(-110), None))
    assert (shown.text, shown.role) == ("-110→-125", "")


def test_a_locked_or_stale_price_keeps_its_mark_and_colour():
    locked = cell(quote(-125, locked=True), (american_to_decimal(-110), None))
    assert (locked.text, locked.role) == ("-110→🔒-125", "locked")
    stale = cell(quote(-125), (american_to_decimal(-110), None), stale=True)
    assert (stale.text, stale.role) == ("-110→≈-125", "stale")


def test_a_moved_line_shows_at_both_ends():
    shown = cell(quote(-105, points=-4.0), (american_to_decimal(-110), -3.5), line="-4", open_line="-3.5")
    assert shown.text == "-3.5 -110→-4 -105"


@pytest.mark.parametrize(
    ("now", "opened", "mark"),
    [(-125, -110, "↘"), (+120, -110, "↗")],
)
def test_too_narrow_shows_the_direction_since_the_opening(now, opened, mark):
    shown = cell(quote(now), (american_to_decimal(opened), None), room=8)
    assert shown.text == f"{mark}{now:+d}"


def test_the_line_alone_moved_where_too_narrow():
    shown = cell(quote(-110, points=-4.0), (american_to_decimal(-110), -3.5), room=5)
    assert shown.text == "↔-110"


def test_unmoved_settled_and_empty_cells_stay_as_they_are():
    assert cell(quote(-110), None).text == "-110"
    assert cell(quote(-110), (american_to_decimal(-110), None)).text == "-110"
    assert cell(quote(-110, settlement="Won"), (american_to_decimal(-120), None)).text == "🔒WON"


def test_other_formats():
    now = quote_cell(quote(+150), OddsFormat.DECIMAL, 0.0, False, False)
    assert since_open_cell(now, quote(+150), (2.0, None), OddsFormat.DECIMAL, "", WIDE).text == "2.00→2.50"


# --- the sparkline's lock marks --------------------------------------------------------


def bars(decimals: list[float], locked: list[bool], width: int) -> list[bool]:
    """Which bars come out in the lock style, rendering Textual's own sparkline."""
    lock = Style(color="yellow")
    inner = SparklineRenderable(
        decimals, width=width, min_color=Color.parse("blue"), max_color=Color.parse("red"), summary_function=max
    )
    console = Console(width=width, file=io.StringIO())
    segments = list(console.render(_LockMarks(inner, locked, lock, width)))
    assert sum(len(s.text) for s in segments) == width
    return [s.style == lock for s in segments for _ in s.text]


def test_lock_marks_fall_on_the_bars_of_the_locked_prices():
    # Four prices over eight cells: two bars each; the last price was locked.
    assert bars([2.0, 2.1, 1.9, 1.8], [False, False, False, True], 8) == [False] * 6 + [True] * 2
    # Ten prices over four cells: a bar holding a locked price is marked.
    flags = [False] * 10
    flags[3] = True
    assert bars([2.0 + i / 10 for i in range(10)], flags, 4) == [False, True, False, False]


def test_a_price_that_never_moved_is_marked_whole_while_locked():
    assert bars([2.0, 2.0], [True, True], 5) == [True] * 5
    assert bars([2.0, 2.0], [False, False], 5) == [False] * 5
    assert bars([2.0], [True], 5) == [True] * 5  # one value: Textual draws one segment for the whole line


@pytest.mark.parametrize(("length", "width"), [(2, 7), (3, 3), (7, 2), (49, 17), (17, 49)])
def test_every_bar_has_a_bucket_and_the_buckets_run_in_order(length, width):
    buckets = bar_buckets(length, width)
    assert len(buckets) == width
    starts = [b.start for b in buckets]
    assert starts == sorted(starts) and buckets[0].start == 0 and buckets[-1].stop == length


def test_a_sparkline_squeezed_to_nothing_draws_nothing():
    inner = SparklineRenderable([2.0, 2.1], width=0)
    console = Console(width=10, file=io.StringIO())
    assert list(console.render(_LockMarks(inner, [False, True], Style(), 0))) == []
