"""Watchlists and UI settings on disk, in the platformdirs user data dir.

Writes are atomic (temp file, then rename). A file that cannot be read or parsed is moved
aside, never overwritten, and the problem is reported once so the user can recover it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

from oddstui.config import APP_NAME


@dataclass(slots=True)
class Watchlist:
    """Saved filters and pinned fixtures. Pinned fixtures are (provider, fixture_id) pairs."""

    name: str
    leagues: list[str] = field(default_factory=list)
    books: list[str] = field(default_factory=list)
    text: str = ""
    live_only: bool = False
    main_only: bool = False
    pinned: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class UiSettings:
    odds_format: str | None = None
    theme: str | None = None
    last_watchlist: str | None = None
    leagues: list[str] = field(default_factory=list)
    books: list[str] = field(default_factory=list)
    live_only: bool = False
    main_only: bool = False


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


class JsonFile:
    """One JSON document on disk: read with set-aside on corruption, written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        """Set when the file was unreadable and moved aside; shown to the user once."""

    def read(self) -> object | None:
        if not self.path.exists():
            return None
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            self._set_aside(f"{type(exc).__name__}")
            return None

    def _set_aside(self, why: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        number = 1
        while aside.exists():  # never replace an earlier set-aside copy
            number += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        try:
            self.path.rename(aside)
            self.problem = f"{self.path} could not be read ({why}); it was moved to {aside.name} and a new one started"
        except OSError as exc:
            self.problem = f"{self.path} could not be read ({why}) nor moved aside ({exc.strerror}); it is left as is"
            self.path = aside  # never write over the unreadable original

    def invalid(self, why: str) -> None:
        """The document parsed but has the wrong shape: set it aside too."""
        self._set_aside(why)

    def write(self, document: object) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(self.path.name + ".tmp")
        temp.write_text(json.dumps(document, indent=2), encoding="utf-8")
        os.replace(temp, self.path)


class WatchlistBook:
    """All watchlists, by name."""

    def __init__(self, directory: Path | None = None) -> None:
        self.file = JsonFile((directory or data_dir()) / "watchlists.json")
        self.lists: dict[str, Watchlist] = {}
        raw = self.file.read()
        if raw is None:
            return
        try:
            for item in raw["watchlists"]:  # type: ignore[index]
                watchlist = Watchlist(**item)
                self.lists[watchlist.name] = watchlist
        except (KeyError, TypeError):
            self.lists.clear()
            self.file.invalid("unexpected content")

    @property
    def problem(self) -> str | None:
        return self.file.problem

    def names(self) -> list[str]:
        return sorted(self.lists, key=str.lower)

    def save(self, watchlist: Watchlist) -> None:
        self.lists[watchlist.name] = watchlist
        self._write()

    def rename(self, old: str, new: str) -> None:
        watchlist = self.lists.pop(old)
        watchlist.name = new
        self.lists[new] = watchlist
        self._write()

    def delete(self, name: str) -> None:
        del self.lists[name]
        self._write()

    def _write(self) -> None:
        self.file.write({"watchlists": [asdict(w) for w in self.lists.values()]})


class SettingsFile:
    def __init__(self, directory: Path | None = None) -> None:
        self.file = JsonFile((directory or data_dir()) / "settings.json")
        raw = self.file.read()
        self.settings = UiSettings()
        if raw is None:
            return
        try:
            self.settings = UiSettings(**raw)  # a non-object or unknown keys raise TypeError
        except TypeError:
            self.file.invalid("unexpected content")

    @property
    def problem(self) -> str | None:
        return self.file.problem

    def save(self) -> None:
        self.file.write(asdict(self.settings))
