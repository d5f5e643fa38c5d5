"""The reactive state store: applies normalized events and records what changed.

Pure Python, no I/O and no UI. Ingest workers call `apply`; the UI calls
`drain_changes` on a fixed cadence and redraws only what it names.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar, cast

from oddstui.devig import DevigMethod
from oddstui.history import LineHistory
from oddstui.market_view import SHARP_BOOKS, Grid, build_grid, fully_suspended
from oddstui.model import (
    Event,
    Fixture,
    FixtureChange,
    FixtureChanged,
    FixtureStatus,
    FixtureUpserted,
    FrameRejected,
    Quote,
    QuotesLocked,
    QuotesMarkedStale,
    QuotesPosted,
    QuotesSettled,
    Score,
    ScoreUpdated,
    StreamHealth,
    StreamHealthChanged,
    StreamState,
    entry_order,
)
from oddstui.render_guard import PLACEHOLDER, clock_text

FixtureRef = tuple[str, str]
"""(provider, fixture_id): fixture ids are only unique within a provider."""

_E = TypeVar("_E", bound=Event)


def _handler(kind: type[_E], handle: Callable[[_E], bool]) -> Callable[[object], bool]:
    """`handle` as a dispatch entry: `Store.apply` calls it only with events whose type is exactly `kind`."""
    return cast("Callable[[object], bool]", handle)


CLOSED = frozenset({FixtureStatus.SUSPENDED}) | {status for status in FixtureStatus if status.is_terminal}
"""Games whose prices are never live, even where a feed has not locked them yet."""


@dataclass(slots=True)
class StreamStats:
    events: int = 0
    malformed: int = 0
    duplicates: int = 0
    last_event_at: float | None = None


@dataclass(slots=True, frozen=True)
class Alert:
    ts: float
    kind: str
    text: str
    provider: str = ""
    fixture_id: str = ""
    important: bool = False


@dataclass(slots=True)
class Changes:
    """What changed since the last drain. `everything` means redraw it all."""

    fixtures: set[FixtureRef] = field(default_factory=set)
    fixture_list: bool = False
    alerts: bool = False
    streams: bool = False
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(self.fixtures or self.fixture_list or self.alerts or self.streams or self.everything)


@dataclass(slots=True, frozen=True)
class FixtureFilter:
    """What the fixture list shows. Empty sets mean 'no restriction'."""

    leagues: frozenset[str] = frozenset()
    books: frozenset[str] = frozenset()
    text: str = ""
    live_only: bool = False
    pinned: frozenset[FixtureRef] = frozenset()
    pinned_only: bool = False


class ChangeLog:
    """What changed for one reader (the scanner) since it last drained: quotes, whole fixtures, or everything.

    Readers opt in with `Store.watch`; with none, applying events costs nothing more. Bounded: past `limit`
    quotes it forgets them and says `everything`, so a reader that stops draining never grows it.
    """

    __slots__ = ("everything", "fixtures", "limit", "quotes")

    def __init__(self, limit: int = 200_000) -> None:
        self.quotes: list[Quote] = []
        """Quotes posted, locked, settled or marked stale, in the order applied (one key may come many times)."""
        self.fixtures: set[FixtureRef] = set()
        """Fixtures whose details changed (status, teams, league) or that were evicted."""
        self.everything = True
        """Every quote may have changed (a stream went down or came back, or the log overflowed); at first, too."""
        self.limit = limit

    def add_quotes(self, quotes: Iterable[Quote]) -> None:
        if not self.everything:
            self.quotes.extend(quotes)
            if len(self.quotes) > self.limit:
                self.mark_everything()

    def add_fixture(self, ref: FixtureRef) -> None:
        if not self.everything:
            self.fixtures.add(ref)

    def mark_everything(self) -> None:
        self.quotes, self.fixtures, self.everything = [], set(), True

    def drain(self) -> tuple[list[Quote], set[FixtureRef], bool]:
        """(quotes, fixtures, everything) since the last drain; the log starts empty again."""
        drained = (self.quotes, self.fixtures, self.everything)
        self.quotes, self.fixtures, self.everything = [], set(), False
        return drained


class _ProviderBook:
    """One provider's quotes, indexed by key and by fixture."""

    __slots__ = ("by_fixture", "changed", "quotes")

    def __init__(self) -> None:
        self.quotes: dict[str, Quote] = {}
        self.by_fixture: dict[str, dict[str, None]] = {}
        self.changed: set[str] = set()


