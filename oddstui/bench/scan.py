"""Scan benchmark: every signal across a realistic market, against building the same fixtures' grids."""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence

import msgspec

from oddstui.model import Fixture, Quote
from oddstui.signals import Scanner, ScanSettings, Signal
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
        "--updates", type=int, default=100, help="price updates between two rescans (5,000/s at 50 ms refresh: 250)"
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
    grid_times, scan_times, warm_times, update_times = [], [], [], []
    signals: list[Signal] = []
    recomputed = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        for ref in refs:
            store.grid(ref)
        grid_times.append(time.perf_counter() - start)
        scanner = Scanner(ScanSettings())
        start = time.perf_counter()
        signals = scanner.scan(store)
        scan_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        scanner.scan(store)
        warm_times.append(time.perf_counter() - start)
        store.post_quotes(STREAM, None, [_moved(rng.choice(all_quotes), rng) for _ in range(args.updates)])
        start = time.perf_counter()
        scanner.scan(store)
        update_times.append(time.perf_counter() - start)
        recomputed = scanner.recomputed
    grid_s, scan_s, warm_s, update_s = min(grid_times), min(scan_times), min(warm_times), min(update_times)
    by_kind: dict[str, int] = {}
    for signal in signals:
        by_kind[signal.kind.value] = by_kind.get(signal.kind.value, 0) + 1
    print(f"{len(refs)} fixtures, {len(BOOKS)} books, {store.quote_count():,} live quotes")
    print(f"signals: {len(signals):,} {by_kind}")
    print(f"baseline, Store.grid of every fixture: {grid_s * 1000:.0f} ms")
    print(f"full scan: {scan_s * 1000:.0f} ms; ratio scan/grids {scan_s / grid_s:.2f}x")
    print(f"rescan, nothing changed: {warm_s * 1000:.1f} ms ({warm_s / grid_s:.3f}x the grids)")
    print(
        f"rescan after {args.updates:,} price updates ({recomputed} markets recomputed): {update_s * 1000:.0f} ms "
        f"({update_s / grid_s:.2f}x the grids)"
    )
    return 0 if update_s <= 0.5 else 1


def _moved(quote: Quote, rng: random.Random) -> Quote:
    """The same selection at a nearby price."""
    return msgspec.structs.replace(quote, decimal=max(1.01, quote.decimal * rng.uniform(0.97, 1.03)), seq=0)
