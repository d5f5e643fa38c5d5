"""Ingest benchmark: oddstui's OpticOdds pipeline against the provider's own sample consumer.

Both read the same simulator (`oddstui sim`, in its own process, at a firehose rate), one after
the other in the same run, for the same sport and books:

- baseline: the SSE guide's consumer (requests + sseclient-py + json) feeding the guide's dict cache;
- oddstui: `oddstui tail --provider opticodds --quiet --count N`: SSE parsing, normalization to
  quotes, the coalescing feed and the store, plus the results and Copilot streams it also runs.

The simulator serves each connection at a rate of its own, so wall-clock rates partly measure the
server. The figure compared is CPU time per quote update in the consumer's process.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Sequence

from oddstui.bench.sim import wait_for_port
from oddstui.sim.app import free_port

BOOKS = ("Pinnacle", "DraftKings", "FanDuel", "BetMGM", "Caesars")
TARGET = 2.5
SAMPLE_RUNNER = """
import sys, time
from oddstui.bench import opticodds_sample as sample
sample.BASE_URL = sys.argv[1]
limit = int(sys.argv[2])
odds_cache, locked_set = {}, set()
seen = {"events": 0, "quotes": 0}

def handle_odds_event(data):
    for odd in data["data"]:
        key = odd["id"]
        odds_cache[key] = odd
        locked_set.discard(key)
    count(data)

def handle_locked_event(data):
    for odd in data["data"]:
        locked_set.add(odd["id"])
    count(data)

def count(data):
    seen["events"] += 1
    seen["quotes"] += len(data["data"])
    if seen["events"] >= limit:
        raise KeyboardInterrupt

started = time.monotonic()
sample.stream_odds("basketball", sys.argv[3:], on_odds=handle_odds_event, on_locked=handle_locked_event)
print(f"sample: {seen['events']} events, {seen['quotes']} quote updates, in {time.monotonic() - started:.2f} s",
      file=sys.stderr)
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_consumer(command: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(CPU seconds, wall seconds, quote updates, stderr) of one consumer process."""
    cpu, wall = children_cpu(), time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    cpu, wall = children_cpu() - cpu, time.perf_counter() - wall
    summary = re.search(r"(\d+) quote updates", result.stderr)
    if result.returncode != 0 or summary is None:
        raise RuntimeError(f"{command[2:5]} failed: {result.stderr[-2000:]}")
    return cpu, wall, int(summary.group(1)), result.stderr


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m oddstui.bench ingest", description=__doc__)
    parser.add_argument("--events", type=int, default=6000, help="odds events each consumer reads")
    parser.add_argument("--rate", type=float, default=1_000_000.0)
    args = parser.parse_args(argv)

    port = free_port()
    base = f"http://127.0.0.1:{port}/opticodds/api/v3"
    server = subprocess.Popen([sys.executable, "-m", "oddstui", "sim", "--port", str(port), "--rate", str(args.rate),
                               "--fixtures-per-league", "8"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env |= {"OPTICODDS_API_KEY": "bench-key", "OPTICODDS_BASE_URL": base, "PYTHONUNBUFFERED": "1"}
    try:
        wait_for_port(f"http://127.0.0.1:{port}/oddsstream/api/sports")
        sample = run_consumer([sys.executable, "-c", SAMPLE_RUNNER, base, str(args.events), *BOOKS], env)
        books = [arg for book in BOOKS for arg in ("--book", book)]
        ours = run_consumer([sys.executable, "-m", "oddstui", "tail", "--provider", "opticodds", "--sport",
                             "basketball", *books, "--quiet", "--count", str(args.events)], env)
    finally:
        server.terminate()
        server.wait(10)
    sample_rate, our_rate = sample[2] / sample[0], ours[2] / ours[0]
    print(f"sample consumer (requests + sseclient-py + json + dict cache): {sample[2]:,} quote updates, "
          f"{sample[0]:.2f} CPU s ({sample[1]:.2f} s wall): {sample_rate:,.0f} updates per CPU second")
    print(f"oddstui tail --quiet (SSE, normalize, feed, store):          {ours[2]:,} quote updates, "
          f"{ours[0]:.2f} CPU s ({ours[1]:.2f} s wall): {our_rate:,.0f} updates per CPU second")
    ratio = our_rate / sample_rate
    print(f"ratio: {ratio:.2f}x (target >= {TARGET}x: {'met' if ratio >= TARGET else 'MISSED'})")
    return 0 if ratio >= TARGET else 1
