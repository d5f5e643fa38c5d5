"""Watchlists and settings on disk: round trips, and unreadable files set aside, never overwritten."""

from __future__ import annotations

import pytest

from oddstui.persist import SettingsFile, Watchlist, WatchlistBook
from oddstui.ui.themes import load_themes, theme_dirs


def test_watchlists_round_trip(tmp_path):
    book = WatchlistBook(tmp_path)
    book.save(Watchlist("evening", leagues=["NBA"], live_only=True, pinned=[["opticodds", "F1"]]))
    book.save(Watchlist("sharp", books=["Pinnacle"]))
    book.rename("evening", "late")
    book.delete("sharp")
    again = WatchlistBook(tmp_path)
    assert again.names() == ["late"] and again.problem is None
    assert again.lists["late"].leagues == ["NBA"] and again.lists["late"].pinned == [["opticodds", "F1"]]


@pytest.mark.parametrize("content", [b"{not json", b'{"watchlists": [{"nom": "x"}]}', b"\xff\xfe garbage", b"[1, 2]"])
def test_an_unreadable_watchlist_file_is_set_aside_and_kept(tmp_path, content):
    (tmp_path / "watchlists.json").write_bytes(content)
    book = WatchlistBook(tmp_path)
    assert book.names() == []
    assert book.problem and "watchlists.json" in book.problem and "moved to" in book.problem
    asides = list(tmp_path.glob("watchlists.json.corrupt-*"))
    assert len(asides) == 1 and asides[0].read_bytes() == content
    book.save(Watchlist("fresh"))  # a new file starts; the set-aside copy is untouched
    assert WatchlistBook(tmp_path).names() == ["fresh"]
    assert asides[0].read_bytes() == content


def test_set_aside_copies_never_replace_each_other(tmp_path):
    for content in (b"{first", b"{second"):
        (tmp_path / "watchlists.json").write_bytes(content)
        WatchlistBook(tmp_path)
    assert sorted(p.read_bytes() for p in tmp_path.glob("watchlists.json.corrupt-*")) == [b"{first", b"{second"]


@pytest.mark.parametrize("content", [b"[]", b'{"colour": "blue"}', b"{oops"])
def test_unreadable_settings_are_set_aside(tmp_path, content):
    (tmp_path / "settings.json").write_bytes(content)
    settings = SettingsFile(tmp_path)
    assert settings.problem and settings.settings.odds_format is None
    assert [p.read_bytes() for p in tmp_path.glob("settings.json.corrupt-*")] == [content]


def test_settings_round_trip(tmp_path):
    settings = SettingsFile(tmp_path)
    settings.settings.odds_format, settings.settings.theme = "decimal", "oddstui-light"
    settings.save()
    again = SettingsFile(tmp_path).settings
    assert (again.odds_format, again.theme) == ("decimal", "oddstui-light")


def test_a_bad_theme_file_is_reported_once_and_skipped(tmp_path):
    (tmp_path / "broken.toml").write_text('name = "broken"\nprimary = "not-a-colour"\n')
    (tmp_path / "garbled.toml").write_text("name = \n")
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\ndark = false\nprimary = "#336699"\n[variables]\n'
        'price-up = "green"\nprice-down = "red"\nlocked = "black on yellow"\n'
        'stale = "grey50"\nbest = "black on cyan"\n'
    )
    themes = load_themes([*theme_dirs()[:1], tmp_path])
    assert {"oddstui-dark", "oddstui-light", "mine"} <= set(themes.themes)
    assert "broken" not in themes.themes
    assert len(themes.errors) == 2
    assert any("broken.toml" in e and "Fix" in e for e in themes.errors)
    assert any("garbled.toml" in e for e in themes.errors)
