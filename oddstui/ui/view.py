"""What the user has asked to see: filters, odds format, pins. Plain data, saved with the settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from oddstui.model import OddsFormat
from oddstui.persist import Watchlist
from oddstui.store import FixtureFilter

FixtureRef = tuple[str, str]
FORMAT_CYCLE = (
    OddsFormat.AMERICAN,
    OddsFormat.DECIMAL,
    OddsFormat.PROBABILITY,
    OddsFormat.FRACTIONAL,
    OddsFormat.HONG_KONG,
    OddsFormat.MALAY,
    OddsFormat.INDONESIAN,
)


@dataclass(slots=True)
class ViewState:
    leagues: list[str] = field(default_factory=list)
    books: list[str] = field(default_factory=list)
    """Chosen books in column order; empty means every book, alphabetically."""
    text: str = ""
    live_only: bool = False
    main_only: bool = False
    pinned_only: bool = False
    pinned: set[FixtureRef] = field(default_factory=set)
    watchlist: str | None = None

    def fixture_filter(self) -> FixtureFilter:
        return FixtureFilter(
            frozenset(self.leagues),
            frozenset(self.books),
            self.text,
            self.live_only,
            frozenset(self.pinned),
            self.pinned_only,
        )

    def summary(self) -> str:
        parts = [
            f"leagues: {', '.join(self.leagues)}" if self.leagues else "all leagues",
            f"books: {', '.join(self.books)}" if self.books else "all books",
        ]
        if self.text:
            parts.append(f"search “{self.text}”")
        if self.live_only:
            parts.append("live only")
        if self.pinned_only:
            parts.append("pinned only")
        if self.main_only:
            parts.append("main lines")
        if self.watchlist:
            parts.append(f"watchlist {self.watchlist}")
        return " · ".join(parts)

    def to_watchlist(self, name: str) -> Watchlist:
        return Watchlist(
            name,
            list(self.leagues),
            list(self.books),
            self.text,
            self.live_only,
            self.main_only,
            [list(ref) for ref in sorted(self.pinned)],
        )

    def load_watchlist(self, watchlist: Watchlist) -> None:
        self.leagues, self.books, self.text = list(watchlist.leagues), list(watchlist.books), watchlist.text
        self.live_only, self.main_only = watchlist.live_only, watchlist.main_only
        self.pinned = {(p[0], p[1]) for p in watchlist.pinned if len(p) == 2}
        self.watchlist = watchlist.name
