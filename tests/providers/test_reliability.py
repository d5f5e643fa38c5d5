"""After a run with faults, each client's final state equals the simulator's ground truth."""

from __future__ import annotations

import pytest

from oddstui.model import FixtureStatus
from oddstui.sim.app import ground_truth
from tests.providers.conftest import run_until_settled, settings_for, start_sim

pytestmark = pytest.mark.timeout(90)


def mismatch(state: dict, truth: dict, status_of=lambda s: s, locked_prices_sent: bool = True) -> str:
    """How the client's state differs from the truth ('' when it does not): every quote the client holds must match
    the truth, and every live price in the truth must be held, live.

    A quote the client shows locked and stale was locked because a re-hydration no longer listed it: the
    price it was suspended at may have moved unseen, so only its lock is compared. So for every locked
    quote of a protocol whose suspended selections carry no price (OddsStream: null or left out).
    """
    quotes = {q["key"]: q for q in state["quotes"]}
    if not quotes:
        return "the client holds no quotes"
    price_unknown = lambda q: q["locked"] and (q["stale"] or not locked_prices_sent)  # noqa: E731
    wrong = [
        (k, q["price_american"], q["locked"], truth["quotes"].get(k))
        for k, q in quotes.items()
        if k not in truth["quotes"]
        or q["locked"] != truth["quotes"][k]["locked"]
        or (q["price_american"] != truth["quotes"][k]["price_american"] and not price_unknown(q))
    ]
    if wrong:
        return f"{len(wrong)} quotes differ from the truth, e.g. {wrong[:3]}"
    live = [k for k, t in truth["quotes"].items() if not t["locked"]]
    missing = [k for k in live if k not in quotes or quotes[k]["stale"]]
    if missing:
        return f"{len(missing)} of {len(live)} live prices missing or stale, e.g. {missing[:3]}"
    fixtures = truth.get("fixtures")
    if fixtures:
        statuses = [(f["fixture_id"], f["status"], fixtures.get(f["fixture_id"])) for f in state["fixtures"]]
        if not (statuses and all(status == status_of(want) for _, status, want in statuses)):
            return f"fixture statuses differ from the truth: {statuses}"
    return ""


def compare(state: dict, truth: dict, status_of=lambda s: s, locked_prices_sent: bool = True) -> None:
    problem = mismatch(state, truth, status_of, locked_prices_sent)
    assert not problem, problem


def malformed_skipped(err: str) -> int:
    return err.count("skipped a malformed frame")


async def test_opticodds_survives_cuts_429s_restarts_malformed_frames_and_stalls(tmp_path):
    server = start_sim("cut=60,429=1@4,malformed=20,restart=300,stall=40:1.5", stop_after=8000)
    try:
        settings = settings_for(server, "opticodds", sports=("basketball", "hockey", "soccer"))
        state, _, err = await run_until_settled(
            server,
            settings,
            tmp_path,
            quiet_for=3.0,
            converged=lambda state: not mismatch(state, server.call(_opticodds_truth, server)),
            backoff_base=0.05,
            read_timeout=1.0,
            rate_limit_pause=0.3,
            stagger=0.02,
        )
        truth = server.call(_opticodds_truth, server)
    finally:
        server.stop()
    compare(state, truth)
    assert malformed_skipped(err) >= 3
    assert "reconnecting" in err and "rate-limited" in err and "no data or ping" in err
    assert any(q["book"] == "Copilot" for q in state["quotes"])


def _opticodds_truth(server) -> dict:
    """The simulator's final OpticOdds quotes and statuses of the games the client asked for."""
    leagues = ("NBA", "NCAAB", "NHL", "EPL")
    truth = ground_truth(server.simulator)["opticodds"]
    prefixes = tuple(_fixture_prefixes(server, leagues))
    fixture_ids = {fx.fixture_id for fx in server.simulator.market.fixtures.values() if fx.league in leagues}
    return {
        "quotes": {k: v for k, v in truth["quotes"].items() if k.startswith(prefixes)},
        "fixtures": {k: v for k, v in truth["fixtures"].items() if k in fixture_ids},
    }


def _fixture_prefixes(server, leagues) -> list[str]:
    """OpticOdds odd ids start with the game id; Copilot ids (basketball, and other sports if this simulator
    serves them) carry the fixture id after `1:-1:` (stream doc) or `2:-1:league:` (parlay doc)."""
    fixtures = [fx for fx in server.simulator.market.fixtures.values() if fx.league in leagues]
    every_sport = server.simulator.opticodds.variant.copilot_for_every_sport
    copilot = [fx for fx in fixtures if every_sport or fx.sport == "basketball"]
    return (
        [f"{fx.game_id}:" for fx in fixtures]
        + [f"1:-1:{fx.fixture_id}:" for fx in copilot]
        + [f"2:-1:{fx.league.lower()}:{fx.fixture_id}:" for fx in copilot]
    )


