"""`tail` left running drops finished games after their grace period, on a timer, with their quotes."""

from __future__ import annotations

import asyncio
import functools
import io

import msgspec

from oddstui import store as store_module
from oddstui import tail as tail_module
from oddstui.model import FixtureStatus
from oddstui.store import Store
from oddstui.tail import TailOptions, tail
from tests.providers.conftest import settings_for, start_sim


async def test_tail_evicts_finished_games_on_a_timer(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "EVICT_EVERY", 0.05)
    monkeypatch.setattr(tail_module, "Store", functools.partial(Store, eviction_grace=0.3))
    server = start_sim(run=False, warmup_ticks=200)  # each league's first game is in its last minutes
    market = server.simulator.market
    state_file = tmp_path / "state.json"
    stop = asyncio.Event()
    try:
        settings = settings_for(server, "opticodds", sports=("basketball", "hockey", "soccer", "tennis"))
        options = TailOptions(seconds=30, quiet=True, state_file=state_file)
        err = io.StringIO()
        running = asyncio.create_task(
            tail(settings, options, out=io.StringIO(), err=err, cache_dir=tmp_path, stop=stop, backoff_base=0.05)
        )
        await asyncio.sleep(1.0)  # connected, snapshot in
        finished: set[str] = set()
        for _ in range(60):
            server.call(server.simulator.hub.step)
            finished |= {fx.fixture_id for fx in market.fixtures.values() if fx.status is FixtureStatus.COMPLETED}
            await asyncio.sleep(0.02)
        assert finished, "no game finished while tail ran"
        await asyncio.sleep(1.0)  # over the grace period, and a few eviction passes
        stop.set()
        await running
    finally:
        server.stop()
    state = msgspec.json.decode(state_file.read_bytes())
    held = {f["fixture_id"] for f in state["fixtures"]}
    assert held, err.getvalue()
    assert not finished & held
    assert not finished & {q["fixture_id"] for q in state["quotes"]}
