"""The grid's order, main lines, best and fair, on worked examples."""

import pytest

from oddstui.book_codes import BookCodes, derived_code
from oddstui.market_view import CONSENSUS, build_grid, market_period, market_rank
from oddstui.model import Quote
from tests.factories import american_quote, game

REF = ("p", "F1")
NBA = game()
EPL = game("F2", "EPL", "Arsenal", "Chelsea", sport="soccer")
q = american_quote


def live(quote: Quote) -> bool:
    return not quote.locked and not quote.stale


def grid(quotes, fixture=NBA, **kw):
    return build_grid(REF, fixture, quotes, live, **kw)


def labels(section):
    return [r.label for r in section.rows]


def test_markets_in_a_bettors_order():
    markets = [
        ("Player Points", "LeBron James"),
        ("Player Rebounds", "Anthony Davis"),
        ("1st Quarter Total", ""),
        ("Total Points", ""),
        ("1st Half Moneyline", ""),
        ("Team Total", ""),
        ("Point Spread", ""),
        ("Moneyline", ""),
        ("Player Rebounds", "LeBron James"),
    ]
    quotes = [q("Pinnacle", m, f"{p} Over".strip(), -110, 1.5, player=p) for m, p in markets]
    titles = [s.title for s in grid(quotes).sections]
    assert titles == [
        "Moneyline",
        "Point Spread",
        "Total Points",
        "Team Total",
        "1st Half Moneyline",
        "1st Quarter Total",
        "Anthony Davis · Player Rebounds",
        "LeBron James · Player Points",
        "LeBron James · Player Rebounds",
    ]


def test_soccer_three_way_before_asian_handicap_and_periods_in_order():
    assert market_rank("1X2") < market_rank("Asian Handicap") < market_rank("Total Goals")
    assert market_period("1st Half Total") == (1, 1) < market_period("2nd Half Total") == (1, 2)
    assert market_period("Q3 Spread") == (2, 3)
    assert market_period("Moneyline") == (0, 0)


def test_sides_away_then_home_over_before_under_and_home_draw_away_in_soccer():
    quotes = [
        q("Pinnacle", "Moneyline", "Boston Celtics", -150),
        q("Pinnacle", "Moneyline", "Miami Heat", 130),
        q("Pinnacle", "Total Points", "Under", -110, 220.5),
        q("Pinnacle", "Total Points", "Over", -110, 220.5),
        q("Pinnacle", "Team Total", "Boston Celtics Under", -110, 112.5),
        q("Pinnacle", "Team Total", "Miami Heat Over", -110, 108.5),
        q("Pinnacle", "Team Total", "Boston Celtics Over", -110, 112.5),
        q("Pinnacle", "Team Total", "Miami Heat Under", -110, 108.5),
        q("Pinnacle", "Player Points", "Jayson Tatum Under", -110, 27.5, player="Jayson Tatum"),
        q("Pinnacle", "Player Points", "Jayson Tatum Over", -110, 27.5, player="Jayson Tatum"),
    ]
    ml, total, team_total, prop = grid(quotes).sections
    assert labels(ml) == ["Miami Heat", "Boston Celtics"]
    assert labels(total) == ["Over 220.5", "Under 220.5"]
    assert labels(team_total) == [
        "Miami Heat Over 108.5",
        "Miami Heat Under 108.5",
        "Boston Celtics Over 112.5",
        "Boston Celtics Under 112.5",
    ]
    assert labels(prop) == ["Over 27.5", "Under 27.5"]
    soccer = [q("Pinnacle", "1X2", s, 200) for s in ("Chelsea", "Draw", "Arsenal")]
    assert labels(grid(soccer, EPL).sections[0]) == ["Arsenal", "Draw", "Chelsea"]


def ladder(book, main, lines, price=-110):
    """A spread ladder: home gives `line`, away takes it; `main` is the main line."""
    quotes = []
    for line in lines:
        quotes.append(q(book, "Point Spread", "Boston Celtics", price, line, is_main=line == main))
        quotes.append(q(book, "Point Spread", "Miami Heat", price, -line, is_main=line == main))
    return quotes


