"""`oddstui scan`: the provider clients headless, and the market's signals (+EV, arbitrage, middle, low hold).

With --json, one JSON line on stdout per signal as it appears or changes, and one when it disappears;
otherwise a table of the current signals whenever they change. Health and errors go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, Unpack

import msgspec

from oddstui.config import Settings
from oddstui.devig import DevigMethod
from oddstui.history import NoHistory
from oddstui.market_view import base_selection, line_text
from oddstui.model import FrameRejected, StreamHealthChanged, StreamState
from oddstui.signals import Scanner, ScanSettings, Signal, SignalKind
from oddstui.store import Store

if TYPE_CHECKING:
    from oddstui.providers.runner import Tuning

REFRESH = 0.5
"""Seconds between two scans of the market: twice a second."""
TABLE_ROWS = 40


@dataclass(frozen=True, slots=True)
class ScanOptions:
    kinds: frozenset[SignalKind] = frozenset()
    """Empty: every kind."""
    min_edge: float | None = None
    """Percent: signals below this edge are left out (see oddstui.signals for each kind's edge)."""
    providers: tuple[str, ...] = ()
    seconds: float | None = None
    count: int | None = None
    """Exit after this many signal lines (appear, change or disappear)."""
    json: bool = False
    refresh: float = REFRESH


def run(args: argparse.Namespace, load_settings: Callable[[], Settings | None]) -> int:
    """The subcommand: settings, the simulator when no key is set, then `scan`."""
    import platformdirs

    from oddstui.config import APP_NAME

    settings = load_settings()
    if settings is None:
        return 2
    server = None
    if args.demo or not settings.enabled:
        from oddstui.demo import start_demo

        server, settings = start_demo(settings)
        print("oddstui scan: no provider keys set: scanning the built-in simulator", file=sys.stderr)
    options = ScanOptions(
        frozenset(SignalKind(k) for k in args.kind),
        args.min_edge,
        tuple(args.provider),
        args.seconds,
        args.count,
        args.json,
    )
    scan_settings = scan_settings_for(args, settings)
    try:
        return asyncio.run(
            scan(settings, options, scan_settings, cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)))
        )
    except KeyboardInterrupt:
        return 130
    finally:
        if server is not None:
            server.stop()


def scan_settings_for(args: argparse.Namespace, settings: Settings) -> ScanSettings:
    """The command's options over the config: --devig, else the config's de-vig method."""
    method = DevigMethod(args.devig) if args.devig else settings.devig
    return ScanSettings(method=method, stake=args.stake, unit=args.unit, sharp=settings.sharp_books)


async def scan(
    settings: Settings,
    options: ScanOptions,
    scan_settings: ScanSettings | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    cache_dir: Path | None = None,
    stop: asyncio.Event | None = None,
    **tuning: Unpack[Tuning],
) -> int:
    """Run until --count signal lines, --for seconds, `stop`, or every stream has stopped; 1 after an auth error."""
    from oddstui.providers.feed import Feed
    from oddstui.providers.runner import build_clients, stop_clients

    feed, store = Feed(), Store(history=NoHistory())  # nothing shows a price's history here
    clients = build_clients(settings, feed, only=options.providers, cache_dir=cache_dir, **tuning)
    if not clients:
        print("oddstui scan: no provider enabled (set a key, or drop --provider)", file=err)
        return 2
    for client in clients:
        store.on_evict(client.forget)
    tasks = [asyncio.create_task(client.run()) for client in clients]
    scanner = Scanner(scan_settings or ScanSettings())
    shown: dict[tuple, Signal] = {}
    lines = 0
    started = time.monotonic()
    deadline = started + options.seconds if options.seconds is not None else None
    next_scan = started
    auth_errors = 0
    try:
        while True:
            await feed.wait(0.1)
            for event in feed.drain():
                store.apply(event)
                if isinstance(event, StreamHealthChanged):
                    print(
                        f"[{event.health.stream}] {event.health.state.value} {event.health.detail}".rstrip(), file=err
                    )
                    auth_errors += event.health.state is StreamState.AUTH_ERROR
                elif isinstance(event, FrameRejected):
                    print(f"[{event.stream}] skipped a malformed frame: {event.reason}", file=err)
            store.evict_due()
            now = time.monotonic()
            if now >= next_scan:
                next_scan = now + options.refresh
                current = {s.key: s for s in scanner.scan(store) if wanted(s, options)}
                lines += report(shown, current, options, out)
                shown = current
            if options.count is not None and lines >= options.count:
                break
            if deadline is not None and now >= deadline:
                break
            if all(task.done() for task in tasks) or (stop is not None and stop.is_set()):
                break
    finally:
        await stop_clients(tasks)
    print(f"scan: {lines} signal lines, {len(shown)} signals open, in {time.monotonic() - started:.2f} s", file=err)
    return 1 if auth_errors else 0


