"""Normalized, provider-neutral types shared by every layer.

Data only: no I/O and no UI (the standard library, plus msgspec for `Quote`). Providers build
these from their wire formats, the store applies them, and the UI renders what the store holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import msgspec

from oddstui.odds import OddsFormat, decimal_to_american


class FixtureStatus(StrEnum):
    """Fixture lifecycle, the union of what the providers report."""

    UNPLAYED = "unplayed"
    LIVE = "live"
    HALF = "half"
    DELAYED = "delayed"
    SUSPENDED = "suspended"
    POSTPONED = "postponed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FORFEITED = "forfeited"
    INVALID = "invalid"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES

    @classmethod
    def parse(cls, value: str | None) -> FixtureStatus:
        """Map a provider's status word onto ours; unknown words read as INVALID."""
        if not value:
            return cls.UNPLAYED
        word = value.strip().lower().replace("-", "_").replace(" ", "_")
        return _STATUS_ALIASES.get(word) or cls.INVALID


TERMINAL_STATUSES = frozenset(
    {FixtureStatus.COMPLETED, FixtureStatus.CANCELLED, FixtureStatus.FORFEITED, FixtureStatus.INVALID}
)
_STATUS_ALIASES: dict[str, FixtureStatus] = {s.value: s for s in FixtureStatus} | {
    "pre_game": FixtureStatus.UNPLAYED,
    "not_started": FixtureStatus.UNPLAYED,
    "scheduled": FixtureStatus.UNPLAYED,
    "in_play": FixtureStatus.LIVE,
    "halftime": FixtureStatus.HALF,
    "ended": FixtureStatus.COMPLETED,
    "finished": FixtureStatus.COMPLETED,
    "final": FixtureStatus.COMPLETED,
    "canceled": FixtureStatus.CANCELLED,
    "abandoned": FixtureStatus.CANCELLED,
    "interrupted": FixtureStatus.SUSPENDED,
}


class Quote(msgspec.Struct, gc=False, eq=False):
    """One price for one selection at one book.

    `decimal` is the canonical price; `raw` and `raw_format` keep the value exactly as the
    provider sent it (None when that was `decimal` itself), so no format round-trip loses it.
    The store owns a quote once applied and sets `move`, `moved_at` and `seq` on it.

    A msgspec Struct rather than a plain class: built in C, about six times faster than an
    `__init__` taking keywords on the ingest hot path, and never tracked by the garbage
    collector (a quote holds only scalars, so it cannot be part of a cycle). Equality is identity.
    """

    provider: str
    key: str
    fixture_id: str
    book: str
    market: str
    selection: str
    decimal: float
    raw: float | str | None = None
    raw_format: OddsFormat = OddsFormat.DECIMAL
    points: float | None = None
    group: str = ""
    player: str = ""
    stream: str = ""
    is_main: bool = True
    is_live: bool = False
    locked: bool = False
    stale: bool = False
    ts: float = 0.0
    limit: float | None = None
    deep_link: str | None = None
    copilot_id: str | None = None
    settlement: str | None = None
    move: int = 0
    """+1 or -1 for the direction of the last price change, 0 before any."""
    moved_at: float = 0.0
    seq: int = 0
    """The store's batch number when this quote was applied."""
    history: int = -1
    """The store's line-history id of this price: -1 until it first moves; handed on to each quote replacing it."""

    @property
    def american(self) -> int:
        """American price: the provider's own value when it sent American."""
        if self.raw_format is OddsFormat.AMERICAN and self.raw is not None:
            return int(self.raw)
        return decimal_to_american(self.decimal)

    @property
    def row_key(self) -> tuple[str, str, float | None]:
        """The grid row this quote belongs to: market, selection, line."""
        return (self.market, self.selection, self.points)

    def __repr__(self) -> str:
        state = " locked" if self.locked else ""
        return f"Quote({self.key!r} {self.book} {self.selection} {self.points} @{self.decimal}{state})"


@dataclass(slots=True)
class Score:
    home: int
    away: int
    period: str = ""


@dataclass(slots=True)
class Fixture:
    """A game or match, as one provider lists it."""

    provider: str
    fixture_id: str
    sport: str
    league: str
    home: str
    away: str
    start: float
    status: FixtureStatus = FixtureStatus.UNPLAYED
    is_live: bool = False
    score: Score | None = None
    external_ids: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.away} @ {self.home}"


@dataclass(slots=True, frozen=True)
class FixtureChange:
    """A status or start-time change; the old and new values, either may be None."""

    provider: str
    fixture_id: str
    old_status: FixtureStatus | None = None
    new_status: FixtureStatus | None = None
    old_start: float | None = None
    new_start: float | None = None
    ts: float = 0.0
    league: str = ""
    home: str = ""
    away: str = ""
    """What the change itself says of the game (optional): names it in an alert before the fixture is listed."""


class Settlement(StrEnum):
    """The results the simulator settles with; providers may send other words ("Half Won", "Void")."""

    WON = "won"
    LOST = "lost"
    PUSH = "push"
    VOID = "void"


class StreamState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    RATE_LIMITED = "rate-limited"
    STALE = "stale"
    AUTH_ERROR = "auth error"
    DOWN = "down"

    @property
    def is_healthy(self) -> bool:
        return self is StreamState.LIVE


@dataclass(slots=True)
class StreamHealth:
    """What a stream is doing now; `retry_at` is a wall-clock time for 'reconnecting in Ns'."""

    stream: str
    provider: str
    state: StreamState
    detail: str = ""
    retry_at: float | None = None


# --- Normalized events: what providers emit and the store applies -------------------


@dataclass(slots=True)
class QuotesPosted:
    """New or updated prices. A posted price for a locked key unlocks it."""

    stream: str
    entry_id: str | None
    quotes: list[Quote]


@dataclass(slots=True)
class QuotesLocked:
    """Suspended prices; each quote carries the last known price of its key."""

    stream: str
    entry_id: str | None
    quotes: list[Quote]


@dataclass(slots=True)
class QuotesSettled:
    stream: str
    entry_id: str | None
    provider: str
    settlements: dict[str, str]
    """Quote key -> the provider's own settlement word ("Won", "Half Won", "Void", ...), kept as sent."""


@dataclass(slots=True)
class FixtureUpserted:
    stream: str
    entry_id: str | None
    fixture: Fixture


@dataclass(slots=True)
class FixtureChanged:
    stream: str
    entry_id: str | None
    change: FixtureChange


@dataclass(slots=True)
class ScoreUpdated:
    stream: str
    entry_id: str | None
    provider: str
    fixture_id: str
    score: Score
    is_live: bool | None = None


@dataclass(slots=True)
class StreamHealthChanged:
    health: StreamHealth


@dataclass(slots=True)
class QuotesMarkedStale:
    """Quotes no longer confirmed by their source (absent from a full poll, awaiting a snapshot)."""

    stream: str
    provider: str
    keys: list[str]


@dataclass(slots=True)
class FrameRejected:
    """A malformed frame that was skipped; `reason` never holds the raw payload."""

    stream: str
    reason: str


Event = (
    QuotesPosted
    | QuotesLocked
    | QuotesSettled
    | FixtureUpserted
    | FixtureChanged
    | ScoreUpdated
    | StreamHealthChanged
    | QuotesMarkedStale
    | FrameRejected
)


def entry_order(entry_id: str) -> tuple[int, int] | None:
    """'1730079534820-2' -> (1730079534820, 2): the order of stream entry ids; None for ids of another shape."""
    ms, sep, seq = entry_id.partition("-")
    if sep and ms.isdigit() and seq.isdigit():
        return int(ms), int(seq)
    return None
