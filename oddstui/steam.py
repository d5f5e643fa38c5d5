"""Steam: a sharp book moves a price and the market follows within seconds. Pure: no I/O, no UI.

Steam on a selection: a sharp book (any of the configured sharp books) shortens its price by at least
`min_move` points of implied probability (2.0 by default: -110 to -120 is 2.2 points), over one update or
several within `window` seconds, measured from the longest the price stood in that window; then at least
`followers` soft books (2 by default: bookable books that are not sharp) shorten the same selection, at any
line, by at least half as much, within `window` seconds (60 by default). One alert per steam: a shortening
on one side is the other side drifting, so only shortenings are steam.

Only moves from a live price to a live price count: a lock, a settlement or a stale price (every price of a
game suspended or over is one) never starts or follows steam, and an alert is not raised once the sharp price
is no longer live. In-play prices are left out
unless `live_games` is set: they move with the game itself, every book after a score. Memory stays bounded:
each market keeps only the moves of the last `window` seconds.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from oddstui.alert_rule import DEFAULT_STEAM, SteamSettings
from oddstui.market_view import NOT_BOOKABLE, SHARP_BOOKS, FixtureRef, LivePrice, base_selection
from oddstui.model import Quote

FOLLOW_SHARE = 0.5
"""A follower shortens its price by at least this share of `min_move`."""
MARK_SECONDS = 300.0
"""The fixture list marks a fixture for this long after its last steam."""
MAX_MARKETS = 20_000
"""Markets with a move inside the window, at most; the longest quiet goes first."""
MAX_MOVES_PER_PRICE = 32

Lookup = Callable[[str, str], Quote | None]
"""(provider, quote key) -> the quote held now."""
GroupKey = tuple[str, str, str, str, str]
"""(provider, fixture_id, market, player, selection without its line)."""


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
    """The sharp book's decimal price before and after its move."""
    followers: tuple[str, ...]
    ts: float

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
    sharp_from: float
    sharp_to: float
    follow: dict[tuple[str, str], float] = field(default_factory=dict)
    """(book, quote key) -> points it shortened by since the sharp move."""
    books: set[str] = field(default_factory=set)
    fired: bool = False


@dataclass(slots=True)
class _Market:
    """One selection of one market: the sharp book's recent moves, and the sharp moves awaiting followers."""

    last: float = 0.0
    sharp: dict[str, deque[tuple[float, float]]] = field(default_factory=dict)
    """Quote key -> (time, decimal price before) of each of the sharp book's moves in the window."""
    pending: list[_Pending] = field(default_factory=list)


