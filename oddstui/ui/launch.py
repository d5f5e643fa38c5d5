"""Start the dashboard: on the configured providers, or on the built-in simulator when no key is set."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from oddstui.config import APP_NAME, Settings
from oddstui.demo import start_demo
from oddstui.sim.app import SimServer
from oddstui.ui.app import OddsApp


def feed_for(settings: Settings, demo: bool, seed: int = 1) -> tuple[SimServer | None, Settings]:
    """The configured providers; or the built-in simulator, started here, when no key is set or with --demo."""
    if demo or not settings.enabled:
        return start_demo(settings, seed=seed)
    return None, settings


def launch(settings: Settings, *, demo: bool = False, theme: str | None = None, seed: int = 1) -> int:
    server, settings = feed_for(settings, demo, seed)
    demo = server is not None
    try:
        OddsApp(settings, demo=demo, theme=theme, cache_dir=Path(platformdirs.user_cache_dir(APP_NAME))).run()
    finally:
        if server is not None:
            server.stop()
    return 0
