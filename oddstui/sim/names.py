"""Leagues, teams and players the simulated market draws from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LeagueSpec:
    league: str
    sport: str
    teams: tuple[str, ...]
    players: tuple[str, ...]
    """One star per team, in the order of `teams` (none for tennis)."""
    prop_market: str
    prop_line: float
    margin_scale: float
    """Points per unit of log-odds: how far a spread moves the win probability."""
    total: float
    three_way: bool = False
    papi_sport_id: int = 11
    papi_tournament_id: int = 132
    periods: int = 2
    """How a game divides: 4 quarters, 2 halves, 3 periods, 9 innings, 3 sets."""
    period_format: str = "{nth} half"
    """A period's name: `{n}` is its number, `{nth}` the ordinal."""
    halftime: bool = True
    """A break at the half, shown as the `half` status (sports played in halves or quarters only)."""


LEAGUES: tuple[LeagueSpec, ...] = (
    LeagueSpec(
        "NBA",
        "basketball",
        (
            "Boston Celtics",
            "Miami Heat",
            "Denver Nuggets",
            "Los Angeles Lakers",
            "Golden State Warriors",
            "Milwaukee Bucks",
            "Phoenix Suns",
            "New York Knicks",
            "Dallas Mavericks",
            "Oklahoma City Thunder",
        ),
        (
            "Jayson Tatum",
            "Bam Adebayo",
            "Nikola Jokic",
            "Luka Doncic",
            "Stephen Curry",
            "Giannis Antetokounmpo",
            "Devin Booker",
            "Jalen Brunson",
            "Cooper Flagg",
            "Shai Gilgeous-Alexander",
        ),
        "Player Points",
        24.5,
        7.0,
        224.5,
        papi_sport_id=11,
        papi_tournament_id=132,
        periods=4,
        period_format="Q{n}",
    ),
    LeagueSpec(
        "NCAAB",
        "basketball",
        (
            "Duke Blue Devils",
            "North Carolina Tar Heels",
            "Kansas Jayhawks",
            "Kentucky Wildcats",
            "Gonzaga Bulldogs",
            "UConn Huskies",
            "Houston Cougars",
            "Purdue Boilermakers",
        ),
        (
            "Cameron Boozer",
            "RJ Davis",
            "Hunter Dickinson",
            "Otega Oweh",
            "Graham Ike",
            "Alex Karaban",
            "LJ Cryer",
            "Braden Smith",
        ),
        "Player Points",
        16.5,
        6.5,
        146.5,
        papi_sport_id=11,
        papi_tournament_id=648,
    ),
    LeagueSpec(
        "NFL",
        "football",
        (
            "Kansas City Chiefs",
            "Philadelphia Eagles",
            "Buffalo Bills",
            "Baltimore Ravens",
            "Detroit Lions",
            "San Francisco 49ers",
            "Green Bay Packers",
            "Dallas Cowboys",
        ),
        (
            "Patrick Mahomes",
            "Jalen Hurts",
            "Josh Allen",
            "Lamar Jackson",
            "Jared Goff",
            "Brock Purdy",
            "Jordan Love",
            "Dak Prescott",
        ),
        "Player Passing Yards",
        249.5,
        6.0,
        46.5,
        papi_sport_id=14,
        papi_tournament_id=31,
        periods=4,
        period_format="Q{n}",
    ),
    LeagueSpec(
        "NHL",
        "hockey",
        (
            "Toronto Maple Leafs",
            "Boston Bruins",
            "Edmonton Oilers",
            "Florida Panthers",
            "New York Rangers",
            "Colorado Avalanche",
            "Vegas Golden Knights",
            "Dallas Stars",
        ),
        (
            "Auston Matthews",
            "David Pastrnak",
            "Connor McDavid",
            "Matthew Tkachuk",
            "Artemi Panarin",
            "Nathan MacKinnon",
            "Jack Eichel",
            "Jason Robertson",
        ),
        "Player Shots On Goal",
        3.5,
        1.1,
        6.0,
        papi_sport_id=15,
        papi_tournament_id=234,
        periods=3,
        period_format="P{n}",
        halftime=False,
    ),
    LeagueSpec(
        "MLB",
        "baseball",
        (
            "New York Yankees",
            "Los Angeles Dodgers",
            "Houston Astros",
            "Atlanta Braves",
            "Philadelphia Phillies",
            "Baltimore Orioles",
            "Texas Rangers",
            "Seattle Mariners",
        ),
        (
            "Gerrit Cole",
            "Yoshinobu Yamamoto",
            "Framber Valdez",
            "Spencer Strider",
            "Zack Wheeler",
            "Grayson Rodriguez",
            "Nathan Eovaldi",
            "Logan Gilbert",
        ),
        "Player Strikeouts",
        6.5,
        1.6,
        8.5,
        papi_sport_id=13,
        papi_tournament_id=109,
        periods=9,
        period_format="{nth} inning",
        halftime=False,
    ),
    LeagueSpec(
        "EPL",
        "soccer",
        (
            "Arsenal",
            "Manchester City",
            "Liverpool",
            "Chelsea",
            "Tottenham Hotspur",
            "Newcastle United",
            "Aston Villa",
            "Manchester United",
        ),
        (
            "Bukayo Saka",
            "Erling Haaland",
            "Mohamed Salah",
            "Cole Palmer",
            "Dominic Solanke",
            "Anthony Gordon",
            "Ollie Watkins",
            "Bruno Fernandes",
        ),
        "Player Shots",
        2.5,
        0.9,
        2.5,
        three_way=True,
        papi_sport_id=10,
        papi_tournament_id=17,
    ),
    LeagueSpec(
        "ATP",
        "tennis",
        (
            "Jannik Sinner",
            "Carlos Alcaraz",
            "Novak Djokovic",
            "Alexander Zverev",
            "Daniil Medvedev",
            "Taylor Fritz",
            "Casper Ruud",
            "Holger Rune",
        ),
        (),
        "",
        0.0,
        3.5,
        22.5,
        papi_sport_id=12,
        papi_tournament_id=2555,
        periods=3,
        period_format="Set {n}",
        halftime=False,
    ),
)

LEAGUES_BY_NAME = {spec.league: spec for spec in LEAGUES}


@dataclass(frozen=True, slots=True)
class BookSpec:
    name: str
    slug: str
    margin: float
    """Total overround the book builds into a two-way market."""
    lag: int
    """Ticks the book waits before following the sharp price."""


BOOKS: tuple[BookSpec, ...] = (
    BookSpec("Pinnacle", "pinnacle", 0.025, 0),
    BookSpec("DraftKings", "draftkings", 0.045, 2),
    BookSpec("FanDuel", "fanduel", 0.042, 3),
    BookSpec("BetMGM", "betmgm", 0.055, 4),
    BookSpec("Caesars", "caesars", 0.05, 5),
    BookSpec("BetRivers", "betrivers", 0.06, 6),
)
COPILOT = BookSpec("Copilot", "copilot", 0.035, 0)
BOOKS_BY_NAME = {b.name: b for b in (*BOOKS, COPILOT)}