class _Cursor:
    """Last applied entry id of one stream, for dedupe of replays."""

    __slots__ = ("last", "recent")

    def __init__(self) -> None:
        self.last: tuple[int, int] | None = None
        self.recent: OrderedDict[str, None] = OrderedDict()

    def accept(self, entry_id: str) -> bool:
        """True when `entry_id` was not applied before; records it."""
        ordered = entry_order(entry_id)
        if ordered is not None:
            if self.last is not None and ordered <= self.last:
                return False
            self.last = ordered
            return True
        if entry_id in self.recent:
            return False
        self.recent[entry_id] = None
        if len(self.recent) > 4096:
            self.recent.popitem(last=False)
        return True


EVICT_EVERY = 30.0
"""Seconds between eviction passes in a long-running process (the app, `tail`), at most: see `Store.evict_every`."""


class Store:
    """The live market: quotes, fixtures, alerts and stream health, plus a change log."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        alert_capacity: int = 500,
        eviction_grace: float = 900.0,
        history: LineHistory | None = None,
    ) -> None:
        self._clock = clock
        self._books: dict[str, _ProviderBook] = {}
        self._fixtures: dict[FixtureRef, Fixture] = {}
        self._fixture_books: dict[FixtureRef, set[str]] = {}
        self._fixture_players: dict[FixtureRef, set[str]] = {}
        self._terminal_since: dict[FixtureRef, float] = {}
        self._abandoned_since: dict[FixtureRef, float] = {}
        """Fixtures whose every quote is stale: their source stopped listing them, and says no more."""
        self._cursors: dict[str, _Cursor] = {}
        self._stats: dict[str, StreamStats] = {}
        self._health: dict[str, StreamHealth] = {}
        self._unhealthy: set[str] = set()
        self._lost: set[str] = set()
        self._alerts: deque[Alert] = deque(maxlen=alert_capacity)
        self.alerts_added = 0
        """Alerts logged since start: it counts on when the log is full and drops its oldest."""
        self._unlisted_names: dict[FixtureRef, str] = {}
        """Games alerts could only describe (not listed yet), and how: renamed when the fixture arrives."""
        self._unread: set[FixtureRef] = set()
        self.eviction_grace = eviction_grace
        """Seconds a finished fixture stays, with its quotes, before `evict` drops it."""
        self._next_eviction = 0.0
        self.history = history if history is not None else LineHistory()
        """Each price's opening value and its last moves: recorded here, read by the UI."""
        self._seq = 0
        self._pending = Changes()
        self._moves: list[Quote] | None = None
        """The quote each price change replaced, and each lock, once `track_moves` is on (allocating nothing)."""
        self._moves_capacity = 0
        self._closed_at: dict[FixtureRef, int] = {}
        """The batch (`seq`) after which each fixture last went closed (suspended, over) or reopened."""
        self._lost_at: dict[str, int] = {}
        """The batch (`seq`) after which each stream last went down: a move never pairs a price from before it."""
        self._logs: list[ChangeLog] = []
        self._evict_listeners: list[Callable[[list[FixtureRef]], None]] = []
        self._dispatch: dict[type, Callable[[object], bool]] = {
            QuotesPosted: _handler(QuotesPosted, lambda e: self.post_quotes(e.stream, e.entry_id, e.quotes)),
            QuotesLocked: _handler(QuotesLocked, lambda e: self.lock_quotes(e.stream, e.entry_id, e.quotes)),
            QuotesSettled: _handler(
                QuotesSettled, lambda e: self.settle_quotes(e.stream, e.entry_id, e.provider, e.settlements)
            ),
            FixtureUpserted: _handler(FixtureUpserted, lambda e: self.upsert_fixture(e.stream, e.entry_id, e.fixture)),
            FixtureChanged: _handler(FixtureChanged, lambda e: self.change_fixture(e.stream, e.entry_id, e.change)),
            ScoreUpdated: _handler(
                ScoreUpdated,
                lambda e: self.update_score(e.stream, e.entry_id, e.provider, e.fixture_id, e.score, e.is_live),
            ),
            StreamHealthChanged: _handler(StreamHealthChanged, lambda e: self.set_health(e.health)),
            QuotesMarkedStale: _handler(QuotesMarkedStale, lambda e: self.mark_stale(e.provider, e.keys)),
            FrameRejected: _handler(FrameRejected, lambda e: self.reject_frame(e.stream, e.reason)),
        }

    # --- applying events ---------------------------------------------------------

    def apply(self, event: Event) -> bool:
        """Apply any normalized event; False when it was a duplicate and skipped."""
        return self._dispatch[type(event)](event)

    def _accept(self, stream: str, entry_id: str | None, now: float) -> bool:
        """Count an event of `stream`; False (and counted as a duplicate) if already applied."""
        stats = self._stats.get(stream)
        if stats is None:
            stats = self._stats[stream] = StreamStats()
        if entry_id is not None:
            cursor = self._cursors.get(stream)
            if cursor is None:
                cursor = self._cursors[stream] = _Cursor()
            if not cursor.accept(entry_id):
                stats.duplicates += 1
                return False
        stats.events += 1
        stats.last_event_at = now
        return True

    def _book(self, provider: str) -> _ProviderBook:
        book = self._books.get(provider)
        if book is None:
            book = self._books[provider] = _ProviderBook()
        return book

    def _index_new(self, book: _ProviderBook, quote: Quote) -> None:
        keys = book.by_fixture.get(quote.fixture_id)
        if keys is None:
            keys = book.by_fixture[quote.fixture_id] = {}
        keys[quote.key] = None
        ref = (quote.provider, quote.fixture_id)
        books = self._fixture_books.get(ref)
        if books is None:
            books = self._fixture_books[ref] = set()
        books.add(quote.book)
        if quote.player:
            players = self._fixture_players.get(ref)
            if players is None:
                players = self._fixture_players[ref] = set()
            players.add(quote.player.lower())

    def post_quotes(self, stream: str, entry_id: str | None, quotes: Sequence[Quote]) -> bool:
        """New or updated prices. A price for a locked key replaces it, unlocked."""
        now = self._clock()
        if not quotes or not self._accept(stream, entry_id, now):
            return False
        self._seq = seq = self._seq + 1
        book = self._books.get(quotes[0].provider) or self._book(quotes[0].provider)
        table = book.quotes
        get = table.get
        changed = book.changed.add
        record = self.history.record
        moves = self._moves
        track = None if moves is None else moves.append
        for quote in quotes:
            key = quote.key
            prev = get(key)
            if prev is None:
                self._index_new(book, quote)
            elif quote.decimal != prev.decimal:
                quote.move = 1 if quote.decimal > prev.decimal else -1
                quote.moved_at = now
                quote.history = record(prev, quote, now)
                if track is not None:
                    track(prev)
            else:
                quote.move = prev.move
                quote.moved_at = prev.moved_at
                if prev.locked or quote.points != prev.points:  # unlocked, or the line moved: history marks it
                    quote.history = record(prev, quote, now)
                else:
                    quote.history = prev.history
            if prev is not None:
                quote.key = prev.key  # the table's own copy: one per price, however many updates it gets
            quote.seq = seq
            table[key] = quote
            changed(quote.fixture_id)
        if moves is not None and len(moves) > self._moves_capacity:
            del moves[: len(moves) - self._moves_capacity]  # nobody drains them: keep the newest
        for log in self._logs:
            log.add_quotes(quotes)
        return True

    def lock_quotes(self, stream: str, entry_id: str | None, quotes: Sequence[Quote]) -> bool:
        """Suspend prices at the price each lock carries: shown as locked, never as live."""
        if not quotes or not self._accept(stream, entry_id, self._clock()):
            return False
        self._seq = seq = self._seq + 1
        book = self._books.get(quotes[0].provider) or self._book(quotes[0].provider)
        table = book.quotes
        get = table.get
        changed = book.changed.add
        record = self.history.record
        moves = self._moves
        for lock in quotes:
            current = get(lock.key)
            if current is None:
                self._index_new(book, lock)
            elif lock is not current:
                # The lock carries the price it suspends; a coalesced feed may have folded the last post into it.
                if lock.decimal != current.decimal:
                    lock.move = 1 if lock.decimal > current.decimal else -1
                    lock.moved_at = self._clock()
                else:
                    lock.move, lock.moved_at = current.move, current.moved_at
                lock.settlement = current.settlement
                if not current.locked or lock.decimal != current.decimal or lock.points != current.points:
                    lock.locked = True
                    lock.history = record(current, lock, self._clock())
                    if moves is not None:
                        moves.append(lock)  # for `drain_moves`: the moves before a lock don't pair with those after
                else:
                    lock.history = current.history
                lock.key = current.key
            lock.locked = True
            lock.seq = seq
            table[lock.key] = lock
            changed(lock.fixture_id)
        if moves is not None and len(moves) > self._moves_capacity:
            del moves[: len(moves) - self._moves_capacity]
        for log in self._logs:
            log.add_quotes(quotes)
        return True

    def settle_quotes(self, stream: str, entry_id: str | None, provider: str, settlements: dict[str, str]) -> bool:
        """Record results; a settled selection is no longer priced."""
        if not self._accept(stream, entry_id, self._clock()):
            return False
        self._seq += 1
        book = self._book(provider)
        for key, result in settlements.items():
            quote = book.quotes.get(key)
            if quote is None:
                continue
            quote.settlement = result
            quote.locked = True
            quote.seq = self._seq
            book.changed.add(quote.fixture_id)
            for log in self._logs:
                log.add_quotes((quote,))
        return True

    def upsert_fixture(self, stream: str, entry_id: str | None, fixture: Fixture) -> bool:
        """Add a fixture or replace its details; a status change raises an alert."""
        if not self._accept(stream, entry_id, self._clock()):
            return False
        ref = (fixture.provider, fixture.fixture_id)
        old = self._fixtures.get(ref)
        self._fixtures[ref] = fixture
        self._note_closed(ref, old is not None and old.status in CLOSED, fixture.status in CLOSED)
        if ref in self._unlisted_names:
            self._name_unlisted(ref, fixture)
        if old is not None and (old.status is not fixture.status or old.start != fixture.start):
            change = FixtureChange(
                fixture.provider,
                fixture.fixture_id,
                old.status if old.status is not fixture.status else None,
                fixture.status if old.status is not fixture.status else None,
                old.start if old.start != fixture.start else None,
                fixture.start if old.start != fixture.start else None,
            )
            self._alert_change(fixture, change)
        self._track_terminal(ref, fixture.status)
        self._pending.fixture_list = True
        self._pending.fixtures.add(ref)
        for log in self._logs:
            log.add_fixture(ref)
        return True

    def change_fixture(self, stream: str, entry_id: str | None, change: FixtureChange) -> bool:
        """Apply a status or start-time change and log it as an alert."""
        if not self._accept(stream, entry_id, self._clock()):
            return False
        ref = (change.provider, change.fixture_id)
        fixture = self._fixtures.get(ref)
        if fixture is not None:
            if change.new_status is not None:
                self._note_closed(ref, fixture.status in CLOSED, change.new_status in CLOSED)
                fixture.status = change.new_status
                fixture.is_live = change.new_status in (FixtureStatus.LIVE, FixtureStatus.HALF)
                self._track_terminal(ref, change.new_status)
            if change.new_start is not None:
                fixture.start = change.new_start
        self._alert_change(fixture, change)
        self._pending.fixture_list = True
        self._pending.fixtures.add(ref)
        for log in self._logs:
            log.add_fixture(ref)
        return True

    def _note_closed(self, ref: FixtureRef, was: bool, now: bool) -> None:
        if was != now:
            self._closed_at[ref] = self._seq

    def closed_at(self, ref: FixtureRef) -> int:
        """The batch (`seq`) after which the fixture last went suspended or over, or reopened; -1 if never:
        a price applied by then never pairs with one after it as a move."""
        return self._closed_at.get(ref, -1)

    def lost_at(self, stream: str) -> int:
        """The batch (`seq`) at which the stream last went down; -1 if never: a price applied by then never pairs
        with one after it as a move."""
        return self._lost_at.get(stream, -1)

    def update_score(
        self,
        stream: str,
        entry_id: str | None,
        provider: str,
        fixture_id: str,
        score: Score,
        is_live: bool | None = None,
    ) -> bool:
        if not self._accept(stream, entry_id, self._clock()):
            return False
        ref = (provider, fixture_id)
        fixture = self._fixtures.get(ref)
        if fixture is None:
            return True
        fixture.score = score
        if is_live is not None:
            fixture.is_live = is_live
            if is_live and fixture.status is FixtureStatus.UNPLAYED:
                fixture.status = FixtureStatus.LIVE
                for log in self._logs:
                    log.add_fixture(ref)
        self._pending.fixture_list = True
        self._pending.fixtures.add(ref)
        return True

    def set_health(self, health: StreamHealth) -> bool:
        """Record a stream's state; its quotes read as stale unless it is live."""
        old = self._health.get(health.stream)
        self._health[health.stream] = health
        self._stats.setdefault(health.stream, StreamStats())
        was_healthy = old is not None and old.state.is_healthy
        if health.state.is_healthy:
            self._unhealthy.discard(health.stream)
        else:
            self._unhealthy.add(health.stream)
        self._pending.streams = True
        if not health.state.is_healthy and (old is None or was_healthy):
            # went down (or starts down): prices from before cannot pair with those after. The snapshot a client
            # takes while it comes back is after this, so the first move after a (re)connect still counts.
            self._lost_at[health.stream] = self._seq
        if was_healthy != health.state.is_healthy:
            self._pending.everything = True
            for log in self._logs:
                log.mark_everything()  # every quote of the stream went stale, or live again
        if (
            old is not None
            and old.state is not health.state
            and self._worth_an_alert(health.stream, old.state, health.state)
        ):
            text = f"{health.stream}: {old.state.value} → {health.state.value}"
            if health.detail:
                text += f" ({health.detail})"
            important = health.state in (StreamState.AUTH_ERROR, StreamState.DOWN)
            self._add_alert(Alert(self._clock(), "connection", text, health.provider, important=important))
        return True

    def _worth_an_alert(self, stream: str, old: StreamState, new: StreamState) -> bool:
        """Connection events worth logging: losing a live stream, getting it back, and auth errors.

        The first connect is not news; connecting after a loss is logged once the stream is live again.
        """
        if new is StreamState.AUTH_ERROR:
            return True
        if old.is_healthy and not new.is_healthy:
            self._lost.add(stream)
            return True
        if new.is_healthy and stream in self._lost:
            self._lost.discard(stream)
            return True
        return False

    def mark_stale(self, provider: str, keys: Iterable[str]) -> bool:
        """Flag quotes that their source no longer confirms; a new price clears the flag."""
        book = self._book(provider)
        for key in keys:
            quote = book.quotes.get(key)
            if quote is not None and not quote.stale:
                quote.stale = True
                book.changed.add(quote.fixture_id)
                for log in self._logs:
                    log.add_quotes((quote,))
        return True

    def reject_frame(self, stream: str, reason: str) -> bool:
        """Count a malformed frame that the provider client skipped."""
        stats = self._stats.setdefault(stream, StreamStats())
        stats.malformed += 1
        self._pending.streams = True
        return True

    # --- alerts -----------------------------------------------------------------

    def _alert_change(self, fixture: Fixture | None, change: FixtureChange) -> None:
        name = fixture.name if fixture is not None else unlisted_name(change)
        if fixture is None:
            self._unlisted_names[(change.provider, change.fixture_id)] = name
            if len(self._unlisted_names) > (self._alerts.maxlen or 0):  # no more than the alerts that show them
                del self._unlisted_names[next(iter(self._unlisted_names))]
        parts = []
        important = False
        if change.new_status is not None:
            old = change.old_status.value if change.old_status else "?"
            parts.append(f"{old} → {change.new_status.value}")
            important = change.new_status in (
                FixtureStatus.CANCELLED,
                FixtureStatus.POSTPONED,
                FixtureStatus.SUSPENDED,
                FixtureStatus.DELAYED,
                FixtureStatus.LIVE,
                FixtureStatus.COMPLETED,
            )
        if change.new_start is not None:
            parts.append(start_change_text(change.old_start, change.new_start))
            important = True
        kind = change.new_status.value if change.new_status is not None else "start time"
        text = f"{name}: {', '.join(parts) or 'updated'}"
        self._add_alert(Alert(self._clock(), kind, text, change.provider, change.fixture_id, important))
        self._unread.add((change.provider, change.fixture_id))

    def _name_unlisted(self, ref: FixtureRef, fixture: Fixture) -> None:
        """The game an earlier alert could only describe is listed now: those alerts name it."""
        interim = self._unlisted_names.pop(ref) + ":"
        self._alerts = deque(
            (
                replace(a, text=fixture.name + ":" + a.text[len(interim) :])
                if (a.provider, a.fixture_id) == ref and a.text.startswith(interim)
                else a
                for a in self._alerts
            ),
            maxlen=self._alerts.maxlen,
        )
        self._pending.alerts = True

    def _add_alert(self, alert: Alert) -> None:
        self._alerts.appendleft(alert)
        self.alerts_added += 1
        self._pending.alerts = True

    def add_alert(self, alert: Alert) -> None:
        """Log an alert raised outside the store (steam, the user's price alerts)."""
        self._add_alert(alert)

    def alerts(self) -> list[Alert]:
        """The alert log, newest first."""
        return list(self._alerts)

    def has_unread_alert(self, ref: FixtureRef) -> bool:
        return ref in self._unread

    def mark_read(self, ref: FixtureRef) -> None:
        if ref in self._unread:
            self._unread.discard(ref)
            self._pending.fixture_list = True

    # --- eviction ---------------------------------------------------------------

    def _track_terminal(self, ref: FixtureRef, status: FixtureStatus) -> None:
        if status.is_terminal:
            self._terminal_since.setdefault(ref, self._clock())
        else:
            self._terminal_since.pop(ref, None)

    def _track_abandoned(self, now: float) -> None:
        """Note since when every quote of a fixture has been stale; a fresh quote takes it off the list."""
        for provider, book in self._books.items():
            for fixture_id, keys in book.by_fixture.items():
                ref = (provider, fixture_id)
                if ref in self._terminal_since:
                    continue
                if all((quote := book.quotes.get(key)) is None or quote.stale for key in keys):
                    self._abandoned_since.setdefault(ref, now)
                else:
                    self._abandoned_since.pop(ref, None)

    def evict(self, now: float | None = None) -> int:
        """Drop fixtures, with their quotes, that ended (completed, cancelled, …) over a grace period ago,
        and those whose every quote has been stale (no longer listed by their source) as long."""
        now = self._clock() if now is None else now
        self._track_abandoned(now)
        expired = [
            ref
            for since_of in (self._terminal_since, self._abandoned_since)
            for ref, since in since_of.items()
            if now - since >= self.eviction_grace
        ]
        for ref in expired:
            provider, fixture_id = ref
            self._terminal_since.pop(ref, None)
            self._abandoned_since.pop(ref, None)
            self._closed_at.pop(ref, None)
            self._fixtures.pop(ref, None)
            self._fixture_books.pop(ref, None)
            self._fixture_players.pop(ref, None)
            self._unread.discard(ref)
            book = self._books.get(provider)
            if book is not None:
                dropped = [book.quotes.pop(key, None) for key in book.by_fixture.pop(fixture_id, {})]
                self.history.forget(quote for quote in dropped if quote is not None)
                book.changed.discard(fixture_id)
        # an unread mark outlives neither its game nor, for a game never listed, the alerts that name it
        self._unread.intersection_update(self._fixtures.keys() | self._unlisted_names.keys())
        for log in self._logs:
            for ref in expired:
                log.add_fixture(ref)
        if expired:
            self._pending.fixture_list = True
            self._pending.fixtures.update(expired)  # a view of one of them redraws, and finds it gone
            for listener in self._evict_listeners:
                listener(expired)
        return len(expired)

    def on_evict(self, listener: Callable[[list[FixtureRef]], None]) -> None:
        """Call `listener` with the fixtures each eviction pass drops (provider clients forget them too)."""
        self._evict_listeners.append(listener)

    @property
    def evict_every(self) -> float:
        """Seconds between eviction passes: EVICT_EVERY, or a tenth of a shorter grace (at least 1 s), so that a
        finished game leaves within a tenth of its grace after it is due, whatever the grace."""
        return min(EVICT_EVERY, max(1.0, self.eviction_grace / 10))

    def evict_due(self) -> int:
        """`evict` on a timer: one pass per `evict_every` seconds of the store's clock, a no-op in between."""
        now = self._clock()
        if now < self._next_eviction:
            return 0
        self._next_eviction = now + self.evict_every
        return self.evict(now)

    # --- change tracking --------------------------------------------------------

    def watch(self, limit: int = 200_000) -> ChangeLog:
        """A change log of its own for a reader that recomputes only what changed; `unwatch` it when done."""
        log = ChangeLog(limit)
        self._logs.append(log)
        return log

    def unwatch(self, log: ChangeLog) -> None:
        if log in self._logs:
            self._logs.remove(log)

    def drain_changes(self) -> Changes:
        """Everything that changed since the last call, coalesced per fixture."""
        changes = self._pending
        for provider, book in self._books.items():
            if book.changed:
                changes.fixtures.update((provider, fixture_id) for fixture_id in book.changed)
                book.changed = set()
        self._pending = Changes()
        return changes

    def track_moves(self, capacity: int = 100_000) -> None:
        """Record each posted price change for `drain_moves`, the last `capacity` of them at most."""
        self._moves = []
        self._moves_capacity = capacity

    def drain_moves(self) -> list[tuple[Quote, Quote]]:
        """(before, now) of each price that moved since the last call: the quote the first change since its
        last lock replaced, and the quote held now (which may be stale since). A price locked since, and
        not moved after, has none, nor one applied before its game last went suspended (or over) or reopened,
        or before its stream last went down: a move never spans a lock, a suspension or an outage."""
        moves = self._moves
        if not moves:
            return []
        self._moves = []
        first: dict[tuple[str, str], Quote | None] = {}
        for prev in moves:
            price = (prev.provider, prev.key)
            if prev.locked:
                first[price] = None  # what moved before the lock does not pair with what comes after it
            elif first.get(price) is None:
                first[price] = prev
        pairs = []
        for (provider, key), start in first.items():
            book = self._books.get(provider)
            if (
                start is None
                or book is None
                or start.seq <= self._closed_at.get((provider, start.fixture_id), -1)
                or start.seq <= self._lost_at.get(start.stream, -1)
            ):
                continue
            now = book.quotes.get(key)
            if now is not None and now is not start:
                pairs.append((start, now))
        return pairs

    # --- queries ----------------------------------------------------------------

    @property
    def seq(self) -> int:
        """Bumped by every quote batch; a quote's `seq` says in which batch it last changed."""
        return self._seq

    def quote(self, provider: str, key: str) -> Quote | None:
        book = self._books.get(provider)
        return None if book is None else book.quotes.get(key)

    def provider_quotes(self, provider: str) -> Mapping[str, Quote]:
        """One provider's quotes by key, as the store holds them now (read only)."""
        book = self._books.get(provider)
        return {} if book is None else book.quotes

    def is_live_in_open_game(self, quote: Quote) -> bool:
        """`is_live_price` for a quote of a game known to be neither suspended nor over (one look-up less)."""
        return not quote.locked and not quote.stale and quote.stream not in self._unhealthy

    def quotes(self) -> Iterator[Quote]:
        for book in self._books.values():
            yield from book.quotes.values()

    def quote_count(self) -> int:
        return sum(len(book.quotes) for book in self._books.values())

    def fixture(self, ref: FixtureRef) -> Fixture | None:
        return self._fixtures.get(ref)

    def all_fixtures(self) -> list[Fixture]:
        return list(self._fixtures.values())

    def is_stale(self, quote: Quote) -> bool:
        """A quote is stale when flagged so, when its stream is not live, or when its game is suspended or over
        while the feed left the price unlocked: nothing confirms it can be bet."""
        return quote.stale or quote.stream in self._unhealthy or self._closed(quote)

    def is_live_price(self, quote: Quote) -> bool:
        """True only for a price one could bet now: not locked, settled or stale."""
        return self.is_live_in_open_game(quote) and not self._closed(quote)

    def _closed(self, quote: Quote) -> bool:
        fixture = self._fixtures.get((quote.provider, quote.fixture_id))
        return fixture is not None and fixture.status in CLOSED

    def health(self) -> list[StreamHealth]:
        return list(self._health.values())

    def stats(self, stream: str) -> StreamStats:
        return self._stats.get(stream) or StreamStats()

    def all_stats(self) -> dict[str, StreamStats]:
        return dict(self._stats)

    def leagues(self) -> list[str]:
        return sorted({f.league for f in self._fixtures.values()})

    def books(self) -> list[str]:
        return sorted({b for books in self._fixture_books.values() for b in books})

    def fixtures(self, flt: FixtureFilter = FixtureFilter()) -> list[Fixture]:
        """Fixtures passing `flt`, ordered by league then start time."""
        text = flt.text.strip().lower()
        result = []
        for ref, fixture in self._fixtures.items():
            if flt.pinned_only and ref not in flt.pinned:
                continue
            if flt.leagues and fixture.league not in flt.leagues:
                continue
            if flt.live_only and not fixture.is_live:
                continue
            if flt.books and not (self._fixture_books.get(ref, set()) & flt.books):
                continue
            if text and not self._matches_text(ref, fixture, text):
                continue
            result.append(fixture)
        result.sort(key=lambda f: (f.league, f.start, f.home))
        return result

    def _matches_text(self, ref: FixtureRef, fixture: Fixture, text: str) -> bool:
        if text in fixture.home.lower() or text in fixture.away.lower():
            return True
        return any(text in player for player in self._fixture_players.get(ref, ()))

    def all_suspended(self, ref: FixtureRef) -> bool:
        """True when a fixture has prices and every one is locked or settled: nothing can be bet on it now."""
        book = self._books.get(ref[0])
        keys = book.by_fixture.get(ref[1]) if book is not None else None
        if not keys or book is None:
            return False
        table = book.quotes
        return all(table[key].locked or table[key].settlement is not None for key in keys)

    def fixture_quotes(self, ref: FixtureRef) -> list[Quote]:
        provider, fixture_id = ref
        book = self._books.get(provider)
        if book is None:
            return []
        table = book.quotes
        return [table[key] for key in book.by_fixture.get(fixture_id, ())]

    def grid(
        self,
        ref: FixtureRef,
        books: Sequence[str] = (),
        main_only: bool = False,
        sharp: Sequence[str] = SHARP_BOOKS,
        method: DevigMethod = DevigMethod.MULTIPLICATIVE,
    ) -> Grid:
        """One fixture's rows by book columns, in a bettor's order, with best and a sourced fair price."""
        return build_grid(
            ref, self._fixtures.get(ref), self.fixture_quotes(ref), self.is_live_price, books, sharp, main_only, method
        )

    def is_fully_suspended(self, ref: FixtureRef) -> bool:
        """The fixture has prices and every one of them is suspended."""
        return fully_suspended(self.fixture_quotes(ref))


