"""Settings: a TOML file at the platformdirs user config path, overridden by environment variables.

Errors name the file, the key and the fix. A provider is enabled when its key is set; with no key
at all, oddstui runs on the built-in simulator.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import platformdirs
from msgspec import UNSET, UnsetType

from oddstui.alert_rule import DEFAULT_MOVE, DEFAULT_STEAM, AlertKind, AlertRule, SteamSettings
from oddstui.book_codes import SHARP_BOOKS
from oddstui.devig import DevigMethod
from oddstui.odds import OddsError, OddsFormat, american_to_decimal, check_decimal
from oddstui.secret import SENSITIVE_NAME, Secret, mask_url, register, register_url_credentials, scrub

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
# sharp_books = ["Pinnacle", "Circa Sports", "Betfair Exchange"]   # fair price: the first that prices live
# markets = []               # empty: every market
# devig = "multiplicative"   # fair prices: multiplicative, additive, power or shin
# [book_codes]               # short codes for the grid's column headers, e.g.
# FanDuel = "FD"
# [steam]                    # a sharp book's price shortens, and other books follow
# min_move = 2.0             # points of implied probability (-110 to -120 is 2.2)
# min_line_move = 0.5        # or its main line moves this far (Heat -3.5 to -4.5 is 1), whatever the price
# followers = 2              # other books that follow
# window = 60                # seconds
# live_games = false         # in-play prices too (they move with the game itself)
# enabled = false            # turn steam off
# [[alerts]]                 # one table per alert: kind = "price", "ev", "arb" or "move"
# kind = "price"
# selection = "Denver Nuggets"
# market = "Moneyline"
# price = "+150"             # at or better than: American "+150" or decimal 2.5
# book = "FanDuel"           # leave out for the best price of any book

# [opticodds]
# api_key = "..."
"""


class ConfigError(ValueError):
    """A bad setting: the message names the file, the key and the fix, with every known key masked."""

    def __init__(self, source: str, key: str, problem: str, fix: str) -> None:
        super().__init__(scrub(f"{source}: {key}: {problem}. Fix: {fix}"))
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
    sharp_books: tuple[str, ...] = SHARP_BOOKS
    """Books whose no-vig price is the fair price, in order of preference (any case); else the consensus."""
    odds_format: OddsFormat = OddsFormat.AMERICAN
    theme: str = "oddstui-dark"
    book_codes: dict[str, str] = field(default_factory=dict)
    """Book name -> the short code in the grid's headers, over the built-in ones."""
    alerts: tuple[AlertRule, ...] = ()
    """The [[alerts]] tables: price alerts the file sets."""
    steam: SteamSettings = DEFAULT_STEAM
    devig: DevigMethod = DevigMethod.MULTIPLICATIVE
    """How a book's prices become fair ones: the grid's fair column, the scanner and `oddstui scan`."""
    source: str = "(defaults)"
    """Where these settings came from, for error messages."""

    @property
    def enabled(self) -> list[ProviderSettings]:
        return [p for p in self.providers.values() if p.enabled]

    def with_providers(self, providers: dict[str, ProviderSettings]) -> Settings:
        return replace(self, providers=providers)


def config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


SETTING_KEYS = ("sports", "leagues", "books", "markets", "odds_format", "theme", "sharp_books", "devig")
TABLE_KEYS = ("book_codes", "alerts", "steam")
"""Top-level tables of settings other than the providers'."""


class FileSettings(msgspec.Struct, forbid_unknown_fields=True):
    """The top-level settings of the file, as typed; a field left out keeps its default."""

    sports: list[str] | UnsetType = UNSET
    leagues: list[str] | UnsetType = UNSET
    books: list[str] | UnsetType = UNSET
    markets: list[str] | UnsetType = UNSET
    odds_format: str | UnsetType = UNSET
    theme: str | UnsetType = UNSET
    book_codes: dict[str, str] | UnsetType = UNSET
    sharp_books: list[str] | UnsetType = UNSET
    alerts: list[dict[str, Any]] | UnsetType = UNSET
    steam: dict[str, Any] | UnsetType = UNSET
    devig: str | UnsetType = UNSET


def _provider_keys(name: str) -> tuple[str, ...]:
    return ("api_key", *DEFAULT_URLS[name])


def _table_type(name: str) -> type[msgspec.Struct]:
    """The typed [provider] table: the key, and one URL per entry of DEFAULT_URLS."""
    fields = [("api_key", str, ""), *((key, str | UnsetType, UNSET) for key in DEFAULT_URLS[name])]
    return msgspec.defstruct(f"{name.title()}Table", fields, forbid_unknown_fields=True)


