"""The scanner's table: one line per signal, best edge first, drawn with the Line API (only visible lines).

Columns: kind, edge %, game, market and line, legs (side, line, book code, price in the current odds format),
fair price and its source. Below about 100 columns the game and market are shortened and the legs drop their
lines, then their sides; a leg's book and price are never cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from oddstui.book_codes import BookCodes
from oddstui.market_view import CONSENSUS, FixtureRef, base_selection, line_text, over_under
from oddstui.model import OddsFormat
from oddstui.odds import OddsError, format_price
from oddstui.signals import Leg, Signal, SignalKind
from oddstui.ui.widgets.price_grid import fit

KIND_LABELS = {SignalKind.EV: "+EV", SignalKind.ARB: "ARB", SignalKind.MIDDLE: "MID", SignalKind.HOLD: "HOLD"}
SHORT_MARKETS = (
    ("Point Spread", "Spread"),
    ("Total Points", "Total"),
    ("Moneyline", "ML"),
    ("Player ", ""),
    ("Team Total", "Team Tot"),
    ("Asian Handicap", "AH"),
)
WIDE = 100
"""From this width the game and market are written out in full."""
HEADER_LINES = 1
HEIGHT_STEP = 64
"""The scrollable height grows and shrinks in steps of this many lines: a new layout for every change in the
number of signals would cost a full repaint several times a second."""


@dataclass(frozen=True, slots=True)
class Columns:
    kind: int
    edge: int
    game: int
    market: int
    legs: int
    fair: int


def layout(width: int) -> Columns:
    """Column widths for `width` cells: fixed kind, edge and fair; the rest shared by game, market and legs."""
    kind, edge, fair = 4, 7, 10 if width >= WIDE else 9
    rest = max(0, width - kind - edge - fair - 5)  # one space between columns
    if width >= WIDE:
        game, market = rest * 30 // 100, rest * 28 // 100
    else:  # the game as 'DEN@MIA'
        game = min(8, rest // 4)
        market = (rest - game) * 35 // 100
    return Columns(kind, edge, game, market, rest - game - market, fair)


def short_side(selection: str, points: float | None) -> str:
    """'DEN' for Denver Nuggets, 'LAL' for Los Angeles Lakers, 'O'/'U' for over/under, 'X' for a draw."""
    side = over_under(selection)
    if side is not None:
        return "OU"[side]
    words = base_selection(selection, points).split()
    if not words:
        return "?"
    if words[0].lower() in ("draw", "tie", "x"):
        return "X"
    if len(words) >= 3:
        return "".join(w[0] for w in words[:3]).upper()
    return words[0][:3].upper()


def short_market(market: str) -> str:
    for long, short in SHORT_MARKETS:
        market = market.replace(long, short)
    return market.strip()


def _price(decimal: float, american: int, fmt: OddsFormat) -> str:
    try:
        return format_price(decimal, fmt, american if fmt is OddsFormat.AMERICAN else None)
    except OddsError:
        return "?"


def leg_texts(legs: tuple[Leg, ...], codes: BookCodes, fmt: OddsFormat) -> list[str]:
    """The legs from the fullest form to the shortest: side and line, then the side only, then book and price."""
    forms: list[list[str]] = [[], [], []]
    for leg in legs:
        price = f"{codes(leg.book)} {_price(leg.price_decimal, leg.price_american, fmt)}"
        side = short_side(leg.selection, leg.points)
        line = line_text(leg.selection, leg.points)
        forms[0].append(f"{side} {line} {price}" if line else f"{side} {price}")
        forms[1].append(f"{side} {price}")
        forms[2].append(price)
    return [" · ".join(form) for form in forms]


def market_text(signal: Signal, wide: bool, bare: bool = False) -> str:
    """The market (with the player of a prop) and its line: the window for a middle.

    `bare`: the market alone, where its side and line would be cut (the legs column shows them).
    """
    market = signal.market if wide else short_market(signal.market)
    if signal.player:
        market = f"{signal.player} {market}"
    if signal.middle is not None:
        return f"{market} {signal.middle.low:g} to {signal.middle.high:g}"
    if bare:
        return market
    first = signal.legs[0]
    line = line_text(first.selection, first.points)
    if line and signal.kind is not SignalKind.EV:
        return f"{market} {line}"
    if signal.kind is SignalKind.EV:
        side = base_selection(first.selection, first.points) if wide else short_side(first.selection, first.points)
        return f"{market} {side} {line}".rstrip()
    return market


def fair_text(signal: Signal, codes: BookCodes, fmt: OddsFormat) -> str:
    """For +EV: the fair price and its source (a sharp book's code, or 'cons' for the consensus)."""
    if signal.fair_decimal is None or signal.fair_source is None:
        return ""
    source = "cons" if signal.fair_source == CONSENSUS else codes(signal.fair_source)
    try:
        return f"{format_price(signal.fair_decimal, fmt)} {source}"
    except OddsError:
        return ""


def game_text(name: str, wide: bool) -> str:
    """'Denver Nuggets @ Miami Heat', or 'DEN@MIA' when narrow."""
    if wide or " @ " not in name:
        return name
    away, home = name.split(" @ ", 1)
    return f"{short_side(away, None)}@{short_side(home, None)}"


class SignalTable(ScrollView, can_focus=True):
    """Signals, best edge first: j/k move, enter opens the signal's game in the grid."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False),
        Binding("k,up", "move(-1)", "Up", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
        Binding("home", "move(-1000000)", "First", show=False),
        Binding("end", "move(1000000)", "Last", show=False),
        Binding("enter", "choose", "Go to", tooltip="open the signal's game in the grid with its price selected"),
    ]
    COMPONENT_CLASSES = {
        "signal-table--header",
        "signal-table--cursor",
        "signal-table--arb",
        "signal-table--ev",
        "signal-table--middle",
        "signal-table--hold",
        "signal-table--empty",
    }
    DEFAULT_CSS = """
    SignalTable { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    SignalTable > .signal-table--header { text-style: bold; color: $text-muted; }
    SignalTable > .signal-table--cursor { text-style: reverse bold; }
    SignalTable > .signal-table--arb { color: $success; text-style: bold; }
    SignalTable > .signal-table--ev { color: $accent; }
    SignalTable > .signal-table--middle { color: $warning; }
    SignalTable > .signal-table--hold { color: $text-muted; }
    SignalTable > .signal-table--empty { color: $text-muted; text-style: italic; }
    """

    class Chosen(Message):
        """Enter on a signal."""

        def __init__(self, signal: Signal) -> None:
            super().__init__()
            self.signal = signal

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.signals: list[Signal] = []
        self.cursor = 0
        self.fmt = OddsFormat.AMERICAN
        self.codes = BookCodes()
        self.game_name: Callable[[FixtureRef], str] = lambda ref: ref[1]
        self.empty_text = "no signal yet"
        self._cache: dict[int, tuple[Signal, bool, Strip]] = {}
        """Each drawn line: the signal it shows, whether the cursor was on it, and the strip."""
        self._styles: dict[str, Style] = {}
        self._width = 0

    def show(self, signals: list[Signal], fmt: OddsFormat) -> None:
        """New signals: the cursor stays on the same signal where it is still listed, else at the same place."""
        kept = self.selected
        if fmt is not self.fmt:
            self._cache.clear()
        self.signals, self.fmt = signals, fmt
        if kept is not None:
            key, fixture_id, market = kept.key, kept.fixture_id, kept.market
            where = next(
                (
                    i
                    for i, s in enumerate(signals)
                    if s.fixture_id == fixture_id and s.market == market and s.key == key
                ),
                None,
            )
            if where is not None:
                self.cursor = where
        self.cursor = max(0, min(self.cursor, len(signals) - 1))
        self._resize_virtual()
        self.refresh()  # lines whose signal is the same object as before are drawn from the cache
        self._scroll_to_cursor()

    def _resize_virtual(self) -> None:
        lines = len(self.signals) + HEADER_LINES
        if lines > self.size.height:  # scrolling: in steps, past the last signal
            lines = -(-lines // HEIGHT_STEP) * HEIGHT_STEP
        size = Size(self.scrollable_content_region.width, lines)
        if size != self.virtual_size:
            self.virtual_size = size

    @property
    def selected(self) -> Signal | None:
        return self.signals[self.cursor] if 0 <= self.cursor < len(self.signals) else None

    # --- drawing ------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        """The widget's style with the component class `name` over it (the cursor's alone, to go over a line's)."""
        style = self._styles.get(name)
        if style is None:
            own = self.get_component_rich_style(f"signal-table--{name}", partial=True)
            style = self._styles[name] = own if name == "cursor" else self.rich_style + own
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            self._cache.clear()
        if y == 0:
            header = " " + self._join(self._header(), layout(width - 1))
            return Strip([Segment(fit(header, width), self._style("header"))])
        index = self.scroll_offset.y + y - HEADER_LINES
        if index >= len(self.signals):
            if index == 0:
                return Strip([Segment(fit(" " + self.empty_text, width), self._style("empty"))])
            return Strip.blank(width, self.rich_style)
        signal, cursor = self.signals[index], index == self.cursor
        held = self._cache.get(index)
        if held is not None and held[0] is signal and held[1] == cursor:
            return held[2]
        strip = self._row_strip(index, width)
        self._cache[index] = (signal, cursor, strip)
        return strip

    @staticmethod
    def _header() -> list[str]:
        return ["kind", "edge %", "game", "market / line", "legs (book price)", "fair"]

    def _join(self, cells: list[str], columns: Columns) -> str:
        widths = (columns.kind, columns.edge, columns.game, columns.market, columns.legs, columns.fair)
        right = (False, True, False, False, False, True)
        parts = [fit(text, w, r) for text, w, r in zip(cells, widths, right, strict=True) if w > 0]
        return " ".join(parts)

    def row_cells(self, signal: Signal, width: int) -> list[str]:
        """The texts of one signal's line at `width`, before fitting."""
        columns = layout(width)
        wide = width >= WIDE
        legs = leg_texts(signal.legs, self.codes, self.fmt)
        fitted = next((text for text in legs if cell_len(text) <= columns.legs), legs[-1])
        market = market_text(signal, wide)
        if cell_len(market) > columns.market:
            market = market_text(signal, wide, bare=True)
        return [
            KIND_LABELS[signal.kind],
            f"{signal.edge_pct:+.2f}",
            game_text(self.game_name(signal.ref), wide),
            market,
            fitted,
            fair_text(signal, self.codes, self.fmt),
        ]

    def _row_strip(self, index: int, width: int) -> Strip:
        signal = self.signals[index]
        style = self._style(signal.kind.value)
        if index == self.cursor and self.has_focus:
            style += self._style("cursor")
        marker = "▌" if index == self.cursor else " "
        text = marker + self._join(self.row_cells(signal, width - 1), layout(width - 1))
        return Strip([Segment(fit(text, width), style)])

    # --- keys -----------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if not self.signals:
            return
        old = self.cursor
        self.cursor = max(0, min(len(self.signals) - 1, self.cursor + step))
        self._cache.pop(old, None)
        self._cache.pop(self.cursor, None)
        self.refresh()
        self._scroll_to_cursor()

    def action_choose(self) -> None:
        if self.selected is not None:
            self.post_message(self.Chosen(self.selected))

    def _scroll_to_cursor(self) -> None:
        y = self.scroll_offset.y
        visible = max(1, self.scrollable_content_region.height - HEADER_LINES)
        if self.cursor < y:
            y = self.cursor
        elif self.cursor >= y + visible:
            y = self.cursor - visible + 1
        if y != self.scroll_offset.y:
            self.scroll_to(y=y, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._cache.clear()
        self._resize_virtual()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._styles.clear()
        self.refresh()

    def on_focus(self) -> None:
        self._cache.pop(self.cursor, None)
        self.refresh()

    def on_blur(self) -> None:
        self._cache.pop(self.cursor, None)
        self.refresh()
