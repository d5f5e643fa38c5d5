"""Short names for narrow columns: a team's nickname, a player's surname, a prop's stat. Pure: no I/O, no UI.

Whole words are kept or dropped, never cut mid-word: 'Oklahoma City Thunder' -> 'Thunder', 'Manchester
City' -> 'Man City', 'Shai Gilgeous-Alexander' -> 'Gilgeous-Alexander', 'Player Passing Yards' -> 'Passing Yards'.
Where even that is too long, a three-letter code: 'Tottenham Hotspur' -> 'TOT', 'Los Angeles Lakers' -> 'LAL'.
"""

from __future__ import annotations

import functools
import re

INDIVIDUAL_SPORTS = frozenset({"tennis", "table_tennis", "mma", "boxing", "golf", "darts"})
"""Sports whose 'teams' are people: the surname is the short name."""
NICKNAME_FIRST_WORDS = frozenset(
    {"red", "white", "blue", "maple", "golden", "trail", "tar", "crimson", "fighting", "nittany", "sun", "wild"}
)
"""First words of two-word nicknames: 'Red Sox', 'Maple Leafs', 'Golden Knights', 'Blue Devils', 'Tar Heels'."""
CLUB_AFFIXES = frozenset({"fc", "afc", "cf", "sc", "cfc", "ac", "fk", "sk", "if", "bk"})
"""Words a football club's name carries that say nothing about which club it is."""
CLUB_WORDS = {"manchester": "Man", "united": "Utd", "hotspur": "", "wanderers": "", "albion": ""}
"""How football clubs are shortened where they are named every day: 'Man Utd', 'Tottenham', 'Wolverhampton'."""
COLLEGE = re.compile(r"\bNCAA|\bcollege", re.IGNORECASE)
"""Leagues whose teams are known by their school."""
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


@functools.lru_cache(maxsize=4096)
def surname(person: str) -> str:
    """'Jayson Tatum' -> 'Tatum', 'Jaren Jackson Jr.' -> 'Jackson Jr.'; a one-word name as it is."""
    words = person.split()
    if len(words) < 2:
        return person
    if words[-1].lower() in NAME_SUFFIXES and len(words) > 2:
        return " ".join(words[-2:])
    return words[-1]


@functools.lru_cache(maxsize=4096)
def short_team(team: str, sport: str = "", league: str = "") -> str:
    """A team's everyday short name for its sport; the name itself when no shorter one is sure.

    A pro team goes by its nickname ('Thunder'); a college team by its school ('Kentucky', not one of
    many 'Wildcats').
    """
    words = team.split()
    if len(words) < 2:
        return team
    if sport in INDIVIDUAL_SPORTS:
        return surname(team)
    if sport == "soccer":
        kept = [CLUB_WORDS.get(w.lower(), w) for w in words if w.lower() not in CLUB_AFFIXES]
        return " ".join(w for w in kept if w) or team
    nickname = 2 if len(words) > 2 and words[-2].lower() in NICKNAME_FIRST_WORDS else 1
    if COLLEGE.search(league):
        return " ".join(words[:-nickname])
    return " ".join(words[-nickname:])


def short_teams(away: str, home: str, sport: str = "", league: str = "") -> tuple[str, str]:
    """Both sides' short names; the full names where shortening would make the two alike ('Man City' derby)."""
    short_away, short_home = short_team(away, sport, league), short_team(home, sport, league)
    if short_away.lower() == short_home.lower():
        return away, home
    return short_away, short_home


_WORD = re.compile(r"[^\W_]+")


def _code_words(team: str, sport: str) -> list[str]:
    name = surname(team) if sport in INDIVIDUAL_SPORTS else team
    return [w for w in _WORD.findall(name) if w.lower() not in CLUB_AFFIXES] or [name]


@functools.lru_cache(maxsize=4096)
def team_code(team: str, sport: str = "") -> str:
    """Three letters for a team, as a scoreboard writes it: its place's first letters ('TOT', 'BOS'), the initials
    of a longer name ('LAL', 'GSW', 'BHA'), a player's surname ('ALC' for Carlos Alcaraz)."""
    words = _code_words(team, sport)
    if len(words) >= 3:
        return "".join(w[0] for w in words[:3]).upper()
    return words[0][:3].upper()


def team_codes(away: str, home: str, sport: str = "") -> tuple[str, str] | None:
    """Both sides' codes, told apart where their places are alike ('MCI' and 'MUN'); None when they cannot be."""
    codes = team_code(away, sport), team_code(home, sport)
    if not all(codes):  # a side with no name (a feed that left its participants out)
        return None
    if codes[0] != codes[1]:
        return codes
    away_words, home_words = _code_words(away, sport), _code_words(home, sport)
    codes = (away_words[0][0] + away_words[-1][:2]).upper(), (home_words[0][0] + home_words[-1][:2]).upper()
    return codes if codes[0] != codes[1] else None


_PLAYER_WORD = re.compile(r"^\s*player\s+", re.IGNORECASE)


def stat_name(market: str) -> str:
    """What a player prop measures: 'Player Passing Yards' -> 'Passing Yards'."""
    return _PLAYER_WORD.sub("", market) or market
