"""`tail` left running drops finished games after their grace period, on a timer, with their quotes."""

from __future__ import annotations

import asyncio
import io

import msgspec

from oddstui import store as store_module
from oddstui.history import NoHistory
from oddstui.model import FixtureStatus
from oddstui.store import Store
from oddstui.tail import TailOptions, tail
from tests.conftest import eventually
from tests.providers.conftest import settings_for, start_sim


async def test_tail_evicts_finished_games_on_a_timer(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "EVICT_EVERY", 0.05)
    store = Store(history=NoHistory(), eviction_grace=0.3)
    server = start_sim(run=False, warmup_ticks=200)  # each league's first game is in its last minutes
    market = server.simulator.market
    state_file = tmp_path / "state.json"
    stop = asyncio.Event()
    try:
        settings = settings_for(server, "opticodds", sports=("basketball", "hockey", "soccer", "tennis"))
        options = TailOptions(seconds=30, quiet=True, state_file=state_file)
        err = io.StringIO()
        running = asyncio.create_task(
            tail(
                settings,
                options,
                out=io.StringIO(),
                err=err,
                cache_dir=tmp_path,
                stop=stop,
                store=store,
                backoff_base=0.05,
            )
        )
        assert await eventually(
            lambda: store.fixtures() and all(h.state.value == "live" for h in store.health()), 10.0
        )  # snapshot in
        finished: set[str] = set()
        for _ in range(60):
            server.call(server.simulator.hub.step)
            finished |= {fx.fixture_id for fx in market.fixtures.values() if fx.status is FixtureStatus.COMPLETED}
            await asyncio.sleep(0.02)
        assert finished, "no game finished while tail ran"
        assert await eventually(
            lambda: not finished & {f.fixture_id for f in store.all_fixtures()}, 10.0
        )  # grace over, evicted
        stop.set()
        await running
    finally:
        server.stop()
    state = msgspec.json.decode(state_file.read_bytes())
    held = {f["fixture_id"] for f in state["fixtures"]}
    assert held, err.getvalue()
    assert not finished & held
    assert not finished & {q["fixture_id"] for q in state["quotes"]}