async def test_oddspapi_resumes_and_resnapshots_through_faults(tmp_path):
    """Cuts, restarts (snapshot_required), book suspensions, varied doc shapes and the doc's own frames."""
    server = start_sim("cut=80,malformed=30,restart=400", stop_after=15000, seed=13)  # 13: the doc's frames too
    status_of = lambda name: FixtureStatus.parse(name).value  # noqa: E731
    try:
        settings = settings_for(server, "oddspapi", sports=("basketball", "soccer"), books=())
        state, _, err = await run_until_settled(
            server,
            settings,
            tmp_path,
            quiet_for=4.0,
            converged=lambda state: not mismatch(state, server.call(_oddspapi_truth, server), status_of),
            backoff_base=0.05,
        )
        truth = server.call(_oddspapi_truth, server)
    finally:
        server.stop()
    papi = server.simulator.oddspapi
    compare(state, truth, status_of=status_of)
    assert malformed_skipped(err) >= 3
    assert "closed 1011" in err and "closed 1012" in err, err
    assert papi.snapshots_required >= 1 and papi.states.suspensions >= 3 and truth["examples"]
    resumed = [login["lastSeenId"] for login in papi.logins if login.get("lastSeenId")]
    assert resumed and all(set(cursors) <= {"fixtures", "scores", "bookmakers"} for cursors in resumed)


def _oddspapi_truth(server) -> dict:
    """The simulator's final OddsPapi quotes and statuses of basketball and soccer, and what the doc's example
    frames it sent make true (`examples`: those quotes alone)."""
    truth = ground_truth(server.simulator)["oddspapi"]
    wanted = {fx.papi_id for fx in server.simulator.market.fixtures.values() if fx.spec.papi_sport_id in (10, 11)}
    examples = server.simulator.oddspapi.example_truth()
    return {
        "quotes": {k: v for k, v in truth["quotes"].items() if k.split(":")[0] in wanted} | examples["quotes"],
        "fixtures": {k: v for k, v in truth["fixtures"].items() if k in wanted} | examples["fixtures"],
        "examples": examples["quotes"],
    }


async def test_oddsstream_websocket_with_reconciling_polls(tmp_path):
    server = start_sim("cut=30,malformed=6", stop_after=10000)
    try:
        settings = settings_for(server, "oddsstream", key="os_live_c" + "0" * 31, leagues=("NBA",))
        state, _, err = await run_until_settled(
            server,
            settings,
            tmp_path,
            quiet_for=2.5,
            watch_events=False,
            converged=lambda state: (
                not mismatch(
                    _held(state),
                    {"quotes": server.call(_stream_truth, server.simulator, "NBA")},
                    locked_prices_sent=False,
                )
            ),
            backoff_base=0.05,
            reconcile_every=1.0,
        )
        truth = {"quotes": server.call(_stream_truth, server.simulator, "NBA")}
    finally:
        server.stop()
    compare(_held(state), truth, locked_prices_sent=False)
    assert malformed_skipped(err) >= 3 and "websocket" in err and "closed 1011" in err, err
    undated = [fx for fx in server.simulator.market.fixtures.values() if server.simulator.oddsstream.undated(fx)]
    assert undated, "the seed gives no event without a match_date: the test would prove nothing about it"


def _held(state: dict) -> dict:
    """The client's live (not stale) prices, keyed by `_identity` (a price of a game it does not hold: by '?')."""
    names = {f["fixture_id"]: f"{f['home']} vs {f['away']}" for f in state["fixtures"]}
    held = [q | {"key": _identity(names.get(q["fixture_id"], "?"), q)} for q in state["quotes"] if not q["stale"]]
    return {"quotes": held, "fixtures": []}


def _identity(match_name: str, quote: dict) -> str:
    """An OddsStream price's identity in documented fields only: match, book, market_type, selection."""
    return f"{match_name}|{quote['book']}|{quote['key'].split(':')[2]}|{quote['selection']}"


def _stream_truth(simulator, league: str) -> dict:
    """The simulator's final main-line prices of `league`, keyed by `_identity`."""
    from oddstui.sim.names import BOOKS
    from oddstui.sim.oddsstream import MARKET_TYPES

    market, truth = simulator.market, {}
    for fx in market.fixtures.values():
        if fx.league != league or fx.status.is_terminal:
            continue
        for book in BOOKS:
            for line, price in market.current(fx, book):
                if price.is_main and not line.retired:
                    key = _identity(
                        f"{fx.home} vs {fx.away}",
                        {"book": book.name, "key": f"::{MARKET_TYPES[line.kind]}", "selection": line.name},
                    )
                    truth[key] = {
                        "price_american": price.american,
                        "locked": price.locked or price.settlement is not None,
                    }
    return {"quotes": truth}["quotes"]
