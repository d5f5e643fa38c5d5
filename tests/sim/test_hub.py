"""The simulator's event log stays bounded over a long run, in length and in age."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from oddstui.sim import hub as hub_module
from oddstui.sim.hub import Hub
from oddstui.sim.market import Market, PriceBatch


def test_the_log_keeps_recent_entries_only(monkeypatch):
    now = [1_000.0]
    monkeypatch.setattr(hub_module.time, "time", lambda: now[0])
    hub = Hub(Market(1, fixtures_per_league=1), retention_ms=10_000)
    for _ in range(30):
        hub.step()
        now[0] += 1.0
    assert hub.entries and hub.entries[0].ms >= (now[0] - 1.0) * 1000 - 11_000
    assert hub.entry_at(hub.base_seq) is hub.entries[0] and hub.entry_at(hub.base_seq - 1) is None
    assert hub.after(0)[0] is hub.entries[0]  # an older cursor is answered from the oldest entry kept
    assert hub.head == hub.entries[-1].seq


def test_the_log_keeps_at_most_twice_its_capacity():
    hub = Hub(Market(1, fixtures_per_league=1), capacity=50)
    for _ in range(30):
        hub.step()
        assert len(hub.entries) <= 100
    assert hub.entries[0].seq == hub.base_seq and hub.head > 100


async def test_the_pump_releases_a_tick_a_game_at_a_time_at_the_rate():
    """One tick reprices every game at once; the pump spreads it out rather than publishing one wave a second."""
    tick_events = len(Market(1, fixtures_per_league=4).step())
    hub = Hub(Market(1, fixtures_per_league=4), rate=2_000)
    began = time.perf_counter()
    pump = asyncio.create_task(hub.run())
    await asyncio.sleep(0.6)
    pump.cancel()
    elapsed = time.perf_counter() - began
    published = Counter(entry.ms for entry in hub.entries)
    updates = sum(len(e.event.items) for e in hub.entries if isinstance(e.event, PriceBatch))
    assert len(published) >= 10, "events arrive in many small releases"
    assert max(published.values()) < tick_events / 3, "no release holds a whole tick"
    assert updates <= 2_000 * elapsed + max(len(e.event.items) for e in hub.entries if isinstance(e.event, PriceBatch))


async def test_a_pump_stopped_after_n_updates_publishes_its_last_tick_whole():
    """The market's state (the reliability tests' ground truth) is what was sent: a pump stopped mid-tick must not
    hold back the rest of the tick the market has already made."""
    hub, twin = Hub(Market(1, fixtures_per_league=4), rate=50_000), Market(1, fixtures_per_league=4)
    await asyncio.wait_for(hub.run(stop_after=100), timeout=10)
    made = [event for _ in range(hub.market.tick) for event in twin.step()]
    assert sum(len(e.items) for e in made if isinstance(e, PriceBatch)) > 100, "the stop falls within a tick"
    assert len(hub.entries) == len(made)
