"""One fixture's prices as a trader reads them. Pure: no I/O, no UI.

Markets come in a bettor's order (moneyline, spread, total, team totals, then periods, then player
props by player); sides away before home (home, draw, away in soccer), over before under. Each
selection shows its main line; the other lines fold under it as alternates. When books hang
different main lines, the row keeps one place and each cell carries its own line; best is judged by
line first, then price. Fair is the no-vig price of the first configured sharp book that prices the
whole market live, else the consensus of at least three live books, and it names its source.
Nothing here builds on a locked, settled or stale price.
"""

from __future__ import annotations

import functools
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from oddstui.book_codes import SHARP_BOOKS as SHARP_BOOKS  # its home: light enough for the config to load
from oddstui.devig import DevigMethod, fair_probabilities
from oddstui.model import Fixture, Quote
from oddstui.odds import OddsError, hold
from oddstui.render_guard import placeholder
from oddstui.short_names import short_teams

FixtureRef = tuple[str, str]
LivePrice = Callable[[Quote], bool]
"""True for a price one could bet now: not locked, settled or stale."""

NOT_BOOKABLE = frozenset({"Copilot"})
"""Model prices shown beside the books but never offered as the best price, nor counted in a consensus."""
CONSENSUS = "consensus"
"""The fair source when no sharp book prices the market live: the median no-vig price across live books."""
MIN_CONSENSUS_BOOKS = 3

RowKey = tuple[str, str, str, float | None]
"""(market, player, selection, line): line is None for the main-line row, whose line may vary by book."""


@dataclass(slots=True)
class GridRow:
    market: str
    selection: str
    label: str
    """What the selection column says: the selection without its player, with the line unless cells carry it."""
    points: float | None
    """The row's line: the sharp book's, else the one most live books hang."""
    is_main: bool
    cells: dict[str, Quote]
    key: RowKey
    mixed_lines: bool = False
    """Books hang different lines on this main row: each cell shows its own line."""
    best_book: str | None = None
    fair: float | None = None
    fair_source: str | None = None
    """The sharp book the fair price came from, or CONSENSUS."""
    holds: dict[str, float] = field(default_factory=dict)
    """Each book's hold on this row's market at this line, where it prices every side live."""
    short_label: str = ""
    """The label with the teams' short names ('Thunder +3.5'), for a narrow selection column."""


@dataclass(slots=True)
class Section:
    """One market (of one player, for props): main rows, then alternate lines folded under them."""

    key: tuple[str, str]
    title: str
    rows: list[GridRow]
    alternates: list[GridRow]


@dataclass(slots=True)
class Grid:
    ref: FixtureRef
    books: list[str]
    sections: list[Section]
    suspended: bool = False
    """Every price of the fixture is suspended (locked)."""

    @property
    def rows(self) -> list[GridRow]:
        """Every row in screen order, alternates unfolded."""
        return [row for section in self.sections for row in (*section.rows, *section.alternates)]


def fully_suspended(quotes: Iterable[Quote]) -> bool:
    """True when there are prices and every one of them is locked."""
    seen = False
    for quote in quotes:
        if not quote.locked:
            return False
        seen = True
    return seen


# --- order ------------------------------------------------------------------------------

_ORDINALS = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4, "fourth": 4, "5th": 5}
_PERIOD_UNITS = {"half": 1, "quarter": 2, "period": 3, "inning": 4, "innings": 4, "set": 5, "map": 6}
_SHORT_PERIOD = re.compile(r"\b([hqp])([1-9])\b")
_KINDS = (
    ("team total", 3),
    ("moneyline", 0),
    ("money line", 0),
    ("1x2", 0),
    ("match winner", 0),
    ("match result", 0),
    ("full time result", 0),
    ("to win", 0),
    ("winner", 0),
    ("h2h", 0),
    ("spread", 1),
    ("handicap", 1),
    ("run line", 1),
    ("puck line", 1),
    ("total", 2),
    ("over/under", 2),
)


def market_kind(market: str) -> int:
    """0 moneyline/1X2, 1 spread/handicap, 2 total, 3 team total, 4 anything else."""
    low = market.lower()
    return next((kind for word, kind in _KINDS if word in low), 4)


def market_period(market: str) -> tuple[int, int]:
    """(unit, number) of a period market, e.g. (1, 1) for '1st Half'; (0, 0) for the full game."""
    words = re.findall(r"[a-z0-9]+", market.lower())
    unit = next((_PERIOD_UNITS[w] for w in words if w in _PERIOD_UNITS), 0)
    number = next((_ORDINALS[w] for w in words if w in _ORDINALS), 0)
    if short := _SHORT_PERIOD.search(market.lower()):
        unit = unit or {"h": 1, "q": 2, "p": 3}[short.group(1)]
        number = number or int(short.group(2))
    if unit and not number:
        number = 1
    return (unit, number) if number else (0, 0)


