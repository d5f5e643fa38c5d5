"""Start the dashboard: on the configured providers, or on the built-in simulator when no key is set."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from oddstui.config import APP_NAME, Settings
from oddstui.demo import start_demo
from oddstui.ui.app import OddsApp


def launch(settings: Settings, *, demo: bool = False, theme: str | None = None, seed: int = 1) -> int:
    server = None
    if demo or not settings.enabled:
        server, settings = start_demo(settings, seed=seed)
        demo = True
    try:
        OddsApp(settings, demo=demo, theme=theme, cache_dir=Path(platformdirs.user_cache_dir(APP_NAME))).run()
    finally:
        if server is not None:
            server.stop()
    return 0
