"""The command line as a user meets it: arguments refused up front, --count that means what it says,
exit codes after refused keys and failures, Ctrl+C at any moment, and crashes in one line."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oddstui import cli, config
from oddstui.tail import TailOptions, tail
from oddstui.ui.launch import Dashboard
from tests.providers.conftest import settings_for, start_sim

pytestmark = pytest.mark.timeout(60)
ROOT = Path(__file__).resolve().parent.parent


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPTICODDS_", "ODDSPAPI_", "ODDSSTREAM_"))}
    return env | {
        "PYTHONPATH": str(ROOT),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


@pytest.fixture(scope="module")
def sim():
    server = start_sim(rate=800)
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tail", "--count", "-5"], "--count: '-5' is not a whole number of 1 or more"),
        (["tail", "--count", "0"], "--count: '0' is not a whole number"),
        (["tail", "--count", "2.5"], "--count: '2.5' is not a whole number"),
        (["tail", "--for", "-1"], "--for: '-1' is not a number of seconds above 0"),
        (["tail", "--for", "nan"], "--for: 'nan' is not a number of seconds"),
        (["tail", "--for", "inf"], "--for: 'inf' is not a number of seconds"),
        (["sim", "--rate", "-5"], "--rate: '-5' is not a number of events per second above 0"),
        (["sim", "--port", "99999"], "--port: '99999' is not a port number from 0 to 65535"),
        (["sim", "--port", "-1"], "--port: '-1' is not a port number"),
        (["sim", "--fixtures-per-league", "0"], "--fixtures-per-league: '0' is not a whole number"),
        (["tail", "--state", "/no/such/dir/x.json"], "--state: cannot write in '/no/such/dir' (No such file"),
        (["sim", "--truth", "/no/such/dir/t.json"], "--truth: cannot write in '/no/such/dir'"),
        (["scan", "--count", "-5"], "--count: '-5' is not a whole number of 1 or more"),
        (["scan", "--for", "-1"], "--for: '-1' is not a number of seconds above 0"),
        (["scan", "--stake", "0"], "--stake: '0' is not an amount above 0"),
        (["scan", "--unit", "nan"], "--unit: 'nan' is not an amount above 0"),
    ],
)
def test_bad_arguments_are_refused_before_anything_starts(args, message, capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(args)
    assert raised.value.code == 2
    assert message in capsys.readouterr().err


def test_state_that_names_a_directory_or_an_unwritable_place_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.main(["tail", "--state", str(tmp_path)])
    assert "is a directory" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(SystemExit):
        cli.main(["tail", "--state", str(blocker / "x.json")])
    assert "cannot write in" in capsys.readouterr().err


def test_the_parser_offers_every_configured_provider():
    assert cli.PROVIDERS == config.PROVIDERS


def test_the_parser_offers_every_signal_kind_and_devig_method():
    from oddstui.devig import DevigMethod
    from oddstui.signals import SignalKind

    assert tuple(k.value for k in SignalKind) == cli.SIGNAL_KINDS
    assert tuple(m.value for m in DevigMethod) == cli.DEVIG_METHODS


def test_a_bad_state_path_is_refused_by_the_process_before_streaming(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "oddstui", "tail", "--demo", "--state", str(tmp_path / "no" / "x.json")],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "cannot write in" in result.stderr
    assert "simulator" not in result.stderr  # refused before the market started


@pytest.mark.parametrize("quiet", [False, True])
async def test_count_means_data_event_lines_and_the_summary_agrees(sim, tmp_path, quiet):
    out, err = io.StringIO(), io.StringIO()
    state = tmp_path / "state.json"
    options = TailOptions(count=37, quiet=quiet, state_file=state)
    status = await tail(settings_for(sim, "opticodds", sports=("basketball",)), options, out=out, err=err)
    assert status == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    assert len(lines) == (0 if quiet else 37)
    summary = err.getvalue().splitlines()[-1]
    assert summary.startswith(f"tail: 37 data events {'applied' if quiet else 'printed'}, ")
    if not quiet:  # the quote updates counted are the ones printed, and the state holds exactly those quotes
        posted = [
            q for e in map(json.loads, lines) if e["type"] in ("quotes_posted", "quotes_locked") for q in e["quotes"]
        ]
        assert f" {len(posted)} quote updates" in summary
        held = {(q["provider"], q["key"]) for q in posted}
        assert {(q["provider"], q["key"]) for q in json.loads(state.read_text())["quotes"]} == held
        assert f"{len(held)} quotes held" in summary


@pytest.mark.parametrize("provider", ["opticodds", "oddspapi", "oddsstream"])
async def test_tail_without_for_exits_1_after_a_refused_key(sim, provider):
    err = io.StringIO()
    settings = settings_for(sim, provider, key="bad-key-" + "0" * 32)
    status = await asyncio.wait_for(tail(settings, TailOptions(), out=io.StringIO(), err=err), 20)
    assert status == 1 and "auth error" in err.getvalue()


async def test_tail_exits_1_with_one_line_when_a_client_fails(monkeypatch, tmp_path):
    """A client that dies of an exception: one scrubbed line on stderr, the traceback in the log, status 1."""

    class Broken:
        async def run(self) -> None:
            raise ValueError("could not convert string to float: '1e3x'\nsecond line")

        def forget(self, refs: object) -> None:
            """Nothing kept per fixture."""

    monkeypatch.setattr("oddstui.tail.build_clients", lambda *args, **kwargs: [Broken()])
    err, state = io.StringIO(), tmp_path / "state.json"
    options = TailOptions(state_file=state)
    status = await asyncio.wait_for(tail(settings_for_nothing(), options, out=io.StringIO(), err=err), 10)
    assert status == 1 and json.loads(state.read_text()) == {"quotes": [], "fixtures": []}
    failure = [line for line in err.getvalue().splitlines() if "failed" in line]
    assert failure == [
        "oddstui tail: Broken failed: ValueError: could not convert string to float: '1e3x' second line "
        "(traceback in the log)"
    ]
    assert "Traceback" not in err.getvalue()


def settings_for_nothing() -> config.Settings:
    return config.parse({}, "(test)", {"OPTICODDS_API_KEY": "unused-key"})


@pytest.fixture
def interruptible():
    """Children start with Ctrl+C at its default, as from a terminal. A shell starts a background job (`pytest &`)
    with SIGINT ignored, and an ignored signal stays ignored across exec: every Ctrl+C sent before the command
    sets its own handler would vanish, and the run would go on to its --for."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def spawned(interruptible):
    """Processes a test starts; any still running at its end (the test failed) is killed."""
    runs: list[subprocess.Popen[str]] = []
    yield runs
    for run in runs:
        if run.poll() is None:
            run.kill()
            run.wait(timeout=10)