def market_rank(market: str, player: str = "") -> tuple:
    """Sort key: full-game markets, then periods, then player props grouped by player."""
    prop = bool(player) or "player" in market.lower()
    period = market_period(market)
    tier = 2 if prop else 1 if period != (0, 0) else 0
    return (tier, player.lower(), period, market_kind(market), market.lower())


@functools.lru_cache(maxsize=16384)
def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.lower()))


@functools.lru_cache(maxsize=16384)
def over_under(selection: str) -> int | None:
    """0 for an over, 1 for an under, None for neither."""
    words = _words(selection)
    return 0 if "over" in words else 1 if "under" in words else None


def side_key(selection: str, fixture: Fixture | None) -> tuple:
    """Away before home (home, draw, away in soccer), over before under, then by name."""
    low = selection.lower()
    words = _words(selection)
    team = 3
    if "draw" in words or "tie" in words or low == "x":
        team = 1
    elif fixture is not None:
        first, last = (fixture.home, fixture.away) if fixture.sport == "soccer" else (fixture.away, fixture.home)
        if first.lower() in low:
            team = 0
        elif last.lower() in low:
            team = 2
    ou = over_under(selection)
    return (team, 2 if ou is None else ou, low)


_TRAILING_NUMBER = re.compile(r"\s*\(?([+-]?\d+(?:\.\d+)?)\)?$")


@functools.lru_cache(maxsize=65536)
def base_selection(selection: str, points: float | None) -> str:
    """The selection without the line some feeds put in its name ('Over 220.5' -> 'Over')."""
    if points is None:
        return selection
    match = _TRAILING_NUMBER.search(selection)
    if match and match.start() > 0 and abs(float(match.group(1))) == abs(points):
        return selection[: match.start()]
    return selection


def outcome_stem(selection: str) -> str:
    """The selection without its over/under word: the outcome set it belongs to ('Celtics Over' -> 'celtics')."""
    return " ".join(w for w in _words(selection) if w not in ("over", "under"))


def outcome_sets(selections: Iterable[str], fixture: Fixture | None) -> list[list[str]]:
    """The selections in screen order (`side_key`), split into the outcome sets that price one event together:
    each over/under pair apart, the sides of the match together."""
    sets: dict[str, list[str]] = {}
    for selection in sorted(selections, key=lambda s: side_key(s, fixture)):
        sets.setdefault(outcome_stem(selection) if over_under(selection) is not None else "", []).append(selection)
    return list(sets.values())


def pair_key(points: float | None, index: int, sides: int, ou: bool) -> float | None:
    """What makes quotes of an outcome set one line: equal totals, opposite handicaps of two sides, the size of
    a 3-way one."""
    if points is None or ou:
        return points
    if sides > 2:
        return abs(points)
    return points if index == 0 else -points


def points_text(points: float | None, signed: bool = False) -> str:
    """'-3.5', '+3.5' for a handicap (`signed`), '220.5' for a total; '' for no line; the placeholder for NaN or inf."""
    if points is None:
        return ""
    if not math.isfinite(points):
        return placeholder(("line", repr(points)))
    return f"{points:+g}" if signed or points < 0 else f"{points:g}"


def line_text(selection: str, points: float | None) -> str:
    """A line as the selection reads it: handicaps signed, over/under lines bare."""
    return points_text(points, signed=over_under(selection) is None)


_OVER_UNDER = re.compile(r"\b(Over|Under)\b", re.IGNORECASE)


def short_label(label: str, fixture: Fixture | None) -> str:
    """The label with the teams' short names and O/U for over/under ('Heat O 118.5'); whole words, never cut."""
    if fixture is not None:
        short_away, short_home = short_teams(fixture.away, fixture.home, fixture.sport, fixture.league)
        for full, short in ((fixture.away, short_away), (fixture.home, short_home)):
            if full and full != short:
                label = label.replace(full, short)
    return _OVER_UNDER.sub(lambda m: m.group(1)[0].upper(), label)


def _label(selection: str, player: str, points: float | None, with_line: bool) -> str:
    text = selection[len(player) :].strip() if player and selection.startswith(player) else selection
    line = line_text(selection, points)
    if with_line and line and line not in text:
        text = f"{text} {line}"
    return text or selection


# --- best, fair, hold ---------------------------------------------------------------------


def _line_value(row: GridRow, quote: Quote) -> float:
    """How good a line is for the bettor: a higher handicap, a lower over, a higher under."""
    if quote.points is None:
        return 0.0
    return -quote.points if over_under(row.selection) == 0 else quote.points


