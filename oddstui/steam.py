"""Steam: a sharp book moves a price or a line and the market follows within seconds. Pure: no I/O, no UI.

Steam on a selection: a sharp book (any of the configured sharp books) makes a sharp move, over one update or
several within `window` seconds, measured from where the selection stood weakest in that window:
- a price move: it shortens its price by at least `min_move` points of implied probability (2.0 by default:
  -110 to -120 is 2.2);
- a line move: it moves its main line by at least `min_line_move` points (0.5 by default) in the selection's
  favour: a handicap growing for its side (Heat -3.5 to Heat -4.5 is steam on the Heat), a total going up for
  the Over and down for the Under.
Then at least `followers` soft books (2 by default: bookable books that are not sharp) follow within `window`
seconds (60 by default), each by a price shortening of at least half `min_move` on the same selection at any
line, or by its main line moving at least half `min_line_move` the same way. One alert per steam: a move for one
side is the other side drifting, so only moves in a selection's favour are steam.

A line move and a price move are measured apart, each against its own threshold, never converted into each
other: what half a point is worth depends on the sport and the number (3 and 7 in football), so neither adds
to the other, and a sharp move is one or the other. A book's main line is, of its live prices for the
selection flagged main, the one nearest even money, as the grid shows it (`market_view.main_cells`): chosen
from every main-flagged quote the book has for the selection, not only those that changed.

Only moves from a live price to a live price count: a lock, a settlement, a stale price, a stream going down
or a game suspended or over (every price of it is stale) never starts or follows steam, and breaks what was
building: a price, or a main line, that re-opens after one starts afresh, as does every market of a game that
was suspended, and every market of a provider whose stream goes down or comes back (the main lines it hangs
after that are where its books start from; other providers go on). An alert is not raised once the
sharp price is no longer live. A feed without alternate lines moves its main line by locking the old line and
posting the new one together: a new main line within LINE_SWAP_SECONDS of the old one's lock is a line move,
a longer gap is a suspension. In-play prices are left out unless `live_games` is set: they move with the game
itself, every book after a score. Memory stays bounded: each market keeps only the moves of the last `window`
seconds, at most MAX_LINES main lines are remembered, the index of each book's main-flagged quotes costs about
40 bytes a price, and all of it goes with a fixture the store evicts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from oddstui.alert_rule import DEFAULT_STEAM, SteamSettings
from oddstui.market_view import (
    NOT_BOOKABLE,
    SHARP_BOOKS,
    FixtureRef,
    base_selection,
    line_text,
    main_cells,
    over_under,
)
from oddstui.model import Quote, StreamState
from oddstui.store import Store

FOLLOW_SHARE = 0.5
"""A follower moves its price, or its line, by at least this share of `min_move` (or `min_line_move`)."""
MARK_SECONDS = 300.0
"""The fixture list marks a fixture for this long after its last steam."""
MAX_MARKETS = 20_000
"""Markets with a move inside the window, at most; the longest quiet goes first."""
MAX_MOVES_PER_PRICE = 32
MAX_LINES = 50_000
"""Books' main lines remembered (one per book and selection with a line; about 290 bytes each), at most; the
longest quiet goes first."""
LINE_SWAP_SECONDS = 2.0
"""A new main line this soon after the old one locked is the line moving, not a suspension."""

GroupKey = tuple[str, str, str, str, str]
"""(provider, fixture_id, market, player, selection without its line)."""
_Keys = str | tuple[str, ...]
"""One quote key, or several (a book flagging several lines main): a tuple only where needed, to stay small."""


@dataclass(frozen=True, slots=True)
class Steam:
    provider: str
    fixture_id: str
    market: str
    player: str
    selection: str
    sharp_book: str
    sharp_from: float
    sharp_to: float
    """The sharp book's decimal price before and after its move (for a line move: at the old and new line)."""
    followers: tuple[str, ...]
    ts: float
    line_from: float | None = None
    line_to: float | None = None
    """The sharp book's main line before and after, for a line move; None for a price move."""

    @property
    def ref(self) -> FixtureRef:
        return (self.provider, self.fixture_id)

    @property
    def move_points(self) -> float:
        """The sharp move in points of implied probability."""
        return (1.0 / self.sharp_to - 1.0 / self.sharp_from) * 100.0


