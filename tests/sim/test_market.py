from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest

from oddstui.model import FixtureStatus, Settlement
from oddstui.odds import american_to_decimal
from oddstui.sim.faults import FaultPlan
from oddstui.sim.market import (
    GRACE_TICKS,
    LADDER_REACH,
    Market,
    PriceBatch,
    ScoreChange,
    SettledBatch,
    SimFixture,
    SimLine,
    StatusChange,
)
from oddstui.sim.names import BOOKS

# --- one run of the market, shared by the tests that read it ------------------------------------


@dataclass
class Trace:
    """What a market sent over a run, captured as it was sent (prices are objects the market mutates later)."""

    market: Market
    sent: list[tuple[int, str, str, int, int | None]] = field(default_factory=list)
    """(tick, fixture id, book, line index, American price or None for a lock)."""
    changes: list[StatusChange] = field(default_factory=list)
    statuses: list[tuple[str, FixtureStatus]] = field(default_factory=list)
    """(league, status) of every fixture at every tick."""
    periods: dict[str, set[str]] = field(default_factory=dict)
    settled: list[tuple[SimFixture, SimLine, Settlement]] = field(default_factory=list)
    sizes: list[tuple[int, int]] = field(default_factory=list)
    """(fixtures, prices) held by the market after each tick."""
    lines: dict[tuple[str, int], SimLine] = field(default_factory=dict)
    kinds: set[type] = field(default_factory=set)


TICKS = 1000


@pytest.fixture(scope="module")
def trace() -> Trace:
    market = Market(7, fixtures_per_league=2)
    result = Trace(market)
    for _ in range(TICKS):
        for event in market.step():
            result.kinds.add(type(event))
            if isinstance(event, PriceBatch):
                for line, price in event.items:
                    result.lines[(event.fixture.fixture_id, line.index)] = line
                    american = None if event.locked else price.american
                    result.sent.append((market.tick, event.fixture.fixture_id, event.book.name, line.index, american))
            elif isinstance(event, StatusChange):
                result.changes.append(event)
            elif isinstance(event, SettledBatch):
                result.settled.extend((event.fixture, line, settlement) for line, settlement in event.items)
        for fx in market.fixtures.values():
            result.statuses.append((fx.league, fx.status))
            if fx.period:
                result.periods.setdefault(fx.league, set()).add(fx.period)
        result.sizes.append((len(market.fixtures), len(market.prices)))
    return result


def run(seed: int, ticks: int) -> list[str]:
    market = Market(seed, fixtures_per_league=2)
    trace = []
    for _ in range(ticks):
        for event in market.step():
            if isinstance(event, PriceBatch):
                trace.append(
                    f"{event.fixture.fixture_id}:{event.book.name}:{event.locked}:"
                    + ",".join(f"{line.name}={price.american}" for line, price in event.items)
                )
            else:
                trace.append(type(event).__name__)
    return trace


def test_deterministic_for_a_seed():
    first = run(3, 120)
    assert first == run(3, 120)
    assert first != run(4, 120)


def test_market_has_every_feature_to_show(trace):
    market = trace.market
    assert {PriceBatch, StatusChange, ScoreChange, SettledBatch} <= trace.kinds
    statuses = {c.new_status for c in trace.changes}
    assert {FixtureStatus.COMPLETED, FixtureStatus.CANCELLED, FixtureStatus.POSTPONED} <= statuses
    leagues = {fx.league for fx in market.fixtures.values()}
    assert {"NBA", "NCAAB", "NFL", "NHL", "MLB", "EPL", "ATP"} <= leagues
    markets = {line.market for fx in market.fixtures.values() for line in fx.lines}
    assert {"Moneyline", "Point Spread", "Team Total", "Player Points"} <= markets
    assert any(not line.is_main for fx in market.fixtures.values() for line in fx.lines if line.kind == "spread")


def test_sharp_book_moves_first_and_margins_differ():
    market = Market(5, fixtures_per_league=2)
    first_move: dict[tuple[str, str], int] = {}
    for _ in range(300):
        for event in market.step():
            if isinstance(event, PriceBatch) and not event.locked:
                first_move.setdefault((event.fixture.fixture_id, event.book.name), market.tick)
    fixtures = {fixture_id for fixture_id, _ in first_move}
    leads = {b.name: 0 for b in BOOKS}
    for f in fixtures:
        ticks = {b.name: first_move.get((f, b.name), 10**9) for b in BOOKS}
        earliest = min(ticks.values())
        if list(ticks.values()).count(earliest) == 1:
            leads[min(ticks, key=ticks.__getitem__)] += 1
    # Books reprice together on the game clock; of the moves one book makes first, most are the sharp book's.
    assert max(leads, key=leads.__getitem__) == "Pinnacle" and leads["Pinnacle"] >= sum(leads.values()) / 2
    fx = next(iter(market.fixtures.values()))
    overrounds = {}
    for book in BOOKS:
        prices = [p for line, p in market.current(fx, book) if line.kind == "ml"]
        overrounds[book.name] = sum(1 / p.decimal for p in prices) - 1
    assert overrounds["Pinnacle"] < overrounds["BetRivers"]


