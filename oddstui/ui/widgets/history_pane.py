"""The selected grid row's price history, one line per book: a sparkline, then open, now, high, low and moves.

It reads the store's line history when the app refreshes it (never written to by workers), and redraws only
when the row, a price on it, or a stale flag changed. A locked stretch of a sparkline is drawn in the lock
colour, and a price locked or stale now is marked as the grid marks it, never shown as live.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.renderables.sparkline import Sparkline as SparklineRenderable
from textual.widgets import Sparkline, Static

from oddstui.book_codes import BookCodes
from oddstui.history import PriceHistory
from oddstui.market_view import GridRow
from oddstui.model import OddsFormat, Quote
from oddstui.odds import OddsError, format_price
from oddstui.ui.cells import quote_cell

STATS = ("open", "now", "high", "low", "moves")
PLACEHOLDER = "d shows the price history of the grid row under the cursor"
DROPPED = "older moves dropped"
"""Said in the title when a book's line leaves out moves (over its cap, or gone from the shared ring)."""


def bar_buckets(length: int, width: int) -> list[range]:
    """The data indexes behind each bar of a one-line Textual sparkline of `length` values over `width` cells.

    The same partition as `textual.renderables.sparkline.Sparkline`: `length` values split into `width` buckets
    (empty ones dropped), then bars spread over the buckets left to right.
    """
    step = Fraction(length, width)
    buckets = [range(int(step * b), int(step * (b + 1))) for b in range(width)]
    buckets = [b for b in buckets if len(b)]
    bars, index, spread = [], 0.0, len(buckets) / width
    for _ in range(width):
        bars.append(buckets[int(index)])
        index += spread
    return bars


class _LockMarks:
    """A sparkline's bars, recoloured where a price in their bucket was locked."""

    def __init__(self, inner: SparklineRenderable, locked: Sequence[bool], style: Style, width: int) -> None:
        self.inner, self.locked, self.style, self.width = inner, locked, style, width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.width < 1:  # squeezed out of the line: nothing to draw
            return
        segments = list(console.render(self.inner, options))
        bars = [s for s in segments if s.text and s.text != "\n"]
        if len(self.locked) < 2 or len(bars) != self.width:  # a flat or one-value line: locked if it is now
            mark = bool(self.locked) and self.locked[-1]
            yield from (Segment(s.text, self.style) if mark else s for s in bars)
            return
        for segment, bucket in zip(bars, bar_buckets(len(self.locked), self.width), strict=True):
            yield Segment(segment.text, self.style) if any(self.locked[i] for i in bucket) else segment


class LockSparkline(Sparkline):
    """Textual's sparkline, with the bars where the price was locked drawn in the lock colour."""

    COMPONENT_CLASSES = {*Sparkline.COMPONENT_CLASSES, "lock-sparkline--locked"}
    DEFAULT_CSS = """
    LockSparkline { width: 1fr; height: 1; margin: 0 1; }
    LockSparkline > .lock-sparkline--locked { color: $warning; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__([], id=id)
        self.locked: list[bool] = []

    def render(self) -> _LockMarks:
        inner = super().render()
        assert isinstance(inner, SparklineRenderable)
        style = Style(color=self.get_component_rich_style("lock-sparkline--locked").color)
        return _LockMarks(inner, self.locked, style, self.size.width)


@dataclass(slots=True, frozen=True)
class BookHistory:
    """What one book's line says: its code, the prices to draw, and the five figures."""

    book: str
    decimals: list[float]
    locked: list[bool]
    stats: tuple[str, ...]
    dropped: bool = False
    """It leaves out some of the price's moves: it shows only the last ones."""


def book_history(
    book: str, quote: Quote, history: PriceHistory | None, fmt: OddsFormat, stale: bool, now: float
) -> BookHistory:
    """One book's prices since the opening, ending at the price held now; now as the grid shows it (locked,
    stale), high and low of live ones."""
    if history is None:
        decimals, locked = [quote.decimal, quote.decimal], [quote.locked, quote.locked]
        moves, dropped = 0, False
    else:
        decimals, locked = history.series()
        moves, dropped = history.moves, history.moves > len(history.trail)
        if decimals[-1] != quote.decimal:  # its last moves left the shared ring: end at the price held now
            decimals.append(quote.decimal)
            locked.append(quote.locked)
    locked = [*locked[:-1], quote.locked or quote.settlement is not None]
    live = [d for d, lock in zip(decimals, locked, strict=True) if not lock]
    now_text = quote_cell(quote, fmt, now, stale, best=False).text.rstrip("▲▼")
    stats = (
        _price(decimals[0], fmt),
        now_text,
        _price(max(live), fmt) if live else "·",
        _price(min(live), fmt) if live else "·",
        str(moves),
    )
    return BookHistory(book, decimals, locked, stats, dropped)


