"""One Starlette app serving every simulated provider, and a uvicorn runner for it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TypeVar, TypeVarTuple

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from oddstui.sim.faults import NO_FAULTS, FaultPlan
from oddstui.sim.hub import Hub
from oddstui.sim.market import Market
from oddstui.sim.oddspapi import OddsPapiSim
from oddstui.sim.oddsstream import OddsStreamSim
from oddstui.sim.opticodds import CutConnection, OpticOddsSim

T = TypeVar("T")
Args = TypeVarTuple("Args")


@dataclass(frozen=True, slots=True)
class SimOptions:
    seed: int = 1
    rate: float = 200.0
    faults: FaultPlan = NO_FAULTS
    fixtures_per_league: int = 4
    ping_interval: float = 5.0
    retry_ms: int = 5000
    """The SSE `retry:` the OpticOdds side asks for (tests shorten it)."""
    start_time: float | None = None
    """Wall-clock time of tick 0; None means now."""
    run: bool = True
    """Pump the market at `rate`; False leaves ticking to the caller (tests)."""
    stop_after: int | None = None
    """Stop the pump after this many price updates (for ground-truth comparisons)."""
    warmup_ticks: int = 0
    """Market ticks run before serving, so that a demo opens on games already in play."""


class Simulator:
    """The market, its event log and the provider protocol servers."""

    def __init__(self, options: SimOptions = SimOptions()) -> None:
        self.options = options
        start = options.start_time if options.start_time is not None else time.time()
        self.market = Market(options.seed, fixtures_per_league=options.fixtures_per_league, start_time=start)
        for _ in range(options.warmup_ticks):
            self.market.step()
        self.hub = Hub(self.market, rate=options.rate, faults=options.faults)
        self.opticodds = OpticOddsSim(self.hub, ping_interval=options.ping_interval, retry_ms=options.retry_ms)
        self.oddspapi = OddsPapiSim(self.hub)
        self.oddsstream = OddsStreamSim(self.hub)
        self.pump_done = asyncio.Event()

    def app(self) -> Starlette:
        @contextlib.asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            task = asyncio.create_task(self._pump()) if self.options.run else None
            try:
                yield
            finally:
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

        return Starlette(
            routes=[
                Mount("/opticodds/api/v3", routes=self.opticodds.routes()),
                Mount("/oddspapi", routes=self.oddspapi.routes()),
                Mount("/oddsstream", routes=self.oddsstream.routes()),
            ],
            lifespan=lifespan,
        )

    async def _pump(self) -> None:
        await self.hub.run(self.options.stop_after)
        self.pump_done.set()


class _QuietCuts(logging.Filter):
    """Deliberate connection cuts (a fault) are not errors worth a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], CutConnection))


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class SimServer:
    """Runs a Simulator under uvicorn, in the foreground or in a background thread."""

    def __init__(
        self, simulator: Simulator, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"
    ) -> None:
        self.simulator = simulator
        self.host = host
        self.port = port or free_port(host)
        logging.getLogger("uvicorn.error").addFilter(_QuietCuts())
        config = uvicorn.Config(
            simulator.app(),
            host=self.host,
            port=self.port,
            log_level=log_level,
            access_log=False,
            lifespan="on",
            ws="websockets-sansio",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def urls(self) -> dict[str, str]:
        http, ws = self.base_url, f"ws://{self.host}:{self.port}"
        return {
            "opticodds": f"{http}/opticodds/api/v3",
            "oddspapi": f"{http}/oddspapi",
            "oddspapi_ws": f"{ws}/oddspapi/ws",
            "oddsstream": f"{http}/oddsstream",
            "oddsstream_ws": f"{ws}/oddsstream/api/stream",
        }

    def run(self) -> None:
        """Serve in the foreground until interrupted."""
        self.server.run()

    def start(self, timeout: float = 10.0) -> SimServer:
        """Serve from a background thread; returns once the port accepts connections."""

        def serve() -> None:
            self.loop = asyncio.new_event_loop()
            self.loop.run_until_complete(self.server.serve())

        self._thread = threading.Thread(target=serve, name="oddstui-sim", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"simulator did not start on {self.base_url}")
            time.sleep(0.01)
        return self

    def call(self, fn: Callable[[*Args], T], *args: *Args) -> T:
        """Run `fn(*args)` on the server's loop (the hub is not thread-safe) and return its result."""
        assert self.loop is not None
        future = asyncio.run_coroutine_threadsafe(_call(fn, *args), self.loop)
        return future.result(timeout=30)

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def _call(fn: Callable[[*Args], T], *args: *Args) -> T:
    return fn(*args)


def ground_truth(simulator: Simulator) -> dict:
    """The final state of every quote and fixture the simulator sent, keyed as each provider keys it.

    OddsStream lists main lines of games not yet over; its `quotes` hold those, keyed as
    `event:book:market:period:selection`.
    """
    from oddstui.sim.names import BOOKS, COPILOT
    from oddstui.sim.oddspapi import STATUS_NAMES
    from oddstui.sim.oddsstream import event_slug
    from oddstui.sim.opticodds import copilot_id, odd_id, wire_status

    market, papi = simulator.market, simulator.oddspapi
    long_ids = simulator.opticodds.variant.long_copilot_ids
    optic_quotes, papi_quotes, stream_quotes = {}, {}, {}
    for fx in market.fixtures.values():
        for book in (*BOOKS, COPILOT):
            for line, price in market.current(fx, book):
                state = {
                    "price_american": price.american,
                    "price_decimal": price.decimal,
                    "locked": price.locked or price.settlement is not None,
                    "is_main": price.is_main,
                }
                key = copilot_id(fx, line, long_ids) if book is COPILOT else odd_id(fx, book.name, line)
                optic_quotes[key] = state
                if book is COPILOT:
                    continue
                papi_quotes[papi.odds_id(fx, book.slug, line)] = state
                if price.is_main and not line.retired and not fx.status.is_terminal:
                    stream_quotes[f"{event_slug(fx)}:{book.name}:{line.market}:0:{line.name}"] = state
    return {
        "opticodds": {
            "quotes": optic_quotes,
            "fixtures": {fx.fixture_id: wire_status(fx.status) for fx in market.fixtures.values()},
        },
        "oddspapi": {
            "quotes": papi_quotes,
            "fixtures": {
                fx.papi_id: STATUS_NAMES.get(fx.status, (5, fx.status.value))[1] for fx in market.fixtures.values()
            },
        },
        "oddsstream": {"quotes": stream_quotes},
    }
