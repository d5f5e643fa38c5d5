"""Soak: the dashboard, headless, on the simulator for a long run, with games starting and finishing.

The simulator runs as `oddstui sim` in its own process; the app (Textual's headless driver, 160x48)
streams every sport from its OpticOdds side and shows the busiest live game, as a person leaves it
open. Every minute it reports the app's resident memory (RSS), the part of it Python's objects take
(pymalloc's allocated bytes, and the 1 MB arenas it holds them in), glibc's heap (bytes in use, free
bytes it keeps, mmapped blocks) and what its store holds: quotes,
fixtures, and how many of those fixtures are finished and waiting out their grace period. Objects that
stay level while RSS rises is the allocator keeping space; objects that climb with a level live set is a leak.

The simulator is warmed up before it serves (`--warmup` market ticks), so the run starts on a slate
in its steady state, as a real one is: games in play, finished, and scheduled. Its games last minutes,
not hours, so a finished game's grace period (`--grace`) is scaled down to match (and with it the store's
eviction pass, a tenth of the grace apart): the run goes through many eviction cycles, and a steady market
has to give a steady heap.
Target: after the first two minutes, RSS grows by at most 5%.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from oddstui.bench.memory import CHeap, c_heap, rss_mb
from oddstui.bench.sim import wait_for_port
from oddstui.config import ProviderSettings, Settings
from oddstui.secret import Secret
from oddstui.sim.app import SimOptions, SimServer, Simulator, free_port
from oddstui.ui.app import OddsApp

GROWTH_TARGET = 0.05
SETTLE_MINUTES = 2


@dataclass(frozen=True, slots=True)
class Reading:
    minute: float
    rss: float
    objects: float
    """MB in pymalloc's allocated blocks."""
    arenas: int
    quotes: int
    fixtures: int
    finished: int
    live: int
    events: int
    c_heap: CHeap | None
    """glibc's heap (bytes in use, free but kept, mmapped), where the C library is glibc."""


def serve(port: int, rate: float, fixtures_per_league: int, warmup: int) -> None:
    """The simulator, warmed up, in the foreground (run in a process of its own by `warm_sim`)."""
    options = SimOptions(rate=rate, fixtures_per_league=fixtures_per_league, warmup_ticks=warmup)
    SimServer(Simulator(options), port=port).run()


@contextlib.contextmanager
def warm_sim(rate: float, fixtures_per_league: int, warmup: int) -> Iterator[str]:
    """A warmed-up simulator in its own process for the length of the block; yields its base URL."""
    port = free_port()
    code = f"from oddstui.bench.soak import serve; serve({port}, {rate!r}, {fixtures_per_league}, {warmup})"
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(f"{base}/oddsstream/api/sports", timeout=120)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def python_heap() -> tuple[float, int]:
    """(MB in pymalloc's allocated blocks, arenas it holds), as CPython's `sys._debugmallocstats` prints them."""
    stats = getattr(sys, "_debugmallocstats", None)
    if stats is None:
        return 0.0, 0
    with tempfile.TemporaryFile() as out:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(out.fileno(), 2)  # it writes to C's stderr
            stats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read().decode(errors="replace")

    def figure(label: str) -> int:
        found = re.search(rf"# {label}\s*=\s*([\d,]+)", text)
        return int(found.group(1).replace(",", "")) if found else 0

    return figure("bytes in allocated blocks") / (1024 * 1024), figure("arenas allocated current")


def read(app: OddsApp, minute: float) -> Reading:
    fixtures = app.store.fixtures()
    events = sum(app.store.stats(h.stream).events for h in app.store.health())
    return Reading(
        minute,
        rss_mb(),
        *python_heap(),
        app.store.quote_count(),
        len(fixtures),
        sum(1 for f in fixtures if f.status.is_terminal),
        sum(1 for f in fixtures if f.is_live),
        events,
        c_heap(),
    )


def watch_busiest(app: OddsApp) -> None:
    """Show the live game with the most quotes, as a person watching the dashboard would."""
    live = [f for f in app.store.fixtures() if f.is_live]
    if live:
        busiest = max(live, key=lambda f: len(app.store.fixture_quotes((f.provider, f.fixture_id))))
        app.selected_ref = (busiest.provider, busiest.fixture_id)
        app._show_grid()


