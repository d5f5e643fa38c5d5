"""The simulated market: fixtures, lines and book prices that evolve tick by tick.

Deterministic for a seed: every draw comes from one `random.Random`, and the
events of tick N depend only on the seed and N. Pinnacle reprices first and the
other books follow with a lag, so best price, line movement and fair price mean
something. The market is provider-neutral; the protocol servers render its events.
"""

from __future__ import annotations

import math
import random
import re
import zlib
from collections import deque
from dataclasses import dataclass, field

from oddstui.model import FixtureStatus, Settlement
from oddstui.odds import american_to_decimal, decimal_to_american
from oddstui.sim.names import BOOKS, COPILOT, LEAGUES, BookSpec, LeagueSpec

TICK_SECONDS = 10.0
"""Simulated seconds per tick: start times and game clocks advance by this much."""
GAME_TICKS = 240
SPREAD_STEP = {"basketball": 2.0, "football": 3.0, "hockey": 1.0, "baseball": 1.0, "soccer": 1.0, "tennis": 2.0}


def snake(text: str) -> str:
    """'Boston Celtics -3.5' -> 'boston_celtics_-3_5', as OpticOdds builds its ids."""
    return re.sub(r"[^a-z0-9+\-]+", "_", text.lower().replace(".", "_")).strip("_")


def fmt_points(points: float) -> str:
    return f"{points:g}" if points < 0 else f"+{points:g}"


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(slots=True)
class SimLine:
    """One selection the market prices: a side of a market at a line."""

    market: str
    kind: str
    selection: str
    """The side without the line, e.g. 'Boston Celtics', 'Over', 'Jayson Tatum Over'."""
    points: float | None
    group: str
    is_main: bool
    team: str = ""
    player: str = ""
    side: int = 1
    """+1 for home / over, -1 for away / under, 0 for a draw."""
    index: int = 0
    retired: bool = False
    """A main line replaced by a new one (no alternates): locked for good, settled at the end."""

    @property
    def name(self) -> str:
        if self.points is None:
            return self.selection
        if self.kind == "spread":
            return f"{self.selection} {fmt_points(self.points)}"
        return f"{self.selection} {self.points:g}"

    @property
    def selection_line(self) -> str:
        if self.kind in ("total", "team_total", "prop"):
            return "over" if self.side > 0 else "under"
        return ""


@dataclass(slots=True)
class Price:
    american: int
    decimal: float
    locked: bool = False
    is_main: bool = True
    settlement: Settlement | None = None


@dataclass(slots=True)
class SimFixture:
    number: int
    fixture_id: str
    spec: LeagueSpec
    home: str
    away: str
    start_tick: int
    start: float
    margin: float
    """Expected home margin (points, goals, games)."""
    total: float
    players: list[tuple[str, str, float]]
    """(player, team, expected stat)."""
    status: FixtureStatus = FixtureStatus.UNPLAYED
    home_score: int = 0
    away_score: int = 0
    live_tick: int = 0
    suspended_until: int = -1
    lines: list[SimLine] = field(default_factory=list)
    history: deque[tuple[int, float, float]] = field(default_factory=lambda: deque(maxlen=12))
    opening: tuple[float, float] = (0.0, 0.0)
    """The pre-game margin and total: team strength, which scoring follows."""
    priced_at: dict[str, int] = field(default_factory=dict)
    """Book -> tick of the fair state its prices follow."""
    spread_lines: tuple[float, ...] = ()
    total_lines: tuple[float, ...] = ()
    fate: str = "plays"

    @property
    def sport(self) -> str:
        return self.spec.sport

    @property
    def league(self) -> str:
        return self.spec.league

    @property
    def is_live(self) -> bool:
        return self.status in (FixtureStatus.LIVE, FixtureStatus.HALF)

    @property
    def game_id(self) -> str:
        return f"{self.number:05d}-{zlib.crc32(self.home.encode()) % 90000 + 10000}-2026"

    @property
    def papi_id(self) -> str:
        return f"id{self.spec.papi_sport_id:02d}{self.spec.papi_tournament_id:06d}{60000000 + self.number}"

    @property
    def opticodds_id(self) -> str:
        """What OddsPapi lists as `externalProviders.opticoddsId`."""
        return self.fixture_id

    def fair_state(self, tick: int, lag: int) -> tuple[int, float, float]:
        """The (tick, margin, total) a book with `lag` ticks of delay prices from."""
        for state in reversed(self.history):
            if state[0] <= tick - lag:
                return state
        return self.history[0]


