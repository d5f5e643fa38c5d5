"""The simulated market: fixtures, lines and book prices that evolve tick by tick.

Deterministic for a seed: every draw comes from one `random.Random`, and the
events of tick N depend only on the seed and N. Pinnacle reprices first and the
other books follow with a lag, so best price, line movement and fair price mean
something. The market is provider-neutral; the protocol servers render its events.

It behaves as a real slate does, so the demo is honest: a steady number of games per league (each
one that ends is replaced by a new one, and leaves the market after a grace period), ladders of
alternate lines that follow the main line and pull their far ends, prices within what books quote
(a market decided beyond doubt is locked, never quoted at a cap), each market settled once, and each
sport played in its own periods.
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
GRACE_TICKS = 90
"""Ticks a finished game stays listed (15 simulated minutes) before it leaves the market."""
LADDER_REACH = 2
"""Alternate lines kept on each side of a main spread or total; farther ones are pulled."""
DECIDED = 0.95
"""A market whose likeliest outcome has this chance is decided: books lock it rather than quote it."""
LONGSHOT = 0.02
"""A three-way market with an outcome this unlikely is locked too (its price would pass +3000)."""
SLOPE = 1.3
"""Log-odds per `margin_scale` of expected margin: a 13.5-point NBA favourite wins about 92% of the time."""
CLOCK_TICKS = 4
"""Prices follow the game clock in steps of this many ticks, all books at once (time decay is public)."""
LATE_GAME = 0.01
"""The least share of a game still to play that prices assume (the uncertainty left never reaches 0)."""
LIVE_DRIFT = 0.06
PREGAME_DRIFT = 0.03
"""A sharp move's size, in `margin_scale` units: the soft books' lag behind it opens arbitrages of realistic size."""
SCORE_POINTS = {"basketball": (2, 2, 3, 1), "football": (3, 7, 7)}
"""Points one score is worth (one goal, run or game elsewhere)."""
RESCHEDULE_MINUTES = (15, 30, 45, 60, 90, 120, 180)
SUSPEND_ON_SCORE = {"basketball": 0.1, "football": 1.0, "hockey": 1.0, "baseball": 0.4, "soccer": 1.0, "tennis": 0.05}
"""Chance that books suspend a live game's markets after a score: goals and touchdowns yes, most baskets no."""
SPREAD_STEP = {"basketball": 2.0, "football": 3.0, "hockey": 1.0, "baseball": 1.0, "soccer": 1.0, "tennis": 2.0}


def snake(text: str) -> str:
    """'Boston Celtics -3.5' -> 'boston_celtics_-3_5', as OpticOdds builds its ids."""
    return re.sub(r"[^a-z0-9+\-]+", "_", text.lower().replace(".", "_")).strip("_")