def _set_best(row: GridRow, is_live: LivePrice) -> None:
    live = [q for book, q in row.cells.items() if book not in NOT_BOOKABLE and is_live(q)]
    if live:
        row.best_book = max(live, key=lambda q: (_line_value(row, q), q.decimal, q.book)).book


def _pair_value(row: GridRow, quote: Quote, index: int, over_under_set: bool) -> float | None:
    """What makes the quotes of one line agree: equal points for totals, opposite handicaps for two sides."""
    if quote.points is None:
        return None
    if over_under_set:
        return quote.points
    return quote.points if index == 0 else -quote.points


def _book_line(rows: list[GridRow], book: str, is_live: LivePrice, ou: bool) -> list[Quote] | None:
    """The book's live quotes on every side of one line, or None."""
    quotes = [row.cells.get(book) for row in rows]
    if not all(q is not None and is_live(q) for q in quotes):
        return None
    live = [q for q in quotes if q is not None]
    if len(rows) == 2 and len({_pair_value(r, q, i, ou) for i, (r, q) in enumerate(zip(rows, live, strict=True))}) != 1:
        return None
    return live


def _set_fair_and_hold(
    rows: list[GridRow],
    books: Sequence[str],
    sharp: Sequence[str],
    is_live: LivePrice,
    method: DevigMethod,
    holds: bool = True,
) -> None:
    """Fair (no-vig) price and its source, and each book's hold (unless `holds` is False), for one line of one
    outcome set. Without holds a sharp book's live line is enough: the other books are read only for a consensus."""
    if len(rows) not in (2, 3):
        return
    ou = all(over_under(r.selection) is not None for r in rows)
    if holds:
        priced = {book: line for book in books if (line := _book_line(rows, book, is_live, ou)) is not None}
        for book, line in priced.items():
            if book not in NOT_BOOKABLE:
                try:
                    book_hold = hold([q.decimal for q in line])
                except OddsError:
                    continue
                for row in rows:
                    row.holds[book] = book_hold
    lowered = {name.lower() for name in sharp}
    sharp_books = [book for book in books if book.lower() in lowered]
    lines = {book: _book_line(rows, book, is_live, ou) for book in sharp_books} if not holds else priced
    by_lower = {book.lower(): book for book in sharp_books if lines.get(book) is not None}
    for name in sharp:
        sharp_book = by_lower.get(name.lower())
        line = lines.get(sharp_book) if sharp_book is not None else None
        if sharp_book is not None and line is not None and _apply_fair(rows, [line], sharp_book, method):
            return
    if not holds:
        priced = {book: line for book in books if (line := _book_line(rows, book, is_live, ou)) is not None}
    on_row_line = [
        line
        for book, line in priced.items()
        if book not in NOT_BOOKABLE and all(q.points == r.points for q, r in zip(line, rows, strict=True))
    ]
    if len(on_row_line) >= MIN_CONSENSUS_BOOKS:
        _apply_fair(rows, on_row_line, CONSENSUS, method)


def _apply_fair(rows: list[GridRow], lines: list[list[Quote]], source: str, method: DevigMethod) -> bool:
    """Median no-vig probability per side across `lines`, renormalised; False if a line is not a price."""
    try:
        probabilities = [fair_probabilities([q.decimal for q in line], method) for line in lines]
    except OddsError:
        return False
    medians = [statistics.median(side) for side in zip(*probabilities, strict=True)]
    total = sum(medians)
    for row, probability in zip(rows, medians, strict=True):
        row.fair, row.fair_source = total / probability, source
    return True


# --- building the grid --------------------------------------------------------------------


def main_cells(quotes: list[Quote], is_live: LivePrice) -> dict[str, Quote]:
    """Each book's main quote for one selection; of several flagged main, a live one nearest even money."""
    cells: dict[str, Quote] = {}
    for quote in quotes:
        if not quote.is_main:
            continue
        held = cells.get(quote.book)
        if held is None or _main_preference(quote, is_live) < _main_preference(held, is_live):
            cells[quote.book] = quote
    return cells


def _main_preference(quote: Quote, is_live: LivePrice) -> tuple[bool, float]:
    return (not is_live(quote), abs(quote.decimal - 2.0))


def _row_line(cells: dict[str, Quote], sharp: Sequence[str], is_live: LivePrice) -> float | None:
    """The sharp book's live line, else the line most live books hang (all books if none is live)."""
    by_lower = {book.lower(): quote for book, quote in cells.items()}
    for name in sharp:
        quote = by_lower.get(name.lower())
        if quote is not None and is_live(quote):
            return quote.points
    live = [q.points for q in cells.values() if is_live(q) and q.book not in NOT_BOOKABLE]
    counts = Counter(live or [q.points for q in cells.values()])
    return max(counts, key=lambda p: (counts[p], -abs(p or 0.0), p or 0.0))