FIXES = {
    **{key: f'write it as {key} = ["a", "b"]' for key in ("sports", "leagues", "books", "markets")},
    "sharp_books": 'write it as sharp_books = ["Pinnacle", "Circa Sports"]',
    "odds_format": 'write it as odds_format = "decimal"',
    "theme": 'write it as theme = "oddstui-dark"',
    "alerts": 'write each alert as a table of its own: a line [[alerts]], then kind = "price" and its settings',
    "steam": "write it as a [steam] table: min_move = 2.0, min_line_move = 0.5, followers = 2, window = 60",
    "devig": 'write it as devig = "multiplicative"',
}


def load(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read the settings file (if any) and apply environment overrides; raises ConfigError."""
    path = path or config_path()
    env = os.environ if environ is None else environ
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return parse({}, str(path), env)
    except OSError as exc:
        raise ConfigError(str(path), "(file)", exc.strerror or "unreadable", "check the file's permissions") from None
    return parse(decode(raw, str(path)), str(path), env)


def decode(raw: bytes, source: str) -> dict:
    """The TOML document in `raw`; raises ConfigError for text that is not UTF-8, bad syntax, or deep nesting."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            source, f"(line {line})", f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "(syntax)", str(exc), "correct the TOML syntax at that line") from None
    except RecursionError:
        raise ConfigError(
            source,
            "(structure)",
            "values nested too deeply to read",
            "remove the nesting: settings are strings and lists of strings, in [provider] tables at most",
        ) from None


def parse(data: dict, source: str, env: Mapping[str, str]) -> Settings:
    """Settings from a decoded file and the environment; raises ConfigError naming the file, the key and the fix."""
    _remember_keys(data, env)
    _check_placement(data, source)
    try:
        typed = msgspec.convert({k: v for k, v in data.items() if k in (*SETTING_KEYS, *TABLE_KEYS)}, FileSettings)
    except msgspec.ValidationError as exc:
        raise _type_error(exc, "", source) from None
    providers = {name: _provider(name, data.get(name, {}), source, env) for name in PROVIDERS}
    settings = Settings(
        providers,
        sports=_given(typed.sports, DEFAULT_SPORTS),
        leagues=_given(typed.leagues, ()),
        books=_given(typed.books, DEFAULT_BOOKS),
        markets=_given(typed.markets, ()),
        sharp_books=_sharp_books(typed.sharp_books, source),
        source=source,
    )
    if typed.odds_format is not UNSET:
        try:
            settings = replace(settings, odds_format=OddsFormat.parse(typed.odds_format))
        except ValueError:
            choices = ", ".join(f.value for f in OddsFormat)
            raise ConfigError(
                source, "odds_format", f"unknown format {typed.odds_format!r}", f"use one of {choices}"
            ) from None
    if typed.theme is not UNSET:
        settings = replace(settings, theme=typed.theme)
    if typed.book_codes is not UNSET:
        settings = replace(settings, book_codes=_book_codes(typed.book_codes, source))
    if typed.alerts is not UNSET:
        settings = replace(
            settings, alerts=tuple(_alert_rule(t, f"alerts[{i}]", source) for i, t in enumerate(typed.alerts))
        )
    if typed.steam is not UNSET:
        settings = replace(settings, steam=_steam(typed.steam, source))
    if typed.devig is not UNSET:
        try:
            settings = replace(settings, devig=DevigMethod.parse(typed.devig))
        except ValueError:
            choices = ", ".join(m.value for m in DevigMethod)
            raise ConfigError(
                source, "devig", f"unknown de-vig method {typed.devig!r}", f"use one of {choices}"
            ) from None
    return settings


STEAM_FIX = (
    "write it as min_move = 2.0 (points of implied probability), min_line_move = 0.5 (points of handicap or "
    "total), followers = 2, window = 60 (seconds), "
    "enabled = false  # turn steam off"
)


def _steam(table: dict[str, Any], source: str) -> SteamSettings:
    """[steam]: how big a sharp move, how many followers, within how many seconds."""
    known = [f.name for f in msgspec.structs.fields(SteamSettings)]
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise ConfigError(source, f"steam.{key}", "unknown setting", f"{hint}[steam] takes {', '.join(known)}")
    try:
        return msgspec.convert(table, SteamSettings)
    except msgspec.ValidationError as exc:
        problem, _, where = str(exc).partition(" - at `$")
        raise ConfigError(source, f"steam{where.rstrip('`')}", problem, STEAM_FIX) from None


ALERT_SCOPE = ("league", "market", "player", "selection", "line", "book")
ALERT_THRESHOLDS = {
    AlertKind.PRICE: ("price", 'add price = "+150" (American) or price = 2.5 (decimal): at or better than it'),
    AlertKind.EV: ("min_pct", "add min_pct = 3.0: the least EV, in % of the stake"),
    AlertKind.ARB: ("min_pct", "add min_pct = 1.0: the least guaranteed profit, in % of the stake"),
    AlertKind.MOVE: ("move", "add move = 2.0: points of implied probability (-110 to -120 is 2.2); 2 when left out"),
}
"""Each kind's threshold key, and the fix when it is missing or wrong."""


def _alert_rule(table: dict[str, Any], where: str, source: str) -> AlertRule:
    """One [[alerts]] table: its kind, that kind's threshold, and the scope (every key optional)."""
    kinds = ", ".join(k.value for k in AlertKind)
    kind_word = table.get("kind")
    if not isinstance(kind_word, str):
        raise ConfigError(source, f"{where}.kind", "missing, or not text", f'add kind = "price" (one of {kinds})')
    try:
        kind = AlertKind(kind_word.strip().lower())
    except ValueError:
        raise ConfigError(source, f"{where}.kind", f"unknown kind {kind_word!r}", f"use one of {kinds}") from None
    threshold_key, fix = ALERT_THRESHOLDS[kind]
    allowed = ("kind", threshold_key, *ALERT_SCOPE)
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise ConfigError(
                source,
                f"{where}.{key}",
                f"not a setting of {kind.value} alerts",
                f"{hint}It takes {', '.join(allowed)}",
            )
    for key in ALERT_SCOPE:
        value = table.get(key)
        if key == "line":
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ConfigError(source, f"{where}.line", "not a number", "write it as line = -3.5")
        elif value is not None and not isinstance(value, str):
            raise ConfigError(source, f"{where}.{key}", "not text", f'write it as {key} = "..."')
    if threshold_key not in table and kind is not AlertKind.MOVE:
        raise ConfigError(source, f"{where}.{threshold_key}", f"{kind.value} alerts need it", fix)
    threshold = _threshold(kind, table.get(threshold_key, DEFAULT_MOVE))
    if threshold is None:
        if kind is AlertKind.PRICE:
            from oddstui.alert_rule import MAX_THRESHOLD

            fix = f"{fix}; the longest is +999900 (decimal {MAX_THRESHOLD:g})"
        raise ConfigError(source, f"{where}.{threshold_key}", f"not a valid value: {table[threshold_key]!r}", fix)
    line = table.get("line")
    scope = {key: table.get(key, "") for key in ALERT_SCOPE if key != "line"}
    return AlertRule(kind, threshold, line=None if line is None else float(line), **scope)


def _threshold(kind: AlertKind, value: object) -> float | None:
    """The threshold as a rule holds it (a price as decimal odds); None when it is not one."""
    from oddstui.alert_rule import MAX_THRESHOLD

    if isinstance(value, bool):
        return None
    try:
        if kind is AlertKind.PRICE:
            if isinstance(value, str):
                text = value.strip()
                decimal = american_to_decimal(float(text)) if text[:1] in "+-" else check_decimal(float(text))
            elif isinstance(value, (int, float)):
                decimal = check_decimal(value)
            else:
                return None
            return decimal if decimal <= MAX_THRESHOLD else None
    except (OddsError, ValueError):
        return None
    if not isinstance(value, (int, float)) or not 0 < value <= 100:
        return None
    return float(value)


def _book_codes(table: dict[str, str], source: str) -> dict[str, str]:
    """[book_codes]: book name = short code (1 to 6 characters, no spaces)."""
    for book, code in table.items():
        if not 1 <= len(code) <= 6 or " " in code:
            fix = f'use 1 to 6 characters, e.g. {book} = "FD"'
            raise ConfigError(source, f"book_codes.{book}", f"not a short code: {code!r}", fix)
    return dict(table)


def _sharp_books(value: list[str] | UnsetType, source: str) -> tuple[str, ...]:
    """sharp_books: book names in order of preference; a blank name is a mistake, not 'no book'."""
    books = _given(value, SHARP_BOOKS)
    for index, book in enumerate(books):
        if not book.strip():
            raise ConfigError(source, f"sharp_books[{index}]", "an empty book name", FIXES["sharp_books"])
    return tuple(book.strip() for book in books)


def _given(value: list[str] | UnsetType, default: tuple[str, ...]) -> tuple[str, ...]:
    return default if isinstance(value, UnsetType) else tuple(value)


def _remember_keys(data: dict, env: Mapping[str, str]) -> None:
    """Register every key the file or the environment holds, wherever it is, before any message can quote it."""
    for name in PROVIDERS:
        register(env.get(f"{name.upper()}_API_KEY", "").strip())
        for url_key in DEFAULT_URLS[name]:
            register_url_credentials(env.get(f"{name.upper()}_{url_key.upper()}", ""))
    stack: list[object] = [data]
    while stack:  # iterative: a document may nest thousands of levels deep
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, str):
                if isinstance(key, str) and (SENSITIVE_NAME.search(key) or key in PROVIDERS):
                    register(value.strip())
                register_url_credentials(value)
            else:
                stack.append(value)


