"""[[alerts]] and [steam] in the settings file: decoded into rules; every error names the file, the key and the fix."""

from pathlib import Path

import msgspec
import pytest

from oddstui.alert_rule import AlertKind, AlertRule, SteamSettings
from oddstui.config import STEAM_FIX, TEMPLATE, ConfigError, load
from oddstui.config_check import alert_lines


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_alert_tables_become_rules_and_steam_its_settings(tmp_path):
    path = write(
        tmp_path,
        """
[steam]
min_move = 3.0
min_line_move = 1.0
followers = 3

[[alerts]]
kind = "price"
selection = "Denver Nuggets"
market = "Moneyline"
price = "+150"
book = "FanDuel"

[[alerts]]
kind = "PRICE"
selection = "Over"
line = 220.5
price = 1.95

[[alerts]]
kind = "ev"
min_pct = 3
league = "NBA"

[[alerts]]
kind = "arb"
min_pct = 1.5

[[alerts]]
kind = "move"
selection = "Denver Nuggets"
market = "Point Spread"
""",
    )
    settings = load(path, environ={})
    assert settings.steam == SteamSettings(min_move=3.0, min_line_move=1.0, followers=3, window=60.0)
    assert settings.alerts == (
        AlertRule(AlertKind.PRICE, 2.5, market="Moneyline", selection="Denver Nuggets", book="FanDuel"),
        AlertRule(AlertKind.PRICE, 1.95, selection="Over", line=220.5),
        AlertRule(AlertKind.EV, 3.0, league="NBA"),
        AlertRule(AlertKind.ARB, 1.5),
        AlertRule(AlertKind.MOVE, 2.0, market="Point Spread", selection="Denver Nuggets"),
    )


def test_no_alerts_and_default_steam_without_the_tables(tmp_path):
    settings = load(write(tmp_path, ""), environ={})
    assert settings.alerts == () and settings.steam == SteamSettings()


@pytest.mark.parametrize(
    ("text", "key", "fix"),
    [
        ('[[alerts]]\nselection = "Over"', "alerts[0].kind", 'add kind = "price"'),
        ('[[alerts]]\nkind = "steam"', "alerts[0].kind", "use one of price, ev, arb, move"),
        ('[[alerts]]\nkind = "price"', "alerts[0].price", 'add price = "+150" (American) or price = 2.5'),
        ('[[alerts]]\nkind = "price"\nprice = "+50"', "alerts[0].price", 'price = "+150"'),
        ('[[alerts]]\nkind = "price"\nprice = 1.0', "alerts[0].price", "price = 2.5 (decimal)"),
        ('[[alerts]]\nkind = "price"\nprice = 1e9', "alerts[0].price", "the longest is +999900 (decimal 10000)"),
        ('[[alerts]]\nkind = "price"\nprice = "+2000000"', "alerts[0].price", "the longest is +999900"),
        ('[[alerts]]\nkind = "ev"', "alerts[0].min_pct", "add min_pct = 3.0"),
        ('[[alerts]]\nkind = "arb"\nmin_pct = "lots"', "alerts[0].min_pct", "add min_pct = 1.0"),
        ('[[alerts]]\nkind = "move"\nmove = -2', "alerts[0].move", "add move = 2.0"),
        (
            '[[alerts]]\nkind = "arb"\nmin_pct = 1\n[[alerts]]\nkind = "ev"\nmin_pc = 2',
            "alerts[1].min_pc",
            "did you mean min_pct?",
        ),
        ('[[alerts]]\nkind = "arb"\nmin_pct = 1\nprice = "+150"', "alerts[0].price", "It takes kind, min_pct, league"),
        ('[[alerts]]\nkind = "price"\nprice = 2.0\nline = "-3.5"', "alerts[0].line", "line = -3.5"),
        ('[[alerts]]\nkind = "price"\nprice = 2.0\nbook = 5', "alerts[0].book", 'book = "..."'),
        ('alerts = "all"', "alerts", "a line [[alerts]]"),
        ("alerts = [1]", "alerts[0]", "a line [[alerts]]"),
        ("[steam]\nmin_move = 0", "steam.min_move", "min_move = 2.0 (points of implied probability)"),
        ("[steam]\nmin_line_move = -1", "steam.min_line_move", "min_line_move = 0.5 (points of handicap or total)"),
        ('[steam]\nmin_line_move = "half"', "steam.min_line_move", "min_line_move = 0.5"),
        ("[steam]\nmin_line = 1", "steam.min_line", "did you mean min_line_move?"),
        ('[steam]\nfollowers = "two"', "steam.followers", "followers = 2"),
        ("[steam]\nwindw = 30", "steam.windw", "did you mean window?"),
        ("steam = 2", "steam", "a [steam] table"),
    ],
)
def test_errors_name_file_key_and_fix(tmp_path, text, key, fix):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load(path, environ={})
    message = str(raised.value)
    assert f"{path}: {key}: " in message, message
    assert fix in message.partition("Fix:")[2], message


def test_config_check_lists_each_alert_and_warns_about_those_that_cannot_fire(tmp_path):
    path = write(
        tmp_path,
        """
leagues = ["NBA"]
books = ["Pinnacle", "FanDuel"]
[steam]
enabled = false
[[alerts]]
kind = "price"
selection = "Denver Nuggets"
price = "+150"
book = "FanDuel"
[[alerts]]
kind = "ev"
min_pct = 3
book = "DraftKings"
league = "NFL"
[[alerts]]
kind = "arb"
min_pct = 1
book = "Bookie X"
""",
    )
    notes, warnings = alert_lines(load(path, environ={}))
    assert notes == [
        "steam: off",
        "alert 0: price ≥ +150 · Denver Nuggets · FanDuel",
        "alert 1: EV ≥ 3% · DraftKings · NFL",
        "alert 2: arbitrage ≥ 1% · Bookie X",
    ]
    assert warnings == [
        "alerts[1].book 'DraftKings' is not in books: its prices are never streamed",
        "alerts[1].league 'NFL' is not in leagues: it never streams",
        "alerts[2].book 'Bookie X' is not a sportsbook the providers name",
    ]


def test_the_templates_steam_table_names_every_setting_and_loads(tmp_path):
    block = TEMPLATE.partition("# [steam]")[2].partition("# [[alerts]]")[0]
    lines = [line.removeprefix("# ") for line in block.splitlines()[1:]]
    assert {line.partition(" =")[0] for line in lines} == {f.name for f in msgspec.structs.fields(SteamSettings)}
    assert not load(write(tmp_path, "[steam]\n" + "\n".join(lines)), environ={}).steam.enabled
    assert "enabled = false" in STEAM_FIX
