"""UI benchmark: the dashboard, headless, on the simulator at 5,000 quote updates per second across 200 fixtures.

The simulator runs as `oddstui sim` in its own process. The app runs headless (Textual's test driver,
160x48) with the OpticOdds client streaming every sport. It reports:

- wire-to-screen latency: from an odds event for the selected fixture being decoded off the socket
  (the Feed receives it) to the grid row that shows it being rendered (its Line API strip is rebuilt
  inside a compositor paint). Updates for rows scrolled off screen are never drawn and not counted;
- frame time: one refresh cycle, i.e. draining the feed into the store and updating the widgets, plus
  the compositor paints that follow it;
- key-press-to-screen latency for `j`: from the key press to the grid repainting the new cursor row.

A third run opens the scanner screen (`s`) at the full load and reports:

- scanner refresh: one tick of the scanner screen that recomputed markets (the changed markets, within its time
  budget, and re-listing the table);
- wire-to-screen: from an odds update being decoded off the socket to the table being listed again after
  the scanner tick that recomputed its market (drawn at the next paint);
- key-press-to-screen latency for `j` on the scanner's table.

Cycles with nothing to apply or paint are counted but left out of the refresh and frame figures.
The same app at a tenth of the load is measured first, in the same run, as the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from oddstui.bench.sim import running_sim
from oddstui.config import ProviderSettings, Settings
from oddstui.model import QuotesLocked, QuotesPosted
from oddstui.secret import Secret
from oddstui.ui.app import OddsApp
from oddstui.ui.screens.scanner import ScannerScreen
from oddstui.ui.widgets.price_grid import HEADER_LINES
from oddstui.ui.widgets.signal_table import SignalTable

WIRE_TARGET_MS = 250.0
KEY_TARGET_MS = 100.0
SCANNER_TARGET_MS = 50.0
LEAGUES = 7
IDLE_SECONDS = 0.0002
"""A cycle shorter than this applied and painted nothing."""


def swap_method(owner: object, name: str, replacement: Callable[..., object]) -> None:
    """Put `replacement` in place of `owner`'s method `name` (this instance only): how the bench times a step."""
    setattr(owner, name, replacement)


@dataclass
class Samples:
    wire: list[float] = field(default_factory=list)
    refresh: list[float] = field(default_factory=list)
    frame: list[float] = field(default_factory=list)
    idle_cycles: int = 0
    keys: list[float] = field(default_factory=list)
    updates: int = 0
    seconds: float = 0.0
    """How long `updates` were counted."""
    pending: list[int] = field(default_factory=list)
    """Scanner only: markets left for the next tick after each tick."""
    listed: int = 0
    """Scanner only: signals listed at the end."""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def instrument(app: OddsApp, samples: Samples) -> Callable[[], None]:
    """Hook the feed, the refresh cycle, the screen's paints and the grid's row renders; returns a starter."""
    arrivals: dict[str, float] = {}
    shown: set[str] = set()
    """Keys of the prices on screen: one folded under its main line or scrolled off is not drawn, so not timed."""
    recording = False
    cycle = {"start": 0.0, "busy": 0.0}
    put = app.feed.put

    def timed_put(event, data: bool = True) -> None:
        if recording and isinstance(event, QuotesPosted | QuotesLocked) and app.selected_ref is not None:
            now = time.perf_counter()
            watched = app.selected_ref[1]
            for quote in event.quotes:
                samples.updates += 1
                if quote.fixture_id == watched and quote.key in shown:
                    arrivals.setdefault(quote.key, now)
        put(event, data)

    swap_method(app.feed, "put", timed_put)
    refresh = app.refresh_from_store

    def timed_refresh(*args) -> None:
        started = time.perf_counter()
        refresh(*args)
        took = time.perf_counter() - started
        grid = app.price_grid
        top = grid.scroll_offset.y
        shown.clear()
        for line in grid.rows[top : top + grid.size.height - HEADER_LINES]:
            if line.row is not None:
                shown.update(q.key for q in line.row.cells.values())
        for key in [key for key in arrivals if key not in shown]:  # moved off screen (a main line moved on)
            del arrivals[key]
        if recording:
            if cycle["start"]:
                if cycle["busy"] >= IDLE_SECONDS:
                    samples.frame.append(cycle["busy"] * 1000)
                else:
                    samples.idle_cycles += 1
            if took >= IDLE_SECONDS:
                samples.refresh.append(took * 1000)
            cycle["start"], cycle["busy"] = started, took

    swap_method(app, "refresh_from_store", timed_refresh)

    def on_rendered(quotes) -> None:
        now = time.perf_counter()
        for quote in quotes:
            if quote is not None and (arrived := arrivals.pop(quote.key, None)) is not None:
                samples.wire.append((now - arrived) * 1000)

    def start() -> None:
        nonlocal recording
        grid = app.price_grid
        grid.probe = on_rendered
        screen = app.screen
        paint = screen._compositor_refresh  # Textual's paint step, timed as part of the frame

        def timed_paint() -> None:
            started = time.perf_counter()
            paint()
            if recording:
                cycle["busy"] += time.perf_counter() - started

        swap_method(screen, "_compositor_refresh", timed_paint)
        recording = True

    return start


