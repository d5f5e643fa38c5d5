"""Themes from TOML files: the bundled `themes/` and the user's `<config dir>/themes`.

Each file becomes a Textual Theme whose variables carry the price colours (price-up, price-down,
locked, stale, best). Files that fail to load are skipped; their errors are collected and shown once.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from rich.style import Style
from textual.theme import Theme

from oddstui.config import APP_NAME

PRICE_VARIABLES = ("price-up", "price-down", "locked", "stale", "best")
THEME_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "warning",
    "error",
    "success",
)


def theme_dirs() -> list[Path]:
    """Bundled themes (installed copy, or the source tree's), then the user's."""
    bundled = [Path(sys.prefix) / "share" / APP_NAME / "themes", Path(__file__).resolve().parents[2] / "themes"]
    found = [next((d for d in bundled if d.is_dir()), bundled[-1])]
    return [*found, Path(platformdirs.user_config_dir(APP_NAME)) / "themes"]


@dataclass
class ThemeSet:
    themes: dict[str, Theme] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def load_theme(path: Path) -> Theme:
    """One theme file; raises ValueError naming the file, the key and the fix."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read it ({exc}). Fix: correct the TOML") from None
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f'{path}: name: missing. Fix: add name = "my-theme"')
    if not isinstance(data.get("primary"), str):
        raise ValueError(f'{path}: primary: missing. Fix: add primary = "#4ea1ff"')
    variables = data.get("variables", {})
    missing = [v for v in PRICE_VARIABLES if v not in variables]
    if missing:
        raise ValueError(f"{path}: variables.{missing[0]}: missing. Fix: set all of {', '.join(PRICE_VARIABLES)}")
    for key in PRICE_VARIABLES:
        try:
            Style.parse(variables[key])
        except Exception:  # rich raises StyleSyntaxError or ColorParseError
            raise ValueError(
                f"{path}: variables.{key}: {variables[key]!r} is not a colour or style. "
                'Fix: use e.g. "#3ddc84" or "white on #a15c00"'
            ) from None
    colours = {key: data[key] for key in THEME_FIELDS if isinstance(data.get(key), str)}
    try:
        theme = Theme(name=name, dark=bool(data.get("dark", True)), variables=dict(variables), **colours)
        theme.to_color_system()
    except Exception as exc:  # textual raises ColorParseError for a bad colour
        raise ValueError(f'{path}: {exc}. Fix: use colours such as "#4ea1ff"') from None
    return theme


def load_themes(dirs: list[Path] | None = None) -> ThemeSet:
    result = ThemeSet()
    for directory in dirs or theme_dirs():
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = load_theme(path)
            except ValueError as exc:
                result.errors.append(str(exc))
                continue
            result.themes[theme.name] = theme
    return result
