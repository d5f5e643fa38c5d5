"""A different key per provider, and every output the CLI and the app produce searched for each of them.

A hostile server refuses every key and echoes it (as sent, URL-encoded, in JSON) in its 401 body and in
a refused WebSocket login; one base_url carries a key as a query parameter. Keys hold `+`, `/` and `=`
(OddsStream's documented form, os_live_ and 32 hex digits, cannot), so URL-encoded forms differ from plain ones.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from oddstui import config
from oddstui.sim.app import free_port
from oddstui.ui.app import OddsApp
from tests.providers.conftest import start_sim

pytestmark = pytest.mark.timeout(60)

KEYS = {
    "opticodds": "opt-9f8e+Kq/Zx==",
    "oddspapi": "papi-77aa+Lm/Np==",
    "oddsstream": "os_live_" + "f3a91c07d2e84b5a96c0e1d7b4a2f358",  # a made-up key of the real shape
}
URL_KEY = "urlkey-5d5d+Qq/Rr=="
"""Carried by a base_url as a query parameter."""
ROOT = Path(__file__).resolve().parent.parent


def forms(key: str) -> set[str]:
    """The key as it may appear: as is, URL-encoded, and its first and last ten characters."""
    return {key, quote(key, safe=""), quote_plus(key), key[:10], key[-10:]}


def assert_no_key(text: str, where: str) -> None:
    for key in (*KEYS.values(), URL_KEY):
        for form in forms(key):
            assert form not in text, f"{form!r} (from {key!r}) leaked in {where}"


def hostile_app() -> Starlette:
    async def refuse(request: Request) -> JSONResponse:
        """401 (400 for a parlay, whose client quotes only a 4xx's reason) echoing the key and every header."""
        key = request.headers.get("x-api-key") or request.query_params.get("apiKey") or ""
        body = {"message": f"invalid key {key}; you sent {request.url.query} and {dict(request.headers)}"}
        return JSONResponse(body, status_code=400 if "parlay" in request.url.path else 401)

    async def login(ws: WebSocket) -> None:
        await ws.accept()
        frame = await ws.receive_text()
        await ws.send_text(json.dumps({"type": "login_failed", "message": f"bad key in {frame}"}))
        await ws.close(code=4001)

    return Starlette(routes=[WebSocketRoute("/ws", login), Route("/{path:path}", refuse, methods=["GET", "POST"])])


@pytest.fixture(scope="module")
def hostile():
    port = free_port("127.0.0.1")
    server = uvicorn.Server(uvicorn.Config(hostile_app(), port=port, log_level="error", ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws"
    server.should_exit = True
    thread.join(timeout=5)


def provider_env(http: str, ws: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPTICODDS_", "ODDSPAPI_", "ODDSSTREAM_"))}
    env |= {f"{name.upper()}_API_KEY": key for name, key in KEYS.items()}
    env |= {
        "OPTICODDS_BASE_URL": f"{http}/v3?api_key={quote(URL_KEY, safe='')}",
        "ODDSPAPI_BASE_URL": http,
        "ODDSPAPI_WS_URL": ws,
        "ODDSSTREAM_BASE_URL": http,
        "ODDSSTREAM_WS_URL": ws,
    }
    return env | {
        "PYTHONPATH": str(ROOT),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "COLUMNS": "200",
    }


def oddstui(*args: str, env: dict[str, str], timeout: float = 40) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oddstui", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def files_text(*roots: Path) -> str:
    """Everything written under `roots` (logs, caches, state), as text."""
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace")
        for root in roots
        if root.exists()
        for p in root.rglob("*")
        if p.is_file()
    )


def test_tail_refused_by_every_provider_never_shows_a_key(hostile, tmp_path):
    http, ws = hostile
    env = provider_env(http, ws, tmp_path)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "oddstui", "tail", "--provider", name, "--state", str(tmp_path / f"{name}.json")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in KEYS
    ]
    try:
        for name, run in zip(KEYS, runs, strict=True):
            out, err = run.communicate(timeout=40)
            assert run.returncode == 1, err  # a refused key ends tail, without --for
            assert "auth error" in err
            assert_no_key(out + err + (tmp_path / f"{name}.json").read_text(), f"tail --provider {name}")
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait(timeout=10)
    assert_no_key(files_text(tmp_path / "state", tmp_path / "cache"), "log and cache files")


def test_tail_on_a_live_market_never_shows_a_key(tmp_path):
    server = start_sim(rate=500)
    try:
        urls = server.urls()
        env = provider_env(urls["oddspapi"], urls["oddspapi_ws"], tmp_path) | {
            "OPTICODDS_BASE_URL": urls["opticodds"],
            "ODDSSTREAM_BASE_URL": urls["oddsstream"],
            "ODDSSTREAM_WS_URL": urls["oddsstream_ws"],
        }
        state = tmp_path / "state.json"
        result = oddstui("tail", "--sport", "basketball", "--for", "2", "--state", str(state), env=env)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") > 10 and "live" in result.stderr
    assert_no_key(result.stdout + result.stderr + state.read_text(), "tail on the simulator")
    assert_no_key(files_text(tmp_path / "state", tmp_path / "cache"), "log and cache files")


def test_parlay_refused_never_shows_a_key(hostile, tmp_path):
    http, ws = hostile
    result = oddstui("parlay", "1:a:b", "2:c:d", env=provider_env(http, ws, tmp_path) | {"OPTICODDS_BASE_URL": http})
    assert result.returncode == 1 and "HTTP 400: invalid key" in result.stdout + result.stderr
    assert_no_key(result.stdout + result.stderr + files_text(tmp_path / "state"), "parlay")


@pytest.mark.parametrize(
    ("top", "tables", "status"),
    [
        ("", "", 0),
        ('odds_format = "{opticodds}"\n', "", 2),
        ("", '[oddspapi]\napi_key = "{oddspapi}"\nbase_url = "htp://h/v4?apiKey={url}"\n', 2),
        ("", '[oddsstream]\napi_key = "{oddsstream}"\nodds_format = "decimal"\n', 2),
        ('api_key = "{oddspapi}"\n', "", 2),
        ("", '[oddsstream]\napi_key = "{oddsstream}"\n', 0),
    ],
)
def test_config_check_never_shows_a_key(tmp_path, top, tables, status):
    env = provider_env("http://127.0.0.1:9", "ws://127.0.0.1:9/ws", tmp_path)
    env = {k: v for k, v in env.items() if not k.endswith(("_API_KEY", "_URL"))}
    path = tmp_path / "config" / "oddstui" / "config.toml"
    path.parent.mkdir(parents=True)
    opticodds = '[opticodds]\napi_key = "{opticodds}"\nbase_url = "https://h/v3?token={url}"\n'
    path.write_text((top + opticodds + tables).format(url=URL_KEY, **KEYS))
    result = oddstui("config", "check", env=env)
    assert result.returncode == status, result.stderr
    assert_no_key(result.stdout + result.stderr, f"config check with {top + tables!r}")


def test_a_crash_message_and_its_log_never_show_a_key(tmp_path):
    """A crash whose exception quotes every key: one line on stderr, the traceback in the log, both scrubbed."""
    env = provider_env("http://127.0.0.1:9", "ws://127.0.0.1:9/ws", tmp_path)
    code = (
        "import sys, oddstui.cli as cli\n"
        "def boom(args):\n"
        "    settings = cli.load_settings()\n"
        "    raise RuntimeError('failed with ' + ' '.join(p.api_key.reveal() for p in settings.enabled))\n"
        "cli.run_config = boom\n"
        "sys.exit(cli.main(['config', 'check']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 70 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "RuntimeError: failed with ***" in result.stderr
    log = Path(result.stderr.split("full traceback in ")[1].rstrip(")\n"))
    assert log.is_relative_to(tmp_path / "state") and "Traceback" in log.read_text()
    assert_no_key(result.stderr + log.read_text(), "crash message and log")


async def test_the_app_shows_no_key_in_toasts_or_on_screen(hostile, tmp_path, monkeypatch):
    """Every provider refused (its 401 echoing its key), and a worker that fails quoting the second key."""
    http, ws = hostile
    env = provider_env(http, ws, tmp_path)
    settings = config.parse({}, "(test)", env)
    from oddstui.ui import app as app_module

    real_build = app_module.build_clients

    class Failing:
        async def run(self) -> None:
            await asyncio.sleep(0.2)
            raise RuntimeError(f"worker failed holding {KEYS['oddspapi']} and {quote(KEYS['oddsstream'], safe='')}")

        def forget(self, refs: object) -> None:
            """Nothing kept per fixture."""

    monkeypatch.setattr(app_module, "build_clients", lambda *a, **k: [*real_build(*a, **k), Failing()])
    app = OddsApp(settings, data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", backoff_base=0.05)
    async with app.run_test(size=(200, 60)) as pilot:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            await pilot.pause(0.2)
            refused = {h.provider.lower() for h in app.store.health() if h.state.value == "auth error"}
            toasts = [n.message for n in app._notifications]
            if any("worker failed" in t for t in toasts) and refused >= set(KEYS):
                break
        toasts = [n.message for n in app._notifications]
        assert any("worker failed holding ***" in t for t in toasts), toasts
        assert refused >= set(KEYS)  # every provider's 401, its key echoed, reached the app
        screen = app.export_screenshot()
    assert_no_key("\n".join(toasts) + screen, "the app's toasts and screen")
    assert_no_key(str([h.detail for h in app.store.health()]), "stream health")