async def press_j(app: OddsApp, pilot, samples: Samples, presses: int, gap: float) -> None:
    """Press j on the grid `presses` times; each sample ends when the new cursor row is repainted."""
    grid = app.price_grid
    grid.focus()
    build = grid._row_strip
    waiting: dict[str, float] = {}  # "row": the row index awaited, "t0": when j was pressed

    def watched_build(index: int):
        strip = build(index)
        target = waiting.get("row")
        if target == index and "t0" in waiting:
            samples.keys.append((time.perf_counter() - waiting.pop("t0")) * 1000)
            waiting.pop("row")
        return strip

    swap_method(grid, "_row_strip", watched_build)
    for _ in range(presses):
        await pilot.pause(gap)
        if sum(line.row is not None for line in grid.rows) < 3:
            continue
        priced = [i for i, line in enumerate(grid.rows) if line.row is not None]
        if grid.cursor_row >= priced[-2] or grid.cursor_row >= grid.size.height - 4:
            grid.cursor_row = priced[0]
            grid.scroll_to(y=0, animate=False)
            grid.refresh()
            await pilot.pause(0.05)
        waiting.pop("t0", None)
        waiting["row"] = next(i for i in priced if i > grid.cursor_row)  # the next row; market titles are skipped
        waiting["t0"] = time.perf_counter()
        await pilot.press("j")
    await pilot.pause(0.3)
    swap_method(grid, "_row_strip", build)