def test_main_line_is_the_row_and_alternates_fold_under_it_as_a_ladder():
    section = grid(ladder("Pinnacle", -3.5, [-7.5, -5.5, -3.5, -1.5, 0.5])).sections[0]
    assert labels(section) == ["Miami Heat +3.5", "Boston Celtics -3.5"]
    assert [r.label for r in section.alternates] == [
        "Miami Heat -0.5",
        "Boston Celtics +0.5",
        "Miami Heat +1.5",
        "Boston Celtics -1.5",
        "Miami Heat +5.5",
        "Boston Celtics -5.5",
        "Miami Heat +7.5",
        "Boston Celtics -7.5",
    ]
    assert not any(r.is_main for r in section.alternates)
    assert grid(ladder("Pinnacle", -3.5, [-5.5, -3.5]), main_only=True).sections[0].alternates == []


def test_lines_in_selection_names_fold_too_and_a_live_main_beats_a_locked_one():
    """OpticOdds names carry the line ('Miami Heat Over 97.5'); an old main line may linger, locked."""
    quotes = [
        q("Pinnacle", "Team Total", "Miami Heat Over 97.5", -110, 97.5),
        q("Pinnacle", "Team Total", "Miami Heat Under 97.5", -110, 97.5),
        q("Pinnacle", "Team Total", "Miami Heat Over 101.5", -105, 101.5, locked=True),
        q("Pinnacle", "Team Total", "Miami Heat Under 101.5", -115, 101.5, locked=True),
        q("Pinnacle", "Team Total", "Miami Heat Over 93.5", -150, 93.5, is_main=False),
    ]
    section = grid(quotes).sections[0]
    assert labels(section) == ["Miami Heat Over 97.5", "Miami Heat Under 97.5"]
    assert [r.label for r in section.alternates] == [
        "Miami Heat Over 93.5",
        "Miami Heat Over 101.5",
        "Miami Heat Under 101.5",
    ]
    assert section.rows[0].fair == pytest.approx(2.0)


def test_a_moving_main_line_keeps_the_row_in_place():
    before = grid(ladder("Pinnacle", -3.5, [-5.5, -3.5, -1.5])).sections[0]
    after = grid(ladder("Pinnacle", -5.5, [-5.5, -3.5, -1.5])).sections[0]
    assert [r.key for r in before.rows] == [r.key for r in after.rows]
    assert after.rows[1].label == "Boston Celtics -5.5"


def test_books_on_different_main_lines_show_line_and_price_and_best_is_line_first():
    quotes = [
        *ladder("Pinnacle", -3.5, [-3.5], -110),
        *ladder("DraftKings", -3.0, [-3.0], -120),
        *ladder("FanDuel", -3.5, [-3.5], -105),
    ]
    heat, celtics = grid(quotes).sections[0].rows
    assert celtics.mixed_lines and celtics.label == "Boston Celtics"
    assert celtics.points == -3.5  # the sharp book's line
    assert celtics.cells["DraftKings"].points == -3.0
    # laying 3 beats laying 3.5, whatever the price; taking 3.5 beats taking 3
    assert celtics.best_book == "DraftKings"
    assert heat.best_book == "FanDuel"


def test_fair_comes_from_the_sharp_book_and_says_so():
    quotes = [
        q("Pinnacle", "Moneyline", "Miami Heat", -110),
        q("Pinnacle", "Moneyline", "Boston Celtics", -110),
        q("DraftKings", "Moneyline", "Miami Heat", 120),
        q("DraftKings", "Moneyline", "Boston Celtics", -140),
    ]
    heat, celtics = grid(quotes).sections[0].rows
    assert celtics.fair == pytest.approx(2.0) and celtics.best_book == "Pinnacle"
    assert heat.fair == pytest.approx(2.0) and heat.fair_source == "Pinnacle"
    assert heat.best_book == "DraftKings"
    assert heat.holds["Pinnacle"] == pytest.approx(0.0454545, rel=1e-5)


