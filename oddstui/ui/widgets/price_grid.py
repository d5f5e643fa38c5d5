"""The price grid: market rows by book columns, drawn with the Line API and cached per row.

Only rows whose quotes changed, whose move flash ended, or that the cursor crossed are redrawn;
DataTable's update_cell would invalidate its whole render cache on every price.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from oddstui.model import OddsFormat, Quote
from oddstui.odds import format_price
from oddstui.store import NOT_BOOKABLE, Grid, GridRow
from oddstui.ui.cells import Cell, flash_ends, quote_cell

MARKET_WIDTH = 13
MIN_SELECTION_WIDTH = 20
"""The selection column takes the width the price columns leave, but never less than this."""
CELL_WIDTH = 8
BEST_WIDTH = 15
COPILOT = "Copilot"


NO_PRICES = " no open prices: suspended, or not offered yet"


def fit(text: str, width: int, right: bool = False) -> str:
    """Pad or cut to exactly `width` cells."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width) if not right else " " * (width - cell_len(text)) + text


def cell_text(text: str) -> str:
    """A price right-aligned in its cell, with a column kept for the move arrow so prices stay aligned."""
    arrow = text[-1] if text.endswith(("▲", "▼")) else " "
    return fit(text.rstrip("▲▼"), CELL_WIDTH - 2, right=True) + arrow


def points_text(points: float | None) -> str:
    return "" if points is None else f"{points:+g}" if points < 0 else f"{points:g}"


def row_label(row: GridRow) -> str:
    """'Boston Celtics -3.5': the selection, with its line unless the name already carries it."""
    points = points_text(row.points)
    return f"{row.selection} {points}" if points and points not in row.selection else row.selection


@dataclass(slots=True)
class _Row:
    row: GridRow
    signature: tuple
    flash_until: float | None


