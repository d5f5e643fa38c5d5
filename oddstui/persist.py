"""Watchlists and UI settings on disk, in the platformdirs user data dir.

Documents decode into typed msgspec structs field by field: a field of the wrong type is dropped
and named in one notice, and the rest loads. A file that cannot be used at all (unreadable, not
JSON, not the expected object) is moved aside, never overwritten, and reported once. Writes go to
a fresh temporary file created exclusively in the same directory, then atomically replace the file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import msgspec
import platformdirs

from oddstui.config import APP_NAME

log = logging.getLogger(__name__)
MAX_NOTICE_ITEMS = 5
"""Dropped fields named in one notice; the rest are counted."""

Pin = Annotated[list[str], msgspec.Meta(min_length=2, max_length=2)]
"""A pinned fixture: [provider, fixture_id]."""
Name = Annotated[str, msgspec.Meta(min_length=1)]


class Watchlist(msgspec.Struct):
    """Saved filters and pinned fixtures. Pinned fixtures are (provider, fixture_id) pairs."""

    name: Name
    leagues: list[str] = []
    books: list[str] = []
    text: str = ""
    live_only: bool = False
    main_only: bool = False
    pinned: list[Pin] = []


class UiSettings(msgspec.Struct):
    odds_format: str | None = None
    theme: str | None = None
    last_watchlist: str | None = None
    leagues: list[str] = []
    books: list[str] = []
    live_only: bool = False
    main_only: bool = False


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, owner-only: a fresh temp file (O_EXCL, never a planted symlink), then os.replace."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:  # no fsync: saves run on the UI's thread, and a rename is atomic
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def decode_fields(raw: dict[str, Any], struct: type[msgspec.Struct], where: str, dropped: list[str]) -> dict[str, Any]:
    """The fields of `raw` that `struct` takes and that convert to their type; each other one is named in `dropped`."""
    types = {f.name: f.type for f in msgspec.structs.fields(struct)}
    kept: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in types:
            dropped.append(f"{where}{key} (unknown setting)")
            continue
        try:
            kept[key] = msgspec.convert(value, types[key])
        except msgspec.ValidationError as exc:
            problem, _, path = str(exc).partition(" - at `$")
            dropped.append(f"{where}{key}{path.rstrip('`')} ({problem})")
    return kept


class JsonFile:
    """One JSON document on disk: read with set-aside on corruption, written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        """Set when the file was set aside or fields were dropped; shown to the user once."""
        self._raw = b""

    def read(self) -> dict[str, Any] | None:
        """The document's top-level object; None (the file set aside) when there is no usable object."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._set_aside(exc.strerror or type(exc).__name__)
            return None
        self._raw = raw
        try:
            document = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            self._set_aside("not valid JSON")
            return None
        except RecursionError:
            self._set_aside("nested too deeply")
            return None
        if not isinstance(document, dict):
            self._set_aside(f"a JSON {type(document).__name__}, not an object")
            return None
        return document

    def _aside_path(self, kind: str) -> Path:
        """A name next to the file that no earlier set-aside copy holds."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.{kind}-{stamp}")
        number = 1
        while aside.exists() or aside.is_symlink():  # never replace an earlier set-aside copy
            number += 1
            aside = self.path.with_name(f"{self.path.name}.{kind}-{stamp}-{number}")
        return aside

    def _set_aside(self, why: str) -> None:
        aside = self._aside_path("corrupt")
        try:
            self.path.rename(aside)
            self.problem = f"{self.path} could not be used ({why}); it was moved to {aside.name} and a new one started"
        except OSError as exc:
            self.problem = f"{self.path} could not be used ({why}) nor moved aside ({exc.strerror}); it is left as is"
            self.path = aside  # never write over the unusable original

    def invalid(self, why: str) -> None:
        """The document parsed but cannot be used at all: set it aside too."""
        self._set_aside(why)

    def dropped(self, items: list[str]) -> None:
        """Fields that were ignored: one notice naming them, and a copy of the file as read, kept for the user."""
        if not items:
            return
        named = "; ".join(items[:MAX_NOTICE_ITEMS])
        more = f"; and {len(items) - MAX_NOTICE_ITEMS} more" if len(items) > MAX_NOTICE_ITEMS else ""
        copy = self._aside_path("original")
        try:
            fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(self._raw)
            kept = f"the file as it was is kept in {copy.name}"
        except OSError as exc:
            kept = f"no copy of the file could be kept ({exc.strerror})"
        self.problem = f"{self.path}: ignored {named}{more}; {kept}"

    def write(self, document: msgspec.Struct | dict[str, Any]) -> bool:
        """Write atomically; False (logged, and kept as the problem) if the disk refused."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, msgspec.json.format(msgspec.json.encode(document), indent=2))
        except OSError as exc:
            self.problem = f"{self.path} could not be saved ({exc.strerror or type(exc).__name__})"
            log.warning("%s", self.problem)
            return False
        return True


class WatchlistBook:
    """All watchlists, by name."""

    def __init__(self, directory: Path | None = None) -> None:
        self.file = JsonFile((directory or data_dir()) / "watchlists.json")
        self.lists: dict[str, Watchlist] = {}
        raw = self.file.read()
        if raw is None:
            return
        items = raw.get("watchlists")
        if not isinstance(items, list):
            self.file.invalid("no list of watchlists")
            return
        dropped: list[str] = []
        for index, item in enumerate(items):
            where = f"watchlists[{index}]"
            if not isinstance(item, dict):
                dropped.append(f"{where} (not an object)")
            elif not isinstance(item.get("name"), str) or not item["name"]:
                dropped.append(f"{where} (no name, or a name that is not text)")
            else:
                watchlist = Watchlist(**decode_fields(item, Watchlist, f"{where}.", dropped))
                self.lists[watchlist.name] = watchlist
        self.file.dropped(dropped)

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
        self.file.write({"watchlists": list(self.lists.values())})


class SettingsFile:
    def __init__(self, directory: Path | None = None) -> None:
        self.file = JsonFile((directory or data_dir()) / "settings.json")
        self.settings = UiSettings()
        raw = self.file.read()
        if raw is None:
            return
        dropped: list[str] = []
        self.settings = UiSettings(**decode_fields(raw, UiSettings, "", dropped))
        self.file.dropped(dropped)

    @property
    def problem(self) -> str | None:
        return self.file.problem

    def save(self) -> None:
        self.file.write(self.settings)
