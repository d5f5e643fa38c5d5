"""OddsPapi payloads from the simulated market, in the documented shapes and their optional variants.

Where the docs are silent (a field a table lists but an example omits, a null or a value, which
status id a finished game has), the choice varies, deterministically for the seed and the entry,
so a replay renders the same frames and a client that guesses one way fails a test.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from oddstui.model import FixtureStatus
from oddstui.odds import decimal_to_american
from oddstui.sim.hub import Entry, Hub
from oddstui.sim.market import GAME_TICKS, FixtureListed, PriceBatch, ScoreChange, SimFixture, SimLine, StatusChange
from oddstui.sim.names import BOOKS

SPORT_NAMES = {10: "Soccer", 11: "Basketball", 12: "Tennis", 13: "Baseball", 14: "American Football", 15: "Ice Hockey"}
STATUS_NAMES: dict[FixtureStatus, tuple[int | None, str]] = {
    FixtureStatus.UNPLAYED: (0, "Pre-Game"),
    FixtureStatus.LIVE: (1, "Live"),
    FixtureStatus.HALF: (1, "Live"),
    FixtureStatus.COMPLETED: (None, "Finished"),
    FixtureStatus.CANCELLED: (None, "Cancelled"),
    FixtureStatus.POSTPONED: (None, "Postponed"),
}
"""Each status's id and name. Only 0 and 1 are documented (Fixtures Channel examples); the others
go out with a null id or an undocumented one, and the name."""


def pick(*parts: object) -> int:
    """A deterministic choice from the seed and whatever names the thing being rendered."""
    return zlib.crc32(repr(parts).encode())


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


class MarketIds:
    """marketId and outcomeId as OddsPapi builds them: sportId digits + an incrementing number.

    Each line value is its own market; the first outcome's id equals the market id.
    """

    def __init__(self) -> None:
        self._next: dict[int, int] = defaultdict(lambda: 1)
        self.markets: dict[tuple[int, str, float | None], int] = {}
        self.names: dict[int, dict] = {}
        self.players: dict[str, int] = {}

    def market_id(self, sport_id: int, line: SimLine) -> int:
        points = line.points
        if line.kind == "spread" and points is not None and line.side < 0:
            points = -points  # a spread market is named by the home side's line: home -3.5 pairs with away +3.5
        key = (sport_id, line.market, points)
        market_id = self.markets.get(key)
        if market_id is None:
            number = self._next[sport_id]
            self._next[sport_id] += 10
            market_id = self.markets[key] = int(f"{sport_id}{number:04d}")
            self.names[market_id] = {
                "marketId": market_id,
                "marketName": line.market,
                "sportId": sport_id,
                "handicap": points,
                "playerProp": line.kind == "prop",
                "outcomes": [],
            }
        return market_id

    def outcome_id(self, sport_id: int, line: SimLine) -> int:
        market_id = self.market_id(sport_id, line)
        outcome = market_id + {1: 0, -1: 1, 0: 2}[line.side]
        entry = self.names[market_id]
        if not any(o["outcomeId"] == outcome for o in entry["outcomes"]):
            generic = {"ml": {1: "1", -1: "2", 0: "X"}, "spread": {1: "1", -1: "2"}}.get(
                line.kind, {1: "Over", -1: "Under"}
            )
            entry["outcomes"].append({"outcomeId": outcome, "outcomeName": generic[line.side]})
            entry["outcomes"].sort(key=lambda o: o["outcomeId"])
        return outcome

    def player_id(self, line: SimLine) -> int:
        if not line.player:
            return 0
        return self.players.setdefault(line.player, 1000 + len(self.players))


def status_payload(fx: SimFixture, seed: int, salt: object) -> dict:
    status_id, name = STATUS_NAMES.get(fx.status, (None, fx.status.value.title()))
    choice = pick(seed, fx.papi_id, salt, "status") % 4
    if status_id is None:
        status_id = None if choice < 2 else 2 + choice  # undocumented ids: never to be read as a status
        status_name: str | None = name
    else:  # `statusId` and `statusName` are both `number | null` / `string | null`: either may be missing
        status_name = None if choice == 0 else name
        status_id = None if choice == 1 else status_id
    return {"live": fx.is_live, "statusId": status_id, "statusName": status_name}


def score_payload(fx: SimFixture, ms: int, seed: int, salt: object) -> dict:
    """`result` with the totals; sometimes also the running period, rarely the period alone."""
    period = "p1" if fx.live_tick < GAME_TICKS // 2 else "p2"
    choice = pick(seed, fx.papi_id, salt, "score") % 8
    running = {"period": period, "participant1Score": fx.home_score // 2, "participant2Score": fx.away_score // 2}
    result = {"period": "result", "participant1Score": fx.home_score, "participant2Score": fx.away_score}
    scores: dict = {}
    if choice > 0:
        scores["result"] = result | {"updatedAt": iso(ms)}
    if choice < 4:
        scores[period] = running | {"updatedAt": iso(ms)}
    return scores


def fixture_payload(fx: SimFixture, ms: int, seed: int, salt: object = 0) -> dict:
    spec = fx.spec
    choice = pick(seed, fx.papi_id, salt, "fixture")
    payload = {
        "fixtureId": fx.papi_id,
        "status": status_payload(fx, seed, salt),
        "sport": {"sportId": spec.papi_sport_id, "sportName": SPORT_NAMES[spec.papi_sport_id]},
        "tournament": {"tournamentId": spec.papi_tournament_id, "tournamentName": spec.league, "categoryName": "USA"},
        "season": {"seasonId": None, "seasonName": None},
        "startTime": int(fx.start),
        "trueStartTime": None,
        "trueEndTime": None,
        "participants": {
            "participant1Id": 10_000 + spec.teams.index(fx.home),
            "participant1RotNr": None,
            "participant1Name": fx.home,
            "participant1Abbr": None,
            "participant2Id": 10_000 + spec.teams.index(fx.away),
            "participant2RotNr": None,
            "participant2Name": fx.away,
            "participant2Abbr": None,
        },
        "expectedPeriods": None,
        "periodLength": None,
        "externalProviders": {"opticoddsId": fx.opticodds_id, "betradarId": None, "pinnacleId": None},
    }
    if fx.is_live or fx.status is FixtureStatus.COMPLETED:
        payload["scores"] = score_payload(fx, ms, seed, salt) if choice % 3 else {}
    elif choice % 2:
        payload["scores"] = {}  # "Optional score object": present and empty, or absent
    return payload


def outcome_payload(
    ids: MarketIds,
    fx: SimFixture,
    slug: str,
    line: SimLine,
    decimal: float,
    locked: bool,
    main: bool,
    ms: int,
    seed: int,
) -> dict:
    """One odds entry: the fields every example has, plus the table's optional ones, each present or not."""
    sport = fx.spec.papi_sport_id
    choice = pick(seed, fx.papi_id, slug, line.index, ms)
    active, market_active = True, (None if choice % 5 == 0 else True)
    if locked:
        active, market_active = ((False, False), (False, None), (True, False), (False, True))[choice % 4]
    outcome: dict = {
        "bookmaker": slug,
        "outcomeId": ids.outcome_id(sport, line),
        "playerId": ids.player_id(line),
        "active": active,
        "price": decimal,
        "marketActive": market_active,
        "changedAt": ms,
    }
    if choice % 2:
        outcome["marketId"] = ids.market_id(sport, line)
    main_choice = choice // 2 % 3
    if main_choice < 2:
        outcome["mainLine"] = main if main_choice == 0 else None
    if choice // 6 % 3 == 0:
        outcome["limit"] = 2000.0 if slug == "pinnacle" else 250.0
    elif choice // 6 % 3 == 1:
        outcome["limit"] = None
    if choice // 18 % 2:
        outcome["priceAmerican"] = decimal_to_american(decimal)
        outcome["bookmakerChangedAt"] = ms - 40
        outcome["meta"] = None
    return outcome