class PriceGrid(ScrollView, can_focus=True):
    """One fixture's prices. j/k and the arrows move the cursor; `p` (an app binding) adds the cell to the slip."""

    BINDINGS = [
        Binding("j,down", "move(1, 0)", "Down", show=False),
        Binding("k,up", "move(-1, 0)", "Up", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("pagedown", "move(10, 0)", show=False),
        Binding("pageup", "move(-10, 0)", show=False),
    ]
    DEFAULT_CSS = "PriceGrid { height: 1fr; scrollbar-size-vertical: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grid_data: Grid | None = None
        self.rows: list[_Row] = []
        self.columns: list[str] = []
        self.fmt = OddsFormat.AMERICAN
        self.cursor_row = 0
        self.cursor_col = 0
        self.title = "no fixture selected"
        self.is_stale: Callable[[Quote], bool] = lambda quote: False
        self.clock: Callable[[], float] = lambda: 0.0
        self.probe: Callable[[list[Quote]], None] | None = None
        """Called with the quotes of each freshly drawn line (wire-to-screen measurements)."""
        self._cache: dict[int, Strip] = {}
        self._styles: dict[str, Style] = {}

    # --- data -------------------------------------------------------------------

    def set_styles(self, styles: dict[str, Style]) -> None:
        self._styles = styles
        self._cache.clear()
        self.refresh()

    def show(self, grid: Grid | None, title: str, fmt: OddsFormat) -> None:
        """Show a grid; only rows whose content changed are redrawn."""
        now = self.clock()
        books = [b for b in (grid.books if grid else []) if b not in NOT_BOOKABLE]
        columns = [*books, COPILOT] if grid and any(COPILOT in r.cells for r in grid.rows) else books
        full = (
            columns != self.columns
            or fmt is not self.fmt
            or title != self.title
            or grid is None
            or self.grid_data is None
            or grid.ref != self.grid_data.ref
        )
        self.grid_data, self.columns, self.fmt, self.title = grid, columns, fmt, title
        rows = []
        for index, row in enumerate(grid.rows if grid else []):
            signature = (row.best_book, row.fair, *(self._cell_signature(row.cells.get(b)) for b in columns))
            flash = min((t for b in columns if (t := flash_ends(row.cells.get(b), now)) is not None), default=None)
            if not full and index < len(self.rows) and self.rows[index].signature == signature:
                rows.append(_Row(row, signature, self.rows[index].flash_until))
                continue
            rows.append(_Row(row, signature, flash))
            self._invalidate(index)
        if full or len(rows) != len(self.rows):
            self._cache.clear()
            self.refresh()
        self.rows = rows
        self.cursor_row = min(self.cursor_row, max(0, len(rows) - 1))
        self.cursor_col = min(self.cursor_col, max(0, len(columns) - 1))
        self.virtual_size = Size(self._width(), len(rows) + 1)

    def _cell_signature(self, quote: Quote | None) -> tuple:
        if quote is None:
            return ()
        return (id(quote), quote.seq, quote.locked, quote.settlement, self.is_stale(quote))

    def tick(self) -> None:
        """Redraw rows whose move flash has just ended."""
        now = self.clock()
        for index, row in enumerate(self.rows):
            if row.flash_until is not None and row.flash_until <= now:
                row.flash_until = None
                self._invalidate(index)

    def restyle_stale(self) -> None:
        """A stream's health changed: every cell's stale flag may have changed."""
        self._cache.clear()
        self.refresh()

    @property
    def selected(self) -> tuple[GridRow, str] | None:
        """The row and book under the cursor."""
        if not self.rows or not self.columns:
            return None
        return self.rows[self.cursor_row].row, self.columns[self.cursor_col]

    # --- drawing ------------------------------------------------------------------

    def _prices_width(self) -> int:
        """The book columns, then best and fair."""
        return CELL_WIDTH * len(self.columns) + BEST_WIDTH + CELL_WIDTH

    @property
    def selection_width(self) -> int:
        return max(MIN_SELECTION_WIDTH, self.scrollable_content_region.width - MARKET_WIDTH - self._prices_width())

    def _width(self) -> int:
        return MARKET_WIDTH + self.selection_width + self._prices_width()

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self._width(), len(self.rows) + 1)
        self.refresh()

    def _invalidate(self, index: int) -> None:
        self._cache.pop(index, None)
        line = index + 1 - self.scroll_offset.y
        if 1 <= line < self.size.height:
            self.refresh_line(line)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:
            return self._header().crop(scroll_x, scroll_x + width)
        index = scroll_y + y - 1
        if index >= len(self.rows):
            if index == 0 and self.grid_data is not None:
                return Strip([Segment(fit(NO_PRICES, width), self.rich_style + Style(dim=True))])
            return Strip.blank(width, self.rich_style)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._cache[index] = self._row_strip(index)
            if self.probe is not None:
                self.probe([q for q in self.rows[index].row.cells.values()])
        return strip.crop(scroll_x, scroll_x + width)

    def _header(self) -> Strip:
        base = self.rich_style
        bold = base + Style(bold=True)
        text = fit(self.title, MARKET_WIDTH + self.selection_width)
        segments = [Segment(text, bold)]
        segments += [Segment(" " + fit(b, CELL_WIDTH - 1, right=True), bold) for b in self.columns]
        segments += [
            Segment(fit("best", BEST_WIDTH, right=True), bold),
            Segment(fit("fair", CELL_WIDTH, right=True), bold),
        ]
        return Strip(segments, self._width())

    def _row_strip(self, index: int) -> Strip:
        now = self.clock()
        base = self.rich_style
        styles = self._styles
        row = self.rows[index].row
        first_of_market = index == 0 or self.rows[index - 1].row.market != row.market
        market = fit(row.market if first_of_market else "", MARKET_WIDTH - 1) + " "
        selection = fit(row_label(row) + ("" if row.is_main else " ·alt"), self.selection_width)
        dim = base + Style(dim=True)
        segments = [Segment(market, base + Style(bold=True)), Segment(selection, base if row.is_main else dim)]
        cursor = self.has_focus and index == self.cursor_row
        for col, book in enumerate(self.columns):
            quote = row.cells.get(book)
            stale = quote is not None and self.is_stale(quote)
            cell = quote_cell(quote, self.fmt, now, stale, best=book == row.best_book)
            style = self._cell_style(cell, base, styles)
            if cursor and col == self.cursor_col:
                style += Style(reverse=True)
            segments.append(Segment(" ", base))
            segments.append(Segment(cell_text(cell.text), style))
        best = row.cells.get(row.best_book) if row.best_book else None
        best_text = (
            f"{row.best_book[:6]} {cell_text(quote_cell(best, self.fmt, now, False, True).text)}" if best else ""
        )
        segments.append(Segment(fit(best_text, BEST_WIDTH, right=True), base + Style(bold=True)))
        fair = format_price(row.fair, self.fmt) if row.fair else ""
        segments.append(Segment(fit(fair, CELL_WIDTH, right=True), dim))
        return Strip(segments, self._width())

    @staticmethod
    def _cell_style(cell: Cell, base: Style, styles: dict[str, Style]) -> Style:
        match cell.role:
            case "locked":
                return base + styles.get("locked", Style(reverse=True)) + Style(bold=True)
            case "stale":
                return base + styles.get("stale", Style(dim=True)) + Style(italic=True)
            case "up":
                return base + styles.get("price-up", Style(color="green")) + Style(bold=True)
            case "down":
                return base + styles.get("price-down", Style(color="red")) + Style(bold=True)
            case "best":
                return base + styles.get("best", Style(bold=True))
        return base

    # --- cursor -------------------------------------------------------------------

    def action_move(self, rows: int, cols: int) -> None:
        if not self.rows:
            return
        old = self.cursor_row
        self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + rows))
        self.cursor_col = max(0, min(len(self.columns) - 1, self.cursor_col + cols))
        self._invalidate(old)
        self._invalidate(self.cursor_row)
        top = self.scroll_offset.y
        visible = max(1, self.size.height - 1)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False)

    def on_focus(self) -> None:
        self._invalidate(self.cursor_row)

    def on_blur(self) -> None:
        self._invalidate(self.cursor_row)