# --- market events: provider-neutral, rendered by each protocol server ---------------


@dataclass(slots=True)
class PriceBatch:
    """Prices of one book for one fixture; `locked` for a suspension."""

    fixture: SimFixture
    book: BookSpec
    items: list[tuple[SimLine, Price]]
    locked: bool = False


@dataclass(slots=True)
class StatusChange:
    fixture: SimFixture
    old_status: FixtureStatus | None
    new_status: FixtureStatus | None
    old_start: float | None = None
    new_start: float | None = None


@dataclass(slots=True)
class ScoreChange:
    fixture: SimFixture


@dataclass(slots=True)
class SettledBatch:
    fixture: SimFixture
    items: list[tuple[SimLine, Settlement]]


@dataclass(slots=True)
class FixtureListed:
    """A new fixture enters the market."""

    fixture: SimFixture


MarketEvent = PriceBatch | StatusChange | ScoreChange | SettledBatch | FixtureListed


class Market:
    """All fixtures and every book's current prices; `step()` advances one tick."""

    def __init__(
        self,
        seed: int = 1,
        *,
        fixtures_per_league: int = 4,
        start_time: float = 1_790_000_000.0,
        books: tuple[BookSpec, ...] = BOOKS,
    ) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.tick = 0
        self.start_time = start_time
        self.books = books
        self.fixtures: dict[str, SimFixture] = {}
        self.prices: dict[tuple[str, str, int], Price] = {}
        """(fixture_id, book name, line index) -> current price."""
        self._numbers = 0
        self._bias: dict[tuple[str, str], float] = {}
        for spec in LEAGUES:
            for _ in range(fixtures_per_league):
                self._new_fixture(spec, first=True)
        for fixture in list(self.fixtures.values()):
            self._reprice(fixture, force=True)

    @property
    def now(self) -> float:
        return self.start_time + self.tick * TICK_SECONDS

    # --- building fixtures ----------------------------------------------------

    def _new_fixture(self, spec: LeagueSpec, first: bool = False) -> SimFixture:
        rng = self.rng
        self._numbers += 1
        busy = {name for f in self.fixtures.values() if f.league == spec.league for name in (f.home, f.away)}
        free = [team for team in spec.teams if team not in busy] or list(spec.teams)
        home, away = rng.sample(free, 2) if len(free) >= 2 else rng.sample(spec.teams, 2)
        live_now = first and rng.random() < 0.3
        start_tick = self.tick + (-rng.randrange(10, GAME_TICKS // 2) if live_now else rng.randrange(12, 400))
        margin = round(rng.gauss(0, spec.margin_scale * 0.9), 1)
        total = spec.total + round(rng.gauss(0, spec.total * 0.04), 1)
        spread_of_props = max(1, spec.prop_line / 8)
        roster = [
            (spec.players[spec.teams.index(team)], team, spec.prop_line + rng.uniform(-1.5, 1.5) * spread_of_props)
            for team in (home, away)
            if spec.players
        ]
        fixture_id = f"{self.seed % 256:02X}{self._numbers:010X}"
        fixture = SimFixture(
            self._numbers,
            fixture_id,
            spec,
            home,
            away,
            start_tick,
            self.start_time + start_tick * TICK_SECONDS,
            margin,
            total,
            roster,
        )
        fixture.opening = (margin, total)
        roll = rng.random()
        fixture.fate = (
            "cancel" if roll < 0.05 else "postpone" if roll < 0.1 else "reschedule" if roll < 0.2 else "plays"
        )
        if live_now:  # a game already under way has the score its elapsed time implies
            fixture.status = FixtureStatus.LIVE
            fixture.live_tick = self.tick - start_tick
            elapsed = fixture.live_tick / GAME_TICKS
            fixture.home_score = max(0, round(rng.gauss((total + margin) / 2 * elapsed, 1 + 0.1 * total * elapsed)))
            fixture.away_score = max(0, round(rng.gauss((total - margin) / 2 * elapsed, 1 + 0.1 * total * elapsed)))
            self._follow_score(fixture)
        step = SPREAD_STEP[spec.sport]
        main_spread = -self._half(fixture.margin)
        fixture.spread_lines = tuple(main_spread + k * step for k in range(-2, 3))
        main_total = self._half(fixture.total)
        total_step = max(0.5, round(spec.total * 0.02 * 2) / 2)
        fixture.total_lines = tuple(main_total + k * total_step for k in range(-2, 3))
        self._build_lines(fixture)
        fixture.history.append((self.tick, fixture.margin, fixture.total))
        self.fixtures[fixture_id] = fixture
        return fixture

    @staticmethod
    def _half(value: float) -> float:
        """Nearest half-point line, never a whole number (no pushes on main lines)."""
        return math.floor(value) + 0.5

    def _build_lines(self, fx: SimFixture) -> None:
        lines: list[SimLine] = []
        ml = "Moneyline"
        lines.append(SimLine(ml, "ml", fx.home, None, "default", True, fx.home, side=1))
        lines.append(SimLine(ml, "ml", fx.away, None, "default", True, fx.away, side=-1))
        if fx.spec.three_way:
            lines.append(SimLine(ml, "ml", "Draw", None, "default", True, side=0))
        main_spread = fx.spread_lines[2]
        for line in fx.spread_lines:
            lines.extend(self._spread_pair(fx, line, line == main_spread, first=True))
        main_total = fx.total_lines[2]
        for line in fx.total_lines:
            lines.extend(self._total_pair(fx, line, line == main_total))
        if fx.sport in ("basketball", "football"):
            for team, sign in ((fx.home, 1), (fx.away, -1)):
                expected = (fx.total + sign * fx.margin) / 2
                self._add_over_under(lines, "Team Total", "team_total", team, team, "", self._half(expected))
        for player, team, expected in fx.players:
            self._add_over_under(lines, fx.spec.prop_market, "prop", player, team, player, self._half(expected))
        for index, line in enumerate(lines):
            line.index = index
        fx.lines = lines

    @staticmethod
    def _spread_pair(fx: SimFixture, home_line: float, is_main: bool, first: bool = False) -> list[SimLine]:
        """Both sides of a spread; the opening main line's group is 'default'."""
        market = "Point Spread" if fx.sport != "soccer" else "Asian Handicap"
        group = "default" if first and is_main else f"default:{abs(home_line):g}"
        return [
            SimLine(market, "spread", fx.home, home_line, group, is_main, fx.home, side=1),
            SimLine(market, "spread", fx.away, -home_line, group, is_main, fx.away, side=-1),
        ]

    @staticmethod
    def _total_pair(fx: SimFixture, points: float, is_main: bool) -> list[SimLine]:
        market = (
            "Total Points"
            if fx.sport in ("basketball", "football")
            else "Total Goals"
            if fx.sport in ("hockey", "soccer")
            else "Total Runs"
            if fx.sport == "baseball"
            else "Total Games"
        )
        group = f"default:{points:g}"
        return [
            SimLine(market, "total", "Over", points, group, is_main, side=1),
            SimLine(market, "total", "Under", points, group, is_main, side=-1),
        ]

    def _widen_ladders(self, fx: SimFixture) -> None:
        """Post alternates beyond a ladder's end when the market runs past it, so the main line can follow."""
        for attr, wanted, make in (
            ("spread_lines", -fx.margin, self._spread_pair),
            ("total_lines", fx.total, self._total_pair),
        ):
            ladder = getattr(fx, attr)
            step = ladder[1] - ladder[0]
            for _ in range(3):
                if wanted > ladder[-1] + step / 2:
                    points = ladder[-1] + step
                    ladder = (*ladder, points)
                elif wanted < ladder[0] - step / 2:
                    points = ladder[0] - step
                    ladder = (points, *ladder)
                else:
                    break
                setattr(fx, attr, ladder)
                for line in make(fx, points, False):
                    line.index = len(fx.lines)
                    fx.lines.append(line)

    @staticmethod
    def _add_over_under(
        lines: list[SimLine], market: str, kind: str, who: str, team: str, player: str, line: float
    ) -> None:
        group = f"{snake(who)}:{line:g}"
        lines.append(SimLine(market, kind, f"{who} Over", line, group, True, team, player, side=1))
        lines.append(SimLine(market, kind, f"{who} Under", line, group, True, team, player, side=-1))

    # --- fair prices ------------------------------------------------------------

    def fair_probability(self, fx: SimFixture, line: SimLine, margin: float, total: float) -> float:
        """The true chance that `line` wins, given the expected margin and total."""
        scale = fx.spec.margin_scale
        if line.kind == "ml":
            if fx.spec.three_way:
                draw = 0.27 - 0.1 * abs(math.tanh(margin / scale))
                home = (1 - draw) * sigmoid(1.6 * margin / scale)
                return {1: home, 0: draw, -1: 1 - draw - home}[line.side]
            home = sigmoid(1.6 * margin / scale)
            return home if line.side > 0 else 1 - home
        if line.kind == "spread":
            home_line = line.points if line.side > 0 else -line.points
            cover = sigmoid(1.6 * (margin + home_line) / scale)
            return cover if line.side > 0 else 1 - cover
        if line.kind == "total":
            over = sigmoid(1.6 * (total - line.points) / (scale * 1.4))
            return over if line.side > 0 else 1 - over
        if line.kind == "team_total":
            sign = 1 if line.team == fx.home else -1
            expected = (total + sign * margin) / 2
            over = sigmoid(1.6 * (expected - line.points) / scale)
            return over if line.side > 0 else 1 - over
        expected = next(e for p, _, e in fx.players if p == line.player)
        over = sigmoid(1.6 * (expected - line.points) / (0.3 * fx.spec.prop_line + 0.6))
        return over if line.side > 0 else 1 - over

    def _book_price(self, fx: SimFixture, book: BookSpec, line: SimLine, probability: float) -> Price:
        bias = self._bias.get((fx.fixture_id, book.name))
        if bias is None:
            bias = self._bias[(fx.fixture_id, book.name)] = self.rng.uniform(-0.01, 0.01)
        implied = min(0.985, max(0.01, probability * (1 + book.margin) + bias * line.side))
        american = decimal_to_american(1 / implied)
        american = max(-5000, min(5000, american))
        return Price(american, american_to_decimal(american), False, line.is_main)

    # --- ticking ------------------------------------------------------------------

    def step(self) -> list[MarketEvent]:
        """Advance one tick and return what happened, in order."""
        self.tick += 1
        events: list[MarketEvent] = []
        rng = self.rng
        for fx in list(self.fixtures.values()):
            if fx.status.is_terminal:
                continue
            self._lifecycle(fx, events)
            if fx.status.is_terminal or fx.status is FixtureStatus.POSTPONED:
                continue
            move_chance = 0.25 if fx.is_live else 0.06
            if rng.random() < move_chance:
                drift = fx.spec.margin_scale * (0.12 if fx.is_live else 0.05)
                margin = fx.history[-1][1] + rng.gauss(0, drift)
                total = fx.history[-1][2] + rng.gauss(0, fx.spec.total * 0.006)
                fx.margin, fx.total = margin, total
                fx.history.append((self.tick, margin, total))
            if fx.suspended_until > self.tick:
                continue
            events.extend(self._reprice(fx))
        return events

    def _lifecycle(self, fx: SimFixture, events: list[MarketEvent]) -> None:
        rng = self.rng
        if fx.status is FixtureStatus.UNPLAYED:
            until = fx.start_tick - self.tick
            if fx.fate == "reschedule" and until == 8:
                old = fx.start
                fx.start_tick += rng.choice((3, 6, 9, -3))
                fx.start = self.start_time + fx.start_tick * TICK_SECONDS
                fx.fate = "plays"
                events.append(StatusChange(fx, None, None, old, fx.start))
            elif fx.fate == "cancel" and until == 5:
                self._end(fx, FixtureStatus.CANCELLED, events)
            elif fx.fate == "postpone" and until == 4:
                fx.status = FixtureStatus.POSTPONED
                events.append(StatusChange(fx, FixtureStatus.UNPLAYED, FixtureStatus.POSTPONED))
                events.extend(self._lock_all(fx))
            elif until <= 0:
                fx.status = FixtureStatus.LIVE
                events.append(StatusChange(fx, FixtureStatus.UNPLAYED, FixtureStatus.LIVE))
                events.extend(self._suspend(fx, 2))
        elif fx.status is FixtureStatus.POSTPONED:
            if self.tick - fx.start_tick > 40:
                self._end(fx, FixtureStatus.CANCELLED, events)
        elif fx.is_live:
            fx.live_tick += 1
            if fx.live_tick == GAME_TICKS // 2 and fx.status is FixtureStatus.LIVE:
                fx.status = FixtureStatus.HALF
                events.append(StatusChange(fx, FixtureStatus.LIVE, FixtureStatus.HALF))
                return
            if fx.status is FixtureStatus.HALF:
                if fx.live_tick >= GAME_TICKS // 2 + 6:
                    fx.status = FixtureStatus.LIVE
                    events.append(StatusChange(fx, FixtureStatus.HALF, FixtureStatus.LIVE))
                return
            if fx.live_tick >= GAME_TICKS:
                self._complete(fx, events)
            elif rng.random() < self._scoring_chance(fx):
                self._score(fx, events)

    @staticmethod
    def _scoring_chance(fx: SimFixture) -> float:
        return {"basketball": 0.3, "football": 0.06, "hockey": 0.03, "baseball": 0.04, "soccer": 0.015, "tennis": 0.12}[
            fx.sport
        ]

    def _score(self, fx: SimFixture, events: list[MarketEvent]) -> None:
        rng = self.rng
        points = {"basketball": rng.choice((2, 2, 3, 1)), "football": rng.choice((3, 7, 7))}.get(fx.sport, 1)
        strength = fx.opening[0]  # the pre-game line: scoring follows team strength, not the running score
        home = rng.random() < sigmoid(0.5 * strength / fx.spec.margin_scale)
        if home:
            fx.home_score += points
        else:
            fx.away_score += points
        self._follow_score(fx)
        fx.history.append((self.tick, fx.margin, fx.total))
        events.append(ScoreChange(fx))
        events.extend(self._suspend(fx, rng.randrange(2, 4)))

    @staticmethod
    def _follow_score(fx: SimFixture) -> None:
        """The expected final margin and total: the score so far plus the pre-game rate for the time left."""
        remaining = max(0.0, 1 - fx.live_tick / GAME_TICKS)
        pre_margin, pre_total = fx.opening
        fx.margin = (fx.home_score - fx.away_score) + pre_margin * remaining
        fx.total = (fx.home_score + fx.away_score) + pre_total * remaining

    def _suspend(self, fx: SimFixture, ticks: int) -> list[MarketEvent]:
        """A live moment: every book locks the fixture's prices for a few ticks."""
        fx.suspended_until = self.tick + ticks
        for book in (*self.books, COPILOT):
            fx.priced_at.pop(book.name, None)
        return self._lock_all(fx)

    def _lock_all(self, fx: SimFixture) -> list[MarketEvent]:
        events: list[MarketEvent] = []
        for book in (*self.books, COPILOT):
            items = []
            for line in fx.lines:
                price = self.prices.get((fx.fixture_id, book.name, line.index))
                if price is not None and not price.locked and price.settlement is None:
                    price.locked = True
                    items.append((line, price))
            if items:
                events.append(PriceBatch(fx, book, items, locked=True))
        return events

    def _complete(self, fx: SimFixture, events: list[MarketEvent]) -> None:
        self._end(fx, FixtureStatus.COMPLETED, events)
        results = []
        for line in fx.lines:
            price = self.prices.get((fx.fixture_id, COPILOT.name, line.index))
            if price is not None:
                price.settlement = self._settle(fx, line)
                results.append((line, price.settlement))
        events.append(SettledBatch(fx, results))

    def _end(self, fx: SimFixture, status: FixtureStatus, events: list[MarketEvent]) -> None:
        old = fx.status
        fx.status = status
        events.append(StatusChange(fx, old, status))
        events.extend(self._lock_all(fx))
        events.append(FixtureListed(self._new_fixture(fx.spec)))
        new = self.fixtures[next(reversed(self.fixtures))]
        events.extend(self._reprice(new, force=True))

    def _settle(self, fx: SimFixture, line: SimLine) -> Settlement:
        diff = fx.home_score - fx.away_score
        total = fx.home_score + fx.away_score
        if line.kind == "ml":
            outcome = (diff > 0) - (diff < 0)
            return Settlement.WON if outcome == line.side else Settlement.LOST
        if line.kind == "spread":
            value = (diff if line.side > 0 else -diff) + line.points
        elif line.kind == "total":
            value = (total - line.points) * line.side
        elif line.kind == "team_total":
            scored = fx.home_score if line.team == fx.home else fx.away_score
            value = (scored - line.points) * line.side
        else:
            expected = next(e for p, _, e in fx.players if p == line.player)
            actual = max(0, round(self.rng.gauss(expected, 0.3 * fx.spec.prop_line + 0.6)))
            value = (actual - line.points) * line.side
        return Settlement.WON if value > 0 else Settlement.PUSH if value == 0 else Settlement.LOST

    def _reprice(self, fx: SimFixture, force: bool = False) -> list[MarketEvent]:
        """Each book follows the fair state its lag allows; only changed prices are emitted."""
        events: list[MarketEvent] = []
        self._move_main_lines(fx, events)
        for book in (*self.books, COPILOT):
            state = fx.fair_state(self.tick, book.lag)
            if not force and fx.priced_at.get(book.name) == state[0]:
                continue
            fx.priced_at[book.name] = state[0]
            _, margin, total = state
            items = []
            for line in fx.lines:
                key = (fx.fixture_id, book.name, line.index)
                old = self.prices.get(key)
                if line.retired or (old is not None and old.settlement is not None):
                    continue
                price = self._book_price(fx, book, line, self.fair_probability(fx, line, margin, total))
                if (
                    old is not None
                    and not old.locked
                    and old.american == price.american
                    and old.is_main == price.is_main
                ):
                    continue
                self.prices[key] = price
                items.append((line, price))
            if items:
                events.append(PriceBatch(fx, book, items))
        return events

    def _move_main_lines(self, fx: SimFixture, events: list[MarketEvent]) -> None:
        """Main-line movement, as the OpticOdds guide describes it.

        Spreads and totals have alternates: the main flag moves to another line
        and the next prices carry the new `is_main` values, with no locks. Team
        totals and props have no alternates: the old line is locked everywhere
        and a new main line is posted.
        """
        self._widen_ladders(fx)
        want_spread = min(fx.spread_lines, key=lambda line: abs(line + fx.margin))
        want_total = min(fx.total_lines, key=lambda line: abs(line - fx.total))
        for line in fx.lines:
            if line.kind == "spread":
                home_line = line.points if line.side > 0 else -line.points
                line.is_main = home_line == want_spread
            elif line.kind == "total":
                line.is_main = line.points == want_total
        for kind in ("team_total", "prop"):
            for line in [ln for ln in fx.lines if ln.kind == kind and ln.side > 0 and not ln.retired]:
                expected = self._expected(fx, line)
                if abs(expected - line.points) < 1.5 * max(1.0, fx.spec.prop_line / 10 if kind == "prop" else 2.0):
                    continue
                under = next(ln for ln in fx.lines if ln.group == line.group and ln.side < 0 and not ln.retired)
                locked = []
                for book in (*self.books, COPILOT):
                    batch = []
                    for old in (line, under):
                        price = self.prices.get((fx.fixture_id, book.name, old.index))
                        if price is not None and not price.locked:
                            price.locked = True
                            batch.append((old, price))
                    if batch:
                        locked.append(PriceBatch(fx, book, batch, locked=True))
                events.extend(locked)
                for old in (line, under):
                    old.retired, old.is_main = True, False
                who = line.selection[: -len(" Over")]
                new_lines: list[SimLine] = []
                self._add_over_under(new_lines, line.market, kind, who, line.team, line.player, self._half(expected))
                for new in new_lines:
                    new.index = len(fx.lines)
                    fx.lines.append(new)
                for book in (*self.books, COPILOT):
                    fx.priced_at.pop(book.name, None)

    @staticmethod
    def _expected(fx: SimFixture, line: SimLine) -> float:
        if line.kind == "team_total":
            sign = 1 if line.team == fx.home else -1
            return (fx.total + sign * fx.margin) / 2
        return next(e for p, _, e in fx.players if p == line.player)

    # --- queries ------------------------------------------------------------------

    def current(self, fx: SimFixture, book: BookSpec) -> list[tuple[SimLine, Price]]:
        """Every price `book` has ever posted for `fx`, in its current state."""
        result = []
        for line in fx.lines:
            price = self.prices.get((fx.fixture_id, book.name, line.index))
            if price is not None:
                result.append((line, price))
        return result

    def find_line(self, fixture_id: str, market_snake: str, name_snake: str) -> tuple[SimFixture, SimLine] | None:
        fx = self.fixtures.get(fixture_id)
        if fx is None:
            return None
        for line in fx.lines:
            if snake(line.market) == market_snake and snake(line.name) == name_snake:
                return fx, line
        return None