@dataclass(slots=True)
class Suspension:
    """A book suspended through the `bookmakers` channel rather than outcome by outcome."""

    lines: dict[int, tuple[SimLine, float]] = field(default_factory=dict)
    stale: bool = False


@dataclass(slots=True)
class Note:
    """What one entry becomes on the `bookmakers` channel."""

    books: dict
    leftovers: list[tuple[SimLine, float]] = field(default_factory=list)
    """On a lift: prices the suspension covered that the market still holds locked, to send as locked."""


class BookStates:
    """Bookmaker status per fixture, walked once over the hub's entries in order.

    About a third of the market's locks go out as a `bookmakers` frame suspending the book; the
    book's next prices lift it (odds first, then the `bookmakers` frame). A fixture that ends has
    its books listed with `hasOdds: false`, or not listed at all ("assume no current odds").
    """

    def __init__(self, hub: Hub, seed: int) -> None:
        self.hub = hub
        self.seed = seed
        self.done = 0
        self.suspended: dict[tuple[str, str], Suspension] = {}
        self.notes: dict[int, Note] = {}
        self.suspensions = 0
        """Books suspended through the `bookmakers` channel so far."""

    def note(self, seq: int) -> Note | None:
        self.advance(seq)
        return self.notes.get(seq)

    def is_suspended(self, papi_id: str, slug: str) -> bool:
        self.advance(self.hub.head)
        return (papi_id, slug) in self.suspended

    def advance(self, upto: int) -> None:
        while self.done < upto:
            entries = self.hub.after(self.done, limit=min(2000, upto - self.done))
            if not entries:
                break
            for entry in entries:
                self._walk(entry)
                self.done = entry.seq
        if len(self.notes) > 50_000:
            self.notes = {seq: note for seq, note in self.notes.items() if seq >= self.hub.base_seq}

    def _walk(self, entry: Entry) -> None:
        event = entry.event
        if isinstance(event, PriceBatch) and event.book in BOOKS:
            fx, slug = event.fixture, event.book.slug
            key = (fx.papi_id, slug)
            if event.locked and (key in self.suspended or pick(self.seed, entry.seq, "suspend") % 3 == 0):
                if key not in self.suspended:
                    self.suspensions += 1
                hold = self.suspended.setdefault(key, Suspension(stale=pick(self.seed, entry.seq, "stale") % 2 == 0))
                hold.lines.update({line.index: (line, price.decimal) for line, price in event.items})
                self.notes[entry.seq] = Note(self.books(fx))
            elif not event.locked and key in self.suspended:
                hold = self.suspended.pop(key)
                lifted = {line.index for line, _ in event.items}
                leftovers = [v for index, v in hold.lines.items() if index not in lifted]
                self.notes[entry.seq] = Note(self.books(fx), leftovers)
        elif isinstance(event, StatusChange) and event.fixture.status.is_terminal:
            fx = event.fixture
            for book in BOOKS:
                self.suspended.pop((fx.papi_id, book.slug), None)
            listed = pick(self.seed, entry.seq, "closed") % 2 == 0
            self.notes[entry.seq] = Note(self.books(fx, has_odds=False) if listed else {})

    def books(self, fx: SimFixture, has_odds: bool = True) -> dict:
        entries = {}
        for book in BOOKS:
            hold = self.suspended.get((fx.papi_id, book.slug))
            entries[book.slug] = {
                "bookmaker": book.slug,
                "bookmakerFixtureId": f"{fx.number}-{book.slug}" if has_odds else None,
                "fixturePath": None,
                "hasOdds": has_odds,
                "staleOdds": hold.stale if hold else False,
                "suspended": hold is not None,
                "participantsRotated": False,
                "meta": None,
                "updatedAt": iso(int(self.hub.market.now * 1000)),
            }
        return entries


