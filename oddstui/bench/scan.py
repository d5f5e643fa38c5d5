"""Scan benchmark: every signal across a realistic market, then refreshes after one odd event and after a burst,
against building the same fixtures' grids (measured in the same run)."""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence

import msgspec

from oddstui.model import Fixture, Quote
from oddstui.signals import Scanner, ScanSettings, Signal, scan
from oddstui.store import Store

BOOKS = ("Pinnacle", "DraftKings", "FanDuel", "BetMGM", "Caesars", "BetRivers", "PointsBet", "Bet365")
STREAM = "bench:odds"
MARGIN = 0.045
ALT_LINES = 3
"""Alternate lines each side of the main spread and total."""


def fixture_quotes(index: int, players: int, rng: random.Random) -> tuple[Fixture, list[Quote]]:
    """One NBA-like fixture: moneyline, spread and total with alternates, and over/under player props."""
    fixture_id = f"FX{index:05d}"
    home, away = f"Home {index}", f"Away {index}"
    fixture = Fixture("bench", fixture_id, "basketball", f"League {index % 8}", home, away, 0.0)
    spread, total = rng.choice((-7.5, -3.5, -1.5, 2.5, 5.5)), rng.choice((210.5, 220.5, 230.5))
    quotes: list[Quote] = []

    def add(book: str, market: str, selection: str, points: float | None, fair: float, main: bool, player: str = ""):
        # a 4.5 % margin over the market's fair probability, give or take each book's own opinion
        implied = min(0.97, max(0.03, fair + rng.gauss(0.0, 0.01))) * (1.0 + MARGIN)
        decimal = max(1.01, 1.0 / implied)
        key = f"{fixture_id}:{book}:{market}:{player}:{selection}:{points}"
        quotes.append(
            Quote(
                "bench",
                key,
                fixture_id,
                book,
                market,
                selection,
                decimal,
                points=points,
                player=player,
                stream=STREAM,
                is_main=main,
            )
        )

    p = rng.uniform(0.35, 0.65)
    for book in BOOKS:
        add(book, "Moneyline", away, None, p, True)
        add(book, "Moneyline", home, None, 1.0 - p, True)
        for step in range(-ALT_LINES, ALT_LINES + 1):
            line, shift = spread + step, 0.03 * step
            add(book, "Point Spread", home, line, 0.5 + shift, step == 0)
            add(book, "Point Spread", away, -line, 0.5 - shift, step == 0)
            add(book, "Total Points", "Over", total + step, 0.5 - shift, step == 0)
            add(book, "Total Points", "Under", total + step, 0.5 + shift, step == 0)
        for player in range(players):
            name = f"Player {index}-{player}"
            line = 10.5 + player
            add(book, "Player Points", f"{name} Over", line, 0.5, True, name)
            add(book, "Player Points", f"{name} Under", line, 0.5, True, name)
    return fixture, quotes


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(prog="python -m oddstui.bench scan")
    parser.add_argument("--fixtures", type=int, default=200)
    parser.add_argument("--players", type=int, default=10, help="player-points props per fixture")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--updates", type=int, default=250, help="price updates before a refresh (5,000/s at 50 ms refresh: 250)"
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    store = Store()
    for index in range(args.fixtures):
        fixture, quotes = fixture_quotes(index, args.players, rng)
        store.upsert_fixture(STREAM, None, fixture)
        store.post_quotes(STREAM, None, quotes)
    refs = [(f.provider, f.fixture_id) for f in store.all_fixtures()]
    all_quotes = list(store.quotes())
    grid_times, scan_times, idle_times = [], [], []
    one_times: list[float] = []
    many_times: list[float] = []
    signals: list[Signal] = []
    recomputed = {1: 0, args.updates: 0}
    scanner = Scanner(ScanSettings())
    for _ in range(args.repeat):
        start = time.perf_counter()
        for ref in refs:
            store.grid(ref)
        grid_times.append(time.perf_counter() - start)
        scanner.close()
        start = time.perf_counter()
        signals = scanner.scan(store)
        scan_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        scanner.refresh()
        idle_times.append(time.perf_counter() - start)
        for updates, times in ((1, one_times), (args.updates, many_times)):
            store.post_quotes(STREAM, None, [_moved(rng.choice(all_quotes), rng) for _ in range(updates)])
            start = time.perf_counter()
            scanner.refresh()
            times.append(time.perf_counter() - start)
            recomputed[updates] = scanner.recomputed
    same = _same(scanner.signals(), scan(store))
    grid_s, scan_s, idle_s = min(grid_times), min(scan_times), min(idle_times)
    one_s, many_s = min(one_times), min(many_times)
    by_kind: dict[str, int] = {}
    for signal in signals:
        by_kind[signal.kind.value] = by_kind.get(signal.kind.value, 0) + 1
    print(f"{len(refs)} fixtures, {len(BOOKS)} books, {store.quote_count():,} live quotes")
    print(f"signals: {len(signals):,} {by_kind}")
    print(f"baseline, Store.grid of every fixture: {grid_s * 1000:.0f} ms")
    print(f"first scan (every market): {scan_s * 1000:.0f} ms; ratio scan/grids {scan_s / grid_s:.2f}x")
    print(f"refresh, nothing changed: {idle_s * 1000:.3f} ms ({idle_s / grid_s:.5f}x the grids)")
    for updates, took in ((1, one_s), (args.updates, many_s)):
        print(
            f"refresh after {updates:,} price update{'s' if updates > 1 else ''} ({recomputed[updates]} markets "
            f"recomputed): {took * 1000:.2f} ms ({took / grid_s:.4f}x the grids)"
        )
    print(f"incremental signals equal a full rescan: {'yes' if same else 'NO'}")
    return 0 if same and many_s <= 0.5 else 1


def _same(incremental: list[Signal], full: list[Signal]) -> bool:
    """The same signals, whatever the order of equal edges."""
    return sorted(map(repr, incremental)) == sorted(map(repr, full))


def _moved(quote: Quote, rng: random.Random) -> Quote:
    """The same selection at a nearby price."""
    return msgspec.structs.replace(quote, decimal=max(1.01, quote.decimal * rng.uniform(0.97, 1.03)), seq=0)