def fmt_points(points: float) -> str:
    return f"{points:g}" if points < 0 else f"+{points:g}"


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


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
    priced_at: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Book -> (tick of the fair state its prices follow, game clock they were made at)."""
    spread_lines: tuple[float, ...] = ()
    """The home side's points of each spread posted now, the main line in the middle."""
    total_lines: tuple[float, ...] = ()
    fate: str = "plays"
    floor_tick: int = 0
    """No book prices from a state older than this: a score is public, not a sharp move to lag."""
    ended_tick: int | None = None
    player_results: dict[str, int] = field(default_factory=dict)
    """Each player's final stat, drawn once when the game ends: both sides of a prop settle on it."""

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
    def clock(self) -> int:
        """The game clock books price from, in steps of CLOCK_TICKS: every book reprices when it moves on."""
        if self.status is FixtureStatus.UNPLAYED or self.status is FixtureStatus.POSTPONED:
            return 0
        return self.live_tick // CLOCK_TICKS

    @property
    def remaining(self) -> float:
        """Share of the game still to play, by the pricing clock: 1 before it starts."""
        return max(LATE_GAME, 1 - self.clock * CLOCK_TICKS / GAME_TICKS)

    @property
    def period_number(self) -> int:
        """The quarter, half, period, inning or set under way; 0 before the start."""
        if not self.is_live and self.status is not FixtureStatus.COMPLETED:
            return 0
        periods = self.spec.periods
        return min(periods, self.live_tick * periods // GAME_TICKS + 1)

    @property
    def period(self) -> str:
        """The period under way in the sport's own words ('Q3', '2nd half', 'P2', '7th inning', 'Set 2')."""
        n = self.period_number
        return self.spec.period_format.format(n=n, nth=ordinal(n)) if n else ""

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
        """The (tick, margin, total) a book with `lag` ticks of delay prices from (never older than a score)."""
        seen = max(tick - lag, self.floor_tick)
        for state in reversed(self.history):
            if state[0] <= seen:
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
            # Each league opens on a game in play, early enough to be open and moving: the one that
            # started first, so a list ordered by start time shows it first.
            for number in range(fixtures_per_league):
                if number == 0:
                    elapsed: int | None = self.rng.randrange(GAME_TICKS // 6, GAME_TICKS // 4)
                else:
                    live_now = self.rng.random() < 0.3
                    elapsed = self.rng.randrange(10, GAME_TICKS // 6) if live_now else None
                self._new_fixture(spec, elapsed=elapsed)
        for fixture in list(self.fixtures.values()):
            self._reprice(fixture, force=True)

    @property
    def now(self) -> float:
        return self.start_time + self.tick * TICK_SECONDS

    # --- building fixtures ----------------------------------------------------

    def _new_fixture(self, spec: LeagueSpec, elapsed: int | None = None) -> SimFixture:
        """A new game: in play for `elapsed` ticks already, or scheduled to start within the next hour or so."""
        rng = self.rng
        self._numbers += 1
        busy = {
            name
            for f in self.fixtures.values()
            if f.league == spec.league and not f.status.is_terminal
            for name in (f.home, f.away)
        }
        free = [team for team in spec.teams if team not in busy] or list(spec.teams)
        home, away = rng.sample(free, 2) if len(free) >= 2 else rng.sample(spec.teams, 2)
        live_now = elapsed is not None
        start_tick = self.tick - elapsed if elapsed is not None else self.tick + rng.randrange(12, 400)
        spread = spec.margin_scale * 0.9
        margin = round(max(-2 * spread, min(2 * spread, rng.gauss(0, spread))), 1)
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
            fixture.fate = "plays"
            fixture.status = FixtureStatus.LIVE
            fixture.live_tick = self.tick - start_tick
            share = fixture.live_tick / GAME_TICKS
            fixture.home_score = max(0, round(rng.gauss((total + margin) / 2 * share, 1 + 0.1 * total * share)))
            fixture.away_score = max(0, round(rng.gauss((total - margin) / 2 * share, 1 + 0.1 * total * share)))
            self._follow_score(fixture)
        reach = range(-LADDER_REACH, LADDER_REACH + 1)
        fixture.spread_lines = tuple(-self._half(fixture.margin) + k * SPREAD_STEP[spec.sport] for k in reach)
        total_step = max(0.5, round(spec.total * 0.02 * 2) / 2)
        fixture.total_lines = tuple(self._half(fixture.total) + k * total_step for k in reach)
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
        main_spread = fx.spread_lines[LADDER_REACH]
        for points in fx.spread_lines:
            lines.extend(self._spread_pair(fx, points, points == main_spread, first=True))
        main_total = fx.total_lines[LADDER_REACH]
        for points in fx.total_lines:
            lines.extend(self._total_pair(fx, points, points == main_total))
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

    def _follow_ladders(self, fx: SimFixture, events: list[MarketEvent]) -> None:
        """Keep each ladder of alternates centred on the line nearest the market.

        Lines that come within reach are posted (or an old one reopened); lines that fall out of
        reach are pulled: locked at every book, and settled with the rest at the end. A ladder
        never holds more than 2 * LADDER_REACH + 1 open lines, however far a game runs.
        """
        for attr, kind, wanted, make in (
            ("spread_lines", "spread", -fx.margin, self._spread_pair),
            ("total_lines", "total", fx.total, self._total_pair),
        ):
            ladder: tuple[float, ...] = getattr(fx, attr)
            step = ladder[1] - ladder[0]
            centre = ladder[LADDER_REACH]
            shift = round((wanted - centre) / step)
            if abs(shift) < 2:
                continue  # the main line can still move within the ladder
            centre += shift * step
            wanted_ladder = tuple(centre + k * step for k in range(-LADDER_REACH, LADDER_REACH + 1))
            setattr(fx, attr, wanted_ladder)
            posted = {self._home_points(line) for line in fx.lines if line.kind == kind}
            pulled: list[SimLine] = []
            for points in wanted_ladder:
                if points in ladder:
                    continue
                if points in posted:
                    for line in fx.lines:
                        if line.kind == kind and self._home_points(line) == points:
                            line.retired = False
                    continue
                for line in make(fx, points, False):
                    line.index = len(fx.lines)
                    fx.lines.append(line)
            for line in fx.lines:
                if line.kind == kind and not line.retired and self._home_points(line) not in wanted_ladder:
                    line.retired, line.is_main = True, False
                    pulled.append(line)
            events.extend(self._lock_lines(fx, pulled))
            fx.priced_at.clear()  # every book prices the lines it just posted

    @staticmethod
    def _home_points(line: SimLine) -> float:
        """A spread's points from the home side (a total's own points), shared by both sides of a line."""
        assert line.points is not None
        return -line.points if line.kind == "spread" and line.side < 0 else line.points

    def _lock_lines(self, fx: SimFixture, lines: list[SimLine]) -> list[MarketEvent]:
        """Lock `lines` at every book that quotes them open."""
        events: list[MarketEvent] = []
        for book in (*self.books, COPILOT):
            batch = []
            for line in lines:
                price = self.prices.get((fx.fixture_id, book.name, line.index))
                if price is not None and not price.locked and price.settlement is None:
                    price.locked = True
                    batch.append((line, price))
            if batch:
                events.append(PriceBatch(fx, book, batch, locked=True))
        return events

    @staticmethod
    def _add_over_under(
        lines: list[SimLine], market: str, kind: str, who: str, team: str, player: str, line: float
    ) -> None:
        group = f"{snake(who)}:{line:g}"
        lines.append(SimLine(market, kind, f"{who} Over", line, group, True, team, player, side=1))
        lines.append(SimLine(market, kind, f"{who} Under", line, group, True, team, player, side=-1))

    # --- fair prices ------------------------------------------------------------

    def fair_probability(self, fx: SimFixture, line: SimLine, margin: float, total: float) -> float:
        """The true chance that `line` wins, given the expected final margin and total.

        What is left to play decides how sure that is: the spread of outcomes narrows as the game runs out.
        """
        scale = fx.spec.margin_scale * math.sqrt(fx.remaining)
        if line.kind == "ml":
            if fx.spec.three_way:  # a draw is a final margin within half a goal of level
                home = sigmoid(SLOPE * (margin - 0.5) / scale)
                away = sigmoid(SLOPE * (-0.5 - margin) / scale)
                return {1: home, 0: 1 - home - away, -1: away}[line.side]
            home = sigmoid(SLOPE * margin / scale)
            return home if line.side > 0 else 1 - home
        points = line.points
        assert points is not None, "every line but a moneyline has points"
        if line.kind == "spread":
            home_line = points if line.side > 0 else -points
            cover = sigmoid(SLOPE * (margin + home_line) / scale)
            return cover if line.side > 0 else 1 - cover
        if line.kind == "total":
            over = sigmoid(SLOPE * (total - points) / (scale * 1.4))
            return over if line.side > 0 else 1 - over
        if line.kind == "team_total":
            sign = 1 if line.team == fx.home else -1
            expected = (total + sign * margin) / 2
            over = sigmoid(SLOPE * (expected - points) / scale)
            return over if line.side > 0 else 1 - over
        expected = next(e for p, _, e in fx.players if p == line.player)
        over = sigmoid(1.6 * (expected - points) / (0.3 * fx.spec.prop_line + 0.6))
        return over if line.side > 0 else 1 - over

    def _book_price(self, fx: SimFixture, book: BookSpec, line: SimLine, probability: float) -> Price:
        """The book's price: its margin laid mostly on the longer odds, as books shade longshots, plus its lean.

        Each side's implied chance is `p + margin * (1 - p) / (sides - 1)`, so the market's overround is
        the book's margin at any price, and a favourite is never pushed past certainty. The lean (a book's
        view of the game, up to a point of probability) fades at long odds.
        """
        bias = self._bias.get((fx.fixture_id, book.name))
        if bias is None:
            bias = self._bias[(fx.fixture_id, book.name)] = self.rng.uniform(-0.01, 0.01)
        sides = 3 if line.kind == "ml" and fx.spec.three_way else 2
        lean = bias * line.side * 4 * probability * (1 - probability)
        implied = probability + book.margin * (1 - probability) / (sides - 1) + lean
        american = decimal_to_american(1 / min(0.99, max(0.01, implied)))
        return Price(american, american_to_decimal(american), False, line.is_main)

    # --- ticking ------------------------------------------------------------------

    def step(self) -> list[MarketEvent]:
        """Advance one tick and return what happened, in order."""
        self.tick += 1
        events: list[MarketEvent] = []
        rng = self.rng
        for fx in list(self.fixtures.values()):
            if fx.status.is_terminal:
                if fx.ended_tick is not None and self.tick - fx.ended_tick >= GRACE_TICKS:
                    self._remove(fx)
                continue
            self._lifecycle(fx, events)
            if fx.status.is_terminal or fx.status is FixtureStatus.POSTPONED:
                continue
            move_chance = 0.25 if fx.is_live else 0.06
            if rng.random() < move_chance:  # a sharp move: sized to the uncertainty left, so late moves are small
                drift = (LIVE_DRIFT if fx.is_live else PREGAME_DRIFT) * math.sqrt(fx.remaining)
                margin = fx.history[-1][1] + rng.gauss(0, drift * fx.spec.margin_scale)
                total = fx.history[-1][2] + rng.gauss(0, drift * fx.spec.margin_scale * 1.4)
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
            if fx.fate == "reschedule" and until == 8:  # a late delay, of minutes to hours
                old = fx.start
                fx.start_tick += round(rng.choice(RESCHEDULE_MINUTES) * 60 / TICK_SECONDS)
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
            if fx.live_tick == GAME_TICKS // 2 and fx.status is FixtureStatus.LIVE and fx.spec.halftime:
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
        """Scores come at the pre-game total's rate, so the expected total does not drift through a game."""
        points = SCORE_POINTS.get(fx.sport, (1,))
        return fx.opening[1] / GAME_TICKS / (sum(points) / len(points))

    def _score(self, fx: SimFixture, events: list[MarketEvent]) -> None:
        rng = self.rng
        points = rng.choice(SCORE_POINTS.get(fx.sport, (1,)))
        strength = fx.opening[0]  # the pre-game line: scoring follows team strength, not the running score
        home = rng.random() < sigmoid(0.5 * strength / fx.spec.margin_scale)
        if home:
            fx.home_score += points
        else:
            fx.away_score += points
        self._follow_score(fx)
        fx.history.append((self.tick, fx.margin, fx.total))
        fx.floor_tick = self.tick
        events.append(ScoreChange(fx))
        if rng.random() < SUSPEND_ON_SCORE[fx.sport]:
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
        return self._lock_lines(fx, fx.lines)

    def _complete(self, fx: SimFixture, events: list[MarketEvent]) -> None:
        """The final whistle: every market is locked, then settled once on the final score and stats."""
        self._end(fx, FixtureStatus.COMPLETED, events)
        noise = 0.3 * fx.spec.prop_line + 0.6
        fx.player_results = {player: max(0, round(self.rng.gauss(e, noise))) for player, _, e in fx.players}
        results = []
        for line in fx.lines:
            price = self.prices.get((fx.fixture_id, COPILOT.name, line.index))
            if price is not None:
                price.settlement = self._settle(fx, line)
                results.append((line, price.settlement))
        events.append(SettledBatch(fx, results))

    def _end(self, fx: SimFixture, status: FixtureStatus, events: list[MarketEvent]) -> None:
        """The game is over; a new one of its league is scheduled in its place."""
        old = fx.status
        fx.status = status
        fx.ended_tick = self.tick
        events.append(StatusChange(fx, old, status))
        events.extend(self._lock_all(fx))
        events.append(FixtureListed(self._new_fixture(fx.spec)))
        new = self.fixtures[next(reversed(self.fixtures))]
        events.extend(self._reprice(new, force=True))

    def _remove(self, fx: SimFixture) -> None:
        """A finished game leaves the market once its grace period is over, with every price it had."""
        del self.fixtures[fx.fixture_id]
        for book in (*self.books, COPILOT):
            self._bias.pop((fx.fixture_id, book.name), None)
            for line in fx.lines:
                self.prices.pop((fx.fixture_id, book.name, line.index), None)

    @staticmethod
    def _settle(fx: SimFixture, line: SimLine) -> Settlement:
        diff = fx.home_score - fx.away_score
        total = fx.home_score + fx.away_score
        if line.kind == "ml":
            outcome = (diff > 0) - (diff < 0)
            if outcome == 0 and not fx.spec.three_way:
                return Settlement.PUSH  # a two-way moneyline on a tie is void: stakes back on both sides
            return Settlement.WON if outcome == line.side else Settlement.LOST
        points = line.points
        assert points is not None, "every line but a moneyline has points"
        if line.kind == "spread":
            value = (diff if line.side > 0 else -diff) + points
        elif line.kind == "total":
            value = (total - points) * line.side
        elif line.kind == "team_total":
            scored = fx.home_score if line.team == fx.home else fx.away_score
            value = (scored - points) * line.side
        else:
            value = (fx.player_results[line.player] - points) * line.side
        return Settlement.WON if value > 0 else Settlement.PUSH if value == 0 else Settlement.LOST

    def _reprice(self, fx: SimFixture, force: bool = False) -> list[MarketEvent]:
        """Each book follows the fair state its lag allows; only changed prices are emitted.

        A line the book's state calls decided (DECIDED or surer) is locked, not quoted at long odds.
        """
        events: list[MarketEvent] = []
        self._move_main_lines(fx, events)
        three_way = fx.spec.three_way
        for book in (*self.books, COPILOT):
            state = fx.fair_state(self.tick, book.lag)
            mark = (state[0], fx.clock)
            if not force and fx.priced_at.get(book.name) == mark:
                continue
            fx.priced_at[book.name] = mark
            _, margin, total = state
            lines = [line for line in fx.lines if not line.retired]
            chances = [self.fair_probability(fx, line, margin, total) for line in lines]
            results = [c for line, c in zip(lines, chances, strict=True) if line.kind == "ml"]
            result_decided = bool(results) and (max(results) >= DECIDED or min(results) <= LONGSHOT)
            items, decided = [], []
            for line, chance in zip(lines, chances, strict=True):
                key = (fx.fixture_id, book.name, line.index)
                old = self.prices.get(key)
                if old is not None and old.settlement is not None:
                    continue
                two_way = not (three_way and line.kind == "ml")
                if not (1 - DECIDED < chance < DECIDED) if two_way else result_decided:
                    if old is not None and not old.locked:
                        old.locked = True
                        decided.append((line, old))
                    continue
                price = self._book_price(fx, book, line, chance)
                if (
                    old is not None
                    and not old.locked
                    and old.american == price.american
                    and old.is_main == price.is_main
                ):
                    continue
                self.prices[key] = price
                items.append((line, price))
            if decided:
                events.append(PriceBatch(fx, book, decided, locked=True))
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
        self._follow_ladders(fx, events)
        want_spread = min(fx.spread_lines, key=lambda line: abs(line + fx.margin))
        want_total = min(fx.total_lines, key=lambda line: abs(line - fx.total))
        for line in fx.lines:
            if line.kind == "spread":
                line.is_main = self._home_points(line) == want_spread
            elif line.kind == "total":
                line.is_main = line.points == want_total
        for kind in ("team_total", "prop"):
            for line in [ln for ln in fx.lines if ln.kind == kind and ln.side > 0 and not ln.retired]:
                expected = self._expected(fx, line)
                if abs(expected - self._home_points(line)) < 1.5 * max(
                    1.0, fx.spec.prop_line / 10 if kind == "prop" else 2.0
                ):
                    continue
                under = next(ln for ln in fx.lines if ln.group == line.group and ln.side < 0 and not ln.retired)
                events.extend(self._lock_lines(fx, [line, under]))
                for old in (line, under):
                    old.retired, old.is_main = True, False
                who = line.selection[: -len(" Over")]
                group = f"{snake(who)}:{self._half(expected):g}"
                earlier = [ln for ln in fx.lines if ln.kind == kind and ln.group == group]
                if earlier:  # the line was posted before: it reopens
                    for old in earlier:
                        old.retired, old.is_main = False, True
                else:
                    new_lines: list[SimLine] = []
                    points = self._half(expected)
                    self._add_over_under(new_lines, line.market, kind, who, line.team, line.player, points)
                    for new in new_lines:
                        new.index = len(fx.lines)
                        fx.lines.append(new)
                fx.priced_at.clear()

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