async def measure(rate: float, fixtures: int, seconds: float, presses: int) -> Samples:
    samples = Samples()
    with running_sim(rate, max(1, fixtures // LEAGUES)) as base:
        providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi", "oddsstream")}
        providers["opticodds"] = ProviderSettings("opticodds", Secret("bench-key"), base + "/opticodds/api/v3")
        with tempfile.TemporaryDirectory() as tmp:
            app = OddsApp(Settings(providers), data_dir=Path(tmp) / "data", cache_dir=Path(tmp) / "cache")
            start = instrument(app, samples)
            async with app.run_test(size=(160, 48)) as pilot:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not (
                    app.store.health() and all(h.state.value == "live" for h in app.store.health())
                ):
                    await pilot.pause(0.2)
                live = [f for f in app.store.fixtures() if f.is_live]
                if live:  # watch the busiest kind of game: one in play
                    busiest = max(
                        live, key=lambda f: sum(1 for _ in app.store.fixture_quotes((f.provider, f.fixture_id)))
                    )
                    app.selected_ref = (busiest.provider, busiest.fixture_id)
                    app._show_grid()
                await pilot.pause(1.0)
                start()
                began = time.perf_counter()
                await press_j(app, pilot, samples, presses, gap=seconds / max(1, presses))
                samples.seconds = time.perf_counter() - began
                if len(app.store.fixtures()) < fixtures * 0.9:
                    print(f"warning: only {len(app.store.fixtures())} fixtures loaded", file=sys.stderr)
    return samples


def instrument_scanner(
    app: OddsApp, samples: Samples
) -> tuple[Callable[[ScannerScreen], None], Callable[[bool], None]]:
    """Time each scanner tick, and each update from the feed to the tick that recomputed its market.

    Returns (attach, record): call attach with the scanner screen once open, record(True) to start counting.
    """
    in_feed: dict[tuple, float] = {}
    """Markets with an update on the feed, not yet applied to the store: the time of the first."""
    in_store: dict[tuple, float] = {}
    recording = False
    put = app.feed.put

    def timed_put(event, data: bool = True) -> None:
        if recording and isinstance(event, QuotesPosted | QuotesLocked):
            now = time.perf_counter()
            for quote in event.quotes:
                samples.updates += 1
                in_feed.setdefault((quote.provider, quote.fixture_id, quote.market, quote.player), now)
        put(event, data)

    swap_method(app.feed, "put", timed_put)
    refresh = app.refresh_from_store

    def applying_refresh(*args) -> None:
        for key, arrived in in_feed.items():
            in_store.setdefault(key, arrived)
        in_feed.clear()
        refresh(*args)

    swap_method(app, "refresh_from_store", applying_refresh)
    computed: dict[tuple, float] = {}
    """Markets recomputed since the table last listed them: the time of the first update each recompute took in.
    (An update applied after its market's recompute waits in `in_store` for the next one: it is not shown yet.)"""
    scanners: list = []

    def after_tick(seconds: float) -> None:
        if recording:
            samples.refresh.append(seconds * 1000)
            samples.pending.append(scanners[0].pending)

    def shown() -> None:
        """The table lists what the ticks since the last listing recomputed."""
        now = time.perf_counter()
        if recording:
            samples.wire.extend((now - arrived) * 1000 for arrived in computed.values())
        computed.clear()

    def attach(screen: ScannerScreen) -> None:
        scanner = screen.scanner
        compute = scanner._compute

        def noted_compute(store, key):
            arrived = in_store.pop(key, None)
            if arrived is not None:
                computed.setdefault(key, arrived)
            return compute(store, key)

        scanners.append(scanner)
        swap_method(scanner, "_compute", noted_compute)
        screen.on_refreshed = after_tick
        show = screen.show

        def timed_show() -> None:
            show()
            shown()

        swap_method(screen, "show", timed_show)

    def record(on: bool) -> None:
        nonlocal recording
        recording = on
        in_feed.clear()
        in_store.clear()
        computed.clear()

    return attach, record


async def press_j_in_scanner(table: SignalTable, pilot, samples: Samples, presses: int, gap: float) -> None:
    """Press j on the scanner's table; each sample ends when the cursor's row is drawn after the move (the list
    may reorder meanwhile: the cursor follows its signal, so the row drawn is wherever the cursor is then)."""
    table.focus()
    build, move = table._row_strip, table.action_move
    waiting: dict[str, float] = {}

    def watched_move(step: int) -> None:
        move(step)
        if "t0" in waiting:
            waiting["moved"] = 1.0

    def watched_build(index: int, width: int):
        strip = build(index, width)
        if "moved" in waiting and index == table.cursor:
            samples.keys.append((time.perf_counter() - waiting.pop("t0")) * 1000)
            waiting.pop("moved")
        return strip

    swap_method(table, "_row_strip", watched_build)
    swap_method(table, "action_move", watched_move)
    for _ in range(presses):
        await pilot.pause(gap)
        if len(table.signals) < 3:
            continue
        if table.cursor >= min(len(table.signals), table.size.height - 2) - 2:
            move(-len(table.signals))
            await pilot.pause(0.05)
        waiting.clear()
        waiting["t0"] = time.perf_counter()
        await pilot.press("j")
    await pilot.pause(0.3)
    swap_method(table, "_row_strip", build)
    swap_method(table, "action_move", move)


async def measure_scanner(rate: float, fixtures: int, seconds: float, presses: int) -> Samples:
    """The scanner screen open on the simulator at `rate`: its ticks, wire-to-screen and keys."""
    samples = Samples()
    with running_sim(rate, max(1, fixtures // LEAGUES)) as base:
        providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi", "oddsstream")}
        providers["opticodds"] = ProviderSettings("opticodds", Secret("bench-key"), base + "/opticodds/api/v3")
        with tempfile.TemporaryDirectory() as tmp:
            app = OddsApp(Settings(providers), data_dir=Path(tmp) / "data", cache_dir=Path(tmp) / "cache")
            attach, record = instrument_scanner(app, samples)
            async with app.run_test(size=(160, 48)) as pilot:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not (
                    app.store.health() and all(h.state.value == "live" for h in app.store.health())
                ):
                    await pilot.pause(0.2)
                await pilot.pause(1.0)
                await pilot.press("s")
                await pilot.pause(0.2)
                screen = app.screen
                if not isinstance(screen, ScannerScreen):
                    raise RuntimeError("s did not open the scanner")
                attach(screen)
                deadline = time.monotonic() + 20
                while screen.scanner.pending and time.monotonic() < deadline:  # the first scan of every market
                    await pilot.pause(0.1)
                await pilot.pause(1.0)
                record(True)
                began = time.perf_counter()
                table = screen.query_one(SignalTable)
                await press_j_in_scanner(table, pilot, samples, presses, gap=seconds / max(1, presses))
                samples.seconds = time.perf_counter() - began
                record(False)
                samples.listed = len(table.signals)
    return samples


def report(name: str, samples: Samples) -> None:
    def p(values: list[float]) -> str:
        return f"p50 {percentile(values, 0.5):7.1f} ms  p99 {percentile(values, 0.99):7.1f} ms  (n={len(values)})"

    print(f"{name}: {samples.updates / samples.seconds:,.0f} quote updates/s received")
    print(f"  wire-to-screen  {p(samples.wire)}")
    print(f"  refresh cycle   {p(samples.refresh)}")
    print(f"  frame           {p(samples.frame)}, {samples.idle_cycles} idle cycles")
    print(f"  key j           {p(samples.keys)}")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m oddstui.bench ui", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=5000.0, help="quote updates per second asked of the sim")
    parser.add_argument("--fixtures", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--presses", type=int, default=100)

    parser.add_argument("--no-scanner", action="store_true", help="leave out the run with the scanner open")
    args = parser.parse_args(argv)

    baseline = asyncio.run(measure(args.rate / 10, args.fixtures, args.seconds / 2, args.presses // 2))
    loaded = asyncio.run(measure(args.rate, args.fixtures, args.seconds, args.presses))
    scanning = None if args.no_scanner else asyncio.run(measure_scanner(args.rate, args.fixtures, args.seconds, 50))
    report(f"baseline ({args.rate / 10:,.0f} updates/s asked)", baseline)
    report(f"load ({args.rate:,.0f} updates/s asked)", loaded)
    wire99, key99 = percentile(loaded.wire, 0.99), percentile(loaded.keys, 0.99)
    print(f"key j p99 under load / baseline: {key99 / percentile(baseline.keys, 0.99):.2f}x")
    print(f"frame p99 under load / baseline: {percentile(loaded.frame, 0.99) / percentile(baseline.frame, 0.99):.2f}x")
    ok = wire99 <= WIRE_TARGET_MS and key99 <= KEY_TARGET_MS
    print(
        f"targets: wire-to-screen p99 <= {WIRE_TARGET_MS:.0f} ms: {'met' if wire99 <= WIRE_TARGET_MS else 'MISSED'}; "
        f"key p99 <= {KEY_TARGET_MS:.0f} ms: {'met' if key99 <= KEY_TARGET_MS else 'MISSED'}"
    )
    if scanning is not None:
        ok = report_scanner(args.rate, scanning, baseline) and ok
    return 0 if ok else 1


def report_scanner(rate: float, samples: Samples, baseline: Samples) -> bool:
    """The scanner run's figures and targets; True when every target is met."""

    def p(values: list[float]) -> str:
        return f"p50 {percentile(values, 0.5):7.1f} ms  p99 {percentile(values, 0.99):7.1f} ms  (n={len(values)})"

    left = sum(1 for n in samples.pending if n) / max(1, len(samples.pending))
    print(f"scanner open ({rate:,.0f} updates/s asked): {samples.updates / samples.seconds:,.0f} quote updates/s")
    print(f"  scanner refresh {p(samples.refresh)}; {left:.0%} of ticks left markets for the next")
    print(f"  wire-to-screen  {p(samples.wire)}")
    print(f"  key j           {p(samples.keys)}; {samples.listed:,} signals listed at the end")
    refresh99, wire99, key99 = (percentile(v, 0.99) for v in (samples.refresh, samples.wire, samples.keys))
    print(f"key j p99 with the scanner open / baseline: {key99 / percentile(baseline.keys, 0.99):.2f}x")
    met = {
        f"scanner refresh p99 <= {SCANNER_TARGET_MS:.0f} ms": refresh99 <= SCANNER_TARGET_MS,
        f"wire-to-screen p99 <= {WIRE_TARGET_MS:.0f} ms": wire99 <= WIRE_TARGET_MS,
        f"key p99 <= {KEY_TARGET_MS:.0f} ms": key99 <= KEY_TARGET_MS,
    }
    print("scanner targets: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in met.items()))
    return all(met.values())
