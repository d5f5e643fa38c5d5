from oddstui.model import FixtureStatus
from oddstui.sim.faults import FaultPlan
from oddstui.sim.market import Market, PriceBatch, ScoreChange, SettledBatch, StatusChange
from oddstui.sim.names import BOOKS


def run(seed: int, ticks: int) -> list[str]:
    market = Market(seed)
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
    assert run(3, 200) == run(3, 200)
    assert run(3, 200) != run(4, 200)


def test_market_has_every_feature_to_show():
    market = Market(11)
    kinds = {type(e) for _ in range(1500) for e in market.step()}
    assert {PriceBatch, StatusChange, ScoreChange, SettledBatch} <= kinds
    statuses = {fx.status for fx in market.fixtures.values()}
    assert {FixtureStatus.COMPLETED, FixtureStatus.CANCELLED} <= statuses
    leagues = {fx.league for fx in market.fixtures.values()}
    assert {"NBA", "NCAAB", "NFL", "NHL", "MLB", "EPL", "ATP"} <= leagues
    markets = {line.market for fx in market.fixtures.values() for line in fx.lines}
    assert {"Moneyline", "Point Spread", "Team Total", "Player Points"} <= markets
    assert any(not line.is_main for fx in market.fixtures.values() for line in fx.lines if line.kind == "spread")


def test_sharp_book_moves_first_and_margins_differ():
    market = Market(5)
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
    assert max(leads, key=leads.__getitem__) == "Pinnacle" and leads["Pinnacle"] >= len(fixtures) / 2
    fx = next(iter(market.fixtures.values()))
    overrounds = {}
    for book in BOOKS:
        prices = [p for line, p in market.current(fx, book) if line.kind == "ml"]
        overrounds[book.name] = sum(1 / p.decimal for p in prices) - 1
    assert overrounds["Pinnacle"] < overrounds["BetRivers"]


def test_main_line_moves_lock_old_lines_without_alternates():
    market = Market(2)
    retired = 0
    for _ in range(2000):
        for event in market.step():
            if isinstance(event, PriceBatch) and event.locked:
                retired += sum(1 for line, _ in event.items if line.retired)
    assert retired > 0


def test_fault_spec_parses_and_rejects():
    plan = FaultPlan.parse("cut=100,429=3@20,malformed=50,restart=1000,stall=200:8,accept_close=4")
    assert (plan.cut_every, plan.burst_429, plan.burst_429_every, plan.stall_seconds) == (100, 3, 20, 8.0)
    try:
        FaultPlan.parse("cut=-1")
    except ValueError as exc:
        assert "cut=N" in str(exc)
    else:
        raise AssertionError("expected a ValueError")