@dataclass(slots=True)
class _Pending:
    """A sharp move waiting for followers."""

    start: float
    book: str
    key: str
    """The sharp quote that must still be live when the followers have followed."""
    sharp_from: float
    sharp_to: float
    line_from: float | None = None
    line_to: float | None = None
    follow: dict[tuple[str, str], float] = field(default_factory=dict)
    """(book, quote key) -> points it shortened by since the sharp move."""
    lines: dict[str, float] = field(default_factory=dict)
    """Book -> points its main line moved by in the selection's favour since the sharp move."""
    books: set[str] = field(default_factory=set)
    fired: bool = False


@dataclass(slots=True)
class _Market:
    """One selection of one market: the sharp books' recent moves, and the sharp moves awaiting followers."""

    closed_at: int
    """The game's `Store.closed_at` when this started: a suspension since starts the market afresh."""
    last: float = 0.0
    sharp: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    """Quote key -> (time, decimal price before) of each of the sharp book's moves in the window."""
    lines: dict[str, list[tuple[float, float, float, float]]] = field(default_factory=dict)
    """Sharp book -> (time, and before it: line strength, line, decimal price) of each of its main-line moves in
    the window."""
    pending: list[_Pending] = field(default_factory=list)


@dataclass(slots=True)
class _Line:
    """A book's main line for one selection, as last seen live."""

    key: str
    points: float
    decimal: float
    seq: int
    lost_at: float | None = None
    """When a refresh first found no live main line (its quote locked or stale); None while live."""


@dataclass(frozen=True, slots=True)
class _LineMove:
    group: GroupKey
    book: str
    old_points: float
    old_decimal: float
    """The main line and its price before."""
    new: Quote
    new_points: float
    """`new.points`: a main line always has one."""


