"""The built-in market: the simulator on a free loopback port, and settings that point the clients at it."""

from __future__ import annotations

from oddstui.config import ProviderSettings, Settings
from oddstui.secret import Secret
from oddstui.sim.app import SimOptions, SimServer, Simulator

DEMO_KEY = "demo-key"


DEMO_RATE = 600.0
"""Price updates per second: a lively market that a person can still follow."""
WARMUP_TICKS = 40


def start_demo(
    settings: Settings, seed: int = 1, rate: float = DEMO_RATE, start_time: float | None = None
) -> tuple[SimServer, Settings]:
    """Start the simulator in a background thread; OpticOdds (odds, results, Copilot) streams from it."""
    options = SimOptions(seed=seed, rate=rate, start_time=start_time, warmup_ticks=WARMUP_TICKS)
    server = SimServer(Simulator(options)).start()
    urls = server.urls()
    providers = {name: ProviderSettings(name) for name in settings.providers}
    providers["opticodds"] = ProviderSettings("opticodds", Secret(DEMO_KEY), urls["opticodds"])
    return server, settings.with_providers(providers)