async def soak(
    minutes: float, rate: float, fixtures_per_league: int, warmup: int, grace: float, every: float
) -> list[Reading]:
    readings: list[Reading] = []
    with warm_sim(rate, fixtures_per_league, warmup) as base:
        providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi", "oddsstream")}
        providers["opticodds"] = ProviderSettings("opticodds", Secret("soak-key"), base + "/opticodds/api/v3")
        with tempfile.TemporaryDirectory() as tmp:
            app = OddsApp(Settings(providers), data_dir=Path(tmp) / "data", cache_dir=Path(tmp) / "cache")
            app.store.eviction_grace = grace
            async with app.run_test(size=(160, 48)) as pilot:
                started = time.monotonic()
                next_reading = started
                while (elapsed := time.monotonic() - started) < minutes * 60:
                    if time.monotonic() >= next_reading:
                        watch_busiest(app)
                        reading = read(app, elapsed / 60)
                        readings.append(reading)
                        report(reading)
                        next_reading += every
                    await pilot.pause(0.5)
                reading = read(app, (time.monotonic() - started) / 60)
                readings.append(reading)
                report(reading)
    return readings


def c_heap_text(heap: CHeap | None) -> str:
    if heap is None:
        return ""
    return f"  C heap {heap.used:5.1f} MB used {heap.free:5.1f} free {heap.mmapped:5.1f} mmapped"


def report(r: Reading) -> None:
    print(
        f"{r.minute:6.1f} min  RSS {r.rss:7.1f} MB  objects {r.objects:5.1f} MB in {r.arenas:3} arenas"
        f"  quotes {r.quotes:7,}  fixtures {r.fixtures:4}"
        f" ({r.live} live, {r.finished} finished in grace)  events {r.events:,}{c_heap_text(r.c_heap)}",
        flush=True,
    )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m oddstui.bench soak", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=2000.0, help="quote updates per second asked of the sim")
    parser.add_argument("--fixtures-per-league", type=int, default=4, help="as `oddstui sim`")
    parser.add_argument("--warmup", type=int, default=800, help="market ticks run before the app connects")
    parser.add_argument("--grace", type=float, default=60.0, help="seconds a finished game stays in the store")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between readings")
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.rate <= 0 or args.every <= 0 or args.fixtures_per_league < 1:
        parser.error("--minutes, --rate, --every and --fixtures-per-league must be positive")
    if args.grace < 0 or args.warmup < 0:
        parser.error("--grace and --warmup must not be negative")

    readings = asyncio.run(soak(args.minutes, args.rate, args.fixtures_per_league, args.warmup, args.grace, args.every))
    settled = [r for r in readings if r.minute >= SETTLE_MINUTES]
    if len(settled) < 2:
        print(f"run shorter than {SETTLE_MINUTES} minutes: no growth figure", file=sys.stderr)
        return 0
    base, last = settled[0], settled[-1]
    peak = max(r.rss for r in settled)
    growth = last.rss / base.rss - 1
    print(
        f"after {base.minute:.1f} min: RSS {base.rss:.1f} MB -> {last.rss:.1f} MB at {last.minute:.1f} min "
        f"({last.rss - base.rss:+.1f} MB, {growth:+.1%}; peak {peak:.1f} MB, {peak / base.rss - 1:+.1%})"
    )
    if base.objects:
        print(
            f"Python objects {base.objects:.1f} MB -> {last.objects:.1f} MB ({last.objects / base.objects - 1:+.1%}); "
            f"arenas {base.arenas} -> {last.arenas}"
        )
    if base.c_heap and last.c_heap:
        print(f"C heap (glibc): {c_heap_text(base.c_heap).strip()} -> {c_heap_text(last.c_heap).strip()}")
    print(f"quotes held {base.quotes:,} -> {last.quotes:,}; fixtures {base.fixtures} -> {last.fixtures}")
    ok = growth <= GROWTH_TARGET
    print(f"target: RSS growth after {SETTLE_MINUTES} min <= {GROWTH_TARGET:.0%}: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1