class SteamDetector:
    """Feed it, once per refresh, the price moves the store recorded (`Store.drain_moves`) and the quotes its
    change log holds (`Store.watch`); it returns the steam they make."""

    def __init__(self, settings: SteamSettings = DEFAULT_STEAM, sharp: Sequence[str] = SHARP_BOOKS) -> None:
        self.settings = settings
        self._sharp = {name.lower() for name in sharp}
        self._markets: OrderedDict[GroupKey, _Market] = OrderedDict()
        self._lines: OrderedDict[tuple[GroupKey, str], _Line] = OrderedDict()
        self._mains: dict[FixtureRef, dict[GroupKey, dict[str, _Keys]]] = {}
        """Fixture -> selection -> book -> the key (or keys) of the book's quotes with a line flagged main for it."""
        self._lost: dict[str, tuple[int, StreamState]] = {}
        """Stream -> its `Store.lost_at` and state when last seen: which streams went down or came back since."""
        self._seen_seq = -1
        """The store's `seq` at the last refresh: quotes changed since have a higher one."""
        """Fixture -> (selection, book) -> keys of the book's quotes with a line flagged main for it."""
        self._marked: dict[FixtureRef, float] = {}

    def observe(
        self,
        store: Store,
        moves: Iterable[tuple[Quote, Quote]],
        changed: Sequence[Quote],
        now: float,
        everything: bool = False,
        fixtures: Iterable[FixtureRef] = (),
    ) -> list[Steam]:
        """The steam that (previous, new) price pairs and the changed quotes make; with `everything` (a stream went
        down or came back, or the log overflowed: it names no quote) the changed quotes are found in the store and
        the providers whose stream went down or came back start afresh; of `fixtures` (changed or evicted), those
        the store no longer has are forgotten. The sharp books' moves are taken first."""
        if not self.settings.enabled:
            return []
        if everything:
            changed = self._start_afresh(store)
        else:
            self._drop_gone(store, fixtures)
        self._seen_seq = store.seq
        self._index_mains(changed)
        self._restart(store, changed)
        found: list[Steam] = []
        sharp_moves: list[tuple[Quote, Quote]] = []
        other_moves: list[tuple[Quote, Quote]] = []
        is_live = store.is_live_price
        for prev, quote in moves:  # the quote's own flags first: the store's look-up last, on what is left
            if prev.locked or prev.stale or not self._wanted(quote) or not is_live(quote):
                continue
            (sharp_moves if quote.book.lower() in self._sharp else other_moves).append((prev, quote))
        line_moves = self._line_moves(store, changed, now)
        for line_move in line_moves:
            if line_move.book.lower() in self._sharp:
                self._sharp_line(store, line_move, now)
        for prev, quote in sharp_moves:
            self._sharp_move(store, prev, quote)
        for line_move in line_moves:
            if line_move.book.lower() not in self._sharp:
                found.extend(self._follow_line(store, line_move, now))
        for prev, quote in other_moves:
            found.extend(self._follow(store, prev, quote))
        for steam in found:
            self._marked[steam.ref] = steam.ts
        self._forget(now)
        return found

    def marked(self, now: float) -> set[FixtureRef]:
        """Fixtures with steam in the last MARK_SECONDS."""
        for ref in [ref for ref, ts in self._marked.items() if now - ts >= MARK_SECONDS]:
            del self._marked[ref]
        return set(self._marked)

    @property
    def markets(self) -> int:
        """Markets holding moves: what the memory bound counts."""
        return len(self._markets)

    @property
    def lines(self) -> int:
        """Main lines remembered."""
        return len(self._lines)

    # --- internals -------------------------------------------------------------------

    def _wanted(self, quote: Quote) -> bool:
        """A bookable price, pre-game unless in-play prices are asked for."""
        return quote.book not in NOT_BOOKABLE and (self.settings.live_games or not quote.is_live)

    def _restart(self, store: Store, changed: Sequence[Quote]) -> None:
        """Prices locked, settled or gone stale since the last refresh start afresh: the sharp book's moves
        before it, and what a follower had moved, no longer add to what comes after."""
        for quote in changed:
            if not (quote.locked or quote.stale):
                continue
            market = self._existing(store, _group(quote))
            if market is None:
                continue
            market.sharp.pop(quote.key, None)
            for pending in market.pending:
                pending.follow.pop((quote.book, quote.key), None)

    def _existing(self, store: Store, key: GroupKey) -> _Market | None:
        """The market, unless its game was suspended (or reopened) since it started: then it is dropped."""
        market = self._markets.get(key)
        if market is not None and market.closed_at != store.closed_at((key[0], key[1])):
            del self._markets[key]
            return None
        return market

    def _market(self, store: Store, key: GroupKey, ts: float) -> _Market:
        market = self._existing(store, key)
        if market is None:
            market = self._markets[key] = _Market(store.closed_at((key[0], key[1])))
            if len(self._markets) > MAX_MARKETS:
                self._markets.popitem(last=False)
        else:
            self._markets.move_to_end(key)
        market.last = max(market.last, ts)
        self._trim(market, ts)
        return market

    def _trim(self, market: _Market, ts: float) -> None:
        since = ts - self.settings.window
        market.pending = [p for p in market.pending if p.start >= since]
        _trim_window(market.sharp, since)
        _trim_window(market.lines, since)

    def _sharp_move(self, store: Store, prev: Quote, quote: Quote) -> None:
        market = self._market(store, _group(quote), quote.moved_at)
        ts = quote.moved_at
        moves = market.sharp.get(quote.key)
        if moves is None:
            moves = market.sharp[quote.key] = []
        _add_move(moves, (ts, prev.decimal))
        if market.pending:
            return  # one steam per selection per window: a sharp move already waits for, or has, its followers
        longest = max(decimal for _, decimal in moves)  # the lowest the price stood in the window
        if (1.0 / quote.decimal - 1.0 / longest) * 100.0 >= self.settings.min_move:
            market.pending.append(_Pending(ts, quote.book, quote.key, longest, quote.decimal))
            del market.sharp[quote.key]

    def _sharp_line(self, store: Store, move: _LineMove, now: float) -> None:
        market = self._market(store, move.group, now)
        moves = market.lines.get(move.book)
        if moves is None:
            moves = market.lines[move.book] = []
        selection = move.new.selection
        _add_move(moves, (now, _strength(selection, move.old_points), move.old_points, move.old_decimal))
        if market.pending:
            return
        _, weakest, line_from, price_from = min(moves, key=lambda m: m[1])  # where it stood weakest in the window
        if _strength(selection, move.new_points) - weakest >= self.settings.min_line_move:
            pending = _Pending(now, move.book, move.new.key, price_from, move.new.decimal)
            pending.line_from, pending.line_to = line_from, move.new_points
            market.pending.append(pending)
            del market.lines[move.book]

    def _follow(self, store: Store, prev: Quote, quote: Quote) -> list[Steam]:
        key = _group(quote)
        market = self._existing(store, key)
        if market is None:
            return []
        self._trim(market, quote.moved_at)
        needed = self.settings.min_move * FOLLOW_SHARE
        for pending in market.pending:
            if pending.fired or quote.book == pending.book:
                continue
            follow = pending.follow.get((quote.book, quote.key), 0.0) + _shortened(prev, quote)
            pending.follow[(quote.book, quote.key)] = follow
            if follow >= needed:
                pending.books.add(quote.book)
            steam = self._fire(store, key, pending, quote.moved_at)
            if steam is not None:
                return [steam]
        return []

    def _follow_line(self, store: Store, move: _LineMove, now: float) -> list[Steam]:
        market = self._existing(store, move.group)
        if market is None:
            return []
        self._trim(market, now)
        selection = move.new.selection
        gained = _strength(selection, move.new_points) - _strength(selection, move.old_points)
        needed = self.settings.min_line_move * FOLLOW_SHARE
        for pending in market.pending:
            if pending.fired or move.book == pending.book:
                continue
            moved = pending.lines[move.book] = pending.lines.get(move.book, 0.0) + gained
            if moved >= needed:
                pending.books.add(move.book)
            steam = self._fire(store, move.group, pending, now)
            if steam is not None:
                return [steam]
        return []

    def _fire(self, store: Store, key: GroupKey, pending: _Pending, ts: float) -> Steam | None:
        """The steam, once enough books followed and the sharp price is still live."""
        if len(pending.books) < self.settings.followers:
            return None
        sharp_now = store.quote(key[0], pending.key)
        if sharp_now is None or not store.is_live_price(sharp_now):
            return None
        pending.fired = True
        return Steam(
            key[0],
            key[1],
            key[2],
            key[3],
            key[4],
            pending.book,
            pending.sharp_from,
            pending.sharp_to,
            tuple(sorted(pending.books)),
            ts,
            pending.line_from,
            pending.line_to,
        )

    def _line_moves(self, store: Store, changed: Sequence[Quote], now: float) -> list[_LineMove]:
        """Each book's main line for the selections whose quotes changed; where it moved from one live main line
        to another (no lock, staleness or suspension between), the move."""
        touched: dict[tuple[GroupKey, str], None] = {}
        lapsed: set[tuple[str, str]] = set()
        """(provider, quote key) locked, settled or gone stale since the last refresh."""
        for quote in changed:
            if quote.points is None or not self._wanted(quote):
                continue
            if quote.locked or quote.stale:
                lapsed.add((quote.provider, quote.key))
            touched[(_group(quote), quote.book)] = None
        found: list[_LineMove] = []
        lines = self._lines
        for place in touched:
            group, book = place
            line = lines.get(place)
            main = self._main(store, group, book)
            if main is None:
                if line is not None and line.lost_at is None:
                    line.lost_at = now
                elif line is not None and line.lost_at is not None and now - line.lost_at > LINE_SWAP_SECONDS:
                    del lines[place]
                    self._line_afresh(group, book)
                continue
            points = main.points
            assert points is not None  # only quotes with a line are indexed
            if line is not None and self._continues(store, group, line, main, lapsed, now):
                if points != line.points:
                    found.append(_LineMove(group, book, line.points, line.decimal, main, points))
                line.key, line.points, line.decimal, line.seq, line.lost_at = (
                    main.key,
                    points,
                    main.decimal,
                    main.seq,
                    None,
                )
                lines.move_to_end(place)
                continue
            lines[place] = _Line(main.key, points, main.decimal, main.seq)
            lines.move_to_end(place)
            self._line_afresh(group, book)
            if len(lines) > MAX_LINES:
                lines.popitem(last=False)
        return found

    def _start_afresh(self, store: Store) -> list[Quote]:
        """After the change log said everything (a stream went down or came back, or the log overflowed): the
        providers whose stream did start afresh; the quotes changed since the last refresh, which the log does not
        name, are found by their `seq` (of a stream that went down or came back, only those since)."""
        seen = {h.stream: (h.provider, (store.lost_at(h.stream), h.state)) for h in store.health()}
        flapped = {provider for stream, (provider, state) in seen.items() if self._lost.get(stream) != state}
        self._lost = {stream: state for stream, (_, state) in seen.items()}
        for key in [key for key in self._markets if key[0] in flapped]:
            del self._markets[key]
        for place in [place for place in self._lines if place[0][0] in flapped]:
            del self._lines[place]
        self._drop_gone(store, list(self._mains))  # the log names no fixture evicted meanwhile either
        since, lost_at = self._seen_seq, store.lost_at
        return [q for q in store.quotes() if q.seq > since and q.seq > lost_at(q.stream)]

    def _drop_gone(self, store: Store, fixtures: Iterable[FixtureRef]) -> None:
        """Forget every market, main line and mark of the fixtures the store no longer has (evicted)."""
        gone = {ref for ref in fixtures if store.fixture(ref) is None and not store.fixture_quotes(ref)}
        if not gone:
            return
        for ref in gone:
            self._mains.pop(ref, None)
            self._marked.pop(ref, None)
        for key in [key for key in self._markets if (key[0], key[1]) in gone]:
            del self._markets[key]
        for place in [place for place in self._lines if (place[0][0], place[0][1]) in gone]:
            del self._lines[place]

    def _index_mains(self, quotes: Iterable[Quote]) -> None:
        """Note the quotes with a line flagged main (and forget those no longer flagged)."""
        mains = self._mains
        for quote in quotes:
            if quote.points is None or quote.book in NOT_BOOKABLE:
                continue
            ref = (quote.provider, quote.fixture_id)
            groups = mains.get(ref)
            if groups is None:
                if not quote.is_main:
                    continue
                groups = mains[ref] = {}
            group = _group(quote)
            books = groups.get(group)
            if books is None:
                if not quote.is_main:
                    continue
                books = groups[group] = {}
            held, key, book = books.get(quote.book), quote.key, quote.book
            if quote.is_main:
                if held is None:
                    books[book] = key
                elif isinstance(held, str):
                    if held != key:
                        books[book] = (held, key)
                elif key not in held:
                    books[book] = (*held, key)
            elif held == key:
                del books[book]
            elif isinstance(held, tuple) and key in held:
                rest = tuple(k for k in held if k != key)
                books[book] = rest[0] if len(rest) == 1 else rest

    def _main(self, store: Store, group: GroupKey, book: str) -> Quote | None:
        """The book's live main line for the selection: of its quotes flagged main, the one the grid shows."""
        held = self._mains.get((group[0], group[1]), {}).get(group, {}).get(book)
        get = store.provider_quotes(group[0]).get
        keys = () if held is None else (held,) if isinstance(held, str) else held
        quotes = [q for key in keys if (q := get(key)) is not None and q.is_main and self._wanted(q)]
        main = main_cells(quotes, store.is_live_price).get(book)
        return main if main is not None and store.is_live_price(main) else None

    def _line_afresh(self, group: GroupKey, book: str) -> None:
        """The book's main line starts afresh: its moves before, sharp or following, no longer add up."""
        market = self._markets.get(group)
        if market is not None:
            market.lines.pop(book, None)
            for pending in market.pending:
                pending.lines.pop(book, None)

    @staticmethod
    def _continues(
        store: Store, group: GroupKey, line: _Line, main: Quote, lapsed: set[tuple[str, str]], now: float
    ) -> bool:
        """The book went from `line` to `main` live: no suspension of the game since `line` was posted, and
        `line`'s quote did not lock and re-open (a new main line right after the old one locked is a line move)."""
        if line.seq <= store.closed_at((group[0], group[1])):
            return False
        if line.lost_at is not None and now - line.lost_at > LINE_SWAP_SECONDS:
            return False
        if main.key == line.key:
            return line.lost_at is None and (group[0], line.key) not in lapsed
        return True

    def _forget(self, now: float) -> None:
        """Drop the markets with no move inside the window: they are the oldest in the ordered dict."""
        since = now - self.settings.window
        while self._markets:
            key, market = next(iter(self._markets.items()))
            if market.last >= since:
                break
            del self._markets[key]


