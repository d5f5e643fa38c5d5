"""The price grid: market sections by book columns, drawn with the Line API and cached per line.

The selection, best and fair columns are frozen on the left; the book columns scroll sideways under
them, and the cursor cell is always scrolled into view. Only lines whose quotes changed, whose move
flash ended, or that the cursor crossed are redrawn. Styles come from COMPONENT_CLASSES.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from oddstui.book_codes import BookCodes
from oddstui.market_view import CONSENSUS, NOT_BOOKABLE, Grid, GridRow, Section, line_text
from oddstui.model import OddsFormat, Quote
from oddstui.odds import format_price
from oddstui.render_guard import placeholder, safe_text
from oddstui.ui.cells import Cell, decimal_text, flash_ends, quote_cell, since_open_cell
from oddstui.ui.guard import failed_line

COPILOT = "Copilot"
HEADER_LINES = 2
"""The fixture's title, then the column headers; both stay put while the rows scroll."""
MIN_LABEL_WIDTH = 14
MAX_LABEL_WIDTH = 40
NARROW_LABEL_WIDTH = 8
"""The least the selection column shrinks to so that one book column still fits beside best and fair."""
NO_PRICES = " no open prices: suspended, or not offered yet"
SUSPENDED = "ALL PRICES SUSPENDED"


def fit(text: str, width: int, right: bool = False) -> str:
    """Pad or cut to exactly `width` cells; a character that must not reach the terminal is replaced."""
    if width <= 0:
        return ""
    text = safe_text(text)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width) if not right else " " * (width - cell_len(text)) + text


def row_label(row: GridRow, quote: Quote | None = None) -> str:
    """'Boston Celtics -3.5': what the row (or the book's quote on it, whose line may differ) is, for the slip."""
    line = line_text(row.selection, quote.points if quote is not None else row.points)
    return f"{row.selection} {line}" if line and line not in row.selection else row.selection


@dataclass(slots=True)
class _Line:
    """One screen line below the headers: a market's title, or a row of prices."""

    section: Section
    row: GridRow | None
    signature: tuple
    flash_until: float | None = None
    widths: tuple[int, int, int] = (0, 0, 0)
    """Cell text widths this line needs: a price cell, best, fair."""