def test_configured_sharp_books_are_used_in_their_order():
    quotes = [
        q("Pinnacle", "Moneyline", "Miami Heat", -110),
        q("Pinnacle", "Moneyline", "Boston Celtics", -110),
        q("Circa Sports", "Moneyline", "Miami Heat", 150),
        q("Circa Sports", "Moneyline", "Boston Celtics", -150),
    ]
    heat = grid(quotes, sharp=("Circa Sports", "Pinnacle")).sections[0].rows[0]
    assert heat.fair_source == "Circa Sports" and heat.fair == pytest.approx(1 / 0.4)


def test_no_sharp_book_live_means_consensus_of_three_or_nothing():
    quotes = [
        q("Pinnacle", "Moneyline", "Miami Heat", -110, locked=True),
        q("Pinnacle", "Moneyline", "Boston Celtics", -110),
        q("Alpha", "Moneyline", "Miami Heat", 500),  # alphabetically first: never the fair source
        q("Alpha", "Moneyline", "Boston Celtics", -900),
    ]
    assert grid(quotes).sections[0].rows[0].fair is None
    quotes[2:] = [
        q("BookA", "Moneyline", "Miami Heat", american_decimal(1.9)),
        q("BookA", "Moneyline", "Boston Celtics", american_decimal(1.9)),
        q("BookB", "Moneyline", "Miami Heat", american_decimal(1.5)),
        q("BookB", "Moneyline", "Boston Celtics", american_decimal(2.5)),
        q("BookC", "Moneyline", "Miami Heat", american_decimal(1.7)),
        q("BookC", "Moneyline", "Boston Celtics", american_decimal(2.1)),
        q("BookD", "Moneyline", "Miami Heat", 900, stale=True),
        q("BookD", "Moneyline", "Boston Celtics", -2000),
        q("Copilot", "Moneyline", "Miami Heat", 900),
        q("Copilot", "Moneyline", "Boston Celtics", -2000),
    ]
    heat, celtics = grid(quotes).sections[0].rows
    # median no-vig probabilities over A (.5/.5), B (.625/.375) and C (.5526/.4474): C's
    assert heat.fair_source == CONSENSUS
    assert heat.fair == pytest.approx(1.8095, rel=1e-3) and celtics.fair == pytest.approx(2.2353, rel=1e-3)
    assert heat.best_book == "BookA"  # Copilot's +900 is a model price, BookD's is stale


def american_decimal(decimal: float) -> int:
    return round(100 * (decimal - 1)) if decimal >= 2 else round(-100 / (decimal - 1))


def test_a_fully_suspended_game_says_so():
    quotes = [q("Pinnacle", "Moneyline", "Miami Heat", -110, locked=True)]
    assert grid(quotes).suspended
    assert not grid([*quotes, q("DraftKings", "Moneyline", "Miami Heat", -110)]).suspended
    assert not grid([]).suspended


def test_book_codes_default_configured_and_derived():
    codes = BookCodes({"FanDuel": "FDL"})
    assert [codes(b) for b in ("Pinnacle", "DraftKings", "FanDuel", "bet365", "Hard Rock Bet")] == [
        "PIN",
        "DK",
        "FDL",
        "B365",
        "HRB",
    ]
    assert derived_code("unibet") == "UNIB"


def test_the_config_takes_a_book_codes_table_and_names_a_bad_code():
    from oddstui.config import ConfigError, parse

    settings = parse({"book_codes": {"FanDuel": "FDL"}}, "config.toml", {})
    assert BookCodes(settings.book_codes)("FanDuel") == "FDL"
    with pytest.raises(ConfigError, match=r"book_codes\.FanDuel"):
        parse({"book_codes": {"FanDuel": "Fan Duel!"}}, "config.toml", {})
    with pytest.raises(ConfigError, match="book_codes"):
        parse({"book_codes": ["FD"]}, "config.toml", {})