def _add_move(moves: list[Any], move: Any) -> None:
    """Append a move (time first), keeping the last MAX_MOVES_PER_PRICE.

    A list rather than a `deque(maxlen=...)`: a price seldom has more than a few moves in the window, and a
    deque reserves a 64-slot block (760 bytes in all) for each of the thousand or so prices held here.
    """
    moves.append(move)
    if len(moves) > MAX_MOVES_PER_PRICE:
        del moves[0]


def _trim_window(window: dict[str, list[Any]], since: float) -> None:
    """Drop the moves (time first) before `since`, and the prices or books left with none."""
    for key in [k for k, moves in window.items() if not moves or moves[-1][0] < since]:
        del window[key]
    for moves in window.values():
        old = 0
        while moves[old][0] < since:  # the last one is inside the window
            old += 1
        if old:
            del moves[:old]


def _group(quote: Quote) -> GroupKey:
    """The selection a price belongs to, whatever its line."""
    return (quote.provider, quote.fixture_id, quote.market, quote.player, base_selection(quote.selection, quote.points))


def _strength(selection: str, points: float) -> float:
    """How much a line asks of the selection: higher is a stronger selection (a bigger handicap for its
    side, a higher total for an Over, a lower one for an Under)."""
    side = over_under(selection)
    return points if side == 0 else -points


def _shortened(prev: Quote, quote: Quote) -> float:
    """Points of implied probability the price shortened by (negative when it drifted)."""
    return (1.0 / quote.decimal - 1.0 / prev.decimal) * 100.0


def steam_text(steam: Steam, fixture_name: str, price: Callable[[float], str]) -> str:
    """'Celtics @ Lakers: steam on Lakers (Moneyline): Pinnacle -110 → -125 (+3.5 pts), followed by DK, FD';
    for a line move, 'Pinnacle -3.5 → -4.5 (-110 → -108)'."""
    what = f"{steam.player} {steam.selection}".strip() if steam.player else steam.selection
    prices = f"{price(steam.sharp_from)} → {price(steam.sharp_to)}"
    if steam.line_from is not None and steam.line_to is not None:
        lines = f"{line_text(steam.selection, steam.line_from)} → {line_text(steam.selection, steam.line_to)}"
        moved = f"{steam.sharp_book} {lines} ({prices})"
    else:
        moved = f"{steam.sharp_book} {prices} ({steam.move_points:+.1f} pts)"
    return f"{fixture_name}: steam on {what} ({steam.market}): {moved}, followed by {', '.join(steam.followers)}"
