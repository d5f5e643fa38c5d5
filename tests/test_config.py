"""Settings: TOML file plus environment; every error names the file, the key and the fix."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oddstui.config import ConfigError, load, write_template
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
    env = {"OPTICODDS_API_KEY": "from-env", "ODDSPAPI_API_KEY": "papi", "ODDSPAPI_WS_URL": "ws://127.0.0.1:9/ws"}
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
    Path(path).write_text('odds_format = "decimal"\n')
    check = subprocess.run([*run, "check"], env=env, capture_output=True, text=True, timeout=30)
    assert check.returncode == 0 and "valid" in check.stdout and "built-in simulator" in check.stdout