def _price(decimal: float, fmt: OddsFormat) -> str:
    try:
        return format_price(decimal, fmt)
    except OddsError:
        return "?"


def stat_widths(lines: Iterable[BookHistory]) -> list[int]:
    """Each figure's column width: its widest value or its heading."""
    widths = [cell_len(name) for name in STATS]
    for line in lines:
        widths = [max(w, cell_len(text)) for w, text in zip(widths, line.stats, strict=True)]
    return widths


def stat_text(values: Sequence[str], widths: Sequence[int]) -> str:
    """The figures right-aligned in their columns."""
    return " ".join(" " * (w - cell_len(v)) + v for v, w in zip(values, widths, strict=True))


class _BookLine(Horizontal):
    """One book: code, sparkline, figures."""

    DEFAULT_CSS = """
    _BookLine { height: 1; }
    _BookLine > .code { width: 5; }
    _BookLine > .stats { width: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.code = Static(classes="code")
        self.spark = LockSparkline()
        self.stats = Static(classes="stats")

    def compose(self) -> ComposeResult:
        yield self.code
        yield self.spark
        yield self.stats

    def show(self, code: str, line: BookHistory, widths: Sequence[int], stale: bool) -> None:
        self.code.update(code)
        self.spark.locked = line.locked
        self.spark.data = line.decimals
        self.spark.refresh()
        self.stats.update(stat_text(line.stats, widths))
        self.stats.set_class(stale or line.locked[-1], "not-live")


class HistoryPane(Vertical):
    """Each book's price over time for the grid row under the cursor; `d` in the grid shows or hides it."""

    DEFAULT_CSS = """
    HistoryPane { height: 40%; min-height: 9; max-height: 16; border-top: solid $panel; display: none; }
    HistoryPane > #history-head { height: 1; background: $panel; }
    HistoryPane > #history-head > #history-title { width: 1fr; text-style: bold; padding: 0 1; }
    HistoryPane > #history-head > #history-columns { width: auto; color: $text-muted; }
    HistoryPane .not-live { color: $text-muted; text-style: italic; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._signature: tuple | None = None
        self.codes = BookCodes()

    def compose(self) -> ComposeResult:
        with Horizontal(id="history-head"):
            yield Static(PLACEHOLDER, id="history-title")
            yield Static(id="history-columns")
        yield VerticalScroll(id="history-lines")

    def show(
        self,
        row: GridRow | None,
        books: Sequence[str],
        fmt: OddsFormat,
        history_of: Callable[[Quote], PriceHistory | None],
        is_stale: Callable[[Quote], bool],
        now: float,
    ) -> None:
        """Show `row`'s books in the grid's column order; nothing is redrawn when nothing on it changed."""
        quotes = [(book, row.cells[book]) for book in books if row is not None and book in row.cells]
        signature = (
            row.key if row is not None else None,
            fmt,
            tuple((book, id(q), q.seq, q.locked, q.settlement, is_stale(q)) for book, q in quotes),
        )
        if signature == self._signature:
            return
        self._signature = signature
        lines = [book_history(book, q, history_of(q), fmt, is_stale(q), now) for book, q in quotes]
        widths = stat_widths(lines)
        title = self.query_one("#history-title", Static)
        dropped = f" · {DROPPED}" if any(line.dropped for line in lines) else ""
        title.update(f"{row.label}{dropped}" if row is not None else PLACEHOLDER)
        self.query_one("#history-columns", Static).update(stat_text(STATS, widths) if lines else "")
        container = self.query_one("#history-lines", VerticalScroll)
        shown = list(container.query_children(_BookLine))
        for extra in shown[len(lines) :]:
            extra.remove()
        added = [_BookLine() for _ in range(len(lines) - len(shown))]
        for widget, line, (_, quote) in zip([*shown, *added], lines, quotes, strict=False):
            widget.show(self.codes(line.book), line, widths, is_stale(quote))
        if added:
            container.mount_all(added)