def test_main_line_moves_lock_old_lines_without_alternates(trace):
    locked = {(fixture_id, index) for _, fixture_id, _, index, american in trace.sent if american is None}
    retired = [key for key in locked if trace.lines[key].retired and trace.lines[key].kind in ("prop", "team_total")]
    assert retired


def test_fault_spec_parses_and_rejects():
    plan = FaultPlan.parse("cut=100,429=3@20,malformed=50,restart=1000,stall=200:8,accept_close=4")
    assert (plan.cut_every, plan.burst_429, plan.burst_429_every, plan.stall_seconds) == (100, 3, 20, 8.0)
    try:
        FaultPlan.parse("cut=-1")
    except ValueError as exc:
        assert "cut=N" in str(exc)
    else:
        raise AssertionError("expected a ValueError")


def test_each_market_settles_once_and_never_both_sides_won(trace):
    assert len(trace.settled) > 500
    once = Counter((fx.fixture_id, line.index) for fx, line, _ in trace.settled)
    assert max(once.values()) == 1
    sides: dict[tuple, list[Settlement]] = defaultdict(list)
    for fx, line, settlement in trace.settled:
        if line.kind == "ml":
            sides[(fx.fixture_id, line.market)].append(settlement)
        else:  # both sides of one line: Over and Under, or a spread's -x and +x
            home_points = -line.points if line.kind == "spread" and line.side < 0 else line.points
            sides[(fx.fixture_id, line.market, line.team, line.player, home_points)].append(settlement)
    props = [results for key, results in sides.items() if len(key) == 5 and key[3]]
    assert props and all(sorted(r) == [Settlement.LOST, Settlement.WON] or r.count(Settlement.PUSH) == 2 for r in props)
    assert all(results.count(Settlement.WON) <= 1 for results in sides.values())


def test_start_time_changes_are_minutes_to_hours(trace):
    moves = [(c.new_start - c.old_start) / 60 for c in trace.changes if c.new_start is not None]
    assert moves and all(15 <= minutes <= 180 for minutes in moves), moves


def test_each_sport_plays_its_own_periods(trace):
    half_time = {league for league, status in trace.statuses if status is FixtureStatus.HALF}
    assert half_time <= {"NBA", "NCAAB", "NFL", "EPL"} and "ATP" not in half_time
    assert trace.periods["ATP"] <= {"Set 1", "Set 2", "Set 3"} and "Set 2" in trace.periods["ATP"]
    assert trace.periods["NHL"] == {"P1", "P2", "P3"}
    assert trace.periods["NBA"] == {"Q1", "Q2", "Q3", "Q4"}
    assert trace.periods["NCAAB"] == {"1st half", "2nd half"}
    assert "9th inning" in trace.periods["MLB"] and len(trace.periods["MLB"]) == 9


def test_open_prices_stay_within_what_books_quote(trace):
    prices = [american for *_, american in trace.sent if american is not None]
    assert min(prices) >= -2500 and max(prices) <= 3500
    assert not {-5000, 5000} & set(prices)


def test_a_decided_market_is_locked_not_quoted(trace):
    market = trace.market
    for fx in market.fixtures.values():
        if not fx.is_live:
            continue
        for line in fx.lines:
            price = market.prices.get((fx.fixture_id, "Pinnacle", line.index))
            if price is None or price.locked or line.retired or (line.kind == "ml" and fx.spec.three_way):
                continue
            state = fx.fair_state(market.tick, 0)
            assert 0.05 < market.fair_probability(fx, line, state[1], state[2]) < 0.95