def render(ids: MarketIds, states: BookStates, entry: Entry, seed: int) -> list[tuple[str, dict]]:
    """The gateway's (channel, payload) pairs for one market event, before any login's filters."""
    event, ms = entry.event, entry.ms
    if isinstance(event, PriceBatch):
        if event.book not in BOOKS:
            return []
        fx, slug = event.fixture, event.book.slug
        note = states.note(entry.seq)
        if note is not None and event.locked:
            return [("bookmakers", {"fixtureId": fx.papi_id, "bookmakers": note.books})]
        items = [(line, price.decimal, event.locked, price.is_main) for line, price in event.items]
        if note is not None:
            items += [(line, decimal, True, line.is_main) for line, decimal in note.leftovers]
        odds = {
            f"{fx.papi_id}:{slug}:{ids.outcome_id(fx.spec.papi_sport_id, line)}:{ids.player_id(line)}": outcome_payload(
                ids, fx, slug, line, decimal, locked, main, ms, seed
            )
            for line, decimal, locked, main in items
        }
        messages = [("odds", {"fixtureId": fx.papi_id, "odds": {slug: odds}})]
        if note is not None:
            messages.append(("bookmakers", {"fixtureId": fx.papi_id, "bookmakers": note.books}))
        return messages
    if isinstance(event, StatusChange):
        messages = [("fixtures", fixture_payload(event.fixture, ms, seed, entry.seq))]
        note = states.note(entry.seq)
        if note is not None:
            messages.append(("bookmakers", {"fixtureId": event.fixture.papi_id, "bookmakers": note.books}))
        return messages
    if isinstance(event, ScoreChange):
        fx = event.fixture
        return [("scores", {"fixtureId": fx.papi_id, "scores": score_payload(fx, ms, seed, entry.seq)})]
    if isinstance(event, FixtureListed):
        return [("fixtures", fixture_payload(event.fixture, ms, seed, entry.seq))]
    return []