def _check_placement(data: dict, source: str) -> None:
    """Every key in the table it belongs to; a misplaced one is told where it goes, never just to be removed."""
    top = (*SETTING_KEYS, *TABLE_KEYS, *PROVIDERS)
    for key, value in data.items():
        if key not in top and _home(key):
            raise ConfigError(source, key, "not a top-level setting", _move(key))
        if key not in top:
            inner = [k for k in value if _home(k)] if isinstance(value, dict) else []
            if inner:
                raise ConfigError(source, f"{key}.{inner[0]}", f"not a setting of [{key}]", _move(inner[0]))
            raise ConfigError(source, key, *_unknown(key, top, "known settings are " + ", ".join(top)))
    for name in PROVIDERS:
        table = data.get(name)
        if not isinstance(table, dict):
            continue
        allowed = _provider_keys(name)
        for key in table:
            if key in allowed:
                continue
            if _home(key):
                raise ConfigError(source, f"{name}.{key}", f"not a setting of [{name}]", _move(key))
            known = f"[{name}] takes {', '.join(allowed)}"
            raise ConfigError(source, f"{name}.{key}", *_unknown(key, allowed, known))


def _home(key: str) -> str:
    """Where a known key belongs, in words; empty for a key no table takes."""
    if key in SETTING_KEYS:
        return "top"
    if key in PROVIDERS:
        return "provider"
    homes = [f"[{name}]" for name in PROVIDERS if key in _provider_keys(name)]
    return " or ".join(homes)


