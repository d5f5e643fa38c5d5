"""Settings: TOML file plus environment; every error names the file, the key and the fix."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oddstui.config import ConfigError, load, write_template
from oddstui.market_view import SHARP_BOOKS
from oddstui.odds import OddsFormat


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_defaults_without_a_file_run_on_no_provider(tmp_path):
    settings = load(tmp_path / "missing.toml", environ={})
    assert settings.enabled == [] and settings.odds_format is OddsFormat.AMERICAN
    assert settings.providers["opticodds"].base_url == "https://api.opticodds.com/api/v3"


def test_file_and_environment_overrides(tmp_path):
    path = write(
        tmp_path, 'odds_format = "decimal"\nbooks = ["Pinnacle", "FanDuel"]\n[opticodds]\napi_key = "from-file"\n'
    )
    env = {
        "OPTICODDS_API_KEY": "from-env",
        "ODDSPAPI_API_KEY": "papi-key-123",
        "ODDSPAPI_WS_URL": "ws://127.0.0.1:9/ws",
    }
    settings = load(path, environ=env)
    assert settings.odds_format is OddsFormat.DECIMAL and settings.books == ("Pinnacle", "FanDuel")
    assert settings.providers["opticodds"].api_key.reveal() == "from-env"
    assert [p.name for p in settings.enabled] == ["opticodds", "oddspapi"]
    assert settings.providers["oddspapi"].ws_url == "ws://127.0.0.1:9/ws"


@pytest.mark.parametrize(
    ("text", "env", "key", "fix"),
    [
        ('odds_format = "moneyline"', {}, "odds_format", "use one of american, decimal"),
        ('books = "Pinnacle"', {}, "books", 'books = ["a", "b"]'),
        ("theme = 3", {}, "theme", 'theme = "oddstui-dark"'),
        ('colour = "red"', {}, "colour", "remove it"),
        ('[opticodds]\napi_kee = "x"', {}, "opticodds.api_kee", "takes api_key, base_url"),
        ('books = ["Pinnacle", 5]', {}, "books[1]", 'books = ["a", "b"]'),
        ("opticodds = 5", {}, "opticodds", "write it as a [opticodds] section"),
        ('sharp_books = "Pinnacle"', {}, "sharp_books", 'sharp_books = ["Pinnacle", "Circa Sports"]'),
        ('sharp_books = ["Pinnacle", " "]', {}, "sharp_books[1]", 'sharp_books = ["Pinnacle", "Circa Sports"]'),
        ("[oddspapi]\nbase_url = 5", {}, "oddspapi.base_url", 'base_url = "..."'),
        ("odds_format = ", {}, "(syntax)", "correct the TOML syntax"),
        ("", {"OPTICODDS_BASE_URL": "api.opticodds.com"}, "opticodds.base_url", "https://api.opticodds.com/api/v3"),
    ],
)
def test_errors_name_file_key_and_fix(tmp_path, text, env, key, fix):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load(path, environ=env)
    message = str(raised.value)
    assert key in message and fix in message and "Fix:" in message
    assert str(path) in message or "OPTICODDS_BASE_URL" in message


def test_a_key_in_the_file_never_shows_in_errors(tmp_path):
    path = write(tmp_path, '[opticodds]\napi_key = "sk-live-secret"\nbase_url = "nope"\n')
    with pytest.raises(ConfigError) as raised:
        load(path, environ={})
    assert "sk-live-secret" not in str(raised.value)


def test_template_is_private(tmp_path):
    path = tmp_path / "sub" / "config.toml"
    write_template(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert load(path, environ={}).enabled == []


def test_config_commands(tmp_path):
    env = os.environ | {"XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("OPTICODDS_API_KEY", None)
    run = [sys.executable, "-m", "oddstui", "config"]
    path = subprocess.run([*run, "path"], env=env, capture_output=True, text=True, timeout=30).stdout.strip()
    assert path == str(tmp_path / "oddstui" / "config.toml")
    Path(path).parent.mkdir(parents=True)
    Path(path).write_text('odds_format = "evens"\n')
    check = subprocess.run([*run, "check"], env=env, capture_output=True, text=True, timeout=30)
    assert check.returncode == 2 and path in check.stderr and "odds_format" in check.stderr
    Path(path).write_text('odds_format = "decimal"\nsharp_books = ["circa sports", "Bookie X", "Circa"]\n')
    check = subprocess.run([*run, "check"], env=env, capture_output=True, text=True, timeout=30)
    assert check.returncode == 0 and "valid" in check.stdout and "built-in simulator" in check.stdout
    assert "sharp books (the fair price's source, first live one wins): circa sports, Bookie X, Circa" in check.stdout
    assert "sharp book 'Circa' is not a sportsbook the providers name (did you mean 'Circa Sports'?)" in check.stdout
    assert "sharp book 'Bookie X' is not a sportsbook" in check.stdout and "'circa sports'" not in check.stdout


def test_sharp_books_keep_their_order_and_default_to_the_built_in_list(tmp_path):
    assert load(tmp_path / "missing.toml", environ={}).sharp_books == SHARP_BOOKS
    path = write(tmp_path, 'sharp_books = ["Circa Sports", "pinnacle"]\n')
    assert load(path, environ={}).sharp_books == ("Circa Sports", "pinnacle")
    assert load(write(tmp_path, "sharp_books = []\n"), environ={}).sharp_books == ()  # consensus only


def test_a_file_that_is_not_utf8_names_the_line_and_the_fix(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'theme = "oddstui-dark"\nodds_format = "d\xe9cimal"\n')
    with pytest.raises(ConfigError) as raised:
        load(path, environ={})
    assert str(raised.value) == f"{path}: (line 2): not UTF-8 text (byte 0xe9). Fix: save the file as UTF-8"


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 3000 + "]" * 3000,
        "a = " + "{b = " * 3000 + "1" + "}" * 3000,
        "[opticodds]\napi_key = " + "[" * 3000 + "]" * 3000,
    ],
)
def test_nesting_3000_levels_deep_gives_the_file_key_fix_message(tmp_path, text):
    with pytest.raises(ConfigError) as raised:
        load(write(tmp_path, text), environ={})
    assert "(structure): values nested too deeply" in str(raised.value) and "Fix: remove the nesting" in str(
        raised.value
    )


def test_deep_dotted_tables_are_reported_not_walked(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load(write(tmp_path, "[" + ".".join(["t"] * 3000) + "]\nx = 1\n"), environ={})
    assert ": t: unknown setting" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "key", "fix"),
    [
        ('api_key = "sk-misplaced-1"', "api_key", "move it into the table of the provider the key is for: [opticodds]"),
        ('[general]\napi_key = "sk-misplaced-2"', "general.api_key", "the provider the key is for"),
        (
            '[opticodds]\napi_key = "sk-x-123"\nodds_format = "decimal"',
            "opticodds.odds_format",
            "above the first [table]",
        ),
        ('[opticodds]\nws_url = "wss://h/ws"', "opticodds.ws_url", "move it into [oddspapi] or [oddsstream]"),
        ('[opticodds]\ntoken = "sk-misplaced-3"', "opticodds.token", "name it api_key in the provider's table"),
        ('[opticodds]\napikey = "sk-misplaced-4"', "opticodds.apikey", "did you mean api_key? Rename it"),
        ('[feeds.oddspapi]\napi_key = "sk-misplaced-5"', "feeds.oddspapi", "make it a table of its own"),
        ('bookz = ["Pinnacle"]', "bookz", "did you mean books? Rename it"),
    ],
)
def test_a_key_in_the_wrong_table_is_told_where_it_belongs_never_to_remove_a_key(tmp_path, text, key, fix):
    with pytest.raises(ConfigError) as raised:
        load(write(tmp_path, text), environ={})
    message = str(raised.value)
    assert f": {key}: " in message and fix in message, message
    assert "remove it" not in message
    assert "sk-misplaced" not in message and "sk-x-1234" not in message


def test_config_errors_mask_keys_wherever_they_are_quoted(tmp_path):
    text = (
        '[opticodds]\napi_key = "sk-live-quoted-1"\n'
        '[oddspapi]\nbase_url = "htp://user:pw-secret-9@h/v4?apiKey=sk-in-url-2&sport=nba"\n'
    )
    with pytest.raises(ConfigError) as raised:
        load(write(tmp_path, text), environ={})
    message = str(raised.value)
    assert "'htp://***@h/v4?apiKey=***&sport=nba'" in message
    for secret in ("sk-live-quoted-1", "pw-secret-9", "sk-in-url-2"):
        assert secret not in message
    with pytest.raises(ConfigError) as raised:
        load(write(tmp_path, 'odds_format = "sk-live-quoted-1"\n[opticodds]\napi_key = "sk-live-quoted-1"\n'), {})
    assert "unknown format '***'" in str(raised.value)


def test_a_key_in_an_environment_url_never_shows(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load(tmp_path / "absent.toml", environ={"ODDSPAPI_BASE_URL": "ftp://h/v4?apiKey=sk-env-url-7"})
    assert str(raised.value).startswith(
        "ODDSPAPI_BASE_URL: oddspapi.base_url: not a valid URL: 'ftp://h/v4?apiKey=***'"
    )