class SteamDetector:
    """Feed it the price moves the store recorded (`Store.drain_moves`); it returns the steam they make."""

    def __init__(self, settings: SteamSettings = DEFAULT_STEAM, sharp: Sequence[str] = SHARP_BOOKS) -> None:
        self.settings = settings
        self._sharp = {name.lower() for name in sharp}
        self._markets: OrderedDict[GroupKey, _Market] = OrderedDict()
        self._marked: dict[FixtureRef, float] = {}

    def observe(
        self, moves: Iterable[tuple[Quote, Quote]], is_live: LivePrice, lookup: Lookup, now: float
    ) -> list[Steam]:
        """The steam that (previous, new) price pairs make; the sharp book's moves are taken first."""
        if not self.settings.enabled:
            return []
        found: list[Steam] = []
        sharp_moves: list[tuple[Quote, Quote]] = []
        other_moves: list[tuple[Quote, Quote]] = []
        live_games = self.settings.live_games
        for prev, quote in moves:  # the quote's own flags first: the store's look-up last, on what is left
            if prev.locked or prev.stale or (quote.is_live and not live_games) or quote.book in NOT_BOOKABLE:
                continue
            if not is_live(quote):
                continue
            (sharp_moves if quote.book.lower() in self._sharp else other_moves).append((prev, quote))
        for prev, quote in sharp_moves:
            self._sharp_move(prev, quote)
        for prev, quote in other_moves:
            steam = self._follow(prev, quote, is_live, lookup)
            if steam is not None:
                found.append(steam)
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

    # --- internals -------------------------------------------------------------------

    def _market(self, quote: Quote) -> _Market:
        key = _group(quote)
        market = self._markets.get(key)
        if market is None:
            market = self._markets[key] = _Market()
            if len(self._markets) > MAX_MARKETS:
                self._markets.popitem(last=False)
        else:
            self._markets.move_to_end(key)
        market.last = max(market.last, quote.moved_at)
        self._trim(market, quote.moved_at)
        return market

    def _trim(self, market: _Market, ts: float) -> None:
        since = ts - self.settings.window
        market.pending = [p for p in market.pending if p.start >= since]
        for key in [k for k, moves in market.sharp.items() if not moves or moves[-1][0] < since]:
            del market.sharp[key]
        for moves in market.sharp.values():
            while moves[0][0] < since:
                moves.popleft()

    def _sharp_move(self, prev: Quote, quote: Quote) -> None:
        market = self._market(quote)
        ts = quote.moved_at
        moves = market.sharp.get(quote.key)
        if moves is None:
            moves = market.sharp[quote.key] = deque(maxlen=MAX_MOVES_PER_PRICE)
        moves.append((ts, prev.decimal))
        if market.pending:
            return  # one steam per selection per window: a sharp move already waits for, or has, its followers
        longest = max(decimal for _, decimal in moves)  # the lowest the price stood in the window
        if (1.0 / quote.decimal - 1.0 / longest) * 100.0 >= self.settings.min_move:
            market.pending.append(_Pending(ts, quote.book, quote.key, longest, quote.decimal))
            del market.sharp[quote.key]

    def _follow(self, prev: Quote, quote: Quote, is_live: LivePrice, lookup: Lookup) -> Steam | None:
        key = _group(quote)
        market = self._markets.get(key)
        if market is None:
            return None
        self._trim(market, quote.moved_at)
        needed = self.settings.min_move * FOLLOW_SHARE
        for pending in market.pending:
            if pending.fired or quote.book == pending.book:
                continue
            follow = pending.follow.get((quote.book, quote.key), 0.0) + _shortened(prev, quote)
            pending.follow[(quote.book, quote.key)] = follow
            if follow >= needed:
                pending.books.add(quote.book)
            if len(pending.books) < self.settings.followers:
                continue
            sharp_now = lookup(quote.provider, pending.key)
            if sharp_now is None or not is_live(sharp_now):
                continue
            pending.fired = True
            return Steam(
                quote.provider,
                quote.fixture_id,
                quote.market,
                quote.player,
                key[4],
                pending.book,
                pending.sharp_from,
                pending.sharp_to,
                tuple(sorted(pending.books)),
                quote.moved_at,
            )
        return None

    def _forget(self, now: float) -> None:
        """Drop the markets with no move inside the window: they are the oldest in the ordered dict."""
        since = now - self.settings.window
        while self._markets:
            key, market = next(iter(self._markets.items()))
            if market.last >= since:
                break
            del self._markets[key]


def _group(quote: Quote) -> GroupKey:
    """The selection a price belongs to, whatever its line."""
    return (quote.provider, quote.fixture_id, quote.market, quote.player, base_selection(quote.selection, quote.points))


def _shortened(prev: Quote, quote: Quote) -> float:
    """Points of implied probability the price shortened by (negative when it drifted)."""
    return (1.0 / quote.decimal - 1.0 / prev.decimal) * 100.0


def steam_text(steam: Steam, fixture_name: str, price: Callable[[float], str]) -> str:
    """'Celtics @ Lakers: steam on Lakers (Moneyline): Pinnacle -110 → -125 (+3.5 pts), followed by DK, FD'."""
    what = f"{steam.player} {steam.selection}".strip() if steam.player else steam.selection
    return (
        f"{fixture_name}: steam on {what} ({steam.market}): {steam.sharp_book} {price(steam.sharp_from)} → "
        f"{price(steam.sharp_to)} ({steam.move_points:+.1f} pts), followed by {', '.join(steam.followers)}"
    )