def start_tail(tmp_path: Path, spawned: list, *extra: str) -> subprocess.Popen[str]:
    spawned.append(
        run := subprocess.Popen(
            [sys.executable, "-m", "oddstui", "tail", "--demo", "--quiet", *extra],
            env=clean_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    )
    return run


@pytest.mark.parametrize(
    "moment",
    [
        " oddstui.sim.faults",  # imported while oddstui.cli is (-X importtime reports an import when it completes)
        " oddstui.providers.opticodds",  # the simulator is up; the clients are being imported
        "no provider keys set",  # the simulator is up; the event loop is starting
        "] connecting",  # the clients are connecting
    ],
)
def test_ctrl_c_in_the_first_moments_exits_cleanly(tmp_path, moment, spawned):
    """The signal goes out the moment stderr shows `moment`. Signals sent at fixed delays would, on a loaded
    machine, land in the interpreter's own start-up, before any code of ours (or between runpy's import of
    the package and of its __main__), where nothing can catch them."""
    run = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "oddstui", "tail", "--demo", "--quiet", "--for", "20"],
        env=clean_env(tmp_path),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    spawned.append(run)
    assert run.stderr is not None
    while moment not in (line := run.stderr.readline()) and line:
        pass
    assert line, f"{moment!r} never appeared"
    run.send_signal(signal.SIGINT)
    err = run.stderr.read()
    run.wait(timeout=20)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert run.returncode == 130


def test_ctrl_c_while_streaming_ends_like_for_with_the_state_written(tmp_path, spawned):
    state = tmp_path / "state.json"
    run = start_tail(tmp_path, spawned, "--state", str(state))
    deadline = time.monotonic() + 20
    assert run.stderr is not None
    while time.monotonic() < deadline:  # wait until the stream is live
        if "] live" in run.stderr.readline():
            break
    time.sleep(0.3)
    run.send_signal(signal.SIGINT)
    time.sleep(0.05)
    run.send_signal(signal.SIGINT)  # a second, impatient Ctrl+C
    _, err = run.communicate(timeout=20)
    assert run.returncode == 130 and "Traceback" not in err, err
    assert state.exists() or "tail:" not in err  # the first Ctrl+C writes the state unless the second cut it short


def test_ctrl_c_once_writes_the_summary_and_the_state(tmp_path, spawned):
    state = tmp_path / "state.json"
    run = start_tail(tmp_path, spawned, "--state", str(state))
    assert run.stderr is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "] live" not in run.stderr.readline():
        pass
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=20)
    assert run.returncode == 130 and "Traceback" not in err, err
    assert "data events applied" in err and json.loads(state.read_text())["quotes"]


def test_an_internal_error_is_one_line_naming_the_log_and_exits_70(tmp_path):
    code = (
        "import sys, oddstui.cli as cli\n"
        "def boom(args):\n"
        "    raise KeyError('deep inside')\n"
        "cli.run_config = boom\n"
        "sys.exit(cli.main(['config', 'check']))\n"
    )
    env = clean_env(tmp_path)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 70
    (line,) = result.stderr.splitlines()
    log = tmp_path / "state" / "oddstui" / "log" / "oddstui.log"
    assert line == f"oddstui: internal error: KeyError: 'deep inside' (full traceback in {log})"
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "line 3, in boom\nKeyError" in text
    assert oct(log.stat().st_mode & 0o777) == "0o600"


async def test_a_crash_in_the_dashboard_draws_no_traceback_and_is_kept_for_the_command_line(tmp_path, monkeypatch):
    def broken_help(self) -> None:
        raise RuntimeError("a bug behind a key")

    monkeypatch.setattr(Dashboard, "action_help", broken_help, raising=False)
    app = Dashboard(settings_for_nothing(), data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("question_mark")
            await pilot.pause(0.2)
    assert isinstance(app.crash, RuntimeError) and app.return_code == 1
    assert app._exit_renderables == []  # Textual would print the traceback, locals and all, after the screen


def test_a_broken_pipe_ends_quietly(tmp_path):
    env = clean_env(tmp_path)
    result = subprocess.run(
        f"{sys.executable} -m oddstui tail --demo --count 5000 | head -c 100 > /dev/null",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