def build_section(
    market: str,
    player: str,
    quotes: list[Quote],
    fixture: Fixture | None,
    sharp: Sequence[str],
    is_live: LivePrice,
    main_only: bool,
    method: DevigMethod,
    grid_extras: bool = True,
) -> Section:
    """One market's rows (of one player, for props) from its quotes at every book.

    `grid_extras` False leaves out what only the grid shows, each book's hold, each row's best cell and its
    labels (the selection stands for both): the scanner's signals need only the rows and their fair prices.
    """
    by_selection: dict[str, list[Quote]] = {}
    for quote in quotes:
        by_selection.setdefault(base_selection(quote.selection, quote.points), []).append(quote)
    selections = sorted(by_selection, key=lambda s: side_key(s, fixture))
    sets = outcome_sets(selections, fixture)
    books = sorted({q.book for q in quotes})
    main_rows: dict[str, GridRow] = {}
    alternates: list[GridRow] = []
    for selection in selections:
        cells = main_cells(by_selection[selection], is_live)
        if not cells:
            continue
        line = _row_line(cells, sharp, is_live)
        mixed = len({q.points for q in cells.values()}) > 1
        label = _label(selection, player, line, with_line=not mixed) if grid_extras else selection
        key = (market, player, selection, None)
        short = short_label(label, fixture) if grid_extras else label
        main_rows[selection] = GridRow(market, selection, label, line, True, cells, key, mixed, short_label=short)
    if not main_only:
        lines: dict[tuple[str, float | None], dict[str, Quote]] = {}
        for selection in selections:
            main = main_rows.get(selection)
            for quote in by_selection[selection]:
                if main is None or quote.points != main.points:
                    lines.setdefault((selection, quote.points), {})[quote.book] = quote
        for (selection, points), cells in lines.items():
            label = _label(selection, player, points, with_line=True) if grid_extras else selection
            line_key = (market, player, selection, points)
            short = short_label(label, fixture) if grid_extras else label
            alternates.append(GridRow(market, selection, label, points, False, cells, line_key, short_label=short))
    ladder: dict[int, float] = {}
    for members in sets:
        ou = all(over_under(s) is not None for s in members)
        main_set = [main_rows[s] for s in members if s in main_rows]
        _set_fair_and_hold(main_set, books, sharp, is_live, method, grid_extras)
        by_pair: dict[float | None, list[GridRow]] = {}
        for row in alternates:
            if row.selection in members:
                value = pair_key(row.points or 0.0, members.index(row.selection), len(members), ou) or 0.0
                ladder[id(row)] = value
                by_pair.setdefault(value, []).append(row)
        for pair in by_pair.values():
            if len(pair) == len(members):
                pair.sort(key=lambda r: members.index(r.selection))
                _set_fair_and_hold(pair, books, sharp, is_live, method, grid_extras)
    rows = [main_rows[s] for s in selections if s in main_rows]
    for row in (*rows, *alternates) if grid_extras else ():
        _set_best(row, is_live)
    order = {s: i for i, s in enumerate(selections)}
    alternates.sort(key=lambda r: (r.points is None, ladder.get(id(r), 0.0), order[r.selection]))
    title = f"{player} · {market}" if player else market
    return Section((market, player), title, rows, alternates)


def build_grid(
    ref: FixtureRef,
    fixture: Fixture | None,
    quotes: Iterable[Quote],
    is_live: LivePrice,
    books: Sequence[str] = (),
    sharp: Sequence[str] = SHARP_BOOKS,
    main_only: bool = False,
    method: DevigMethod = DevigMethod.MULTIPLICATIVE,
) -> Grid:
    """The grid of one fixture: `books` picks and orders the columns (empty: every book, alphabetically).

    `method` is how a book's prices are de-vigged into the fair price.
    """
    wanted = set(books)
    seen: dict[str, None] = {}
    by_market: dict[tuple[str, str], list[Quote]] = {}
    every: list[Quote] = []
    for quote in quotes:
        every.append(quote)
        if wanted and quote.book not in wanted:
            continue
        seen[quote.book] = None
        by_market.setdefault((quote.market, quote.player), []).append(quote)
    sections = [
        build_section(market, player, market_quotes, fixture, sharp, is_live, main_only, method)
        for (market, player), market_quotes in by_market.items()
    ]
    sections = [s for s in sections if s.rows or s.alternates]
    sections.sort(key=lambda s: market_rank(*s.key))
    columns = [b for b in books if b in seen] if books else sorted(seen, key=str.lower)
    return Grid(ref, columns, sections, fully_suspended(every))
