"""Provider clients against the simulator: run them headless through `tail`, compare with the ground truth."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import msgspec

from oddstui.config import ProviderSettings, Settings
from oddstui.export import state_json
from oddstui.history import NoHistory
from oddstui.secret import Secret
from oddstui.sim.app import SimOptions, SimServer, Simulator
from oddstui.sim.faults import FaultPlan
from oddstui.store import Store
from oddstui.tail import TailOptions, tail

KEY = "sk-test-9f8e7d6c5b4a"


def start_sim(faults: str = "", **options) -> SimServer:
    settings = {
        "seed": 11,
        "rate": 3000,
        "ping_interval": 0.2,
        "retry_ms": 50,
        "fixtures_per_league": 2,
        "start_time": 1_790_000_000.0,
    } | options
    return SimServer(Simulator(SimOptions(faults=FaultPlan.parse(faults), **settings))).start()


def settings_for(server: SimServer, provider: str, key: str = KEY, **fields) -> Settings:
    urls = server.urls()
    base = {"opticodds": urls["opticodds"], "oddspapi": urls["oddspapi"], "oddsstream": urls["oddsstream"]}
    ws = {"opticodds": "", "oddspapi": urls["oddspapi_ws"], "oddsstream": urls["oddsstream_ws"]}
    providers = {name: ProviderSettings(name) for name in base}
    providers[provider] = ProviderSettings(provider, Secret(key), base[provider], ws[provider])
    return Settings(providers, **fields)


def all_streams_live(err: str) -> bool:
    """True when the last state `tail` reported for every stream is live."""
    last: dict[str, str] = {}
    for line in err.splitlines():
        if line.startswith("[") and "] " in line and "malformed" not in line:
            stream, _, rest = line[1:].partition("] ")
            last[stream] = rest.split(" ", 1)[0]
    return bool(last) and all(state == "live" for state in last.values())


CONVERGED_EVERY = 0.5
"""Seconds between `converged` checks of a settled run."""


async def run_until_settled(
    server: SimServer,
    settings: Settings,
    tmp_path: Path,
    quiet_for: float = 1.5,
    limit: float = 45.0,
    watch_events: bool = True,
    converged: Callable[[dict], bool] | None = None,
    **tuning,
) -> tuple[dict, str, str]:
    """Run `tail` until the market has stopped and the client has been quiet and live for `quiet_for` seconds.

    A polling client prints every poll, so for it only stderr (health, skipped frames) counts as activity. With
    `converged`, the client must also hold what it asks of the state (as `tail` would write it) once quiet: a
    client slowed by a loaded machine is waited for, up to `limit`, instead of stopped half-way. Returns (final
    state, stdout, stderr).
    """
    import io

    out, err = io.StringIO(), io.StringIO()
    state_file = tmp_path / "state.json"
    store = Store(history=NoHistory())
    stop = asyncio.Event()

    def live_state() -> dict:
        return msgspec.json.decode(msgspec.json.encode(state_json(store)))

    async def stop_when_settled() -> None:
        started = time.monotonic()
        last_size, last_change, market_done = -1, time.monotonic(), None
        checked_at = -CONVERGED_EVERY
        while time.monotonic() - started < limit:
            await asyncio.sleep(0.25)
            now = time.monotonic()
            size = len(err.getvalue()) + (len(out.getvalue()) if watch_events else 0)
            if size != last_size:
                last_size, last_change = size, now
            if market_done is None and server.simulator.pump_done.is_set():
                market_done = now
            if (
                market_done is not None
                and now - max(last_change, market_done) > quiet_for
                and all_streams_live(err.getvalue())
            ):
                if converged is None:
                    break
                if now - checked_at >= CONVERGED_EVERY:  # encoding the state and the truth is not free
                    checked_at = now
                    if converged(live_state()):
                        break
        stop.set()

    options = TailOptions(seconds=limit + 5, state_file=state_file)
    watcher = asyncio.create_task(stop_when_settled())
    await tail(settings, options, out=out, err=err, cache_dir=tmp_path, stop=stop, store=store, **tuning)
    watcher.cancel()
    return msgspec.json.decode(state_file.read_bytes()) if state_file.exists() else {}, out.getvalue(), err.getvalue()