def _move(key: str) -> str:
    home = _home(key)
    if home == "top":
        return "move it above the first [table] line: TOML puts every line after [name] into that table"
    if home == "provider":
        return f"make it a table of its own: a line [{key}] at the start of a line, not inside another table"
    if key == "api_key":
        return f"move it into the table of the provider the key is for: {home}"
    return f"move it into {home}"


def _unknown(key: str, choices: Sequence[str], known: str) -> tuple[str, str]:
    """(problem, fix) for a key no table takes: a close spelling if there is one; a key-like name is never dropped."""
    close = difflib.get_close_matches(key, [*choices, *SETTING_KEYS, *PROVIDERS, "api_key"], n=1)
    if close and close[0] in choices:
        return "unknown setting", f"did you mean {close[0]}? Rename it; {known}"
    if close:
        return "unknown setting", f"did you mean {close[0]}? If so, {_move(close[0])}"
    if SENSITIVE_NAME.search(key):
        where = _home("api_key")
        return "unknown setting", f"if it holds an API key, name it api_key in the provider's table ({where}); {known}"
    return "unknown setting", f"remove it or correct its spelling; {known}"


def _type_error(exc: msgspec.ValidationError, table: str, source: str) -> ConfigError:
    """A msgspec error ("Expected `str`, got `int` - at `$.books[1]`") as a file/key/fix message."""
    problem, _, where = str(exc).partition(" - at `$")
    path = where.rstrip("`").lstrip(".")
    key = ".".join(filter(None, (table, path))) or table or "(file)"
    field_name = path.split("[", 1)[0].split(".", 1)[0]
    if not path and table:
        fix = f"write it as a [{table}] section"
    elif table:
        fix = f'write it as {field_name} = "..."'
    else:
        fix = FIXES.get(field_name, "correct the value's type")
    return ConfigError(source, key, problem, fix)


def _provider(name: str, table: object, source: str, env: Mapping[str, str]) -> ProviderSettings:
    try:
        typed: Any = msgspec.convert(table, _TABLES[name])  # a struct made at import time from DEFAULT_URLS
    except msgspec.ValidationError as exc:
        raise _type_error(exc, name, source) from None
    prefix = name.upper()
    values = {"api_key": typed.api_key}
    for key, default in DEFAULT_URLS[name].items():
        given = getattr(typed, key)
        values[key] = default if given is UNSET else given
    for key in values:
        override = env.get(f"{prefix}_{key.upper()}")
        if override:
            values[key] = override
    for key in DEFAULT_URLS[name]:
        url = values[key]
        if not _valid_url(url, ("ws", "wss") if key == "ws_url" else ("http", "https")):
            where = f"{prefix}_{key.upper()}" if env.get(f"{prefix}_{key.upper()}") else source
            raise ConfigError(
                where,
                f"{name}.{key}",
                f"not a valid URL: {mask_url(url)!r}",
                "give a full URL such as " + DEFAULT_URLS[name][key],
            )
    return ProviderSettings(
        name, Secret(values["api_key"].strip()), values["base_url"].rstrip("/"), values.get("ws_url", "")
    )


def _valid_url(url: str, schemes: tuple[str, ...]) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in schemes and bool(parts.netloc)


_TABLES = {name: _table_type(name) for name in PROVIDERS}


def write_template(path: Path) -> None:
    """Create a commented settings file, readable by the owner only (it may come to hold keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(TEMPLATE)
