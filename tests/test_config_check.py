"""`config check`: remembered settings that win over the config are named; unknown names are warned about."""

from __future__ import annotations

from oddstui import config
from oddstui.config_check import precedence, report, theme_names, unknown_names
from oddstui.model import OddsFormat
from oddstui.persist import UiSettings


def test_remembered_theme_and_format_are_said_to_win(tmp_path):
    settings = config.load(tmp_path / "absent.toml", environ={})
    lines = precedence(settings, UiSettings(odds_format="decimal", theme="oddstui-light"))
    assert len(lines) == 2
    assert "'oddstui-light'" in lines[0] and "wins" in lines[0]
    assert "'decimal'" in lines[1] and "'american'" in lines[1]
    assert precedence(settings, UiSettings(odds_format="american", theme=settings.theme)) == []


def test_unknown_theme_sports_and_books_are_warned_about(tmp_path):
    (tmp_path / "mine.toml").write_text('name = "mine"\nprimary = "#112233"\n')
    (tmp_path / "broken.toml").write_text("name = ")
    themes = theme_names([tmp_path])
    assert themes == {"mine"}
    settings = config.load(tmp_path / "absent.toml", environ={})
    settings = settings.__class__(
        settings.providers,
        sports=("basketball", "curling"),
        books=("Pinnacle", "draftkings", "Bookie X"),
        odds_format=OddsFormat.DECIMAL,
        theme="neon",
    )
    warnings = unknown_names(settings, themes)
    assert any("theme 'neon'" in w for w in warnings)
    assert any("sport 'curling'" in w for w in warnings) and not any("basketball" in w.split(";")[0] for w in warnings)
    assert any("'draftkings'" in w and "did you mean 'DraftKings'" in w for w in warnings)
    assert any("'Bookie X'" in w for w in warnings) and not any("'Pinnacle'" in w for w in warnings)


def test_the_default_settings_check_clean(tmp_path):
    settings = config.load(tmp_path / "absent.toml", environ={})
    assert report(settings, UiSettings()) == []
