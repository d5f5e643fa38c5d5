"""Store benchmark: 1,000,000 price and lock updates on a store holding 200,000 live quotes."""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from array import array
from collections.abc import Sequence

from oddstui.bench.memory import rss_mb
from oddstui.history import LineHistory
from oddstui.model import OddsFormat, Quote
from oddstui.store import Store

BOOKS = ("Pinnacle", "DraftKings", "FanDuel", "BetMGM", "Caesars")
STREAM = "bench:odds"


def make_quote(fixture: int, book: str, selection: int, decimal: float) -> Quote:
    fixture_id = f"FX{fixture:06d}"
    return Quote(
        "bench",
        f"{fixture_id}:{book}:market{selection // 2}:sel{selection}",
        fixture_id,
        book,
        f"Market {selection // 2}",
        f"Selection {selection}",
        decimal,
        raw_format=OddsFormat.DECIMAL,
        stream=STREAM,
        group=str(selection // 2),
        is_main=True,
    )


def populate(store: Store, fixtures: int, per_fixture: int) -> int:
    """Load the live quotes; returns how many."""
    count = 0
    for fixture in range(fixtures):
        batch = [make_quote(fixture, book, sel, 1.5 + (sel % 7) / 10) for book in BOOKS for sel in range(per_fixture)]
        store.post_quotes(STREAM, None, batch)
        count += len(batch)
    return count


class _Unrecorded(LineHistory):
    """A history that records nothing: the same moves, for the memory they cost without a history."""

    def record(self, prev: Quote, quote: Quote, now: float) -> int:
        return -1


def move_every_price(store: Store, fixtures: int, per_fixture: int, rounds: int, shift: float) -> None:
    """Post a new price for every live quote, `rounds` times."""
    for round_ in range(rounds):
        for fixture in range(fixtures):
            price = shift + round_ / 100
            batch = [make_quote(fixture, b, sel, price + sel % 7 / 10) for b in BOOKS for sel in range(per_fixture)]
            store.post_quotes(STREAM, None, batch)


def history_cost(store: Store, fixtures: int, per_fixture: int, live: int) -> float:
    """RSS (MB) the line history adds, full to its caps: the same moves made without, then with it."""
    history = store.history
    rounds = -(-history.total // live)
    store.history = _Unrecorded(history.per_price, history.total)
    move_every_price(store, fixtures, per_fixture, rounds, 1.5)
    gc.collect()
    without = rss_mb()
    store.history = history
    move_every_price(store, fixtures, per_fixture, rounds, 2.0)
    gc.collect()
    cost = rss_mb() - without
    print(
        f"line history full to its caps ({rounds} moves of every price): {len(history):,} prices, "
        f"{history.entries:,} moves (caps: {history.per_price} per price, {history.total:,} in all): "
        f"RSS +{cost:.0f} MB over the same moves without it ({history_mb(history):.0f} MB by object sizes)"
    )
    return cost


def history_mb(history: LineHistory) -> float:
    """The history's own storage, by object sizes: its flat arrays."""
    return sum(sys.getsizeof(part) for part in vars(history).values() if isinstance(part, array | list)) / 1e6


def make_updates(n: int, fixtures: int, per_fixture: int, lock_share: float, seed: int) -> list[Quote]:
    rng = random.Random(seed)
    return [
        make_quote(rng.randrange(fixtures), rng.choice(BOOKS), rng.randrange(per_fixture), 1.2 + rng.random() * 3)
        for _ in range(n)
    ]


def time_store(store: Store, updates: list[Quote], batch: int, lock_every: int) -> float:
    start = time.perf_counter()
    for index, offset in enumerate(range(0, len(updates), batch)):
        chunk = updates[offset : offset + batch]
        if lock_every and index % lock_every == 0:
            store.lock_quotes(STREAM, None, chunk)
        else:
            store.post_quotes(STREAM, None, chunk)
    return time.perf_counter() - start


def time_dict(updates: list[Quote], table: dict[str, Quote]) -> float:
    start = time.perf_counter()
    for record in updates:
        table[record.key] = record
    return time.perf_counter() - start


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(prog="python -m oddstui.bench store")
    parser.add_argument("--updates", type=int, default=1_000_000)
    parser.add_argument("--fixtures", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=10, help="quotes per event, as an SSE `odds` event carries")
    parser.add_argument("--lock-every", type=int, default=10, help="every Nth event is a lock event")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    per_fixture = 200_000 // (args.fixtures * len(BOOKS))

    base_rss = rss_mb()
    store = Store()
    live = populate(store, args.fixtures, per_fixture)
    gc.collect()
    store_rss = rss_mb()
    print(f"live quotes: {live:,}  process RSS: {store_rss:.0f} MB (interpreter before loading: {base_rss:.0f} MB)")
    history_rss = history_cost(store, args.fixtures, per_fixture, live)

    updates = make_updates(args.updates, args.fixtures, per_fixture, 0.1, args.seed)
    baseline: dict[str, Quote] = {q.key: q for q in store.quotes()}
    store_times, dict_times = [], []
    for _ in range(args.repeat):
        gc.collect()
        dict_times.append(time_dict(updates, baseline))
        gc.collect()
        store_times.append(time_store(store, updates, args.batch, args.lock_every))
    store_s, dict_s = min(store_times), min(dict_times)
    ratio = store_s / dict_s
    print(f"updates: {args.updates:,} in events of {args.batch}, every {args.lock_every}th event a lock")
    print(f"store: {args.updates / store_s:,.0f} updates/s ({store_s:.3f} s)")
    print(f"plain dict loop: {args.updates / dict_s:,.0f} updates/s ({dict_s:.3f} s)")
    print(f"ratio store/dict: {ratio:.2f}x (target <= 4x)")
    print(f"RSS with {live:,} live quotes: {store_rss:.0f} MB, and {history_rss:.0f} MB more for their full history")
    print("(target <= 250 MB for the quotes; every timed update moves a price, so each one is recorded in the history)")
    return 0 if ratio <= 4 and store_rss <= 250 else 1
