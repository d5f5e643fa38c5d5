"""What one grid cell says: text and a style role. Pure functions, shared by the grid and the parlay slip."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

from oddstui.model import OddsFormat, Quote
from oddstui.odds import OddsError, format_price
from oddstui.render_guard import placeholder, safe_text

FLASH_SECONDS = 2.0
"""How long a moved price shows its arrow and colour."""
SETTLEMENT_MARKS = {
    "won": "WON",
    "lost": "LOST",
    "push": "PUSH",
    "void": "VOID",
    "half won": "½WON",
    "half lost": "½LST",
}
"""Four-column marks for the settlements Copilot sends; any other word shows its first four letters."""
MAX_PRICE_CELLS = 10
"""A price longer than this (a decimal of 1e300 written out) is not a price a cell can show."""


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    role: str = ""
    """'', 'locked', 'stale', 'up', 'down', 'best' or 'empty'."""


def price_text(quote: Quote, fmt: OddsFormat) -> str:
    """The quote's price in `fmt`; the placeholder (counted) for one that cannot be shown."""
    try:
        text = format_price(quote.decimal, fmt, quote.american if fmt is OddsFormat.AMERICAN else None)
    except (ArithmeticError, ValueError, TypeError):  # OddsError, NaN or inf in int(), a raw value of a wrong type
        text = ""
    if 0 < len(text) <= MAX_PRICE_CELLS:
        return text
    return placeholder(("price", quote.provider, quote.key, repr(quote.decimal), repr(quote.raw), fmt.value))


def decimal_text(decimal: float, fmt: OddsFormat, american: float | None = None) -> str:
    """A price that is no book's quote (fair, a parlay's) in `fmt`; the placeholder (counted) if it cannot be shown."""
    try:
        text = format_price(decimal, fmt, None if american is None else int(american))
    except (ArithmeticError, ValueError, TypeError):
        text = ""
    return text if 0 < len(text) <= MAX_PRICE_CELLS else placeholder(("price", repr(decimal), repr(american), fmt))


def quote_cell(quote: Quote | None, fmt: OddsFormat, now: float, stale: bool, best: bool, line: str = "") -> Cell:
    """A locked price is never shown as live: it gets a lock and its own colour. Stale ones say so.

    `line` goes before the price when books hang different lines on one row ('-3.5 -110').
    """
    if quote is None:
        return Cell("", "empty")
    text = f"{line} {price_text(quote, fmt)}" if line else price_text(quote, fmt)
    if quote.settlement is not None:
        word = safe_text(quote.settlement.strip().lower())
        return Cell(f"🔒{SETTLEMENT_MARKS.get(word, word[:4].upper())}", "locked")
    if quote.locked:
        return Cell(f"🔒{text}", "locked")
    if stale:
        return Cell(f"≈{text}", "stale")
    if quote.move and now - quote.moved_at < FLASH_SECONDS:
        return Cell(f"{text}{'▲' if quote.move > 0 else '▼'}", "up" if quote.move > 0 else "down")
    return Cell(text, "best" if best else "")


def flash_ends(quote: Quote | None, now: float) -> float | None:
    """When this cell's move flash ends, if it is flashing now."""
    if quote is None or not quote.move or quote.locked:
        return None
    end = quote.moved_at + FLASH_SECONDS
    return end if end > now else None


def since_open_cell(
    cell: Cell, quote: Quote, opening: tuple[float, float | None] | None, fmt: OddsFormat, line: str, room: int
) -> Cell:
    """'-110→-125': where the price opened, then the cell as it is now, its lock, stale mark or move arrow kept.

    `line` goes before the opening price when the line moved since. When the text is wider than `room` cells,
    only a mark of the way the price went since it opened goes before the cell: '↗' longer, '↘' shorter,
    '↔' the line alone moved. A settled cell, or one that has not moved, is left as it is.
    """
    if opening is None or quote.settlement is not None or cell.role == "empty":
        return cell
    decimal, points = opening
    if decimal == quote.decimal and points == quote.points:
        return cell
    try:
        opened = format_price(decimal, fmt)
    except OddsError:
        opened = "?"
    text = f"{line} {opened}→{cell.text}" if line else f"{opened}→{cell.text}"
    if cell_len(text) > room:
        text = f"{'↗' if quote.decimal > decimal else '↘' if quote.decimal < decimal else '↔'}{cell.text}"
    return Cell(text, cell.role)