def unlisted_name(change: FixtureChange) -> str:
    """A game not listed yet, as its change describes it: its teams, else its league; never its raw id."""
    if change.home and change.away:
        return f"{change.away} @ {change.home} ({f'{change.league}, ' if change.league else ''}not listed yet)"
    return f"unlisted {change.league} game" if change.league else "unlisted game"


def start_change_text(old: float | None, new: float) -> str:
    """'start 19:30 → 20:15 (45 min later)'; with the day when it moved to another day; never '20:11 → 20:11'.

    A time no clock can show (NaN, beyond the platform's range) reads as the placeholder, counted.
    """
    if old is None:
        return f"start now {clock_text('%a %d %H:%M', new)}"
    same_day = clock_text("%Y%m%d", old) == clock_text("%Y%m%d", new) != PLACEHOLDER
    shown = "%H:%M" if same_day else "%a %d %H:%M"
    text = f"start {clock_text(shown, old)} → {clock_text(shown, new)}"
    if not math.isfinite(new - old):
        return text
    minutes = round((new - old) / 60)
    if minutes == 0:
        seconds = round(new - old)
        return f"{text} ({abs(seconds)} s {'later' if seconds > 0 else 'earlier'})"
    span = f"{abs(minutes) // 60} h {abs(minutes) % 60} min" if abs(minutes) >= 60 else f"{abs(minutes)} min"
    return f"{text} ({span} {'later' if minutes > 0 else 'earlier'})"
