"""The de-vig method is a setting: the config's `devig` key, used by the grid's fair column, the scanner and scan."""

from __future__ import annotations

import pytest

from oddstui import cli, config
from oddstui.devig import DevigMethod, fair_probabilities
from oddstui.model import Fixture, Quote, StreamHealth, StreamState
from oddstui.scan import scan_settings_for
from oddstui.store import Store

S = "p:odds"


def parse(text: str):
    import tomllib

    return config.parse(tomllib.loads(text), "config.toml", {})


def test_the_config_takes_every_method_and_defaults_to_multiplicative():
    assert parse("").devig is DevigMethod.MULTIPLICATIVE
    for method in DevigMethod:
        assert parse(f'devig = "{method.value}"').devig is method
    assert parse('devig = " Shin "').devig is DevigMethod.SHIN


@pytest.mark.parametrize(
    ("text", "problem", "fix"),
    [
        ('devig = "logarithmic"', "unknown de-vig method 'logarithmic'", "use one of multiplicative, additive"),
        ("devig = 3", "Expected `str`, got `int`", 'write it as devig = "multiplicative"'),
    ],
)
def test_a_bad_method_names_the_file_the_key_and_the_fix(text, problem, fix):
    with pytest.raises(config.ConfigError) as caught:
        parse(text)
    message = str(caught.value)
    assert message.startswith("config.toml: devig: ") and problem in message and fix in message


def test_devig_inside_a_provider_table_is_told_to_move_up():
    with pytest.raises(config.ConfigError, match=r"opticodds\.devig: not a setting of \[opticodds\]"):
        parse('[opticodds]\ndevig = "shin"')


def test_config_check_shows_the_method(tmp_path, monkeypatch, capsys):
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    path = config.config_path()
    path.parent.mkdir(parents=True)
    path.write_text('devig = "power"\n', encoding="utf-8")
    assert cli.main(["config", "check"]) == 0
    assert "de-vig method (fair prices in the grid, the scanner and scan): power" in capsys.readouterr().out


def test_scan_uses_the_config_method_unless_the_option_names_one():
    settings = parse('devig = "additive"')
    args = cli.build_parser().parse_args(["scan"])
    assert scan_settings_for(args, settings).method is DevigMethod.ADDITIVE
    args = cli.build_parser().parse_args(["scan", "--devig", "shin"])
    assert scan_settings_for(args, settings).method is DevigMethod.SHIN


def test_the_grid_fair_column_follows_the_method():
    # a 1X2 market with a favourite and a long shot at the sharp book: the four methods spread its margin apart
    store = Store()
    store.set_health(StreamHealth(S, "p", StreamState.LIVE))
    store.upsert_fixture(S, None, Fixture("p", "F1", "soccer", "EPL", "Arsenal", "Luton", 0.0))
    prices = {"Arsenal": 1.30, "Draw": 5.5, "Luton": 10.0}
    quotes = [Quote("p", f"k{side}", "F1", "Pinnacle", "1X2", side, d, stream=S) for side, d in prices.items()]
    store.post_quotes(S, None, quotes)
    fairs = {}
    for method in DevigMethod:
        rows = {row.selection: row for row in store.grid(("p", "F1"), method=method).rows}
        expected = fair_probabilities(list(prices.values()), method)
        assert [1 / rows[side].fair for side in prices] == pytest.approx(expected)
        assert {row.fair_source for row in rows.values()} == {"Pinnacle"}
        fairs[method] = round(rows["Luton"].fair, 6)
    assert len(set(fairs.values())) == 4