def wanted(signal: Signal, options: ScanOptions) -> bool:
    if options.kinds and signal.kind not in options.kinds:
        return False
    return options.min_edge is None or signal.edge_pct >= options.min_edge


def report(shown: dict[tuple, Signal], current: dict[tuple, Signal], options: ScanOptions, out: TextIO) -> int:
    """Print what changed between two scans; the number of signal lines (appeared, changed, gone)."""
    now = time.time()
    changes = [("new", s) for key, s in current.items() if key not in shown]
    changes += [("change", s) for key, s in current.items() if key in shown and _moved(shown[key], s)]
    changes += [("gone", s) for key, s in shown.items() if key not in current]
    if not changes:
        return 0
    if options.json:
        out.write("".join(msgspec.json.encode(signal_json(s, change, now)).decode() + "\n" for change, s in changes))
    else:
        print_table(list(current.values()), out)
    out.flush()
    return len(changes)


def _moved(before: Signal, after: Signal) -> bool:
    prices = [(leg.price_decimal, leg.fair_decimal) for leg in before.legs]
    return prices != [(leg.price_decimal, leg.fair_decimal) for leg in after.legs] or round(
        before.edge_pct, 4
    ) != round(after.edge_pct, 4)


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def signal_json(signal: Signal, change: str, ts: float) -> dict:
    """One signal as a JSON object: `change` is new, change or gone."""
    split, window = signal.split, signal.middle
    stakes = None
    if split is not None:
        stakes = {
            "exact": [round(s, 2) for s in split.stakes],
            "rounded": list(split.rounded_stakes),
            "payout": round(split.payout, 2),
            "profit": round(split.profit, 2),
            "rounded_payout": round(split.rounded_payout, 2),
            "rounded_profit": round(split.rounded_profit, 2),
        }
    return {
        "change": change,
        "kind": signal.kind.value,
        "provider": signal.provider,
        "fixture_id": signal.fixture_id,
        "league": signal.league,
        "market": signal.market,
        "player": signal.player,
        "points": signal.points,
        "legs": [
            {
                "selection": leg.selection,
                "book": leg.book,
                "points": leg.points,
                "price_decimal": round(leg.price_decimal, 6),
                "price_american": leg.price_american,
                "fair_decimal": _round(leg.fair_decimal),
                "fair_source": leg.fair_source,
            }
            for leg in signal.legs
        ],
        "fair_decimal": _round(signal.fair_decimal),
        "fair_source": signal.fair_source,
        "edge_pct": round(signal.edge_pct, 4),
        "kelly": _round(signal.kelly),
        "hold": _round(signal.hold),
        "stakes": stakes,
        "window": None if window is None else {"low": window.low, "high": window.high, "hits": list(window.hits)},
        "hit_profit": None if window is None else round(window.hit_profit, 2),
        "ts": round(ts, 3),
    }


def print_table(signals: list[Signal], out: TextIO) -> None:
    """The current signals, best edge first, as a rich table."""
    from rich.console import Console
    from rich.table import Table

    shown = sorted(signals, key=lambda s: -s.edge_pct)[:TABLE_ROWS]
    more = f" (best {len(shown)} shown)" if len(shown) < len(signals) else ""
    table = Table(title=f"{len(signals)} signals{more} · {time.strftime('%H:%M:%S')}")
    for column in ("kind", "edge %", "league", "fixture", "market", "legs", "fair", "stakes"):
        table.add_column(column, justify="right" if column == "edge %" else "left")
    for signal in shown:
        legs = "\n".join(
            f"{base_selection(leg.selection, leg.points)} {line_text(leg.selection, leg.points)} "
            f"@ {leg.book} {leg.price_american:+d}"
            for leg in signal.legs
        )
        fair = "" if signal.fair_decimal is None else f"{signal.fair_decimal:.3f} ({signal.fair_source})"
        stakes = "" if signal.split is None else " / ".join(f"{s:g}" for s in signal.split.rounded_stakes)
        table.add_row(
            signal.kind.value,
            f"{signal.edge_pct:+.2f}",
            signal.league,
            signal.fixture_id,
            signal.market,
            legs,
            fair,
            stakes,
        )
    Console(file=out, width=160).print(table)