def test_the_market_stays_a_steady_size(trace):
    fixtures, prices = zip(*trace.sizes, strict=True)
    assert max(fixtures) <= 7 * 2 + 10  # each league's 2 games, and those finished within their grace
    third = TICKS // 3
    middle, last = sum(prices[third : 2 * third]) / third, sum(prices[2 * third :]) / (TICKS - 2 * third)
    assert last < 1.6 * middle  # a slate's size goes up and down with its games, and does not grow
    ended = [c for c in trace.changes if c.new_status is not None and c.new_status.is_terminal]
    assert len(ended) >= 20
    gone = [c.fixture.fixture_id for c in ended if c.fixture.ended_tick < TICKS - GRACE_TICKS]
    assert gone and not set(gone) & set(trace.market.fixtures)
    assert not any(key[0] in gone for key in trace.market.prices)


def test_ladders_keep_a_few_alternates_around_the_main_line(trace):
    market = trace.market
    for fx in market.fixtures.values():
        for kind in ("spread", "total"):
            posted = [line for line in fx.lines if line.kind == kind and not line.retired]
            assert len(posted) <= 2 * (2 * LADDER_REACH + 1)
            mains = [line for line in posted if line.is_main]
            assert len(mains) == 2 if fx.status.is_terminal is False else True
    pulled = {key for key, line in trace.lines.items() if line.kind in ("spread", "total") and line.retired}
    assert pulled  # far lines were pulled as games moved


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_league_opens_on_a_live_game_with_open_moving_prices(seed):
    market = Market(seed)
    for _ in range(40):  # the demo's warm-up
        market.step()
    for league in {fx.league for fx in market.fixtures.values()}:
        first = min((fx for fx in market.fixtures.values() if fx.league == league), key=lambda fx: fx.start)
        assert first.is_live, league
    tennis = min((fx for fx in market.fixtures.values() if fx.league == "ATP"), key=lambda fx: fx.start)
    posted = [line for line in tennis.lines if not line.retired]  # what the books offer now, pulled lines aside
    prices = [market.prices[(tennis.fixture_id, book.name, line.index)] for book in market.books for line in posted]
    assert sum(not p.locked for p in prices) >= 0.6 * len(prices)
    before = {key: p.american for key, p in market.prices.items() if key[0] == tennis.fixture_id}
    for _ in range(10):
        market.step()
    assert any(market.prices[key].american != american for key, american in before.items())


def test_arbitrages_are_real_small_and_close_within_seconds(trace):
    """Soft books lag the sharp one: the best prices across books at times pay on both sides, briefly, by little."""
    market, lines = trace.market, trace.lines
    best: dict[tuple, dict[str, float]] = defaultdict(dict)
    open_since: dict[tuple, int] = {}
    episodes: list[tuple[int, float]] = []
    sizes: dict[tuple, float] = {}
    by_tick = defaultdict(list)
    for tick, fixture_id, book, index, american in trace.sent:
        by_tick[tick].append((fixture_id, book, index, american))
    for tick in range(1, TICKS + 1):
        touched = set()
        for fixture_id, book, index, american in by_tick[tick]:
            line = lines[(fixture_id, index)]
            if book == "Copilot" or (line.kind == "ml" and line.market == "Moneyline" and line.side == 0):
                continue
            key = pair_key(fixture_id, line)
            if american is None:
                best[(key, line.side)].pop(book, None)
            else:
                best[(key, line.side)][book] = american_to_decimal(american)
            touched.add(key)
        for key in touched:
            sides = [best[(key, side)] for side in (1, -1)]
            three_way = key[1] == "Moneyline" and market_three_way(market, key[0])
            size = 0.0
            if all(sides) and not three_way:
                implied = sum(1 / max(side.values()) for side in sides)
                size = 1 / implied - 1
            if size > 0:
                open_since.setdefault(key, tick)
                sizes[key] = max(sizes.get(key, 0.0), size)
            elif key in open_since:
                episodes.append((tick - open_since.pop(key), sizes.pop(key)))
    assert len(episodes) > 100
    edges = sorted(size for _, size in episodes)
    assert sum(edge < 0.03 for edge in edges) >= 0.8 * len(edges)
    assert sum(edge > 0.05 for edge in edges) <= 0.05 * len(edges)
    lasting = sorted(ticks for ticks, _ in episodes)
    assert lasting[len(lasting) // 2] <= 4 and lasting[int(0.95 * len(lasting))] <= 10


def pair_key(fixture_id: str, line: SimLine) -> tuple:
    """Both sides of one line share a key: a spread's home -x and away +x, a total's Over and Under."""
    home_points = -line.points if line.kind == "spread" and line.side < 0 and line.points is not None else line.points
    return (fixture_id, line.market, line.team if line.kind == "team_total" else "", line.player, home_points)


def market_three_way(market: Market, fixture_id: str) -> bool:
    fx = market.fixtures.get(fixture_id)
    return fx is None or fx.spec.three_way
