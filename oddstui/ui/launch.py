"""Start the dashboard: on the configured providers, or on the built-in simulator when no key is set."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from oddstui.config import APP_NAME, Settings
from oddstui.demo import start_demo
from oddstui.sim.app import SimServer
from oddstui.ui.app import OddsApp


class Dashboard(OddsApp):
    """The dashboard as the `oddstui` command runs it: a crash restores the terminal and is kept in `crash`.

    Textual would print the traceback, locals and all, under the restored screen; the command line
    instead logs it (scrubbed) and prints one line.
    """

    crash: BaseException | None = None

    def _handle_exception(self, error: Exception) -> None:
        super()._handle_exception(error)
        self.crash = self.crash or error
        self._exit_renderables.clear()


def feed_for(settings: Settings, demo: bool, seed: int = 1) -> tuple[SimServer | None, Settings]:
    """The configured providers; or the built-in simulator, started here, when no key is set or with --demo."""
    if demo or not settings.enabled:
        return start_demo(settings, seed=seed)
    return None, settings


def launch(settings: Settings, *, demo: bool = False, theme: str | None = None, seed: int = 1) -> int:
    """Run the dashboard until it quits; an exception that ended it is raised again here, after the screen is gone."""
    server, settings = feed_for(settings, demo, seed)
    demo = server is not None
    try:
        app = Dashboard(settings, demo=demo, theme=theme, cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)))
        app.run()
    finally:
        if server is not None:
            server.stop()
    if app.crash is not None:
        raise app.crash
    return app.return_code or 0
