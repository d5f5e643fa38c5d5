"""Watchlists and settings on disk: round trips, wrong-typed fields dropped, unusable files set aside, never
overwritten, and writes that never follow a planted symlink."""

from __future__ import annotations

import json

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


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"watchlists": 5}', b"\xff\xfe garbage", b"[1, 2]", b"[" * 3000 + b"]" * 3000],
)
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


@pytest.mark.parametrize("content", [b"[]", b'"decimal"', b"{oops", b"\xff"])
def test_unusable_settings_are_set_aside(tmp_path, content):
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


def test_wrong_typed_settings_fields_are_dropped_with_one_notice_and_the_rest_loads(tmp_path):
    original = b'{"odds_format": 5, "theme": "oddstui-light", "books": ["Pinnacle", 7], "live_only": true, "colour": 1}'
    (tmp_path / "settings.json").write_bytes(original)
    loaded = SettingsFile(tmp_path)
    assert loaded.settings.theme == "oddstui-light" and loaded.settings.live_only is True
    assert loaded.settings.odds_format is None and loaded.settings.books == []
    problem = loaded.problem or ""
    assert "odds_format" in problem and "books[1]" in problem and "colour" in problem and "Expected `str`" in problem
    assert [p.read_bytes() for p in tmp_path.glob("settings.json.original-*")] == [original]
    assert not list(tmp_path.glob("settings.json.corrupt-*"))


def test_wrong_typed_watchlists_are_dropped_and_the_others_load(tmp_path):
    document = {
        "watchlists": [
            {"name": 5, "leagues": ["NBA"]},
            {"name": "good", "leagues": ["NBA"], "pinned": [["opticodds", "F1"], ["lonely"]]},
            {"name": "typed", "books": "Pinnacle", "live_only": "yes"},
            "not an object",
            {"nom": "x"},
        ]
    }
    (tmp_path / "watchlists.json").write_text(json.dumps(document))
    book = WatchlistBook(tmp_path)
    assert book.names() == ["good", "typed"]
    assert book.lists["good"].leagues == ["NBA"] and book.lists["good"].pinned == []
    assert book.lists["typed"].books == [] and book.lists["typed"].live_only is False
    problem = book.problem or ""
    for path in ("watchlists[0]", "watchlists[1].pinned[1]", "watchlists[2].books", "watchlists[2].live_only"):
        assert path in problem
    assert "and 1 more" in problem  # one notice, bounded: the sixth problem (watchlists[4]) is counted
    assert len(list(tmp_path.glob("watchlists.json.original-*"))) == 1


def test_a_symlink_planted_at_any_temp_path_is_never_followed(tmp_path):
    target = tmp_path / "victim.txt"
    target.write_text("precious")
    for name in ("settings.json.tmp", ".settings.json.tmp", "watchlists.json.tmp"):
        (tmp_path / name).symlink_to(target)
    settings = SettingsFile(tmp_path)
    settings.settings.theme = "oddstui-light"
    settings.save()
    WatchlistBook(tmp_path).save(Watchlist("w"))
    assert target.read_text() == "precious"
    assert SettingsFile(tmp_path).settings.theme == "oddstui-light" and WatchlistBook(tmp_path).names() == ["w"]
    assert not (tmp_path / "settings.json").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == sorted(
        ["settings.json.tmp", ".settings.json.tmp", "watchlists.json.tmp"]
    )


def test_a_symlinked_settings_file_is_replaced_not_written_through(tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text("{}")
    (tmp_path / "settings.json").symlink_to(target)
    settings = SettingsFile(tmp_path)
    settings.settings.theme = "oddstui-light"
    settings.save()
    assert target.read_text() == "{}" and not (tmp_path / "settings.json").is_symlink()
    assert oct((tmp_path / "settings.json").stat().st_mode & 0o777) == "0o600"


def test_a_refused_write_is_reported_not_raised(tmp_path):
    settings = SettingsFile(tmp_path / "data")
    (tmp_path / "data").write_text("a file where the directory should be")
    settings.save()
    assert settings.problem and "could not be saved" in settings.problem
