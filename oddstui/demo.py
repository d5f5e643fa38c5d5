"""The built-in market: the simulator on a free loopback port, and settings that point the clients at it."""

from __future__ import annotations

from oddstui.config import ProviderSettings, Settings
from oddstui.secret import Secret
from oddstui.sim.app import SimOptions, SimServer, Simulator

DEMO_KEY = "demo-key"


def start_demo(settings: Settings, seed: int = 1, rate: float = 200.0,
               start_time: float | None = None) -> tuple[SimServer, Settings]:
    """Start the simulator in a background thread; OpticOdds (odds, results, Copilot) streams from it."""
    server = SimServer(Simulator(SimOptions(seed=seed, rate=rate, start_time=start_time))).start()
    urls = server.urls()
    providers = {name: ProviderSettings(name) for name in settings.providers}
    providers["opticodds"] = ProviderSettings("opticodds", Secret(DEMO_KEY), urls["opticodds"])
    return server, settings.with_providers(providers)
