"""Short names for narrow columns: whole words kept or dropped, never cut mid-word."""

import pytest

from oddstui.market_view import short_label
from oddstui.model import Fixture
from oddstui.short_names import short_team, short_teams, stat_name, surname, team_code, team_codes
from oddstui.ui.widgets.fixture_list import narrow_label


@pytest.mark.parametrize(
    ("team", "sport", "short"),
    [
        ("Oklahoma City Thunder", "basketball", "Thunder"),
        ("Toronto Maple Leafs", "hockey", "Maple Leafs"),
        ("Duke Blue Devils", "basketball", "Blue Devils"),
        ("San Francisco 49ers", "football", "49ers"),
        ("Manchester City", "soccer", "Man City"),
        ("Newcastle United", "soccer", "Newcastle Utd"),
        ("Tottenham Hotspur", "soccer", "Tottenham"),
        ("Arsenal", "soccer", "Arsenal"),
        ("Carlos Alcaraz", "tennis", "Alcaraz"),
    ],
)
def test_a_team_is_shortened_to_its_everyday_name(team, sport, short):
    assert short_team(team, sport) == short


def test_a_college_team_goes_by_its_school_not_one_of_many_nicknames():
    assert short_team("Kentucky Wildcats", "basketball", "NCAAB") == "Kentucky"
    assert short_team("North Carolina Tar Heels", "basketball", "NCAAB") == "North Carolina"
    assert short_team("Kentucky Wildcats", "basketball", "NBA") == "Wildcats"


def test_two_teams_never_share_a_short_name():
    assert short_teams("Manchester City", "Manchester United", "soccer") == ("Man City", "Man Utd")
    assert short_teams("Sydney FC", "Sydney", "soccer") == ("Sydney FC", "Sydney")  # alike once shortened


def test_players_and_stats():
    assert surname("Shai Gilgeous-Alexander") == "Gilgeous-Alexander"
    assert surname("Jaren Jackson Jr.") == "Jackson Jr." and surname("Pele") == "Pele"
    assert stat_name("Player Passing Yards") == "Passing Yards" and stat_name("Corners") == "Corners"


def test_a_selection_label_takes_the_fixtures_short_names_and_o_u():
    game = Fixture("p", "1", "basketball", "NBA", "Oklahoma City Thunder", "Miami Heat", 0.0)
    assert short_label("Oklahoma City Thunder +3.5", game) == "Thunder +3.5"
    assert short_label("Miami Heat Over 118.5", game) == "Heat O 118.5"
    assert short_label("Under 227.5", None) == "U 227.5"
    assert short_label("Overtime", None) == "Overtime"  # whole words only


@pytest.mark.parametrize(
    ("team", "sport", "code"),
    [
        ("Tottenham Hotspur", "soccer", "TOT"),
        ("AFC Bournemouth", "soccer", "BOU"),
        ("Brighton & Hove Albion", "soccer", "BHA"),
        ("Boston Celtics", "basketball", "BOS"),
        ("Los Angeles Lakers", "basketball", "LAL"),
        ("Golden State Warriors", "basketball", "GSW"),
        ("Carlos Alcaraz", "tennis", "ALC"),
    ],
)
def test_a_team_has_a_three_letter_code(team, sport, code):
    assert team_code(team, sport) == code


def test_two_teams_never_share_a_code():
    assert team_codes("Manchester City", "Manchester United", "soccer") == ("MCI", "MUN")
    assert team_codes("New York Rangers", "New York Islanders", "hockey") == ("NYR", "NYI")
    assert team_codes("Sydney FC", "Sydney", "soccer") is None  # no code tells them apart


def test_the_narrow_list_shows_a_code_where_a_short_name_does_not_fit_beside_the_time():
    game = Fixture("p", "1", "soccer", "EPL", "Tottenham Hotspur", "Wolverhampton Wanderers", 0.0)
    away, home = (line.plain for line in narrow_label(game, pinned=False, unread=False))
    assert away.split() == ["Wolverhampton"] and home.split() == ["TOT", "00:00"]
    derby = Fixture("p", "2", "soccer", "EFL", "Bristol Rovers", "Bristol City", 0.0)
    assert [line.plain.split() for line in narrow_label(derby, False, False)] == [["Bristol", "City"], ["BRO", "00:00"]]


def test_a_game_whose_feed_left_out_its_teams_has_no_codes_and_still_draws():
    assert team_codes("", "") is None and team_codes("", "Boston Celtics") is None
    nameless = Fixture("oddspapi", "3", "basketball", "NBA", "", "", 0.0)  # OddsPapi without participants
    assert [line.plain.split() for line in narrow_label(nameless, False, False)] == [[], ["00:00"]]
