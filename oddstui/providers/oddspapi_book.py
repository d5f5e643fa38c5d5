"""What the OddsPapi client knows of every price, and how each must be shown.

A price is shown locked when its own outcome says so (`active`/`marketActive` false), when its
bookmaker is suspended or offers no odds for the fixture (absent from the `bookmakers` list, or
`hasOdds` false), or when the fixture is over. It is shown stale while its bookmaker reports
`staleOdds`, or while its fixture waits for a REST snapshot. Every change re-renders the affected
prices as whole quotes, so the feed's per-key coalescing can never reorder a flag and a price.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from oddstui.model import Quote
from oddstui.providers.oddspapi_wire import BookFlags

ABSENT = BookFlags(has_odds=False)


@dataclass(slots=True)
class Held:
    """One odds key: the last quote built for it and its own lock."""

    quote: Quote
    own_lock: bool
    slug: str
    stamp: int
    """The book's counter when the stream last set it (a snapshot begun earlier must not overwrite it)."""


class PriceBook:
    def __init__(self) -> None:
        self.held: dict[str, Held] = {}
        self.by_fixture: dict[str, dict[str, None]] = {}
        self.flags: dict[tuple[str, str], BookFlags] = {}
        self.flags_stamp: dict[str, int] = {}
        """Fixture -> counter when the stream last sent its bookmakers list."""
        self.closed: set[str] = set()
        """Fixtures that are over: no price of theirs is live."""
        self.pending: set[str] = set()
        """Fixtures waiting for their odds snapshot."""
        self.pending_all = True
        """Before the first snapshot round completes (and after a reconnect), every fixture waits."""
        self.counter = 0

    def tick(self) -> int:
        self.counter += 1
        return self.counter

    def waiting(self, fixture_id: str) -> bool:
        return self.pending_all or fixture_id in self.pending

    def is_locked(self, fixture_id: str, held: Held) -> bool:
        flags = self.flags.get((fixture_id, held.slug))
        return held.own_lock or fixture_id in self.closed or (flags is not None and not flags.priced)

    def is_stale(self, fixture_id: str, slug: str) -> bool:
        flags = self.flags.get((fixture_id, slug))
        return self.waiting(fixture_id) or (flags is not None and flags.stale)

    def keep(self, held: Held) -> None:
        quote = held.quote
        self.held[quote.key] = held
        self.by_fixture.setdefault(quote.fixture_id, {})[quote.key] = None

    def render(self, keys: list[str] | None = None, fixture_id: str | None = None) -> tuple[list[Quote], list[Quote]]:
        """(posted, locked): fresh copies of the named keys (or of a fixture's, or of all) as they must show."""
        if keys is None:
            keys = list(self.by_fixture.get(fixture_id, ())) if fixture_id is not None else list(self.held)
        posted: list[Quote] = []
        locked: list[Quote] = []
        for key in keys:
            held = self.held.get(key)
            if held is None:
                continue
            fixture = held.quote.fixture_id
            copy = msgspec.structs.replace(held.quote, locked=False, stale=self.is_stale(fixture, held.slug))
            (locked if self.is_locked(fixture, held) else posted).append(copy)
        return posted, locked

    def forget(self, fixture_ids: set[str]) -> None:
        """Drop every price and flag of these fixtures (the store evicted them)."""
        for fixture_id in fixture_ids:
            for key in self.by_fixture.pop(fixture_id, ()):
                self.held.pop(key, None)
            self.flags_stamp.pop(fixture_id, None)
        self.closed -= fixture_ids
        self.pending -= fixture_ids
        for flag in [flag for flag in self.flags if flag[0] in fixture_ids]:
            del self.flags[flag]

    def set_books(self, fixture_id: str, books: dict[str, BookFlags], stamp: int, wanted: set[str]) -> None:
        """A fixture's full bookmakers list: a held book it lacks has no odds (Bookmakers Channel notes)."""
        held_books = {h.slug for key in self.by_fixture.get(fixture_id, ()) if (h := self.held.get(key))}
        for slug in held_books | set(books):
            if wanted and slug not in wanted:
                continue
            self.flags[(fixture_id, slug)] = books.get(slug, ABSENT)
        self.flags_stamp[fixture_id] = stamp
