"""Simulator benchmark: odds updates per second delivered over loopback SSE to one plain client.

The simulator runs as `oddstui sim` in its own process, as a user would run it, at a firehose rate.
One raw httpx client reads the OpticOdds odds stream for every book of one sport and decodes every
event. The baseline, measured in the same run, is the market generating updates in-process with no I/O.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence

import httpx

from oddstui.sim.app import free_port
from oddstui.sim.market import Market
from oddstui.sim.names import BOOKS

TARGET = 20_000


def market_rate(seconds: float) -> float:
    """Quote updates per second the market generates in-process, for comparison."""
    market = Market(1, fixtures_per_league=8)
    updates, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for event in market.step():
            updates += len(getattr(event, "items", ()))
    return updates / (time.perf_counter() - started)


def wait_for_port(url: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"simulator did not answer on {url}")


@contextlib.contextmanager
def running_sim(
    rate: float, fixtures_per_league: int = 8, preexec_fn: Callable[[], None] | None = None
) -> Iterator[str]:
    """`oddstui sim` in a process of its own for the length of the block; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oddstui",
            "sim",
            "--port",
            str(port),
            "--rate",
            str(rate),
            "--fixtures-per-league",
            str(fixtures_per_league),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=preexec_fn,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(f"{base}/oddsstream/api/sports")
        yield base
    finally:
        server.terminate()
        server.wait(10)


def stream_rate(base: str, sport: str, seconds: float) -> tuple[float, int]:
    """Odds updates per second one SSE client receives and decodes; also the event count."""
    books = [b.name for b in BOOKS[:5]]
    updates = events = 0
    started = 0.0
    with (
        httpx.Client(timeout=10) as client,
        client.stream(
            "GET",
            f"{base}/opticodds/api/v3/stream/odds/{sport}",
            params={"sportsbook": books},
            headers={"X-Api-Key": "bench-key"},
        ) as response,
    ):
        response.raise_for_status()
        for line in response.iter_lines():
            if not line.startswith("data: {"):
                continue
            if not started:
                started = time.perf_counter()
            updates += len(json.loads(line[6:])["data"])
            events += 1
            if time.perf_counter() - started >= seconds:
                break
    return updates / (time.perf_counter() - started), events


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m oddstui.bench sim", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=1_000_000.0, help="price updates per second asked of the sim")
    parser.add_argument("--sport", default="basketball")
    args = parser.parse_args(argv)

    with running_sim(args.rate) as base:
        delivered, events = stream_rate(base, args.sport, args.seconds)
    generated = market_rate(args.seconds)
    print(
        f"delivered over SSE to one client: {delivered:,.0f} odds updates/s ({events:,} events, {args.sport}, 5 books)"
    )
    print(f"market generating in-process, all sports and books (baseline): {generated:,.0f} updates/s")
    print(f"target >= {TARGET:,}/s: {'met' if delivered >= TARGET else 'MISSED'}")
    return 0 if delivered >= TARGET else 1
