"""What `oddstui config check` adds to 'valid': settings remembered from the last session that win over the
config file, and names the config gives that no provider or theme knows.

Precedence, one place: `--theme` on the command line, then what the dashboard remembered (`o` and the
palette's theme change it), then the config file, then the defaults.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

from oddstui.alert_rule import SteamSettings, describe
from oddstui.config import Settings
from oddstui.persist import UiSettings

KNOWN_SPORTS = frozenset(
    {
        "aussie_rules",
        "baseball",
        "basketball",
        "boxing",
        "cricket",
        "darts",
        "esports",
        "football",
        "golf",
        "handball",
        "hockey",
        "lacrosse",
        "mma",
        "motorsports",
        "rugby_league",
        "rugby_union",
        "soccer",
        "table_tennis",
        "tennis",
        "volleyball",
    }
)
"""OpticOdds sport ids (the providers map them to their own)."""
KNOWN_BOOKS = frozenset(
    {
        "Bet365",
        "BetMGM",
        "BetOnline",
        "BetRivers",
        "Betfair Exchange",
        "Bovada",
        "Caesars",
        "Circa Sports",
        "Copilot",
        "DraftKings",
        "ESPN BET",
        "Fanatics",
        "FanDuel",
        "Hard Rock",
        "Pinnacle",
        "PointsBet",
        "Unibet",
        "William Hill",
    }
)
"""Sportsbooks as the providers name them; a name outside this set is likely misspelt."""


def theme_names(dirs: list[Path]) -> set[str]:
    """Names of the themes in `dirs` (unreadable files skipped: the dashboard reports those itself)."""
    names = set()
    for directory in dirs:
        for path in sorted(directory.glob("*.toml")) if directory.is_dir() else ():
            try:
                name = tomllib.loads(path.read_text(encoding="utf-8")).get("name")
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if isinstance(name, str):
                names.add(name)
    return names


def precedence(settings: Settings, remembered: UiSettings) -> list[str]:
    """Where a remembered choice wins over the config file, one line each."""
    lines = []
    if remembered.theme and remembered.theme != settings.theme:
        lines.append(
            f"theme: the config says {settings.theme!r}, but {remembered.theme!r} remembered from the last "
            "session wins (change it with ctrl+p → theme, or pass --theme)"
        )
    if remembered.odds_format and remembered.odds_format != settings.odds_format.value:
        lines.append(
            f"odds_format: the config says {settings.odds_format.value!r}, but {remembered.odds_format!r} "
            "remembered from the last session wins (o cycles it)"
        )
    return lines


def unknown_names(settings: Settings, themes: set[str]) -> list[str]:
    """Warnings for a theme, sports, books or sharp books that nothing knows."""
    warnings = []
    if settings.theme not in themes:
        warnings.append(f"theme {settings.theme!r} is not a known theme; known: {', '.join(sorted(themes))}")
    for sport in settings.sports:
        if sport not in KNOWN_SPORTS:
            warnings.append(f"sport {sport!r} is not a known sport id; known: {', '.join(sorted(KNOWN_SPORTS))}")
    known_books = {b.lower(): b for b in KNOWN_BOOKS}
    for book in settings.books:
        if book not in KNOWN_BOOKS:
            hint = f" (did you mean {known_books[book.lower()]!r}?)" if book.lower() in known_books else ""
            warnings.append(f"book {book!r} is not a sportsbook the providers name{hint}")
    for book in settings.sharp_books:
        if book.lower() not in known_books:
            close = difflib.get_close_matches(book, sorted(KNOWN_BOOKS), n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            warnings.append(f"sharp book {book!r} is not a sportsbook the providers name{hint}; fair skips it")
    return warnings


def alert_lines(settings: Settings) -> tuple[list[str], list[str]]:
    """(notes, warnings) on the [[alerts]] and [steam] tables: each alert as it reads, and alerts that cannot fire."""
    steam = settings.steam
    notes = []
    if steam != SteamSettings():
        notes.append(
            f"steam: a sharp price shortening by {steam.min_move:g} points of implied probability, or its main "
            f"line moving {steam.min_line_move:g}, followed by {steam.followers} soft books within {steam.window:g} s"
            if steam.enabled
            else "steam: off"
        )
    notes += [f"alert {index}: {describe(rule)}" for index, rule in enumerate(settings.alerts)]
    warnings = []
    for index, rule in enumerate(settings.alerts):
        if rule.book and rule.book not in KNOWN_BOOKS:
            warnings.append(f"alerts[{index}].book {rule.book!r} is not a sportsbook the providers name")
        elif rule.book and settings.books and rule.book not in settings.books:
            warnings.append(f"alerts[{index}].book {rule.book!r} is not in books: its prices are never streamed")
        if rule.league and settings.leagues and rule.league not in settings.leagues:
            warnings.append(f"alerts[{index}].league {rule.league!r} is not in leagues: it never streams")
    return notes, warnings


def report(settings: Settings, remembered: UiSettings) -> list[str]:
    """Every line `config check` prints after 'valid'."""
    from textual.theme import BUILTIN_THEMES  # only here: the check runs once, from the CLI

    from oddstui.ui.themes import theme_dirs

    themes = set(BUILTIN_THEMES) | theme_names(theme_dirs())
    notes, warnings = alert_lines(settings)
    lines = [f"note: {line}" for line in (*precedence(settings, remembered), *notes)]
    lines += [f"warning: {line}" for line in (*unknown_names(settings, themes), *warnings)]
    return lines
