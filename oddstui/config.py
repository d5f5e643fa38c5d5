"""Settings: a TOML file at the platformdirs user config path, overridden by environment variables.

Errors name the file, the key and the fix. A provider is enabled when its key is set; with no key
at all, oddstui runs on the built-in simulator.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from oddstui.odds import OddsFormat
from oddstui.secret import Secret

APP_NAME = "oddstui"
PROVIDERS = ("opticodds", "oddspapi", "oddsstream")
DEFAULT_URLS = {
    "opticodds": {"base_url": "https://api.opticodds.com/api/v3"},
    "oddspapi": {"base_url": "https://v5.oddspapi.io", "ws_url": "wss://v5.oddspapi.io/ws"},
    "oddsstream": {"base_url": "https://api.oddsstream.io", "ws_url": "wss://api.oddsstream.io/api/stream"},
}
DEFAULT_SPORTS = ("basketball", "football", "hockey", "baseball", "soccer", "tennis")
DEFAULT_BOOKS = ("Pinnacle", "DraftKings", "FanDuel", "BetMGM", "Caesars", "BetRivers")
TEMPLATE = """\
# oddstui settings. Keys may also come from OPTICODDS_API_KEY, ODDSPAPI_API_KEY, ODDSSTREAM_API_KEY.
# odds_format = "american"   # american, decimal, probability, fractional, hong_kong, malay, indonesian
# theme = "oddstui-dark"
# sports = ["basketball", "football", "hockey", "baseball", "soccer", "tennis"]
# leagues = []               # empty: every league of those sports
# books = ["Pinnacle", "DraftKings", "FanDuel", "BetMGM", "Caesars", "BetRivers"]
# markets = []               # empty: every market
# [book_codes]               # short codes for the grid's column headers, e.g.
# FanDuel = "FD"

# [opticodds]
# api_key = "..."
"""


class ConfigError(ValueError):
    """A bad setting: the message names the file, the key and the fix."""

    def __init__(self, source: str, key: str, problem: str, fix: str) -> None:
        super().__init__(f"{source}: {key}: {problem}. Fix: {fix}")
        self.source, self.key = source, key


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    name: str
    api_key: Secret = field(default_factory=lambda: Secret(""))
    """Sent in a header where the provider allows it; never logged, shown or printed."""
    base_url: str = ""
    ws_url: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.api_key)


@dataclass(frozen=True, slots=True)
class Settings:
    providers: dict[str, ProviderSettings]
    sports: tuple[str, ...] = DEFAULT_SPORTS
    """Sports to stream (OpticOdds sport ids)."""
    leagues: tuple[str, ...] = ()
    """Leagues to stream; empty means every league of those sports."""
    books: tuple[str, ...] = DEFAULT_BOOKS
    """Sportsbooks to stream, in the order of the grid's columns."""
    markets: tuple[str, ...] = ()
    """Markets to keep; empty means every market."""
    odds_format: OddsFormat = OddsFormat.AMERICAN
    theme: str = "oddstui-dark"
    book_codes: dict[str, str] = field(default_factory=dict)
    """Book name -> the short code in the grid's headers, over the built-in ones."""
    source: str = "(defaults)"
    """Where these settings came from, for error messages."""

    @property
    def enabled(self) -> list[ProviderSettings]:
        return [p for p in self.providers.values() if p.enabled]

    def with_providers(self, providers: dict[str, ProviderSettings]) -> Settings:
        return replace(self, providers=providers)


def config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def load(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read the settings file (if any) and apply environment overrides; raises ConfigError."""
    path = path or config_path()
    env = os.environ if environ is None else environ
    data: dict = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(path), "(syntax)", str(exc), "correct the TOML syntax at that line") from None
        except OSError as exc:
            raise ConfigError(
                str(path), "(file)", exc.strerror or "unreadable", "check the file's permissions"
            ) from None
    return parse(data, str(path), env)


def parse(data: dict, source: str, env: dict[str, str] | os._Environ) -> Settings:
    known = {"sports", "leagues", "books", "markets", "odds_format", "theme", "book_codes", *PROVIDERS}
    for key in data:
        if key not in known:
            choices = ", ".join(sorted(known))
            raise ConfigError(source, key, "unknown setting", f"remove it; known settings are {choices}")
    providers = {name: _provider(name, data.get(name, {}), source, env) for name in PROVIDERS}
    settings = Settings(providers, source=source)
    for key in ("sports", "leagues", "books", "markets"):
        if key in data:
            settings = replace(settings, **{key: _strings(data[key], key, source)})
    if "odds_format" in data:
        try:
            settings = replace(settings, odds_format=OddsFormat.parse(str(data["odds_format"])))
        except ValueError:
            choices = ", ".join(f.value for f in OddsFormat)
            raise ConfigError(
                source, "odds_format", f"unknown format {data['odds_format']!r}", f"use one of {choices}"
            ) from None
    if "theme" in data:
        if not isinstance(data["theme"], str):
            raise ConfigError(source, "theme", "must be a string", 'write it as theme = "oddstui-dark"')
        settings = replace(settings, theme=data["theme"])
    if "book_codes" in data:
        settings = replace(settings, book_codes=_book_codes(data["book_codes"], source))
    return settings


def _book_codes(table: object, source: str) -> dict[str, str]:
    """[book_codes]: book name = short code (1 to 6 characters, no spaces)."""
    if not isinstance(table, dict):
        raise ConfigError(source, "book_codes", "must be a table", 'write it as [book_codes] with FanDuel = "FD"')
    for book, code in table.items():
        if not isinstance(code, str) or not 1 <= len(code) <= 6 or " " in code:
            fix = f'use 1 to 6 characters, e.g. {book} = "FD"'
            raise ConfigError(source, f"book_codes.{book}", f"not a short code: {code!r}", fix)
    return dict(table)


def _strings(value: object, key: str, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(source, key, "must be a list of strings", f'write it as {key} = ["a", "b"]')
    return tuple(value)


def _provider(name: str, table: object, source: str, env: dict[str, str] | os._Environ) -> ProviderSettings:
    if not isinstance(table, dict):
        raise ConfigError(source, name, "must be a table", f"write it as a [{name}] section")
    allowed = {"api_key", *DEFAULT_URLS[name]}
    for key, value in table.items():
        if key not in allowed:
            raise ConfigError(
                source, f"{name}.{key}", "unknown setting", f"remove it; [{name}] takes {', '.join(sorted(allowed))}"
            )
        if not isinstance(value, str):
            raise ConfigError(source, f"{name}.{key}", "must be a string", f'write it as {key} = "..."')
    prefix = name.upper()
    values = {"api_key": table.get("api_key", "")} | {k: table.get(k, v) for k, v in DEFAULT_URLS[name].items()}
    for key in values:
        override = env.get(f"{prefix}_{key.upper()}")
        if override:
            values[key] = override
    for key in DEFAULT_URLS[name]:
        url = values[key]
        scheme = url.split("://", 1)[0]
        if scheme not in (("ws", "wss") if key == "ws_url" else ("http", "https")) or "://" not in url:
            where = f"{prefix}_{key.upper()}" if env.get(f"{prefix}_{key.upper()}") else f"{source}: {name}.{key}"
            raise ConfigError(
                where,
                f"{name}.{key}",
                f"not a valid URL: {url!r}",
                "give a full URL such as " + DEFAULT_URLS[name][key],
            )
    return ProviderSettings(
        name, Secret(values["api_key"].strip()), values["base_url"].rstrip("/"), values.get("ws_url", "")
    )


def write_template(path: Path) -> None:
    """Create a commented settings file, readable by the owner only (it may come to hold keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(TEMPLATE)
