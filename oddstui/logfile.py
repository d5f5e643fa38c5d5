"""The process log: one file under the platformdirs user log dir, scrubbed of every key, never on the screen.

Warnings from the providers and the traceback of any crash go there; the crash itself is reported on
stderr in one line that names the file.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

import platformdirs

from oddstui.config import APP_NAME
from oddstui.secret import ScrubFilter, scrub

MAX_BYTES = 1_000_000
BACKUPS = 2
MAX_MESSAGE = 200
"""Longest exception text quoted in the one-line crash message."""
log = logging.getLogger("oddstui")


def log_path() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME)) / "oddstui.log"


def setup_logging(path: Path | None = None) -> Path | None:
    """Send warnings and errors of every logger to the log file (owner-only, scrubbed); None if it cannot be opened.

    Nothing goes to stderr: a log line written there would tear the dashboard's screen.
    """
    path = path or log_path()
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600))
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, delay=True)
    except OSError:
        root.addHandler(logging.NullHandler())  # never the last-resort handler on stderr
        return None
    handler.addFilter(ScrubFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return path


def one_line(exc: BaseException) -> str:
    """The exception as one short scrubbed line: its type and the start of its message."""
    text = re.sub(r"\s+", " ", scrub(str(exc))).strip()  # scrubbed before it is cut: never half a key
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def report_crash(exc: BaseException, path: Path | None = None) -> str:
    """Log the full traceback of an unhandled exception; the one-line message for stderr, naming the log."""
    written = setup_logging(path)
    log.critical("unhandled exception", exc_info=exc)
    for handler in logging.getLogger().handlers:
        handler.flush()
    where = f"full traceback in {written}" if written else "the traceback could not be written to the log"
    return f"oddstui: internal error: {one_line(exc)} ({where})"