class PriceGrid(ScrollView, can_focus=True):
    """One fixture's prices: the arrows move the cursor, `x` folds alternates, `h` shows each book's hold,
    `a` asks for a price alert on the price under the cursor, `O` shows each price's opening and now, `d` the
    row's history (a pane the app shows)."""

    class AlertRequested(Message):
        """`a` on a price: the app opens the alert dialog for this row and book."""

        def __init__(self, row: GridRow, book: str) -> None:
            super().__init__()
            self.row = row
            self.book = book

    BINDINGS = [
        Binding("j,down", "move(1, 0)", "Down", show=False),
        Binding("k,up", "move(-1, 0)", "Up", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("pagedown", "move(10, 0)", "Page down", show=False),
        Binding("pageup", "move(-10, 0)", "Page up", show=False),
        Binding("home", "move(-100000, -100000)", "First", show=False),
        Binding("end", "move(100000, 0)", "Last", show=False),
        Binding("x", "toggle_alternates", "Alt lines", tooltip="fold or unfold the alternate lines of this market"),
        Binding("a", "set_alert", "Alert", tooltip="set a price alert on the price under the cursor"),
        Binding("h", "toggle_hold", "Hold", tooltip="each book's hold on each market, or back to the prices"),
        Binding(
            "O",
            "toggle_open",
            "Open→now",
            show=False,
            tooltip="each price as where it opened → where it is now (↗/↘ only, where the column is too narrow)",
        ),
        Binding("d", "app.toggle_history", "History", tooltip="the row's price history per book, in place of the slip"),
    ]
    COMPONENT_CLASSES = {
        "price-grid--title",
        "price-grid--header",
        "price-grid--section",
        "price-grid--alternate",
        "price-grid--locked",
        "price-grid--stale",
        "price-grid--up",
        "price-grid--down",
        "price-grid--best",
        "price-grid--fair",
        "price-grid--cursor",
        "price-grid--suspended",
    }
    DEFAULT_CSS = """
    PriceGrid { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    PriceGrid > .price-grid--title { text-style: bold; }
    PriceGrid > .price-grid--header { text-style: bold; color: $text-muted; }
    PriceGrid > .price-grid--section { text-style: bold; color: $accent; }
    PriceGrid > .price-grid--alternate { color: $text-muted; }
    PriceGrid > .price-grid--locked { color: $background; background: $warning; text-style: bold; }
    PriceGrid > .price-grid--stale { color: $text-muted; text-style: italic; }
    PriceGrid > .price-grid--up { color: $success; text-style: bold; }
    PriceGrid > .price-grid--down { color: $error; text-style: bold; }
    PriceGrid > .price-grid--best { color: $background; background: $primary; }
    PriceGrid > .price-grid--fair { color: $secondary; }
    PriceGrid > .price-grid--cursor { text-style: reverse bold underline; }
    PriceGrid > .price-grid--suspended { color: $background; background: $warning; text-style: bold; }
    """

    fmt: reactive[OddsFormat] = reactive(OddsFormat.AMERICAN, init=False)
    """The odds format: bound to the app's (`data_bind`); a change redraws every line."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grid_data: Grid | None = None
        self.rows: list[_Line] = []
        """Every line below the headers; the cursor skips market titles."""
        self.columns: list[str] = []
        self.cursor_row = 0
        self.cursor_col = 0
        self.first_col = 0
        """The first book column on screen: the book columns scroll sideways a whole column at a time."""
        self.title = "no fixture selected"
        self.short_title = self.title
        """The title with the teams' short names, for when the full one would be cut."""
        self.expanded: set[tuple[str, str]] = set()
        """Markets whose alternate lines are unfolded."""
        self.show_hold = False
        self.show_open = False
        """Cells read 'open→now' (`O`)."""
        self.opening: Callable[[Quote], tuple[float, float | None] | None] = lambda quote: None
        """The (decimal, line) a quote opened at, if it moved since: the store's line history."""
        self.codes = BookCodes()
        self.is_stale: Callable[[Quote], bool] = lambda quote: False
        self.clock: Callable[[], float] = lambda: 0.0
        self.probe: Callable[[list[Quote]], None] | None = None
        """Called with the quotes of each freshly drawn line (wire-to-screen measurements)."""
        self._cache: dict[int, Strip] = {}
        self._cell_width = 6
        self._best_width = 8
        self._fair_width = 6
        self._label_width = MIN_LABEL_WIDTH
        self._short = False
        """The selection column shows the teams' short names: they leave room for more book columns."""
        self.fair_source: str | None = None
        """The source of most fair prices on screen, named once in the title line; a row from another names its own."""
        self._measured_width = 0

    # --- data -------------------------------------------------------------------

    def watch_fmt(self) -> None:
        self.show(self.grid_data, self.title, True, self.short_title)

    def show(self, grid: Grid | None, title: str, redraw: bool = False, short_title: str = "") -> None:
        """Show a grid; only lines whose content changed are redrawn (all with `redraw`); the cursor keeps its row."""
        now = self.clock()
        kept = self.selected
        books = [b for b in (grid.books if grid else []) if b not in NOT_BOOKABLE]
        columns = [*books, COPILOT] if grid and any(COPILOT in r.cells for r in grid.rows) else books
        same_fixture = grid is not None and self.grid_data is not None and grid.ref == self.grid_data.ref
        full = redraw or columns != self.columns or title != self.title or not same_fixture
        if grid is not None and self.grid_data is not None and grid.suspended != self.grid_data.suspended:
            full = True
        sources = Counter(row.fair_source for row in grid.rows if row.fair is not None) if grid else Counter()
        fair_source = max(sources, key=lambda source: (sources[source], source), default=None)
        full |= fair_source != self.fair_source
        self.grid_data, self.columns, self.title, self.fair_source = grid, columns, title, fair_source
        self.short_title = short_title or title
        lines: list[_Line] = []
        for section in grid.sections if grid else []:
            lines.append(_Line(section, None, ("section", section.title, len(section.alternates), self._open(section))))
            shown = [*section.rows, *(section.alternates if self._open(section) else ())]
            lines.extend(_Line(section, row, ()) for row in shown)
        for index, line in enumerate(lines):
            if line.row is not None:
                line.signature = self._signature(line.row)
            old = self.rows[index] if index < len(self.rows) else None
            if not full and old is not None and old.signature == line.signature and old.row is not None:
                line.flash_until, line.widths = old.flash_until, old.widths
                continue
            if line.row is not None:
                line.flash_until = min(
                    (t for b in columns if (t := flash_ends(line.row.cells.get(b), now)) is not None), default=None
                )
                line.widths = self._widths(line.row, now)
            if not full:
                self._invalidate(index)
        count_changed = len(lines) != len(self.rows)
        self.rows = lines
        if self._measure() or full or count_changed:
            self._cache.clear()
            self.refresh()
        self._restore_cursor(kept, same_fixture)
        self._resize_virtual()
        self._fit_columns()

    def _open(self, section: Section) -> bool:
        return bool(section.alternates) and section.key in self.expanded

    def _signature(self, row: GridRow) -> tuple:
        cells = tuple(self._cell_signature(row.cells.get(b)) for b in self.columns)
        holds = tuple(sorted(row.holds.items())) if self.show_hold else ()
        return (row.key, row.best_book, row.fair, row.fair_source, row.label, holds, self.show_open, *cells)

    def _cell_signature(self, quote: Quote | None) -> tuple:
        if quote is None:
            return ()
        return (id(quote), quote.seq, quote.locked, quote.settlement, self.is_stale(quote))

    def _restore_cursor(self, kept: tuple[GridRow, str] | None, same_fixture: bool) -> None:
        """Keep the cursor on the same market and selection (and book); else the same market; else the top."""
        rows = [i for i, line in enumerate(self.rows) if line.row is not None]
        if not rows:
            self.cursor_row, self.cursor_col = 0, 0
            return
        index = rows[0]
        if kept is not None:
            row, book = kept
            same = [i for i in rows if self.rows[i].row.key == row.key]  # type: ignore[union-attr]
            market = [i for i in rows if self.rows[i].section.key == (row.key[0], row.key[1])]
            index = (same or market or [index])[0]
            if book in self.columns:
                self.cursor_col = self.columns.index(book)
        self.cursor_col = max(0, min(self.cursor_col, len(self.columns) - 1))
        if index != self.cursor_row:
            self._invalidate(self.cursor_row)
            self.cursor_row = index
            self._invalidate(index)
        if not same_fixture:
            self.call_after_refresh(self._scroll_to_cursor)

    def tick(self) -> None:
        """Redraw lines whose move flash has just ended."""
        now = self.clock()
        for index, line in enumerate(self.rows):
            if line.flash_until is not None and line.flash_until <= now:
                line.flash_until = None
                self._invalidate(index)

    def restyle_stale(self) -> None:
        """A stream's health changed: every cell's stale flag may have changed."""
        self._cache.clear()
        self.refresh()

    @property
    def selected(self) -> tuple[GridRow, str] | None:
        """The row and book under the cursor."""
        if not self.columns or not 0 <= self.cursor_row < len(self.rows):
            return None
        row = self.rows[self.cursor_row].row
        return None if row is None else (row, self.columns[self.cursor_col])

    def select_quote(self, book: str, quote_key: str) -> bool:
        """Put the cursor on `book`'s cell holding the quote `quote_key` (unfolding its market's alternate lines
        if it is one); False when the grid shows no such cell."""
        if self.grid_data is None or book not in self.columns:
            return False
        for section in self.grid_data.sections:
            for row in (*section.rows, *section.alternates):
                quote = row.cells.get(book)
                if quote is None or quote.key != quote_key:
                    continue
                if not row.is_main and not self._open(section):
                    self.expanded.add(section.key)
                    self.show(self.grid_data, self.title, short_title=self.short_title)
                index = next(i for i, line in enumerate(self.rows) if line.row is row)
                old = self.cursor_row
                self.cursor_row, self.cursor_col = index, self.columns.index(book)
                self._invalidate(old)
                self._invalidate(index)
                self._scroll_to_cursor()
                return True
        return False

    # --- geometry -----------------------------------------------------------------

    def _widths(self, row: GridRow, now: float) -> tuple[int, int, int]:
        cells = [cell_len(self._cell(row, book, now).text) for book in self.columns]
        return (max(cells, default=0), cell_len(self._best_text(row, now)), cell_len(self._fair_text(row)))

    def _measure(self) -> bool:
        """Size the columns to their widest text, so no price or lock is ever cut; True when that changed."""
        lines = [line.widths for line in self.rows if line.row is not None]
        codes = max((cell_len(self.codes(b)) for b in self.columns), default=3)
        cell = max([codes, self._price_room(), *(w[0] for w in lines)]) + 1
        best = max([4, *(w[1] for w in lines)]) + 1
        fair = max([4, *(w[2] for w in lines)]) + 1
        rows = [line.row for line in self.rows if line.row is not None]
        beside = self.scrollable_content_region.width - best - fair - 1
        full = max([MIN_LABEL_WIDTH, *(self._label_room(row, row.label) for row in rows)])
        brief = max([NARROW_LABEL_WIDTH, *(self._label_room(row, row.short_label or row.label) for row in rows)])

        def columns_beside(label_width: int) -> int:
            return min(len(self.columns), max(0, (beside - label_width) // (cell + 1)))

        # The teams' short names where they make room for more book columns, or spare the full ones a cut.
        short = columns_beside(brief) > columns_beside(full) or full > min(MAX_LABEL_WIDTH, beside - (cell + 1))
        label = min(brief if short else full, MAX_LABEL_WIDTH, beside - (cell + 1))  # one book column at least
        label = max(NARROW_LABEL_WIDTH, label)
        self._measured_width = self.scrollable_content_region.width
        sizes = (cell, best, fair, label, short)
        changed = sizes != (self._cell_width, self._best_width, self._fair_width, self._label_width, self._short)
        self._cell_width, self._best_width, self._fair_width, self._label_width, self._short = sizes
        return changed

    @staticmethod
    def _label_room(row: GridRow, label: str) -> int:
        """The cursor mark, the indent (deeper for an alternate line), the label."""
        return cell_len(label) + (2 if row.is_main else 3)

    def _price_room(self) -> int:
        """Room for a locked price in this format, so a lock appearing later does not widen the columns."""
        return 2 + max(cell_len(format_price(d, self.fmt)) for d in (1.1, 1.95, 11.0))

    @property
    def frozen_width(self) -> int:
        """The selection, best and fair columns and the rule after them: they never scroll sideways."""
        return self._label_width + self._best_width + self._fair_width + 1

    @property
    def visible_columns(self) -> int:
        """How many whole book columns fit beside the frozen ones (at least one)."""
        return max(1, (self.scrollable_content_region.width - self.frozen_width) // (self._cell_width + 1))

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows) + HEADER_LINES)

    def on_resize(self) -> None:
        if self.show_open:  # whether 'open→now' fits depends on the width
            self._remeasure_cells()
        self._measure()
        self._cache.clear()
        self._resize_virtual()
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self.refresh()

    def _invalidate(self, index: int) -> None:
        """Draw row `index` again, where it is on screen (ScrollView.refresh_line would take its virtual line)."""
        self._cache.pop(index, None)
        line = index + HEADER_LINES - self.scroll_offset.y
        if HEADER_LINES <= line < self.size.height:
            self.refresh(Region(0, line, self.size.width, 1))

    # --- drawing ------------------------------------------------------------------

    def _style(self, *names: str) -> Style:
        return self.get_component_rich_style(*(f"price-grid--{name}" for name in names), partial=True)

    def render_line(self, y: int) -> Strip:
        try:
            return self._render_line(y)
        except Exception as exc:  # rendering never raises: the line shows the placeholder, counted and logged
            return failed_line(self, exc, self.scrollable_content_region.width)

    def _render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        width = self.scrollable_content_region.width
        if width != self._measured_width:  # a scrollbar came or went: lay the columns out again
            self._measure()
            self._cache.clear()
            self._fit_columns()
        if y == 0:
            return self._title_strip(width)
        if y == 1:
            return self._scrolled(self._header(), width)
        index = scroll_y + y - HEADER_LINES
        if index >= len(self.rows):
            if index == 0 and self.grid_data is not None:
                return Strip([Segment(fit(NO_PRICES, width), self.rich_style + Style(dim=True))])
            return Strip.blank(width, self.rich_style)
        line = self.rows[index]
        if line.row is None:
            return self._section_strip(line, width)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._cache[index] = self._row_strip(index)
            if self.probe is not None:
                self.probe(list(line.row.cells.values()))
        return self._scrolled(strip, width)

    def _scrolled(self, strip: Strip, width: int) -> Strip:
        """The frozen columns as they are, then the whole book columns from `first_col` that fit."""
        frozen, column = self.frozen_width, self._cell_width + 1
        start = frozen + self.first_col * column
        books = strip.crop(start, start + self.visible_columns * column)
        joined = Strip.join([strip.crop(0, min(frozen, width)), books]).crop(0, width)
        return joined.extend_cell_length(width, self.rich_style)

    def _title_strip(self, width: int) -> Strip:
        """The fixture's title, cut if need be; on the right, the fair price's one source and a suspension."""
        base = self.rich_style
        hold = " · hold per book (h)" if self.show_hold else ""
        hold += " · open → now (O)" if self.show_open else ""
        tags = []
        if self.fair_source is not None:
            tags.append(Segment(f" fair: {self._source_code(self.fair_source)}", base + self._style("fair")))
        if self.grid_data is not None and self.grid_data.suspended:
            tags.append(Segment(f" {SUSPENDED} ", base + self._style("suspended")))
        room = max(0, width - sum(segment.cell_length for segment in tags) - 1)
        title = self.title + hold if cell_len(self.title + hold) <= room else self.short_title + hold
        title_segment = Segment(fit(title, room) + " " if tags else fit(title, width), base + self._style("title"))
        return Strip([title_segment, *tags]).adjust_cell_length(width, base)

    def _header(self) -> Strip:
        base = self.rich_style
        style = base + self._style("header")
        segments = [
            Segment(fit(self._columns_hint(), self._label_width), style),
            Segment(fit("best", self._best_width, right=True), style),
            Segment(fit("fair", self._fair_width, right=True), style),
            Segment("│", style),
        ]
        segments += [Segment(" " + fit(self.codes(b), self._cell_width, right=True), style) for b in self.columns]
        return Strip(segments)

    def _columns_hint(self) -> str:
        """' ◂ books 4-7 of 7' when the book columns do not all fit; shorter (' ◂ 4-7/7') in a narrow column."""
        shown = self.visible_columns
        if shown >= len(self.columns):
            return ""
        last = min(len(self.columns), self.first_col + shown)
        left = "◂" if self.first_col else " "
        right = "▸" if last < len(self.columns) else " "
        hint = f" {left} books {self.first_col + 1}-{last} of {len(self.columns)} {right}"
        if cell_len(hint) > self._label_width:
            hint = f" {left} {self.first_col + 1}-{last}/{len(self.columns)} {right}"
        return hint

    def _section_strip(self, line: _Line, width: int) -> Strip:
        section = line.section
        count = len(section.alternates)
        if not count:
            text = f"  {section.title}"
        elif self._open(section):
            text = f"▾ {section.title}  {count} alternate lines (x folds)"
        else:
            text = f"▸ {section.title}  +{count} alternate lines (x)"
        return Strip([Segment(fit(text, width), self.rich_style + self._style("section"))])

    def _label(self, row: GridRow) -> str:
        return (row.short_label or row.label) if self._short else row.label

    def _cell(self, row: GridRow, book: str, now: float) -> Cell:
        if self.show_hold:
            hold = row.holds.get(book)
            low = min(row.holds.values(), default=None)
            if hold is None:
                return Cell("", "empty")
            if not math.isfinite(hold):
                return Cell(placeholder(("hold", row.key, book)))
            return Cell(f"{hold * 100:.1f}%", "best" if hold == low else "")
        quote = row.cells.get(book)
        if self.show_open and quote is not None:
            return self._open_now_cell(row, book, quote, now)
        stale = quote is not None and self.is_stale(quote)
        line = line_text(row.selection, quote.points) if quote is not None and row.mixed_lines else ""
        return quote_cell(quote, self.fmt, now, stale, best=book == row.best_book, line=line)

    def _open_now_cell(self, row: GridRow, book: str, quote: Quote, now: float) -> Cell:
        """'-110→-125'; both ends show their line when it moved; just '↘-125' when that would not fit."""
        opening = self.opening(quote)
        with_line = row.mixed_lines or (opening is not None and opening[1] != quote.points)
        line = line_text(row.selection, quote.points) if with_line else ""
        cell = quote_cell(quote, self.fmt, now, self.is_stale(quote), best=book == row.best_book, line=line)
        open_line = line_text(row.selection, opening[1]) if opening is not None and with_line else ""
        return since_open_cell(cell, quote, opening, self.fmt, open_line, self._open_room())

    def _open_room(self) -> int:
        """The widest 'open→now' a book column can take beside the frozen ones at their narrowest (and a scrollbar)."""
        width = self.scrollable_content_region.width or self.app.size.width
        return width - (NARROW_LABEL_WIDTH + self._best_width + self._fair_width + 1) - 4

    def _remeasure_cells(self) -> None:
        """Size every line's cells again (their text depends on the width in 'open→now')."""
        now = self.clock()
        for line in self.rows:
            if line.row is not None:
                line.widths = self._widths(line.row, now)

    def _best_text(self, row: GridRow, now: float) -> str:
        best = row.cells.get(row.best_book) if row.best_book else None
        if best is None or row.best_book is None:
            return ""
        line = line_text(row.selection, best.points) if row.mixed_lines else ""
        return f"{self.codes(row.best_book)} {quote_cell(best, self.fmt, now, False, True, line).text.rstrip('▲▼')}"

    def _fair_text(self, row: GridRow) -> str:
        """The fair price, and its source unless it is the one the title line names."""
        if row.fair is None or row.fair_source is None:
            return ""
        source = "" if row.fair_source == self.fair_source else " " + self._source_code(row.fair_source)
        line = f"{line_text(row.selection, row.points)} " if row.mixed_lines else ""
        return f"{line}{decimal_text(row.fair, self.fmt)}{source}"

    def _source_code(self, source: str) -> str:
        return "cons" if source == CONSENSUS else self.codes(source)

    def _row_strip(self, index: int) -> Strip:
        now = self.clock()
        base = self.rich_style
        line = self.rows[index]
        row = line.row
        if row is None:
            return self._section_strip(line, self.frozen_width + (self._cell_width + 1) * len(self.columns))
        cursor = index == self.cursor_row and self.has_focus
        label_style = base + (self._style("alternate") if not row.is_main else Style())
        indent = "  " if not row.is_main else " "
        marker = "▌" if index == self.cursor_row else " "
        segments = [
            Segment(marker + fit(indent + self._label(row), self._label_width - 1), label_style),
            Segment(fit(self._best_text(row, now), self._best_width, right=True), base + Style(bold=True)),
            Segment(fit(self._fair_text(row), self._fair_width, right=True), base + self._style("fair")),
            Segment("│", base + self._style("header")),
        ]
        for col, book in enumerate(self.columns):
            cell = self._cell(row, book, now)
            style = base + self._cell_style(cell)
            here = cursor and col == self.cursor_col
            if here:
                style += self._style("cursor")
            segments.append(Segment("▸" if here else " ", base + self._style("header")))
            segments.append(Segment(self._cell_text(cell.text), style))
        return Strip(segments)

    def _cell_text(self, text: str) -> str:
        """A cell right-aligned, with a column kept for the move arrow so prices stay aligned."""
        arrow = text[-1] if text.endswith(("▲", "▼")) else " "
        return fit(text.rstrip("▲▼"), self._cell_width - 1, right=True) + arrow

    def _cell_style(self, cell: Cell) -> Style:
        if cell.role in ("locked", "stale", "up", "down", "best"):
            return self._style(cell.role)
        return Style()

    # --- keys -----------------------------------------------------------------------

    def action_move(self, rows: int, cols: int) -> None:
        """Move the cursor over price rows (market titles are skipped) and keep it on screen."""
        priced = [i for i, line in enumerate(self.rows) if line.row is not None]
        if not priced:
            return
        old = self.cursor_row
        position = priced.index(old) if old in priced else 0
        self.cursor_row = priced[max(0, min(len(priced) - 1, position + rows))]
        self.cursor_col = max(0, min(len(self.columns) - 1, self.cursor_col + cols))
        self._invalidate(old)
        self._invalidate(self.cursor_row)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        """Scroll just enough that the cursor cell (and its market's title above it) is on screen."""
        if not self.rows:
            return
        y = self.scroll_offset.y
        visible = max(1, self.scrollable_content_region.height - HEADER_LINES)
        row = self.cursor_row
        first = row - 1 if row > 0 and self.rows[row - 1].row is None else row
        if first < y:
            y = first
        elif row >= y + visible:
            y = row - visible + 1
        if y != self.scroll_offset.y:
            self.scroll_to(y=y, animate=False, immediate=True)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Scroll the book columns so the cursor's is on screen and no space is left unused on the right."""
        shown = self.visible_columns
        first_col = min(self.first_col, max(0, len(self.columns) - shown))
        if self.cursor_col < first_col:
            first_col = self.cursor_col
        elif self.cursor_col >= first_col + shown:
            first_col = self.cursor_col - shown + 1
        if first_col != self.first_col:
            self.first_col = first_col
            self.refresh()

    def action_toggle_alternates(self) -> None:
        """Unfold or fold the alternate lines of the market under the cursor."""
        if not 0 <= self.cursor_row < len(self.rows) or self.grid_data is None:
            return
        section = self.rows[self.cursor_row].section
        if not section.alternates:
            self.notify(f"{section.title}: no alternate lines", timeout=2)
            return
        self.expanded.symmetric_difference_update({section.key})
        self.show(self.grid_data, self.title, short_title=self.short_title)
        self._scroll_to_cursor()

    def action_set_alert(self) -> None:
        """Ask the app for an alert on the price under the cursor."""
        selected = self.selected
        if selected is None:
            self.notify("select a price in the grid first", severity="warning", timeout=3)
            return
        self.post_message(self.AlertRequested(*selected))

    def action_toggle_hold(self) -> None:
        """Show each book's hold on each market instead of its prices, or go back."""
        self.show_hold = not self.show_hold
        self.show(self.grid_data, self.title, True, self.short_title)

    def action_toggle_open(self) -> None:
        """Show each price as 'open→now' (where it opened, where it is), or go back."""
        self.show_open = not self.show_open
        self.show(self.grid_data, self.title, True, self.short_title)

    def on_focus(self) -> None:
        self._invalidate(self.cursor_row)

    def on_blur(self) -> None:
        self._invalidate(self.cursor_row)
